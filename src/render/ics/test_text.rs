//! Generated text for the property tests of folding and checking: characters
//! of every UTF-8 width.

use proptest::prelude::*;

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

/// Text of up to `max_chars` characters from [`char_from_seed`].
pub(super) fn line_text(max_chars: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<u32>(), 0..max_chars)
        .prop_map(|seeds| seeds.into_iter().map(char_from_seed).collect())
}
