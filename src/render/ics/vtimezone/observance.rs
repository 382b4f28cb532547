//! Observances: STANDARD and DAYLIGHT components, each one onset or a
//! yearly run of onsets under one rule, grouped from the transitions,
//! extended back to where their rule began, and written as content lines.

use super::rules::{DayRule, confirmed_years_after, predicted};
use super::transitions::{Transition, format_offset, naive_utc, previous_transition};
use chrono::Datelike;
use chrono_tz::Tz;

/// One STANDARD or DAYLIGHT component: a single onset, or a yearly run of
/// onsets in consecutive years described by `rule`.
#[derive(Debug)]
pub(super) struct Observance {
    /// Never empty; sorted; one per year when `rule` is set.
    pub(super) onsets: Vec<Transition>,
    pub(super) rule: Option<DayRule>,
    /// The rule still holds after the window: no UNTIL.
    pub(super) open_ended: bool,
}

impl Observance {
    pub(super) fn one_off(onset: Transition) -> Self {
        Observance {
            onsets: vec![onset],
            rule: None,
            open_ended: false,
        }
    }

    pub(super) fn first_onset(&self) -> i64 {
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
    pub(super) fn decide_end(&mut self, tz: Tz, hi: i64) {
        let (Some(rule), Some(last)) = (self.rule, self.onsets.last()) else {
            return;
        };
        let next = predicted(tz, &last.signature(), rule, last.wall().year() + 1);
        self.open_ended = next.is_some_and(|next| next.at > hi);
        if self.onsets.len() == 1 && !self.open_ended {
            self.rule = None;
        }
    }

    pub(super) fn push_lines(&self, lines: &mut Vec<String>) {
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
pub(super) fn group_yearly(tz: Tz, transitions: &[Transition]) -> Vec<Observance> {
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
pub(super) fn extend_backwards(
    tz: Tz,
    observances: &mut [Observance],
    mut earliest: i64,
    floor: i64,
) {
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
