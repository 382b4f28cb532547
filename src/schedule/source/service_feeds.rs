//! `service_feeds` on a `[groups.<id>]` table: the operator's opt-in to one
//! feed per service, for integrators who depend on a single service.
//! `true` is every service of the group; a list names some, each a bare
//! service name or `{ service = "…", id = "…" }` where the name does not
//! give a usable file name.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;

/// `service_feeds = true`, `false`, or a list of services.
#[derive(Debug)]
pub enum ServiceFeedsSource {
    All(bool),
    Some(Vec<Spanned<ServiceFeedEntry>>),
}

/// One service under `service_feeds`: its name and, optionally, the id its
/// file is named by.
#[derive(Debug)]
pub struct ServiceFeedEntry {
    pub service: Spanned<String>,
    pub id: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryTable {
    service: Spanned<String>,
    #[serde(default)]
    id: Option<Spanned<String>>,
}

// By hand, as `ServiceEntry` is: an untagged enum would swallow the precise
// error ("unknown field `servce`") of a mistyped entry.
impl<'de> Deserialize<'de> for ServiceFeedsSource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FeedsVisitor;
        impl<'de> Visitor<'de> for FeedsVisitor {
            type Value = ServiceFeedsSource;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(r#"true, or a list of the group's services like ["Order API"]"#)
            }
            fn visit_bool<E: de::Error>(self, all: bool) -> Result<ServiceFeedsSource, E> {
                Ok(ServiceFeedsSource::All(all))
            }
            fn visit_seq<S: de::SeqAccess<'de>>(
                self,
                mut seq: S,
            ) -> Result<ServiceFeedsSource, S::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = seq.next_element::<Spanned<ServiceFeedEntry>>()? {
                    entries.push(entry);
                }
                Ok(ServiceFeedsSource::Some(entries))
            }
        }
        deserializer.deserialize_any(FeedsVisitor)
    }
}

impl<'de> Deserialize<'de> for ServiceFeedEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = ServiceFeedEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(r#"a service name, or a table like { service = "…", id = "…" }"#)
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<ServiceFeedEntry, E> {
                // No span of its own here; the caller's `Spanned` has it.
                Ok(ServiceFeedEntry {
                    service: Spanned::new(0..0, name.to_owned()),
                    id: None,
                })
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<ServiceFeedEntry, M::Error> {
                let table = EntryTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ServiceFeedEntry {
                    service: table.service,
                    id: table.id,
                })
            }
        }
        deserializer.deserialize_any(EntryVisitor)
    }
}
