//! Who is asking: the client's address. It is the TCP peer, unless the peer is one of the
//! operator's trusted proxies (`PORTAL_TRUSTED_PROXIES`): then `X-Forwarded-For` is read from
//! the right, skipping trusted hops, and the first untrusted hop is the client (a client can
//! put anything at the left of that header, never at its right). Every stored IP (sign-ins,
//! terms acceptances, incidents, staff audit) and the per-IP limiter use this address.

use app::session::ClientIp;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// The proxies whose `X-Forwarded-For` is believed (none by default).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses a comma-separated list of CIDR ranges or single addresses (`10.0.0.0/8, ::1`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let net = part
                .parse::<IpNet>()
                .or_else(|_| part.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("`{part}` is not an address or CIDR range"))?;
            nets.push(net);
        }
        Ok(Self(nets))
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address for a request from `peer` with these `X-Forwarded-For` values.
    pub fn client(&self, peer: IpAddr, forwarded: &[&str]) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        let hops = forwarded.iter().flat_map(|v| v.split(',')).rev();
        for hop in hops {
            match hop.trim().parse::<IpAddr>().map(canonical) {
                Ok(ip) if self.trusts(ip) => client = ip,
                Ok(ip) => return ip,
                // Garbage was written by whoever sent it to the last trusted hop: stop there.
                Err(_) => return client,
            }
        }
        client
    }
}

/// `::ffff:1.2.3.4` is the IPv4 client 1.2.3.4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The key of the per-IP limiter: an IPv4 address, or the /64 network of an IPv6 address (one
/// subscriber line gets a whole /64, so per-address limits would be no limit at all).
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(bits))
        }
        v4 => v4,
    }
}

/// Puts the request's [`ClientIp`] in its extensions.
pub async fn client_address(
    State(trusted): State<Arc<TrustedProxies>>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let client = trusted.client(peer, &forwarded);
    req.extensions_mut().insert(ClientIp(client));
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("203.0.113.9"), &["1.2.3.4"]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() {
        let t = TrustedProxies::parse("10.0.0.0/8, 192.168.1.1").unwrap();
        // The client forged "6.6.6.6"; the proxy appended the address it saw.
        assert_eq!(
            t.client(ip("10.0.0.2"), &["6.6.6.6, 198.51.100.7"]),
            ip("198.51.100.7")
        );
        // Two trusted hops, and the header split over two lines.
        assert_eq!(
            t.client(ip("10.0.0.2"), &["6.6.6.6, 198.51.100.7", "192.168.1.1"]),
            ip("198.51.100.7")
        );
        // No header: the proxy itself.
        assert_eq!(t.client(ip("10.0.0.2"), &[]), ip("10.0.0.2"));
        // Garbage: the last trusted hop.
        assert_eq!(t.client(ip("10.0.0.2"), &["junk"]), ip("10.0.0.2"));
        // From an untrusted peer the header is ignored.
        assert_eq!(
            t.client(ip("198.51.100.7"), &["10.0.0.5"]),
            ip("198.51.100.7")
        );
        // IPv4-mapped addresses are IPv4.
        assert_eq!(
            t.client(ip("::ffff:10.0.0.2"), &["::ffff:198.51.100.7"]),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn bad_proxy_lists_are_refused() {
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert_eq!(
            TrustedProxies::parse(" ").unwrap(),
            TrustedProxies::default()
        );
    }

    #[test]
    fn ipv6_clients_are_limited_per_64() {
        assert_eq!(
            limit_key(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
            ip("2001:db8:1:2::")
        );
        assert_eq!(limit_key(ip("2001:db8:1:2::1")), ip("2001:db8:1:2::"));
        assert_ne!(limit_key(ip("2001:db8:1:3::1")), ip("2001:db8:1:2::"));
        assert_eq!(limit_key(ip("198.51.100.7")), ip("198.51.100.7"));
    }
}
