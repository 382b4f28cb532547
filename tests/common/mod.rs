//! Helpers shared by the integration tests: run maintcal in-process, read
//! feeds back with the icalendar crate's parser, and expand them with the
//! rrule crate, independently of maintcal's own expansion.
// Not every test file uses every helper.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use clap::Parser;
use std::path::{Path, PathBuf};

pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Runs `maintcal ARGS…` in-process; returns (result, stdout, stderr).
pub fn run(args: &[&str]) -> (anyhow::Result<()>, String, String) {
    let cli =
        maintcal::cli::Cli::parse_from(std::iter::once("maintcal").chain(args.iter().copied()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let result = maintcal::run(cli, &mut out, &mut err);
    (
        result,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

/// Builds the feeds of a schedules folder into a fresh temporary folder.
pub fn build(schedules: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let (result, _, err) = run(&[
        "build",
        "--schedules",
        schedules.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    result.unwrap_or_else(|e| panic!("build failed: {e:#}\n{err}"));
    out
}

/// A VEVENT as read back by the icalendar crate's parser.
#[derive(Debug, Clone, Default)]
pub struct ParsedEvent {
    pub uid: String,
    pub summary: String,
    pub description: String,
    pub status: String,
    pub transp: String,
    pub sequence: String,
    pub dtstamp: String,
    /// (TZID, local value) of DTSTART and DTEND.
    pub dtstart: (String, String),
    pub dtend: (String, String),
    pub rrule: Option<String>,
    pub exdate: Option<(String, String)>,
    pub recurrence_id: Option<(String, String)>,
    pub has_rdate: bool,
}

fn tzid(property: &icalendar::parser::Property) -> String {
    property
        .params
        .iter()
        .find(|p| p.key.as_str() == "TZID")
        .and_then(|p| p.val.as_ref())
        .map(|v| v.as_str().to_owned())
        .unwrap_or_default()
}

/// Every VEVENT of a feed, parsed by the icalendar crate (not by maintcal).
pub fn parse_feed(path: &Path) -> Vec<ParsedEvent> {
    let text = std::fs::read_to_string(path).unwrap();
    let unfolded = icalendar::parser::unfold(&text);
    let calendar = icalendar::parser::read_calendar(&unfolded)
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
    let mut events = Vec::new();
    for component in calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
    {
        let mut event = ParsedEvent::default();
        for property in &component.properties {
            let value = property.val.as_str().to_owned();
            match property.name.as_str() {
                "UID" => event.uid = value,
                "SUMMARY" => event.summary = unescape(&value),
                "DESCRIPTION" => event.description = unescape(&value),
                "STATUS" => event.status = value,
                "TRANSP" => event.transp = value,
                "SEQUENCE" => event.sequence = value,
                "DTSTAMP" => event.dtstamp = value,
                "DTSTART" => event.dtstart = (tzid(property), value),
                "DTEND" => event.dtend = (tzid(property), value),
                "RRULE" => event.rrule = Some(value),
                "EXDATE" => event.exdate = Some((tzid(property), value)),
                "RECURRENCE-ID" => event.recurrence_id = Some((tzid(property), value)),
                "RDATE" => event.has_rdate = true,
                _ => {}
            }
        }
        events.push(event);
    }
    events
}

/// RFC 5545 TEXT unescaping, written here so the tests do not lean on the
/// code under test.
pub fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A local DATE-TIME with TZID, as an instant.
pub fn instant((tzid, value): &(String, String)) -> DateTime<Utc> {
    let local = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").unwrap();
    let tz: chrono_tz::Tz = tzid.parse().unwrap();
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.with_timezone(&Utc)
        }
        chrono::LocalResult::None => panic!("{value} does not exist in {tzid}"),
    }
}

/// One instance of an event, as a calendar client computes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instance {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub status: String,
    pub uid: String,
}

/// Expands every event of a feed with the rrule crate: series by their
/// RRULE and EXDATE, then RECURRENCE-ID overrides replace their instance.
pub fn expand_feed(events: &[ParsedEvent]) -> Vec<Instance> {
    let mut instances = Vec::new();
    for event in events.iter().filter(|e| e.recurrence_id.is_none()) {
        let Some(rrule) = &event.rrule else {
            instances.push(Instance {
                start: instant(&event.dtstart),
                end: instant(&event.dtend),
                status: event.status.clone(),
                uid: event.uid.clone(),
            });
            continue;
        };
        let mut text = format!(
            "DTSTART;TZID={}:{}\nRRULE:{rrule}",
            event.dtstart.0, event.dtstart.1
        );
        if let Some((tzid, dates)) = &event.exdate {
            text.push_str(&format!("\nEXDATE;TZID={tzid}:{dates}"));
        }
        let set: rrule::RRuleSet = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        let duration = instant(&event.dtend) - instant(&event.dtstart);
        for start in set.all(u16::MAX).dates {
            let start = start.with_timezone(&Utc);
            let overridden = events.iter().find(|o| {
                o.uid == event.uid
                    && o.recurrence_id
                        .as_ref()
                        .is_some_and(|id| instant(id) == start)
            });
            instances.push(match overridden {
                Some(o) => Instance {
                    start: instant(&o.dtstart),
                    end: instant(&o.dtend),
                    status: o.status.clone(),
                    uid: o.uid.clone(),
                },
                None => Instance {
                    start,
                    end: start + duration,
                    status: event.status.clone(),
                    uid: event.uid.clone(),
                },
            });
        }
    }
    instances.sort();
    instances
}

pub fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}
