//! Stage 3a: decide what each feed contains, independent of the file format.
//! One feed per service group plus `all`; one event per window, group and
//! time range (recurring windows as one event with a rule, plus overrides for
//! occurrences that differ). Summaries and descriptions are composed here, in
//! the calendar's language, so every output format says the same thing.
//!
//! Feeds are planned from the table of occurrences ([`Expanded`]) that the
//! build expands once; `part` turns one window's slot into events, `text`
//! writes their words.

pub mod notices;
mod part;
mod rule_end;
mod service;
mod text;

pub use service::feed_id as service_feed_id;

use crate::expand::{CalendarOccurrences, Expanded, Occurrence};
use crate::schedule::model::Slot;
use crate::schedule::model::{Group, Status, SubRange};
use crate::words::Words;
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use part::Part;

/// The id and file stem of the feed that holds every group.
pub const ALL_FEED_ID: &str = "all";

/// A calendar feed, ready to be rendered in any format.
#[derive(Debug, Clone)]
pub struct Feed {
    /// Group id, or [`ALL_FEED_ID`].
    pub id: String,
    pub name: String,
    pub description: String,
    /// The zone named by X-WR-TIMEZONE.
    pub timezone: Tz,
    pub refresh_hours: u32,
    pub url: Option<String>,
    /// Sorted by start, then UID; overrides follow their series.
    pub events: Vec<FeedEvent>,
    /// For a service's own feed: which service of which group.
    pub service: Option<FeedService>,
}

/// The service a service's feed is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedService {
    /// The group's id.
    pub group: String,
    /// The service's name, as the group lists it.
    pub name: String,
}

impl Feed {
    /// Every zone the feed's events use, with the first and last instant it
    /// must cover, in a stable order.
    pub fn zone_spans(&self) -> Vec<(Tz, DateTime<Utc>, DateTime<Utc>)> {
        let mut spans: Vec<(Tz, DateTime<Utc>, DateTime<Utc>)> = Vec::new();
        for event in &self.events {
            match spans.iter_mut().find(|(tz, _, _)| *tz == event.timezone) {
                Some((_, first, last)) => {
                    *first = (*first).min(event.first_instant);
                    *last = (*last).max(event.last_instant);
                }
                None => spans.push((event.timezone, event.first_instant, event.last_instant)),
            }
        }
        spans.sort_by_key(|(tz, _, _)| tz.name());
        spans
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    pub uid: String,
    pub timezone: Tz,
    /// Local wall-clock start and end in `timezone`, as the schedule says.
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    /// The instants of DTSTART and DTEND (see `expand::span_instants`).
    pub instants: (DateTime<Utc>, DateTime<Utc>),
    pub recurrence: Option<Recurrence>,
    /// For an override: the local start the rule gives for this occurrence.
    pub recurrence_id: Option<NaiveDateTime>,
    pub summary: String,
    pub description: String,
    pub status: Status,
    /// Busy (something stops) rather than free.
    pub opaque: bool,
    pub sequence: u32,
    /// DTSTAMP and LAST-MODIFIED: when the window was last revised.
    pub revised: DateTime<Utc>,
    pub url: Option<String>,
    /// The window's own page, relative to the site (see [`window_page`]),
    /// with `#<rule date>` for one occurrence; a build with a base URL makes
    /// it the event's `url`. `None` where the calendar has no window pages.
    pub page: Option<String>,
    /// First start and last end over all occurrences (for VTIMEZONE spans).
    pub first_instant: DateTime<Utc>,
    pub last_instant: DateTime<Utc>,
    /// VALARMs: minutes before the start, in the schedule's order.
    pub reminders: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    /// Every `interval` months (weeks, for a weekly pattern) on the
    /// `pattern`'s days, the rule's own terms; the format writes them
    /// (`FREQ=MONTHLY;BYDAY=2SU;UNTIL=…` in iCalendar).
    pub interval: u32,
    pub pattern: crate::schedule::model::Pattern,
    pub end: RuleEnd,
    /// Local starts the rule gives but the schedule skips.
    pub exdates: Vec<NaiveDateTime>,
}

/// Where a recurrence stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleEnd {
    /// The exact start of the last instance, inclusive.
    Until(DateTime<Utc>),
    /// How many instances the rule gives.
    Count(u32),
}

/// The file name of a window's page: `<calendar id>.<window id>.html`.
/// Ids are lower-case letters, digits and `-`, so the dot keeps every pair
/// apart and no page can take a feed's or the index's name; derived from
/// ids only, so the address stays the same from build to build.
pub fn window_page(calendar_id: &str, window_id: &str) -> String {
    format!("{calendar_id}.{window_id}.html")
}

/// The anchor of one occurrence on its window's page: the date the rule
/// gives (a one-off window's own date), which stays when the occurrence
/// moves.
pub fn occurrence_anchor(rule_date: chrono::NaiveDate) -> String {
    rule_date.format("%Y-%m-%d").to_string()
}

/// Every feed: one per group (in file and declaration order), each followed
/// by the feeds of its services that the operator opted in, then `all`.
#[cfg(any(test, feature = "internals"))]
pub fn plan(expanded: &Expanded) -> Vec<Feed> {
    plans(expanded).collect()
}

/// [`plan`], one feed at a time: each is planned when asked for, so that a
/// build can render and drop it before planning the next.
#[cfg(any(test, feature = "internals"))]
pub fn plans<'e>(expanded: &'e Expanded) -> impl Iterator<Item = Feed> + 'e {
    (0..count(expanded)).filter_map(|index| plan_nth(expanded, index))
}

/// How many feeds [`plan`] gives.
pub fn count(expanded: &Expanded) -> usize {
    (expanded.schedules.groups())
        .map(|(_, group)| 1 + group.service_feeds.len())
        .sum::<usize>()
        + 1
}

/// The feed at `index` in [`plan`]'s order, planned on its own, so that
/// feeds can be planned on several threads.
pub fn plan_nth(expanded: &Expanded, index: usize) -> Option<Feed> {
    expanded
        .feeds_planned
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // Each group, then each of its services' feeds.
    let group = expanded
        .calendars
        .iter()
        .flat_map(|calendar| calendar.calendar.groups.iter().map(move |g| (calendar, g)))
        .flat_map(|(calendar, group)| {
            let services = group.service_feeds.iter().map(Some);
            std::iter::once(None)
                .chain(services)
                .map(move |service| (calendar, group, service))
        })
        .nth(index);
    match group {
        Some((calendar, group, None)) => Some(group_feed(calendar, group)),
        Some((calendar, group, Some(service))) => {
            Some(service::service_feed(calendar, group, service))
        }
        None if index + 1 == count(expanded) => Some(all_feed(expanded)),
        None => None,
    }
}

fn group_feed(expanded: &CalendarOccurrences, group: &Group) -> Feed {
    let calendar = expanded.calendar;
    let words = Words::of(calendar.language);
    let mut events = Vec::new();
    // Each description is composed here, then copied once at its size: a
    // feed holds thousands, and growing each by doubling then shrinking it
    // was most of planning's allocations.
    let scratch = std::cell::RefCell::new(String::new());
    for window in &expanded.windows {
        let Some(impact) = window.window.impact_on(&group.id) else {
            continue;
        };
        let subject = format!(
            "{} {}",
            group.name,
            text::window_title(calendar, window.window)
        );
        for slot in impact.slots() {
            let part = Part {
                calendar,
                window: window.window,
                expanded: window,
                group_id: &group.id,
                range: slot.range,
            };
            let opaque = slot.services.iter().any(|s| s.kind.is_outage());
            let strength = text::kind_of(slot.services.iter().copied());
            let compose = |occurrence: &Occurrence, times: (NaiveDateTime, NaiveDateTime)| {
                let summary = text::summary(words, occurrence.status, &subject, strength, times);
                let mut description = scratch.borrow_mut();
                description.clear();
                text::describe_slot(&mut description, words, &slot, &impact.notes);
                text::describe_common(
                    &mut description,
                    words,
                    calendar,
                    occurrence,
                    group.description.as_deref(),
                );
                (summary, description.as_str().to_owned())
            };
            events.extend(part.events(opaque, &compose));
        }
    }
    sort_events(&mut events);
    Feed {
        id: group.id.clone(),
        name: format!("{} – {}", calendar.name, group.name),
        description: group
            .description
            .clone()
            .or_else(|| calendar.description.clone())
            .unwrap_or_else(|| format!("{} – {}", calendar.name, group.name)),
        timezone: calendar.timezone,
        refresh_hours: calendar.refresh_hours,
        url: calendar.url.clone(),
        events,
        service: None,
    }
}

fn all_feed(expanded: &Expanded) -> Feed {
    let mut events = Vec::new();
    // As in `group_feed`: composed here, copied once at its size.
    let scratch = std::cell::RefCell::new(String::new());
    for table in &expanded.calendars {
        let calendar = table.calendar;
        let words = Words::of(calendar.language);
        for window_occurrences in &table.windows {
            let window = window_occurrences.window;
            // Every distinct time range across the window's groups: the
            // window's own hours first, then each sub-range.
            let group_slots: Vec<(&Group, Vec<Slot>, &[String])> = window
                .impacts
                .iter()
                .filter_map(|impact| {
                    let group = calendar.group(&impact.group)?;
                    Some((group, impact.slots(), impact.notes.as_slice()))
                })
                .collect();
            let mut ranges: Vec<Option<SubRange>> = group_slots
                .iter()
                .flat_map(|(_, slots, _)| slots.iter().map(|slot| slot.range))
                .collect();
            ranges.sort();
            ranges.dedup();
            let subject = text::window_title_for_all(calendar, window);
            for range in ranges {
                let in_range: Vec<(&Group, &Slot, &[String])> = group_slots
                    .iter()
                    .filter_map(|(group, slots, notes)| {
                        let slot = slots.iter().find(|slot| slot.range == range)?;
                        Some((*group, slot, *notes))
                    })
                    .collect();
                let services = || {
                    in_range
                        .iter()
                        .flat_map(|(_, slot, _)| slot.services.iter().copied())
                };
                let opaque = services().any(|s| s.kind.is_outage());
                let strength = text::kind_of(services());
                let part = Part {
                    calendar,
                    window,
                    expanded: window_occurrences,
                    group_id: ALL_FEED_ID,
                    range,
                };
                let compose = |occurrence: &Occurrence, times: (NaiveDateTime, NaiveDateTime)| {
                    let summary = text::summary(words, occurrence.status, subject, strength, times);
                    let mut description = scratch.borrow_mut();
                    description.clear();
                    for (index, (group, slot, notes)) in in_range.iter().enumerate() {
                        if index > 0 {
                            description.push('\n');
                        }
                        text::group_heading(&mut description, words, &group.name);
                        text::describe_slot(&mut description, words, slot, notes);
                    }
                    text::describe_common(&mut description, words, calendar, occurrence, None);
                    (summary, description.as_str().to_owned())
                };
                events.extend(part.events(opaque, &compose));
            }
        }
    }
    sort_events(&mut events);
    let calendars = &expanded.schedules.calendars;
    let first = calendars.first();
    let name = match calendars.as_slice() {
        [only] => only.name.clone(),
        many => many
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(" / "),
    };
    Feed {
        id: ALL_FEED_ID.to_owned(),
        description: first
            .and_then(|c| c.description.clone())
            .unwrap_or_else(|| name.clone()),
        name,
        timezone: first.map_or(chrono_tz::UTC, |c| c.timezone),
        refresh_hours: first.map_or(crate::schedule::model::DEFAULT_REFRESH_HOURS, |c| {
            c.refresh_hours
        }),
        url: first.and_then(|c| c.url.clone()),
        events,
        service: None,
    }
}

/// The calendar and window ids in a UID that `Part::uid` made:
/// `<window>.<group>[.<HHMM-HHMM>]@<calendar>.maintcal`. Ids are slugs
/// without dots or `@`, so the split is exact.
pub fn uid_ids(uid: &str) -> Option<(&str, &str)> {
    let (local, domain) = uid.split_once('@')?;
    let calendar = domain.strip_suffix(".maintcal")?;
    let window = local.split('.').next()?;
    Some((calendar, window))
}

fn sort_events(events: &mut [FeedEvent]) {
    events.sort_by(|a, b| {
        (a.first_instant, &a.uid, a.recurrence_id).cmp(&(b.first_instant, &b.uid, b.recurrence_id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::load_files;

    const BASE: &str = r#"
[calendar]
id = "shop"
name = "Shop"
timezone = "Asia/Tokyo"

[groups.web]
name = "Web"
services = ["Top", "Cart"]

[windows.may]
date = 2020-05-17
start = 02:00
end = 08:45
status = "confirmed"
revised = 2020-05-01T10:00:00+09:00

[windows.may.impact.web]
stops = ["Cart", { service = "Top", start = 03:00, end = 04:00 }]

[windows.monthly]
every = "month"
on = "2nd sunday"
from = 2020-06-01
count = 3
start = 02:00
end = 08:45
status = "tentative"
revised = 2020-05-01T10:00:00+09:00
same_impact_as = "may"
"#;

    fn uids(schedule: &str) -> Vec<(String, String)> {
        let loaded = load_files(vec![("s.toml".into(), schedule.to_owned())]).unwrap();
        let mut uids: Vec<(String, String)> = plan(&Expanded::new(&loaded.schedules))
            .into_iter()
            .flat_map(|feed| {
                let id = feed.id.clone();
                feed.events.into_iter().map(move |e| (id.clone(), e.uid))
            })
            .collect();
        uids.sort();
        uids.dedup();
        uids
    }

    #[test]
    fn uids_are_derived_from_ids() {
        assert_eq!(
            uids(BASE),
            [
                ("all", "may.all.0300-0400@shop.maintcal"),
                ("all", "may.all@shop.maintcal"),
                ("all", "monthly.all.0300-0400@shop.maintcal"),
                ("all", "monthly.all@shop.maintcal"),
                ("web", "may.web.0300-0400@shop.maintcal"),
                ("web", "may.web@shop.maintcal"),
                ("web", "monthly.web.0300-0400@shop.maintcal"),
                ("web", "monthly.web@shop.maintcal"),
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
    }

    #[test]
    fn unrelated_edits_do_not_change_uids() {
        let before = uids(BASE);
        let edited = BASE
            // Another group, declared first.
            .replace(
                "[groups.web]",
                "[groups.api]\nname = \"API\"\nservices = [\"Orders\"]\n\n[groups.web]",
            )
            // Text, status, hours and revision of the windows change.
            .replace("status = \"tentative\"", "status = \"confirmed\"\nrevision = 3\nnotes = [\"new\"]")
            .replace("end = 08:45\nstatus = \"confirmed\"", "end = 09:00\nstatus = \"cancelled\"")
            .replace("name = \"Shop\"", "name = \"Shop, renamed\"")
            // A new window in the middle.
            + "\n[windows.extra]\ndate = 2020-05-24\nstart = 01:00\nend = 02:00\nstatus = \"confirmed\"\nrevised = 2020-05-02T00:00:00Z\n[windows.extra.impact.api]\nstops = [\"Orders\"]\n";
        let after = uids(&edited);
        for uid in &before {
            assert!(after.contains(uid), "{uid:?} changed: {after:?}");
        }
        assert_eq!(after.len(), before.len() + 2, "{after:?}");
    }

    #[test]
    fn english_feeds_use_english_typography() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/cases/features/schedules/ops.toml"
        ))
        .unwrap();
        let loaded = load_files(vec![("ops.toml".into(), text)]).unwrap();
        let feeds = plan(&Expanded::new(&loaded.schedules));
        let all = feeds.iter().find(|feed| feed.id == ALL_FEED_ID).unwrap();
        let night = all
            .events
            .iter()
            .find(|event| event.uid == "night.all@example-ops.maintcal")
            .unwrap();
        assert_eq!(
            night.summary,
            "Example Ops maintenance: stops 23:00–03:00 (next day)"
        );
        assert_eq!(
            night.description,
            "[Database]\nStops:\n- replica\nKeeps running:\n- backup\n\n\
             [Public API]\nPartly stops:\n- gateway (unavailable: uploads)\n\
             Keeps running:\n- batch\n\n\
             Hours: 23:00–03:00 (next day) (Asia/Tokyo)\n\n\
             Notes:\n- Upgrade to the next major version.\n- Times are Japan time.\n\
             - Quotes \"; commas, semicolons; and back\\slashes survive.\n\n\
             Contact: ops@example.com\n\nhttps://status.example.com/maintenance"
        );
        let db = feeds.iter().find(|feed| feed.id == "db").unwrap();
        let primary = db
            .events
            .iter()
            .find(|event| event.uid == "night.db.0000-0200@example-ops.maintcal")
            .unwrap();
        assert!(
            primary
                .description
                .starts_with("Stops:\n- primary 00:00–02:00\n  Failover to the replica.\n"),
            "{}",
            primary.description
        );
    }
}
