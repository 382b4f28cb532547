//! Fingerprints of what a build reads, so that a rebuild can tell what did
//! not change: of the tool itself, of the whole schedules folder (to skip a
//! build whose inputs are all the same), and of each feed's own inputs (to
//! render again only the feeds a changed window is in).
//!
//! - SHA-256 (the `sha2` crate, already used for the manifest's hashes):
//!   its output is fixed by a standard, so a fingerprint means the same in
//!   every run and every build of maintcal; std's `DefaultHasher` is not
//!   (its algorithm may change between Rust releases, and `RandomState` is
//!   seeded per process). It runs at over 1 GB/s where the CPU has SHA
//!   instructions, at a few hundred MB/s elsewhere: hashing the schedules
//!   costs a few percent of parsing them.
//! - The tool: the version and the SHA-256 of the running executable. The
//!   version alone is not enough: a development build (or a branch merged
//!   into another) renders differently under the same version, and a stale
//!   feed kept because "nothing changed" would be wrong without anyone
//!   noticing. Any other maintcal, then, renders everything once.
//! - A feed's inputs are hashed from the model as loaded (its `Debug`
//!   text, which is the same for the same model within one executable, and
//!   the executable is part of every fingerprint): the calendar's settings,
//!   the group, and every window (after the horizon's trim) that the feed
//!   holds, plus the base URL. Not maintcal's "now" (`as_of`, the newest
//!   `revised`): a group's feed reads it only through the trim, which the
//!   list of windows shows, and editing a window usually moves it, which
//!   would otherwise render every feed again. The `all` feed's fingerprint
//!   covers every calendar's source and `as_of`.

use crate::expand::Expanded;
use crate::feed::ALL_FEED_ID;
use crate::publish::Stat;
use crate::schedule::model::{Calendar, Window};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Raised when what goes into a fingerprint changes meaning.
const FORMAT: u32 = 1;

/// `maintcal <version> <SHA-256 of the executable>`, or `None` if the
/// executable cannot be read (then no build record is read or written).
pub fn tool() -> Option<&'static str> {
    static TOOL: OnceLock<Option<String>> = OnceLock::new();
    TOOL.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        let bytes = std::fs::read(exe).ok()?;
        Some(format!(
            "maintcal {} {}",
            env!("CARGO_PKG_VERSION"),
            crate::site::sha256_hex(&bytes)
        ))
    })
    .as_deref()
}

/// A SHA-256 that `Debug` text can be written into without being kept.
struct Hasher(Sha256);

impl Hasher {
    fn new() -> Hasher {
        Hasher(Sha256::new())
    }

    fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        // Length first, so that no two sequences of parts hash alike.
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    fn debug(&mut self, value: &dyn std::fmt::Debug) -> &mut Self {
        use std::fmt::Write;
        // Writing into a hasher cannot fail.
        let _ = write!(self, "{value:?}");
        self.0.update([0xff]);
        self
    }

    fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

impl std::fmt::Write for Hasher {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        self.0.update(text.as_bytes());
        Ok(())
    }
}

fn hex(hash: [u8; 32]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// The fingerprint of a schedules folder as a build reads it, and what the
/// file system said of each file then.
#[derive(Debug)]
pub struct FolderInputs {
    pub fingerprint: String,
    stats: Vec<(PathBuf, Option<Stat>)>,
}

/// Fingerprints every file the loader reads in `dir` (every `*.toml` file
/// directly in it, `maintcal.toml` included, by name and bytes), with
/// `options` (what else reaches the bytes). `None` if the folder cannot be
/// read: the build then reports why.
pub fn folder(dir: &Path, options: &str) -> Option<FolderInputs> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()
        .ok()?;
    paths.retain(|path| path.extension().is_some_and(|ext| ext == "toml") && path.is_file());
    paths.sort();
    let mut hasher = Hasher::new();
    hasher
        .debug(&FORMAT)
        .bytes(tool()?.as_bytes())
        .bytes(options.as_bytes());
    let mut stats = Vec::with_capacity(paths.len());
    for path in paths {
        let stat = Stat::of(&path);
        let bytes = std::fs::read(&path).ok()?;
        let name = path.file_name()?.to_string_lossy().into_owned();
        hasher.bytes(name.as_bytes()).bytes(&bytes);
        stats.push((path, stat));
    }
    Some(FolderInputs {
        fingerprint: hex(hasher.finish()),
        stats,
    })
}

impl FolderInputs {
    /// Whether no file that was fingerprinted changed since (so the bytes a
    /// build loaded are the ones fingerprinted). Without the metadata to
    /// tell (not Unix), no.
    pub fn unchanged_since(&self) -> bool {
        self.stats
            .iter()
            .all(|(path, stat)| stat.is_some() && Stat::of(path) == *stat)
    }
}

/// The fingerprints of one feed's inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPrint {
    /// Of what reaches the feed's bytes (see the module documentation).
    pub inputs: String,
    /// Of its calendar's whole source text and the ids of the windows the
    /// horizon keeps (with the tool and base URL), which determine
    /// `inputs`: where it is the recorded one, the recorded `inputs` are
    /// taken without hashing the model again.
    pub source: Option<String>,
}

/// What the feeds' fingerprints are made from, worked out once per build;
/// each group's own is made by [`Prints::group`] when its feed comes to be
/// planned, on the thread that would plan it.
///
/// A calendar's model (its settings, groups and windows) is made from its
/// file alone, and the horizon's trim keeps or drops whole windows; so
/// where a calendar's source fingerprint (its text and the ids of the
/// windows kept) is the recorded one, so are its feeds' inputs, and
/// only the feeds of calendars whose text changed (or that have no record)
/// have their windows hashed. That costs a fraction of planning the feed
/// (each window's `Debug` text once per group it impacts, where planning
/// composes its events' text per group). The `all` feed's fingerprint is
/// that of every calendar's source: any edit renders it again.
#[derive(Debug)]
pub struct Prints {
    common: [u8; 32],
    /// Each calendar's source fingerprint, if its text is known.
    sources: Vec<Option<String>>,
    /// Each group's feed file name: its calendar's and its own index.
    groups: HashMap<String, (usize, usize)>,
    all: String,
}

impl Prints {
    /// `sources` holds each calendar's source text, in the schedules'
    /// order. `None` if the tool has no fingerprint.
    pub fn new(
        expanded: &Expanded,
        sources: &[Option<&str>],
        as_of: Option<DateTime<Utc>>,
        base_url: Option<&str>,
    ) -> Option<Prints> {
        let mut common = Hasher::new();
        common
            .debug(&FORMAT)
            .bytes(tool()?.as_bytes())
            .debug(&base_url);
        let common = common.finish();
        // The `all` feed takes `as_of` (through the trim of every window).
        let mut now = Hasher::new();
        now.bytes(&common).debug(&as_of);
        let now = now.finish();
        let mut all = Hasher::new();
        all.bytes(&now);
        let mut prints = Prints {
            common,
            sources: Vec::new(),
            groups: HashMap::new(),
            all: String::new(),
        };
        for (index, table) in expanded.calendars.iter().enumerate() {
            // The text gives the model, and the ids of the windows left
            // after the horizon's trim what of it the feeds hold: together
            // they stand for every feed of the calendar, whatever `as_of`.
            let source = sources.get(index).copied().flatten().map(|text| {
                let mut hasher = Hasher::new();
                hasher.bytes(&common).bytes(text.as_bytes());
                for window in &table.windows {
                    hasher.bytes(window.window.id.as_bytes());
                }
                hasher.finish()
            });
            // Unknown text (not expected): the whole model, hashed.
            all.bytes(&source.unwrap_or_else(|| calendar_model(&common, table)));
            prints.sources.push(source.map(hex));
            for (group_index, group) in table.calendar.groups.iter().enumerate() {
                let file = format!("{}.{}", group.id, crate::render::ics::EXTENSION);
                prints.groups.insert(file, (index, group_index));
            }
        }
        prints.all = hex(all.finish());
        Some(prints)
    }

    /// The source fingerprint of the calendar of the feed in file `name`
    /// (`None` for the `all` feed).
    pub fn source(&self, name: &str) -> Option<&str> {
        let (calendar, _) = self.groups.get(name)?;
        self.sources.get(*calendar)?.as_deref()
    }

    /// The fingerprints of the feed in file `name` (a group's, or `all`),
    /// made from the model; `None` for a file that is neither.
    pub fn feed(&self, expanded: &Expanded, name: &str) -> Option<FeedPrint> {
        let Some(&(calendar, group)) = self.groups.get(name) else {
            let all = format!("{ALL_FEED_ID}.{}", crate::render::ics::EXTENSION);
            return (name == all).then(|| FeedPrint {
                inputs: self.all.clone(),
                source: None,
            });
        };
        let table = expanded.calendars.get(calendar)?;
        let group = table.calendar.groups.get(group)?;
        let mut hasher = Hasher::new();
        hasher
            .bytes(&settings(&self.common, table.calendar))
            .debug(group);
        // A group's feed reads each window's own fields and its impact on
        // the group, never the window's impacts on other groups: hashing
        // those too would cost each window's whole impact list once per
        // group (a window on every group of a large calendar).
        for window in &table.windows {
            if let Some(impact) = window.window.impact_on(&group.id) {
                window_fields(&mut hasher, window.window);
                hasher.debug(impact);
            }
        }
        Some(FeedPrint {
            inputs: hex(hasher.finish()),
            source: self.source(name).map(str::to_owned),
        })
    }
}

/// A window's own fields, all but its impacts, named one by one so that a
/// field added to [`Window`] cannot be forgotten here (this stops
/// compiling).
fn window_fields(hasher: &mut Hasher, window: &Window) {
    let Window {
        id,
        title,
        timing,
        hours,
        status,
        notes,
        revised,
        revision,
        impacts: _,
        remind,
    } = window;
    hasher.debug(&(
        id, title, timing, hours, status, notes, revised, revision, remind,
    ));
}

/// A calendar's whole model, hashed, where its source text is not known.
fn calendar_model(common: &[u8; 32], table: &crate::expand::CalendarOccurrences) -> [u8; 32] {
    let mut hasher = Hasher::new();
    hasher.bytes(&settings(common, table.calendar));
    for group in &table.calendar.groups {
        hasher.debug(group);
    }
    for window in &table.windows {
        hasher.debug(window.window);
    }
    hasher.finish()
}

/// The calendar's own settings: everything but its groups and windows,
/// named field by field so that a field added to [`Calendar`] cannot be
/// forgotten here (this stops compiling).
fn settings(common: &[u8; 32], calendar: &Calendar) -> [u8; 32] {
    let Calendar {
        id,
        name,
        description,
        timezone,
        url,
        contact,
        notes,
        language,
        title,
        refresh_hours,
        revision,
        revised,
        base_url,
        keep_past_months,
        window_pages,
        remind,
        groups: _,
        windows: _,
    } = calendar;
    let mut hasher = Hasher::new();
    hasher.bytes(common).debug(&(
        id,
        name,
        description,
        timezone,
        url,
        contact,
        notes,
        language,
        title,
        refresh_hours,
    ));
    hasher.debug(&(
        revision,
        revised,
        base_url,
        keep_past_months,
        window_pages,
        remind,
    ));
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fingerprints(text: &str) -> Vec<String> {
        let loaded =
            crate::schedule::load_files(vec![("ops.toml".into(), text.to_owned())]).unwrap();
        let as_of = crate::horizon::as_of(&loaded.schedules);
        let expanded = crate::horizon::trim(Expanded::new(&loaded.schedules), as_of);
        let text = loaded.sources.text(loaded.places.calendars[0].file);
        let prints = Prints::new(&expanded, &[Some(text)], as_of, None).unwrap();
        assert!(prints.feed(&expanded, "index.html").is_none());
        ["db.ics", "api.ics", "all.ics"]
            .map(|name| prints.feed(&expanded, name).unwrap().inputs)
            .to_vec()
    }

    #[test]
    fn a_changed_window_changes_its_groups_feed_and_all_only() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/cases/features/schedules/ops.toml"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let before = fingerprints(&text);
        assert_eq!(before, fingerprints(&text), "stable for the same input");
        // `monthly` impacts the database group only: its end changes.
        let changed = text.replacen(
            "count = 6\nstart = 02:00\nend = 06:00",
            "count = 6\nstart = 02:00\nend = 05:00",
            1,
        );
        assert_ne!(changed, text);
        let after = fingerprints(&changed);
        // Plan order: db, api, all.
        assert_ne!(before[0], after[0], "db changes");
        assert_eq!(before[1], after[1], "api does not");
        assert_ne!(before.last(), after.last(), "all changes");
    }
}
