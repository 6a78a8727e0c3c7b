//! A workspace wired to the test Open WebUI: unique workspace name and specialist ids per test, specialists
//! written and approved in a few lines, and `aispec` run with the builder's API key.
#![allow(dead_code)]

use std::path::Path;

use aispec::model::specialist::Specialist;
use aispec::signoff::{Content, content_hash};

use crate::openwebui::{Api, server};
use crate::support::{Run, TestRepo, repo_root};

/// Environment variable holding the API key in test workspaces.
pub const KEY_ENV: &str = "AISPEC_TEST_KEY";

/// One specialist to write.
#[derive(Debug, Clone)]
pub struct Spec<'a> {
    /// Display name.
    pub name: &'a str,
    /// Version.
    pub version: &'a str,
    /// `access.groups` entries.
    pub groups: &'a [&'a str],
    /// The system prompt.
    pub prompt: &'a str,
    /// Tags.
    pub tags: &'a [&'a str],
    /// Knowledge files (path under knowledge/, content).
    pub knowledge: &'a [(&'a str, &'a str)],
    /// The screening id.
    pub screening: Option<&'a str>,
}

impl Default for Spec<'_> {
    fn default() -> Self {
        Spec {
            name: "Testassistent",
            version: "1.0.0",
            groups: &["alle"],
            prompt: "Du er en hjælpsom assistent for medarbejdere i Testkommune. Svar kort og præcist på dansk.\n",
            tags: &["test"],
            knowledge: &[],
            screening: None,
        }
    }
}

/// A test workspace deploying to the shared server (or a proxy in front of it).
pub struct DeployRepo {
    /// The workspace.
    pub repo: TestRepo,
    /// Prefix of every id and of the workspace name.
    pub tag: String,
    /// Target URL.
    pub url: String,
    /// API key used.
    pub key: String,
}

impl DeployRepo {
    /// A workspace named after `tag`, deploying to the server as the builder.
    pub fn new(tag: &str) -> Self {
        let s = server();
        Self::with(tag, &s.url, &s.builder_key)
    }

    /// A workspace deploying to `url` with `key`.
    pub fn with(tag: &str, url: &str, key: &str) -> Self {
        let repo = TestRepo::empty();
        let d = DeployRepo {
            repo,
            tag: tag.to_owned(),
            url: url.to_owned(),
            key: key.to_owned(),
        };
        d.write_config(&format!("ws-{tag}"), url);
        d.repo.write(
            "models.toml",
            std::fs::read(repo_root().join("models.toml")).expect("models.toml"),
        );
        git2::Repository::init(d.repo.path()).expect("git init");
        d
    }

    /// Rewrites `aispec.toml` with this workspace name and target URL.
    pub fn write_config(&self, workspace: &str, url: &str) {
        self.repo.write(
            "aispec.toml",
            format!(
                r#"[workspace]
name = "{workspace}"

[signoff]
required_roles = ["faglig-systemejer"]
# These tests are about deploying; the screening gate has its own tests.
require_screening = false

[groups]
alle = "Alle medarbejdere"
ledere = "Ledere"

[targets.test]
url = "{url}"
api_key_env = "{KEY_ENV}"
timeout_secs = 60
"#
            ),
        );
    }

    /// The id for a short name: `<tag>-<name>`.
    pub fn id(&self, name: &str) -> String {
        format!("{}-{name}", self.tag)
    }

    /// Writes specialist `<tag>-<name>` (not approved); returns its id.
    pub fn add(&self, name: &str, spec: &Spec<'_>) -> String {
        let id = self.id(name);
        let dir = format!("specialists/{id}");
        let groups: Vec<String> = spec.groups.iter().map(|g| format!("\"{g}\"")).collect();
        let tags: Vec<String> = spec.tags.iter().map(|g| format!("\"{g}\"")).collect();
        let mut toml = format!(
            r#"id = "{id}"
name = "{name}"
kind = "assistent"
version = "{version}"
description = "En assistent, der bruges i aispecs tests."
base_model = "mistral-small-3.2-24b"
tags = [{tags}]
notice = "Skriv ikke personoplysninger i chatten."
{screening}
[owner]
department = "Digitalisering"
contact = "Builder-gruppen"

[params]
temperature = 0.2
max_tokens = 1024

[[suggestion_prompts]]
title = "Eksempel"
text = "Hvad kan du hjælpe med?"

[access]
groups = [{groups}]
"#,
            name = spec.name,
            version = spec.version,
            tags = tags.join(", "),
            groups = groups.join(", "),
            screening = spec
                .screening
                .map(|s| format!("screening = \"{s}\"\n"))
                .unwrap_or_default(),
        );
        for (file, _) in spec.knowledge {
            toml.push_str(&format!(
                "\n[[knowledge]]\nfile = \"{file}\"\ndescription = \"Testviden.\"\n"
            ));
        }
        self.repo.write(&format!("{dir}/specialist.toml"), toml);
        self.repo.write(&format!("{dir}/system-prompt.md"), spec.prompt);
        for (file, content) in spec.knowledge {
            self.repo.write(&format!("{dir}/knowledge/{file}"), content);
        }
        id
    }

    /// Writes and approves specialist `<tag>-<name>`; returns its id.
    pub fn add_approved(&self, name: &str, spec: &Spec<'_>) -> String {
        let id = self.add(name, spec);
        self.approve(&id);
        id
    }

    /// Adds a `faglig-systemejer` sign-off for the specialist's current content (as `aispec approve` would).
    pub fn approve(&self, id: &str) {
        self.sign(id, "faglig-systemejer");
    }

    /// Adds a sign-off by `role` for the specialist's current content.
    pub fn sign(&self, id: &str, role: &str) {
        let hash = self.content_hash(id);
        let rel = format!("specialists/{id}/specialist.toml");
        let mut text = self.repo.read(&rel);
        text.push_str(&format!(
            "\n[[signoffs]]\nrole = \"{role}\"\nby = \"Fagperson\"\nat = \"2026-01-01T00:00:00Z\"\ncontent_hash = \"{hash}\"\n"
        ));
        self.repo.write(&rel, text);
    }

    /// The content hash of a specialist folder, computed from the files.
    pub fn content_hash(&self, id: &str) -> String {
        let dir = self.repo.path().join("specialists").join(id);
        let spec: Specialist =
            toml::from_str(&std::fs::read_to_string(dir.join("specialist.toml")).expect("spec")).expect("toml");
        let prompt = std::fs::read_to_string(dir.join("system-prompt.md")).unwrap_or_default();
        let mut knowledge = Vec::new();
        collect(&dir.join("knowledge"), "", &mut knowledge);
        let profile_image = spec
            .profile_image
            .as_deref()
            .and_then(aispec::profile_image::file_name)
            .and_then(|name| std::fs::read(dir.join(name)).ok());
        content_hash(&Content {
            spec: &spec,
            prompt: &prompt,
            knowledge,
            profile_image,
        })
    }

    /// Runs aispec with the key in the environment.
    pub fn run(&self, args: &[&str]) -> Run {
        self.repo.run_with(args, &[(KEY_ENV, &self.key)])
    }

    /// Runs aispec with extra environment.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut all = vec![(KEY_ENV, self.key.as_str())];
        all.extend_from_slice(env);
        self.repo.run_with(args, &all)
    }

    /// `plan --format json`, parsed.
    pub fn plan(&self, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["plan", "--target", "test", "--format", "json"];
        args.extend_from_slice(extra);
        let run = self.run(&args);
        run.expect_code(0);
        run.json()
    }

    /// `deploy --yes --format json`, expecting exit 0, parsed.
    pub fn deploy(&self, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["deploy", "--target", "test", "--yes", "--format", "json"];
        args.extend_from_slice(extra);
        let run = self.run(&args);
        run.expect_code(0);
        run.json()
    }

    /// The action planned for an id.
    pub fn action(plan: &serde_json::Value, id: &str) -> String {
        plan["items"]
            .as_array()
            .and_then(|items| items.iter().find(|i| i["id"] == id))
            .map(|i| i["action"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_else(|| format!("(not in plan: {plan})"))
    }

    /// A client with the repo's key.
    pub fn api(&self) -> Api {
        Api::new(&server().url, &self.key)
    }
}

fn collect(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        if e.path().is_dir() {
            collect(&e.path(), &rel, out);
        } else {
            out.push((rel, std::fs::read(e.path()).expect("read")));
        }
    }
}
