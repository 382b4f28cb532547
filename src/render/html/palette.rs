//! The pages' colours, light and dark, as CSS custom properties. Kept here
//! rather than in the stylesheet so that a unit test can hold every pair
//! of text and background colour to WCAG AA (4.5:1 for text).

/// One colour scheme. Every colour but `bg`, `card` and `line` is a text
/// colour on `bg` and on `card`; `accent_fg` is the text on `accent`.
pub struct Palette {
    pub fg: &'static str,
    pub muted: &'static str,
    pub bg: &'static str,
    pub card: &'static str,
    pub line: &'static str,
    pub accent: &'static str,
    pub accent_fg: &'static str,
    pub stop: &'static str,
    pub partly: &'static str,
    pub ok: &'static str,
}

pub const LIGHT: Palette = Palette {
    fg: "#1f2328",
    muted: "#57606a",
    bg: "#ffffff",
    card: "#f6f8fa",
    line: "#d1d9e0",
    accent: "#0757ba",
    accent_fg: "#ffffff",
    stop: "#b3202a",
    partly: "#8a5a00",
    ok: "#176f30",
};

pub const DARK: Palette = Palette {
    fg: "#e6edf3",
    muted: "#9da7b3",
    bg: "#0d1117",
    card: "#161b22",
    line: "#3d444d",
    accent: "#58a6ff",
    accent_fg: "#0d1117",
    stop: "#ff7b72",
    partly: "#e3b341",
    ok: "#56d364",
};

impl Palette {
    /// `--fg: #…; --muted: #…; …`, for a `:root` rule.
    pub fn css(&self) -> String {
        [
            ("fg", self.fg),
            ("muted", self.muted),
            ("bg", self.bg),
            ("card", self.card),
            ("line", self.line),
            ("accent", self.accent),
            ("accent-fg", self.accent_fg),
            ("stop", self.stop),
            ("partly", self.partly),
            ("ok", self.ok),
        ]
        .iter()
        .map(|(name, value)| format!("--{name}: {value};"))
        .collect::<Vec<_>>()
        .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2 relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let channel = |at: usize| {
            let c = f64::from(u8::from_str_radix(&hex[at..at + 2], 16).unwrap()) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    #[test]
    fn the_formula_gives_the_known_extremes() {
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!((contrast("#777777", "#777777") - 1.0).abs() < 1e-9);
        // #767676 on white is the well-known lightest AA grey (4.54:1).
        assert!((contrast("#767676", "#ffffff") - 4.54).abs() < 0.01);
    }

    #[test]
    fn every_text_colour_meets_wcag_aa_in_both_schemes() {
        for (scheme, palette) in [("light", &LIGHT), ("dark", &DARK)] {
            let texts = [
                ("fg", palette.fg),
                ("muted", palette.muted),
                ("accent", palette.accent),
                ("stop", palette.stop),
                ("partly", palette.partly),
                ("ok", palette.ok),
            ];
            for (name, text) in texts {
                for (ground, background) in [("bg", palette.bg), ("card", palette.card)] {
                    let ratio = contrast(text, background);
                    assert!(ratio >= 4.5, "{scheme}: {name} on {ground} is {ratio:.2}:1");
                }
            }
            let ratio = contrast(palette.accent_fg, palette.accent);
            assert!(
                ratio >= 4.5,
                "{scheme}: accent-fg on accent is {ratio:.2}:1"
            );
        }
    }
}
