//! What may be published: every string of a record goes through the personal-data redaction and loses URLs
//! whose host is not on `[register] public_hosts`.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::config::Config;

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\b(?:https?|ftp|file)://[^\s<>"')\]]+"#).expect("a valid pattern"));

/// The rules for one workspace's public texts.
pub struct Publisher {
    allow: Vec<String>,
    public_hosts: Vec<String>,
    internal_address: &'static str,
}

impl Publisher {
    /// Rules from `aispec.toml`: `[privacy] allow` plus the register's own contact may stay.
    pub fn new(config: &Config, internal_address: &'static str) -> Self {
        let register = config.register.clone().unwrap_or_default();
        let mut allow = config.privacy.allow.clone();
        allow.extend(register.contact);
        Publisher {
            allow,
            public_hosts: register.public_hosts.iter().map(|h| h.trim().to_lowercase()).collect(),
            internal_address,
        }
    }

    /// The text with personal data replaced and internal URLs taken out.
    pub fn text(&self, text: &str) -> String {
        let redacted = crate::personal_data::redact(text, &self.allow).text;
        URL.replace_all(&redacted, |c: &regex::Captures<'_>| {
            let url = &c[0];
            if self.is_public_url(url) {
                url.to_owned()
            } else {
                self.internal_address.to_owned()
            }
        })
        .into_owned()
    }

    /// The same for an optional text.
    pub fn opt(&self, text: Option<String>) -> Option<String> {
        text.map(|t| self.text(&t)).filter(|t| !t.trim().is_empty())
    }

    /// True for an `https://` URL on a public host (or a subdomain of one).
    pub fn is_public_url(&self, url: &str) -> bool {
        let Ok(parsed) = reqwest::Url::parse(url) else {
            return false;
        };
        if parsed.scheme() != "https" {
            return false;
        }
        let Some(host) = parsed.host_str().map(str::to_lowercase) else {
            return false;
        };
        self.public_hosts
            .iter()
            .any(|h| !h.is_empty() && (host == *h || host.ends_with(&format!(".{h}"))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::RegisterSettings;

    fn publisher() -> Publisher {
        let config = Config {
            register: Some(RegisterSettings {
                contact: Some("ai@aarhus.dk".into()),
                public_hosts: vec!["aarhus.dk".into()],
                ..Default::default()
            }),
            ..Default::default()
        };
        Publisher::new(&config, "[intern adresse]")
    }

    #[test]
    fn personal_data_and_internal_urls_are_taken_out() {
        let p = publisher();
        let out = p.text(
            "Skriv til jens.hansen@aarhus.dk eller ai@aarhus.dk, CPR 010203-1234. Se https://intra.aarhuskommune.local/x og https://www.aarhus.dk/om.",
        );
        assert!(!out.contains("jens.hansen"), "{out}");
        assert!(!out.contains("010203"), "{out}");
        assert!(out.contains("ai@aarhus.dk"), "{out}");
        assert!(!out.contains("intra.aarhuskommune"), "{out}");
        assert!(out.contains("[intern adresse]"), "{out}");
        assert!(out.contains("https://www.aarhus.dk/om."), "{out}");
    }

    #[test]
    fn only_https_on_listed_hosts_is_public() {
        let p = publisher();
        assert!(p.is_public_url("https://aarhus.dk/a"));
        assert!(p.is_public_url("https://www.aarhus.dk/a"));
        assert!(!p.is_public_url("http://www.aarhus.dk/a"));
        assert!(!p.is_public_url("https://evilaarhus.dk/a"));
        assert!(!p.is_public_url("https://aarhusai.example.dk"));
    }
}
