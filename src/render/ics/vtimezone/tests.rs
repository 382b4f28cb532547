//! The VTIMEZONE's shape, line by line: observances, rules, names, no
//! RDATE. Whether the offsets it implies are chrono-tz's, at every
//! transition of any zone and span, is checked by the one VTIMEZONE oracle
//! in the integration tests (`tests/integration/support/oracle.rs`).

use super::*;
use chrono::{Datelike, NaiveDateTime, Weekday};
use chrono::{TimeZone, Utc};

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

/// Pacific/Apia moved across the date line at the end of 2011-12-29 while
/// in DST (-10 to +14), with DST on both sides. Its onset is STANDARD, so a
/// reader that takes a DAYLIGHT's DST to be TZOFFSETTO - TZOFFSETFROM
/// (python-dateutil, under vobject) never meets a DST of 24 hours; the DST
/// onsets around it stay DAYLIGHT, and the yearly pair after it is intact.
#[test]
fn a_date_line_jump_is_standard_and_no_daylight_moves_a_day() {
    let lines = lines_for(chrono_tz::Pacific::Apia, 2011, 2012);
    let blocks = observance_blocks(&lines);
    let jump: Vec<&[String]> = blocks
        .iter()
        .copied()
        .filter(|b| b.iter().any(|l| l == "DTSTART:20111230T000000"))
        .collect();
    assert_eq!(
        jump,
        [[
            "BEGIN:STANDARD",
            "DTSTART:20111230T000000",
            "TZOFFSETFROM:-1000",
            "TZOFFSETTO:+1400",
            "TZNAME:+1400",
            "END:STANDARD",
        ]
        .map(str::to_owned)
        .as_slice()]
    );
    for obs in parse(&lines) {
        if obs.kind == "DAYLIGHT" {
            assert_eq!(obs.to - obs.from, 3600, "{obs:?}");
        }
    }
    // The pair Outlook reads: +13 standard, +14 from the last Sunday of
    // September.
    assert!(lines.contains(&"RRULE:FREQ=YEARLY;BYMONTH=9;BYDAY=-1SU".to_owned()));
    assert!(lines.contains(&"RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU".to_owned()));
}

/// Where Outlook's one yearly pair starts to be exact, worked out by hand
/// from tzdata: New York's 2007 rules (first STANDARD onset 2007-11-04
/// 02:00 EDT, 06:00Z); São Paulo's last change, 2019-02-17 00:00 -02
/// (02:00Z); Apia's pair after the date line, first DAYLIGHT 2012-09-30
/// 03:00 +13 (2012-09-29T14:00Z); none for Tokyo (one offset).
#[test]
fn the_last_era_begins_where_the_last_pair_holds() {
    let era = |tz: Tz, from: i32, to: i32| zone(tz, utc(from, 1, 1), utc(to, 12, 31)).1;
    let at = |text: &str| {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    };
    assert_eq!(
        era(chrono_tz::America::New_York, 2021, 2021),
        Some(at("2007-11-04T06:00:00Z"))
    );
    assert_eq!(
        era(chrono_tz::America::Sao_Paulo, 2018, 2019),
        Some(at("2019-02-17T02:00:00Z"))
    );
    assert_eq!(
        era(chrono_tz::Pacific::Apia, 2011, 2012),
        Some(at("2012-09-29T14:00:00Z"))
    );
    assert_eq!(era(chrono_tz::Asia::Tokyo, 2020, 2021), None);
    // The lines are those `lines` gives.
    assert_eq!(
        zone(chrono_tz::Pacific::Apia, utc(2011, 1, 1), utc(2012, 12, 31)).0,
        lines_for(chrono_tz::Pacific::Apia, 2011, 2012)
    );
}
