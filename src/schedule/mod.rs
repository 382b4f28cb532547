//! Stage 1 of the pipeline: read every `schedules/*.toml`, parse it, check
//! it, and hand the rest of the pipeline a [`Schedules`] it can trust.
//!
//! Problems are collected across all files and reported together, in
//! rustc's style (see [`diagnostic`]).
//!
//! This stage imports from no later one. Its parts, in the order a file
//! goes through them: [`limits`] first reads `maintcal.toml`, the limits
//! the rest works within; [`source`] reads the TOML into serde structs, one
//! section at a time; [`validate`] turns them into the checked [`model`],
//! which also holds the rules every stage shares (defaults, hours
//! arithmetic, text policy, the dates a rule gives); [`places`] remembers
//! where each calendar and window is written. Files go through these on a
//! few threads at once ([`each_file`]), and are put back in file order;
//! then, over all files,
//! [`across`] bounds the size of a build, and [`text_limit`] each event's
//! text.

pub(crate) mod across;
pub(crate) mod annotations;
pub(crate) mod diagnostic;
mod each_file;
pub(crate) mod limits;
pub(crate) mod model;
pub(crate) mod places;
pub(crate) mod source;
pub(crate) mod text_limit;
pub(crate) mod validate;

use diagnostic::{Diagnostic, FileId, Severity, SourceFiles};
pub use limits::Limits;
pub use model::Schedules;
pub use places::{Place, Places};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("cannot read the schedules folder {}", path.display())]
    ReadDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read {}", path.display())]
    ReadFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no schedule files (*.toml) in {}", path.display())]
    NoSchedules { path: PathBuf },
    #[error(
        "the schedule files in {} add up to more than {} MiB, the most one build reads, \
         at {}; if this is intended, raise `{}` in the [limits] table of {}",
        path.display(),
        limit / 1024 / 1024,
        at.display(),
        limits::TOTAL_MIB.key,
        path.join(limits::SETTINGS_FILE).display()
    )]
    TooMuch {
        path: PathBuf,
        limit: u64,
        /// The file that crossed the limit (files are read in name order).
        at: PathBuf,
    },
    #[error("{} in the schedules; nothing was written", plural(*errors, "error"))]
    Invalid {
        errors: usize,
        /// Every diagnostic, rendered (warnings too).
        report: String,
    },
}

/// Checked schedules, and the warnings found on the way (rendered).
#[derive(Debug)]
pub struct Loaded {
    pub schedules: Schedules,
    /// Warnings found while loading; later stages add theirs (see
    /// [`Loaded::report`], which takes them: a large schedule can have a
    /// warning per window, and they are not held for the rest of a build).
    pub warnings: std::cell::RefCell<Vec<Diagnostic>>,
    /// The files read, so that later checks can quote them.
    pub sources: SourceFiles,
    pub places: Places,
}

impl Loaded {
    /// Writes every warning, the loader's and `later` ones (found on the
    /// expanded windows), rendered in file and line order, to `out`. The
    /// loader's are handed over: a second report has only its own `later`
    /// ones.
    /// Writes every warning, the loader's and `later` together, and says
    /// how many there were.
    pub fn write_report(
        &self,
        later: Vec<Diagnostic>,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<usize> {
        let mut all = self.warnings.take();
        all.extend(later);
        in_report_order(&mut all);
        self.sources.write(&all, out)?;
        Ok(all.len())
    }
}

/// `diagnostics` in file and line order, rendered.
fn render_sorted(sources: &SourceFiles, mut diagnostics: Vec<Diagnostic>) -> String {
    in_report_order(&mut diagnostics);
    sources.render(&diagnostics)
}

/// File and line order (errors before warnings at one place).
fn in_report_order(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| (d.file, d.span.start, d.severity));
}

/// Loads every `*.toml` directly in `dir`, in file-name order, within the
/// limits `maintcal.toml` there sets (read first; see [`limits`]).
pub fn load_dir(dir: &Path) -> Result<Loaded, ScheduleError> {
    let entries = std::fs::read_dir(dir).map_err(|source| ScheduleError::ReadDir {
        path: dir.to_owned(),
        source,
    })?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| ScheduleError::ReadDir {
            path: dir.to_owned(),
            source,
        })?;
        let path = entry.path();
        if path.extension().is_some_and(|ext| ext == "toml") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    let settings = dir.join(limits::SETTINGS_FILE);
    paths.retain(|path| *path != settings);
    let limits = read_limits(&settings)?;
    if paths.is_empty() {
        return Err(ScheduleError::NoSchedules {
            path: dir.to_owned(),
        });
    }
    let mut files = Vec::new();
    let mut total: u64 = 0;
    for path in paths {
        let bytes =
            read_capped(&path, limits.file_bytes).map_err(|source| ScheduleError::ReadFile {
                path: path.clone(),
                source,
            })?;
        total += bytes.len() as u64;
        if total > limits.total_bytes {
            return Err(ScheduleError::TooMuch {
                path: dir.to_owned(),
                limit: limits.total_bytes,
                at: path,
            });
        }
        files.push((path, bytes));
    }
    load_bytes_within(files, &limits)
}

/// The limits `settings` (`maintcal.toml`) sets, or the defaults if there
/// is no such file; its problems are reported like a schedule's, and stop
/// the build before any schedule is read.
fn read_limits(settings: &Path) -> Result<Limits, ScheduleError> {
    if !settings.is_file() {
        return Ok(Limits::default());
    }
    let read_error = |source| ScheduleError::ReadFile {
        path: settings.to_owned(),
        source,
    };
    let bytes = read_capped(settings, limits::SETTINGS_MAX_BYTES).map_err(read_error)?;
    let mut sources = SourceFiles::default();
    let name = settings.display().to_string();
    let problem = if bytes.len() as u64 > limits::SETTINGS_MAX_BYTES {
        let file = sources.add(name, String::new());
        Diagnostic::error(
            file,
            0..0,
            format!(
                "this file is larger than {} KiB; it holds only a [limits] table",
                limits::SETTINGS_MAX_BYTES / 1024
            ),
        )
    } else {
        match String::from_utf8(bytes) {
            Ok(text) => {
                let file = sources.add(name, text);
                match limits::parse(file, sources.text(file)) {
                    Ok(limits) => return Ok(limits),
                    Err(problems) => {
                        let errors = problems.len();
                        let report = sources.render(&problems);
                        return Err(ScheduleError::Invalid { errors, report });
                    }
                }
            }
            Err(_) => {
                let file = sources.add(name, String::new());
                Diagnostic::error(file, 0..0, "this file is not UTF-8 text")
            }
        }
    };
    let report = sources.render(std::slice::from_ref(&problem));
    Err(ScheduleError::Invalid { errors: 1, report })
}

/// Reads at most `limit` + 1 bytes: enough to tell that a file is too
/// large without holding all of it.
fn read_capped(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    // Sized from the file's length: `take` hides that from `read_to_end`,
    // which would grow the buffer by doubling and hold up to twice the
    // schedules' bytes for the rest of the run.
    let length = file.metadata().map_or(0, |meta| meta.len());
    let capacity = length.min(limit).saturating_add(1);
    let mut bytes = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Loads schedules from (path, text) pairs: the whole of stage 1 without I/O.
#[cfg(any(test, feature = "internals"))]
pub fn load_files(files: Vec<(PathBuf, String)>) -> Result<Loaded, ScheduleError> {
    load_bytes(
        files
            .into_iter()
            .map(|(path, text)| (path, text.into_bytes()))
            .collect(),
    )
}

/// Loads schedules from (path, bytes) pairs within the default limits.
#[cfg(any(test, feature = "internals"))]
pub fn load_bytes(files: Vec<(PathBuf, Vec<u8>)>) -> Result<Loaded, ScheduleError> {
    load_bytes_within(files, &Limits::default())
}

/// Loads schedules from (path, bytes) pairs within `limits`; files that are
/// too large or not UTF-8 are reported like any other problem, so the other
/// files are still checked in the same run.
pub fn load_bytes_within(
    files: Vec<(PathBuf, Vec<u8>)>,
    limits: &Limits,
) -> Result<Loaded, ScheduleError> {
    let mut sources = SourceFiles::default();
    let mut diagnostics = Vec::new();
    let mut calendars = Vec::new();
    let mut group_ids: Vec<(String, FileId, std::ops::Range<usize>)> = Vec::new();
    let mut calendar_ids: Vec<(String, FileId, std::ops::Range<usize>)> = Vec::new();
    let mut base_urls: Vec<(String, FileId, std::ops::Range<usize>, String)> = Vec::new();
    let mut places = Places::default();
    // Files that are read as text, to be parsed and checked (in parallel).
    let mut to_check = Vec::new();
    for (path, bytes) in files {
        if bytes.len() as u64 > limits.file_bytes {
            // Quote nothing of it: its first line is no help, and the file
            // is not kept in memory for the report.
            let file = sources.add(path.display().to_string(), String::new());
            diagnostics.push(
                Diagnostic::error(
                    file,
                    0..0,
                    format!(
                        "this file is larger than {} MiB, the most a schedule file may be",
                        limits.file_bytes / 1024 / 1024
                    ),
                )
                .with_help(format!(
                    "check that this is the right file, or split the schedule into one file \
                     per calendar; {}",
                    limits::FILE_MIB.raise()
                )),
            );
            continue;
        }
        let (text, not_utf8) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(error) => {
                let at = error.utf8_error().valid_up_to();
                (
                    String::from_utf8_lossy(error.as_bytes()).into_owned(),
                    Some(at),
                )
            }
        };
        let file = sources.add(path.display().to_string(), text);
        if let Some(at) = not_utf8 {
            diagnostics.push(
                Diagnostic::error(file, at..at + 1, "this file is not UTF-8 text").with_help(
                    "save the schedule as UTF-8 (Shift_JIS and other encodings are not read)",
                ),
            );
            continue;
        }
        to_check.push(file);
    }
    for (file, checked) in to_check.iter().zip(each_file::check_all(
        &sources,
        &to_check,
        limits.window_occurrences,
    )) {
        let mut checked = checked;
        diagnostics.append(&mut checked.diagnostics);
        if let Some((id, span)) = checked.calendar_id {
            calendar_ids.push((id, *file, span));
        }
        if let Some((url, span)) = checked.base_url {
            let name = sources.name(*file).to_owned();
            base_urls.push((url, *file, span, name));
        }
        group_ids.extend((checked.group_ids.into_iter()).map(|(id, span)| (id, *file, span)));
        places.append(checked.places);
        calendars.extend(checked.calendar);
    }
    // Group ids become file names in one out/ folder, and calendar ids go
    // into UIDs: both must be unique across files.
    for (kind, ids) in [("group", &group_ids), ("calendar", &calendar_ids)] {
        for duplicate in validate::duplicates(ids.iter().map(|(id, _, _)| id.as_str())) {
            // The first place is fine; every later one is reported.
            for (_, file, span) in ids.iter().filter(|(id, _, _)| id == duplicate).skip(1) {
                diagnostics.push(
                    Diagnostic::error(*file, span.clone(), format!("{kind} id `{duplicate}` is used in more than one schedule file"))
                        .with_help(if kind == "group" {
                            "each group's feed is out/<id>.ics, so group ids must be unique across all schedules"
                        } else {
                            "calendar ids go into every event's UID; give each calendar its own id"
                        }),
                );
            }
        }
    }
    // All feeds go into one folder, served from one address.
    if let Some((first, _, _, first_path)) = base_urls.first() {
        for (url, file, span, _) in base_urls.iter().filter(|(url, ..)| url != first) {
            diagnostics.push(
                Diagnostic::error(
                    *file,
                    span.clone(),
                    format!("base_url `{url}` differs from `{first}` in {first_path}"),
                )
                .with_help("every feed is served from the same folder: give base_url once, or the same in every file"),
            );
        }
    }
    // Only for schedules that are valid so far: the bounds need every
    // window known to be well-formed.
    let schedules = Schedules { calendars };
    if diagnostics.iter().all(|d| d.severity != Severity::Error) {
        match across::check_size(&schedules.calendars, &places, limits) {
            Some(too_big) => diagnostics.push(too_big),
            None => {
                diagnostics.extend(text_limit::check_text(
                    &schedules,
                    &places,
                    limits.text_bytes,
                ));
            }
        }
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        let report = render_sorted(&sources, diagnostics);
        return Err(ScheduleError::Invalid { errors, report });
    }
    Ok(Loaded {
        schedules,
        warnings: std::cell::RefCell::new(diagnostics),
        sources,
        places,
    })
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(schedule: &str) -> String {
        match load_files(vec![("s.toml".into(), schedule.to_owned())]) {
            Err(ScheduleError::Invalid { report, .. }) => report,
            other => panic!("expected invalid schedules, got {other:?}"),
        }
    }

    const VALID: &str = r#"
[calendar]
id = "shop"
name = "Shop"
timezone = "Asia/Tokyo"
notes = ["first line\nsecond line"]

[groups.web]
name = "Web"
services = ["Top"]

[windows.may]
date = 2020-05-17
start = 02:00
end = 08:45
status = "confirmed"
revised = 2020-05-01T10:00:00+09:00
[windows.may.impact.web]
stops = ["Top"]
"#;

    #[test]
    fn multi_line_notes_are_allowed() {
        assert!(load_files(vec![("s.toml".into(), VALID.to_owned())]).is_ok());
    }

    #[test]
    fn control_characters_are_rejected_where_they_would_break_a_feed() {
        for (find, replace, named) in [
            (
                "name = \"Shop\"",
                "name = \"Shop\\r\\nATTENDEE:x\"",
                "CR (U+000D)",
            ),
            ("name = \"Web\"", "name = \"Web\\nline\"", "LF (U+000A)"),
            ("first line", "first\\u2028line", "LINE SEPARATOR (U+2028)"),
            ("first line", "first\\u001bline", "ESC"),
            ("first line", "first\\u0000line", "NUL"),
        ] {
            let report = errors_of(&VALID.replace(find, replace));
            assert!(report.contains(named), "{named} not reported:\n{report}");
            assert!(report.contains("s.toml:"), "{report}");
        }
    }
}
