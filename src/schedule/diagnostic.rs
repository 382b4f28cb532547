//! Problems found in schedule files, each tied to a file and a byte span, and
//! rendered the way rustc renders them: `file:line:col`, the source line, a
//! caret under the culprit, and what to do about it. codespan-reporting
//! measures display width, so Japanese text before the culprit does not shift
//! the caret.
//!
//! Whether a report is coloured is decided once, at the edge (`console`,
//! from `--color`, the environment and the terminal), and handed down as a
//! plain setting through [`colour_scope`]: nothing here reads the
//! environment.

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::Ansi;
use codespan_reporting::term::{self, Config};
use std::cell::Cell;
use std::io::Write;
use std::ops::Range;

thread_local! {
    static COLOUR: Cell<bool> = const { Cell::new(false) };
}

/// Colours the reports rendered on this thread (ANSI escapes) until the
/// guard is dropped. Per thread, like [`super::annotations::scope`] and for
/// the same reason: reports are rendered deep in loading, and an option
/// threaded through every caller for the sake of a terminal would touch
/// them all. Every report is rendered on the command's own thread.
pub fn colour_scope(colour: bool) -> ColourScope {
    ColourScope(COLOUR.replace(colour))
}

/// Restores the previous setting when dropped.
#[derive(Debug)]
pub struct ColourScope(bool);

impl Drop for ColourScope {
    fn drop(&mut self) {
        COLOUR.set(self.0);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: FileId,
    pub span: Range<usize>,
    pub message: String,
    /// What to do about it, when there is something useful to say.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(file: FileId, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file,
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(file: FileId, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, span, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Index of a file in [`SourceFiles`].
pub type FileId = usize;

/// The text of every schedule file read, so that diagnostics can quote it.
/// Only names and texts are kept: the index of line starts that quoting
/// needs is made when a report is rendered, for the files it quotes, and
/// dropped after (it was a sixth of a large schedule's size, kept for the
/// whole build).
#[derive(Default)]
pub struct SourceFiles {
    /// (name, text), by [`FileId`].
    files: Vec<(String, String)>,
}

impl SourceFiles {
    pub fn add(&mut self, name: String, text: String) -> FileId {
        self.files.push((name, text));
        self.files.len() - 1
    }

    pub fn text(&self, file: FileId) -> &str {
        // Ids only come from `add`, so the lookup cannot fail.
        self.files.get(file).map_or("", |(_, text)| text.as_str())
    }

    /// The name a file was added with (its path, as shown in reports).
    pub fn name(&self, file: FileId) -> &str {
        self.files.get(file).map_or("", |(name, _)| name.as_str())
    }

    /// Every file, by the same ids, for codespan to quote: with its text if
    /// one of `diagnostics` is in it, else empty (nothing to index).
    fn quoted(&self, diagnostics: &[Diagnostic]) -> SimpleFiles<&str, &str> {
        let mut wanted = vec![false; self.files.len()];
        for diagnostic in diagnostics {
            if let Some(wanted) = wanted.get_mut(diagnostic.file) {
                *wanted = true;
            }
        }
        let mut quoted = SimpleFiles::new();
        for ((name, text), wanted) in self.files.iter().zip(wanted) {
            quoted.add(name.as_str(), if wanted { text.as_str() } else { "" });
        }
        quoted
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        let text = self.text(file);
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    /// Renders diagnostics in the order given, coloured if this thread's
    /// [`colour_scope`] says so.
    pub fn render(&self, diagnostics: &[Diagnostic]) -> String {
        self.render_styled(diagnostics, COLOUR.get())
    }

    fn render_styled(&self, diagnostics: &[Diagnostic], colour: bool) -> String {
        let mut rendered = String::new();
        // Appending to a String cannot fail.
        let _ = self.render_in_pieces(diagnostics, colour, &mut |piece| {
            rendered.push_str(piece);
            Ok(())
        });
        rendered
    }

    /// [`SourceFiles::render`], written to `out` a piece at a time: a large
    /// schedule can have a warning per window, and their report, held
    /// whole, was the size of the schedules themselves.
    pub fn write(&self, diagnostics: &[Diagnostic], out: &mut dyn Write) -> std::io::Result<()> {
        self.render_in_pieces(diagnostics, COLOUR.get(), &mut |piece| {
            out.write_all(piece.as_bytes())
        })
    }

    /// Renders diagnostics in the order given, handing the text to `sink`
    /// in pieces of about [`PIECE_BYTES`], whole reports each.
    fn render_in_pieces(
        &self,
        diagnostics: &[Diagnostic],
        colour: bool,
        sink: &mut dyn FnMut(&str) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut rendered = String::new();
        let config = Config::default();
        let quoted = self.quoted(diagnostics);
        for diagnostic in diagnostics {
            let report = match diagnostic.severity {
                Severity::Error => Report::error(),
                Severity::Warning => Report::warning(),
            };
            let mut report =
                report
                    .with_message(&diagnostic.message)
                    .with_labels(vec![Label::primary(
                        diagnostic.file,
                        diagnostic.span.clone(),
                    )]);
            if let Some(help) = &diagnostic.help {
                report = report.with_notes(vec![format!("help: {help}")]);
            }
            // Writing into a Vec cannot fail; a span outside the file would be
            // our bug, and then the message still goes out without the snippet.
            if emit(&mut rendered, colour, &config, &quoted, &report).is_err() {
                let (line, column) = self.line_col(diagnostic.file, diagnostic.span.start);
                let header = format!(
                    "{}:{line}:{column}: {}\n",
                    self.name(diagnostic.file),
                    diagnostic.message
                );
                rendered.push_str(&header);
            }
            if rendered.len() >= PIECE_BYTES {
                sink(&rendered)?;
                rendered.clear();
            }
        }
        if super::annotations::enabled() {
            rendered.push_str(&super::annotations::render(self, diagnostics));
        }
        sink(&rendered)
    }
}

/// About how much of a report [`SourceFiles::write`] writes at once.
const PIECE_BYTES: usize = 64 * 1024;

/// Appends one report to `rendered`, with ANSI colour escapes or without.
fn emit(
    rendered: &mut String,
    colour: bool,
    config: &Config,
    files: &SimpleFiles<&str, &str>,
    report: &Report<FileId>,
) -> Result<(), codespan_reporting::files::Error> {
    if !colour {
        return term::emit_to_string(rendered, config, files, report);
    }
    let mut ansi = Ansi::new(Vec::new());
    term::emit_to_write_style(&mut ansi, config, files, report)?;
    // The renderer writes only the sources' text (UTF-8) and ASCII escapes.
    rendered.push_str(&String::from_utf8_lossy(&ansi.into_inner()));
    Ok(())
}

impl std::fmt::Debug for SourceFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceFiles").finish_non_exhaustive()
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// "did you mean …?" for the closest known name, if any is close.
pub fn suggestion(unknown: &str, known: &[&str]) -> String {
    let lower = unknown.to_lowercase();
    let best = known
        .iter()
        .map(|candidate| {
            (
                strsim::damerau_levenshtein(&lower, &candidate.to_lowercase()),
                *candidate,
            )
        })
        .min();
    match best {
        Some((distance, candidate)) if distance <= (unknown.chars().count() / 3).max(2) => {
            format!("did you mean `{candidate}`?")
        }
        _ if known.is_empty() => "there is nothing of that kind declared yet".to_owned(),
        _ if known.len() <= 12 => format!("known: {}", known.join(", ")),
        _ => "check the spelling".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_sits_under_the_culprit_after_japanese_text() {
        let mut files = SourceFiles::default();
        let text = "name = \"楽天\"\nstatus = \"maybe\"\n".to_owned();
        let start = text.find("\"maybe\"").unwrap();
        let file = files.add("s.toml".into(), text);
        let rendered = files.render(&[Diagnostic::error(file, start..start + 7, "bad status")
            .with_help("use confirmed, tentative or cancelled")]);
        assert!(rendered.contains("s.toml:2:10"), "{rendered}");
        let source_line = rendered.lines().find(|l| l.contains("status =")).unwrap();
        let caret_line = rendered.lines().find(|l| l.contains("^^^^^^^")).unwrap();
        let source_col = source_line.find("\"maybe\"").unwrap();
        let caret_col = caret_line.find('^').unwrap();
        assert_eq!(source_col, caret_col, "{rendered}");
        assert!(rendered.contains("help: use confirmed"), "{rendered}");
    }

    #[test]
    fn colour_is_escapes_around_the_same_text() {
        let mut files = SourceFiles::default();
        let file = files.add("s.toml".into(), "status = \"maybe\"\n".into());
        let problem = [Diagnostic::error(file, 9..16, "bad status")];
        let plain = files.render_styled(&problem, false);
        let coloured = {
            let _colour = colour_scope(true);
            files.render(&problem)
        };
        assert!(!plain.contains('\x1b'), "{plain}");
        assert!(coloured.contains("\x1b["), "{coloured}");
        let stripped: String = coloured
            .split('\x1b')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    &part[part.find('m').unwrap() + 1..]
                }
            })
            .collect();
        assert_eq!(stripped, plain);
        // The guard restored the default.
        assert_eq!(files.render(&problem), plain);
    }

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        let mut files = SourceFiles::default();
        let file = files.add("s.toml".into(), "a = \"日本\"\nb = 1\n".into());
        let offset = "a = \"日本".len();
        assert_eq!(files.line_col(file, offset), (1, 8));
    }

    #[test]
    fn suggests_the_zone_meant() {
        let known: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
        assert_eq!(
            suggestion("Asia/Tokio", &known),
            "did you mean `Asia/Tokyo`?"
        );
    }

    /// Writes that it counts, to see the report go out in pieces.
    struct Counting {
        bytes: Vec<u8>,
        writes: usize,
    }

    impl Write for Counting {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.writes += 1;
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_long_report_is_written_in_pieces_with_the_same_bytes() {
        let mut files = SourceFiles::default();
        let text: String = (0..2000).map(|n| format!("key{n} = {n}\n")).collect();
        let file = files.add("s.toml".into(), text.clone());
        let diagnostics: Vec<Diagnostic> = (0..2000)
            .map(|n| {
                let start = text.find(&format!("key{n} ")).unwrap();
                Diagnostic::warning(file, start..start + 3, format!("warning {n}"))
                    .with_help("what to do")
            })
            .collect();
        let whole = files.render(&diagnostics);
        assert!(whole.len() > 2 * PIECE_BYTES, "{}", whole.len());
        let mut out = Counting {
            bytes: Vec::new(),
            writes: 0,
        };
        files.write(&diagnostics, &mut out).unwrap();
        assert_eq!(String::from_utf8(out.bytes).unwrap(), whole);
        assert!(out.writes > 2, "{} writes", out.writes);
    }
}
