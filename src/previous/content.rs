//! What of an event the comparison looks at: the content an operator wrote
//! and a subscriber sees, in a form that does not change when maintcal
//! changes how it writes it.
//!
//! Compared: DTSTART, DTEND, DURATION, RRULE, EXDATE, RDATE, RECURRENCE-ID,
//! SUMMARY, DESCRIPTION, LOCATION. Times are compared as UTC instants, so a
//! local time with TZID and the same instant written in UTC are the same;
//! an RRULE's UNTIL as the local date it ends on, so that UNTIL at the last
//! start or at the end of that day are the same rule. STATUS is not
//! compared on its own: the summary carries it (the calendar's
//! "[Cancelled] " or "[Tentative] " prefix), and a cancelled occurrence is written without it.
//! Everything else (DTSTAMP, LAST-MODIFIED, SEQUENCE, TRANSP, URL, alarms,
//! property order) is the tool's format: it may change without a new
//! SEQUENCE.

use chrono::{NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// One VEVENT as far as the comparison cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct EventVersion {
    pub(super) sequence: u32,
    /// The compared properties, normalised, in order.
    pub(super) content: Vec<String>,
}

/// (UID, RECURRENCE-ID value or "") → the event.
pub(super) type Events = BTreeMap<(String, String), EventVersion>;

const COMPARED: [&str; 10] = [
    "DTSTART",
    "DTEND",
    "DURATION",
    "RRULE",
    "EXDATE",
    "RDATE",
    "RECURRENCE-ID",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
];

const DATE_TIMES: [&str; 5] = ["DTSTART", "DTEND", "EXDATE", "RDATE", "RECURRENCE-ID"];

/// The events of an iCalendar stream, read with the icalendar crate's
/// parser; `None` if it does not parse.
pub(super) fn events(text: &str) -> Option<Events> {
    let unfolded = icalendar::parser::unfold(text);
    let components = icalendar::parser::read_calendar_simple(&unfolded).ok()?;
    let calendar = components.iter().find(|c| c.name.as_str() == "VCALENDAR")?;
    let mut events = Events::new();
    for event in calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
    {
        let tzid = |property: &icalendar::parser::Property| {
            property
                .params
                .iter()
                .find(|p| p.key.as_str() == "TZID")
                .and_then(|p| p.val.as_ref())
                .and_then(|v| v.as_str().parse::<Tz>().ok())
        };
        // The zone an RRULE's UNTIL is read in: DTSTART's.
        let zone = event
            .properties
            .iter()
            .find(|p| p.name.as_str() == "DTSTART")
            .and_then(tzid);
        let mut uid = String::new();
        let mut recurrence_id = String::new();
        let mut sequence = 0;
        let mut content = Vec::new();
        for property in &event.properties {
            let name = property.name.as_str();
            let value = property.val.as_str();
            match name {
                "UID" => uid = value.to_owned(),
                "RECURRENCE-ID" => recurrence_id = instants(value, tzid(property)),
                "SEQUENCE" => sequence = value.trim().parse().unwrap_or(0),
                _ => {}
            }
            if !COMPARED.contains(&name) {
                continue;
            }
            let value = if DATE_TIMES.contains(&name) {
                instants(value, tzid(property))
            } else if name == "RRULE" {
                rule(value, zone)
            } else {
                value.to_owned()
            };
            content.push(format!("{name}:{value}"));
        }
        events.insert((uid, recurrence_id), EventVersion { sequence, content });
    }
    Some(events)
}

/// A list of DATE-TIME values as UTC stamps: local ones (with a TZID
/// chrono-tz knows) converted, the rest as written.
fn instants(value: &str, zone: Option<Tz>) -> String {
    let Some(zone) = zone else {
        return value.to_owned();
    };
    value
        .split(',')
        .map(|item| {
            NaiveDateTime::parse_from_str(item, "%Y%m%dT%H%M%S")
                .ok()
                .and_then(|local| zone.from_local_datetime(&local).earliest())
                .map_or_else(
                    || item.to_owned(),
                    |at| at.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ").to_string(),
                )
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// An RRULE with a UTC UNTIL replaced by the local date it ends on.
fn rule(value: &str, zone: Option<Tz>) -> String {
    let Some(zone) = zone else {
        return value.to_owned();
    };
    value
        .split(';')
        .map(|part| {
            part.strip_prefix("UNTIL=")
                .and_then(|until| NaiveDateTime::parse_from_str(until, "%Y%m%dT%H%M%SZ").ok())
                .map_or_else(
                    || part.to_owned(),
                    |until| {
                        let local = zone.from_utc_datetime(&until);
                        format!("UNTIL-DATE={}", local.format("%Y%m%d"))
                    },
                )
        })
        .collect::<Vec<_>>()
        .join(";")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calendar(event: &str) -> String {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:w.all@c.maintcal\r\n\
             DTSTAMP:20200101T000000Z\r\nSEQUENCE:2\r\n{event}END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    }

    fn content(event: &str) -> Vec<String> {
        let events = events(&calendar(event)).unwrap();
        events.values().next().unwrap().content.clone()
    }

    #[test]
    fn the_tools_format_is_not_content() {
        // Tokyo 02:00 on 2020-05-17 is 2020-05-16T17:00Z; the old UNTIL (the
        // last start, 02:00 on 2020-08-16, 2020-08-15T17:00Z) and the new
        // (the end of that local day, 14:59:59Z) name the same date.
        let old = content(
            "DTSTART;TZID=Asia/Tokyo:20200517T020000\r\nDTEND;TZID=Asia/Tokyo:20200517T040000\r\n\
             RRULE:FREQ=MONTHLY;BYDAY=3SU;UNTIL=20200815T170000Z\r\nSUMMARY:Cancelled: x\r\n\
             STATUS:CANCELLED\r\nTRANSP:OPAQUE\r\n",
        );
        let new = content(
            "DTSTART;TZID=Asia/Tokyo:20200517T020000\r\nDTEND:20200516T190000Z\r\n\
             RRULE:FREQ=MONTHLY;BYDAY=3SU;UNTIL=20200816T145959Z\r\nSUMMARY:Cancelled: x\r\n\
             TRANSP:TRANSPARENT\r\nURL:https://example.com/w\r\n",
        );
        assert_eq!(old, new);
        assert_eq!(
            new,
            [
                "DTSTART:20200516T170000Z",
                "DTEND:20200516T190000Z",
                "RRULE:FREQ=MONTHLY;BYDAY=3SU;UNTIL-DATE=20200816",
                "SUMMARY:Cancelled: x",
            ]
        );
    }

    #[test]
    fn what_the_operator_wrote_is_content() {
        let base = "DTSTART;TZID=Asia/Tokyo:20200517T020000\r\nSUMMARY:x\r\n\
                    RRULE:FREQ=MONTHLY;BYDAY=3SU;UNTIL=20200816T145959Z\r\n";
        for changed in [
            base.replace("T020000", "T030000"),
            base.replace("SUMMARY:x", "SUMMARY:Cancelled: x"),
            base.replace("20200816T145959Z", "20200920T145959Z"),
            base.replace("3SU", "2SU"),
            format!("{base}DESCRIPTION:new note\r\n"),
            format!("{base}EXDATE;TZID=Asia/Tokyo:20200621T020000\r\n"),
        ] {
            assert_ne!(content(base), content(&changed), "{changed}");
        }
    }
}
