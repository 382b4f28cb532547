//! Turns one parsed schedule file (`source`) into the checked model
//! (`model`), collecting every problem instead of stopping at the first, each
//! with the span of the value it is about and, where possible, what to do.
//!
//! One [`Validator`] walks the file; its methods are split by what they
//! check: the calendar and its groups (`calendar`), windows and their
//! reuse of impacts (`window`), one window's impact on each group
//! (`impact`), dates, rules and changed occurrences (`timing`), and
//! single values: ids, text, URLs (`text`), zones, dates and times
//! (`time`).

mod calendar;
mod dates;
mod impact;
mod pattern;
mod remind;
mod revisions;
mod service_feeds;
mod text;
mod time;
mod timing;
mod window;

use super::diagnostic::{Diagnostic, FileId, Severity, suggestion};
use super::model::{GroupImpact, Status};
use super::source::StatusSource;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

#[derive(Debug)]
pub struct Validator {
    file: FileId,
    /// The most dates one recurring window may give (`[limits]`).
    window_occurrences: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// Ids declared in the file, valid or not (see [`FileSections`]).
    declared_groups: Vec<String>,
    declared_windows: Vec<String>,
    /// Every distinct impact met so far in the file: a window whose impact
    /// on a group equals one met before shares it instead of holding a
    /// copy. A schedule tends to stop the same services window after
    /// window, and the impacts were most of a large schedule's memory.
    impacts: HashSet<Arc<GroupImpact>>,
}

impl Validator {
    pub fn new(file: FileId, window_occurrences: usize) -> Self {
        Validator {
            file,
            window_occurrences,
            diagnostics: Vec::new(),
            declared_groups: Vec::new(),
            declared_windows: Vec::new(),
            impacts: HashSet::new(),
        }
    }

    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error(self.file, span, message));
    }

    fn error_help(
        &mut self,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::error(self.file, span, message).with_help(help));
    }

    fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

fn status(source: StatusSource) -> Status {
    match source {
        StatusSource::Confirmed => Status::Confirmed,
        StatusSource::Tentative => Status::Tentative,
        StatusSource::Cancelled => Status::Cancelled,
    }
}

/// Ids that must be unique across files: reports every repeat after the first.
pub fn duplicates<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    ids.into_iter().filter(|id| !seen.insert(*id)).collect()
}
