//! The tz data as a list of transitions: chrono-tz only answers "which
//! offset is in force at this UTC instant", so transitions are found by
//! probing, and each is described as a client needs it (offsets, name,
//! STANDARD or DAYLIGHT, wall-clock onset).

// Why this is hand-written: no well-kept crate produces VTIMEZONE from
// chrono-tz, and chrono-tz exposes no list of transitions, only "which offset
// is in force at this UTC instant". So transitions are found by probing:
// sample the offset every `STEP_SECS`, and where two samples differ, bisect
// to the exact second. The tz data is compiled into chrono-tz (so the output
// depends on chrono-tz's tzdata version, and on nothing else).

use chrono::{DateTime, Datelike, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// How often the offset is sampled. A transition pair closer than the step
/// (A -> B -> A between two samples) would be missed. In the tzdata compiled
/// into chrono-tz 0.10, the closest pair of transitions since 1970 is 6.9
/// days apart (`America/Cambridge_Bay` in 2000, and the Ramadan DST breaks
/// projected for `Asia/Gaza`), so a weekly step would be too coarse. One day
/// leaves a wide safety factor and costs only ~365 look-ups (binary searches
/// in a static table) per year searched. A -> B -> C within one step is
/// handled: scanning resumes at each transition found.
const STEP_SECS: i64 = super::SECS_PER_DAY;

/// The offset in force at an instant, as a client needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Offset {
    /// Seconds east of UTC (base + DST).
    pub(super) total: i64,
    /// chrono-tz's DST component, in seconds; negative for Europe/Dublin's
    /// winter time (see `Transition::kind`).
    pub(super) dst: i64,
    /// The TZNAME: tzdata's abbreviation, or the numeric offset where tzdata
    /// has none (it writes e.g. "+1030" or "-03"; chrono-tz reports those as
    /// no abbreviation).
    pub(super) name: String,
}

impl Offset {
    pub(super) fn at(tz: Tz, secs: i64) -> Self {
        let offset = tz.offset_from_utc_datetime(&naive_utc(secs));
        let dst = offset.dst_offset().num_seconds();
        let total = offset.base_utc_offset().num_seconds() + dst;
        let name = match offset.abbreviation() {
            Some(abbr) if !abbr.is_empty() && !abbr.starts_with(['+', '-']) => abbr.to_owned(),
            _ => format_offset(total),
        };
        Offset { total, dst, name }
    }

    /// Whether a client would see a difference: the offset or the name. A
    /// change of only the base/DST split is not a transition for VTIMEZONE.
    fn same_for_clients(&self, other: &Offset) -> bool {
        self.total == other.total && self.name == other.name
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Standard,
    Daylight,
}

impl Kind {
    pub(super) fn component(self) -> &'static str {
        match self {
            Kind::Standard => "STANDARD",
            Kind::Daylight => "DAYLIGHT",
        }
    }
}

/// A change of offset, at the first second the new offset is in force.
#[derive(Clone, Debug)]
pub(super) struct Transition {
    pub(super) at: i64,
    pub(super) from: Offset,
    pub(super) to: Offset,
}

impl Transition {
    /// The transition at exactly `at`, if the offset changes there.
    pub(super) fn at_instant(tz: Tz, at: i64) -> Option<Self> {
        let from = Offset::at(tz, at - 1);
        let to = Offset::at(tz, at);
        (!from.same_for_clients(&to)).then_some(Transition { at, from, to })
    }

    /// STANDARD or DAYLIGHT. chrono-tz follows tzdata's main ("vanguard")
    /// form, in which Europe/Dublin's summer time IST (+01) is the base
    /// offset with DST 0 and winter GMT (+00) has DST -1h; Casablanca's
    /// Ramadan time is likewise negative DST. Calling GMT "DAYLIGHT" would
    /// still give clients the right offsets (they only use TZOFFSETFROM/TO),
    /// but would hand Outlook a STANDARD/DAYLIGHT pair upside down. So we
    /// label like tzdata's "rearguard" form, where DST is always positive:
    /// an onset is DAYLIGHT when its new offset has positive DST, or when it
    /// ends a negative-DST period (DST 0 after DST < 0, i.e. Dublin's IST).
    /// Negative DST itself (Dublin's GMT) is STANDARD.
    ///
    /// An onset that moves the clocks by a whole day or more is STANDARD
    /// whatever its DST: the zone changed sides of the date line
    /// (Pacific/Apia on 2011-12-30, -10 to +14 in DST). Readers built on
    /// python-dateutil (vobject) take a DAYLIGHT observance's DST to be
    /// TZOFFSETTO - TZOFFSETFROM, and Python rejects a DST of 24 hours, so
    /// the whole calendar fails to load; a STANDARD observance's DST is 0.
    /// Every reader still gets the same TZOFFSETTO, and Outlook's yearly pair
    /// comes from the zone's yearly rules, which this one-off onset is not.
    pub(super) fn kind(&self) -> Kind {
        if (self.to.total - self.from.total).abs() >= super::SECS_PER_DAY {
            return Kind::Standard;
        }
        if self.to.dst > 0 || (self.to.dst == 0 && self.from.dst < 0) {
            Kind::Daylight
        } else {
            Kind::Standard
        }
    }

    /// Local wall-clock time just before the transition (in TZOFFSETFROM),
    /// which is what RFC 5545 wants as DTSTART.
    pub(super) fn wall(&self) -> NaiveDateTime {
        naive_utc(self.at + self.from.total)
    }

    pub(super) fn signature(&self) -> Signature {
        let wall = self.wall();
        Signature {
            kind: self.kind(),
            from: self.from.total,
            to: self.to.total,
            name: self.to.name.clone(),
            month: wall.month(),
            time: wall.time(),
        }
    }
}

/// What transitions of one yearly rule share, apart from the day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Signature {
    pub(super) kind: Kind,
    pub(super) from: i64,
    pub(super) to: i64,
    pub(super) name: String,
    pub(super) month: u32,
    pub(super) time: NaiveTime,
}

/// Every transition in `(after, limit]`, in order.
pub(super) fn transitions_between(tz: Tz, after: i64, limit: i64) -> Vec<Transition> {
    let mut transitions = Vec::new();
    let mut cursor = after;
    while let Some(transition) = next_transition(tz, cursor, limit) {
        cursor = transition.at;
        transitions.push(transition);
    }
    transitions
}

/// The first transition in `(after, limit]`.
fn next_transition(tz: Tz, after: i64, limit: i64) -> Option<Transition> {
    let start = Offset::at(tz, after);
    let mut a = after;
    while a < limit {
        let b = (a + STEP_SECS).min(limit);
        if !Offset::at(tz, b).same_for_clients(&start) {
            return Some(bisect(tz, a, b, |offset| offset.same_for_clients(&start)));
        }
        a = b;
    }
    None
}

/// The last transition in `(floor, at_or_before]`.
pub(super) fn previous_transition(tz: Tz, at_or_before: i64, floor: i64) -> Option<Transition> {
    let end = Offset::at(tz, at_or_before);
    let mut b = at_or_before;
    while b > floor {
        let a = (b - STEP_SECS).max(floor);
        if !Offset::at(tz, a).same_for_clients(&end) {
            return Some(bisect(tz, a, b, |offset| !offset.same_for_clients(&end)));
        }
        b = a;
    }
    None
}

/// The transition in `(a, b]` given `before(offset at a)` and not
/// `before(offset at b)`, to the second.
fn bisect(tz: Tz, mut a: i64, mut b: i64, before: impl Fn(&Offset) -> bool) -> Transition {
    while b - a > 1 {
        let mid = a + (b - a) / 2;
        if before(&Offset::at(tz, mid)) {
            a = mid;
        } else {
            b = mid;
        }
    }
    Transition {
        at: b,
        from: Offset::at(tz, a),
        to: Offset::at(tz, b),
    }
}

/// `+HHMM`, or `+HHMMSS` when the seconds are not zero (RFC 5545 UTC-OFFSET).
pub(super) fn format_offset(total: i64) -> String {
    let sign = if total < 0 { '-' } else { '+' };
    let abs = total.abs();
    let (hours, minutes, seconds) = (abs / 3600, abs % 3600 / 60, abs % 60);
    if seconds == 0 {
        format!("{sign}{hours:02}{minutes:02}")
    } else {
        format!("{sign}{hours:02}{minutes:02}{seconds:02}")
    }
}

/// The UTC date-time of a Unix timestamp (also used, shifted by an offset,
/// for wall-clock times).
pub(super) fn naive_utc(secs: i64) -> NaiveDateTime {
    // Cannot fail: every instant here is within a few decades of the span
    // clamped to [MIN_SECS, MAX_SECS] (years 1..=9999), or of 1970, while
    // chrono represents about ±262,000 years.
    DateTime::from_timestamp(secs, 0)
        .expect("instant within chrono's range")
        .naive_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_formatted_per_rfc_5545() {
        assert_eq!(format_offset(0), "+0000");
        assert_eq!(format_offset(-5 * 3600), "-0500");
        assert_eq!(format_offset(37_800), "+1030");
        assert_eq!(format_offset(-(25 * 60 + 21)), "-002521");
        assert_eq!(format_offset(9 * 3600 + 18 * 60 + 59), "+091859");
    }
}
