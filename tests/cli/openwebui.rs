//! A real Open WebUI 0.12.4 for the deploy tests: started once per test binary (offline, fresh data folder),
//! with an admin, an admin API key, groups, and a non-admin builder whose group grants workspace and sharing
//! permissions — the way Aarhus runs. A guard process stops the server when this process exits, even on panic.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Open WebUI version the tests run against.
pub const VERSION: &str = "0.12.4";
/// Base models the stub LLM serves and specialists may use.
pub const BASE_MODELS: &[&str] = &["mistral-small-3.2-24b", "gpt-oss-120b", "azure-gpt-4.1"];
/// Group the builder belongs to; grants workspace and sharing permissions.
pub const BUILDERS: &str = "Builders";
/// Groups specialists share with in the tests.
pub const GROUPS: &[&str] = &["Alle medarbejdere", "Ledere"];
/// A name two groups share (ambiguity test).
pub const AMBIGUOUS: &str = "Dobbelt";

const ADMIN_EMAIL: &str = "admin@example.org";
const ADMIN_PASSWORD: &str = "Admin-Passw0rd!";
const BUILDER_EMAIL: &str = "builder@example.org";
const BUILDER_PASSWORD: &str = "Builder-Passw0rd!";

/// The running server and the keys the tests use.
pub struct Server {
    /// Base URL.
    pub url: String,
    /// An admin's API key.
    pub admin_key: String,
    /// The builder's API key (what CI uses).
    pub builder_key: String,
    /// Group name → id (the ambiguous name maps to one of its two ids).
    pub groups: BTreeMap<String, String>,
    /// Origin of the stub LLM Open WebUI talks to (`http://127.0.0.1:PORT`, without `/v1`).
    pub stub: String,
    /// Keep the guards' stdin open; when this process ends the pipes close and the guards stop the processes.
    _guards: Mutex<Vec<(Child, ChildStdin)>>,
}

static SERVER: OnceLock<Server> = OnceLock::new();

/// Held by a test while it shares a model with every user, and by a test while it counts the models a user
/// sees, so a count never catches a public model appearing halfway.
pub fn everyone_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The shared server, started on first use.
pub fn server() -> &'static Server {
    SERVER.get_or_init(start)
}

/// The venv Open WebUI is installed in.
pub fn venv() -> PathBuf {
    if let Some(v) = std::env::var_os("AISPEC_OPEN_WEBUI_VENV") {
        return PathBuf::from(v);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .expect("HOME or XDG_CACHE_HOME must be set to find the Open WebUI cache");
    cache.join("aispec").join(format!("open-webui-{VERSION}"))
}

fn ensure_installed() -> PathBuf {
    let bin = venv().join("bin").join("open-webui");
    if !bin.exists() {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("scripts")
            .join("setup-open-webui.sh");
        let status = Command::new("sh").arg(&script).status();
        assert!(
            bin.exists(),
            "Open WebUI {VERSION} is not installed at {} and installing it failed ({status:?}); \
             run scripts/setup-open-webui.sh",
            venv().display()
        );
    }
    bin
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// The shell guard: runs a command in its own process group, waits for stdin to close, then stops it and
/// removes the folder in `AISPEC_OWUI_DIR` (if any).
const GUARD: &str = r#"
setsid "$@" >"$AISPEC_OWUI_LOG" 2>&1 &
pid=$!
cat >/dev/null
kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
[ -n "$AISPEC_OWUI_DIR" ] && rm -rf "$AISPEC_OWUI_DIR"
"#;

/// A process under the guard: the child (the shell) and the pipe whose closing stops it.
type Guarded = (Child, ChildStdin);

/// Starts `program args` under the guard with `env`, output to `log`.
fn spawn_guarded(
    program: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
    log: &std::path::Path,
    cleanup: Option<&std::path::Path>,
) -> Guarded {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(GUARD)
        .arg("aispec-test-guard")
        .arg(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .env("AISPEC_OWUI_LOG", log)
        .env(
            "AISPEC_OWUI_DIR",
            cleanup.map(|p| p.as_os_str().to_owned()).unwrap_or_default(),
        );
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("start {} under the guard (sh): {e}", program.display()));
    let stdin = child.stdin.take().expect("guard stdin");
    (child, stdin)
}

fn wait_port(port: u16, child: &mut Child, log: &std::path::Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the stub LLM exited during start ({status}):\n{}", tail(log));
        }
        assert!(Instant::now() < deadline, "the stub LLM did not listen:\n{}", tail(log));
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn start() -> Server {
    let bin = ensure_installed();
    let dir = tempfile::Builder::new()
        .prefix("aispec-owui-")
        .tempdir()
        .expect("tempdir")
        .keep();
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("data dir");

    let stub_port = free_port();
    let stub = format!("http://127.0.0.1:{stub_port}");
    let stub_log = dir.join("stub.log");
    let models = BASE_MODELS.join(",");
    let mut stub_guard = spawn_guarded(
        std::path::Path::new(env!("CARGO_BIN_EXE_aispec-stub-llm")),
        &["--port", &stub_port.to_string(), "--models", &models],
        &[],
        &stub_log,
        None,
    );
    wait_port(stub_port, &mut stub_guard.0, &stub_log);
    let llm = format!("{stub}/v1");

    let log = dir.join("server.log");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let port_text = port.to_string();
    let env: Vec<(&str, &str)> = vec![
        ("DATA_DIR", data.to_str().expect("utf-8 temp path")),
        ("OFFLINE_MODE", "true"),
        ("HF_HUB_OFFLINE", "1"),
        ("WEBUI_SECRET_KEY", "aispec-test-secret"),
        ("WEBUI_ADMIN_EMAIL", ADMIN_EMAIL),
        ("WEBUI_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("WEBUI_ADMIN_NAME", "Admin"),
        ("ENABLE_API_KEYS", "true"),
        ("ENABLE_OLLAMA_API", "false"),
        ("ENABLE_OPENAI_API", "true"),
        ("OPENAI_API_BASE_URL", &llm),
        ("OPENAI_API_KEY", "stub-key"),
        ("RAG_EMBEDDING_ENGINE", "openai"),
        ("RAG_OPENAI_API_BASE_URL", &llm),
        ("RAG_OPENAI_API_KEY", "stub-key"),
        ("BYPASS_EMBEDDING_AND_RETRIEVAL", "true"),
        ("ENABLE_VERSION_UPDATE_CHECK", "false"),
        ("ANONYMIZED_TELEMETRY", "false"),
        ("DO_NOT_TRACK", "true"),
        ("SCARF_NO_ANALYTICS", "true"),
        ("USER_AGENT", "aispec-tests"),
    ];
    let mut server_guard = spawn_guarded(
        &bin,
        &["serve", "--host", "127.0.0.1", "--port", &port_text],
        &env,
        &log,
        Some(&dir),
    );
    wait_healthy(&url, &mut server_guard.0, &log);
    let mut server = Server {
        url,
        admin_key: String::new(),
        builder_key: String::new(),
        groups: BTreeMap::new(),
        stub,
        _guards: Mutex::new(vec![stub_guard, server_guard]),
    };
    provision(&mut server);
    server
}

fn wait_healthy(url: &str, child: &mut Child, log: &std::path::Path) {
    // A bound on a hung start, not a timing assertion: a cold start takes 25–90 s on a busy machine.
    let deadline = Instant::now() + Duration::from_secs(900);
    let client = http::blocking();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("Open WebUI exited during start ({status}):\n{}", tail(log));
        }
        if client.get_status(&format!("{url}/health")) == Some(200) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "Open WebUI did not become healthy:\n{}",
            tail(log)
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn tail(log: &std::path::Path) -> String {
    let mut s = String::new();
    let _ = std::fs::File::open(log).and_then(|mut f| f.read_to_string(&mut s));
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

fn provision(s: &mut Server) {
    let api = http::blocking();
    let admin_token = api.signin(&s.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    s.admin_key = api.post(&s.url, &admin_token, "/api/v1/auths/api_key", &json!({}))["api_key"]
        .as_str()
        .expect("admin api key")
        .to_owned();
    let admin = Api::new(&s.url, &s.admin_key);
    let builders = admin.post(
        "/api/v1/groups/create",
        &json!({
            "name": BUILDERS,
            "description": "Decentral builders of specialists",
            "permissions": {
                "workspace": {"models": true, "knowledge": true, "models_import": true, "models_export": true},
                "sharing": {"models": true, "knowledge": true},
                "access_grants": {"allow_groups": true},
                "features": {"api_keys": true}
            }
        }),
    )["id"]
        .as_str()
        .expect("group id")
        .to_owned();
    let mut group_ids = vec![builders.clone()];
    s.groups.insert(BUILDERS.to_owned(), builders);
    for name in GROUPS.iter().chain([AMBIGUOUS, AMBIGUOUS].iter()) {
        let id = admin.post(
            "/api/v1/groups/create",
            &json!({"name": name, "description": format!("{name} (test)")}),
        )["id"]
            .as_str()
            .expect("group id")
            .to_owned();
        s.groups.insert((*name).to_owned(), id.clone());
        group_ids.push(id);
    }
    let builder = admin.post(
        "/api/v1/auths/add",
        &json!({"name": "Builder", "email": BUILDER_EMAIL, "password": BUILDER_PASSWORD, "role": "user"}),
    );
    let builder_id = builder["id"].as_str().expect("builder id").to_owned();
    for g in &group_ids {
        admin.post(
            &format!("/api/v1/groups/id/{g}/users/add"),
            &json!({"user_ids": [builder_id]}),
        );
    }
    // Base models need a row with read access, or non-admins may not chat with specialists built on them.
    let all = &s.groups["Alle medarbejdere"];
    for base in BASE_MODELS {
        admin.post(
            "/api/v1/models/model/access/update",
            &json!({"id": base, "name": base,
                    "access_grants": [{"principal_type": "group", "principal_id": all, "permission": "read"}]}),
        );
    }
    let builder_token = api.signin(&s.url, BUILDER_EMAIL, BUILDER_PASSWORD);
    s.builder_key = api.post(&s.url, &builder_token, "/api/v1/auths/api_key", &json!({}))["api_key"]
        .as_str()
        .expect("builder api key")
        .to_owned();
}

impl Server {
    /// A new non-admin builder in the Builders group only (it sees only its own models); returns its API key.
    pub fn new_builder(&self, name: &str) -> String {
        let admin = Api::new(&self.url, &self.admin_key);
        let email = format!("{name}@example.org");
        let user = admin.post(
            "/api/v1/auths/add",
            &json!({"name": name, "email": email, "password": BUILDER_PASSWORD, "role": "user"}),
        );
        let user_id = user["id"].as_str().expect("user id");
        admin.post(
            &format!("/api/v1/groups/id/{}/users/add", self.groups[BUILDERS]),
            &json!({"user_ids": [user_id]}),
        );
        let api = http::blocking();
        let token = api.signin(&self.url, &email, BUILDER_PASSWORD);
        api.post(&self.url, &token, "/api/v1/auths/api_key", &json!({}))["api_key"]
            .as_str()
            .expect("api key")
            .to_owned()
    }
}

/// A small JSON client for arranging and inspecting server state in tests.
pub struct Api {
    base: String,
    key: String,
}

impl Api {
    /// A client with this key.
    pub fn new(base: &str, key: &str) -> Self {
        Api {
            base: base.to_owned(),
            key: key.to_owned(),
        }
    }

    /// GET, expecting success.
    pub fn get(&self, path: &str) -> Value {
        http::blocking().request("GET", &self.base, &self.key, path, None).1
    }

    /// POST, expecting success.
    pub fn post(&self, path: &str, body: &Value) -> Value {
        http::blocking().post(&self.base, &self.key, path, body)
    }

    /// Any request; returns status and body.
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        http::blocking().try_request(method, &self.base, &self.key, path, body)
    }

    /// A model by id, or `None`.
    pub fn model(&self, id: &str) -> Option<Value> {
        let (code, v) = self.call("GET", &format!("/api/v1/models/model?id={id}"), None);
        (code == 200).then_some(v)
    }

    /// Every model the key sees.
    pub fn models(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for page in 1.. {
            let v = self.get(&format!("/api/v1/models/list?page={page}"));
            let items = v["items"].as_array().cloned().unwrap_or_default();
            if items.is_empty() {
                break;
            }
            out.extend(items);
        }
        out
    }

    /// Every knowledge base the key sees.
    pub fn knowledge_bases(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for page in 1.. {
            let v = self.get(&format!("/api/v1/knowledge/?page={page}"));
            let items = v["items"].as_array().cloned().unwrap_or_default();
            if items.is_empty() {
                break;
            }
            out.extend(items);
        }
        out
    }
}

/// Blocking HTTP on a private runtime (the tests are synchronous).
mod http {
    use serde_json::Value;

    pub struct Blocking {
        rt: tokio::runtime::Runtime,
        http: ::reqwest::Client,
    }

    pub fn blocking() -> Blocking {
        Blocking {
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
            http: ::reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(120))
                .build()
                .expect("client"),
        }
    }

    impl Blocking {
        pub fn get_status(&self, url: &str) -> Option<u16> {
            self.rt
                .block_on(async { self.http.get(url).send().await.ok().map(|r| r.status().as_u16()) })
        }

        pub fn try_request(
            &self,
            method: &str,
            base: &str,
            key: &str,
            path: &str,
            body: Option<&Value>,
        ) -> (u16, Value) {
            self.rt.block_on(async {
                let method = ::reqwest::Method::from_bytes(method.as_bytes()).expect("method");
                let mut req = self.http.request(method, format!("{base}{path}")).bearer_auth(key);
                if let Some(b) = body {
                    req = req.json(b);
                }
                let resp = req.send().await.unwrap_or_else(|e| panic!("{path}: {e}"));
                let code = resp.status().as_u16();
                let text = resp.text().await.unwrap_or_default();
                (code, serde_json::from_str(&text).unwrap_or(Value::String(text)))
            })
        }

        pub fn request(&self, method: &str, base: &str, key: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
            let (code, v) = self.try_request(method, base, key, path, body);
            assert!((200..300).contains(&code), "{method} {path} → {code}: {v}");
            (code, v)
        }

        pub fn post(&self, base: &str, key: &str, path: &str, body: &Value) -> Value {
            self.request("POST", base, key, path, Some(body)).1
        }

        pub fn signin(&self, base: &str, email: &str, password: &str) -> String {
            let v = self.post(
                base,
                "",
                "/api/v1/auths/signin",
                &serde_json::json!({"email": email, "password": password}),
            );
            v["token"].as_str().expect("token").to_owned()
        }
    }
}
