//! Stage 3a: decide what each feed contains, independent of the file format.
//! One feed per service group plus `all`; one event per window, group and
//! time range (recurring windows as one event with a rule, plus overrides for
//! occurrences that differ). Summaries and descriptions are composed here, in
//! the calendar's language, so every output format says the same thing.

use crate::expand::{self, Occurrence, Slot, to_utc};
use crate::render::wire::weekday_code;
use crate::schedule::model::{
    Calendar, Group, ImpactKind, Language, RecurrenceEnd, Schedules, ServiceImpact, Status,
    SubRange, Timing, Window,
};
use crate::schedule::validate::minutes_into;
use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The id and file stem of the feed that holds every group.
pub const ALL_FEED_ID: &str = "all";

/// A calendar feed, ready to be rendered in any format.
#[derive(Debug, Clone)]
pub struct Feed {
    /// Group id, or [`ALL_FEED_ID`].
    pub id: String,
    pub name: String,
    pub description: String,
    /// The zone named by X-WR-TIMEZONE.
    pub timezone: Tz,
    pub refresh_hours: u32,
    pub url: Option<String>,
    /// Sorted by start, then UID; overrides follow their series.
    pub events: Vec<FeedEvent>,
}

impl Feed {
    /// Every zone the feed's events use, with the first and last instant it
    /// must cover, in a stable order.
    pub fn zone_spans(&self) -> Vec<(Tz, DateTime<Utc>, DateTime<Utc>)> {
        let mut spans: Vec<(Tz, DateTime<Utc>, DateTime<Utc>)> = Vec::new();
        for event in &self.events {
            match spans.iter_mut().find(|(tz, _, _)| *tz == event.timezone) {
                Some((_, first, last)) => {
                    *first = (*first).min(event.first_instant);
                    *last = (*last).max(event.last_instant);
                }
                None => spans.push((event.timezone, event.first_instant, event.last_instant)),
            }
        }
        spans.sort_by_key(|(tz, _, _)| tz.name());
        spans
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    pub uid: String,
    pub timezone: Tz,
    /// Local wall-clock start and end in `timezone`, as the schedule says.
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    /// The instants of DTSTART and DTEND (see `expand::span_instants`).
    pub instants: (DateTime<Utc>, DateTime<Utc>),
    pub recurrence: Option<Recurrence>,
    /// For an override: the local start the rule gives for this occurrence.
    pub recurrence_id: Option<NaiveDateTime>,
    pub summary: String,
    pub description: String,
    pub status: Status,
    /// Busy (something stops) rather than free.
    pub opaque: bool,
    pub sequence: u32,
    /// DTSTAMP and LAST-MODIFIED: when the window was last revised.
    pub revised: DateTime<Utc>,
    pub url: Option<String>,
    /// First start and last end over all occurrences (for VTIMEZONE spans).
    pub first_instant: DateTime<Utc>,
    pub last_instant: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    /// The RRULE value, e.g. `FREQ=MONTHLY;BYDAY=2SU;UNTIL=20200711T170000Z`.
    pub rule: String,
    /// Local starts the rule gives but the schedule skips.
    pub exdates: Vec<NaiveDateTime>,
}

/// Every feed: one per group (in file and declaration order), then `all`.
pub fn plan(schedules: &Schedules) -> Vec<Feed> {
    plans(schedules).collect()
}

/// [`plan`], one feed at a time: each is planned when asked for, so that a
/// build can render and drop it before planning the next.
pub fn plans(schedules: &Schedules) -> impl Iterator<Item = Feed> + '_ {
    (0..count(schedules)).filter_map(|index| plan_nth(schedules, index))
}

/// How many feeds [`plan`] gives.
pub fn count(schedules: &Schedules) -> usize {
    schedules.groups().count() + 1
}

/// The feed at `index` in [`plan`]'s order, planned on its own, so that
/// feeds can be planned on several threads.
pub fn plan_nth(schedules: &Schedules, index: usize) -> Option<Feed> {
    match schedules.groups().nth(index) {
        Some((calendar, group)) => Some(group_feed(calendar, group)),
        None if index + 1 == count(schedules) => Some(all_feed(schedules)),
        None => None,
    }
}

fn group_feed(calendar: &Calendar, group: &Group) -> Feed {
    let words = Words::of(calendar.language);
    let mut events = Vec::new();
    for window in &calendar.windows {
        let Some(impact) = window.impact_on(&group.id) else {
            continue;
        };
        for slot in expand::slots(impact) {
            let part = Part {
                calendar,
                window,
                group_id: &group.id,
                range: slot.range,
            };
            let opaque = slot.services.iter().any(|s| s.kind.is_outage());
            let compose = |occurrence: &Occurrence,
                           (start, end): (NaiveDateTime, NaiveDateTime)| {
                let summary = summary(
                    words,
                    occurrence.status,
                    &format!("{} {}", group.name, window_title(calendar, window)),
                    kind_of(slot.services.iter().copied()),
                    start,
                    end,
                );
                let mut description = String::new();
                describe_slot(&mut description, words, &slot, &impact.notes);
                describe_common(
                    &mut description,
                    words,
                    calendar,
                    occurrence,
                    group.description.as_deref(),
                );
                // Grown by doubling; a feed holds thousands of these.
                description.shrink_to_fit();
                (summary, description)
            };
            events.extend(part.events(opaque, &compose));
        }
    }
    sort_events(&mut events);
    Feed {
        id: group.id.clone(),
        name: format!("{} – {}", calendar.name, group.name),
        description: group
            .description
            .clone()
            .or_else(|| calendar.description.clone())
            .unwrap_or_else(|| format!("{} – {}", calendar.name, group.name)),
        timezone: calendar.timezone,
        refresh_hours: calendar.refresh_hours,
        url: calendar.url.clone(),
        events,
    }
}

fn all_feed(schedules: &Schedules) -> Feed {
    let mut events = Vec::new();
    for calendar in &schedules.calendars {
        let words = Words::of(calendar.language);
        for window in &calendar.windows {
            // Every distinct time range across the window's groups: the
            // window's own hours first, then each sub-range.
            let group_slots: Vec<(&Group, Vec<Slot>, &[String])> = window
                .impacts
                .iter()
                .filter_map(|impact| {
                    let group = calendar.group(&impact.group)?;
                    Some((group, expand::slots(impact), impact.notes.as_slice()))
                })
                .collect();
            let mut ranges: Vec<Option<SubRange>> = group_slots
                .iter()
                .flat_map(|(_, slots, _)| slots.iter().map(|slot| slot.range))
                .collect();
            ranges.sort();
            ranges.dedup();
            for range in ranges {
                let in_range: Vec<(&Group, &Slot, &[String])> = group_slots
                    .iter()
                    .filter_map(|(group, slots, notes)| {
                        let slot = slots.iter().find(|slot| slot.range == range)?;
                        Some((*group, slot, *notes))
                    })
                    .collect();
                let services = || {
                    in_range
                        .iter()
                        .flat_map(|(_, slot, _)| slot.services.iter().copied())
                };
                let opaque = services().any(|s| s.kind.is_outage());
                let part = Part {
                    calendar,
                    window,
                    group_id: ALL_FEED_ID,
                    range,
                };
                let compose =
                    |occurrence: &Occurrence, (start, end): (NaiveDateTime, NaiveDateTime)| {
                        let summary = summary(
                            words,
                            occurrence.status,
                            &window_title_for_all(calendar, window),
                            kind_of(services()),
                            start,
                            end,
                        );
                        let mut description = String::new();
                        for (index, (group, slot, notes)) in in_range.iter().enumerate() {
                            if index > 0 {
                                description.push('\n');
                            }
                            description.push_str(&format!("◆{}\n", group.name));
                            describe_slot(&mut description, words, slot, notes);
                        }
                        describe_common(&mut description, words, calendar, occurrence, None);
                        // Grown by doubling; the all feed's are the largest.
                        description.shrink_to_fit();
                        (summary, description)
                    };
                events.extend(part.events(opaque, &compose));
            }
        }
    }
    sort_events(&mut events);
    let first = schedules.calendars.first();
    let name = match schedules.calendars.as_slice() {
        [only] => only.name.clone(),
        many => many
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(" / "),
    };
    Feed {
        id: ALL_FEED_ID.to_owned(),
        description: first
            .and_then(|c| c.description.clone())
            .unwrap_or_else(|| name.clone()),
        name,
        timezone: first.map_or(chrono_tz::UTC, |c| c.timezone),
        refresh_hours: first.map_or(crate::schedule::validate::DEFAULT_REFRESH_HOURS, |c| {
            c.refresh_hours
        }),
        url: first.and_then(|c| c.url.clone()),
        events,
    }
}

/// The calendar and window ids in a UID that [`Part::uid`] made:
/// `<window>.<group>[.<HHMM-HHMM>]@<calendar>.maintcal`. Ids are slugs
/// without dots or `@`, so the split is exact.
pub fn uid_ids(uid: &str) -> Option<(&str, &str)> {
    let (local, domain) = uid.split_once('@')?;
    let calendar = domain.strip_suffix(".maintcal")?;
    let window = local.split('.').next()?;
    Some((calendar, window))
}

/// One event series: a window's slot in one group (or in `all`).
struct Part<'a> {
    calendar: &'a Calendar,
    window: &'a Window,
    group_id: &'a str,
    range: Option<SubRange>,
}

type Compose<'c> = dyn Fn(&Occurrence, (NaiveDateTime, NaiveDateTime)) -> (String, String) + 'c;

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
    /// series (see [`Part::starts_after_rule_date`]): the series UID with the
    /// rule's date, `<window>.<group>.<HHMM-HHMM>.<YYYYMMDD>@<calendar>.maintcal`.
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

    fn events(&self, opaque: bool, compose: &Compose) -> Vec<FeedEvent> {
        let tz = self.calendar.timezone;
        let occurrences = expand::occurrences(self.calendar, self.window);
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
                first_instant: instants.0,
                last_instant: instants.1,
            }
        };
        // `None` where the occurrence takes no time (its hours do not exist
        // on that day; see `expand::span_instants`).
        let event = |occurrence: &Occurrence| {
            let instants = occurrence.instants(self.range)?;
            Some(event_at(occurrence, instants))
        };
        let Timing::Monthly(rule) = &self.window.timing else {
            return occurrences.iter().filter_map(event).collect();
        };
        // The series: DTSTART is the first date the rule gives, with the
        // window's own hours, whether or not that date is skipped or changed
        // (EXDATE and RECURRENCE-ID then take care of it).
        let rule_dates = rule.rule_dates();
        let (Some(&first_date), Some(&last_date)) = (rule_dates.first(), rule_dates.last()) else {
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
        let duration = dtend_instant - dtstart_instant;
        let mut rrule = "FREQ=MONTHLY".to_string();
        if rule.interval > 1 {
            rrule.push_str(&format!(";INTERVAL={}", rule.interval));
        }
        rrule.push_str(&format!(
            ";BYDAY={}{}",
            rule.nth,
            weekday_code(rule.weekday)
        ));
        match rule.end {
            // UNTIL is the exact start of the last date's instance, in UTC as
            // RFC 5545 requires with a TZID'd DTSTART; inclusive. Where that
            // start is in a repeated hour, the later of its two readings:
            // RFC 5545 means the first, but ical.js reads the second and
            // would otherwise drop the last instance.
            RecurrenceEnd::Until(_) => {
                let last = rule_start(last_date);
                let until = match tz.from_local_datetime(&last) {
                    LocalResult::Ambiguous(_, later) => later.with_timezone(&Utc),
                    _ => to_utc(tz, last),
                };
                rrule.push_str(&format!(";UNTIL={}", until.format("%Y%m%dT%H%M%SZ")));
            }
            RecurrenceEnd::Count(count) => rrule.push_str(&format!(";COUNT={count}")),
        }
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
        // start the rule gives in a gap or a repeated hour, which clients
        // read differently (see `expand::wire_instant`): the override states
        // it in a form that they cannot. Likewise one that spans a change of
        // the clocks, even where its end comes out right: ical.js adds the
        // exact duration to the start in wall-clock time (22:45 GMT + 2h30
        // on 2024-03-30 in London is 01:15, in the gap, read as BST: an hour
        // early). When DTSTART itself is such a time,
        // clients disagree on the exact duration DTEND gives (ical.js reads
        // the gap with the later offset; recurring-ical-events subtracts wall
        // clocks), so then every instance is an override. An occurrence that
        // takes no time is excluded.
        let dtstart_single = expand::is_single(tz, first_start);
        for occurrence in &occurrences {
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
            let differs = occurrence.change.is_some()
                || !dtstart_single
                || !expand::is_single(tz, rule_value)
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
            rule: rrule,
            exdates,
        });
        events.insert(0, master);
        events
    }
}

fn sort_events(events: &mut [FeedEvent]) {
    events.sort_by(|a, b| {
        (a.first_instant, &a.uid, a.recurrence_id).cmp(&(b.first_instant, &b.uid, b.recurrence_id))
    });
}

// ---- text -------------------------------------------------------------------

/// The words maintcal adds around the schedule's own text.
struct Words {
    tentative: &'static str,
    cancelled: &'static str,
    stops: &'static str,
    partly: &'static str,
    runs: &'static str,
    stopping_heading: &'static str,
    partly_heading: &'static str,
    running_heading: &'static str,
    unavailable: &'static str,
    notes_heading: &'static str,
    contact: &'static str,
    next_day: &'static str,
    hours: &'static str,
}

impl Words {
    fn of(language: Language) -> &'static Words {
        match language {
            Language::Japanese => &Words {
                tentative: "【予定】",
                cancelled: "【中止】",
                stops: "停止",
                partly: "一部停止",
                runs: "停止なし",
                stopping_heading: "停止するサービス",
                partly_heading: "一部停止するサービス",
                running_heading: "停止しないサービス",
                unavailable: "利用できない機能",
                notes_heading: "備考",
                contact: "お問い合わせ",
                next_day: "翌",
                hours: "時間",
            },
            Language::English => &Words {
                tentative: "[Tentative] ",
                cancelled: "[Cancelled] ",
                stops: "stops",
                partly: "partly stops",
                runs: "no outage",
                stopping_heading: "Stops",
                partly_heading: "Partly stops",
                running_heading: "Keeps running",
                unavailable: "unavailable",
                notes_heading: "Notes",
                contact: "Contact",
                next_day: "+1 ",
                hours: "Hours",
            },
        }
    }
}

/// The strongest impact among the services: stops, else partly, else runs.
fn kind_of<'a>(services: impl Iterator<Item = &'a ServiceImpact>) -> Strength {
    services.fold(Strength::Runs, |strongest, service| {
        strongest.max(match service.kind {
            ImpactKind::Stops => Strength::Stops,
            ImpactKind::Partial { .. } => Strength::Partly,
            ImpactKind::Runs => Strength::Runs,
        })
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    Runs,
    Partly,
    Stops,
}

fn window_title(calendar: &Calendar, window: &Window) -> String {
    window
        .title
        .clone()
        .unwrap_or_else(|| calendar.title.clone())
}

fn window_title_for_all(calendar: &Calendar, window: &Window) -> String {
    window
        .title
        .clone()
        .unwrap_or_else(|| calendar.name.clone())
}

/// `【予定】RMS サービス 定期メンテナンス：停止 02:00–08:45`: status, who,
/// whether it stops, and when; a calendar shows little more than this.
fn summary(
    words: &Words,
    status: Status,
    subject: &str,
    strength: Strength,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> String {
    let prefix = match status {
        Status::Confirmed => "",
        Status::Tentative => words.tentative,
        Status::Cancelled => words.cancelled,
    };
    let kind = match strength {
        Strength::Stops => words.stops,
        Strength::Partly => words.partly,
        Strength::Runs => words.runs,
    };
    let separator = if words.stops == "stops" { ": " } else { "：" };
    format!(
        "{prefix}{subject}{separator}{kind} {}",
        time_range(words, start, end)
    )
}

fn time_range(words: &Words, start: NaiveDateTime, end: NaiveDateTime) -> String {
    let next_day = if end.date() > start.date() {
        words.next_day
    } else {
        ""
    };
    let mut range = String::with_capacity(16);
    push_hh_mm(&mut range, start.time());
    range.push('–');
    range.push_str(next_day);
    push_hh_mm(&mut range, end.time());
    range
}

/// `HH:MM`, as `format("%H:%M")` writes it: that parses its pattern on
/// every call, and every event's summary and description have a few.
fn push_hh_mm(out: &mut String, time: chrono::NaiveTime) {
    use chrono::Timelike;
    for (index, value) in [time.hour(), time.minute()].into_iter().enumerate() {
        if index > 0 {
            out.push(':');
        }
        out.push(char::from(b'0' + (value / 10) as u8));
        out.push(char::from(b'0' + (value % 10) as u8));
    }
}

fn describe_slot(out: &mut String, words: &Words, slot: &Slot, group_notes: &[String]) {
    let of_kind = |wanted: &'static str| {
        slot.services
            .iter()
            .filter(move |s| s.kind.keyword() == wanted)
    };
    let mut section = |heading: &str, services: Vec<&&ServiceImpact>| {
        if services.is_empty() {
            return;
        }
        out.push_str(heading);
        out.push_str(":\n");
        for service in services {
            out.push('・');
            out.push_str(&service.service);
            if let ImpactKind::Partial { unavailable } = &service.kind {
                out.push('（');
                out.push_str(words.unavailable);
                out.push_str(": ");
                out.push_str(unavailable);
                out.push('）');
            }
            if let Some(range) = service.hours {
                out.push(' ');
                push_hh_mm(out, range.start);
                out.push('–');
                push_hh_mm(out, range.end);
            }
            if let Some(note) = &service.note {
                for line in note.lines() {
                    out.push_str("\n　");
                    out.push_str(line);
                }
            }
            out.push('\n');
        }
    };
    section(words.stopping_heading, of_kind("stops").collect());
    section(words.partly_heading, of_kind("partial").collect());
    section(words.running_heading, of_kind("runs").collect());
    for note in group_notes {
        out.push('※');
        out.push_str(note);
        out.push('\n');
    }
}

fn describe_common(
    out: &mut String,
    words: &Words,
    calendar: &Calendar,
    occurrence: &Occurrence,
    group_description: Option<&str>,
) {
    let (start, end) = (occurrence.start, occurrence.end);
    for part in [
        "\n",
        words.hours,
        ": ",
        &time_range(words, start, end),
        " (",
        calendar.timezone.name(),
        ")\n",
    ] {
        out.push_str(part);
    }
    let mut notes = occurrence.notes().chain(calendar.notes.iter()).peekable();
    if notes.peek().is_some() {
        out.push('\n');
        out.push_str(words.notes_heading);
        out.push_str(":\n");
        for note in notes {
            out.push('・');
            out.push_str(note);
            out.push('\n');
        }
    }
    if let Some(text) = group_description {
        out.push('\n');
        out.push_str(text);
        out.push('\n');
    }
    if let Some(contact) = &calendar.contact {
        out.push_str(&format!("\n{}: {contact}\n", words.contact));
    }
    if let Some(url) = &calendar.url {
        out.push_str(&format!("\n{url}\n"));
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::load_files;

    const BASE: &str = r#"
[calendar]
id = "shop"
name = "Shop"
timezone = "Asia/Tokyo"

[groups.web]
name = "Web"
services = ["Top", "Cart"]

[windows.may]
date = 2020-05-17
start = 02:00
end = 08:45
status = "confirmed"
revised = 2020-05-01T10:00:00+09:00

[windows.may.impact.web]
stops = ["Cart", { service = "Top", start = 03:00, end = 04:00 }]

[windows.monthly]
every = "month"
on = "2nd sunday"
from = 2020-06-01
count = 3
start = 02:00
end = 08:45
status = "tentative"
revised = 2020-05-01T10:00:00+09:00
same_impact_as = "may"
"#;

    fn uids(schedule: &str) -> Vec<(String, String)> {
        let loaded = load_files(vec![("s.toml".into(), schedule.to_owned())]).unwrap();
        let mut uids: Vec<(String, String)> = plan(&loaded.schedules)
            .into_iter()
            .flat_map(|feed| {
                let id = feed.id.clone();
                feed.events.into_iter().map(move |e| (id.clone(), e.uid))
            })
            .collect();
        uids.sort();
        uids.dedup();
        uids
    }

    #[test]
    fn uids_are_derived_from_ids() {
        assert_eq!(
            uids(BASE),
            [
                ("all", "may.all.0300-0400@shop.maintcal"),
                ("all", "may.all@shop.maintcal"),
                ("all", "monthly.all.0300-0400@shop.maintcal"),
                ("all", "monthly.all@shop.maintcal"),
                ("web", "may.web.0300-0400@shop.maintcal"),
                ("web", "may.web@shop.maintcal"),
                ("web", "monthly.web.0300-0400@shop.maintcal"),
                ("web", "monthly.web@shop.maintcal"),
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
    }

    #[test]
    fn unrelated_edits_do_not_change_uids() {
        let before = uids(BASE);
        let edited = BASE
            // Another group, declared first.
            .replace(
                "[groups.web]",
                "[groups.api]\nname = \"API\"\nservices = [\"Orders\"]\n\n[groups.web]",
            )
            // Text, status, hours and revision of the windows change.
            .replace("status = \"tentative\"", "status = \"confirmed\"\nrevision = 3\nnotes = [\"new\"]")
            .replace("end = 08:45\nstatus = \"confirmed\"", "end = 09:00\nstatus = \"cancelled\"")
            .replace("name = \"Shop\"", "name = \"Shop, renamed\"")
            // A new window in the middle.
            + "\n[windows.extra]\ndate = 2020-05-24\nstart = 01:00\nend = 02:00\nstatus = \"confirmed\"\nrevised = 2020-05-02T00:00:00Z\n[windows.extra.impact.api]\nstops = [\"Orders\"]\n";
        let after = uids(&edited);
        for uid in &before {
            assert!(after.contains(uid), "{uid:?} changed: {after:?}");
        }
        assert_eq!(after.len(), before.len() + 2, "{after:?}");
    }
}
