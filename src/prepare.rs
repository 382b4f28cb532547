//! Stages 1 and 2 as every command runs them: load and check the
//! schedules, expand every window once, and print the warnings of both,
//! together, in file and line order (or every problem, if the schedules
//! are invalid).

use crate::expand::{self, Expanded};
use crate::schedule::{self, Loaded, ScheduleError};
use anyhow::Context;
use std::io::Write;
use std::path::Path;

/// Loads and checks the schedules (stage 1), printing every problem if
/// they are invalid; their warnings wait for [`expand_and_warn`].
pub(crate) fn load(dir: &Path, stderr: &mut dyn Write) -> anyhow::Result<Loaded> {
    match schedule::load_dir(dir) {
        Ok(loaded) => Ok(loaded),
        Err(error @ ScheduleError::Invalid { .. }) => {
            if let ScheduleError::Invalid { report, .. } = &error {
                stderr.write_all(report.as_bytes())?;
            }
            Err(error.into())
        }
        Err(error) if nothing_to_start_from(&error) => {
            let chain = format!("{:#}", anyhow::Error::new(error));
            anyhow::bail!(
                "loading the schedules: {chain}\n\
                 help: start a schedule repository with `maintcal init`, \
                 or name the folder that holds yours with `--schedules DIR`"
            )
        }
        Err(error) => Err(error).context("loading the schedules"),
    }
}

/// Whether the schedules folder is missing or holds no schedule: most often
/// a first run, or a run from the wrong folder.
fn nothing_to_start_from(error: &ScheduleError) -> bool {
    match error {
        ScheduleError::NoSchedules { .. } => true,
        ScheduleError::ReadDir { source, .. } => source.kind() == std::io::ErrorKind::NotFound,
        _ => false,
    }
}

/// Expands every window once (stage 2) and prints every warning, the
/// loader's and the expanded windows' together, in file and line order.
pub(crate) fn expand_and_warn<'s>(
    loaded: &'s Loaded,
    stderr: &mut dyn Write,
) -> anyhow::Result<Expanded<'s>> {
    Ok(expand_and_count_warnings(loaded, stderr)?.0)
}

/// [`expand_and_warn`], also saying how many warnings it printed (a build
/// that is later skipped because nothing changed says how many there are).
pub(crate) fn expand_and_count_warnings<'s>(
    loaded: &'s Loaded,
    stderr: &mut dyn Write,
) -> anyhow::Result<(Expanded<'s>, usize)> {
    let expanded = Expanded::new(&loaded.schedules);
    let warnings = loaded.write_report(expand::lint(&expanded, &loaded.places), stderr)?;
    Ok((expanded, warnings))
}
