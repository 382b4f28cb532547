//! Where a series stops, as RRULE states it: COUNT when the schedule gave
//! a count (see `part`), otherwise an UNTIL chosen so that clients which
//! truncate it or misread its zone still keep the last instance.

use crate::expand::to_utc;
use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
/// The UNTIL (UTC, inclusive) of a series whose last instance starts at the
/// local time `last`: not that start itself, but the latest instant that
/// still names the last instance's date however a client reads it. Clients
/// that truncate UNTIL to its date, or read its digits as local time, drop
/// the last instance when UNTIL is its exact start and the zone is east of
/// UTC (02:00 in Tokyo is 17:00Z the day before). So: the end of the last
/// local day (the next instance is on a later day), but no later than the
/// end of that UTC date, and never before the last start. In a zone east of
/// UTC that is the end of the local day, on the same UTC date; west of UTC,
/// 23:59:59Z on that date, which read as local time is still that day. Only
/// a start late enough in a zone west of UTC to be on the next UTC date
/// keeps UNTIL at the start itself. Where the start is in a repeated hour,
/// the later of its two readings (ical.js reads the second).
pub(super) fn until(tz: chrono_tz::Tz, last: NaiveDateTime) -> DateTime<Utc> {
    let start = match tz.from_local_datetime(&last) {
        LocalResult::Ambiguous(_, later) => later.with_timezone(&Utc),
        _ => to_utc(tz, last),
    };
    let second = chrono::Duration::seconds(1);
    let next_day = last.date().succ_opt().unwrap_or(last.date());
    let local_day_end = to_utc(tz, next_day.and_time(chrono::NaiveTime::MIN)) - second;
    let utc_day_end = next_day.and_time(chrono::NaiveTime::MIN).and_utc() - second;
    start.max(local_day_end.min(utc_day_end))
}

#[cfg(test)]
mod tests {
    use super::until;
    use chrono::{DateTime, NaiveDateTime, Utc};

    fn local(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    // Every expected instant worked out by hand from the zone's offset.
    #[test]
    fn until_names_the_last_date_in_utc_and_in_local_time() {
        // Tokyo (+09): 02:00 is 17:00Z the day before; UNTIL is the end of
        // the local day, 14:59:59Z on the same date.
        assert_eq!(
            until(chrono_tz::Asia::Tokyo, local("2020-05-17 02:00")),
            utc("2020-05-17T14:59:59Z")
        );
        // Sydney (+10 in winter, +11 in summer).
        assert_eq!(
            until(chrono_tz::Australia::Sydney, local("2021-07-04 01:30")),
            utc("2021-07-04T13:59:59Z")
        );
        assert_eq!(
            until(chrono_tz::Australia::Sydney, local("2021-12-05 01:30")),
            utc("2021-12-05T12:59:59Z")
        );
        // New York (-04 in summer): the end of the UTC date, which is
        // 19:59:59 local on the same date.
        assert_eq!(
            until(chrono_tz::America::New_York, local("2021-06-13 02:00")),
            utc("2021-06-13T23:59:59Z")
        );
        // A start late enough to be on the next UTC date keeps UNTIL at it:
        // 22:00 EDT is 02:00Z.
        assert_eq!(
            until(chrono_tz::America::New_York, local("2021-06-13 22:00")),
            utc("2021-06-14T02:00:00Z")
        );
        // London (+00 in winter): the end of the day, both readings.
        assert_eq!(
            until(chrono_tz::Europe::London, local("2021-01-10 02:00")),
            utc("2021-01-10T23:59:59Z")
        );
        // A start in the repeated hour: the later reading, 01:30 EST = 06:30Z.
        assert_eq!(
            until(chrono_tz::America::New_York, local("2021-11-07 01:30")),
            utc("2021-11-07T23:59:59Z")
        );
        // Apia (+14 in DST): the end of the local day is 09:59:59Z.
        assert_eq!(
            until(chrono_tz::Pacific::Apia, local("2012-03-11 10:00")),
            utc("2012-03-11T09:59:59Z")
        );
    }
}
