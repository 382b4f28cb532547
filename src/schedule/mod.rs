//! Stage 1 of the pipeline: read every `schedules/*.toml`, parse it, check
//! it, and hand the rest of the pipeline a [`Schedules`] it can trust.
//!
//! Problems are collected across all files and reported together, in
//! rustc's style (see [`diagnostic`]).

pub mod diagnostic;
pub mod model;
pub mod source;
pub mod validate;

use diagnostic::{Diagnostic, FileId, Severity, SourceFiles};
pub use model::Schedules;
use serde::Deserialize;
use source::{CalendarSource, GroupSource, WindowSource};
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use validate::{FileSections, Validator};

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
    pub warnings: String,
}

/// Loads every `*.toml` directly in `dir`, in file-name order.
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
    if paths.is_empty() {
        return Err(ScheduleError::NoSchedules {
            path: dir.to_owned(),
        });
    }
    let mut files = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|source| ScheduleError::ReadFile {
            path: path.clone(),
            source,
        })?;
        files.push((path, text));
    }
    load_files(files)
}

/// Loads schedules from (path, text) pairs: the whole of stage 1 without I/O.
pub fn load_files(files: Vec<(PathBuf, String)>) -> Result<Loaded, ScheduleError> {
    let mut sources = SourceFiles::default();
    let mut diagnostics = Vec::new();
    let mut calendars = Vec::new();
    let mut group_ids: Vec<(String, FileId, std::ops::Range<usize>)> = Vec::new();
    let mut calendar_ids: Vec<(String, FileId, std::ops::Range<usize>)> = Vec::new();
    let mut base_urls: Vec<(String, FileId, std::ops::Range<usize>, String)> = Vec::new();
    for (path, text) in files {
        let file = sources.add(path.display().to_string(), text);
        let text = sources.text(file);
        let (sections, mut found) = sections(file, text);
        diagnostics.append(&mut found);
        if let Some(calendar) = &sections.calendar {
            calendar_ids.push((calendar.id.get_ref().clone(), file, calendar.id.span()));
            if let Some(url) = &calendar.base_url
                && let Ok(url_text) = crate::site::base_url(url.get_ref())
            {
                base_urls.push((url_text, file, url.span(), path.display().to_string()));
            }
        }
        for (key, _) in &sections.groups {
            group_ids.push((key.get_ref().clone(), file, key.span()));
        }
        let mut validator = Validator::new(file);
        if let Some(calendar) = validator.calendar(path, sections, 0..text.len()) {
            calendars.push(calendar);
        }
        diagnostics.append(&mut validator.diagnostics);
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
    diagnostics.sort_by_key(|d| (d.file, d.span.start, d.severity));
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let report = sources.render(&diagnostics);
    if errors > 0 {
        return Err(ScheduleError::Invalid { errors, report });
    }
    Ok(Loaded {
        schedules: Schedules { calendars },
        warnings: report,
    })
}

/// Splits a file into its top-level sections and deserializes each group and
/// each window on its own, so that one typo does not hide the next.
fn sections(file: FileId, text: &str) -> (FileSections, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let mut sections = FileSections {
        calendar: None,
        groups: Vec::new(),
        windows: Vec::new(),
    };
    let (document, syntax_errors) = DeTable::parse_recoverable(text);
    if !syntax_errors.is_empty() {
        for error in syntax_errors {
            found.push(toml_diagnostic(file, &error, text.len()));
        }
        return (sections, found);
    }
    for (key, value) in document.into_inner() {
        let key_span = key.span();
        match key.get_ref().as_ref() {
            "calendar" => match CalendarSource::deserialize(ValueDeserializer::from(value)) {
                Ok(calendar) => sections.calendar = Some(calendar),
                Err(error) => found.push(toml_diagnostic(file, &error, key_span.start)),
            },
            "groups" => {
                for (id, group) in table_entries(file, "groups", value, &mut found) {
                    match GroupSource::deserialize(ValueDeserializer::from(group)) {
                        Ok(group) => sections.groups.push((id, group)),
                        Err(error) => found.push(toml_diagnostic(file, &error, id.span().start)),
                    }
                }
            }
            "windows" => {
                for (id, window) in table_entries(file, "windows", value, &mut found) {
                    match WindowSource::deserialize(ValueDeserializer::from(window)) {
                        Ok(window) => sections.windows.push((id, window)),
                        Err(error) => found.push(toml_diagnostic(file, &error, id.span().start)),
                    }
                }
            }
            other => found.push(
                Diagnostic::error(file, key_span, format!("unknown section `{other}`")).with_help(
                    validate::suggestion(other, &["calendar", "groups", "windows"]),
                ),
            ),
        }
    }
    (sections, found)
}

fn table_entries<'i>(
    file: FileId,
    section: &str,
    value: Spanned<DeValue<'i>>,
    found: &mut Vec<Diagnostic>,
) -> Vec<(Spanned<String>, Spanned<DeValue<'i>>)> {
    let span = value.span();
    match value.into_inner() {
        DeValue::Table(table) => table
            .into_iter()
            .map(|(key, value)| {
                let span = key.span();
                (Spanned::new(span, key.into_inner().into_owned()), value)
            })
            .collect(),
        _ => {
            found.push(
                Diagnostic::error(file, span, format!("`{section}` must be a table"))
                    .with_help(format!("write [{section}.<id>] tables")),
            );
            Vec::new()
        }
    }
}

/// A TOML syntax or type error as a diagnostic; an unknown key gets a
/// "did you mean" from the keys serde expected.
fn toml_diagnostic(file: FileId, error: &toml::de::Error, fallback: usize) -> Diagnostic {
    let span = error.span().unwrap_or(fallback..fallback);
    let message = error.message().trim().to_owned();
    let diagnostic = Diagnostic::error(file, span, message.clone());
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((unknown, expected)) = rest.split_once("`, expected ")
    {
        let known: Vec<&str> = expected
            .split(['`', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty() && *s != "one of" && *s != "or")
            .collect();
        return diagnostic.with_help(validate::suggestion(unknown, &known));
    }
    diagnostic
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
