//! `maintcal list`: the expanded occurrences, one per occurrence and group,
//! in the schedule's local time, as a table or as JSON. Built from the same
//! expansion the feeds are built from.

use crate::cli::ListArgs;
use crate::expand::{Expanded, Occurrence};
use crate::schedule::model::ImpactKind;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::io::Write;

/// One occurrence of a window, for one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub group: String,
    pub group_name: String,
    pub window: String,
    /// Local time with its UTC offset (RFC 3339).
    pub start: String,
    pub end: String,
    pub status: &'static str,
    pub services: Vec<ServiceRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceRow {
    pub name: String,
    /// `stops`, `partial` or `runs`.
    pub impact: &'static str,
    /// What is unavailable (partial), or the service's note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The service's own start and end, only where they differ from the window's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
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
                rows.push(Row {
                    group: group.id.clone(),
                    group_name: group.name.clone(),
                    window: occurrence.window.id.clone(),
                    start: local_rfc3339(calendar.timezone, start),
                    end: local_rfc3339(calendar.timezone, end),
                    status: occurrence.status.keyword(),
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
fn service_row(
    occurrence: &Occurrence,
    service: &crate::schedule::model::ServiceImpact,
) -> Option<ServiceRow> {
    let tz = occurrence.calendar.timezone;
    let (start, end) = occurrence.instants(service.hours)?;
    let differs = service.hours.is_some() && occurrence.instants(None) != Some((start, end));
    let note = match (&service.kind, &service.note) {
        (ImpactKind::Partial { unavailable }, None) => Some(unavailable.clone()),
        (ImpactKind::Partial { unavailable }, Some(note)) => {
            Some(format!("{unavailable}（{note}）"))
        }
        (_, note) => note.clone(),
    };
    Some(ServiceRow {
        name: service.service.clone(),
        impact: service.kind.keyword(),
        note,
        start: differs.then(|| local_rfc3339(tz, start)),
        end: differs.then(|| local_rfc3339(tz, end)),
    })
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
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        writeln!(out)?;
        return Ok(());
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
        let count = |impact: &str| row.services.iter().filter(|s| s.impact == impact).count();
        writeln!(
            out,
            "{:<25}  {:<25}  {:<9}  {:<group_width$}  {:<window_width$}  {} stop, {} partly, {} run",
            row.start,
            row.end,
            row.status,
            row.group,
            row.window,
            count("stops"),
            count("partial"),
            count("runs"),
        )?;
    }
    Ok(())
}
