//! Tests that keep the project's shape: both databases have the same schema, and the README's
//! configuration table lists exactly the variables the server knows.

mod common;

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
    // The session store's table is the session library's own (another schema on PostgreSQL).
    let sqlite: BTreeMap<_, _> = sqlite
        .into_iter()
        .filter(|(t, _)| t != "tower_sessions")
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
