//! Content lines from `icalendar` components, written as icalendar 0.17.17's
//! `Component::fmt_write` writes them (a test compares the two) but folded
//! once, by [`super::fold`], straight into the feed's stream.

use super::escape::escape_text_into;
use super::fold::fold_line_into;
use icalendar::{Component, Property, ValueType};
use std::fmt::Write as _;

/// Writes `component` as icalendar 0.17.17's `Component::fmt_write` does
/// (its properties in key order, then its multi-properties), each line
/// folded into `stream`; `line` is scratch space. The events written here
/// always have UID and DTSTAMP ([`super::event::build`]), so the crate's
/// fallbacks for them (a random UID, the clock) never apply.
pub(super) fn write_component(component: &impl Component, line: &mut String, stream: &mut String) {
    line.clear();
    let _ = write!(line, "BEGIN:{}", component.component_kind());
    fold_line_into(line, stream);
    let properties = component.properties().values();
    for property in properties.chain(component.multi_properties().values().flatten()) {
        line.clear();
        write_property(property, line);
        fold_line_into(line, stream);
    }
    // Nested components (an event's VALARMs) follow its properties, as the
    // crate writes them; they carry no UID or DTSTAMP (RFC 5545 §3.6.6).
    for nested in component.components() {
        write_component(nested, line, stream);
    }
    line.clear();
    let _ = write!(line, "END:{}", component.component_kind());
    fold_line_into(line, stream);
}

/// One logical content line, as icalendar 0.17.17's `Property::to_line`
/// writes it: parameter values with `:`, `;` or `,` are quoted unless they
/// already are, and values of type TEXT are escaped (except the TEXT lists
/// CATEGORIES and RESOURCES, which the crate leaves as they are).
pub(super) fn write_property(property: &Property, line: &mut String) {
    line.push_str(property.key());
    for parameter in property.params().values() {
        let value = parameter.value();
        line.push(';');
        line.push_str(parameter.key());
        line.push('=');
        let quoted = value.starts_with('"') && value.ends_with('"');
        if !quoted && value.contains([':', ';', ',']) {
            let _ = write!(line, "\"{value}\"");
        } else {
            line.push_str(value);
        }
    }
    line.push(':');
    let text_list = ["CATEGORIES", "RESOURCES"]
        .iter()
        .any(|name| property.key().eq_ignore_ascii_case(name));
    if property.value_type() == Some(ValueType::Text) && !text_list {
        escape_text_into(property.value(), line);
    } else {
        line.push_str(property.value());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::ics::fold::unfold;
    use crate::render::ics::{build_calendar, event};

    /// `write_component` stands in for icalendar's own serializer: it must
    /// give the very lines the crate gives, for every event and calendar
    /// property the fixtures make (rules, EXDATE, RECURRENCE-ID, sub-ranges,
    /// escaped and long text).
    #[test]
    fn the_lines_are_the_ones_icalendar_writes() {
        for case in ["features", "escaping"] {
            let dir = format!(
                "{}/tests/cases/{case}/schedules",
                env!("CARGO_MANIFEST_DIR")
            );
            let loaded = crate::schedule::load_dir(std::path::Path::new(&dir)).unwrap();
            for feed in crate::feed::plan(&crate::expand::Expanded::new(&loaded.schedules)) {
                let calendar = build_calendar(&feed);
                let mut line = String::new();
                let mut ours = String::from("BEGIN:VCALENDAR\r\n");
                for property in &calendar.properties {
                    line.clear();
                    write_property(property, &mut line);
                    fold_line_into(&line, &mut ours);
                }
                let mut full = calendar.clone();
                for event in &feed.events {
                    let component = event::build(event, None);
                    write_component(&component, &mut line, &mut ours);
                    full.push(component);
                }
                ours.push_str("END:VCALENDAR\r\n");
                assert_eq!(
                    unfold(&ours),
                    unfold(&full.to_string()),
                    "{case}: {}",
                    feed.id
                );
                assert!(!feed.events.is_empty(), "{case}: {}", feed.id);
            }
        }
    }
}
