//! Single text values: ids, names, notes and URLs, held to the model's
//! text policy (`model::forbidden_char`, `model::base_url`).

use super::Validator;
use crate::schedule::model::{base_url, describe_char, forbidden_char};
use toml::Spanned;

const MAX_ID_LEN: usize = 64;

impl Validator {
    pub(super) fn id(&mut self, id: &Spanned<String>, what: &str) -> String {
        let text = id.get_ref();
        let valid = !text.is_empty()
            && text.len() <= MAX_ID_LEN
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !text.starts_with('-');
        if !valid {
            let slug: String = text
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect::<String>()
                .trim_matches('-')
                .to_owned();
            let help = if slug.is_empty() {
                "use lower-case letters, digits and hyphens, e.g. `rms`".to_owned()
            } else {
                format!("use lower-case letters, digits and hyphens, e.g. `{slug}`")
            };
            self.error_help(id.span(), format!("`{text}` is not a valid {what}: ids are up to {MAX_ID_LEN} of a-z, 0-9 and -, not starting with -"), help);
        }
        text.clone()
    }

    pub(super) fn required_line(&mut self, text: &Spanned<String>, what: &str) -> String {
        let value = self.text(text, false);
        if value.trim().is_empty() {
            self.error(text.span(), format!("the {what} is empty"));
        }
        value
    }

    pub(super) fn texts(&mut self, texts: &[Spanned<String>], multiline: bool) -> Vec<String> {
        texts.iter().map(|t| self.text(t, multiline)).collect()
    }

    /// Text that will appear in a feed: CRLF from a multi-line TOML string
    /// becomes LF; anything that could break a content line is rejected.
    pub(super) fn text(&mut self, text: &Spanned<String>, multiline: bool) -> String {
        let value = if multiline {
            text.get_ref().replace("\r\n", "\n")
        } else {
            text.get_ref().clone()
        };
        if let Some((_, c)) = forbidden_char(&value, multiline) {
            let help = if c == '\n' {
                "this field is a single line; remove the line break".to_owned()
            } else {
                "remove it; calendar clients would show it as garbage or break the event".to_owned()
            };
            self.error_help(
                text.span(),
                format!(
                    "this text contains {}, which a feed cannot carry",
                    describe_char(c)
                ),
                help,
            );
        }
        value
    }

    pub(super) fn url(&mut self, url: &Spanned<String>) -> String {
        let value = url.get_ref();
        let valid = (value.starts_with("https://") || value.starts_with("http://"))
            && !value
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
        if !valid {
            self.error_help(
                url.span(),
                format!("`{value}` is not a usable URL"),
                "give an absolute http(s) URL without spaces",
            );
        }
        value.clone()
    }

    pub(super) fn base_url(&mut self, url: &Spanned<String>) -> String {
        match base_url(url.get_ref()) {
            Ok(normalized) => normalized,
            Err(problem) => {
                self.error_help(
                    url.span(),
                    format!("`{}` is not a usable base URL: {problem}", url.get_ref()),
                    "give the public http(s) address of the folder the feeds are served from, e.g. \"https://example.github.io/maintcal/\"",
                );
                url.get_ref().clone()
            }
        }
    }
}
