//! `remind`: a VALARM per reminder inside every event of a window (series
//! and overrides alike), the calendar's by default, the window's own where
//! it gives one, none for `remind = []` or a cancelled occurrence.

use crate::support::*;

/// (UID, RECURRENCE-ID if any, STATUS, the TRIGGERs of its VALARMs) of each
/// VEVENT, in feed order, read from the unfolded text.
fn alarms(feed: &str) -> Vec<(String, Option<String>, String, Vec<String>)> {
    let text = feed.replace("\r\n ", "");
    let mut events = Vec::new();
    for block in text.split("BEGIN:VEVENT\r\n").skip(1) {
        let field = |name: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(str::to_owned)
        };
        let triggers = block
            .lines()
            .filter_map(|l| l.strip_prefix("TRIGGER:"))
            .map(str::to_owned)
            .collect();
        events.push((
            field("UID:").unwrap(),
            field("RECURRENCE-ID;TZID=America/New_York:"),
            // No STATUS on a cancelled occurrence: "CANCELLED" stands for it
            // here when the summary says so.
            field("STATUS:").unwrap_or_else(|| {
                assert!(
                    field("SUMMARY:").unwrap().contains("[Cancelled] "),
                    "{block}"
                );
                assert_eq!(field("TRANSP:").unwrap(), "TRANSPARENT", "{block}");
                "CANCELLED".to_owned()
            }),
            triggers,
        ));
    }
    events
}

#[test]
fn every_event_of_a_window_carries_its_reminders() {
    let out = build(&case("reminders"));
    let feed = std::fs::read_to_string(out.path().join("db.ics")).unwrap();
    let s = |v: &str| v.to_owned();
    assert_eq!(
        alarms(&feed),
        [
            (
                s("upgrade.db@ops.maintcal"),
                None,
                s("CONFIRMED"),
                vec![s("-P1D")]
            ),
            (
                s("patch.db@ops.maintcal"),
                None,
                s("CONFIRMED"),
                vec![s("-PT2H"), s("-PT1H30M")]
            ),
            (s("quiet.db@ops.maintcal"), None, s("CONFIRMED"), vec![]),
            (
                s("weekly.db@ops.maintcal"),
                None,
                s("CONFIRMED"),
                vec![s("-P3D")]
            ),
            (
                s("weekly.db@ops.maintcal"),
                Some(s("20210612T010000")),
                s("CONFIRMED"),
                vec![s("-P3D")]
            ),
            (
                s("weekly.db@ops.maintcal"),
                Some(s("20210619T010000")),
                s("CANCELLED"),
                vec![]
            ),
        ]
    );
    // Each alarm is a display alarm showing the event's summary, inside its
    // VEVENT, with no UID or DTSTAMP of its own.
    let unfolded = feed.replace("\r\n ", "");
    assert!(
        unfolded.contains(
            "UID:patch.db@ops.maintcal\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n\
             DESCRIPTION:Database Scheduled maintenance: stops 22:00–23:00\r\n\
             TRIGGER:-PT2H\r\nEND:VALARM\r\nBEGIN:VALARM\r\n"
        ),
        "{unfolded}"
    );
    for alarm in unfolded.split("BEGIN:VALARM").skip(1) {
        let alarm = &alarm[..alarm.find("END:VALARM").unwrap()];
        assert!(
            !alarm.contains("UID:") && !alarm.contains("DTSTAMP:"),
            "{alarm}"
        );
    }
    assert_eq!(unfolded.matches("BEGIN:VALARM").count(), 5);
    assert_eq!(unfolded.matches("END:VALARM").count(), 5);
}

#[test]
fn without_remind_no_feed_has_an_alarm() {
    // The notice sets no reminders: its feeds stay as they were.
    let out = build(&notice());
    for (name, bytes) in files(out.path()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("VALARM"), "{name}");
    }
}

/// `list --format json` gives each occurrence's reminders as the feeds'
/// alarms have them: the window's own, else the calendar's, none when
/// cancelled.
#[test]
fn list_gives_the_reminders_the_feeds_have() {
    let output = maintcal()
        .args(["list", "--format", "json", "--schedules"])
        .arg(case("reminders"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let got: Vec<(String, String, Vec<u64>)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["window"].as_str().unwrap().to_owned(),
                row["start"].as_str().unwrap()[..10].to_owned(),
                (row["reminders"].as_array().unwrap().iter())
                    .map(|m| m.as_u64().unwrap())
                    .collect(),
            )
        })
        .collect();
    let s = |v: &str| v.to_owned();
    assert_eq!(
        got,
        [
            (s("upgrade"), s("2021-03-20"), vec![1440]),
            (s("patch"), s("2021-04-17"), vec![120, 90]),
            (s("quiet"), s("2021-05-15"), vec![]),
            (s("weekly"), s("2021-06-05"), vec![4320]),
            (s("weekly"), s("2021-06-12"), vec![4320]),
            (s("weekly"), s("2021-06-19"), vec![]),
            (s("weekly"), s("2021-06-26"), vec![4320]),
        ]
    );
}
