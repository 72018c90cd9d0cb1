//! The customer's own account security: sessions, password change, "someone else may know my
//! password", the forgotten-password link, the second factor and the e-mail address. One file
//! per part of the security page (and the reset and e-mail confirmation pages).

mod email;
mod reset;
mod security;
mod two_factor;

pub use email::*;
pub use reset::*;
pub use security::*;
pub use two_factor::*;

/// A readable device name from a user agent ("Firefox on Android").
pub fn device_name(user_agent: &str) -> String {
    let browser = ["Edg/", "Firefox/", "Chrome/", "Safari/"]
        .iter()
        .find(|b| user_agent.contains(*b))
        .map(|b| match *b {
            "Edg/" => "Edge",
            "Firefox/" => "Firefox",
            "Chrome/" => "Chrome",
            _ => "Safari",
        });
    let system = ["Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux"]
        .iter()
        .find(|s| user_agent.contains(*s))
        .copied();
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {}", if s == "Mac OS" { "macOS" } else { s }),
        (Some(b), None) => b.to_string(),
        (None, Some(s)) => s.to_string(),
        (None, None) => user_agent.chars().take(40).collect(),
    }
}

#[cfg(feature = "ssr")]
mod server {
    use crate::error::AppError;
    use crate::session::{self, Flash};
    use backend::store::accounts::AccountRow;
    use tower_sessions::Session;

    pub const SECURITY_FORM: &str = "security";
    pub const FORGOT_FORM: &str = "forgot";
    pub const RESET_FORM: &str = "reset";

    /// The signed-in account with its login id (through the access gate); otherwise a
    /// redirect to sign-in.
    pub async fn signed_in(
        _s: &Session,
        back_to: &str,
    ) -> Result<Option<(AccountRow, String)>, AppError> {
        Ok(crate::gate::require_customer(back_to)
            .await?
            .map(|me| (me.account, me.login_id)))
    }

    pub async fn flash(s: &Session, flash: Flash) -> Result<(), AppError> {
        session::set_flash(s, flash).await
    }
}

#[cfg(feature = "ssr")]
pub(super) const PENDING_TOTP_KEY: &str = "totp_pending";

/// Secrets that wait in the session (the authenticator key being bound, the recovery codes to
/// show once) are sealed with the data key: the session table never holds them in clear.
#[cfg(feature = "ssr")]
pub(crate) fn seal_for_session(text: &str) -> Result<String, crate::error::AppError> {
    backend::infra::seal::seal(backend::infra::seal::Column::Session, text)
        .map_err(crate::error::internal)
}

#[cfg(feature = "ssr")]
pub(crate) fn open_from_session(sealed: &str) -> Result<String, crate::error::AppError> {
    backend::infra::seal::open(backend::infra::seal::Column::Session, sealed)
        .map_err(crate::error::internal)
}
#[cfg(feature = "ssr")]
pub(super) const TWO_FACTOR_FORM: &str = "two-factor";

#[cfg(test)]
mod tests {
    #[test]
    fn devices_are_named() {
        let ua =
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36";
        assert_eq!(super::device_name(ua), "Chrome · Android");
        assert_eq!(
            super::device_name("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko Firefox/128.0"),
            "Firefox · Linux"
        );
        assert_eq!(super::device_name("curl/8.0"), "curl/8.0");
    }
}
