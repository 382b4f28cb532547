//! The feed of notices, `notices.atom` (RFC 4287), for feed readers and for
//! piping notices into chat: written by the `atom_syndication` crate, which
//! escapes every value, so no schedule text can add markup.
//!
//! Ids are `urn:uuid:` names derived from the notice's key (see
//! [`notice_id`]): stable across builds and base URLs, and valid URIs
//! whatever the calendar is called. `updated` is each notice's `revised`;
//! nothing here reads the clock. Each entry links to its window's page (at
//! the changed occurrence's anchor), the feed to the subscribe page:
//! absolute when the base URL is known and relative to the feed's own
//! address otherwise.

use super::RenderError;
use crate::feed::notices::{Notice, Notices};
use atom_syndication::{Content, Entry, Feed, FixedDateTime, Generator, Link, Person, Text};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

pub const FILE_NAME: &str = "notices.atom";
/// The media type of [`FILE_NAME`] (the page's `<link rel="alternate">`).
pub const MEDIA_TYPE: &str = "application/atom+xml";
/// What a feed with no notice at all says it was updated: a fixed instant,
/// since nothing may read the clock.
const NO_NOTICE_UPDATED: &str = "1970-01-01T00:00:00Z";

/// A stable `urn:uuid:` from `key`: the first 128 bits of its SHA-256 with
/// the version (8, "custom", RFC 9562) and variant bits set.
pub fn notice_id(key: &str) -> String {
    let digest = Sha256::digest(format!("maintcal notice {key}").as_bytes());
    let mut bytes: [u8; 16] = digest[..16].try_into().unwrap_or_default();
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The page's address (the folder's, ending in `/`), or `index.html`
/// relative to the feed when the base URL is unknown.
fn page(base_url: Option<&str>) -> String {
    base_url.map_or_else(|| super::INDEX_FILE_NAME.to_owned(), str::to_owned)
}

fn fixed(at: DateTime<Utc>) -> FixedDateTime {
    at.fixed_offset()
}

fn link(href: String, rel: &str, mime_type: Option<&str>) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel);
    link.set_mime_type(mime_type.map(str::to_owned));
    link
}

fn entry(notice: &Notice, base_url: Option<&str>) -> Entry {
    let mut entry = Entry::default();
    entry.set_id(notice_id(&notice.key()));
    entry.set_title(Text::plain(notice.title.as_str()));
    entry.set_updated(fixed(notice.updated));
    entry.set_links(vec![link(
        format!(
            "{}{}",
            base_url.unwrap_or_default(),
            // Without window pages, the subscribe page.
            notice
                .page()
                .unwrap_or_else(|| super::INDEX_FILE_NAME.to_owned())
        ),
        "alternate",
        Some("text/html"),
    )]);
    let mut content = Content::default();
    content.set_content_type("text".to_owned());
    content.set_value(notice.content.clone());
    entry.set_content(content);
    entry
}

/// The bytes of `notices.atom`.
pub fn render(notices: &Notices, base_url: Option<&str>) -> Result<Vec<u8>, RenderError> {
    let page = page(base_url);
    let mut feed = Feed::default();
    feed.set_id(notice_id(&notices.calendar_ids.join(" ")));
    feed.set_title(Text::plain(notices.title.as_str()));
    feed.set_updated(match notices.updated {
        Some(at) => fixed(at),
        None => DateTime::parse_from_rfc3339(NO_NOTICE_UPDATED).unwrap_or_default(),
    });
    let mut author = Person::default();
    author.set_name(notices.author.as_str());
    feed.set_authors(vec![author]);
    let mut links = vec![link(page.clone(), "alternate", Some("text/html"))];
    if let Some(base) = base_url {
        links.push(link(format!("{base}{FILE_NAME}"), "self", Some(MEDIA_TYPE)));
    }
    feed.set_links(links);
    let mut generator = Generator::default();
    generator.set_value("maintcal");
    feed.set_generator(generator);
    feed.set_entries(
        (notices.entries.iter())
            .map(|notice| entry(notice, base_url))
            .collect::<Vec<_>>(),
    );
    let config = atom_syndication::WriteConfig {
        write_document_declaration: true,
        indent_size: Some(2),
    };
    let mut bytes = feed
        .write_with_config(Vec::new(), config)
        .map_err(|error| RenderError::Atom(error.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_version_8_uuids() {
        let id = notice_id("shop/may");
        assert_eq!(id, notice_id("shop/may"));
        assert_ne!(id, notice_id("shop/may/2020-06-14"));
        let uuid = id.strip_prefix("urn:uuid:").unwrap();
        let parts: Vec<&str> = uuid.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('8'), "{id}");
        assert!("89ab".contains(&parts[3][..1]), "{id}");
    }
}
