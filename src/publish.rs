//! Stage 4 of the pipeline, and the only code that writes files: put the
//! rendered files into the output folder so that it is never half-written.
//!
//! - Two phases. Every changed file is first written in full to a temporary
//!   file in the output folder, and all are flushed to disk; only when all
//!   of them are there are they renamed into place (a rename within one folder is
//!   atomic). A full disk, a read-only folder or any other write error in
//!   the first phase leaves every previous file byte-identical. A build
//!   stages each file through a [`Publication`] as soon as it is rendered,
//!   so the bytes of one file at a time are in memory, never all of them.
//! - Incremental: a file whose bytes did not change is not rewritten, so its
//!   mtime stays and caches and rsync see no change.
//! - The manifest (`feeds.json`) is the record of what maintcal owns. A file
//!   a previous build recorded but this one no longer produces (a removed
//!   group) is deleted, and only if its bytes are still the ones recorded;
//!   nothing else in the folder is ever touched. The manifest is renamed
//!   into place last, after those deletions, so that an interrupted build
//!   still has the previous record to finish from.
//! - One build at a time: the folder is locked (an advisory `flock` on the
//!   folder itself, so no lock file appears in it) and a second build fails
//!   at once instead of interleaving its renames with the first.
//! - Temporary files are named `.maintcal-*.tmp`; those a killed build left
//!   behind are removed by the next one, under the lock.
//!
//! `build --check` compares without writing ([`stale`], [`StaleCheck`]).

use crate::render::manifest::{self, OwnedFile};
use crate::site::sha256_hex;
use anyhow::{Context, bail};
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
pub fn publish(out_dir: &Path, outputs: &[Output]) -> anyhow::Result<Report> {
    publish_with(out_dir, outputs, &RealDisk)
}

/// [`publish`], writing through `disk`.
pub fn publish_with(out_dir: &Path, outputs: &[Output], disk: &dyn Disk) -> anyhow::Result<Report> {
    let mut publication = Publication::begin(out_dir, disk)?;
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
    previous: Option<Vec<OwnedFile>>,
    report: Report,
    /// Every file name given, for what the previous build made and this one
    /// no longer does.
    names: Vec<String>,
    /// Changed files, written in full and synced, with their final paths.
    staged: Vec<(tempfile::TempPath, PathBuf)>,
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
    /// Creates and locks `out_dir`, and removes what an interrupted build
    /// left in it.
    pub fn begin(out_dir: &Path, disk: &'d dyn Disk) -> anyhow::Result<Self> {
        create_folder(out_dir)?;
        let lock = lock(out_dir)?;
        let mut report = Report::default();
        remove_temporaries(out_dir, &mut report.notes);
        let previous = previous_record(out_dir, &mut report.notes);
        Ok(Publication {
            out_dir: out_dir.to_owned(),
            disk,
            _lock: lock,
            previous,
            report,
            names: Vec::new(),
            staged: Vec::new(),
        })
    }

    /// Stages one file: unchanged bytes are left alone, changed ones are
    /// written in full to a temporary file beside it and flushed to disk.
    pub fn add(&mut self, output: &Output) -> anyhow::Result<Written> {
        let path = self.out_dir.join(&output.file_name);
        check_replaceable(&path)?;
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
        for (temporary, path) in &self.staged {
            flush(temporary).with_context(|| {
                format!(
                    "writing {} failed, so nothing in {} was changed",
                    path.display(),
                    self.out_dir.display()
                )
            })?;
        }
        let staged = std::mem::take(&mut self.staged);
        let (record, files): (Vec<_>, Vec<_>) = staged
            .into_iter()
            .partition(|(_, path)| path.file_name().is_some_and(|n| n == manifest::FILE_NAME));
        let mut done: Vec<String> = Vec::new();
        for (temporary, path) in files {
            commit(temporary, &path, &done)?;
            done.push(path.display().to_string());
        }
        if let Some(previous) = &self.previous {
            self.report.removed =
                remove_unproduced(&self.out_dir, previous, &self.names, &mut self.report.notes);
        }
        for (temporary, path) in record {
            commit(temporary, &path, &done)?;
        }
        // Make the renames themselves durable. Some file systems cannot sync
        // a folder; the files are already whole either way.
        let _ = File::open(&self.out_dir).and_then(|dir| dir.sync_all());
        Ok(self.report)
    }
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
    match handle.try_lock() {
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

/// Removes the temporary files a killed build left (they carry maintcal's
/// own prefix; no other build is running, as the folder is locked).
fn remove_temporaries(out_dir: &Path, notes: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(out_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str().filter(|n| is_temporary(n)) else {
            continue;
        };
        let path = entry.path();
        match std::fs::remove_file(&path) {
            Ok(()) => notes.push(format!(
                "removed {}, left behind by an interrupted build",
                path.display()
            )),
            Err(error) => notes.push(format!(
                "could not remove {} ({error}), left behind by an interrupted build ({name})",
                path.display()
            )),
        }
    }
}

/// The files the previous build recorded, if there is a record to trust.
fn previous_record(out_dir: &Path, notes: &mut Vec<String>) -> Option<Vec<OwnedFile>> {
    let path = out_dir.join(manifest::FILE_NAME);
    let bytes = std::fs::read(&path).ok()?;
    match manifest::owned_files(&bytes) {
        Ok(files) => Some(files),
        Err(problem) => {
            notes.push(format!(
                "{} is not maintcal's record ({problem}); no file of an earlier build was removed, and it is replaced by this build's",
                path.display()
            ));
            None
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
    // Same folder, so the rename stays on one file system and is atomic.
    let mut temporary = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .with_context(|| {
            format!(
                "cannot create a file in {} (is the folder writable?)",
                dir.display()
            )
        })?;
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

/// Flushes a staged file to disk. Done for all of them together once all
/// are written, rather than each as it is written: a flush waits for a
/// journal commit, which then covers every file written so far, so the
/// files after the first find little left to do (on a build of 800 feeds,
/// seconds of waiting become one commit). Nothing is renamed before every
/// flush has succeeded, so the guarantee is the same.
fn flush(temporary: &Path) -> std::io::Result<()> {
    File::open(temporary)?.sync_all()
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

/// A recorded name maintcal may act on: a plain file name in the folder,
/// not the record itself. Anything else in a (hand-edited) record is ignored.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0'])
        && name != manifest::FILE_NAME
}

/// Files recorded by the previous build that this build does not produce.
fn unproduced<'a>(previous: &'a [OwnedFile], names: &[String]) -> Vec<&'a OwnedFile> {
    let names: std::collections::HashSet<&str> = names.iter().map(String::as_str).collect();
    previous
        .iter()
        .filter(|owned| plain_name(&owned.file))
        .filter(|owned| !names.contains(owned.file.as_str()))
        .collect()
}

fn remove_unproduced(
    out_dir: &Path,
    previous: &[OwnedFile],
    names: &[String],
    notes: &mut Vec<String>,
) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    for owned in unproduced(previous, names) {
        let path = out_dir.join(&owned.file);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue; // already gone
        };
        let same = meta.is_file()
            && std::fs::read(&path).is_ok_and(|bytes| sha256_hex(&bytes) == owned.sha256);
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

/// Why the output folder does not match what the schedules give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    Missing(PathBuf),
    Differs(PathBuf),
    /// An earlier build's file that a build would now remove.
    Unproduced(PathBuf),
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Stale::Missing(path) => write!(f, "{} (missing)", path.display()),
            Stale::Differs(path) => write!(f, "{} (differs)", path.display()),
            Stale::Unproduced(path) => write!(f, "{} (no longer produced)", path.display()),
        }
    }
}

/// The outputs whose files are missing or differ, and the files a build
/// would remove; writes nothing.
pub fn stale(out_dir: &Path, outputs: &[Output]) -> Vec<Stale> {
    let mut check = StaleCheck::default();
    for output in outputs {
        check.add(out_dir, output);
    }
    check.finish(out_dir)
}

/// [`stale`] one file at a time, so that a build can drop each file's bytes
/// once compared.
#[derive(Debug, Default)]
pub struct StaleCheck {
    found: Vec<Stale>,
    names: Vec<String>,
}

impl StaleCheck {
    pub fn add(&mut self, out_dir: &Path, output: &Output) {
        let path = out_dir.join(&output.file_name);
        self.names.push(output.file_name.clone());
        if !same_bytes(&path, &output.bytes) {
            self.found.push(if path.exists() {
                Stale::Differs(path)
            } else {
                Stale::Missing(path)
            });
        }
    }

    pub fn finish(self, out_dir: &Path) -> Vec<Stale> {
        let StaleCheck { mut found, names } = self;
        let previous = std::fs::read(out_dir.join(manifest::FILE_NAME))
            .ok()
            .and_then(|bytes| manifest::owned_files(&bytes).ok())
            .unwrap_or_default();
        for owned in unproduced(&previous, &names) {
            let path = out_dir.join(&owned.file);
            if path.is_file() {
                found.push(Stale::Unproduced(path));
            }
        }
        found
    }
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
        let outputs = [output("a.ics", b"one"), output("b.ics", b"two")];
        let first = publish(dir.path(), &outputs).unwrap();
        assert!(first.files.iter().all(|(_, w)| *w == Written::Updated));
        let second = publish(dir.path(), &outputs).unwrap();
        assert!(second.files.iter().all(|(_, w)| *w == Written::Unchanged));
        assert_eq!(names(dir.path()), ["a.ics", "b.ics"]);
    }

    #[test]
    fn stale_names_missing_and_different_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.ics"), b"old").unwrap();
        let outputs = [output("a.ics", b"new"), output("b.ics", b"two")];
        assert_eq!(
            stale(dir.path(), &outputs),
            vec![
                Stale::Differs(dir.path().join("a.ics")),
                Stale::Missing(dir.path().join("b.ics"))
            ]
        );
    }

    #[test]
    fn temporary_names_are_recognized_by_prefix_and_suffix() {
        assert!(is_temporary(".maintcal-Ab12xY.tmp"));
        assert!(!is_temporary("maintcal-Ab12xY.tmp"));
        assert!(!is_temporary(".maintcal-notes.txt"));
    }

    #[test]
    fn recorded_names_outside_the_folder_are_never_acted_on() {
        for name in [
            "../x.ics",
            "/etc/passwd",
            "a/b.ics",
            ".hidden",
            "",
            "feeds.json",
            "a\\b",
        ] {
            assert!(!plain_name(name), "{name}");
        }
        assert!(plain_name("old-group.ics"));
        assert!(plain_name("index.html"));
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
        std::fs::write(dir.path().join("a.ics"), b"old").unwrap();
        let error = publish_with(
            dir.path(),
            &[output("a.ics", b"new"), output("b.ics", b"two")],
            &Failing,
        )
        .unwrap_err();
        assert!(format!("{error:#}").contains("injected"), "{error:#}");
        assert_eq!(names(dir.path()), ["a.ics"]);
        assert_eq!(std::fs::read(dir.path().join("a.ics")).unwrap(), b"old");
    }
}
