//! Which URLs aispec will talk to, and how a URL is shown: never with a user name, password or query.

use reqwest::Url;

/// Why a configured base URL cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    /// Not a URL at all.
    #[error("cannot be read as a URL ({0})")]
    Unparsable(String),
    /// Neither `http` nor `https`.
    #[error("uses `{0}`; only http and https are supported")]
    Scheme(String),
    /// `http://user:secret@host`: a credential inside the URL (never shown).
    #[error("carries a user name or password before the host; credentials never belong in a URL")]
    Userinfo,
    /// Plain `http://` to a host other than this machine.
    #[error("sends the API key unencrypted (http://) to {0}, which is not this machine")]
    InsecureHttp(String),
}

impl UrlProblem {
    /// How to fix it.
    pub fn hint(&self) -> &'static str {
        match self {
            UrlProblem::Unparsable(_) | UrlProblem::Scheme(_) => "write the address as https://host[:port][/path]",
            UrlProblem::Userinfo => {
                "remove the part before `@`, rotate that credential (it may be in git history), and put the key in the environment variable named by api_key_env"
            }
            UrlProblem::InsecureHttp(_) => {
                "use https://; if this network is trusted and TLS is not available, set allow_insecure_http = true for it"
            }
        }
    }
}

/// Checks a base URL from `aispec.toml`: http(s), no credentials, and `http://` only to loopback unless allowed.
pub fn check_base_url(raw: &str, allow_insecure_http: bool) -> Result<Url, UrlProblem> {
    let url = Url::parse(raw.trim()).map_err(|e| UrlProblem::Unparsable(e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlProblem::Userinfo);
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_insecure_http || is_loopback(&url) => Ok(url),
        "http" => Err(UrlProblem::InsecureHttp(url.host_str().unwrap_or_default().to_owned())),
        other => Err(UrlProblem::Scheme(other.to_owned())),
    }
}

/// True for `localhost`, 127.0.0.0/8 and `::1`: traffic that never leaves this machine.
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => {
            let d = host.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
    }
}

/// A URL as shown in messages: scheme, host, port and path; no credentials, query or fragment.
pub fn shown(url: &Url) -> String {
    let mut out = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        out.push_str(&format!(":{port}"));
    }
    out.push_str(url.path());
    out
}

/// True when both URLs have the same scheme, host and port.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_urls_are_refused_and_never_shown() {
        let e = check_base_url("https://svc:sk-hemmelig@ai.example.dk", false).expect_err("userinfo");
        assert_eq!(e, UrlProblem::Userinfo);
        assert!(!e.to_string().contains("hemmelig"));
        assert_eq!(
            check_base_url("https://user@ai.example.dk", false),
            Err(UrlProblem::Userinfo)
        );
    }

    #[test]
    fn plain_http_only_to_this_machine_unless_allowed() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost/x",
            "http://[::1]:3000",
            "https://ai.example.dk",
        ] {
            assert!(check_base_url(ok, false).is_ok(), "{ok}");
        }
        assert_eq!(
            check_base_url("http://ai.example.dk", false),
            Err(UrlProblem::InsecureHttp("ai.example.dk".to_owned()))
        );
        assert!(check_base_url("http://10.0.0.5", true).is_ok());
        assert!(matches!(check_base_url("ftp://x", true), Err(UrlProblem::Scheme(_))));
        assert!(matches!(
            check_base_url("nonsense", true),
            Err(UrlProblem::Unparsable(_))
        ));
    }

    #[test]
    fn shown_urls_drop_credentials_and_queries() {
        let u = Url::parse("https://a:b@host.dk:8443/api/x?token=abc#f").expect("url");
        assert_eq!(shown(&u), "https://host.dk:8443/api/x");
    }
}
