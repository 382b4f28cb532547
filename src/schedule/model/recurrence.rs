//! The dates a recurring rule gives: "the 2nd Sunday, every month from June
//! to December", "the 15th of every month", "Tuesdays and Thursdays, every
//! other week", counted as RFC 5545 counts an RRULE from its DTSTART (weeks
//! starting on Monday, as the feeds' `WKST=MO` says). Validation, expansion
//! and the VTIMEZONE writer all ask this one place.

use super::{Pattern, RecurrenceEnd, RecurringRule};
use chrono::{Datelike, Days, NaiveDate, Weekday};

/// Most dates a rule is ever asked for: more than the largest
/// `window_occurrences` limit allows (checked by
/// [`RecurringRule::exceeds_limit`]); this only bounds the work if a caller
/// forgets to check it.
const MAX_RULE_DATES: usize = 120_001;

/// The last year a rule gives dates in (RFC 5545 and chrono agree on 9999).
const LAST_YEAR: i32 = 9999;

impl RecurringRule {
    /// The dates the rule gives, skipped ones included, in order: the first is
    /// the first matching date on or after `first`, and periods (months or
    /// weeks) are counted in steps of `interval` from the one holding it, as
    /// RFC 5545 does from DTSTART. Months without the nth weekday (a 5th
    /// Sunday) give nothing. Stops at the year 9999; validation rejects rules
    /// that give more dates than the `window_occurrences` limit.
    pub fn rule_dates(&self) -> Vec<NaiveDate> {
        self.dates_up_to(MAX_RULE_DATES)
    }

    /// True when the rule would give more than `limit` dates: a `count`
    /// over it, or an `until` that far away.
    pub fn exceeds_limit(&self, limit: usize) -> bool {
        match self.end {
            RecurrenceEnd::Count(count) => count as usize > limit,
            RecurrenceEnd::Until(_) => self.dates_up_to(limit.saturating_add(1)).len() > limit,
        }
    }

    /// At most `most` of the rule's dates.
    fn dates_up_to(&self, most: usize) -> Vec<NaiveDate> {
        let mut dates = Vec::new();
        let Some(mut period) = self.first_period() else {
            return dates;
        };
        loop {
            let Some(days) = self.period_dates(period) else {
                return dates;
            };
            for date in days.into_iter().filter(|date| *date >= self.first) {
                match self.end {
                    RecurrenceEnd::Until(until) if date > until => return dates,
                    RecurrenceEnd::Count(count) if dates.len() >= count as usize => return dates,
                    _ if dates.len() >= most => return dates,
                    _ => dates.push(date),
                }
            }
            period += i64::from(self.interval);
        }
    }

    /// The period (see [`Self::period_dates`]) of the first matching date on
    /// or after `first`.
    fn first_period(&self) -> Option<i64> {
        let start = match self.pattern {
            Pattern::Weekly(_) => week_index(self.first),
            _ => i64::from(self.first.year()) * 12 + i64::from(self.first.month0()),
        };
        // A matching date exists at least every few months (a 5th weekday
        // occurs four or five times a year), so a short search suffices.
        (start..start + 24).find(|&period| {
            self.period_dates(period)
                .is_some_and(|days| days.iter().any(|date| *date >= self.first))
        })
    }

    /// The dates the pattern gives in one period, in order: a month (counted
    /// from the year 0) or a Monday-to-Sunday week (counted from the week of
    /// 0001-01-01, a Monday). `None` past the year 9999.
    fn period_dates(&self, period: i64) -> Option<Vec<NaiveDate>> {
        if let Pattern::Weekly(days) = &self.pattern {
            let monday = NaiveDate::from_num_days_from_ce_opt(
                i32::try_from(period.checked_mul(7)?.checked_add(1)?).ok()?,
            )?;
            if monday.year() > LAST_YEAR {
                return None;
            }
            return Some(
                days.iter()
                    .filter_map(|day| {
                        monday.checked_add_days(Days::new(u64::from(day.num_days_from_monday())))
                    })
                    .collect(),
            );
        }
        let year = i32::try_from(period.div_euclid(12)).ok()?;
        let month = period.rem_euclid(12) as u32 + 1;
        if year > LAST_YEAR {
            return None;
        }
        let date = match self.pattern {
            Pattern::NthWeekday { nth, weekday } => nth_weekday_of_month(year, month, nth, weekday),
            Pattern::MonthDay(-1) => last_day_of_month(year, month),
            Pattern::MonthDay(day) => {
                NaiveDate::from_ymd_opt(year, month, u32::try_from(day).ok()?)
            }
            Pattern::Weekly(_) => None,
        };
        Some(date.into_iter().collect())
    }
}

/// Weeks from the one starting on 0001-01-01 (a Monday) to the Monday-to-
/// Sunday week holding `date`.
fn week_index(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce() - 1).div_euclid(7)
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (next_year, next_month) = add_months((year, month), 1);
    NaiveDate::from_ymd_opt(next_year, next_month, 1)?.pred_opt()
}

/// The `nth` (1..=5, or -1 for last) `weekday` of a month, if the month has one.
pub fn nth_weekday_of_month(year: i32, month: u32, nth: i8, weekday: Weekday) -> Option<NaiveDate> {
    if nth == -1 {
        let last_day = last_day_of_month(year, month)?;
        let back =
            (7 + last_day.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
        return last_day.checked_sub_days(Days::new(u64::from(back)));
    }
    let nth = u8::try_from(nth).ok().filter(|n| (1..=5).contains(n))?;
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, nth)
}

fn add_months((year, month): (i32, u32), months: u32) -> (i32, u32) {
    let index = i64::from(year) * 12 + i64::from(month - 1) + i64::from(months);
    let year = i32::try_from(index.div_euclid(12)).unwrap_or(i32::MAX);
    (year, index.rem_euclid(12) as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn rule(nth: i8, first: NaiveDate, end: RecurrenceEnd, interval: u32) -> RecurringRule {
        with(
            Pattern::NthWeekday {
                nth,
                weekday: Weekday::Sun,
            },
            first,
            end,
            interval,
        )
    }

    fn with(
        pattern: Pattern,
        first: NaiveDate,
        end: RecurrenceEnd,
        interval: u32,
    ) -> RecurringRule {
        RecurringRule {
            pattern,
            interval,
            first,
            end,
            skips: vec![],
            changes: vec![],
        }
    }

    #[test]
    fn second_sundays_of_the_notice() {
        let rule = rule(
            2,
            date(2020, 6, 14),
            RecurrenceEnd::Until(date(2020, 7, 12)),
            1,
        );
        assert_eq!(
            rule.rule_dates(),
            vec![date(2020, 6, 14), date(2020, 7, 12)]
        );
    }

    #[test]
    fn first_date_not_on_the_rule_starts_at_the_next_match() {
        let rule = rule(2, date(2020, 6, 20), RecurrenceEnd::Count(2), 2);
        // First match on or after 2020-06-20 is 2020-07-12; then every 2 months.
        assert_eq!(
            rule.rule_dates(),
            vec![date(2020, 7, 12), date(2020, 9, 13)]
        );
    }

    #[test]
    fn last_and_fifth_sundays() {
        let last = rule(-1, date(2020, 1, 1), RecurrenceEnd::Count(3), 1);
        assert_eq!(
            last.rule_dates(),
            vec![date(2020, 1, 26), date(2020, 2, 23), date(2020, 3, 29)]
        );
        // 2020 has 5th Sundays in March, May, August, November.
        let fifth = rule(
            5,
            date(2020, 1, 1),
            RecurrenceEnd::Until(date(2020, 12, 31)),
            1,
        );
        assert_eq!(
            fifth.rule_dates(),
            vec![
                date(2020, 3, 29),
                date(2020, 5, 31),
                date(2020, 8, 30),
                date(2020, 11, 29)
            ]
        );
    }

    #[test]
    fn huge_rules_are_detected() {
        let endless = rule(
            2,
            date(2020, 1, 1),
            RecurrenceEnd::Until(date(9999, 12, 31)),
            1,
        );
        assert!(endless.exceeds_limit(10_000));
        // Monthly to the year 9999: 95,760 months, each with a 2nd Sunday.
        assert_eq!(endless.rule_dates().len(), 95_760);
        assert!(!endless.exceeds_limit(95_760));
        let counted = rule(2, date(2020, 1, 1), RecurrenceEnd::Count(1_000_000), 1);
        assert!(counted.exceeds_limit(10_000));
        let at_limit = rule(2, date(2020, 1, 1), RecurrenceEnd::Count(120), 1);
        assert!(!at_limit.exceeds_limit(120));
        assert!(at_limit.exceeds_limit(119));
        let fine = rule(
            2,
            date(2020, 1, 1),
            RecurrenceEnd::Until(date(2030, 1, 1)),
            1,
        );
        assert!(!fine.exceeds_limit(120));
    }

    #[test]
    fn every_other_week_counts_weeks_from_monday_of_the_first_date() {
        let days = Pattern::Weekly(vec![Weekday::Tue, Weekday::Thu]);
        // From a Wednesday: that week's Tuesday is before `from`, its Thursday
        // is the first date, and the week after next comes next.
        let from_wednesday = with(days.clone(), date(2024, 1, 3), RecurrenceEnd::Count(5), 2);
        assert_eq!(
            from_wednesday.rule_dates(),
            vec![
                date(2024, 1, 4),
                date(2024, 1, 16),
                date(2024, 1, 18),
                date(2024, 1, 30),
                date(2024, 2, 1)
            ]
        );
        // From a Friday: nothing is left that week; the series starts on the
        // next one (DTSTART's week, as RFC 5545 counts).
        let from_friday = with(
            days,
            date(2024, 1, 5),
            RecurrenceEnd::Until(date(2024, 1, 25)),
            2,
        );
        assert_eq!(
            from_friday.rule_dates(),
            vec![
                date(2024, 1, 9),
                date(2024, 1, 11),
                date(2024, 1, 23),
                date(2024, 1, 25)
            ]
        );
    }

    #[test]
    fn days_of_the_month() {
        let fifteenth = with(
            Pattern::MonthDay(15),
            date(2024, 1, 20),
            RecurrenceEnd::Count(3),
            1,
        );
        assert_eq!(
            fifteenth.rule_dates(),
            vec![date(2024, 2, 15), date(2024, 3, 15), date(2024, 4, 15)]
        );
        let last = with(
            Pattern::MonthDay(-1),
            date(2023, 12, 1),
            RecurrenceEnd::Count(3),
            2,
        );
        assert_eq!(
            last.rule_dates(),
            vec![date(2023, 12, 31), date(2024, 2, 29), date(2024, 4, 30)]
        );
    }

    #[test]
    fn a_daily_weekly_rule_to_9999_exceeds_the_largest_limit() {
        let every_day = with(
            Pattern::Weekly(vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
                Weekday::Sat,
                Weekday::Sun,
            ]),
            date(2020, 1, 1),
            RecurrenceEnd::Until(date(9999, 12, 31)),
            1,
        );
        assert!(every_day.exceeds_limit(120_000));
        let two_years = with(
            Pattern::Weekly(vec![Weekday::Sat]),
            date(2024, 1, 1),
            RecurrenceEnd::Until(date(2025, 12, 31)),
            1,
        );
        assert_eq!(two_years.rule_dates().len(), 104);
        assert!(!two_years.exceeds_limit(104));
        assert!(two_years.exceeds_limit(103));
    }
}
