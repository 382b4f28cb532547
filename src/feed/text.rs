//! The words of a feed's events: summaries and descriptions, composed from
//! the schedule's own text and the calendar language's [`Words`].

use crate::expand::Occurrence;
use crate::schedule::model::Slot;
use crate::schedule::model::{Calendar, ImpactKind, ServiceImpact, Status, Window};
use crate::words::{Words, push_hh_mm};
use chrono::NaiveDateTime;

/// The strongest impact among the services: stops, else partly, else runs.
pub(super) fn kind_of<'a>(services: impl Iterator<Item = &'a ServiceImpact>) -> Strength {
    services.fold(Strength::Runs, |strongest, service| {
        strongest.max(match service.kind {
            ImpactKind::Stops => Strength::Stops,
            ImpactKind::Partial { .. } => Strength::Partly,
            ImpactKind::Runs => Strength::Runs,
        })
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Strength {
    Runs,
    Partly,
    Stops,
}

pub(super) fn window_title<'a>(calendar: &'a Calendar, window: &'a Window) -> &'a str {
    window.title.as_deref().unwrap_or(&calendar.title)
}

pub(super) fn window_title_for_all<'a>(calendar: &'a Calendar, window: &'a Window) -> &'a str {
    window.title.as_deref().unwrap_or(&calendar.name)
}

/// `【予定】RMS サービス 定期メンテナンス：停止 02:00–08:45`: status, who,
/// whether it stops, and when; a calendar shows little more than this.
pub(super) fn summary(
    words: &Words,
    status: Status,
    subject: &str,
    strength: Strength,
    (start, end): (NaiveDateTime, NaiveDateTime),
) -> String {
    let prefix = match status {
        Status::Confirmed => "",
        Status::Tentative => words.tentative_prefix,
        Status::Cancelled => words.cancelled_prefix,
    };
    let kind = match strength {
        Strength::Stops => words.summary_stops,
        Strength::Partly => words.summary_partly,
        Strength::Runs => words.summary_runs,
    };
    let mut summary = String::with_capacity(prefix.len() + subject.len() + 48);
    for part in [prefix, subject, words.separator, kind, " "] {
        summary.push_str(part);
    }
    words.push_time_range(&mut summary, start, end);
    summary
}

/// The heading of one group's part of an `all` feed's description.
pub(super) fn group_heading(out: &mut String, words: &Words, name: &str) {
    out.push_str(words.group_heading.0);
    out.push_str(name);
    out.push_str(words.group_heading.1);
    out.push('\n');
}

/// What a slot does to each of its services, by impact, then the group's notes.
pub(super) fn describe_slot(out: &mut String, words: &Words, slot: &Slot, group_notes: &[String]) {
    let sections = [
        (words.stopping_heading, "stops"),
        (words.partly_heading, "partial"),
        (words.running_heading, "runs"),
    ];
    for (heading, wanted) in sections {
        // Filtered as written rather than collected: this runs for every
        // event of every feed.
        let mut services = (slot.services.iter())
            .filter(|s| s.kind.keyword() == wanted)
            .peekable();
        if services.peek().is_none() {
            continue;
        }
        out.push_str(heading);
        out.push_str(":\n");
        for service in services {
            out.push_str(words.bullet);
            out.push_str(&service.service);
            if let ImpactKind::Partial { unavailable } = &service.kind {
                out.push_str(words.lacking.0);
                out.push_str(unavailable);
                out.push_str(words.lacking.1);
            }
            if let Some(range) = service.hours {
                out.push(' ');
                push_hh_mm(out, range.start);
                out.push('–');
                push_hh_mm(out, range.end);
            }
            if let Some(note) = &service.note {
                for line in note.lines() {
                    out.push('\n');
                    out.push_str(words.indent);
                    out.push_str(line);
                }
            }
            out.push('\n');
        }
    }
    for note in group_notes {
        out.push_str(words.group_note);
        out.push_str(note);
        out.push('\n');
    }
}

/// What every event of an occurrence says after its services: its hours,
/// the notes, the group's description, whom to contact and where to read more.
pub(super) fn describe_common(
    out: &mut String,
    words: &Words,
    calendar: &Calendar,
    occurrence: &Occurrence,
    group_description: Option<&str>,
) {
    out.push('\n');
    out.push_str(words.hours);
    out.push_str(": ");
    words.push_time_range(out, occurrence.start, occurrence.end);
    for part in [" (", calendar.timezone.name(), ")\n"] {
        out.push_str(part);
    }
    let mut notes = occurrence.notes().chain(calendar.notes.iter()).peekable();
    if notes.peek().is_some() {
        out.push('\n');
        out.push_str(words.notes_heading);
        out.push_str(":\n");
        for note in notes {
            out.push_str(words.bullet);
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
        for part in ["\n", words.contact, ": ", contact, "\n"] {
            out.push_str(part);
        }
    }
    if let Some(url) = &calendar.url {
        for part in ["\n", url, "\n"] {
            out.push_str(part);
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
}
