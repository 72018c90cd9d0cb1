//! Tests that keep the project's shape: both databases have the same schema, and the README's
//! configuration table lists exactly the variables the server knows.

use testkit as common;

use std::collections::{BTreeMap, BTreeSet};

/// Table → column names of a freshly migrated database.
async fn schema(url: &str) -> BTreeMap<String, BTreeSet<String>> {
    let db = backend::Db::connect(url).await.unwrap();
    let rows: Vec<(String, String)> = match db.backend {
        backend::Backend::Sqlite => {
            sqlx::query_as(
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx_%'",
            )
            .fetch_all(&db.pool)
            .await
            .unwrap()
        }
        backend::Backend::Postgres => sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx_%'",
        )
        .fetch_all(&db.pool)
        .await
        .unwrap(),
    };
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (table, column) in rows {
        out.entry(table).or_default().insert(column);
    }
    out
}

#[tokio::test]
async fn sqlite_and_postgres_migrations_define_the_same_tables_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = schema(&format!("sqlite://{}/portal.db", dir.path().display())).await;
    let postgres = schema(&common::fresh_postgres().await).await;
    assert!(sqlite.len() > 10, "{sqlite:?}");
    // The session store's table is the session library's own (another schema on PostgreSQL);
    // the customer search's trigram index is a virtual table with shadow tables on SQLite and
    // an index (not a table) on PostgreSQL.
    let sqlite: BTreeMap<_, _> = sqlite
        .into_iter()
        .filter(|(t, _)| t != "tower_sessions" && !t.starts_with("customer_search"))
        .collect();
    assert_eq!(sqlite, postgres);
}

#[test]
fn the_readme_lists_exactly_the_variables_the_server_knows() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let section = readme
        .split("## Configuration")
        .nth(1)
        .expect("a Configuration section")
        .split("\n## ")
        .next()
        .unwrap_or_default();
    let in_readme: BTreeSet<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter(|v| v.starts_with("PORTAL_"))
        .collect();
    let known: BTreeSet<&str> = server::config::VARIABLES
        .iter()
        .map(|(name, _, _)| *name)
        .filter(|v| v.starts_with("PORTAL_"))
        .collect();
    assert_eq!(in_readme, known);
}

/// Every `.rs` file under `dir`, with its path relative to `backend/src`.
fn sources(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            // Unit tests may set up throwaway tables of their own.
            let text = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .to_string();
            let name = path.strip_prefix(root).unwrap().display().to_string();
            out.push((name, text));
        }
    }
}

/// The tables a source text writes: the word after `INSERT INTO`, `UPDATE` or `DELETE FROM`.
fn written_tables(text: &str) -> BTreeSet<String> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = BTreeSet::new();
    for (i, w) in words.iter().enumerate() {
        let table = match *w {
            "INSERT" | "DELETE" if matches!(words.get(i + 1), Some(&"INTO") | Some(&"FROM")) => {
                words.get(i + 2)
            }
            "UPDATE" => words.get(i + 1),
            _ => None,
        };
        if let Some(t) = table.filter(|t| t.chars().all(|c| c.is_ascii_lowercase() || c == '_')) {
            out.insert((*t).to_string());
        }
    }
    out
}

/// Files allowed to run SQL outside `store/`: the database connection itself (migrations, the
/// health check), the read path that runs the store modules' statements (it writes nothing:
/// its own connections are read-only, and a write through it would be a store module's) and
/// the bulk generator for load tests, which writes many rows per statement.
const SQL_OUTSIDE_STORE: [&str; 3] = ["infra/db.rs", "infra/reads.rs", "seed/bulk.rs"];

#[test]
fn only_the_store_runs_sql_and_each_table_has_one_writer() {
    let root = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../backend/src"));
    let mut files = Vec::new();
    sources(&root, &root, &mut files);
    assert!(files.len() > 30, "found {} files", files.len());
    let mut writers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, text) in &files {
        let runs_sql = text.contains("sqlx::query");
        if !name.starts_with("store/") && !SQL_OUTSIDE_STORE.contains(&name.as_str()) {
            assert!(
                !runs_sql,
                "{name} runs SQL; storage belongs in backend/src/store/"
            );
        }
        if name.starts_with("store/") {
            for table in written_tables(text) {
                writers.entry(table).or_default().insert(name.clone());
            }
        }
    }
    assert!(writers.contains_key("portal_accounts"), "{writers:?}");
    let shared: Vec<_> = writers.iter().filter(|(_, w)| w.len() > 1).collect();
    assert!(
        shared.is_empty(),
        "tables written by more than one store module: {shared:?}"
    );
    // Nothing in the app or server crates runs SQL of its own.
    for dir in ["../app/src", "src"] {
        let root = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/")).join(dir);
        let mut files = Vec::new();
        sources(&root, &root, &mut files);
        for (name, text) in files {
            assert!(
                !text.contains("sqlx::query"),
                "{dir}/{name} runs SQL; use a store module"
            );
        }
    }
}

#[test]
fn written_tables_are_found_in_sql_text() {
    assert_eq!(
        written_tables(
            "sqlx::query(\"UPDATE portal_accounts SET x = 1\"); INSERT INTO recovery_codes (a) DELETE FROM t"
        ),
        ["portal_accounts", "recovery_codes", "t"]
            .map(String::from)
            .into()
    );
}

/// The server functions in the app's sources: endpoint and argument list.
fn server_functions() -> BTreeMap<String, String> {
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../app/src"));
    let mut files = Vec::new();
    sources(root, root, &mut files);
    let mut out = BTreeMap::new();
    for (_, text) in files {
        for part in text.split("#[server(endpoint = \"").skip(1) {
            let endpoint = part.split('"').next().unwrap();
            // The function's parameter list: from its `(` to the matching `)` (attributes such
            // as `#[server(default)]` inside it have parentheses of their own).
            let signature = &part[part.find("fn ").unwrap()..];
            let args_start = signature.find('(').unwrap();
            let mut depth = 0;
            let mut args_end = args_start;
            for (i, c) in signature[args_start..].char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    args_end = args_start + i;
                    break;
                }
            }
            out.insert(
                format!("/api/{endpoint}"),
                signature[args_start + 1..args_end].to_string(),
            );
        }
    }
    out
}

/// Every server function the router answers is found in the sources, and each that checks a
/// secret (its arguments carry a password, a code or a token) or sends an SMS or an e-mail is
/// behind the per-IP limit.
#[test]
fn every_endpoint_that_checks_a_secret_or_sends_a_message_is_rate_limited() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    let in_sources = server_functions();
    assert!(registered.contains("/api/auth/sign-in"), "{registered:?}");
    // The parser sees past argument attributes (this one's `code` follows a `#[server(default)]`).
    assert!(server_functions()["/api/cic/setup"].contains("code"));
    assert_eq!(
        registered,
        in_sources.keys().cloned().collect::<BTreeSet<_>>()
    );
    let sends_a_message = [
        "/api/register/start",
        "/api/register/contract",
        "/api/register/resend",
        "/api/register/details",
        "/api/auth/forgot",
        "/api/account/change-email",
        "/api/account/report-compromised",
        "/api/account/two-factor-confirm",
        "/api/account/two-factor-disable",
        "/api/auth/second-factor",
        "/api/customer/contact/mobile-code",
        "/api/cic/invite-staff",
        "/api/cic/change-staff",
        "/api/cic/send-password-reset",
    ];
    let mut unlimited = Vec::new();
    for (path, args) in &in_sources {
        // By argument name: `code`, `token`, anything with `password` (not `postal_code`).
        let secret = args
            .split(',')
            .filter_map(|a| a.split(':').next())
            .map(|a| {
                a.rsplit(|c: char| c.is_whitespace() || c == ']')
                    .next()
                    .unwrap_or("")
            })
            .any(|name| name == "code" || name == "token" || name.contains("password"));
        if (secret || sends_a_message.contains(&path.as_str()))
            && !server::middleware::rate_limited(path)
        {
            unlimited.push(path.clone());
        }
    }
    assert!(unlimited.is_empty(), "not rate limited: {unlimited:?}");
}

/// Every check of a secret goes through the one throttle: argon2 verification and TOTP checks
/// only appear inside `throttle::attempt(…)` (or in the throttle itself).
#[test]
fn every_secret_check_is_an_attempt_of_the_one_throttle() {
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../backend/src"));
    let mut files = Vec::new();
    sources(&root.join("services"), root, &mut files);
    let mut outside = Vec::new();
    for (name, text) in &files {
        // The throttle itself, and the second factor's own check (called from attempts).
        if name.ends_with("throttle.rs") || name.ends_with("two_factor.rs") {
            continue;
        }
        for (at, _) in text
            .match_indices("password::verify(")
            .chain(text.match_indices("throttle::password("))
            .chain(text.match_indices("totp::check("))
            .chain(text.match_indices("two_factor::verify("))
            .chain(text.match_indices("two_factor::verify_factor("))
        {
            let before = &text[..at];
            let guarded = before.rfind("throttle::attempt(").is_some_and(|start| {
                // Still inside that call: its parentheses are not closed yet.
                let mut depth = 0i32;
                for c in before[start + "throttle::attempt".len()..].chars() {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                }
                depth > 0
            });
            if !guarded {
                let line = before.lines().count();
                outside.push(format!("{name}:{line}"));
            }
        }
    }
    assert!(
        outside.is_empty(),
        "secrets checked outside the throttle: {outside:?}"
    );
}
