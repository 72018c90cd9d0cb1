//! Change requests and the CIC work queue over HTTP, on SQLite and PostgreSQL: a customer asks
//! for a new plate (with its certificate) or a new allowance, an agent assigns, approves or
//! rejects it; the change lands in the contract in the same transaction as the status, the
//! history and the e-mail, or not at all. Uploads are guarded before they are parsed.

use testkit as common;
use testkit::both_backends;

use common::{Backend, TestApp, mid_november_2026, spawn_at};
use domain::model::StaffRole;
use http::StatusCode;

/// A text field of a form, and an attached file (name, bytes).
type Field<'a> = (&'a str, &'a str);
type Attachment<'a> = (&'a str, &'a [u8]);

/// A PDF's first bytes (enough for the sniffing).
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// A multipart body with text fields and an optional certificate.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let files: Vec<_> = file
        .map(|(n, b)| ("certificate", n, b))
        .into_iter()
        .collect();
    testkit::multipart(fields, &files)
}

/// Posts the new-plate form; `html` like a browser without JavaScript, else as an API client.
async fn post_plate(
    app: &TestApp,
    client: &reqwest::Client,
    body: Vec<u8>,
    content_type: &str,
    html: bool,
) -> reqwest::Response {
    client
        .post(app.url("/api/customer/plate-change"))
        .header("content-type", content_type)
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

fn form_type() -> String {
    testkit::multipart_type()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

fn stored_files(app: &TestApp) -> usize {
    std::fs::read_dir(app.data_dir.join("files"))
        .map(|d| {
            d.flatten()
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .count()
        })
        .unwrap_or(0)
}

async fn request_id(app: &TestApp, kind: &str, contract: &str) -> (i64, i64) {
    sqlx::query_as(
        "SELECT r.id, r.version FROM service_requests r JOIN contracts c ON c.id = r.contract_id
         WHERE r.kind = $1 AND c.contract_number = $2 ORDER BY r.id DESC LIMIT 1",
    )
    .bind(kind)
    .bind(contract)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

async fn plate_of(app: &TestApp, contract: &str) -> Option<String> {
    sqlx::query_scalar(
        "SELECT v.number_plate FROM vehicles v JOIN contracts c ON c.id = v.contract_id
         WHERE c.contract_number = $1",
    )
    .bind(contract)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

/// Posts a staff action like a browser (form post); returns status and Location.
async fn staff_post(
    app: &TestApp,
    staff: &reqwest::Client,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    app.post_form_as(staff, endpoint, form).await
}

both_backends!(
    a_new_plate_with_its_certificate_is_approved_into_the_contract,
    |backend: Backend| async move {
        let app = spawn_at(backend, true, mid_november_2026()).await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        // The contract page offers the change; the form shows the current plate.
        let page = app.page_as(&an, "/contracts/LC-2023-0001").await;
        assert!(page.contains("/contracts/LC-2023-0001/plate"));
        let form = app.page_as(&an, "/contracts/LC-2023-0001/plate").await;
        assert!(form.contains("1-ABC-234") && form.contains("enctype=\"multipart/form-data\""));

        // Typed in lower case without dashes, shown as on the plate.
        let body = multipart(
            &[
                ("contract", "LC-2023-0001"),
                ("country", "BE"),
                ("plate", "2 xyz 987"),
                ("effective", "2026-11-20"),
            ],
            Some(("C:\\scans\\inschrijving.pdf", PDF)),
        );
        let res = post_plate(&app, &an, body, &form_type(), true).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let to = location(&res);
        assert!(to.starts_with("/requests/"), "{to}");
        let (id, version) = request_id(&app, "plate_change", "LC-2023-0001").await;
        assert_eq!(version, 1);
        let page = app.page_as(&an, &to).await;
        let reference = format!("WR-2026-{id:06}");
        assert!(page.contains(&reference) && page.contains("2-XYZ-987"));
        assert!(page.contains("Ingediend") && page.contains("inschrijving.pdf"));
        assert!(page.contains("Uw aanvraag is verstuurd"));
        // It is in "My requests", filtered by kind, and the e-mail names only reference and status.
        let list = app.page_as(&an, "/requests?kind=plate_change").await;
        assert!(list.contains(&reference));
        let list = app.page_as(&an, "/requests?kind=mileage_change").await;
        assert!(!list.contains(&reference));
        let mails = app.mails().await;
        let (_, mail) = mails
            .iter()
            .rev()
            .find(|(_, m)| m.contains("To: an@example.be"))
            .expect("status mail");
        assert!(mail.contains(&reference) && mail.contains("Ingediend"));
        assert!(
            !mail.contains("2-XYZ-987"),
            "no personal details in the mail"
        );
        // Nothing changed yet.
        assert_eq!(
            plate_of(&app, "LC-2023-0001").await.as_deref(),
            Some("1-ABC-234")
        );

        // The owner sees the certificate; another customer does not.
        let file_id: String =
            sqlx::query_scalar("SELECT file_id FROM service_requests WHERE id = $1")
                .bind(id)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        let res = an
            .get(app.url(&format!("/files/{file_id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        assert!(
            res.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("inschrijving.pdf")
        );
        assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
        let luc = app.signed_in_customer("100002", "luc@example.be").await;
        let res = luc
            .get(app.url(&format!("/files/{file_id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let res = luc
            .get(app.url(&format!("/requests/{id}")))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::NOT_FOUND,
            "another customer's request"
        );

        // The agent finds it in the queue and opens it (audited), with the file.
        let agent = app.staff(StaffRole::Agent).await;
        let queue = app.page_as(&agent, "/cic/queue").await;
        assert!(queue.contains(&reference) && queue.contains("An Peeters"));
        let page = app.page_as(&agent, &format!("/cic/requests/{id}")).await;
        assert!(page.contains("2-XYZ-987") && page.contains("1-ABC-234"));
        let res = agent
            .get(app.url(&format!("/cic/files/{file_id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        // A customer cannot use the staff door.
        let res = an
            .get(app.url(&format!("/cic/files/{file_id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(location(&res), "/cic/login");

        // Assign to me starts the treatment (and e-mails the customer); then approve.
        let (status, to) = staff_post(
            &app,
            &agent,
            "cic/assign-request",
            &[("id", &id.to_string()), ("version", "1"), ("to", "me")],
        )
        .await;
        assert_eq!(
            (status, to.as_str()),
            (StatusCode::FOUND, format!("/cic/requests/{id}").as_str())
        );
        let (_, version) = request_id(&app, "plate_change", "LC-2023-0001").await;
        assert_eq!(version, 3, "assigned, then in treatment");
        // The customer can no longer cancel it.
        let (_, _) = app
            .post_form_as(
                &an,
                "customer/cancel-request",
                &[("id", &id.to_string()), ("back", "/requests")],
            )
            .await;
        let page = app.page_as(&an, "/requests").await;
        assert!(page.contains("kan niet meer geannuleerd"));
        let (status, _) = staff_post(
            &app,
            &agent,
            "cic/approve-request",
            &[("id", &id.to_string()), ("version", "3"), ("note", "")],
        )
        .await;
        assert_eq!(status, StatusCode::FOUND);
        let page = app.page_as(&agent, &format!("/cic/requests/{id}")).await;
        assert!(page.contains("De aanvraag is goedgekeurd"));
        assert_eq!(
            plate_of(&app, "LC-2023-0001").await.as_deref(),
            Some("2-XYZ-987")
        );
        let page = app.page_as(&an, "/contracts/LC-2023-0001").await;
        assert!(page.contains("2-XYZ-987"));
        let page = app.page_as(&an, &format!("/requests/{id}")).await;
        assert!(page.contains("Goedgekeurd") && page.contains("In behandeling"));
        let mails = app.mails().await;
        assert!(mails.iter().any(|(_, m)| m.contains("To: an@example.be")
            && m.contains(&reference)
            && m.contains("Goedgekeurd")));
        // Every staff view and action is in the audit log.
        for action in [
            "view_work_queue",
            "view_request",
            "view_uploaded_file",
            "assign_request",
            "approve_request",
        ] {
            let n = count(
                &app,
                &format!("SELECT COUNT(*) FROM staff_audit WHERE action = '{action}'"),
            )
            .await;
            assert!(n >= 1, "{action} audited");
        }
        // The history has every step once.
        let steps: Vec<String> = sqlx::query_scalar(
            "SELECT status FROM request_events WHERE request_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(steps, ["submitted", "in_treatment", "approved"]);
    }
);

both_backends!(
    bad_uploads_are_refused_and_leave_nothing_behind,
    |backend: Backend| async move {
        let app = spawn_at(backend, true, mid_november_2026()).await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        let fields = [
            ("contract", "LC-2023-0001"),
            ("country", "BE"),
            ("plate", "2xyz987"),
            ("effective", "2026-11-20"),
        ];
        // A malformed boundary: 400, no panic.
        for content_type in [
            "multipart/form-data",
            "multipart/form-data; boundary=",
            "text/plain",
        ] {
            let res = post_plate(
                &app,
                &an,
                multipart(&fields, Some(("a.pdf", PDF))),
                content_type,
                false,
            )
            .await;
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{content_type}");
        }
        // A body cut in the middle of a part: 400 for an API client, the form again for a browser.
        let mut cut = multipart(&fields, Some(("a.pdf", PDF)));
        cut.truncate(cut.len() - 30);
        let res = post_plate(&app, &an, cut.clone(), &form_type(), false).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        // 11 MB: 413 (read to its end first, so the client sees the answer).
        let mut big = PDF.to_vec();
        big.resize(11 * 1024 * 1024, b' ');
        let res = post_plate(
            &app,
            &an,
            multipart(&fields, Some(("big.pdf", &big))),
            &form_type(),
            false,
        )
        .await;
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        // Just over 10 MB with the text fields: back to the form with the message and the typed plate.
        big.truncate(10 * 1024 * 1024 + 10);
        let res = post_plate(
            &app,
            &an,
            multipart(&fields, Some(("big.pdf", &big))),
            &form_type(),
            true,
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/contracts/LC-2023-0001/plate");
        let page = app.page_as(&an, "/contracts/LC-2023-0001/plate").await;
        assert!(page.contains("groter dan 10 MB") && page.contains("value=\"2xyz987\""));
        // An executable renamed .pdf.
        let res = post_plate(
            &app,
            &an,
            multipart(
                &fields,
                Some(("factuur.pdf", b"MZ\x90\x00\x03\x00\x00\x00")),
            ),
            &form_type(),
            false,
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["key"], "change.file_type");
        assert_eq!(body["error"]["field"], "certificate");
        // A Belgian plate without its certificate; a malformed plate; a date in the past or too far.
        let cases: [(&[Field], Option<Attachment>, &str); 5] = [
            (&fields, None, "change.file_required"),
            (
                &[
                    ("contract", "LC-2023-0001"),
                    ("country", ""),
                    ("plate", "1-AB-23"),
                    ("effective", "2026-11-20"),
                ],
                Some(("a.pdf", PDF)),
                "error.number_plate",
            ),
            (
                &[
                    ("contract", "LC-2023-0001"),
                    ("country", "BE"),
                    ("plate", "2xyz987"),
                    ("effective", "2026-11-15"),
                ],
                Some(("a.pdf", PDF)),
                "change.date_in_past",
            ),
            (
                &[
                    ("contract", "LC-2023-0001"),
                    ("country", "BE"),
                    ("plate", "2xyz987"),
                    ("effective", "2027-03-01"),
                ],
                Some(("a.pdf", PDF)),
                "change.date_too_far",
            ),
            (
                &[
                    ("contract", "LC-2023-0001"),
                    ("country", "Duitsland"),
                    ("plate", "B AB 123"),
                    ("effective", "2026-11-20"),
                ],
                None,
                "change.plate_country",
            ),
        ];
        for (fields, file, key) in cases {
            let res = post_plate(&app, &an, multipart(fields, file), &form_type(), false).await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{key}");
            let body: serde_json::Value = res.json().await.unwrap();
            assert_eq!(body["error"]["key"], key);
        }
        // Another customer's contract: 404.
        let res = post_plate(
            &app,
            &an,
            multipart(
                &[
                    ("contract", "FC-2024-0004"),
                    ("plate", "2xyz987"),
                    ("effective", "2026-11-20"),
                ],
                Some(("a.pdf", PDF)),
            ),
            &form_type(),
            false,
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        // Nothing was stored: no request, no file.
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM service_requests WHERE kind = 'plate_change'"
            )
            .await,
            0
        );
        assert_eq!(count(&app, "SELECT COUNT(*) FROM uploaded_files").await, 0);
        assert_eq!(stored_files(&app), 0);
        // Signed out: to the sign-in page.
        let res = post_plate(
            &app,
            &app.client,
            multipart(&fields, Some(("a.pdf", PDF))),
            &form_type(),
            true,
        )
        .await;
        assert!(location(&res).starts_with("/login"));
        // A foreign plate needs no certificate; a second plate request is refused while one is open.
        let foreign = [
            ("contract", "LC-2023-0001"),
            ("country", "de"),
            ("plate", "b ab 1234"),
            ("effective", "2026-11-20"),
        ];
        let res = post_plate(&app, &an, multipart(&foreign, None), &form_type(), false).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let res = post_plate(
            &app,
            &an,
            multipart(&fields, Some(("a.pdf", PDF))),
            &form_type(),
            false,
        )
        .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert_eq!(
            stored_files(&app),
            0,
            "the refused duplicate's file was removed"
        );
        let page = app.page_as(&an, "/contracts/LC-2023-0001/plate").await;
        let (open, _) = request_id(&app, "plate_change", "LC-2023-0001").await;
        assert!(
            page.contains(&format!("WR-2026-{open:06}")) && !page.contains("enctype"),
            "the open request is named instead of the form"
        );
    }
);

both_backends!(
    an_allowance_change_is_checked_rejected_with_a_note_and_changes_nothing,
    |backend: Backend| async move {
        let app = spawn_at(backend, true, mid_november_2026()).await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        let page = app.page_as(&an, "/contracts/LC-2024-0002/allowance").await;
        assert!(page.contains("Onze klantendienst bevestigt het nieuwe maandbedrag"));
        assert!(
            page.contains("value=\"2026-12-01\""),
            "first of the coming month"
        );
        // Not a step of 1,000 km: refused next to the field, the typed value kept.
        let (_, to) = app
            .post_form_as(
                &an,
                "customer/allowance-change",
                &[
                    ("contract", "LC-2024-0002"),
                    ("km_per_year", "25500"),
                    ("effective", "2026-12-01"),
                ],
            )
            .await;
        assert_eq!(to, "/contracts/LC-2024-0002/allowance");
        let page = app.page_as(&an, &to).await;
        assert!(page.contains("Kies een veelvoud van 1.000 km."), "message");
        assert!(page.contains("value=\"25500\""));
        for (km, effective) in [
            ("4000", "2026-12-01"),
            ("101000", "2026-12-01"),
            ("25000", "2026-12-15"),
            ("25000", "2026-11-01"),
        ] {
            let (_, to) = app
                .post_form_as(
                    &an,
                    "customer/allowance-change",
                    &[
                        ("contract", "LC-2024-0002"),
                        ("km_per_year", km),
                        ("effective", effective),
                    ],
                )
                .await;
            assert_eq!(to, "/contracts/LC-2024-0002/allowance", "{km} {effective}");
        }
        assert_eq!(count(&app, "SELECT COUNT(*) FROM service_requests WHERE kind = 'mileage_change' AND account_id IS NOT NULL").await, 0);
        let (_, to) = app
            .post_form_as(
                &an,
                "customer/allowance-change",
                &[
                    ("contract", "LC-2024-0002"),
                    ("km_per_year", "25.000"),
                    ("effective", "2026-12-01"),
                ],
            )
            .await;
        assert!(to.starts_with("/requests/"), "{to}");
        // One open request of a kind per contract: the form names the open one.
        let (_, to2) = app
            .post_form_as(
                &an,
                "customer/allowance-change",
                &[
                    ("contract", "LC-2024-0002"),
                    ("km_per_year", "30000"),
                    ("effective", "2026-12-01"),
                ],
            )
            .await;
        assert_eq!(to2, "/contracts/LC-2024-0002/allowance");
        let (id, version) = request_id(&app, "mileage_change", "LC-2024-0002").await;
        let page = app.page_as(&an, &to2).await;
        assert!(
            page.contains(&format!("WR-2026-{id:06}")) && page.contains(&format!("/requests/{id}"))
        );
        let before: Option<i64> = sqlx::query_scalar(
            "SELECT allowed_km_per_year FROM contracts WHERE contract_number = 'LC-2024-0002'",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();

        // A rejection needs a note; the note is kept on refusal and shown to the customer.
        let agent = app.staff(StaffRole::Agent).await;
        let (_, to) = staff_post(
            &app,
            &agent,
            "cic/reject-request",
            &[
                ("id", &id.to_string()),
                ("version", &version.to_string()),
                ("note", "  "),
            ],
        )
        .await;
        assert_eq!(to, format!("/cic/requests/{id}"));
        let page = app.page_as(&agent, &to).await;
        assert!(page.contains("Schrijf bij een weigering waarom"));
        // A stale version: refused with the current state (409 for an API client).
        let res = agent
            .post(app.url("/api/cic/reject-request"))
            .header("accept", "application/json")
            .form(&[
                ("id", id.to_string()),
                ("version", (version + 5).to_string()),
                ("note", "x".into()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let (_, _) = staff_post(
            &app,
            &agent,
            "cic/reject-request",
            &[
                ("id", &id.to_string()),
                ("version", &version.to_string()),
                ("note", "Uw contract laat geen wijziging meer toe."),
            ],
        )
        .await;
        let page = app.page_as(&an, &format!("/requests/{id}")).await;
        assert!(
            page.contains("Geweigerd")
                && page.contains("Uw contract laat geen wijziging meer toe.")
        );
        let after: Option<i64> = sqlx::query_scalar(
            "SELECT allowed_km_per_year FROM contracts WHERE contract_number = 'LC-2024-0002'",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(before, after, "a rejected request changes nothing");
        // Closed: a second decision is refused.
        let res = agent
            .post(app.url("/api/cic/approve-request"))
            .header("accept", "application/json")
            .form(&[
                ("id", id.to_string()),
                ("version", (version + 1).to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CONFLICT);
        // Now a new one may be filed, and cancelled while submitted.
        let (_, to) = app
            .post_form_as(
                &an,
                "customer/allowance-change",
                &[
                    ("contract", "LC-2024-0002"),
                    ("km_per_year", "30000"),
                    ("effective", "2027-01-01"),
                ],
            )
            .await;
        let new_id: i64 = to.trim_start_matches("/requests/").parse().unwrap();
        let (_, back) = app
            .post_form_as(
                &an,
                "customer/cancel-request",
                &[
                    ("id", &new_id.to_string()),
                    ("back", &format!("/requests/{new_id}")),
                ],
            )
            .await;
        assert_eq!(back, format!("/requests/{new_id}"));
        let page = app.page_as(&an, &back).await;
        assert!(page.contains("Uw aanvraag is geannuleerd") && page.contains("Geannuleerd"));
        let mails = app.mails().await;
        assert!(
            mails
                .iter()
                .any(|(_, m)| m.contains(&format!("WR-2026-{new_id:06}"))
                    && m.contains("Geannuleerd"))
        );
    }
);

both_backends!(
    ten_agents_approving_at_once_change_the_contract_once,
    |backend: Backend| async move {
        let app = spawn_at(backend, true, mid_november_2026()).await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        let (_, to) = app
            .post_form_as(
                &an,
                "customer/allowance-change",
                &[
                    ("contract", "LC-2024-0002"),
                    ("km_per_year", "30000"),
                    ("effective", "2026-12-01"),
                ],
            )
            .await;
        assert!(to.starts_with("/requests/"));
        let (id, version) = request_id(&app, "mileage_change", "LC-2024-0002").await;
        // One agent's browser and an admin's, ten approvals at once (a staff member's TOTP code
        // is single use, so not ten sign-ins in one 30-second window).
        let agents = [
            app.staff(StaffRole::Agent).await,
            app.staff(StaffRole::Admin).await,
        ];
        let url = app.url("/api/cic/approve-request");
        let answers = futures_join((0..10).map(|i| {
            agents[i % 2]
                .post(&url)
                .header("accept", "application/json")
                .form(&[("id", id.to_string()), ("version", version.to_string())])
                .send()
        }))
        .await;
        let statuses: Vec<u16> = answers
            .iter()
            .map(|r| r.as_ref().unwrap().status().as_u16())
            .collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 409).count(),
            9,
            "{statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s < 400).count(),
            1,
            "{statuses:?}"
        );
        let approvals = count(&app, &format!("SELECT COUNT(*) FROM request_events WHERE request_id = {id} AND status = 'approved'")).await;
        assert_eq!(approvals, 1);
        let km: Option<i64> = sqlx::query_scalar(
            "SELECT allowed_km_per_year FROM contracts WHERE contract_number = 'LC-2024-0002'",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(km, Some(30_000));
        let mails = app.mails().await;
        let approved = mails
            .iter()
            .filter(|(_, m)| m.contains(&format!("WR-2026-{id:06}")) && m.contains("Goedgekeurd"))
            .count();
        assert_eq!(approved, 1, "one e-mail for one approval");
    }
);

async fn futures_join<F, T>(futures: impl Iterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

async fn inject_fault_on_vehicle_updates(pool: &backend::AnyPool, backend: Backend) {
    let statements: &[&str] = match backend {
        Backend::Sqlite => &["CREATE TRIGGER injected_fault BEFORE UPDATE ON vehicles
             BEGIN SELECT RAISE(ABORT, 'injected fault'); END"],
        Backend::Postgres => &[
            "CREATE FUNCTION injected_fault() RETURNS trigger AS $$
             BEGIN RAISE EXCEPTION 'injected fault'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER injected_fault BEFORE UPDATE ON vehicles
             FOR EACH ROW EXECUTE FUNCTION injected_fault()",
        ],
    };
    for sql in statements {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
}

both_backends!(
    an_approval_that_fails_halfway_changes_nothing,
    |backend: Backend| async move {
        let app = spawn_at(backend, true, mid_november_2026()).await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        let body = multipart(
            &[
                ("contract", "LC-2024-0002"),
                ("plate", "2xyz987"),
                ("effective", "2026-11-20"),
            ],
            Some(("a.pdf", PDF)),
        );
        let res = post_plate(&app, &an, body, &form_type(), false).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let (id, version) = request_id(&app, "plate_change", "LC-2024-0002").await;
        app.outbox_settled().await;
        let outbox_before = count(&app, "SELECT COUNT(*) FROM outbox_messages").await;
        let events_before = count(&app, "SELECT COUNT(*) FROM request_events").await;
        inject_fault_on_vehicle_updates(&app.state.db.pool, backend).await;
        let agent = app.staff(StaffRole::Agent).await;
        let res = agent
            .post(app.url("/api/cic/approve-request"))
            .header("accept", "application/json")
            .form(&[("id", id.to_string()), ("version", version.to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = res.text().await.unwrap();
        assert!(
            !body.contains("injected"),
            "no database error in the answer"
        );
        let (status, v): (String, i64) =
            sqlx::query_as("SELECT status, version FROM service_requests WHERE id = $1")
                .bind(id)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        assert_eq!((status.as_str(), v), ("submitted", version));
        assert_eq!(
            plate_of(&app, "LC-2024-0002").await.as_deref(),
            Some("2-DEF-567")
        );
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM outbox_messages").await,
            outbox_before,
            "no e-mail for what did not happen"
        );
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM request_events").await,
            events_before
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM staff_audit WHERE action = 'approve_request'"
            )
            .await,
            0
        );
    }
);

both_backends!(
    the_work_queue_is_for_staff_only_and_filters,
    |backend: Backend| async move {
        let app = spawn_at(backend, true, mid_november_2026()).await;
        // Signed out and customers: to the staff sign-in, for pages and functions alike.
        let an = app.signed_in_customer("100001", "an@example.be").await;
        for client in [&app.client, &an] {
            for page in [
                "/cic/queue",
                "/cic/requests/1",
                "/cic/files/00000000000000000000000000000000",
            ] {
                let res = client
                    .get(app.url(page))
                    .header("accept", "text/html")
                    .send()
                    .await
                    .unwrap();
                assert_eq!(location(&res), "/cic/login", "{page}");
            }
            for endpoint in [
                "cic/queue",
                "cic/request",
                "cic/assign-request",
                "cic/approve-request",
                "cic/reject-request",
            ] {
                let form = [("id", "1"), ("version", "1"), ("to", "me"), ("note", "x")];
                let (_, to) = app.post_form_as(client, endpoint, &form).await;
                assert_eq!(to, "/cic/login", "{endpoint}");
            }
        }
        let untouched = count(
            &app,
            "SELECT COUNT(*) FROM request_events WHERE staff_id IS NOT NULL",
        )
        .await;
        assert_eq!(untouched, 0, "nothing was assigned or decided");
        // Agent and admin both work the queue. The demo's two open allowance changes: the one
        // filed six days ago (Tuesday 10; Armistice excluded, 3 working days on Monday 16) is
        // overdue, the one of yesterday is not; both are listed oldest first.
        for role in [StaffRole::Agent, StaffRole::Admin] {
            let staff = app.staff(role).await;
            let page = app.page_as(&staff, "/cic/queue").await;
            assert!(
                page.contains("Tom Jacobs") && page.contains("Bakkerij Janssens BV"),
                "{role:?}"
            );
            assert!(
                page.find("Tom Jacobs") < page.find("Bakkerij Janssens BV"),
                "oldest first"
            );
            assert_eq!(page.matches("Te laat").count(), 1, "one overdue");
            let page = app.page_as(&staff, "/cic/queue?overdue=1").await;
            assert!(page.contains("Tom Jacobs") && !page.contains("Bakkerij Janssens BV"));
            let page = app.page_as(&staff, "/cic/queue?kind=plate_change").await;
            assert!(!page.contains("Tom Jacobs"));
            let page = app.page_as(&staff, "/cic/queue?assigned=mine").await;
            assert!(!page.contains("Tom Jacobs"));
            // Unknown or malformed ids: 404.
            for id in ["999999", "abc"] {
                let res = staff
                    .get(app.url(&format!("/cic/requests/{id}")))
                    .header("accept", "text/html")
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::NOT_FOUND, "{id}");
            }
        }
        // A customer's cancel of someone else's request does nothing.
        let (other, _) = request_id(&app, "mileage_change", "LC-2025-0014").await;
        app.post_form_as(
            &an,
            "customer/cancel-request",
            &[("id", &other.to_string()), ("back", "/requests")],
        )
        .await;
        let status: String =
            sqlx::query_scalar("SELECT status FROM service_requests WHERE id = $1")
                .bind(other)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        assert_eq!(status, "submitted");
        let page = app.page_as(&an, "/requests").await;
        assert!(page.contains("kan niet meer geannuleerd"), "refused");
    }
);

both_backends!(
    orphan_uploads_are_swept_and_referenced_ones_kept,
    |backend: Backend| async move {
        use backend::services::files::{ORPHAN_AGE_SECONDS, sweep_orphans as sweep_orphan_files};
        let app = spawn_at(backend, true, mid_november_2026()).await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        let body = multipart(
            &[
                ("contract", "LC-2023-0001"),
                ("plate", "2xyz987"),
                ("effective", "2026-11-20"),
            ],
            Some(("a.pdf", PDF)),
        );
        assert_eq!(
            post_plate(&app, &an, body, &form_type(), false)
                .await
                .status(),
            StatusCode::CREATED
        );
        // A file without its request: the server stopped between writing it and committing.
        let store = &*app.state.files.0;
        store
            .put(&backend::infra::files::new_id(), PDF)
            .await
            .unwrap();
        assert_eq!(stored_files(&app), 2);
        // A fresh one may be an upload whose request is being committed: kept.
        let pool = &app.state.db.pool;
        assert_eq!(
            sweep_orphan_files(pool, store, ORPHAN_AGE_SECONDS)
                .await
                .unwrap(),
            0
        );
        assert_eq!(sweep_orphan_files(pool, store, 0).await.unwrap(), 1);
        assert_eq!(stored_files(&app), 1, "the request's certificate stays");
        let (id, _) = request_id(&app, "plate_change", "LC-2023-0001").await;
        let page = app.page_as(&an, &format!("/requests/{id}")).await;
        let file_id: String =
            sqlx::query_scalar("SELECT file_id FROM service_requests WHERE id = $1")
                .bind(id)
                .fetch_one(pool)
                .await
                .unwrap();
        assert!(page.contains(&format!("/files/{file_id}")));
        let res = an
            .get(app.url(&format!("/files/{file_id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
);

both_backends!(
    the_live_page_is_told_where_to_go_with_the_outcome_kept,
    |backend: Backend| async move {
        let app = spawn_at(backend, true, mid_november_2026()).await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        let live = |body: Vec<u8>| {
            an.post(app.url("/api/customer/plate-change"))
                .header("content-type", form_type())
                .header("accept", "application/json")
                .header("x-upload-progress", "1")
                .body(body)
                .send()
        };
        // A refusal: back to the form, which shows the message and the typed plate.
        let fields = [
            ("contract", "LC-2023-0001"),
            ("plate", "2xyz987"),
            ("effective", "2026-11-20"),
        ];
        let res = live(multipart(&fields, Some(("a.pdf", b"not a pdf"))))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["location"], "/contracts/LC-2023-0001/plate");
        let page = app.page_as(&an, "/contracts/LC-2023-0001/plate").await;
        assert!(page.contains("Dit bestand is geen PDF") && page.contains("value=\"2xyz987\""));
        // Filed: to the request, with the notice.
        let res = live(multipart(&fields, Some(("a.pdf", PDF))))
            .await
            .unwrap();
        let body: serde_json::Value = res.json().await.unwrap();
        let to = body["location"].as_str().unwrap().to_string();
        assert!(to.starts_with("/requests/"), "{to}");
        let page = app.page_as(&an, &to).await;
        assert!(page.contains("Uw aanvraag is verstuurd"));
    }
);

both_backends!(
    approvals_cut_off_by_their_clients_leave_the_database_usable,
    |backend: Backend| async move {
        // Clients that hang up in the middle of a write (a closed tab, a load balancer's
        // timeout) must not leave a transaction open on a pooled connection: on SQLite that
        // holds the write lock and every later write waits and fails with "database is locked".
        let app = spawn_at(backend, true, mid_november_2026()).await;
        let pool = &app.state.db.pool;
        let now = app.state.clock.epoch();
        let customer: i64 =
            sqlx::query_scalar("SELECT id FROM customers WHERE customer_number = '100004'")
                .fetch_one(pool)
                .await
                .unwrap();
        let mut ids = Vec::new();
        for _ in 0..120 {
            ids.push(
                backend::store::requests::create_on_behalf(
                    pool,
                    now,
                    customer,
                    None,
                    domain::model::RequestKind::Statement,
                    None,
                )
                .await
                .unwrap(),
            );
        }
        let agent = app.staff(StaffRole::Agent).await;
        let url = app.url("/api/cic/approve-request");
        let hasty: Vec<_> = ids[..100]
            .iter()
            .enumerate()
            .map(|(i, id)| {
                agent
                    .post(&url)
                    .header("accept", "application/json")
                    .timeout(std::time::Duration::from_micros(300 + 700 * i as u64))
                    .form(&[("id", id.to_string()), ("version", "1".into())])
                    .send()
            })
            .collect();
        let _ = futures_join(hasty.into_iter()).await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        // Every later approval answers at once.
        for id in &ids[100..] {
            let started = std::time::Instant::now();
            let res = agent
                .post(&url)
                .header("accept", "application/json")
                .form(&[("id", id.to_string()), ("version", "1".into())])
                .send()
                .await
                .unwrap();
            assert!(
                res.status().as_u16() < 400,
                "approval of {id}: {}",
                res.status()
            );
            assert!(
                started.elapsed() < std::time::Duration::from_secs(2),
                "approval of {id} waited {:?}",
                started.elapsed()
            );
        }
    }
);

both_backends!(
    a_long_queue_is_paged_and_counted_up_to_a_thousand,
    |backend: Backend| async move {
        let app = spawn_at(backend, true, mid_november_2026()).await;
        backend::seed::bulk::seed(&app.state.db, app.state.clock.epoch(), 1_100)
            .await
            .unwrap();
        let agent = app.staff(StaffRole::Agent).await;
        let page = app.page_as(&agent, "/cic/queue").await;
        assert!(
            page.contains("1.000+ open aanvragen · pagina 1 van 20"),
            "capped count"
        );
        // Oldest first: the seed's requests go back 30 days, so page 1 is overdue.
        assert!(page.contains("Te laat"));
        let page = app
            .page_as(&agent, "/cic/queue?page=2&kind=mileage_change")
            .await;
        assert!(page.contains("pagina 2 van 20") && page.contains("rel=\"prev\""));
        let page = app.page_as(&agent, "/cic/queue?assigned=mine").await;
        assert!(page.contains("0 open aanvragen"));
    }
);
