//! iCalendar (RFC 5545) output: where a feed becomes bytes.
//!
//! Components and properties are built with the `icalendar` crate, as the
//! project prescribes, with UID and DTSTAMP always set explicitly (it would
//! otherwise invent a random UID and read the clock). Its serializer is then
//! only trusted for the logical content lines: the stream is unfolded, the
//! VTIMEZONE (which it cannot write) is inserted, and every line is folded
//! and checked again by [`super::wire`], because its own folding can emit
//! 76-octet lines.

use super::wire::{check_stream, escape_text, fold_lines, unfold};
use super::{FeedFormat, RenderError, vtimezone::vtimezone_lines};
use crate::expand::{WireTime, wire_instant, wire_span};
use crate::feed::{Feed, FeedEvent};
use crate::schedule::model::Status;
use chrono::{DateTime, NaiveDateTime, Utc};
use icalendar::{Calendar, Component, Event, Property};

/// The PRODID of every feed: who made it, not which version (a version here
/// would change every feed's bytes on each release).
pub const PRODID: &str = "-//maintcal//maintcal//EN";

#[derive(Debug, Clone, Copy)]
pub struct Ics;

impl FeedFormat for Ics {
    fn extension(&self) -> &'static str {
        "ics"
    }

    fn render(&self, feed: &Feed) -> Result<Vec<u8>, RenderError> {
        let calendar = build_calendar(feed);
        let mut lines = unfold(&calendar.to_string());
        let timezones: Vec<String> = feed
            .zone_spans()
            .into_iter()
            .flat_map(|(tz, first, last)| vtimezone_lines(tz, first, last))
            .collect();
        // VTIMEZONE goes before the events that refer to it: some clients
        // read the stream once, top to bottom.
        let insert_at = lines
            .iter()
            .position(|line| line == "BEGIN:VEVENT" || line == "END:VCALENDAR")
            .unwrap_or(lines.len());
        lines.splice(insert_at..insert_at, timezones);
        let stream = fold_lines(lines.iter().map(String::as_str));
        check_stream(&stream).map_err(|problems| RenderError::WireCheck {
            feed: feed.id.clone(),
            problems: problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        })?;
        Ok(stream.into_bytes())
    }
}

fn build_calendar(feed: &Feed) -> Calendar {
    let refresh = format!("PT{}H", feed.refresh_hours);
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", PRODID))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        // icalendar does not know RFC 7986's NAME is TEXT and would not
        // escape it; escape it here.
        .append_property(Property::new("NAME", escape_text(&feed.name)))
        .append_property(Property::new("X-WR-CALNAME", &feed.name))
        .append_property(Property::new("X-WR-CALDESC", &feed.description))
        .append_property(Property::new("X-WR-TIMEZONE", feed.timezone.name()))
        .append_property(
            Property::new("REFRESH-INTERVAL", &refresh)
                .add_parameter("VALUE", "DURATION")
                .done(),
        )
        .append_property(Property::new("X-PUBLISHED-TTL", &refresh));
    if let Some(url) = &feed.url {
        calendar.append_property(Property::new("URL", url));
    }
    for event in &feed.events {
        calendar.push(build_event(event));
    }
    calendar
}

fn build_event(feed_event: &FeedEvent) -> Event {
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
        .description(&feed_event.description)
        .append_property(Property::new(
            "STATUS",
            match feed_event.status {
                Status::Confirmed => "CONFIRMED",
                Status::Tentative => "TENTATIVE",
                Status::Cancelled => "CANCELLED",
            },
        ))
        .append_property(Property::new(
            "TRANSP",
            if feed_event.opaque {
                "OPAQUE"
            } else {
                "TRANSPARENT"
            },
        ));
    if let Some(url) = &feed_event.url {
        event.append_property(Property::new("URL", url));
    }
    if let Some(recurrence) = &feed_event.recurrence {
        event.append_property(Property::new("RRULE", &recurrence.rule));
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
    event.done()
}

fn local_stamp(at: NaiveDateTime) -> String {
    at.format("%Y%m%dT%H%M%S").to_string()
}

fn utc_stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}
