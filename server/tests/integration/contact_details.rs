//! Contact-details change requests over HTTP, on SQLite and PostgreSQL: the customer asks for
//! a new postal address, mobile number (confirmed first by a code sent to that number) or
//! e-mail address for correspondence; nothing changes until an agent approves, and the
//! approval writes the new value to the customer with the status change.

use testkit as common;
use testkit::both_backends;

use common::{Backend, TestApp, mid_november_2026, spawn_at};
use domain::model::StaffRole;
use http::StatusCode;

const PAGE: &str = "/profile/contact";

async fn contact_of(
    app: &TestApp,
    number: &str,
) -> (Option<String>, Option<String>, Option<String>) {
    sqlx::query_as("SELECT street, mobile, email FROM customers WHERE customer_number = $1")
        .bind(number)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn open_requests(app: &TestApp, kind: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM service_requests WHERE kind = $1 AND open_since IS NOT NULL",
    )
    .bind(kind)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

fn id_of(location: &str) -> String {
    location
        .strip_prefix("/requests/")
        .unwrap_or_else(|| panic!("not a request: {location}"))
        .to_string()
}

both_backends!(
    an_address_change_is_checked_filed_once_and_approved_into_the_customer,
    |backend: Backend| async move {
        let app = spawn_at(backend, true, mid_november_2026()).await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        let page = app.page_as(&an, PAGE).await;
        assert!(
            page.contains("Kerkstraat 12, 2000 Antwerpen"),
            "the address on file"
        );
        assert!(page.contains("+32 470 00 01 01") && page.contains("an.peeters@example.be"));
        assert!(page.contains("<label for=\"street\">"), "labelled fields");

        // Bad input: the message next to the field, what was typed kept, nothing filed.
        for (street, postal, city, country, message, kept) in [
            (
                "Meir",
                "2000",
                "Antwerpen",
                "BE",
                "Vul ook het huisnummer in.",
                "value=\"Meir\"",
            ),
            (
                "Meir 1",
                "20000",
                "Antwerpen",
                "BE",
                "Dit is geen postcode van het gekozen land",
                "value=\"20000\"",
            ),
            (
                "Meir 1",
                "2000",
                "",
                "BE",
                "Vul de gemeente in.",
                "value=\"Meir 1\"",
            ),
            (
                "Meir 1",
                "2000",
                "Antwerpen",
                "US",
                "Kies een land uit de lijst.",
                "value=\"Meir 1\"",
            ),
            (
                "kerkstraat  12",
                "2000",
                "ANTWERPEN",
                "BE",
                "Dit is het adres dat we al hebben.",
                "value=\"kerkstraat  12\"",
            ),
        ] {
            let form = [
                ("street", street),
                ("postal_code", postal),
                ("city", city),
                ("country", country),
            ];
            let (status, to) = app
                .post_form_as(&an, "customer/contact/address", &form)
                .await;
            assert_eq!(
                (status, to.as_str()),
                (StatusCode::FOUND, "/profile/contact#contact-address"),
                "{street}"
            );
            let page = app.page_as(&an, PAGE).await;
            assert!(page.contains(message), "{street} {postal}: {message}");
            assert!(page.contains(kept), "{street}: typed values kept");
            assert!(page.contains("aria-invalid=\"true\""));
        }
        assert_eq!(open_requests(&app, "address_change").await, 0);

        // A good one is filed; the request shows old and new; the customer is unchanged.
        let form = [
            ("street", "Meir  1 bus 4"),
            ("postal_code", "2000"),
            ("city", "Antwerpen"),
            ("country", "BE"),
        ];
        let (_, to) = app
            .post_form_as(&an, "customer/contact/address", &form)
            .await;
        let id = id_of(&to);
        let page = app.page_as(&an, &to).await;
        assert!(
            page.contains("Meir 1 bus 4, 2000 Antwerpen")
                && page.contains("Kerkstraat 12, 2000 Antwerpen")
        );
        assert!(page.contains("Nieuw postadres"));
        assert_eq!(
            contact_of(&app, "100001").await.0.as_deref(),
            Some("Kerkstraat 12")
        );
        // One open address change at a time: the page links to it instead of the form.
        let page = app.page_as(&an, PAGE).await;
        assert!(page.contains(&format!("/requests/{id}")) && !page.contains("id=\"street\""));
        let (_, to) = app
            .post_form_as(
                &an,
                "customer/contact/address",
                &[
                    ("street", "Meir 2"),
                    ("postal_code", "2000"),
                    ("city", "Antwerpen"),
                    ("country", "BE"),
                ],
            )
            .await;
        assert_eq!(to, "/profile/contact#contact-address");
        // The page names the open one and links to it.
        let page = app.page_as(&an, PAGE).await;
        assert!(page.contains(&format!("WR-2026-{:06}", id.parse::<i64>().unwrap())));
        assert_eq!(open_requests(&app, "address_change").await, 1);

        // The agent sees old and new without contract rows, and approves: the customer changes.
        let agent = app.staff(StaffRole::Agent).await;
        let staff_page = app.page_as(&agent, &format!("/cic/requests/{id}")).await;
        assert!(
            staff_page.contains("Meir 1 bus 4, 2000 Antwerpen")
                && staff_page.contains("An Peeters")
        );
        let (status, _) = app
            .post_form_as(
                &agent,
                "cic/approve-request",
                &[("id", &id), ("version", "1"), ("note", "")],
            )
            .await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(
            contact_of(&app, "100001").await.0.as_deref(),
            Some("Meir 1 bus 4")
        );
        let page = app.page_as(&an, PAGE).await;
        assert!(page.contains("Meir 1 bus 4, 2000 Antwerpen") && page.contains("id=\"street\""));
        // Each status reached the customer by e-mail: reference and status, no address.
        let mails = app.mails().await;
        let to_an: Vec<_> = mails
            .iter()
            .filter(|(_, m)| m.contains("To: an@example.be"))
            .collect();
        assert!(to_an.iter().any(|(_, m)| m.contains("Goedgekeurd")));
        assert!(to_an.iter().all(|(_, m)| !m.contains("Meir")));
    }
);

both_backends!(
    a_new_mobile_number_is_confirmed_by_a_code_sent_to_it_before_it_is_filed,
    |backend: Backend| async move {
        let app = spawn_at(backend, true, mid_november_2026()).await;
        let an = app.signed_in_customer("100001", "an@example.be").await;
        let send = |phone: &'static str| {
            let (app, an) = (&app, &an);
            async move {
                app.post_form_as(an, "customer/contact/mobile-code", &[("phone", phone)])
                    .await
            }
        };
        // A code needs one first; a malformed number and the number on file are refused.
        let (_, to) = app
            .post_form_as(&an, "customer/contact/mobile", &[("code", "123456")])
            .await;
        assert_eq!(to, "/profile/contact#contact-mobile");
        assert!(
            app.page_as(&an, PAGE)
                .await
                .contains("Vraag eerst een code aan voor het nieuwe nummer.")
        );
        send("0470 12").await;
        let page = app.page_as(&an, PAGE).await;
        assert!(page.contains("value=\"0470 12\"") && page.contains("aria-invalid=\"true\""));
        send("0470 00 01 01").await;
        assert!(
            app.page_as(&an, PAGE)
                .await
                .contains("Dit is het nummer dat we al hebben.")
        );
        let sms_before = app.sms().await.len();

        // The code goes to the new number (and only there), in the customer's language.
        send("0471 23 45 67").await;
        let sms = app.sms().await;
        assert_eq!(sms.len(), sms_before + 1);
        let last = sms.last().unwrap();
        assert_eq!(last.to, "+32471234567");
        assert!(last.body.contains("gsm-nummer te bevestigen"));
        let code = last
            .body
            .split(|c: char| !c.is_ascii_digit())
            .find(|t| t.len() == 6)
            .expect("a six-digit code")
            .to_string();
        let page = app.page_as(&an, PAGE).await;
        assert!(page.contains("+32 471 23 45 67") && page.contains("id=\"code\""));
        // "Send again" right away waits a minute.
        send("+32471234567").await;
        assert!(app.page_as(&an, PAGE).await.contains("Wacht een minuut"));
        assert_eq!(app.sms().await.len(), sms_before + 1);

        // A wrong code files nothing; the right one files the request.
        let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
        app.post_form_as(&an, "customer/contact/mobile", &[("code", &wrong)])
            .await;
        assert!(
            app.page_as(&an, PAGE)
                .await
                .contains("Deze code klopt niet.")
        );
        assert_eq!(open_requests(&app, "mobile_change").await, 0);
        let (_, to) = app
            .post_form_as(&an, "customer/contact/mobile", &[("code", &code)])
            .await;
        let id = id_of(&to);
        let page = app.page_as(&an, &to).await;
        assert!(page.contains("+32 471 23 45 67") && page.contains("+32 470 00 01 01"));
        // The code is spent and the session forgets the number.
        let (_, to) = app
            .post_form_as(&an, "customer/contact/mobile", &[("code", &code)])
            .await;
        assert_eq!(to, "/profile/contact#contact-mobile");
        assert_eq!(open_requests(&app, "mobile_change").await, 1);

        // Nothing changes until the CIC decides; a rejection changes nothing and shows the note.
        assert_eq!(
            contact_of(&app, "100001").await.1.as_deref(),
            Some("+32470000101")
        );
        let agent = app.staff(StaffRole::Agent).await;
        let (status, _) = app
            .post_form_as(
                &agent,
                "cic/reject-request",
                &[
                    ("id", &id),
                    ("version", "1"),
                    ("note", "Bel ons even om dit nummer te bevestigen."),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(
            contact_of(&app, "100001").await.1.as_deref(),
            Some("+32470000101")
        );
        let page = app.page_as(&an, &format!("/requests/{id}")).await;
        assert!(
            page.contains("Geweigerd")
                && page.contains("Bel ons even om dit nummer te bevestigen.")
        );
    }
);

both_backends!(
    a_correspondence_email_change_is_approved_and_the_forms_are_for_the_signed_in_customer_only,
    |backend: Backend| async move {
        let app = spawn_at(backend, true, mid_november_2026()).await;
        let luc = app.signed_in_customer("100002", "luc@example.be").await;
        app.post_form_as(&luc, "customer/contact/email", &[("email", "luc@@example")])
            .await;
        let page = app.page_as(&luc, PAGE).await;
        assert!(page.contains("value=\"luc@@example\"") && page.contains("aria-invalid=\"true\""));
        app.post_form_as(
            &luc,
            "customer/contact/email",
            &[("email", "LUC.Dubois@example.be")],
        )
        .await;
        let page = app.page_as(&luc, PAGE).await;
        assert!(
            page.contains("Dit is het e-mailadres dat we al hebben."),
            "unchanged"
        );
        let (_, to) = app
            .post_form_as(
                &luc,
                "customer/contact/email",
                &[("email", "Post@Dubois.be")],
            )
            .await;
        let id = id_of(&to);
        let agent = app.staff(StaffRole::Agent).await;
        app.post_form_as(
            &agent,
            "cic/approve-request",
            &[("id", &id), ("version", "1"), ("note", "")],
        )
        .await;
        assert_eq!(
            contact_of(&app, "100002").await.2.as_deref(),
            Some("post@dubois.be")
        );
        // The sign-in address is the customer's own and does not change with it.
        let sign_in: String = sqlx::query_scalar(
            "SELECT a.email FROM portal_accounts a JOIN customers c ON c.id = a.customer_id WHERE c.customer_number = '100002'",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(sign_in, "luc@example.be");

        // Signed out: the page and every form send to the sign-in page, nothing is filed.
        let stranger = TestApp::new_client(&app);
        let res = stranger
            .get(app.url(PAGE))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert!(
            res.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login")
        );
        for (endpoint, form) in [
            (
                "customer/contact/address",
                vec![
                    ("street", "Meir 1"),
                    ("postal_code", "2000"),
                    ("city", "Antwerpen"),
                    ("country", "BE"),
                ],
            ),
            ("customer/contact/email", vec![("email", "x@example.be")]),
            (
                "customer/contact/mobile-code",
                vec![("phone", "0471 00 00 00")],
            ),
            ("customer/contact/mobile", vec![("code", "123456")]),
        ] {
            let (_, to) = app.post_form_as(&stranger, endpoint, &form).await;
            assert!(to.starts_with("/login"), "{endpoint}: {to}");
        }
        let filed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM service_requests WHERE kind IN ('address_change', 'mobile_change', 'contact_email_change')",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(filed, 1);
        // Staff sign-ins have no customer contact page.
        let res = agent
            .get(app.url(PAGE))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_ne!(res.status(), StatusCode::OK);
    }
);
