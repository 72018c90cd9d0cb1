//! Languages and translations.
//!
//! Every text a person reads comes from `locales/<code>.json` (flat `"area.key": "text"` maps),
//! compiled into the binary and the wasm. A test checks that the three files have the same keys
//! and that every key used in the code exists, so a missing translation fails the build's tests
//! instead of showing a key to a customer.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A language's texts by key. Looked up for every text on every page (a few hundred a page), so
/// with FxHash rather than the standard SipHash, which guards against keys an attacker chooses:
/// these keys are the portal's own.
type Table = HashMap<String, String, rustc_hash::FxBuildHasher>;

/// A language the portal speaks. Dutch is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Nl,
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Nl, Lang::Fr, Lang::En];

    /// The BCP 47 code, as used in `<html lang>`, the cookie and the database.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Parses a code such as `fr` or `fr-BE` (case-insensitive); anything else is `None`.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "nl" => Some(Lang::Nl),
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's own name, shown in the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Nl => "Nederlands",
            Lang::Fr => "Français",
            Lang::En => "English",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Lang::Nl => include_str!("../../locales/nl.json"),
            Lang::Fr => include_str!("../../locales/fr.json"),
            Lang::En => include_str!("../../locales/en.json"),
        }
    }

    fn table(self) -> &'static Table {
        static TABLES: [OnceLock<Table>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        let index = match self {
            Lang::Nl => 0,
            Lang::Fr => 1,
            Lang::En => 2,
        };
        // The files are part of the build and checked by tests; a broken file gives an empty
        // table (every text then shows its key) rather than a panic in a request.
        TABLES[index].get_or_init(|| serde_json::from_str(self.source()).unwrap_or_default())
    }
}

/// The name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// The text for `key` in `lang`; the key itself if it is missing (tests prevent that).
pub fn t(lang: Lang, key: &str) -> &'static str {
    match lang.table().get(key) {
        Some(text) => text.as_str(),
        None => Lang::Nl
            .table()
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| missing(key)),
    }
}

/// The text for `key` with `{name}` placeholders replaced by the given values.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    fill(t(lang, key), args)
}

/// Fills `{name}` placeholders in one pass: a value is inserted as it is (a `{…}` inside a
/// value, such as a customer's own note, is never read as a placeholder), an unknown `{name}`
/// stays as written.
fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut text =
        String::with_capacity(template.len() + args.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let filled = after.find('}').and_then(|close| {
            let name = &after[..close];
            let (_, value) = args.iter().find(|(n, _)| *n == name)?;
            Some((*value, close))
        });
        match filled {
            Some((value, close)) => {
                text.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                text.push('{');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    text
}

/// The CLDR plural category `n` takes in `lang` (`zero`, `one`, `two`, `few`, `many` or
/// `other`), by ICU4X's plural rules (French counts 0 as `one`, Dutch and English as `other`).
pub fn plural_category(lang: Lang, n: i64) -> &'static str {
    use icu_plurals::{PluralCategory, PluralRules};
    thread_local! {
        // Built once per thread (the rules are compiled into the binary).
        static RULES: [Option<PluralRules>; 3] = [
            PluralRules::try_new_cardinal(icu_locale_core::locale!("nl").into()).ok(),
            PluralRules::try_new_cardinal(icu_locale_core::locale!("fr").into()).ok(),
            PluralRules::try_new_cardinal(icu_locale_core::locale!("en").into()).ok(),
        ];
    }
    let index = match lang {
        Lang::Nl => 0,
        Lang::Fr => 1,
        Lang::En => 2,
    };
    let category = RULES.with(|rules| rules[index].as_ref().map(|r| r.category_for(n)));
    match category {
        Some(PluralCategory::Zero) => "zero",
        Some(PluralCategory::One) => "one",
        Some(PluralCategory::Two) => "two",
        Some(PluralCategory::Few) => "few",
        Some(PluralCategory::Many) => "many",
        Some(PluralCategory::Other) => "other",
        // The rules of the three languages are compiled in; this is never reached.
        None if n == 1 => "one",
        None => "other",
    }
}

/// The text of a count: `{key}.{category}` for the plural category `n` takes in `lang`, else
/// `{key}.other`, with `{n}` (unless `args` gives its own, as "1.000+") and `args` filled in.
pub fn tp(lang: Lang, key: &str, n: i64, args: &[(&str, &str)]) -> String {
    let specific = format!("{key}.{}", plural_category(lang, n));
    let key = if has_key(lang, &specific) {
        specific
    } else {
        format!("{key}.other")
    };
    let count = n.to_string();
    let mut all = args.to_vec();
    if !args.iter().any(|(name, _)| *name == "n") {
        all.push(("n", count.as_str()));
    }
    tf(lang, &key, &all)
}

/// Whether the language's own file has a text for `key` (no fallback).
pub fn has_key(lang: Lang, key: &str) -> bool {
    lang.table().contains_key(key)
}

/// Most distinct missing keys [`missing`] keeps; past it a missing text shows as a dash.
const MISSING_KEYS_KEPT: usize = 256;

/// The text shown for a key missing from every file: the key itself, so the gap is visible.
/// The key test below keeps the code's fixed keys in the files; keys built from stored codes
/// (`contractstatus.{status}`, `audit.action.{action}`, …) stay in step through the database's
/// checks, but a code added without its text would be missing on every request that shows it:
/// each distinct key is kept once (it was leaked again on every call, memory that grew with
/// the requests) and at most [`MISSING_KEYS_KEPT`] of them.
fn missing(key: &str) -> &'static str {
    static KEPT: OnceLock<std::sync::Mutex<std::collections::HashSet<&'static str>>> =
        OnceLock::new();
    match KEPT.get_or_init(Default::default).lock() {
        Ok(mut kept) => keep_missing(&mut kept, key),
        Err(_) => "—",
    }
}

fn keep_missing(kept: &mut std::collections::HashSet<&'static str>, key: &str) -> &'static str {
    if let Some(known) = kept.get(key) {
        return known;
    }
    if kept.len() >= MISSING_KEYS_KEPT {
        return "—";
    }
    let leaked: &'static str = Box::leak(key.to_string().into_boxed_str());
    kept.insert(leaked);
    leaked
}

/// Picks the language from the cookie value, then the `Accept-Language` header, else Dutch.
pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
    if let Some(lang) = cookie.and_then(Lang::from_code) {
        return lang;
    }
    if let Some(header) = accept_language {
        let mut best: Option<(Lang, f32)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Lang::from_code) else {
                continue;
            };
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if best.is_none_or(|(_, bq)| q > bq) {
                best = Some((lang, q));
            }
        }
        if let Some((lang, _)) = best {
            return lang;
        }
    }
    Lang::default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn a_missing_key_shows_itself_and_is_kept_once() {
        let first = t(Lang::Fr, "no.such.key.anywhere");
        assert_eq!(first, "no.such.key.anywhere");
        // The same text, not a new copy: a missing key on every request must not grow memory.
        assert!(std::ptr::eq(first, t(Lang::Nl, "no.such.key.anywhere")));
    }

    #[test]
    fn missing_keys_kept_are_bounded() {
        let mut kept = std::collections::HashSet::new();
        for i in 0..MISSING_KEYS_KEPT {
            assert_eq!(
                keep_missing(&mut kept, &format!("gone.{i}")),
                format!("gone.{i}")
            );
        }
        assert_eq!(keep_missing(&mut kept, "gone.one.too.many"), "—");
        assert_eq!(keep_missing(&mut kept, "gone.7"), "gone.7");
        assert_eq!(kept.len(), MISSING_KEYS_KEPT);
    }

    fn keys(lang: Lang) -> BTreeSet<String> {
        let map: HashMap<String, String> =
            serde_json::from_str(lang.source()).expect("locale file is valid JSON");
        map.keys().cloned().collect()
    }

    #[test]
    fn all_locale_files_have_the_same_keys() {
        let nl = keys(Lang::Nl);
        for lang in [Lang::Fr, Lang::En] {
            let other = keys(lang);
            let missing: Vec<_> = nl.difference(&other).collect();
            let extra: Vec<_> = other.difference(&nl).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
            assert!(extra.is_empty(), "{} has extra keys {extra:?}", lang.code());
        }
    }

    #[test]
    fn no_translation_is_empty() {
        for lang in Lang::ALL {
            let map: HashMap<String, String> = serde_json::from_str(lang.source()).unwrap();
            for (key, text) in map {
                assert!(!text.trim().is_empty(), "{}: {key} is empty", lang.code());
            }
        }
    }

    /// Every `t(…, "key")`, `tf(…, "key", …)` and `tr("key")` in the workspace's sources
    /// names a key that exists.
    #[test]
    fn every_key_used_in_the_code_exists() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let known = keys(Lang::Nl);
        let mut unknown = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(root)];
        let mut found = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().to_string();
                if path.is_dir() {
                    if !["target", "node_modules", ".git", "end2end", "data"]
                        .contains(&name.as_str())
                    {
                        stack.push(path);
                    }
                } else if name.ends_with(".rs") {
                    let src = std::fs::read_to_string(&path).unwrap();
                    for key in used_keys(&src) {
                        found += 1;
                        if !known.contains(&key) {
                            unknown.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(found > 20, "the key scanner found only {found} keys");
        assert!(unknown.is_empty(), "unknown translation keys: {unknown:#?}");
    }

    fn used_keys(src: &str) -> Vec<String> {
        let mut out = Vec::new();
        for marker in [
            "tr(\"",
            "t(lang, \"",
            "tf(lang, \"",
            "t(l, \"",
            "tf(l, \"",
            "label=\"",
            "hint=\"",
            "Err(\"",
            "trf(\"",
        ] {
            let mut rest = src;
            while let Some(pos) = rest.find(marker) {
                rest = &rest[pos + marker.len()..];
                if let Some(end) = rest.find('"') {
                    let key = &rest[..end];
                    if key.contains('.') && !key.contains(' ') {
                        out.push(key.to_string());
                    }
                }
            }
        }
        // Counts: the key's `other` form must exist (the others fall back to it).
        for marker in ["trp(\"", "tp(lang, \"", "tp(l, \""] {
            let mut rest = src;
            while let Some(pos) = rest.find(marker) {
                rest = &rest[pos + marker.len()..];
                if let Some(end) = rest.find('"') {
                    out.push(format!("{}.other", &rest[..end]));
                }
            }
        }
        // Notices and form-level errors carried by a flash or a message: the first string
        // literal inside the call (`Flash::notice(FORM, "notice.mileage_saved")`). Refusals carry their
        // keys through `Refusal::key`, checked in `refusal::tests`.
        for marker in ["notice(", "form_error(", "Flash::outcome("] {
            let mut rest = src;
            while let Some(pos) = rest.find(marker) {
                rest = &rest[pos + marker.len()..];
                let call = &rest[..rest.find(')').unwrap_or(rest.len())];
                // Literals are the odd pieces between quotes; the key is the one with a dot.
                if let Some(key) = call
                    .split('"')
                    .skip(1)
                    .step_by(2)
                    .find(|l| l.contains('.') && !l.contains(' '))
                {
                    out.push(key.to_string());
                }
            }
        }
        out
    }

    #[test]
    fn the_key_scanner_sees_flashes_and_messages() {
        let src = r#"Flash::notice(server::FORM, "notice.mileage_saved"); Message::form_error("error.internal");
            Flash::outcome("email", outcome, "notice.email_change_sent")"#;
        assert_eq!(
            used_keys(src),
            [
                "notice.mileage_saved",
                "error.internal",
                "notice.email_change_sent"
            ]
        );
    }

    #[test]
    fn counts_take_the_plural_form_of_their_language() {
        let due = |lang, n| tp(lang, "dashboard.due", n, &[("total", "10,00 €")]);
        assert_eq!(due(Lang::Nl, 1), "1 openstaande factuur: 10,00 €");
        assert_eq!(due(Lang::En, 1), "1 open invoice: 10,00 €");
        for n in [0, 1] {
            assert_eq!(due(Lang::Fr, n), format!("{n} facture ouverte : 10,00 €"));
        }
        for n in [2, 5, 21] {
            assert_eq!(
                due(Lang::Nl, n),
                format!("{n} openstaande facturen: 10,00 €")
            );
            assert_eq!(due(Lang::Fr, n), format!("{n} factures ouvertes : 10,00 €"));
            assert_eq!(due(Lang::En, n), format!("{n} open invoices: 10,00 €"));
        }
        assert_eq!(due(Lang::Nl, 0), "0 openstaande facturen: 10,00 €");
        assert_eq!(due(Lang::En, 0), "0 open invoices: 10,00 €");
        assert_eq!(plural_category(Lang::Fr, 0), "one");
        assert_eq!(plural_category(Lang::Nl, 0), "other");
        assert_eq!(plural_category(Lang::En, 21), "other");
        assert_eq!(tp(Lang::Nl, "queue.age_days", 1, &[]), "1 werkdag");
        // A count shown otherwise ("1.000+") keeps its text and takes the form of the number.
        assert_eq!(
            tp(
                Lang::Fr,
                "queue.count",
                1_001,
                &[("n", "1.000+"), ("page", "1"), ("pages", "21")]
            ),
            "1.000+ demandes ouvertes · page 1 sur 21"
        );
    }

    #[test]
    fn every_counted_text_has_its_other_form_and_no_slashed_plurals_are_left() {
        for lang in Lang::ALL {
            for key in keys(lang) {
                if let Some(base) = key.strip_suffix(".one") {
                    assert!(has_key(lang, &format!("{base}.other")), "{key} in {lang:?}");
                }
                let text = t(lang, &key);
                for slashed in ["(s)", "/facturen", "/aanvragen", "(en)"] {
                    assert!(!text.contains(slashed), "{key} in {lang:?}: {text}");
                }
            }
        }
    }

    #[test]
    fn placeholders_are_filled_once_and_values_are_taken_as_written() {
        assert_eq!(
            fill("{n} of {total}, {n}", &[("n", "2"), ("total", "5")]),
            "2 of 5, 2"
        );
        // A value that looks like a placeholder is text, whatever the arguments' order.
        assert_eq!(
            fill(
                "Note: {note} ({date})",
                &[("note", "{date}"), ("date", "1/2")]
            ),
            "Note: {date} (1/2)"
        );
        assert_eq!(fill("{unknown} {", &[("n", "1")]), "{unknown} {");
        assert_eq!(fill("é {x}€", &[("x", "ü")]), "é ü€");
        assert_eq!(fill("", &[]), "");
    }

    #[test]
    fn languages_parse_and_negotiate() {
        assert_eq!(Lang::from_code("FR-be"), Some(Lang::Fr));
        assert_eq!(Lang::from_code("de"), None);
        assert_eq!(negotiate(Some("en"), Some("fr")), Lang::En);
        assert_eq!(
            negotiate(Some("xx"), Some("de, fr;q=0.8, en;q=0.9")),
            Lang::En
        );
        assert_eq!(negotiate(None, Some("de")), Lang::Nl);
        assert_eq!(negotiate(None, None), Lang::Nl);
    }

    #[test]
    fn interpolation_replaces_placeholders() {
        assert_eq!(
            tf(Lang::En, "footer.hours", &[("hours", "8:30–18:00")]),
            "Working days 8:30–18:00"
        );
    }
}
