//! Connecting to a target from `aispec.toml` and reading what it holds.

use std::time::Duration;

use super::client::{self, Client};
use super::error::ApiError;
use super::types::{Group, LiveModel};
use crate::error::UserError;
use crate::model::config::Target;
use crate::secrets::Secret;
use crate::workspace::Workspace;

/// A target from `aispec.toml` with an authenticated client.
#[derive(Debug, Clone)]
pub struct Connection {
    /// Target name.
    pub name: String,
    /// Its settings.
    pub target: Target,
    /// The client.
    pub client: Client,
}

/// Picks the target (`--target`, or the only one configured) and reads its API key from the environment.
pub fn connect(ws: &Workspace, name: Option<&str>) -> Result<Connection, UserError> {
    let names: Vec<&str> = ws.config.targets.keys().map(String::as_str).collect();
    let name = match name {
        Some(n) => n.to_owned(),
        None if names.len() == 1 => names[0].to_owned(),
        None if names.is_empty() => {
            return Err(UserError::new("aispec.toml defines no deploy targets")
                .hint("add a [targets.staging] table with `url` and `api_key_env`"));
        }
        None => {
            return Err(
                UserError::new(format!("several targets are defined ({}); say which", names.join(", ")))
                    .hint("pass --target NAME or set AISPEC_TARGET"),
            );
        }
    };
    let Some(target) = ws.config.targets.get(&name) else {
        return Err(
            UserError::new(format!("no target `{name}` in aispec.toml")).hint(if names.is_empty() {
                "add a [targets.NAME] table with `url` and `api_key_env`".to_owned()
            } else {
                format!("known targets: {}", names.join(", "))
            }),
        );
    };
    let key = Secret::from_env(&target.api_key_env).ok_or_else(|| {
        UserError::new(format!(
            "the environment variable {} (the API key of target `{name}`) is not set",
            target.api_key_env
        ))
        .hint("create an API key in Open WebUI (Settings → Account) and export it; never write it into a file")
    })?;
    let timeout = Duration::from_secs(target.timeout_secs.unwrap_or(client::DEFAULT_TIMEOUT_SECS));
    let client = Client::new(
        &target.url,
        key,
        timeout,
        client::RetryPolicy::from_env(),
        target.allow_insecure_http,
    )
    .map_err(|e| {
        let hint = match &e {
            ApiError::BadUrl { problem, .. } => {
                format!("fix `url` of [targets.{name}] in aispec.toml: {}", problem.hint())
            }
            _ => format!("fix `url` of [targets.{name}] in aispec.toml"),
        };
        UserError::new(format!("target `{name}`: {e}")).hint(hint)
    })?;
    Ok(Connection {
        name,
        target: target.clone(),
        client,
    })
}

/// A runtime for one command's network calls.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build()
}

/// What the platform holds: every visible model and group.
#[derive(Debug, Clone)]
pub struct LiveState {
    /// All workspace models the key can see.
    pub models: Vec<LiveModel>,
    /// Groups the key can share with.
    pub groups: Vec<Group>,
}

/// Reads the live state: the model list (all pages) and the groups; nothing per model.
pub async fn read_live(client: &Client) -> Result<LiveState, ApiError> {
    let (models, groups) = tokio::join!(client.list_models(), client.groups());
    Ok(LiveState {
        models: models?,
        groups: groups?,
    })
}

/// Reads the live state of a connection on `rt`, turning a refused key or an unreachable server into an
/// error that says how to fix it.
pub fn read_live_blocking(rt: &tokio::runtime::Runtime, conn: &Connection) -> Result<LiveState, UserError> {
    rt.block_on(read_live(&conn.client)).map_err(|e| {
        let message = format!("cannot read the models on target `{}`: {e}", conn.name);
        let hint = match &e {
            _ if e.is_auth() => format!(
                "check the API key in {} (Open WebUI: Settings → Account → API keys; API keys must be enabled)",
                conn.target.api_key_env
            ),
            ApiError::Connect { .. } | ApiError::Timeout { .. } | ApiError::Interrupted { .. } => format!(
                "check that {} is reachable from here, or raise timeout_secs of the target",
                conn.client.url()
            ),
            _ => "check that the target runs Open WebUI 0.12".to_owned(),
        };
        UserError::new(message).hint(hint)
    })
}
