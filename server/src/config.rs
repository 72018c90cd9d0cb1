//! Typed settings from environment variables. Every variable is listed in [`VARIABLES`] and in
//! the README's configuration table; a bad value (or an unknown `PORTAL_` variable, usually a
//! typo) stops the server at start with a message that names the variable.

use domain::Branding;
use domain::branding::is_hex_color;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A secret that never shows up in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SmsTransport {
    /// Append to `<data dir>/outbox/sms.jsonl`.
    Outbox,
    /// POST to an HTTP gateway.
    Http {
        url: String,
        token: Secret,
        sender: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailTransport {
    /// Write to `<data dir>/outbox/mail/`.
    Outbox,
    Smtp {
        url: Secret,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Secret,
    pub base_url: String,
    pub secure_cookies: bool,
    /// At least 64 bytes; `None` means a random key per start (sessions end at restart).
    pub session_secret: Option<Secret>,
    /// Seals TOTP secrets at rest; `None` only in development (a fixed, public key is used).
    pub data_key: Option<Secret>,
    pub demo: bool,
    /// The main database pool's size; `None`: two per core, 4 to 32.
    pub db_connections: Option<u32>,
    /// Per client IP: requests a minute to the sign-in, registration-code and reset endpoints.
    pub auth_rate_per_minute: u32,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: crate::client::TrustedProxies,
    pub log_format: LogFormat,
    pub log_filter: String,
    pub sms: SmsTransport,
    pub mail: MailTransport,
    pub mail_from: String,
    pub branding: Branding,
    /// How long a request may take before it is answered "temporarily unavailable" (its work
    /// still runs to the end); uploads have [`Settings::upload_timeout`].
    pub request_timeout: std::time::Duration,
    /// The same for the upload routes (a 10 MB file on a slow mobile connection).
    pub upload_timeout: std::time::Duration,
    /// How long a client may take to send a request's headers before its connection is closed.
    pub header_timeout: std::time::Duration,
}

impl Settings {
    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }
}

/// A variable with a bad value.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: {variable}: {message}")]
pub struct ConfigError {
    pub variable: String,
    pub message: String,
}

fn bad(variable: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable: variable.to_string(),
        message: message.into(),
    }
}

/// Every variable the portal reads, with its default and meaning (the README table mirrors it).
pub const VARIABLES: &[(&str, &str, &str)] = &[
    (
        "PORTAL_BIND",
        "LEPTOS_SITE_ADDR or 127.0.0.1:3000",
        "Address and port to listen on.",
    ),
    (
        "PORTAL_DATA_DIR",
        "./data",
        "Folder for the SQLite file and the dev outboxes (made absolute at start).",
    ),
    (
        "DATABASE_URL",
        "sqlite://<data dir>/portal.db",
        "sqlite:// file or postgres:// URL.",
    ),
    (
        "PORTAL_BASE_URL",
        "http://<bind>",
        "Public URL of the portal, used in e-mail links.",
    ),
    (
        "PORTAL_SECURE_COOKIES",
        "true",
        "Secure + __Host- session cookie and HSTS. Only `false` for plain-HTTP development.",
    ),
    (
        "PORTAL_SESSION_SECRET",
        "random per start",
        "At least 64 characters; signs session cookies. Set it in production and share it between instances.",
    ),
    (
        "PORTAL_DATA_KEY",
        "required in production",
        "At least 32 characters of random text; seals the TOTP secrets of customers and staff in the database (XChaCha20-Poly1305). Keep it out of the database and its backups, share it between instances, never change it without resealing. Without it the server refuses to start unless `PORTAL_SECURE_COOKIES=false` (development), where a fixed public key is used.",
    ),
    (
        "PORTAL_DEMO",
        "false",
        "Seed the demo data set into an empty database.",
    ),
    (
        "PORTAL_DB_CONNECTIONS",
        "2 per core, 4 to 32",
        "Most database connections the instance opens for its pages (plus 4 for sessions).",
    ),
    (
        "PORTAL_AUTH_RATE_PER_MINUTE",
        "30",
        "Per client IP: requests a minute (and burst) to sign-in, registration-code and password-reset endpoints.",
    ),
    (
        "PORTAL_REQUEST_TIMEOUT_SECS",
        "30",
        "Seconds a request may take (reading its body included) before it is answered 503 \"temporarily unavailable, try again\"; work it started still finishes.",
    ),
    (
        "PORTAL_UPLOAD_TIMEOUT_SECS",
        "300",
        "The same for the routes that take a file upload (a 10 MB file on a slow connection).",
    ),
    (
        "PORTAL_HEADER_TIMEOUT_SECS",
        "10",
        "Seconds a client may take to send a request's headers before its connection is closed (against slow clients holding connections).",
    ),
    (
        "PORTAL_TRUSTED_PROXIES",
        "none",
        "Comma-separated CIDR ranges or addresses of your TLS proxies / load balancers. Only from these peers is `X-Forwarded-For` believed (its right-most hop that is not one of them is the client); otherwise the TCP peer is the client.",
    ),
    ("PORTAL_LOG_FORMAT", "pretty", "`pretty` (human) or `json`."),
    (
        "PORTAL_LOG",
        "info",
        "Log filter (tracing EnvFilter syntax).",
    ),
    (
        "PORTAL_SMS_TRANSPORT",
        "outbox",
        "`outbox` (file) or `http` (gateway).",
    ),
    (
        "PORTAL_SMS_GATEWAY_URL",
        "",
        "Gateway URL (required with `http`).",
    ),
    (
        "PORTAL_SMS_GATEWAY_TOKEN",
        "",
        "Gateway bearer token (required with `http`).",
    ),
    (
        "PORTAL_SMS_SENDER",
        "company name",
        "Sender name shown on SMS (max. 11 characters).",
    ),
    (
        "PORTAL_MAIL_TRANSPORT",
        "outbox",
        "`outbox` (files) or `smtp`.",
    ),
    (
        "PORTAL_SMTP_URL",
        "",
        "smtps://user:pass@host:465 or smtp://host:587?tls=required (required with `smtp`).",
    ),
    (
        "PORTAL_MAIL_FROM",
        "<company> <contact e-mail>",
        "Sender of e-mails.",
    ),
    (
        "PORTAL_COMPANY_NAME",
        "Lumen Lease",
        "Operator name (header, e-mails, PDFs).",
    ),
    (
        "PORTAL_COMPANY_ADDRESS",
        "Voorbeeldlaan 1, 1000 Brussel",
        "Operator address.",
    ),
    (
        "PORTAL_COMPANY_VAT",
        "BE 0123.456.749",
        "Operator VAT number (invoices).",
    ),
    (
        "PORTAL_COMPANY_IBAN",
        "BE71 0961 2345 6769",
        "Account customers pay into (invoices).",
    ),
    (
        "PORTAL_CONTACT_EMAIL",
        "klantendienst@lumenlease.example",
        "Customer-service e-mail address.",
    ),
    (
        "PORTAL_CONTACT_PHONE",
        "+32 2 555 01 00",
        "Customer-service phone number.",
    ),
    (
        "PORTAL_OPENING_HOURS",
        "8:30–18:00",
        "Opening hours on working days.",
    ),
    (
        "PORTAL_PRIMARY_COLOR",
        "#0b5cad",
        "Accent colour as #rrggbb.",
    ),
    (
        "PORTAL_LOGO_URL",
        "/logo.svg",
        "Logo path or URL; empty for none.",
    ),
];

fn flag(
    get: &dyn Fn(&str) -> Option<String>,
    name: &str,
    default: bool,
) -> Result<bool, ConfigError> {
    match get(name).as_deref().map(str::trim) {
        None | Some("") => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(bad(name, format!("`{other}` is not true or false"))),
    }
}

/// A whole number from 1 to `max` (`default` when unset); `what` names it in the error.
fn number(
    get: &dyn Fn(&str) -> Option<String>,
    name: &str,
    default: u32,
    max: u32,
    what: &str,
) -> Result<u32, ConfigError> {
    match text(get, name) {
        None => Ok(default),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| bad(name, format!("`{v}` is not a {what} from 1 to {max}"))),
    }
}

/// A number of seconds from 1 to 3600.
fn seconds(
    get: &dyn Fn(&str) -> Option<String>,
    name: &str,
    default: u32,
) -> Result<std::time::Duration, ConfigError> {
    number(get, name, default, 3600, "number of seconds")
        .map(|n| std::time::Duration::from_secs(u64::from(n)))
}

fn text(get: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    get(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Settings, ConfigError> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        let names: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
        check_unknown(&names)?;
        Settings::from_lookup(&|name| std::env::var(name).ok())
    }

    /// Reads the settings through `get` (tests pass a map).
    pub fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let bind_text = text(get, "PORTAL_BIND")
            .or_else(|| text(get, "LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let bind: SocketAddr = bind_text.parse().map_err(|_| {
            bad(
                "PORTAL_BIND",
                format!("`{bind_text}` is not an address like 127.0.0.1:3000"),
            )
        })?;

        let data_dir = PathBuf::from(text(get, "PORTAL_DATA_DIR").unwrap_or_else(|| "data".into()));
        let data_dir = if data_dir.is_absolute() {
            data_dir
        } else {
            std::env::current_dir()
                .map_err(|e| {
                    bad(
                        "PORTAL_DATA_DIR",
                        format!("cannot resolve the working directory: {e}"),
                    )
                })?
                .join(data_dir)
        };
        if data_dir.exists() && !data_dir.is_dir() {
            return Err(bad(
                "PORTAL_DATA_DIR",
                format!("{} exists and is not a folder", data_dir.display()),
            ));
        }

        let database_url = text(get, "DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("portal.db").display()));
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(bad(
                "DATABASE_URL",
                "must start with sqlite: or postgres://",
            ));
        }

        let base_url = text(get, "PORTAL_BASE_URL").unwrap_or_else(|| format!("http://{bind}"));
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(bad(
                "PORTAL_BASE_URL",
                "must start with http:// or https://",
            ));
        }
        let base_url = base_url.trim_end_matches('/').to_string();

        let secure_cookies = flag(get, "PORTAL_SECURE_COOKIES", true)?;
        let session_secret = match text(get, "PORTAL_SESSION_SECRET") {
            Some(s) if s.len() < 64 => {
                return Err(bad(
                    "PORTAL_SESSION_SECRET",
                    "must be at least 64 characters long",
                ));
            }
            other => other.map(Secret),
        };
        let data_key = match text(get, "PORTAL_DATA_KEY") {
            Some(k) if k.chars().count() < 32 => {
                return Err(bad(
                    "PORTAL_DATA_KEY",
                    "must be at least 32 characters long",
                ));
            }
            None if secure_cookies => {
                return Err(bad(
                    "PORTAL_DATA_KEY",
                    "is required in production (PORTAL_SECURE_COOKIES=true): it seals the second-factor secrets at rest",
                ));
            }
            other => other.map(Secret),
        };
        let demo = flag(get, "PORTAL_DEMO", false)?;
        // Unset: the database layer sizes the pool by the machine's cores.
        let db_connections = text(get, "PORTAL_DB_CONNECTIONS")
            .map(|_| number(get, "PORTAL_DB_CONNECTIONS", 1, 200, "number"))
            .transpose()?;
        let auth_rate_per_minute =
            number(get, "PORTAL_AUTH_RATE_PER_MINUTE", 30, 60_000, "number")?;
        let request_timeout = seconds(get, "PORTAL_REQUEST_TIMEOUT_SECS", 30)?;
        let upload_timeout = seconds(get, "PORTAL_UPLOAD_TIMEOUT_SECS", 300)?;
        let header_timeout = seconds(get, "PORTAL_HEADER_TIMEOUT_SECS", 10)?;
        let trusted_proxies = crate::client::TrustedProxies::parse(
            &text(get, "PORTAL_TRUSTED_PROXIES").unwrap_or_default(),
        )
        .map_err(|m| bad("PORTAL_TRUSTED_PROXIES", m))?;
        let log_format = match text(get, "PORTAL_LOG_FORMAT").as_deref() {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(bad(
                    "PORTAL_LOG_FORMAT",
                    format!("`{other}` is not pretty or json"),
                ));
            }
        };
        let log_filter = text(get, "PORTAL_LOG").unwrap_or_else(|| "info".into());

        let mut branding = Branding::default();
        if let Some(v) = text(get, "PORTAL_COMPANY_NAME") {
            branding.company_name = v;
        }
        if let Some(v) = text(get, "PORTAL_COMPANY_ADDRESS") {
            branding.address = v;
        }
        if let Some(v) = text(get, "PORTAL_COMPANY_VAT") {
            branding.vat_number = v;
        }
        if let Some(v) = text(get, "PORTAL_COMPANY_IBAN") {
            branding.iban = v;
        }
        if let Some(v) = text(get, "PORTAL_CONTACT_EMAIL") {
            domain::values::Email::parse(&v).map_err(|_| {
                bad(
                    "PORTAL_CONTACT_EMAIL",
                    format!("`{v}` is not an e-mail address"),
                )
            })?;
            branding.contact_email = v;
        }
        if let Some(v) = text(get, "PORTAL_CONTACT_PHONE") {
            branding.contact_phone = v;
        }
        if let Some(v) = text(get, "PORTAL_OPENING_HOURS") {
            branding.opening_hours = v;
        }
        if let Some(v) = text(get, "PORTAL_PRIMARY_COLOR") {
            if !is_hex_color(&v) {
                return Err(bad(
                    "PORTAL_PRIMARY_COLOR",
                    format!("`{v}` is not a colour like #0b5cad"),
                ));
            }
            branding.primary_color = v;
        }
        if let Some(v) = get("PORTAL_LOGO_URL") {
            let v = v.trim().to_string();
            if v.contains(['"', '<', '>', ' ']) {
                return Err(bad("PORTAL_LOGO_URL", "must be a plain path or URL"));
            }
            branding.logo_url = v;
        }

        let sms = match text(get, "PORTAL_SMS_TRANSPORT").as_deref() {
            None | Some("outbox") => SmsTransport::Outbox,
            Some("http") => {
                let url = text(get, "PORTAL_SMS_GATEWAY_URL").ok_or_else(|| {
                    bad(
                        "PORTAL_SMS_GATEWAY_URL",
                        "is required when PORTAL_SMS_TRANSPORT=http",
                    )
                })?;
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(bad("PORTAL_SMS_GATEWAY_URL", "must be an http(s) URL"));
                }
                let token = text(get, "PORTAL_SMS_GATEWAY_TOKEN").ok_or_else(|| {
                    bad(
                        "PORTAL_SMS_GATEWAY_TOKEN",
                        "is required when PORTAL_SMS_TRANSPORT=http",
                    )
                })?;
                let sender = text(get, "PORTAL_SMS_SENDER").unwrap_or_else(|| {
                    branding
                        .company_name
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric())
                        .take(11)
                        .collect()
                });
                if sender.chars().count() > 11 {
                    return Err(bad("PORTAL_SMS_SENDER", "must be at most 11 characters"));
                }
                SmsTransport::Http {
                    url,
                    token: Secret(token),
                    sender,
                }
            }
            Some(other) => {
                return Err(bad(
                    "PORTAL_SMS_TRANSPORT",
                    format!("`{other}` is not outbox or http"),
                ));
            }
        };
        let mail = match text(get, "PORTAL_MAIL_TRANSPORT").as_deref() {
            None | Some("outbox") => MailTransport::Outbox,
            Some("smtp") => {
                let url = text(get, "PORTAL_SMTP_URL").ok_or_else(|| {
                    bad(
                        "PORTAL_SMTP_URL",
                        "is required when PORTAL_MAIL_TRANSPORT=smtp",
                    )
                })?;
                if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                    return Err(bad(
                        "PORTAL_SMTP_URL",
                        "must start with smtp:// or smtps://",
                    ));
                }
                MailTransport::Smtp { url: Secret(url) }
            }
            Some(other) => {
                return Err(bad(
                    "PORTAL_MAIL_TRANSPORT",
                    format!("`{other}` is not outbox or smtp"),
                ));
            }
        };
        let mail_from = text(get, "PORTAL_MAIL_FROM")
            .unwrap_or_else(|| format!("{} <{}>", branding.company_name, branding.contact_email));

        Ok(Settings {
            bind,
            data_dir,
            database_url: Secret(database_url),
            base_url,
            secure_cookies,
            session_secret,
            data_key,
            demo,
            db_connections,
            auth_rate_per_minute,
            trusted_proxies,
            log_format,
            log_filter,
            sms,
            mail,
            mail_from,
            branding,
            request_timeout,
            upload_timeout,
            header_timeout,
        })
    }
}

/// Leptos' own options. cargo-leptos passes `LEPTOS_OUTPUT_NAME`, `LEPTOS_SITE_ROOT` and
/// `LEPTOS_SITE_PKG_DIR` when it runs the server; a binary started directly (or built by plain
/// `cargo build`) uses the same values as defaults, with the site root relative to the working
/// directory.
pub fn leptos_options(settings: &Settings) -> leptos::config::LeptosOptions {
    let var = |name: &str, default: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| default.to_string())
    };
    leptos::config::LeptosOptions::builder()
        .output_name(var("LEPTOS_OUTPUT_NAME", "portal"))
        .site_root(var("LEPTOS_SITE_ROOT", "target/site"))
        .site_pkg_dir(var("LEPTOS_SITE_PKG_DIR", "pkg"))
        .site_addr(settings.bind)
        .build()
}

/// Refuses `PORTAL_` variables the portal does not know (a typo would otherwise be ignored).
pub fn check_unknown(names: &[&str]) -> Result<(), ConfigError> {
    for name in names {
        if name.starts_with("PORTAL_") && !VARIABLES.iter().any(|(known, _, _)| known == name) {
            return Err(bad(
                name,
                "unknown setting (see the README's configuration table)",
            ));
        }
    }
    Ok(())
}

/// The database URL with any password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..scheme_end], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Settings from these variables (with a data key unless they set or clear it).
    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let mut map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.entry("PORTAL_DATA_KEY".into())
            .or_insert_with(|| "k".repeat(32));
        map.retain(|_, v| !v.is_empty());
        Settings::from_lookup(&move |k| map.get(k).cloned())
    }

    #[test]
    fn production_needs_a_data_key() {
        let err = settings(&[("PORTAL_DATA_KEY", "")]).unwrap_err();
        assert_eq!(err.variable, "PORTAL_DATA_KEY");
        assert_eq!(
            settings(&[("PORTAL_DATA_KEY", "short")])
                .unwrap_err()
                .variable,
            "PORTAL_DATA_KEY"
        );
        // Development (plain HTTP) may run without one.
        let dev = settings(&[("PORTAL_DATA_KEY", ""), ("PORTAL_SECURE_COOKIES", "false")]).unwrap();
        assert!(dev.data_key.is_none());
        assert!(!format!("{:?}", settings(&[]).unwrap()).contains(&"k".repeat(32)));
    }

    #[test]
    fn defaults_are_safe_and_local() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:3000");
        assert!(s.secure_cookies);
        assert!(!s.demo);
        assert!(s.data_dir.is_absolute());
        assert!(
            s.database_url.expose().starts_with("sqlite://")
                && s.database_url.expose().ends_with("/data/portal.db")
        );
        assert_eq!(s.sms, SmsTransport::Outbox);
        assert_eq!(s.mail, MailTransport::Outbox);
        assert_eq!(s.branding, Branding::default());
        assert_eq!(s.request_timeout.as_secs(), 30);
        assert_eq!(s.upload_timeout.as_secs(), 300);
        assert_eq!(s.header_timeout.as_secs(), 10);
        assert_eq!(s.db_connections, None, "two connections per core");
        let sized = settings(&[("PORTAL_DB_CONNECTIONS", "6")]).unwrap();
        assert_eq!(sized.db_connections, Some(6));
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (var, value) in [
            ("PORTAL_BIND", "localhost"),
            ("PORTAL_DEMO", "maybe"),
            ("PORTAL_SECURE_COOKIES", "2"),
            ("DATABASE_URL", "mysql://x"),
            ("PORTAL_PRIMARY_COLOR", "blue"),
            ("PORTAL_SESSION_SECRET", "short"),
            ("PORTAL_LOG_FORMAT", "xml"),
            ("PORTAL_SMS_TRANSPORT", "pigeon"),
            ("PORTAL_CONTACT_EMAIL", "nope"),
            ("PORTAL_BASE_URL", "ftp://x"),
            ("PORTAL_AUTH_RATE_PER_MINUTE", "0"),
            ("PORTAL_DB_CONNECTIONS", "0"),
            ("PORTAL_DB_CONNECTIONS", "201"),
            ("PORTAL_DB_CONNECTIONS", "many"),
            ("PORTAL_TRUSTED_PROXIES", "10.0.0.0/33"),
            ("PORTAL_REQUEST_TIMEOUT_SECS", "0"),
            ("PORTAL_UPLOAD_TIMEOUT_SECS", "forever"),
            ("PORTAL_HEADER_TIMEOUT_SECS", "3601"),
        ] {
            let err = settings(&[(var, value)]).unwrap_err();
            assert_eq!(err.variable, var, "{err}");
            assert!(err.to_string().contains(var));
        }
    }

    #[test]
    fn production_transports_need_their_settings() {
        let err = settings(&[("PORTAL_SMS_TRANSPORT", "http")]).unwrap_err();
        assert_eq!(err.variable, "PORTAL_SMS_GATEWAY_URL");
        let s = settings(&[
            ("PORTAL_SMS_TRANSPORT", "http"),
            ("PORTAL_SMS_GATEWAY_URL", "https://sms.example/send"),
            ("PORTAL_SMS_GATEWAY_TOKEN", "tok"),
            ("PORTAL_MAIL_TRANSPORT", "smtp"),
            ("PORTAL_SMTP_URL", "smtps://u:p@mail.example:465"),
        ])
        .unwrap();
        assert!(matches!(s.sms, SmsTransport::Http { ref sender, .. } if sender == "LumenLease"));
        assert!(format!("{s:?}").contains("Secret(<redacted>)"));
        assert!(!format!("{s:?}").contains("u:p@"));
    }

    #[test]
    fn unknown_portal_variables_are_refused() {
        assert!(check_unknown(&["PATH", "PORTAL_DEMO"]).is_ok());
        assert_eq!(
            check_unknown(&["PORTAL_DEMOO"]).unwrap_err().variable,
            "PORTAL_DEMOO"
        );
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/portal"),
            "postgres://app:***@db:5432/portal"
        );
        assert_eq!(
            redact_url("sqlite:///data/portal.db"),
            "sqlite:///data/portal.db"
        );
    }
}
