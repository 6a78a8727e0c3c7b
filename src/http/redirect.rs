//! Which redirects the transport follows. It follows them itself, hop by hop, so every hop is checked against
//! the caller's rule and origin-bound credentials are decided again for each URL (a header never travels to a
//! host it was not given for, whatever its name).

use reqwest::{Method, StatusCode, Url};

use super::error::HttpError;
use super::url::{is_loopback, same_origin, shown};

/// How far a redirect may lead.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Redirects {
    /// Only to the same scheme, host and port as the first request (the platform and model providers).
    #[default]
    SameOrigin,
    /// Within the same site: https (or plain http between loopback addresses), and the same registrable domain
    /// as the first request, so `aarhus.dk` may send aispec to `www.aarhus.dk` but not to `aarhus.example.dk`.
    SameSite,
}

impl Redirects {
    /// The error for a redirect from `first` (the URL the caller gave) via `from` to `to`, when it may not be
    /// followed.
    pub fn check(self, first: &Url, from: &Url, to: &Url) -> Result<(), HttpError> {
        let allowed = match self {
            Redirects::SameOrigin => same_origin(first, to),
            Redirects::SameSite => secure_enough(from, to) && same_site(first, to),
        };
        if allowed {
            return Ok(());
        }
        let (from, to) = (shown(from), shown(to));
        Err(match self {
            Redirects::SameOrigin => HttpError::CrossOrigin { from, to },
            Redirects::SameSite => HttpError::CrossSite { from, to },
        })
    }
}

/// https, or plain http only where the hop before was plain http to this machine too (tests, local servers).
fn secure_enough(from: &Url, to: &Url) -> bool {
    match to.scheme() {
        "https" => true,
        "http" => from.scheme() == "http" && is_loopback(from) && is_loopback(to),
        _ => false,
    }
}

/// True when both hosts have the same registrable domain (the name just under a public suffix of the Public
/// Suffix List: `www.aarhus.dk` and `intranet.aarhus.dk` share `aarhus.dk`). Hosts without one (IP addresses,
/// bare names such as `localhost`) are only the same site as themselves.
pub fn same_site(a: &Url, b: &Url) -> bool {
    let (Some(ha), Some(hb)) = (a.host_str(), b.host_str()) else {
        return false;
    };
    if ha.eq_ignore_ascii_case(hb) {
        return true;
    }
    match (a.domain().and_then(registrable), b.domain().and_then(registrable)) {
        (Some(da), Some(db)) => da == db,
        _ => false,
    }
}

/// The registrable domain of a host name, lowercased, when it has one below its public suffix.
fn registrable(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    psl::domain_str(&host).map(str::to_owned)
}

/// The method and whether the body goes along after a redirect with `status`: 303 always becomes a GET, and
/// so does a POST answered with 301 or 302 (what browsers do); 307 and 308 repeat the request as it was.
pub fn next_method(status: StatusCode, method: &Method) -> (Method, bool) {
    match status {
        StatusCode::SEE_OTHER => (Method::GET, false),
        StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND if *method == Method::POST => (Method::GET, false),
        _ => (method.clone(), true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn the_same_site_shares_a_registrable_domain() {
        assert!(same_site(&u("https://aarhus.dk/a"), &u("https://www.aarhus.dk/b")));
        assert!(same_site(
            &u("https://intranet.aarhus.dk/"),
            &u("https://login.aarhus.dk/")
        ));
        assert!(same_site(
            &u("https://site.localhost:8080/"),
            &u("http://www.site.localhost:9/")
        ));
        assert!(!same_site(&u("https://aarhus.dk/"), &u("https://aarhus.example.dk/")));
        assert!(!same_site(&u("https://aarhus.dk/"), &u("https://odense.dk/")));
        // A public suffix with several labels: two councils under it are two sites.
        assert!(!same_site(&u("https://a.github.io/"), &u("https://b.github.io/")));
        assert!(!same_site(&u("http://127.0.0.1:1/"), &u("http://127.0.0.2:1/")));
        assert!(same_site(&u("http://127.0.0.1:1/"), &u("http://127.0.0.1:2/")));
        assert!(!same_site(&u("http://localhost:1/"), &u("http://other.localhost:1/")));
    }

    #[test]
    fn same_site_redirects_stay_on_https() {
        let first = u("https://aarhus.dk/affald");
        let ok = Redirects::SameSite.check(&first, &first, &u("https://www.aarhus.dk/affald"));
        assert_eq!(ok, Ok(()));
        let down = Redirects::SameSite.check(&first, &first, &u("http://www.aarhus.dk/affald"));
        assert!(matches!(down, Err(HttpError::CrossSite { .. })), "{down:?}");
        let away = Redirects::SameSite.check(&first, &first, &u("https://evil.example/affald"));
        assert!(matches!(away, Err(HttpError::CrossSite { .. })), "{away:?}");
        let local = u("http://site.localhost:9/a");
        assert_eq!(
            Redirects::SameSite.check(&local, &local, &u("http://www.site.localhost:9/b")),
            Ok(())
        );
    }

    #[test]
    fn same_origin_is_the_default_rule() {
        let first = u("https://ai.example.dk/api");
        let to_www = Redirects::default().check(&first, &first, &u("https://www.ai.example.dk/api"));
        assert!(matches!(to_www, Err(HttpError::CrossOrigin { .. })));
        assert_eq!(
            Redirects::default().check(&first, &first, &u("https://ai.example.dk/api/")),
            Ok(())
        );
    }

    #[test]
    fn redirected_posts_become_gets_except_307_and_308() {
        assert_eq!(next_method(StatusCode::FOUND, &Method::POST), (Method::GET, false));
        assert_eq!(next_method(StatusCode::SEE_OTHER, &Method::PUT), (Method::GET, false));
        assert_eq!(
            next_method(StatusCode::TEMPORARY_REDIRECT, &Method::POST),
            (Method::POST, true)
        );
        assert_eq!(next_method(StatusCode::FOUND, &Method::GET), (Method::GET, true));
    }
}
