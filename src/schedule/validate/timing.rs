//! When a window happens: a one-off `date`, or a monthly or weekly rule
//! (`every`, `on` (read by `pattern`), `from`, `until` or `count`,
//! `interval`, `skip`) and the occurrences that differ from it (`changes`).

use super::pattern::Every;
use super::{Validator, status};
use crate::schedule::model::*;
use crate::schedule::source::WindowSource;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

impl Validator {
    pub(super) fn timing(
        &mut self,
        key: &Spanned<String>,
        source: &WindowSource,
    ) -> Option<Timing> {
        let recurring_keys: [(&str, Option<Range<usize>>); 7] = [
            ("every", source.every.as_ref().map(Spanned::span)),
            ("on", source.on.as_ref().map(Spanned::span)),
            ("from", source.from.as_ref().map(Spanned::span)),
            ("until", source.until.as_ref().map(Spanned::span)),
            ("count", source.count.as_ref().map(Spanned::span)),
            ("interval", source.interval.as_ref().map(Spanned::span)),
            ("skip", source.skip.first().map(Spanned::span)),
        ];
        if let Some(date) = &source.date {
            let mut fine = true;
            for (name, span) in recurring_keys
                .iter()
                .filter_map(|(n, s)| s.clone().map(|s| (n, s)))
            {
                fine = false;
                self.error_help(
                    span,
                    format!(
                        "`{name}` belongs to a recurring window, but this one has a single `date`"
                    ),
                    "remove `date` to make the window recurring, or remove this key",
                );
            }
            if let Some((change, _)) = source.changes.first() {
                fine = false;
                self.error_help(
                    change.span(),
                    "`changes` belong to a recurring window, but this one has a single `date`",
                    "edit the window itself instead",
                );
            }
            let date = self.local_date(date)?;
            return fine.then_some(Timing::Once { date });
        }
        let Some(every) = &source.every else {
            self.error_help(key.span(), format!("window `{}` has neither `date` nor `every`", key.get_ref()), "give a one-off window a `date`, or a recurring one `every = \"month\"` (or \"week\") with `on`, `from` and `until` or `count`");
            return None;
        };
        let every_kind = self.every(every);
        let pattern = match (&source.on, every_kind) {
            (Some(on), Some(kind)) => self.pattern(kind, on),
            (None, Some(Every::Week)) => {
                self.error_help(
                    every.span(),
                    "a weekly window needs `on`",
                    "e.g. on = \"tuesday\" or on = [\"tuesday\", \"thursday\"]",
                );
                None
            }
            (None, _) => {
                self.error_help(
                    every.span(),
                    "a monthly window needs `on`",
                    "e.g. on = \"2nd sunday\", \"last sunday\", \"15th\" or \"last day\"",
                );
                None
            }
            (Some(_), None) => None,
        };
        let first = match &source.from {
            Some(from) => self.local_date(from),
            None => {
                self.error_help(
                    every.span(),
                    "a recurring window needs `from`, its first date",
                    "e.g. from = 2020-06-14",
                );
                None
            }
        };
        let end = match (&source.until, &source.count) {
            (Some(until), None) => self.local_date(until).map(RecurrenceEnd::Until),
            (None, Some(count)) if *count.get_ref() >= 1 => {
                Some(RecurrenceEnd::Count(*count.get_ref()))
            }
            (None, Some(count)) => {
                self.error(count.span(), "count must be at least 1");
                None
            }
            (None, None) => {
                self.error_help(every.span(), "a recurring window needs `until` or `count`", "an open-ended series never leaves subscribers' calendars; give the last date (until = 2020-12-31) or the number of windows (count = 6)");
                None
            }
            (Some(_), Some(count)) => {
                self.error_help(
                    count.span(),
                    "give `until` or `count`, not both",
                    "remove one of them",
                );
                None
            }
        };
        let kind = every_kind.unwrap_or(Every::Month);
        let interval = match &source.interval {
            None => 1,
            Some(interval) if (1..=kind.max_interval()).contains(interval.get_ref()) => {
                *interval.get_ref()
            }
            Some(interval) => {
                self.error(
                    interval.span(),
                    format!(
                        "interval must be between 1 and {} {}",
                        kind.max_interval(),
                        kind.unit()
                    ),
                );
                1
            }
        };
        let (Some(pattern), Some(first), Some(end)) = (pattern, first, end) else {
            return None;
        };
        if let RecurrenceEnd::Until(until) = end
            && until < first
            && let Some(until_span) = source.until.as_ref().map(Spanned::span)
        {
            self.error(until_span, "`until` is before `from`");
            return None;
        }
        let mut rule = RecurringRule {
            pattern,
            interval,
            first,
            end,
            skips: Vec::new(),
            changes: Vec::new(),
        };
        if rule.exceeds_limit(self.window_occurrences) {
            let span = source
                .until
                .as_ref()
                .map(Spanned::span)
                .or(source.count.as_ref().map(Spanned::span))
                .unwrap_or(every.span());
            self.error_help(
                span,
                format!(
                    "this window would recur more than {} times",
                    self.window_occurrences
                ),
                format!(
                    "end the series sooner, a schedule is republished long before then; {}",
                    crate::schedule::limits::WINDOW_OCCURRENCES.raise()
                ),
            );
            return None;
        }
        let dates: BTreeSet<NaiveDate> = rule.rule_dates().into_iter().collect();
        for skip in &source.skip {
            let Some(date) = self.local_date(skip) else {
                continue;
            };
            if !dates.contains(&date) {
                self.error_help(
                    skip.span(),
                    format!(
                        "{date} is not a date of this window's rule, so there is nothing to skip"
                    ),
                    nearest_dates(&dates, date),
                );
            } else if rule.skips.contains(&date) {
                self.error(skip.span(), format!("{date} is skipped twice"));
            } else {
                rule.skips.push(date);
            }
        }
        rule.skips.sort();
        Some(Timing::Recurring(rule))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn changes(
        &mut self,
        source: &WindowSource,
        rule: &RecurringRule,
        hours: Hours,
        status: Status,
        revised: DateTime<Utc>,
        revision: u32,
        impacts: &[Arc<GroupImpact>],
    ) -> Vec<OccurrenceChange> {
        let dates: BTreeSet<NaiveDate> = rule.rule_dates().into_iter().collect();
        let mut changes = Vec::new();
        for (key, change) in &source.changes {
            let Ok(rule_date) = NaiveDate::parse_from_str(key.get_ref(), "%Y-%m-%d") else {
                self.error_help(key.span(), format!("`{}` is not a date", key.get_ref()), "name the occurrence by the date the rule gives, e.g. [windows.monthly.changes.2020-07-12]");
                continue;
            };
            if !dates.contains(&rule_date) {
                self.error_help(key.span(), format!("{rule_date} is not a date of this window's rule, so there is nothing to change"), nearest_dates(&dates, rule_date));
                continue;
            }
            if rule.skips.contains(&rule_date) {
                self.error_help(
                    key.span(),
                    format!("{rule_date} is both skipped and changed"),
                    "remove it from `skip`, or remove this change",
                );
                continue;
            }
            let c = change.get_ref();
            let date = match &c.date {
                Some(date) => self.local_date(date),
                None => Some(rule_date),
            };
            let start = c
                .start
                .as_ref()
                .map_or(Some(hours.start), |s| self.local_time(s));
            let end = c
                .end
                .as_ref()
                .map_or(Some(hours.end), |e| self.local_time(e));
            let ends_next_day = c.ends_next_day.unwrap_or(hours.ends_next_day);
            let changed_hours = match (start, end) {
                (Some(start), Some(end)) => {
                    self.check_hours(start, end, ends_next_day, change.span())
                }
                _ => None,
            };
            let changed_revised = c
                .revised
                .as_ref()
                .map_or(Some(revised), |r| self.instant(r));
            let (Some(date), Some(changed_hours), Some(changed_revised)) =
                (date, changed_hours, changed_revised)
            else {
                continue;
            };
            for impact in impacts {
                for service in &impact.services {
                    if let Some(range) = service.hours
                        && !sub_range_fits(range, changed_hours)
                    {
                        self.error_help(
                            change.span(),
                            format!(
                                "the changed hours leave `{}` of group `{}` outside the window",
                                service.service, impact.group
                            ),
                            "change the hours so that every service's own hours still fit",
                        );
                    }
                }
            }
            changes.push(OccurrenceChange {
                rule_date,
                date,
                hours: changed_hours,
                status: c
                    .status
                    .as_ref()
                    .map_or(status, |s| self::status(*s.get_ref())),
                notes: self.texts(&c.notes, true),
                revised: changed_revised,
                revision: c.revision.as_ref().map_or(revision, |r| *r.get_ref()),
            });
        }
        changes.sort_by_key(|change| change.rule_date);
        changes
    }
}

fn nearest_dates(dates: &BTreeSet<NaiveDate>, date: NaiveDate) -> String {
    let before = dates.range(..date).next_back();
    let after = dates.range(date..).next();
    match (before, after) {
        (Some(b), Some(a)) => format!("the nearest dates of the rule are {b} and {a}"),
        (Some(d), None) | (None, Some(d)) => format!("the nearest date of the rule is {d}"),
        (None, None) => "the rule gives no dates".to_owned(),
    }
}
