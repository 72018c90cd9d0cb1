//! Form building blocks: labelled fields with their error, and the form-level message.

use crate::i18n::tr;
use leptos::prelude::*;

/// Which field a message key is about (so the field can point to it).
pub fn field_of(key: &str) -> &'static str {
    match key {
        "error.customer_number" => "customer_number",
        "error.contract_number" => "contract_number",
        "error.email" | "registration.email_taken" | "security.email_same" => "email",
        "security.email_password_wrong" => "email_password",
        "registration.first_name_required" => "first_name",
        "registration.last_name_required" => "last_name",
        k if k.starts_with("code.") && k != "code.sent_again" => "code",
        "security.current_wrong" => "current_password",
        "auth.code_wrong" => "code",
        k if k.starts_with("mileage.km_") => "km",
        k if k.starts_with("mileage.date_") => "date",
        "documents.kind_required" => "kind",
        k if k.starts_with("documents.contract_") => "contract",
        k if k.starts_with("documents.year_") => "year",
        k if k.starts_with("password.") => "password",
        _ => "",
    }
}

/// The `aria-describedby` of field `id`: its hint and its error message, where shown.
pub fn described_by(id: &str, hint: bool, error: bool) -> Option<String> {
    let ids = [
        hint.then(|| format!("{id}-hint")),
        error.then(|| format!("{id}-error")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A labelled input. `error` is the message key of the form's refusal, shown here when it is
/// about this field.
#[component]
pub fn Field(
    id: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional_no_strip)] error: Option<String>,
    #[prop(default = true)] required: bool,
    /// The latest allowed value (dates).
    #[prop(optional, into)]
    max: Option<String>,
) -> impl IntoView {
    // Password rules apply to the "new password" field of the change and reset forms too.
    let error =
        error.filter(|k| field_of(k) == id || (id == "new_password" && field_of(k) == "password"));
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = described_by(id, hint.is_some(), error.is_some());
    view! {
        <div class="field" class:invalid=error.is_some()>
            <label for=id>{tr(label)}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{tr(h)}</p> })}
            {error.as_ref().map(|e| view! { <p class="field-error" id=error_id.clone()>{tr(e)}</p> })}
            <input
                id=id
                name=id
                type=kind
                value=value
                required=required
                autocomplete=autocomplete
                inputmode=inputmode
                max=max
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=described
            />
        </div>
    }
}

/// The message of a refused submission (or a notice), announced to screen readers.
#[component]
pub fn FormMessage(key: Option<String>) -> impl IntoView {
    key.map(|k| {
        let notice = k == "code.sent_again" || k.starts_with("notice.");
        view! {
            <div class=if notice { "notice" } else { "form-error" } role=if notice { "status" } else { "alert" }>
                <p>{tr(&k)}</p>
            </div>
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_point_to_their_field() {
        assert_eq!(super::field_of("password.common"), "password");
        assert_eq!(super::field_of("code.wrong"), "code");
        assert_eq!(super::field_of("code.sent_again"), "");
        assert_eq!(super::field_of("registration.email_taken"), "email");
        assert_eq!(super::field_of("mileage.km_decreasing"), "km");
        assert_eq!(super::field_of("mileage.date_future"), "date");
        assert_eq!(super::field_of("mileage.confirm_jump"), "");
        assert_eq!(super::field_of("documents.year_invalid"), "year");
    }

    #[test]
    fn fields_point_to_their_hint_and_error() {
        assert_eq!(
            super::described_by("km", true, true).as_deref(),
            Some("km-hint km-error")
        );
        assert_eq!(
            super::described_by("km", false, true).as_deref(),
            Some("km-error")
        );
        assert_eq!(super::described_by("km", false, false), None);
    }
}
