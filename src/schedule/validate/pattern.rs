//! What a recurring window's `every` and `on` say: the days of each month
//! (`"2nd sunday"`, `"last sunday"`, `"15th"`, `"last day"`) or of each week
//! (`"tuesday"`, `["tuesday", "thursday"]`), checked into a [`Pattern`].

use super::Validator;
use crate::schedule::diagnostic::suggestion;
use crate::schedule::model::Pattern;
use crate::schedule::source::OnSource;
use chrono::Weekday;
use std::ops::Range;
use toml::Spanned;

/// How often a recurring window's periods come: `every = "month"` or `"week"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Every {
    Month,
    Week,
}

impl Every {
    /// The largest `interval`: ten years either way.
    pub(super) fn max_interval(self) -> u32 {
        match self {
            Every::Month => 120,
            Every::Week => 520,
        }
    }

    pub(super) fn unit(self) -> &'static str {
        match self {
            Every::Month => "months",
            Every::Week => "weeks",
        }
    }
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const WEEKLY_EXAMPLE: &str = "e.g. on = \"tuesday\" or on = [\"tuesday\", \"thursday\"]";
const MONTHLY_EXAMPLE: &str = "e.g. on = \"2nd sunday\", \"last sunday\", \"15th\" or \"last day\"";

impl Validator {
    pub(super) fn every(&mut self, every: &Spanned<String>) -> Option<Every> {
        match every.get_ref().as_str() {
            "month" => Some(Every::Month),
            "week" => Some(Every::Week),
            other => {
                self.error_help(
                    every.span(),
                    format!("unsupported recurrence `{other}`"),
                    "use every = \"month\" or every = \"week\", with `interval` for every other one",
                );
                None
            }
        }
    }

    pub(super) fn pattern(&mut self, every: Every, on: &Spanned<OnSource>) -> Option<Pattern> {
        match (every, on.get_ref()) {
            (Every::Month, OnSource::One(text)) => self.monthly_on(text, on.span()),
            (Every::Week, OnSource::One(text)) => self
                .weekday(text, on.span())
                .map(|day| Pattern::Weekly(vec![day])),
            (Every::Week, OnSource::Many(days)) => self.weekdays(days, on.span()),
            (Every::Month, OnSource::Many(_)) => {
                self.error_help(
                    on.span(),
                    "a monthly window falls on one day of the month",
                    format!(
                        "{MONTHLY_EXAMPLE}; for several weekdays, use every = \"week\" (or one window per day)"
                    ),
                );
                None
            }
        }
    }

    fn weekdays(&mut self, days: &[Spanned<String>], span: Range<usize>) -> Option<Pattern> {
        if days.is_empty() {
            self.error_help(
                span,
                "a weekly window needs at least one weekday",
                WEEKLY_EXAMPLE,
            );
            return None;
        }
        let mut found = Vec::new();
        let mut fine = true;
        for day in days {
            match self.weekday(day.get_ref(), day.span()) {
                Some(weekday) if found.contains(&weekday) => {
                    fine = false;
                    self.error_help(
                        day.span(),
                        format!("{} is listed twice", english_weekday(weekday)),
                        "name each weekday once",
                    );
                }
                Some(weekday) => found.push(weekday),
                None => fine = false,
            }
        }
        // Monday first: the order of the week the feeds state (WKST=MO).
        found.sort_by_key(Weekday::num_days_from_monday);
        fine.then_some(Pattern::Weekly(found))
    }

    fn weekday(&mut self, text: &str, span: Range<usize>) -> Option<Weekday> {
        let word = text.trim().to_ascii_lowercase();
        if let Some(day) = parse_weekday(&word) {
            return Some(day);
        }
        if word.split_whitespace().count() > 1 {
            self.error_help(
                span,
                format!("`{text}`: a weekly window falls on weekdays"),
                format!("{WEEKLY_EXAMPLE}; for a day of the month use every = \"month\""),
            );
        } else {
            self.error_help(
                span,
                format!("`{text}`: unknown weekday"),
                suggestion(&word, &WEEKDAYS),
            );
        }
        None
    }

    fn monthly_on(&mut self, text: &str, span: Range<usize>) -> Option<Pattern> {
        let lower = text.trim().to_ascii_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        match words[..] {
            ["last", "day"] => Some(Pattern::MonthDay(-1)),
            [day] if ordinal(day).is_some() => self.month_day(text, ordinal(day)?, span),
            [nth, day] => self.nth_weekday(text, nth, day, span),
            _ => {
                let help = if words.len() == 1 && parse_weekday(words[0]).is_some() {
                    format!(
                        "say which one of the month, {MONTHLY_EXAMPLE}; for every {}, use every = \"week\"",
                        words[0].trim_end_matches('s')
                    )
                } else {
                    "write the nth weekday (\"1st sunday\" … \"5th sunday\", \"last sunday\") or the day of the month (\"1st\" … \"28th\", \"last day\")".to_owned()
                };
                self.error_help(span, format!("cannot read `{text}`"), help);
                None
            }
        }
    }

    fn month_day(&mut self, text: &str, day: u32, span: Range<usize>) -> Option<Pattern> {
        match day {
            1..=28 => i8::try_from(day).ok().map(Pattern::MonthDay),
            // RFC 5545 gives nothing in a month without the day (BYMONTHDAY=31
            // skips April): a window that silently misses months is a trap.
            29..=31 => {
                self.error_help(
                    span,
                    format!("`{text}`: not every month has a {}", ordinal_text(day)),
                    "use on = \"last day\" for the end of every month, or a day from \"1st\" to \"28th\"",
                );
                None
            }
            _ => {
                self.error_help(
                    span,
                    format!("`{text}`: a month's days are 1st to 31st"),
                    MONTHLY_EXAMPLE,
                );
                None
            }
        }
    }

    fn nth_weekday(
        &mut self,
        text: &str,
        nth: &str,
        day: &str,
        span: Range<usize>,
    ) -> Option<Pattern> {
        let nth = match nth {
            "1st" | "first" => Some(1),
            "2nd" | "second" => Some(2),
            "3rd" | "third" => Some(3),
            "4th" | "fourth" => Some(4),
            "5th" | "fifth" => Some(5),
            "last" => Some(-1),
            _ => None,
        };
        match (nth, parse_weekday(day)) {
            (Some(nth), Some(weekday)) => Some(Pattern::NthWeekday { nth, weekday }),
            (None, _) => {
                self.error_help(span, format!("`{text}`: the week must be 1st to 5th or last"), "e.g. \"2nd sunday\" or \"last sunday\"; a month has at most five of any weekday");
                None
            }
            (_, None) => {
                self.error_help(
                    span,
                    format!("`{text}`: unknown weekday"),
                    suggestion(day, &WEEKDAYS),
                );
                None
            }
        }
    }
}

/// "tuesday" or "tuesdays" (lower case; chrono also reads "tue").
fn parse_weekday(word: &str) -> Option<Weekday> {
    word.trim_end_matches('s').parse().ok()
}

/// The number of "15th", "1st", "22nd", "3rd" (lower case).
fn ordinal(word: &str) -> Option<u32> {
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix))?;
    if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn ordinal_text(day: u32) -> String {
    let suffix = match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{day}{suffix}")
}

fn english_weekday(day: Weekday) -> &'static str {
    WEEKDAYS[day.num_days_from_monday() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_and_weekdays() {
        assert_eq!(ordinal("15th"), Some(15));
        assert_eq!(ordinal("1st"), Some(1));
        assert_eq!(ordinal("th"), None);
        assert_eq!(ordinal("fifth"), None);
        assert_eq!(ordinal_text(31), "31st");
        assert_eq!(ordinal_text(11), "11th");
        assert_eq!(parse_weekday("tuesdays"), Some(Weekday::Tue));
        assert_eq!(parse_weekday("day"), None);
    }
}
