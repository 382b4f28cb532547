//! The wire-format check every feed passes before it is handed on
//! ([`check_stream`]): CRLF line ends, lines of at most 75 octets, no
//! control characters, content lines shaped `NAME:` or `NAME;`, and a
//! VCALENDAR around it all. A failure is a maintcal bug, never a user's.

use super::fold::MAX_LINE_OCTETS;
use crate::schedule::model::describe_char;
use std::fmt;

/// One defect found by [`check_stream`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireProblem {
    /// 1-based physical line number.
    pub line: usize,
    pub message: String,
}

impl WireProblem {
    fn new(line: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for WireProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for WireProblem {}

/// Checks a serialized stream byte by byte:
///
/// * every line ends with CRLF (no bare CR or LF);
/// * no physical line is over 75 octets (excluding CRLF);
/// * no control characters other than HTAB (U+0000–U+001F except U+0009,
///   and U+007F); valid UTF-8 is already guaranteed by `&str`;
/// * continuation lines begin with a space (not a tab: this writer folds
///   with a space, so a tab means something else produced the line);
/// * every logical line starts with a property name followed by `:` or `;`,
///   which catches a continuation line that lost its leading space;
/// * no empty lines;
/// * the stream starts with `BEGIN:VCALENDAR` and ends with
///   `END:VCALENDAR` CRLF.
///
/// # Errors
///
/// Returns every problem found, ordered by its 1-based physical line number.
pub fn check_stream(stream: &str) -> Result<(), Vec<WireProblem>> {
    let mut problems = Vec::new();
    if stream.is_empty() {
        problems.push(WireProblem::new(
            1,
            "stream is empty; expected BEGIN:VCALENDAR ... END:VCALENDAR",
        ));
        return Err(problems);
    }

    // One pass, without copying: each logical line's shape is read from its
    // physical pieces as they come (the stream is a whole feed).
    let mut logical: Option<ShapeScan> = None;
    let mut last_line = (0, "");
    let mut rest = stream;
    let mut line_number = 0;
    while !rest.is_empty() {
        line_number += 1;
        // Split by hand rather than with `physical_lines`, because here the
        // exact terminator of each line matters.
        let content = match rest.split_once('\n') {
            Some((raw, after)) => {
                rest = after;
                raw.strip_suffix('\r').unwrap_or_else(|| {
                    problems.push(WireProblem::new(
                        line_number,
                        "line ends with a bare LF; expected CRLF",
                    ));
                    raw
                })
            }
            None => {
                // A trailing CR without LF is left in `content`, where the
                // character scan below reports it as a bare CR.
                problems.push(WireProblem::new(
                    line_number,
                    "last line is not terminated; expected CRLF",
                ));
                std::mem::take(&mut rest)
            }
        };
        check_physical_line(line_number, content, &mut problems);

        match (content.strip_prefix(' '), logical.as_mut()) {
            (Some(continuation), Some(scan)) => scan.feed(continuation),
            _ => {
                if let Some(done) = logical.take() {
                    done.report(&mut problems);
                }
                let mut scan = ShapeScan::new(line_number);
                scan.feed(content);
                logical = Some(scan);
            }
        }
        last_line = (line_number, content);
    }
    if let Some(done) = logical {
        done.report(&mut problems);
    }

    if physical_lines(stream).next() != Some("BEGIN:VCALENDAR") {
        problems.push(WireProblem::new(
            1,
            "stream does not start with BEGIN:VCALENDAR",
        ));
    }
    let (last_line_number, last_content) = last_line;
    if last_content != "END:VCALENDAR" {
        problems.push(WireProblem::new(
            last_line_number,
            "stream does not end with END:VCALENDAR",
        ));
    }

    if problems.is_empty() {
        Ok(())
    } else {
        // Stable, so problems on one line keep the order they were found in.
        problems.sort_by_key(|problem| problem.line);
        Err(problems)
    }
}

/// [`has_content_line_shape`] of a logical line, read from its physical
/// pieces one after the other, so the line need not be put together.
#[derive(Debug)]
struct ShapeScan {
    /// Physical line number where the logical line starts.
    start_line: usize,
    empty: bool,
    name_len: usize,
    name_ok: bool,
    state: Shape,
}

#[derive(Debug, PartialEq, Eq)]
enum Shape {
    /// Still in the name.
    Name,
    /// After the name's `;`: a `:` must come.
    Parameters,
    /// A `:` came after the name: nothing more to read.
    Value,
}

impl ShapeScan {
    fn new(start_line: usize) -> Self {
        ShapeScan {
            start_line,
            empty: true,
            name_len: 0,
            name_ok: true,
            state: Shape::Name,
        }
    }

    fn feed(&mut self, piece: &str) {
        self.empty &= piece.is_empty();
        for b in piece.bytes() {
            match self.state {
                Shape::Value => return,
                Shape::Name if b == b':' => self.state = Shape::Value,
                Shape::Name if b == b';' => self.state = Shape::Parameters,
                Shape::Name => {
                    self.name_len += 1;
                    self.name_ok &= b.is_ascii_alphanumeric() || b == b'-';
                }
                Shape::Parameters if b == b':' => self.state = Shape::Value,
                Shape::Parameters => {}
            }
        }
    }

    fn report(self, problems: &mut Vec<WireProblem>) {
        let shaped = self.state == Shape::Value && self.name_len > 0 && self.name_ok;
        if !self.empty && !shaped {
            problems.push(WireProblem::new(
                self.start_line,
                "content line does not start with a property name followed by ':' or ';' \
                 (a continuation line missing its leading space?)",
            ));
        }
    }
}

/// The checks that need only one physical line (without its terminator).
fn check_physical_line(line_number: usize, content: &str, problems: &mut Vec<WireProblem>) {
    if content.len() > MAX_LINE_OCTETS {
        problems.push(WireProblem::new(
            line_number,
            format!(
                "line is {} octets long; the limit is {MAX_LINE_OCTETS} excluding CRLF",
                content.len()
            ),
        ));
    }
    if content.is_empty() {
        problems.push(WireProblem::new(line_number, "empty line"));
    }
    if content.starts_with('\t') {
        problems.push(WireProblem::new(
            line_number,
            "continuation line starts with HTAB; expected a single space",
        ));
    }
    // Every control character is ASCII, so a byte scan finds them all; the
    // common case, none, is one pass without early exit over at most 75
    // bytes, which the compiler vectorizes.
    if !content
        .bytes()
        .fold(false, |found, b| found | (b < 0x20) | (b == 0x7F))
    {
        return;
    }
    for (offset, c) in content.char_indices() {
        let column = offset + 1;
        if c == '\r' {
            problems.push(WireProblem::new(
                line_number,
                format!("bare CR at octet {column}; CR may only appear in CRLF"),
            ));
        } else if is_rfc5545_control(c) {
            problems.push(WireProblem::new(
                line_number,
                format!("control character {} at octet {column}", describe_char(c)),
            ));
        }
    }
}

/// RFC 5545 §3.1 CONTROL: every C0 control except HTAB, plus DEL.
fn is_rfc5545_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{A}'..='\u{1F}' | '\u{7F}')
}

/// Whether a logical line begins like `NAME:` or `NAME;` (RFC 5545 §3.1
/// `name = iana-token / x-name`, both made of ALPHA, DIGIT and "-").
#[cfg(test)]
fn has_content_line_shape(logical: &str) -> bool {
    let Some(name_end) = logical.find([':', ';']) else {
        return false;
    };
    let name = &logical[..name_end];
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        // Parameters come first, so the value separator may be further on.
        && logical[name_end..].contains(':')
}

/// The physical lines of `stream` without their CRLF or LF terminators. A
/// final line break terminates the last line rather than starting an empty
/// one.
fn physical_lines(stream: &str) -> impl Iterator<Item = &str> {
    stream
        .split_terminator('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::ics::escape::escape_text;
    use crate::render::ics::fold::fold_lines;
    use crate::render::ics::test_text::line_text;
    use proptest::prelude::*;

    /// `check_stream` reads a logical line's shape from its physical pieces;
    /// it must judge as the whole line would be judged, wherever the folds
    /// fall.
    #[test]
    fn the_shape_read_in_pieces_is_the_shape_of_the_whole_line() {
        let lines = [
            "DTSTART;TZID=Asia/Tokyo:20200517T020000",
            "SUMMARY:text",
            "X-WR-CALNAME:名前",
            "DESCRIPTION",
            "NAME;NO-COLON",
            ":VALUE",
            "BAD NAME:value",
            "名前:value",
            ";X=1:v",
            "",
        ];
        for line in lines {
            let whole = has_content_line_shape(line);
            for split in (0..=line.len()).filter(|&i| line.is_char_boundary(i)) {
                let mut scan = ShapeScan::new(1);
                scan.feed(&line[..split]);
                scan.feed(&line[split..]);
                let mut problems = Vec::new();
                scan.report(&mut problems);
                assert_eq!(
                    problems.is_empty(),
                    whole || line.is_empty(),
                    "{line:?} split at {split}"
                );
            }
        }
    }

    fn wrap_in_calendar(lines: &[&str]) -> String {
        let mut all = vec!["BEGIN:VCALENDAR"];
        all.extend_from_slice(lines);
        all.push("END:VCALENDAR");
        fold_lines(all)
    }

    // ---- check_stream --------------------------------------------------

    fn problem_lines(stream: &str) -> Vec<(usize, String)> {
        check_stream(stream)
            .expect_err("stream should be rejected")
            .into_iter()
            .map(|p| (p.line, p.message))
            .collect()
    }

    #[test]
    fn good_stream_passes() {
        let summary = format!("SUMMARY:{}", escape_text(&"点検, oil; filter\n".repeat(10)));
        let stream = wrap_in_calendar(&[
            "BEGIN:VEVENT",
            "UID:1@example.com",
            "DTSTART;TZID=Europe/Berlin:20250101T090000",
            summary.as_str(),
            "END:VEVENT",
        ]);
        assert_eq!(check_stream(&stream), Ok(()));
    }

    #[test]
    fn catches_bare_lf() {
        let stream = "BEGIN:VCALENDAR\r\nVERSION:2.0\nEND:VCALENDAR\r\n";
        let problems = problem_lines(stream);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, 2);
        assert!(problems[0].1.contains("bare LF"));
    }

    #[test]
    fn catches_bare_cr() {
        let stream = "BEGIN:VCALENDAR\r\nSUMMARY:a\rb\r\nEND:VCALENDAR\r\n";
        let problems = problem_lines(stream);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, 2);
        assert!(problems[0].1.contains("bare CR at octet 10"));
    }

    #[test]
    fn catches_an_80_octet_line() {
        let long = format!("X-LONG:{}", "z".repeat(73));
        assert_eq!(long.len(), 80);
        let stream = format!("BEGIN:VCALENDAR\r\n{long}\r\nEND:VCALENDAR\r\n");
        let problems = problem_lines(&stream);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, 2);
        assert!(problems[0].1.contains("80 octets"));
    }

    #[test]
    fn catches_a_nul() {
        let stream = "BEGIN:VCALENDAR\r\nSUMMARY:a\0b\r\nEND:VCALENDAR\r\n";
        let problems = problem_lines(stream);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, 2);
        assert!(problems[0].1.contains("NUL (U+0000)"));
    }

    #[test]
    fn catches_missing_end_vcalendar() {
        let stream = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n";
        let problems = problem_lines(stream);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, 2);
        assert!(problems[0].1.contains("END:VCALENDAR"));
    }

    #[test]
    fn catches_missing_final_crlf() {
        let problems = problem_lines("BEGIN:VCALENDAR\r\nEND:VCALENDAR");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, 2);
        assert!(problems[0].1.contains("not terminated"));
    }

    #[test]
    fn catches_missing_begin_and_empty_stream() {
        let problems = problem_lines("\u{FEFF}BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
        assert!(problems.iter().any(|(line, message)| *line == 1
            && message.contains("start with BEGIN:VCALENDAR")));
        assert_eq!(problem_lines("").len(), 1);
    }

    #[test]
    fn catches_continuation_without_leading_space() {
        let stream = "BEGIN:VCALENDAR\r\nSUMMARY:hello\r\nworld again\r\nEND:VCALENDAR\r\n";
        let problems = problem_lines(stream);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, 3);
        assert!(problems[0].1.contains("property name"));
    }

    #[test]
    fn catches_tab_continuation_and_empty_line() {
        let stream = "BEGIN:VCALENDAR\r\nSUMMARY:a\r\n\tb\r\n\r\nEND:VCALENDAR\r\n";
        let lines: Vec<usize> = problem_lines(stream).iter().map(|p| p.0).collect();
        // Line 3 starts with a tab, so it is not a continuation for the
        // checker, and its logical line has no property name either.
        assert_eq!(lines, vec![3, 3, 4]);
    }

    #[test]
    fn reports_every_problem_in_line_order() {
        let stream = "VERSION:2.0\nSUMMARY:\u{1B}\r\n";
        let lines: Vec<usize> = problem_lines(stream).iter().map(|p| p.0).collect();
        assert_eq!(lines, vec![1, 1, 2, 2]);
    }

    #[test]
    fn problem_display_names_the_line() {
        let problem = WireProblem::new(7, "empty line");
        assert_eq!(problem.to_string(), "line 7: empty line");
    }

    proptest! {
        /// Any text without RFC 5545 control characters (what validation
        /// lets through is a subset), escaped and folded, passes the check.
        #[test]
        fn escaped_text_in_a_folded_stream_passes_the_check(
            text in line_text(1000).prop_map(|text| {
                text.chars()
                    .filter(|&c| !is_rfc5545_control(c))
                    .collect::<String>()
            })
        ) {
            let summary = format!("SUMMARY:{}", escape_text(&text));
            let stream = wrap_in_calendar(&[summary.as_str()]);
            prop_assert_eq!(check_stream(&stream), Ok(()));
        }
    }
}
