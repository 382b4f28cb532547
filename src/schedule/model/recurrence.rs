//! The dates a monthly rule gives: "the 2nd Sunday, every month from June
//! to December", counted as RFC 5545 counts an RRULE from its DTSTART.
//! Validation, expansion and the VTIMEZONE writer all ask this one place.

use super::{MonthlyRule, RecurrenceEnd};
use chrono::{Datelike, NaiveDate, Weekday};

/// Most dates a rule is ever asked for: more than any rule gives, since
/// months stop at the year 9999 (under 120,000 of them). How many dates one
/// window may give is a limit (`window_occurrences` in `[limits]`, checked
/// by [`MonthlyRule::exceeds_limit`]); this only bounds the work if a
/// caller forgets to check it.
const MAX_RULE_DATES: usize = 120_000;

impl MonthlyRule {
    /// The dates the rule gives, skipped ones included, in order: the first is
    /// the first matching date on or after `first`, and months are counted in
    /// steps of `interval` from that one, as RFC 5545 does from DTSTART.
    /// Months without the nth weekday (a 5th Sunday) give nothing. Stops at
    /// the year 9999; validation rejects rules that give more dates than the
    /// `window_occurrences` limit.
    pub fn rule_dates(&self) -> Vec<NaiveDate> {
        let mut dates = Vec::new();
        let Some(mut month) = self.first_month() else {
            return dates;
        };
        while dates.len() < MAX_RULE_DATES {
            if let Some(date) = nth_weekday_of_month(month.0, month.1, self.nth, self.weekday) {
                match self.end {
                    RecurrenceEnd::Until(until) if date > until => break,
                    RecurrenceEnd::Count(count) if dates.len() >= count as usize => break,
                    _ => {}
                }
                dates.push(date);
            }
            month = add_months(month, self.interval);
            if month.0 > 9999 {
                break;
            }
        }
        dates
    }

    /// True when the rule would give more than `limit` dates: a `count`
    /// over it, or an `until` that far away.
    pub fn exceeds_limit(&self, limit: usize) -> bool {
        match self.end {
            RecurrenceEnd::Count(count) => count as usize > limit,
            RecurrenceEnd::Until(_) => self.rule_dates().len() > limit,
        }
    }

    /// The (year, month) of the first matching date on or after `first`.
    fn first_month(&self) -> Option<(i32, u32)> {
        let mut month = (self.first.year(), self.first.month());
        // A matching date exists at least every few months (a 5th weekday
        // occurs four or five times a year), so a short search suffices.
        for _ in 0..24 {
            if nth_weekday_of_month(month.0, month.1, self.nth, self.weekday)
                .is_some_and(|date| date >= self.first)
            {
                return Some(month);
            }
            month = add_months(month, 1);
        }
        None
    }
}

/// The `nth` (1..=5, or -1 for last) `weekday` of a month, if the month has one.
pub fn nth_weekday_of_month(year: i32, month: u32, nth: i8, weekday: Weekday) -> Option<NaiveDate> {
    if nth == -1 {
        let (next_year, next_month) = add_months((year, month), 1);
        let last_day = NaiveDate::from_ymd_opt(next_year, next_month, 1)?.pred_opt()?;
        let back =
            (7 + last_day.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
        return last_day.checked_sub_days(chrono::Days::new(u64::from(back)));
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

    fn rule(nth: i8, first: NaiveDate, end: RecurrenceEnd, interval: u32) -> MonthlyRule {
        MonthlyRule {
            nth,
            weekday: Weekday::Sun,
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
}
