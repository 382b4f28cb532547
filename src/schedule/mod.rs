//! Stage 1 of the pipeline: read every `schedules/*.toml`, parse it, check
//! it, and hand the rest of the pipeline a [`Schedules`] it can trust.
//!
//! Problems are collected across all files and reported together, in
//! rustc's style (see [`diagnostic`]).

pub mod across;
pub mod annotations;
pub mod diagnostic;
pub mod model;
pub mod source;
pub mod validate;

use diagnostic::{Diagnostic, FileId, Severity, SourceFiles};
pub use model::Schedules;
use serde::Deserialize;
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
    #[error(
        "the schedule files in {} add up to more than {} MiB, the most one build reads",
        path.display(),
        MAX_TOTAL_BYTES / 1024 / 1024
    )]
    TooMuch { path: PathBuf },
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
    /// The files read, so that later checks can quote them.
    pub sources: SourceFiles,
    pub places: Places,
}

/// The most bytes one schedule file may have. The notice's file is about
/// 11 KB; a hundred times that is still a hand-written schedule, while a
/// file far past it is almost surely the wrong file (a log, a dump), and
/// reading and parsing it whole would cost memory in proportion.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The most bytes all schedule files of one folder may have together, so that
/// a build's memory stays bounded however many files the folder holds.
pub const MAX_TOTAL_BYTES: u64 = 8 * MAX_FILE_BYTES;

/// The most TOML syntax errors reported for one file.
const MAX_SYNTAX_ERRORS: usize = 50;

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
    let mut total: u64 = 0;
    for path in paths {
        let bytes = read_capped(&path).map_err(|source| ScheduleError::ReadFile {
            path: path.clone(),
            source,
        })?;
        total += bytes.len() as u64;
        if total > MAX_TOTAL_BYTES {
            return Err(ScheduleError::TooMuch {
                path: dir.to_owned(),
            });
        }
        files.push((path, bytes));
    }
    load_bytes(files)
}

/// Reads at most [`MAX_FILE_BYTES`] + 1 bytes: enough to tell that a file is
/// too large without holding all of it.
fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Loads schedules from (path, text) pairs: the whole of stage 1 without I/O.
pub fn load_files(files: Vec<(PathBuf, String)>) -> Result<Loaded, ScheduleError> {
    load_bytes(
        files
            .into_iter()
            .map(|(path, text)| (path, text.into_bytes()))
            .collect(),
    )
}

/// Loads schedules from (path, bytes) pairs; files that are too large or not
/// UTF-8 are reported like any other problem, so the other files are still
/// checked in the same run.
pub fn load_bytes(files: Vec<(PathBuf, Vec<u8>)>) -> Result<Loaded, ScheduleError> {
    let mut sources = SourceFiles::default();
    let mut diagnostics = Vec::new();
    let mut calendars = Vec::new();
    let mut group_ids: Vec<(String, FileId, std::ops::Range<usize>)> = Vec::new();
    let mut calendar_ids: Vec<(String, FileId, std::ops::Range<usize>)> = Vec::new();
    let mut base_urls: Vec<(String, FileId, std::ops::Range<usize>, String)> = Vec::new();
    let mut places = Places::default();
    for (path, bytes) in files {
        if bytes.len() as u64 > MAX_FILE_BYTES {
            // Quote nothing of it: its first line is no help, and the file
            // is not kept in memory for the report.
            let file = sources.add(path.display().to_string(), String::new());
            diagnostics.push(
                Diagnostic::error(
                    file,
                    0..0,
                    format!(
                        "this file is larger than {} KiB, the most a schedule file may be",
                        MAX_FILE_BYTES / 1024
                    ),
                )
                .with_help(
                    "a hand-written schedule is a few KB; check that this is the right file, \
                     or split the schedule into one file per calendar",
                ),
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
        let text = sources.text(file);
        let (sections, mut found) = sections(file, text);
        diagnostics.append(&mut found);
        if !sections.parsed {
            // Whatever the recovering parser made of a broken file would
            // only yield follow-on errors ("no [calendar] table", …).
            continue;
        }
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
        places.record(file, &sections);
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
    // Only for schedules that are valid so far: these checks expand every
    // window, which is only bounded once each window is known to be.
    let schedules = Schedules { calendars };
    if diagnostics.iter().all(|d| d.severity != Severity::Error) {
        match across::check_size(&schedules.calendars, &places) {
            Some(too_big) => diagnostics.push(too_big),
            None => {
                diagnostics.extend(across::check_text(&schedules, &places));
                diagnostics.extend(across::overlaps(&schedules.calendars, &places));
                diagnostics.extend(across::vanished(&schedules.calendars, &places));
            }
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
        schedules,
        warnings: report,
        sources,
        places,
    })
}

/// Where each calendar and window is declared, so that a problem found after
/// validation (windows that overlap, a SEQUENCE going down compared with the
/// previous build) can still point at the line to edit.
#[derive(Debug, Default)]
pub struct Places {
    pub calendars: Vec<Place>,
    pub groups: Vec<Place>,
    pub windows: Vec<Place>,
}

/// One calendar or window: its ids, file, and the spans to point at.
#[derive(Debug, Clone)]
pub struct Place {
    pub calendar: String,
    /// The window's or group's id; empty for a calendar.
    pub window: String,
    pub file: FileId,
    /// The window's or group's key, or the calendar's `id`.
    pub key: std::ops::Range<usize>,
    /// `revision`, where it is written; else `key`.
    pub revision: std::ops::Range<usize>,
}

impl Places {
    fn record(&mut self, file: FileId, sections: &FileSections) {
        let Some(calendar) = &sections.calendar else {
            return;
        };
        let calendar_id = calendar.id.get_ref().clone();
        self.calendars.push(Place {
            calendar: calendar_id.clone(),
            window: String::new(),
            file,
            key: calendar.id.span(),
            revision: calendar
                .revision
                .as_ref()
                .map_or(calendar.id.span(), Spanned::span),
        });
        for (key, _) in &sections.groups {
            self.groups.push(Place {
                calendar: calendar_id.clone(),
                window: key.get_ref().clone(),
                file,
                key: key.span(),
                revision: key.span(),
            });
        }
        for (key, window) in &sections.windows {
            self.windows.push(Place {
                calendar: calendar_id.clone(),
                window: key.get_ref().clone(),
                file,
                key: key.span(),
                revision: window.revision.as_ref().map_or(key.span(), Spanned::span),
            });
        }
    }

    pub fn calendar(&self, calendar: &str) -> Option<&Place> {
        self.calendars.iter().find(|p| p.calendar == calendar)
    }

    pub fn window(&self, calendar: &str, window: &str) -> Option<&Place> {
        self.windows
            .iter()
            .find(|p| p.calendar == calendar && p.window == window)
    }
}

/// Splits a file into its top-level sections and deserializes each group and
/// each window on its own, so that one typo does not hide the next.
fn sections(file: FileId, text: &str) -> (FileSections, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let mut sections = FileSections::default();
    let (document, syntax_errors) = DeTable::parse_recoverable(text);
    if !syntax_errors.is_empty() {
        // A table declared twice makes every key in it a duplicate too;
        // only the table's own header is worth reporting.
        let headers: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices("\n[").map(|(i, _)| i + 1))
            .collect();
        let header_before = |offset: usize| {
            let index = headers.partition_point(|&h| h <= offset);
            headers[index.saturating_sub(1)]
        };
        let mut duplicate_tables: Vec<usize> = Vec::new();
        let mut shown = 0;
        let total = syntax_errors.len();
        for error in syntax_errors {
            if error.message().trim() == "duplicate key"
                && let Some(span) = error.span()
            {
                let header = header_before(span.start);
                if duplicate_tables.contains(&header) {
                    continue;
                }
                if text[header..].starts_with('[') && line_start(text, span.start) == header {
                    duplicate_tables.push(header);
                }
            }
            if shown == MAX_SYNTAX_ERRORS {
                // Past this many, the rest are echoes of the first ones.
                found.push(
                    Diagnostic::error(
                        file,
                        text.len()..text.len(),
                        format!("… and more syntax errors in this file (up to {total} in all)"),
                    )
                    .with_help("fix the ones above first; the rest often follow from them"),
                );
                break;
            }
            shown += 1;
            found.push(toml_diagnostic(file, text, &error, text.len()));
        }
        return (sections, found);
    }
    sections.parsed = true;
    for (key, value) in document.into_inner() {
        let key_span = key.span();
        match key.get_ref().as_ref() {
            "calendar" => {
                sections.calendar_declared = true;
                sections.calendar =
                    deserialize_reporting_all(file, text, value, key_span.start, &mut found);
            }
            "groups" => {
                for (id, group) in table_entries(file, "groups", value, &mut found) {
                    sections.declared_groups.push(id.get_ref().clone());
                    if let Some(group) =
                        deserialize_reporting_all(file, text, group, id.span().start, &mut found)
                    {
                        sections.groups.push((id, group));
                    }
                }
            }
            "windows" => {
                for (id, window) in table_entries(file, "windows", value, &mut found) {
                    sections.declared_windows.push(id.get_ref().clone());
                    if let Some(window) =
                        deserialize_reporting_all(file, text, window, id.span().start, &mut found)
                    {
                        sections.windows.push((id, window));
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

/// Deserializes one table, reporting every bad entry rather than only the
/// first: serde stops at the first error, so the entry it points at is
/// renamed (a typo with a close known name) or removed, and the rest is
/// tried again. `None` when anything was wrong.
fn deserialize_reporting_all<'i, T: Deserialize<'i>>(
    file: FileId,
    text: &str,
    value: Spanned<DeValue<'i>>,
    fallback: usize,
    found: &mut Vec<Diagnostic>,
) -> Option<T> {
    let mut value = value;
    let mut removed: Vec<String> = Vec::new();
    // Entries renamed after a typo: a later error inside one follows from
    // the guess, not from what was written, so it is not reported.
    let mut renamed: Vec<std::ops::Range<usize>> = Vec::new();
    let mut failed = false;
    // Each round renames or removes one entry, so the loop ends; the bound
    // only guards against a round that changes nothing.
    for _ in 0..256 {
        let error = match T::deserialize(ValueDeserializer::from(value.clone())) {
            Ok(parsed) => return (!failed).then_some(parsed),
            Err(error) => error,
        };
        let message = error.message().trim().to_owned();
        if let Some(field) = quoted_after(&message, "missing field `")
            && removed.iter().any(|r| r == field)
        {
            // Missing because its broken value was taken out: reported already.
            return None;
        }
        let diagnostic = toml_diagnostic(file, text, &error, fallback);
        let Some(span) = error.span() else {
            found.push(diagnostic);
            return None;
        };
        failed = true;
        let follow_on = renamed
            .iter()
            .any(|r| r.start <= span.start && span.end <= r.end);
        let rename = message
            .starts_with("unknown field `")
            .then_some(diagnostic.help.as_deref())
            .flatten()
            .and_then(|help| quoted_after(help, "did you mean `"))
            .map(str::to_owned);
        if !follow_on {
            found.push(diagnostic);
        }
        match edit_entry(&mut value, &span, rename.as_deref()) {
            Some((name, entry_span)) => {
                if rename.is_some() {
                    renamed.push(entry_span);
                }
                removed.push(name);
            }
            None => return None,
        }
    }
    None
}

/// Byte offset of the start of the line holding `offset`.
fn line_start(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// The text between `prefix` and the next backquote.
fn quoted_after<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let start = text.find(prefix)? + prefix.len();
    let rest = &text[start..];
    Some(&rest[..rest.find('`')?])
}

/// Renames (to `rename`, if no entry has that name yet) or removes the
/// innermost table entry or array element whose span holds `span`; returns
/// the entry's name (`""` for an array element) and its whole span, or
/// `None` when nothing holds it.
fn edit_entry(
    value: &mut Spanned<DeValue<'_>>,
    span: &std::ops::Range<usize>,
    rename: Option<&str>,
) -> Option<(String, std::ops::Range<usize>)> {
    let holds = |outer: &std::ops::Range<usize>| outer.start <= span.start && span.end <= outer.end;
    match value.get_mut() {
        DeValue::Table(table) => {
            let (key, whole) = table.iter().find_map(|(key, value)| {
                let whole = key.span().start..value.span().end.max(key.span().end);
                holds(&whole).then(|| (key.clone(), whole))
            })?;
            let name = key.get_ref().to_string();
            let on_key = holds(&key.span());
            if !on_key
                && let Some(inner) = table.get_mut(&key)
                && let Some(deeper) = edit_entry(inner, span, rename)
            {
                return Some(deeper);
            }
            let entry = table.remove(&key)?;
            // Only the key an "unknown field" error points at is renamed.
            if on_key
                && let Some(new_name) = rename
                && !table.keys().any(|k| k.get_ref() == new_name)
            {
                let new_key =
                    Spanned::new(key.span(), std::borrow::Cow::Owned(new_name.to_owned()));
                table.insert(new_key, entry);
            }
            Some((name, whole))
        }
        DeValue::Array(array) => {
            let index = array.iter().position(|item| holds(&item.span()))?;
            if let Some(deeper) = edit_entry(&mut array.as_mut()[index], span, rename) {
                return Some(deeper);
            }
            let whole = array[index].span();
            // DeArray has no `remove`; rebuild it without the element.
            let mut kept = toml::de::DeArray::new();
            for (i, item) in array.iter().enumerate() {
                if i != index {
                    kept.push(item.clone());
                }
            }
            *array = kept;
            Some((String::new(), whole))
        }
        _ => None,
    }
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

/// A TOML syntax or type error as a diagnostic, reworded where serde's
/// wording is not what someone editing a schedule needs: an unknown key or
/// value gets a "did you mean", a missing key an example, a quoted date a
/// note that TOML dates take no quotes.
fn toml_diagnostic(
    file: FileId,
    text: &str,
    error: &toml::de::Error,
    fallback: usize,
) -> Diagnostic {
    let span = error.span().unwrap_or(fallback..fallback);
    let message = error.message().trim().to_owned();
    let quoted = text.get(span.clone()).unwrap_or_default();
    let (message, help) = explain(&message, quoted);
    let diagnostic = Diagnostic::error(file, span, message);
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// The message and help for a serde or TOML error message; `quoted` is the
/// source text the error points at.
fn explain(message: &str, quoted: &str) -> (String, Option<String>) {
    let listed = |expected: &str| -> Vec<String> {
        expected
            .split(['`', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty() && *s != "one of" && *s != "or")
            .map(str::to_owned)
            .collect()
    };
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((unknown, expected)) = rest.split_once("`, expected ")
    {
        let known = listed(expected);
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        let help = match validate::suggestion(unknown, &known) {
            did_you_mean if did_you_mean.starts_with("did you mean") => did_you_mean,
            _ => format!("the keys allowed here are {}", known.join(", ")),
        };
        return (format!("unknown key `{unknown}`"), Some(help));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `")
        && let Some((unknown, expected)) = rest.split_once("`, expected ")
    {
        let known = listed(expected);
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        let help = match validate::suggestion(unknown, &known) {
            did_you_mean if did_you_mean.starts_with("did you mean") => did_you_mean,
            _ => format!("use one of {}", known.join(", ")),
        };
        return (format!("unknown value `{unknown}`"), Some(help));
    }
    if let Some(field) = quoted_after(message, "missing field `") {
        return (
            format!("missing key `{field}`"),
            Some(missing_key_help(field).to_owned()),
        );
    }
    if message == "duplicate key" {
        return (
            format!("`{quoted}` is defined twice in this file"),
            Some(
                "TOML allows each key once per table; give each window and group its own id, \
                 or merge the two tables"
                    .to_owned(),
            ),
        );
    }
    let help = if message.contains("expected a TOML datetime") {
        Some(
            "dates and times are written without quotes: 2020-05-17, 02:00, 2020-05-01T10:00:00+09:00",
        )
    } else if message.ends_with("expected a string") {
        Some("write text in double quotes, e.g. \"…\"")
    } else if message.ends_with("expected a sequence") {
        Some("write a list in brackets, e.g. [\"…\", \"…\"]")
    } else if message.ends_with("expected a boolean") {
        Some("write true or false, without quotes")
    } else if message.ends_with("expected u32") {
        Some("write a whole number from 0 up, without quotes")
    } else if message.ends_with("expected a map") {
        Some("this key takes a table: [its.name] on a line of its own, or { key = value }")
    } else if message.starts_with("invalid basic string")
        || message.starts_with("invalid literal string")
    {
        Some("close the string on the same line; for text over several lines use \"\"\"…\"\"\"")
    } else {
        None
    };
    // serde names Rust types; say what a schedule author writes instead.
    let message = message
        .replace("expected u32", "expected a whole number from 0 up")
        .replace("expected a sequence", "expected a list")
        .replace("expected a map", "expected a table")
        .replace("expected a TOML datetime", "expected a date or time");
    (message, help.map(str::to_owned))
}

/// An example for each key a table cannot do without.
fn missing_key_help(field: &str) -> &'static str {
    match field {
        "id" => {
            "give the calendar an id of lower-case letters, digits and hyphens, e.g. id = \"rakuten-ichiba\""
        }
        "name" => "add its name as shown to subscribers, e.g. name = \"RMS サービス\"",
        "timezone" => "add the IANA zone the times are in, e.g. timezone = \"Asia/Tokyo\"",
        "services" => "list the group's services, e.g. services = [\"RMS\", \"RMSアプリ\"]",
        "start" => "add the local start time, e.g. start = 02:00",
        "end" => {
            "add the local end time, e.g. end = 08:45 (and ends_next_day = true if it is after midnight)"
        }
        "status" => "add status = \"confirmed\", \"tentative\" or \"cancelled\"",
        "revised" => {
            "add when this window was last changed, with its UTC offset, e.g. revised = 2020-05-01T10:00:00+09:00"
        }
        "service" => "name the service, e.g. { service = \"RMS\", note = \"…\" }",
        "unavailable" => {
            "say what does not work, e.g. { service = \"RMSアプリ\", unavailable = \"注文管理\" }"
        }
        _ => "add it; see the README's schedule example",
    }
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
