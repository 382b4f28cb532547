//! `build --check`: what a build would change in the output folder, found
//! without writing anything.

use super::record::Owned;
use super::{Output, same_bytes};
use std::path::{Path, PathBuf};

/// Why the output folder does not match what the schedules give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    Missing(PathBuf),
    Differs(PathBuf),
    /// An earlier build's file that a build would now remove.
    Unproduced(PathBuf),
    /// The mark of a build stopped while replacing files: the folder may
    /// mix two builds.
    Unfinished(PathBuf),
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Stale::Missing(path) => write!(f, "{} (missing)", path.display()),
            Stale::Differs(path) => write!(f, "{} (differs)", path.display()),
            Stale::Unproduced(path) => write!(f, "{} (no longer produced)", path.display()),
            Stale::Unfinished(path) => write!(
                f,
                "{} (a build was stopped while replacing files, so the folder may mix two builds)",
                path.display()
            ),
        }
    }
}

/// The outputs whose files are missing or differ, and the files a build
/// would remove; writes nothing.
#[cfg(test)]
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
        let owned = Owned::read(out_dir).unwrap_or_default();
        for name in owned.unproduced(&names) {
            let path = out_dir.join(name);
            if path.is_file() {
                found.push(Stale::Unproduced(path));
            }
        }
        if let Some(mark) = owned.unfinished {
            found.push(Stale::Unfinished(mark));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::record;

    fn output(name: &str, bytes: &[u8]) -> Output {
        Output {
            file_name: name.to_owned(),
            bytes: bytes.to_vec(),
            events: Some(1),
        }
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
    fn a_stopped_builds_mark_makes_the_folder_stale_even_if_every_file_matches() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.ics"), b"one").unwrap();
        record::mark_unfinished(dir.path(), &[]).unwrap();
        assert_eq!(
            stale(dir.path(), &[output("a.ics", b"one")]),
            vec![Stale::Unfinished(dir.path().join(record::UNFINISHED))]
        );
    }
}
