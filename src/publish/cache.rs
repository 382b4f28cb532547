//! The build record (`.maintcal.cache` in the output folder): what the last
//! build that finished made of which inputs, so that the next one can skip
//! what did not change.
//!
//! - What it holds: the tool's identity, a fingerprint of everything the
//!   build read (the schedules folder's bytes and the options), and for each
//!   file written its SHA-256, its size, what the file system said of it
//!   right after it was put in place (inode, size, modification and change
//!   times) and, for a feed, the fingerprint of the feed's own inputs and
//!   what the page and the manifest need of it (name, zone, events).
//! - Why a file of its own and not `feeds.json`: the identity of the tool
//!   is the hash of its executable (see `build::fingerprint`), which differs
//!   from one machine and compiler to the next; in `feeds.json` it would
//!   make every committed `out/` stale on every other machine (`build
//!   --check` compares bytes) and change the published bytes on every
//!   release, which the project avoids (no version in PRODID or the
//!   manifest for the same reason). The record is only a cache: a missing,
//!   broken or foreign one means "render everything", never an error.
//! - Never trusted over the files: a file counts as unchanged only when its
//!   inode, size and both times are the ones recorded (editing, replacing
//!   or touching a file changes its change time, which no tool can set),
//!   or, failing that, when its bytes still hash to the recorded SHA-256. A
//!   file edited or deleted by hand is therefore rendered again; `build
//!   --check` ignores the record and compares bytes.
//! - Written after every file is in place, through a temporary file and a
//!   rename, and not flushed: lost or torn in a crash, it reads as no
//!   record. Stale after a crash (files replaced, record old), the files'
//!   inodes and hashes no longer match it, so they are rendered again.

use super::{TEMP_PREFIX, TEMP_SUFFIX};
use crate::site::sha256_hex;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The record's name: hidden (no manifest may list a dot name, so no build
/// removes or reports it), and apart from the `.maintcal-*` names of the
/// temporary files and the unfinished mark, which mean an interrupted build.
pub const FILE_NAME: &str = ".maintcal.cache";

/// Layout of the record; a record of another layout is ignored.
const LAYOUT: u32 = 1;

/// What the last finished build made, and of what.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildRecord {
    layout: u32,
    /// `build::fingerprint::tool()`: a record another maintcal wrote is
    /// not used.
    pub tool: String,
    /// Fingerprint of every input of the whole build (schedule files'
    /// bytes, options), or `None` if the schedules changed while that build
    /// read them.
    pub inputs: Option<String>,
    /// How many warnings the schedules gave (reported again, as a count,
    /// when a build is skipped).
    pub schedule_warnings: usize,
    /// The warnings about the output files (size, address), as printed.
    pub output_warnings: Vec<String>,
    /// Every file written, in the build's order.
    pub files: Vec<FileEntry>,
}

/// One file of the last build.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub file: String,
    pub sha256: String,
    pub bytes: u64,
    /// What the file system said of the file once it was in place.
    pub stat: Option<Stat>,
    /// For a feed: the fingerprint of its inputs and what the page and the
    /// manifest need of it.
    pub feed: Option<FeedEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedEntry {
    /// The fingerprint of the feed's inputs (`build::fingerprint`).
    pub inputs: String,
    /// The fingerprint of its calendar's source text, if known.
    pub source: Option<String>,
    pub name: String,
    pub events: usize,
}

/// The parts of a file's metadata that any change to it changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat {
    inode: u64,
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

impl Stat {
    #[cfg(unix)]
    pub fn of(path: &Path) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::symlink_metadata(path).ok()?;
        meta.is_file().then(|| Stat {
            inode: meta.ino(),
            len: meta.size(),
            modified: (meta.mtime(), meta.mtime_nsec()),
            changed: (meta.ctime(), meta.ctime_nsec()),
        })
    }

    /// Elsewhere there is no change time that tools cannot set: files are
    /// always compared by hash.
    #[cfg(not(unix))]
    pub fn of(_path: &Path) -> Option<Stat> {
        None
    }
}

impl FileEntry {
    /// The entry of a file in place with these bytes' hash.
    #[cfg(test)]
    pub fn of(out_dir: &Path, file: &str, sha256: &str, bytes: u64) -> FileEntry {
        FileEntry {
            file: file.to_owned(),
            sha256: sha256.to_owned(),
            bytes,
            stat: Stat::of(&out_dir.join(file)),
            feed: None,
        }
    }

    /// Whether the file in `out_dir` still holds the bytes recorded: by its
    /// metadata if nothing about it changed, else by its hash.
    pub fn unchanged(&self, out_dir: &Path) -> bool {
        let path = out_dir.join(&self.file);
        let now = Stat::of(&path);
        if now.is_some() && now == self.stat {
            return true;
        }
        if !std::fs::symlink_metadata(&path).is_ok_and(|meta| meta.is_file())
            || now.is_some_and(|stat| stat.len != self.bytes)
        {
            return false;
        }
        std::fs::read(&path).is_ok_and(|bytes| sha256_hex(&bytes) == self.sha256)
    }
}

impl BuildRecord {
    pub fn new(tool: String) -> BuildRecord {
        BuildRecord {
            layout: LAYOUT,
            tool,
            ..BuildRecord::default()
        }
    }

    /// The record in `out_dir`, if there is one this `tool` wrote.
    pub fn read(out_dir: &Path, tool: &str) -> Option<BuildRecord> {
        let bytes = std::fs::read(out_dir.join(FILE_NAME)).ok()?;
        let record: BuildRecord = serde_json::from_slice(&bytes).ok()?;
        (record.layout == LAYOUT && record.tool == tool).then_some(record)
    }

    /// Puts the record in place (see the module documentation: not flushed).
    pub fn write(&self, out_dir: &Path) -> std::io::Result<()> {
        let mut temporary = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(out_dir)?;
        serde_json::to_writer(std::io::BufWriter::new(temporary.as_file_mut()), self)?;
        temporary
            .persist(out_dir.join(FILE_NAME))
            .map(drop)
            .map_err(|error| error.error)
    }

    /// Removes the record, so that no later build trusts it.
    pub fn remove(out_dir: &Path) {
        let _ = std::fs::remove_file(out_dir.join(FILE_NAME));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_only_for_the_tool_that_wrote_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.ics"), b"one").unwrap();
        let mut record = BuildRecord::new("tool-1".into());
        record.inputs = Some("x".into());
        record
            .files
            .push(FileEntry::of(dir.path(), "a.ics", &sha256_hex(b"one"), 3));
        record.write(dir.path()).unwrap();
        assert_eq!(BuildRecord::read(dir.path(), "tool-1"), Some(record));
        assert_eq!(BuildRecord::read(dir.path(), "tool-2"), None);
        std::fs::write(dir.path().join(FILE_NAME), b"{").unwrap();
        assert_eq!(BuildRecord::read(dir.path(), "tool-1"), None);
    }

    #[test]
    fn a_file_edited_or_deleted_by_hand_is_not_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ics");
        std::fs::write(&path, b"one").unwrap();
        let entry = FileEntry::of(dir.path(), "a.ics", &sha256_hex(b"one"), 3);
        assert!(entry.unchanged(dir.path()));
        // Same size, other bytes: the metadata changed, the hash says so.
        std::fs::write(&path, b"two").unwrap();
        assert!(!entry.unchanged(dir.path()));
        // Written back: metadata differs, bytes are the recorded ones.
        std::fs::write(&path, b"one").unwrap();
        assert!(entry.unchanged(dir.path()));
        std::fs::remove_file(&path).unwrap();
        assert!(!entry.unchanged(dir.path()));
    }
}
