//! The VTIMEZONEs in the built feeds, read back with the icalendar crate's
//! parser and evaluated here (observance onsets expanded with the rrule
//! crate), against chrono-tz's tz data: for every feed of every fixture, and
//! every zone it uses, over the whole span of that zone's instances in the
//! feed (first start to last end), the offset the VTIMEZONE implies equals
//! chrono-tz's one second before and after each transition, and at each
//! instance's start and end.

mod common;

use chrono::{DateTime, NaiveDateTime, Offset, TimeZone, Utc};
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One STANDARD/DAYLIGHT: its onsets as (instant, offset it sets).
fn onsets(properties: &BTreeMap<String, String>, until: DateTime<Utc>) -> Vec<(i64, i32)> {
    let offset = |name: &str| -> i32 {
        let text = &properties[name];
        let sign = if text.starts_with('-') { -1 } else { 1 };
        let digits = &text[1..];
        let part = |i: usize| digits[i..i + 2].parse::<i32>().unwrap();
        let seconds = if digits.len() == 6 { part(4) } else { 0 };
        sign * (part(0) * 3600 + part(2) * 60 + seconds)
    };
    let (from, to) = (offset("TZOFFSETFROM"), offset("TZOFFSETTO"));
    let dtstart = NaiveDateTime::parse_from_str(&properties["DTSTART"], "%Y%m%dT%H%M%S")
        .expect("DTSTART is a local date-time");
    // RFC 5545 §3.6.5: onsets are local times in TZOFFSETFROM.
    let at = |wall: NaiveDateTime| wall.and_utc().timestamp() - i64::from(from);
    let Some(rule) = properties.get("RRULE") else {
        return vec![(at(dtstart), to)];
    };
    // Expand in wall-clock time (as if UTC); UNTIL, which is UTC, becomes
    // the wall-clock time it is in TZOFFSETFROM.
    let rule: String = rule
        .split(';')
        .map(|part| match part.strip_prefix("UNTIL=") {
            Some(value) => {
                let until = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%SZ")
                    .expect("UNTIL in UTC")
                    + chrono::Duration::seconds(i64::from(from));
                format!("UNTIL={}Z", until.format("%Y%m%dT%H%M%S"))
            }
            None => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(";");
    let text = format!("DTSTART:{}Z\nRRULE:{rule}", dtstart.format("%Y%m%dT%H%M%S"));
    let set: rrule::RRuleSet = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
    let limit = rrule::Tz::UTC.from_utc_datetime(&until.naive_utc());
    let walls: Vec<NaiveDateTime> = set
        .before(limit)
        .all(u16::MAX)
        .dates
        .into_iter()
        .map(|d| d.naive_utc())
        .collect();
    assert_eq!(
        walls.first(),
        Some(&dtstart),
        "{text}: DTSTART is the first onset"
    );
    walls.into_iter().map(|wall| (at(wall), to)).collect()
}

/// The VTIMEZONEs of a feed: TZID -> onsets sorted by instant.
fn vtimezones(feed: &Path, until: DateTime<Utc>) -> BTreeMap<String, Vec<(i64, i32)>> {
    let text = std::fs::read_to_string(feed).unwrap();
    let unfolded = icalendar::parser::unfold(&text);
    let calendar = icalendar::parser::read_calendar(&unfolded).unwrap();
    let mut zones = BTreeMap::new();
    for zone in calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VTIMEZONE")
    {
        let tzid = zone
            .properties
            .iter()
            .find(|p| p.name.as_str() == "TZID")
            .map(|p| p.val.as_str().to_owned())
            .expect("TZID");
        let mut all = Vec::new();
        for observance in &zone.components {
            assert!(matches!(observance.name.as_str(), "STANDARD" | "DAYLIGHT"));
            let properties: BTreeMap<String, String> = observance
                .properties
                .iter()
                .map(|p| (p.name.as_str().to_owned(), p.val.as_str().to_owned()))
                .collect();
            assert!(!properties.contains_key("RDATE"), "{tzid}: no RDATE");
            all.extend(onsets(&properties, until));
        }
        all.sort();
        for pair in all.windows(2) {
            assert_ne!(pair[0].0, pair[1].0, "{tzid}: two onsets at one instant");
        }
        assert!(zones.insert(tzid.clone(), all).is_none(), "{tzid} twice");
    }
    zones
}

/// The offset the VTIMEZONE gives at `t`: that of the latest onset at or
/// before it.
fn implied(onsets: &[(i64, i32)], t: i64, tzid: &str) -> i32 {
    let i = onsets.partition_point(|o| o.0 <= t);
    assert!(i > 0, "{tzid}: {t} precedes every observance");
    onsets[i - 1].1
}

fn chrono_offset(tz: chrono_tz::Tz, t: i64) -> i32 {
    tz.offset_from_utc_datetime(&DateTime::from_timestamp(t, 0).unwrap().naive_utc())
        .fix()
        .local_minus_utc()
}

/// chrono-tz's transitions in `[from, to]`, to the second: an hourly scan,
/// then a bisection, written here apart from maintcal's own search.
fn transitions(tz: chrono_tz::Tz, from: i64, to: i64) -> Vec<i64> {
    let mut found = Vec::new();
    let mut t = from;
    while t < to {
        let next = (t + 3600).min(to);
        if chrono_offset(tz, t) != chrono_offset(tz, next) {
            let (mut a, mut b) = (t, next);
            while b - a > 1 {
                let mid = a + (b - a) / 2;
                if chrono_offset(tz, mid) == chrono_offset(tz, a) {
                    a = mid;
                } else {
                    b = mid;
                }
            }
            found.push(b);
        }
        t = next;
    }
    found
}

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
            let vtimezones = vtimezones(&feed, last + chrono::Duration::days(3 * 366));
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
                        implied(onsets, t, tzid),
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
        let out = build(&repo_path(&format!("tests/cases/{case}/schedules")));
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
