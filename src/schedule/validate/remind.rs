//! `remind = ["1d", "2h", "30m"]` on the calendar or a window: alarms
//! before a window's start, as minutes. Bounded so that a typo ("30d" for
//! "30m") is caught rather than waking subscribers a month early.

use super::Validator;
use std::collections::HashSet;
use toml::Spanned;

/// The earliest a reminder may ring: four weeks before the start.
const MAX_MINUTES: u32 = 28 * 24 * 60;
/// More than this many alarms per event is noise, not a reminder.
const MAX_REMINDERS: usize = 5;

const HELP: &str = "a number and a unit: \"30m\", \"2h\" or \"1d\", up to \"28d\"";

impl Validator {
    /// The reminders, in minutes before the start, in the order given; `None`
    /// when `remind` is not set (or has errors, reported here).
    pub(super) fn remind(
        &mut self,
        source: Option<&Spanned<Vec<Spanned<String>>>>,
    ) -> Option<Vec<u32>> {
        let source = source?;
        if source.get_ref().len() > MAX_REMINDERS {
            self.error_help(
                source.span(),
                format!("at most {MAX_REMINDERS} reminders per window"),
                "keep the ones subscribers need, e.g. remind = [\"1d\", \"1h\"]",
            );
            return None;
        }
        let errors_before = self.error_count();
        let mut seen = HashSet::new();
        let mut minutes = Vec::new();
        for entry in source.get_ref() {
            let text = entry.get_ref();
            match parse(text) {
                Err(message) => self.error_help(entry.span(), message, HELP),
                Ok(value) if !seen.insert(value) => self.error_help(
                    entry.span(),
                    format!("`{text}`: the same time as another reminder"),
                    "list each reminder once",
                ),
                Ok(value) => minutes.push(value),
            }
        }
        (self.error_count() == errors_before).then_some(minutes)
    }
}

/// `"30m"`, `"2h"`, `"1d"` as minutes, between 1 minute and [`MAX_MINUTES`].
fn parse(text: &str) -> Result<u32, String> {
    let Some((unit_at, _)) = text.char_indices().last() else {
        return Err("an empty reminder".to_owned());
    };
    let (number, unit) = text.split_at(unit_at);
    let per_unit = match unit {
        "m" => 1,
        "h" => 60,
        "d" => 24 * 60,
        _ => return Err(format!("`{text}`: not a reminder")),
    };
    let count: u32 = match number.parse() {
        Ok(count) if number.bytes().all(|b| b.is_ascii_digit()) => count,
        _ => return Err(format!("`{text}`: not a reminder")),
    };
    match count.checked_mul(per_unit) {
        Some(0) => Err(format!("`{text}`: a reminder must be before the start")),
        Some(minutes) if minutes <= MAX_MINUTES => Ok(minutes),
        _ => Err(format!(
            "`{text}`: a reminder can be at most 28 days before the start"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn units_and_bounds() {
        assert_eq!(parse("30m"), Ok(30));
        assert_eq!(parse("2h"), Ok(120));
        assert_eq!(parse("1d"), Ok(1440));
        assert_eq!(parse("28d"), Ok(40320));
        assert!(parse("29d").unwrap_err().contains("at most 28 days"));
        assert!(parse("0h").unwrap_err().contains("before the start"));
        for bad in [
            "",
            "d",
            "1",
            "1w",
            "-1d",
            "+1d",
            "1.5h",
            "1 d",
            "一d",
            "d一",
            "99999999999d",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
