//! The checked schedule model: what the rest of the pipeline works from.
//! Every value here has passed validation, so later stages need not check
//! again (a window's impact names only services its group declares, dates
//! are real dates, the zone is a known IANA zone, …).
//!
//! The rules every stage must agree on live here too, so that no stage has
//! to ask a later one: the defaults validation fills in, the arithmetic of a
//! window's hours, the dates a recurring rule gives (`recurrence`), and what
//! text and base URL a schedule may hold (`policy`).

mod policy;
mod recurrence;

pub use policy::{base_url, describe_char, forbidden_char};
pub use recurrence::nth_weekday_of_month;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use std::sync::Arc;

/// Every calendar found in the schedules folder, in file-name order.
#[derive(Debug, Clone)]
pub struct Schedules {
    pub calendars: Vec<Calendar>,
}

impl Schedules {
    pub fn groups(&self) -> impl Iterator<Item = (&Calendar, &Group)> {
        self.calendars
            .iter()
            .flat_map(|calendar| calendar.groups.iter().map(move |group| (calendar, group)))
    }
}

/// One schedule file's `[calendar]` with its groups and windows.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub timezone: Tz,
    pub url: Option<String>,
    pub contact: Option<String>,
    pub notes: Vec<String>,
    pub language: Language,
    pub title: String,
    pub refresh_hours: u32,
    pub revision: u32,
    pub revised: Option<DateTime<Utc>>,
    /// Where the feeds are served from, ending in `/`.
    pub base_url: Option<String>,
    /// Past windows older than this many months before the schedules'
    /// newest revision are left out of the feeds (see `horizon`).
    pub keep_past_months: u32,
    /// Whether each window gets a page of its own, which every event links
    /// to (`window_pages`; on by default). A calendar of tens of thousands
    /// of windows may turn them off: each page is a file to write and serve.
    pub window_pages: bool,
    /// Alarms before each window's start, in minutes (`remind`).
    pub remind: Vec<u32>,
    /// In the order the file declares them.
    pub groups: Vec<Group>,
    /// In the order the file declares them.
    pub windows: Vec<Window>,
}

impl Calendar {
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|group| group.id == id)
    }
}

/// How often subscribers' clients should refresh, when `refresh_hours` is
/// not given.
pub const DEFAULT_REFRESH_HOURS: u32 = 6;

/// How many months of past windows the feeds keep, when `keep_past_months`
/// is not given (see `horizon`).
pub const DEFAULT_KEEP_PAST_MONTHS: u32 = 24;
/// A sanity bound for `keep_past_months` (100 years).
pub const MAX_KEEP_PAST_MONTHS: u32 = 1200;

/// The language of the words maintcal adds to the schedule's own text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Japanese,
    English,
}

impl Language {
    /// What a window is called when the calendar gives no `title`.
    pub fn default_title(self) -> &'static str {
        match self {
            Language::Japanese => "定期メンテナンス",
            Language::English => "Scheduled maintenance",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub services: Vec<String>,
    /// The services the operator gave a feed of their own (`service_feeds`),
    /// in the group's service order.
    pub service_feeds: Vec<ServiceFeed>,
}

/// One service's own feed: `out/<group>.<id>.ics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFeed {
    /// A slug (a-z, 0-9, -, starting with a letter): the file name's second
    /// part, and part of the feed's UIDs.
    pub id: String,
    /// The service's name, as the group lists it.
    pub service: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Confirmed,
    Tentative,
    Cancelled,
}

impl Status {
    /// The keyword used in `list --json` and in the schedule files.
    pub fn keyword(self) -> &'static str {
        match self {
            Status::Confirmed => "confirmed",
            Status::Tentative => "tentative",
            Status::Cancelled => "cancelled",
        }
    }
}

/// Local wall-clock times of a window (or of one changed occurrence).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub start: NaiveTime,
    pub end: NaiveTime,
    /// The end is on the day after the start.
    pub ends_next_day: bool,
}

// Hours arithmetic, in wall-clock minutes from the window's start: a time
// earlier than the start (or equal to it, for the end) is on the next day.

/// Minutes from the window's start to `time` (on the start day or the next).
pub fn minutes_into(time: NaiveTime, hours: Hours) -> i64 {
    let delta = (time - hours.start).num_minutes();
    if delta < 0 || (delta == 0 && time != hours.start) {
        delta + 24 * 60
    } else {
        delta
    }
}

/// The window's length in wall-clock minutes.
pub fn window_minutes(hours: Hours) -> i64 {
    let delta = (hours.end - hours.start).num_minutes();
    if hours.ends_next_day {
        delta + 24 * 60
    } else {
        delta
    }
}

/// Whether a service's own hours lie inside the window's hours; times earlier
/// than the window's start are on the next day.
pub fn sub_range_fits(range: SubRange, hours: Hours) -> bool {
    let (start, end) = (
        minutes_into(range.start, hours),
        minutes_into(range.end, hours),
    );
    start < end && end <= window_minutes(hours)
}

#[derive(Debug, Clone)]
pub struct Window {
    pub id: String,
    pub title: Option<String>,
    pub timing: Timing,
    pub hours: Hours,
    pub status: Status,
    pub notes: Vec<String>,
    pub revised: DateTime<Utc>,
    pub revision: u32,
    /// One entry per affected group, in the calendar's group order. Shared,
    /// not copied, with the windows that reuse it (`same_impact_as`): a
    /// large schedule reuses a list of hundreds of groups in many windows.
    pub impacts: Vec<Arc<GroupImpact>>,
    /// The window's own `remind` (minutes before its start), replacing the
    /// calendar's; `None` takes the calendar's.
    pub remind: Option<Vec<u32>>,
}

impl Window {
    pub fn impact_on(&self, group_id: &str) -> Option<&GroupImpact> {
        self.impacts
            .iter()
            .find(|impact| impact.group == group_id)
            .map(AsRef::as_ref)
    }
}

#[derive(Debug, Clone)]
pub enum Timing {
    Once { date: NaiveDate },
    Recurring(RecurringRule),
}

/// "Every `interval` months (or weeks) on the `pattern`'s days", from
/// `first` to `end`.
#[derive(Debug, Clone)]
pub struct RecurringRule {
    pub pattern: Pattern,
    pub interval: u32,
    pub first: NaiveDate,
    pub end: RecurrenceEnd,
    /// Dates the rule gives on which there is no window.
    pub skips: Vec<NaiveDate>,
    /// Occurrences that differ from the rule, keyed by the date the rule gives.
    pub changes: Vec<OccurrenceChange>,
}

/// Which days of each month (or week) a recurring window falls on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// The `nth` (1..=5, or -1 for the last) `weekday` of the month.
    NthWeekday { nth: i8, weekday: Weekday },
    /// A day of the month: 1..=28 (every month has one), or -1 for the last.
    MonthDay(i8),
    /// These weekdays of the week, Monday first, each once; weeks start on
    /// Monday (the feeds' `WKST=MO`).
    Weekly(Vec<Weekday>),
}

impl Pattern {
    /// Whether the rule's `interval` counts weeks rather than months.
    pub fn is_weekly(&self) -> bool {
        matches!(self, Pattern::Weekly(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecurrenceEnd {
    /// The last date an occurrence may start on (inclusive).
    Until(NaiveDate),
    /// How many dates the rule gives, skipped ones included (as RRULE COUNT).
    Count(u32),
}

#[derive(Debug, Clone)]
pub struct OccurrenceChange {
    /// The date the rule gives (the RECURRENCE-ID).
    pub rule_date: NaiveDate,
    pub date: NaiveDate,
    pub hours: Hours,
    pub status: Status,
    pub notes: Vec<String>,
    pub revised: DateTime<Utc>,
    pub revision: u32,
}

/// Equal impacts (the same services, kinds, hours and notes on the same
/// group) are one shared value: see `Validator::impacts`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GroupImpact {
    pub group: String,
    pub services: Vec<ServiceImpact>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServiceImpact {
    pub service: String,
    pub kind: ImpactKind,
    pub note: Option<String>,
    /// A sub-range of the window, in local times; `None` means the whole window.
    pub hours: Option<SubRange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ImpactKind {
    Stops,
    Partial { unavailable: String },
    Runs,
}

impl ImpactKind {
    /// The keyword used in `list --json`.
    pub fn keyword(&self) -> &'static str {
        match self {
            ImpactKind::Stops => "stops",
            ImpactKind::Partial { .. } => "partial",
            ImpactKind::Runs => "runs",
        }
    }

    pub fn is_outage(&self) -> bool {
        !matches!(self, ImpactKind::Runs)
    }
}

/// A service's own local start and end inside the window. Times earlier than
/// the window's start fall on the day after it (the window crosses midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubRange {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// The services of one group that share a time range: one calendar event.
#[derive(Debug, Clone)]
pub struct Slot<'a> {
    /// `None` for the window's own hours.
    pub range: Option<SubRange>,
    pub services: Vec<&'a ServiceImpact>,
}

impl GroupImpact {
    /// Splits a group's services by time range: the window's own hours first
    /// (services that keep running belong there), then each sub-range in order.
    /// A range that no service uses gets no slot.
    pub fn slots(&self) -> Vec<Slot<'_>> {
        let mut slots: Vec<Slot> = Vec::new();
        let whole: Vec<&ServiceImpact> = self
            .services
            .iter()
            .filter(|service| service.hours.is_none())
            .collect();
        if !whole.is_empty() || self.services.is_empty() {
            slots.push(Slot {
                range: None,
                services: whole,
            });
        }
        let mut ranges: Vec<SubRange> = self.services.iter().filter_map(|s| s.hours).collect();
        ranges.sort();
        ranges.dedup();
        for range in ranges {
            slots.push(Slot {
                range: Some(range),
                services: self
                    .services
                    .iter()
                    .filter(|service| service.hours == Some(range))
                    .collect(),
            });
        }
        slots
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_ranges_across_midnight() {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        let range = |start, end| SubRange {
            start: t(start),
            end: t(end),
        };
        let overnight = Hours {
            start: t(22),
            end: t(4),
            ends_next_day: true,
        };
        assert!(sub_range_fits(range(23, 2), overnight));
        assert!(sub_range_fits(range(22, 4), overnight));
        assert!(!sub_range_fits(range(21, 2), overnight));
        assert!(!sub_range_fits(range(2, 5), overnight));
        let morning = Hours {
            start: t(2),
            end: t(8),
            ends_next_day: false,
        };
        assert!(sub_range_fits(range(3, 5), morning));
        assert!(!sub_range_fits(range(5, 3), morning));
    }

    #[test]
    fn hours_are_counted_from_the_start_across_midnight() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let overnight = Hours {
            start: t(22, 0),
            end: t(2, 30),
            ends_next_day: true,
        };
        assert_eq!(window_minutes(overnight), 270);
        assert_eq!(minutes_into(t(23, 0), overnight), 60);
        assert_eq!(minutes_into(t(1, 0), overnight), 180);
        assert_eq!(minutes_into(t(22, 0), overnight), 0);
        let day = Hours {
            start: t(2, 0),
            end: t(8, 45),
            ends_next_day: false,
        };
        assert_eq!(window_minutes(day), 405);
    }
}
