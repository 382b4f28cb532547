//! Round trip: every feed built from every valid fixture parses with the
//! icalendar crate's parser, and the instances the rrule crate expands from
//! it are exactly the occurrences `maintcal list --json` prints.

use crate::support::*;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::path::Path;

/// (window, start, end, status): two windows may well share their times.
type Expected = BTreeSet<(String, DateTime<Utc>, DateTime<Utc>, String)>;

/// Per group (and for `all`): the distinct (start, end, status) that `list`
/// says calendar clients must show: the window, and each service sub-range.
fn expected_from_list(schedules: &Path) -> Vec<(String, Expected)> {
    let rows = list_rows(schedules, None);
    let mut per_group: Vec<(String, Expected)> = Vec::new();
    let mut all: Expected = BTreeSet::new();
    for row in &rows {
        // A cancelled occurrence carries no STATUS (every client would show
        // STATUS:CANCELLED differently): its summary and TRANSP say it.
        let status = match row.status.as_str() {
            "cancelled" => String::new(),
            other => other.to_uppercase(),
        };
        let mut ranges: Expected = BTreeSet::new();
        let whole = (utc(&row.start), utc(&row.end));
        for service in &row.services {
            let range = match (&service.start, &service.end) {
                (Some(start), Some(end)) => (utc(start), utc(end)),
                _ => whole,
            };
            ranges.insert((row.window.clone(), range.0, range.1, status.clone()));
        }
        all.extend(ranges.iter().cloned());
        match per_group.iter_mut().find(|(group, _)| *group == row.group) {
            Some((_, set)) => set.extend(ranges),
            None => per_group.push((row.group.clone(), ranges)),
        }
    }
    per_group.push(("all".to_owned(), all));
    per_group
}

#[test]
fn clients_see_exactly_the_occurrences_list_prints() {
    let folders = valid_schedule_folders();
    assert!(
        folders.len() >= 2,
        "the notice and at least one fixture: {folders:?}"
    );
    for schedules in folders {
        let out = build(&schedules);
        for (group, expected) in expected_from_list(&schedules) {
            let path = out.path().join(format!("{group}.ics"));
            let instances = expand_feed(&parse_feed(&path));
            let from_feed: Expected = instances
                .iter()
                .map(|i| (i.window().to_owned(), i.start, i.end, i.status.clone()))
                .collect();
            assert_eq!(
                instances.len(),
                from_feed.len(),
                "{}: an instance appears twice",
                path.display()
            );
            assert_eq!(from_feed, expected, "{}", path.display());
        }
    }
}

#[test]
fn every_feed_passes_the_wire_rules_a_client_trips_on() {
    for schedules in valid_schedule_folders() {
        let out = build(&schedules);
        for entry in std::fs::read_dir(out.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|ext| ext != "ics") {
                continue; // the subscribe page and the manifest
            }
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8(bytes.clone()).expect("UTF-8");
            assert!(text.ends_with("END:VCALENDAR\r\n"), "{}", path.display());
            for (number, line) in text.split_terminator("\r\n").enumerate() {
                assert!(
                    line.len() <= 75,
                    "{}:{}: {} octets",
                    path.display(),
                    number + 1,
                    line.len()
                );
                assert!(
                    !line.contains(['\r', '\n']),
                    "{}:{}: bare CR or LF",
                    path.display(),
                    number + 1
                );
            }
            assert!(!text.contains("RDATE"), "{}", path.display());
            // Every TZID used has its VTIMEZONE.
            let defined: BTreeSet<&str> = text
                .split("\r\n")
                .filter_map(|l| l.strip_prefix("TZID:"))
                .collect();
            for used in text.split(";TZID=").skip(1) {
                let zone = used.split(':').next().unwrap();
                assert!(
                    defined.contains(zone),
                    "{}: no VTIMEZONE for {zone}",
                    path.display()
                );
            }
            // The icalendar crate's own high-level parser accepts it too.
            let parsed: icalendar::Calendar = text
                .parse()
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // A feed with no event (a service's feed while nothing stops
            // it) has no component at all.
            assert!(
                !parsed.components.is_empty() || !text.contains("BEGIN:VEVENT"),
                "{}",
                path.display()
            );
        }
    }
}
