//! A window's own page, `<calendar>.<window>.html`: what the operator's
//! notice says about it, complete. Every occurrence (anchored by the date
//! its rule gives, which the feeds' `URL` points at) with its status,
//! revision and what changed; then per group the notice's table, every
//! service with its outage hours (or "keeps running") and its note, the
//! group's notes; the window's and calendar's notes, the contact and the
//! operator's own notice.

use super::{FILE_NAME, Head, OccurrenceView, finish};
use crate::render::RenderError;
use crate::schedule::model::ImpactKind;
use crate::site::{PageGroup, WindowPage};
use crate::words::Words;
use askama::Template;
use chrono::NaiveDate;

/// Each window's page (its file name and bytes), rendered as it is asked
/// for: a large site has tens of thousands, which are planned, rendered and
/// handed on one at a time and never held together.
pub fn pages<'p>(
    pages: impl Iterator<Item = WindowPage> + 'p,
) -> impl Iterator<Item = Result<(String, Vec<u8>), RenderError>> + 'p {
    pages.map(|page| Ok((page.file_name.clone(), render(&page)?)))
}

fn render(page: &WindowPage) -> Result<Vec<u8>, RenderError> {
    let words = Words::of(page.language);
    let occurrences: Vec<OccurrenceView> = page
        .occurrences
        .iter()
        .map(|o| OccurrenceView::of(words, o, false))
        .collect();
    // The heading names the window: its title, else its first date.
    let heading = page
        .title
        .clone()
        .or_else(|| occurrences.first().map(|o| o.date.clone()))
        .unwrap_or_default();
    // The usual hours: what a whole-window outage lasts.
    let hours = page.occurrences.first().map(|o| {
        let (start, end) = o.usual_hours.unwrap_or((o.local_start, o.local_end));
        (start, end)
    });
    let view = WindowView {
        head: Head::new(page.language),
        page_title: format!("{heading} – {}", page.calendar_name),
        heading,
        calendar_name: &page.calendar_name,
        index: FILE_NAME,
        words,
        occurrences,
        timezone: words.times_in.replace("{zone}", page.timezone.name()),
        groups: page
            .groups
            .iter()
            .map(|group| group_view(words, group, hours))
            .collect(),
        notes: &page.notes,
        contact: page.contact.as_deref(),
        source: page.source.as_deref(),
    };
    finish(view.render()?)
}

#[derive(Template)]
#[template(path = "window.html")]
struct WindowView<'a> {
    head: Head,
    page_title: String,
    heading: String,
    calendar_name: &'a str,
    index: &'static str,
    words: &'static Words,
    occurrences: Vec<OccurrenceView>,
    timezone: String,
    groups: Vec<GroupView<'a>>,
    notes: &'a [String],
    contact: Option<&'a str>,
    source: Option<&'a str>,
}

struct GroupView<'a> {
    id: &'a str,
    name: &'a str,
    rows: Vec<Row<'a>>,
    notes: &'a [String],
}

/// One line of the notice's table.
struct Row<'a> {
    service: &'a str,
    /// `stops`, `partly` or `runs`: the row's class.
    kind: &'static str,
    label: &'static str,
    /// The outage's hours; `None` for a service that keeps running.
    hours: Option<String>,
    /// What is unavailable, for a partial outage.
    lacking: Option<String>,
    note: Option<&'a str>,
}

type Hours = Option<(chrono::NaiveDateTime, chrono::NaiveDateTime)>;

fn group_view<'a>(words: &'static Words, group: &'a PageGroup, hours: Hours) -> GroupView<'a> {
    let rows = group
        .services
        .iter()
        .map(|service| {
            let (kind, label) = match &service.kind {
                ImpactKind::Stops => ("stops", words.stops),
                ImpactKind::Partial { .. } => ("partly", words.partly),
                ImpactKind::Runs => ("runs", words.runs),
            };
            // A service's own hours are local times on the window's day,
            // or the day after for ones before the window's start.
            let own = service.hours.and_then(|range| {
                let (start, _) = hours?;
                let day = |time: chrono::NaiveTime| {
                    let date: NaiveDate = start.date();
                    let at = date.and_time(time);
                    if at < start {
                        at + chrono::Duration::days(1)
                    } else {
                        at
                    }
                };
                Some((day(range.start), day(range.end)))
            });
            let outage = own.or(hours);
            // Under the window's date: a time after midnight says so.
            let day = hours.map(|(start, _)| start.date());
            GroupView::row(words, service, kind, label, outage, day)
        })
        .collect();
    GroupView {
        id: &group.id,
        name: &group.name,
        rows,
        notes: &group.notes,
    }
}

impl GroupView<'_> {
    fn row<'a>(
        words: &Words,
        service: &'a crate::site::PageService,
        kind: &'static str,
        label: &'static str,
        outage: Hours,
        day: Option<NaiveDate>,
    ) -> Row<'a> {
        Row {
            service: &service.name,
            kind,
            label,
            hours: match service.kind {
                ImpactKind::Runs => None,
                _ => outage.map(|(start, end)| {
                    words.time_range_on(day.unwrap_or(start.date()), start, end)
                }),
            },
            lacking: match &service.kind {
                ImpactKind::Partial { unavailable } => Some(format!(
                    "{}{unavailable}{}",
                    words.lacking.0, words.lacking.1
                )),
                _ => None,
            },
            note: service.note.as_deref(),
        }
    }
}
