//! The last mile of the iCalendar wire format (RFC 5545 §3.1, §3.3.11).
//!
//! The renderer builds components with the `icalendar` crate (pinned at
//! 0.17.17), but that crate's own serialisation cannot be trusted byte for
//! byte:
//!
//! * its line folding measures the 75-octet limit before adding the leading
//!   space of a continuation line, so a tail of exactly 75 bytes comes out as
//!   a 76-octet physical line;
//! * it passes a CR inside a value straight through, which a client reads as
//!   a line break;
//! * it does not escape the RFC 7986 `NAME` property as TEXT.
//!
//! So this module is hand-written rather than delegated to the prescribed
//! crate: the renderer writes the logical content lines of icalendar's
//! components itself (escaping TEXT with [`escape_text_into`]), folds each
//! with [`fold_line_into`] and finally verifies the bytes with
//! [`check_stream`]. [`unfold`] reads streams back, for tests and checks.
//! Schedule validation rejects text that no escaping can carry safely
//! ([`crate::schedule::model::forbidden_char`]) before it ever reaches the
//! renderer.

use crate::schedule::model::describe_char;
use std::fmt;

/// RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the
/// line break.
pub const MAX_LINE_OCTETS: usize = 75;

/// RFC 5545 §3.1: every physical line ends with CRLF.
const CRLF: &str = "\r\n";

/// What separates two physical lines of one folded content line: the line
/// break plus the single whitespace character that marks a continuation.
const FOLD: &str = "\r\n ";

/// RFC 5545 §3.3.11 TEXT escaping: backslash, semicolon, comma, newline
/// (\n → `\n`). Never produces a raw CR or LF.
///
/// A CR has no TEXT escape of its own, and clients treat it as a line break,
/// so CRLF and a bare CR are both normalised to the `\n` escape. This is why
/// [`unescape_text`] only inverts this function for CR-free input; schedule
/// validation rejects CR anyway ([`crate::schedule::model::forbidden_char`]).
#[must_use]
pub fn escape_text(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len() + 16);
    escape_text_into(value, &mut escaped);
    escaped
}

/// [`escape_text`], appending to `out`. The text between the characters to
/// escape is copied in whole runs, not a character at a time: descriptions
/// are most of a feed's bytes.
pub fn escape_text_into(value: &str, out: &mut String) {
    let mut rest = value;
    // The characters to escape are ASCII, so a byte search finds them
    // without decoding the (often Japanese) text in between.
    let special = |b: &u8| matches!(b, b'\\' | b';' | b',' | b'\n' | b'\r');
    while let Some(at) = rest.bytes().position(|b| special(&b)) {
        out.push_str(&rest[..at]);
        let special = rest.as_bytes()[at];
        rest = &rest[at + 1..];
        out.push_str(match special {
            b'\\' => r"\\",
            b';' => r"\;",
            b',' => r"\,",
            b'\r' => {
                // Swallow the LF of a CRLF pair so it yields one newline, not two.
                rest = rest.strip_prefix('\n').unwrap_or(rest);
                r"\n"
            }
            _ => r"\n",
        });
    }
    out.push_str(rest);
}

/// Inverse of [`escape_text`] (accepts `\N` too). Used by tests and checks.
///
/// Parsing is lenient: a backslash before any other character, or a trailing
/// lone backslash, is kept as it is rather than rejected, because this is a
/// diagnostic aid and not a validator.
#[must_use]
pub fn unescape_text(value: &str) -> String {
    let mut unescaped = String::with_capacity(value.len());
    // One left-to-right pass, so `\\n` is a backslash followed by `n` and
    // never a backslash followed by a newline.
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            unescaped.push(c);
            continue;
        }
        match chars.next() {
            Some(escaped @ ('\\' | ';' | ',')) => unescaped.push(escaped),
            Some('n' | 'N') => unescaped.push('\n'),
            Some(other) => {
                unescaped.push('\\');
                unescaped.push(other);
            }
            None => unescaped.push('\\'),
        }
    }
    unescaped
}

/// Splits a serialized iCalendar stream into logical (unfolded) content
/// lines: accepts CRLF or LF line ends; a line starting with a space or tab
/// continues the previous one (the line break and that ONE whitespace char
/// are removed).
///
/// A continuation line with nothing before it to continue is kept verbatim
/// as a line of its own; [`check_stream`] is where such a stream is judged.
#[must_use]
pub fn unfold(stream: &str) -> Vec<String> {
    let mut logical_lines: Vec<String> = Vec::new();
    for physical in physical_lines(stream) {
        match (physical.strip_prefix([' ', '\t']), logical_lines.last_mut()) {
            (Some(continuation), Some(previous)) => previous.push_str(continuation),
            _ => logical_lines.push(physical.to_owned()),
        }
    }
    logical_lines
}

/// The physical lines of `stream` without their CRLF or LF terminators. A
/// final line break terminates the last line rather than starting an empty
/// one.
fn physical_lines(stream: &str) -> impl Iterator<Item = &str> {
    stream
        .split_terminator('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
}

/// Folds one logical content line into physical lines of at most 75 octets
/// each (excluding CRLF), breaking only on UTF-8 character boundaries.
/// Continuation lines start with a single space, which counts toward their
/// 75 octets; each physical line ends in CRLF. Appends to `out`.
///
/// Folding is greedy: each physical line takes as many whole characters as
/// fit. A line of exactly 75 octets is not folded, and an empty line stays a
/// bare CRLF. `line` must not contain CR or LF; if it does, the result will
/// fail [`check_stream`].
pub fn fold_line_into(line: &str, out: &mut String) {
    let mut rest = line;
    let mut room = MAX_LINE_OCTETS;
    // icalendar 0.17.17 compares the remainder with the full 75 octets even
    // on continuation lines, forgetting the leading space; `room` shrinks to
    // 74 after the first break so the space is paid for.
    while rest.len() > room {
        // A UTF-8 character is at most 4 octets, so the split is never at 0
        // and every iteration makes progress.
        let mut split = rest.floor_char_boundary(room);
        // A continuation line that starts with another space or tab is valid,
        // but some unfolders strip it; break before the whitespace instead,
        // unless the chunk would become empty (a run of spaces).
        while split > 1 && rest[split..].starts_with([' ', '\t']) {
            split = rest.floor_char_boundary(split - 1);
        }
        out.push_str(&rest[..split]);
        out.push_str(FOLD);
        rest = &rest[split..];
        room = MAX_LINE_OCTETS - 1;
    }
    out.push_str(rest);
    out.push_str(CRLF);
}

/// Folds a whole sequence of logical lines into a stream.
#[must_use]
pub fn fold_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut stream = String::new();
    for line in lines {
        fold_line_into(line, &mut stream);
    }
    stream
}

/// The RFC 5545 RECUR weekday code (`SU` in `BYDAY=2SU`).
#[must_use]
pub fn weekday_code(weekday: chrono::Weekday) -> &'static str {
    use chrono::Weekday;
    match weekday {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::model::forbidden_char;
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

    fn fold(line: &str) -> String {
        let mut out = String::new();
        fold_line_into(line, &mut out);
        out
    }

    /// The physical lines of a folded stream, split on CRLF at the byte level
    /// so that a character split across lines would show up as invalid UTF-8.
    fn physical_byte_lines(stream: &str) -> Vec<&[u8]> {
        let bytes = stream
            .as_bytes()
            .strip_suffix(b"\r\n")
            .expect("folded output ends with CRLF");
        let mut lines = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while i + 1 < bytes.len() {
            if &bytes[i..i + 2] == b"\r\n" {
                lines.push(&bytes[start..i]);
                i += 2;
                start = i;
            } else {
                i += 1;
            }
        }
        lines.push(&bytes[start..]);
        lines
    }

    fn line_lengths(stream: &str) -> Vec<usize> {
        physical_byte_lines(stream)
            .iter()
            .map(|l| l.len())
            .collect()
    }

    fn wrap_in_calendar(lines: &[&str]) -> String {
        let mut all = vec!["BEGIN:VCALENDAR"];
        all.extend_from_slice(lines);
        all.push("END:VCALENDAR");
        fold_lines(all)
    }

    // ---- folding -------------------------------------------------------

    #[test]
    fn continuation_lines_do_not_start_with_whitespace() {
        let line = format!("DESCRIPTION:{} {}", "a".repeat(63), "b".repeat(100));
        let folded = fold_lines([line.as_str()]);
        assert!(
            folded
                .split("\r\n")
                .all(|physical| !physical.starts_with("  ")),
            "{folded}"
        );
        assert_eq!(unfold(&folded), vec![line]);
    }

    #[test]
    fn short_line_is_unchanged() {
        assert_eq!(fold("SUMMARY:Oil change"), "SUMMARY:Oil change\r\n");
    }

    #[test]
    fn empty_line_stays_empty() {
        assert_eq!(fold(""), "\r\n");
        assert_eq!(unfold("\r\n"), vec![String::new()]);
    }

    #[test]
    fn exactly_75_octets_is_not_folded() {
        let line = "x".repeat(75);
        assert_eq!(fold(&line), format!("{line}\r\n"));
    }

    #[test]
    fn line_of_76_octets_folds() {
        let line = "x".repeat(76);
        assert_eq!(fold(&line), format!("{}\r\n x\r\n", "x".repeat(75)));
    }

    #[test]
    fn japanese_text_folds_on_char_boundaries() {
        // "DESCRIPTION:" is 12 octets, leaving 63 = 21 three-octet chars on
        // the first line; continuation lines hold 24 chars (72 octets) after
        // the space, since a 25th would make the line 76 octets.
        let text = "定期点検のお知らせ".repeat(6); // 54 chars
        let line = format!("DESCRIPTION:{text}");
        let folded = fold(&line);
        assert_eq!(line_lengths(&folded), vec![75, 73, 28]);
        for physical in physical_byte_lines(&folded) {
            assert!(std::str::from_utf8(physical).is_ok());
        }
        assert_eq!(unfold(&folded), vec![line]);
    }

    #[test]
    fn emoji_straddling_the_limit_moves_to_the_next_line() {
        // 73 ASCII octets then a 4-octet emoji occupying octets 74..=77:
        // it must not be split, so the first line stops at 73 octets.
        let line = format!("{}🔧tail", "x".repeat(73));
        let folded = fold(&line);
        assert_eq!(folded, format!("{}\r\n 🔧tail\r\n", "x".repeat(73)));
    }

    #[test]
    fn emoji_ending_exactly_at_the_limit_stays() {
        let line = format!("{}🔧y", "x".repeat(71));
        assert_eq!(fold(&line), format!("{}🔧\r\n y\r\n", "x".repeat(71)));
    }

    #[test]
    fn tail_of_exactly_75_octets_is_folded_again() {
        // Regression for icalendar 0.17.17: after cutting the first 75
        // octets it saw exactly 75 left, decided no further fold was needed
        // and emitted " " + 75 octets = a 76-octet line.
        let line = format!("{}{}", "a".repeat(75), "b".repeat(75));
        let folded = fold(&line);
        assert_eq!(
            folded,
            format!("{}\r\n {}\r\n b\r\n", "a".repeat(75), "b".repeat(74))
        );
        assert_eq!(line_lengths(&folded), vec![75, 75, 2]);
    }

    #[test]
    fn fold_lines_concatenates_folded_lines() {
        let long = "y".repeat(80);
        let stream = fold_lines(["A:1", long.as_str(), "B:2"]);
        assert_eq!(
            stream,
            format!("A:1\r\n{}\r\n yyyyy\r\nB:2\r\n", "y".repeat(75))
        );
    }

    // ---- unfolding -----------------------------------------------------

    #[test]
    fn unfold_accepts_lf_and_tab_continuations() {
        let stream = "A:one\n  two\r\n\t\tthree\nB:x\r\n";
        assert_eq!(unfold(stream), vec!["A:one two\tthree", "B:x"]);
    }

    #[test]
    fn unfold_without_final_line_break() {
        assert_eq!(unfold("A:1\r\nB:2"), vec!["A:1", "B:2"]);
        assert!(unfold("").is_empty());
    }

    #[test]
    fn unfold_keeps_a_leading_continuation_line() {
        assert_eq!(unfold(" orphan\r\nA:1\r\n"), vec![" orphan", "A:1"]);
    }

    // ---- escaping ------------------------------------------------------

    #[test]
    fn escapes_the_four_text_specials() {
        assert_eq!(escape_text("a,b;c\\d\ne"), r"a\,b\;c\\d\ne");
    }

    #[test]
    fn cr_is_normalised_to_an_escaped_newline() {
        assert_eq!(escape_text("a\r\nb\rc"), r"a\nb\nc");
    }

    #[test]
    fn unescape_accepts_capital_n_and_keeps_unknown_escapes() {
        assert_eq!(unescape_text(r"a\Nb\nc"), "a\nb\nc");
        assert_eq!(unescape_text(r"\x\:"), r"\x\:");
        assert_eq!(unescape_text("end\\"), "end\\");
        assert_eq!(unescape_text(r"\\n"), r"\n");
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

    // ---- properties ----------------------------------------------------

    /// Characters of every UTF-8 width, weighted towards the scripts a
    /// maintenance schedule is likely to contain: ASCII, accented Latin
    /// (2 octets), kana and CJK ideographs (3 octets), emoji (4 octets), and
    /// now and then any scalar value at all. No CR or LF: a logical content
    /// line cannot hold them.
    ///
    /// Derived from a plain `u32` rather than built with `prop_oneof!`,
    /// because per-character union strategies make strings of thousands of
    /// characters very slow to generate in a debug build. Shrinking still
    /// works: seeds shrink towards 0, which is ASCII.
    fn char_from_seed(seed: u32) -> char {
        let within = |first: char, last: char| {
            let span = u32::from(last) - u32::from(first) + 1;
            char::from_u32(u32::from(first) + (seed >> 4) % span).unwrap_or('?')
        };
        match seed % 16 {
            0..=4 => within(' ', '~'),
            5..=6 => within('\u{E0}', '\u{17F}'),
            7..=8 => within('\u{3040}', '\u{30FF}'),
            9..=11 => within('\u{4E00}', '\u{9FFF}'),
            12..=14 => within('\u{1F300}', '\u{1FAFF}'),
            _ => match char::from_u32((seed >> 4) % 0x11_0000) {
                Some('\r' | '\n') | None => '?',
                Some(any) => any,
            },
        }
    }

    /// What schedule validation lets through to the renderer.
    fn without_forbidden_chars(text: &str) -> String {
        text.chars()
            .filter(|&c| forbidden_char(c.encode_utf8(&mut [0; 4]), true).is_none())
            .collect()
    }

    fn line_text(max_chars: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(any::<u32>(), 0..max_chars)
            .prop_map(|seeds| seeds.into_iter().map(char_from_seed).collect())
    }

    proptest! {
        #[test]
        fn folded_lines_fit_and_hold_whole_chars(line in line_text(3000)) {
            let folded = fold(&line);
            for (index, physical) in physical_byte_lines(&folded).into_iter().enumerate() {
                prop_assert!(physical.len() <= MAX_LINE_OCTETS,
                    "physical line {index} is {} octets", physical.len());
                prop_assert!(std::str::from_utf8(physical).is_ok(),
                    "physical line {index} splits a character");
                if index > 0 {
                    prop_assert_eq!(physical.first(), Some(&b' '));
                }
            }
        }

        #[test]
        fn unfold_inverts_fold(line in line_text(3000)) {
            prop_assert_eq!(unfold(&fold(&line)), vec![line]);
        }

        #[test]
        fn unfold_inverts_fold_lines(
            lines in proptest::collection::vec(
                ("[A-Z][A-Z-]{0,10}", line_text(300)).prop_map(|(name, value)| format!("{name}:{value}")),
                0..8,
            )
        ) {
            let stream = fold_lines(lines.iter().map(String::as_str));
            prop_assert_eq!(unfold(&stream), lines);
        }

        #[test]
        fn escaped_text_in_a_folded_stream_passes_the_check(
            text in line_text(1000).prop_map(|text| without_forbidden_chars(&text))
        ) {
            let summary = format!("SUMMARY:{}", escape_text(&text));
            let stream = wrap_in_calendar(&[summary.as_str()]);
            prop_assert_eq!(check_stream(&stream), Ok(()));
        }

        #[test]
        fn unescape_inverts_escape(text in any::<String>().prop_map(|s| s.replace('\r', ""))) {
            prop_assert_eq!(unescape_text(&escape_text(&text)), text);
        }

        #[test]
        fn unescape_inverts_escape_on_specials(text in r"[\\;,\nNn a-z]{0,40}") {
            prop_assert_eq!(unescape_text(&escape_text(&text)), text);
        }

        #[test]
        fn escaped_text_never_contains_cr_or_lf(text in r"(?s).{0,200}|[\r\n\\;,a]{0,50}") {
            let escaped = escape_text(&text);
            prop_assert!(!escaped.contains(['\r', '\n']), "{:?}", escaped);
        }
    }
}
