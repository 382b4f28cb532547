//! What text a schedule may hold. Text goes into feeds and a web page,
//! and the schedule is where it is checked, so that no later stage meets a
//! character it cannot carry: CR, other controls, Unicode line breaks, bidi
//! overrides ([`forbidden_char`]); and the base URL the feeds are served
//! from, whose form every link depends on ([`base_url`]).

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

/// Checks and normalizes a base URL: absolute http(s), no query or fragment
/// (the file name is appended to it), no characters that would need
/// escaping in a feed or a page; ends in `/`.
pub fn base_url(text: &str) -> Result<String, &'static str> {
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return Err("it must start with https:// (or http://)");
    };
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() {
        return Err("it has no host name");
    }
    if text.contains(['?', '#']) {
        return Err(
            "it must not have a query (?…) or a fragment (#…): file names are appended to it",
        );
    }
    if text
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\'))
    {
        return Err("it contains a space, a quote, a backslash, < or >");
    }
    Ok(if text.ends_with('/') {
        text.to_owned()
    } else {
        format!("{text}/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn base_urls_are_checked_and_end_in_a_slash() {
        assert_eq!(
            base_url("https://example.github.io/maintcal").as_deref(),
            Ok("https://example.github.io/maintcal/")
        );
        assert_eq!(
            base_url("https://example.github.io/").as_deref(),
            Ok("https://example.github.io/")
        );
        for bad in [
            "example.github.io/maintcal",
            "webcal://example.github.io/",
            "https://",
            "https:///path",
            "https://example.github.io/?x=1",
            "https://example.github.io/#top",
            "https://example.github.io/a b/",
            "https://example.github.io/\"/",
        ] {
            assert!(base_url(bad).is_err(), "{bad}");
        }
    }
}
