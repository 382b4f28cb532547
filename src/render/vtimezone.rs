//! The `VTIMEZONE` component (RFC 5545 §3.6.5) for an IANA zone, built from
//! chrono-tz's compiled tz data.
//!
//! This module owns everything about describing a zone's UTC offsets to
//! calendar clients: finding the zone's transitions around the span a feed
//! uses, folding yearly repeating transitions into one observance with an
//! `RRULE`, labelling observances `STANDARD`/`DAYLIGHT`, and printing the
//! content lines. It does not fold lines, add CRLF or decide which zones a
//! feed needs; the caller does.
//!
//! Output constraints, from the project's issue:
//! - Outlook reduces a `VTIMEZONE` to one yearly STANDARD/DAYLIGHT pair read
//!   from `DTSTART`, `RRULE` and the offsets (MS-STANOICAL) and mishandles
//!   `RDATE`, so `RDATE` is never emitted: a yearly run of transitions becomes
//!   one observance with an `RRULE`, anything else one observance per
//!   transition with just a `DTSTART`.
//! - Every instant from the span's start minus a margin to its end plus a
//!   margin is covered by exactly the offsets chrono-tz gives: the latest
//!   observance onset at or before any such instant carries chrono-tz's
//!   offset for it.
//! - Same inputs, same lines: nothing reads the clock.
//!
//! No `X-LIC-LOCATION` is emitted: libical-based clients use it to swap our
//! definition for their own copy of the zone, and ours is the one that the
//! feed's times were computed with.

// Why this is hand-written: no well-kept crate produces VTIMEZONE from
// chrono-tz, and chrono-tz exposes no list of transitions, only "which offset
// is in force at this UTC instant". So transitions are found by probing: sample
// the offset every `STEP_SECS`, and where two samples differ, bisect to the
// exact second. The tz data is compiled into chrono-tz (so the output depends
// on chrono-tz's tzdata version, and on nothing else).

use super::wire::weekday_code;
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

const SECS_PER_DAY: i64 = 86_400;

/// Coverage added on each side of the caller's span: one year (366 days, so a
/// leap year is covered too). It keeps events near the span's ends, and
/// clients that expand a little beyond them, on defined offsets, and it puts
/// at least two onsets of each yearly rule inside the searched window.
const MARGIN_SECS: i64 = 366 * SECS_PER_DAY;

/// How often the offset is sampled. A transition pair closer than the step
/// (A -> B -> A between two samples) would be missed. In the tzdata compiled
/// into chrono-tz 0.10, the closest pair of transitions since 1970 is 6.9
/// days apart (`America/Cambridge_Bay` in 2000, and the Ramadan DST breaks
/// projected for `Asia/Gaza`), so a weekly step would be too coarse. One day
/// leaves a wide safety factor and costs only ~365 look-ups (binary searches
/// in a static table) per year searched. A -> B -> C within one step is
/// handled: scanning resumes at each transition found.
const STEP_SECS: i64 = SECS_PER_DAY;

/// Backward searches (for the transition in force at the window's start, and
/// for earlier onsets of a yearly rule) stop at 1970-01-01T00:00:00Z. That is
/// the conventional epoch for VTIMEZONE observances; before it, tzdata is
/// mostly local mean time with seconds-precise offsets that no feed needs.
const FLOOR_SECS: i64 = 0;

/// How many years past its last onset in the window a yearly rule is checked
/// against chrono-tz, to decide between rules that fit the window equally
/// well (4th Sunday vs last Sunday of a 28-day February, for example).
const LOOKAHEAD_YEARS: i32 = 10;

/// The caller's instants are clamped to years 1..=9998 (0001-01-01T00:00:00Z
/// and 9999-01-01T00:00:00Z), so that every instant derived from them (margin,
/// offsets, look-ahead) stays far inside what chrono can represent.
const MIN_SECS: i64 = -62_135_596_800;
const MAX_SECS: i64 = 253_370_764_800;

/// Content lines (unfolded, no CRLF, no escaping needed) from `BEGIN:VTIMEZONE` to `END:VTIMEZONE`.
pub fn vtimezone_lines(
    tz: Tz,
    span_start: DateTime<chrono::Utc>,
    span_end: DateTime<chrono::Utc>,
) -> Vec<String> {
    let (first, last) = if span_start <= span_end {
        (span_start, span_end)
    } else {
        (span_end, span_start)
    };
    let lo = first.timestamp().clamp(MIN_SECS, MAX_SECS) - MARGIN_SECS;
    let hi = last.timestamp().clamp(MIN_SECS, MAX_SECS) + MARGIN_SECS;

    let mut observances = observances(tz, lo, hi);
    observances.sort_by_key(Observance::first_onset);

    let mut lines = vec!["BEGIN:VTIMEZONE".to_owned(), format!("TZID:{}", tz.name())];
    for observance in &observances {
        observance.push_lines(&mut lines);
    }
    lines.push("END:VTIMEZONE".to_owned());
    lines
}

/// The observances describing `tz` exactly over `[lo, hi]`, in no particular order.
fn observances(tz: Tz, lo: i64, hi: i64) -> Vec<Observance> {
    let floor = FLOOR_SECS.min(lo);
    let in_window = transitions_between(tz, lo, hi);
    if in_window.is_empty() {
        // Nothing changes in the window: one observance stating the offset,
        // from the 1970 epoch (or from `lo` if that is earlier), with
        // TZOFFSETFROM = TZOFFSETTO. Deliberately not the zone's last real
        // transition, which may be decades old (Asia/Tokyo: 1951).
        return vec![Observance::one_off(anchor(tz, lo))];
    }

    // The offset in force at `lo` must be stated by an onset at or before
    // `lo`: the transition that set it, or a synthetic anchor if it predates
    // the floor.
    let mut transitions = Vec::with_capacity(in_window.len() + 1);
    let mut observances = Vec::new();
    match previous_transition(tz, lo, floor) {
        Some(previous) => transitions.push(previous),
        None => observances.push(Observance::one_off(anchor(tz, lo))),
    }
    transitions.extend(in_window);
    let earliest = transitions.first().map_or(lo, |t| t.at);

    observances.extend(group_yearly(tz, &transitions));
    extend_backwards(tz, &mut observances, earliest, floor);
    for observance in &mut observances {
        observance.decide_end(tz, hi);
    }
    observances
}

/// A synthetic onset with no change of offset, stating the offset in force at
/// `lo` from 1970-01-01T00:00:00 local time, or from `lo` if that is earlier.
fn anchor(tz: Tz, lo: i64) -> Transition {
    let offset = Offset::at(tz, lo);
    let epoch_local_midnight = FLOOR_SECS - offset.total;
    Transition {
        at: epoch_local_midnight.min(lo),
        from: offset.clone(),
        to: offset,
    }
}

/// The offset in force at an instant, as a client needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Offset {
    /// Seconds east of UTC (base + DST).
    total: i64,
    /// chrono-tz's DST component, in seconds; negative for Europe/Dublin's
    /// winter time (see `Transition::kind`).
    dst: i64,
    /// The TZNAME: tzdata's abbreviation, or the numeric offset where tzdata
    /// has none (it writes e.g. "+1030" or "-03"; chrono-tz reports those as
    /// no abbreviation).
    name: String,
}

impl Offset {
    fn at(tz: Tz, secs: i64) -> Self {
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
enum Kind {
    Standard,
    Daylight,
}

impl Kind {
    fn component(self) -> &'static str {
        match self {
            Kind::Standard => "STANDARD",
            Kind::Daylight => "DAYLIGHT",
        }
    }
}

/// A change of offset, at the first second the new offset is in force.
#[derive(Clone, Debug)]
struct Transition {
    at: i64,
    from: Offset,
    to: Offset,
}

impl Transition {
    /// The transition at exactly `at`, if the offset changes there.
    fn at_instant(tz: Tz, at: i64) -> Option<Self> {
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
    fn kind(&self) -> Kind {
        if self.to.dst > 0 || (self.to.dst == 0 && self.from.dst < 0) {
            Kind::Daylight
        } else {
            Kind::Standard
        }
    }

    /// Local wall-clock time just before the transition (in TZOFFSETFROM),
    /// which is what RFC 5545 wants as DTSTART.
    fn wall(&self) -> NaiveDateTime {
        naive_utc(self.at + self.from.total)
    }

    fn signature(&self) -> Signature {
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
struct Signature {
    kind: Kind,
    from: i64,
    to: i64,
    name: String,
    month: u32,
    time: NaiveTime,
}

/// The day-of-month part of a yearly rule, as RRULE can state it in a way
/// Outlook understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DayRule {
    /// `BYDAY=-1SU`: last such weekday of the month.
    Last(Weekday),
    /// `BYDAY=2SU`: nth (1..=4) such weekday of the month.
    Nth(u8, Weekday),
    /// `BYMONTHDAY=21`.
    MonthDay(u32),
}

impl DayRule {
    /// Every rule that `date` satisfies, in order of preference when two fit
    /// equally well: "last" before "4th" (tzdata's `lastSun` is far more
    /// common than `Sun>=22`), weekday rules before a fixed day.
    fn candidates(date: NaiveDate) -> Vec<DayRule> {
        let (day, weekday) = (date.day(), date.weekday());
        let mut rules = Vec::with_capacity(3);
        if day + 7 > u32::from(date.num_days_in_month()) {
            rules.push(DayRule::Last(weekday));
        }
        if let Ok(nth @ 1..=4) = u8::try_from((day - 1) / 7 + 1) {
            rules.push(DayRule::Nth(nth, weekday));
        }
        rules.push(DayRule::MonthDay(day));
        rules
    }

    /// The rule's day in `year`/`month`, if it exists there.
    fn date_in(self, year: i32, month: u32) -> Option<NaiveDate> {
        match self {
            DayRule::Nth(nth, weekday) => {
                NaiveDate::from_weekday_of_month_opt(year, month, weekday, nth)
            }
            DayRule::Last(weekday) => {
                let first = NaiveDate::from_ymd_opt(year, month, 1)?;
                let last = first.with_day(u32::from(first.num_days_in_month()))?;
                let back = (7 + last.weekday().num_days_from_monday()
                    - weekday.num_days_from_monday())
                    % 7;
                last.checked_sub_days(Days::new(u64::from(back)))
            }
            DayRule::MonthDay(day) => NaiveDate::from_ymd_opt(year, month, day),
        }
    }

    fn matches(self, date: NaiveDate) -> bool {
        self.date_in(date.year(), date.month()) == Some(date)
    }

    fn rrule_part(self) -> String {
        match self {
            DayRule::Last(weekday) => format!("BYDAY=-1{}", weekday_code(weekday)),
            DayRule::Nth(nth, weekday) => format!("BYDAY={nth}{}", weekday_code(weekday)),
            DayRule::MonthDay(day) => format!("BYMONTHDAY={day}"),
        }
    }
}

/// The transition that `rule` (with the month, time and offsets of
/// `signature`) predicts for `year`, if chrono-tz has exactly that transition.
fn predicted(tz: Tz, signature: &Signature, rule: DayRule, year: i32) -> Option<Transition> {
    let wall = rule
        .date_in(year, signature.month)?
        .and_time(signature.time);
    let transition = Transition::at_instant(tz, wall.and_utc().timestamp() - signature.from)?;
    (transition.signature() == *signature).then_some(transition)
}

/// How many consecutive years after `last_year` chrono-tz confirms `rule`
/// (at most `LOOKAHEAD_YEARS`).
fn confirmed_years_after(tz: Tz, signature: &Signature, rule: DayRule, last_year: i32) -> i32 {
    (1..=LOOKAHEAD_YEARS)
        .take_while(|ahead| predicted(tz, signature, rule, last_year + ahead).is_some())
        .fold(0, |count, _| count + 1)
}

/// One STANDARD or DAYLIGHT component: a single onset, or a yearly run of
/// onsets in consecutive years described by `rule`.
#[derive(Debug)]
struct Observance {
    /// Never empty; sorted; one per year when `rule` is set.
    onsets: Vec<Transition>,
    rule: Option<DayRule>,
    /// The rule still holds after the window: no UNTIL.
    open_ended: bool,
}

impl Observance {
    fn one_off(onset: Transition) -> Self {
        Observance {
            onsets: vec![onset],
            rule: None,
            open_ended: false,
        }
    }

    fn first_onset(&self) -> i64 {
        self.onsets.first().map_or(i64::MIN, |t| t.at)
    }

    /// If `previous` is this observance's onset one year before its first,
    /// the rule that covers both.
    fn rule_with_previous(&self, previous: &Transition) -> Option<DayRule> {
        let first = self.onsets.first()?;
        let date = previous.wall().date();
        if first.signature() != previous.signature() || first.wall().year() != date.year() + 1 {
            return None;
        }
        match self.rule {
            Some(rule) => rule.matches(date).then_some(rule),
            None => DayRule::candidates(date)
                .into_iter()
                .find(|rule| rule.matches(first.wall().date())),
        }
    }

    /// Decides UNTIL: a rule is open-ended when chrono-tz confirms its next
    /// onset and that lies beyond the window (we only vouch for the window).
    /// Otherwise it ends with UNTIL at its last onset; a "rule" left with a
    /// single onset is then just a one-off.
    fn decide_end(&mut self, tz: Tz, hi: i64) {
        let (Some(rule), Some(last)) = (self.rule, self.onsets.last()) else {
            return;
        };
        let next = predicted(tz, &last.signature(), rule, last.wall().year() + 1);
        self.open_ended = next.is_some_and(|next| next.at > hi);
        if self.onsets.len() == 1 && !self.open_ended {
            self.rule = None;
        }
    }

    fn push_lines(&self, lines: &mut Vec<String>) {
        let (Some(first), Some(last)) = (self.onsets.first(), self.onsets.last()) else {
            return;
        };
        let component = first.kind().component();
        let wall = first.wall();
        lines.push(format!("BEGIN:{component}"));
        lines.push(format!("DTSTART:{}", wall.format("%Y%m%dT%H%M%S")));
        if let Some(rule) = self.rule {
            // RFC 5545: in STANDARD/DAYLIGHT, UNTIL is always UTC. It is
            // inclusive, so it is the instant of the last onset.
            let until = if self.open_ended {
                String::new()
            } else {
                format!(";UNTIL={}", naive_utc(last.at).format("%Y%m%dT%H%M%SZ"))
            };
            lines.push(format!(
                "RRULE:FREQ=YEARLY;BYMONTH={};{}{until}",
                wall.month(),
                rule.rrule_part()
            ));
        }
        lines.push(format!("TZOFFSETFROM:{}", format_offset(first.from.total)));
        lines.push(format!("TZOFFSETTO:{}", format_offset(first.to.total)));
        lines.push(format!("TZNAME:{}", first.to.name));
        lines.push(format!("END:{component}"));
    }
}

/// Groups transitions (sorted by instant) into observances: each transition,
/// in order, starts a run with the rule that extends it over the most
/// consecutive years (ties: more years confirmed after the run, then
/// `DayRule::candidates` order); transitions it takes are not reused.
fn group_yearly(tz: Tz, transitions: &[Transition]) -> Vec<Observance> {
    let mut taken = vec![false; transitions.len()];
    let mut observances = Vec::new();
    for (i, head) in transitions.iter().enumerate() {
        if taken[i] {
            continue;
        }
        let signature = head.signature();
        let head_date = head.wall().date();

        // (rule, member indices, years confirmed after the run)
        let mut best: (Option<DayRule>, Vec<usize>, i32) = (None, vec![i], 0);
        for rule in DayRule::candidates(head_date) {
            let mut members = vec![i];
            let mut year = head_date.year();
            for (j, t) in transitions.iter().enumerate().skip(i + 1) {
                let date = t.wall().date();
                // Wall dates can run a few hours out of order across offsets,
                // hence +2 rather than +1.
                if date.year() > year + 2 {
                    break;
                }
                if !taken[j]
                    && date.year() == year + 1
                    && rule.matches(date)
                    && t.signature() == signature
                {
                    members.push(j);
                    year += 1;
                }
            }
            let ahead = confirmed_years_after(tz, &signature, rule, year);
            if (members.len(), ahead) > (best.1.len(), best.2) {
                best = (Some(rule), members, ahead);
            }
        }

        let (rule, members, _) = best;
        for &j in &members {
            taken[j] = true;
        }
        observances.push(Observance {
            onsets: members.iter().map(|&j| transitions[j].clone()).collect(),
            rule,
            open_ended: false,
        });
    }
    observances
}

/// Extends yearly rules back in time, so that a rule's DTSTART is where the
/// rule really began (`America/New_York`: 2007) rather than wherever the window
/// happened to start, and the output does not change with the span while the
/// same rules hold. Goes one real transition at a time, stopping at the first
/// that no observance continues: every transition from the earliest emitted
/// onset onwards is thus still described, with nothing in between left out.
fn extend_backwards(tz: Tz, observances: &mut [Observance], mut earliest: i64, floor: i64) {
    while let Some(previous) = previous_transition(tz, earliest - 1, floor) {
        let Some((observance, rule)) = observances
            .iter_mut()
            .find_map(|o| o.rule_with_previous(&previous).map(|rule| (o, rule)))
        else {
            break;
        };
        earliest = previous.at;
        observance.rule = Some(rule);
        observance.onsets.insert(0, previous);
    }
}

/// Every transition in `(after, limit]`, in order.
fn transitions_between(tz: Tz, after: i64, limit: i64) -> Vec<Transition> {
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
fn previous_transition(tz: Tz, at_or_before: i64, floor: i64) -> Option<Transition> {
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
fn format_offset(total: i64) -> String {
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
fn naive_utc(secs: i64) -> NaiveDateTime {
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
    use chrono::{Offset as _, TimeZone, Utc};
    use proptest::prelude::*;

    fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
    }

    fn lines_for(tz: Tz, from_year: i32, to_year: i32) -> Vec<String> {
        vtimezone_lines(tz, utc(from_year, 1, 1), utc(to_year, 12, 31))
    }

    // ---- An evaluator for the emitted lines, independent of the module ----

    #[derive(Debug)]
    struct Obs {
        kind: String,
        dtstart: NaiveDateTime,
        from: i64,
        to: i64,
        name: Option<String>,
        rrule: Option<String>,
        rule: Option<Rule>,
    }

    #[derive(Debug)]
    struct Rule {
        month: u32,
        /// (n, weekday) with n in 1..=4 or -1.
        byday: Option<(i32, Weekday)>,
        monthday: Option<u32>,
        until: Option<i64>,
    }

    fn parse_offset(s: &str) -> i64 {
        let sign = match &s[..1] {
            "+" => 1,
            "-" => -1,
            _ => panic!("offset without sign: {s}"),
        };
        let digits = &s[1..];
        assert!(digits.len() == 4 || digits.len() == 6, "bad offset {s}");
        let part = |i: usize| digits[i..i + 2].parse::<i64>().unwrap();
        let secs = if digits.len() == 6 { part(4) } else { 0 };
        sign * (part(0) * 3600 + part(2) * 60 + secs)
    }

    fn parse_weekday(s: &str) -> Weekday {
        match s {
            "MO" => Weekday::Mon,
            "TU" => Weekday::Tue,
            "WE" => Weekday::Wed,
            "TH" => Weekday::Thu,
            "FR" => Weekday::Fri,
            "SA" => Weekday::Sat,
            "SU" => Weekday::Sun,
            _ => panic!("bad weekday {s}"),
        }
    }

    fn parse_rule(value: &str) -> Rule {
        let mut rule = Rule {
            month: 0,
            byday: None,
            monthday: None,
            until: None,
        };
        let mut freq = None;
        for part in value.split(';') {
            let (key, val) = part.split_once('=').unwrap();
            match key {
                "FREQ" => freq = Some(val.to_owned()),
                "BYMONTH" => rule.month = val.parse().unwrap(),
                "BYDAY" => {
                    let (n, wd) = val.split_at(val.len() - 2);
                    rule.byday = Some((n.parse().unwrap(), parse_weekday(wd)));
                }
                "BYMONTHDAY" => rule.monthday = Some(val.parse().unwrap()),
                "UNTIL" => {
                    let until = NaiveDateTime::parse_from_str(val, "%Y%m%dT%H%M%SZ")
                        .expect("UNTIL must be UTC");
                    rule.until = Some(until.and_utc().timestamp());
                }
                _ => panic!("unexpected RRULE part {part}"),
            }
        }
        assert_eq!(freq.as_deref(), Some("YEARLY"));
        assert!((1..=12).contains(&rule.month), "BYMONTH missing: {value}");
        assert!(rule.byday.is_some() != rule.monthday.is_some(), "{value}");
        rule
    }

    fn parse(lines: &[String]) -> Vec<Obs> {
        assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VTIMEZONE"));
        assert_eq!(lines.last().map(String::as_str), Some("END:VTIMEZONE"));
        assert!(lines[1].starts_with("TZID:"));
        let mut out = Vec::new();
        let mut current: Option<(String, Vec<(String, String)>)> = None;
        for line in &lines[2..lines.len() - 1] {
            let (key, value) = line.split_once(':').unwrap();
            match (key, current.as_mut()) {
                ("BEGIN", None) => current = Some((value.to_owned(), Vec::new())),
                ("END", Some((kind, props))) => {
                    assert_eq!(value, kind);
                    let get = |k: &str| {
                        let found: Vec<_> = props.iter().filter(|(pk, _)| pk == k).collect();
                        assert!(found.len() <= 1, "{k} repeated");
                        found.first().map(|(_, v)| v.clone())
                    };
                    let rrule = get("RRULE");
                    out.push(Obs {
                        kind: kind.clone(),
                        dtstart: NaiveDateTime::parse_from_str(
                            &get("DTSTART").expect("DTSTART"),
                            "%Y%m%dT%H%M%S",
                        )
                        .unwrap(),
                        from: parse_offset(&get("TZOFFSETFROM").expect("TZOFFSETFROM")),
                        to: parse_offset(&get("TZOFFSETTO").expect("TZOFFSETTO")),
                        name: get("TZNAME"),
                        rule: rrule.as_deref().map(parse_rule),
                        rrule,
                    });
                    current = None;
                }
                (_, Some((_, props))) => props.push((key.to_owned(), value.to_owned())),
                _ => panic!("unexpected line {line}"),
            }
        }
        assert!(current.is_none());
        out
    }

    /// Day of a BYDAY/BYMONTHDAY rule, by listing the month's days.
    fn rule_date(rule: &Rule, year: i32) -> Option<NaiveDate> {
        let days: Vec<NaiveDate> = (1..=31)
            .filter_map(|d| NaiveDate::from_ymd_opt(year, rule.month, d))
            .collect();
        if let Some(day) = rule.monthday {
            return days.into_iter().find(|d| d.day() == day);
        }
        let (n, weekday) = rule.byday?;
        let matching: Vec<NaiveDate> = days
            .into_iter()
            .filter(|d| d.weekday() == weekday)
            .collect();
        if n == -1 {
            matching.last().copied()
        } else {
            matching.get(usize::try_from(n - 1).ok()?).copied()
        }
    }

    /// UTC onsets of an observance through `max_year`, with the wall-clock
    /// times they were generated from.
    fn onsets(obs: &Obs, max_year: i32) -> Vec<(i64, NaiveDateTime)> {
        let to_utc = |wall: NaiveDateTime| wall.and_utc().timestamp() - obs.from;
        let Some(rule) = &obs.rule else {
            return vec![(to_utc(obs.dtstart), obs.dtstart)];
        };
        let mut out = Vec::new();
        for year in obs.dtstart.year()..=max_year {
            let Some(date) = rule_date(rule, year) else {
                continue;
            };
            let wall = date.and_time(obs.dtstart.time());
            if wall < obs.dtstart {
                continue;
            }
            let at = to_utc(wall);
            if rule.until.is_some_and(|until| at > until) {
                break;
            }
            out.push((at, wall));
        }
        // RFC 5545: DTSTART must be the first instance of its RRULE.
        assert_eq!(out.first().map(|o| o.1), Some(obs.dtstart), "{obs:?}");
        out
    }

    /// The VTIMEZONE's offset and name for instants: latest onset wins.
    struct Implied {
        onsets: Vec<(i64, i64, Option<String>)>,
    }

    impl Implied {
        fn new(obs: &[Obs], max_year: i32) -> Self {
            let mut onsets: Vec<_> = obs
                .iter()
                .flat_map(|o| {
                    onsets(o, max_year)
                        .into_iter()
                        .map(|(at, _)| (at, o.to, o.name.clone()))
                })
                .collect();
            onsets.sort_by_key(|o| o.0);
            for pair in onsets.windows(2) {
                assert_ne!(pair[0].0, pair[1].0, "two onsets at one instant");
            }
            Implied { onsets }
        }

        fn at(&self, t: i64) -> (i64, Option<String>) {
            let i = self.onsets.partition_point(|o| o.0 <= t);
            assert!(i > 0, "instant {t} precedes every onset");
            (self.onsets[i - 1].1, self.onsets[i - 1].2.clone())
        }
    }

    /// chrono-tz's offset and name, through `Offset::fix` rather than the
    /// components the module uses.
    fn chrono_at(tz: Tz, t: i64) -> (i64, String) {
        let offset =
            tz.offset_from_utc_datetime(&DateTime::from_timestamp(t, 0).unwrap().naive_utc());
        let total = i64::from(offset.fix().local_minus_utc());
        let name = match offset.abbreviation() {
            Some(a) if !a.starts_with(['+', '-']) => a.to_owned(),
            _ => {
                let (sign, abs) = if total < 0 {
                    ('-', -total)
                } else {
                    ('+', total)
                };
                let mut s = format!("{sign}{:02}{:02}", abs / 3600, abs / 60 % 60);
                if abs % 60 != 0 {
                    s.push_str(&format!("{:02}", abs % 60));
                }
                s
            }
        };
        (total, name)
    }

    /// Transitions of the total offset in `[from, to]`: an hourly scan, then
    /// minute and second scans inside the hour.
    fn scanned_transitions(tz: Tz, from: i64, to: i64) -> Vec<i64> {
        let off = |t: i64| chrono_at(tz, t).0;
        let mut found = Vec::new();
        let mut t = from;
        while t < to {
            if off(t) != off(t + 3600) {
                let minute = (0..=60)
                    .map(|m| t + m * 60)
                    .find(|&m| off(m) != off(t))
                    .unwrap();
                let second = (0..=60)
                    .map(|s| minute - 60 + s)
                    .find(|&s| off(s) != off(t))
                    .unwrap();
                found.push(second);
            }
            t += 3600;
        }
        found
    }

    /// Checks the VTIMEZONE for `[start, end]` against chrono-tz at every
    /// transition (±1 s) and at a stride of instants; returns how many
    /// transitions were checked.
    fn check_span(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> usize {
        let lines = vtimezone_lines(tz, start, end);
        let obs = parse(&lines);
        let implied = Implied::new(&obs, end.year() + 3);
        let (from, to) = (start.timestamp(), end.timestamp());
        let check = |t: i64| {
            let (offset, name) = implied.at(t);
            let (want_offset, want_name) = chrono_at(tz, t);
            assert_eq!(
                offset,
                want_offset,
                "{tz} offset at {t}\n{}",
                lines.join("\n")
            );
            assert_eq!(
                name.as_deref(),
                Some(want_name.as_str()),
                "{tz} name at {t}"
            );
        };
        let transitions = scanned_transitions(tz, from, to);
        for &t in &transitions {
            for dt in [-1, 0, 1] {
                check(t + dt);
            }
        }
        // A stride that drifts through every time of day.
        let mut t = from;
        while t <= to {
            check(t);
            t += 6 * 3600 + 1234;
        }
        check(to);
        transitions.len()
    }

    const ZONES: [Tz; 7] = [
        chrono_tz::Asia::Tokyo,
        chrono_tz::America::New_York,
        chrono_tz::Europe::London,
        chrono_tz::Europe::Dublin,
        chrono_tz::Australia::Lord_Howe,
        chrono_tz::America::Sao_Paulo,
        chrono_tz::Australia::Sydney,
    ];

    fn observance_blocks(lines: &[String]) -> Vec<&[String]> {
        let mut blocks = Vec::new();
        let mut begin = None;
        for (i, line) in lines.iter().enumerate() {
            match line.as_str() {
                "BEGIN:STANDARD" | "BEGIN:DAYLIGHT" => begin = Some(i),
                "END:STANDARD" | "END:DAYLIGHT" => {
                    blocks.push(&lines[begin.take().unwrap()..=i]);
                }
                _ => {}
            }
        }
        blocks
    }

    // ---- Tests ----

    #[test]
    fn tokyo_is_one_fixed_standard() {
        let lines = lines_for(chrono_tz::Asia::Tokyo, 2024, 2026);
        assert_eq!(
            lines,
            [
                "BEGIN:VTIMEZONE",
                "TZID:Asia/Tokyo",
                "BEGIN:STANDARD",
                "DTSTART:19700101T000000",
                "TZOFFSETFROM:+0900",
                "TZOFFSETTO:+0900",
                "TZNAME:JST",
                "END:STANDARD",
                "END:VTIMEZONE",
            ]
        );
    }

    #[test]
    fn new_york_is_one_yearly_pair() {
        let lines = lines_for(chrono_tz::America::New_York, 2020, 2022);
        let obs = parse(&lines);
        assert_eq!(obs.len(), 2, "{lines:#?}");
        let daylight = obs.iter().find(|o| o.kind == "DAYLIGHT").unwrap();
        let standard = obs.iter().find(|o| o.kind == "STANDARD").unwrap();
        assert_eq!(
            daylight.rrule.as_deref(),
            Some("FREQ=YEARLY;BYMONTH=3;BYDAY=2SU")
        );
        assert_eq!(
            standard.rrule.as_deref(),
            Some("FREQ=YEARLY;BYMONTH=11;BYDAY=1SU")
        );
        assert!(daylight.dtstart.year() <= 2019 && standard.dtstart.year() <= 2019);
        // The rule's real start, found by extending backwards.
        assert_eq!(daylight.dtstart.to_string(), "2007-03-11 02:00:00");
        assert_eq!(standard.dtstart.to_string(), "2007-11-04 02:00:00");
        assert_eq!((daylight.from, daylight.to), (-5 * 3600, -4 * 3600));
        assert_eq!((standard.from, standard.to), (-4 * 3600, -5 * 3600));
        assert_eq!(daylight.name.as_deref(), Some("EDT"));
        assert_eq!(standard.name.as_deref(), Some("EST"));
        assert!(lines.contains(&"DTSTART:20070311T020000".to_owned()));
    }

    #[test]
    fn sao_paulo_era_ends_with_until() {
        let lines = lines_for(chrono_tz::America::Sao_Paulo, 2017, 2021);
        let obs = parse(&lines);
        // Every yearly rule ends with UNTIL, none after the 2019 abolition.
        for o in &obs {
            if let Some(rule) = &o.rule {
                let until = rule.until.expect("Sao Paulo rules must end");
                assert!(until <= utc(2019, 3, 1).timestamp(), "{lines:#?}");
            }
        }
        // The last onset is the end of DST in February 2019, to -03 for good.
        let implied = Implied::new(&obs, 2030);
        let &(last_at, last_to, ref last_name) = implied.onsets.last().unwrap();
        assert_eq!(
            DateTime::from_timestamp(last_at, 0).unwrap(),
            Utc.with_ymd_and_hms(2019, 2, 17, 2, 0, 0).unwrap()
        );
        assert_eq!((last_to, last_name.as_deref()), (-3 * 3600, Some("-0300")));
        assert!(
            obs.iter()
                .all(|o| o.kind == "STANDARD" || o.to == -2 * 3600)
        );
    }

    #[test]
    fn lord_howe_has_half_hour_dst_and_numeric_names() {
        let lines = lines_for(chrono_tz::Australia::Lord_Howe, 2020, 2025);
        let obs = parse(&lines);
        assert_eq!(obs.len(), 2, "{lines:#?}");
        for o in &obs {
            let expected = match o.kind.as_str() {
                "DAYLIGHT" => (37_800, 39_600, "+1100", "FREQ=YEARLY;BYMONTH=10;BYDAY=1SU"),
                _ => (39_600, 37_800, "+1030", "FREQ=YEARLY;BYMONTH=4;BYDAY=1SU"),
            };
            assert_eq!(
                (
                    o.from,
                    o.to,
                    o.name.as_deref().unwrap(),
                    o.rrule.as_deref().unwrap()
                ),
                expected
            );
        }
    }

    #[test]
    fn dublin_summer_is_daylight_despite_negative_dst() {
        let lines = lines_for(chrono_tz::Europe::Dublin, 2020, 2025);
        let obs = parse(&lines);
        assert_eq!(obs.len(), 2, "{lines:#?}");
        for o in &obs {
            match o.kind.as_str() {
                "DAYLIGHT" => {
                    assert_eq!((o.to, o.name.as_deref()), (3600, Some("IST")));
                    assert_eq!(o.rrule.as_deref(), Some("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"));
                }
                _ => {
                    assert_eq!((o.to, o.name.as_deref()), (0, Some("GMT")));
                    assert_eq!(
                        o.rrule.as_deref(),
                        Some("FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
                    );
                }
            }
        }
    }

    #[test]
    fn sydney_and_london_rules() {
        let sydney = lines_for(chrono_tz::Australia::Sydney, 2015, 2025);
        for expected in [
            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU",
            "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU",
            "TZNAME:AEDT",
            "TZNAME:AEST",
        ] {
            assert!(
                sydney.iter().any(|l| l == expected),
                "{expected}: {sydney:#?}"
            );
        }
        let london = lines_for(chrono_tz::Europe::London, 2015, 2025);
        assert_eq!(parse(&london).len(), 2, "{london:#?}");
        assert!(
            london
                .iter()
                .any(|l| l == "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")
        );
        assert!(
            london
                .iter()
                .any(|l| l == "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
        );
    }

    #[test]
    fn implied_offsets_match_chrono_tz() {
        for tz in ZONES {
            let checked = check_span(tz, utc(2015, 1, 1), utc(2025, 12, 31));
            let expected = if tz == chrono_tz::Asia::Tokyo {
                0
            } else if tz == chrono_tz::America::Sao_Paulo {
                9 // DST ends Feb 2015 ..= Feb 2019 (5), starts Oct 2015 ..= Nov 2018 (4)
            } else {
                22
            };
            assert_eq!(checked, expected, "{tz}");
        }
        assert_eq!(
            check_span(
                chrono_tz::America::Sao_Paulo,
                utc(2017, 1, 1),
                utc(2021, 12, 31)
            ),
            5
        );
        // Spans across rule changes: US 2007, UK before 1996, Brazil's many eras.
        for tz in ZONES {
            check_span(tz, utc(1995, 6, 1), utc(2009, 6, 1));
        }
    }

    #[test]
    fn every_observance_is_complete_and_there_is_no_rdate() {
        for tz in ZONES {
            for (from, to) in [(2015, 2025), (2017, 2021), (1990, 2000), (2030, 2031)] {
                let lines = lines_for(tz, from, to);
                assert!(lines.iter().all(|l| !l.contains("RDATE")), "{tz}");
                let blocks = observance_blocks(&lines);
                assert!(!blocks.is_empty());
                for block in blocks {
                    for property in ["DTSTART:", "TZOFFSETFROM:", "TZOFFSETTO:", "TZNAME:"] {
                        let count = block.iter().filter(|l| l.starts_with(property)).count();
                        assert_eq!(count, 1, "{property} in {block:#?}");
                    }
                }
            }
        }
    }

    #[test]
    fn output_is_deterministic_and_stable_within_an_era() {
        let ny = chrono_tz::America::New_York;
        assert_eq!(lines_for(ny, 2020, 2022), lines_for(ny, 2020, 2022));
        // The same rules describe 2012..2014 and 2020..2022.
        assert_eq!(lines_for(ny, 2012, 2014), lines_for(ny, 2020, 2022));
    }

    /// The test evaluator's RRULE expansion agrees with the `rrule` crate's.
    /// Wall-clock times are expanded as if UTC, so no zone is involved.
    #[test]
    fn rrule_expansion_agrees_with_rrule_crate() {
        for tz in ZONES {
            let obs = parse(&lines_for(tz, 2000, 2025));
            for o in obs.iter().filter(|o| o.rule.is_some()) {
                let ours: Vec<NaiveDateTime> =
                    onsets(o, 2030).into_iter().map(|(_, wall)| wall).collect();
                let mut rrule = o.rrule.clone().unwrap();
                if let Some(until) = o.rule.as_ref().and_then(|r| r.until) {
                    // UNTIL (UTC) as a wall-clock time in TZOFFSETFROM.
                    let wall = DateTime::from_timestamp(until + o.from, 0).unwrap();
                    let (head, _) = rrule.split_once(";UNTIL=").unwrap();
                    rrule = format!("{head};UNTIL={}", wall.format("%Y%m%dT%H%M%SZ"));
                }
                let text = format!(
                    "DTSTART:{}Z\nRRULE:{rrule}",
                    o.dtstart.format("%Y%m%dT%H%M%S")
                );
                let set: rrule::RRuleSet = text.parse().unwrap();
                let before = rrule::Tz::UTC
                    .with_ymd_and_hms(2030, 12, 31, 23, 59, 59)
                    .unwrap();
                let theirs: Vec<NaiveDateTime> = set
                    .before(before)
                    .all(u16::MAX)
                    .dates
                    .into_iter()
                    .map(|d| d.naive_utc())
                    .collect();
                assert_eq!(ours, theirs, "{tz} {text}");
            }
        }
    }

    #[test]
    fn offsets_are_formatted_per_rfc_5545() {
        assert_eq!(format_offset(0), "+0000");
        assert_eq!(format_offset(-5 * 3600), "-0500");
        assert_eq!(format_offset(37_800), "+1030");
        assert_eq!(format_offset(-(25 * 60 + 21)), "-002521");
        assert_eq!(format_offset(9 * 3600 + 18 * 60 + 59), "+091859");
    }

    #[test]
    fn day_rules() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // 2021-03-28: last and 4th Sunday of March.
        assert_eq!(
            DayRule::candidates(date(2021, 3, 28)),
            [
                DayRule::Last(Weekday::Sun),
                DayRule::Nth(4, Weekday::Sun),
                DayRule::MonthDay(28)
            ]
        );
        // 2020-03-29: only last, 5th is not allowed.
        assert_eq!(
            DayRule::candidates(date(2020, 3, 29)),
            [DayRule::Last(Weekday::Sun), DayRule::MonthDay(29)]
        );
        assert_eq!(
            DayRule::Last(Weekday::Sun).date_in(2024, 10),
            Some(date(2024, 10, 27))
        );
        assert_eq!(
            DayRule::Nth(2, Weekday::Sun).date_in(2024, 3),
            Some(date(2024, 3, 10))
        );
        assert_eq!(DayRule::MonthDay(31).date_in(2024, 4), None);
    }

    #[test]
    fn clamp_bounds_are_the_documented_dates() {
        assert_eq!(DateTime::from_timestamp(MIN_SECS, 0).unwrap(), utc(1, 1, 1));
        assert_eq!(
            DateTime::from_timestamp(MAX_SECS, 0).unwrap(),
            utc(9999, 1, 1)
        );
        // Extreme spans do not panic.
        let lines = vtimezone_lines(
            chrono_tz::Europe::London,
            DateTime::<Utc>::MIN_UTC,
            DateTime::<Utc>::MAX_UTC,
        );
        assert!(lines.len() > 2);
    }

    #[test]
    fn reversed_span_is_the_same_span() {
        let tz = chrono_tz::Europe::London;
        assert_eq!(
            vtimezone_lines(tz, utc(2025, 1, 1), utc(2020, 1, 1)),
            vtimezone_lines(tz, utc(2020, 1, 1), utc(2025, 1, 1))
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Any zone in chrono-tz, any span of up to three years between
        /// 1971 and 2095: the VTIMEZONE implies chrono-tz's offsets.
        #[test]
        fn any_zone_any_span(
            zone in 0..chrono_tz::TZ_VARIANTS.len(),
            start in utc(1971, 1, 1).timestamp()..utc(2095, 1, 1).timestamp(),
            length in 0i64..3 * 366 * SECS_PER_DAY,
        ) {
            let tz = chrono_tz::TZ_VARIANTS[zone];
            let start = DateTime::from_timestamp(start, 0).unwrap();
            let end = DateTime::from_timestamp(start.timestamp() + length, 0).unwrap();
            check_span(tz, start, end);
        }
    }
}
