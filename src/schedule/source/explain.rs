//! TOML and serde errors reworded for someone editing a schedule: an
//! unknown key or value gets a "did you mean", a missing key an example, a
//! quoted date a note that TOML dates take no quotes.

use super::sections::quoted_after;
use crate::schedule::diagnostic::{Diagnostic, FileId, suggestion};

/// A TOML syntax or type error as a diagnostic, reworded where serde's
/// wording is not what someone editing a schedule needs: an unknown key or
/// value gets a "did you mean", a missing key an example, a quoted date a
/// note that TOML dates take no quotes.
pub(crate) fn toml_diagnostic(
    file: FileId,
    text: &str,
    error: &toml::de::Error,
    fallback: usize,
) -> Diagnostic {
    let span = error.span().unwrap_or(fallback..fallback);
    let message = error.message().trim().to_owned();
    let quoted = text.get(span.clone()).unwrap_or_default();
    let (message, help) = explain(&message, quoted);
    let diagnostic = Diagnostic::error(file, span, message);
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// The message and help for a serde or TOML error message; `quoted` is the
/// source text the error points at.
fn explain(message: &str, quoted: &str) -> (String, Option<String>) {
    let listed = |expected: &str| -> Vec<String> {
        expected
            .split(['`', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty() && *s != "one of" && *s != "or")
            .map(str::to_owned)
            .collect()
    };
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((unknown, expected)) = rest.split_once("`, expected ")
    {
        let known = listed(expected);
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        let help = match suggestion(unknown, &known) {
            did_you_mean if did_you_mean.starts_with("did you mean") => did_you_mean,
            _ => format!("the keys allowed here are {}", known.join(", ")),
        };
        return (format!("unknown key `{unknown}`"), Some(help));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `")
        && let Some((unknown, expected)) = rest.split_once("`, expected ")
    {
        let known = listed(expected);
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        let help = match suggestion(unknown, &known) {
            did_you_mean if did_you_mean.starts_with("did you mean") => did_you_mean,
            _ => format!("use one of {}", known.join(", ")),
        };
        return (format!("unknown value `{unknown}`"), Some(help));
    }
    if let Some(field) = quoted_after(message, "missing field `") {
        return (
            format!("missing key `{field}`"),
            Some(missing_key_help(field).to_owned()),
        );
    }
    if message == "duplicate key" {
        return (
            format!("`{quoted}` is defined twice in this file"),
            Some(
                "TOML allows each key once per table; give each window and group its own id, \
                 or merge the two tables"
                    .to_owned(),
            ),
        );
    }
    let help = if message.contains("expected a TOML datetime") {
        Some(
            "dates and times are written without quotes: 2020-05-17, 02:00, 2020-05-01T10:00:00+09:00",
        )
    } else if message.ends_with("expected a string") {
        Some("write text in double quotes, e.g. \"…\"")
    } else if message.ends_with("expected a sequence") {
        Some("write a list in brackets, e.g. [\"…\", \"…\"]")
    } else if message.ends_with("expected a boolean") {
        Some("write true or false, without quotes")
    } else if message.ends_with("expected u32") {
        Some("write a whole number from 0 up, without quotes")
    } else if message.ends_with("expected a map") {
        Some("this key takes a table: [its.name] on a line of its own, or { key = value }")
    } else if message.starts_with("invalid basic string")
        || message.starts_with("invalid literal string")
    {
        Some("close the string on the same line; for text over several lines use \"\"\"…\"\"\"")
    } else {
        None
    };
    // serde names Rust types; say what a schedule author writes instead.
    let message = message
        .replace("expected u32", "expected a whole number from 0 up")
        .replace("expected a sequence", "expected a list")
        .replace("expected a map", "expected a table")
        .replace("expected a TOML datetime", "expected a date or time");
    (message, help.map(str::to_owned))
}

/// An example for each key a table cannot do without.
fn missing_key_help(field: &str) -> &'static str {
    match field {
        "id" => {
            "give the calendar an id of lower-case letters, digits and hyphens, e.g. id = \"rakuten-ichiba\""
        }
        "name" => "add its name as shown to subscribers, e.g. name = \"RMS サービス\"",
        "timezone" => "add the IANA zone the times are in, e.g. timezone = \"Asia/Tokyo\"",
        "services" => "list the group's services, e.g. services = [\"RMS\", \"RMSアプリ\"]",
        "start" => "add the local start time, e.g. start = 02:00",
        "end" => {
            "add the local end time, e.g. end = 08:45 (and ends_next_day = true if it is after midnight)"
        }
        "status" => "add status = \"confirmed\", \"tentative\" or \"cancelled\"",
        "revised" => {
            "add when this window was last changed, with its UTC offset, e.g. revised = 2020-05-01T10:00:00+09:00"
        }
        "service" => "name the service, e.g. { service = \"RMS\", note = \"…\" }",
        "unavailable" => {
            "say what does not work, e.g. { service = \"RMSアプリ\", unavailable = \"注文管理\" }"
        }
        _ => "add it; see the README's schedule example",
    }
}
