//! `maintcal list`: the expanded occurrences, one per occurrence and group,
//! in the schedule's local time, as a table, a JSON array or JSON lines.
//! Built from the same expansion the feeds are built from, and carrying
//! each field the feeds carry on its own (notes, what a partly stopped
//! service loses, revision and SEQUENCE), never merged into one string.
//! [`Row`] is also the source of the published JSON Schema (`maintcal
//! schema list`).

use crate::cli::{ListArgs, ListFormat};
use crate::expand::{Expanded, Occurrence};
use crate::schedule::model::{ImpactKind, ServiceImpact, Status};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use schemars::JsonSchema;
use serde::Serialize;
use std::io::Write;

/// One occurrence of a window, for one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(title = "maintcal list row")]
pub struct Row {
    /// The id of the schedule's `[calendar]`.
    pub calendar: String,
    /// The group's id.
    pub group: String,
    pub group_name: String,
    /// The window's id.
    pub window: String,
    /// Local start with its UTC offset (RFC 3339).
    #[schemars(extend("format" = "date-time"))]
    pub start: String,
    /// Local end with its UTC offset (RFC 3339).
    #[schemars(extend("format" = "date-time"))]
    pub end: String,
    pub status: RowStatus,
    /// The window's `revision` (a changed occurrence's own, if it has one).
    pub revision: u32,
    /// The event's SEQUENCE in the feeds: the calendar's revision plus
    /// `revision`.
    pub sequence: u32,
    /// The occurrence's notes: the window's, then its change's.
    pub notes: Vec<String>,
    /// The notes of the window's impact on this group.
    pub group_notes: Vec<String>,
    /// The calendar's notes, which every event carries.
    pub calendar_notes: Vec<String>,
    /// Every service the window names for this group, in its order.
    pub services: Vec<ServiceRow>,
    /// Minutes before the start at which the feeds' alarms go off: the
    /// window's `remind`, else the calendar's; none for a cancelled
    /// occurrence, which has no alarm.
    pub reminders: Vec<u32>,
}

/// What an occurrence is, as in the schedule files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RowStatus {
    Confirmed,
    Tentative,
    Cancelled,
}

/// What a window does to a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RowImpact {
    Stops,
    Partial,
    Runs,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ServiceRow {
    pub name: String,
    pub impact: RowImpact,
    /// What is unavailable, for a `partial` impact only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
    /// The service's note, if the schedule gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The service's own start, only where its hours differ from the window's.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date-time"))]
    pub start: Option<String>,
    /// The service's own end, only where its hours differ from the window's.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date-time"))]
    pub end: Option<String>,
}

/// The rows `list` prints, filtered as asked, ordered by start then group.
pub fn rows(
    expanded: &Expanded,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    group: Option<&str>,
) -> Vec<Row> {
    let mut rows = Vec::new();
    for table in &expanded.calendars {
        let calendar = table.calendar;
        for occurrence in table.by_start() {
            // Overlap with [from 00:00, to+1 00:00) in local time.
            if from
                .is_some_and(|from| occurrence.end <= from.and_hms_opt(0, 0, 0).unwrap_or_default())
            {
                continue;
            }
            if to.is_some_and(|to| occurrence.start.date() > to) {
                continue;
            }
            // Hours that do not exist on this day (a spring-forward gap)
            // are no occurrence at all; see `expand::span_instants`.
            let Some((start, end)) = occurrence.instants(None) else {
                continue;
            };
            for impact in &occurrence.window.impacts {
                if group.is_some_and(|wanted| wanted != impact.group) {
                    continue;
                }
                let Some(group) = calendar.group(&impact.group) else {
                    continue;
                };
                let revision = occurrence
                    .change
                    .map_or(occurrence.window.revision, |change| change.revision);
                rows.push(Row {
                    calendar: calendar.id.clone(),
                    group: group.id.clone(),
                    group_name: group.name.clone(),
                    window: occurrence.window.id.clone(),
                    start: local_rfc3339(calendar.timezone, start),
                    end: local_rfc3339(calendar.timezone, end),
                    status: row_status(occurrence.status),
                    revision,
                    // As the feeds compute it (`feed::part`).
                    sequence: calendar.revision.saturating_add(revision),
                    notes: occurrence.notes().cloned().collect(),
                    group_notes: impact.notes.clone(),
                    calendar_notes: calendar.notes.clone(),
                    // As the feeds give them (`feed::part`).
                    reminders: if occurrence.status == Status::Cancelled {
                        Vec::new()
                    } else {
                        (occurrence.window.remind.as_ref())
                            .unwrap_or(&calendar.remind)
                            .clone()
                    },
                    services: impact
                        .services
                        .iter()
                        .filter_map(|service| service_row(occurrence, service))
                        .collect(),
                });
            }
        }
    }
    rows
}

/// `None` when the service's own hours do not exist on this day.
fn service_row(occurrence: &Occurrence, service: &ServiceImpact) -> Option<ServiceRow> {
    let tz = occurrence.calendar.timezone;
    let (start, end) = occurrence.instants(service.hours)?;
    let differs = service.hours.is_some() && occurrence.instants(None) != Some((start, end));
    let (impact, unavailable) = match &service.kind {
        ImpactKind::Stops => (RowImpact::Stops, None),
        ImpactKind::Partial { unavailable } => (RowImpact::Partial, Some(unavailable.clone())),
        ImpactKind::Runs => (RowImpact::Runs, None),
    };
    Some(ServiceRow {
        name: service.service.clone(),
        impact,
        unavailable,
        note: service.note.clone(),
        start: differs.then(|| local_rfc3339(tz, start)),
        end: differs.then(|| local_rfc3339(tz, end)),
    })
}

fn row_status(status: Status) -> RowStatus {
    match status {
        Status::Confirmed => RowStatus::Confirmed,
        Status::Tentative => RowStatus::Tentative,
        Status::Cancelled => RowStatus::Cancelled,
    }
}

impl RowStatus {
    fn keyword(self) -> &'static str {
        match self {
            RowStatus::Confirmed => "confirmed",
            RowStatus::Tentative => "tentative",
            RowStatus::Cancelled => "cancelled",
        }
    }
}

/// An instant as local time with its UTC offset.
fn local_rfc3339(tz: Tz, instant: DateTime<Utc>) -> String {
    instant.with_timezone(&tz).to_rfc3339()
}

pub fn print(expanded: &Expanded, args: &ListArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let schedules = expanded.schedules;
    if let Some(group) = &args.group
        && !schedules.groups().any(|(_, g)| &g.id == group)
    {
        let known: Vec<&str> = schedules.groups().map(|(_, g)| g.id.as_str()).collect();
        anyhow::bail!(
            "no group `{group}`; {}",
            crate::schedule::diagnostic::suggestion(group, &known)
        );
    }
    let rows = rows(expanded, args.from, args.to, args.group.as_deref());
    match args.format() {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
            return Ok(());
        }
        ListFormat::Ndjson => {
            for row in &rows {
                serde_json::to_writer(&mut *out, row)?;
                writeln!(out)?;
            }
            return Ok(());
        }
        ListFormat::Text => {}
    }
    let group_width = rows.iter().map(|r| r.group.len()).max().unwrap_or(0).max(5);
    let window_width = rows
        .iter()
        .map(|r| r.window.len())
        .max()
        .unwrap_or(0)
        .max(6);
    writeln!(
        out,
        "{:<25}  {:<25}  {:<9}  {:<group_width$}  {:<window_width$}  IMPACT",
        "START", "END", "STATUS", "GROUP", "WINDOW"
    )?;
    for row in &rows {
        let count = |impact| row.services.iter().filter(|s| s.impact == impact).count();
        writeln!(
            out,
            "{:<25}  {:<25}  {:<9}  {:<group_width$}  {:<window_width$}  {} stop, {} partly, {} run",
            row.start,
            row.end,
            row.status.keyword(),
            row.group,
            row.window,
            count(RowImpact::Stops),
            count(RowImpact::Partial),
            count(RowImpact::Runs),
        )?;
    }
    Ok(())
}
