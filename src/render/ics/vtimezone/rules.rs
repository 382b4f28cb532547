//! Yearly rules: the day of the month a run of transitions falls on
//! (`BYDAY=-1SU`, `BYDAY=2SU`, `BYMONTHDAY=21`), as an RRULE can state it in
//! a way Outlook understands, and whether chrono-tz confirms a rule's
//! prediction for a year.

use super::transitions::{Signature, Transition};
use crate::render::ics::weekday_code;
use crate::schedule::model::nth_weekday_of_month;
use chrono::{Datelike, NaiveDate, Weekday};
use chrono_tz::Tz;

/// How many years past its last onset in the window a yearly rule is checked
/// against chrono-tz, to decide between rules that fit the window equally
/// well (4th Sunday vs last Sunday of a 28-day February, for example).
const LOOKAHEAD_YEARS: i32 = 10;

/// The day-of-month part of a yearly rule, as RRULE can state it in a way
/// Outlook understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DayRule {
    /// `BYDAY=2SU`: the nth (1..=4) such weekday of the month, or with -1
    /// (`BYDAY=-1SU`) the last; counted as a schedule's monthly rule counts.
    ByDay(i8, Weekday),
    /// `BYMONTHDAY=21`.
    MonthDay(u32),
}

impl DayRule {
    /// Every rule that `date` satisfies, in order of preference when two fit
    /// equally well: "last" before "4th" (tzdata's `lastSun` is far more
    /// common than `Sun>=22`), weekday rules before a fixed day.
    pub(super) fn candidates(date: NaiveDate) -> Vec<DayRule> {
        let (day, weekday) = (date.day(), date.weekday());
        let mut rules = Vec::with_capacity(3);
        if day + 7 > u32::from(date.num_days_in_month()) {
            rules.push(DayRule::ByDay(-1, weekday));
        }
        if let Ok(nth @ 1..=4) = i8::try_from((day - 1) / 7 + 1) {
            rules.push(DayRule::ByDay(nth, weekday));
        }
        rules.push(DayRule::MonthDay(day));
        rules
    }

    /// The rule's day in `year`/`month`, if it exists there.
    fn date_in(self, year: i32, month: u32) -> Option<NaiveDate> {
        match self {
            DayRule::ByDay(nth, weekday) => nth_weekday_of_month(year, month, nth, weekday),
            DayRule::MonthDay(day) => NaiveDate::from_ymd_opt(year, month, day),
        }
    }

    pub(super) fn matches(self, date: NaiveDate) -> bool {
        self.date_in(date.year(), date.month()) == Some(date)
    }

    pub(super) fn rrule_part(self) -> String {
        match self {
            DayRule::ByDay(nth, weekday) => format!("BYDAY={nth}{}", weekday_code(weekday)),
            DayRule::MonthDay(day) => format!("BYMONTHDAY={day}"),
        }
    }
}

/// The transition that `rule` (with the month, time and offsets of
/// `signature`) predicts for `year`, if chrono-tz has exactly that transition.
pub(super) fn predicted(
    tz: Tz,
    signature: &Signature,
    rule: DayRule,
    year: i32,
) -> Option<Transition> {
    let wall = rule
        .date_in(year, signature.month)?
        .and_time(signature.time);
    let transition = Transition::at_instant(tz, wall.and_utc().timestamp() - signature.from)?;
    (transition.signature() == *signature).then_some(transition)
}

/// How many consecutive years after `last_year` chrono-tz confirms `rule`
/// (at most `LOOKAHEAD_YEARS`).
pub(super) fn confirmed_years_after(
    tz: Tz,
    signature: &Signature,
    rule: DayRule,
    last_year: i32,
) -> i32 {
    (1..=LOOKAHEAD_YEARS)
        .take_while(|ahead| predicted(tz, signature, rule, last_year + ahead).is_some())
        .fold(0, |count, _| count + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_rules() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // 2021-03-28: last and 4th Sunday of March.
        assert_eq!(
            DayRule::candidates(date(2021, 3, 28)),
            [
                DayRule::ByDay(-1, Weekday::Sun),
                DayRule::ByDay(4, Weekday::Sun),
                DayRule::MonthDay(28)
            ]
        );
        // 2020-03-29: only last, 5th is not allowed.
        assert_eq!(
            DayRule::candidates(date(2020, 3, 29)),
            [DayRule::ByDay(-1, Weekday::Sun), DayRule::MonthDay(29)]
        );
        assert_eq!(
            DayRule::ByDay(-1, Weekday::Sun).date_in(2024, 10),
            Some(date(2024, 10, 27))
        );
        assert_eq!(
            DayRule::ByDay(2, Weekday::Sun).date_in(2024, 3),
            Some(date(2024, 3, 10))
        );
        assert_eq!(DayRule::MonthDay(31).date_in(2024, 4), None);
    }
}
