//! What each client shows, fixed in the feed (`tests/cases/client-quirks`:
//! Pacific/Apia across the date line, Asia/Tokyo, America/New_York): a
//! cancelled occurrence is a free event without STATUS, a series ends with
//! COUNT where the schedule gave one and otherwise with an UNTIL on the
//! last instance's date, and a date-line jump is a STANDARD observance.
//! Every instant below is worked out by hand from the zone's offsets.

use crate::support::*;
use chrono::{DateTime, Utc};

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn feed(out: &std::path::Path, name: &str) -> Vec<ParsedEvent> {
    parse_feed(&out.join(name))
}

/// (start, end, STATUS, UID) of every instance a client computes.
fn instances(events: &[ParsedEvent]) -> Vec<(DateTime<Utc>, DateTime<Utc>, String, String)> {
    let mut all: Vec<_> = expand_feed(events)
        .into_iter()
        .map(|i| (i.start, i.end, i.status.clone(), i.window().to_owned()))
        .collect();
    all.sort();
    all
}

fn row(
    start: &str,
    end: &str,
    status: &str,
    window: &str,
) -> (DateTime<Utc>, DateTime<Utc>, String, String) {
    (utc(start), utc(end), status.to_owned(), window.to_owned())
}

#[test]
fn instants_in_three_zones_are_the_hand_written_ones() {
    let out = build(&case("client-quirks"));
    // Apia: -10 (DST) until 2011-12-29, +14 (DST) after: 10:00 local is
    // 20:00Z on the same date before the jump, the day before after it.
    assert_eq!(
        instances(&feed(out.path(), "apia-ops.ics")),
        [
            row(
                "2011-10-09T20:00:00Z",
                "2011-10-09T22:00:00Z",
                "CONFIRMED",
                "second-sunday"
            ),
            row(
                "2011-11-13T20:00:00Z",
                "2011-11-13T22:00:00Z",
                "CONFIRMED",
                "second-sunday"
            ),
            row(
                "2011-11-20T20:00:00Z",
                "2011-11-20T22:00:00Z",
                "CONFIRMED",
                "one-off"
            ),
            row(
                "2011-12-11T20:00:00Z",
                "2011-12-11T22:00:00Z",
                "CONFIRMED",
                "second-sunday"
            ),
            row(
                "2012-01-07T20:00:00Z",
                "2012-01-07T22:00:00Z",
                "",
                "second-sunday"
            ),
            row(
                "2012-02-11T20:00:00Z",
                "2012-02-11T22:00:00Z",
                "CONFIRMED",
                "second-sunday"
            ),
            row(
                "2012-03-10T20:00:00Z",
                "2012-03-10T22:00:00Z",
                "CONFIRMED",
                "second-sunday"
            ),
        ]
    );
    // Tokyo, +09: 02:00 is 17:00Z the day before.
    assert_eq!(
        instances(&feed(out.path(), "tokyo-ops.ics")),
        [
            row(
                "2021-01-01T17:00:00Z",
                "2021-01-01T19:00:00Z",
                "CONFIRMED",
                "first-saturday"
            ),
            row(
                "2021-01-16T17:00:00Z",
                "2021-01-16T18:00:00Z",
                "CONFIRMED",
                "third-sunday"
            ),
            row(
                "2021-02-05T17:00:00Z",
                "2021-02-05T19:00:00Z",
                "",
                "first-saturday"
            ),
            row(
                "2021-02-20T17:00:00Z",
                "2021-02-20T18:00:00Z",
                "CONFIRMED",
                "third-sunday"
            ),
            row(
                "2021-03-05T17:00:00Z",
                "2021-03-05T19:00:00Z",
                "CONFIRMED",
                "first-saturday"
            ),
            row(
                "2021-03-20T17:00:00Z",
                "2021-03-20T18:00:00Z",
                "CONFIRMED",
                "third-sunday"
            ),
        ]
    );
    // New York: 21:00 EST (-05) is 02:00Z the next day, 21:00 EDT (-04)
    // 01:00Z; 09:00 EDT is 13:00Z; 01:00 EDT is 05:00Z; 2006-10-31 was
    // after that year's end of DST (October 29): 10:00 EST is 15:00Z.
    assert_eq!(
        instances(&feed(out.path(), "nyc-ops.ics")),
        [
            row(
                "2006-10-31T15:00:00Z",
                "2006-10-31T16:00:00Z",
                "CONFIRMED",
                "old-rules"
            ),
            row(
                "2021-01-13T02:00:00Z",
                "2021-01-13T04:00:00Z",
                "CONFIRMED",
                "second-tuesday"
            ),
            row(
                "2021-02-10T02:00:00Z",
                "2021-02-10T04:00:00Z",
                "CONFIRMED",
                "second-tuesday"
            ),
            row(
                "2021-03-10T02:00:00Z",
                "2021-03-10T04:00:00Z",
                "CONFIRMED",
                "second-tuesday"
            ),
            row(
                "2021-04-14T01:00:00Z",
                "2021-04-14T03:00:00Z",
                "CONFIRMED",
                "second-tuesday"
            ),
            row(
                "2021-05-04T05:00:00Z",
                "2021-05-04T06:00:00Z",
                "",
                "dropped"
            ),
            row(
                "2021-06-01T13:00:00Z",
                "2021-06-01T14:00:00Z",
                "CONFIRMED",
                "patch"
            ),
            row(
                "2021-06-03T13:00:00Z",
                "2021-06-03T14:00:00Z",
                "CONFIRMED",
                "patch"
            ),
            row(
                "2021-06-08T13:00:00Z",
                "2021-06-08T14:00:00Z",
                "CONFIRMED",
                "patch"
            ),
            row(
                "2021-06-10T13:00:00Z",
                "2021-06-10T14:00:00Z",
                "CONFIRMED",
                "patch"
            ),
        ]
    );
}

#[test]
fn a_series_ends_with_count_or_an_until_on_its_last_date() {
    let out = build(&case("client-quirks"));
    let rules: Vec<(String, String)> = ["apia-ops.ics", "tokyo-ops.ics", "nyc-ops.ics"]
        .iter()
        .flat_map(|name| feed(out.path(), name))
        .filter_map(|e| Some((e.uid.split('.').next().unwrap().to_owned(), e.rrule?)))
        .collect();
    let rule = |window: &str| {
        rules
            .iter()
            .find(|(w, _)| w == window)
            .map(|(_, r)| r.as_str())
            .unwrap()
    };
    // The schedule's count, as COUNT.
    assert_eq!(rule("first-saturday"), "FREQ=MONTHLY;BYDAY=1SA;COUNT=3");
    assert_eq!(rule("patch"), "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4");
    // East of UTC: the end of the last local day, on the same UTC date
    // (2021-03-21 23:59:59 JST; 2012-03-11 23:59:59 in Apia, +14), where
    // the last start itself is on the day before in UTC.
    assert_eq!(
        rule("third-sunday"),
        "FREQ=MONTHLY;BYDAY=3SU;UNTIL=20210321T145959Z"
    );
    assert_eq!(
        rule("second-sunday"),
        "FREQ=MONTHLY;BYDAY=2SU;UNTIL=20120311T095959Z"
    );
    // West of UTC, a start already on the next UTC date: the start itself
    // (2021-04-13 21:00 EDT).
    assert_eq!(
        rule("second-tuesday"),
        "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20210414T010000Z"
    );
}

#[test]
fn a_cancelled_occurrence_is_free_and_says_so_without_status() {
    let out = build(&case("client-quirks"));
    let mut cancelled = Vec::new();
    for name in ["apia-ops.ics", "tokyo-ops.ics", "nyc-ops.ics", "all.ics"] {
        for event in feed(out.path(), name) {
            if event.summary.starts_with("[Cancelled] ") {
                assert_eq!(event.status, "", "{name}: {event:?}");
                assert_eq!(event.transp, "TRANSPARENT", "{name}: {event:?}");
                cancelled.push((name, event.uid, event.recurrence_id.map(|r| r.1)));
            } else {
                assert_ne!(event.status, "", "{name}: {event:?}");
                assert_eq!(event.transp, "OPAQUE", "{name}: {event:?}");
            }
        }
    }
    let text = std::fs::read_to_string(out.path().join("all.ics")).unwrap();
    assert!(!text.contains("STATUS:CANCELLED"));
    let uids: Vec<(&str, String, Option<String>)> = cancelled;
    assert_eq!(
        uids,
        [
            (
                "apia-ops.ics",
                "second-sunday.apia-ops@apia.maintcal".to_owned(),
                Some("20120108T100000".to_owned())
            ),
            (
                "tokyo-ops.ics",
                "first-saturday.tokyo-ops@tokyo.maintcal".to_owned(),
                Some("20210206T020000".to_owned())
            ),
            (
                "nyc-ops.ics",
                "dropped.nyc-ops@new-york.maintcal".to_owned(),
                None
            ),
            (
                "all.ics",
                "second-sunday.all@apia.maintcal".to_owned(),
                Some("20120108T100000".to_owned())
            ),
            (
                "all.ics",
                "first-saturday.all@tokyo.maintcal".to_owned(),
                Some("20210206T020000".to_owned())
            ),
            ("all.ics", "dropped.all@new-york.maintcal".to_owned(), None),
        ]
    );
}

#[test]
fn the_apia_date_line_jump_is_a_standard_observance() {
    let out = build(&case("client-quirks"));
    let text = std::fs::read_to_string(out.path().join("apia-ops.ics")).unwrap();
    assert!(
        text.contains(
            "BEGIN:STANDARD\r\nDTSTART:20111230T000000\r\nTZOFFSETFROM:-1000\r\n\
             TZOFFSETTO:+1400\r\nTZNAME:+1400\r\nEND:STANDARD\r\n"
        ),
        "{text}"
    );
}

/// Outlook reads one yearly STANDARD/DAYLIGHT pair, the last era's; a
/// one-off window, an override, or an instance of a series of an earlier
/// era is written in UTC (the instance as an override), the rest as local
/// time.
#[test]
fn events_of_an_earlier_era_are_written_in_utc() {
    let out = build(&case("client-quirks"));
    let times = |name: &str, window: &str| -> Vec<(String, String)> {
        feed(out.path(), name)
            .into_iter()
            .filter(|e| e.uid.starts_with(&format!("{window}.")))
            .map(|e| (e.dtstart.1, e.dtend.1))
            .collect()
    };
    let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    // Apia: the pair Outlook reads (+13, +14 from the last Sunday of
    // September) begins on 2012-09-30; -10 in 2011, +14 in January 2012.
    assert_eq!(
        times("apia-ops.ics", "one-off"),
        [pair("20111120T200000Z", "20111120T220000Z")]
    );
    // The series began before that era: its DTSTART stays local (the rule
    // repeats it), and every instance before the era is an override in
    // UTC, the cancelled one included, so Outlook places none of them with
    // the +13/+14 pair (a day off in 2011).
    let mut series = times("apia-ops.ics", "second-sunday");
    series.sort();
    assert_eq!(
        series,
        [
            pair("20111009T100000", "20111009T120000"),
            pair("20111009T200000Z", "20111009T220000Z"),
            pair("20111113T200000Z", "20111113T220000Z"),
            pair("20111211T200000Z", "20111211T220000Z"),
            pair("20120107T200000Z", "20120107T220000Z"),
            pair("20120211T200000Z", "20120211T220000Z"),
            pair("20120310T200000Z", "20120310T220000Z"),
        ]
    );
    // New York in 2006, before the 2007 rules: 10:00 EST.
    assert_eq!(
        times("nyc-ops.ics", "old-rules"),
        [pair("20061031T150000Z", "20061031T160000Z")]
    );
    // Under the current rules: local time with TZID.
    assert_eq!(
        times("nyc-ops.ics", "dropped"),
        [pair("20210504T010000", "20210504T020000")]
    );
    // São Paulo abolished DST in 2019: the eve of the last fall-back, in
    // the earlier era, is in UTC (23:30 -02 is 01:30Z, 00:30 -03 03:30Z).
    let out = build(&case("sao-paulo-rule-change"));
    let eve: Vec<(String, String)> = parse_feed(&out.path().join("ops.ics"))
        .into_iter()
        .filter(|e| e.uid.starts_with("fall-back-eve."))
        .map(|e| (e.dtstart.1, e.dtend.1))
        .collect();
    assert_eq!(eve, [pair("20190217T013000Z", "20190217T033000Z")]);
    // Its monthly series (02:00-05:00, 1st Sunday): each occurrence before
    // 2019-02-17 as a UTC override (-03 until 2018-11-04, -02 after), the
    // later ones left to the rule.
    let mut series: Vec<(String, String)> = parse_feed(&out.path().join("ops.ics"))
        .into_iter()
        .filter(|e| e.uid.starts_with("first-sunday.") && e.recurrence_id.is_some())
        .map(|e| (e.dtstart.1, e.dtend.1))
        .collect();
    series.sort();
    assert_eq!(
        series,
        [
            pair("20180902T050000Z", "20180902T080000Z"),
            pair("20181007T050000Z", "20181007T080000Z"),
            pair("20181104T040000Z", "20181104T070000Z"),
            pair("20181202T040000Z", "20181202T070000Z"),
            pair("20190106T040000Z", "20190106T070000Z"),
            pair("20190203T040000Z", "20190203T070000Z"),
        ]
    );
}
