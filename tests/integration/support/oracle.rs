//! The one VTIMEZONE oracle: a feed's VTIMEZONEs, read back with the
//! icalendar crate's parser and evaluated here (observance onsets expanded
//! with the rrule crate, RFC 5545 §3.6.5), and chrono-tz's own offsets and
//! transitions to hold them against. Written apart from maintcal's
//! VTIMEZONE writer.

use super::client::rule_in_wall_clock;
use chrono::{DateTime, NaiveDateTime, Offset, TimeZone, Utc};
use std::collections::BTreeMap;

/// When an observance begins, and what it sets from then on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Onset {
    /// The instant, in seconds since 1970 (UTC).
    pub at: i64,
    /// TZOFFSETTO, in seconds east of UTC.
    pub offset: i32,
    /// TZNAME, where there is one.
    pub name: Option<String>,
}

/// One STANDARD/DAYLIGHT: its onsets.
fn onsets(properties: &BTreeMap<String, String>, until: DateTime<Utc>) -> Vec<Onset> {
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
    let onset = |wall: NaiveDateTime| Onset {
        at: wall.and_utc().timestamp() - i64::from(from),
        offset: to,
        name: properties.get("TZNAME").cloned(),
    };
    let Some(rule) = properties.get("RRULE") else {
        return vec![onset(dtstart)];
    };
    // Expand in wall-clock time (as if UTC); UNTIL, which is UTC, becomes
    // the wall-clock time it is in TZOFFSETFROM.
    let rule = rule_in_wall_clock(rule, |until| {
        until.naive_utc() + chrono::Duration::seconds(i64::from(from))
    });
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
    walls.into_iter().map(onset).collect()
}

/// The VTIMEZONEs of a feed's text: TZID -> onsets sorted by instant.
pub fn vtimezones(text: &str, until: DateTime<Utc>) -> BTreeMap<String, Vec<Onset>> {
    let unfolded = icalendar::parser::unfold(text);
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
        all.sort_by_key(|o| o.at);
        for pair in all.windows(2) {
            assert_ne!(pair[0].at, pair[1].at, "{tzid}: two onsets at one instant");
        }
        assert!(zones.insert(tzid.clone(), all).is_none(), "{tzid} twice");
    }
    zones
}

/// What the VTIMEZONE gives at `t`: the latest onset at or before it.
pub fn implied<'a>(onsets: &'a [Onset], t: i64, tzid: &str) -> &'a Onset {
    let i = onsets.partition_point(|o| o.at <= t);
    assert!(i > 0, "{tzid}: {t} precedes every observance");
    &onsets[i - 1]
}

pub fn chrono_offset(tz: chrono_tz::Tz, t: i64) -> i32 {
    tz.offset_from_utc_datetime(&DateTime::from_timestamp(t, 0).unwrap().naive_utc())
        .fix()
        .local_minus_utc()
}

/// chrono-tz's abbreviation at `t`, as a TZNAME carries it: a numeric one
/// (chrono-tz's `-03`, `+1030`) written out as ±hhmm[ss].
pub fn chrono_name(tz: chrono_tz::Tz, t: i64) -> String {
    use chrono_tz::OffsetName;
    let offset = tz.offset_from_utc_datetime(&DateTime::from_timestamp(t, 0).unwrap().naive_utc());
    match offset.abbreviation() {
        Some(name) if !name.starts_with(['+', '-']) => name.to_owned(),
        _ => {
            let total = offset.fix().local_minus_utc();
            let sign = if total < 0 { '-' } else { '+' };
            let abs = total.abs();
            let mut name = format!("{sign}{:02}{:02}", abs / 3600, abs / 60 % 60);
            if abs % 60 != 0 {
                name.push_str(&format!("{:02}", abs % 60));
            }
            name
        }
    }
}

/// chrono-tz's transitions in `[from, to]`, to the second: an hourly scan,
/// then a bisection, written here apart from maintcal's own search.
pub fn transitions(tz: chrono_tz::Tz, from: i64, to: i64) -> Vec<i64> {
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
