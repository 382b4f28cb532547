//! One planned event as a VEVENT: its times (local with TZID, or UTC where
//! a local time would be ambiguous), text, status, and for a series its
//! RRULE, EXDATE and RECURRENCE-ID.

use crate::expand::{WireTime, wire_instant, wire_span};
use crate::feed::{FeedEvent, Recurrence, RuleEnd};
use crate::schedule::model::Pattern;
use crate::schedule::model::Status;
use chrono::{DateTime, NaiveDateTime, Utc};
use icalendar::{Alarm, Component, Event, EventLike, Property};

/// The VEVENT of one planned event. UID and DTSTAMP are always set, so the
/// crate's fallbacks for them (a random UID, the clock) never apply.
///
/// `era` is where the zone's last era begins in the feed's VTIMEZONE (see
/// `vtimezone::zone`): an event (a one-off or an override) that starts
/// before it is written in UTC, because Outlook reads the VTIMEZONE as the
/// last era's yearly pair and would convert its local times with the wrong
/// offsets. UTC is exact in every client.
pub(super) fn build(feed_event: &FeedEvent, era: Option<DateTime<Utc>>) -> Event {
    let tz = feed_event.timezone.name();
    let local = |name: &str, at: NaiveDateTime| {
        Property::new(name, local_stamp(at))
            .add_parameter("TZID", tz)
            .done()
    };
    // A series' DTSTART keeps the local value its rule repeats; every other
    // DTSTART and DTEND is written so that no client can misread it.
    let time = |name: &str, at: WireTime| match at {
        WireTime::Local(at) => local(name, at),
        WireTime::Utc(at) => Property::new(name, utc_stamp(at)),
    };
    let (start, end) = feed_event.instants;
    let (dtstart, dtend) = if feed_event.recurrence.is_some() {
        (
            local("DTSTART", feed_event.start),
            time("DTEND", wire_instant(feed_event.timezone, end)),
        )
    } else if era.is_some_and(|era| start < era) {
        (
            time("DTSTART", WireTime::Utc(start)),
            time("DTEND", WireTime::Utc(end)),
        )
    } else {
        let (start, end) = wire_span(feed_event.timezone, start, end);
        (time("DTSTART", start), time("DTEND", end))
    };
    let mut event = Event::new();
    event
        .uid(&feed_event.uid)
        .append_property(Property::new("DTSTAMP", utc_stamp(feed_event.revised)))
        .append_property(Property::new(
            "LAST-MODIFIED",
            utc_stamp(feed_event.revised),
        ))
        .append_property(Property::new("SEQUENCE", feed_event.sequence.to_string()))
        .append_property(dtstart)
        .append_property(dtend)
        .summary(&feed_event.summary)
        .description(&feed_event.description);
    // A cancelled occurrence is written without STATUS: clients disagree on
    // STATUS:CANCELLED (Google hides the event, Apple and Thunderbird cross
    // it out, Outlook ignores it and shows a busy block), so every client
    // is shown the same thing instead: a free event whose summary starts
    // with the calendar's "[Cancelled] " prefix, with no alarm (see the
    // README's "What each client shows").
    let status = match feed_event.status {
        Status::Confirmed => Some("CONFIRMED"),
        Status::Tentative => Some("TENTATIVE"),
        Status::Cancelled => None,
    };
    if let Some(status) = status {
        event.append_property(Property::new("STATUS", status));
    }
    event.append_property(Property::new(
        "TRANSP",
        // A cancelled occurrence blocks no time, whatever it stopped.
        if feed_event.opaque && feed_event.status != Status::Cancelled {
            "OPAQUE"
        } else {
            "TRANSPARENT"
        },
    ));
    if let Some(url) = &feed_event.url {
        event.append_property(Property::new("URL", url));
    }
    if let Some(recurrence) = &feed_event.recurrence {
        event.append_property(Property::new("RRULE", rrule(recurrence)));
        if !recurrence.exdates.is_empty() {
            // Same TZID and value type as DTSTART, as clients match them
            // literally; one property with a list.
            let dates: Vec<String> = recurrence
                .exdates
                .iter()
                .copied()
                .map(local_stamp)
                .collect();
            event.append_property(
                Property::new("EXDATE", dates.join(","))
                    .add_parameter("TZID", tz)
                    .done(),
            );
        }
    }
    if let Some(recurrence_id) = feed_event.recurrence_id {
        event.append_property(local("RECURRENCE-ID", recurrence_id));
    }
    for &minutes in &feed_event.reminders {
        // A display alarm relative to the start (RFC 5545 §3.6.6: ACTION,
        // TRIGGER and, for DISPLAY, DESCRIPTION are required); the summary
        // is what the alarm shows.
        // The crate's TRIGGER is replaced by the exact text `trigger` writes.
        let alarm = Alarm::display(
            &feed_event.summary,
            -chrono::Duration::minutes(minutes.into()),
        )
        .append_property(Property::new("TRIGGER", trigger(minutes)))
        .done();
        event.alarm(alarm);
    }
    event.done()
}

/// `-P1D`, `-PT2H`, `-PT1H30M`: a duration before the start, in the
/// largest units that are exact (days only when whole).
fn trigger(minutes: u32) -> String {
    if minutes.is_multiple_of(24 * 60) {
        return format!("-P{}D", minutes / (24 * 60));
    }
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("-PT{m}M"),
        (h, 0) => format!("-PT{h}H"),
        (h, m) => format!("-PT{h}H{m}M"),
    }
}

// Written digit by digit: chrono's `format` parses its pattern on every
// call, and there are a few of these in every event.
fn local_stamp(at: NaiveDateTime) -> String {
    let mut stamp = String::with_capacity(16);
    push_stamp(&mut stamp, at);
    stamp
}

fn utc_stamp(at: DateTime<Utc>) -> String {
    let mut stamp = String::with_capacity(16);
    push_stamp(&mut stamp, at.naive_utc());
    stamp.push('Z');
    stamp
}

/// The RRULE value of a series, e.g. `FREQ=MONTHLY;BYDAY=2SU;UNTIL=…Z` or
/// `FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=MO;COUNT=8`.
fn rrule(recurrence: &Recurrence) -> String {
    use std::fmt::Write as _;
    let weekly = recurrence.pattern.is_weekly();
    let mut rule = String::from(if weekly {
        "FREQ=WEEKLY"
    } else {
        "FREQ=MONTHLY"
    });
    if recurrence.interval > 1 {
        let _ = write!(rule, ";INTERVAL={}", recurrence.interval);
    }
    match &recurrence.pattern {
        Pattern::NthWeekday { nth, weekday } => {
            let _ = write!(rule, ";BYDAY={nth}{}", super::weekday_code(*weekday));
        }
        Pattern::MonthDay(day) => {
            let _ = write!(rule, ";BYMONTHDAY={day}");
        }
        Pattern::Weekly(days) => {
            let codes: Vec<&str> = days.iter().map(|day| super::weekday_code(*day)).collect();
            let _ = write!(rule, ";BYDAY={}", codes.join(","));
            // Which weeks INTERVAL skips depends on where a week starts once
            // a week holds several days (RFC 5545 §3.3.10): say it, rather
            // than rely on the default, which is also Monday.
            if recurrence.interval > 1 && days.len() > 1 {
                rule.push_str(";WKST=MO");
            }
        }
    }
    match recurrence.end {
        RuleEnd::Until(until) => {
            let _ = write!(rule, ";UNTIL={}", utc_stamp(until));
        }
        RuleEnd::Count(count) => {
            let _ = write!(rule, ";COUNT={count}");
        }
    }
    rule
}

/// `YYYYMMDDTHHMMSS`; years are 1 to 9999 (validation and chrono's range).
fn push_stamp(out: &mut String, at: NaiveDateTime) {
    use chrono::{Datelike, Timelike};
    let digits = |out: &mut String, value: u32, width: u32| {
        for place in (0..width).rev() {
            out.push(char::from(b'0' + (value / 10_u32.pow(place) % 10) as u8));
        }
    };
    digits(out, at.year().unsigned_abs(), 4);
    digits(out, at.month(), 2);
    digits(out, at.day(), 2);
    out.push('T');
    digits(out, at.hour(), 2);
    digits(out, at.minute(), 2);
    digits(out, at.second(), 2);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triggers_use_the_largest_exact_units() {
        assert_eq!(trigger(30), "-PT30M");
        assert_eq!(trigger(120), "-PT2H");
        assert_eq!(trigger(90), "-PT1H30M");
        assert_eq!(trigger(24 * 60), "-P1D");
        assert_eq!(trigger(28 * 24 * 60), "-P28D");
        // 25 hours is not "1 day 1 hour" in days: no mixing of D and H.
        assert_eq!(trigger(25 * 60), "-PT25H");
    }

    #[test]
    fn stamps_are_what_strftime_writes() {
        for (y, mo, d, h, mi, se) in [
            (2020, 5, 17, 2, 0, 0),
            (9, 1, 2, 23, 59, 58),
            (9999, 12, 31, 0, 0, 1),
        ] {
            let at = chrono::NaiveDate::from_ymd_opt(y, mo, d)
                .unwrap()
                .and_hms_opt(h, mi, se)
                .unwrap();
            assert_eq!(local_stamp(at), at.format("%Y%m%dT%H%M%S").to_string());
            assert_eq!(
                utc_stamp(at.and_utc()),
                at.format("%Y%m%dT%H%M%SZ").to_string()
            );
        }
    }
}
