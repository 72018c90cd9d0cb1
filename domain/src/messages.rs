//! Secure messaging rules (issue 12), without I/O: the categories of a thread, its status
//! machine, what a message's text and subject may be, and the sending limits. Sent messages
//! are immutable (terms art. 10.4); a correction is a new message.

/// What a thread is about; a complaint carries its own answer promise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    Contract,
    Invoice,
    Change,
    Privacy,
    Technical,
    Complaint,
    Other,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Contract,
        Category::Invoice,
        Category::Change,
        Category::Privacy,
        Category::Technical,
        Category::Complaint,
        Category::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::Contract => "contract",
            Category::Invoice => "invoice",
            Category::Change => "change",
            Category::Privacy => "privacy",
            Category::Technical => "technical",
            Category::Complaint => "complaint",
            Category::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code.trim())
    }

    /// Working days within which the CIC answers: the complaint promise, else the inbox target.
    pub fn answer_within_working_days(self) -> u32 {
        match self {
            Category::Complaint => COMPLAINT_ANSWER_WORKING_DAYS,
            _ => ANSWER_TARGET_WORKING_DAYS,
        }
    }
}

/// The CIC's target for a first answer (the inbox marks older threads).
pub const ANSWER_TARGET_WORKING_DAYS: u32 = 2;
/// The answer promise of a complaint (shown on the page when the category is chosen).
pub const COMPLAINT_ANSWER_WORKING_DAYS: u32 = 5;

/// Where a thread stands: waiting for the CIC, waiting for the customer, or closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadStatus {
    Open,
    Answered,
    Closed,
}

impl ThreadStatus {
    pub fn code(self) -> &'static str {
        match self {
            ThreadStatus::Open => "open",
            ThreadStatus::Answered => "answered",
            ThreadStatus::Closed => "closed",
        }
    }

    pub fn from_code(code: &str) -> Option<ThreadStatus> {
        [
            ThreadStatus::Open,
            ThreadStatus::Answered,
            ThreadStatus::Closed,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// What happens to a thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadEvent {
    /// The customer writes (a new thread starts open).
    CustomerMessage,
    /// An agent answers the customer (internal notes change nothing).
    StaffReply,
    Close,
    Reopen,
}

/// The status after `event`, or why it cannot happen.
pub fn next(status: ThreadStatus, event: ThreadEvent) -> Result<ThreadStatus, MessageRefusal> {
    use ThreadEvent::*;
    use ThreadStatus::*;
    match (status, event) {
        (Closed, CustomerMessage | StaffReply) => Err(MessageRefusal::Closed),
        (_, CustomerMessage) => Ok(Open),
        (_, StaffReply) => Ok(Answered),
        (Closed, Close) | (Open | Answered, Reopen) => Err(MessageRefusal::NoChange),
        (_, Close) => Ok(Closed),
        (Closed, Reopen) => Ok(Open),
    }
}

/// The longest message.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// The longest subject.
pub const MAX_SUBJECT_CHARS: usize = 120;
/// Attachments a message may carry, and their size.
pub const MAX_ATTACHMENTS: usize = 5;
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;

/// Why a message or a thread action is refused; each maps to a message next to its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageRefusal {
    Empty,
    TooLong,
    SubjectEmpty,
    SubjectTooLong,
    CategoryUnknown,
    /// The linked contract is not one of the customer's.
    ContractUnknown,
    TooManyAttachments,
    /// An attachment that is not a PDF, JPEG or PNG (judged from its bytes).
    AttachmentType,
    /// An attachment over 10 MB.
    AttachmentTooLarge,
    /// An attachment without content.
    AttachmentEmpty,
    /// The form could not be read (a broken multipart body).
    Unreadable,
    /// A closed thread takes no messages (the customer starts a new one, or staff reopen it).
    Closed,
    /// Closing a closed thread, reopening an open one.
    NoChange,
    /// 20 an hour or 100 a day.
    Limit,
    /// Staff: the customer or a colleague wrote since the page was shown.
    Changed,
    /// A saved reply without a title, or one over 80 characters.
    TitleEmpty,
    TitleTooLong,
    /// A saved reply's language is not one of the portal's.
    LangUnknown,
    /// Assigning to someone who is not an active colleague.
    AssigneeUnknown,
}

impl MessageRefusal {
    pub fn key(self) -> &'static str {
        use MessageRefusal::*;
        match self {
            Empty => "messages.empty",
            TooLong => "messages.too_long",
            SubjectEmpty => "messages.subject_empty",
            SubjectTooLong => "messages.subject_too_long",
            CategoryUnknown => "messages.category_unknown",
            ContractUnknown => "messages.contract_unknown",
            TooManyAttachments => "messages.too_many_attachments",
            AttachmentType => "messages.attachment_type",
            AttachmentTooLarge => "messages.attachment_too_large",
            AttachmentEmpty => "messages.attachment_empty",
            Unreadable => "messages.unreadable",
            Closed => "messages.closed",
            NoChange => "messages.no_change",
            Limit => "messages.limit",
            Changed => "messages.changed",
            TitleEmpty => "replies.title_empty",
            TitleTooLong => "replies.title_too_long",
            LangUnknown => "replies.lang_unknown",
            AssigneeUnknown => "queue.assignee_unknown",
        }
    }

    pub fn field(self) -> &'static str {
        use MessageRefusal::*;
        match self {
            Empty | TooLong => "body",
            SubjectEmpty | SubjectTooLong => "subject",
            CategoryUnknown => "category",
            ContractUnknown => "contract",
            TooManyAttachments | AttachmentType | AttachmentTooLarge | AttachmentEmpty
            | Unreadable => "attachments",
            Closed | NoChange | Limit | Changed => "",
            TitleEmpty | TitleTooLong => "title",
            LangUnknown => "lang",
            AssigneeUnknown => "assignee",
        }
    }

    pub const ALL: [MessageRefusal; 19] = [
        MessageRefusal::Empty,
        MessageRefusal::TooLong,
        MessageRefusal::SubjectEmpty,
        MessageRefusal::SubjectTooLong,
        MessageRefusal::CategoryUnknown,
        MessageRefusal::ContractUnknown,
        MessageRefusal::TooManyAttachments,
        MessageRefusal::AttachmentType,
        MessageRefusal::AttachmentTooLarge,
        MessageRefusal::AttachmentEmpty,
        MessageRefusal::Unreadable,
        MessageRefusal::Closed,
        MessageRefusal::NoChange,
        MessageRefusal::Limit,
        MessageRefusal::Changed,
        MessageRefusal::TitleEmpty,
        MessageRefusal::TitleTooLong,
        MessageRefusal::LangUnknown,
        MessageRefusal::AssigneeUnknown,
    ];
}

/// Judges a message's attachments, each given as (size in bytes, first bytes, more arrived than
/// the limit): at most [`MAX_ATTACHMENTS`], each a PDF, JPEG or PNG by its bytes, not empty,
/// at most 10 MB. Their types, in order.
pub fn attachments(
    files: &[(u64, &[u8], bool)],
) -> Result<Vec<crate::uploads::FileType>, MessageRefusal> {
    if files.len() > MAX_ATTACHMENTS {
        return Err(MessageRefusal::TooManyAttachments);
    }
    files
        .iter()
        .map(|&(size, head, too_large)| {
            crate::uploads::judge(size, head, too_large).map_err(|r| match r {
                crate::refusal::Refusal::FileRequired => MessageRefusal::AttachmentEmpty,
                crate::refusal::Refusal::FileTooLarge => MessageRefusal::AttachmentTooLarge,
                _ => MessageRefusal::AttachmentType,
            })
        })
        .collect()
}

/// The longest title of a saved reply.
pub const MAX_TITLE_CHARS: usize = 80;

/// A saved reply as an admin typed it, checked: its language, a one-line title of at most 80
/// characters and a text by the rules of a message.
pub fn saved_reply(
    lang: &str,
    title: &str,
    body: &str,
) -> Result<(crate::Lang, String, String), MessageRefusal> {
    let lang = crate::Lang::from_code(lang.trim())
        .filter(|l| l.code() == lang.trim())
        .ok_or(MessageRefusal::LangUnknown)?;
    let title: String = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        return Err(MessageRefusal::TitleEmpty);
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(MessageRefusal::TitleTooLong);
    }
    Ok((lang, title, message_text(body)?))
}

/// A message text as stored: line breaks as `\n`, control characters other than line breaks
/// and tabs removed, trailing white space trimmed; never interpreted (no HTML, no markdown).
pub fn message_text(typed: &str) -> Result<String, MessageRefusal> {
    let text: String = typed
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    let text = text.trim_end().trim_start_matches('\n').to_string();
    if text.trim().is_empty() {
        return Err(MessageRefusal::Empty);
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(MessageRefusal::TooLong);
    }
    Ok(text)
}

/// A subject on one line.
pub fn subject(typed: &str) -> Result<String, MessageRefusal> {
    let s = typed
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if s.is_empty() {
        return Err(MessageRefusal::SubjectEmpty);
    }
    if s.chars().count() > MAX_SUBJECT_CHARS {
        return Err(MessageRefusal::SubjectTooLong);
    }
    Ok(s)
}

/// New messages a customer may send an hour and a day.
pub const PER_HOUR: usize = 20;
pub const PER_DAY: usize = 100;

/// Whether a customer who sent messages at `sent` (epoch seconds) may send one at `now`.
pub fn may_send(sent: &[i64], now: i64) -> bool {
    let within = |secs: i64| sent.iter().filter(|t| now - **t < secs).count();
    within(3_600) < PER_HOUR && within(86_400) < PER_DAY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_round_trip_and_complaints_promise_their_own_term() {
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.code()), Some(c));
        }
        assert_eq!(Category::from_code("spam"), None);
        assert_eq!(Category::Complaint.answer_within_working_days(), 5);
        assert_eq!(Category::Invoice.answer_within_working_days(), 2);
    }

    #[test]
    fn the_thread_status_machine() {
        use ThreadEvent::*;
        use ThreadStatus::*;
        assert_eq!(next(Open, StaffReply), Ok(Answered));
        assert_eq!(next(Answered, CustomerMessage), Ok(Open));
        assert_eq!(next(Open, CustomerMessage), Ok(Open));
        assert_eq!(next(Answered, Close), Ok(Closed));
        assert_eq!(next(Closed, Reopen), Ok(Open));
        assert_eq!(next(Closed, CustomerMessage), Err(MessageRefusal::Closed));
        assert_eq!(next(Closed, StaffReply), Err(MessageRefusal::Closed));
        assert_eq!(next(Closed, Close), Err(MessageRefusal::NoChange));
        assert_eq!(next(Open, Reopen), Err(MessageRefusal::NoChange));
        for s in [Open, Answered, Closed] {
            assert_eq!(ThreadStatus::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn texts_keep_their_lines_and_nothing_else() {
        assert_eq!(
            message_text("Hallo,\r\n\r\nmijn factuur\rklopt niet.  \n"),
            Ok("Hallo,\n\nmijn factuur\nklopt niet.".into())
        );
        assert_eq!(message_text("a\u{0}b\u{7}c\td"), Ok("abc\td".into()));
        assert_eq!(
            message_text("<script>alert(1)</script>"),
            Ok("<script>alert(1)</script>".into()),
            "stored as typed, shown as text"
        );
        assert_eq!(message_text(" \n\t \r\n"), Err(MessageRefusal::Empty));
        assert_eq!(
            message_text(&"x".repeat(MAX_TEXT_CHARS)).map(|t| t.len()),
            Ok(MAX_TEXT_CHARS)
        );
        assert_eq!(
            message_text(&"é".repeat(MAX_TEXT_CHARS + 1)),
            Err(MessageRefusal::TooLong)
        );
    }

    #[test]
    fn attachments_are_judged_by_count_size_and_bytes() {
        use crate::uploads::FileType;
        let pdf: &[u8] = b"%PDF-1.7";
        let png: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        assert_eq!(attachments(&[]), Ok(vec![]));
        assert_eq!(
            attachments(&[(8, pdf, false), (900, png, false)]),
            Ok(vec![FileType::Pdf, FileType::Png])
        );
        assert_eq!(attachments(&[(8, pdf, false); 5]).map(|v| v.len()), Ok(5));
        assert_eq!(
            attachments(&[(8, pdf, false); 6]),
            Err(MessageRefusal::TooManyAttachments)
        );
        // A renamed executable, an empty file, one over 10 MB (announced or counted).
        assert_eq!(
            attachments(&[(8, pdf, false), (4, b"MZ\x90\x00", false)]),
            Err(MessageRefusal::AttachmentType)
        );
        assert_eq!(
            attachments(&[(0, b"", false)]),
            Err(MessageRefusal::AttachmentEmpty)
        );
        let limit = MAX_ATTACHMENT_BYTES;
        assert_eq!(attachments(&[(limit, pdf, false)]).map(|v| v.len()), Ok(1));
        assert_eq!(
            attachments(&[(limit + 1, pdf, false)]),
            Err(MessageRefusal::AttachmentTooLarge)
        );
        assert_eq!(
            attachments(&[(20, pdf, true)]),
            Err(MessageRefusal::AttachmentTooLarge)
        );
        for r in MessageRefusal::ALL {
            for lang in crate::Lang::ALL {
                assert!(crate::i18n::has_key(lang, r.key()), "{r:?} in {lang:?}");
            }
        }
    }

    #[test]
    fn saved_replies_have_a_language_a_title_and_a_text() {
        let (lang, title, body) =
            saved_reply("fr", "  Délai\n de réponse ", "Bonjour,\r\n\r\nMerci.").unwrap();
        assert_eq!(
            (lang, title.as_str(), body.as_str()),
            (crate::Lang::Fr, "Délai de réponse", "Bonjour,\n\nMerci.")
        );
        assert_eq!(
            saved_reply("de", "T", "x"),
            Err(MessageRefusal::LangUnknown)
        );
        assert_eq!(saved_reply("", "T", "x"), Err(MessageRefusal::LangUnknown));
        assert_eq!(saved_reply("nl", " ", "x"), Err(MessageRefusal::TitleEmpty));
        assert_eq!(
            saved_reply("nl", &"t".repeat(81), "x"),
            Err(MessageRefusal::TitleTooLong)
        );
        assert!(saved_reply("nl", &"t".repeat(80), "x").is_ok());
        assert_eq!(saved_reply("en", "T", "  "), Err(MessageRefusal::Empty));
    }

    #[test]
    fn subjects_are_one_line() {
        assert_eq!(
            subject("  Vraag over\nmijn   factuur "),
            Ok("Vraag over mijn factuur".into())
        );
        assert_eq!(subject(" \t"), Err(MessageRefusal::SubjectEmpty));
        assert_eq!(
            subject(&"x".repeat(121)),
            Err(MessageRefusal::SubjectTooLong)
        );
    }

    #[test]
    fn twenty_an_hour_and_a_hundred_a_day() {
        let now = 1_800_000_000;
        let hour: Vec<i64> = (0..19).map(|i| now - i * 60).collect();
        assert!(may_send(&hour, now));
        let full: Vec<i64> = (0..20).map(|i| now - i * 60).collect();
        assert!(!may_send(&full, now));
        assert!(may_send(&full, now + 3_600), "an hour later");
        let day: Vec<i64> = (0..100).map(|i| now - 3_700 - i * 600).collect();
        assert!(!may_send(&day, now));
        assert!(may_send(&day[..99], now));
    }
}
