//! Checks across every validated calendar, before anything is expanded:
//! how many groups and windows the schedules declare and how many event
//! occurrences the feeds would describe, the bounds on a build's time and
//! memory. (The limit on one event's text is in `text_limit`; warnings that
//! need the expanded occurrences are stage 2's, in `expand::lint`.)

use super::Places;
use super::diagnostic::Diagnostic;
use super::model::{Calendar, Timing, Window};

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
        .map(|impact| impact.slots().len())
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
