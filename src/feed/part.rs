//! One event series: a window's slot in one group (or in `all`), as the
//! events a feed holds: one per occurrence, or a series (RRULE, EXDATEs)
//! with overrides for the occurrences a client would get wrong, and events
//! of their own for occurrences whose rule start is in a spring-forward gap.

use super::{FeedEvent, Recurrence, RuleEnd};
use crate::expand::{self, Occurrence, WindowOccurrences, to_utc};
use crate::schedule::model::minutes_into;
use crate::schedule::model::{Calendar, RecurrenceEnd, Status, SubRange, Timing, Window};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// One event series: a window's slot in one group (or in `all`).
pub(super) struct Part<'a> {
    pub calendar: &'a Calendar,
    pub window: &'a Window,
    /// The window's occurrences and rule dates, from the build's table.
    pub expanded: &'a WindowOccurrences<'a>,
    pub group_id: &'a str,
    pub range: Option<SubRange>,
}

pub(super) type Compose<'c> =
    dyn Fn(&Occurrence, (NaiveDateTime, NaiveDateTime)) -> (String, String) + 'c;

impl Part<'_> {
    /// Stable, derived only from ids: `<window>.<group>[.<HHMM-HHMM>]@<calendar>.maintcal`;
    /// see [`Part::occurrence_uid`] for the one exception.
    fn uid(&self) -> String {
        let part = self
            .range
            .map(|r| format!(".{}-{}", r.start.format("%H%M"), r.end.format("%H%M")))
            .unwrap_or_default();
        format!(
            "{}.{}{}@{}.maintcal",
            self.window.id, self.group_id, part, self.calendar.id
        )
    }

    /// The UID of one occurrence's own event, for a slot that cannot be a
    /// series (see [`Part::starts_after_rule_date`]) or an occurrence whose
    /// rule start is in a gap: the series UID with the rule's date,
    /// `<window>.<group>[.<HHMM-HHMM>].<YYYYMMDD>@<calendar>.maintcal`.
    fn occurrence_uid(&self, rule_date: NaiveDate) -> String {
        let uid = self.uid();
        let (local, domain) = uid.split_once('@').unwrap_or((&uid, ""));
        format!("{local}.{}@{domain}", rule_date.format("%Y%m%d"))
    }

    /// Whether this slot of a recurring window starts on the day after the
    /// rule's date: a service's own hours after midnight in a window that
    /// crosses it. No RRULE can say "the day after the last Saturday" (the
    /// day after 2021-07-31, the last Saturday of July, is the first Sunday
    /// of August), and a DTSTART that the rule does not give makes the
    /// recurrence set undefined (RFC 5545 §3.8.5.3). Such a slot is written
    /// as one event per occurrence instead.
    fn starts_after_rule_date(&self, first_date: NaiveDate) -> bool {
        let (start, _) = expand::local_span(first_date, self.window.hours);
        let slot_start = match self.range {
            None => start,
            Some(range) => {
                start + chrono::Duration::minutes(minutes_into(range.start, self.window.hours))
            }
        };
        slot_start.date() != first_date
    }

    pub(super) fn events(&self, opaque: bool, compose: &Compose) -> Vec<FeedEvent> {
        let tz = self.calendar.timezone;
        let occurrences = &self.expanded.occurrences;
        let reminders = self.window.remind.as_ref().unwrap_or(&self.calendar.remind);
        // The event of one occurrence, with the given instants.
        let event_at = |occurrence: &Occurrence, instants: (DateTime<Utc>, DateTime<Utc>)| {
            let times = occurrence.slot_times(self.range);
            let (summary, description) = compose(occurrence, times);
            let (revised, revision) = match occurrence.change {
                Some(change) => (change.revised, change.revision),
                None => (self.window.revised, self.window.revision),
            };
            FeedEvent {
                uid: self.uid(),
                timezone: tz,
                start: times.0,
                end: times.1,
                instants,
                recurrence: None,
                recurrence_id: None,
                summary,
                description,
                status: occurrence.status,
                opaque,
                // Validation keeps the sum within SEQUENCE's range; never wrap.
                sequence: self.calendar.revision.saturating_add(revision),
                revised: self.calendar.revised.map_or(revised, |c| c.max(revised)),
                url: self.calendar.url.clone(),
                page: self.calendar.window_pages.then(|| {
                    format!(
                        "{}#{}",
                        super::window_page(&self.calendar.id, &self.window.id),
                        super::occurrence_anchor(occurrence.rule_date)
                    )
                }),
                first_instant: instants.0,
                last_instant: instants.1,
                // No alarm for a window that will not happen.
                reminders: if occurrence.status == Status::Cancelled {
                    Vec::new()
                } else {
                    reminders.to_vec()
                },
            }
        };
        // `None` where the occurrence takes no time (its hours do not exist
        // on that day; see `expand::span_instants`).
        let event = |occurrence: &Occurrence| {
            let instants = occurrence.instants(self.range)?;
            Some(event_at(occurrence, instants))
        };
        let Timing::Recurring(rule) = &self.window.timing else {
            return occurrences.iter().filter_map(event).collect();
        };
        // The series: DTSTART is the first date the rule gives, with the
        // window's own hours, whether or not that date is skipped or changed
        // (EXDATE and RECURRENCE-ID then take care of it).
        let Some((first_date, last_date)) = self.expanded.rule_span else {
            return Vec::new();
        };
        if self.starts_after_rule_date(first_date) {
            return occurrences
                .iter()
                .filter_map(|occurrence| {
                    Some(FeedEvent {
                        uid: self.occurrence_uid(occurrence.rule_date),
                        ..event(occurrence)?
                    })
                })
                .collect();
        }
        let plain = |date| Occurrence {
            calendar: self.calendar,
            window: self.window,
            rule_date: date,
            hours: self.window.hours,
            start: expand::local_span(date, self.window.hours).0,
            end: expand::local_span(date, self.window.hours).1,
            status: self.window.status,
            change: None,
        };
        let rule_start = |date| plain(date).slot_times(self.range).0;
        // DTSTART and DTEND give every instance its exact duration (RFC 5545
        // §3.8.5.3): the first one's, unless its hours are swallowed by a
        // spring-forward gap; then the usual wall-clock length.
        let first = plain(first_date);
        let (first_start, first_end) = first.slot_times(self.range);
        let dtstart_instant = to_utc(tz, first_start);
        let dtend_instant = match first.instants(self.range) {
            Some((start, end)) if start == dtstart_instant => end,
            _ => dtstart_instant + (first_end - first_start),
        };
        let mut master = event_at(&first, (dtstart_instant, dtend_instant));
        // The series stands for every occurrence: the page, not one anchor.
        master.page = (self.calendar.window_pages)
            .then(|| super::window_page(&self.calendar.id, &self.window.id));
        let duration = dtend_instant - dtstart_instant;
        let end = match rule.end {
            RecurrenceEnd::Until(_) => {
                RuleEnd::Until(super::rule_end::until(tz, rule_start(last_date)))
            }
            RecurrenceEnd::Count(count) => RuleEnd::Count(count),
        };
        let mut exdates: Vec<NaiveDateTime> =
            rule.skips.iter().map(|&date| rule_start(date)).collect();
        // The span the VTIMEZONE must cover: every instance the rule gives,
        // as a client computes it (skipped ones included: a client still
        // matches them with their EXDATE), and wherever a change moved one.
        for date in [first_date, last_date] {
            let start = to_utc(tz, rule_start(date));
            master.first_instant = master.first_instant.min(start);
            master.last_instant = master.last_instant.max(start + duration);
        }
        let mut events = Vec::new();
        // Overrides: a changed occurrence; one whose end a client would
        // compute differently (RFC 5545 keeps the exact duration across a
        // DST change; the schedule keeps the local end time); and one whose
        // start the rule gives in a repeated hour, which clients read
        // differently (see `expand::wire_instant`): the override states it
        // in a form that they cannot. Likewise one that spans a change of
        // the clocks, even where its end comes out right: ical.js adds the
        // exact duration to the start in wall-clock time (22:45 GMT + 2h30
        // on 2024-03-30 in London is 01:15, in the gap, read as BST: an hour
        // early); and one whose declared end is in a repeated hour (00:45-
        // 01:20 on a fall-back night: ical.js reads the 01:20 it computes
        // as the second one, an hour late). When DTSTART itself is such a
        // time, clients disagree on the exact duration DTEND gives (ical.js
        // reads the gap with the later offset; recurring-ical-events
        // subtracts wall clocks), so then every instance is an override. An
        // occurrence that takes no time is excluded.
        let dtstart_single = expand::is_single(tz, first_start);
        for occurrence in occurrences {
            let rule_value = rule_start(occurrence.rule_date);
            let client_start = to_utc(tz, rule_value);
            // Instants first: most occurrences need no override, and
            // composing their text only to drop it was most of the planning
            // time.
            let Some(instants) = occurrence.instants(self.range) else {
                exdates.push(rule_value);
                continue;
            };
            master.first_instant = master.first_instant.min(instants.0);
            master.last_instant = master.last_instant.max(instants.1);
            // A rule start in a spring-forward gap names a local time that
            // does not exist, and clients resolve it three ways (forward as
            // RFC 5545 says, with the offset after the gap, or not at all),
            // so a RECURRENCE-ID keyed by it may match nothing and leave the
            // series' own, wrong instance showing. The instance is excluded
            // instead (an EXDATE that each client resolves as it resolves
            // the instance, or that matches nothing where the client drops
            // it) and the occurrence is an event of its own.
            if expand::in_gap(tz, rule_value) {
                exdates.push(rule_value);
                events.push(FeedEvent {
                    uid: self.occurrence_uid(occurrence.rule_date),
                    ..event_at(occurrence, instants)
                });
                continue;
            }
            let declared_end = occurrence.slot_times(self.range).1;
            let differs = occurrence.change.is_some()
                || !dtstart_single
                || !expand::is_single(tz, rule_value)
                || !expand::is_single(tz, declared_end)
                || expand::spans_clock_change(tz, instants.0, instants.1)
                || instants != (client_start, client_start + duration);
            if differs {
                let mut instance = event_at(occurrence, instants);
                instance.recurrence_id = Some(rule_value);
                events.push(instance);
            }
        }
        exdates.sort();
        master.recurrence = Some(Recurrence {
            interval: rule.interval,
            pattern: rule.pattern.clone(),
            end,
            exdates,
        });
        events.insert(0, master);
        events
    }
}
