//! How a calendar client reads a feed, written apart from maintcal: the
//! icalendar crate's parser for the VEVENTs, RFC 5545 for local times, and
//! the rrule crate (with its known defects accounted for) for series.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use std::path::Path;

/// A VEVENT as read back by the icalendar crate's parser.
#[derive(Debug, Clone, Default)]
pub struct ParsedEvent {
    pub uid: String,
    pub summary: String,
    pub description: String,
    pub status: String,
    pub transp: String,
    pub sequence: String,
    pub dtstamp: String,
    /// (TZID, local value) of DTSTART and DTEND.
    pub dtstart: (String, String),
    pub dtend: (String, String),
    pub rrule: Option<String>,
    pub exdate: Option<(String, String)>,
    pub recurrence_id: Option<(String, String)>,
    pub has_rdate: bool,
}

fn tzid(property: &icalendar::parser::Property) -> String {
    property
        .params
        .iter()
        .find(|p| p.key.as_str() == "TZID")
        .and_then(|p| p.val.as_ref())
        .map(|v| v.as_str().to_owned())
        .unwrap_or_default()
}

/// Every VEVENT of a feed, parsed by the icalendar crate (not by maintcal).
pub fn parse_feed(path: &Path) -> Vec<ParsedEvent> {
    let text = std::fs::read_to_string(path).unwrap();
    let unfolded = icalendar::parser::unfold(&text);
    let calendar = icalendar::parser::read_calendar(&unfolded)
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
    let mut events = Vec::new();
    for component in calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
    {
        let mut event = ParsedEvent::default();
        for property in &component.properties {
            let value = property.val.as_str().to_owned();
            match property.name.as_str() {
                "UID" => event.uid = value,
                // The parser has already undone TEXT escaping.
                "SUMMARY" => event.summary = value,
                "DESCRIPTION" => event.description = value,
                "STATUS" => event.status = value,
                "TRANSP" => event.transp = value,
                "SEQUENCE" => event.sequence = value,
                "DTSTAMP" => event.dtstamp = value,
                "DTSTART" => event.dtstart = (tzid(property), value),
                "DTEND" => event.dtend = (tzid(property), value),
                "RRULE" => event.rrule = Some(value),
                "EXDATE" => event.exdate = Some((tzid(property), value)),
                "RECURRENCE-ID" => event.recurrence_id = Some((tzid(property), value)),
                "RDATE" => event.has_rdate = true,
                _ => {}
            }
        }
        events.push(event);
    }
    events
}

/// RFC 5545 TEXT unescaping, written here so the tests do not lean on the
/// code under test.
pub fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A DATE-TIME with TZID, read as RFC 5545 §3.3.5 says, or in UTC (`Z`).
pub fn instant((tzid, value): &(String, String)) -> DateTime<Utc> {
    if let Some(utc) = value.strip_suffix('Z') {
        assert!(tzid.is_empty(), "TZID on a UTC value: {value}");
        return NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S")
            .unwrap()
            .and_utc();
    }
    let local = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").unwrap();
    let tz: chrono_tz::Tz = tzid.parse().unwrap();
    rfc_instant(tz, local)
}

/// RFC 5545 §3.3.5: "If, based on the definition of the referenced time zone,
/// the local time described occurs more than once (when changing from
/// daylight to standard time), the DATE-TIME value refers to the first
/// occurrence of the referenced time. Thus, TZID=America/New_York:20071104T013000
/// indicates November 4, 2007 at 1:30 A.M. EDT (UTC-04:00). If the local time
/// described does not occur (when changing from standard to daylight time),
/// the DATE-TIME value is interpreted using the UTC offset before the gap in
/// local times. Thus, TZID=America/New_York:20070311T023000 indicates March 11,
/// 2007 at 3:30 A.M. EDT (UTC-04:00), one hour after 1:30 A.M. EST (UTC-05:00)."
///
/// Written here independently of maintcal's `expand::to_utc`: for a gap it
/// walks back a minute at a time to the last local time that exists and
/// takes that time's offset.
pub fn rfc_instant(tz: chrono_tz::Tz, local: NaiveDateTime) -> DateTime<Utc> {
    use chrono::{LocalResult, Offset};
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        // chrono gives the two in UTC order: the first is the earlier.
        LocalResult::Ambiguous(first, second) => {
            assert!(first < second);
            first.with_timezone(&Utc)
        }
        LocalResult::None => {
            let mut probe = local;
            let before = loop {
                probe -= chrono::Duration::minutes(1);
                if let Some(t) = tz.from_local_datetime(&probe).latest() {
                    break t.offset().fix();
                }
            };
            (local - chrono::Duration::seconds(i64::from(before.local_minus_utc()))).and_utc()
        }
    }
}

/// Whether a local date's midnight does not exist once in `tz`: it does not
/// exist at all (America/Sao_Paulo 2018-11-04: the clocks went from 00:00 to
/// 01:00) or happens twice (America/Havana 2025-11-02: from 01:00 back to
/// 00:00).
pub fn midnight_not_single(tz: chrono_tz::Tz, date: chrono::NaiveDate) -> bool {
    tz.from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap())
        .single()
        .is_none()
}

/// One instance of an event, as a calendar client computes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instance {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub status: String,
    pub uid: String,
}

impl Instance {
    /// The window id: maintcal's UIDs start with `<window>.`.
    pub fn window(&self) -> &str {
        self.uid.split(['.', '@']).next().unwrap()
    }
}

/// The local start times of a series, expanded by the rrule crate in the
/// series' own zone, and as RFC 5545 defines them (below); returns the RFC
/// ones after checking that the two differ only where the rrule crate is
/// known to be wrong.
///
/// RFC 5545 expands a rule in local time and only then reads each local
/// time as an instant (§3.3.10, §3.3.5). The rrule crate (0.14) does that
/// too, with two defects at DST changes, which is where these fixtures put
/// their windows on purpose:
///
/// 1. Its parser rejects a DTSTART or EXDATE whose local value is in a gap or
///    ambiguous (`InvalidDateTimeInLocalTimezone`,
///    `DateTimeInLocalTimezoneIsAmbiguous`), although RFC 5545 §3.3.5 gives
///    both a meaning. Then the series is built through its API instead, with
///    DTSTART and EXDATE read by [`rfc_instant`] and the local start time
///    pinned with BYHOUR/BYMINUTE/BYSECOND (what RFC 5545 derives from
///    DTSTART anyway).
/// 2. Its iterator (`iter/utils.rs`, `add_time_to_date`) reads a local time
///    that is not single as local midnight plus the time of day, which is
///    the RFC reading (offset before a gap, first of two), except when
///    midnight itself is not single (America/Sao_Paulo 2018-11-04, where the
///    clocks jumped from 00:00 to 01:00; America/Havana, where they go back
///    from 01:00 to 00:00): then it drops the instance, and with COUNT
///    counts one more at the end instead. RFC 5545 has no exception for
///    that case, so the RFC expansion is right, and such instances are the
///    only kind allowed to differ.
///
/// The RFC expansion is also the rrule crate's, run on wall-clock times
/// (DTSTART as if UTC, so no zone is involved) and then read with
/// [`rfc_instant`]; UNTIL, a UTC instant, becomes the wall-clock time it is in
/// the zone.
fn series_starts(
    tz: chrono_tz::Tz,
    dtstart: NaiveDateTime,
    rrule: &str,
    exdates: &[NaiveDateTime],
) -> Vec<DateTime<Utc>> {
    let stamp = |t: NaiveDateTime| t.format("%Y%m%dT%H%M%S").to_string();
    // RFC: wall-clock expansion.
    let wall_rule = rule_in_wall_clock(rrule, |until| until.with_timezone(&tz).naive_local());
    let text = format!("DTSTART:{}Z\nRRULE:{wall_rule}", stamp(dtstart));
    let set: rrule::RRuleSet = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
    let excluded: Vec<DateTime<Utc>> = exdates.iter().map(|&e| rfc_instant(tz, e)).collect();
    let walls: Vec<NaiveDateTime> = set
        .all(u16::MAX)
        .dates
        .into_iter()
        .map(|wall| wall.naive_utc())
        .collect();
    let rfc: Vec<DateTime<Utc>> = walls
        .iter()
        .map(|&wall| rfc_instant(tz, wall))
        .filter(|start| !excluded.contains(start))
        .collect();
    // The instances defect 2 (below) makes the rrule crate drop, excluded
    // ones included.
    let defect_2 = walls
        .iter()
        .filter(|wall| {
            midnight_not_single(tz, wall.date()) && tz.from_local_datetime(wall).single().is_none()
        })
        .count();

    // The rrule crate in the zone.
    let mut text = format!("DTSTART;TZID={tz}:{}\nRRULE:{rrule}", stamp(dtstart));
    if !exdates.is_empty() {
        let list: Vec<String> = exdates.iter().map(|&e| stamp(e)).collect();
        text.push_str(&format!("\nEXDATE;TZID={tz}:{}", list.join(",")));
    }
    let set = match text.parse::<rrule::RRuleSet>() {
        Ok(set) => set,
        Err(rrule::RRuleError::ParserError(
            rrule::ParseError::InvalidDateTimeInLocalTimezone { .. }
            | rrule::ParseError::DateTimeInLocalTimezoneIsAmbiguous { .. },
        )) => {
            // Defect 1: build the same series through the API.
            use chrono::Timelike;
            let zone = rrule::Tz::Tz(tz);
            let rule: rrule::RRule<rrule::Unvalidated> = rrule.parse().unwrap();
            let rule = rule
                .by_hour(vec![u8::try_from(dtstart.hour()).unwrap()])
                .by_minute(vec![u8::try_from(dtstart.minute()).unwrap()])
                .by_second(vec![u8::try_from(dtstart.second()).unwrap()]);
            let mut set = rule
                .build(rfc_instant(tz, dtstart).with_timezone(&zone))
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            for &exdate in exdates {
                set = set.exdate(rfc_instant(tz, exdate).with_timezone(&zone));
            }
            set
        }
        Err(e) => panic!("{text}: {e}"),
    };
    let in_zone: Vec<DateTime<Utc>> = set
        .all(u16::MAX)
        .dates
        .into_iter()
        .map(|d| d.with_timezone(&Utc))
        .collect();
    let dropped: Vec<&DateTime<Utc>> = rfc.iter().filter(|s| !in_zone.contains(s)).collect();
    let added: Vec<&DateTime<Utc>> = in_zone.iter().filter(|s| !rfc.contains(s)).collect();
    // With COUNT, each instance defect 2 drops makes the rrule crate count
    // one more past the real end (and nothing else may be added).
    let counted = rrule.split(';').any(|part| part.starts_with("COUNT="));
    assert!(
        added.is_empty() || (counted && added.len() <= defect_2),
        "{text}: the rrule crate adds {added:?}"
    );
    for start in &added {
        assert!(
            rfc.last().is_some_and(|last| *start > last),
            "{text}: {start}"
        );
    }
    for start in dropped {
        // Defect 2 (the only difference allowed): find the local date the
        // rule gave from the wall-clock expansion.
        let wall = set_wall_date(&wall_rule, dtstart, tz, *start);
        assert!(
            midnight_not_single(tz, wall),
            "{text}: the rrule crate drops {start}, not on a day without midnight"
        );
    }
    rfc
}

/// An RRULE to expand in wall-clock time (DTSTART written as if UTC): its
/// UNTIL, a UTC instant, becomes the wall-clock time `wall` gives for it.
pub fn rule_in_wall_clock(rule: &str, wall: impl Fn(DateTime<Utc>) -> NaiveDateTime) -> String {
    rule.split(';')
        .map(|part| match part.strip_prefix("UNTIL=") {
            Some(until) => {
                let until = NaiveDateTime::parse_from_str(until, "%Y%m%dT%H%M%SZ")
                    .expect("UNTIL is UTC")
                    .and_utc();
                format!("UNTIL={}Z", wall(until).format("%Y%m%dT%H%M%S"))
            }
            None => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The local date, by the wall-clock expansion, of the instance at `start`.
fn set_wall_date(
    wall_rule: &str,
    dtstart: NaiveDateTime,
    tz: chrono_tz::Tz,
    start: DateTime<Utc>,
) -> chrono::NaiveDate {
    let text = format!(
        "DTSTART:{}Z\nRRULE:{wall_rule}",
        dtstart.format("%Y%m%dT%H%M%S")
    );
    let set: rrule::RRuleSet = text.parse().unwrap();
    set.all(u16::MAX)
        .dates
        .into_iter()
        .map(|wall| wall.naive_utc())
        .find(|&wall| rfc_instant(tz, wall) == start)
        .unwrap()
        .date()
}

/// Expands every event of a feed: series by their RRULE and EXDATE (see
/// [`series_starts`]), then RECURRENCE-ID overrides replace their instance.
pub fn expand_feed(events: &[ParsedEvent]) -> Vec<Instance> {
    let mut instances = Vec::new();
    for event in events.iter().filter(|e| e.recurrence_id.is_none()) {
        let Some(rrule) = &event.rrule else {
            instances.push(Instance {
                start: instant(&event.dtstart),
                end: instant(&event.dtend),
                status: event.status.clone(),
                uid: event.uid.clone(),
            });
            continue;
        };
        let tz: chrono_tz::Tz = event.dtstart.0.parse().unwrap();
        let local = |value: &str| NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").unwrap();
        let exdates: Vec<NaiveDateTime> = match &event.exdate {
            Some((tzid, dates)) => {
                assert_eq!(tzid, &event.dtstart.0, "EXDATE in DTSTART's zone");
                dates.split(',').map(local).collect()
            }
            None => Vec::new(),
        };
        // RFC 5545 §3.8.5.3: every instance lasts exactly DTEND - DTSTART.
        let duration = instant(&event.dtend) - instant(&event.dtstart);
        for start in series_starts(tz, local(&event.dtstart.1), rrule, &exdates) {
            let overridden = events.iter().find(|o| {
                o.uid == event.uid
                    && o.recurrence_id
                        .as_ref()
                        .is_some_and(|id| instant(id) == start)
            });
            instances.push(match overridden {
                Some(o) => Instance {
                    start: instant(&o.dtstart),
                    end: instant(&o.dtend),
                    status: o.status.clone(),
                    uid: o.uid.clone(),
                },
                None => Instance {
                    start,
                    end: start + duration,
                    status: event.status.clone(),
                    uid: event.uid.clone(),
                },
            });
        }
    }
    // Every override must replace an instance of its series (RFC 5545
    // §3.8.4.4: RECURRENCE-ID names an instance the series gives).
    for o in events.iter().filter(|e| e.recurrence_id.is_some()) {
        let id = instant(o.recurrence_id.as_ref().unwrap());
        let master = events
            .iter()
            .find(|m| m.uid == o.uid && m.recurrence_id.is_none() && m.rrule.is_some())
            .unwrap_or_else(|| panic!("override {} has no series", o.uid));
        let tz: chrono_tz::Tz = master.dtstart.0.parse().unwrap();
        let local = |value: &str| NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").unwrap();
        let exdates: Vec<NaiveDateTime> = master
            .exdate
            .as_ref()
            .map(|(_, dates)| dates.split(',').map(local).collect())
            .unwrap_or_default();
        let starts = series_starts(
            tz,
            local(&master.dtstart.1),
            master.rrule.as_ref().unwrap(),
            &exdates,
        );
        assert!(
            starts.contains(&id),
            "override {} {id} matches no instance",
            o.uid
        );
    }
    instances.sort();
    instances
}

pub fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}
