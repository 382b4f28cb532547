//! No schedule text can add a content line, a parameter or a component to a
//! feed: property tests put hostile strings into every text field, and
//! either validation rejects them at their place, or the feeds hold exactly
//! the expected content lines and the icalendar crate's parser reads every
//! text back unchanged. A second property test fuzzes the whole pipeline
//! with random and mutated schedules (see also fuzz/ for cargo-fuzz).

use crate::support::internals::{ScheduleError, check_stream, load_files, plan, render_all, rows};
use crate::support::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

/// Pieces that break naive writers: TEXT escapes, content-line syntax, line
/// breaks of every kind, controls, long CJK runs, combining marks, emoji.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[a-zA-Z0-9 ]{1,8}",
        2 => "[ぁ-んァ-ン一-龯]{20,120}",
        1 => prop::sample::select(vec![
            "\"", ";", ":", ",", "\\", "\\n", "\\;", "\\,", "'", "=", "<b>", "&amp;",
            "BEGIN:VEVENT", "END:VCALENDAR", "X-INJECTED;VALUE=TEXT:1", "UID:x@y",
            " ", "\t", "😀", "e\u{301}", "\u{3000}",
        ])
        .prop_map(str::to_owned),
        1 => prop::sample::select(vec![
            "\n", "\r\n", "\r", "\u{2028}", "\u{2029}", "\u{85}", "\0", "\u{1b}", "\u{7f}",
            "\u{202e}", "\u{feff}", "\u{b}", "\u{c}",
        ])
        .prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat())
}

/// Every free-text field of a schedule, named as in the file.
#[derive(Debug, Clone)]
struct Texts {
    fields: BTreeMap<&'static str, String>,
}

/// (field, multi-line allowed, must not be blank)
const FIELDS: &[(&str, bool, bool)] = &[
    ("calendar.name", false, true),
    ("calendar.description", true, false),
    ("calendar.contact", true, false),
    ("calendar.note", true, false),
    ("calendar.title", false, true),
    ("group.name", false, true),
    ("group.description", true, false),
    ("service.one", false, true),
    ("service.two", false, true),
    ("window.title", false, true),
    ("window.note", true, false),
    ("stop.note", true, false),
    ("partly.unavailable", false, true),
    ("impact.note", true, false),
    ("change.note", true, false),
];

/// Half the cases keep every hostile piece; the other half drop what
/// validation must reject (and fill blank required fields), so that both
/// outcomes are exercised often, and the accepted texts still hold quotes,
/// escapes, content-line syntax, line breaks where allowed and CJK runs.
fn texts() -> impl Strategy<Value = Texts> {
    (
        prop::collection::vec(hostile(), FIELDS.len()),
        any::<bool>(),
    )
        .prop_map(|(values, clean)| {
            let mut fields: BTreeMap<&'static str, String> = FIELDS
                .iter()
                .map(|(name, _, _)| *name)
                .zip(values)
                .collect();
            if clean {
                for (name, multiline, required) in FIELDS {
                    let text = fields.get_mut(name).unwrap();
                    text.retain(|c| c != '\r' && !forbidden(c, *multiline));
                    if *required && text.trim().is_empty() {
                        text.push_str("x;y");
                    }
                }
                fields.get_mut("service.two").unwrap().push_str(" (2)");
            }
            Texts { fields }
        })
}

fn schedule(t: &Texts) -> String {
    let q = |name: &str| toml_quoted(&t.fields[name]);
    format!(
        r#"[calendar]
id = "inj"
name = {}
description = {}
timezone = "Asia/Tokyo"
language = "en"
contact = {}
notes = [{}]
title = {}

[groups.g]
name = {}
description = {}
services = [{}, {}]

[windows.once]
date = 2021-03-20
start = 01:00
end = 03:00
status = "confirmed"
title = {}
revised = 2021-03-01T00:00:00Z
notes = [{}]

[windows.once.impact.g]
stops = [{{ service = {}, note = {} }}]
partly = [{{ service = {}, unavailable = {} }}]
notes = [{}]

[windows.monthly]
every = "month"
on = "last sunday"
from = 2021-01-01
count = 2
start = 02:00
end = 04:00
status = "tentative"
revised = 2021-01-01T00:00:00Z
same_impact_as = "once"

[windows.monthly.changes.2021-01-31]
notes = [{}]
"#,
        q("calendar.name"),
        q("calendar.description"),
        q("calendar.contact"),
        q("calendar.note"),
        q("calendar.title"),
        q("group.name"),
        q("group.description"),
        q("service.one"),
        q("service.two"),
        q("window.title"),
        q("window.note"),
        q("service.one"),
        q("stop.note"),
        q("service.two"),
        q("partly.unavailable"),
        q("impact.note"),
        q("change.note"),
    )
}

/// The rule, stated independently of maintcal: which characters no feed may
/// carry (line breaks are fine only in multi-line fields).
fn forbidden(c: char, multiline: bool) -> bool {
    match c {
        '\t' => false,
        '\n' => !multiline,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{2028}' | '\u{2029}' | '\u{feff}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// The text as the feed must carry it: TOML's CRLF in a multi-line field
/// is one line break.
fn carried(t: &Texts, name: &str) -> String {
    let multiline = FIELDS.iter().any(|(n, m, _)| *n == name && *m);
    let text = &t.fields[name];
    if multiline {
        text.replace("\r\n", "\n")
    } else {
        text.clone()
    }
}

/// Whether validation must reject these texts.
fn must_reject(t: &Texts) -> bool {
    FIELDS.iter().any(|(name, multiline, required)| {
        let text = carried(t, name);
        text.chars().any(|c| forbidden(c, *multiline)) || (*required && text.trim().is_empty())
    }) || t.fields["service.one"] == t.fields["service.two"]
}

/// Properties each component may have (each at most once), and the
/// parameters any property may carry.
const CALENDAR_PROPERTIES: &[&str] = &[
    "VERSION",
    "PRODID",
    "CALSCALE",
    "METHOD",
    "NAME",
    "X-WR-CALNAME",
    "X-WR-CALDESC",
    "X-WR-TIMEZONE",
    "REFRESH-INTERVAL",
    "X-PUBLISHED-TTL",
    "URL",
];
const EVENT_PROPERTIES: &[&str] = &[
    "UID",
    "DTSTAMP",
    "LAST-MODIFIED",
    "SEQUENCE",
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "DESCRIPTION",
    "STATUS",
    "TRANSP",
    "URL",
    "RRULE",
    "EXDATE",
    "RECURRENCE-ID",
];

fn assert_only(
    what: &str,
    properties: &[icalendar::parser::Property],
    allowed: &[&str],
) -> Result<(), TestCaseError> {
    let mut seen = Vec::new();
    for property in properties {
        let name = property.name.as_str();
        prop_assert!(
            allowed.contains(&name),
            "{what}: unexpected property {name}"
        );
        prop_assert!(!seen.contains(&name), "{what}: {name} twice");
        seen.push(name);
        for parameter in &property.params {
            let key = parameter.key.as_str();
            prop_assert!(
                key == "TZID" || (key == "VALUE" && name == "REFRESH-INTERVAL"),
                "{what}: unexpected parameter {key} on {name}"
            );
        }
    }
    Ok(())
}

fn property<'a>(properties: &'a [icalendar::parser::Property], name: &str) -> &'a str {
    properties
        .iter()
        .find(|p| p.name.as_str() == name)
        .map_or("", |p| p.val.as_str())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn schedule_text_is_rejected_at_its_place_or_carried_exactly(t in texts()) {
        let source = schedule(&t);
        let result = load_files(vec![("inj.toml".into(), source.clone())]);
        if must_reject(&t) {
            let Err(ScheduleError::Invalid { errors, report }) = result else {
                return Err(TestCaseError::fail(format!("accepted:\n{source}")));
            };
            prop_assert!(report.matches("┌─ inj.toml:").count() >= errors, "{}", report);
            return Ok(());
        }
        let loaded = match result {
            Ok(loaded) => loaded,
            Err(ScheduleError::Invalid { report, .. }) => {
                return Err(TestCaseError::fail(format!("rejected:\n{report}\n{source}")));
            }
            Err(other) => return Err(TestCaseError::fail(other.to_string())),
        };
        let feeds = plan(&loaded.schedules);
        let all_outputs = render_all(&loaded.schedules).expect("renders");
        // The pages: no schedule text may become markup (each page has
        // one script, its own, last, and no inline handlers).
        for page in all_outputs.iter().filter(|o| o.file_name.ends_with(".html")) {
            let page = String::from_utf8(page.bytes.clone()).expect("UTF-8");
            prop_assert_eq!(page.matches("<script").count(), 1);
            prop_assert!(page.trim_end().ends_with("</script>\n</body>\n</html>"));
            prop_assert!(!page.contains(" onerror=") && !page.contains(" onclick="));
        }
        // The feeds, in plan order.
        let outputs: Vec<_> = all_outputs.iter().filter(|o| o.events.is_some()).collect();
        prop_assert_eq!(feeds.len(), outputs.len());

        // What the plan says must be in the feed, with nothing lost.
        let group_feed = &feeds[0];
        let once = group_feed
            .events
            .iter()
            .find(|e| e.uid.starts_with("once."))
            .expect("the one-off window's event");
        for name in ["group.name", "window.title"] {
            prop_assert!(once.summary.contains(&carried(&t, name)), "{name} not in {}", once.summary);
        }
        for name in ["service.one", "partly.unavailable", "window.note", "impact.note",
                     "calendar.note", "group.description"] {
            prop_assert!(once.description.contains(&carried(&t, name)), "{name} not in {}", once.description);
        }
        for line in carried(&t, "stop.note").lines() {
            prop_assert!(once.description.contains(line), "stop note line {line:?} missing");
        }
        prop_assert!(once.description.contains(carried(&t, "calendar.contact").trim_end()));
        prop_assert!(
            group_feed.events.iter().any(|e| e.description.contains(&carried(&t, "change.note"))),
            "change note missing"
        );

        for (feed, output) in feeds.iter().zip(outputs.iter().copied()) {
            let text = String::from_utf8(output.bytes.clone()).expect("UTF-8");
            prop_assert!(check_stream(&text).is_ok());
            let unfolded = icalendar::parser::unfold(&text);
            let calendar = icalendar::parser::read_calendar(&unfolded)
                .map_err(|e| TestCaseError::fail(format!("{}: {e}", output.file_name)))?;
            assert_only(&output.file_name, &calendar.properties, CALENDAR_PROPERTIES)?;
            // The parser unescapes the TEXT properties it knows (SUMMARY,
            // DESCRIPTION) and leaves the others raw: NAME is escaped by
            // maintcal; the X-WR- properties are x-props whose value type
            // neither side declares, so either form must give the text back.
            prop_assert_eq!(unescape(property(&calendar.properties, "NAME")), feed.name.clone());
            for (name, text) in [("X-WR-CALNAME", &feed.name), ("X-WR-CALDESC", &feed.description)] {
                let raw = property(&calendar.properties, name);
                prop_assert!(raw == text || unescape(raw) == *text, "{}: {:?} for {:?}", name, raw, text);
            }
            let mut events = Vec::new();
            for component in &calendar.components {
                match component.name.as_str() {
                    "VEVENT" => {
                        prop_assert!(component.components.is_empty());
                        assert_only("VEVENT", &component.properties, EVENT_PROPERTIES)?;
                        events.push(component);
                    }
                    "VTIMEZONE" => {
                        for inner in &component.components {
                            prop_assert!(
                                ["STANDARD", "DAYLIGHT"].contains(&inner.name.as_str()),
                                "{} in VTIMEZONE", inner.name.as_str()
                            );
                        }
                    }
                    other => return Err(TestCaseError::fail(format!("component {other}"))),
                }
            }
            prop_assert_eq!(events.len(), feed.events.len());
            for (parsed, planned) in events.iter().zip(&feed.events) {
                prop_assert_eq!(property(&parsed.properties, "UID"), planned.uid.as_str());
                prop_assert_eq!(property(&parsed.properties, "SUMMARY"), planned.summary.as_str());
                prop_assert_eq!(property(&parsed.properties, "DESCRIPTION"), planned.description.as_str());
            }
        }
    }
}

// ---- fuzzing -------------------------------------------------------------

/// Valid schedules to mutate: the notice and the valid fixtures.
fn seeds() -> Vec<String> {
    let mut seeds = vec![std::fs::read_to_string(notice().join("rakuten-ichiba.toml")).unwrap()];
    for name in ["features", "overlap", "sequence-down"] {
        let path = case(name).join("ops.toml");
        seeds.push(std::fs::read_to_string(path).unwrap());
    }
    seeds
}

/// One edit of a schedule's text.
#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    DuplicateLine { line: usize },
    SwapLines { a: usize, b: usize },
    Digit { at: usize, digit: char },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = prop_oneof![
        prop::sample::select(vec![
            "[windows.x]\n",
            "[groups.y]\n",
            "[calendar]\n",
            ".impact.db",
            "\"",
            "=",
            "[",
            "]",
            "{",
            "}",
            ",",
            "\n",
            "#",
            "\"\"\"",
            "'",
            "ends_next_day = true\n",
            "count = 0\n",
            "interval = 7\n",
            "on = \"5th sunday\"\n",
            "skip = [2021-02-28]\n",
            "status = \"cancelled\"\n",
            "same_impact_as = \"night\"\n",
            "start = 23:59\n",
            "end = 00:00\n",
            "2021-02-29",
            "2021-03-14",
            "24:00",
            "T02:30:00",
            "\\u2028",
            "\\r",
            "until = 2021-01-01\n",
            "revision = 4294967295\n",
            "timezone = \"America/New_York\"\n",
            "[windows.monthly.changes.2021-03-28]\nstart = 01:00\n",
        ])
        .prop_map(str::to_owned),
        "\\PC{1,8}",
    ];
    prop_oneof![
        (any::<usize>(), 1..40usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), token).prop_map(|(at, text)| Mutation::Insert { at, text }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        (any::<usize>(), prop::char::range('0', '9'))
            .prop_map(|(at, digit)| Mutation::Digit { at, digit }),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let boundary = |at: usize| {
        let mut at = at % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    match mutation {
        Mutation::Delete { at, len } => {
            let start = boundary(*at);
            let end = boundary(start + len).max(start);
            format!("{}{}", &text[..start], &text[end..])
        }
        Mutation::Insert { at, text: piece } => {
            let at = boundary(*at);
            format!("{}{piece}{}", &text[..at], &text[at..])
        }
        Mutation::DuplicateLine { line } if !lines.is_empty() => {
            let mut lines = lines.clone();
            let i = line % lines.len();
            lines.insert(i, lines[i]);
            lines.concat()
        }
        Mutation::SwapLines { a, b } if !lines.is_empty() => {
            let mut lines = lines.clone();
            let n = lines.len();
            lines.swap(a % n, b % n);
            lines.concat()
        }
        Mutation::Digit { at, digit } => {
            let digits: Vec<usize> = text
                .char_indices()
                .filter(|(_, c)| c.is_ascii_digit())
                .map(|(i, _)| i)
                .collect();
            match digits.get(at % digits.len().max(1)) {
                Some(&i) => format!("{}{digit}{}", &text[..i], &text[i + 1..]),
                None => text.to_owned(),
            }
        }
        _ => text.to_owned(),
    }
}

/// load → validate → render: no panic; an error names a place for each
/// problem; feeds that come out pass maintcal's own wire check, and `list`
/// expands the same schedules without panicking.
fn pipeline(files: Vec<(std::path::PathBuf, String)>) -> Result<(), TestCaseError> {
    match load_files(files) {
        Ok(loaded) => {
            let outputs = render_all(&loaded.schedules)
                .map_err(|e| TestCaseError::fail(format!("valid schedule did not render: {e}")))?;
            for output in outputs.iter().filter(|o| o.events.is_some()) {
                let text = std::str::from_utf8(&output.bytes).expect("UTF-8");
                if let Err(problems) = check_stream(text) {
                    return Err(TestCaseError::fail(format!(
                        "{}: {problems:?}",
                        output.file_name
                    )));
                }
            }
            rows(&loaded.schedules, None, None, None);
        }
        Err(ScheduleError::Invalid { errors, report }) => {
            prop_assert!(errors > 0);
            let located = report.matches("┌─ ").count();
            prop_assert!(
                located >= errors,
                "{} errors, {} located:\n{}",
                errors,
                located,
                report
            );
        }
        Err(other) => return Err(TestCaseError::fail(format!("unexpected: {other}"))),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn mutated_schedules_never_panic_and_never_give_a_broken_feed(
        seed in prop::sample::select(seeds()),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let text = mutations.iter().fold(seed, |text, m| apply(&text, m));
        pipeline(vec![("fuzz.toml".into(), text)])?;
    }

    #[test]
    fn random_text_never_panics(text in "(\\PC|\n|\\[|\\]|=|\"){0,200}") {
        pipeline(vec![("fuzz.toml".into(), text)])?;
    }
}
