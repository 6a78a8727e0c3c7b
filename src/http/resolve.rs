//! Name resolution: `localhost` and every name under `.localhost` always mean this machine (RFC 6761 §6.3), so
//! the plain http that aispec allows to loopback can never be steered elsewhere by a DNS answer; every other name
//! goes to the system resolver.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// The resolver every transport uses.
#[derive(Debug, Default, Clone, Copy)]
pub struct LoopbackFirst;

impl Resolve for LoopbackFirst {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().trim_end_matches('.').to_ascii_lowercase();
        Box::pin(async move {
            if is_localhost_name(&host) {
                let addrs: Addrs = Box::new(
                    [IpAddr::V4(Ipv4Addr::LOCALHOST), IpAddr::V6(Ipv6Addr::LOCALHOST)]
                        .into_iter()
                        .map(|ip| SocketAddr::new(ip, 0)),
                );
                return Ok(addrs);
            }
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// `localhost` or a name under it.
pub fn is_localhost_name(host: &str) -> bool {
    host == "localhost" || host.ends_with(".localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn names_under_localhost_are_this_machine() {
        let name: Name = "www.site.localhost".parse().expect("name");
        let addrs: Vec<SocketAddr> = LoopbackFirst.resolve(name).await.expect("resolve").collect();
        assert_eq!(addrs[0].ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert!(addrs.iter().all(|a| a.ip().is_loopback()));
        assert!(!is_localhost_name("localhost.example.dk"));
    }
}
