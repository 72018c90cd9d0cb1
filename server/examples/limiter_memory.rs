//! Benchmark (scripts/bench.sh): the per-client limiter's memory after 100,000 distinct client
//! addresses, five times over with the periodic pruning in between. Prints the limiter's
//! entries and the process's resident memory after each round; flat means pruning works.

use server::middleware::{ip_limiter, prune};
use std::net::{IpAddr, Ipv4Addr};

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn main() {
    // 30 a minute: a client's one request is forgotten by the pruning 4 s later (governor keeps
    // a key for one emission interval, 2 s, past the point where its budget is whole again).
    let limiter = ip_limiter(30);
    let start = rss_kb();
    let mut next: u32 = u32::from(Ipv4Addr::new(11, 0, 0, 0));
    for round in 1..=5 {
        for _ in 0..100_000 {
            let _ = limiter.check_key(&IpAddr::V4(Ipv4Addr::from(next)));
            next += 1;
        }
        let filled = (limiter.len(), rss_kb());
        std::thread::sleep(std::time::Duration::from_millis(4100));
        prune(&limiter);
        println!(
            "round {round}: 100,000 new client addresses: {} entries, RSS {} KB; after pruning: {} entries, RSS {} KB (at start {start} KB)",
            filled.0,
            filled.1,
            limiter.len(),
            rss_kb()
        );
    }
}
