//! Time zones, DST-change days and edge dates: for every fixture under
//! tests/cases/ made for them, the instants a calendar client must show,
//! written out by hand below (not computed by maintcal), checked against
//! (a) `maintcal list --json` and (b) the built feed, read back with the
//! icalendar crate's parser and expanded with the rrule crate
//! (`support::expand_feed`, which documents where the rrule crate departs from
//! RFC 5545 and which is right).
//!
//! How the hand values were worked out, RFC 5545 §3.3.5: a local time in a
//! spring-forward gap is read with the UTC offset from before the gap
//! (02:00 New York on 2021-03-14 is 07:00Z, shown as 03:00 EDT); a local
//! time that happens twice at a fall-back means the first of the two (01:00
//! New York on 2021-11-07 is 05:00Z, EDT). Ends are the schedule's local
//! wall-clock ends read the same way, so a window lasts longer or shorter
//! than usual on the days the clocks change; the feed carries that with an
//! override (RECURRENCE-ID), because a client otherwise gives every instance
//! the master's exact duration (RFC 5545 §3.8.5.3).

use crate::support::*;
use chrono::{DateTime, NaiveDateTime, Utc};
use std::path::Path;

pub(crate) const C: &str = "CONFIRMED";
const T: &str = "TENTATIVE";

/// (window, start, end, status): one instance a client shows. `start` and
/// `end` are UTC, `YYYY-MM-DDTHH:MM` (the Z is implied). A service's own
/// hours, where they differ from the window's, are an instance of their own.
pub(crate) type Expected = (&'static str, &'static str, &'static str, &'static str);

type Instant4 = (String, DateTime<Utc>, DateTime<Utc>, String);

fn z(text: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .and_utc()
}

fn sorted(expected: &[Expected]) -> Vec<Instant4> {
    let mut out: Vec<Instant4> = expected
        .iter()
        .map(|(window, start, end, status)| {
            ((*window).to_owned(), z(start), z(end), (*status).to_owned())
        })
        .collect();
    out.sort();
    out
}

/// What `list --json` prints for one group, as instances.
fn from_list(schedules: &Path, group: Option<&str>) -> Vec<Instant4> {
    let mut out: Vec<Instant4> = Vec::new();
    for row in list_rows(schedules, group) {
        assert!(group.is_none_or(|g| g == row.group));
        let status = row.status.to_uppercase();
        let whole = (utc(&row.start), utc(&row.end));
        let mut ranges = vec![whole];
        for service in &row.services {
            if let (Some(start), Some(end)) = (&service.start, &service.end) {
                ranges.push((utc(start), utc(end)));
            }
        }
        ranges.sort();
        ranges.dedup();
        for (start, end) in ranges {
            out.push((row.window.clone(), start, end, status.clone()));
        }
    }
    out.sort();
    // In `all`, one window's instance shows once, however many groups.
    out.dedup();
    out
}

/// What a client shows from one feed.
fn from_feed(feed: &Path) -> Vec<Instant4> {
    let mut out: Vec<Instant4> = expand_feed(&parse_feed(feed))
        .into_iter()
        .map(|i| (i.window().to_owned(), i.start, i.end, i.status))
        .collect();
    out.sort();
    out
}

/// Checks each group's feed and `list`, and `all` against every group's.
pub(crate) fn check(case: &str, groups: &[(&str, &[Expected])]) {
    let schedules = crate::support::case(case);
    let out = build(&schedules);
    let mut all: Vec<Expected> = Vec::new();
    for (group, expected) in groups {
        let want = sorted(expected);
        assert_eq!(
            from_list(&schedules, Some(group)),
            want,
            "{case}: list --group {group}"
        );
        assert_eq!(
            from_feed(&out.path().join(format!("{group}.ics"))),
            want,
            "{case}: {group}.ics"
        );
        all.extend(expected.iter());
    }
    let mut want = sorted(&all);
    want.dedup();
    assert_eq!(from_list(&schedules, None), want, "{case}: list");
    assert_eq!(
        from_feed(&out.path().join("all.ics")),
        want,
        "{case}: all.ics"
    );
}

/// The VEVENTs of one feed of a case.
pub(crate) fn feed_of(case: &str, feed: &str) -> Vec<ParsedEvent> {
    let out = build(&crate::support::case(case));
    parse_feed(&out.path().join(feed))
}

// ---- America/New_York ------------------------------------------------------
// 2021: 03-14 02:00 EST (-05) -> 03:00 EDT (-04); 11-07 02:00 EDT -> 01:00 EST.
// 2022-03-13, 2023-03-12, 2024-03-10 spring forward; 2024-11-03 falls back.

#[test]
fn new_york_dst_days() {
    check(
        "dst-new-york",
        &[
            (
                "ops",
                &[
                    // 02:00-08:45 EST = 07:00Z-13:45Z, EDT = 06:00Z-12:45Z.
                    ("second-sunday", "2021-01-10T07:00", "2021-01-10T13:45", C),
                    ("second-sunday", "2021-02-14T07:00", "2021-02-14T13:45", C),
                    // 02:00 is in the gap: EST's offset, 07:00Z (03:00 EDT);
                    // 08:45 EDT is 12:45Z. Not 13:45Z, which is what the
                    // exact duration (6h45) would give: an override.
                    ("second-sunday", "2021-03-14T07:00", "2021-03-14T12:45", C),
                    ("second-sunday", "2021-04-11T06:00", "2021-04-11T12:45", C),
                    ("second-sunday", "2021-05-09T06:00", "2021-05-09T12:45", C),
                    ("second-sunday", "2021-06-13T06:00", "2021-06-13T12:45", C),
                    ("second-sunday", "2021-07-11T06:00", "2021-07-11T12:45", C),
                    ("second-sunday", "2021-08-08T06:00", "2021-08-08T12:45", C),
                    ("second-sunday", "2021-09-12T06:00", "2021-09-12T12:45", C),
                    ("second-sunday", "2021-10-10T06:00", "2021-10-10T12:45", C),
                    ("second-sunday", "2021-11-14T07:00", "2021-11-14T13:45", C),
                    ("second-sunday", "2021-12-12T07:00", "2021-12-12T13:45", C),
                    // 01:00-03:00: EDT 05:00Z-07:00Z; on 11-07 01:00 is the
                    // first (EDT, 05:00Z) and 03:00 is EST (08:00Z): 3 hours.
                    ("first-sunday", "2021-10-03T05:00", "2021-10-03T07:00", T),
                    ("first-sunday", "2021-11-07T05:00", "2021-11-07T08:00", T),
                    ("first-sunday", "2021-12-05T06:00", "2021-12-05T08:00", T),
                    // DTSTART itself in the gap: 02:00 -> 07:00Z, 04:00 EDT
                    // 08:00Z; later ones EDT.
                    ("starts-in-gap", "2022-03-13T07:00", "2022-03-13T08:00", C),
                    ("starts-in-gap", "2022-04-10T06:00", "2022-04-10T08:00", C),
                    ("starts-in-gap", "2022-05-08T06:00", "2022-05-08T08:00", C),
                    // Window 01:00-06:00, api's own hours 02:00-04:00.
                    ("sub-ranges", "2023-02-12T06:00", "2023-02-12T11:00", C),
                    ("sub-ranges", "2023-02-12T07:00", "2023-02-12T09:00", C),
                    // 01:00 EST 06:00Z to 06:00 EDT 10:00Z; api 02:00 (gap)
                    // 07:00Z to 04:00 EDT 08:00Z.
                    ("sub-ranges", "2023-03-12T06:00", "2023-03-12T10:00", C),
                    ("sub-ranges", "2023-03-12T07:00", "2023-03-12T08:00", C),
                    ("sub-ranges", "2023-04-09T05:00", "2023-04-09T10:00", C),
                    ("sub-ranges", "2023-04-09T06:00", "2023-04-09T08:00", C),
                    // 02:30-05:00 on the 3rd Sunday; 03-17 moved to 03-10
                    // (02:30 in the gap: 07:30Z; 05:00 EDT 09:00Z).
                    ("moved", "2024-02-18T07:30", "2024-02-18T10:00", C),
                    ("moved", "2024-03-10T07:30", "2024-03-10T09:00", C),
                    ("moved", "2024-04-21T06:30", "2024-04-21T09:00", C),
                    ("moved", "2024-05-19T06:30", "2024-05-19T09:00", C),
                    ("moved", "2024-06-16T06:30", "2024-06-16T09:00", C),
                    ("moved", "2024-07-21T06:30", "2024-07-21T09:00", C),
                    ("moved", "2024-08-18T06:30", "2024-08-18T09:00", C),
                    ("moved", "2024-09-15T06:30", "2024-09-15T09:00", C),
                    ("moved", "2024-10-20T06:30", "2024-10-20T09:00", C),
                    // 11-17 moved to 11-03 01:30-02:30: 01:30 EDT (first)
                    // 05:30Z to 02:30 EST 07:30Z.
                    ("moved", "2024-11-03T05:30", "2024-11-03T07:30", C),
                ],
            ),
            (
                "web",
                &[
                    ("fall-back", "2021-11-07T05:00", "2021-11-07T08:00", C),
                    // 01:30 EDT (the first) 05:30Z to 02:30 EST 07:30Z; then
                    // 01:30-02:30 EST.
                    ("starts-repeated", "2021-11-07T05:30", "2021-11-07T07:30", C),
                    ("starts-repeated", "2021-12-05T06:30", "2021-12-05T07:30", C),
                    ("until-repeated", "2021-10-03T05:30", "2021-10-03T06:30", C),
                    ("until-repeated", "2021-11-07T05:30", "2021-11-07T07:30", C),
                    // 2023-03-12 is skipped.
                    ("skipped", "2023-02-12T07:30", "2023-02-12T10:00", C),
                    ("skipped", "2023-04-09T06:30", "2023-04-09T09:00", C),
                ],
            ),
        ],
    );
}

/// The values in the feed. RECURRENCE-ID, EXDATE and a series' DTSTART keep
/// the local value the rule gives (02:00, in the gap), because that is what a
/// client compares them with, whichever way it reads it. Every other DTSTART
/// and DTEND is written so that no client can misread it: a time in the gap
/// as the local time it stands for (03:00), a repeated time in UTC, and an
/// event across the change of the clocks wholly in UTC. ical.js
/// (Thunderbird) reads 02:00 on 2021-03-14 as 06:00Z and a repeated 01:00 as
/// its second occurrence, against RFC 5545 §3.3.5, so the series instances on
/// such days are overrides even where the end would come out right.
#[test]
fn new_york_feed_writes_times_no_client_can_misread() {
    let events = feed_of("dst-new-york", "ops.ics");
    let of = |uid: &str| -> Vec<&ParsedEvent> {
        events
            .iter()
            .filter(|e| e.uid.starts_with(&format!("{uid}@")))
            .collect()
    };
    let tz = "America/New_York".to_owned();
    let ny = |value: &str| Some((tz.clone(), value.to_owned()));
    let overrides = |uid: &str| -> Vec<&ParsedEvent> {
        of(uid)
            .into_iter()
            .filter(|e| e.recurrence_id.is_some())
            .collect()
    };

    // The rule's 02:00 on 2021-03-14 does not exist: no RECURRENCE-ID may
    // be keyed by it (clients resolve it three ways). The instance is
    // excluded and the occurrence is an event of its own.
    assert!(overrides("second-sunday.ops").is_empty());
    let spring = of("second-sunday.ops.20210314");
    assert_eq!(spring.len(), 1, "{spring:#?}");
    assert_eq!(spring[0].recurrence_id, None);
    assert_eq!(spring[0].rrule, None);
    assert_eq!(
        spring[0].dtstart,
        (tz.clone(), "20210314T030000".to_owned())
    );
    assert_eq!(spring[0].dtend, (tz.clone(), "20210314T084500".to_owned()));
    let master = of("second-sunday.ops")
        .into_iter()
        .find(|e| e.rrule.is_some())
        .unwrap();
    assert_eq!(master.dtstart, (tz.clone(), "20210110T020000".to_owned()));
    assert_eq!(master.exdate, ny("20210314T020000"));
    assert_eq!(
        master.rrule.as_deref(),
        // The last start is 07:00Z; UNTIL is the end of that UTC date, which
        // is still 2021-12-12 (18:59:59 EST) in New York.
        Some("FREQ=MONTHLY;BYDAY=2SU;UNTIL=20211212T235959Z")
    );

    // The series whose DTSTART is in the gap: DTSTART keeps 02:00 (so that
    // the rule gives 02:00 every month); its first instance is excluded and
    // an event of its own, the others are overridden.
    let gap = of("starts-in-gap.ops");
    let master = gap.iter().find(|e| e.rrule.is_some()).unwrap();
    assert_eq!(master.dtstart, (tz.clone(), "20220313T020000".to_owned()));
    assert_eq!(master.exdate, ny("20220313T020000"));
    let rest = overrides("starts-in-gap.ops");
    assert_eq!(rest.len(), 2, "all: the master's duration is not 2 hours");
    assert!(
        !rest
            .iter()
            .any(|e| e.recurrence_id == ny("20220313T020000"))
    );
    let first = of("starts-in-gap.ops.20220313");
    assert_eq!(first.len(), 1, "{first:#?}");
    assert_eq!(first[0].dtstart, (tz.clone(), "20220313T030000".to_owned()));

    // The repeated 01:00 on 2021-11-07, first occurrence: 05:00Z.
    let fall = overrides("first-sunday.ops");
    assert_eq!(fall.len(), 1);
    assert_eq!(fall[0].recurrence_id, ny("20211107T010000"));
    assert_eq!(
        fall[0].dtstart,
        (String::new(), "20211107T050000Z".to_owned())
    );
    // It spans the change of the clocks, so its end is in UTC too: ical.js
    // would add the duration to a local start in wall-clock time.
    assert_eq!(
        fall[0].dtend,
        (String::new(), "20211107T080000Z".to_owned())
    );

    // api's own hours start in the gap on the DST day: excluded from their
    // series, and an event of their own.
    assert!(overrides("sub-ranges.ops.0200-0400").is_empty());
    let series = of("sub-ranges.ops.0200-0400")
        .into_iter()
        .find(|e| e.rrule.is_some())
        .unwrap();
    assert_eq!(series.exdate, ny("20230312T020000"));
    let api = of("sub-ranges.ops.0200-0400.20230312");
    assert_eq!(api.len(), 1);
    assert_eq!(api[0].recurrence_id, None);
    assert_eq!(api[0].dtstart, (tz.clone(), "20230312T030000".to_owned()));

    // A change moved onto the repeated hour: 01:30 EDT, 05:30Z.
    let moved = overrides("moved.ops");
    let november = moved
        .iter()
        .find(|e| e.recurrence_id == ny("20241117T023000"))
        .unwrap();
    assert_eq!(
        november.dtstart,
        (String::new(), "20241103T053000Z".to_owned())
    );

    // The skipped occurrence's EXDATE is the rule's local value in the gap.
    let web = feed_of("dst-new-york", "web.ics");
    let skipped = web
        .iter()
        .find(|e| e.uid.starts_with("skipped.web@"))
        .unwrap();
    assert_eq!(skipped.exdate, ny("20230312T023000"));
    // UNTIL after a start in the repeated hour: at least the later reading
    // (06:30Z), so that ical.js, which reads the last instance as the
    // second 01:30, keeps it; in fact the end of that UTC date.
    let until = web
        .iter()
        .find(|e| e.uid.starts_with("until-repeated.web@") && e.rrule.is_some())
        .unwrap();
    assert_eq!(
        until.rrule.as_deref(),
        Some("FREQ=MONTHLY;BYDAY=1SU;UNTIL=20211107T235959Z")
    );
    // The one-off on the repeated hour starts in UTC.
    let fall_back = web
        .iter()
        .find(|e| e.uid.starts_with("fall-back.web@"))
        .unwrap();
    assert_eq!(
        fall_back.dtstart,
        (String::new(), "20211107T050000Z".to_owned())
    );
}

#[test]
fn list_shows_gap_times_as_the_instant_they_stand_for() {
    let (result, stdout, _) = run(&[
        "list",
        "--json",
        "--group",
        "ops",
        "--from",
        "2021-03-14",
        "--to",
        "2021-03-14",
        "--schedules",
        case("dst-new-york").to_str().unwrap(),
    ]);
    result.unwrap();
    let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(rows[0]["start"], "2021-03-14T03:00:00-04:00");
    assert_eq!(rows[0]["end"], "2021-03-14T08:45:00-04:00");
}

// ---- Europe/London: last and 5th Sundays ------------------------------------
// 2021-03-28 01:00 GMT -> 02:00 BST; 2021-10-31 02:00 BST -> 01:00 GMT.

#[test]
fn london_last_and_fifth_sundays() {
    check(
        "london-last-and-fifth",
        &[(
            "ops",
            &[
                ("last-sunday", "2021-01-31T01:00", "2021-01-31T03:00", C),
                ("last-sunday", "2021-02-28T01:00", "2021-02-28T03:00", C),
                // 01:00 in the gap: GMT, 01:00Z; 03:00 BST 02:00Z.
                ("last-sunday", "2021-03-28T01:00", "2021-03-28T02:00", C),
                ("last-sunday", "2021-04-25T00:00", "2021-04-25T02:00", C),
                ("last-sunday", "2021-05-30T00:00", "2021-05-30T02:00", C),
                ("last-sunday", "2021-06-27T00:00", "2021-06-27T02:00", C),
                ("last-sunday", "2021-07-25T00:00", "2021-07-25T02:00", C),
                ("last-sunday", "2021-08-29T00:00", "2021-08-29T02:00", C),
                ("last-sunday", "2021-09-26T00:00", "2021-09-26T02:00", C),
                // 01:00 twice: the first, BST, 00:00Z; 03:00 GMT 03:00Z.
                ("last-sunday", "2021-10-31T00:00", "2021-10-31T03:00", C),
                ("last-sunday", "2021-11-28T01:00", "2021-11-28T03:00", C),
                ("last-sunday", "2021-12-26T01:00", "2021-12-26T03:00", C),
                // Only January, May, August and October 2021 have a 5th
                // Sunday. 10-31 02:00 is after the repeated hour: GMT.
                ("fifth-sunday", "2021-01-31T02:00", "2021-01-31T04:00", T),
                ("fifth-sunday", "2021-05-30T01:00", "2021-05-30T03:00", T),
                ("fifth-sunday", "2021-08-29T01:00", "2021-08-29T03:00", T),
                ("fifth-sunday", "2021-10-31T02:00", "2021-10-31T04:00", T),
                // 5th Saturdays of 2024, 22:45-02:15: 03-30 22:45 GMT to
                // 03-31 02:15 BST; then BST.
                (
                    "fifth-saturday-night",
                    "2024-03-30T22:45",
                    "2024-03-31T01:15",
                    C,
                ),
                (
                    "fifth-saturday-night",
                    "2024-06-29T21:45",
                    "2024-06-30T01:15",
                    C,
                ),
                (
                    "fifth-saturday-night",
                    "2024-08-31T21:45",
                    "2024-09-01T01:15",
                    C,
                ),
            ],
        )],
    );
    let events = feed_of("london-last-and-fifth", "ops.ics");
    let rules: Vec<&str> = events.iter().filter_map(|e| e.rrule.as_deref()).collect();
    // UNTIL is the end of the last day (GMT in both cases: 2021-10-31
    // 02:00 is after the clocks went back at 02:00 BST).
    assert!(rules.contains(&"FREQ=MONTHLY;BYDAY=-1SU;UNTIL=20211226T235959Z"));
    assert!(rules.contains(&"FREQ=MONTHLY;BYDAY=5SU;UNTIL=20211031T235959Z"));
    // The first 5th-Saturday night spans the change of the clocks: its own
    // override states it in UTC, because ical.js would add the 2h30 to 22:45
    // in wall-clock time and land in the gap (01:15, read as BST, 00:15Z).
    let first = events
        .iter()
        .find(|e| {
            e.uid.starts_with("fifth-saturday-night.")
                && e.recurrence_id
                    == Some(("Europe/London".to_owned(), "20240330T224500".to_owned()))
        })
        .expect("an override for the first instance");
    assert_eq!(
        first.dtstart,
        (String::new(), "20240330T224500Z".to_owned())
    );
    assert_eq!(first.dtend, (String::new(), "20240331T011500Z".to_owned()));
}

// ---- Europe/Berlin: across midnight, month end, year end --------------------
// CEST (+02) until 2021-10-31 03:00, then CET (+01).

#[test]
fn berlin_windows_across_midnight_month_and_year_end() {
    check(
        "crossing-midnight",
        &[(
            "ops",
            &[
                // Saturday 23:00 to Sunday 03:00; the cache 00:30-02:00 Sunday.
                // 07-31 runs into August.
                ("saturday-night", "2021-07-31T21:00", "2021-08-01T01:00", C),
                ("saturday-night", "2021-07-31T22:30", "2021-08-01T00:00", C),
                ("saturday-night", "2021-08-28T21:00", "2021-08-29T01:00", C),
                ("saturday-night", "2021-08-28T22:30", "2021-08-29T00:00", C),
                ("saturday-night", "2021-09-25T21:00", "2021-09-26T01:00", C),
                ("saturday-night", "2021-09-25T22:30", "2021-09-26T00:00", C),
                // 23:00 CEST 21:00Z to 03:00 CET 02:00Z: five hours. The
                // cache's 02:00 is the first 02:00 (CEST), 00:00Z.
                ("saturday-night", "2021-10-30T21:00", "2021-10-31T02:00", C),
                ("saturday-night", "2021-10-30T22:30", "2021-10-31T00:00", C),
                ("saturday-night", "2021-11-27T22:00", "2021-11-28T02:00", C),
                ("saturday-night", "2021-11-27T23:30", "2021-11-28T01:00", C),
                ("saturday-night", "2021-12-25T22:00", "2021-12-26T02:00", C),
                ("saturday-night", "2021-12-25T23:30", "2021-12-26T01:00", C),
                ("saturday-night", "2022-01-29T22:00", "2022-01-30T02:00", C),
                ("saturday-night", "2022-01-29T23:30", "2022-01-30T01:00", C),
                // 2021-12-31 22:00 to 2022-01-01 02:00 CET.
                ("new-year", "2021-12-31T21:00", "2022-01-01T01:00", C),
                // 2021-02-28 23:30 to 03-01 00:30 CET.
                ("month-end", "2021-02-28T22:30", "2021-02-28T23:30", C),
            ],
        )],
    );
}

#[test]
fn a_service_after_midnight_in_a_series_is_one_event_per_occurrence() {
    // "The Sunday after the last Saturday" is no RRULE (after 2021-07-31 it
    // is the 1st Sunday of August), so each occurrence is its own event.
    let events = feed_of("crossing-midnight", "ops.ics");
    let cache: Vec<&ParsedEvent> = events
        .iter()
        .filter(|e| e.uid.starts_with("saturday-night.ops.0030-0200."))
        .collect();
    assert_eq!(cache.len(), 7);
    assert!(cache.iter().all(|e| e.rrule.is_none()));
    assert!(cache.iter().any(
        |e| e.uid == "saturday-night.ops.0030-0200.20210731@berlin.maintcal"
            && e.dtstart.1 == "20210801T003000"
    ));
}

// ---- 29 February (Asia/Tokyo, +09 all year) ---------------------------------

#[test]
fn leap_day() {
    check(
        "leap-day",
        &[(
            "ops",
            &[
                ("leap-day", "2024-02-28T16:00", "2024-02-28T18:00", C),
                // 2024-02-29 is the 5th Thursday of February; then May 30.
                ("fifth-thursday", "2024-02-29T13:00", "2024-02-29T16:00", C),
                ("fifth-thursday", "2024-05-30T13:00", "2024-05-30T16:00", C),
                // Last Wednesdays 23:00-02:00: 2024-02-28 into 02-29.
                ("last-wednesday", "2024-01-31T14:00", "2024-01-31T17:00", C),
                ("last-wednesday", "2024-02-28T14:00", "2024-02-28T17:00", C),
                ("last-wednesday", "2024-03-27T14:00", "2024-03-27T17:00", C),
                // 2023-02-28 23:00 to 03-01 01:00.
                ("non-leap", "2023-02-28T14:00", "2023-02-28T16:00", C),
            ],
        )],
    );
}

// ---- America/New_York: until inside the last window -------------------------

#[test]
fn until_date_inside_an_overnight_window() {
    check(
        "until-inside-window",
        &[(
            "ops",
            &[
                ("overnight", "2021-01-10T03:00", "2021-01-10T09:00", C),
                ("overnight", "2021-02-14T03:00", "2021-02-14T09:00", C),
                // Saturday 03-13 22:00 EST 03:00Z to Sunday 04:00 EDT 08:00Z.
                ("overnight", "2021-03-14T03:00", "2021-03-14T08:00", C),
            ],
        )],
    );
    let events = feed_of("until-inside-window", "ops.ics");
    let master = events.iter().find(|e| e.rrule.is_some()).unwrap();
    // UNTIL is the UTC start of the last instance, inclusive.
    assert_eq!(
        master.rrule.as_deref(),
        Some("FREQ=MONTHLY;BYDAY=2SA;UNTIL=20210314T030000Z")
    );
}

// ---- America/Sao_Paulo: DST abolished in 2019 -------------------------------
// -03 until 2018-11-04 00:00 -> 01:00 -02; 2019-02-17 00:00 -02 -> 2019-02-16
// 23:00 -03; -03 ever since.

#[test]
fn sao_paulo_across_the_end_of_dst() {
    check(
        "sao-paulo-rule-change",
        &[(
            "ops",
            &[
                ("first-sunday", "2018-09-02T05:00", "2018-09-02T08:00", C),
                ("first-sunday", "2018-10-07T05:00", "2018-10-07T08:00", C),
                ("first-sunday", "2018-11-04T04:00", "2018-11-04T07:00", C),
                ("first-sunday", "2018-12-02T04:00", "2018-12-02T07:00", C),
                ("first-sunday", "2019-01-06T04:00", "2019-01-06T07:00", C),
                ("first-sunday", "2019-02-03T04:00", "2019-02-03T07:00", C),
                ("first-sunday", "2019-03-03T05:00", "2019-03-03T08:00", C),
                ("first-sunday", "2019-04-07T05:00", "2019-04-07T08:00", C),
                ("first-sunday", "2019-05-05T05:00", "2019-05-05T08:00", C),
                ("first-sunday", "2019-06-02T05:00", "2019-06-02T08:00", C),
                ("first-sunday", "2019-07-07T05:00", "2019-07-07T08:00", C),
                ("first-sunday", "2019-08-04T05:00", "2019-08-04T08:00", C),
                ("first-sunday", "2019-09-01T05:00", "2019-09-01T08:00", C),
                // No DST in the 2019 season any more: still -03.
                ("first-sunday", "2019-10-06T05:00", "2019-10-06T08:00", C),
                ("first-sunday", "2019-11-03T05:00", "2019-11-03T08:00", C),
                ("first-sunday", "2019-12-01T05:00", "2019-12-01T08:00", C),
                // 00:30-02:00; on 2018-11-04 00:30 is in the midnight gap:
                // -03, 03:30Z (01:30 -02), to 02:00 -02 04:00Z.
                ("midnight", "2018-10-07T03:30", "2018-10-07T05:00", C),
                ("midnight", "2018-11-04T03:30", "2018-11-04T04:00", C),
                ("midnight", "2018-12-02T02:30", "2018-12-02T04:00", C),
                // 23:30 happens twice on 2019-02-16: the first (-02) 01:30Z;
                // 00:30 on the 17th is -03, 03:30Z.
                ("fall-back-eve", "2019-02-17T01:30", "2019-02-17T03:30", C),
            ],
        )],
    );
}

// ---- Asia/Tokyo: one-offs inside a series' range, same group ----------------

#[test]
fn one_off_windows_inside_a_series_in_the_same_group() {
    check(
        "one-off-in-series",
        &[(
            "ops",
            &[
                ("monthly", "2021-05-08T17:00", "2021-05-08T21:00", C),
                ("monthly", "2021-06-12T17:00", "2021-06-12T21:00", C),
                ("monthly", "2021-07-10T17:00", "2021-07-10T21:00", C),
                ("monthly", "2021-08-07T17:00", "2021-08-07T21:00", C),
                ("extra", "2021-06-19T17:00", "2021-06-19T21:00", C),
                ("overlap", "2021-07-10T16:00", "2021-07-10T18:00", T),
            ],
        )],
    );
}

// ---- Europe/Dublin (negative DST in tzdata) and Australia/Lord_Howe ---------
// Dublin 2021: 03-28 01:00 GMT -> 02:00 IST; 10-31 02:00 IST -> 01:00 GMT.
// Lord Howe 2021: 04-04 02:00 +11 -> 01:30 +1030; 10-03 02:00 +1030 -> 02:30 +11.

#[test]
fn dublin_and_lord_howe_dst_days() {
    check(
        "dublin-and-lord-howe",
        &[
            (
                "ie",
                &[
                    ("last-sunday", "2021-02-28T00:30", "2021-02-28T02:30", C),
                    // 00:30 GMT 00:30Z to 02:30 IST 01:30Z.
                    ("last-sunday", "2021-03-28T00:30", "2021-03-28T01:30", C),
                    ("last-sunday", "2021-04-24T23:30", "2021-04-25T01:30", C),
                    ("last-sunday", "2021-05-29T23:30", "2021-05-30T01:30", C),
                    ("last-sunday", "2021-06-26T23:30", "2021-06-27T01:30", C),
                    ("last-sunday", "2021-07-24T23:30", "2021-07-25T01:30", C),
                    ("last-sunday", "2021-08-28T23:30", "2021-08-29T01:30", C),
                    ("last-sunday", "2021-09-25T23:30", "2021-09-26T01:30", C),
                    // 00:30 IST 23:30Z to 02:30 GMT 02:30Z.
                    ("last-sunday", "2021-10-30T23:30", "2021-10-31T02:30", C),
                ],
            ),
            (
                "lh",
                &[
                    // 01:45-03:00 at +11: 14:45Z-16:00Z the day before.
                    ("dst-end", "2021-03-06T14:45", "2021-03-06T16:00", C),
                    // 01:45 twice: the first (+11) 14:45Z; 03:00 +1030 16:30Z.
                    ("dst-end", "2021-04-03T14:45", "2021-04-03T16:30", C),
                    ("dst-end", "2021-05-01T15:15", "2021-05-01T16:30", C),
                    // 02:15-04:00 at +1030: 15:45Z-17:30Z.
                    ("dst-start", "2021-09-04T15:45", "2021-09-04T17:30", C),
                    // 02:15 in the gap: +1030, 15:45Z; 04:00 +11 17:00Z.
                    ("dst-start", "2021-10-02T15:45", "2021-10-02T17:00", C),
                    // 02:00 (gap) +1030 15:30Z to 03:00 +11 16:00Z.
                    ("gap-hour", "2021-10-02T15:30", "2021-10-02T16:00", C),
                ],
            ),
        ],
    );
}

// ---- America/New_York: hours the spring-forward gap swallows ----------------
// 2021-03-14: 02:00-02:59 does not exist.

#[test]
fn hours_in_the_spring_forward_gap() {
    check(
        "gap-swallows-hours",
        &[(
            "ops",
            &[
                // 01:00-05:00 EST; a 02:30-03:15; c 02:00-03:00.
                ("series", "2021-02-14T06:00", "2021-02-14T10:00", C),
                ("series", "2021-02-14T07:30", "2021-02-14T08:15", C),
                ("series", "2021-02-14T07:00", "2021-02-14T08:00", C),
                // 01:00 EST 06:00Z to 05:00 EDT 09:00Z; a from 03:00 EDT
                // (07:00Z) to 03:15 EDT; c's hour does not exist.
                ("series", "2021-03-14T06:00", "2021-03-14T09:00", C),
                ("series", "2021-03-14T07:00", "2021-03-14T07:15", C),
                ("series", "2021-04-11T05:00", "2021-04-11T09:00", C),
                ("series", "2021-04-11T06:30", "2021-04-11T07:15", C),
                ("series", "2021-04-11T06:00", "2021-04-11T07:00", C),
                ("one-off", "2021-03-14T07:00", "2021-03-14T07:15", C),
                // lost-hour: none.
                (
                    "starts-swallowed",
                    "2021-03-14T07:00",
                    "2021-03-14T07:15",
                    T,
                ),
                (
                    "starts-swallowed",
                    "2021-04-11T06:30",
                    "2021-04-11T07:15",
                    T,
                ),
            ],
        )],
    );
    let events = feed_of("gap-swallows-hours", "ops.ics");
    let tz = "America/New_York".to_owned();
    // c's slot: the swallowed instance is excluded, by the rule's value.
    let c = events
        .iter()
        .find(|e| e.uid == "series.ops.0200-0300@gap-swallows-hours.maintcal" && e.rrule.is_some())
        .unwrap();
    assert_eq!(c.exdate, Some((tz.clone(), "20210314T020000".to_owned())));
    // No event for the lost hour.
    assert!(!events.iter().any(|e| e.uid.starts_with("lost-hour.")));
    // The series starting in the gap: DTSTART keeps 02:30; DTEND gives the
    // usual 45 minutes (07:30Z + 45 min = 04:15 EDT), not a negative length.
    let master = events
        .iter()
        .find(|e| e.uid.starts_with("starts-swallowed.") && e.rrule.is_some())
        .unwrap();
    assert_eq!(master.dtstart, (tz.clone(), "20210314T023000".to_owned()));
    assert_eq!(master.dtend, (tz.clone(), "20210314T041500".to_owned()));
    // Clients read a DTSTART in the gap differently (ical.js: 06:30Z, so
    // 1h45 long; recurring-ical-events: wall clocks, 1h45 too), so every
    // instance states its own times.
    let overrides = events
        .iter()
        .filter(|e| e.uid.starts_with("starts-swallowed.") && e.recurrence_id.is_some())
        .count();
    assert_eq!(overrides, 1);
    // The first, keyed by a time in the gap, is excluded and its own event.
    assert_eq!(
        master.exdate,
        Some((tz.clone(), "20210314T023000".to_owned()))
    );
    assert!(
        events
            .iter()
            .any(|e| e.uid == "starts-swallowed.ops.20210314@gap-swallows-hours.maintcal")
    );
}

// ---- Errors ----------------------------------------------------------------

#[test]
fn an_unknown_zone_gets_a_suggestion() {
    let schedules = case("unknown-zone");
    let (result, _, stderr) = run(&["check", "--schedules", schedules.to_str().unwrap()]);
    let error = format!("{:#}", result.expect_err("Asia/Tokio is no zone"));
    let text = format!("{error}\n{stderr}");
    assert!(text.contains("Asia/Tokio: unknown time zone"), "{text}");
    assert!(text.contains("did you mean `Asia/Tokyo`?"), "{text}");
}

#[test]
fn a_window_whose_hours_do_not_exist_that_day_gets_a_warning() {
    let schedules = case("gap-swallows-hours");
    let (result, _, stderr) = run(&["check", "--schedules", schedules.to_str().unwrap()]);
    result.unwrap();
    assert!(
        stderr.contains(
            "warning: window `lost-hour` has no occurrence on 2021-03-14: its hours do not exist in America/New_York that day"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("new-york.toml:44:10"), "{stderr}");
    // A window that merely starts in the gap still happens: no such warning.
    assert_eq!(stderr.matches("has no occurrence").count(), 1, "{stderr}");
}
