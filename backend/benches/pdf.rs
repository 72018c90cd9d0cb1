//! `cargo bench -p backend --bench pdf`: how long one invoice PDF takes to render, and whether
//! memory stays flat over 1,000 of them (resident set size before and after, from /proc).

use backend::infra::pdf::{InvoicePdf, invoice, samples};
use backend::store::invoices::InvoiceRow;
use domain::{Branding, Lang};
use std::time::Instant;

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let contract = samples::contract();
    let customer = samples::party();
    let template = samples::invoice_row();
    let branding = Branding::default();
    let today = time::macros::date!(2026 - 11 - 22);
    let render = |n: u32| {
        let row = InvoiceRow {
            id: i64::from(n),
            invoice_number: format!("2026{n:06}"),
            ..template.clone()
        };
        let data = InvoicePdf {
            invoice: &row,
            contract: &contract,
            customer: &customer,
            today,
        };
        invoice(&data, &branding, Lang::Nl)
    };
    // Warm up (allocator, page faults), then measure.
    for n in 0..100 {
        std::hint::black_box(render(n));
    }
    let before = rss_kb();
    let mut times = Vec::with_capacity(1000);
    for n in 0..1000 {
        let start = Instant::now();
        std::hint::black_box(render(n));
        times.push(start.elapsed());
    }
    let after = rss_kb();
    times.sort();
    let mean = times.iter().sum::<std::time::Duration>() / 1000;
    println!(
        "invoice PDF: mean {:?}, p99 {:?}, max {:?} over 1,000; RSS {} KB before, {} KB after ({:+} KB)",
        mean,
        times[989],
        times[999],
        before,
        after,
        after as i64 - before as i64
    );
}
