//! Compares a build with the feeds of the previous one, before anything
//! is written. Google Calendar applies a changed event only when its
//! SEQUENCE rises, and every client keeps the version with the higher
//! SEQUENCE; so an event whose SEQUENCE would go down, or whose content
//! changed while its SEQUENCE stayed the same, is an error naming the
//! `revision` to raise and the value to raise it to. Content is what the
//! operator wrote and the subscriber sees (see `content`); a change in how
//! maintcal writes an event needs no new SEQUENCE.
//!
//! The previous feeds are those in the output folder, or in `--previous
//! DIR` (the published ones, downloaded, where `out/` is not committed).
//! Only the files this build would write are read, and only to compare:
//! this module never writes or deletes anything.

mod content;

use crate::publish::Output;
use crate::schedule::diagnostic::Diagnostic;
use crate::schedule::{Loaded, Place};
use std::collections::BTreeMap;
use std::path::Path;

/// Previous files larger than this are not compared. The peers' large
/// workload (338,000 event occurrences) gives a 90 MB all.ics, so the
/// default limits (2,000,000) allow one of about 0.6 GB; a file past 1 GiB
/// is not one of ours.
const MAX_PREVIOUS_BYTES: u64 = 1024 * 1024 * 1024;

/// What the comparison found, rendered like schedule diagnostics.
#[derive(Debug, Default)]
pub struct Comparison {
    pub errors: usize,
    /// Every error and warning, rendered.
    pub report: String,
}

use content::events;

/// `before` and `after` with the VEVENTs they have byte for byte in common
/// left out (a VEVENT's lines run from `BEGIN:VEVENT` to `END:VEVENT`, its
/// alarms inside). A stream that is not one VCALENDAR of whole VEVENTs
/// after its head is left whole, so that it is parsed (and found
/// unreadable) as before.
fn differing_events(before: &str, after: &str) -> (String, String) {
    fn split(text: &str) -> Option<(&str, Vec<&str>)> {
        const BEGIN: &str = "BEGIN:VEVENT\r\n";
        const END: &str = "END:VEVENT\r\n";
        let first = text.find(BEGIN).unwrap_or(text.len());
        let (head, mut rest) = text.split_at(first);
        let mut blocks = Vec::new();
        while rest.starts_with(BEGIN) {
            let end = rest.find(END)? + END.len();
            blocks.push(&rest[..end]);
            rest = &rest[end..];
        }
        (head.starts_with("BEGIN:VCALENDAR\r\n") && rest == "END:VCALENDAR\r\n")
            .then_some((head, blocks))
    }
    let (Some((head_before, old)), Some((head_after, new))) = (split(before), split(after)) else {
        return (before.to_owned(), after.to_owned());
    };
    let in_old: std::collections::HashSet<&str> = old.iter().copied().collect();
    let in_new: std::collections::HashSet<&str> = new.iter().copied().collect();
    let keep = |head: &str, blocks: &[&str], other: &std::collections::HashSet<&str>| {
        let mut text = head.to_owned();
        for block in blocks.iter().filter(|block| !other.contains(*block)) {
            text.push_str(block);
        }
        text.push_str("END:VCALENDAR\r\n");
        text
    };
    (
        keep(head_before, &old, &in_new),
        keep(head_after, &new, &in_old),
    )
}

/// What one window's events did across the files compared.
#[derive(Debug, Default)]
struct WindowFinding {
    /// (previous, new) SEQUENCE and file, where it would go down.
    down: Vec<(u32, u32, String)>,
    /// (SEQUENCE, file), where the content changed but SEQUENCE did not.
    unbumped: Vec<(u32, String)>,
    /// Whether a changed occurrence (whose SEQUENCE comes from its change's
    /// `revision`) is among them.
    occurrence: bool,
}

/// Compares a build's outputs, one file at a time as they are rendered,
/// with the files of the same names in the output folder, so that a build
/// can drop each file's bytes once compared.
#[derive(Debug, Default)]
pub struct Comparer {
    findings: BTreeMap<(String, String), WindowFinding>,
    unreadable: Vec<String>,
}

impl Comparer {
    /// Compares one output with the file of the same name in `out_dir`.
    pub fn add(&mut self, out_dir: &Path, output: &Output) {
        // Only the feeds carry SEQUENCEs; the page and the manifest have no events.
        if output.events.is_none() {
            return;
        }
        let path = out_dir.join(&output.file_name);
        let Ok(metadata) = std::fs::metadata(&path) else {
            // No previous version (or none we may see): nothing to compare.
            return;
        };
        // Far larger than any feed maintcal writes: not read into memory.
        if metadata.len() > MAX_PREVIOUS_BYTES {
            self.unreadable.push(path.display().to_string());
            return;
        }
        // The usual case, a rebuild that changed nothing here: compared
        // block by block, without reading the file into memory.
        if crate::publish::same_bytes(&path, &output.bytes) {
            return;
        }
        let Ok(previous) = std::fs::read(&path) else {
            return;
        };
        let Ok(previous) = String::from_utf8(previous) else {
            self.unreadable.push(path.display().to_string());
            return;
        };
        let Ok(new) = std::str::from_utf8(&output.bytes) else {
            return;
        };
        // Events byte-identical in both cannot differ: only the others are
        // parsed (one changed window in a 90 MB all.ics parses a few).
        let (previous, new) = differing_events(&previous, new);
        let Some(before) = events(&previous) else {
            self.unreadable.push(path.display().to_string());
            return;
        };
        let Some(after) = events(&new) else {
            return;
        };
        for (key, new) in &after {
            let Some(old) = before.get(key) else {
                continue;
            };
            let Some((calendar, window)) = crate::feed::uid_ids(&key.0) else {
                continue;
            };
            let finding = self
                .findings
                .entry((calendar.to_owned(), window.to_owned()))
                .or_default();
            let file = path.display().to_string();
            if new.sequence < old.sequence {
                finding.down.push((old.sequence, new.sequence, file));
                finding.occurrence |= !key.1.is_empty();
            } else if new.sequence == old.sequence && new.content != old.content {
                finding.unbumped.push((new.sequence, file));
                finding.occurrence |= !key.1.is_empty();
            }
        }
    }

    /// Every finding, as diagnostics on the windows' places.
    pub fn finish(self, loaded: &Loaded) -> Comparison {
        let Comparer {
            findings,
            unreadable,
        } = self;
        let mut diagnostics = Vec::new();
        for ((calendar, window), finding) in &findings {
            let Some(place) = loaded
                .places
                .window(calendar, window)
                .or_else(|| loaded.places.calendar(calendar))
            else {
                continue;
            };
            let revision = window_revision(loaded, calendar, window);
            if let Some(diagnostic) = sequence_down(place, window, revision, finding) {
                diagnostics.push(diagnostic);
            } else if let Some(diagnostic) = unbumped(place, window, revision, finding) {
                diagnostics.push(diagnostic);
            }
        }
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == crate::schedule::diagnostic::Severity::Error)
            .count();
        let mut report = loaded.sources.render(&diagnostics);
        for path in unreadable {
            report.push_str(&format!(
                "warning: {path} is not a feed maintcal can read; its SEQUENCEs were not compared \
                 (it will be replaced)\n\n"
            ));
        }
        Comparison { errors, report }
    }
}

fn files(list: impl Iterator<Item = String>) -> String {
    let mut files: Vec<String> = list.collect();
    files.sort();
    files.dedup();
    files.join(", ")
}

/// The window's own `revision` (0 when not written), if it is a window.
fn window_revision(loaded: &Loaded, calendar: &str, window: &str) -> Option<u32> {
    let calendar = loaded
        .schedules
        .calendars
        .iter()
        .find(|c| c.id == calendar)?;
    Some(calendar.windows.iter().find(|w| w.id == window)?.revision)
}

/// What to raise, to what: SEQUENCE is the calendar's `revision` plus the
/// window's (or, for a changed occurrence, its change's).
fn fix(window: &str, revision: Option<u32>, by: u32, finding: &WindowFinding) -> String {
    let target = match revision {
        Some(revision) => format!(
            "raise `revision` of window `{window}` (here) to {}",
            revision.saturating_add(by)
        ),
        None => format!("raise the calendar's `revision` (here) by {by}"),
    };
    let occurrence = if finding.occurrence {
        format!(" (for a changed occurrence, raise the `revision` of its change by {by} instead)")
    } else {
        String::new()
    };
    format!(
        "{target}{occurrence}; SEQUENCE is the calendar's revision plus the window's, and \
         calendar clients keep the version with the higher SEQUENCE (Google applies a \
         change only when it rises)"
    )
}

fn sequence_down(
    place: &Place,
    window: &str,
    revision: Option<u32>,
    finding: &WindowFinding,
) -> Option<Diagnostic> {
    let (old, new) = finding
        .down
        .iter()
        .map(|(old, new, _)| (*old, *new))
        .max_by_key(|(old, new)| old - new)?;
    Some(
        Diagnostic::error(
            place.file,
            place.revision.clone(),
            format!(
                "window `{window}` would go back from SEQUENCE {old} to {new} compared with \
                 the previous build ({})",
                files(finding.down.iter().map(|(_, _, f)| f.clone()))
            ),
        )
        .with_help(fix(window, revision, old - new + 1, finding)),
    )
}

fn unbumped(
    place: &Place,
    window: &str,
    revision: Option<u32>,
    finding: &WindowFinding,
) -> Option<Diagnostic> {
    let (sequence, _) = finding.unbumped.first()?;
    Some(
        Diagnostic::error(
            place.file,
            place.revision.clone(),
            format!(
                "window `{window}` changed since the previous build ({}) but its SEQUENCE \
                 would stay {sequence}: subscribers would keep the old version",
                files(finding.unbumped.iter().map(|(_, f)| f.clone()))
            ),
        )
        .with_help(fix(window, revision, 1, finding)),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn uid_ids_read_the_window_and_calendar() {
        use crate::feed::uid_ids;
        assert_eq!(
            uid_ids("night.db.0000-0200@example-ops.maintcal"),
            Some(("example-ops", "night"))
        );
        assert_eq!(
            uid_ids("2020-05-17.all@rakuten-ichiba.maintcal"),
            Some(("rakuten-ichiba", "2020-05-17"))
        );
        assert_eq!(uid_ids("someone-else@example.com"), None);
    }

    #[test]
    fn only_events_that_differ_are_compared() {
        let calendar = |events: &[&str]| {
            let mut text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n".to_owned();
            for uid in events {
                text.push_str(&format!("BEGIN:VEVENT\r\nUID:{uid}\r\nEND:VEVENT\r\n"));
            }
            text + "END:VCALENDAR\r\n"
        };
        let (before, after) =
            super::differing_events(&calendar(&["a", "b", "c"]), &calendar(&["a", "B", "c"]));
        assert_eq!(before, calendar(&["b"]));
        assert_eq!(after, calendar(&["B"]));
        // Not a calendar of whole events: left whole.
        let broken = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\n";
        assert_eq!(super::differing_events(broken, &calendar(&["a"])).0, broken);
    }

    #[test]
    fn every_planned_uid_names_a_window_of_its_calendar() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/cases/features/schedules/ops.toml"
        ))
        .unwrap();
        let loaded = crate::schedule::load_files(vec![("ops.toml".into(), text)]).unwrap();
        for feed in crate::feed::plan(&crate::expand::Expanded::new(&loaded.schedules)) {
            for event in &feed.events {
                let (calendar, window) = crate::feed::uid_ids(&event.uid).unwrap();
                assert!(
                    loaded.places.window(calendar, window).is_some(),
                    "{}",
                    event.uid
                );
            }
        }
    }
}
