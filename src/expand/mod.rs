//! Stage 2 of the pipeline: expand windows into occurrences (local wall-clock
//! start and end, and the instants they stand for) and split each group's
//! services into time ranges ("slots"), one calendar event each.
//!
//! This is the single source of truth for "when": the feeds' RRULEs,
//! EXDATEs and overrides are derived from it, and `list` prints it, so what
//! `list` shows is what calendar clients compute from the feeds.

mod lint;

pub(crate) use lint::lint;

use crate::schedule::model::{
    Calendar, Hours, OccurrenceChange, Schedules, Status, SubRange, Timing, Window,
};
use crate::schedule::model::{minutes_into, window_minutes};
use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// One occurrence of a window.
#[derive(Debug, Clone)]
pub struct Occurrence<'a> {
    pub calendar: &'a Calendar,
    pub window: &'a Window,
    /// The date the rule gives (a recurring window's RECURRENCE-ID date); a
    /// one-off window's own date.
    pub rule_date: NaiveDate,
    /// Local wall-clock hours of this occurrence (changed ones differ).
    pub hours: Hours,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub status: Status,
    /// Set when this occurrence of a recurring window was changed.
    pub change: Option<&'a OccurrenceChange>,
}

impl Occurrence<'_> {
    pub fn start_utc(&self) -> DateTime<Utc> {
        to_utc(self.calendar.timezone, self.start)
    }

    pub fn end_utc(&self) -> DateTime<Utc> {
        to_utc(self.calendar.timezone, self.end)
    }

    /// The instants of the window (`None`) or of a slot of it, or `None`
    /// when they take no time on this day (see [`span_instants`]).
    pub fn instants(&self, range: Option<SubRange>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let (start, end) = self.slot_times(range);
        span_instants(self.calendar.timezone, start, end)
    }

    /// Local start and end of a slot in this occurrence.
    pub fn slot_times(&self, range: Option<SubRange>) -> (NaiveDateTime, NaiveDateTime) {
        match range {
            None => (self.start, self.end),
            Some(range) => (
                self.start + Duration::minutes(minutes_into(range.start, self.hours)),
                self.start + Duration::minutes(minutes_into(range.end, self.hours)),
            ),
        }
    }

    pub fn notes(&self) -> impl Iterator<Item = &String> {
        self.window
            .notes
            .iter()
            .chain(self.change.iter().flat_map(|change| change.notes.iter()))
    }
}

/// Local start and end of a window's hours on `date`.
pub fn local_span(date: NaiveDate, hours: Hours) -> (NaiveDateTime, NaiveDateTime) {
    let start = date.and_time(hours.start);
    (start, start + Duration::minutes(window_minutes(hours)))
}

/// One window's occurrences, and the first and last dates its rule gives.
fn expand_window<'a>(calendar: &'a Calendar, window: &'a Window) -> WindowOccurrences<'a> {
    let occurrence = |rule_date, date, hours, status, change| {
        let (start, end) = local_span(date, hours);
        Occurrence {
            calendar,
            window,
            rule_date,
            hours,
            start,
            end,
            status,
            change,
        }
    };
    match &window.timing {
        Timing::Once { date } => WindowOccurrences {
            window,
            rule_span: None,
            occurrences: vec![occurrence(*date, *date, window.hours, window.status, None)],
        },
        Timing::Recurring(rule) => {
            let rule_dates = rule.rule_dates();
            let occurrences = rule_dates
                .iter()
                .filter(|date| !rule.skips.contains(date))
                .map(
                    |&date| match rule.changes.iter().find(|change| change.rule_date == date) {
                        Some(change) => {
                            occurrence(date, change.date, change.hours, change.status, Some(change))
                        }
                        None => occurrence(date, date, window.hours, window.status, None),
                    },
                )
                .collect();
            WindowOccurrences {
                window,
                rule_span: rule_dates
                    .first()
                    .zip(rule_dates.last())
                    .map(|(a, b)| (*a, *b)),
                occurrences,
            }
        }
    }
}

/// Every window's occurrences, expanded once per build: later stages
/// (horizon, feeds, the site, `list`) read this table instead of expanding
/// a window again each time they need it.
#[derive(Debug)]
pub struct Expanded<'s> {
    pub schedules: &'s Schedules,
    /// One per calendar, in the schedules' order.
    pub calendars: Vec<CalendarOccurrences<'s>>,
    /// How many feeds were planned from this table (`feed::plan_nth`
    /// counts them), so that a test can tell a build plans each feed once.
    pub(crate) feeds_planned: std::sync::atomic::AtomicUsize,
}

/// One calendar's windows with their occurrences, in declaration order.
#[derive(Debug)]
pub struct CalendarOccurrences<'s> {
    pub calendar: &'s Calendar,
    /// The windows still in the table ([`crate::horizon::trim`] drops some).
    pub windows: Vec<WindowOccurrences<'s>>,
}

/// One window and every occurrence of it, in rule order.
#[derive(Debug)]
pub struct WindowOccurrences<'s> {
    pub window: &'s Window,
    /// For a recurring window, the first and last dates its rule gives,
    /// skipped ones included (a series' DTSTART and UNTIL); `None` for a
    /// one-off window or a rule that gives no date.
    pub rule_span: Option<(NaiveDate, NaiveDate)>,
    pub occurrences: Vec<Occurrence<'s>>,
}

impl<'s> Expanded<'s> {
    /// Expands every window of every calendar.
    pub fn new(schedules: &'s Schedules) -> Self {
        let calendars = schedules
            .calendars
            .iter()
            .map(|calendar| CalendarOccurrences {
                calendar,
                windows: calendar
                    .windows
                    .iter()
                    .map(|window| expand_window(calendar, window))
                    .collect(),
            })
            .collect();
        Expanded {
            schedules,
            calendars,
            feeds_planned: Default::default(),
        }
    }
}

impl<'s> CalendarOccurrences<'s> {
    /// Every occurrence of the calendar's windows, by start instant (then
    /// window id and rule date, so the order is total).
    pub fn by_start(&self) -> Vec<&Occurrence<'s>> {
        let mut all: Vec<&Occurrence<'s>> = self
            .windows
            .iter()
            .flat_map(|window| &window.occurrences)
            .collect();
        all.sort_by_cached_key(|o| (o.start_utc(), o.window.id.as_str(), o.rule_date));
        all
    }
}

/// The instant a local wall-clock time stands for, read as RFC 5545 reads
/// DTSTART;TZID: in a gap (spring forward) with the offset from before the
/// gap, so 02:30 that does not exist is 03:30 after the jump; when ambiguous
/// (fall back), the first of the two.
pub fn to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(time) => time.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // Transitions are months apart, so the offset a day earlier is
            // the one in force just before the gap.
            let before = tz.offset_from_utc_datetime(&(local - Duration::days(1)));
            let offset = chrono::Offset::fix(&before);
            Utc.from_utc_datetime(&(local - Duration::seconds(i64::from(offset.local_minus_utc()))))
        }
    }
}

/// The instants a local start and end stand for: each read as RFC 5545
/// says ([`to_utc`]), with two corrections for a start in a spring-forward
/// gap, which RFC 5545 reads with the offset from before the gap and so
/// moves forward by the gap's length:
///
/// - If every local time of `[start, end)` lies in the gap (02:00-03:00 or
///   02:10-02:40 in New York on 2021-03-14, when the clocks jump from 02:00
///   to 03:00), `None`: those hours do not exist that day, so there is no
///   such instance. Moving it past the gap would invent hours the schedule
///   never named, and a calendar event cannot take no time (RFC 5545
///   §3.8.2.2: DTEND later than DTSTART).
/// - Otherwise, where the moved start is at or after the end (02:30-03:15
///   that day: 03:30 EDT to 03:15 EDT), the window starts when the clocks
///   resume (03:00 EDT), the earliest moment it can.
///
/// The same rule holds for a window's own hours, a changed occurrence's and
/// a service's sub-range, since all of them are read here.
pub fn span_instants(
    tz: Tz,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let gap = if in_gap(tz, start) {
        chrono_tz::GapInfo::new(&start, &tz).and_then(|gap| gap.end)
    } else {
        None
    };
    // The local time at which the clocks resume (03:00 above): an end at or
    // before it leaves no time that exists.
    if gap.is_some_and(|resume| end <= resume.naive_local()) {
        return None;
    }
    let (mut first, last) = (to_utc(tz, start), to_utc(tz, end));
    if first >= last
        && let Some(resume) = gap
    {
        first = resume.with_timezone(&Utc);
    }
    (first < last).then_some((first, last))
}

/// Whether `local` falls in a spring-forward gap: a local time that does
/// not exist in `tz`.
pub fn in_gap(tz: Tz, local: NaiveDateTime) -> bool {
    matches!(tz.from_local_datetime(&local), LocalResult::None)
}

/// How a time is best written in a feed so that every client reads the
/// instant meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireTime {
    /// A local time that exists once: written as it is, with TZID.
    Local(NaiveDateTime),
    /// A time whose local name is ambiguous: written in UTC, with a `Z`.
    Utc(DateTime<Utc>),
}

/// Whether `local` exists exactly once in `tz`: neither in a gap nor repeated.
pub fn is_single(tz: Tz, local: NaiveDateTime) -> bool {
    matches!(tz.from_local_datetime(&local), LocalResult::Single(_))
}

/// An instant as a value no client can misread. RFC 5545 §3.3.5 gives a
/// local time in a gap and a repeated one a meaning (see [`to_utc`]), but
/// clients do not all follow it: ical.js (Thunderbird) reads a time in a gap
/// with the offset after it and a repeated time as its second occurrence.
/// An instant's own local time is never in a gap (02:00 New York on
/// 2021-03-14, 07:00Z, is written 03:00); where it is repeated, the zone
/// has no unique local name for it and it is written in UTC. RECURRENCE-ID,
/// EXDATE and a series' DTSTART must keep the local value the rule gives
/// and never go through this.
pub fn wire_instant(tz: Tz, instant: DateTime<Utc>) -> WireTime {
    let local = instant.with_timezone(&tz).naive_local();
    if is_single(tz, local) {
        WireTime::Local(local)
    } else {
        WireTime::Utc(instant)
    }
}

/// Whether the UTC offset at `end` differs from that at `start`.
pub fn spans_clock_change(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    let offset = |instant: DateTime<Utc>| instant.with_timezone(&tz).offset().fix();
    offset(start) != offset(end)
}

/// How the start and end of an event that is not a series (a one-off or an
/// override) are best written: as [`wire_instant`] each, except that an
/// event that starts or ends in a repeated hour, or that spans a change of
/// the clocks, is written wholly in UTC. ical.js computes a single event's
/// end as its start plus the exact duration added in wall-clock time (00:30
/// plus 1h30 on a fall-back night is the second 02:00 in Europe/Berlin, an
/// hour late); with both values in UTC there is no wall clock to get wrong.
pub fn wire_span(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> (WireTime, WireTime) {
    match (wire_instant(tz, start), wire_instant(tz, end)) {
        (WireTime::Local(s), WireTime::Local(e)) if !spans_clock_change(tz, start, end) => {
            (WireTime::Local(s), WireTime::Local(e))
        }
        _ => (WireTime::Utc(start), WireTime::Utc(end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }

    #[test]
    fn tokyo_is_nine_hours_ahead() {
        let utc = to_utc(chrono_tz::Asia::Tokyo, at(2020, 5, 17, 2, 0));
        assert_eq!(utc.to_rfc3339(), "2020-05-16T17:00:00+00:00");
    }

    #[test]
    fn a_time_in_the_spring_gap_uses_the_offset_before_it() {
        // 02:00 does not exist in New York on 2021-03-14: RFC 5545 reads it
        // with EST (-05:00), which is 07:00Z (03:00 EDT).
        let utc = to_utc(chrono_tz::America::New_York, at(2021, 3, 14, 2, 0));
        assert_eq!(utc.to_rfc3339(), "2021-03-14T07:00:00+00:00");
    }

    fn z(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        at(y, mo, d, h, mi).and_utc()
    }

    #[test]
    fn wire_times_cannot_be_misread() {
        let ny = chrono_tz::America::New_York;
        // 02:00 EST on 2021-03-14 does not exist: 07:00Z is 03:00 EDT.
        assert_eq!(
            wire_instant(ny, z(2021, 3, 14, 7, 0)),
            WireTime::Local(at(2021, 3, 14, 3, 0))
        );
        // 01:30 EDT on 2021-11-07 is repeated (05:30Z and 06:30Z).
        assert_eq!(
            wire_instant(ny, z(2021, 11, 7, 5, 30)),
            WireTime::Utc(z(2021, 11, 7, 5, 30))
        );
        assert_eq!(
            wire_instant(ny, z(2021, 11, 7, 7, 0)),
            WireTime::Local(at(2021, 11, 7, 2, 0))
        );
        // Australia/Lord_Howe: 2021-10-03 02:15 (+10:30, in the gap) is
        // 15:45Z, written 02:45 (+11).
        assert_eq!(
            wire_instant(chrono_tz::Australia::Lord_Howe, z(2021, 10, 2, 15, 45)),
            WireTime::Local(at(2021, 10, 3, 2, 45))
        );
        // Spanning the change, or touching the repeated hour: all UTC.
        let berlin = chrono_tz::Europe::Berlin;
        let utc = |t| WireTime::Utc(t);
        assert_eq!(
            wire_span(berlin, z(2021, 10, 30, 22, 30), z(2021, 10, 31, 0, 0)),
            (utc(z(2021, 10, 30, 22, 30)), utc(z(2021, 10, 31, 0, 0)))
        );
        assert_eq!(
            wire_span(berlin, z(2021, 10, 30, 21, 0), z(2021, 10, 31, 2, 0)),
            (utc(z(2021, 10, 30, 21, 0)), utc(z(2021, 10, 31, 2, 0)))
        );
        // Inside one offset: local.
        assert_eq!(
            wire_span(ny, z(2021, 3, 14, 7, 0), z(2021, 3, 14, 12, 45)),
            (
                WireTime::Local(at(2021, 3, 14, 3, 0)),
                WireTime::Local(at(2021, 3, 14, 8, 45))
            )
        );
        assert!(is_single(ny, at(2021, 3, 14, 3, 0)));
        assert!(!is_single(ny, at(2021, 3, 14, 2, 0)));
        assert!(!is_single(ny, at(2021, 11, 7, 1, 0)));
    }

    #[test]
    fn spans_that_the_gap_swallows() {
        let ny = chrono_tz::America::New_York;
        let span = |s: NaiveDateTime, e: NaiveDateTime| span_instants(ny, s, e);
        // RFC 5545 reading where it gives a span: 02:00-08:45 is 07:00Z-12:45Z.
        assert_eq!(
            span(at(2021, 3, 14, 2, 0), at(2021, 3, 14, 8, 45)),
            Some((z(2021, 3, 14, 7, 0), z(2021, 3, 14, 12, 45)))
        );
        // 02:15-02:45 lies wholly in the gap: none of it exists (RFC 5545
        // would read it as 03:15-03:45 EDT, hours the schedule never named).
        assert_eq!(span(at(2021, 3, 14, 2, 15), at(2021, 3, 14, 2, 45)), None);
        assert_eq!(span(at(2021, 3, 14, 2, 10), at(2021, 3, 14, 2, 40)), None);
        // 02:30-03:15: 03:30 EDT would be after the end; the clocks resume
        // at 03:00 EDT, 07:00Z.
        assert_eq!(
            span(at(2021, 3, 14, 2, 30), at(2021, 3, 14, 3, 15)),
            Some((z(2021, 3, 14, 7, 0), z(2021, 3, 14, 7, 15)))
        );
        // 02:00-03:00 and 02:30-03:00: nothing left.
        assert_eq!(span(at(2021, 3, 14, 2, 0), at(2021, 3, 14, 3, 0)), None);
        assert_eq!(span(at(2021, 3, 14, 2, 30), at(2021, 3, 14, 3, 0)), None);
        // Lord Howe's half-hour gap: 02:15-02:40 resumes at 02:30 (+11).
        assert_eq!(
            span_instants(
                chrono_tz::Australia::Lord_Howe,
                at(2021, 10, 3, 2, 15),
                at(2021, 10, 3, 2, 40)
            ),
            Some((z(2021, 10, 2, 15, 30), z(2021, 10, 2, 15, 40)))
        );
        // Lord Howe, 02:05-02:25 (wholly in the half-hour gap): none.
        assert_eq!(
            span_instants(
                chrono_tz::Australia::Lord_Howe,
                at(2021, 10, 3, 2, 5),
                at(2021, 10, 3, 2, 25)
            ),
            None
        );
        // Antarctica/Troll's two-hour gap (01:00-03:00 on 2021-03-28, +00
        // to +02 at 01:00Z): 01:10-02:50 none; 01:30-03:30 resumes at 01:00Z
        // (03:00 +02), since 01:30 read at +00 is 01:30Z, after 03:30 +02.
        let troll = chrono_tz::Antarctica::Troll;
        assert_eq!(
            span_instants(troll, at(2021, 3, 28, 1, 10), at(2021, 3, 28, 2, 50)),
            None
        );
        assert_eq!(
            span_instants(troll, at(2021, 3, 28, 1, 30), at(2021, 3, 28, 3, 30)),
            Some((z(2021, 3, 28, 1, 0), z(2021, 3, 28, 1, 30)))
        );
        // A midnight gap: Santiago 2021-09-05 00:00 -04 -> 01:00 -03 (04:00Z).
        let santiago = chrono_tz::America::Santiago;
        assert_eq!(
            span_instants(santiago, at(2021, 9, 5, 0, 0), at(2021, 9, 5, 1, 0)),
            None
        );
        // Pacific/Apia skipped 2011-12-30 (-10 to +14 at 10:00Z): a whole
        // day in the gap; one across its end resumes at 00:00 +14.
        let apia = chrono_tz::Pacific::Apia;
        assert_eq!(
            span_instants(apia, at(2011, 12, 30, 9, 0), at(2011, 12, 30, 17, 0)),
            None
        );
        assert_eq!(
            span_instants(apia, at(2011, 12, 30, 22, 0), at(2011, 12, 31, 2, 0)),
            Some((z(2011, 12, 30, 10, 0), z(2011, 12, 30, 12, 0)))
        );
        // Any other day: as it says.
        assert_eq!(
            span(at(2021, 3, 7, 2, 30), at(2021, 3, 7, 3, 15)),
            Some((z(2021, 3, 7, 7, 30), z(2021, 3, 7, 8, 15)))
        );
    }

    #[test]
    fn an_ambiguous_time_is_its_first_occurrence() {
        // 01:30 happens twice in New York on 2021-11-07; the first is EDT.
        let utc = to_utc(chrono_tz::America::New_York, at(2021, 11, 7, 1, 30));
        assert_eq!(utc.to_rfc3339(), "2021-11-07T05:30:00+00:00");
    }
}
