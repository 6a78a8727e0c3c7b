//! The bad-input corpus for what aispec reads: files outside the workspace, FIFOs, devices, sockets, huge files,
//! NUL bytes, and ids that are paths or Windows device names. Each case breaks the minimal workspace in one way,
//! runs one command under a watchdog (several of these once hung), and pins exit code and output.

use crate::support::TestRepo;

const SPEC: &str = "specialists/demo/specialist.toml";
const PROMPT: &str = "specialists/demo/system-prompt.md";
const TESTS: &str = "specialists/demo/tests.toml";
const KNOWLEDGE: &str = "specialists/demo/knowledge";

/// One way to break the workspace, the command that meets it, and the exit code it must give.
struct Case {
    name: &'static str,
    breaker: fn(&TestRepo),
    args: &'static [&'static str],
    code: i32,
}

const VALIDATE: &[&str] = &["validate"];

fn append(repo: &TestRepo, file: &str, extra: &str) {
    let text = repo.read(file);
    repo.write(file, format!("{text}{extra}"));
}

fn list_knowledge(repo: &TestRepo, name: &str) {
    append(
        repo,
        SPEC,
        &format!("\n[[knowledge]]\nfile = \"{name}\"\ndescription = \"Vejledning\"\n"),
    );
}

fn link(repo: &TestRepo, target: &str, rel: &str) {
    let path = repo.path().join(rel);
    if std::fs::symlink_metadata(&path).is_ok() {
        repo.remove(rel);
    }
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::os::unix::fs::symlink(target, path).expect("symlink");
}

fn fifo(repo: &TestRepo, rel: &str) {
    let path = repo.path().join(rel);
    if std::fs::symlink_metadata(&path).is_ok() {
        repo.remove(rel);
    }
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let status = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo");
    assert!(status.success(), "mkfifo {rel}");
}

fn sparse(repo: &TestRepo, rel: &str, bytes: u64) {
    repo.write(rel, "");
    let f = std::fs::File::options()
        .write(true)
        .open(repo.path().join(rel))
        .expect("open");
    f.set_len(bytes).expect("sparse file");
}

const CASES: &[Case] = &[
    Case {
        name: "knowledge_link_to_system_password_file",
        breaker: |r| {
            list_knowledge(r, "vejledning.md");
            link(r, "/etc/passwd", &format!("{KNOWLEDGE}/vejledning.md"));
        },
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "knowledge_folder_link_to_system_folder",
        breaker: |r| {
            list_knowledge(r, "vejledning.md");
            link(r, "/etc", KNOWLEDGE);
        },
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "knowledge_link_inside_workspace_is_fine",
        breaker: |r| {
            list_knowledge(r, "vejledning.md");
            r.write("docs/vejledning.md", "# Vejledning\n\nÅbent alle hverdage.\n");
            link(r, "../../../docs/vejledning.md", &format!("{KNOWLEDGE}/vejledning.md"));
        },
        args: VALIDATE,
        code: 0,
    },
    Case {
        name: "knowledge_fifo",
        breaker: |r| {
            list_knowledge(r, "vejledning.md");
            fifo(r, &format!("{KNOWLEDGE}/vejledning.md"));
        },
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "knowledge_socket",
        breaker: |r| {
            list_knowledge(r, "vejledning.md");
            std::fs::create_dir_all(r.path().join(KNOWLEDGE)).expect("mkdir");
            let socket = std::os::unix::net::UnixListener::bind(r.path().join(KNOWLEDGE).join("vejledning.md"));
            drop(socket.expect("socket"));
        },
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "knowledge_nul_byte",
        breaker: |r| {
            list_knowledge(r, "vejledning.md");
            r.write(
                &format!("{KNOWLEDGE}/vejledning.md"),
                "# Vejledning\n\nÅbent\0 alle dage.\n",
            );
        },
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "specialist_toml_fifo",
        breaker: |r| fifo(r, SPEC),
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "prompt_fifo",
        breaker: |r| fifo(r, PROMPT),
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "tests_toml_fifo",
        breaker: |r| fifo(r, TESTS),
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "prompt_link_to_zero_device",
        breaker: |r| link(r, "/dev/zero", PROMPT),
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "prompt_larger_than_the_limit",
        breaker: |r| sparse(r, PROMPT, 9 * 1024 * 1024),
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "prompt_nul_byte",
        breaker: |r| {
            r.write(PROMPT, "Du er en hjælpsom assistent.\nSvar\0 kort.\n");
        },
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "specialist_toml_nul_byte",
        breaker: |r| append(r, SPEC, "\n# kommentar\0\n"),
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "specialist_folder_link_outside",
        breaker: |r| link(r, "/etc", "specialists/ekstern"),
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "specialists_folder_link_outside",
        breaker: |r| {
            r.remove("specialists");
            link(r, "/etc", "specialists");
        },
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "screening_link_outside",
        breaker: |r| link(r, "/etc/passwd", "screenings/ekstern/screening.toml"),
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "journey_fifo",
        breaker: |r| fifo(r, "screenings/rejse/journey.toml"),
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "suite_link_outside",
        breaker: |r| link(r, "/etc/passwd", "suites/ekstern.toml"),
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "catalog_link_outside",
        breaker: |r| link(r, "/etc/passwd", "models.toml"),
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "config_fifo",
        breaker: |r| fifo(r, "aispec.toml"),
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "windows_device_name_as_id",
        breaker: |r| {
            std::fs::rename(r.path().join("specialists/demo"), r.path().join("specialists/con")).expect("mv");
            let spec = r
                .read("specialists/con/specialist.toml")
                .replacen("id = \"demo\"", "id = \"con\"", 1);
            r.write("specialists/con/specialist.toml", spec);
        },
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "screening_reference_is_a_path",
        breaker: |r| {
            let spec = r
                .read(SPEC)
                .replacen("tags = ", "screening = \"../../etc\"\ntags = ", 1);
            r.write(SPEC, spec);
        },
        args: VALIDATE,
        code: 1,
    },
    Case {
        name: "bump_path_traversal",
        breaker: |r| {
            // Without the id check, `specialists/../uden-for` is this folder beside specialists/.
            r.write("uden-for/specialist.toml", "id = \"uden-for\"\nversion = \"1.0.0\"\n");
        },
        args: &["bump", "../uden-for", "minor"],
        code: 2,
    },
    Case {
        name: "bump_absolute_path",
        breaker: |_| {},
        args: &["bump", "/etc", "major"],
        code: 2,
    },
    Case {
        name: "approve_windows_device_name",
        breaker: |_| {},
        args: &[
            "approve",
            "specialist",
            "nul",
            "--role",
            "faglig-systemejer",
            "--by",
            "A",
        ],
        code: 2,
    },
    Case {
        name: "new_with_path_id",
        breaker: |_| {},
        args: &["new", "../ud", "--from", "demo"],
        code: 2,
    },
    Case {
        name: "log_with_path_id",
        breaker: |_| {},
        args: &["log", "specialists/demo"],
        code: 2,
    },
    Case {
        name: "screen_id_is_a_device_name",
        breaker: |r| {
            r.write("a.toml", "[answers]\n");
        },
        args: &["screen", "--answers", "a.toml", "--id", "com1"],
        code: 2,
    },
    Case {
        name: "answers_fifo",
        breaker: |r| fifo(r, "svar.toml"),
        args: &["screen", "--answers", "svar.toml"],
        code: 2,
    },
    Case {
        name: "answers_zero_device",
        breaker: |_| {},
        args: &["screen", "--answers", "/dev/zero"],
        code: 2,
    },
    Case {
        name: "answers_larger_than_the_limit",
        breaker: |r| sparse(r, "svar.toml", 2 * 1024 * 1024),
        args: &["screen", "--answers", "svar.toml"],
        code: 2,
    },
    Case {
        name: "journey_answers_link_outside",
        breaker: |r| link(r, "/etc/passwd", "rejse.toml"),
        args: &["journey", "demo", "--answers", "rejse.toml"],
        code: 2,
    },
    Case {
        name: "status_with_fifo_knowledge",
        breaker: |r| {
            list_knowledge(r, "vejledning.md");
            fifo(r, &format!("{KNOWLEDGE}/vejledning.md"));
        },
        args: &["status"],
        code: 0,
    },
    Case {
        name: "diff_with_fifo_knowledge",
        breaker: |r| {
            list_knowledge(r, "vejledning.md");
            fifo(r, &format!("{KNOWLEDGE}/vejledning.md"));
        },
        args: &["diff", "--base", "HEAD"],
        code: 2,
    },
    Case {
        name: "approve_with_knowledge_outside",
        breaker: |r| {
            list_knowledge(r, "vejledning.md");
            link(r, "/etc/passwd", &format!("{KNOWLEDGE}/vejledning.md"));
        },
        args: &[
            "approve",
            "specialist",
            "demo",
            "--role",
            "faglig-systemejer",
            "--by",
            "A",
        ],
        code: 1,
    },
];

#[test]
fn corpus_of_file_and_id_cases_is_large_enough() {
    assert!(CASES.len() >= 30, "{} cases", CASES.len());
}

#[test]
fn every_bad_file_or_id_gets_a_clear_answer() {
    for case in CASES {
        let repo = TestRepo::fixture("minimal");
        (case.breaker)(&repo);
        let run = repo.run_bounded(case.args);
        assert_eq!(
            run.code, case.code,
            "{}: exit {}\n--- stdout\n{}\n--- stderr\n{}",
            case.name, run.code, run.stdout, run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}: {}", case.name, run.stderr);
        insta::assert_snapshot!(format!("corpus_{}", case.name), repo.render(&run));
    }
}
