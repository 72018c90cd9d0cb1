//! Upload progress for a form that sends a file. Without JavaScript the form posts as it is and
//! the browser shows its own progress; with JavaScript this component takes the submission
//! over: it sends the same multipart body with `XMLHttpRequest` (the one browser API that
//! reports upload progress), shows a progress bar, and then goes where the server says. The
//! server answers such a request (`X-Upload-Progress: 1`) with `{"location": …}` instead of a
//! redirect, after keeping the outcome for that page exactly as for a plain form post.

use crate::i18n::tr;
use leptos::prelude::*;

/// The request header that asks for `{"location"}` instead of a redirect.
pub const UPLOAD_PROGRESS_HEADER: &str = "x-upload-progress";

/// A progress bar for the form with id `form_id`, shown while its upload runs.
#[component]
pub fn UploadProgress(form_id: &'static str) -> impl IntoView {
    let (percent, set_percent) = signal(None::<u32>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| live::take_over(form_id, set_percent));
    #[cfg(not(feature = "hydrate"))]
    let _ = (form_id, set_percent);
    view! {
        <Show when=move || percent.get().is_some()>
            <div class="upload-progress">
                <progress max="100" value=move || percent.get().unwrap_or(0) aria-label=tr("upload.progress")></progress>
                <span role="status">{move || format!("{} {} %", tr("upload.progress"), percent.get().unwrap_or(0))}</span>
            </div>
        </Show>
    }
}

/// The file input of a message's attachments (`attachments`, up to 5 PDF, JPEG or PNG files of
/// at most 10 MB each) with its hint and its error.
#[component]
pub fn AttachmentsField(error: Option<String>) -> impl IntoView {
    let described = crate::components::form::described_by("attachments", true, error.is_some());
    view! {
        <div class="field" class:invalid=error.is_some()>
            <label for="attachments">{tr("messages.attachments")}</label>
            <p class="hint" id="attachments-hint">{tr("messages.attachments.hint")}</p>
            {error.as_ref().map(|e| view! { <p class="field-error" id="attachments-error">{tr(e)}</p> })}
            <input id="attachments" name="attachments" type="file" multiple
                accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
                aria-invalid=error.is_some().then_some("true") aria-describedby=described />
        </div>
    }
}

/// The files of a message as links (`base` is `/files` for customers, `/cic/files` for staff).
#[component]
pub fn AttachmentList(
    files: Vec<crate::api::customer::FileItem>,
    base: &'static str,
) -> impl IntoView {
    (!files.is_empty()).then(|| {
        view! {
            <ul class="attachments" aria-label=tr("messages.files")>
                {files.into_iter().map(|f| {
                    let size = crate::i18n::trf(&format!("files.size.{}", f.size.1), &[("n", &f.size.0)]);
                    view! {
                        <li><a href=format!("{base}/{}", f.id) download=f.name.clone()>{f.name.clone()}</a>" ("{size}")"</li>
                    }
                }).collect_view()}
            </ul>
        }
    })
}

#[cfg(feature = "hydrate")]
mod live {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    /// Where the server says to go next, else this page again.
    fn next_page(xhr: &web_sys::XmlHttpRequest) -> Option<String> {
        let here = web_sys::window()?.location().pathname().ok();
        let text = xhr.response_text().ok().flatten().unwrap_or_default();
        serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("location")?.as_str().map(str::to_string))
            .filter(|l| crate::paths::is_local(l))
            .or(here)
    }

    pub fn take_over(form_id: &'static str, set_percent: WriteSignal<Option<u32>>) {
        let Some(form) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(form_id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        let target = form.clone();
        let on_submit = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            // Anything missing: the browser submits the form itself.
            let (Ok(data), Ok(xhr)) = (
                web_sys::FormData::new_with_form(&target),
                web_sys::XmlHttpRequest::new(),
            ) else {
                return;
            };
            if xhr.open("POST", &target.action()).is_err()
                || xhr
                    .set_request_header("accept", "application/json")
                    .is_err()
                || xhr
                    .set_request_header(super::UPLOAD_PROGRESS_HEADER, "1")
                    .is_err()
            {
                return;
            }
            // The button that sent the form (a staff reply or a note) is part of what it sends.
            let submitter = ev
                .dyn_ref::<web_sys::SubmitEvent>()
                .and_then(web_sys::SubmitEvent::submitter)
                .and_then(|el| el.dyn_into::<web_sys::HtmlButtonElement>().ok());
            if let Some(button) = submitter
                && !button.name().is_empty()
                && data
                    .append_with_str(&button.name(), &button.value())
                    .is_err()
            {
                return;
            }
            ev.prevent_default();
            set_percent.set(Some(0));
            if let Ok(upload) = xhr.upload() {
                let progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(
                    move |e: web_sys::ProgressEvent| {
                        if e.length_computable() && e.total() > 0.0 {
                            set_percent.set(Some((e.loaded() / e.total() * 100.0) as u32));
                        }
                    },
                );
                upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
                progress.forget();
            }
            let answered = xhr.clone();
            let done = Closure::<dyn FnMut()>::new(move || {
                if let (Some(window), Some(next)) = (web_sys::window(), next_page(&answered)) {
                    let _ = window.location().assign(&next);
                }
            });
            xhr.set_onloadend(Some(done.as_ref().unchecked_ref()));
            done.forget();
            if xhr.send_with_opt_form_data(Some(&data)).is_err() {
                set_percent.set(None);
            }
        });
        let _ = form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
        // One listener for the life of the page's form (a page visit).
        on_submit.forget();
    }
}
