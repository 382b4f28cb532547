//! Checks that need every calendar already validated and its windows
//! expanded: how much the feeds would hold in total (a bound on a build's
//! time and memory), windows that overlap in one group, and occurrences
//! whose hours the clocks skip (warnings: legal, but usually a mistake).
//! The limit on one event's text is checked without expanding anything,
//! in `text_limit`.

use super::Places;
use super::diagnostic::Diagnostic;
use super::model::{Calendar, Status, Timing, Window};
use crate::expand;
use chrono::{DateTime, NaiveDateTime, Utc};
use std::collections::{HashMap, HashSet};

/// The most event occurrences all group feeds together may describe: each
/// occurrence of a window counts once for every group it affects and every
/// time range it has in that group. The notice describes 21; this is far
/// beyond any real schedule, and keeps `build` and `list` to seconds and a
/// bounded amount of memory whatever the input.
pub const MAX_EVENT_OCCURRENCES: usize = 100_000;

/// How many event occurrences a window puts into the group feeds.
fn event_occurrences(window: &Window) -> usize {
    let occurrences = match &window.timing {
        Timing::Once { .. } => 1,
        Timing::Monthly(rule) => rule.rule_dates().len().saturating_sub(rule.skips.len()),
    };
    let ranges: usize = window
        .impacts
        .iter()
        .map(|impact| expand::slots(impact).len())
        .sum();
    occurrences.saturating_mul(ranges)
}

/// The most groups (so feed files) one build may have. The notice has 7; a
/// thousand feeds is far past what anyone subscribes to, and planning the
/// feeds takes time in proportion to groups times windows.
pub const MAX_GROUPS: usize = 1000;

/// The most windows one build may have, for the same reason; a recurring
/// window counts once, however often it recurs.
pub const MAX_WINDOWS: usize = 1000;

/// An error when the schedules together have more than [`MAX_GROUPS`]
/// groups or [`MAX_WINDOWS`] windows (at the first one past the limit), or
/// would describe more than [`MAX_EVENT_OCCURRENCES`] (at the window that
/// contributes most).
pub fn check_size(calendars: &[Calendar], places: &Places) -> Option<Diagnostic> {
    for (kind, places, limit) in [
        ("groups", &places.groups, MAX_GROUPS),
        ("windows", &places.windows, MAX_WINDOWS),
    ] {
        if let Some(place) = places.get(limit) {
            return Some(
                Diagnostic::error(
                    place.file,
                    place.key.clone(),
                    format!(
                        "the schedules declare {} {kind}; one build allows at most {limit}",
                        places.len()
                    ),
                )
                .with_help(if kind == "groups" {
                    "each group is a feed file; merge groups whose services are maintained together"
                } else {
                    "make repeating windows one recurring window (every = \"month\"), \
                     or drop windows that are over"
                }),
            );
        }
    }
    check_occurrences(calendars, places)
}

fn check_occurrences(calendars: &[Calendar], places: &Places) -> Option<Diagnostic> {
    let mut total: usize = 0;
    let mut biggest: Option<(usize, &Calendar, &Window)> = None;
    for calendar in calendars {
        for window in &calendar.windows {
            let count = event_occurrences(window);
            total = total.saturating_add(count);
            if biggest.is_none_or(|(most, _, _)| count > most) {
                biggest = Some((count, calendar, window));
            }
        }
    }
    if total <= MAX_EVENT_OCCURRENCES {
        return None;
    }
    let (count, calendar, window) = biggest?;
    let place = places.window(&calendar.id, &window.id)?;
    Some(
        Diagnostic::error(
            place.file,
            place.key.clone(),
            format!(
                "the schedules would put {total} event occurrences into the feeds, \
                 more than the {MAX_EVENT_OCCURRENCES} a build allows; \
                 window `{}` alone gives {count}",
                window.id
            ),
        )
        .with_help(
            "each occurrence counts once per group and time range; end long series sooner \
             (a schedule is republished long before they run out)",
        ),
    )
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
pub fn overlaps(calendars: &[Calendar], places: &Places) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for calendar in calendars {
        let mut pairs: Vec<Clash> = Vec::new();
        // Which groups each window affects, as sets: a window may name
        // thousands of groups.
        let affects: HashMap<&String, HashSet<&str>> = calendar
            .windows
            .iter()
            .map(|w| (&w.id, w.impacts.iter().map(|i| i.group.as_str()).collect()))
            .collect();
        for group in &calendar.groups {
            let mut busy: Vec<Busy> = calendar
                .windows
                .iter()
                .filter(|window| affects[&window.id].contains(group.id.as_str()))
                .flat_map(|window| expand::occurrences(calendar, window))
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
/// event then (see `expand::span_instants`), which the operator should know.
pub fn vanished(calendars: &[Calendar], places: &Places) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for calendar in calendars {
        for window in &calendar.windows {
            let missing: Vec<String> = expand::occurrences(calendar, window)
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
                    Timing::Monthly(_) => {
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
