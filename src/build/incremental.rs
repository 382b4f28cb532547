//! What a rebuild may leave as it is, judged from the build record the
//! last finished build left in the output folder ([`BuildRecord`]).
//!
//! - Nothing changed: the schedules folder's fingerprint (every schedule
//!   file's bytes, the options, the tool) is the recorded one, every file
//!   recorded is still on disk as written, and no build was stopped
//!   half-way. Then the build is skipped whole: nothing is parsed,
//!   rendered or written. The warnings the last full build printed are not
//!   hidden: the schedules' are counted (with a pointer to `maintcal
//!   check`, which prints them), those about the files are printed again.
//! - Some feeds changed: every feed whose inputs' fingerprint is the
//!   recorded one, and whose file is still as written, is left in place
//!   without being planned or rendered ([`Reuse::kept`]); the page and the
//!   manifest are always rendered again (they are small).

use super::Produced;
use super::fingerprint::{FeedPrint, Prints};
use crate::cli::BuildArgs;
use crate::expand::Expanded;
use crate::publish::{self, BuildRecord, FeedEntry, FileEntry};
use crate::schedule::Loaded;
use crate::site::{FeedRecord, FileRecord};
use chrono::{DateTime, Utc};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Skips the build if nothing changed since the recorded one (see the
/// module documentation), printing what that build printed; `false` if
/// the build must run.
pub fn skip(
    args: &BuildArgs,
    previous: &BuildRecord,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<bool> {
    // Under the folder's lock, so that no other build is changing it.
    let publication = publish::Publication::begin(&args.out, &publish::RealDisk)?;
    if !publication.is_clean() || !previous.files.iter().all(|f| f.unchanged(&args.out)) {
        return Ok(false);
    }
    drop(publication);
    if previous.schedule_warnings > 0 {
        let count = previous.schedule_warnings;
        writeln!(
            stderr,
            "warning: the schedules have {count} warning{} (unchanged since the last build, \
             which printed them); `maintcal check --schedules {}` prints them again",
            if count == 1 { "" } else { "s" },
            args.schedules.schedules.display()
        )?;
    }
    for warning in &previous.output_warnings {
        writeln!(stderr, "warning: {warning}")?;
    }
    for file in &previous.files {
        let events = (file.feed.as_ref())
            .map(|feed| format!("{} events  ", feed.events))
            .unwrap_or_default();
        writeln!(
            stdout,
            "{}  {events}{} bytes  (unchanged)",
            args.out.join(&file.file).display(),
            file.bytes
        )?;
    }
    Ok(true)
}

/// Which feeds of this build the last one already made.
#[derive(Debug)]
pub struct Reuse<'r> {
    out_dir: PathBuf,
    previous: Option<&'r BuildRecord>,
    prints: Prints,
    /// Each feed's file name, in plan order.
    names: Vec<String>,
}

/// What to do with one feed.
pub enum Judged {
    /// Leave it: what the record says of it, for the page, the manifest
    /// and the next record.
    Kept(Box<(Produced, FeedRecord)>),
    /// Render it; these are its fingerprints, for the next record.
    Render(Option<FeedPrint>),
}

impl<'r> Reuse<'r> {
    /// `None` when no fingerprint can be made (the executable cannot be
    /// read): then every feed is rendered and no record is kept of them.
    pub fn new(
        out_dir: &Path,
        previous: Option<&'r BuildRecord>,
        loaded: &Loaded,
        expanded: &Expanded,
        as_of: Option<DateTime<Utc>>,
        base_url: &Option<String>,
    ) -> Option<Reuse<'r>> {
        let sources: Vec<Option<&str>> = (expanded.calendars.iter())
            .map(|table| {
                let place = loaded.places.calendar(&table.calendar.id)?;
                Some(loaded.sources.text(place.file))
            })
            .collect();
        Some(Reuse {
            out_dir: out_dir.to_owned(),
            previous,
            prints: Prints::new(expanded, &sources, as_of, base_url.as_deref())?,
            names: super::output_names(expanded.schedules),
        })
    }

    /// Whether feed `index` is to be rendered or left as it is: left if
    /// the last build made it of the same inputs and its file is still as
    /// written.
    pub fn judge(&self, expanded: &Expanded, index: usize) -> Judged {
        let Some(name) = self.names.get(index) else {
            return Judged::Render(None);
        };
        let entry =
            (self.previous).and_then(|previous| previous.files.iter().find(|f| f.file == *name));
        let recorded = entry.and_then(|entry| entry.feed.as_ref());
        // The recorded fingerprints stand where the calendar's text does.
        let source = self.prints.source(name);
        let print = match recorded {
            Some(feed) if source.is_some() && feed.source.as_deref() == source => FeedPrint {
                inputs: feed.inputs.clone(),
                source: feed.source.clone(),
            },
            _ => match self.prints.feed(expanded, name) {
                Some(print) => print,
                None => return Judged::Render(None),
            },
        };
        let kept = entry
            .zip(recorded)
            .filter(|(_, feed)| feed.inputs == print.inputs)
            .filter(|(entry, _)| entry.unchanged(&self.out_dir))
            .and_then(|(entry, feed)| kept(name, entry, feed));
        kept.unwrap_or(Judged::Render(Some(print)))
    }
}

/// A kept feed, as the page and the manifest need it.
fn kept(name: &str, entry: &FileEntry, feed: &FeedEntry) -> Option<Judged> {
    let record = FeedRecord {
        id: name
            .strip_suffix(&format!(".{}", crate::render::ics::EXTENSION))?
            .to_owned(),
        name: feed.name.clone(),
        events: feed.events,
        file: FileRecord {
            file_name: entry.file.clone(),
            bytes: usize::try_from(entry.bytes).ok()?,
            sha256: entry.sha256.clone(),
        },
        // Only group feeds and `all` are ever kept (a service's feed has no
        // fingerprint of its own, so it is always rendered).
        service: None,
    };
    Some(Judged::Kept(Box::new((
        Produced::Kept(entry.clone()),
        record,
    ))))
}

/// What the build record keeps of a rendered feed.
pub fn feed_entry(record: &FeedRecord, fingerprint: Option<&FeedPrint>) -> FileEntry {
    FileEntry {
        file: record.file.file_name.clone(),
        sha256: record.file.sha256.clone(),
        bytes: record.file.bytes as u64,
        stat: None,
        feed: fingerprint.map(|print| FeedEntry {
            inputs: print.inputs.clone(),
            source: print.source.clone(),
            name: record.name.clone(),
            events: record.events,
        }),
    }
}

/// Puts the record of a finished build in place, with each file's metadata
/// as it is now that every file is in place. A record that cannot be
/// written only costs the next build its shortcuts: a warning, not an error.
pub fn write_record(
    out_dir: &Path,
    mut record: BuildRecord,
    stderr: &mut dyn Write,
) -> anyhow::Result<()> {
    for file in &mut record.files {
        file.stat = publish::Stat::of(&out_dir.join(&file.file));
    }
    if let Err(error) = record.write(out_dir) {
        writeln!(
            stderr,
            "warning: could not write {} ({error}); the next build renders every file again",
            out_dir.join(publish::CACHE_FILE).display()
        )?;
    }
    Ok(())
}
