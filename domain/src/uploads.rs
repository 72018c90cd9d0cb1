//! The rules of an uploaded file: which types are accepted (judged from the bytes, never from
//! the name or the declared type), how large it may be, and the name it is stored and served
//! under.

use crate::refusal::Refusal;

/// The largest file a customer may upload (10 MB).
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// The longest file name kept (in characters, extension included).
const MAX_NAME_CHARS: usize = 100;

/// A file type the portal accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
}

impl FileType {
    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Jpeg => "jpg",
            FileType::Png => "png",
        }
    }

    pub fn from_content_type(text: &str) -> Option<FileType> {
        [FileType::Pdf, FileType::Jpeg, FileType::Png]
            .into_iter()
            .find(|t| t.content_type() == text)
    }
}

/// The type of a file from its first bytes: `%PDF-` at offset 0, the JPEG start-of-image marker
/// `FF D8 FF`, or the eight-byte PNG signature. Anything else (an executable renamed `.pdf`, a
/// text file, an HTML page) is refused.
pub fn sniff(bytes: &[u8]) -> Result<FileType, Refusal> {
    const PNG: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    if bytes.starts_with(b"%PDF-") {
        Ok(FileType::Pdf)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(FileType::Jpeg)
    } else if bytes.starts_with(&PNG) {
        Ok(FileType::Png)
    } else {
        Err(Refusal::FileType)
    }
}

/// Checks an upload that streamed to disk: not empty, at most [`MAX_UPLOAD_BYTES`] (nothing
/// more arrived than was kept), and of an accepted type judged from its first bytes.
pub fn judge(size: u64, head: &[u8], too_large: bool) -> Result<FileType, Refusal> {
    if size == 0 {
        return Err(Refusal::FileRequired);
    }
    if too_large || size > MAX_UPLOAD_BYTES as u64 {
        return Err(Refusal::FileTooLarge);
    }
    sniff(head)
}

/// A file size as shown next to its name: kilobytes below one megabyte (at least 1), else
/// megabytes with one decimal and a Belgian decimal comma; the unit as `kb` or `mb`.
pub fn size_shown(bytes: u64) -> (String, &'static str) {
    const MB: u64 = 1024 * 1024;
    if bytes < MB {
        (bytes.div_ceil(1024).max(1).to_string(), "kb")
    } else {
        let tenths = (bytes * 10 + MB / 2) / MB;
        (format!("{},{}", tenths / 10, tenths % 10), "mb")
    }
}

/// The name a file is kept and served under: the last path segment of what the browser sent,
/// without control characters, text-direction marks (a right-to-left override would show
/// `invoice\u{202e}fdp.exe` as `invoiceexe.pdf`), quotes or separators, at most 100
/// characters, and with the
/// extension of its real type (`certificate.exe` that is really a PDF becomes
/// `certificate.pdf`). An empty name becomes `document.<ext>`.
pub fn clean_name(sent: &str, kind: FileType) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_direction_mark(*c))
        .map(|c| match c {
            '"' | '\'' | ';' | ':' | '<' | '>' | '|' | '*' | '?' | '%' => '_',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.');
    let stem = match cleaned.rfind('.') {
        Some(dot) if dot > 0 => &cleaned[..dot],
        _ => cleaned,
    };
    let stem: String = stem.chars().take(MAX_NAME_CHARS - 5).collect();
    let stem = stem.trim();
    let stem = if stem.is_empty() { "document" } else { stem };
    format!("{stem}.{}", kind.extension())
}

/// Unicode's invisible marks that change the direction text is shown in.
fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_marks_cannot_disguise_a_name() {
        // Shown as "invoiceexe.pdf" with the override kept.
        assert_eq!(
            clean_name("invoice\u{202e}fdp.exe", FileType::Pdf),
            "invoicefdp.pdf"
        );
        assert_eq!(clean_name("\u{2067}a\u{2069}.png", FileType::Png), "a.png");
    }

    #[test]
    fn the_type_comes_from_the_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Ok(FileType::Pdf));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Ok(FileType::Jpeg)
        );
        assert_eq!(
            sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Ok(FileType::Png)
        );
        // An executable renamed .pdf, a script, HTML, a PDF marker not at the start.
        assert_eq!(sniff(b"MZ\x90\x00\x03"), Err(Refusal::FileType));
        assert_eq!(sniff(b"\x7fELF\x02\x01"), Err(Refusal::FileType));
        assert_eq!(sniff(b"<html><script>"), Err(Refusal::FileType));
        assert_eq!(sniff(b" %PDF-1.7"), Err(Refusal::FileType));
        assert_eq!(sniff(b"%PD"), Err(Refusal::FileType));
    }

    #[test]
    fn empty_and_oversized_files_are_refused() {
        let pdf = b"%PDF-1.7";
        assert_eq!(judge(0, b"", false), Err(Refusal::FileRequired));
        let limit = MAX_UPLOAD_BYTES as u64;
        assert_eq!(judge(limit + 1, pdf, false), Err(Refusal::FileTooLarge));
        // More arrived than was kept, whatever the count says.
        assert_eq!(judge(20, pdf, true), Err(Refusal::FileTooLarge));
        assert_eq!(judge(limit, pdf, false), Ok(FileType::Pdf));
        assert_eq!(judge(limit, b"MZ\x90\x00", false), Err(Refusal::FileType));
    }

    #[test]
    fn sizes_are_shown_in_kilobytes_or_megabytes() {
        assert_eq!(size_shown(0), ("1".to_string(), "kb"));
        assert_eq!(size_shown(1), ("1".to_string(), "kb"));
        assert_eq!(size_shown(2049), ("3".to_string(), "kb"));
        assert_eq!(size_shown(1024 * 1024), ("1,0".to_string(), "mb"));
        assert_eq!(size_shown(10 * 1024 * 1024), ("10,0".to_string(), "mb"));
        assert_eq!(size_shown(1_300_000), ("1,2".to_string(), "mb"));
    }

    #[test]
    fn names_are_cleaned_and_take_the_real_extension() {
        let pdf = FileType::Pdf;
        assert_eq!(clean_name("inschrijving.pdf", pdf), "inschrijving.pdf");
        assert_eq!(
            clean_name("C:\\Users\\an\\kenteken.PDF", pdf),
            "kenteken.pdf"
        );
        assert_eq!(clean_name("../../etc/passwd", pdf), "passwd.pdf");
        assert_eq!(clean_name("virus.exe", pdf), "virus.pdf");
        assert_eq!(clean_name("a\r\nb\"c.pdf", pdf), "ab_c.pdf");
        assert_eq!(clean_name("", FileType::Png), "document.png");
        assert_eq!(clean_name(".htaccess", FileType::Jpeg), "htaccess.jpg");
        assert_eq!(clean_name("foto.jpeg", FileType::Jpeg), "foto.jpg");
        let long = "x".repeat(300);
        assert_eq!(clean_name(&long, pdf).chars().count(), 99);
    }
}
