//! Reads one file's TOML into its top-level sections, deserializing each
//! group and window on its own and reporting every bad entry, so that one
//! typo does not hide the next.

use super::explain::toml_diagnostic;
use super::{CalendarSource, GroupSource, WindowSource};
use crate::schedule::diagnostic::{Diagnostic, FileId, suggestion};
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// The most TOML syntax errors reported for one file.
const MAX_SYNTAX_ERRORS: usize = 50;

/// The parsed sections of one file, each already deserialized on its own so
/// that a problem in one window does not hide the problems in the next.
#[derive(Debug, Default)]
pub struct FileSections {
    /// False when the file has TOML syntax errors; nothing else is then filled.
    pub parsed: bool,
    /// A `[calendar]` table is there, even if `calendar` is `None` because
    /// it had errors (already reported).
    pub calendar_declared: bool,
    /// Every group and window id the file declares, including those whose
    /// table had errors, so that a reference to them is not reported again.
    pub declared_groups: Vec<String>,
    pub declared_windows: Vec<String>,
    pub calendar: Option<CalendarSource>,
    /// Group id (with its span) and the group, in file order.
    pub groups: Vec<(Spanned<String>, GroupSource)>,
    /// Window id (with its span) and the window, in file order.
    pub windows: Vec<(Spanned<String>, WindowSource)>,
}

/// Splits a file into its top-level sections and deserializes each group and
/// each window on its own, so that one typo does not hide the next.
pub(crate) fn sections(file: FileId, text: &str) -> (FileSections, Vec<Diagnostic>) {
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
    // The file parsed again, only once a table fails (see `parsed_again`).
    let mut again = None;
    for (key, value) in document.into_inner() {
        let key_span = key.span();
        match key.get_ref().as_ref() {
            "calendar" => {
                sections.calendar_declared = true;
                sections.calendar = deserialize_reporting_all(
                    file,
                    text,
                    value,
                    || parsed_again(&mut again, text, "calendar", None),
                    key_span.start,
                    &mut found,
                );
            }
            "groups" => {
                for (id, group) in table_entries(file, "groups", value, &mut found) {
                    sections.declared_groups.push(id.get_ref().clone());
                    if let Some(group) = deserialize_reporting_all(
                        file,
                        text,
                        group,
                        || parsed_again(&mut again, text, "groups", Some(id.get_ref())),
                        id.span().start,
                        &mut found,
                    ) {
                        sections.groups.push((id, group));
                    }
                }
            }
            "windows" => {
                for (id, window) in table_entries(file, "windows", value, &mut found) {
                    sections.declared_windows.push(id.get_ref().clone());
                    if let Some(window) = deserialize_reporting_all(
                        file,
                        text,
                        window,
                        || parsed_again(&mut again, text, "windows", Some(id.get_ref())),
                        id.span().start,
                        &mut found,
                    ) {
                        sections.windows.push((id, window));
                    }
                }
            }
            other => found.push(
                Diagnostic::error(file, key_span, format!("unknown section `{other}`"))
                    .with_help(suggestion(other, &["calendar", "groups", "windows"])),
            ),
        }
    }
    (sections, found)
}

/// The table at `section` (and `id` in it) of `text`, parsed again: the
/// document is parsed once more, the first time a table fails, and kept in
/// `again` for the next failure. A table is first deserialized from the
/// parsed value itself rather than from a copy of it (copying every table
/// took a tenth of a large load); only a table with errors needs its value
/// back, to edit and try again.
fn parsed_again<'i>(
    again: &mut Option<DeTable<'i>>,
    text: &'i str,
    section: &str,
    id: Option<&str>,
) -> Option<Spanned<DeValue<'i>>> {
    let document = again.get_or_insert_with(|| DeTable::parse_recoverable(text).0.into_inner());
    let value = document.get(section)?;
    match id {
        None => Some(value.clone()),
        Some(id) => match value.get_ref() {
            DeValue::Table(table) => table.get(id).cloned(),
            _ => None,
        },
    }
}

/// Deserializes one table, reporting every bad entry rather than only the
/// first: serde stops at the first error, so the entry it points at is
/// renamed (a typo with a close known name) or removed, and the rest is
/// tried again (on the table as `again` gives it back). `None` when
/// anything was wrong.
fn deserialize_reporting_all<'i, T: Deserialize<'i>>(
    file: FileId,
    text: &str,
    value: Spanned<DeValue<'i>>,
    again: impl FnOnce() -> Option<Spanned<DeValue<'i>>>,
    fallback: usize,
    found: &mut Vec<Diagnostic>,
) -> Option<T> {
    let first = match T::deserialize(ValueDeserializer::from(value)) {
        Ok(parsed) => return Some(parsed),
        Err(error) => error,
    };
    // Parsed the same way from the same text: the same table, which fails
    // the same way below.
    let Some(mut value) = again() else {
        found.push(toml_diagnostic(file, text, &first, fallback));
        return None;
    };
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
pub(super) fn quoted_after<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
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
