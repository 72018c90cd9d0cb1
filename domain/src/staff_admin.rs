//! Staff administration rules (admins only): a new colleague's details, and which changes an
//! admin may make to an account. The one rule that protects the CIC itself: there is always at
//! least one active admin, and nobody switches themselves off.

use crate::Lang;
use crate::model::StaffRole;
use crate::refusal::Refusal;
use crate::values::Email;

/// The longest name shown for a staff member.
pub const MAX_NAME_CHARS: usize = 100;

/// Hours a set-up link stays valid.
pub const SETUP_LINK_HOURS: i64 = 72;

/// A new staff member as an admin entered them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStaff {
    pub name: String,
    pub email: Email,
    pub role: StaffRole,
    /// The language of the set-up e-mail.
    pub lang: Lang,
}

impl NewStaff {
    pub fn parse(name: &str, email: &str, role: &str, lang: &str) -> Result<NewStaff, Refusal> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty()
            || name.chars().count() > MAX_NAME_CHARS
            || name.chars().any(char::is_control)
        {
            return Err(Refusal::StaffNameRequired);
        }
        let email = Email::parse(email).map_err(Refusal::Value)?;
        let role = StaffRole::from_code(role.trim()).ok_or(Refusal::StaffRoleUnknown)?;
        let lang = Lang::from_code(lang.trim()).unwrap_or_default();
        Ok(NewStaff {
            name,
            email,
            role,
            lang,
        })
    }
}

/// A change an admin makes to a staff account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffChange {
    Deactivate,
    Reactivate,
    ResetSecondFactor,
    Role(StaffRole),
}

impl StaffChange {
    /// The audit action of the change.
    pub fn action(self) -> &'static str {
        match self {
            StaffChange::Deactivate => "deactivate_staff",
            StaffChange::Reactivate => "reactivate_staff",
            StaffChange::ResetSecondFactor => "reset_staff_second_factor",
            StaffChange::Role(_) => "change_staff_role",
        }
    }
}

/// The account a change is about, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    pub id: i64,
    pub role: StaffRole,
    pub active: bool,
}

/// Whether `actor` may make `change` to `target` when `other_active_admins` active admins other
/// than the target exist. Refused: switching oneself off or resetting one's own authenticator
/// (another admin does that), anything that would leave no active admin, and changes that
/// change nothing.
pub fn check(
    actor: i64,
    target: Target,
    change: StaffChange,
    other_active_admins: i64,
) -> Result<(), Refusal> {
    let is_self = actor == target.id;
    let last_admin = target.role == StaffRole::Admin && target.active && other_active_admins == 0;
    match change {
        StaffChange::Deactivate | StaffChange::ResetSecondFactor if is_self => {
            Err(Refusal::StaffSelf)
        }
        StaffChange::Deactivate if !target.active => Err(Refusal::StaffNotPossible),
        StaffChange::Reactivate if target.active => Err(Refusal::StaffNotPossible),
        StaffChange::Deactivate if last_admin => Err(Refusal::LastAdmin),
        StaffChange::Role(role) if role == target.role => Err(Refusal::StaffNotPossible),
        StaffChange::Role(StaffRole::Agent) if last_admin => Err(Refusal::LastAdmin),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADMIN: Target = Target {
        id: 2,
        role: StaffRole::Admin,
        active: true,
    };
    const AGENT: Target = Target {
        id: 3,
        role: StaffRole::Agent,
        active: true,
    };

    #[test]
    fn a_new_colleague_needs_a_name_an_address_and_a_known_role() {
        let ok = NewStaff::parse("  Ann   Peeters ", "Ann@Example.be", "agent", "fr").unwrap();
        assert_eq!(ok.name, "Ann Peeters");
        assert_eq!(ok.role, StaffRole::Agent);
        assert_eq!(ok.lang, Lang::Fr);
        assert_eq!(
            NewStaff::parse("x", "a@b.be", "admin", "xx").unwrap().lang,
            Lang::default()
        );
        for (name, email, role, refusal) in [
            ("", "a@b.be", "agent", Refusal::StaffNameRequired),
            ("   ", "a@b.be", "agent", Refusal::StaffNameRequired),
            ("a\u{0}b", "a@b.be", "agent", Refusal::StaffNameRequired),
            (
                &"x".repeat(101),
                "a@b.be",
                "agent",
                Refusal::StaffNameRequired,
            ),
            (
                "Ann",
                "not-an-address",
                "agent",
                Refusal::Value(crate::values::ValueError::Email),
            ),
            ("Ann", "a@b.be", "root", Refusal::StaffRoleUnknown),
            ("Ann", "a@b.be", "", Refusal::StaffRoleUnknown),
        ] {
            assert_eq!(
                NewStaff::parse(name, email, role, "nl"),
                Err(refusal),
                "{name} {email} {role}"
            );
        }
    }

    #[test]
    fn nobody_switches_themselves_off() {
        assert_eq!(
            check(2, ADMIN, StaffChange::Deactivate, 5),
            Err(Refusal::StaffSelf)
        );
        assert_eq!(
            check(2, ADMIN, StaffChange::ResetSecondFactor, 5),
            Err(Refusal::StaffSelf)
        );
        // Stepping down to agent is fine while another admin remains.
        assert_eq!(
            check(2, ADMIN, StaffChange::Role(StaffRole::Agent), 1),
            Ok(())
        );
    }

    #[test]
    fn the_last_active_admin_stays() {
        assert_eq!(
            check(1, ADMIN, StaffChange::Deactivate, 0),
            Err(Refusal::LastAdmin)
        );
        assert_eq!(
            check(2, ADMIN, StaffChange::Role(StaffRole::Agent), 0),
            Err(Refusal::LastAdmin)
        );
        assert_eq!(check(1, ADMIN, StaffChange::Deactivate, 1), Ok(()));
        // An agent is never the last admin.
        assert_eq!(check(1, AGENT, StaffChange::Deactivate, 0), Ok(()));
        // An inactive admin does not count, and reactivating one is always fine.
        let off = Target {
            active: false,
            ..ADMIN
        };
        assert_eq!(check(1, off, StaffChange::Reactivate, 0), Ok(()));
    }

    #[test]
    fn changes_that_change_nothing_are_refused() {
        let off = Target {
            active: false,
            ..AGENT
        };
        assert_eq!(
            check(1, off, StaffChange::Deactivate, 1),
            Err(Refusal::StaffNotPossible)
        );
        assert_eq!(
            check(1, AGENT, StaffChange::Reactivate, 1),
            Err(Refusal::StaffNotPossible)
        );
        assert_eq!(
            check(1, AGENT, StaffChange::Role(StaffRole::Agent), 1),
            Err(Refusal::StaffNotPossible)
        );
        assert_eq!(
            check(1, AGENT, StaffChange::Role(StaffRole::Admin), 1),
            Ok(())
        );
        assert_eq!(check(1, AGENT, StaffChange::ResetSecondFactor, 1), Ok(()));
    }
}
