//! `-h` at 80 columns: the footer is the examples without their comments, never a 100-column text that clap
//! breaks into ragged lines; `--help` keeps the whole text.

use crate::assert_run_snapshot;
use crate::support::TestRepo;

/// Every command path (`["knowledge", "fetch"]`), from the same command tree the binary parses with.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: &[String], out: &mut Vec<Vec<String>>) {
        out.push(path.to_vec());
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = path.to_vec();
            p.push(sub.get_name().to_owned());
            walk(sub, &p, out);
        }
    }
    let mut out = Vec::new();
    walk(&aispec::cli::command(), &[], &mut out);
    out
}

#[test]
fn short_help_fits_80_columns_for_every_command() {
    let repo = TestRepo::empty();
    let paths = command_paths();
    assert!(paths.len() > 20, "{paths:?}");
    for path in paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("-h");
        let run = repo.run_with(&args, &[("COLUMNS", "80")]);
        run.expect_code(0);
        for line in run.stdout.lines() {
            assert!(
                line.chars().count() <= 80,
                "`aispec {}` has a line wider than 80 columns:\n{line}\n---\n{}",
                args.join(" "),
                run.stdout
            );
        }
        let footer = run.stdout.split("\nExamples:\n").nth(1).unwrap_or_default();
        let mut continues = false;
        for line in footer.lines().take_while(|l| !l.is_empty()) {
            assert!(
                line.starts_with("  ") && (line.contains("aispec") || continues),
                "`aispec {}`: a footer line was broken:\n{line}\n---\n{}",
                args.join(" "),
                run.stdout
            );
            continues = line.ends_with('\\');
        }
    }
}

#[test]
fn short_help_snapshots_at_80_columns() {
    let repo = TestRepo::empty();
    for args in [vec!["-h"], vec!["status", "-h"], vec!["knowledge", "fetch", "-h"]] {
        let run = repo.run_with(&args, &[("COLUMNS", "80")]);
        let name = format!("short_help_{}", args[..args.len() - 1].join("_"));
        assert_run_snapshot!(name, repo, run);
    }
    let long = repo.run_with(&["status", "--help"], &[("COLUMNS", "100")]);
    assert!(long.stdout.contains("Exit codes: 0 shown"), "{}", long.stdout);
}
