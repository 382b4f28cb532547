//! Every date that reaches a feed is one iCalendar can write. RFC 5545
//! years have four digits, so a window on 9999-12-31 that runs past
//! midnight would end in year 10000 (written as year 0, before its start).
//! Times are also written in UTC (RRULE's UNTIL, the time zone's spans),
//! up to a day away from the local time. So every occurrence, and a
//! series' `until`, must lie within 0000-01-02 ..= 9999-12-30 (local):
//! checked here, at the window, its date or its change.

use super::Validator;
use crate::schedule::model::{RecurrenceEnd, RecurringRule, Timing, Window};
use crate::schedule::source::WindowSource;
use chrono::NaiveDate;
use toml::Spanned;

const FIRST: NaiveDate = NaiveDate::from_ymd_opt(0, 1, 2).expect("a valid date");
const LAST: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 30).expect("a valid date");

impl Validator {
    /// Reports each window (or changed occurrence) whose dates leave the
    /// range a feed can hold.
    pub(super) fn check_dates(
        &mut self,
        windows: &[Window],
        sources: &[(Spanned<String>, WindowSource)],
    ) {
        for window in windows {
            let Some((key, source)) = sources.iter().find(|(key, _)| *key.get_ref() == window.id)
            else {
                continue;
            };
            let (first, last) = match &window.timing {
                Timing::Once { date } => (*date, end_date(*date, window.hours.ends_next_day)),
                Timing::Recurring(rule) => {
                    self.check_changes(rule, source);
                    let Some(span) = series_span(rule, window.hours.ends_next_day) else {
                        continue;
                    };
                    span
                }
            };
            if first < FIRST || last > LAST {
                let place = (source.date.as_ref().map(Spanned::span))
                    .or_else(|| source.until.as_ref().map(Spanned::span))
                    .or_else(|| source.count.as_ref().map(Spanned::span))
                    .unwrap_or_else(|| key.span());
                self.out_of_range(place, first, last);
            }
        }
    }

    fn check_changes(&mut self, rule: &RecurringRule, source: &WindowSource) {
        for change in &rule.changes {
            let last = end_date(change.date, change.hours.ends_next_day);
            if change.date >= FIRST && last <= LAST {
                continue;
            }
            let written = source.changes.iter().find(|(key, _)| {
                NaiveDate::parse_from_str(key.get_ref(), "%Y-%m-%d") == Ok(change.rule_date)
            });
            if let Some((key, written)) = written {
                // At the moved date if the change moves it, else at its key.
                let date = written.get_ref().date.as_ref();
                let span = date.map_or_else(|| key.span(), Spanned::span);
                self.out_of_range(span, change.date, last);
            }
        }
    }

    fn out_of_range(&mut self, span: std::ops::Range<usize>, first: NaiveDate, last: NaiveDate) {
        self.error_help(
            span,
            format!("this window runs from {first} to {last}, outside {FIRST} to {LAST}, the dates a feed can hold"),
            "iCalendar years have four digits, and a time zone moves a time by up to a day; move the window, or end the series sooner",
        );
    }
}

/// The local date an occurrence starting on `date` ends on.
fn end_date(date: NaiveDate, ends_next_day: bool) -> NaiveDate {
    if ends_next_day {
        // chrono's dates reach far past year 9999, so this is never None.
        date.succ_opt().unwrap_or(NaiveDate::MAX)
    } else {
        date
    }
}

/// The first and the last local date a series touches: its rule's dates
/// (skipped ones too: harmless) and its `until`, which RRULE writes; past
/// [`LAST`] if its COUNT runs beyond year 9999.
fn series_span(rule: &RecurringRule, ends_next_day: bool) -> Option<(NaiveDate, NaiveDate)> {
    let dates = rule.rule_dates();
    let first = *dates.first()?;
    let mut last = end_date(*dates.last()?, ends_next_day);
    match rule.end {
        RecurrenceEnd::Until(until) => last = last.max(until),
        // The rule's dates stop at year 9999; RRULE's COUNT does not.
        RecurrenceEnd::Count(count) if dates.len() < count as usize => {
            last = last.max(LAST.succ_opt()?);
        }
        RecurrenceEnd::Count(_) => {}
    }
    Some((first.min(rule.first), last))
}
