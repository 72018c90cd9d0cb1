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

/// A progress bar for the form it is in, shown while its upload runs.
#[component]
pub fn UploadProgress() -> impl IntoView {
    let label = tr("upload.progress");
    view! {
        <UploadBar>
            <progress max="100" value="0" aria-label=label></progress>
            <span role="status">{label}" "<output>"0"</output>" %"</span>
        </UploadBar>
    }
}

/// The bar: an island (hydrated in the browser) around the server-rendered bar and text, hidden
/// until an upload runs; the browser needs no translations.
#[island]
fn UploadBar(children: Children) -> impl IntoView {
    let bar = NodeRef::<leptos::html::Div>::new();
    let (running, set_running) = signal(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(el) = bar.get() {
            live::take_over(&el, set_running);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = set_running;
    view! {
        <div class="upload-progress" hidden=move || !running.get() node_ref=bar>
            {children()}
        </div>
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
    use web_sys::js_sys;

    /// Where the server says to go next, else this page again.
    fn next_page(xhr: &web_sys::XmlHttpRequest) -> Option<String> {
        let here = web_sys::window()?.location().pathname().ok();
        let text = xhr.response_text().ok().flatten().unwrap_or_default();
        js_sys::JSON::parse(&text)
            .ok()
            .and_then(|v| js_sys::Reflect::get(&v, &"location".into()).ok())
            .and_then(|l| l.as_string())
            .filter(|l| crate::paths::is_local(l))
            .or(here)
    }

    /// Shows `percent` in the bar and its text.
    fn show(bar: &web_sys::Element, percent: u32) {
        let text = percent.to_string();
        if let Ok(Some(progress)) = bar.query_selector("progress") {
            let _ = progress.set_attribute("value", &text);
        }
        if let Ok(Some(output)) = bar.query_selector("output") {
            output.set_text_content(Some(&text));
        }
    }

    pub fn take_over(bar: &web_sys::HtmlDivElement, set_running: WriteSignal<bool>) {
        let Some(form) = bar
            .closest("form")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        let bar: web_sys::Element = bar.clone().into();
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
            show(&bar, 0);
            set_running.set(true);
            if let Ok(upload) = xhr.upload() {
                let bar = bar.clone();
                let progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(
                    move |e: web_sys::ProgressEvent| {
                        if e.length_computable() && e.total() > 0.0 {
                            show(&bar, (e.loaded() / e.total() * 100.0) as u32);
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
                set_running.set(false);
            }
        });
        let _ = form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
        // One listener for the life of the page's form (a page visit).
        on_submit.forget();
    }
}
