//! RFC 5545 §3.3.11 TEXT escaping: the one place where schedule text is made
//! safe to stand inside a content line's value.

/// Escapes backslash, semicolon, comma and newline (\n → `\n`). Never
/// produces a raw CR or LF.
///
/// A CR has no TEXT escape of its own, and clients treat it as a line break,
/// so CRLF and a bare CR are both normalised to the `\n` escape (schedule
/// validation rejects CR anyway; this is the second line of defence).
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Inverse of [`escape_text`] for CR-free text (accepts `\N` too), as a
    /// client reads the value back. Lenient: a backslash before any other
    /// character, or a trailing lone backslash, is kept as it is.
    fn unescape_text(value: &str) -> String {
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

    proptest! {
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
