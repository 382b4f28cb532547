//! The input text policy, still here only until schedule validation, its
//! one user besides [`super::ics::check_stream`]'s messages, takes it over
//! (issue 10 moves it into the schedule model): which characters schedule
//! text may not hold, and how to name a character in a message.

/// The first character in `text` that may not appear in a feed, with its
/// byte offset.
///
/// Rejected: C0 controls except HTAB (and except LF when `multiline` is
/// true), DEL, C1 controls (U+0080–U+009F, which includes U+0085 NEL),
/// U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR, U+FEFF BOM, and the
/// bidi embedding, override and isolate controls U+202A–U+202E and
/// U+2066–U+2069. CR is always rejected: TEXT escaping has no form for it.
/// The Unicode line breaks are rejected because some clients split lines on
/// them; the bidi controls because they can make a summary display as
/// something other than what it says.
#[must_use]
pub fn forbidden_char(text: &str, multiline: bool) -> Option<(usize, char)> {
    text.char_indices().find(|&(_, c)| match c {
        '\t' => false,
        '\n' => !multiline,
        _ => matches!(
            c,
            '\u{0}'..='\u{1F}'
                | '\u{7F}'..='\u{9F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{FEFF}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        ),
    })
}

/// A short human name for a character, e.g. "CR (U+000D)",
/// "LINE SEPARATOR (U+2028)"; printable characters are shown quoted, e.g.
/// "'a' (U+0061)".
#[must_use]
pub fn describe_char(c: char) -> String {
    const C0_NAMES: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HTAB", "LF", "VT", "FF",
        "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
        "SUB", "ESC", "FS", "GS", "RS", "US",
    ];
    let code = u32::from(c);
    let name = match c {
        '\u{0}'..='\u{1F}' => C0_NAMES[code as usize],
        '\u{7F}' => "DEL",
        '\u{85}' => "NEL",
        '\u{80}'..='\u{9F}' => "C1 control",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{FEFF}' => "BYTE ORDER MARK",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        _ => return format!("'{c}' (U+{code:04X})"),
    };
    format!("{name} (U+{code:04X})")
}

#[cfg(test)]
mod tests {
    use super::*;

    // ---- forbidden_char ------------------------------------------------

    #[test]
    fn cr_is_always_rejected() {
        assert_eq!(forbidden_char("a\rb", false), Some((1, '\r')));
        assert_eq!(forbidden_char("a\rb", true), Some((1, '\r')));
    }

    #[test]
    fn lf_is_rejected_unless_multiline() {
        assert_eq!(forbidden_char("a\nb", false), Some((1, '\n')));
        assert_eq!(forbidden_char("a\nb", true), None);
    }

    #[test]
    fn unicode_line_breaks_and_controls_are_rejected() {
        assert_eq!(forbidden_char("ab\u{2028}", true), Some((2, '\u{2028}')));
        assert_eq!(forbidden_char("x\u{1B}[31m", true), Some((1, '\u{1B}')));
        assert_eq!(forbidden_char("é\u{85}", true), Some((2, '\u{85}')));
        assert_eq!(forbidden_char("\u{FEFF}x", true), Some((0, '\u{FEFF}')));
        assert_eq!(forbidden_char("abc\u{202E}", true), Some((3, '\u{202E}')));
        assert_eq!(forbidden_char("\u{7F}", true), Some((0, '\u{7F}')));
    }

    #[test]
    fn tab_and_japanese_are_allowed() {
        assert_eq!(forbidden_char("a\tb", false), None);
        assert_eq!(forbidden_char("オイル交換（エンジン）", false), None);
        assert_eq!(forbidden_char("Ölwechsel 🔧", false), None);
    }

    #[test]
    fn describes_characters() {
        assert_eq!(describe_char('\r'), "CR (U+000D)");
        assert_eq!(describe_char('\0'), "NUL (U+0000)");
        assert_eq!(describe_char('\u{1B}'), "ESC (U+001B)");
        assert_eq!(describe_char('\u{7F}'), "DEL (U+007F)");
        assert_eq!(describe_char('\u{85}'), "NEL (U+0085)");
        assert_eq!(describe_char('\u{9B}'), "C1 control (U+009B)");
        assert_eq!(describe_char('\u{2028}'), "LINE SEPARATOR (U+2028)");
        assert_eq!(describe_char('\u{202E}'), "RIGHT-TO-LEFT OVERRIDE (U+202E)");
        assert_eq!(describe_char('a'), "'a' (U+0061)");
    }
}
