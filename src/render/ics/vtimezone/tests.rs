//! The VTIMEZONE checked against chrono-tz by an evaluator of its own: the
//! emitted lines are parsed, their observances expanded, and the offset they
//! imply at every transition (and a stride of instants) compared with the
//! tz data.

use super::*;
use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};
use chrono::{Offset as _, TimeZone, Utc};
use chrono_tz::OffsetName;
use proptest::prelude::*;

fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

fn lines_for(tz: Tz, from_year: i32, to_year: i32) -> Vec<String> {
    lines(tz, utc(from_year, 1, 1), utc(to_year, 12, 31))
}

// ---- An evaluator for the emitted lines, independent of the module ----

#[derive(Debug)]
struct Obs {
    kind: String,
    dtstart: NaiveDateTime,
    from: i64,
    to: i64,
    name: Option<String>,
    rrule: Option<String>,
    rule: Option<Rule>,
}

#[derive(Debug)]
struct Rule {
    month: u32,
    /// (n, weekday) with n in 1..=4 or -1.
    byday: Option<(i32, Weekday)>,
    monthday: Option<u32>,
    until: Option<i64>,
}

fn parse_offset(s: &str) -> i64 {
    let sign = match &s[..1] {
        "+" => 1,
        "-" => -1,
        _ => panic!("offset without sign: {s}"),
    };
    let digits = &s[1..];
    assert!(digits.len() == 4 || digits.len() == 6, "bad offset {s}");
    let part = |i: usize| digits[i..i + 2].parse::<i64>().unwrap();
    let secs = if digits.len() == 6 { part(4) } else { 0 };
    sign * (part(0) * 3600 + part(2) * 60 + secs)
}

fn parse_weekday(s: &str) -> Weekday {
    match s {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => panic!("bad weekday {s}"),
    }
}

fn parse_rule(value: &str) -> Rule {
    let mut rule = Rule {
        month: 0,
        byday: None,
        monthday: None,
        until: None,
    };
    let mut freq = None;
    for part in value.split(';') {
        let (key, val) = part.split_once('=').unwrap();
        match key {
            "FREQ" => freq = Some(val.to_owned()),
            "BYMONTH" => rule.month = val.parse().unwrap(),
            "BYDAY" => {
                let (n, wd) = val.split_at(val.len() - 2);
                rule.byday = Some((n.parse().unwrap(), parse_weekday(wd)));
            }
            "BYMONTHDAY" => rule.monthday = Some(val.parse().unwrap()),
            "UNTIL" => {
                let until = NaiveDateTime::parse_from_str(val, "%Y%m%dT%H%M%SZ")
                    .expect("UNTIL must be UTC");
                rule.until = Some(until.and_utc().timestamp());
            }
            _ => panic!("unexpected RRULE part {part}"),
        }
    }
    assert_eq!(freq.as_deref(), Some("YEARLY"));
    assert!((1..=12).contains(&rule.month), "BYMONTH missing: {value}");
    assert!(rule.byday.is_some() != rule.monthday.is_some(), "{value}");
    rule
}

fn parse(lines: &[String]) -> Vec<Obs> {
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VTIMEZONE"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VTIMEZONE"));
    assert!(lines[1].starts_with("TZID:"));
    let mut out = Vec::new();
    let mut current: Option<(String, Vec<(String, String)>)> = None;
    for line in &lines[2..lines.len() - 1] {
        let (key, value) = line.split_once(':').unwrap();
        match (key, current.as_mut()) {
            ("BEGIN", None) => current = Some((value.to_owned(), Vec::new())),
            ("END", Some((kind, props))) => {
                assert_eq!(value, kind);
                let get = |k: &str| {
                    let found: Vec<_> = props.iter().filter(|(pk, _)| pk == k).collect();
                    assert!(found.len() <= 1, "{k} repeated");
                    found.first().map(|(_, v)| v.clone())
                };
                let rrule = get("RRULE");
                out.push(Obs {
                    kind: kind.clone(),
                    dtstart: NaiveDateTime::parse_from_str(
                        &get("DTSTART").expect("DTSTART"),
                        "%Y%m%dT%H%M%S",
                    )
                    .unwrap(),
                    from: parse_offset(&get("TZOFFSETFROM").expect("TZOFFSETFROM")),
                    to: parse_offset(&get("TZOFFSETTO").expect("TZOFFSETTO")),
                    name: get("TZNAME"),
                    rule: rrule.as_deref().map(parse_rule),
                    rrule,
                });
                current = None;
            }
            (_, Some((_, props))) => props.push((key.to_owned(), value.to_owned())),
            _ => panic!("unexpected line {line}"),
        }
    }
    assert!(current.is_none());
    out
}

/// Day of a BYDAY/BYMONTHDAY rule, by listing the month's days.
fn rule_date(rule: &Rule, year: i32) -> Option<NaiveDate> {
    let days: Vec<NaiveDate> = (1..=31)
        .filter_map(|d| NaiveDate::from_ymd_opt(year, rule.month, d))
        .collect();
    if let Some(day) = rule.monthday {
        return days.into_iter().find(|d| d.day() == day);
    }
    let (n, weekday) = rule.byday?;
    let matching: Vec<NaiveDate> = days
        .into_iter()
        .filter(|d| d.weekday() == weekday)
        .collect();
    if n == -1 {
        matching.last().copied()
    } else {
        matching.get(usize::try_from(n - 1).ok()?).copied()
    }
}

/// UTC onsets of an observance through `max_year`, with the wall-clock
/// times they were generated from.
fn onsets(obs: &Obs, max_year: i32) -> Vec<(i64, NaiveDateTime)> {
    let to_utc = |wall: NaiveDateTime| wall.and_utc().timestamp() - obs.from;
    let Some(rule) = &obs.rule else {
        return vec![(to_utc(obs.dtstart), obs.dtstart)];
    };
    let mut out = Vec::new();
    for year in obs.dtstart.year()..=max_year {
        let Some(date) = rule_date(rule, year) else {
            continue;
        };
        let wall = date.and_time(obs.dtstart.time());
        if wall < obs.dtstart {
            continue;
        }
        let at = to_utc(wall);
        if rule.until.is_some_and(|until| at > until) {
            break;
        }
        out.push((at, wall));
    }
    // RFC 5545: DTSTART must be the first instance of its RRULE.
    assert_eq!(out.first().map(|o| o.1), Some(obs.dtstart), "{obs:?}");
    out
}

/// The VTIMEZONE's offset and name for instants: latest onset wins.
struct Implied {
    onsets: Vec<(i64, i64, Option<String>)>,
}

impl Implied {
    fn new(obs: &[Obs], max_year: i32) -> Self {
        let mut onsets: Vec<_> = obs
            .iter()
            .flat_map(|o| {
                onsets(o, max_year)
                    .into_iter()
                    .map(|(at, _)| (at, o.to, o.name.clone()))
            })
            .collect();
        onsets.sort_by_key(|o| o.0);
        for pair in onsets.windows(2) {
            assert_ne!(pair[0].0, pair[1].0, "two onsets at one instant");
        }
        Implied { onsets }
    }

    fn at(&self, t: i64) -> (i64, Option<String>) {
        let i = self.onsets.partition_point(|o| o.0 <= t);
        assert!(i > 0, "instant {t} precedes every onset");
        (self.onsets[i - 1].1, self.onsets[i - 1].2.clone())
    }
}

/// chrono-tz's offset and name, through `Offset::fix` rather than the
/// components the module uses.
fn chrono_at(tz: Tz, t: i64) -> (i64, String) {
    let offset = tz.offset_from_utc_datetime(&DateTime::from_timestamp(t, 0).unwrap().naive_utc());
    let total = i64::from(offset.fix().local_minus_utc());
    let name = match offset.abbreviation() {
        Some(a) if !a.starts_with(['+', '-']) => a.to_owned(),
        _ => {
            let (sign, abs) = if total < 0 {
                ('-', -total)
            } else {
                ('+', total)
            };
            let mut s = format!("{sign}{:02}{:02}", abs / 3600, abs / 60 % 60);
            if abs % 60 != 0 {
                s.push_str(&format!("{:02}", abs % 60));
            }
            s
        }
    };
    (total, name)
}

/// Transitions of the total offset in `[from, to]`: an hourly scan, then
/// minute and second scans inside the hour.
fn scanned_transitions(tz: Tz, from: i64, to: i64) -> Vec<i64> {
    let off = |t: i64| chrono_at(tz, t).0;
    let mut found = Vec::new();
    let mut t = from;
    while t < to {
        if off(t) != off(t + 3600) {
            let minute = (0..=60)
                .map(|m| t + m * 60)
                .find(|&m| off(m) != off(t))
                .unwrap();
            let second = (0..=60)
                .map(|s| minute - 60 + s)
                .find(|&s| off(s) != off(t))
                .unwrap();
            found.push(second);
        }
        t += 3600;
    }
    found
}

/// Checks the VTIMEZONE for `[start, end]` against chrono-tz at every
/// transition (±1 s) and at a stride of instants; returns how many
/// transitions were checked.
fn check_span(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> usize {
    let lines = lines(tz, start, end);
    let obs = parse(&lines);
    let implied = Implied::new(&obs, end.year() + 3);
    let (from, to) = (start.timestamp(), end.timestamp());
    let check = |t: i64| {
        let (offset, name) = implied.at(t);
        let (want_offset, want_name) = chrono_at(tz, t);
        assert_eq!(
            offset,
            want_offset,
            "{tz} offset at {t}\n{}",
            lines.join("\n")
        );
        assert_eq!(
            name.as_deref(),
            Some(want_name.as_str()),
            "{tz} name at {t}"
        );
    };
    let transitions = scanned_transitions(tz, from, to);
    for &t in &transitions {
        for dt in [-1, 0, 1] {
            check(t + dt);
        }
    }
    // A stride that drifts through every time of day.
    let mut t = from;
    while t <= to {
        check(t);
        t += 6 * 3600 + 1234;
    }
    check(to);
    transitions.len()
}

const ZONES: [Tz; 7] = [
    chrono_tz::Asia::Tokyo,
    chrono_tz::America::New_York,
    chrono_tz::Europe::London,
    chrono_tz::Europe::Dublin,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::America::Sao_Paulo,
    chrono_tz::Australia::Sydney,
];

fn observance_blocks(lines: &[String]) -> Vec<&[String]> {
    let mut blocks = Vec::new();
    let mut begin = None;
    for (i, line) in lines.iter().enumerate() {
        match line.as_str() {
            "BEGIN:STANDARD" | "BEGIN:DAYLIGHT" => begin = Some(i),
            "END:STANDARD" | "END:DAYLIGHT" => {
                blocks.push(&lines[begin.take().unwrap()..=i]);
            }
            _ => {}
        }
    }
    blocks
}

// ---- Tests ----

#[test]
fn tokyo_is_one_fixed_standard() {
    let lines = lines_for(chrono_tz::Asia::Tokyo, 2024, 2026);
    assert_eq!(
        lines,
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
}

#[test]
fn new_york_is_one_yearly_pair() {
    let lines = lines_for(chrono_tz::America::New_York, 2020, 2022);
    let obs = parse(&lines);
    assert_eq!(obs.len(), 2, "{lines:#?}");
    let daylight = obs.iter().find(|o| o.kind == "DAYLIGHT").unwrap();
    let standard = obs.iter().find(|o| o.kind == "STANDARD").unwrap();
    assert_eq!(
        daylight.rrule.as_deref(),
        Some("FREQ=YEARLY;BYMONTH=3;BYDAY=2SU")
    );
    assert_eq!(
        standard.rrule.as_deref(),
        Some("FREQ=YEARLY;BYMONTH=11;BYDAY=1SU")
    );
    assert!(daylight.dtstart.year() <= 2019 && standard.dtstart.year() <= 2019);
    // The rule's real start, found by extending backwards.
    assert_eq!(daylight.dtstart.to_string(), "2007-03-11 02:00:00");
    assert_eq!(standard.dtstart.to_string(), "2007-11-04 02:00:00");
    assert_eq!((daylight.from, daylight.to), (-5 * 3600, -4 * 3600));
    assert_eq!((standard.from, standard.to), (-4 * 3600, -5 * 3600));
    assert_eq!(daylight.name.as_deref(), Some("EDT"));
    assert_eq!(standard.name.as_deref(), Some("EST"));
    assert!(lines.contains(&"DTSTART:20070311T020000".to_owned()));
}

#[test]
fn sao_paulo_era_ends_with_until() {
    let lines = lines_for(chrono_tz::America::Sao_Paulo, 2017, 2021);
    let obs = parse(&lines);
    // Every yearly rule ends with UNTIL, none after the 2019 abolition.
    for o in &obs {
        if let Some(rule) = &o.rule {
            let until = rule.until.expect("Sao Paulo rules must end");
            assert!(until <= utc(2019, 3, 1).timestamp(), "{lines:#?}");
        }
    }
    // The last onset is the end of DST in February 2019, to -03 for good.
    let implied = Implied::new(&obs, 2030);
    let &(last_at, last_to, ref last_name) = implied.onsets.last().unwrap();
    assert_eq!(
        DateTime::from_timestamp(last_at, 0).unwrap(),
        Utc.with_ymd_and_hms(2019, 2, 17, 2, 0, 0).unwrap()
    );
    assert_eq!((last_to, last_name.as_deref()), (-3 * 3600, Some("-0300")));
    assert!(
        obs.iter()
            .all(|o| o.kind == "STANDARD" || o.to == -2 * 3600)
    );
}

#[test]
fn lord_howe_has_half_hour_dst_and_numeric_names() {
    let lines = lines_for(chrono_tz::Australia::Lord_Howe, 2020, 2025);
    let obs = parse(&lines);
    assert_eq!(obs.len(), 2, "{lines:#?}");
    for o in &obs {
        let expected = match o.kind.as_str() {
            "DAYLIGHT" => (37_800, 39_600, "+1100", "FREQ=YEARLY;BYMONTH=10;BYDAY=1SU"),
            _ => (39_600, 37_800, "+1030", "FREQ=YEARLY;BYMONTH=4;BYDAY=1SU"),
        };
        assert_eq!(
            (
                o.from,
                o.to,
                o.name.as_deref().unwrap(),
                o.rrule.as_deref().unwrap()
            ),
            expected
        );
    }
}

#[test]
fn dublin_summer_is_daylight_despite_negative_dst() {
    let lines = lines_for(chrono_tz::Europe::Dublin, 2020, 2025);
    let obs = parse(&lines);
    assert_eq!(obs.len(), 2, "{lines:#?}");
    for o in &obs {
        match o.kind.as_str() {
            "DAYLIGHT" => {
                assert_eq!((o.to, o.name.as_deref()), (3600, Some("IST")));
                assert_eq!(o.rrule.as_deref(), Some("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"));
            }
            _ => {
                assert_eq!((o.to, o.name.as_deref()), (0, Some("GMT")));
                assert_eq!(
                    o.rrule.as_deref(),
                    Some("FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
                );
            }
        }
    }
}

#[test]
fn sydney_and_london_rules() {
    let sydney = lines_for(chrono_tz::Australia::Sydney, 2015, 2025);
    for expected in [
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU",
        "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU",
        "TZNAME:AEDT",
        "TZNAME:AEST",
    ] {
        assert!(
            sydney.iter().any(|l| l == expected),
            "{expected}: {sydney:#?}"
        );
    }
    let london = lines_for(chrono_tz::Europe::London, 2015, 2025);
    assert_eq!(parse(&london).len(), 2, "{london:#?}");
    assert!(
        london
            .iter()
            .any(|l| l == "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")
    );
    assert!(
        london
            .iter()
            .any(|l| l == "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
    );
}

#[test]
fn implied_offsets_match_chrono_tz() {
    for tz in ZONES {
        let checked = check_span(tz, utc(2015, 1, 1), utc(2025, 12, 31));
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
            utc(2017, 1, 1),
            utc(2021, 12, 31)
        ),
        5
    );
    // Spans across rule changes: US 2007, UK before 1996, Brazil's many eras.
    for tz in ZONES {
        check_span(tz, utc(1995, 6, 1), utc(2009, 6, 1));
    }
}

#[test]
fn every_observance_is_complete_and_there_is_no_rdate() {
    for tz in ZONES {
        for (from, to) in [(2015, 2025), (2017, 2021), (1990, 2000), (2030, 2031)] {
            let lines = lines_for(tz, from, to);
            assert!(lines.iter().all(|l| !l.contains("RDATE")), "{tz}");
            let blocks = observance_blocks(&lines);
            assert!(!blocks.is_empty());
            for block in blocks {
                for property in ["DTSTART:", "TZOFFSETFROM:", "TZOFFSETTO:", "TZNAME:"] {
                    let count = block.iter().filter(|l| l.starts_with(property)).count();
                    assert_eq!(count, 1, "{property} in {block:#?}");
                }
            }
        }
    }
}

#[test]
fn output_is_deterministic_and_stable_within_an_era() {
    let ny = chrono_tz::America::New_York;
    assert_eq!(lines_for(ny, 2020, 2022), lines_for(ny, 2020, 2022));
    // The same rules describe 2012..2014 and 2020..2022.
    assert_eq!(lines_for(ny, 2012, 2014), lines_for(ny, 2020, 2022));
}

/// The test evaluator's RRULE expansion agrees with the `rrule` crate's.
/// Wall-clock times are expanded as if UTC, so no zone is involved.
#[test]
fn rrule_expansion_agrees_with_rrule_crate() {
    for tz in ZONES {
        let obs = parse(&lines_for(tz, 2000, 2025));
        for o in obs.iter().filter(|o| o.rule.is_some()) {
            let ours: Vec<NaiveDateTime> =
                onsets(o, 2030).into_iter().map(|(_, wall)| wall).collect();
            let mut rrule = o.rrule.clone().unwrap();
            if let Some(until) = o.rule.as_ref().and_then(|r| r.until) {
                // UNTIL (UTC) as a wall-clock time in TZOFFSETFROM.
                let wall = DateTime::from_timestamp(until + o.from, 0).unwrap();
                let (head, _) = rrule.split_once(";UNTIL=").unwrap();
                rrule = format!("{head};UNTIL={}", wall.format("%Y%m%dT%H%M%SZ"));
            }
            let text = format!(
                "DTSTART:{}Z\nRRULE:{rrule}",
                o.dtstart.format("%Y%m%dT%H%M%S")
            );
            let set: rrule::RRuleSet = text.parse().unwrap();
            let before = rrule::Tz::UTC
                .with_ymd_and_hms(2030, 12, 31, 23, 59, 59)
                .unwrap();
            let theirs: Vec<NaiveDateTime> = set
                .before(before)
                .all(u16::MAX)
                .dates
                .into_iter()
                .map(|d| d.naive_utc())
                .collect();
            assert_eq!(ours, theirs, "{tz} {text}");
        }
    }
}

#[test]
fn clamp_bounds_are_the_documented_dates() {
    assert_eq!(DateTime::from_timestamp(MIN_SECS, 0).unwrap(), utc(1, 1, 1));
    assert_eq!(
        DateTime::from_timestamp(MAX_SECS, 0).unwrap(),
        utc(9999, 1, 1)
    );
    // Extreme spans do not panic.
    let lines = lines(
        chrono_tz::Europe::London,
        DateTime::<Utc>::MIN_UTC,
        DateTime::<Utc>::MAX_UTC,
    );
    assert!(lines.len() > 2);
}

#[test]
fn reversed_span_is_the_same_span() {
    let tz = chrono_tz::Europe::London;
    assert_eq!(
        lines(tz, utc(2025, 1, 1), utc(2020, 1, 1)),
        lines(tz, utc(2020, 1, 1), utc(2025, 1, 1))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any zone in chrono-tz, any span of up to three years between
    /// 1971 and 2095: the VTIMEZONE implies chrono-tz's offsets.
    #[test]
    fn any_zone_any_span(
        zone in 0..chrono_tz::TZ_VARIANTS.len(),
        start in utc(1971, 1, 1).timestamp()..utc(2095, 1, 1).timestamp(),
        length in 0i64..3 * 366 * SECS_PER_DAY,
    ) {
        let tz = chrono_tz::TZ_VARIANTS[zone];
        let start = DateTime::from_timestamp(start, 0).unwrap();
        let end = DateTime::from_timestamp(start.timestamp() + length, 0).unwrap();
        check_span(tz, start, end);
    }
}
