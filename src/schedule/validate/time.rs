//! Single time values: the zone, local dates and times of day, a window's
//! hours, and instants with their UTC offset (`revised`).

mod zone_names;

use super::{Diagnostic, Validator, suggestion};
use crate::schedule::model::Hours;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use std::ops::Range;
use toml::Spanned;

impl Validator {
    pub(super) fn hours(
        &mut self,
        start: &Spanned<toml::value::Datetime>,
        end: &Spanned<toml::value::Datetime>,
        ends_next_day: bool,
    ) -> Option<Hours> {
        let (start_time, end_time) = (self.local_time(start)?, self.local_time(end)?);
        self.check_hours(start_time, end_time, ends_next_day, end.span())
    }

    pub(super) fn check_hours(
        &mut self,
        start: NaiveTime,
        end: NaiveTime,
        ends_next_day: bool,
        span: Range<usize>,
    ) -> Option<Hours> {
        if !ends_next_day && end <= start {
            self.error_help(
                span,
                if end == start {
                    format!("the window ends when it starts ({})", end.format("%H:%M"))
                } else {
                    format!(
                        "the window ends ({}) before it starts ({})",
                        end.format("%H:%M"),
                        start.format("%H:%M")
                    )
                },
                "if the window crosses midnight, add ends_next_day = true",
            );
            return None;
        }
        Some(Hours {
            start,
            end,
            ends_next_day,
        })
    }

    pub(super) fn timezone(&mut self, zone: &Spanned<String>) -> Option<Tz> {
        let name = zone.get_ref();
        match name.parse::<Tz>() {
            Ok(tz) => {
                // Valid, but often not what was meant: a warning, at the
                // value's place.
                if let Some(advice) = zone_names::advice(tz.name()) {
                    self.diagnostics.push(
                        Diagnostic::warning(self.file, zone.span(), advice.message)
                            .with_help(advice.help),
                    );
                }
                Some(tz)
            }
            Err(_) => {
                let known: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
                self.error_help(
                    zone.span(),
                    format!("{name}: unknown time zone"),
                    suggestion(name, &known),
                );
                None
            }
        }
    }

    pub(super) fn local_date(
        &mut self,
        value: &Spanned<toml::value::Datetime>,
    ) -> Option<NaiveDate> {
        let datetime = value.get_ref();
        match (datetime.date, datetime.time) {
            (Some(date), None) => {
                let parsed = NaiveDate::from_ymd_opt(
                    i32::from(date.year),
                    u32::from(date.month),
                    u32::from(date.day),
                );
                if parsed.is_none() {
                    self.error(value.span(), format!("{datetime} is not a calendar date"));
                }
                parsed
            }
            _ => {
                self.error_help(
                    value.span(),
                    format!("expected a date, found `{datetime}`"),
                    "write a bare local date, e.g. 2020-05-17",
                );
                None
            }
        }
    }

    pub(super) fn local_time(
        &mut self,
        value: &Spanned<toml::value::Datetime>,
    ) -> Option<NaiveTime> {
        let datetime = value.get_ref();
        match (datetime.date, datetime.time, datetime.offset) {
            (None, Some(time), None) => {
                if time.nanosecond.unwrap_or(0) != 0 {
                    self.error_help(
                        value.span(),
                        "fractions of a second are not supported",
                        "write hours and minutes, e.g. 02:00",
                    );
                    return None;
                }
                let parsed = NaiveTime::from_hms_opt(
                    u32::from(time.hour),
                    u32::from(time.minute),
                    u32::from(time.second.unwrap_or(0)),
                );
                if parsed.is_none() {
                    self.error(value.span(), format!("{datetime} is not a time of day"));
                }
                parsed
            }
            _ => {
                self.error_help(
                    value.span(),
                    format!("expected a local time of day, found `{datetime}`"),
                    "write the wall-clock time in the calendar's zone, e.g. 02:00",
                );
                None
            }
        }
    }

    pub(super) fn instant(
        &mut self,
        value: &Spanned<toml::value::Datetime>,
    ) -> Option<DateTime<Utc>> {
        let datetime = value.get_ref();
        let parsed = (|| {
            let (date, time, offset) = (datetime.date?, datetime.time?, datetime.offset?);
            let minutes = match offset {
                toml::value::Offset::Z => 0,
                toml::value::Offset::Custom { minutes } => i32::from(minutes),
            };
            let offset = FixedOffset::east_opt(minutes * 60)?;
            let date = NaiveDate::from_ymd_opt(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            )?;
            let time = NaiveTime::from_hms_opt(
                u32::from(time.hour),
                u32::from(time.minute),
                u32::from(time.second.unwrap_or(0)),
            )?;
            Some(
                date.and_time(time)
                    .and_local_timezone(offset)
                    .single()?
                    .with_timezone(&Utc),
            )
        })();
        if parsed.is_none() {
            self.error_help(
                value.span(),
                format!("expected a date and time with its UTC offset, found `{datetime}`"),
                "e.g. revised = 2020-05-01T10:00:00+09:00",
            );
        }
        parsed
    }
}
