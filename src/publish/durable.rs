//! Getting the staged files onto the disk before any is renamed into place,
//! with as few flushes as the platform allows.
//!
//! The promise is that a crash leaves every file old or new, never torn:
//! no staged file may be renamed over its old version before its bytes are
//! on disk. Flushing each file costs one wait for the disk per file
//! (`fsync` waits for a journal commit each time); on Linux one `syncfs`
//! of the output folder's file system after every file is written waits
//! once for all of them (0.12 s for the 203 files, 181 MB, of the peers'
//! large workload). Where there is no `syncfs` (other systems, or a kernel
//! without it), each staged file is flushed in turn.
//!
//! Write errors: since Linux 5.8, `syncfs` reports an error of the
//! background write-back of any file of the file system that happened
//! after the folder was opened. So the folder is opened when the
//! publication begins, before anything is staged, and a `syncfs` that
//! fails fails the build (no fall back to flushing file by file: a file
//! opened after the error would not report it). Older kernels do not
//! report such errors from `syncfs`.

use anyhow::Context;
use std::path::{Path, PathBuf};

/// The output folder, held open from before the first file is staged.
#[derive(Debug)]
pub struct Folder(Option<std::fs::File>);

impl Folder {
    pub fn open(out_dir: &Path) -> Folder {
        Folder(std::fs::File::open(out_dir).ok())
    }

    /// Flushes every staged file (temporary path, final path) to disk.
    pub fn flush_all(
        &self,
        out_dir: &Path,
        staged: &[(tempfile::TempPath, PathBuf)],
    ) -> anyhow::Result<()> {
        if staged.is_empty() {
            return Ok(());
        }
        let failed = |path: &Path| {
            format!(
                "writing {} failed, so nothing in {} was changed",
                path.display(),
                out_dir.display()
            )
        };
        if let Some(folder) = &self.0 {
            match sync_file_system(folder) {
                Ok(()) => return Ok(()),
                Err(error) if error.kind() != std::io::ErrorKind::Unsupported => {
                    return Err(error).with_context(|| failed(out_dir));
                }
                Err(_) => {}
            }
        }
        for (temporary, path) in staged {
            std::fs::File::open(temporary)
                .and_then(|file| file.sync_all())
                .with_context(|| failed(path))?;
        }
        Ok(())
    }
}

/// Flushes the whole file system that holds `folder`: every file written
/// to it so far, the staged ones among them.
#[cfg(target_os = "linux")]
fn sync_file_system(folder: &std::fs::File) -> std::io::Result<()> {
    rustix::fs::syncfs(folder).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn sync_file_system(_folder: &std::fs::File) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}
