//! Checks that need every calendar already validated: how much the feeds
//! would hold in total and how long one event's text would be (bounds on a
//! build's time and memory), and windows that overlap in one group (a
//! warning: legal, but usually a mistake).

use super::Places;
use super::diagnostic::Diagnostic;
use super::model::{Calendar, Schedules, Status, Timing, Window};
use crate::expand;
use chrono::{DateTime, NaiveDateTime, Utc};
use std::collections::{HashMap, HashSet};

/// The most event occurrences all group feeds together may describe: each
/// occurrence of a window counts once for every group it affects and every
/// time range it has in that group. The notice describes 21; this is far
/// beyond any real schedule, and keeps `build` and `list` to seconds and a
/// bounded amount of memory whatever the input.
pub const MAX_EVENT_OCCURRENCES: usize = 100_000;

/// The most bytes of text one event (summary and description) or one feed
/// (name and description) may have. The notice's longest is about 4 KB; the
/// all feed's event for a window that names thousands of groups could reach
/// megabytes, which no client shows usefully and which the icalendar crate's
/// line folding (quadratic in the line's length) would take minutes over.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// An error for each window (or feed) whose text would be longer than
/// [`MAX_TEXT_BYTES`]; the feeds are planned to measure exactly, unless
/// [`text_bound`] shows no text can come near the limit.
pub fn check_text(schedules: &Schedules, places: &Places) -> Vec<Diagnostic> {
    // Planning every feed costs as much as a build's own planning (a fifth
    // of a large build); the bound settles the usual case without it.
    if text_bound(schedules) <= MAX_TEXT_BYTES {
        return Vec::new();
    }
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut reported: HashSet<(String, String)> = HashSet::new();
    for feed in measure(schedules) {
        let file = format!("{}.ics", feed.id);
        let feed_text = feed.text;
        if feed_text > MAX_TEXT_BYTES {
            let calendar = schedules
                .calendars
                .iter()
                .find(|c| c.groups.iter().any(|g| g.id == feed.id))
                .or(schedules.calendars.first());
            if let Some(place) = calendar.and_then(|c| places.calendar(&c.id))
                && reported.insert((place.calendar.clone(), file.clone()))
            {
                errors.push(
                    Diagnostic::error(
                        place.file,
                        place.key.clone(),
                        format!(
                            "{file} would have a name and description of {feed_text} bytes, \
                             more than the {MAX_TEXT_BYTES} a feed may have"
                        ),
                    )
                    .with_help("shorten the calendar's or the group's description"),
                );
            }
        }
        for (uid, length) in &feed.long_events {
            let Some((calendar, window)) = crate::feed::uid_ids(uid) else {
                continue;
            };
            let Some(place) = places.window(calendar, window) else {
                continue;
            };
            if !reported.insert((format!("{calendar}/{window}"), String::new())) {
                continue;
            }
            errors.push(
                Diagnostic::error(
                    place.file,
                    place.key.clone(),
                    format!(
                        "window `{window}` would give an event of {length} bytes of text in \
                         {file}, more than the {MAX_TEXT_BYTES} an event may have"
                    ),
                )
                .with_help(
                    "the all feed lists every group a window affects, with its services and \
                     notes; split the window into several, or shorten its notes",
                ),
            );
        }
    }
    errors
}

/// What [`check_text`] needs of one planned feed.
struct Measured {
    id: String,
    /// Length of its name and description.
    text: usize,
    /// UID and text length of each event over [`MAX_TEXT_BYTES`], in order.
    long_events: Vec<(String, usize)>,
}

/// Plans every feed to measure it, in [`crate::feed::plan`]'s order. Feeds
/// are planned on one thread per core, each dropped once measured.
fn measure(schedules: &Schedules) -> Vec<Measured> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let count = crate::feed::count(schedules);
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, count);
    let next = AtomicUsize::new(0);
    let mut measured: Vec<(usize, Measured)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(feed) = crate::feed::plan_nth(schedules, index) else {
                            return mine;
                        };
                        let long_events = feed
                            .events
                            .iter()
                            .map(|e| (e, e.summary.len() + e.description.len()))
                            .filter(|(_, length)| *length > MAX_TEXT_BYTES)
                            .map(|(e, length)| (e.uid.clone(), length))
                            .collect();
                        let text = feed.name.len() + feed.description.len();
                        mine.push((
                            index,
                            Measured {
                                id: feed.id,
                                text,
                                long_events,
                            },
                        ));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    measured.sort_by_key(|(index, _)| *index);
    measured.into_iter().map(|(_, feed)| feed).collect()
}

/// What the words maintcal adds around one service, one partial outage,
/// one service's own hours, one group, or one event may take at most
/// (bullets, headings, status, separators, times, zone name, in either
/// language), with room to spare: the longest heading is 32 bytes.
const WORDS_PER_SERVICE: usize = 8;
const WORDS_PER_PARTIAL: usize = 48;
const WORDS_PER_HOURS: usize = 24;
const WORDS_PER_GROUP: usize = 160;
const WORDS_PER_EVENT: usize = 1024;

/// An upper bound on the text of any one event or feed (summary and
/// description, or name and description) the schedules give: everything
/// that can go into one, added up, each with room for the words around it.
/// An event names at most every group its window affects, each with all its
/// services, notes and description, and the window's, its changes' and the
/// calendar's notes, contact and URL.
pub fn text_bound(schedules: &Schedules) -> usize {
    let names: usize = schedules
        .calendars
        .iter()
        .map(|c| c.name.len() + c.description.as_ref().map_or(0, String::len) + 8)
        .sum();
    let mut bound = 0;
    for calendar in &schedules.calendars {
        let lengths = |texts: &[String]| -> usize { texts.iter().map(|t| t.len() + 8).sum() };
        let group = |id: &str| calendar.group(id);
        let longest_group = calendar
            .groups
            .iter()
            .map(|g| g.name.len() + g.description.as_ref().map_or(0, String::len))
            .max()
            .unwrap_or(0);
        // A feed's description may repeat its name.
        bound = bound.max(2 * (names + longest_group) + WORDS_PER_GROUP);
        let common = lengths(&calendar.notes)
            + calendar.contact.as_ref().map_or(0, String::len)
            + calendar.url.as_ref().map_or(0, String::len)
            + calendar.title.len()
            + calendar.name.len()
            + WORDS_PER_EVENT;
        for window in &calendar.windows {
            let changes = match &window.timing {
                Timing::Monthly(rule) => rule.changes.iter().map(|c| lengths(&c.notes)).max(),
                Timing::Once { .. } => None,
            };
            let groups: usize = window
                .impacts
                .iter()
                .map(|impact| {
                    let services: usize = impact
                        .services
                        .iter()
                        .map(|service| {
                            let unavailable = match &service.kind {
                                super::model::ImpactKind::Partial { unavailable } => {
                                    unavailable.len() + WORDS_PER_PARTIAL
                                }
                                _ => 0,
                            };
                            let hours = service.hours.map_or(0, |_| WORDS_PER_HOURS);
                            // A note's lines each get a line break and an
                            // indent (4 bytes), and there are at most as
                            // many lines as bytes.
                            let note = service.note.as_ref().map_or(0, |n| 5 * n.len() + 8);
                            service.service.len() + unavailable + hours + note + WORDS_PER_SERVICE
                        })
                        .sum();
                    let (name, description) = group(&impact.group).map_or((0, 0), |g| {
                        (g.name.len(), g.description.as_ref().map_or(0, String::len))
                    });
                    name + description + services + lengths(&impact.notes) + WORDS_PER_GROUP
                })
                .sum();
            let own = window.title.as_ref().map_or(0, String::len)
                + lengths(&window.notes)
                + changes.unwrap_or(0);
            bound = bound.max(common + own + groups);
        }
    }
    bound
}

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The longest event text and feed text the planned feeds really have.
    fn longest(schedules: &Schedules) -> usize {
        crate::feed::plans(schedules)
            .flat_map(|feed| {
                let own = feed.name.len() + feed.description.len();
                let events: Vec<usize> = feed
                    .events
                    .iter()
                    .map(|e| e.summary.len() + e.description.len())
                    .collect();
                events.into_iter().chain([own])
            })
            .max()
            .unwrap_or(0)
    }

    fn loaded(text: &str) -> Schedules {
        crate::schedule::load_files(vec![("s.toml".into(), text.to_owned())])
            .unwrap()
            .schedules
    }

    /// `check_text` skips planning when the bound is under the limit, so
    /// the bound must never be under the real length.
    #[test]
    fn the_text_bound_is_never_below_the_longest_text() {
        let root = env!("CARGO_MANIFEST_DIR");
        for dir in [
            format!("{root}/tests/cases/notice/schedules"),
            format!("{root}/tests/cases/features/schedules"),
            format!("{root}/tests/cases/escaping/schedules"),
            format!("{root}/tests/cases/horizon/schedules"),
        ] {
            let schedules = crate::schedule::load_dir(std::path::Path::new(&dir))
                .unwrap()
                .schedules;
            let (bound, longest) = (text_bound(&schedules), longest(&schedules));
            assert!(bound >= longest, "{dir}: {bound} < {longest}");
        }
        // Text made of what costs the most around it: notes of empty lines,
        // one-character names, long names with no description.
        let name = "n".repeat(20_000);
        let text = format!(
            r#"
[calendar]
id = "c"
name = "{name}"
timezone = "America/New_York"
language = "en"
notes = ["x", "y"]

[groups.g]
name = "g"
services = ["a", "b"]

[windows.w]
date = 2021-03-14
start = 01:00
end = 03:00
status = "tentative"
revised = 2021-03-01T00:00:00Z
notes = ["z"]

[windows.w.impact.g]
stops = [{{ service = "a", note = "\n\n\n\n\n\n\n\n", start = 01:30, end = 02:30 }}]
partly = [{{ service = "b", unavailable = "u" }}]
notes = ["q"]
"#
        );
        let schedules = loaded(&text);
        let (bound, longest) = (text_bound(&schedules), longest(&schedules));
        assert!(bound >= longest, "{bound} < {longest}");
    }
}
