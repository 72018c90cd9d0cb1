//! The demo data set: a fictional leasing company's customers, contracts, invoices and staff.
//! Seeded into an empty database when `PORTAL_DEMO=true`. The README's demo table lists
//! exactly what this file creates.
//!
//! The set is anchored to the month it is seeded in (the clock's), so it always looks
//! current: the newest invoice is this month's, and contract dates and odometer readings move
//! with it. The dates below are written as seen from [`REFERENCE_MONTH`]; every date is moved
//! by the months between that and the anchor. For one anchor month the set is the same on
//! every machine.

use crate::infra::password;
use crate::services::import::{ImportError, ImportReport, apply};
use crate::store::staff;
use domain::Lang;
use domain::contact::PostalAddress;
use domain::import::{Contract, Customer, ImportBatch, Invoice, Vehicle, structured_reference};
use domain::model::{ContractKind, ContractStatus, CustomerKind, InvoiceStatus, StaffRole};
use domain::values::{ContractNumber, CustomerNumber, Email, NumberPlate, PhoneNumber, Vin};
use sqlx::AnyPool;
use time::{Date, Month};

/// A demo staff log-in (documented in the README; demo only).
pub struct DemoStaff {
    pub email: &'static str,
    pub name: &'static str,
    pub role: StaffRole,
    pub password: &'static str,
    pub totp_secret: &'static str,
}

pub const STAFF: [DemoStaff; 2] = [
    DemoStaff {
        email: "agent@lumenlease.example",
        name: "Sam Agent",
        role: StaffRole::Agent,
        password: "demo-agent-password",
        totp_secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    },
    DemoStaff {
        email: "admin@lumenlease.example",
        name: "Alex Admin",
        role: StaffRole::Admin,
        password: "demo-admin-password",
        totp_secret: "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU",
    },
];

struct C {
    number: &'static str,
    kind: CustomerKind,
    first: &'static str,
    last: &'static str,
    company: Option<(&'static str, &'static str)>,
    mobile: Option<&'static str>,
    email: &'static str,
    lang: Lang,
}

struct K {
    number: &'static str,
    customer: &'static str,
    kind: ContractKind,
    status: ContractStatus,
    start: (i32, u8),
    months: i64,
    monthly_cents: i64,
    km: Option<i64>,
    make: &'static str,
    model: &'static str,
    vin_prefix: &'static str,
    plate: &'static str,
}

/// The postal address the back office has for each demo customer (street line, postal code,
/// city; all in Belgium).
const ADDRESSES: &[(&str, &str, &str, &str)] = &[
    ("100001", "Kerkstraat 12", "2000", "Antwerpen"),
    ("100002", "Rue Royale 45 bte 3", "1000", "Bruxelles"),
    ("100003", "Veldstraat 8", "9000", "Gent"),
    ("100004", "Avenue Louise 231", "1050", "Ixelles"),
    ("100005", "Grote Markt 3", "3000", "Leuven"),
    ("100006", "Rue de la Cathédrale 17", "4000", "Liège"),
    ("100007", "Stationsstraat 55", "2800", "Mechelen"),
    ("100008", "Nieuwstraat 101", "3500", "Hasselt"),
    ("100009", "Rue de Fer 22", "5000", "Namur"),
    ("100010", "Langestraat 7", "8000", "Brugge"),
    ("100011", "Turnhoutsebaan 140", "2140", "Borgerhout"),
    ("100012", "Dorpsstraat 19", "3001", "Heverlee"),
    ("100013", "Chaussée de Charleroi 88", "1060", "Saint-Gilles"),
    ("100014", "Boomsesteenweg 200", "2610", "Wilrijk"),
    ("100015", "Rue du Midi 14", "1000", "Bruxelles"),
    ("100016", "Kapelstraat 12", "9000", "Gent"),
    ("100017", "Rue des Carmes 9", "4000", "Liège"),
    ("100018", "Veldstraat 41", "9000", "Gent"),
    ("100019", "Rue Haute 120", "1000", "Bruxelles"),
    ("100020", "Diestsestraat 77", "3000", "Leuven"),
    ("100021", "Rue de Fer 31", "5000", "Namur"),
];

const CUSTOMERS: &[C] = &[
    C {
        number: "100001",
        kind: CustomerKind::Private,
        first: "An",
        last: "Peeters",
        company: None,
        mobile: Some("+32470000101"),
        email: "an.peeters@example.be",
        lang: Lang::Nl,
    },
    C {
        number: "100002",
        kind: CustomerKind::Private,
        first: "Luc",
        last: "Dubois",
        company: None,
        mobile: Some("+32470000102"),
        email: "luc.dubois@example.be",
        lang: Lang::Fr,
    },
    C {
        number: "100003",
        kind: CustomerKind::Company,
        first: "Koen",
        last: "Janssens",
        company: Some(("Bakkerij Janssens BV", "0403.170.701")),
        mobile: Some("+32470000103"),
        email: "fleet@bakkerij-janssens.example",
        lang: Lang::Nl,
    },
    C {
        number: "100004",
        kind: CustomerKind::Private,
        first: "Sophie",
        last: "Martin",
        company: None,
        mobile: Some("+32470000104"),
        email: "sophie.martin@example.com",
        lang: Lang::En,
    },
    C {
        number: "100005",
        kind: CustomerKind::Private,
        first: "Marc",
        last: "Claes",
        company: None,
        mobile: Some("+32470000105"),
        email: "marc.claes@example.be",
        lang: Lang::Nl,
    },
    C {
        number: "100006",
        kind: CustomerKind::Company,
        first: "Julie",
        last: "Lambert",
        company: Some(("Transports Lambert SRL", "0202.239.951")),
        mobile: Some("+32470000106"),
        email: "julie@transports-lambert.example",
        lang: Lang::Fr,
    },
    C {
        number: "100007",
        kind: CustomerKind::Private,
        first: "Eva",
        last: "Wouters",
        company: None,
        mobile: None,
        email: "eva.wouters@example.be",
        lang: Lang::Nl,
    },
    C {
        number: "100008",
        kind: CustomerKind::Private,
        first: "Tom",
        last: "Jacobs",
        company: None,
        mobile: Some("+32470000108"),
        email: "tom.jacobs@example.be",
        lang: Lang::Nl,
    },
    C {
        number: "100009",
        kind: CustomerKind::Private,
        first: "Claire",
        last: "Lefèvre",
        company: None,
        mobile: Some("+32470000109"),
        email: "claire.lefevre@example.be",
        lang: Lang::Fr,
    },
    C {
        number: "100010",
        kind: CustomerKind::Private,
        first: "Pieter",
        last: "Maes",
        company: None,
        mobile: Some("+32470000110"),
        email: "pieter.maes@example.be",
        lang: Lang::Nl,
    },
    C {
        number: "100011",
        kind: CustomerKind::Private,
        first: "Nadia",
        last: "El Amrani",
        company: None,
        mobile: Some("+32470000111"),
        email: "nadia.elamrani@example.be",
        lang: Lang::Nl,
    },
    C {
        number: "100012",
        kind: CustomerKind::Private,
        first: "Lotte",
        last: "Vermeulen",
        company: None,
        mobile: Some("+32470000112"),
        email: "lotte.vermeulen@example.be",
        lang: Lang::Nl,
    },
    C {
        number: "100013",
        kind: CustomerKind::Private,
        first: "Mathieu",
        last: "Renard",
        company: None,
        mobile: Some("+32470000113"),
        email: "mathieu.renard@example.be",
        lang: Lang::Fr,
    },
    C {
        number: "100014",
        kind: CustomerKind::Private,
        first: "Jonas",
        last: "De Smet",
        company: None,
        mobile: Some("+32470000114"),
        email: "jonas.desmet@example.be",
        lang: Lang::Nl,
    },
    C {
        number: "100015",
        kind: CustomerKind::Private,
        first: "Camille",
        last: "Dupont",
        company: None,
        mobile: Some("+32470000115"),
        email: "camille.dupont@example.be",
        lang: Lang::Fr,
    },
    C {
        number: "100016",
        kind: CustomerKind::Private,
        first: "Hanne",
        last: "Wouters",
        company: None,
        mobile: Some("+32470000116"),
        email: "hanne.wouters@example.be",
        lang: Lang::Nl,
    },
    C {
        number: "100017",
        kind: CustomerKind::Private,
        first: "Julien",
        last: "Leroy",
        company: None,
        mobile: Some("+32470000117"),
        email: "julien.leroy@example.be",
        lang: Lang::Fr,
    },
    C {
        number: "100018",
        kind: CustomerKind::Private,
        first: "Bram",
        last: "Claeys",
        company: None,
        mobile: Some("+32470000118"),
        email: "bram.claeys@example.be",
        lang: Lang::Nl,
    },
    C {
        number: "100019",
        kind: CustomerKind::Private,
        first: "Léa",
        last: "Lambert",
        company: None,
        mobile: Some("+32470000119"),
        email: "lea.lambert@example.be",
        lang: Lang::Fr,
    },
    C {
        number: "100020",
        kind: CustomerKind::Private,
        first: "Sander",
        last: "Goossens",
        company: None,
        mobile: Some("+32470000120"),
        email: "sander.goossens@example.be",
        lang: Lang::Nl,
    },
    C {
        number: "100021",
        kind: CustomerKind::Private,
        first: "Inès",
        last: "Fontaine",
        company: None,
        mobile: Some("+32470000121"),
        email: "ines.fontaine@example.be",
        lang: Lang::Fr,
    },
];

const CONTRACTS: &[K] = &[
    K {
        number: "LC-2023-0001",
        customer: "100001",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2023, 3),
        months: 48,
        monthly_cents: 54_900,
        km: Some(20_000),
        make: "Volkswagen",
        model: "ID.4 Pro",
        vin_prefix: "WVWZZZE2ZPE",
        plate: "1-ABC-234",
    },
    K {
        number: "LC-2024-0002",
        customer: "100001",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2024, 9),
        months: 36,
        monthly_cents: 41_250,
        km: Some(15_000),
        make: "Škoda",
        model: "Octavia Combi",
        vin_prefix: "TMBJJ7NX5PY",
        plate: "2-DEF-567",
    },
    K {
        number: "FC-2022-0003",
        customer: "100001",
        kind: ContractKind::Financing,
        status: ContractStatus::Ended,
        start: (2020, 1),
        months: 36,
        monthly_cents: 31_500,
        km: None,
        make: "Toyota",
        model: "Yaris Hybrid",
        vin_prefix: "SB1ZS3JE5PE",
        plate: "1-GHJ-890",
    },
    K {
        number: "FC-2024-0004",
        customer: "100002",
        kind: ContractKind::Financing,
        status: ContractStatus::Active,
        start: (2024, 2),
        months: 60,
        monthly_cents: 38_990,
        km: None,
        make: "Peugeot",
        model: "e-308",
        vin_prefix: "VR3UHZKXZPT",
        plate: "2-KLM-123",
    },
    K {
        number: "LC-2023-0005",
        customer: "100003",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2023, 6),
        months: 48,
        monthly_cents: 62_000,
        km: Some(40_000),
        make: "Renault",
        model: "Master E-Tech",
        vin_prefix: "VF1MA000X6P",
        plate: "1-NPR-456",
    },
    K {
        number: "LC-2024-0006",
        customer: "100003",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2024, 1),
        months: 48,
        monthly_cents: 58_500,
        km: Some(35_000),
        make: "Renault",
        model: "Trafic E-Tech",
        vin_prefix: "VF1FL000X6P",
        plate: "2-STU-789",
    },
    K {
        number: "LC-2025-0007",
        customer: "100003",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2025, 4),
        months: 36,
        monthly_cents: 47_900,
        km: Some(30_000),
        make: "Volvo",
        model: "EX30",
        vin_prefix: "YV1XZK9V5P2",
        plate: "2-VWX-012",
    },
    K {
        number: "LC-2024-0008",
        customer: "100004",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2024, 11),
        months: 48,
        monthly_cents: 69_900,
        km: Some(25_000),
        make: "BMW",
        model: "i4 eDrive35",
        vin_prefix: "WBA11AW0XPC",
        plate: "2-YZA-345",
    },
    K {
        number: "LC-2020-0009",
        customer: "100005",
        kind: ContractKind::Lease,
        status: ContractStatus::Ended,
        start: (2020, 5),
        months: 48,
        monthly_cents: 44_900,
        km: Some(20_000),
        make: "Audi",
        model: "A3 Sportback",
        vin_prefix: "WAUZZZGE5PB",
        plate: "1-BCD-678",
    },
    K {
        number: "FC-2021-0010",
        customer: "100005",
        kind: ContractKind::Financing,
        status: ContractStatus::Ended,
        start: (2021, 10),
        months: 36,
        monthly_cents: 27_800,
        km: None,
        make: "Kia",
        model: "Picanto",
        vin_prefix: "KNAB2512ZPT",
        plate: "1-EFG-901",
    },
    K {
        number: "LC-2025-0011",
        customer: "100006",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2025, 1),
        months: 60,
        monthly_cents: 89_900,
        km: Some(60_000),
        make: "Mercedes-Benz",
        model: "eSprinter",
        vin_prefix: "W1V9101331P",
        plate: "2-HJK-234",
    },
    K {
        number: "FC-2025-0012",
        customer: "100006",
        kind: ContractKind::Financing,
        status: ContractStatus::Active,
        start: (2025, 7),
        months: 48,
        monthly_cents: 52_400,
        km: None,
        make: "Ford",
        model: "Transit Custom",
        vin_prefix: "WF0XXXTTGX1",
        plate: "2-LMN-567",
    },
    K {
        number: "LC-2025-0013",
        customer: "100007",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2025, 9),
        months: 48,
        monthly_cents: 49_500,
        km: Some(15_000),
        make: "Tesla",
        model: "Model 3",
        vin_prefix: "5YJ3E7EB2PF",
        plate: "2-PRS-890",
    },
    K {
        number: "LC-2025-0014",
        customer: "100008",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2025, 2),
        months: 48,
        monthly_cents: 52_300,
        km: Some(20_000),
        make: "Hyundai",
        model: "Ioniq 5",
        vin_prefix: "KMHKM81CFPU",
        plate: "2-TVW-456",
    },
    K {
        number: "FC-2025-0015",
        customer: "100009",
        kind: ContractKind::Financing,
        status: ContractStatus::Active,
        start: (2025, 6),
        months: 60,
        monthly_cents: 33_400,
        km: None,
        make: "Citroën",
        model: "ë-C3",
        vin_prefix: "VF7SXHMZ6PT",
        plate: "2-XYB-789",
    },
    K {
        number: "LC-2023-0016",
        customer: "100010",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2023, 5),
        months: 48,
        monthly_cents: 61200,
        km: Some(25_000),
        make: "Volkswagen",
        model: "Passat Variant eHybrid",
        vin_prefix: "WVWZZZ3CZPE",
        plate: "1-JKL-345",
    },
    K {
        number: "LC-2024-0017",
        customer: "100010",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2024, 3),
        months: 48,
        monthly_cents: 47800,
        km: Some(15_000),
        make: "Opel",
        model: "Astra Electric",
        vin_prefix: "W0VBD8HE9P6",
        plate: "2-MNP-678",
    },
    K {
        number: "FC-2023-0018",
        customer: "100010",
        kind: ContractKind::Financing,
        status: ContractStatus::Active,
        start: (2023, 1),
        months: 60,
        monthly_cents: 29900,
        km: None,
        make: "Dacia",
        model: "Spring",
        vin_prefix: "UU1DBG00XP5",
        plate: "1-QRS-901",
    },
    K {
        number: "LC-2023-0019",
        customer: "100011",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2023, 8),
        months: 48,
        monthly_cents: 55500,
        km: Some(20_000),
        make: "Nissan",
        model: "Ariya",
        vin_prefix: "SJNFAAJE2P1",
        plate: "1-TUV-234",
    },
    K {
        number: "LC-2024-0020",
        customer: "100011",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2024, 6),
        months: 36,
        monthly_cents: 39900,
        km: Some(12_000),
        make: "Fiat",
        model: "500e",
        vin_prefix: "ZFA3320000P",
        plate: "2-WXY-567",
    },
    K {
        number: "FC-2024-0021",
        customer: "100011",
        kind: ContractKind::Financing,
        status: ContractStatus::Active,
        start: (2024, 4),
        months: 48,
        monthly_cents: 31500,
        km: None,
        make: "Mazda",
        model: "MX-30",
        vin_prefix: "JMZDR1WE0P1",
        plate: "2-ZAB-890",
    },
    K {
        number: "LC-2025-0022",
        customer: "100012",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2025, 2),
        months: 48,
        monthly_cents: 42900,
        km: Some(15_000),
        make: "Kia",
        model: "EV6",
        vin_prefix: "KNAC381A0R5",
        plate: "2-CDE-123",
    },
    K {
        number: "LC-2024-0023",
        customer: "100013",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2024, 9),
        months: 36,
        monthly_cents: 47900,
        km: Some(25_000),
        make: "Škoda",
        model: "Enyaq",
        vin_prefix: "TMBJC9NY5R0",
        plate: "2-FGH-456",
    },
    K {
        number: "LC-2025-0024",
        customer: "100014",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2025, 6),
        months: 48,
        monthly_cents: 39900,
        km: Some(20_000),
        make: "Renault",
        model: "Mégane E-Tech",
        vin_prefix: "VF1RCB00X71",
        plate: "2-JKM-789",
    },
    K {
        number: "LC-2025-0025",
        customer: "100015",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2025, 3),
        months: 36,
        monthly_cents: 44900,
        km: Some(15_000),
        make: "Peugeot",
        model: "e-3008",
        vin_prefix: "VR3FHZKXZR1",
        plate: "2-NPR-234",
    },
    K {
        number: "LC-2025-0026",
        customer: "100016",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2025, 4),
        months: 48,
        monthly_cents: 41900,
        km: Some(20_000),
        make: "Cupra",
        model: "Born",
        vin_prefix: "VSSZZZK1ZRP",
        plate: "2-RST-345",
    },
    K {
        number: "LC-2025-0027",
        customer: "100017",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2025, 7),
        months: 36,
        monthly_cents: 32900,
        km: Some(15_000),
        make: "Renault",
        model: "5 E-Tech",
        vin_prefix: "VF1AAB00X72",
        plate: "2-UVW-678",
    },
    K {
        number: "LC-2025-0028",
        customer: "100018",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2025, 2),
        months: 48,
        monthly_cents: 45900,
        km: Some(25_000),
        make: "Volvo",
        model: "EX40",
        vin_prefix: "YV1XZK0V2R2",
        plate: "2-XYZ-901",
    },
    K {
        number: "LC-2025-0029",
        customer: "100019",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2025, 5),
        months: 36,
        monthly_cents: 37900,
        km: Some(15_000),
        make: "Toyota",
        model: "bZ4X",
        vin_prefix: "JTMABABA0RA",
        plate: "2-ABD-234",
    },
    K {
        number: "LC-2025-0030",
        customer: "100020",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2025, 6),
        months: 48,
        monthly_cents: 45900,
        km: Some(20_000),
        make: "Polestar",
        model: "2",
        vin_prefix: "LPSVSEDEEPL",
        plate: "2-BCF-456",
    },
    K {
        number: "LC-2025-0031",
        customer: "100021",
        kind: ContractKind::Lease,
        status: ContractStatus::Active,
        start: (2025, 7),
        months: 36,
        monthly_cents: 34900,
        km: Some(12_500),
        make: "MG",
        model: "4 Electric",
        vin_prefix: "LSJW74095PZ",
        plate: "2-DGK-567",
    },
];

/// The month the dates in `CONTRACTS` are written for: a data set seeded in this month uses
/// them as they stand, one seeded later has them moved forward by as many months.
const REFERENCE_MONTH: (i32, u8) = (2026, 11);
/// How many monthly invoices (at most) each contract gets, counting back from its last month.
const INVOICE_MONTHS: i64 = 12;

fn date(year: i32, month: u8, day: u8) -> Date {
    let month = Month::try_from(month).unwrap_or(Month::January);
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
}

fn add_months((year, month): (i32, u8), n: i64) -> (i32, u8) {
    let total = i64::from(year) * 12 + i64::from(month) - 1 + n;
    (
        (total.div_euclid(12)) as i32,
        (total.rem_euclid(12) + 1) as u8,
    )
}

fn month_index((year, month): (i32, u8)) -> i64 {
    i64::from(year) * 12 + i64::from(month)
}

/// The month of a date, as `(year, month)`.
pub fn month_of(day: Date) -> (i32, u8) {
    (day.year(), u8::from(day.month()))
}

/// A contract's first month, moved to the anchor.
fn start_for(k: &K, anchor: (i32, u8)) -> (i32, u8) {
    add_months(k.start, month_index(anchor) - month_index(REFERENCE_MONTH))
}

/// Invoices are issued on the 1st and due at the end of their month: this month's are open
/// but not yet due, last month's are overdue if unpaid.
fn due_date(month: (i32, u8)) -> Date {
    let next = add_months(month, 1);
    date(next.0, next.1, 1).previous_day().unwrap_or(Date::MIN)
}

/// Builds the demo data set for a database seeded in the month `anchor` (the newest invoice
/// month). Only constants go in, so a failure here is a bug in this file, caught by the unit
/// tests below.
pub fn batch(anchor: (i32, u8)) -> Result<ImportBatch, domain::values::ValueError> {
    let mut out = ImportBatch::default();
    for c in CUSTOMERS {
        out.customers.push(Customer {
            number: CustomerNumber::parse(c.number)?,
            kind: c.kind,
            first_name: c.first.into(),
            last_name: c.last.into(),
            company_name: c.company.map(|(name, _)| name.to_string()),
            company_number: c.company.map(|(_, number)| number.to_string()),
            mobile: c.mobile.map(PhoneNumber::parse).transpose()?,
            email: Some(Email::parse(c.email)?),
            language: c.lang,
            address: ADDRESSES.iter().find(|a| a.0 == c.number).and_then(
                |(_, street, postal, city)| PostalAddress::parse(street, postal, city, "BE").ok(),
            ),
        });
    }
    let mut invoice_seq = 0;
    for (i, k) in CONTRACTS.iter().enumerate() {
        let start = start_for(k, anchor);
        let end = add_months(start, k.months);
        let start_date = date(start.0, start.1, 1);
        let end_date = date(end.0, end.1, 1).previous_day().unwrap_or(start_date);
        out.contracts.push(Contract {
            number: ContractNumber::parse(k.number)?,
            customer_number: CustomerNumber::parse(k.customer)?,
            kind: k.kind,
            status: k.status,
            start_date,
            end_date,
            duration_months: k.months,
            monthly_amount_cents: k.monthly_cents,
            allowed_km_per_year: k.km,
            excess_km_rate_cents: k.km.map(|_| 8 + (i as i64 % 5)),
            vehicle: Vehicle {
                make: k.make.into(),
                model: k.model.into(),
                vin: Vin::parse(&format!("{}{:06}", k.vin_prefix, 100 + i))?,
                number_plate: Some(NumberPlate::parse(k.plate)?),
            },
        });
        // Monthly invoices for the contract's last INVOICE_MONTHS invoiced months.
        let last = if month_index(add_months(end, -1)) < month_index(anchor) {
            add_months(end, -1)
        } else {
            anchor
        };
        for back in (0..INVOICE_MONTHS).rev() {
            let month = add_months(last, -back);
            if month_index(month) < month_index(start) {
                continue;
            }
            invoice_seq += 1;
            let number = format!("{}{:06}", month.0, invoice_seq);
            let issue = date(month.0, month.1, 1);
            let due = due_date(month);
            let incl = k.monthly_cents;
            let excl = (incl * 100 + 60) / 121;
            // The newest month is open; the one before is open (and so overdue) for one
            // customer per kind, to show reminders; the rest is paid.
            let newest_open = month == last && k.status.is_running();
            let shows_reminder =
                back == 1 && (k.number == "LC-2024-0002" || k.number == "FC-2025-0012");
            let status = if newest_open || shows_reminder {
                InvoiceStatus::Open
            } else {
                InvoiceStatus::Paid
            };
            out.invoices.push(Invoice {
                payment_reference: structured_reference(&number),
                number,
                contract_number: ContractNumber::parse(k.number)?,
                issue_date: issue,
                due_date: due,
                amount_excl_vat_cents: excl,
                vat_cents: incl - excl,
                status,
                description: format!("{:02}/{}", month.1, month.0),
            });
        }
    }
    Ok(out)
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo data is invalid: {0}")]
    Invalid(#[from] domain::values::ValueError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Hash(#[from] password::HashError),
    #[error(transparent)]
    Store(#[from] crate::StoreError),
}

/// Seeds the demo data set, anchored to the clock's month, into an empty database; does
/// nothing if customers exist.
pub async fn seed_if_empty(
    db: &crate::Db,
    clock: &crate::Clock,
) -> Result<Option<ImportReport>, DemoError> {
    if !db.is_empty().await? {
        return Ok(None);
    }
    let anchor = month_of(clock.local_today());
    let now = clock.epoch();
    let batch = batch(anchor)?;
    let mut tx = crate::infra::db::begin_write(&db.pool)
        .await
        .map_err(crate::StoreError::from)?;
    let report = apply(&mut tx, now, &batch).await?;
    tx.commit().await.map_err(crate::StoreError::from)?;
    seed_staff(&db.pool, now).await?;
    seed_self_service(&db.pool, now, anchor).await?;
    Ok(Some(report))
}

/// Mileage driven per year as a share of the allowance, per lease (in `CONTRACTS` order of the
/// leases): the first customer's main lease runs over its allowance, to show the warning.
const DRIVING: [(&str, i64); 4] = [
    ("LC-2023-0001", 125),
    ("LC-2024-0002", 80),
    ("LC-2025-0011", 95),
    ("LC-2024-0008", 110),
];

/// A running lease's odometer readings: every six months from its start, at its share of the
/// allowance. They lie before the anchor month, so the newest is at least a few weeks old and a
/// reading the customer reports today is never an implausible jump from it.
fn readings(k: &K, anchor: (i32, u8)) -> Vec<domain::mileage::Reading> {
    let share = DRIVING
        .iter()
        .find(|(n, _)| *n == k.number)
        .map_or(90, |(_, s)| *s);
    let (Some(per_year), true) = (k.km, k.status.is_running()) else {
        return Vec::new();
    };
    let first = start_for(k, anchor);
    let start = date(first.0, first.1, 1);
    let mut out = Vec::new();
    let mut step = 6;
    while month_index(add_months(first, step)) < month_index(anchor) {
        let month = add_months(first, step);
        let day = date(month.0, month.1, 1);
        let km = per_year * share / 100 * (day - start).whole_days() / 365;
        out.push(domain::mileage::Reading { date: day, km });
        step += 6;
    }
    out
}

/// Readings every six months, a copy of every contract, and a fiscal certificate for last year
/// (with the completed request that produced it) for the first customer.
async fn seed_self_service(pool: &AnyPool, now: i64, anchor: (i32, u8)) -> Result<(), DemoError> {
    use crate::store::{contracts, customers, documents, mileage, requests};
    use domain::model::{DocumentKind, RequestKind};
    for k in CONTRACTS.iter() {
        let Some(customer) = customers::by_number(pool, k.customer).await? else {
            continue;
        };
        let Some(contract) = contracts::detail_for_customer(pool, customer.id, k.number).await?
        else {
            continue;
        };
        documents::create(
            pool,
            now,
            customer.id,
            Some(contract.id),
            DocumentKind::ContractCopy,
            None,
        )
        .await?;
        for reading in readings(k, anchor) {
            mileage::add(pool, now, contract.id, reading, mileage::Source::BackOffice).await?;
        }
    }
    // A fiscal certificate for last year, asked for and granted.
    if let Some(first) = customers::by_number(pool, "100001").await? {
        let request = requests::create_on_behalf(
            pool,
            now,
            first.id,
            None,
            RequestKind::FiscalCertificate,
            Some(anchor.0 - 1),
        )
        .await?;
        crate::services::self_service::grant_document_request(pool, now, request).await?;
    }
    seed_open_changes(pool, now).await?;
    Ok(())
}

/// Two open allowance changes for the CIC's work queue: one filed yesterday, one six days ago
/// (past the two-working-day target on any day: six days hold at least three working days).
/// Filed as by the back office, so no e-mail goes out.
async fn seed_open_changes(pool: &AnyPool, now: i64) -> Result<(), DemoError> {
    use crate::store::{contracts, customers, requests};
    use domain::model::RequestKind;
    const OPEN: [(&str, &str, i64, i64); 2] = [
        ("100003", "LC-2024-0006", 30_000, 1),
        ("100008", "LC-2025-0014", 25_000, 6),
    ];
    for (customer, number, km, days_ago) in OPEN {
        let Some(customer) = customers::by_number(pool, customer).await? else {
            continue;
        };
        let Some(contract) = contracts::detail_for_customer(pool, customer.id, number).await?
        else {
            continue;
        };
        let filed = now - days_ago * 86_400;
        let filed_on = time::OffsetDateTime::from_unix_timestamp(filed)
            .map(|t| t.date())
            .unwrap_or(Date::MIN);
        let end = domain::money::parse_iso_date(&contract.end_date).unwrap_or(Date::MAX);
        let (Some(current), Some(from)) = (
            contract.allowed_km_per_year,
            domain::change_requests::allowance_months(filed_on, end)
                .first()
                .copied(),
        ) else {
            continue;
        };
        let mut conn = pool.acquire().await.map_err(crate::StoreError::from)?;
        requests::create_change(
            &mut conn,
            filed,
            RequestKind::MileageChange,
            &requests::NewChange {
                customer_id: customer.id,
                account_id: None,
                contract_id: Some(contract.id),
                effective_date: Some(&domain::money::iso_date(from)),
                new_km_per_year: Some(km),
                old_value: Some(&current.to_string()),
                ..requests::NewChange::default()
            },
        )
        .await?;
    }
    Ok(())
}

async fn seed_staff(pool: &AnyPool, now: i64) -> Result<(), DemoError> {
    for s in &STAFF {
        let hash = password::hash(&password::Password::new(s.password)).await?;
        let sealed = crate::infra::seal::seal(crate::infra::seal::Column::StaffTotp, s.totp_secret)
            .map_err(crate::StoreError::from)?;
        staff::create(pool, now, s.email, s.name, s.role, &hash, &sealed).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_set_is_valid_and_large_enough() {
        let batch = batch(REFERENCE_MONTH).unwrap();
        assert!(batch.customers.len() >= 6);
        assert!(batch.contracts.len() >= 10);
        assert!(
            batch.invoices.len() >= 80,
            "{} invoices",
            batch.invoices.len()
        );
        assert!(
            batch
                .customers
                .iter()
                .any(|c| c.kind == CustomerKind::Company)
        );
        // One customer has several contracts; one has only ended contracts.
        let of = |n: &str| {
            batch
                .contracts
                .iter()
                .filter(|k| k.customer_number.as_str() == n)
                .collect::<Vec<_>>()
        };
        assert!(of("100001").len() >= 3);
        assert!(of("100005").iter().all(|k| !k.status.is_running()));
        assert!(
            batch
                .contracts
                .iter()
                .any(|k| k.kind == ContractKind::Financing)
        );
        // Every customer has a valid postal address (an address typo would silently drop it).
        assert!(batch.customers.iter().all(|c| c.address.is_some()));
        // Every company number passes the mod-97 check.
        for c in &batch.customers {
            if let Some(n) = &c.company_number {
                assert_eq!(
                    domain::import::parse_company_number(n).as_deref(),
                    Some(n.as_str())
                );
            }
        }
    }

    #[test]
    fn the_demo_set_is_deterministic() {
        assert_eq!(batch((2027, 5)).unwrap(), batch((2027, 5)).unwrap());
    }

    /// What the README's demo table and walkthrough promise, for a data set seeded in
    /// `anchor` and looked at during that month.
    fn assert_current(anchor: (i32, u8)) {
        let batch = batch(anchor).unwrap();
        let first_day = date(anchor.0, anchor.1, 1);
        let last_day = due_date(anchor);
        assert_eq!(batch.customers.len(), 21);
        assert_eq!(batch.contracts.len(), 31);
        assert_eq!(batch.invoices.len(), 372, "12 a contract");
        for k in &batch.contracts {
            let running = k.status.is_running();
            // Running contracts run through the anchor month; ended ones ended before it.
            assert_eq!(
                k.start_date <= first_day && k.end_date >= last_day,
                running,
                "{}",
                k.number.as_str()
            );
            let invoices: Vec<_> = batch
                .invoices
                .iter()
                .filter(|i| i.contract_number == k.number)
                .collect();
            let newest = invoices.iter().map(|i| i.issue_date).max().unwrap();
            if running {
                // The newest invoice is this month's, open and not yet due on any day of it.
                assert_eq!(newest, first_day, "{}", k.number.as_str());
                let open: Vec<_> = invoices
                    .iter()
                    .filter(|i| i.status == InvoiceStatus::Open)
                    .collect();
                let overdue = open.iter().filter(|i| i.due_date < first_day).count();
                let expected =
                    usize::from(matches!(k.number.as_str(), "LC-2024-0002" | "FC-2025-0012"));
                assert_eq!(overdue, expected, "{}", k.number.as_str());
                assert!(
                    open.iter()
                        .all(|i| i.due_date >= first_day || i.issue_date < first_day)
                );
            } else {
                assert!(newest < first_day);
                assert!(invoices.iter().all(|i| i.status == InvoiceStatus::Paid));
            }
        }
    }

    // On the 1st of a month the newest reading used to be dated today, so the walkthrough's
    // reading was refused as "more than 1,000 km a day".
    #[test]
    fn readings_are_older_than_this_month_and_leave_room_for_todays() {
        for anchor in [
            REFERENCE_MONTH,
            (2026, 12),
            (2027, 1),
            (2027, 5),
            (2028, 12),
        ] {
            let first_day = date(anchor.0, anchor.1, 1);
            for k in CONTRACTS
                .iter()
                .filter(|k| k.km.is_some() && k.status.is_running())
            {
                let all = readings(k, anchor);
                let newest = all.last().expect("a running lease has readings");
                assert!(newest.date < first_day, "{} {anchor:?}", k.number);
                assert!(first_day - newest.date <= time::Duration::days(185));
                assert!(
                    all.windows(2)
                        .all(|w| w[0].km < w[1].km && w[0].date < w[1].date)
                );
            }
        }
    }

    #[test]
    fn the_demo_set_looks_current_in_any_month() {
        assert_current(REFERENCE_MONTH);
        assert_current((2026, 12));
        // Two years ahead, and across a year's end and a February.
        assert_current((2028, 12));
        assert_current((2029, 1));
        assert_current((2030, 2));
    }

    #[test]
    fn months_add_across_years() {
        assert_eq!(add_months((2024, 11), 3), (2025, 2));
        assert_eq!(add_months((2024, 1), -1), (2023, 12));
    }
}
