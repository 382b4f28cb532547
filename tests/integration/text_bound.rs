//! The text limit is checked from the schedule model alone
//! (`schedule::text_limit`), without planning any feed: its bounds must never
//! be below the text the planned feeds really have, or an event over the
//! limit would slip through. This compares them on every schedule of the
//! repository and on text made of what costs the most around it.

use crate::support::internals::{
    Expanded, Feed, Schedules, event_text_bounds, feed_text_bounds, load_dir, load_files, plans,
    uid_ids,
};

/// Every feed's and every event's real text length against its bound.
fn assert_bounds_hold(schedules: &Schedules, what: &str) {
    let feed_bounds = feed_text_bounds(schedules);
    for planned in plans(&Expanded::new(schedules)) {
        let Feed {
            id,
            name,
            description,
            events,
            ..
        } = &planned;
        let bound = feed_bounds
            .iter()
            .find(|(feed, _, _)| feed == id)
            .map(|(_, _, bytes)| *bytes)
            .unwrap_or_else(|| panic!("{what}: no bound for feed {id}"));
        let length = name.len() + description.len();
        assert!(bound >= length, "{what}: {id}.ics: {bound} < {length}");
        for event in events {
            let (calendar_id, window_id) = uid_ids(&event.uid).unwrap();
            let calendar = schedules
                .calendars
                .iter()
                .find(|c| c.id == calendar_id)
                .unwrap();
            let window = calendar.windows.iter().find(|w| w.id == window_id).unwrap();
            let bound = event_text_bounds(calendar, window)
                .into_iter()
                .find(|(feed, _)| feed == id)
                .map(|(_, bytes)| bytes)
                .unwrap_or_else(|| panic!("{what}: no bound for {} in {id}", event.uid));
            let length = event.summary.len() + event.description.len();
            assert!(
                bound >= length,
                "{what}: {} in {id}.ics: {bound} < {length}",
                event.uid
            );
        }
    }
}

#[test]
fn bounds_hold_for_every_schedule_of_the_repository() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut dirs = vec![std::path::PathBuf::from(root).join("schedules")];
    for case in std::fs::read_dir(format!("{root}/tests/cases")).unwrap() {
        let schedules = case.unwrap().path().join("schedules");
        if schedules.is_dir() {
            dirs.push(schedules);
        }
    }
    let mut checked = 0;
    for dir in dirs {
        // Some cases are meant to be rejected; only valid ones have feeds.
        if let Ok(loaded) = load_dir(&dir) {
            assert_bounds_hold(&loaded.schedules, &dir.display().to_string());
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} schedule folders checked");
}

#[test]
fn bounds_hold_for_text_that_costs_the_most_around_it() {
    // Notes of empty lines, one-character names, long names with no
    // description, a changed occurrence with notes, both languages, a
    // service's own hours across midnight, every status.
    for (language, status) in [
        ("en", "tentative"),
        ("ja", "cancelled"),
        ("ja", "confirmed"),
    ] {
        let name = "n".repeat(2_000);
        let text = format!(
            r#"
[calendar]
id = "c"
name = "{name}"
timezone = "America/Argentina/ComodRivadavia"
language = "{language}"
notes = ["x", "y"]
contact = "c"
url = "https://example.com/"

[groups.g]
name = "g"
services = ["a", "b", "c"]

[groups.h]
name = "h"
description = "d"
services = ["a"]

[windows.w]
every = "month"
on = "last sunday"
from = 2021-01-01
count = 3
start = 22:00
end = 03:00
ends_next_day = true
status = "{status}"
revised = 2021-01-01T00:00:00Z
notes = ["z"]

[windows.w.impact.g]
stops = [{{ service = "a", note = "\n\n\n\n\n\n\n\n", start = 23:30, end = 02:30 }}]
partly = [{{ service = "b", unavailable = "u", start = 23:30, end = 02:30 }}]
runs = ["c"]
notes = ["q"]

[windows.w.impact.h]
partly = [{{ service = "a", unavailable = "u" }}]

[windows.w.changes.2021-02-28]
notes = ["m", "", ""]
status = "tentative"
"#
        );
        let loaded = load_files(vec![("s.toml".into(), text)]).unwrap();
        assert_bounds_hold(&loaded.schedules, &format!("{language} {status}"));
    }
}

#[test]
fn bounds_hold_where_the_words_around_each_service_and_group_add_up() {
    // 200 groups of two partly stopped services, each with its own hours
    // and a note, in Japanese (the longer words): the words per service and
    // per group are counted hundreds of times in the all feed's event, so a
    // bound one byte short for any of them falls below it. (One-line notes:
    // the line break of a longer one is counted in its length, yet the
    // feed writes its own instead, which would hide a byte.)
    let mut text = r#"
[calendar]
id = "c"
name = "c"
timezone = "Asia/Tokyo"

[windows.w]
date = 2021-03-20
start = 22:00
end = 04:00
ends_next_day = true
status = "tentative"
revised = 2021-03-01T00:00:00Z
"#
    .to_owned();
    for i in 0..200 {
        text.push_str(&format!(
            "[windows.w.impact.g{i}]\n\
             partly = [{{ service = \"a\", unavailable = \"u\", note = \"x\", start = 23:00, end = 01:00 }},\n\
             {{ service = \"b\", unavailable = \"u\", note = \"x\", start = 23:00, end = 01:00 }}]\n\
             notes = [\"q\"]\n"
        ));
    }
    for i in 0..200 {
        text.push_str(&format!(
            "[groups.g{i}]\nname = \"g\"\nservices = [\"a\", \"b\"]\n"
        ));
    }
    let loaded = load_files(vec![("s.toml".into(), text)]).unwrap();
    assert_bounds_hold(&loaded.schedules, "200 groups");
}
