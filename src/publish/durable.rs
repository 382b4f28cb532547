//! Getting the staged files onto the disk before any is renamed into place,
//! with as few flushes as the platform allows.
//!
//! The promise is that a crash leaves every file old or new, never torn:
//! no staged file may be renamed over its old version before its bytes are
//! on disk. Flushing each file costs one wait for the disk per file
//! (`fsync` waits for a journal commit each time); on Linux one `syncfs`
//! of the output folder's file system after every file is written waits
//! once for all of them, and reports the write errors of any of them
//! (Linux 5.8 and later). Where there is no `syncfs` (other systems, or a
//! file system that refuses it), each staged file is flushed in turn.

use anyhow::Context;
use std::path::{Path, PathBuf};

/// Flushes every staged file (temporary path, final path) to disk.
pub fn flush_all(out_dir: &Path, staged: &[(tempfile::TempPath, PathBuf)]) -> anyhow::Result<()> {
    if staged.is_empty() {
        return Ok(());
    }
    if sync_file_system(out_dir).is_ok() {
        return Ok(());
    }
    for (temporary, path) in staged {
        std::fs::File::open(temporary)
            .and_then(|file| file.sync_all())
            .with_context(|| {
                format!(
                    "writing {} failed, so nothing in {} was changed",
                    path.display(),
                    out_dir.display()
                )
            })?;
    }
    Ok(())
}

/// Flushes the whole file system that holds `dir`: every file written to
/// it so far, the staged ones among them.
#[cfg(target_os = "linux")]
fn sync_file_system(dir: &Path) -> std::io::Result<()> {
    let folder = std::fs::File::open(dir)?;
    rustix::fs::syncfs(&folder).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn sync_file_system(_dir: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}
