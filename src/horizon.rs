//! What is past and what is next, without reading the clock.
//!
//! Output must be byte-identical whatever day a build runs on, so "now" is
//! taken from the schedules themselves: the newest `revised` timestamp in
//! them (calendar, windows, changed occurrences). Someone edits a schedule
//! when something changes, so that is the last moment the schedules are
//! known to describe. From it:
//!
//! - the feeds keep past windows only back to `keep_past_months` before it
//!   (24 by default), so a long-lived schedule does not grow past the size
//!   Google Calendar accepts;
//! - the subscribe page and the manifest call "next" the windows that end
//!   after it.
//!
//! `build --as-of DATE` moves "now" to DATE when that is later: the GitHub
//! workflow passes the day it runs and runs daily, so the published feeds
//! and page roll forward with no edit, while a build still reads no clock
//! (the same schedules and options give the same bytes). Between builds,
//! the page's script hides windows that have ended by the reader's clock:
//! every listed occurrence carries its instants.
//!
//! `build` and `list` both read the trimmed table of occurrences, so what
//! `list` prints is still exactly what the feeds hold (`list` has no
//! `--as-of`; it shows what a plain `build` gives).

use crate::expand::{Expanded, to_utc};
use crate::schedule::model::{Schedules, Timing};
use chrono::{DateTime, Months, Utc};

/// The newest `revised` in the schedules: maintcal's "now". `None` only when
/// no calendar has a window or a revision date.
pub fn as_of(schedules: &Schedules) -> Option<DateTime<Utc>> {
    schedules
        .calendars
        .iter()
        .flat_map(|calendar| {
            let windows = calendar.windows.iter().flat_map(|window| {
                let changes: Vec<DateTime<Utc>> = match &window.timing {
                    Timing::Recurring(rule) => rule.changes.iter().map(|c| c.revised).collect(),
                    Timing::Once { .. } => Vec::new(),
                };
                std::iter::once(window.revised).chain(changes)
            });
            calendar.revised.into_iter().chain(windows)
        })
        .max()
}

/// The table without the windows whose every occurrence ended more than
/// their calendar's `keep_past_months` before `as_of`. A recurring window
/// is kept whole while any occurrence is recent: it is one event in the
/// feed, and dropping part of it would change its rule.
pub fn trim<'s>(mut expanded: Expanded<'s>, as_of: Option<DateTime<Utc>>) -> Expanded<'s> {
    let Some(as_of) = as_of else {
        return expanded;
    };
    for calendar in &mut expanded.calendars {
        let tz = calendar.calendar.timezone;
        // Months are counted on the calendar's local dates, as people do.
        let local_as_of = as_of.with_timezone(&tz).naive_local();
        let Some(cutoff) =
            local_as_of.checked_sub_months(Months::new(calendar.calendar.keep_past_months))
        else {
            continue;
        };
        let cutoff = to_utc(tz, cutoff);
        calendar.windows.retain(|window| {
            window.occurrences.is_empty() || window.occurrences.iter().any(|o| o.end_utc() > cutoff)
        });
    }
    expanded
}
