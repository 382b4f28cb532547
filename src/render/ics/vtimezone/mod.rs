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

mod observance;
mod rules;
mod transitions;

use chrono::DateTime;
use chrono_tz::Tz;
use observance::{Observance, extend_backwards, group_yearly};
use transitions::{Offset, Transition, previous_transition, transitions_between};

const SECS_PER_DAY: i64 = 86_400;

/// Coverage added on each side of the caller's span: one year (366 days, so a
/// leap year is covered too). It keeps events near the span's ends, and
/// clients that expand a little beyond them, on defined offsets, and it puts
/// at least two onsets of each yearly rule inside the searched window.
const MARGIN_SECS: i64 = 366 * SECS_PER_DAY;

/// Backward searches (for the transition in force at the window's start, and
/// for earlier onsets of a yearly rule) stop at 1970-01-01T00:00:00Z. That is
/// the conventional epoch for VTIMEZONE observances; before it, tzdata is
/// mostly local mean time with seconds-precise offsets that no feed needs.
const FLOOR_SECS: i64 = 0;

/// The caller's instants are clamped to years 1..=9998 (0001-01-01T00:00:00Z
/// and 9999-01-01T00:00:00Z), so that every instant derived from them (margin,
/// offsets, look-ahead) stays far inside what chrono can represent.
const MIN_SECS: i64 = -62_135_596_800;
const MAX_SECS: i64 = 253_370_764_800;

/// Content lines (unfolded, no CRLF, no escaping needed) from `BEGIN:VTIMEZONE` to `END:VTIMEZONE`.
/// (A build uses [`zone`], which also gives the zone's last era.)
#[cfg(any(test, feature = "internals"))]
pub fn lines(
    tz: Tz,
    span_start: DateTime<chrono::Utc>,
    span_end: DateTime<chrono::Utc>,
) -> Vec<String> {
    zone(tz, span_start, span_end).0
}

/// [`lines`], and where the zone's last era begins in them: the first
/// instant from which Outlook's reading of the VTIMEZONE (one yearly
/// STANDARD/DAYLIGHT pair) gives every offset exactly. Outlook desktop
/// reduces the VTIMEZONE to one pair (MS-STANOICAL: it "approximates" it
/// from DTSTART, RRULE and the offsets); which pair it takes when there are
/// several is not documented, so the era is where every observance but the
/// open-ended ones has had its last onset and every open-ended one its
/// first. Before it, the offsets are those of an earlier era, which a
/// client reading one pair gets wrong: such times must be written in UTC.
/// `None` when the zone has no transition near the span (one offset).
pub fn zone(
    tz: Tz,
    span_start: DateTime<chrono::Utc>,
    span_end: DateTime<chrono::Utc>,
) -> (Vec<String>, Option<DateTime<chrono::Utc>>) {
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
    let era = match observances.as_slice() {
        [] | [_] => None,
        many => many
            .iter()
            .filter_map(|o| {
                let onset = if o.open_ended {
                    o.onsets.first()
                } else {
                    o.onsets.last()
                };
                onset.map(|t| t.at)
            })
            .max()
            .and_then(|secs| DateTime::from_timestamp(secs, 0)),
    };
    (lines, era)
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

#[cfg(test)]
mod tests;
