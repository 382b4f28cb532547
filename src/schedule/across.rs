//! Checks across every validated calendar, before anything is expanded:
//! how many groups and windows the schedules declare and how many event
//! occurrences the feeds would describe, the bounds on a build's time and
//! memory. (The limit on one event's text is in `text_limit`; warnings that
//! need the expanded occurrences are stage 2's, in `expand::lint`.)

use super::Places;
use super::diagnostic::Diagnostic;
use super::limits::{self, Limits};
use super::model::{Calendar, Timing, Window};

/// How many event occurrences a window puts into the group feeds, and into
/// the feeds of the services it stops that have one (`service_feeds`).
fn event_occurrences(calendar: &Calendar, window: &Window) -> usize {
    let occurrences = match &window.timing {
        Timing::Once { .. } => 1,
        Timing::Recurring(rule) => rule.rule_dates().len().saturating_sub(rule.skips.len()),
    };
    let ranges: usize = window
        .impacts
        .iter()
        .map(|impact| {
            let service_feeds = calendar.group(&impact.group).map_or(0, |group| {
                (group.service_feeds.iter())
                    .filter(|feed| {
                        (impact.services.iter())
                            .any(|s| s.service == feed.service && s.kind.is_outage())
                    })
                    .count()
            });
            impact.slots().len() + service_feeds
        })
        .sum();
    occurrences.saturating_mul(ranges)
}

/// An error when the schedules together have more groups or windows than
/// `limits` allow (at the first one past the limit), or would describe more
/// event occurrences (at the window that contributes most). Each occurrence
/// of a window counts once for every group it affects and every time range
/// it has in that group, and once more for each service it stops that has a
/// feed of its own: that is what build time and memory grow with.
pub fn check_size(calendars: &[Calendar], places: &Places, limits: &Limits) -> Option<Diagnostic> {
    for (kind, places, limit, key) in [
        ("groups", &places.groups, limits.groups, limits::GROUPS),
        ("windows", &places.windows, limits.windows, limits::WINDOWS),
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
                .with_help(format!(
                    "{}; {}",
                    if kind == "groups" {
                        "each group is a feed file; merge groups whose services are maintained together"
                    } else {
                        "make repeating windows one recurring window (every = \"month\" or \"week\"), \
                         or drop windows that are over"
                    },
                    key.raise()
                )),
            );
        }
    }
    check_occurrences(calendars, places, limits.event_occurrences)
}

fn check_occurrences(calendars: &[Calendar], places: &Places, limit: usize) -> Option<Diagnostic> {
    let mut total: usize = 0;
    let mut biggest: Option<(usize, &Calendar, &Window)> = None;
    for calendar in calendars {
        for window in &calendar.windows {
            let count = event_occurrences(calendar, window);
            total = total.saturating_add(count);
            if biggest.is_none_or(|(most, _, _)| count > most) {
                biggest = Some((count, calendar, window));
            }
        }
    }
    if total <= limit {
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
                 more than the {limit} a build allows; \
                 window `{}` alone gives {count}",
                window.id
            ),
        )
        .with_help(format!(
            "each occurrence counts once per group and time range; end long series sooner \
             (a schedule is republished long before they run out); {}",
            limits::EVENT_OCCURRENCES.raise()
        )),
    )
}
