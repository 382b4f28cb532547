//! Diagnostics as GitHub Actions workflow commands
//! (`::error file=…,line=…,col=…::message`), which GitHub shows as
//! annotations on the schedule file in a pull request. `--message-format
//! github` turns them on for one command; they follow the human report, so
//! the log still reads as it does in a terminal.
//!
//! The choice is per thread (set by [`scope`] for one command), because the
//! report is rendered deep in loading, and threading an option through every
//! caller for one output format would touch all of them.

use super::diagnostic::{Diagnostic, Severity, SourceFiles};
use std::cell::Cell;

thread_local! {
    static GITHUB: Cell<bool> = const { Cell::new(false) };
}

/// Turns annotations on (or off) on this thread until the guard is dropped.
pub fn scope(github: bool) -> Scope {
    Scope(GITHUB.replace(github))
}

/// Restores the previous setting when dropped.
#[derive(Debug)]
pub struct Scope(bool);

impl Drop for Scope {
    fn drop(&mut self) {
        GITHUB.set(self.0);
    }
}

/// Whether reports on this thread carry annotations.
pub fn enabled() -> bool {
    GITHUB.get()
}

/// One workflow command per diagnostic, with its place and its help.
pub fn render(files: &SourceFiles, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let name = files.name(diagnostic.file);
        let (line, col) = files.line_col(diagnostic.file, diagnostic.span.start);
        let (end_line, end_col) = files.line_col(diagnostic.file, diagnostic.span.end);
        let mut message = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let file = property(&relative(name));
        // GitHub drops the whole command if a range across lines has
        // columns: such a span is given by where it starts.
        let place = if end_line == line {
            format!("file={file},line={line},col={col},endLine={line},endColumn={end_col}")
        } else {
            format!("file={file},line={line},col={col}")
        };
        out.push_str(&command(diagnostic.severity, Some(&place), &message));
    }
    out
}

/// A workflow command line (with its newline); `place` is its properties.
pub fn command(severity: Severity, place: Option<&str>, message: &str) -> String {
    let name = match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let place = place.map(|p| format!(" {p}")).unwrap_or_default();
    format!("::{name}{place}::{}\n", data(message))
}

/// GitHub resolves `file=` against the repository root: a path under the
/// workspace is given relative to it.
fn relative(name: &str) -> String {
    let workspace = std::env::var("GITHUB_WORKSPACE").unwrap_or_default();
    let path = std::path::Path::new(name);
    match path.strip_prefix(&workspace) {
        Ok(inner) if !workspace.is_empty() => inner.display().to_string(),
        _ => name.to_owned(),
    }
}

/// The message: a line break or `%` would end or garble the command.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: also `:` and `,`, which separate properties.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diagnostic_becomes_one_command_with_its_place_and_help() {
        let mut files = SourceFiles::default();
        let text = "name = \"楽天\"\nstatus = \"maybe\"\n".to_owned();
        let start = text.find("\"maybe\"").unwrap();
        let file = files.add("schedules/a,b.toml".into(), text);
        let rendered = render(
            &files,
            &[
                Diagnostic::error(file, start..start + 7, "bad status: 100%")
                    .with_help("use confirmed, tentative or cancelled"),
                Diagnostic::warning(file, 0..4, "odd"),
                Diagnostic::error(file, 0..start, "two lines"),
            ],
        );
        assert_eq!(
            rendered,
            "::error file=schedules/a%2Cb.toml,line=2,col=10,endLine=2,endColumn=17::\
             bad status: 100%25%0Ahelp: use confirmed, tentative or cancelled\n\
             ::warning file=schedules/a%2Cb.toml,line=1,col=1,endLine=1,endColumn=5::odd\n\
             ::error file=schedules/a%2Cb.toml,line=1,col=1::two lines\n"
        );
    }

    #[test]
    fn the_setting_holds_for_its_scope_only() {
        assert!(!enabled());
        {
            let _github = scope(true);
            assert!(enabled());
        }
        assert!(!enabled());
    }
}
