//! `maintcal init`: writes a working operator repository — an example
//! schedule, a GitHub workflow that uses the maintcal action, a .gitignore
//! and a README — from the templates under `templates/init/`.
//!
//! The operator repository keeps only its schedules: the workflow builds
//! `out/` and deploys it to Pages, so `out/` is ignored, never committed.
//! Nothing is overwritten: every path is checked before the first is written.

use crate::cli::{InitArgs, Lang};
use anyhow::Context;
use chrono::{Datelike, Months, NaiveDate};
use std::io::Write;
use std::path::{Path, PathBuf};

const SCHEDULE_EN: &str = include_str!("../templates/init/en/schedule.toml");
const SCHEDULE_JA: &str = include_str!("../templates/init/ja/schedule.toml");
const README_EN: &str = include_str!("../templates/init/en/README.md");
const README_JA: &str = include_str!("../templates/init/ja/README.md");
const WORKFLOW: &str = include_str!("../templates/init/workflow.yml");
const GITIGNORE: &str = include_str!("../templates/init/gitignore");

/// Where the example schedule goes, relative to the new repository.
pub const SCHEDULE_PATH: &str = "schedules/maintenance.toml";
/// Where the workflow goes.
pub const WORKFLOW_PATH: &str = ".github/workflows/maintcal.yml";

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(
        "{} already exist{}; nothing was written (maintcal init never overwrites a file: \
         choose another folder, or move {} away)",
        list(.0),
        if .0.len() == 1 { "s" } else { "" },
        if .0.len() == 1 { "it" } else { "them" }
    )]
    Exists(Vec<PathBuf>),
}

fn list(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

/// The files `init` writes, relative to the new repository, with their text.
/// The example's dates start next month, counted from `today`, so the
/// first build already lists coming windows.
pub fn files(lang: Lang, today: NaiveDate) -> Vec<(&'static str, String)> {
    let (schedule, readme) = match lang {
        Lang::En => (SCHEDULE_EN, README_EN),
        Lang::Ja => (SCHEDULE_JA, README_JA),
    };
    let from = today.with_day(1).unwrap_or(today) + Months::new(1);
    let one_off = from.with_day(21).unwrap_or(from);
    let schedule = schedule
        .replace("{{from}}", &from.to_string())
        .replace("{{one_off}}", &one_off.to_string())
        .replace("{{today}}", &today.to_string());
    let workflow = WORKFLOW.replace("{{version}}", env!("CARGO_PKG_VERSION"));
    vec![
        (SCHEDULE_PATH, schedule),
        (WORKFLOW_PATH, workflow),
        (".gitignore", GITIGNORE.to_owned()),
        ("README.md", readme.to_owned()),
    ]
}

/// Runs `maintcal init`.
pub fn run(args: &InitArgs, stdout: &mut dyn Write) -> anyhow::Result<()> {
    let today = chrono::Local::now().date_naive();
    write(&args.dir, &files(args.lang, today))?;
    for (path, _) in files(args.lang, today) {
        writeln!(stdout, "wrote {}", shown(&args.dir, path).display())?;
    }
    let cd = if args.dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", args.dir.display())
    };
    writeln!(
        stdout,
        "\nnext: {cd}maintcal check && maintcal build, then open out/index.html;\n\
         push to GitHub and set Settings -> Pages -> Source: GitHub Actions"
    )?;
    Ok(())
}

/// `path` under `dir`, as the user would type it (no `./` in front).
fn shown(dir: &Path, path: &str) -> PathBuf {
    if dir == Path::new(".") {
        PathBuf::from(path)
    } else {
        dir.join(path)
    }
}

/// Writes `files` under `dir`, or nothing if any of them exists.
pub fn write(dir: &Path, files: &[(&str, String)]) -> anyhow::Result<()> {
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|(path, _)| shown(dir, path))
        .filter(|path| path.symlink_metadata().is_ok())
        .collect();
    if !existing.is_empty() {
        return Err(InitError::Exists(existing).into());
    }
    let mut written = Vec::new();
    for (path, text) in files {
        let path = dir.join(path);
        let result = create(&path, text);
        if result.is_err() {
            // Leave the folder as it was: remove what this run wrote.
            for earlier in &written {
                let _ = std::fs::remove_file(earlier);
            }
        }
        result?;
        written.push(path);
    }
    Ok(())
}

fn create(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    // create_new: a file that appeared since the check is still not replaced.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_starts_next_month_and_names_this_version() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let files = files(Lang::En, today);
        let schedule = &files[0].1;
        assert!(schedule.contains("from = 2027-01-01\n"), "{schedule}");
        assert!(schedule.contains("date = 2027-01-21\n"), "{schedule}");
        assert!(
            schedule.contains("revised = 2026-12-02T09:00:00Z"),
            "{schedule}"
        );
        for placeholder in ["{{from}}", "{{one_off}}", "{{today}}", "{{version}}"] {
            assert!(!files.iter().any(|(_, text)| text.contains(placeholder)));
        }
        let workflow = &files[1].1;
        let uses = format!("maintcal/maintcal@v{}", env!("CARGO_PKG_VERSION"));
        assert!(workflow.contains(&uses), "{workflow}");
    }
}
