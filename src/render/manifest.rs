//! The manifest, `feeds.json`: what other tools read to find the feeds (id,
//! name, file, URL, number of events, next window, SHA-256), and the record
//! of which files in the output folder maintcal owns. `publish` reads the
//! previous build's record to remove files a build no longer produces, and
//! nothing else; so the record lists every file maintcal wrote but itself.
//!
//! serde_json writes it: every string from a schedule is JSON-escaped there,
//! so no name can add a key or end the document.

use super::{RenderError, SiteFormat};
use crate::site::{FileRecord, Site, SiteFeed};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const FILE_NAME: &str = "feeds.json";
/// Written into every manifest, so a `feeds.json` some other tool left in
/// the folder is never taken for maintcal's record.
pub(crate) const GENERATOR: &str = "maintcal";
/// Version of this file's layout (not of maintcal: that would change the
/// bytes on every release).
pub(crate) const FORMAT: u32 = 1;

#[derive(Debug, Clone, Copy)]
pub struct Manifest;

impl SiteFormat for Manifest {
    fn file_name(&self) -> &'static str {
        FILE_NAME
    }

    fn render(&self, site: &Site, earlier: &[FileRecord]) -> Result<Vec<u8>, RenderError> {
        let document = Document {
            generator: GENERATOR,
            format: FORMAT,
            as_of: site.as_of.map(|t| t.to_rfc3339()),
            base_url: site.base_url.as_deref(),
            feeds: site.feeds.iter().map(feed_entry).collect(),
            files: earlier
                .iter()
                .map(|file| OwnedFile {
                    file: file.file_name.clone(),
                    sha256: file.sha256.clone(),
                })
                .collect(),
        };
        let mut bytes = serde_json::to_vec_pretty(&document)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

/// The JSON Schema of `feeds.json`, generated from the types that write it
/// (published as `docs/schema/feeds.schema.json`, printed by `maintcal
/// schema feeds`).
pub(crate) fn schema() -> schemars::Schema {
    schemars::schema_for!(Document<'static>)
}

#[derive(Debug, Serialize, JsonSchema)]
#[schemars(title = "maintcal feeds.json")]
/// The manifest maintcal writes beside the feeds: every feed, and the files
/// of the output folder it owns.
struct Document<'a> {
    /// Always `maintcal`.
    #[schemars(extend("const" = "maintcal"))]
    generator: &'static str,
    /// The layout of this file; changes only when the layout does.
    #[schemars(extend("const" = 1))]
    format: u32,
    /// maintcal's "now": the schedules' newest `revised` (RFC 3339).
    #[schemars(extend("format" = "date-time"))]
    as_of: Option<String>,
    /// Where the output folder is served from, ending in `/`, if known.
    base_url: Option<&'a str>,
    /// One entry per feed: `all` first, then one per group, each followed by
    /// its services' own feeds.
    feeds: Vec<FeedEntry<'a>>,
    /// Every file this build wrote but the manifest itself.
    files: Vec<OwnedFile>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct FeedEntry<'a> {
    /// Group id, `all`, or `<group>.<service id>` for a service's own feed.
    id: &'a str,
    /// The group's name (for `all`, the calendar's; for a service's feed,
    /// the service's).
    name: &'a str,
    /// For a service's own feed (`service_feeds`): its group's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'a str>,
    /// The name calendar clients show.
    title: &'a str,
    /// The feed's file name in the output folder.
    file: &'a str,
    /// The feed's https URL, if the base URL is known.
    url: Option<&'a str>,
    /// The same URL with the `webcal:` scheme, if the base URL is known.
    webcal: Option<&'a str>,
    /// How many events the feed holds.
    events: usize,
    /// The feed's size in bytes.
    bytes: usize,
    /// The feed's SHA-256, lowercase hex.
    #[schemars(regex(pattern = "^[0-9a-f]{64}$"))]
    sha256: &'a str,
    /// The next window, as of `as_of`, if there is one.
    next: Option<Next<'a>>,
}

#[derive(Debug, Serialize, JsonSchema)]
struct Next<'a> {
    /// The window's id.
    window: &'a str,
    /// Local start with its UTC offset (RFC 3339).
    #[schemars(extend("format" = "date-time"))]
    start: String,
    /// Local end with its UTC offset (RFC 3339).
    #[schemars(extend("format" = "date-time"))]
    end: String,
    #[schemars(extend("enum" = ["confirmed", "tentative", "cancelled"]))]
    status: &'static str,
}

fn feed_entry(feed: &SiteFeed) -> FeedEntry<'_> {
    FeedEntry {
        id: &feed.id,
        name: match &feed.service {
            Some(service) => &service.name,
            None => feed.group_name.as_deref().unwrap_or(&feed.title),
        },
        group: feed.service.as_ref().map(|service| service.group.as_str()),
        title: &feed.title,
        file: &feed.file_name,
        url: feed.links.as_ref().map(|l| l.https.as_str()),
        webcal: feed.links.as_ref().map(|l| l.webcal.as_str()),
        events: feed.events,
        bytes: feed.bytes,
        sha256: &feed.sha256,
        next: feed.next.as_ref().map(|next| Next {
            window: &next.window,
            start: next.start.to_rfc3339(),
            end: next.end.to_rfc3339(),
            status: next.status.keyword(),
        }),
    }
}

/// A file maintcal wrote, with the hash it had then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OwnedFile {
    pub file: String,
    #[schemars(regex(pattern = "^[0-9a-f]{64}$"))]
    pub sha256: String,
}

/// Why a `feeds.json` cannot be read as maintcal's record.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("it is not valid JSON of maintcal's manifest: {0}")]
    Json(#[from] serde_json::Error),
    #[error("it was not written by maintcal (generator is not \"maintcal\")")]
    Foreign,
    #[error("it is format {0}, which this maintcal does not know")]
    Format(u32),
}

/// The files a previous build recorded as its own.
pub fn owned_files(bytes: &[u8]) -> Result<Vec<OwnedFile>, RecordError> {
    // Only what removal needs; other fields may change freely.
    #[derive(Deserialize)]
    struct Record {
        generator: String,
        format: u32,
        files: Vec<OwnedFile>,
    }
    let record: Record = serde_json::from_slice(bytes)?;
    if record.generator != GENERATOR {
        return Err(RecordError::Foreign);
    }
    if record.format != FORMAT {
        return Err(RecordError::Format(record.format));
    }
    Ok(record.files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::model::Language;
    use crate::site::sha256_hex;

    fn site() -> Site {
        Site {
            language: Language::English,
            title: "t".into(),
            description: None,
            as_of: None,
            base_url: None,
            feeds: vec![],
            windows: vec![],
            windows_count: 0,
        }
    }

    #[test]
    fn the_record_reads_back_what_was_written() {
        let earlier = [FileRecord::of("a.ics", b"x")];
        let bytes = Manifest.render(&site(), &earlier).unwrap();
        assert_eq!(
            owned_files(&bytes).unwrap(),
            vec![OwnedFile {
                file: "a.ics".into(),
                sha256: sha256_hex(b"x")
            }]
        );
    }

    #[test]
    fn a_foreign_or_broken_feeds_json_is_not_a_record() {
        assert!(matches!(
            owned_files(br#"{"generator":"other","format":1,"files":[]}"#),
            Err(RecordError::Foreign)
        ));
        assert!(matches!(
            owned_files(br#"{"generator":"maintcal","format":99,"files":[]}"#),
            Err(RecordError::Format(99))
        ));
        assert!(matches!(owned_files(b"[1,"), Err(RecordError::Json(_))));
    }
}
