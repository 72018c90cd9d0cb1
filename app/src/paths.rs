//! Addresses: percent-encoding, which return addresses are safe, the sign-in addresses with
//! their return address, and which area (public, customer, staff) a page belongs to. Pure
//! functions, compiled for the browser too; the server's page guard, the server functions and
//! the downloads all build their redirects here.

/// Percent-encodes a text for use in a query value (keeps `/` readable).
pub fn encode_component(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Whether `path` is an address on this site (no other host, no header injection).
pub fn is_local(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
}

/// Where to go after signing in: `next` if it is local, otherwise the dashboard.
pub fn safe_next(next: &str) -> &str {
    if is_local(next) { next } else { "/dashboard" }
}

/// The customer sign-in page, coming back to `next` (the full address, query included).
pub fn sign_in_url(next: &str) -> String {
    format!("/login?next={}", encode_component(safe_next(next)))
}

/// The staff sign-in page.
pub const STAFF_SIGN_IN: &str = "/cic/login";
/// Where a new colleague's set-up link leads (before they can sign in).
pub const STAFF_SETUP: &str = "/cic/setup";

/// Who may see a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Public,
    /// Only a signed-in customer.
    Customer,
    /// Only a signed-in staff member.
    Staff,
}

/// Pages only a signed-in customer may see: these paths and everything under the prefixes.
const CUSTOMER_PAGES: [&str; 6] = [
    "/dashboard",
    "/messages",
    "/profile/security",
    "/invoices",
    "/documents",
    "/requests",
];
const CUSTOMER_PREFIXES: [&str; 6] = [
    "/contracts/",
    "/messages/",
    "/invoices/",
    "/documents/",
    "/requests/",
    "/files/",
];

/// The area of a page's path.
pub fn area(path: &str) -> Area {
    if CUSTOMER_PAGES.contains(&path) || CUSTOMER_PREFIXES.iter().any(|p| path.starts_with(p)) {
        Area::Customer
    } else if path == "/cic"
        || (path.starts_with("/cic/") && path != STAFF_SIGN_IN && path != STAFF_SETUP)
    {
        Area::Staff
    } else {
        Area::Public
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_staff_sign_in_and_set_up_pages_are_open_to_everyone() {
        assert_eq!(area("/cic/login"), Area::Public);
        assert_eq!(area("/cic/setup"), Area::Public);
        assert_eq!(area("/cic/staff"), Area::Staff);
        assert_eq!(area("/cic/audit"), Area::Staff);
        assert_eq!(area("/messages"), Area::Customer);
        assert_eq!(area("/messages/12"), Area::Customer);
    }

    #[test]
    fn components_are_percent_encoded() {
        assert_eq!(encode_component("/a b?x=1&y"), "/a%20b%3Fx%3D1%26y");
    }

    #[test]
    fn only_local_addresses_are_followed() {
        assert_eq!(safe_next("/contracts/1"), "/contracts/1");
        assert_eq!(safe_next("//evil.example"), "/dashboard");
        assert_eq!(safe_next("https://evil.example"), "/dashboard");
        assert_eq!(safe_next(""), "/dashboard");
        assert!(is_local("/contracts?x=1"));
        assert!(!is_local("/\\evil"));
        assert!(!is_local("/a\r\nSet-Cookie: x"));
    }

    #[test]
    fn the_sign_in_address_keeps_the_full_return_address() {
        assert_eq!(
            sign_in_url("/invoices?year=2026&status=open"),
            "/login?next=/invoices%3Fyear%3D2026%26status%3Dopen"
        );
        assert_eq!(
            sign_in_url("https://evil.example"),
            "/login?next=/dashboard"
        );
    }

    #[test]
    fn pages_belong_to_one_area() {
        for customer in [
            "/dashboard",
            "/contracts/LC-2023-0001",
            "/invoices",
            "/invoices/1",
            "/documents/2/pdf",
            "/profile/security",
            "/requests",
            "/requests/7",
            "/contracts/LC-2023-0001/plate",
            "/files/0123",
        ] {
            assert_eq!(area(customer), Area::Customer, "{customer}");
        }
        for staff in ["/cic", "/cic/customers", "/cic/queue", "/cic/requests/3"] {
            assert_eq!(area(staff), Area::Staff, "{staff}");
        }
        for public in [
            "/",
            "/login",
            "/register",
            "/cic/login",
            "/terms",
            "/cicero",
            "/contracts",
        ] {
            assert_eq!(area(public), Area::Public, "{public}");
        }
    }
}
