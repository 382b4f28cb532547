//! Warnings that need every window's occurrences, read from the table
//! expanded once per build: windows whose occurrences overlap in one group,
//! and occurrences (or a service's own hours in one) that the clocks skip.
//! Both are legal, but usually a mistake; they point at the window's place
//! in its schedule file.

use super::Expanded;
use crate::schedule::Places;
use crate::schedule::diagnostic::Diagnostic;
use crate::schedule::model::{Status, SubRange, Timing, Window};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Every warning of this stage.
pub(crate) fn lint(expanded: &Expanded, places: &Places) -> Vec<Diagnostic> {
    let mut warnings = overlaps(expanded, places);
    warnings.extend(vanished(expanded, places));
    warnings.extend(vanished_ranges(expanded, places));
    warnings
}

/// One occurrence of a window that takes up time in a group.
struct Busy<'a> {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    local: (NaiveDateTime, NaiveDateTime),
    window: &'a Window,
}

/// Where two windows overlap: the groups, and every clash keyed by the
/// later occurrence's start instant, with the local times of (earlier,
/// later) occurrence.
#[derive(Default)]
struct Clashes<'a> {
    groups: Vec<&'a str>,
    times: BTreeMap<DateTime<Utc>, (Span, Span)>,
}

type Span = (NaiveDateTime, NaiveDateTime);

/// A warning for each pair of windows whose (not cancelled) occurrences
/// overlap in some group: subscribers would see two events at once, which
/// usually means one of them was meant to replace the other. Occurrences
/// are taken at the instants the feeds give them; one whose hours the
/// clocks skip has none and overlaps nothing (`vanished` warns about it).
pub(crate) fn overlaps(expanded: &Expanded, places: &Places) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for table in &expanded.calendars {
        let calendar = table.calendar;
        // (earlier window, later window) in the order first found.
        let mut pairs: Vec<((&str, &str), Clashes)> = Vec::new();
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
                .filter_map(|o| {
                    let (start, end) = o.instants(None)?;
                    Some(Busy {
                        start,
                        end,
                        local: (o.start, o.end),
                        window: o.window,
                    })
                })
                .collect();
            busy.sort_by_key(|b| (b.start, b.end));
            // Sweep: every occurrence still running when one starts
            // clashes with it, not only the one reaching furthest.
            let mut running: Vec<&Busy> = Vec::new();
            for current in &busy {
                running.retain(|earlier| earlier.end > current.start);
                for earlier in &running {
                    let key = (earlier.window.id.as_str(), current.window.id.as_str());
                    let index = match pairs.iter().position(|(pair, _)| *pair == key) {
                        Some(index) => index,
                        None => {
                            pairs.push((key, Clashes::default()));
                            pairs.len() - 1
                        }
                    };
                    let clashes = &mut pairs[index].1;
                    if !clashes.groups.contains(&group.id.as_str()) {
                        clashes.groups.push(&group.id);
                    }
                    clashes
                        .times
                        .entry(current.start)
                        .or_insert((earlier.local, current.local));
                }
                running.push(current);
            }
        }
        for ((earlier, later), clashes) in pairs {
            let Some(place) = places.window(&calendar.id, later) else {
                continue;
            };
            let whom = if earlier == later {
                format!("window `{later}` overlaps itself")
            } else {
                format!("window `{later}` overlaps window `{earlier}`")
            };
            let Some((first_earlier, first_later)) = clashes.times.values().next() else {
                continue;
            };
            // The dates of the later window's occurrences that clash, once
            // each, the first one's already named in full.
            let mut dates: Vec<NaiveDate> = Vec::new();
            for (_, later_span) in clashes.times.values() {
                let date = later_span.0.date();
                if !dates.contains(&date) {
                    dates.push(date);
                }
            }
            let also = match dates.get(1..) {
                Some(rest) if !rest.is_empty() => format!("; also on {}", date_list(rest)),
                _ => String::new(),
            };
            warnings.push(
                Diagnostic::warning(
                    place.file,
                    place.key.clone(),
                    format!(
                        "{whom} in group {}: {} starts before {} ends{also}",
                        clashes
                            .groups
                            .iter()
                            .map(|g| format!("`{g}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        span_text(*first_later),
                        span_text(*first_earlier),
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
            let missing: Vec<NaiveDate> = expanded
                .occurrences
                .iter()
                .filter(|o| o.instants(None).is_none())
                .map(|o| o.start.date())
                .collect();
            let (false, Some(place)) =
                (missing.is_empty(), places.window(&calendar.id, &window.id))
            else {
                continue;
            };
            let days = if missing.len() == 1 {
                "that day"
            } else {
                "those days"
            };
            warnings.push(
                Diagnostic::warning(
                    place.file,
                    place.key.clone(),
                    format!(
                        "window `{}` has no occurrence on {}: its hours do not exist in {} {days} (the clocks jump over them)",
                        window.id,
                        date_list(&missing),
                        calendar.timezone.name()
                    ),
                )
                .with_help(match window.timing {
                    Timing::Once { .. } => "change the window's date or hours",
                    Timing::Recurring(_) => {
                        "move each such occurrence with [windows.<id>.changes.<date>], or skip it to say so"
                    }
                }),
            );
        }
    }
    warnings
}

/// A warning for each service's own hours (a sub-range) that do not exist
/// on a day when the window's do: the same rule as for a window (see
/// `span_instants`), so that service has no event that day.
pub(crate) fn vanished_ranges(expanded: &Expanded, places: &Places) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for table in &expanded.calendars {
        let calendar = table.calendar;
        for expanded in &table.windows {
            let window = expanded.window;
            // Each distinct sub-range once, with the services that use it.
            let mut ranges: Vec<(SubRange, Vec<&str>)> = Vec::new();
            for service in window.impacts.iter().flat_map(|i| &i.services) {
                let Some(range) = service.hours else { continue };
                match ranges.iter_mut().find(|(r, _)| *r == range) {
                    Some((_, names)) if names.contains(&service.service.as_str()) => {}
                    Some((_, names)) => names.push(&service.service),
                    None => ranges.push((range, vec![&service.service])),
                }
            }
            let Some(place) = places.window(&calendar.id, &window.id) else {
                continue;
            };
            for (range, services) in ranges {
                let missing: Vec<NaiveDate> = expanded
                    .occurrences
                    .iter()
                    .filter(|o| o.instants(None).is_some() && o.instants(Some(range)).is_none())
                    .map(|o| o.slot_times(Some(range)).0.date())
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                warnings.push(
                    Diagnostic::warning(
                        place.file,
                        place.key.clone(),
                        format!(
                            "window `{}`: the hours {}–{} of {} do not exist in {} on {} (the clocks jump over them); no event for {} then",
                            window.id,
                            range.start.format("%H:%M"),
                            range.end.format("%H:%M"),
                            services
                                .iter()
                                .map(|s| format!("`{s}`"))
                                .collect::<Vec<_>>()
                                .join(", "),
                            calendar.timezone.name(),
                            date_list(&missing),
                            if services.len() == 1 { "it" } else { "them" },
                        ),
                    )
                    .with_help("move those hours out of the gap, or move or skip the occurrence"),
                );
            }
        }
    }
    warnings
}

/// How many dates a warning names before it only counts the rest.
const DATES_NAMED: usize = 5;

/// "2021-03-14", "2021-03-14 and 2022-03-13", or up to [`DATES_NAMED`]
/// dates and a count of the rest: "2021-03-14, …, 2025-03-09 and 3 more".
fn date_list(dates: &[NaiveDate]) -> String {
    let named: Vec<String> = dates
        .iter()
        .take(DATES_NAMED)
        .map(|d| d.to_string())
        .collect();
    let rest = dates.len() - named.len();
    match (named.split_last(), rest) {
        (None, _) => String::new(),
        (Some((last, [])), 0) => last.clone(),
        (Some((last, before)), 0) => format!("{} and {last}", before.join(", ")),
        (Some(_), rest) => format!("{} and {rest} more", named.join(", ")),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(n: usize) -> Vec<NaiveDate> {
        (0..n)
            .map(|i| NaiveDate::from_ymd_opt(2021 + i as i32, 1, 1).unwrap())
            .collect()
    }

    #[test]
    fn a_handful_of_dates_is_named_then_counted() {
        assert_eq!(date_list(&dates(1)), "2021-01-01");
        assert_eq!(date_list(&dates(2)), "2021-01-01 and 2022-01-01");
        assert_eq!(
            date_list(&dates(5)),
            "2021-01-01, 2022-01-01, 2023-01-01, 2024-01-01 and 2025-01-01"
        );
        assert_eq!(
            date_list(&dates(6)),
            "2021-01-01, 2022-01-01, 2023-01-01, 2024-01-01, 2025-01-01 and 1 more"
        );
        assert_eq!(
            date_list(&dates(40)),
            "2021-01-01, 2022-01-01, 2023-01-01, 2024-01-01, 2025-01-01 and 35 more"
        );
    }
}
