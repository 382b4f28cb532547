//! The most text one event or one feed may carry, checked from the model
//! alone, before anything is planned.
//!
//! For each window this computes an upper bound on the bytes of summary and
//! description its events can have in every feed it appears in (each group
//! feed, and `all`, whose event lists every group the window touches); for
//! each feed, a bound on its name and description. The bound adds up
//! everything the feed planner (`src/feed/`) puts into one event, the
//! schedule's own text exactly and the words maintcal adds around it
//! (status, headings, bullets, times, the zone's name) with room to spare,
//! so it is never below the real length (`tests/integration/text_bound.rs` checks this
//! against planned feeds). Past the limit (`text_kib`) the error points at the
//! window (or calendar) and says what to shorten.

use super::Places;
use super::diagnostic::Diagnostic;
use super::limits::TEXT_KIB;
use super::model::{Calendar, GroupImpact, ImpactKind, Schedules, Timing, Window};

// The most bytes of text one event (summary and description) or one feed
// (name and description) may have is `text_kib` in `[limits]` (see
// `limits::TEXT_KIB`). The notice's longest is about 4 KB; the all feed's
// event for a window that names thousands of groups could reach megabytes,
// which no client shows usefully.

/// The id (and file stem) of the feed of every group; validation reserves
/// it, so no group has it.
const ALL_FEED: &str = "all";

// What the words maintcal adds may take at most, in either language. The
// words around each service and group are counted exactly, as `src/feed/`
// writes them today: a window may list thousands of services, and a margin
// per service would reject events far under the limit (the generated large
// workload has all-feed events of 61 KB). The words said once per event
// keep room to spare. `tests/integration/text_bound.rs` fails if the planner's words
// outgrow these.

/// A summary's own words: status (12), separators (4), whether it stops
/// (12), and the time range with its next-day mark (16).
const SUMMARY_WORDS: usize = 64;
/// One heading of a slot, for each kind of impact it lists (the longest is
/// "一部停止するサービス:\n").
const HEADING: usize = 32;
/// Around one service: bullet and line break ("・", "\n").
const PER_SERVICE: usize = 4;
/// Around a partial outage's "unavailable" text ("（利用できない機能: ", "）").
const PER_PARTIAL: usize = 32;
/// A service's own hours (" 03:00–05:00").
const PER_HOURS: usize = 14;
/// Around each line of a service's note (line break and indent "\n　").
const PER_NOTE_LINE: usize = 4;
/// Around one note of a group, window or calendar (bullet and line break).
const PER_NOTE: usize = 4;
/// Around a group in the all feed's description ("\n◆", "\n").
const PER_GROUP: usize = 5;
/// The rest of a description, besides the zone's name: the hours line (29),
/// the notes heading (9), the contact's heading (22), and the line breaks
/// around the group's description and the URL (4).
const COMMON_WORDS: usize = 128;
/// Between a calendar's and a group's name in a feed name (" – ", 5), or
/// after each calendar's name in the all feed's (" / ", 3).
const FEED_NAME_WORDS: usize = 16;

/// An upper bound on the text of this window's events in each feed it
/// appears in: (feed id, bytes), the window's groups in order, then `all`.
pub fn event_text_bounds(calendar: &Calendar, window: &Window) -> Vec<(String, usize)> {
    let common = common_bound(calendar, window);
    let mut bounds = Vec::with_capacity(window.impacts.len() + 1);
    let mut all_groups = 0usize;
    for impact in &window.impacts {
        let (name, description) = calendar.group(&impact.group).map_or((0, 0), |group| {
            (
                group.name.len(),
                group.description.as_ref().map_or(0, String::len),
            )
        });
        let slot = slot_bound(impact);
        let title = window.title.as_ref().unwrap_or(&calendar.title).len();
        bounds.push((
            impact.group.clone(),
            name + title + SUMMARY_WORDS + slot + common + description,
        ));
        // A service's own feed: its name instead of the group's, and one
        // service of the slot (so the group's slot bounds it).
        for feed in calendar
            .group(&impact.group)
            .map_or(&[][..], |g| &g.service_feeds)
        {
            let stops =
                (impact.services.iter()).any(|s| s.service == feed.service && s.kind.is_outage());
            if stops {
                bounds.push((
                    format!("{}.{}", impact.group, feed.id),
                    feed.service.len() + title + SUMMARY_WORDS + slot + common + description,
                ));
            }
        }
        all_groups = all_groups.saturating_add(PER_GROUP + name + slot);
    }
    let title = window.title.as_ref().unwrap_or(&calendar.name).len();
    bounds.push((
        ALL_FEED.to_owned(),
        title + SUMMARY_WORDS + all_groups.saturating_add(common),
    ));
    bounds
}

/// An upper bound on each feed's name and description: (feed id, the
/// calendar to point at, bytes), each group's feed in order (each followed
/// by its services' feeds), then `all`.
pub fn feed_text_bounds(schedules: &Schedules) -> Vec<(String, &Calendar, usize)> {
    let mut bounds = Vec::new();
    for (calendar, group) in schedules.groups() {
        let name = calendar.name.len() + FEED_NAME_WORDS + group.name.len();
        let description = [&group.description, &calendar.description]
            .into_iter()
            .flatten()
            .map(String::len)
            .fold(name, usize::max);
        bounds.push((group.id.clone(), calendar, name + description));
        for feed in &group.service_feeds {
            // `<calendar> – <group> – <service>`, its own description too.
            let name =
                calendar.name.len() + 2 * FEED_NAME_WORDS + group.name.len() + feed.service.len();
            bounds.push((format!("{}.{}", group.id, feed.id), calendar, 2 * name));
        }
    }
    if let Some(first) = schedules.calendars.first() {
        let name: usize = schedules
            .calendars
            .iter()
            .map(|calendar| calendar.name.len() + FEED_NAME_WORDS)
            .sum();
        let description = first.description.as_ref().map_or(0, String::len).max(name);
        bounds.push((ALL_FEED.to_owned(), first, name + description));
    }
    bounds
}

/// An error at each window whose events could have more than `limit`
/// bytes of text in some feed, naming the feed where they
/// could be longest, and at the calendar of each feed whose name and
/// description could.
pub fn check_text(schedules: &Schedules, places: &Places, limit: usize) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (id, calendar, bytes) in feed_text_bounds(schedules) {
        let Some(place) = places.calendar(&calendar.id) else {
            continue;
        };
        if bytes > limit {
            errors.push(
                Diagnostic::error(
                    place.file,
                    place.key.clone(),
                    format!(
                        "{id}.ics would have a name and description of up to {bytes} bytes, \
                         more than the {limit} a feed may have"
                    ),
                )
                .with_help(format!(
                    "{}; {}",
                    if id == ALL_FEED {
                        "the all feed's name joins every calendar's name; shorten the \
                         calendars' names or the first calendar's description"
                    } else {
                        "shorten the calendar's or the group's description"
                    },
                    TEXT_KIB.raise()
                )),
            );
        }
    }
    for calendar in &schedules.calendars {
        for window in &calendar.windows {
            let Some((id, bytes)) = event_text_bounds(calendar, window)
                .into_iter()
                .max_by_key(|(_, bytes)| *bytes)
                .filter(|(_, bytes)| *bytes > limit)
            else {
                continue;
            };
            let Some(place) = places.window(&calendar.id, &window.id) else {
                continue;
            };
            errors.push(
                Diagnostic::error(
                    place.file,
                    place.key.clone(),
                    format!(
                        "window `{}` would give an event of up to {bytes} bytes of text in \
                         {id}.ics, more than the {limit} an event may have",
                        window.id
                    ),
                )
                .with_help(format!(
                    "{}; {}",
                    if id == ALL_FEED {
                        "the all feed lists every group a window affects, with its services \
                         and notes; split the window into several, or shorten its notes"
                    } else {
                        "shorten the notes of the window, of its impact on this group or of \
                         the calendar, or the group's description"
                    },
                    TEXT_KIB.raise()
                )),
            );
        }
    }
    errors
}

/// Everything one group's slot can list: every service of the impact (a
/// slot lists some of them, each once) under the headings of their kinds,
/// and the impact's notes.
fn slot_bound(impact: &GroupImpact) -> usize {
    let services: usize = impact
        .services
        .iter()
        .map(|service| {
            let unavailable = match &service.kind {
                ImpactKind::Partial { unavailable } => unavailable.len() + PER_PARTIAL,
                ImpactKind::Stops | ImpactKind::Runs => 0,
            };
            let hours = service.hours.map_or(0, |_| PER_HOURS);
            let note = service.note.as_ref().map_or(0, |note| {
                note.len() + PER_NOTE_LINE * note.lines().count().max(1)
            });
            PER_SERVICE + service.service.len() + unavailable + hours + note
        })
        .sum();
    let kinds = ["stops", "partial", "runs"]
        .into_iter()
        .filter(|kind| impact.services.iter().any(|s| s.kind.keyword() == *kind))
        .count();
    HEADING * kinds + services + notes_bound(&impact.notes)
}

/// What every event of the window says besides its groups: its hours and
/// zone, the notes of the window, of one changed occurrence (the longest)
/// and of the calendar, the contact and the URL.
fn common_bound(calendar: &Calendar, window: &Window) -> usize {
    let change = match &window.timing {
        Timing::Recurring(rule) => rule
            .changes
            .iter()
            .map(|change| notes_bound(&change.notes))
            .max()
            .unwrap_or(0),
        Timing::Once { .. } => 0,
    };
    COMMON_WORDS
        + calendar.timezone.name().len()
        + notes_bound(&window.notes)
        + change
        + notes_bound(&calendar.notes)
        + calendar.contact.as_ref().map_or(0, String::len)
        + calendar.url.as_ref().map_or(0, String::len)
}

fn notes_bound(notes: &[String]) -> usize {
    notes.iter().map(|note| note.len() + PER_NOTE).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{ScheduleError, load_files};

    const SCHEDULE: &str = r#"
[calendar]
id = "shop"
name = "Shop"
timezone = "Asia/Tokyo"

[groups.web]
name = "Web"
services = ["Top", "Cart"]

[groups.api]
name = "API"
services = ["Orders"]

[windows.may]
date = 2020-05-17
start = 02:00
end = 08:45
status = "confirmed"
revised = 2020-05-01T10:00:00+09:00

[windows.may.impact.web]
stops = ["Cart", { service = "Top", note = "NOTE" }]

[windows.may.impact.api]
runs = ["Orders"]
"#;

    fn report(schedule: &str) -> String {
        match load_files(vec![("s.toml".into(), schedule.to_owned())]) {
            Err(ScheduleError::Invalid { report, .. }) => report,
            other => panic!("expected invalid schedules, got {other:?}"),
        }
    }

    #[test]
    fn a_long_note_is_reported_once_at_its_window() {
        let schedule = SCHEDULE.replace("NOTE", &"x".repeat(300_000));
        let report = report(&schedule);
        assert!(
            report.starts_with("error: window `may` would give an event of up to "),
            "{report}"
        );
        // The all feed's event lists both groups: it is the longest.
        assert!(report.contains("bytes of text in all.ics"), "{report}");
        assert!(report.contains("s.toml:15:10"), "{report}");
        assert_eq!(report.matches("error:").count(), 1, "{report}");
    }

    #[test]
    fn a_long_group_description_is_reported_for_that_group_feed() {
        // Only the group's own feed carries its description, in the feed's
        // description and in every event.
        let schedule = SCHEDULE.replace(
            "name = \"Web\"",
            &format!("name = \"Web\"\ndescription = \"{}\"", "d".repeat(300_000)),
        );
        let report = report(&schedule);
        assert!(
            report.contains("error: web.ics would have a name and description of up to "),
            "{report}"
        );
        assert!(
            report.contains("error: window `may` would give an event of up to "),
            "{report}"
        );
        assert!(report.contains("bytes of text in web.ics"), "{report}");
        assert_eq!(report.matches("error:").count(), 2, "{report}");
    }

    #[test]
    fn a_long_calendar_description_is_reported_at_the_calendar_for_each_feed() {
        let schedule = SCHEDULE.replace(
            "timezone = \"Asia/Tokyo\"",
            &format!(
                "timezone = \"Asia/Tokyo\"\ndescription = \"{}\"",
                "d".repeat(300_000)
            ),
        );
        let report = report(&schedule);
        for feed in ["web", "api", "all"] {
            assert!(
                report.contains(&format!(
                    "error: {feed}.ics would have a name and description of up to "
                )),
                "{report}"
            );
        }
        assert!(report.contains("s.toml:3:6"), "{report}");
    }

    #[test]
    fn text_just_under_the_limit_is_accepted() {
        let loaded = load_files(vec![("s.toml".into(), SCHEDULE.to_owned())]).unwrap();
        let calendar = &loaded.schedules.calendars[0];
        let bounds = event_text_bounds(calendar, &calendar.windows[0]);
        let ids: Vec<&str> = bounds.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["web", "api", "all"]);
        // Grow the note until the bound sits exactly at the limit.
        let longest = bounds.iter().map(|(_, bytes)| *bytes).max().unwrap();
        let limit = crate::schedule::Limits::default().text_bytes;
        let note = "x".repeat(limit - longest + 4);
        let at_limit = SCHEDULE.replace("NOTE", &note);
        let loaded = load_files(vec![("s.toml".into(), at_limit.clone())]).unwrap();
        let calendar = &loaded.schedules.calendars[0];
        let longest = event_text_bounds(calendar, &calendar.windows[0])
            .into_iter()
            .map(|(_, bytes)| bytes)
            .max();
        assert_eq!(longest, Some(limit));
        let over = at_limit.replace(&note, &format!("{note}x"));
        assert!(
            report(&over).contains(&format!("would give an event of up to {} bytes", limit + 1))
        );
    }
}
