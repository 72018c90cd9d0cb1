//! Refusals: every answer that turns down what a person typed or asked, as one enum. Each has
//! the translation key of its message ([`Refusal::key`]) and the form field it is about
//! ([`Refusal::field`], empty for the form as a whole), so a page can show it next to the field
//! without guessing from the key.

use crate::change_requests::ChangeRefusal;
use crate::codes::SendRefusal;
use crate::contact::ContactRefusal;
use crate::password_policy::PasswordProblem;
use crate::throttle::Throttled;
use crate::values::ValueError;

/// Something the portal turned down, with its message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A value that does not parse (customer number, e-mail address, …).
    Value(ValueError),
    /// A new password that breaks a rule.
    Password(PasswordProblem),
    /// Too many sign-in attempts.
    Throttled(Throttled),
    /// A code was asked for too soon or too often.
    CodeNotSent(SendRefusal),
    CodeFormat,
    CodeWrong,
    CodeVoid,
    WrongStep,
    FirstNameRequired,
    LastNameRequired,
    EmailTaken,
    SignInInvalid,
    MustResetPassword,
    StaffSignInInvalid,
    CurrentPasswordWrong,
    EmailSame,
    ResetLinkInvalid,
    EmailChangeLinkInvalid,
    KmRequired,
    KmNegative,
    KmInvalid,
    KmAbsurd,
    KmDecreasing,
    DateRequired,
    DateInvalid,
    DateFuture,
    DateBeforeStart,
    DocumentKindRequired,
    DocumentContractUnknown,
    DocumentContractRequired,
    DocumentYearRequired,
    DocumentYearInvalid,
    DocumentAlreadyRequested,
    /// The second factor's code (app or recovery) is wrong.
    SecondFactorWrong,
    /// Turning the second factor off: the password or the code is wrong.
    TwoFactorDisableWrong,
    /// The sign-in's second step waited too long.
    SecondFactorExpired,
    /// The registration in this browser ran out; start again.
    RegistrationExpired,
    /// A reading far above the usual daily distance: asked to confirm it.
    MileageJumpUnconfirmed,
    /// The request can no longer be cancelled (it is being handled or already finished).
    CancelRefused,
    /// Enrolling an authenticator while the second factor is already on.
    TwoFactorAlreadyOn,
    /// Enrolling an authenticator: the current password is wrong.
    TwoFactorPasswordWrong,
    /// The server is checking as many passwords as it may: try again in a moment (a 503 with
    /// `Retry-After` for API callers).
    Busy,
    /// A change request's allowance or effective date breaks a rule.
    Change(ChangeRefusal),
    /// A foreign plate without a valid country.
    PlateCountry,
    /// A Belgian plate needs its registration certificate.
    FileRequired,
    /// The file is not a PDF, JPEG or PNG (judged from its bytes).
    FileType,
    /// The file is larger than 10 MB.
    FileTooLarge,
    /// The form could not be read as an upload (a broken multipart body).
    UploadUnreadable,
    /// A request of the same kind for this contract is still open.
    ChangeAlreadyOpen,
    /// Staff: someone else changed the request since it was shown.
    RequestStale,
    /// Staff: a rejection needs a note for the customer.
    RejectNoteRequired,
    /// Staff: the request is no longer open.
    RequestClosed,
    /// Staff: the colleague to assign to is unknown or inactive.
    AssigneeUnknown,
    /// The contract has no mileage allowance to change, or has ended.
    ContractNotChangeable,
    /// A contact-details change breaks a rule (address form, unchanged value, no code sent).
    Contact(ContactRefusal),
    /// Sign-in: the right password, but the operator suspended the portal access.
    AccountSuspended,
    /// Staff: suspending needs a reason from the list.
    SuspensionReasonRequired,
    /// Staff: the reason "other" needs a note.
    SuspensionNoteRequired,
    /// Staff: the customer has no portal account to suspend, or it is already (not) suspended.
    SuspensionNotPossible,
    /// Staff administration: a new colleague needs a name (at most 100 characters).
    StaffNameRequired,
    /// Staff administration: a staff account with this e-mail address exists.
    StaffEmailTaken,
    /// Staff administration: the role is not agent or admin.
    StaffRoleUnknown,
    /// Staff administration: an admin cannot deactivate themselves or reset their own authenticator.
    StaffSelf,
    /// Staff administration: the change would leave no active admin.
    LastAdmin,
    /// Staff administration: the account changed since the page was shown.
    StaffStale,
    /// Staff administration: the change changes nothing (already inactive, same role, …).
    StaffNotPossible,
    /// The staff set-up link is unknown, used or expired.
    StaffSetupLinkInvalid,
    /// Staff: no reset link for a customer without an active (unsuspended) portal account.
    ResetNotPossible,
    /// A message or a thread action breaks a rule (text, subject, closed thread, limits).
    Message(crate::messages::MessageRefusal),
}

impl Refusal {
    /// The translation key of the message.
    pub fn key(self) -> &'static str {
        use Refusal::*;
        match self {
            Value(v) => v.key(),
            Password(p) => p.key(),
            Throttled(t) => t.key(),
            CodeNotSent(SendRefusal::TooSoon(_)) => "code.too_soon",
            CodeNotSent(SendRefusal::TooMany) => "code.too_many",
            CodeFormat => "code.format",
            CodeWrong => "code.wrong",
            CodeVoid => "code.void",
            WrongStep => "registration.wrong_step",
            FirstNameRequired => "registration.first_name_required",
            LastNameRequired => "registration.last_name_required",
            EmailTaken => "registration.email_taken",
            SignInInvalid => "auth.invalid",
            MustResetPassword => "auth.must_reset",
            StaffSignInInvalid => "cic.invalid",
            CurrentPasswordWrong => "security.current_wrong",
            EmailSame => "security.email_same",
            ResetLinkInvalid => "reset.invalid",
            EmailChangeLinkInvalid => "email_change.invalid",
            KmRequired => "mileage.km_required",
            KmNegative => "mileage.km_negative",
            KmInvalid => "mileage.km_invalid",
            KmAbsurd => "mileage.km_absurd",
            KmDecreasing => "mileage.km_decreasing",
            DateRequired => "mileage.date_required",
            DateInvalid => "mileage.date_invalid",
            DateFuture => "mileage.date_future",
            DateBeforeStart => "mileage.date_before_start",
            DocumentKindRequired => "documents.kind_required",
            DocumentContractUnknown => "documents.contract_unknown",
            DocumentContractRequired => "documents.contract_required",
            DocumentYearRequired => "documents.year_required",
            DocumentYearInvalid => "documents.year_invalid",
            DocumentAlreadyRequested => "documents.duplicate",
            SecondFactorWrong => "auth.code_wrong",
            TwoFactorDisableWrong => "security.two_factor_disable_wrong",
            SecondFactorExpired => "auth.second_factor_expired",
            RegistrationExpired => "registration.expired",
            MileageJumpUnconfirmed => "mileage.confirm_jump",
            CancelRefused => "documents.cancel_refused",
            TwoFactorAlreadyOn => "security.two_factor.already_on",
            TwoFactorPasswordWrong => "security.current_wrong",
            Busy => "error.busy",
            Change(c) => c.key(),
            Contact(c) => c.key(),
            AccountSuspended => "auth.suspended",
            SuspensionReasonRequired => "suspension.reason_required",
            SuspensionNoteRequired => "suspension.note_required",
            SuspensionNotPossible => "suspension.not_possible",
            StaffNameRequired => "staff.name_required",
            StaffEmailTaken => "staff.email_taken",
            StaffRoleUnknown => "staff.role_unknown",
            StaffSelf => "staff.self",
            LastAdmin => "staff.last_admin",
            StaffStale => "staff.stale",
            StaffNotPossible => "staff.not_possible",
            StaffSetupLinkInvalid => "staff.setup_invalid",
            ResetNotPossible => "customers.reset_not_possible",
            Message(m) => m.key(),
            PlateCountry => "change.plate_country",
            FileRequired => "change.file_required",
            FileType => "change.file_type",
            FileTooLarge => "change.file_too_large",
            UploadUnreadable => "change.upload_unreadable",
            ChangeAlreadyOpen => "change.already_open",
            RequestStale => "queue.stale",
            RejectNoteRequired => "queue.note_required",
            RequestClosed => "queue.closed",
            AssigneeUnknown => "queue.assignee_unknown",
            ContractNotChangeable => "change.not_changeable",
        }
    }

    /// The `name` of the form field the refusal is about; empty for the whole form.
    pub fn field(self) -> &'static str {
        use Refusal::*;
        match self {
            Value(ValueError::CustomerNumber) => "customer_number",
            Value(ValueError::ContractNumber) => "contract_number",
            Value(ValueError::Email) | EmailTaken | EmailSame | StaffEmailTaken => "email",
            StaffNameRequired => "name",
            StaffRoleUnknown => "role",
            Value(ValueError::NumberPlate) => "number_plate",
            Value(ValueError::Phone) => "phone",
            Value(ValueError::Vin) => "vin",
            Password(_) => "password",
            CodeNotSent(_) | CodeFormat | CodeWrong | CodeVoid | SecondFactorWrong => "code",
            FirstNameRequired => "first_name",
            LastNameRequired => "last_name",
            CurrentPasswordWrong => "current_password",
            TwoFactorPasswordWrong => "two_factor_password",
            KmRequired | KmNegative | KmInvalid | KmAbsurd | KmDecreasing => "km",
            DateRequired | DateInvalid | DateFuture | DateBeforeStart => "date",
            DocumentKindRequired => "kind",
            DocumentContractUnknown | DocumentContractRequired => "contract",
            DocumentYearRequired | DocumentYearInvalid => "year",
            Change(c) => c.field(),
            Contact(c) => c.field(),
            Message(m) => m.field(),
            SuspensionReasonRequired => "reason",
            SuspensionNoteRequired => "note",
            PlateCountry => "country",
            FileRequired | FileType | FileTooLarge | UploadUnreadable => "certificate",
            RejectNoteRequired => "note",
            AssigneeUnknown => "assignee",
            Throttled(_)
            | WrongStep
            | SignInInvalid
            | MustResetPassword
            | StaffSignInInvalid
            | ResetLinkInvalid
            | EmailChangeLinkInvalid
            | DocumentAlreadyRequested
            | TwoFactorDisableWrong
            | SecondFactorExpired
            | RegistrationExpired
            | MileageJumpUnconfirmed
            | CancelRefused
            | TwoFactorAlreadyOn
            | ChangeAlreadyOpen
            | RequestStale
            | RequestClosed
            | ContractNotChangeable
            | AccountSuspended
            | SuspensionNotPossible
            | StaffSelf
            | LastAdmin
            | StaffStale
            | StaffNotPossible
            | StaffSetupLinkInvalid
            | ResetNotPossible
            | Busy => "",
        }
    }

    /// One of each kind, for tests that every key is translated.
    pub fn examples() -> Vec<Refusal> {
        use Refusal::*;
        let mut all = vec![
            CodeNotSent(SendRefusal::TooSoon(30)),
            CodeNotSent(SendRefusal::TooMany),
            Throttled(crate::throttle::Throttled::Locked),
            Throttled(crate::throttle::Throttled::Wait),
            CodeFormat,
            CodeWrong,
            CodeVoid,
            WrongStep,
            FirstNameRequired,
            LastNameRequired,
            EmailTaken,
            SignInInvalid,
            MustResetPassword,
            StaffSignInInvalid,
            CurrentPasswordWrong,
            EmailSame,
            ResetLinkInvalid,
            EmailChangeLinkInvalid,
            KmRequired,
            KmNegative,
            KmInvalid,
            KmAbsurd,
            KmDecreasing,
            DateRequired,
            DateInvalid,
            DateFuture,
            DateBeforeStart,
            DocumentKindRequired,
            DocumentContractUnknown,
            DocumentContractRequired,
            DocumentYearRequired,
            DocumentYearInvalid,
            DocumentAlreadyRequested,
            SecondFactorWrong,
            TwoFactorDisableWrong,
            SecondFactorExpired,
            RegistrationExpired,
            MileageJumpUnconfirmed,
            CancelRefused,
            TwoFactorAlreadyOn,
            TwoFactorPasswordWrong,
            Busy,
            PlateCountry,
            FileRequired,
            FileType,
            FileTooLarge,
            UploadUnreadable,
            ChangeAlreadyOpen,
            RequestStale,
            RejectNoteRequired,
            RequestClosed,
            AssigneeUnknown,
            ContractNotChangeable,
        ];
        all.extend(ChangeRefusal::ALL.map(Change));
        all.extend(ContactRefusal::ALL.map(Contact));
        all.extend(crate::messages::MessageRefusal::ALL.map(Message));
        all.extend([
            AccountSuspended,
            SuspensionReasonRequired,
            SuspensionNoteRequired,
            SuspensionNotPossible,
            StaffNameRequired,
            StaffEmailTaken,
            StaffRoleUnknown,
            StaffSelf,
            LastAdmin,
            StaffStale,
            StaffNotPossible,
            StaffSetupLinkInvalid,
            ResetNotPossible,
        ]);
        all.extend(
            [
                ValueError::CustomerNumber,
                ValueError::ContractNumber,
                ValueError::NumberPlate,
                ValueError::Email,
                ValueError::Phone,
                ValueError::Vin,
            ]
            .map(Value),
        );
        all.extend(PasswordProblem::ALL.map(Password));
        all
    }
}

impl From<ChangeRefusal> for Refusal {
    fn from(c: ChangeRefusal) -> Self {
        Refusal::Change(c)
    }
}

impl From<ValueError> for Refusal {
    fn from(v: ValueError) -> Self {
        Refusal::Value(v)
    }
}

impl From<PasswordProblem> for Refusal {
    fn from(p: PasswordProblem) -> Self {
        Refusal::Password(p)
    }
}

impl From<Throttled> for Refusal {
    fn from(t: Throttled) -> Self {
        Refusal::Throttled(t)
    }
}

impl From<SendRefusal> for Refusal {
    fn from(r: SendRefusal) -> Self {
        Refusal::CodeNotSent(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_is_translated_in_every_language() {
        for lang in [crate::Lang::Nl, crate::Lang::Fr, crate::Lang::En] {
            for r in Refusal::examples() {
                assert!(
                    crate::i18n::has_key(lang, r.key()),
                    "{r:?} has no {lang:?} text"
                );
            }
        }
    }

    #[test]
    fn refusals_name_their_field() {
        assert_eq!(Refusal::KmDecreasing.field(), "km");
        assert_eq!(Refusal::from(ValueError::Email).field(), "email");
        assert_eq!(Refusal::CodeVoid.field(), "code");
        assert_eq!(Refusal::SignInInvalid.field(), "");
        assert_eq!(
            Refusal::from(PasswordProblem::Common).key(),
            "password.common"
        );
    }
}
