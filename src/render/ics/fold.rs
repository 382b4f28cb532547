//! RFC 5545 §3.1 line folding: one logical content line becomes physical
//! lines of at most 75 octets, split only between UTF-8 characters.
//!
//! Hand-written rather than left to the `icalendar` crate (pinned at
//! 0.17.17): its folding measures the 75-octet limit before adding the
//! leading space of a continuation line, so a tail of exactly 75 bytes comes
//! out as a 76-octet physical line, and its search for a split point is
//! quadratic in the line's length.

/// RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the
/// line break.
pub const MAX_LINE_OCTETS: usize = 75;

/// RFC 5545 §3.1: every physical line ends with CRLF.
const CRLF: &str = "\r\n";

/// What separates two physical lines of one folded content line: the line
/// break plus the single whitespace character that marks a continuation.
const FOLD: &str = "\r\n ";

/// Folds one logical content line into physical lines of at most 75 octets
/// each (excluding CRLF), breaking only on UTF-8 character boundaries.
/// Continuation lines start with a single space, which counts toward their
/// 75 octets; each physical line ends in CRLF. Appends to `out`.
///
/// Folding is greedy: each physical line takes as many whole characters as
/// fit. A line of exactly 75 octets is not folded, and an empty line stays a
/// bare CRLF. `line` must not contain CR or LF; if it does, the result will
/// fail [`super::check_stream`].
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
#[cfg(test)]
pub(super) fn fold_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut stream = String::new();
    for line in lines {
        fold_line_into(line, &mut stream);
    }
    stream
}

/// Splits a serialized iCalendar stream into logical (unfolded) content
/// lines, as a client reads it: accepts CRLF or LF line ends; a line
/// starting with a space or tab continues the previous one (the line break
/// and that ONE whitespace char are removed). A continuation line with
/// nothing before it to continue is kept verbatim as a line of its own.
#[cfg(test)]
pub(super) fn unfold(stream: &str) -> Vec<String> {
    let mut logical_lines: Vec<String> = Vec::new();
    let physical_lines = stream
        .split_terminator('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line));
    for physical in physical_lines {
        match (physical.strip_prefix([' ', '\t']), logical_lines.last_mut()) {
            (Some(continuation), Some(previous)) => previous.push_str(continuation),
            _ => logical_lines.push(physical.to_owned()),
        }
    }
    logical_lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::ics::test_text::line_text;
    use proptest::prelude::*;

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

    // ---- properties ----------------------------------------------------

    proptest! {
        /// Every physical line is at most 75 octets, holds whole characters
        /// only, and every line after the first is a continuation.
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
    }
}
