//! Finding a customer (issue 11): staff type a customer number, a name, a company name or
//! number, an e-mail address, a mobile number, a contract number or a number plate, in any
//! form. Each customer carries one search document (the fields folded to lower case without
//! accents, each also in a compact form without spaces and punctuation); a term matches when
//! it, or its compact form, is part of the document. `lefevre` finds `Lefèvre`, `1abc234`
//! finds `1-ABC-234`, `0470 12 34 56` finds `+32470123456`.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The shortest term searched for, and the longest kept.
pub const MIN_TERM_CHARS: usize = 2;
pub const MAX_TERM_CHARS: usize = 100;
/// Results per page.
pub const PAGE_SIZE: i64 = 25;

/// Lower case, accents removed (`Lefèvre` → `lefevre`), control characters (NUL, which ends
/// a search expression early, among them) as white space, runs of white space as one space.
pub fn fold(text: &str) -> String {
    let folded: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .flat_map(char::to_lowercase)
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Only the letters and digits of folded text (`1-abc-234` → `1abc234`).
pub fn compact(folded: &str) -> String {
    folded.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The search document of a customer from its fields (empty ones skipped). A Belgian mobile
/// number is also kept in its national form (`0470…`).
pub fn document<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut parts: Vec<String> = Vec::new();
    for field in fields {
        let folded = fold(field);
        if folded.is_empty() {
            continue;
        }
        let short = compact(&folded);
        if let Some(national) = folded.strip_prefix("+32") {
            parts.push(format!("0{national}"));
        }
        if short != folded && !short.is_empty() {
            parts.push(short);
        }
        parts.push(folded);
    }
    parts.join(" ")
}

/// Why a search is not run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchRefusal {
    /// Empty or a single character: it would list everybody.
    TooShort,
}

impl SearchRefusal {
    pub fn key(self) -> &'static str {
        "search.too_short"
    }
}

/// A search term as typed, folded, with its compact form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub folded: String,
    pub compact: String,
}

impl Term {
    pub fn parse(text: &str) -> Result<Term, SearchRefusal> {
        let folded: String = fold(text).chars().take(MAX_TERM_CHARS).collect();
        if folded.chars().count() < MIN_TERM_CHARS {
            return Err(SearchRefusal::TooShort);
        }
        let compact = compact(&folded);
        Ok(Term { folded, compact })
    }

    /// The `LIKE` patterns of the term (`%…%`, with `\`, `%` and `_` escaped by `\` so they
    /// match themselves): the folded term and, when it differs and is long enough, its compact
    /// form.
    pub fn patterns(&self) -> (String, String) {
        let like = |s: &str| {
            let mut p = String::from("%");
            for c in s.chars() {
                if matches!(c, '\\' | '%' | '_') {
                    p.push('\\');
                }
                p.push(c);
            }
            p.push('%');
            p
        };
        let compact = if self.compact.chars().count() >= MIN_TERM_CHARS {
            &self.compact
        } else {
            &self.folded
        };
        (like(&self.folded), like(compact))
    }
}

/// Characters a trigram index needs to find a term (shorter terms are searched by a scan).
pub const TRIGRAM_MIN_CHARS: usize = 3;

impl Term {
    /// The term as an FTS5 query for a trigram index: the folded term as a quoted phrase (a
    /// phrase of trigrams matches exactly the documents that contain it as a substring), `OR`
    /// its compact form; quotes inside are doubled, so nothing in the term is query syntax.
    /// None when the term is too short for trigrams.
    pub fn fts_query(&self) -> Option<String> {
        let phrase = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        if self.folded.chars().count() < TRIGRAM_MIN_CHARS {
            return None;
        }
        let mut q = phrase(&self.folded);
        if self.compact != self.folded && self.compact.chars().count() >= TRIGRAM_MIN_CHARS {
            q.push_str(" OR ");
            q.push_str(&phrase(&self.compact));
        }
        Some(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A NUL in a term ended SQLite's full-text expression inside its quotes: a syntax error,
    // answered 500 (found by scripts/fuzz.sh).
    #[test]
    fn control_characters_are_separators() {
        let term = Term::parse("pee\0ters\u{7}x").unwrap();
        assert_eq!(term.folded, "pee ters x");
        assert!(!term.fts_query().unwrap().contains(char::is_control));
    }

    /// What a LIKE pattern (escaped as above) matches, for the tests.
    fn like(pattern: &str, text: &str) -> bool {
        let inner = &pattern[1..pattern.len() - 1];
        let mut literal = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => literal.extend(chars.next()),
                '%' | '_' => panic!("unescaped wildcard in {pattern}"),
                c => literal.push(c),
            }
        }
        text.contains(&literal)
    }

    fn finds(term: &str, doc: &str) -> bool {
        let (a, b) = Term::parse(term).unwrap().patterns();
        like(&a, doc) || like(&b, doc)
    }

    #[test]
    fn accents_and_case_are_folded() {
        assert_eq!(fold("  Claire   LEFÈVRE "), "claire lefevre");
        assert_eq!(fold("Škoda Ñandú Øre"), "skoda nandu øre");
        assert_eq!(compact("1-abc-234"), "1abc234");
    }

    #[test]
    fn customers_are_found_by_any_field_in_any_form() {
        let doc = document([
            "100009",
            "Claire Lefèvre",
            "",
            "0403.170.701",
            "claire.lefevre@example.be",
            "+32470000109",
            "FC-2025-0015",
            "2-XYB-789",
        ]);
        for term in [
            "100009",
            "0009",
            "lefevre",
            "Lefèvre",
            "LEF",
            "claire lef",
            "0403170701",
            "0403.170.701",
            "claire.lefevre@",
            "@example.be",
            "0470 00 01 09",
            "+32 470 00 01 09",
            "470000109",
            "fc-2025-0015",
            "FC20250015",
            "2xyb789",
            "2 XYB 789",
            "2-xyb-789",
            "xyb",
        ] {
            assert!(finds(term, &doc), "{term} in {doc}");
        }
        for term in ["dubois", "100010", "2-XYB-788", "claire dubois"] {
            assert!(!finds(term, &doc), "{term} should not match {doc}");
        }
    }

    #[test]
    fn short_terms_are_refused_and_wildcards_match_themselves() {
        assert_eq!(Term::parse(""), Err(SearchRefusal::TooShort));
        assert_eq!(Term::parse("  a "), Err(SearchRefusal::TooShort));
        assert!(Term::parse("an").is_ok());
        let (a, _) = Term::parse("50%_off\\").unwrap().patterns();
        assert_eq!(a, "%50\\%\\_off\\\\%");
        assert_eq!(Term::parse("%"), Err(SearchRefusal::TooShort));
        assert!(finds("a%", "data a% here"));
        assert!(!finds("a%", "data ab here"), "% is not a wildcard");
        assert!(!finds("a_c", "abc"), "_ is not a wildcard");
        assert!(finds("o'brien", "sean o'brien"));
        assert_eq!(
            Term::parse(&"x".repeat(500)).unwrap().folded.len(),
            MAX_TERM_CHARS
        );
    }

    #[test]
    fn trigram_queries_quote_the_term_and_skip_short_ones() {
        assert_eq!(Term::parse("ab").unwrap().fts_query(), None);
        assert_eq!(
            Term::parse("Lefèvre").unwrap().fts_query().as_deref(),
            Some("\"lefevre\"")
        );
        assert_eq!(
            Term::parse("2 xyb 789").unwrap().fts_query().as_deref(),
            Some("\"2 xyb 789\" OR \"2xyb789\"")
        );
        // Query syntax in the term is only text.
        assert_eq!(
            Term::parse("a\"b OR c*").unwrap().fts_query().as_deref(),
            Some("\"a\"\"b or c*\" OR \"aborc\"")
        );
    }
}
