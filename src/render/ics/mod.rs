//! iCalendar (RFC 5545) output: where a planned feed becomes bytes.
//!
//! [`render`] writes one feed: the calendar's own properties, a VTIMEZONE
//! per zone the feed uses ([`vtimezone`]), then its events ([`event`]), one
//! at a time straight into the feed's stream. Components and properties are
//! built with the `icalendar` crate, as the project prescribes; their
//! content lines are written by [`content_line`], TEXT is escaped by
//! [`escape`], every line is folded by [`fold`], and the finished stream is
//! checked by [`check_stream`] before anyone sees it.
//!
//! Why the crate's own serializer is not used: it folds each line itself,
//! with a search that is quadratic in the line's length (the all feed's
//! descriptions run to tens of kilobytes) and that can emit 76-octet lines,
//! it passes a CR inside a value straight through, and it does not escape
//! RFC 7986's `NAME` as TEXT; building one `Calendar` of every event and its
//! string also held the feed three times over.

mod check;
mod content_line;
mod era;
mod escape;
mod event;
mod fold;
#[cfg(test)]
mod test_text;
mod vtimezone;

// Public for the integration tests and the fuzz target, which check every
// feed they make.
pub use check::check_stream;
#[cfg(any(test, feature = "internals"))]
pub use vtimezone::lines as vtimezone_lines;

use super::RenderError;
use crate::feed::Feed;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use content_line::{write_component, write_property};
use escape::escape_text;
use fold::fold_line_into;
use icalendar::{Calendar, Property};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The file name extension of a feed, without the dot.
pub const EXTENSION: &str = "ics";

/// The PRODID of every feed: who made it, not which version (a version here
/// would change every feed's bytes on each release).
const PRODID: &str = "-//maintcal//maintcal//EN";

/// The VTIMEZONEs worked out so far, shared by every feed of a build: a
/// zone's VTIMEZONE is found by probing the tz data, and the feeds of one
/// calendar's groups mostly share their first and last instants, so it is
/// worked out once per span rather than once per feed. Only a cache: the
/// bytes are the same with a fresh one.
#[derive(Debug, Default)]
pub struct ZoneCache {
    zones: Mutex<HashMap<ZoneSpan, Zone>>,
}

/// A zone's VTIMEZONE lines over a span, and where its last era begins
/// (see [`vtimezone::zone`]).
type Zone = (Arc<[String]>, Option<DateTime<Utc>>);

/// A zone and the first and last instants a feed uses in it.
type ZoneSpan = (Tz, DateTime<Utc>, DateTime<Utc>);

impl ZoneCache {
    /// The VTIMEZONE lines for `tz` over `first`..`last`, and its last era.
    fn zone(&self, (tz, first, last): ZoneSpan) -> Zone {
        let mut zones = self
            .zones
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        zones
            .entry((tz, first, last))
            .or_insert_with(|| {
                let (lines, era) = vtimezone::zone(tz, first, last);
                (lines.into(), era)
            })
            .clone()
    }
}

/// The feed's bytes. The feed is taken so that each event can be dropped
/// once written: a feed's plan and its bytes are never both held whole.
///
/// # Errors
///
/// [`RenderError::WireCheck`] when the stream fails [`check_stream`]: the
/// output would have been invalid (a maintcal bug).
pub fn render(mut feed: Feed, zones: &ZoneCache) -> Result<Vec<u8>, RenderError> {
    let spans = feed.zone_spans();
    let events = std::mem::take(&mut feed.events);
    // Reserved once from the text to write: growing the stream by
    // doubling would copy it and, for a moment, hold it twice.
    let text: usize = events
        .iter()
        .map(|e| e.summary.len() + e.description.len())
        .sum();
    let estimate = 8192 + text + text / 16 + events.len() * 640;
    let mut stream = String::with_capacity(estimate);
    let mut line = String::new();
    fold_line_into("BEGIN:VCALENDAR", &mut stream);
    for property in &build_calendar(&feed).properties {
        line.clear();
        write_property(property, &mut line);
        fold_line_into(&line, &mut stream);
    }
    // VTIMEZONE goes before the events that refer to it: some clients
    // read the stream once, top to bottom.
    let mut eras: Vec<(Tz, Option<DateTime<Utc>>)> = Vec::with_capacity(spans.len());
    for span in spans {
        let (lines, era) = zones.zone(span);
        for zone_line in lines.iter() {
            fold_line_into(zone_line, &mut stream);
        }
        eras.push((span.0, era));
    }
    // The occurrences the planner already overrides, for series that
    // begin before their zone's last era (see `era`); only the overrides'
    // keys, so that each event can still be dropped once written.
    let overridden: std::collections::HashSet<(String, chrono::NaiveDateTime)> =
        if eras.iter().any(|(_, era)| era.is_some()) {
            events
                .iter()
                .filter_map(|e| Some((e.uid.clone(), e.recurrence_id?)))
                .collect()
        } else {
            std::collections::HashSet::new()
        };
    for event in events {
        let era = eras
            .iter()
            .find(|(tz, _)| *tz == event.timezone)
            .and_then(|(_, era)| *era);
        write_component(&event::build(&event, era), &mut line, &mut stream);
        if let Some(era) = era {
            let uid = event.uid.clone();
            for instance in era::overrides_before(&event, era, |local| {
                overridden.contains(&(uid.clone(), local))
            }) {
                write_component(&event::build(&instance, Some(era)), &mut line, &mut stream);
            }
        }
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

/// The RFC 5545 RECUR weekday code (`SU` in `BYDAY=2SU`).
#[must_use]
pub fn weekday_code(weekday: chrono::Weekday) -> &'static str {
    use chrono::Weekday;
    match weekday {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cache is only a cache: a feed's bytes are the same whether its
    /// VTIMEZONE was worked out for it or taken from a feed before it. The
    /// feed before it here is the same feed reaching back to 2010, into
    /// São Paulo's years of DST, so its VTIMEZONE differs: a cache keyed by
    /// zone alone (or by one end of the span) would hand it on.
    #[test]
    fn a_shared_zone_cache_changes_no_byte() {
        let dir = format!(
            "{}/tests/cases/sao-paulo-rule-change/schedules",
            env!("CARGO_MANIFEST_DIR")
        );
        let loaded = crate::schedule::load_dir(std::path::Path::new(&dir)).unwrap();
        let feed = crate::feed::plan(&crate::expand::Expanded::new(&loaded.schedules)).remove(0);
        let mut reaching_back = feed.clone();
        for event in &mut reaching_back.events {
            event.first_instant = "2010-01-01T00:00:00Z".parse().unwrap();
        }
        let alone = |feed: &Feed| render(feed.clone(), &ZoneCache::default()).unwrap();
        let (back_alone, feed_alone) = (alone(&reaching_back), alone(&feed));
        assert_ne!(back_alone, feed_alone, "the two spans give one VTIMEZONE");

        let shared = ZoneCache::default();
        assert_eq!(render(reaching_back, &shared).unwrap(), back_alone);
        assert_eq!(render(feed, &shared).unwrap(), feed_alone);
    }
}
