//! The windows as the site shows them, independent of HTML: the index's one
//! list of occurrences (each once, with the groups it touches, not once per
//! group) and, for each window, its own page with the whole notice: every
//! occurrence with its status and what changed, and per group what stops,
//! partly stops and keeps running, with the notes and the contact.
//!
//! Every occurrence carries its instants, so the page can tell past from
//! next in the reader's browser; what is listed depends only on the
//! schedules and [`crate::horizon::as_of`], never on the clock.

use crate::expand::{Expanded, Occurrence, WindowOccurrences};
use crate::feed::{occurrence_anchor, window_page};
use crate::schedule::model::{Calendar, ImpactKind, Language, Status, SubRange};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

/// How many occurrences the index lists; the calendar has them all.
pub const INDEX_WINDOWS: usize = 12;

/// One occurrence, as the index and a window's page list it.
#[derive(Debug, Clone)]
pub struct SiteOccurrence {
    /// The window's page (a file name) and this occurrence's anchor on it.
    pub page: String,
    /// Whether that page is written (`window_pages`).
    pub has_page: bool,
    pub anchor: String,
    /// The window's own title, where the schedule gives one.
    pub title: Option<String>,
    pub timezone: Tz,
    /// Local wall-clock start and end as the feeds' instants read: as the
    /// schedule writes them, except where the clocks skip a declared time.
    pub local_start: NaiveDateTime,
    pub local_end: NaiveDateTime,
    /// The instants they stand for.
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub status: Status,
    /// The date the rule gives, when this occurrence was moved off it.
    pub moved_from: Option<NaiveDate>,
    /// The window's usual local hours, when this occurrence has others.
    pub usual_hours: Option<(NaiveDateTime, NaiveDateTime)>,
    /// Names of the groups in which something stops / partly stops.
    pub stops: Vec<String>,
    pub partly: Vec<String>,
    /// Notes of this occurrence only (a change's); the window's are on its page.
    pub notes: Vec<String>,
    /// The revision (calendar's plus the window's or the change's) and when.
    pub revision: u32,
    pub revised: DateTime<Utc>,
}

/// A window's own page.
#[derive(Debug, Clone)]
pub struct WindowPage {
    pub file_name: String,
    pub language: Language,
    pub calendar_name: String,
    pub title: Option<String>,
    pub timezone: Tz,
    pub occurrences: Vec<SiteOccurrence>,
    /// The window's notes, then the calendar's.
    pub notes: Vec<String>,
    pub contact: Option<String>,
    /// The operator's own notice (the calendar's `url`).
    pub source: Option<String>,
    pub groups: Vec<PageGroup>,
}

#[derive(Debug, Clone)]
pub struct PageGroup {
    pub id: String,
    pub name: String,
    pub services: Vec<PageService>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PageService {
    pub name: String,
    pub kind: ImpactKind,
    pub note: Option<String>,
    /// Its own hours inside the window, as the schedule writes them.
    pub hours: Option<SubRange>,
}

/// The occurrences that end after `as_of` (all, without one), every
/// calendar merged by start: the first [`INDEX_WINDOWS`], and how many in all.
pub fn index(expanded: &Expanded, as_of: Option<DateTime<Utc>>) -> (Vec<SiteOccurrence>, usize) {
    type Found<'a> = (
        Span,
        &'a Calendar,
        &'a WindowOccurrences<'a>,
        &'a Occurrence<'a>,
    );
    let mut found: Vec<Found> = expanded
        .calendars
        .iter()
        .flat_map(|table| {
            table.windows.iter().flat_map(move |window| {
                window
                    .occurrences
                    .iter()
                    .map(move |occurrence| (table.calendar, window, occurrence))
            })
        })
        // The instants the feeds give; none where the clocks skip the hours
        // (`expand::span_instants`): no event, so not listed.
        .filter_map(|(calendar, window, occurrence)| {
            let span = occurrence.instants(None)?;
            Some((span, calendar, window, occurrence))
        })
        .filter(|(span, ..)| as_of.is_none_or(|now| span.1 > now))
        .collect();
    found.sort_by(|a, b| (a.0.0, &a.1.id, &a.2.window.id).cmp(&(b.0.0, &b.1.id, &b.2.window.id)));
    let count = found.len();
    let shown = found
        .into_iter()
        .take(INDEX_WINDOWS)
        .map(|(span, calendar, _, occurrence)| occurrence_of(calendar, occurrence, span))
        .collect();
    (shown, count)
}

/// Every window still in the table, each with every occurrence it has there.
/// Made as they are asked for, so that a site of tens of thousands of
/// windows never holds every page's plan at once.
pub fn pages<'e>(expanded: &'e Expanded) -> impl Iterator<Item = WindowPage> + 'e {
    expanded
        .calendars
        .iter()
        .filter(|table| table.calendar.window_pages)
        .flat_map(|table| {
            let calendar = table.calendar;
            table.windows.iter().map(move |expanded_window| {
                let window = expanded_window.window;
                WindowPage {
                    file_name: window_page(&calendar.id, &window.id),
                    language: calendar.language,
                    calendar_name: calendar.name.clone(),
                    title: window.title.clone(),
                    timezone: calendar.timezone,
                    occurrences: expanded_window
                        .occurrences
                        .iter()
                        .filter_map(|occurrence| {
                            Some(occurrence_of(
                                calendar,
                                occurrence,
                                occurrence.instants(None)?,
                            ))
                        })
                        .collect(),
                    notes: window
                        .notes
                        .iter()
                        .chain(&calendar.notes)
                        .cloned()
                        .collect(),
                    contact: calendar.contact.clone(),
                    source: calendar.url.clone(),
                    groups: window
                        .impacts
                        .iter()
                        .map(|impact| {
                            let group = calendar.group(&impact.group);
                            let mut services: Vec<PageService> = impact
                                .services
                                .iter()
                                .map(|s| PageService {
                                    name: s.service.clone(),
                                    kind: s.kind.clone(),
                                    note: s.note.clone(),
                                    hours: s.hours,
                                })
                                .collect();
                            // In the group's own order, as the notice's table
                            // lists them, not grouped by outage.
                            if let Some(group) = group {
                                services.sort_by_key(|s| {
                                    group
                                        .services
                                        .iter()
                                        .position(|name| *name == s.name)
                                        .unwrap_or(usize::MAX)
                                });
                            }
                            PageGroup {
                                id: impact.group.clone(),
                                name: group
                                    .map_or_else(|| impact.group.clone(), |g| g.name.clone()),
                                services,
                                notes: impact.notes.clone(),
                            }
                        })
                        .collect(),
                }
            })
        })
}

/// The start and end instants of an occurrence, as the feeds give them.
type Span = (DateTime<Utc>, DateTime<Utc>);

fn occurrence_of(calendar: &Calendar, occurrence: &Occurrence, span: Span) -> SiteOccurrence {
    let window = occurrence.window;
    let groups = |wanted: fn(&ImpactKind) -> bool| {
        window
            .impacts
            .iter()
            .filter(|impact| impact.services.iter().any(|s| wanted(&s.kind)))
            .map(|impact| {
                calendar
                    .group(&impact.group)
                    .map_or_else(|| impact.group.clone(), |g| g.name.clone())
            })
            .collect()
    };
    let (revised, revision) = match occurrence.change {
        Some(change) => (change.revised, change.revision),
        None => (window.revised, window.revision),
    };
    let usual = crate::expand::local_span(occurrence.start.date(), window.hours);
    SiteOccurrence {
        page: window_page(&calendar.id, &window.id),
        has_page: calendar.window_pages,
        anchor: occurrence_anchor(occurrence.rule_date),
        title: window.title.clone(),
        timezone: calendar.timezone,
        local_start: span.0.with_timezone(&calendar.timezone).naive_local(),
        local_end: span.1.with_timezone(&calendar.timezone).naive_local(),
        start: span.0,
        end: span.1,
        status: occurrence.status,
        moved_from: (occurrence.start.date() != occurrence.rule_date)
            .then_some(occurrence.rule_date),
        usual_hours: (occurrence.change.is_some() && usual != (occurrence.start, occurrence.end))
            .then_some(usual),
        stops: groups(|k| matches!(k, ImpactKind::Stops)),
        partly: groups(|k| matches!(k, ImpactKind::Partial { .. })),
        notes: occurrence
            .change
            .map(|change| change.notes.clone())
            .unwrap_or_default(),
        revision: calendar.revision.saturating_add(revision),
        revised: calendar.revised.map_or(revised, |c| c.max(revised)),
    }
}
