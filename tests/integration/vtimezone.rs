//! The VTIMEZONEs in the built feeds, read back with the icalendar crate's
//! parser and evaluated here (observance onsets expanded with the rrule
//! crate), against chrono-tz's tz data: for every feed of every fixture, and
//! every zone it uses, over the whole span of that zone's instances in the
//! feed (first start to last end), the offset the VTIMEZONE implies equals
//! chrono-tz's one second before and after each transition, and at each
//! instance's start and end. The same oracle (`support::oracle`, the only
//! one) also checks the VTIMEZONE writer on its own, for any zone and any
//! span, offsets and names.

use crate::support::internals::vtimezone_lines;
use crate::support::oracle::{chrono_name, chrono_offset, implied, transitions, vtimezones};
use crate::support::*;
use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn every_feed_vtimezone_matches_tzdata_over_its_span() {
    let mut zones_seen: BTreeSet<String> = BTreeSet::new();
    let mut transitions_checked = 0;
    for schedules in valid_schedule_folders() {
        let out = build(&schedules);
        for entry in std::fs::read_dir(out.path()).unwrap() {
            let feed = entry.unwrap().path();
            // The page and the manifest are no calendars.
            if feed.extension().is_none_or(|ext| ext != "ics") {
                continue;
            }
            let events = parse_feed(&feed);
            let instances = expand_feed(&events);
            // Each instance's zone: that of its series or its own TZID.
            let zone_of: BTreeMap<&str, &str> = events
                .iter()
                .flat_map(|e| [(&e.uid, &e.dtstart.0), (&e.uid, &e.dtend.0)])
                .filter(|(_, tzid)| !tzid.is_empty())
                .map(|(uid, tzid)| (uid.as_str(), tzid.as_str()))
                .collect();
            let mut spans: BTreeMap<&str, (DateTime<Utc>, DateTime<Utc>)> = BTreeMap::new();
            for instance in &instances {
                let Some(&tzid) = zone_of.get(instance.uid.as_str()) else {
                    continue; // written wholly in UTC: no zone involved
                };
                let span = spans.entry(tzid).or_insert((instance.start, instance.end));
                span.0 = span.0.min(instance.start);
                span.1 = span.1.max(instance.end);
            }
            let last = spans.values().map(|s| s.1).max().unwrap_or_default();
            let text = std::fs::read_to_string(&feed).unwrap();
            let vtimezones = vtimezones(&text, last + chrono::Duration::days(3 * 366));
            let used: BTreeSet<&str> = zone_of.values().copied().collect();
            let defined: BTreeSet<&str> = vtimezones.keys().map(String::as_str).collect();
            assert!(
                used.is_subset(&defined),
                "{}: a VTIMEZONE for every zone used",
                feed.display()
            );
            for (tzid, (first, last)) in spans {
                let tz: chrono_tz::Tz = tzid.parse().unwrap();
                let onsets = &vtimezones[tzid];
                let check = |t: i64| {
                    assert_eq!(
                        implied(onsets, t, tzid).offset,
                        chrono_offset(tz, t),
                        "{}: {tzid} at {}",
                        feed.display(),
                        DateTime::from_timestamp(t, 0).unwrap()
                    );
                };
                for t in transitions(tz, first.timestamp(), last.timestamp()) {
                    check(t - 1);
                    check(t);
                    check(t + 1);
                    transitions_checked += 1;
                }
                for instance in instances
                    .iter()
                    .filter(|i| zone_of.get(i.uid.as_str()) == Some(&tzid))
                {
                    check(instance.start.timestamp());
                    check(instance.end.timestamp());
                }
                check(first.timestamp());
                check(last.timestamp());
                zones_seen.insert(tzid.to_owned());
            }
        }
    }
    for zone in [
        "America/New_York",
        "Europe/London",
        "Europe/Dublin",
        "Australia/Lord_Howe",
        "America/Sao_Paulo",
        "Asia/Tokyo",
    ] {
        assert!(zones_seen.contains(zone), "no fixture feed uses {zone}");
    }
    assert!(transitions_checked > 20, "{transitions_checked}");
}

/// The exact lines for two zones, written out by hand: the shapes Outlook
/// reads (one yearly pair with RRULE; eras with UNTIL; one STANDARD).
#[test]
fn vtimezone_shapes_in_the_feeds() {
    let lines = |case: &str, feed: &str| -> Vec<String> {
        let out = build(&crate::support::case(case));
        let text = std::fs::read_to_string(out.path().join(feed)).unwrap();
        let unfolded = text.replace("\r\n ", "");
        let begin = unfolded.find("BEGIN:VTIMEZONE").unwrap();
        let end = unfolded.rfind("END:VTIMEZONE").unwrap();
        unfolded[begin..end + "END:VTIMEZONE".len()]
            .split("\r\n")
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        lines("dst-new-york", "ops.ics"),
        [
            "BEGIN:VTIMEZONE",
            "TZID:America/New_York",
            "BEGIN:DAYLIGHT",
            "DTSTART:20070311T020000",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
            "TZOFFSETFROM:-0500",
            "TZOFFSETTO:-0400",
            "TZNAME:EDT",
            "END:DAYLIGHT",
            "BEGIN:STANDARD",
            "DTSTART:20071104T020000",
            "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
            "TZOFFSETFROM:-0400",
            "TZOFFSETTO:-0500",
            "TZNAME:EST",
            "END:STANDARD",
            "END:VTIMEZONE",
        ]
    );
    assert_eq!(
        lines("leap-day", "ops.ics"),
        [
            "BEGIN:VTIMEZONE",
            "TZID:Asia/Tokyo",
            "BEGIN:STANDARD",
            "DTSTART:19700101T000000",
            "TZOFFSETFROM:+0900",
            "TZOFFSETTO:+0900",
            "TZNAME:JST",
            "END:STANDARD",
            "END:VTIMEZONE",
        ]
    );
    // Sao Paulo 2018-2019: yearly rules that end with UNTIL, then -03.
    let sao_paulo = lines("sao-paulo-rule-change", "ops.ics");
    let untils: Vec<&String> = sao_paulo.iter().filter(|l| l.contains("UNTIL=")).collect();
    assert!(!untils.is_empty(), "{sao_paulo:#?}");
    assert!(
        sao_paulo
            .iter()
            .all(|l| !l.starts_with("RRULE") || l.contains("UNTIL=")),
        "no rule is open-ended after 2019: {sao_paulo:#?}"
    );
}

fn ymd(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

/// The VTIMEZONE maintcal writes for `tz` over `[start, end]`, held against
/// chrono-tz at every transition (±1 s) and at a stride of instants that
/// drifts through every time of day: offset and TZNAME. Returns how many
/// transitions there were.
fn check_span(tz: chrono_tz::Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> usize {
    let lines = vtimezone_lines(tz, start, end);
    let text = format!(
        "BEGIN:VCALENDAR\r\n{}\r\nEND:VCALENDAR\r\n",
        lines.join("\r\n")
    );
    let zones = vtimezones(&text, end + chrono::Duration::days(3 * 366));
    let onsets = &zones[tz.name()];
    let check = |t: i64| {
        let onset = implied(onsets, t, tz.name());
        assert_eq!(
            onset.offset,
            chrono_offset(tz, t),
            "{tz} offset at {t}\n{}",
            lines.join("\n")
        );
        assert_eq!(
            onset.name.as_deref(),
            Some(chrono_name(tz, t).as_str()),
            "{tz} name at {t}"
        );
    };
    let (from, to) = (start.timestamp(), end.timestamp());
    let found = transitions(tz, from, to);
    for &t in &found {
        for dt in [-1, 0, 1] {
            check(t + dt);
        }
    }
    let mut t = from;
    while t <= to {
        check(t);
        t += 6 * 3600 + 1234;
    }
    check(to);
    found.len()
}

const ZONES: [chrono_tz::Tz; 7] = [
    chrono_tz::Asia::Tokyo,
    chrono_tz::America::New_York,
    chrono_tz::Europe::London,
    chrono_tz::Europe::Dublin,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::America::Sao_Paulo,
    chrono_tz::Australia::Sydney,
];

#[test]
fn vtimezones_imply_tzdata_offsets_and_names_over_a_decade() {
    for tz in ZONES {
        let checked = check_span(tz, ymd(2015, 1, 1), ymd(2025, 12, 31));
        let expected = if tz == chrono_tz::Asia::Tokyo {
            0
        } else if tz == chrono_tz::America::Sao_Paulo {
            9 // DST ends Feb 2015 ..= Feb 2019 (5), starts Oct 2015 ..= Nov 2018 (4)
        } else {
            22
        };
        assert_eq!(checked, expected, "{tz}");
    }
    assert_eq!(
        check_span(
            chrono_tz::America::Sao_Paulo,
            ymd(2017, 1, 1),
            ymd(2021, 12, 31)
        ),
        5
    );
    // Spans across rule changes: US 2007, UK before 1996, Brazil's many eras.
    for tz in ZONES {
        check_span(tz, ymd(1995, 6, 1), ymd(2009, 6, 1));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any zone in chrono-tz, any span of up to three years between 1971
    /// and 2095: the VTIMEZONE implies chrono-tz's offsets and names.
    #[test]
    fn any_zone_any_span(
        zone in 0..chrono_tz::TZ_VARIANTS.len(),
        start in ymd(1971, 1, 1).timestamp()..ymd(2095, 1, 1).timestamp(),
        length in 0i64..3 * 366 * 86_400,
    ) {
        let tz = chrono_tz::TZ_VARIANTS[zone];
        let start = DateTime::from_timestamp(start, 0).unwrap();
        let end = DateTime::from_timestamp(start.timestamp() + length, 0).unwrap();
        check_span(tz, start, end);
    }
}
