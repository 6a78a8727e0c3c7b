//! Plan and deploy timings against a local Open WebUI 0.12.4 for 10, 100 and 300 specialists.
//!
//!     cargo bench --bench deploy                      # sizes 10, 100, 300
//!     AISPEC_BENCH_SIZES=10,50 cargo bench --bench deploy
//!
//! Starts the same server as the deploy tests (installing it first if needed), gives every size its own
//! builder and workspace, and prints a Markdown table: the first plan and deploy (all creates), a plan and
//! deploy with nothing to do, and a plan and deploy after every prompt changed (all updates).
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

#[path = "../tests/cli/openwebui.rs"]
mod openwebui;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use aispec::model::specialist::Specialist;
use aispec::signoff::{Content, content_hash};

const KEY_ENV: &str = "AISPEC_BENCH_KEY";

fn main() {
    let sizes: Vec<usize> = std::env::var("AISPEC_BENCH_SIZES")
        .unwrap_or_else(|_| "10,100,300".to_owned())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    eprintln!("starting Open WebUI…");
    let started = Instant::now();
    let server = openwebui::server();
    eprintln!("ready in {:.1} s", started.elapsed().as_secs_f64());
    println!(
        "| specialists | plan (create) | deploy (create) | plan (no changes) | deploy (no changes) | plan (update) | deploy (update) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for n in sizes {
        let key = server.new_builder(&format!("bench-{n}"));
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path();
        write_workspace(ws, &server.url, n);
        for i in 0..n {
            write_specialist(ws, &format!("bench{n}-s{i:03}"), "Du er en hjælpsom assistent.\n");
        }
        let plan_create = repeat(RUNS, || time(ws, &key, &["plan", "--target", "bench"]));
        // A model can be created only once, so this one is a single run.
        let deploy_create = vec![time(ws, &key, &["deploy", "--target", "bench", "--yes", "--jobs", "8"])];
        let plan_same = repeat(RUNS, || time(ws, &key, &["plan", "--target", "bench"]));
        let deploy_same = repeat(RUNS, || time(ws, &key, &["deploy", "--target", "bench", "--yes"]));
        // Updates alternate between two prompts so every round really changes every specialist.
        let mut plan_update = Vec::new();
        let mut deploy_update = Vec::new();
        for round in 0..UPDATE_ROUNDS {
            let prompt = if round % 2 == 0 {
                "Du er en hjælpsom og venlig assistent.\n"
            } else {
                "Du er en hjælpsom assistent.\n"
            };
            for i in 0..n {
                write_specialist(ws, &format!("bench{n}-s{i:03}"), prompt);
            }
            plan_update.push(time(ws, &key, &["plan", "--target", "bench"]));
            deploy_update.push(time(ws, &key, &["deploy", "--target", "bench", "--yes", "--jobs", "8"]));
        }
        println!(
            "| {n} | {} | {} | {} | {} | {} | {} |",
            summary(&plan_create),
            summary(&deploy_create),
            summary(&plan_same),
            summary(&deploy_same),
            summary(&plan_update),
            summary(&deploy_update)
        );
    }
    println!(
        "\nMedian (min–max) of {RUNS} runs; updates over {UPDATE_ROUNDS} rounds; the first deploy is a single run."
    );
}

/// Repetitions of the read-only and idempotent measurements.
const RUNS: usize = 5;
/// Rounds of all-specialists-changed updates.
const UPDATE_ROUNDS: usize = 3;

fn repeat(n: usize, mut f: impl FnMut() -> Duration) -> Vec<Duration> {
    (0..n).map(|_| f()).collect()
}

fn summary(times: &[Duration]) -> String {
    let mut sorted = times.to_vec();
    sorted.sort();
    let median = sorted[sorted.len() / 2];
    if sorted.len() == 1 {
        return secs(median);
    }
    format!(
        "{} ({:.2}–{:.2})",
        secs(median),
        sorted[0].as_secs_f64(),
        sorted[sorted.len() - 1].as_secs_f64()
    )
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn time(ws: &Path, key: &str, args: &[&str]) -> Duration {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_aispec"))
        .args(args)
        .arg("--quiet")
        .current_dir(ws)
        .env(KEY_ENV, key)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    assert!(
        out.status.success(),
        "aispec {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

fn write_workspace(ws: &Path, url: &str, n: usize) {
    std::fs::write(
        ws.join("aispec.toml"),
        format!(
            "[workspace]\nname = \"bench-{n}\"\n\n[targets.bench]\nurl = \"{url}\"\napi_key_env = \"{KEY_ENV}\"\ntimeout_secs = 120\n"
        ),
    )
    .unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("models.toml"),
        ws.join("models.toml"),
    )
    .unwrap();
}

fn write_specialist(ws: &Path, id: &str, prompt: &str) {
    let dir = ws.join("specialists").join(id);
    std::fs::create_dir_all(&dir).unwrap();
    let toml = format!(
        "id = \"{id}\"\nname = \"Bench {id}\"\nkind = \"assistent\"\nversion = \"1.0.0\"\n\
         description = \"Et målepunkt.\"\nbase_model = \"mistral-small-3.2-24b\"\n\
         notice = \"Skriv ikke personoplysninger.\"\n\n[owner]\ndepartment = \"Bench\"\ncontact = \"Bench\"\n"
    );
    std::fs::write(dir.join("system-prompt.md"), prompt).unwrap();
    let spec: Specialist = toml::from_str(&toml).unwrap();
    let hash = content_hash(&Content {
        spec: &spec,
        prompt,
        knowledge: Vec::new(),
        profile_image: None,
    });
    std::fs::write(
        dir.join("specialist.toml"),
        format!(
            "{toml}\n[[signoffs]]\nrole = \"faglig-systemejer\"\nby = \"Bench\"\nat = \"2026-01-01T00:00:00Z\"\ncontent_hash = \"{hash}\"\n"
        ),
    )
    .unwrap();
}
