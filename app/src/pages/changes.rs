//! Change requests from a contract: a new number plate (`/contracts/{n}/plate`, a plain
//! multipart form because it carries the registration certificate) and a new yearly
//! allowance (`/contracts/{n}/allowance`). Both show what is current, and an open request of
//! the same kind instead of the form.

use crate::api::customer::{ChangeFormView, RequestAllowance, allowance_page, plate_page};
use crate::components::form::{Field, FormMessage, described_by};
use crate::components::upload::UploadProgress;
use crate::i18n::{tr, trf};
use crate::message::Message;
use crate::pages::documents::select;
use crate::pages::not_found::NotFound;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Countries a foreign plate can be from (the neighbours first); Belgium is the default.
const COUNTRIES: [&str; 12] = [
    "BE", "NL", "FR", "DE", "LU", "GB", "IT", "ES", "PT", "PL", "AT", "CH",
];

/// The page around a change form, loaded once ([`crate::pages::loaded`]).
fn frame(
    title_key: &'static str,
    data: impl std::future::Future<Output = Result<Option<ChangeFormView>, crate::error::AppError>>
    + Send
    + 'static,
    body: impl FnOnce(ChangeFormView) -> AnyView + Send + 'static,
) -> impl IntoView {
    crate::pages::loaded(data, move |result| match result {
        Ok(Some(v)) => {
            let title = format!("{} · {}", tr(title_key), v.contract_number);
            let back = format!("/contracts/{}", v.contract_number);
            view! {
                <Title text=title.clone() />
                <p class="breadcrumb"><a href=back>{v.vehicle.clone()}" · "{v.contract_number.clone()}</a></p>
                <h1>{title}</h1>
                {body(v)}
            }
            .into_any()
        }
        Ok(None) => view! { <p><a href="/login">{tr("nav.login")}</a></p> }.into_any(),
        Err(crate::error::AppError::NotFound) => view! { <NotFound /> }.into_any(),
        Err(e) => view! { <p class="form-error" role="alert">{tr(e.message_key())}</p> }.into_any(),
    })
}

/// The contract number in the address.
fn number() -> String {
    use_params_map()
        .read_untracked()
        .get("number")
        .unwrap_or_default()
}

/// The open request of this kind, instead of the form: one at a time per contract.
fn open_request(v: &ChangeFormView) -> Option<AnyView> {
    let (id, reference) = v.open.clone()?;
    Some(open_request_notice(id, &reference))
}

/// "Request … is still open", with a link to it (shown instead of a change form).
pub fn open_request_notice(id: i64, reference: &str) -> AnyView {
    view! {
        <div class="notice" role="status">
            <p>{trf("change.open_request", &[("reference", reference)])}</p>
            <p><a href=format!("/requests/{id}")>{trf("change.open_request.link", &[("reference", reference)])}</a></p>
        </div>
    }
    .into_any()
}

fn not_changeable(v: &ChangeFormView) -> Option<AnyView> {
    (!v.changeable)
        .then(|| view! { <p class="notice">{tr("change.not_changeable")}</p> }.into_any())
}

#[component]
pub fn PlatePage() -> impl IntoView {
    frame("change.plate.title", plate_page(number()), plate_view)
}

fn plate_view(v: ChangeFormView) -> AnyView {
    if let Some(blocked) = not_changeable(&v).or_else(|| open_request(&v)) {
        return blocked;
    }
    let message = v.message.clone();
    let value = |k: &str| v.values.get(k).cloned().unwrap_or_default();
    let plate_value = value("plate");
    let countries: Vec<(String, String)> = COUNTRIES
        .iter()
        .map(|c| (c.to_string(), tr(&format!("country.{c}")).to_string()))
        .collect();
    let country = match value("country") {
        c if c.is_empty() => "BE".to_string(),
        c => c,
    };
    let effective = match value("effective") {
        d if d.is_empty() => v.min_date.clone(),
        d => d,
    };
    let file_error = message.as_ref().and_then(|m| m.error_for("certificate"));
    let file_described = described_by("certificate", true, file_error.is_some());
    view! {
        <dl class="facts">
            <dt>{tr("dashboard.plate")}</dt><dd>{v.current_plate.clone().unwrap_or_else(|| "—".into())}</dd>
        </dl>
        <p>{tr("change.plate.intro")}</p>
        <form id="plate-form" method="post" action="/api/customer/plate-change" enctype="multipart/form-data" class="form">
            <FormMessage key=message.clone() />
            <input type="hidden" name="contract" value=v.contract_number.clone() />
            {select("country", "change.country", Some("change.country.hint"), &country, countries, &message)}
            <Field id="plate" label="change.plate" hint="change.plate.hint" value=plate_value autocomplete="off" error=message.clone() />
            <Field id="effective" label="change.effective" kind="date" value=effective min=v.min_date.clone() max=v.max_date.clone() error=message.clone() />
            <div class="field" class:invalid=file_error.is_some()>
                <label for="certificate">{tr("change.certificate")}</label>
                <p class="hint" id="certificate-hint">{tr("change.certificate.hint")}</p>
                {file_error.as_ref().map(|e| view! { <p class="field-error" id="certificate-error">{tr(e)}</p> })}
                <input id="certificate" name="certificate" type="file"
                    accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
                    aria-invalid=file_error.is_some().then_some("true")
                    aria-describedby=file_described />
            </div>
            <UploadProgress />
            <button type="submit" class="button primary">{tr("change.submit")}</button>
        </form>
    }
    .into_any()
}

#[component]
pub fn AllowancePage() -> impl IntoView {
    let request = ServerAction::<RequestAllowance>::new();
    frame(
        "change.allowance.title",
        allowance_page(number()),
        move |v| allowance_view(v, request),
    )
}

fn allowance_view(v: ChangeFormView, request: ServerAction<RequestAllowance>) -> AnyView {
    if let Some(blocked) = not_changeable(&v).or_else(|| open_request(&v)) {
        return blocked;
    }
    let message: Option<Message> = v.message.clone();
    let value = |k: &str| v.values.get(k).cloned().unwrap_or_default();
    let km_value = value("km_per_year");
    let months: Vec<(String, String)> = v.months.clone();
    let effective = match value("effective") {
        d if d.is_empty() => months.first().map(|m| m.0.clone()).unwrap_or_default(),
        d => d,
    };
    view! {
        <dl class="facts">
            <dt>{tr("contract.km_per_year")}</dt><dd>{v.current_allowance.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>{tr("contract.km_total")}</dt><dd>{v.total_now.clone().unwrap_or_else(|| "—".into())}</dd>
            {v.projection.clone().map(|p| view! { <dt>{tr("change.allowance.projection")}</dt><dd>{p}</dd> })}
            {v.excess_now.clone().map(|e| view! { <dt>{tr("change.allowance.excess_now")}</dt><dd>{e}</dd> })}
        </dl>
        {(!v.effects.is_empty()).then(|| view! {
            <div class="table-wrap">
                <table class="table">
                    <caption>{tr("change.allowance.effects")}</caption>
                    <thead><tr>
                        <th scope="col" class="num">{tr("contract.km_per_year")}</th>
                        <th scope="col" class="num">{tr("contract.km_total")}</th>
                        <th scope="col" class="num">{tr("change.allowance.excess")}</th>
                        <th scope="col" class="num">{tr("change.allowance.cost")}</th>
                    </tr></thead>
                    <tbody>
                        {v.effects.iter().map(|(km, total, excess, cost)| view! {
                            <tr>
                                <td data-label=tr("contract.km_per_year") class="num">{km.clone()}</td>
                                <td data-label=tr("contract.km_total") class="num">{total.clone()}</td>
                                <td data-label=tr("change.allowance.excess") class="num">{excess.clone()}</td>
                                <td data-label=tr("change.allowance.cost") class="num">{cost.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {v.effect.clone().map(|e| view! { <p class="notice">{e}</p> })}
        <p>{tr("change.allowance.intro")}</p>
        <ActionForm action=request attr:class="form">
            <FormMessage key=message.clone() />
            <input type="hidden" name="contract" value=v.contract_number.clone() />
            <Field id="km_per_year" label="change.km_per_year" hint="change.km_per_year.hint" inputmode="numeric" value=km_value error=message.clone() />
            {select("effective", "change.effective_month", None, &effective, months, &message)}
            <button type="submit" class="button primary">{tr("change.submit")}</button>
        </ActionForm>
    }
    .into_any()
}
