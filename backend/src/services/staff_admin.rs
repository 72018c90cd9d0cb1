//! Staff administration (issue 11, admins only; the caller checks the role): inviting a
//! colleague, who sets a password and enrols an authenticator through a single-use e-mail
//! link; deactivating, reactivating, resetting a second factor (the colleague enrols again
//! through a new link) and changing a role, each only on the version the admin saw.
//!
//! Every change writes its audit entry first: that updates the audit head row, which every
//! other staff change also updates first, so changes run one after the other on both
//! databases and the last-admin rule cannot be raced (two admins demoting each other at once).

use crate::infra::outbox::{Mail, queue};
use crate::infra::{password, seal, totp};
use crate::services::staff_access::Reader;
use crate::services::{ServiceError, Services, commit};
use crate::store::{audit, staff};
use domain::Lang;
use domain::i18n::tf;
use domain::model::StaffRole;
use domain::refusal::Refusal;
use domain::staff_admin::{self, NewStaff, SETUP_LINK_HOURS, StaffChange, Target};
use sha2::{Digest, Sha256};

/// What an admin's change did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Refused(Refusal),
    NotFound,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Creates a set-up link for the account and queues its e-mail (`what`: `staff_invite` or
/// `staff_reenrol`), in the caller's transaction.
async fn send_setup_link(
    s: &Services<'_>,
    conn: &mut sqlx::AnyConnection,
    staff_id: i64,
    name: &str,
    email: &str,
    lang: Lang,
    what: &str,
) -> Result<(), ServiceError> {
    let now = s.clock.epoch();
    let token = hex::encode(rand::random::<[u8; 32]>());
    staff::create_setup_link(
        &mut *conn,
        now,
        staff_id,
        &token_hash(&token),
        now + SETUP_LINK_HOURS * 3600,
    )
    .await?;
    let url = format!("{}/cic/setup?token={token}", s.base_url);
    let hours = SETUP_LINK_HOURS.to_string();
    let args = [
        ("name", name),
        ("url", url.as_str()),
        ("hours", hours.as_str()),
        ("company", s.branding.company_name.as_str()),
    ];
    if let Ok(to) = domain::values::Email::parse(email) {
        let mail = Mail {
            to,
            subject: tf(lang, &format!("mail.{what}.subject"), &args),
            body: tf(lang, &format!("mail.{what}.body"), &args),
        };
        queue::enqueue_mail(conn, now, &mail).await?;
    }
    Ok(())
}

/// Invites a colleague: the account (no password, no authenticator), its set-up link and the
/// e-mail, audited; the new id.
pub async fn invite(
    s: &Services<'_>,
    who: Reader<'_>,
    name: &str,
    email: &str,
    role: &str,
    lang: &str,
) -> Result<Result<i64, Refusal>, ServiceError> {
    let new = match NewStaff::parse(name, email, role, lang) {
        Ok(n) => n,
        Err(r) => return Ok(Err(r)),
    };
    let now = s.clock.epoch();
    let _turn = audit::APPENDS.lock().await;
    let mut tx = crate::infra::db::begin_write(s.pool).await?;
    let detail = format!(
        "{} <{}> as {}",
        new.name,
        new.email.as_str(),
        new.role.code()
    );
    audit::record(
        &mut tx,
        now,
        &who.entry("create_staff", None, None, &detail),
    )
    .await?;
    let Some(id) = staff::create_invited(
        &mut tx,
        now,
        new.email.as_str(),
        &new.name,
        new.role,
        new.lang.code(),
    )
    .await?
    else {
        tx.rollback().await?;
        return Ok(Err(Refusal::StaffEmailTaken));
    };
    send_setup_link(
        s,
        &mut tx,
        id,
        &new.name,
        new.email.as_str(),
        new.lang,
        "staff_invite",
    )
    .await?;
    commit(s, tx).await?;
    Ok(Ok(id))
}

/// Makes `change` to staff member `id` if it still has `version` and the rules allow it
/// (audited; a reset second factor e-mails a new set-up link).
pub async fn change(
    s: &Services<'_>,
    who: Reader<'_>,
    id: i64,
    version: i64,
    change: StaffChange,
) -> Result<Outcome, ServiceError> {
    let now = s.clock.epoch();
    let _turn = audit::APPENDS.lock().await;
    let mut tx = crate::infra::db::begin_write(s.pool).await?;
    let object = format!("staff {id}");
    let detail = match change {
        StaffChange::Role(role) => format!("to {}", role.code()),
        _ => String::new(),
    };
    // First: the audit head (see the module documentation).
    audit::record(
        &mut tx,
        now,
        &who.entry(change.action(), None, Some(&object), &detail),
    )
    .await?;
    let Some(row) = staff::by_id_in(&mut tx, id).await? else {
        tx.rollback().await?;
        return Ok(Outcome::NotFound);
    };
    let refused = |r| Ok(Outcome::Refused(r));
    if row.version != version {
        tx.rollback().await?;
        return refused(Refusal::StaffStale);
    }
    let target = Target {
        id,
        role: StaffRole::from_code(&row.role).unwrap_or(StaffRole::Agent),
        active: row.active == 1,
    };
    let others = staff::other_active_admins(&mut tx, id).await?;
    if let Err(r) = staff_admin::check(who.staff_id, target, change, others) {
        tx.rollback().await?;
        return refused(r);
    }
    if !staff::apply_change(&mut tx, id, version, change).await? {
        tx.rollback().await?;
        return refused(Refusal::StaffStale);
    }
    match change {
        StaffChange::Deactivate => staff::void_setup_links(&mut tx, now, id).await?,
        StaffChange::ResetSecondFactor => {
            let lang = Lang::from_code(&row.lang).unwrap_or_default();
            send_setup_link(
                s,
                &mut tx,
                id,
                &row.display_name,
                &row.email,
                lang,
                "staff_reenrol",
            )
            .await?;
        }
        StaffChange::Reactivate | StaffChange::Role(_) => {}
    }
    commit(s, tx).await?;
    Ok(Outcome::Done)
}

/// The account a set-up link is for, as the set-up page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupAccount {
    pub staff_id: i64,
    pub name: String,
    pub email: String,
    /// An invited colleague chooses a password; after a reset second factor the password stays.
    pub needs_password: bool,
}

/// The account of an open set-up link, or None (unknown, used, expired, deactivated).
pub async fn setup_account(
    s: &Services<'_>,
    token: &str,
) -> Result<Option<SetupAccount>, ServiceError> {
    if !well_formed(token.trim()) {
        return Ok(None);
    }
    let Some((_, staff_id)) =
        staff::open_setup_link(s.pool, &token_hash(token.trim()), s.clock.epoch()).await?
    else {
        return Ok(None);
    };
    let Some(row) = staff::by_id(s.pool, staff_id).await? else {
        return Ok(None);
    };
    Ok(Some(SetupAccount {
        staff_id,
        name: row.display_name,
        email: row.email,
        needs_password: !staff::has_password(s.pool, staff_id).await?,
    }))
}

/// What the colleague typed on the set-up page.
pub struct SetupInput<'a> {
    pub token: &'a str,
    pub password: &'a str,
    pub confirmation: &'a str,
    /// The authenticator secret shown on the page (kept in the session, never in the form).
    pub secret: &'a str,
    pub code: &'a str,
    /// The client's address (for the throttle).
    pub ip: &'a str,
}

/// Completes a set-up: the password (when the account has none) meets the policy, the code
/// matches the new authenticator, and the link is used exactly once.
pub async fn complete_setup(
    s: &Services<'_>,
    input: &SetupInput<'_>,
) -> Result<Result<(), Refusal>, ServiceError> {
    let Some(account) = setup_account(s, input.token).await? else {
        return Ok(Err(Refusal::StaffSetupLinkInvalid));
    };
    let password_hash = if account.needs_password {
        let local = account.email.split('@').next().unwrap_or_default();
        if let Err(p) =
            domain::password_policy::check(input.password, input.confirmation, local, "")
        {
            return Ok(Err(Refusal::Password(p)));
        }
        Some(password::hash(&password::Password::new(input.password)).await?)
    } else {
        None
    };
    let now = s.clock.epoch();
    // An attempt of the staff member's throttle, like a sign-in: a stolen link does not give
    // unlimited tries (though whoever holds the page also holds the key).
    let key = crate::services::throttle::Key::Staff(account.email.clone());
    let checked = crate::services::throttle::attempt(s.pool, now, &key, input.ip, async {
        let at = u64::try_from(now).unwrap_or_default();
        Ok::<_, ServiceError>(
            totp::check(input.secret, input.code, at, None)
                .ok_or(crate::services::throttle::Denied::Wrong),
        )
    })
    .await?;
    let step = match checked {
        Ok(step) => step,
        Err(denied) => return Ok(Err(denied.or(Refusal::CodeWrong))),
    };
    let sealed =
        seal::seal(seal::Column::StaffTotp, input.secret).map_err(crate::StoreError::from)?;
    let Some((link_id, _)) =
        staff::open_setup_link(s.pool, &token_hash(input.token.trim()), now).await?
    else {
        return Ok(Err(Refusal::StaffSetupLinkInvalid));
    };
    let mut tx = crate::infra::db::begin_write(s.pool).await?;
    if !staff::complete_setup(
        &mut tx,
        now,
        link_id,
        account.staff_id,
        password_hash.as_deref(),
        &sealed,
        step,
    )
    .await?
    {
        tx.rollback().await?;
        return Ok(Err(Refusal::StaffSetupLinkInvalid));
    }
    commit(s, tx).await?;
    Ok(Ok(()))
}
