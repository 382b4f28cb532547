//! What the feed of notices (`notices.atom`) says, independent of Atom: one
//! notice per window, and one per changed occurrence of a recurring window,
//! each dated by its own `revised` (never the clock), in the words the
//! `all` feed uses for it (summary and description), so a reader and a
//! calendar say the same thing.
//!
//! Notice ids are derived from ids only (calendar, window, and the rule's
//! date for a changed occurrence), so a feed reader keeps one item per
//! window however often it is revised, and shows it again as updated.

use super::text;
use crate::expand::{Expanded, Occurrence, WindowOccurrences};
use crate::schedule::model::{Calendar, Slot, Timing};
use crate::words::Words;
use chrono::{DateTime, NaiveDate, Utc};

/// How many dates of a recurring window its notice lists; the calendar
/// feeds have them all.
pub const DATES_LISTED: usize = 12;

/// How many notices the feed keeps: the most recently revised. A reader
/// only ever shows what is new, and a schedule of thousands of windows
/// would otherwise make a feed of many megabytes.
pub const NOTICES_KEPT: usize = 100;

/// The feed of notices of every calendar.
#[derive(Debug, Clone)]
pub struct Notices {
    /// The calendars' ids, for the feed's own id.
    pub calendar_ids: Vec<String>,
    /// The calendars' names, and what the feed is.
    pub title: String,
    /// Who publishes the notices: the calendars' names.
    pub author: String,
    /// The newest `updated` of any notice; `None` when there is none.
    pub updated: Option<DateTime<Utc>>,
    /// Newest first, then by key; at most [`NOTICES_KEPT`].
    pub entries: Vec<Notice>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub calendar_id: String,
    pub window_id: String,
    /// Whether the window has a page of its own (`window_pages`).
    pub has_page: bool,
    /// For a changed occurrence: the date the rule gives for it.
    pub rule_date: Option<NaiveDate>,
    /// When the window (or the change) was last revised.
    pub updated: DateTime<Utc>,
    pub title: String,
    /// Plain text, lines separated by `\n`.
    pub content: String,
}

impl Notice {
    /// What the notice's id is derived from: `<calendar>/<window>[/<date>]`.
    pub fn key(&self) -> String {
        let mut key = format!("{}/{}", self.calendar_id, self.window_id);
        if let Some(date) = self.rule_date {
            key.push_str(&date.format("/%Y-%m-%d").to_string());
        }
        key
    }

    /// The notice's own page, relative to the site: its window's page, at
    /// the changed occurrence's anchor for a change; `None` where the
    /// calendar has no window pages.
    pub fn page(&self) -> Option<String> {
        if !self.has_page {
            return None;
        }
        let page = super::window_page(&self.calendar_id, &self.window_id);
        Some(match self.rule_date {
            Some(date) => format!("{page}#{}", super::occurrence_anchor(date)),
            None => page,
        })
    }
}

pub fn plan(expanded: &Expanded) -> Notices {
    // Which notices are kept is known from dates and ids alone: only those
    // get their words composed.
    let mut chosen: Vec<(DateTime<Utc>, Wanted)> = Vec::new();
    for table in &expanded.calendars {
        for window in &table.windows {
            if window.occurrences.is_empty() {
                continue;
            }
            let whole = Wanted {
                calendar: table.calendar,
                window,
                change: None,
            };
            chosen.push((window.window.revised, whole));
            for (index, occurrence) in window.occurrences.iter().enumerate() {
                if let Some(change) = occurrence.change {
                    let one = Wanted {
                        change: Some(index),
                        ..whole
                    };
                    chosen.push((change.revised, one));
                }
            }
        }
    }
    let keys: Vec<String> = chosen.iter().map(|(_, wanted)| wanted.key()).collect();
    let mut order: Vec<usize> = (0..chosen.len()).collect();
    order.sort_by(|&a, &b| (chosen[b].0, &keys[a]).cmp(&(chosen[a].0, &keys[b])));
    order.truncate(NOTICES_KEPT);
    let entries: Vec<Notice> = order
        .iter()
        .map(|&index| chosen[index].1.notice())
        .collect();
    let names: Vec<&str> = (expanded.schedules.calendars.iter())
        .map(|c| c.name.as_str())
        .collect();
    let author = names.join(" / ");
    let words = Words::of(
        (expanded.schedules.calendars.first())
            .map_or(crate::schedule::model::Language::English, |c| c.language),
    );
    Notices {
        calendar_ids: (expanded.schedules.calendars.iter())
            .map(|c| c.id.clone())
            .collect(),
        title: format!("{author} – {}", words.notices_title),
        author,
        updated: entries.iter().map(|entry| entry.updated).max(),
        entries,
    }
}

/// A notice to write: a window's, or one changed occurrence's.
#[derive(Clone, Copy)]
struct Wanted<'e> {
    calendar: &'e Calendar,
    window: &'e WindowOccurrences<'e>,
    /// The changed occurrence's index among the window's occurrences.
    change: Option<usize>,
}

impl Wanted<'_> {
    fn key(&self) -> String {
        let mut key = format!("{}/{}", self.calendar.id, self.window.window.id);
        if let Some(index) = self.change {
            let date = self.window.occurrences[index].rule_date;
            key.push_str(&date.format("/%Y-%m-%d").to_string());
        }
        key
    }

    fn notice(&self) -> Notice {
        window_notice(self.calendar, self.window, self.change)
    }
}

/// The window's notice, or that of its changed occurrence at `change`.
fn window_notice(calendar: &Calendar, window: &WindowOccurrences, change: Option<usize>) -> Notice {
    let words = Words::of(calendar.language);
    let occurrences = &window.occurrences;
    // The window as planned: its first occurrence the rule gives unchanged
    // (or, if every one is changed, its first); callers skip a window with
    // no occurrence.
    let plain = (occurrences.iter().find(|o| o.change.is_none()))
        .or(occurrences.first())
        .expect("a window with occurrences");
    let notice = |occurrence: &Occurrence,
                  rule_date: Option<NaiveDate>,
                  updated: DateTime<Utc>,
                  title_dates: String| {
        let (summary, mut content) = compose(words, calendar, occurrence);
        if rule_date.is_none() && matches!(window.window.timing, Timing::Recurring(_)) {
            content.push_str("\n\n");
            content.push_str(words.dates_heading);
            content.push_str(":\n");
            for o in occurrences.iter().take(DATES_LISTED) {
                content.push_str(words.bullet);
                content.push_str(&words.date(o.start));
                content.push(' ');
                words.push_time_range(&mut content, o.start, o.end);
                content.push('\n');
            }
            if occurrences.len() > DATES_LISTED {
                content.push_str(words.bullet);
                content.push_str("…\n");
            }
            content.truncate(content.trim_end().len());
        }
        Notice {
            calendar_id: calendar.id.clone(),
            has_page: calendar.window_pages,
            window_id: window.window.id.clone(),
            rule_date,
            updated,
            title: format!("{title_dates} {summary}"),
            content,
        }
    };
    if let Some(occurrence) = change.and_then(|index| occurrences.get(index))
        && let Some(change) = occurrence.change
    {
        return notice(
            occurrence,
            Some(occurrence.rule_date),
            change.revised,
            words.date(occurrence.start),
        );
    }
    let dates = match (occurrences.first(), occurrences.last()) {
        (Some(first), Some(last)) if occurrences.len() > 1 => {
            format!("{} – {}", words.date(first.start), words.date(last.start))
        }
        _ => words.date(plain.start),
    };
    notice(plain, None, window.window.revised, dates)
}

/// The `all` feed's words for the occurrence's whole window: its summary,
/// and every group's services (with their own hours), notes and the rest.
fn compose(words: &Words, calendar: &Calendar, occurrence: &Occurrence) -> (String, String) {
    let window = occurrence.window;
    let services = || window.impacts.iter().flat_map(|impact| &impact.services);
    let subject = text::window_title_for_all(calendar, window);
    let times = (occurrence.start, occurrence.end);
    let summary = text::summary(
        words,
        occurrence.status,
        subject,
        text::kind_of(services()),
        times,
    );
    let mut description = String::new();
    for (index, impact) in window.impacts.iter().enumerate() {
        let Some(group) = calendar.group(&impact.group) else {
            continue;
        };
        if index > 0 {
            description.push('\n');
        }
        text::group_heading(&mut description, words, &group.name);
        let slot = Slot {
            range: None,
            services: impact.services.iter().collect(),
        };
        text::describe_slot(&mut description, words, &slot, &impact.notes);
    }
    text::describe_common(&mut description, words, calendar, occurrence, None);
    (summary, description)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::load_files;

    #[test]
    fn the_feed_keeps_the_most_recently_revised_notices() {
        let mut schedule = String::from(
            "[calendar]\nid = \"c\"\nname = \"C\"\ntimezone = \"UTC\"\nlanguage = \"en\"\n\n\
             [groups.g]\nname = \"G\"\nservices = [\"s\"]\n",
        );
        let windows = NOTICES_KEPT + 20;
        for day in 0..windows {
            let date = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap() + chrono::Days::new(day as u64);
            // Revised in the opposite order of their dates.
            let revised = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()
                + chrono::Days::new((windows - day) as u64);
            schedule.push_str(&format!(
                "\n[windows.w{day}]\ndate = {date}\nstart = 01:00\nend = 02:00\n\
                 status = \"confirmed\"\nrevised = {revised}T00:00:00Z\n\
                 [windows.w{day}.impact.g]\nstops = [\"s\"]\n"
            ));
        }
        let loaded = load_files(vec![("c.toml".into(), schedule)]).unwrap();
        let notices = plan(&Expanded::new(&loaded.schedules));
        assert_eq!(notices.entries.len(), NOTICES_KEPT);
        let ids: Vec<&str> = notices
            .entries
            .iter()
            .map(|n| n.window_id.as_str())
            .collect();
        assert_eq!(ids[..3], ["w0", "w1", "w2"]);
        assert_eq!(ids[NOTICES_KEPT - 1], format!("w{}", NOTICES_KEPT - 1));
        assert_eq!(notices.updated, Some(notices.entries[0].updated));
        assert!(
            notices.entries[0]
                .content
                .starts_with("[G]\nStops:\n- s\n\nHours: 01:00–02:00 (UTC)"),
            "{}",
            notices.entries[0].content
        );
    }
}
