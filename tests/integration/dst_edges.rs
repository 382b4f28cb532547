//! DST edges in six zones with gaps of different sizes, and the rules the
//! README writes down for them ("Time zones and daylight saving time"):
//!
//! - every local time of a window's `[start, end)` in a spring-forward gap:
//!   no occurrence, and `check` warns naming the date; the same for a
//!   changed occurrence and for a service's own hours (a sub-range);
//! - a start in the gap that ends after it: the occurrence is an event of
//!   its own (the rule's instance excluded), never an override keyed by a
//!   local time that does not exist;
//! - an end in the repeated hour of a fall-back night: an override that
//!   states the declared end.
//!
//! The UTC instants below were written by hand (each checked against
//! python3's zoneinfo, not against maintcal) and are compared with `list
//! --json` and with the built feeds expanded by the rrule crate
//! (`timezones::check`).
//!
//! Transitions (2021 unless said):
//! - America/New_York: 03-14 02:00 EST -> 03:00 EDT at 07:00Z (1 h gap);
//!   11-07 02:00 EDT -> 01:00 EST at 06:00Z (01:00-01:59 twice).
//! - Australia/Lord_Howe: 10-03 02:00 +1030 -> 02:30 +11 at 15:30Z on 10-02
//!   (30 min gap); 04-04 02:00 +11 -> 01:30 +1030 at 15:00Z on 04-03.
//! - Antarctica/Troll: 03-28 01:00 +00 -> 03:00 +02 at 01:00Z (2 h gap);
//!   10-31 03:00 +02 -> 01:00 +00 at 01:00Z (01:00-02:59 twice).
//! - America/Santiago: 09-05 00:00 -04 -> 01:00 -03 at 04:00Z (midnight).
//! - Europe/London: 10-31 02:00 BST -> 01:00 GMT at 01:00Z (01:00-01:59
//!   twice).
//! - Pacific/Apia: 2011-12-29 24:00 -10 -> 2011-12-31 00:00 +14 at 10:00Z;
//!   2011-12-30 did not happen there.

use crate::support::*;
use crate::timezones::{C, check, feed_of};

#[test]
fn gaps_and_repeated_hours_in_six_zones() {
    check(
        "dst-edges",
        &[
            (
                "ny",
                &[
                    // in-gap 02:10-02:40: EST 07:10Z, EDT 06:10Z; none on 03-14.
                    ("in-gap", "2021-02-14T07:10", "2021-02-14T07:40", C),
                    ("in-gap", "2021-04-11T06:10", "2021-04-11T06:40", C),
                    // gap-start 02:30-04:00; on 03-14 02:30 is read at EST
                    // (07:30Z, 03:30 EDT) to 04:00 EDT 08:00Z.
                    ("gap-start", "2021-02-14T07:30", "2021-02-14T09:00", C),
                    ("gap-start", "2021-03-14T07:30", "2021-03-14T08:00", C),
                    ("gap-start", "2021-04-11T06:30", "2021-04-11T08:00", C),
                    // sub-in-gap 01:00-05:00; a's 02:10-02:40 only on 04-11.
                    ("sub-in-gap", "2021-03-14T06:00", "2021-03-14T09:00", C),
                    ("sub-in-gap", "2021-04-11T05:00", "2021-04-11T09:00", C),
                    ("sub-in-gap", "2021-04-11T06:10", "2021-04-11T06:40", C),
                    // moved-into-gap: 03-07 moved to 03-14 02:10-02:40: none.
                    ("moved-into-gap", "2021-04-04T14:00", "2021-04-04T15:00", C),
                    // end-repeated 00:45-01:20: on 11-07 01:20 is the first
                    // one (EDT), 05:20Z, not 06:20Z.
                    ("end-repeated", "2021-10-03T04:45", "2021-10-03T05:20", C),
                    ("end-repeated", "2021-11-07T04:45", "2021-11-07T05:20", C),
                    // into-repeated Saturday 23:30 EDT to Sunday 01:20 EDT.
                    ("into-repeated", "2021-10-31T03:30", "2021-10-31T05:20", C),
                    ("into-repeated", "2021-11-07T03:30", "2021-11-07T05:20", C),
                ],
            ),
            (
                "lh",
                &[
                    // in-gap 02:05-02:25: +1030 15:35Z, +11 15:05Z (day before).
                    ("in-gap", "2021-09-04T15:35", "2021-09-04T15:55", C),
                    ("in-gap", "2021-11-06T15:05", "2021-11-06T15:25", C),
                    // gap-start 02:15-03:00; 10-03 02:15 at +1030 15:45Z to
                    // 03:00 +11 16:00Z.
                    ("gap-start", "2021-09-04T15:45", "2021-09-04T16:30", C),
                    ("gap-start", "2021-10-02T15:45", "2021-10-02T16:00", C),
                    ("gap-start", "2021-11-06T15:15", "2021-11-06T16:00", C),
                    // sub-in-gap 01:00-04:00; a's 02:00-02:30 is the gap on 10-03.
                    ("sub-in-gap", "2021-10-02T14:30", "2021-10-02T17:00", C),
                    ("sub-in-gap", "2021-11-06T14:00", "2021-11-06T17:00", C),
                    ("sub-in-gap", "2021-11-06T15:00", "2021-11-06T15:30", C),
                    // end-repeated 01:10-01:45 (+11); 04-04 01:45 twice: +11.
                    ("end-repeated", "2021-03-06T14:10", "2021-03-06T14:45", C),
                    ("end-repeated", "2021-04-03T14:10", "2021-04-03T14:45", C),
                ],
            ),
            (
                "troll",
                &[
                    // in-gap 01:15-02:45: +00 on 02-28, +02 on 04-25.
                    ("in-gap", "2021-02-28T01:15", "2021-02-28T02:45", C),
                    ("in-gap", "2021-04-24T23:15", "2021-04-25T00:45", C),
                    // gap-start 02:00-04:00; on 03-28 02:00 at +00 is 02:00Z,
                    // which is 04:00 +02, the end: it starts when the clocks
                    // resume, 03:00 +02 = 01:00Z.
                    ("gap-start", "2021-02-28T02:00", "2021-02-28T04:00", C),
                    ("gap-start", "2021-03-28T01:00", "2021-03-28T02:00", C),
                    ("gap-start", "2021-04-25T00:00", "2021-04-25T02:00", C),
                    // sub-in-gap 00:00-06:00; a's 01:00-03:00 is the gap on 03-28.
                    ("sub-in-gap", "2021-03-28T00:00", "2021-03-28T04:00", C),
                    ("sub-in-gap", "2021-04-24T22:00", "2021-04-25T04:00", C),
                    ("sub-in-gap", "2021-04-24T23:00", "2021-04-25T01:00", C),
                    // end-repeated 00:30-02:30 (+02); 10-31 02:30 twice: +02.
                    ("end-repeated", "2021-09-25T22:30", "2021-09-26T00:30", C),
                    ("end-repeated", "2021-10-30T22:30", "2021-10-31T00:30", C),
                ],
            ),
            (
                "uk",
                &[
                    // end-repeated 00:45-01:20 BST; on 10-31 01:20 is the
                    // first one (BST), 00:20Z, not 01:20Z.
                    ("end-repeated", "2021-09-25T23:45", "2021-09-26T00:20", C),
                    ("end-repeated", "2021-10-30T23:45", "2021-10-31T00:20", C),
                    // into-repeated Saturday 23:30 BST to Sunday 01:20 BST.
                    ("into-repeated", "2021-10-23T22:30", "2021-10-24T00:20", C),
                    ("into-repeated", "2021-10-30T22:30", "2021-10-31T00:20", C),
                ],
            ),
            (
                "scl",
                &[
                    // midnight-gap 00:15-00:45: -04 on 08-29, -03 on 09-12.
                    ("midnight-gap", "2021-08-29T04:15", "2021-08-29T04:45", C),
                    ("midnight-gap", "2021-09-12T03:15", "2021-09-12T03:45", C),
                    // 09-04 22:00 -04 (02:00Z) to 09-05 02:00 -03 (05:00Z);
                    // a's 00:00-00:50 on 09-05 is in the gap.
                    ("midnight-sub", "2021-09-05T02:00", "2021-09-05T05:00", C),
                ],
            ),
            (
                "apia",
                &[
                    // 09:00-17:00 at -10; Friday 2011-12-30 never happened.
                    ("skipped-day", "2011-12-16T19:00", "2011-12-17T03:00", C),
                    ("skipped-day", "2011-12-23T19:00", "2011-12-24T03:00", C),
                ],
            ),
        ],
    );
}

/// `check` names every occurrence the clocks skip: the window, its file and
/// line, the date.
#[test]
fn check_warns_about_every_hour_the_clocks_skip() {
    let schedules = case("dst-edges");
    let (result, _, stderr) = run(&["check", "--schedules", schedules.to_str().unwrap()]);
    result.unwrap();
    let line_of = |file: &str, header: &str| -> usize {
        let text = std::fs::read_to_string(schedules.join(file)).unwrap();
        1 + text
            .lines()
            .position(|line| line == header)
            .unwrap_or_else(|| panic!("{file}: no {header}"))
    };
    let wanted = [
        ("new-york.toml", "in-gap", "2021-03-14", "America/New_York"),
        (
            "new-york.toml",
            "moved-into-gap",
            "2021-03-14",
            "America/New_York",
        ),
        (
            "lord-howe.toml",
            "in-gap",
            "2021-10-03",
            "Australia/Lord_Howe",
        ),
        ("troll.toml", "in-gap", "2021-03-28", "Antarctica/Troll"),
        (
            "santiago.toml",
            "midnight-gap",
            "2021-09-05",
            "America/Santiago",
        ),
        ("apia.toml", "skipped-day", "2011-12-30", "Pacific/Apia"),
    ];
    for (file, window, date, zone) in wanted {
        let line = line_of(file, &format!("[windows.{window}]"));
        let message = format!(
            "warning: window `{window}` has no occurrence on {date}: its hours do not exist in {zone} that day"
        );
        let at = stderr
            .find(&message)
            .unwrap_or_else(|| panic!("{message}\n{stderr}"));
        let place = format!("{file}:{line}:10");
        assert!(
            stderr[at..].lines().take(3).any(|l| l.contains(&place)),
            "{place} after {message}\n{stderr}"
        );
    }
    let ranges = [
        ("new-york.toml", "sub-in-gap", "02:10–02:40", "2021-03-14"),
        ("lord-howe.toml", "sub-in-gap", "02:00–02:30", "2021-10-03"),
        ("troll.toml", "sub-in-gap", "01:00–03:00", "2021-03-28"),
        ("santiago.toml", "midnight-sub", "00:00–00:50", "2021-09-05"),
    ];
    for (file, window, hours, date) in ranges {
        let line = line_of(file, &format!("[windows.{window}]"));
        let message = format!("warning: window `{window}`: the hours {hours} of `a` do not exist");
        let at = stderr
            .find(&message)
            .unwrap_or_else(|| panic!("{message}\n{stderr}"));
        let rest = &stderr[at..];
        assert!(rest.lines().next().unwrap().contains(date), "{rest}");
        let place = format!("{file}:{line}:10");
        assert!(
            rest.lines().take(3).any(|l| l.contains(&place)),
            "{place} after {message}\n{stderr}"
        );
    }
    // Nothing else has vanished: a start in the gap still happens.
    assert_eq!(
        stderr.matches("has no occurrence").count(),
        wanted.len(),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("do not exist in").count(),
        wanted.len() + ranges.len(),
        "{stderr}"
    );
}

/// The forms that leave the right window visible in every client.
#[test]
fn gap_instances_are_events_of_their_own_and_repeated_ends_overrides() {
    let events = feed_of("dst-edges", "ny.ics");
    let ny = |value: &str| Some(("America/New_York".to_owned(), value.to_owned()));
    let master = |uid: &str| {
        events
            .iter()
            .find(|e| e.uid == uid && e.rrule.is_some())
            .unwrap_or_else(|| panic!("{uid}"))
    };
    // The rule's 02:30 on 2021-03-14 does not exist: no RECURRENCE-ID names
    // it; the instance is excluded and the occurrence has its own UID.
    let gap = master("gap-start.ny@edges-new-york.maintcal");
    assert_eq!(gap.exdate, ny("20210314T023000"));
    assert!(
        !events
            .iter()
            .any(|e| e.recurrence_id == ny("20210314T023000"))
    );
    let own = events
        .iter()
        .find(|e| e.uid == "gap-start.ny.20210314@edges-new-york.maintcal")
        .unwrap();
    assert_eq!(own.rrule, None);
    assert_eq!(own.recurrence_id, None);
    assert_eq!(own.dtstart, ny("20210314T033000").unwrap());
    assert_eq!(own.dtend, ny("20210314T040000").unwrap());
    // Wholly in the gap: excluded, and no event of its own.
    assert_eq!(
        master("in-gap.ny@edges-new-york.maintcal").exdate,
        ny("20210314T021000")
    );
    assert!(!events.iter().any(|e| e.uid.starts_with("in-gap.ny.2021")));
    // An end in the repeated hour: an override, with the end in UTC (its
    // local name 01:20 is ambiguous).
    for (uid, id) in [
        ("end-repeated.ny@edges-new-york.maintcal", "20211107T004500"),
        (
            "into-repeated.ny@edges-new-york.maintcal",
            "20211106T233000",
        ),
    ] {
        let instance = events
            .iter()
            .find(|e| e.uid == uid && e.recurrence_id == ny(id))
            .unwrap_or_else(|| panic!("{uid} {id}"));
        assert_eq!(
            instance.dtend,
            (String::new(), "20211107T052000Z".to_owned())
        );
    }
    // The same in the other zones with a repeated hour: (feed, UID, zone,
    // RECURRENCE-ID, DTEND in UTC). Without the override, ical.js shows
    // each an hour (Troll: two hours, Lord Howe: half an hour) too long.
    for (feed, uid, zone, id, end) in [
        (
            "uk.ics",
            "end-repeated.uk@edges-london.maintcal",
            "Europe/London",
            "20211031T004500",
            "20211031T002000Z",
        ),
        (
            "uk.ics",
            "into-repeated.uk@edges-london.maintcal",
            "Europe/London",
            "20211030T233000",
            "20211031T002000Z",
        ),
        (
            "lh.ics",
            "end-repeated.lh@edges-lord-howe.maintcal",
            "Australia/Lord_Howe",
            "20210404T011000",
            "20210403T144500Z",
        ),
        (
            "troll.ics",
            "end-repeated.troll@edges-troll.maintcal",
            "Antarctica/Troll",
            "20211031T003000",
            "20211031T003000Z",
        ),
    ] {
        let events = feed_of("dst-edges", feed);
        let instance = events
            .iter()
            .find(|e| e.uid == uid && e.recurrence_id == Some((zone.to_owned(), id.to_owned())))
            .unwrap_or_else(|| panic!("{uid} {id}"));
        assert_eq!(instance.dtend, (String::new(), end.to_owned()), "{uid}");
    }
}

// ---- The rules of a recurring window, in three zones ------------------------
// New York (-04 in summer, 1 h gap), Lord Howe (+1030 in winter, +11 from
// 2021-10-03, 30 min gap), Troll (+02 in summer, 2 h gap). Each file of
// rules-in-three-zones has the same windows; the comments give the local
// times.

#[test]
fn rules_in_three_zones() {
    check(
        "rules-in-three-zones",
        &[
            (
                "ny",
                &[
                    // count-skip: 05-11 and 07-13 10:00-11:00 (06-08 skipped).
                    ("count-skip", "2021-05-11T14:00", "2021-05-11T15:00", C),
                    ("count-skip", "2021-07-13T14:00", "2021-07-13T15:00", C),
                    // interval-from: 06-15, 08-15, 10-15 10:00-11:00.
                    ("interval-from", "2021-06-15T14:00", "2021-06-15T15:00", C),
                    ("interval-from", "2021-08-15T14:00", "2021-08-15T15:00", C),
                    ("interval-from", "2021-10-15T14:00", "2021-10-15T15:00", C),
                    // until-change: 05-03, and 06-07 moved to 07-12.
                    ("until-change", "2021-05-03T14:00", "2021-05-03T15:00", C),
                    ("until-change", "2021-07-12T14:00", "2021-07-12T15:00", C),
                    // ranges: 10:00-12:00 and b's 10:15-10:45 on 05-20.
                    ("ranges", "2021-05-20T14:00", "2021-05-20T16:00", C),
                    ("ranges", "2021-05-20T14:15", "2021-05-20T14:45", C),
                    // sub-next-day: Friday 23:00-03:00, b Saturday 01:00-02:00.
                    ("sub-next-day", "2021-05-15T03:00", "2021-05-15T07:00", C),
                    ("sub-next-day", "2021-05-15T05:00", "2021-05-15T06:00", C),
                    ("sub-next-day", "2021-05-22T03:00", "2021-05-22T07:00", C),
                    ("sub-next-day", "2021-05-22T05:00", "2021-05-22T06:00", C),
                ],
            ),
            (
                "ny-web",
                &[
                    // ranges: 10:00-12:00 and y's 11:00-12:00.
                    ("ranges", "2021-05-20T14:00", "2021-05-20T16:00", C),
                    ("ranges", "2021-05-20T15:00", "2021-05-20T16:00", C),
                ],
            ),
            (
                "lh",
                &[
                    ("count-skip", "2021-05-10T23:30", "2021-05-11T00:30", C),
                    ("count-skip", "2021-07-12T23:30", "2021-07-13T00:30", C),
                    ("interval-from", "2021-06-14T23:30", "2021-06-15T00:30", C),
                    ("interval-from", "2021-08-14T23:30", "2021-08-15T00:30", C),
                    // +11 from 10-03.
                    ("interval-from", "2021-10-14T23:00", "2021-10-15T00:00", C),
                    ("until-change", "2021-05-02T23:30", "2021-05-03T00:30", C),
                    ("until-change", "2021-07-11T23:30", "2021-07-12T00:30", C),
                    ("ranges", "2021-05-19T23:30", "2021-05-20T01:30", C),
                    ("ranges", "2021-05-19T23:45", "2021-05-20T00:15", C),
                    ("sub-next-day", "2021-05-14T12:30", "2021-05-14T16:30", C),
                    ("sub-next-day", "2021-05-14T14:30", "2021-05-14T15:30", C),
                    ("sub-next-day", "2021-05-21T12:30", "2021-05-21T16:30", C),
                    ("sub-next-day", "2021-05-21T14:30", "2021-05-21T15:30", C),
                ],
            ),
            (
                "lh-web",
                &[
                    ("ranges", "2021-05-19T23:30", "2021-05-20T01:30", C),
                    ("ranges", "2021-05-20T00:30", "2021-05-20T01:30", C),
                ],
            ),
            (
                "troll",
                &[
                    ("count-skip", "2021-05-11T08:00", "2021-05-11T09:00", C),
                    ("count-skip", "2021-07-13T08:00", "2021-07-13T09:00", C),
                    ("interval-from", "2021-06-15T08:00", "2021-06-15T09:00", C),
                    ("interval-from", "2021-08-15T08:00", "2021-08-15T09:00", C),
                    ("interval-from", "2021-10-15T08:00", "2021-10-15T09:00", C),
                    ("until-change", "2021-05-03T08:00", "2021-05-03T09:00", C),
                    ("until-change", "2021-07-12T08:00", "2021-07-12T09:00", C),
                    ("ranges", "2021-05-20T08:00", "2021-05-20T10:00", C),
                    ("ranges", "2021-05-20T08:15", "2021-05-20T08:45", C),
                    ("sub-next-day", "2021-05-14T21:00", "2021-05-15T01:00", C),
                    ("sub-next-day", "2021-05-14T23:00", "2021-05-15T00:00", C),
                    ("sub-next-day", "2021-05-21T21:00", "2021-05-22T01:00", C),
                    ("sub-next-day", "2021-05-21T23:00", "2021-05-22T00:00", C),
                ],
            ),
            (
                "troll-web",
                &[
                    ("ranges", "2021-05-20T08:00", "2021-05-20T10:00", C),
                    ("ranges", "2021-05-20T09:00", "2021-05-20T10:00", C),
                ],
            ),
        ],
    );
}

/// `all.ics` holds one event per distinct time range of a window, whichever
/// groups use it, each describing the groups that have that range.
#[test]
fn all_holds_one_event_per_time_range() {
    let events = feed_of("rules-in-three-zones", "all.ics");
    for calendar in ["new-york", "lord-howe", "troll"] {
        let mut uids: Vec<&str> = events
            .iter()
            .filter(|e| {
                e.uid.starts_with("ranges.")
                    && e.uid.ends_with(&format!("@rules-{calendar}.maintcal"))
            })
            .map(|e| e.uid.as_str())
            .collect();
        uids.sort();
        let domain = format!("rules-{calendar}.maintcal");
        assert_eq!(
            uids,
            [
                format!("ranges.all.1015-1045@{domain}"),
                format!("ranges.all.1100-1200@{domain}"),
                format!("ranges.all@{domain}"),
            ],
            "{calendar}"
        );
        let of = |uid: String| events.iter().find(|e| e.uid == uid).unwrap();
        // The window's own hours concern both groups; each sub-range one.
        let whole = of(format!("ranges.all@{domain}"));
        assert!(whole.description.contains(" ops]") && whole.description.contains(" web]"));
        let b = of(format!("ranges.all.1015-1045@{domain}"));
        assert!(b.description.contains(" ops]") && !b.description.contains(" web]"));
        let y = of(format!("ranges.all.1100-1200@{domain}"));
        assert!(!y.description.contains(" ops]") && y.description.contains(" web]"));
    }
}

/// The subscribe page lists what the feeds hold: no occurrence whose hours
/// the clocks skip, and a start in the gap at the instant the feeds give.
#[test]
fn the_page_agrees_with_the_feeds() {
    let out = build(&case("dst-edges"));
    let page = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    // New York's in-gap window is listed on 2021-02-14 (02:10 EST = 07:10Z),
    // not on 03-14.
    assert!(
        page.contains("<time datetime=\"2021-02-14T07:10:00+00:00\">"),
        "{page}"
    );
    assert!(!page.contains("14 March 2021 02:10–02:40"), "{page}");
    // Troll's 02:00-04:00 on 2021-03-28 starts when the clocks resume, 03:00
    // +02 (01:00Z), as in the feeds; not at 02:00 read at +00 (04:00 +02).
    assert!(
        page.contains("<time datetime=\"2021-03-28T01:00:00+00:00\">"),
        "{page}"
    );
    assert!(
        !page.contains("<time datetime=\"2021-03-28T02:00:00+00:00\">"),
        "{page}"
    );
    assert!(page.contains("Sun 28 March 2021 03:00–04:00"), "{page}");
    // New York's 02:30 on 2021-03-14 is 03:30 EDT (07:30Z), and the page
    // says 03:30 as the calendar does, not the 02:30 that did not exist.
    assert!(
        page.contains("<time datetime=\"2021-03-14T07:30:00+00:00\">Sun 14 March 2021 03:30–04:00"),
        "{page}"
    );
}
