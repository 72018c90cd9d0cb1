//! The `server` command: `server` (serve), `server import FILE`, `server seed --customers N`,
//! `server audit verify`.

use server::config::{Settings, redact_url};
use std::process::ExitCode;

/// mimalloc instead of glibc's allocator: page rendering makes many small, short-lived
/// allocations, and glibc's malloc/free took about a quarter of a signed-in page's CPU time
/// (see the README's Numbers).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage:
  server                         run the portal (configuration from environment variables)
  server import FILE.json        import customers, contracts and invoices from the back office
  server seed --customers N      add N generated customers (10 invoices and an open request each) for benchmarks
  server seed --audit-entries N  add N generated staff audit entries (a valid chain) for the export benchmark
  server seed --messages N       add N generated messages (threads of ten, for every portal account) for the messaging benchmark
  server seed --load-users N     give N generated customers a portal account (load<number>@example.test) and add 10 agents
                                 (load-agent-<n>@example.test, the demo agent's TOTP key), password LOAD_PASSWORD, for scripts/load.sh
  server audit verify            check the staff audit trail's hash chain (exit code 1 when broken)";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    server::telemetry::init(settings.log_format, &settings.log_filter);
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => serve(settings).await,
        ["import", file] => import(settings, file).await,
        ["seed", "--customers", n] => match n.parse::<i64>() {
            Ok(n) if n > 0 => seed(settings, n).await,
            _ => Err(format!("--customers needs a positive number, not `{n}`")),
        },
        ["seed", "--audit-entries", n] => match n.parse::<i64>() {
            Ok(n) if n > 0 => seed_audit(settings, n).await,
            _ => Err(format!(
                "--audit-entries needs a positive number, not `{n}`"
            )),
        },
        ["seed", "--messages", n] => match n.parse::<i64>() {
            Ok(n) if n > 0 => seed_messages(settings, n).await,
            _ => Err(format!("--messages needs a positive number, not `{n}`")),
        },
        ["seed", "--load-users", n] => match n.parse::<i64>() {
            Ok(n) if n > 0 => seed_load_users(settings, n).await,
            _ => Err(format!("--load-users needs a positive number, not `{n}`")),
        },
        ["audit", "verify"] => audit_verify(settings).await,
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown command\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> Result<(), String> {
    let started = std::time::Instant::now();
    let leptos = server::config::leptos_options(&settings);
    let bind = settings.bind;
    let state = server::prepare(settings, leptos, backend::Clock::system())
        .await
        .map_err(|e| e.to_string())?;
    server::jobs::spawn_all(&state);
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("cannot listen on {bind} (PORTAL_BIND): {e}"))?;
    tracing::info!(address = %bind, ready_in_ms = started.elapsed().as_millis() as u64, "portal listening on http://{bind}");
    let header_timeout = state.settings.header_timeout;
    server::serve(listener, server::app(state), header_timeout)
        .await
        .map_err(|e| e.to_string())
}

async fn connect(settings: &Settings) -> Result<backend::Db, String> {
    let url = settings.database_url.expose();
    backend::Db::connect_with(url, settings.db_connections)
        .await
        .map_err(|e| format!("cannot open the database {}: {e}", redact_url(url)))
}

async fn import(settings: Settings, file: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let db = connect(&settings).await?;
    match backend::services::import::import_json(&db.pool, backend::Clock::system().epoch(), &text)
        .await
    {
        Ok(report) => {
            println!("imported {file}");
            println!("  customers: {}", report.customers);
            println!("  contracts: {}", report.contracts);
            println!("  invoices:  {}", report.invoices);
            Ok(())
        }
        Err(backend::services::import::ImportError::Rows(errors)) => {
            for e in &errors {
                eprintln!("{file}: {e}");
            }
            Err(format!("{} error(s); nothing was imported", errors.len()))
        }
        Err(e) => Err(format!("{e}; nothing was imported")),
    }
}

async fn seed(settings: Settings, customers: i64) -> Result<(), String> {
    let db = connect(&settings).await?;
    let started = std::time::Instant::now();
    let invoices = backend::seed::bulk::seed(&db, backend::Clock::system().epoch(), customers)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "added {customers} customers, {customers} contracts and {invoices} invoices in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn seed_messages(settings: Settings, count: i64) -> Result<(), String> {
    let db = connect(&settings).await?;
    let started = std::time::Instant::now();
    let threads = backend::seed::bulk::messages(&db, backend::Clock::system().epoch(), count)
        .await
        .map_err(|e| e.to_string())?;
    if threads == 0 {
        return Err("no portal account to write messages for: register one first".into());
    }
    println!(
        "added {count} messages in {threads} threads in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn seed_load_users(settings: Settings, customers: i64) -> Result<(), String> {
    let password = std::env::var("LOAD_PASSWORD")
        .map_err(|_| "set LOAD_PASSWORD (the load test accounts' password)".to_string())?;
    let db = connect(&settings).await?;
    server::install_data_key(&settings);
    let hash = backend::infra::password::hash(&backend::infra::password::Password::new(&password))
        .await
        .map_err(|e| e.to_string())?;
    let (accounts, agents) = backend::seed::bulk::load_users(
        &db,
        backend::Clock::system().epoch(),
        customers,
        10,
        &hash,
        backend::seed::demo::STAFF[0].totp_secret,
    )
    .await
    .map_err(|e| e.to_string())?;
    println!("added {accounts} customer accounts and {agents} agents");
    Ok(())
}

async fn seed_audit(settings: Settings, entries: i64) -> Result<(), String> {
    let db = connect(&settings).await?;
    server::install_data_key(&settings);
    let started = std::time::Instant::now();
    backend::seed::bulk::audit_entries(&db, backend::Clock::system().epoch(), entries)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "added {entries} audit entries in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn audit_verify(settings: Settings) -> Result<(), String> {
    let db = connect(&settings).await?;
    server::install_data_key(&settings);
    let report = backend::services::staff_access::verify_audit_chain(
        &db.pool,
        backend::Clock::system().epoch(),
    )
    .await
    .map_err(|e| e.to_string())?;
    println!("{}", report.describe());
    if report.ok() {
        Ok(())
    } else {
        Err("the audit chain is broken".into())
    }
}
