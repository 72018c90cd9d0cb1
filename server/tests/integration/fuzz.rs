//! Bad input at scale (issue 14): every endpoint of `docs/API.md` — read from the document, so
//! a new endpoint is fuzzed as soon as it is documented — gets malformed bodies (empty, huge,
//! unicode with NUL (which PostgreSQL cannot store) and direction marks, repeated and missing
//! fields, numbers that overflow, JSON and multipart that do not parse, wrong content types, the wrong method) as a visitor, a
//! customer and an agent: never a status of 500 or more, and the server still answers after.
//! Deterministic (a fixed seed) and bounded (a fixed number of requests); the unbounded-time
//! run with random bodies is `scripts/fuzz.sh`.

use testkit as common;
use testkit::both_backends;

use common::{Backend, spawn};
use rand::{Rng, SeedableRng};

/// The documented endpoints: (method, path, argument names).
fn endpoints() -> Vec<(String, String, Vec<String>)> {
    let doc = include_str!("../../../docs/API.md");
    let mut out = Vec::new();
    for line in doc.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        let args: Vec<String> = cells
            .get(1)
            .map(|c| {
                c.split('`')
                    .skip(1)
                    .step_by(2)
                    .filter(|a| a.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        for call in cells[0].split('`').skip(1).step_by(2) {
            let Some((method, path)) = call.split_once(' ') else {
                continue;
            };
            if method != "GET" && method != "POST" {
                continue;
            }
            let path = path.split('?').next().unwrap_or(path);
            out.push((method.to_string(), path.to_string(), args.clone()));
        }
    }
    out
}

/// A path with its `{parameters}` replaced by `value` (URL-encoded).
fn fill(path: &str, value: &str) -> String {
    let encoded: String = value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        out.push_str(&encoded);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.replace("/*", "/x")
}

const NASTY: [&str; 12] = [
    "",
    " ",
    "\0",
    "a\0b",
    "\u{202e}fdp.exe",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "-1",
    "99999999999999999999999999",
    "1e309",
    "😀é€\u{feff}",
    "../../etc/passwd",
];

fn body_kinds(
    args: &[String],
    rng: &mut rand::rngs::StdRng,
) -> Vec<(&'static str, Option<String>, Vec<u8>)> {
    let form = |value: &dyn Fn(usize) -> String| -> Vec<u8> {
        let pairs: Vec<(String, String)> = args
            .iter()
            .enumerate()
            .map(|(i, a)| (a.clone(), value(i)))
            .collect();
        serde_urlencoded_like(&pairs).into_bytes()
    };
    let urlencoded = Some("application/x-www-form-urlencoded".to_string());
    let nasty = NASTY[rng.random_range(0..NASTY.len())];
    let mut kinds = vec![
        ("empty", urlencoded.clone(), Vec::new()),
        ("empty fields", urlencoded.clone(), form(&|_| String::new())),
        (
            "nasty fields",
            urlencoded.clone(),
            form(&|i| NASTY[i % NASTY.len()].to_string()),
        ),
        (
            "one nasty value",
            urlencoded.clone(),
            form(&|_| nasty.to_string()),
        ),
        (
            "NUL in every field",
            urlencoded.clone(),
            form(&|_| "a\0b".to_string()),
        ),
        (
            "huge fields",
            urlencoded.clone(),
            form(&|_| "x".repeat(60_000 / args.len().max(1))),
        ),
        ("repeated fields", urlencoded.clone(), {
            let mut b = form(&|_| "1".to_string());
            b.push(b'&');
            b.extend(form(&|_| "2".to_string()));
            b
        }),
        (
            "unknown fields",
            urlencoded.clone(),
            b"zz=1&%ZZ=%G0&=&&&a".to_vec(),
        ),
        ("bad percent", urlencoded.clone(), b"%".to_vec()),
        (
            "json",
            Some("application/json".into()),
            b"{\"a\": [1, {\"b\":".to_vec(),
        ),
        (
            "bad multipart",
            Some("multipart/form-data; boundary=".into()),
            b"--\r\n\r\n".to_vec(),
        ),
        (
            "multipart without end",
            Some("multipart/form-data; boundary=X".into()),
            b"--X\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nhi".to_vec(),
        ),
        ("text", Some("text/plain".into()), b"hello".to_vec()),
        (
            "binary",
            None,
            (0..512).map(|_| rng.random::<u8>()).collect(),
        ),
    ];
    kinds.retain(|k| !(k.0 == "huge fields" && args.is_empty()));
    kinds
}

/// `k=v&…` with the values percent-encoded (bytes other than letters and digits).
fn serde_urlencoded_like(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let v: String = v
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

both_backends!(
    every_documented_endpoint_survives_malformed_input,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let customer = app.signed_in_customer("100001", "an@example.be").await;
        let agent = app.staff(domain::model::StaffRole::Agent).await;
        let visitor = common::TestApp::new_client(&app);
        let mut rng = rand::rngs::StdRng::seed_from_u64(14);
        let list = endpoints();
        assert!(
            list.len() > 80,
            "endpoints read from docs/API.md: {}",
            list.len()
        );
        let mut failures = Vec::new();
        let mut sent = 0;
        for (method, path, args) in &list {
            // Signing out or ending sessions would end the fuzzing browsers' sessions.
            let ends_session = path.contains("sign-out")
                || path.contains("end-all-sessions")
                || path.contains("report-compromised");
            for (who, client) in [
                ("visitor", &visitor),
                ("customer", &customer),
                ("agent", &agent),
            ] {
                if ends_session && who != "visitor" {
                    continue;
                }
                for (kind, content_type, body) in body_kinds(args, &mut rng) {
                    let nasty = if kind == "NUL in every field" {
                        "a\0b"
                    } else {
                        NASTY[rng.random_range(0..NASTY.len())]
                    };
                    let url = app.url(&fill(path, nasty));
                    let accept = if rng.random_bool(0.5) {
                        "text/html"
                    } else {
                        "application/json"
                    };
                    let mut req = if method == "GET" || rng.random_bool(0.05) {
                        client.get(&url)
                    } else {
                        client.post(&url).body(body)
                    };
                    req = req.header("accept", accept);
                    if let Some(ct) = content_type {
                        req = req.header("content-type", ct);
                    }
                    let res = req.send().await.expect("the server answers");
                    sent += 1;
                    if res.status().as_u16() >= 500 {
                        failures.push(format!(
                            "{method} {path} as {who}, {kind}: {}",
                            res.status()
                        ));
                    }
                    if method == "GET" {
                        break;
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {sent} requests failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert_eq!(app.get("/healthz").await.status(), 200);
        // The customer and the agent are still signed in.
        assert!(
            app.json_as(&customer, "customer/dashboard")
                .await
                .contains("first_name")
        );
        assert!(app.json_as(&agent, "cic/queue").await.contains("items"));
    }
);
