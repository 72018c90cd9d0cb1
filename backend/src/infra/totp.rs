//! Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s) with ±1 step tolerance.
//! A step that was accepted once is never accepted again (the caller stores the last one).

use totp_rs::{Builder, Secret};

/// Checks `code` against the base32 `secret` at `unix_time`. Returns the matched step if it is
/// newer than `last_step`.
pub fn check(
    secret_base32: &str,
    code: &str,
    unix_time: u64,
    last_step: Option<i64>,
) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secret = Secret::try_from_base32(secret_base32).ok()?;
    let totp = Builder::new()
        .with_secret(secret)
        .with_skew(1)
        .build()
        .ok()?;
    let step = i64::try_from(totp.check(&code, unix_time)?).ok()?;
    (last_step.is_none_or(|last| step > last)).then_some(step)
}

/// The code for `unix_time` (for tests and the demo).
pub fn code_at(secret_base32: &str, unix_time: u64) -> Option<String> {
    let secret = Secret::try_from_base32(secret_base32).ok()?;
    let totp = Builder::new().with_secret(secret).build().ok()?;
    Some(totp.generate(unix_time).to_string())
}

/// A new random secret as base32 (160 bits).
pub fn new_secret() -> String {
    Secret::from(rand::random::<[u8; 20]>()).to_base32()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const T: u64 = 1_800_000_000;

    #[test]
    fn codes_match_within_one_step_and_never_twice() {
        let code = code_at(SECRET, T).unwrap();
        let step = check(SECRET, &code, T, None).expect("current code");
        assert_eq!(step, (T / 30) as i64);
        assert_eq!(
            check(SECRET, &code, T + 30, None),
            Some(step),
            "one step late is fine"
        );
        assert_eq!(
            check(SECRET, &code, T + 90, None),
            None,
            "three steps late is not"
        );
        assert_eq!(
            check(SECRET, &code, T, Some(step)),
            None,
            "a used step is refused"
        );
        assert_eq!(check(SECRET, "12345", T, None), None);
        assert_eq!(check("not base32!", &code, T, None), None);
    }

    #[test]
    fn new_secrets_are_usable() {
        let s = new_secret();
        assert_eq!(s.len(), 32);
        assert!(code_at(&s, T).is_some());
    }
}
