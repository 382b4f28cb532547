//! iCalendar (RFC 5545) output: where a feed becomes bytes.
//!
//! Components and properties are built with the `icalendar` crate, as the
//! project prescribes, with UID and DTSTAMP always set explicitly (it would
//! otherwise invent a random UID and read the clock). The content lines are
//! then written from those components' properties by [`write_component`],
//! one event at a time straight into the feed's stream: the VTIMEZONE (which
//! the crate cannot write) goes in before the first event, every line is
//! folded by [`super::wire`], and the finished stream is checked by
//! [`check_stream`].
//!
//! Why the crate's own serializer is not used: it folds each line itself,
//! with a search that is quadratic in the line's length (the all feed's
//! descriptions run to tens of kilobytes) and that can emit 76-octet lines,
//! so its output had to be unfolded and folded again; building one
//! `Calendar` of every event and its string also held the feed three times
//! over. [`write_component`] writes the same logical lines as
//! `Component::fmt_write` of icalendar 0.17.17 (pinned; a test compares
//! the two), and folds them once.

use super::wire::{check_stream, escape_text, escape_text_into, fold_line_into};
use super::{FeedFormat, RenderError, vtimezone::vtimezone_lines};
use crate::expand::{WireTime, wire_instant, wire_span};
use crate::feed::{Feed, FeedEvent};
use crate::schedule::model::Status;
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use icalendar::{Calendar, Component, Event, Property, ValueType};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

/// The PRODID of every feed: who made it, not which version (a version here
/// would change every feed's bytes on each release).
pub const PRODID: &str = "-//maintcal//maintcal//EN";

/// The iCalendar format. One value renders every feed of a build, so that
/// a zone's VTIMEZONE, found by probing the tz data, is worked out once per
/// span rather than once per feed: the feeds of one calendar's groups mostly
/// share their first and last instants.
#[derive(Debug, Default)]
pub struct Ics {
    zones: Mutex<HashMap<ZoneSpan, Arc<[String]>>>,
}

type ZoneSpan = (Tz, DateTime<Utc>, DateTime<Utc>);

impl Ics {
    /// The VTIMEZONE lines for `tz` over `first`..`last`.
    fn zone_lines(&self, (tz, first, last): ZoneSpan) -> Arc<[String]> {
        let mut zones = self
            .zones
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        zones
            .entry((tz, first, last))
            .or_insert_with(|| vtimezone_lines(tz, first, last).into())
            .clone()
    }
}

impl FeedFormat for Ics {
    fn extension(&self) -> &'static str {
        "ics"
    }

    fn render(&self, feed: &Feed) -> Result<Vec<u8>, RenderError> {
        let zones = feed.zone_spans();
        self.render_events(feed, zones, &feed.events, |events| events.iter())
    }

    fn render_owned(&self, mut feed: Feed) -> Result<Vec<u8>, RenderError> {
        let zones = feed.zone_spans();
        let events = std::mem::take(&mut feed.events);
        self.render_events(&feed, zones, events, |events| events.into_iter())
    }
}

impl Ics {
    /// Writes the feed with `events` (its own, handed over or borrowed) and
    /// the VTIMEZONEs of `zones` (the feed's [`Feed::zone_spans`]).
    fn render_events<E, I>(
        &self,
        feed: &Feed,
        zones: Vec<ZoneSpan>,
        events: E,
        iterate: impl FnOnce(E) -> I,
    ) -> Result<Vec<u8>, RenderError>
    where
        E: AsRef<[FeedEvent]>,
        I: Iterator,
        I::Item: std::borrow::Borrow<FeedEvent>,
    {
        use std::borrow::Borrow;
        // Reserved once from the text to write: growing the stream by
        // doubling would copy it and, for a moment, hold it twice.
        let text: usize = events
            .as_ref()
            .iter()
            .map(|e| e.summary.len() + e.description.len())
            .sum();
        let estimate = 8192 + text + text / 16 + events.as_ref().len() * 640;
        let mut stream = String::with_capacity(estimate);
        let mut line = String::new();
        fold_line_into("BEGIN:VCALENDAR", &mut stream);
        for property in &build_calendar(feed).properties {
            line.clear();
            write_property(property, &mut line);
            fold_line_into(&line, &mut stream);
        }
        // VTIMEZONE goes before the events that refer to it: some clients
        // read the stream once, top to bottom.
        for span in zones {
            for zone_line in self.zone_lines(span).iter() {
                fold_line_into(zone_line, &mut stream);
            }
        }
        for event in iterate(events) {
            write_component(&build_event(event.borrow()), &mut line, &mut stream);
        }
        fold_line_into("END:VCALENDAR", &mut stream);
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

/// Writes `component` as icalendar 0.17.17's `Component::fmt_write` does
/// (its properties in key order, then its multi-properties), each line
/// folded into `stream`; `line` is scratch space. The components built here
/// always have UID and DTSTAMP, so the crate's fallbacks for them (a random
/// UID, the clock) never apply.
fn write_component(component: &impl Component, line: &mut String, stream: &mut String) {
    line.clear();
    let _ = write!(line, "BEGIN:{}", component.component_kind());
    fold_line_into(line, stream);
    let properties = component.properties().values();
    for property in properties.chain(component.multi_properties().values().flatten()) {
        line.clear();
        write_property(property, line);
        fold_line_into(line, stream);
    }
    line.clear();
    let _ = write!(line, "END:{}", component.component_kind());
    fold_line_into(line, stream);
}

/// One logical content line, as icalendar 0.17.17's `Property::to_line`
/// writes it: parameter values with `:`, `;` or `,` are quoted unless they
/// already are, and values of type TEXT are escaped (except the TEXT lists
/// CATEGORIES and RESOURCES, which the crate leaves as they are).
fn write_property(property: &Property, line: &mut String) {
    line.push_str(property.key());
    for parameter in property.params().values() {
        let value = parameter.value();
        line.push(';');
        line.push_str(parameter.key());
        line.push('=');
        let quoted = value.starts_with('"') && value.ends_with('"');
        if !quoted && value.contains([':', ';', ',']) {
            let _ = write!(line, "\"{value}\"");
        } else {
            line.push_str(value);
        }
    }
    line.push(':');
    let text_list = ["CATEGORIES", "RESOURCES"]
        .iter()
        .any(|name| property.key().eq_ignore_ascii_case(name));
    if property.value_type() == Some(ValueType::Text) && !text_list {
        escape_text_into(property.value(), line);
    } else {
        line.push_str(property.value());
    }
}

/// The calendar's own properties; the events are built and written one at a
/// time.
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
    use crate::render::wire::unfold;

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

    /// `write_component` stands in for icalendar's own serializer: it must
    /// give the very lines the crate gives, for every event and calendar
    /// property the fixtures make (rules, EXDATE, RECURRENCE-ID, sub-ranges,
    /// escaped and long text).
    #[test]
    fn the_lines_are_the_ones_icalendar_writes() {
        for case in ["features", "escaping"] {
            let dir = format!(
                "{}/tests/cases/{case}/schedules",
                env!("CARGO_MANIFEST_DIR")
            );
            let loaded = crate::schedule::load_dir(std::path::Path::new(&dir)).unwrap();
            for feed in crate::feed::plan(&crate::expand::Expanded::new(&loaded.schedules)) {
                let calendar = build_calendar(&feed);
                let mut line = String::new();
                let mut ours = String::from("BEGIN:VCALENDAR\r\n");
                for property in &calendar.properties {
                    line.clear();
                    write_property(property, &mut line);
                    fold_line_into(&line, &mut ours);
                }
                let mut full = calendar.clone();
                for event in &feed.events {
                    let component = build_event(event);
                    write_component(&component, &mut line, &mut ours);
                    full.push(component);
                }
                ours.push_str("END:VCALENDAR\r\n");
                assert_eq!(
                    unfold(&ours),
                    unfold(&full.to_string()),
                    "{case}: {}",
                    feed.id
                );
                assert!(!feed.events.is_empty(), "{case}: {}", feed.id);
            }
        }
    }
}
