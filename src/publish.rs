//! Stage 4 of the pipeline, and the only code that writes files: put the
//! rendered feeds into the output folder atomically (temporary file in the
//! same folder, then rename), skip files whose bytes did not change, and
//! compare without writing for `build --check`.

use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

/// One rendered file, ready to publish.
#[derive(Debug, Clone)]
pub struct Output {
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Number of calendar events in it, for the report line.
    pub events: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// New or changed bytes were written.
    Updated,
    /// The file already had these bytes; it was not touched.
    Unchanged,
}

/// Writes every output into `out_dir`, each atomically. Everything was
/// rendered before this is called, so a schedule error never leaves a
/// half-built folder; a file that fails to write leaves its previous
/// version whole.
pub fn publish(out_dir: &Path, outputs: &[Output]) -> anyhow::Result<Vec<(PathBuf, Written)>> {
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("creating the output folder {}", out_dir.display()))?;
    let mut results = Vec::new();
    for output in outputs {
        let path = out_dir.join(&output.file_name);
        if std::fs::read(&path).is_ok_and(|existing| existing == output.bytes) {
            results.push((path, Written::Unchanged));
            continue;
        }
        write_atomically(&path, &output.bytes)
            .with_context(|| format!("writing {}", path.display()))?;
        results.push((path, Written::Updated));
    }
    Ok(results)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    // Same folder, so the rename stays on one file system and is atomic.
    let mut temporary = tempfile::Builder::new()
        .prefix(".maintcal-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    temporary.write_all(bytes)?;
    if let Some(permissions) = publishable_permissions(path) {
        temporary.as_file().set_permissions(permissions)?;
    }
    temporary.as_file().sync_all()?;
    // On error the temporary file is removed when dropped.
    temporary.persist(path)?;
    Ok(())
}

/// Temporary files are created private (0600); a published feed must be
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

/// Why a file in the output folder does not match what the schedules give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    Missing(PathBuf),
    Differs(PathBuf),
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Stale::Missing(path) => write!(f, "{} (missing)", path.display()),
            Stale::Differs(path) => write!(f, "{} (differs)", path.display()),
        }
    }
}

/// The outputs whose files are missing or differ; writes nothing.
pub fn stale(out_dir: &Path, outputs: &[Output]) -> Vec<Stale> {
    outputs
        .iter()
        .filter_map(|output| {
            let path = out_dir.join(&output.file_name);
            match std::fs::read(&path) {
                Ok(existing) if existing == output.bytes => None,
                Ok(_) => Some(Stale::Differs(path)),
                Err(_) => Some(Stale::Missing(path)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(name: &str, bytes: &[u8]) -> Output {
        Output {
            file_name: name.to_owned(),
            bytes: bytes.to_vec(),
            events: 1,
        }
    }

    #[test]
    fn unchanged_files_are_not_rewritten_and_no_temporary_file_remains() {
        let dir = tempfile::tempdir().unwrap();
        let outputs = [output("a.ics", b"one"), output("b.ics", b"two")];
        let first = publish(dir.path(), &outputs).unwrap();
        assert!(first.iter().all(|(_, w)| *w == Written::Updated));
        let second = publish(dir.path(), &outputs).unwrap();
        assert!(second.iter().all(|(_, w)| *w == Written::Unchanged));
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
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
}
