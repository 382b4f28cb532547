//! Stage 4 of the pipeline, and the only code that writes files: put the
//! rendered files into the output folder so that it is never half-written.
//!
//! - Two phases. Every changed file is first written in full to a temporary
//!   file in the output folder, and all are flushed to disk together (one
//!   `syncfs` on Linux, see [`durable`]); only when all of them are there
//!   are they renamed into place (a rename within one folder is atomic),
//!   and the folder is flushed once after the last rename. A full disk, a read-only folder or any other write error in
//!   the first phase leaves every previous file byte-identical. A build
//!   stages each file through a [`Publication`] as soon as it is rendered,
//!   so the bytes of one file at a time are in memory, never all of them.
//! - Incremental: a file whose bytes did not change is not rewritten, so its
//!   mtime stays and caches and rsync see no change.
//! - Only maintcal's files. The manifest (`feeds.json`) is the record of
//!   what maintcal wrote ([`record`]): a build replaces only files it
//!   lists, and writes new ones only where nothing is; anything else in the
//!   way stops the build before it stages anything. A file the previous
//!   build recorded but this one no longer produces (a removed group) is
//!   deleted, and only if its bytes are still the ones recorded; nothing
//!   else in the folder is ever touched. The manifest is renamed into place
//!   last, after those deletions.
//! - No mixed set unnoticed. The renames are atomic one by one, not all
//!   together: a mark written before the first and removed after the last
//!   tells the next command that a build was stopped in between (see
//!   [`record`]); `build --check` then fails, and the next build replaces
//!   the whole set.
//! - One build at a time: the folder is locked (an advisory `flock` on the
//!   folder itself, so no lock file appears in it) and a second build fails
//!   at once instead of interleaving its renames with the first.
//! - Temporary files are named `.maintcal-*.tmp`; those a killed build left
//!   behind are removed by the next one that finishes, under the lock.
//!
//! - Skipping: [`cache`] keeps what the last build made of which inputs, so
//!   that a build can leave a feed whose inputs did not change as it is
//!   ([`Publication::keep`]) without rendering it again.
//!
//! `build --check` compares without writing ([`stale`], [`StaleCheck`]).

mod cache;
mod durable;
mod record;
mod stale;

pub use cache::{BuildRecord, FILE_NAME as CACHE_FILE, FeedEntry, FileEntry, Stat};
pub use stale::StaleCheck;

use crate::render::manifest::{self, OwnedFile};
use crate::site::sha256_hex;
use anyhow::{Context, bail};
use record::Owned;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

const TEMP_PREFIX: &str = ".maintcal-";
const TEMP_SUFFIX: &str = ".tmp";

/// One rendered file, ready to publish.
#[derive(Debug, Clone)]
pub struct Output {
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Number of calendar events in it (feeds only), for the report line.
    pub events: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// New or changed bytes were written.
    Updated,
    /// The file already had these bytes; it was not touched.
    Unchanged,
}

/// What a build did to the output folder.
#[derive(Debug, Default)]
pub struct Report {
    /// Every output, in the order given.
    pub files: Vec<(PathBuf, Written)>,
    /// Files of an earlier build that this one no longer produces.
    pub removed: Vec<PathBuf>,
    /// Things the user should know, one sentence each (printed as warnings).
    pub notes: Vec<String>,
}

/// Where publishing puts bytes: the real disk, or, in tests, one that fills
/// up or fails on the way.
pub trait Disk {
    fn write(&self, file: &mut File, bytes: &[u8]) -> std::io::Result<()>;
}

#[derive(Debug, Clone, Copy)]
pub struct RealDisk;

impl Disk for RealDisk {
    fn write(&self, file: &mut File, bytes: &[u8]) -> std::io::Result<()> {
        file.write_all(bytes)
    }
}

/// Writes `outputs` into `out_dir` (see the module documentation).
#[cfg(any(test, feature = "internals"))]
pub fn publish(out_dir: &Path, outputs: &[Output]) -> anyhow::Result<Report> {
    publish_with(out_dir, outputs, &RealDisk)
}

/// [`publish`], writing through `disk`.
#[cfg(any(test, feature = "internals"))]
pub fn publish_with(out_dir: &Path, outputs: &[Output], disk: &dyn Disk) -> anyhow::Result<Report> {
    let mut publication = Publication::begin(out_dir, disk)?;
    let names: Vec<String> = outputs.iter().map(|o| o.file_name.clone()).collect();
    publication.claim(&names)?;
    for output in outputs {
        publication.add(output)?;
    }
    publication.finish()
}

/// A publication in progress: the folder locked, the files given so far
/// staged beside their final places, nothing renamed yet. A build hands it
/// each file as soon as the file is rendered and then drops the bytes, so it
/// never holds more than one file's bytes; dropping a publication
/// unfinished (on any error) removes what it staged and leaves the folder
/// as it was.
pub struct Publication<'d> {
    out_dir: PathBuf,
    disk: &'d dyn Disk,
    _lock: Lock,
    /// The folder, opened before any file is staged, so that flushing its
    /// file system reports every write error since (see [`durable`]).
    folder: durable::Folder,
    owned: Owned,
    /// The record this build writes (from its manifest), for the mark it
    /// leaves while replacing files.
    record: Vec<OwnedFile>,
    report: Report,
    /// Every file name given, for what the previous build made and this one
    /// no longer does.
    names: Vec<String>,
    /// Changed files, written in full and synced, with their final paths.
    staged: Vec<(tempfile::TempPath, PathBuf)>,
    /// Temporary files a killed build left, found under the lock; removed
    /// when this build finishes (a build that fails changes nothing).
    leftovers: Vec<PathBuf>,
}

impl std::fmt::Debug for Publication<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publication")
            .field("out_dir", &self.out_dir)
            .field("names", &self.names)
            .finish_non_exhaustive()
    }
}

impl<'d> Publication<'d> {
    /// Creates and locks `out_dir`, reads what maintcal owns in it, and
    /// removes the temporary files an interrupted build left.
    pub fn begin(out_dir: &Path, disk: &'d dyn Disk) -> anyhow::Result<Self> {
        create_folder(out_dir)?;
        let lock = lock(out_dir)?;
        let folder = durable::Folder::open(out_dir);
        let mut report = Report::default();
        let owned = Owned::read(out_dir)?;
        if let Some(mark) = &owned.unfinished {
            report.notes.push(format!(
                "{} held files of two builds: {} was left behind by an interrupted build that \
                 was replacing them; this build replaced the whole set",
                out_dir.display(),
                mark.display()
            ));
        }
        let leftovers = temporaries(out_dir);
        Ok(Publication {
            out_dir: out_dir.to_owned(),
            disk,
            _lock: lock,
            folder,
            owned,
            record: Vec::new(),
            report,
            names: Vec::new(),
            staged: Vec::new(),
            leftovers,
        })
    }

    /// Fails, naming every one, if any of `names` (every file the build
    /// will add) is in the way of a file maintcal did not write: called
    /// before the first [`Publication::add`], so that such a build stages
    /// nothing at all. `add` checks each name again.
    pub fn claim(&self, names: &[String]) -> anyhow::Result<()> {
        self.owned
            .check_may_write(&self.out_dir, names.iter().map(String::as_str))
    }

    /// Whether the folder holds one whole build: no mark of a build
    /// stopped while replacing files, no temporary file left behind.
    pub fn is_clean(&self) -> bool {
        self.owned.unfinished.is_none() && self.leftovers.is_empty()
    }

    /// Counts `file_name` as produced by this build and left as it is: the
    /// caller knows (from the [`BuildRecord`]) that its bytes on disk are
    /// the ones this build would write.
    pub fn keep(&mut self, file_name: &str) -> anyhow::Result<()> {
        self.owned.check_may_write(&self.out_dir, [file_name])?;
        self.names.push(file_name.to_owned());
        let path = self.out_dir.join(file_name);
        self.report.files.push((path, Written::Unchanged));
        Ok(())
    }

    /// Stages one file: unchanged bytes are left alone, changed ones are
    /// written in full to a temporary file beside it (flushed to disk in
    /// [`Publication::finish`]).
    pub fn add(&mut self, output: &Output) -> anyhow::Result<Written> {
        let path = self.out_dir.join(&output.file_name);
        self.owned
            .check_may_write(&self.out_dir, [output.file_name.as_str()])?;
        if output.file_name == manifest::FILE_NAME {
            self.record = manifest::owned_files(&output.bytes).unwrap_or_default();
        }
        self.names.push(output.file_name.clone());
        let written = if same_bytes(&path, &output.bytes) {
            Written::Unchanged
        } else {
            let temporary =
                stage(&self.out_dir, &path, &output.bytes, self.disk).with_context(|| {
                    format!(
                        "writing {} failed, so nothing in {} was changed",
                        path.display(),
                        self.out_dir.display()
                    )
                })?;
            self.staged.push((temporary, path.clone()));
            Written::Updated
        };
        self.report.files.push((path, written));
        Ok(written)
    }

    /// Renames every staged file into place, the manifest last, after
    /// removing the files the previous build made and this one no longer
    /// does.
    pub fn finish(mut self) -> anyhow::Result<Report> {
        self.folder.flush_all(&self.out_dir, &self.staged)?;
        remove_leftovers(&self.leftovers, &mut self.report.notes);
        let staged = std::mem::take(&mut self.staged);
        let (record, files): (Vec<_>, Vec<_>) = staged
            .into_iter()
            .partition(|(_, path)| path.file_name().is_some_and(|n| n == manifest::FILE_NAME));
        let unproduced: Vec<String> = self
            .owned
            .unproduced(&self.names)
            .into_iter()
            .filter(|name| std::fs::symlink_metadata(self.out_dir.join(name)).is_ok())
            .map(str::to_owned)
            .collect();
        // From the first rename to the last, the folder mixes two builds;
        // the mark says so if this build is stopped in between.
        let changing = !files.is_empty() || !record.is_empty() || !unproduced.is_empty();
        if changing {
            // This build's files, and every file already maintcal's: if
            // this build is repairing a stopped one and is stopped in turn,
            // the files of both stay maintcal's.
            let mut mark = self.record.clone();
            mark.extend(self.owned.entries());
            record::mark_unfinished(&self.out_dir, &mark).with_context(|| {
                format!(
                    "cannot start replacing files, so nothing in {} was changed",
                    self.out_dir.display()
                )
            })?;
        }
        let mut done: Vec<String> = Vec::new();
        for (temporary, path) in files {
            commit(temporary, &path, &done)?;
            done.push(path.display().to_string());
        }
        self.report.removed = remove_unproduced(
            &self.out_dir,
            &self.owned,
            &unproduced,
            &mut self.report.notes,
        );
        for (temporary, path) in record {
            commit(temporary, &path, &done)?;
        }
        // Make the renames themselves durable before the mark goes.
        sync_folder(&self.out_dir);
        if (changing || self.owned.unfinished.is_some())
            && let Err(error) = record::clear_unfinished(&self.out_dir)
        {
            self.report.notes.push(format!(
                "every file is in place, but {} could not be removed ({error}); \
                 the next build removes it",
                self.out_dir.join(record::UNFINISHED).display()
            ));
        }
        Ok(self.report)
    }
}

/// Flushes the folder, so that renames in it are on disk. Some file systems
/// cannot sync a folder; the files are whole either way.
fn sync_folder(out_dir: &Path) {
    let _ = File::open(out_dir).and_then(|dir| dir.sync_all());
}

/// A new temporary file in `dir`, with maintcal's prefix (so that the next
/// build removes it if this one is killed), private until published.
fn temporary_in(dir: &Path) -> anyhow::Result<tempfile::NamedTempFile> {
    // Same folder, so the rename stays on one file system and is atomic.
    tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .with_context(|| {
            format!(
                "cannot create a file in {} (is the folder writable?)",
                dir.display()
            )
        })
}

/// Whether the file at `path` holds exactly `bytes`, read in blocks so that
/// comparing never holds a second copy of a feed.
pub fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut file) = File::open(path) else {
        return false;
    };
    if file.metadata().map(|m| m.len()).ok() != Some(bytes.len() as u64) {
        return false;
    }
    let mut block = vec![0; 64 * 1024];
    let mut rest = bytes;
    loop {
        match file.read(&mut block) {
            Ok(0) => return rest.is_empty(),
            Ok(n) => {
                if n > rest.len() || block[..n] != rest[..n] {
                    return false;
                }
                rest = &rest[n..];
            }
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

fn create_folder(out_dir: &Path) -> anyhow::Result<()> {
    let folder = out_dir.display();
    match std::fs::metadata(out_dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => bail!(
            "the output folder {folder} is a file, not a folder; move it away or pass --out with another folder"
        ),
        Err(_) => std::fs::create_dir_all(out_dir)
            .with_context(|| format!("cannot create the output folder {folder}")),
    }
}

/// Holds the folder's lock until dropped.
#[derive(Debug)]
// The handle is only held, never read: dropping it releases the lock.
struct Lock(#[allow(dead_code)] Option<File>);

#[cfg(unix)]
fn lock(out_dir: &Path) -> anyhow::Result<Lock> {
    let folder = out_dir.display();
    let handle = File::open(out_dir)
        .with_context(|| format!("cannot open the output folder {folder} to lock it"))?;
    // A lock released an instant ago can still be held by a process that
    // another thread of the same program was starting at that moment (it
    // shares the open folder until it executes its program): try a few
    // times within a quarter of a second before calling it another build.
    let mut attempt = 0;
    let tried = loop {
        match handle.try_lock() {
            Err(std::fs::TryLockError::WouldBlock) if attempt < 25 => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            tried => break tried,
        }
    };
    match tried {
        Ok(()) => Ok(Lock(Some(handle))),
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "another maintcal build is writing to {folder} right now, so this one changed nothing; run it again when the other has finished"
        ),
        Err(std::fs::TryLockError::Error(error))
            if error.kind() == std::io::ErrorKind::Unsupported =>
        {
            // A file system without locks (some network mounts): the
            // writes are still atomic one by one.
            Ok(Lock(None))
        }
        Err(std::fs::TryLockError::Error(error)) => {
            Err(error).with_context(|| format!("cannot lock the output folder {folder}"))
        }
    }
}

// Folders cannot be opened as files on other systems; there, concurrent
// builds are not detected (each write is still atomic).
#[cfg(not(unix))]
fn lock(_out_dir: &Path) -> anyhow::Result<Lock> {
    Ok(Lock(None))
}

fn is_temporary(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

/// The temporary files a killed build left (they carry maintcal's own
/// prefix; no other build is running, as the folder is locked). This
/// build's own are created after, with names no leftover has.
fn temporaries(out_dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(out_dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| entry.file_name().to_str().is_some_and(is_temporary))
        .map(|entry| entry.path())
        .collect()
}

fn remove_leftovers(leftovers: &[PathBuf], notes: &mut Vec<String>) {
    for path in leftovers {
        match std::fs::remove_file(path) {
            Ok(()) => notes.push(format!(
                "removed {}, left behind by an interrupted build",
                path.display()
            )),
            Err(error) => notes.push(format!(
                "could not remove {} ({error}), left behind by an interrupted build",
                path.display()
            )),
        }
    }
}

/// Only plain files are replaced: a folder, a link or a pipe at a feed's
/// name is someone else's, and reading a pipe would hang the build.
fn check_replaceable(path: &Path) -> anyhow::Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    let kind = meta.file_type();
    let what = if kind.is_file() {
        return Ok(());
    } else if kind.is_dir() {
        "a folder"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    };
    bail!(
        "{} is {what}, not a file maintcal wrote, so this build changed nothing; move it away and build again",
        path.display()
    )
}

fn stage(
    dir: &Path,
    path: &Path,
    bytes: &[u8],
    disk: &dyn Disk,
) -> anyhow::Result<tempfile::TempPath> {
    let mut temporary = temporary_in(dir)?;
    disk.write(temporary.as_file_mut(), bytes)?;
    if let Some(permissions) = publishable_permissions(path) {
        temporary.as_file().set_permissions(permissions)?;
    }
    // On an error above, the temporary file is removed when dropped. Its
    // handle is closed now, so a build of a thousand feeds never holds a
    // thousand open files; the path still removes the file when dropped.
    // It is flushed to disk in `finish`, with every other one, before any
    // is renamed.
    Ok(temporary.into_temp_path())
}

fn commit(temporary: tempfile::TempPath, path: &Path, done: &[String]) -> anyhow::Result<()> {
    temporary
        .persist(path)
        .map_err(|e| e.error)
        .with_context(|| {
            let done = if done.is_empty() {
                "none".to_owned()
            } else {
                done.join(", ")
            };
            format!(
                "replacing {} failed (already replaced, each whole: {done}); build again",
                path.display()
            )
        })
}

/// Temporary files are created private (0600); a published file must be
/// readable by the web server, so it keeps the old file's mode, or gets 0644.
#[cfg(unix)]
fn publishable_permissions(path: &Path) -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(match std::fs::metadata(path) {
        Ok(existing) => existing.permissions(),
        Err(_) => std::fs::Permissions::from_mode(0o644),
    })
}

#[cfg(not(unix))]
fn publishable_permissions(_path: &Path) -> Option<std::fs::Permissions> {
    None
}

/// Removes each of `unproduced` (recorded, not produced by this build)
/// whose bytes are still ones maintcal wrote.
fn remove_unproduced(
    out_dir: &Path,
    owned: &Owned,
    unproduced: &[String],
    notes: &mut Vec<String>,
) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    for name in unproduced {
        let path = out_dir.join(name);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue; // already gone
        };
        let same = meta.is_file()
            && std::fs::read(&path).is_ok_and(|bytes| owned.wrote(name, &sha256_hex(&bytes)));
        if !same {
            notes.push(format!(
                "left {} in place: an earlier build wrote it, but it has changed since, so it is not maintcal's to remove",
                path.display()
            ));
            continue;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => removed.push(path),
            Err(error) => notes.push(format!(
                "could not remove {}, which this build no longer produces: {error}",
                path.display()
            )),
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(name: &str, bytes: &[u8]) -> Output {
        Output {
            file_name: name.to_owned(),
            bytes: bytes.to_vec(),
            events: Some(1),
        }
    }

    /// A manifest that records `files` (hashes aside).
    fn record(files: &[&str]) -> Output {
        let files: Vec<_> = files
            .iter()
            .map(|f| serde_json::json!({"file": f, "sha256": ""}))
            .collect();
        let json = serde_json::json!({"generator": "maintcal", "format": 1, "files": files});
        output(manifest::FILE_NAME, json.to_string().as_bytes())
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn unchanged_files_are_not_rewritten_and_no_temporary_file_remains() {
        let dir = tempfile::tempdir().unwrap();
        let outputs = [
            output("a.ics", b"one"),
            output("b.ics", b"two"),
            record(&["a.ics", "b.ics"]),
        ];
        let first = publish(dir.path(), &outputs).unwrap();
        assert!(first.files.iter().all(|(_, w)| *w == Written::Updated));
        let second = publish(dir.path(), &outputs).unwrap();
        assert!(second.files.iter().all(|(_, w)| *w == Written::Unchanged));
        assert_eq!(names(dir.path()), ["a.ics", "b.ics", "feeds.json"]);
    }

    #[test]
    fn files_in_the_way_stop_the_build_before_anything_is_staged() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.ics"), b"mine").unwrap();
        let error = publish(
            dir.path(),
            &[output("a.ics", b"one"), output("b.ics", b"two")],
        )
        .unwrap_err();
        assert!(
            format!("{error:#}").contains("maintcal did not write"),
            "{error:#}"
        );
        assert_eq!(names(dir.path()), ["b.ics"]);
    }

    #[test]
    fn temporary_names_are_recognized_by_prefix_and_suffix() {
        assert!(is_temporary(".maintcal-Ab12xY.tmp"));
        assert!(!is_temporary("maintcal-Ab12xY.tmp"));
        assert!(!is_temporary(".maintcal-notes.txt"));
    }

    #[test]
    fn a_write_error_while_staging_leaves_the_folder_as_it_was() {
        struct Failing;
        impl Disk for Failing {
            fn write(&self, _: &mut File, _: &[u8]) -> std::io::Result<()> {
                Err(std::io::Error::other("injected"))
            }
        }
        let dir = tempfile::tempdir().unwrap();
        publish(dir.path(), &[output("a.ics", b"old"), record(&["a.ics"])]).unwrap();
        let error = publish_with(
            dir.path(),
            &[output("a.ics", b"new"), output("b.ics", b"two")],
            &Failing,
        )
        .unwrap_err();
        assert!(format!("{error:#}").contains("injected"), "{error:#}");
        assert_eq!(names(dir.path()), ["a.ics", "feeds.json"]);
        assert_eq!(std::fs::read(dir.path().join("a.ics")).unwrap(), b"old");
    }
}
