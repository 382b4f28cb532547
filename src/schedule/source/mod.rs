//! The schedule file format as written by hand: serde structs that mirror the
//! TOML one to one. Every struct denies unknown fields, so a typo is an error,
//! and every value a later check may complain about keeps its span, so the
//! complaint can point at the exact line and column.
//!
//! Nothing here is validated beyond TOML types; `validate` turns these into
//! the checked model in `model`. `sections` reads a file into them, and
//! `explain` words the TOML and serde errors met on the way.

mod explain;
pub(crate) use explain::toml_diagnostic;
pub(crate) mod sections;
mod service_feeds;

pub use sections::FileSections;
pub use service_feeds::{ServiceFeedEntry, ServiceFeedsSource};

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;

/// One `[calendar]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarSource {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: Option<Spanned<String>>,
    pub timezone: Spanned<String>,
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    #[serde(default)]
    pub contact: Option<Spanned<String>>,
    #[serde(default)]
    pub notes: Vec<Spanned<String>>,
    /// Language of the words maintcal adds (status, "stops", headings): "ja" or "en".
    #[serde(default)]
    pub language: Option<Spanned<String>>,
    /// What a window is called in event summaries, e.g. "定期メンテナンス".
    #[serde(default)]
    pub title: Option<Spanned<String>>,
    /// How often subscribers' clients should refresh, in hours.
    #[serde(default)]
    pub refresh_hours: Option<Spanned<u32>>,
    /// Bumped when something shown in every event changes (name, contact, notes).
    #[serde(default)]
    pub revision: Option<Spanned<u32>>,
    #[serde(default)]
    pub revised: Option<Spanned<toml::value::Datetime>>,
    /// Public URL of the folder the feeds are served from; makes the
    /// subscribe page's links absolute. `build --base-url` overrides it.
    #[serde(default)]
    pub base_url: Option<Spanned<String>>,
    /// How many months of past windows the feeds keep (24 by default).
    #[serde(default)]
    pub keep_past_months: Option<Spanned<u32>>,
    /// Whether each window gets a page of its own (`true` by default).
    #[serde(default)]
    pub window_pages: Option<Spanned<bool>>,
    /// Alarms before every window's start (`["1d", "2h"]`), VALARM.
    #[serde(default)]
    pub remind: Option<Spanned<Vec<Spanned<String>>>>,
}

/// One `[groups.<id>]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSource {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: Option<Spanned<String>>,
    pub services: Vec<Spanned<String>>,
    /// Opt-in feeds of single services (`true` or a list; see `service_feeds`).
    #[serde(default)]
    pub service_feeds: Option<Spanned<ServiceFeedsSource>>,
}

/// One `[windows.<id>]` table: a one-off window (`date`) or a recurring one
/// (`every`, `on`, `from`, `until` or `count`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowSource {
    #[serde(default)]
    pub date: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    pub every: Option<Spanned<String>>,
    /// `"2nd sunday"`, `"15th"`, `"last day"`; for a weekly window a
    /// weekday or a list of them.
    #[serde(default)]
    pub on: Option<Spanned<OnSource>>,
    #[serde(default)]
    pub from: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    pub until: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    pub count: Option<Spanned<u32>>,
    #[serde(default)]
    pub interval: Option<Spanned<u32>>,
    pub start: Spanned<toml::value::Datetime>,
    pub end: Spanned<toml::value::Datetime>,
    #[serde(default)]
    pub ends_next_day: bool,
    pub status: Spanned<StatusSource>,
    #[serde(default)]
    pub title: Option<Spanned<String>>,
    pub revised: Spanned<toml::value::Datetime>,
    #[serde(default)]
    pub revision: Option<Spanned<u32>>,
    #[serde(default)]
    pub notes: Vec<Spanned<String>>,
    /// Reuse another window's impact list; groups named under `impact` replace its entry.
    #[serde(default)]
    pub same_impact_as: Option<Spanned<String>>,
    #[serde(default)]
    pub impact: IndexMap<Spanned<String>, ImpactSource>,
    #[serde(default)]
    pub skip: Vec<Spanned<toml::value::Datetime>>,
    /// Per-occurrence changes of a recurring window, keyed by the date the rule gives.
    #[serde(default)]
    pub changes: IndexMap<Spanned<String>, Spanned<ChangeSource>>,
    /// Replaces the calendar's `remind` for this window; `[]` turns it off.
    #[serde(default)]
    pub remind: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusSource {
    Confirmed,
    Tentative,
    Cancelled,
}

/// `[windows.<id>.impact.<group>]`: what happens to each service of one group.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImpactSource {
    #[serde(default)]
    pub stops: Vec<Spanned<ServiceEntry>>,
    #[serde(default)]
    pub partly: Vec<Spanned<PartialEntry>>,
    #[serde(default)]
    pub runs: Vec<Spanned<ServiceEntry>>,
    #[serde(default)]
    pub notes: Vec<Spanned<String>>,
    /// What the group's services not named above do (`rest = "runs"`).
    #[serde(default)]
    pub rest: Option<Spanned<RestSource>>,
}

/// `rest`: the group's services an impact does not name, as if listed under
/// `runs` or `stops` (`partly` needs a note of what is unavailable, per service).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RestSource {
    Runs,
    Stops,
}

/// A service under `stops` or `runs`: either its bare name, or a table with a
/// note and, for `stops`, its own sub-range of the window.
#[derive(Debug)]
pub struct ServiceEntry {
    pub service: Spanned<String>,
    pub note: Option<Spanned<String>>,
    pub start: Option<Spanned<toml::value::Datetime>>,
    pub end: Option<Spanned<toml::value::Datetime>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceEntryTable {
    service: Spanned<String>,
    #[serde(default)]
    note: Option<Spanned<String>>,
    #[serde(default)]
    start: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    end: Option<Spanned<toml::value::Datetime>>,
}

// A hand-written visitor rather than `#[serde(untagged)]`: untagged enums
// swallow the inner error ("data did not match any variant"), and a typo in
// `{ servce = "RMS" }` deserves the precise "unknown field" message.
impl<'de> Deserialize<'de> for ServiceEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = ServiceEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(r#"a service name, or a table like { service = "…", note = "…" }"#)
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<ServiceEntry, E> {
                // A bare string has no span of its own here; the caller wraps
                // the entry in `Spanned`, whose span is the string's.
                Ok(ServiceEntry {
                    service: Spanned::new(0..0, name.to_owned()),
                    note: None,
                    start: None,
                    end: None,
                })
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<ServiceEntry, M::Error> {
                let table =
                    ServiceEntryTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ServiceEntry {
                    service: table.service,
                    note: table.note,
                    start: table.start,
                    end: table.end,
                })
            }
        }
        deserializer.deserialize_any(EntryVisitor)
    }
}

/// `on`: one phrase (`"2nd sunday"`, `"tuesday"`), or a list of weekdays
/// (`["tuesday", "thursday"]`) for a weekly window.
#[derive(Debug)]
pub enum OnSource {
    One(String),
    Many(Vec<Spanned<String>>),
}

// By hand for the same reason as `ServiceEntry`: an untagged enum would hide
// which list entry has the wrong type.
impl<'de> Deserialize<'de> for OnSource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OnVisitor;
        impl<'de> Visitor<'de> for OnVisitor {
            type Value = OnSource;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(r#"a string like "2nd sunday", or a list like ["tuesday", "thursday"]"#)
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<OnSource, E> {
                Ok(OnSource::One(text.to_owned()))
            }
            fn visit_seq<S: de::SeqAccess<'de>>(self, mut seq: S) -> Result<OnSource, S::Error> {
                let mut days = Vec::new();
                while let Some(day) = seq.next_element::<Spanned<String>>()? {
                    days.push(day);
                }
                Ok(OnSource::Many(days))
            }
        }
        deserializer.deserialize_any(OnVisitor)
    }
}

/// A service under `partly`: it keeps running, but something in it does not.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialEntry {
    pub service: Spanned<String>,
    pub unavailable: Spanned<String>,
    #[serde(default)]
    pub note: Option<Spanned<String>>,
    #[serde(default)]
    pub start: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    pub end: Option<Spanned<toml::value::Datetime>>,
}

/// `[windows.<id>.changes.<date>]`: one occurrence of a recurring window differs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeSource {
    #[serde(default)]
    pub date: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    pub start: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    pub end: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    pub ends_next_day: Option<bool>,
    #[serde(default)]
    pub status: Option<Spanned<StatusSource>>,
    #[serde(default)]
    pub notes: Vec<Spanned<String>>,
    #[serde(default)]
    pub revised: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    pub revision: Option<Spanned<u32>>,
}
