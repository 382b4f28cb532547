//! Warnings that need every window's occurrences, read from the table
//! expanded once per build: windows whose occurrences overlap in one group,
//! and occurrences whose hours the clocks skip. Both are legal, but usually
//! a mistake; they point at the window's place in its schedule file.

use super::Expanded;
use crate::schedule::Places;
use crate::schedule::diagnostic::Diagnostic;
use crate::schedule::model::{Status, Timing, Window};
use chrono::{DateTime, NaiveDateTime, Utc};
use std::collections::{HashMap, HashSet};

/// Every warning of this stage.
pub(crate) fn lint(expanded: &Expanded, places: &Places) -> Vec<Diagnostic> {
    let mut warnings = overlaps(expanded, places);
    warnings.extend(vanished(expanded, places));
    warnings
}

/// One occurrence of a window that takes up time in a group.
struct Busy<'a> {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    local: (NaiveDateTime, NaiveDateTime),
    window: &'a Window,
}

/// Two windows that overlap: (earlier window, later window, groups, the
/// first clash's local times (earlier, later), number of clashes).
type Clash<'a> = (&'a str, &'a str, Vec<&'a str>, (String, String), usize);

/// A warning for each pair of windows whose (not cancelled) occurrences
/// overlap in some group: subscribers would see two events at once, which
/// usually means one of them was meant to replace the other.
pub(crate) fn overlaps(expanded: &Expanded, places: &Places) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for table in &expanded.calendars {
        let calendar = table.calendar;
        let mut pairs: Vec<Clash> = Vec::new();
        // Which groups each window affects, as sets: a window may name
        // thousands of groups.
        let affects: HashMap<&String, HashSet<&str>> = calendar
            .windows
            .iter()
            .map(|w| (&w.id, w.impacts.iter().map(|i| i.group.as_str()).collect()))
            .collect();
        for group in &calendar.groups {
            let mut busy: Vec<Busy> = table
                .windows
                .iter()
                .filter(|expanded| affects[&expanded.window.id].contains(group.id.as_str()))
                .flat_map(|expanded| &expanded.occurrences)
                .filter(|o| o.status != Status::Cancelled)
                .map(|o| Busy {
                    start: o.start_utc(),
                    end: o.end_utc(),
                    local: (o.start, o.end),
                    window: o.window,
                })
                .collect();
            busy.sort_by_key(|b| (b.start, b.end));
            // Sweep: the occurrence reaching furthest so far is the one a
            // later start can fall into.
            let mut reach: Option<&Busy> = None;
            for current in &busy {
                if let Some(earlier) = reach
                    && current.start < earlier.end
                {
                    let (a, b) = (earlier.window.id.as_str(), current.window.id.as_str());
                    match pairs.iter_mut().find(|p| p.0 == a && p.1 == b) {
                        Some(pair) => {
                            if !pair.2.contains(&group.id.as_str()) {
                                pair.2.push(&group.id);
                            }
                            pair.4 += 1;
                        }
                        None => pairs.push((
                            a,
                            b,
                            vec![&group.id],
                            (span_text(earlier.local), span_text(current.local)),
                            1,
                        )),
                    }
                }
                if reach.is_none_or(|r| current.end > r.end) {
                    reach = Some(current);
                }
            }
        }
        for (earlier, later, groups, (earlier_time, later_time), count) in pairs {
            let Some(place) = places.window(&calendar.id, later) else {
                continue;
            };
            let whom = if earlier == later {
                format!("window `{later}` overlaps itself")
            } else {
                format!("window `{later}` overlaps window `{earlier}`")
            };
            let more = and_more(count, "time(s)");
            warnings.push(
                Diagnostic::warning(
                    place.file,
                    place.key.clone(),
                    format!(
                        "{whom} in group {}: {later_time} starts before {earlier_time} ends{more}",
                        groups
                            .iter()
                            .map(|g| format!("`{g}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .with_help(
                    "subscribers will see both events at once; if one replaces the other, \
                     cancel or skip one; if both are meant, this warning can be ignored",
                ),
            );
        }
    }
    warnings
}

/// A warning for each window with an occurrence whose hours do not exist
/// that day (02:00–03:00 on a spring-forward Sunday): the feeds have no
/// event then (see `span_instants`), which the operator should know.
pub(crate) fn vanished(expanded: &Expanded, places: &Places) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for table in &expanded.calendars {
        let calendar = table.calendar;
        for expanded in &table.windows {
            let window = expanded.window;
            let missing: Vec<String> = expanded
                .occurrences
                .iter()
                .filter(|o| o.instants(None).is_none())
                .map(|o| o.start.date().to_string())
                .collect();
            let (Some(first), Some(place)) =
                (missing.first(), places.window(&calendar.id, &window.id))
            else {
                continue;
            };
            let more = and_more(missing.len(), "date(s)");
            warnings.push(
                Diagnostic::warning(
                    place.file,
                    place.key.clone(),
                    format!(
                        "window `{}` has no occurrence on {first}{more}: its hours do not exist in {} that day (the clocks jump over them)",
                        window.id,
                        calendar.timezone.name()
                    ),
                )
                .with_help(match window.timing {
                    Timing::Once { .. } => "change the window's date or hours",
                    Timing::Recurring(_) => {
                        "move that occurrence with [windows.<id>.changes.<date>], or skip it to say so"
                    }
                }),
            );
        }
    }
    warnings
}

/// " (and 2 more date(s))" after the first of `count` findings; nothing for one.
fn and_more(count: usize, what: &str) -> String {
    match count {
        0 | 1 => String::new(),
        n => format!(" (and {} more {what})", n - 1),
    }
}

fn span_text((start, end): (NaiveDateTime, NaiveDateTime)) -> String {
    let end = if end.date() == start.date() {
        end.format("%H:%M").to_string()
    } else {
        end.format("%Y-%m-%d %H:%M").to_string()
    };
    format!("{}–{end}", start.format("%Y-%m-%d %H:%M"))
}
