//! Secure messaging's storage and rules on SQLite and PostgreSQL (issue 12, first step: the
//! services; the pages come next): a thread and its messages belong to one customer; bad input
//! is refused with its field; sent messages cannot be changed or deleted (database triggers);
//! staff reads are audited; a staff reply stops when someone wrote since the page was shown;
//! the customer's e-mail notice never carries the text; internal notes stay internal; closed
//! threads take no messages; 20 messages an hour.

use testkit as common;
use testkit::both_backends;

use backend::services::messages::{self as messaging, NewThreadInput, StaffAction, Writer};
use backend::services::staff_access::Reader;
use common::{Backend, TestApp, spawn};
use domain::messages::MessageRefusal;

async fn writer(app: &TestApp, number: &str, email: &str) -> Writer {
    let _browser = app.signed_in_customer(number, email).await;
    let account = backend::store::accounts::by_email(&app.state.db.pool, email)
        .await
        .unwrap()
        .unwrap();
    Writer {
        customer_id: account.customer_id,
        account_id: account.id,
    }
}

fn input<'a>(
    subject: &'a str,
    category: &'a str,
    contract: &'a str,
    body: &'a str,
) -> NewThreadInput<'a> {
    NewThreadInput {
        subject,
        category,
        contract,
        body,
        attachments: &[],
    }
}

both_backends!(
    threads_belong_to_their_customer_and_messages_never_change,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let s = app.state.services();
        let an = writer(&app, "100001", "an@example.be").await;
        let sophie = writer(&app, "100004", "sophie@example.be").await;

        // Bad input, each refused with its field.
        let long = "x".repeat(10_001);
        for (i, refusal) in [
            (
                input(" ", "invoice", "", "Vraag"),
                MessageRefusal::SubjectEmpty,
            ),
            (
                input("Factuur", "spam", "", "Vraag"),
                MessageRefusal::CategoryUnknown,
            ),
            (
                input("Factuur", "invoice", "", " \n "),
                MessageRefusal::Empty,
            ),
            (
                input("Factuur", "invoice", "", &long),
                MessageRefusal::TooLong,
            ),
            (
                input("Factuur", "contract", "LC-2024-0008", "Vraag"),
                MessageRefusal::ContractUnknown,
            ),
        ] {
            assert_eq!(messaging::start(&s, an, &i).await.unwrap(), Err(refusal));
        }
        let id = messaging::start(
            &s,
            an,
            &input(
                "Mijn factuur",
                "invoice",
                "LC-2023-0001",
                "Klopt deze factuur?\n<b>Dank</b>",
            ),
        )
        .await
        .unwrap()
        .unwrap();
        let opened = messaging::open_own(&s, an.customer_id, id)
            .await
            .unwrap()
            .unwrap();
        let (thread, list) = (opened.thread, opened.messages);
        assert_eq!(
            (thread.status.as_str(), thread.contract_number.as_deref()),
            ("open", Some("LC-2023-0001"))
        );
        assert_eq!(
            list[0].body, "Klopt deze factuur?\n<b>Dank</b>",
            "kept as typed, lines included"
        );

        // Another customer's thread does not exist for them.
        assert!(
            messaging::open_own(&s, sophie.customer_id, id)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            messaging::reply(&s, sophie, id, "Hallo", &[])
                .await
                .unwrap(),
            Ok(None)
        );

        // Nobody changes or deletes a sent message, not even around the portal.
        for sql in [
            "UPDATE messages SET body = 'anders'",
            "DELETE FROM messages",
        ] {
            assert!(
                sqlx::query(sql).execute(&app.state.db.pool).await.is_err(),
                "{sql}"
            );
        }
        let list = messaging::open_own(&s, an.customer_id, id)
            .await
            .unwrap()
            .unwrap()
            .messages;
        assert_eq!(list.len(), 1);
    }
);

both_backends!(
    staff_answer_with_the_collision_rule_and_notes_stay_internal,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let s = app.state.services();
        let pool = &app.state.db.pool;
        let an = writer(&app, "100001", "an@example.be").await;
        let id = messaging::start(
            &s,
            an,
            &input("Vraag", "contract", "", "Mag ik vroeger stoppen?"),
        )
        .await
        .unwrap()
        .unwrap();
        let agent = backend::store::staff::list(pool)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.role == "agent")
            .unwrap();
        let who = Reader {
            staff_id: agent.id,
            ip: "10.0.0.1",
            request_id: "req-1",
        };

        // Opening is audited; the page remembers the newest message it showed.
        let opened = messaging::staff_thread(&s, who, id)
            .await
            .unwrap()
            .unwrap()
            .opened;
        let (thread, seen) = (opened.thread, opened.seen);
        let views: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM staff_audit WHERE action = 'view_thread' AND customer_number = '100001'",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        assert_eq!(views, 1);

        // The customer writes again while the agent types: the reply stops, nothing is sent.
        messaging::reply(&s, an, id, "En wat kost dat?", &[])
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        let stale = messaging::act(
            &s,
            who,
            id,
            thread.version,
            StaffAction::Reply { seen },
            "Ja.",
            &[],
        )
        .await
        .unwrap();
        assert_eq!(stale, Err(MessageRefusal::Changed));
        let opened = messaging::staff_thread(&s, who, id)
            .await
            .unwrap()
            .unwrap()
            .opened;
        let (thread, seen) = (opened.thread, opened.seen);
        messaging::act(
            &s,
            who,
            id,
            thread.version,
            StaffAction::Note,
            "Klant belt vaak.",
            &[],
        )
        .await
        .unwrap()
        .unwrap();
        let thread = messaging::staff_thread(&s, who, id)
            .await
            .unwrap()
            .unwrap()
            .opened
            .thread;
        messaging::act(
            &s,
            who,
            id,
            thread.version,
            StaffAction::Reply { seen },
            "Ja, tegen een vergoeding.",
            &[],
        )
        .await
        .unwrap()
        .unwrap();

        // The customer sees the reply, not the note; one unread thread until read.
        assert_eq!(messaging::unread(&s, an.customer_id).await.unwrap(), 1);
        let opened = messaging::open_own(&s, an.customer_id, id)
            .await
            .unwrap()
            .unwrap();
        let (thread, list) = (opened.thread, opened.messages);
        assert_eq!(thread.status, "answered");
        let bodies: Vec<&str> = list.iter().map(|m| m.body.as_str()).collect();
        assert_eq!(
            bodies,
            [
                "Mag ik vroeger stoppen?",
                "En wat kost dat?",
                "Ja, tegen een vergoeding."
            ]
        );
        assert_eq!(messaging::unread(&s, an.customer_id).await.unwrap(), 0);
        // The e-mail says a reply is waiting, with a link, never what it says.
        let mails = app.mails().await;
        let notice = mails
            .iter()
            .rev()
            .find(|(_, m)| m.contains("To: an@example.be"))
            .map(|(_, m)| m.clone())
            .unwrap();
        assert!(notice.contains(&format!("/messages/{id}")), "{notice}");
        assert!(!notice.contains("vergoeding") && !notice.contains("Klant belt"));

        // Closed: the customer cannot write in it; reopened, they can.
        let thread = messaging::staff_thread(&s, who, id)
            .await
            .unwrap()
            .unwrap()
            .opened
            .thread;
        messaging::act(&s, who, id, thread.version, StaffAction::Close, "", &[])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            messaging::reply(&s, an, id, "Nog iets", &[]).await.unwrap(),
            Err(MessageRefusal::Closed)
        );
        let thread = messaging::staff_thread(&s, who, id)
            .await
            .unwrap()
            .unwrap()
            .opened
            .thread;
        assert_eq!(
            messaging::act(&s, who, id, thread.version, StaffAction::Close, "", &[])
                .await
                .unwrap(),
            Err(MessageRefusal::NoChange)
        );
        messaging::act(&s, who, id, thread.version, StaffAction::Reopen, "", &[])
            .await
            .unwrap()
            .unwrap();
        messaging::reply(&s, an, id, "Nog iets", &[])
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        // An unknown thread is simply not there.
        assert_eq!(
            messaging::act(&s, who, 999_999, 1, StaffAction::Close, "", &[])
                .await
                .unwrap(),
            Ok(None)
        );
    }
);

both_backends!(twenty_messages_an_hour, |backend: Backend| async move {
    let app = spawn(backend, true).await;
    let s = app.state.services();
    let an = writer(&app, "100001", "an@example.be").await;
    let id = messaging::start(&s, an, &input("Vraag", "other", "", "1"))
        .await
        .unwrap()
        .unwrap();
    for i in 2..=20 {
        messaging::reply(&s, an, id, &i.to_string(), &[])
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    }
    assert_eq!(
        messaging::reply(&s, an, id, "21", &[]).await.unwrap(),
        Err(MessageRefusal::Limit)
    );
    assert_eq!(
        messaging::start(&s, an, &input("Nog een", "other", "", "22"))
            .await
            .unwrap(),
        Err(MessageRefusal::Limit)
    );
});

// The customer's pages through HTTP, as a browser without JavaScript uses them: a refused
// form keeps what was typed next to the reason; the thread is the customer's alone (another
// customer and a signed-out visitor get the 404 and the sign-in); text is shown as text.
both_backends!(
    customers_write_and_read_their_threads_over_http,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        let sophie = app.signed_in_customer("100004", "sophie@example.be").await;
        let start = |subject: &'static str, body: &'static str| {
            vec![
                ("subject", subject),
                ("category", "invoice"),
                ("contract", "LC-2023-0001"),
                ("body", body),
            ]
        };
        let (_, to) = app
            .post_form_as(
                &an,
                "customer/start-thread",
                &start("", "Mijn tekst blijft staan"),
            )
            .await;
        assert_eq!(to, "/messages/new");
        let page = app.page_as(&an, "/messages/new").await;
        assert!(page.contains("Geef een onderwerp."), "the reason");
        assert!(page.contains("Mijn tekst blijft staan"), "the text is kept");
        assert!(page.contains("<option value=\"LC-2023-0001\" selected"));

        let (_, to) = app
            .post_form_as(
                &an,
                "customer/start-thread",
                &start("Factuur <b>mei</b>", "Regel 1\n<script>x</script>"),
            )
            .await;
        assert!(to.starts_with("/messages/"), "{to}");
        let page = app.page_as(&an, &to).await;
        assert!(page.contains("Uw bericht is verstuurd."));
        assert!(
            page.contains("&lt;script&gt;x&lt;/script&gt;") && !page.contains("<script>x"),
            "text, not HTML"
        );
        assert!(
            app.page_as(&an, "/messages")
                .await
                .contains("Factuur &lt;b&gt;mei&lt;/b&gt;")
        );

        // Someone else's thread does not exist; a reply to it neither.
        let res = sophie
            .get(app.url(&to))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), http::StatusCode::NOT_FOUND);
        let id = to.trim_start_matches("/messages/").to_string();
        let res = sophie
            .post(app.url("/api/customer/reply-thread"))
            .header("accept", "application/json")
            .form(&[("id", id.as_str()), ("body", "Hallo")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), http::StatusCode::NOT_FOUND);
        let res = app.browse(&to).await;
        assert!(
            res.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login?next=/messages/")
        );

        // An empty reply is refused; a reply is added.
        app.post_form_as(
            &an,
            "customer/reply-thread",
            &[("id", id.as_str()), ("body", "  ")],
        )
        .await;
        assert!(app.page_as(&an, &to).await.contains("Schrijf een bericht."));
        app.post_form_as(
            &an,
            "customer/reply-thread",
            &[("id", id.as_str()), ("body", "Nog een vraag")],
        )
        .await;
        assert!(app.page_as(&an, &to).await.contains("Nog een vraag"));
    }
);

// The CIC's side through HTTP: the inbox lists a waiting thread (audited), the thread page
// shows it; a reply sent on a page that missed a newer customer message stops (the page says
// so and keeps the text; an API client gets 409); an internal note never reaches the customer.
both_backends!(
    agents_work_threads_from_the_inbox_over_http,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        let agent = app.staff(domain::model::StaffRole::Agent).await;
        let (_, to) = app
            .post_form_as(
                &an,
                "customer/start-thread",
                &[
                    ("subject", "Vroeger stoppen"),
                    ("category", "contract"),
                    ("contract", ""),
                    ("body", "Kan dat?"),
                ],
            )
            .await;
        let id = to.trim_start_matches("/messages/").to_string();
        let inbox = app.page_as(&agent, "/cic/inbox").await;
        assert!(
            inbox.contains("Vroeger stoppen") && inbox.contains("An Peeters"),
            "{inbox}"
        );
        assert!(
            app.page_as(&agent, "/cic/inbox?show=closed")
                .await
                .contains("Geen gesprekken")
        );
        let thread = |client: &reqwest::Client| {
            let client = client.clone();
            let app = &app;
            let id = id.clone();
            async move {
                let res = client
                    .post(app.url("/api/cic/thread"))
                    .header("accept", "application/json")
                    .form(&[("id", id.as_str())])
                    .send()
                    .await
                    .unwrap();
                serde_json::from_str::<serde_json::Value>(&res.text().await.unwrap()).unwrap()
            }
        };
        let shown = thread(&agent).await;
        let (version, seen) = (shown["version"].to_string(), shown["seen"].to_string());
        // The customer writes again before the agent sends.
        app.post_form_as(
            &an,
            "customer/reply-thread",
            &[("id", id.as_str()), ("body", "Graag snel")],
        )
        .await;
        let reply = |action: &'static str, body: &'static str, version: String, seen: String| {
            vec![
                ("id", id.clone()),
                ("version", version),
                ("seen", seen),
                ("action", action.to_string()),
                ("body", body.to_string()),
            ]
        };
        let res = agent
            .post(app.url("/api/cic/thread-act"))
            .header("accept", "application/json")
            .form(&reply("reply", "Ja", version.clone(), seen.clone()))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), http::StatusCode::CONFLICT);
        let res = agent
            .post(app.url("/api/cic/thread-act"))
            .header("accept", "text/html")
            .form(&reply("reply", "Ja, dat kan", version, seen))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.headers()["location"],
            format!("/cic/threads/{id}").as_str()
        );
        let page = app.page_as(&agent, &format!("/cic/threads/{id}")).await;
        assert!(page.contains("Intussen kwam er een nieuw bericht") && page.contains("Graag snel"));
        assert!(page.contains("Ja, dat kan"), "the text is kept");

        // A note, then the reply on the fresh page.
        let shown = thread(&agent).await;
        app.post_form_as(
            &agent,
            "cic/thread-act",
            &reply(
                "note",
                "Klant van lang geleden",
                shown["version"].to_string(),
                shown["seen"].to_string(),
            )
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
        )
        .await;
        let shown = thread(&agent).await;
        app.post_form_as(
            &agent,
            "cic/thread-act",
            &reply(
                "reply",
                "Ja, dat kan",
                shown["version"].to_string(),
                shown["seen"].to_string(),
            )
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
        )
        .await;
        // The header and the dashboard count the unread reply until the customer reads it.
        let dashboard = app.page_as(&an, "/dashboard").await;
        assert!(
            dashboard.contains("class=\"badge\"") && dashboard.contains("Ongelezen antwoorden")
        );
        let page = app.page_as(&an, &format!("/messages/{id}")).await;
        assert!(page.contains("Ja, dat kan") && page.contains("Beantwoord"));
        assert!(
            !app.page_as(&an, "/dashboard")
                .await
                .contains("class=\"badge\"")
        );
        assert!(
            !page.contains("Klant van lang geleden"),
            "notes stay internal"
        );
        // Customers never reach the inbox.
        let res = an
            .post(app.url("/api/cic/inbox"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["location"], "/cic/login");
    }
);

/// A PDF's and a PNG's first bytes (enough for the sniffing).
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];

/// Posts a message form as a browser without JavaScript (`html`) or an API client.
async fn post_message(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    body: Vec<u8>,
    html: bool,
) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/{endpoint}")))
        .header("content-type", testkit::multipart_type())
        .header(
            "accept",
            if html {
                "text/html"
            } else {
                "application/json"
            },
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// Files in the store and uploads still arriving.
fn files_on_disk(app: &TestApp) -> (usize, usize) {
    let count = |dir: std::path::PathBuf| {
        std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .count()
            })
            .unwrap_or(0)
    };
    let files = app.data_dir.join("files");
    (count(files.clone()), count(files.join(".incoming")))
}

fn thread_fields(body: &str) -> Vec<(&'static str, String)> {
    vec![
        ("subject", "Schadeformulier".to_string()),
        ("category", "contract".to_string()),
        ("contract", String::new()),
        ("body", body.to_string()),
    ]
}

fn fields<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

// Attachments (issue 12): up to 5 PDF, JPEG or PNG files of 10 MB, judged by their bytes and
// stored with the message in one go; a refused file stores nothing and keeps the typed text;
// files are served to their customer and (audited) to staff; a staff note's file is staff's.
both_backends!(
    attachments_travel_with_messages_to_their_owner_and_staff,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        let sophie = app.signed_in_customer("100004", "sophie@example.be").await;
        let agent = app.staff(domain::model::StaffRole::Agent).await;
        let typed = thread_fields("Zie de foto's\nvan de schade.");
        let threads = "SELECT COUNT(*) FROM message_threads";

        // Refused files: nothing stored, the text kept next to the reason.
        let exe = b"MZ\x90\x00\x03\x00\x00\x00".as_slice();
        let big = {
            let mut b = PDF.to_vec();
            b.resize(10 * 1024 * 1024 + 1, b' ');
            b
        };
        let six: Vec<_> = (0..6).map(|_| ("attachments", "a.pdf", PDF)).collect();
        for (files, reason) in [
            (
                vec![("attachments", "factuur.pdf", exe)],
                "geen PDF, JPEG of PNG",
            ),
            (
                vec![("attachments", "scan.pdf", big.as_slice())],
                "groter dan 10 MB",
            ),
            (six, "hoogstens 5 bestanden"),
        ] {
            let res = post_message(
                &app,
                &an,
                "customer/start-thread",
                testkit::multipart(&fields(&typed), &files),
                true,
            )
            .await;
            assert_eq!(res.headers()["location"], "/messages/new");
            let page = app.page_as(&an, "/messages/new").await;
            assert!(page.contains(reason), "{reason}");
            assert!(page.contains("Zie de foto&#x27;s") || page.contains("Zie de foto's"));
            assert_eq!(count(&app, threads).await, 0, "nothing stored");
            assert_eq!(files_on_disk(&app), (0, 0), "no file left behind");
        }
        // An API client gets the status and the reason's key.
        let res = post_message(
            &app,
            &an,
            "customer/start-thread",
            testkit::multipart(&fields(&typed), &[("attachments", "x.pdf", exe)]),
            false,
        )
        .await;
        assert_eq!(res.status(), http::StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("messages.attachment_type")
        );
        // A malformed body is refused, never a 500.
        let res = an
            .post(app.url("/api/customer/start-thread"))
            .header("content-type", "multipart/form-data; boundary=")
            .header("accept", "application/json")
            .body("--\r\nbroken")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), http::StatusCode::BAD_REQUEST);
        let mut cut = testkit::multipart(&fields(&typed), &[("attachments", "a.pdf", PDF)]);
        cut.truncate(cut.len() - 30);
        let res = post_message(&app, &an, "customer/start-thread", cut, false).await;
        assert_eq!(res.status(), http::StatusCode::BAD_REQUEST);
        assert_eq!(count(&app, threads).await, 0);

        // Two files with paths in their names (control characters in names: unit tests).
        let res = post_message(
            &app,
            &an,
            "customer/start-thread",
            testkit::multipart(
                &fields(&typed),
                &[
                    ("attachments", "C:\\schade\\voorkant.pdf", PDF),
                    ("attachments", "../../achterkant.png", PNG),
                ],
            ),
            true,
        )
        .await;
        let to = res.headers()["location"].to_str().unwrap().to_string();
        let id = to.trim_start_matches("/messages/").to_string();
        assert!(id.parse::<i64>().is_ok(), "{to}");
        assert_eq!(files_on_disk(&app), (2, 0));
        let page = app.page_as(&an, &to).await;
        assert!(page.contains("voorkant.pdf") && page.contains("achterkant.png"));
        let file_ids: Vec<String> = sqlx::query_scalar(
            "SELECT f.id FROM uploaded_files f JOIN message_attachments a ON a.file_id = f.id
             ORDER BY f.file_name DESC",
        )
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        let pdf = &file_ids[0];
        let res = an
            .get(app.url(&format!("/files/{pdf}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), http::StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
        // Another customer: not found; staff: served and audited.
        let res = sophie
            .get(app.url(&format!("/files/{pdf}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), http::StatusCode::NOT_FOUND);
        let res = agent
            .get(app.url(&format!("/cic/files/{pdf}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), http::StatusCode::OK);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM staff_audit WHERE action = 'view_uploaded_file' AND customer_number = '100001'"
            )
            .await,
            1
        );

        // The agent answers with a file and notes with another; the customer gets the first.
        let shown = |agent: reqwest::Client| {
            let app = &app;
            let id = id.clone();
            async move {
                let res = agent
                    .post(app.url("/api/cic/thread"))
                    .header("accept", "application/json")
                    .form(&[("id", id.as_str())])
                    .send()
                    .await
                    .unwrap();
                let v: serde_json::Value = res.json().await.unwrap();
                (v["version"].to_string(), v["seen"].to_string())
            }
        };
        for (action, text, file) in [
            ("note", "Expertise gevraagd", "expertise.pdf"),
            ("reply", "Hier is het formulier", "formulier.pdf"),
        ] {
            let (version, seen) = shown(agent.clone()).await;
            let res = post_message(
                &app,
                &agent,
                "cic/thread-act",
                testkit::multipart(
                    &[
                        ("id", id.as_str()),
                        ("version", &version),
                        ("seen", &seen),
                        ("action", action),
                        ("body", text),
                    ],
                    &[("attachments", file, PDF)],
                ),
                true,
            )
            .await;
            assert_eq!(
                res.headers()["location"],
                format!("/cic/threads/{id}").as_str()
            );
        }
        let staff_page = app.page_as(&agent, &format!("/cic/threads/{id}")).await;
        assert!(staff_page.contains("expertise.pdf") && staff_page.contains("formulier.pdf"));
        let page = app.page_as(&an, &to).await;
        assert!(page.contains("formulier.pdf"), "the reply's file");
        assert!(
            !page.contains("expertise.pdf"),
            "the note's file stays internal"
        );
        let note_file: String = sqlx::query_scalar(
            "SELECT file_id FROM message_attachments a JOIN messages m ON m.id = a.message_id
             WHERE m.author = 'note'",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let res = an
            .get(app.url(&format!("/files/{note_file}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), http::StatusCode::NOT_FOUND);
        // Customers never reach the staff form.
        let res = post_message(
            &app,
            &an,
            "cic/thread-act",
            testkit::multipart(&[("id", id.as_str())], &[]),
            true,
        )
        .await;
        assert_eq!(res.headers()["location"], "/cic/login");
    }
);

// A message acknowledged to its sender is committed: it is there, with its file, after the
// server restarts.
both_backends!(
    an_acknowledged_message_survives_a_restart,
    |backend: Backend| async move {
        // As in production: the session key outlives the process, so the customer stays in.
        let secret = "s".repeat(64);
        let app = testkit::spawn_with(backend, true, &[("PORTAL_SESSION_SECRET", &secret)]).await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        let res = post_message(
            &app,
            &an,
            "customer/start-thread",
            testkit::multipart(
                &fields(&thread_fields("Voor en na de herstart")),
                &[("attachments", "bewijs.pdf", PDF)],
            ),
            false,
        )
        .await;
        assert_eq!(res.status(), http::StatusCode::CREATED);
        let id = res.json::<serde_json::Value>().await.unwrap()["id"].to_string();
        let app = app.restart().await;
        let page = app.page_as(&an, &format!("/messages/{id}")).await;
        assert!(
            page.contains("Voor en na de herstart") && page.contains("bewijs.pdf"),
            "{page}"
        );
        let file: String = sqlx::query_scalar("SELECT file_id FROM message_attachments")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let res = an
            .get(app.url(&format!("/files/{file}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
    }
);

// The CIC side around a thread (issue 12): admins keep saved replies in three languages
// (agents may not), an agent starts an answer from one (the customer's language first), sees
// the customer's contracts and open requests beside the thread and assigns it; audited.
both_backends!(
    agents_assign_threads_and_answer_from_saved_replies,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        let admin = app.staff(domain::model::StaffRole::Admin).await;
        let agent = app.staff(domain::model::StaffRole::Agent).await;

        // Saved replies: refused input keeps what was typed; agents may not write them.
        app.post_form_as(
            &admin,
            "cic/save-reply",
            &[("lang", "fr"), ("title", " "), ("body", "Bonjour,\nmerci.")],
        )
        .await;
        let page = app.page_as(&admin, "/cic/replies").await;
        assert!(page.contains("Geef een titel.") && page.contains("Bonjour,\nmerci."));
        for (lang, title, body) in [
            ("fr", "Délai", "Bonjour, nous revenons vers vous."),
            ("nl", "Termijn", "Beste klant, we komen bij u terug."),
        ] {
            let (_, to) = app
                .post_form_as(
                    &admin,
                    "cic/save-reply",
                    &[("lang", lang), ("title", title), ("body", body)],
                )
                .await;
            assert_eq!(to, "/cic/replies");
        }
        let res = agent
            .post(app.url("/api/cic/save-reply"))
            .header("accept", "application/json")
            .form(&[("lang", "nl"), ("title", "x"), ("body", "y")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), http::StatusCode::FORBIDDEN);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM staff_audit WHERE action = 'save_reply'"
            )
            .await,
            2
        );

        let (_, to) = app
            .post_form_as(
                &an,
                "customer/start-thread",
                &[
                    ("subject", "Hoe lang nog?"),
                    ("category", "contract"),
                    ("contract", "LC-2023-0001"),
                    ("body", "Wanneer hoor ik iets?"),
                ],
            )
            .await;
        let id = to.trim_start_matches("/messages/").to_string();
        let thread_page = format!("/cic/threads/{id}");
        let page = app.page_as(&agent, &thread_page).await;
        assert!(page.contains("Over deze klant") && page.contains("LC-2023-0001"));
        let (nl, fr) = (
            page.find("NL · Termijn").unwrap(),
            page.find("FR · Délai").unwrap(),
        );
        assert!(nl < fr, "the customer's language first");
        let nl_id: i64 = sqlx::query_scalar("SELECT id FROM saved_replies WHERE title = 'Termijn'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let page = app
            .page_as(&agent, &format!("{thread_page}?reply={nl_id}"))
            .await;
        assert!(page.contains("Beste klant, we komen bij u terug.</textarea>"));

        // Assigning: to someone unknown is refused; to me shows under "mine".
        let version = || {
            let agent = agent.clone();
            let app = &app;
            let id = id.clone();
            async move {
                let res = agent
                    .post(app.url("/api/cic/thread"))
                    .header("accept", "application/json")
                    .form(&[("id", id.as_str())])
                    .send()
                    .await
                    .unwrap();
                res.json::<serde_json::Value>().await.unwrap()["version"].to_string()
            }
        };
        let v = version().await;
        let assign = |to: &'static str, v: String| {
            vec![
                ("id", id.clone()),
                ("version", v),
                ("action", "assign".to_string()),
                ("to", to.to_string()),
            ]
        };
        let form = assign("999999", v.clone());
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.post_form_as(&agent, "cic/thread-act", &form).await;
        assert!(
            app.page_as(&agent, &thread_page)
                .await
                .contains("Kies een actieve collega")
        );
        assert!(
            !app.page_as(&agent, "/cic/inbox?show=mine")
                .await
                .contains("Hoe lang nog?")
        );
        let form = assign("me", v.clone());
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (_, to) = app.post_form_as(&agent, "cic/thread-act", &form).await;
        assert_eq!(to, thread_page);
        assert!(
            app.page_as(&agent, "/cic/inbox?show=mine")
                .await
                .contains("Hoe lang nog?")
        );
        // The same (now stale) page again: refused, nothing changes.
        let form = assign("", v);
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.post_form_as(&agent, "cic/thread-act", &form).await;
        assert!(
            app.page_as(&agent, &thread_page)
                .await
                .contains("Intussen kwam er")
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM staff_audit WHERE action = 'assign_thread'"
            )
            .await,
            1
        );
    }
);

// The messaging benchmark's generator (`server seed --messages N`): threads of ten messages
// shared by every portal account, readable through the usual pages.
both_backends!(
    generated_messages_fill_every_accounts_list,
    |backend: Backend| async move {
        let app = spawn(backend, true).await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        let _sophie = app.signed_in_customer("100004", "sophie@example.be").await;
        let threads = backend::seed::bulk::messages(&app.state.db, app.state.clock.epoch(), 1_234)
            .await
            .unwrap();
        assert_eq!(threads, 124);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM messages").await, 1_240);
        // An's 62 threads: three full pages and two on the fourth.
        let page = app.page_as(&an, "/messages?page=3").await;
        assert!(page.contains("rel=\"next\""));
        let page = app.page_as(&an, "/messages?page=4").await;
        let threads_shown = page.matches("href=\"/messages/").count()
            - page.matches("href=\"/messages/new").count();
        assert_eq!(threads_shown, 2);
        assert!(page.contains("class=\"badge\""), "some replies are unread");
        assert!(!page.contains("rel=\"next\""));
        let agent = app.staff(domain::model::StaffRole::Agent).await;
        assert!(app.page_as(&agent, "/cic/inbox").await.contains("Vraag "));
    }
);
