//! The occurrences of a series that Outlook would place wrongly: Outlook
//! desktop reads a VTIMEZONE as one yearly STANDARD/DAYLIGHT pair, the
//! zone's last era's (see `vtimezone::zone`), and computes every instance
//! of a series from its local DTSTART with it. An instance before that era
//! (São Paulo's last DST summer, Apia before it crossed the date line) would
//! be off by the difference; written as an override in UTC (RECURRENCE-ID
//! still the local value the rule gives, which every client matches with
//! its own expansion) it is exact everywhere.

use crate::expand::to_utc;
use crate::feed::{FeedEvent, RuleEnd};
use crate::schedule::model::{RecurrenceEnd, RecurringRule};
use chrono::{DateTime, NaiveDateTime, Utc};

/// One override for each instance of `master` (a series) that starts before
/// `era` and that the feed does not already override (`overridden`) or
/// exclude (EXDATE), with the series' text, status and duration. The
/// planner has already made an override of every instance whose instants
/// are not its rule start plus the series' duration, so these are exact.
pub(super) fn overrides_before(
    master: &FeedEvent,
    era: DateTime<Utc>,
    overridden: impl Fn(NaiveDateTime) -> bool,
) -> Vec<FeedEvent> {
    let Some(recurrence) = &master.recurrence else {
        return Vec::new();
    };
    let tz = master.timezone;
    if master.instants.0 >= era {
        return Vec::new();
    }
    let rule = RecurringRule {
        pattern: recurrence.pattern.clone(),
        interval: recurrence.interval,
        first: master.start.date(),
        end: match recurrence.end {
            RuleEnd::Count(count) => RecurrenceEnd::Count(count),
            // UNTIL always names the last instance's local date.
            RuleEnd::Until(until) => RecurrenceEnd::Until(until.with_timezone(&tz).date_naive()),
        },
        skips: Vec::new(),
        changes: Vec::new(),
    };
    let duration = master.instants.1 - master.instants.0;
    let mut events = Vec::new();
    for date in rule.rule_dates() {
        let local = date.and_time(master.start.time());
        let start = to_utc(tz, local);
        if start >= era {
            break;
        }
        if recurrence.exdates.contains(&local) || overridden(local) {
            continue;
        }
        let instants = (start, start + duration);
        events.push(FeedEvent {
            recurrence: None,
            recurrence_id: Some(local),
            start: local,
            end: local + (master.end - master.start),
            instants,
            first_instant: instants.0,
            last_instant: instants.1,
            ..master.clone()
        });
    }
    events
}
