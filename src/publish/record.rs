//! What maintcal owns in the output folder, and the mark a build leaves
//! while it replaces files.
//!
//! - Ownership. The previous build's `feeds.json` is the record of every
//!   file maintcal wrote, with its hash; `feeds.json` itself is maintcal's
//!   when it reads as such a record. A build writes a name only where
//!   nothing is yet, or where the record lists it; anything else in the way
//!   (a hand-written page, a foreign `feeds.json`, a template) stops the
//!   build before it stages anything, naming every such file.
//! - The unfinished mark. Replacing the files one rename at a time cannot
//!   be one atomic step inside a folder that must keep its identity (it may
//!   be a mount point, someone's working folder, or hold files that are not
//!   maintcal's). So before the first rename, a build writes
//!   `.maintcal-unfinished` (whole and flushed to disk), holding the record
//!   of the files it is putting in place, and removes it after the last.
//!   While it is there, the folder may mix two builds: `build --check`
//!   says so, and the next build counts both records as maintcal's and
//!   replaces the whole set.

use crate::render::manifest::{self, OwnedFile};
use anyhow::Context;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The mark of a build that is (or was, when it was stopped) replacing
/// files. Hidden and with maintcal's prefix, so no record ever lists it.
pub const UNFINISHED: &str = ".maintcal-unfinished";

/// The files of the output folder that are maintcal's to replace or remove.
#[derive(Debug, Default)]
pub struct Owned {
    /// Whether `feeds.json` is maintcal's record.
    has_record: bool,
    /// Why a `feeds.json` in the folder is not maintcal's record.
    foreign_record: Option<String>,
    /// Each recorded name with the hashes maintcal wrote under it (two
    /// when a build was stopped between two sets).
    files: BTreeMap<String, Vec<String>>,
    /// The mark of a build that was stopped while replacing files.
    pub unfinished: Option<PathBuf>,
}

impl Owned {
    /// Reads the record and, if a build was stopped half-way, the record
    /// of the set it was putting in place.
    pub fn read(out_dir: &Path) -> anyhow::Result<Self> {
        let mut owned = Owned::default();
        let path = out_dir.join(manifest::FILE_NAME);
        if is_plain_file(&path) {
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            match manifest::owned_files(&bytes) {
                Ok(files) => {
                    owned.has_record = true;
                    owned.add(files);
                }
                Err(problem) => owned.foreign_record = Some(problem.to_string()),
            }
        }
        let mark = out_dir.join(UNFINISHED);
        if is_plain_file(&mark) {
            // Written whole (renamed into place), so it reads; a mark
            // edited by hand still says that the set may be mixed.
            if let Ok(files) = std::fs::read(&mark)
                .map_err(anyhow::Error::from)
                .and_then(|bytes| Ok(manifest::owned_files(&bytes)?))
            {
                owned.add(files);
            }
            owned.unfinished = Some(mark);
        }
        Ok(owned)
    }

    fn add(&mut self, files: Vec<OwnedFile>) {
        for file in files.into_iter().filter(|f| plain_name(&f.file)) {
            let hashes = self.files.entry(file.file).or_default();
            if !hashes.contains(&file.sha256) {
                hashes.push(file.sha256);
            }
        }
    }

    /// Whether maintcal wrote `name`, so a build may replace it.
    fn may_replace(&self, name: &str) -> bool {
        if name == manifest::FILE_NAME {
            self.has_record
        } else {
            self.files.contains_key(name)
        }
    }

    /// Every recorded file with each hash, for the mark of a build that
    /// replaces files: should that build be stopped too, what an earlier
    /// stopped build wrote stays maintcal's.
    pub fn entries(&self) -> impl Iterator<Item = OwnedFile> + '_ {
        self.files.iter().flat_map(|(name, hashes)| {
            hashes.iter().map(|sha256| OwnedFile {
                file: name.clone(),
                sha256: sha256.clone(),
            })
        })
    }

    /// Whether maintcal wrote exactly these bytes (by hash) as `name`.
    pub fn wrote(&self, name: &str, sha256: &str) -> bool {
        self.files
            .get(name)
            .is_some_and(|hashes| hashes.iter().any(|h| h == sha256))
    }

    /// Recorded files that this build, producing `names`, does not.
    pub fn unproduced(&self, names: &[String]) -> Vec<&str> {
        let names: HashSet<&str> = names.iter().map(String::as_str).collect();
        self.files
            .keys()
            .map(String::as_str)
            .filter(|name| !names.contains(name))
            .collect()
    }

    /// Fails, naming each one, if a file maintcal did not write is in the
    /// way of `names`; checks everything before anything is written.
    pub fn check_may_write<'a>(
        &self,
        out_dir: &Path,
        names: impl IntoIterator<Item = &'a str>,
    ) -> anyhow::Result<()> {
        let mut in_the_way = Vec::new();
        for name in names {
            let path = out_dir.join(name);
            super::check_replaceable(&path)?;
            if self.may_replace(name) || std::fs::symlink_metadata(&path).is_err() {
                continue;
            }
            in_the_way.push(match (&self.foreign_record, name == manifest::FILE_NAME) {
                (Some(problem), true) => {
                    format!("{} (not maintcal's record: {problem})", path.display())
                }
                _ => path.display().to_string(),
            });
        }
        if in_the_way.is_empty() {
            return Ok(());
        }
        let record = out_dir.join(manifest::FILE_NAME);
        anyhow::bail!(
            "maintcal did not write {}, so this build changed nothing: it only writes into an \
             empty or new folder, or over the files its record ({}) lists. Move {} away, or pass \
             --out with a folder of its own",
            in_the_way.join(", "),
            record.display(),
            if in_the_way.len() == 1 { "it" } else { "them" },
        )
    }
}

fn is_plain_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|meta| meta.is_file())
}

/// A recorded name maintcal may act on: a plain file name in the folder,
/// not the record itself. Anything else in a (hand-edited) record is
/// ignored.
pub fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0'])
        && name != manifest::FILE_NAME
}

/// Puts the unfinished mark, holding `record`, in place: written in full
/// and flushed beside its place, renamed in, and the folder flushed, so
/// that it is on disk before any file is replaced.
pub fn mark_unfinished(out_dir: &Path, record: &[OwnedFile]) -> anyhow::Result<()> {
    let text = serde_json::json!({
        "generator": manifest::GENERATOR,
        "format": manifest::FORMAT,
        "note": "maintcal is replacing the files of this folder, or was stopped while it did; \
                 the next `maintcal build` replaces the whole set and removes this file",
        "files": record,
    });
    let mark = out_dir.join(UNFINISHED);
    let mut temporary = super::temporary_in(out_dir)?;
    serde_json::to_writer_pretty(temporary.as_file_mut(), &text)?;
    temporary.as_file_mut().write_all(b"\n")?;
    temporary.as_file().sync_all()?;
    temporary
        .persist(&mark)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", mark.display()))?;
    super::sync_folder(out_dir);
    Ok(())
}

/// Removes the unfinished mark once every file is in place.
pub fn clear_unfinished(out_dir: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(out_dir.join(UNFINISHED)) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            UNFINISHED,
        ] {
            assert!(!plain_name(name), "{name}");
        }
        assert!(plain_name("old-group.ics"));
        assert!(plain_name("index.html"));
    }

    #[test]
    fn a_stopped_builds_files_count_as_maintcals_with_either_hash() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, sha: &str| OwnedFile {
            file: name.into(),
            sha256: sha.into(),
        };
        let record = |files: &[OwnedFile]| {
            serde_json::json!({"generator": "maintcal", "format": 1, "files": files}).to_string()
        };
        std::fs::write(
            dir.path().join(manifest::FILE_NAME),
            record(&[file("a.ics", "old")]),
        )
        .unwrap();
        mark_unfinished(dir.path(), &[file("a.ics", "new"), file("b.ics", "new")]).unwrap();
        let owned = Owned::read(dir.path()).unwrap();
        assert_eq!(owned.unfinished, Some(dir.path().join(UNFINISHED)));
        assert!(owned.wrote("a.ics", "old") && owned.wrote("a.ics", "new"));
        assert!(owned.may_replace("b.ics") && owned.may_replace("feeds.json"));
        assert!(!owned.may_replace("c.ics"));
        // A build repairing this one writes its own record and everything
        // already owned into its mark: stopped too, it loses nothing.
        let mut mark = vec![file("a.ics", "newer")];
        mark.extend(owned.entries());
        mark_unfinished(dir.path(), &mark).unwrap();
        std::fs::write(dir.path().join(manifest::FILE_NAME), record(&[])).unwrap();
        let owned = Owned::read(dir.path()).unwrap();
        for (name, sha) in [
            ("a.ics", "old"),
            ("a.ics", "new"),
            ("a.ics", "newer"),
            ("b.ics", "new"),
        ] {
            assert!(owned.wrote(name, sha), "{name} {sha}");
        }
        clear_unfinished(dir.path()).unwrap();
        assert!(Owned::read(dir.path()).unwrap().unfinished.is_none());
    }
}
