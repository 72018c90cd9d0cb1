//! PDF documents (invoices, contract copies, fiscal certificates, statements of account),
//! written with `pdf-writer`. Text uses the standard Helvetica fonts with WinAnsi encoding,
//! so nothing is embedded, files stay a few kilobytes and any reader extracts the text.
//!
//! [`Layout`] is a small flowing writer for A4 pages: lines of text, right-aligned amounts,
//! rules, and a new page when the current one is full.

mod documents;
pub mod samples;

pub use documents::{
    ContractCopy, FiscalCertificate, InvoicePdf, Party, Statement, contract_copy,
    fiscal_certificate, invoice, statement,
};

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

pub const PAGE_WIDTH: f32 = 595.0;
pub const PAGE_HEIGHT: f32 = 842.0;
pub const MARGIN: f32 = 56.0;

const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// Encodes text for a standard font with WinAnsiEncoding; characters it cannot show become `?`.
pub fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{a0}' | '\u{202f}' => 0xa0,
            '\u{a1}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8a,
            '‹' => 0x8b,
            'Œ' => 0x8c,
            'Ž' => 0x8e,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201c}' => 0x93,
            '\u{201d}' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9a,
            '›' => 0x9b,
            'œ' => 0x9c,
            'ž' => 0x9e,
            'Ÿ' => 0x9f,
            _ => b'?',
        })
        .collect()
}

/// The width of `text` in points in Helvetica (regular and bold share these widths for the
/// characters amounts and dates use; others get an average width).
pub fn text_width(text: &str, size: f32) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| match c {
            '0'..='9' | '€' | '$' => 556,
            '.' | ',' | ' ' | '\u{a0}' | '/' | ':' | '\u{202f}' => 278,
            '-' => 333,
            '%' => 889,
            'i' | 'l' | 'j' | 'I' => 222,
            'm' | 'M' | 'W' => 833,
            'w' => 722,
            c if c.is_uppercase() => 667,
            _ => 556,
        })
        .sum();
    units as f32 * size / 1000.0
}

/// A flowing writer of A4 pages. `y` is the baseline of the next line, from the bottom.
pub struct Layout {
    pages: Vec<Content>,
    current: Content,
    pub y: f32,
    footer: String,
}

impl Layout {
    /// A new document whose every page carries `footer` at the bottom.
    pub fn new(footer: impl Into<String>) -> Self {
        Layout {
            pages: Vec::new(),
            current: Content::new(),
            y: PAGE_HEIGHT - MARGIN,
            footer: footer.into(),
        }
    }

    /// Starts a new page when fewer than `needed` points are left above the footer.
    pub fn ensure(&mut self, needed: f32) {
        if self.y - needed < MARGIN + 24.0 {
            self.new_page();
        }
    }

    pub fn new_page(&mut self) {
        let page = std::mem::replace(&mut self.current, Content::new());
        self.pages.push(page);
        self.y = PAGE_HEIGHT - MARGIN;
    }

    /// Writes `text` with its left edge at `x` on the current line.
    pub fn text(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        let y = self.y;
        self.text_at(x, y, size, bold, text);
    }

    /// Writes `text` with its right edge at `right` on the current line.
    pub fn text_right(&mut self, right: f32, size: f32, bold: bool, text: &str) {
        let y = self.y;
        self.text_at(right - text_width(text, size), y, size, bold, text);
    }

    fn text_at(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        let encoded = win_ansi(text);
        self.current
            .begin_text()
            .set_font(if bold { BOLD } else { REGULAR }, size)
            .next_line(x, y)
            .show(Str(&encoded))
            .end_text();
    }

    /// Moves to the next line, `leading` points lower.
    pub fn down(&mut self, leading: f32) {
        self.y -= leading;
    }

    /// One line of text at the left margin, then the next line.
    pub fn line(&mut self, size: f32, bold: bool, text: &str) {
        self.ensure(size * 1.5);
        self.text(MARGIN, size, bold, text);
        self.down(size * 1.5);
    }

    /// A label and its value on one line (the value starts at `MARGIN + 150`).
    pub fn pair(&mut self, label: &str, value: &str) {
        self.ensure(15.0);
        self.text(MARGIN, 10.0, false, label);
        self.text(MARGIN + 150.0, 10.0, true, value);
        self.down(15.0);
    }

    /// A thin horizontal rule across the text width a little above the current line.
    pub fn rule(&mut self) {
        let y = self.y + 10.0;
        self.current
            .set_line_width(0.5)
            .set_stroke_gray(0.6)
            .move_to(MARGIN, y)
            .line_to(PAGE_WIDTH - MARGIN, y)
            .stroke();
    }

    /// A filled band behind the current line (table heads).
    pub fn band(&mut self, height: f32) {
        self.current
            .save_state()
            .set_fill_gray(0.92)
            .rect(
                MARGIN - 4.0,
                self.y - 4.0,
                PAGE_WIDTH - 2.0 * MARGIN + 8.0,
                height,
            )
            .fill_nonzero()
            .restore_state();
        self.current.set_fill_gray(0.0);
    }

    /// The finished PDF with `title` in its document information.
    pub fn finish(mut self, title: &str, author: &str) -> Vec<u8> {
        self.new_page();
        let count = self.pages.len();
        let mut pdf = Pdf::new();
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let regular = Ref::new(3);
        let bold = Ref::new(4);
        let info = Ref::new(5);
        let first = 6;
        let page_ids: Vec<Ref> = (0..count).map(|i| Ref::new(first + 2 * i as i32)).collect();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_ids.iter().copied())
            .count(count as i32);
        pdf.type1_font(regular)
            .base_font(Name(b"Helvetica"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.type1_font(bold)
            .base_font(Name(b"Helvetica-Bold"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.document_info(info)
            .title(TextStr(title))
            .author(TextStr(author))
            .producer(TextStr("Leasing self-service portal"));
        for (i, mut content) in self.pages.into_iter().enumerate() {
            let page_id = page_ids[i];
            let content_id = Ref::new(page_id.get() + 1);
            let footer = format!("{} · {}/{}", self.footer, i + 1, count);
            let encoded = win_ansi(&footer);
            content
                .begin_text()
                .set_font(REGULAR, 8.0)
                .next_line(MARGIN, MARGIN - 20.0)
                .show(Str(&encoded))
                .end_text();
            let mut page = pdf.page(page_id);
            page.parent(tree)
                .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
                .contents(content_id);
            page.resources()
                .fonts()
                .pair(REGULAR, regular)
                .pair(BOLD, bold);
            page.finish();
            pdf.stream(content_id, &content.finish());
        }
        pdf.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn win_ansi_keeps_belgian_text() {
        assert_eq!(win_ansi("1.234,56\u{a0}€"), b"1.234,56\xa0\x80".to_vec());
        assert_eq!(win_ansi("Citroën ë-C3"), b"Citro\xebn \xeb-C3".to_vec());
        assert_eq!(win_ansi("8:30–18:00"), b"8:30\x9618:00".to_vec());
        assert_eq!(win_ansi("日本"), b"??".to_vec());
    }

    #[test]
    fn amounts_are_measured() {
        // 8 digits/signs of 556 and 2 of 278 at 10 pt.
        assert!((text_width("1.234,56 €", 10.0) - (7.0 * 5.56 + 3.0 * 2.78)).abs() < 0.01);
    }

    #[test]
    fn a_long_document_gets_more_pages() {
        let mut layout = Layout::new("footer");
        for i in 0..200 {
            layout.line(10.0, false, &format!("line {i}"));
        }
        let pdf = layout.finish("Title", "Author");
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 5"), "47 lines of 15 pt fit on a page");
    }
}
