//! The portal's PDF documents, in the customer's language with Belgian formatting.

use super::{Layout, MARGIN, PAGE_WIDTH};
use crate::store::contracts::ContractDetail;
use crate::store::invoices::InvoiceRow;
use domain::i18n::{t, tf, tp};
use domain::money::{format_date, format_int, parse_iso_date};
use domain::{Branding, Lang, format_eur};

/// The customer a document is addressed to.
#[derive(Clone, Debug)]
pub struct Party {
    pub name: String,
    pub customer_number: String,
    pub company_number: Option<String>,
}

pub struct InvoicePdf<'a> {
    pub invoice: &'a InvoiceRow,
    pub contract: &'a ContractDetail,
    pub customer: &'a Party,
    pub today: time::Date,
}

pub struct ContractCopy<'a> {
    pub contract: &'a ContractDetail,
    pub customer: &'a Party,
}

pub struct FiscalCertificate<'a> {
    pub year: i32,
    pub invoices: &'a [InvoiceRow],
    pub contracts: &'a [ContractDetail],
    pub customer: &'a Party,
}

pub struct Statement<'a> {
    pub open: &'a [InvoiceRow],
    pub customer: &'a Party,
    pub today: time::Date,
}

const RIGHT: f32 = PAGE_WIDTH - MARGIN;

fn date(iso: &str) -> String {
    parse_iso_date(iso).map_or_else(|| iso.to_string(), format_date)
}

fn footer(b: &Branding) -> String {
    [
        b.company_name.as_str(),
        b.address.as_str(),
        b.vat_number.as_str(),
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join(" · ")
}

/// The operator at the top left and the document's title and facts at the top right.
fn letterhead(l: &mut Layout, b: &Branding, lang: Lang, title: &str, facts: &[(String, String)]) {
    let top = l.y;
    l.text(MARGIN, 16.0, true, &b.company_name);
    l.down(18.0);
    for line in [
        b.address.clone(),
        format!("{} {}", t(lang, "pdf.vat_number"), b.vat_number),
        b.contact_email.clone(),
        b.contact_phone.clone(),
    ] {
        l.text(MARGIN, 9.0, false, &line);
        l.down(12.0);
    }
    let left_bottom = l.y;
    l.y = top;
    l.text_right(RIGHT, 16.0, true, title);
    l.down(18.0);
    for (label, value) in facts {
        l.text_right(RIGHT - 110.0, 9.0, false, label);
        l.text_right(RIGHT, 9.0, true, value);
        l.down(12.0);
    }
    l.y = l.y.min(left_bottom) - 18.0;
}

fn addressee(l: &mut Layout, lang: Lang, p: &Party) {
    l.line(9.0, false, t(lang, "pdf.customer"));
    l.line(11.0, true, &p.name);
    l.pair(t(lang, "pdf.customer_number"), &p.customer_number);
    if let Some(n) = &p.company_number {
        l.pair(t(lang, "pdf.company_number"), n);
    }
    l.down(8.0);
}

fn vehicle_lines(l: &mut Layout, lang: Lang, c: &ContractDetail) {
    l.pair(
        t(lang, "pdf.contract"),
        &format!(
            "{} ({})",
            c.contract_number,
            t(lang, &format!("contractkind.{}", c.kind))
        ),
    );
    l.pair(t(lang, "pdf.vehicle"), &format!("{} {}", c.make, c.model));
    l.pair(
        t(lang, "pdf.number_plate"),
        c.number_plate.as_deref().unwrap_or("—"),
    );
    l.pair(t(lang, "pdf.vin"), &c.vin);
}

/// The VAT rate an invoice's amounts imply, as `21 %`.
fn vat_rate(excl: i64, vat: i64) -> String {
    if excl <= 0 {
        return "—".into();
    }
    let tenths = (vat * 1000 + excl / 2) / excl;
    if tenths % 10 == 0 {
        format!("{}\u{a0}%", tenths / 10)
    } else {
        format!("{},{}\u{a0}%", tenths / 10, tenths % 10)
    }
}

/// An invoice: operator, customer, contract and vehicle, the line with VAT, totals, due date
/// and payment reference.
pub fn invoice(d: &InvoicePdf, b: &Branding, lang: Lang) -> Vec<u8> {
    let inv = d.invoice;
    let mut l = Layout::new(footer(b));
    let title = t(lang, "pdf.invoice");
    letterhead(
        &mut l,
        b,
        lang,
        title,
        &[
            (
                t(lang, "pdf.invoice_number").to_string(),
                inv.invoice_number.clone(),
            ),
            (t(lang, "pdf.issue_date").to_string(), date(&inv.issue_date)),
            (t(lang, "pdf.due_date").to_string(), date(&inv.due_date)),
        ],
    );
    addressee(&mut l, lang, d.customer);
    vehicle_lines(&mut l, lang, d.contract);
    l.down(14.0);

    // The invoice line(s): description, excl. VAT, VAT rate, VAT, incl. VAT.
    let cols = [RIGHT - 250.0, RIGHT - 170.0, RIGHT - 90.0, RIGHT];
    l.band(16.0);
    l.text(MARGIN, 9.0, true, t(lang, "pdf.description"));
    for (x, key) in cols
        .iter()
        .zip(["pdf.excl_vat", "pdf.vat_rate", "pdf.vat", "pdf.incl_vat"])
    {
        l.text_right(*x, 9.0, true, t(lang, key));
    }
    l.down(20.0);
    let kind = t(lang, &format!("pdf.instalment.{}", d.contract.kind));
    l.text(MARGIN, 10.0, false, &format!("{kind} {}", inv.description));
    let values = [
        format_eur(inv.amount_excl_vat_cents),
        vat_rate(inv.amount_excl_vat_cents, inv.vat_cents),
        format_eur(inv.vat_cents),
        format_eur(inv.amount_incl_vat_cents),
    ];
    for (x, v) in cols.iter().zip(values.iter()) {
        l.text_right(*x, 10.0, false, v);
    }
    l.down(22.0);
    l.rule();
    for (key, cents, bold) in [
        ("pdf.total_excl_vat", inv.amount_excl_vat_cents, false),
        ("pdf.total_vat", inv.vat_cents, false),
        ("pdf.total_incl_vat", inv.amount_incl_vat_cents, true),
    ] {
        l.text_right(RIGHT - 110.0, 10.0, bold, t(lang, key));
        l.text_right(RIGHT, 10.0, bold, &format_eur(cents));
        l.down(15.0);
    }
    l.down(16.0);

    let paid = inv.status == "paid";
    let cancelled = inv.status == "cancelled";
    if paid {
        l.line(11.0, true, t(lang, "pdf.paid"));
    } else if cancelled {
        l.line(11.0, true, t(lang, "pdf.cancelled"));
    } else {
        let due = date(&inv.due_date);
        let total = format_eur(inv.amount_incl_vat_cents);
        l.line(
            10.0,
            false,
            &tf(lang, "pdf.pay", &[("amount", &total), ("date", &due)]),
        );
        l.pair(t(lang, "pdf.iban"), &b.iban);
        l.pair(t(lang, "pdf.payment_reference"), &inv.payment_reference);
        if parse_iso_date(&inv.due_date).is_some_and(|due| due < d.today) {
            l.line(10.0, true, t(lang, "pdf.overdue"));
        }
    }
    let name = format!("{} {}", t(lang, "pdf.invoice"), inv.invoice_number);
    l.finish(&name, &b.company_name)
}

/// A copy of the contract's terms as the portal knows them.
pub fn contract_copy(d: &ContractCopy, b: &Branding, lang: Lang) -> Vec<u8> {
    let c = d.contract;
    let mut l = Layout::new(footer(b));
    let title = t(lang, "pdf.contract_copy");
    letterhead(
        &mut l,
        b,
        lang,
        title,
        &[(
            t(lang, "pdf.contract").to_string(),
            c.contract_number.clone(),
        )],
    );
    addressee(&mut l, lang, d.customer);
    vehicle_lines(&mut l, lang, c);
    l.pair(
        t(lang, "pdf.status"),
        t(lang, &format!("contractstatus.{}", c.status)),
    );
    l.pair(t(lang, "pdf.start_date"), &date(&c.start_date));
    l.pair(t(lang, "pdf.end_date"), &date(&c.end_date));
    l.pair(
        t(lang, "pdf.duration"),
        &tp(lang, "pdf.months", c.duration_months, &[]),
    );
    l.pair(t(lang, "pdf.monthly"), &format_eur(c.monthly_amount_cents));
    if let Some(km) = c.allowed_km_per_year {
        l.pair(
            t(lang, "pdf.km_per_year"),
            &format!("{} km", format_int(km)),
        );
        l.pair(
            t(lang, "pdf.km_total"),
            &format!("{} km", format_int(km * c.duration_months / 12)),
        );
    }
    if let Some(rate) = c.excess_km_rate_cents {
        l.pair(t(lang, "pdf.excess_rate"), &format_eur(rate));
    }
    l.down(12.0);
    l.line(9.0, false, t(lang, "pdf.contract_copy.note"));
    let name = format!("{} {}", title, c.contract_number);
    l.finish(&name, &b.company_name)
}

/// The yearly fiscal certificate: per contract, what was invoiced in the year.
pub fn fiscal_certificate(d: &FiscalCertificate, b: &Branding, lang: Lang) -> Vec<u8> {
    let mut l = Layout::new(footer(b));
    let title = tf(
        lang,
        "pdf.fiscal_certificate",
        &[("year", &d.year.to_string())],
    );
    letterhead(&mut l, b, lang, &title, &[]);
    addressee(&mut l, lang, d.customer);
    l.line(
        10.0,
        false,
        &tf(
            lang,
            "pdf.fiscal_certificate.intro",
            &[("year", &d.year.to_string())],
        ),
    );
    l.down(6.0);
    let cols = [RIGHT - 160.0, RIGHT - 80.0, RIGHT];
    l.band(16.0);
    l.text(MARGIN, 9.0, true, t(lang, "pdf.contract"));
    for (x, key) in cols.iter().zip(["pdf.excl_vat", "pdf.vat", "pdf.incl_vat"]) {
        l.text_right(*x, 9.0, true, t(lang, key));
    }
    l.down(20.0);
    let mut totals = [0i64; 3];
    for c in d.contracts {
        let mine: Vec<&InvoiceRow> = d
            .invoices
            .iter()
            .filter(|i| i.contract_number == c.contract_number && i.status != "cancelled")
            .collect();
        if mine.is_empty() {
            continue;
        }
        let sums = [
            mine.iter().map(|i| i.amount_excl_vat_cents).sum::<i64>(),
            mine.iter().map(|i| i.vat_cents).sum::<i64>(),
            mine.iter().map(|i| i.amount_incl_vat_cents).sum::<i64>(),
        ];
        l.ensure(28.0);
        l.text(
            MARGIN,
            10.0,
            false,
            &format!("{} · {} {}", c.contract_number, c.make, c.model),
        );
        for ((x, v), total) in cols.iter().zip(sums).zip(totals.iter_mut()) {
            l.text_right(*x, 10.0, false, &format_eur(v));
            *total += v;
        }
        l.down(13.0);
        l.text(
            MARGIN + 10.0,
            8.0,
            false,
            &tp(lang, "pdf.invoice_count", mine.len() as i64, &[]),
        );
        l.down(15.0);
    }
    l.rule();
    l.text(MARGIN, 10.0, true, t(lang, "pdf.total"));
    for (x, v) in cols.iter().zip(totals) {
        l.text_right(*x, 10.0, true, &format_eur(v));
    }
    l.down(28.0);
    l.line(9.0, false, t(lang, "pdf.fiscal_certificate.note"));
    l.finish(&title, &b.company_name)
}

/// The statement of account: every open invoice with its due date, and the balance.
pub fn statement(d: &Statement, b: &Branding, lang: Lang) -> Vec<u8> {
    let mut l = Layout::new(footer(b));
    let title = t(lang, "pdf.statement");
    letterhead(
        &mut l,
        b,
        lang,
        title,
        &[(t(lang, "pdf.date").to_string(), format_date(d.today))],
    );
    addressee(&mut l, lang, d.customer);
    if d.open.is_empty() {
        l.line(10.0, false, t(lang, "pdf.statement.none"));
    } else {
        let cols = [MARGIN + 110.0, MARGIN + 210.0, MARGIN + 300.0];
        l.band(16.0);
        l.text(MARGIN, 9.0, true, t(lang, "pdf.invoice_number"));
        for (x, key) in cols
            .iter()
            .zip(["pdf.contract", "pdf.issue_date", "pdf.due_date"])
        {
            l.text(*x, 9.0, true, t(lang, key));
        }
        l.text_right(RIGHT, 9.0, true, t(lang, "pdf.incl_vat"));
        l.down(20.0);
        for i in d.open {
            l.ensure(15.0);
            l.text(MARGIN, 10.0, false, &i.invoice_number);
            l.text(cols[0], 10.0, false, &i.contract_number);
            l.text(cols[1], 10.0, false, &date(&i.issue_date));
            let overdue = parse_iso_date(&i.due_date).is_some_and(|due| due < d.today);
            l.text(cols[2], 10.0, overdue, &date(&i.due_date));
            l.text_right(RIGHT, 10.0, false, &format_eur(i.amount_incl_vat_cents));
            l.down(15.0);
        }
        l.rule();
        let total: i64 = d.open.iter().map(|i| i.amount_incl_vat_cents).sum();
        l.text(MARGIN, 10.0, true, t(lang, "pdf.balance"));
        l.text_right(RIGHT, 10.0, true, &format_eur(total));
        l.down(24.0);
        l.pair(t(lang, "pdf.iban"), &b.iban);
    }
    l.finish(title, &b.company_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infra::pdf::samples::{contract, invoice_row, party};

    /// Set `PDF_PREVIEW=dir` to write the documents there for a look.
    fn preview(name: &str, bytes: &[u8]) {
        if let Ok(dir) = std::env::var("PDF_PREVIEW") {
            let _ = std::fs::write(std::path::Path::new(&dir).join(name), bytes);
        }
    }

    #[test]
    fn every_document_renders_in_every_language() {
        let c = contract();
        let i = invoice_row();
        let p = party();
        let today = time::macros::date!(2026 - 11 - 22);
        for lang in Lang::ALL {
            let b = Branding::default();
            let docs = [
                invoice(
                    &InvoicePdf {
                        invoice: &i,
                        contract: &c,
                        customer: &p,
                        today,
                    },
                    &b,
                    lang,
                ),
                contract_copy(
                    &ContractCopy {
                        contract: &c,
                        customer: &p,
                    },
                    &b,
                    lang,
                ),
                fiscal_certificate(
                    &FiscalCertificate {
                        year: 2025,
                        invoices: std::slice::from_ref(&i),
                        contracts: std::slice::from_ref(&c),
                        customer: &p,
                    },
                    &b,
                    lang,
                ),
                statement(
                    &Statement {
                        open: std::slice::from_ref(&i),
                        customer: &p,
                        today,
                    },
                    &b,
                    lang,
                ),
            ];
            for (n, d) in docs.iter().enumerate() {
                assert!(d.starts_with(b"%PDF-"));
                assert!(d.len() < 20_000, "standard fonts keep files small");
                preview(&format!("doc-{}-{n}.pdf", lang.code()), d);
            }
        }
    }

    #[test]
    fn vat_rates() {
        assert_eq!(super::vat_rate(10_000, 2_100), "21\u{a0}%");
        assert_eq!(super::vat_rate(10_000, 600), "6\u{a0}%");
        assert_eq!(super::vat_rate(10_000, 550), "5,5\u{a0}%");
        assert_eq!(super::vat_rate(0, 0), "—");
    }
}
