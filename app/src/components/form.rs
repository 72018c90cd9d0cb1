//! Form building blocks: labelled fields with their error, and the form-level message.

use crate::i18n::tr;
use crate::message::Message;
use leptos::prelude::*;

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

/// A labelled input. `error` is the form's message, shown here when it is a refusal about
/// this field.
#[component]
pub fn Field(
    id: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional_no_strip)] error: Option<Message>,
    #[prop(default = true)] required: bool,
    /// The latest allowed value (dates).
    #[prop(optional, into)]
    max: Option<String>,
    /// The earliest allowed value (dates).
    #[prop(optional, into)]
    min: Option<String>,
) -> impl IntoView {
    // Password rules apply to the "new password" field of the change and reset forms too.
    let error = error.as_ref().and_then(|m| {
        m.error_for(id).or_else(|| {
            (id == "new_password")
                .then(|| m.error_for("password"))
                .flatten()
        })
    });
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
                min=min
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=described
            />
        </div>
    }
}

/// The message of a refused submission (or a notice), announced to screen readers.
#[component]
pub fn FormMessage(key: Option<Message>) -> impl IntoView {
    key.map(|m| {
        let notice = m.is_notice();
        view! {
            <div class=if notice { "notice" } else { "form-error" } role=if notice { "status" } else { "alert" }>
                <p>{tr(m.key())}</p>
            </div>
        }
    })
}

#[cfg(test)]
mod tests {
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
