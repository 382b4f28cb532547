//! `service_feeds` on a group: which of its services get a feed of their
//! own, and the id each feed's file is named by (`out/<group>.<id>.ics`).
//! Ids come from the service's name alone (see [`derived_id`]) unless the
//! entry gives one; they must be slugs that start with a letter (so that a
//! UID's `.<id>` part can never read as a `.<HHMM-HHMM>` sub-range), and
//! distinct within the group.

use super::{Validator, suggestion};
use crate::schedule::model::ServiceFeed;
use crate::schedule::source::{ServiceFeedEntry, ServiceFeedsSource};
use sha2::{Digest, Sha256};
use std::ops::Range;
use toml::Spanned;

/// A service asked for: its name, the id given if any, and where to point.
type Wanted<'s> = (String, Option<&'s Spanned<String>>, Range<usize>);

/// The most characters of a name's slug an id derived from it keeps.
const MAX_SLUG_LEN: usize = 40;

impl Validator {
    pub(super) fn service_feeds(
        &mut self,
        group_id: &str,
        services: &[String],
        source: &Spanned<ServiceFeedsSource>,
    ) -> Vec<ServiceFeed> {
        let wanted: Vec<Wanted> = match source.get_ref() {
            ServiceFeedsSource::All(false) => Vec::new(),
            ServiceFeedsSource::All(true) => services
                .iter()
                .map(|service| (service.clone(), None, source.span()))
                .collect(),
            ServiceFeedsSource::Some(entries) => entries
                .iter()
                .map(|entry| {
                    let ServiceFeedEntry { service, id } = entry.get_ref();
                    // A bare name carries its span on the outer `Spanned`.
                    let span = if service.span().is_empty() {
                        entry.span()
                    } else {
                        service.span()
                    };
                    (service.get_ref().clone(), id.as_ref(), span)
                })
                .collect(),
        };
        let mut feeds: Vec<ServiceFeed> = Vec::new();
        for (service, given, span) in wanted {
            if !services.contains(&service) {
                let known: Vec<&str> = services.iter().map(String::as_str).collect();
                self.error_help(
                    span,
                    format!("group `{group_id}` has no service `{service}` to give a feed"),
                    suggestion(&service, &known),
                );
                continue;
            }
            if feeds.iter().any(|feed| feed.service == service) {
                self.error_help(
                    span,
                    format!("service `{service}` is listed twice under service_feeds"),
                    "list each service once",
                );
                continue;
            }
            let id = match given {
                Some(id) => {
                    let text = self.id(id, "service feed id");
                    if !text.starts_with(|c: char| c.is_ascii_lowercase()) {
                        self.error_help(
                            id.span(),
                            format!("service feed id `{text}` must start with a letter"),
                            format!("e.g. id = \"s-{text}\""),
                        );
                    }
                    text
                }
                None => derived_id(&service),
            };
            if let Some(other) = feeds.iter().find(|feed| feed.id == id) {
                let other = other.service.clone();
                self.error_help(
                    span,
                    format!(
                        "services `{other}` and `{service}` would both get the feed \
                         out/{group_id}.{id}.ics"
                    ),
                    format!("give one an id of its own: {{ service = \"{service}\", id = \"…\" }}"),
                );
                continue;
            }
            feeds.push(ServiceFeed { id, service });
        }
        // In the group's order, whatever the list's.
        feeds.sort_by_key(|feed| services.iter().position(|s| *s == feed.service));
        feeds
    }
}

/// The id of a service's feed when the schedule gives none, from its name
/// alone, so that it never changes when other services are added: the
/// name's [`slug`] (`Order API` → `order-api`); for a name with characters
/// beyond ASCII, which a slug would lose, the slug (or `s`) and the first 8
/// hex digits of the name's SHA-256 (`RMSアプリ` → `rms-…`, `ポイント` →
/// `s-…`); `s-` before a slug that does not start with a letter.
pub(super) fn derived_id(name: &str) -> String {
    let mut slug = slug(name);
    slug.truncate(MAX_SLUG_LEN);
    while slug.ends_with('-') {
        slug.pop();
    }
    if !name.is_ascii() || slug.is_empty() {
        let digest = Sha256::digest(name.as_bytes());
        let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        if slug.is_empty() {
            slug.push('s');
        }
        slug.push('-');
        slug.push_str(&hex);
    }
    if !slug.starts_with(|c: char| c.is_ascii_lowercase()) {
        slug.insert_str(0, "s-");
    }
    slug
}

/// A service's name as an id: ASCII letters and digits, lower-cased, every
/// run of anything else one `-`, none at either end (`Order API` →
/// `order-api`; `RMSアプリ` → `rms`).
pub(super) fn slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::{derived_id, slug};

    #[test]
    fn slugs_keep_ascii_letters_and_digits() {
        assert_eq!(slug("Order API"), "order-api");
        assert_eq!(
            slug("  Event notifications (v2) "),
            "event-notifications-v2"
        );
        assert_eq!(slug("RMSアプリ"), "rms");
        assert_eq!(slug("ポイント"), "");
    }

    #[test]
    fn every_name_derives_a_valid_id_of_its_own() {
        assert_eq!(derived_id("Order API"), "order-api");
        assert_eq!(derived_id("3D Secure"), "s-3d-secure");
        let app = derived_id("RMSアプリ");
        assert!(app.starts_with("rms-") && app.len() == 12, "{app}");
        let points = derived_id("ポイント");
        assert!(points.starts_with("s-") && points.len() == 10, "{points}");
        // Distinct where the slugs are not, and the same every time.
        assert_ne!(derived_id("受注API"), derived_id("在庫API"));
        assert_eq!(derived_id("受注API"), derived_id("受注API"));
        let long = derived_id(&"Very long service name ".repeat(5));
        assert!(long.len() <= 40 && !long.ends_with('-'), "{long}");
        for name in ["a", "!!!", "-x-", "ＡＢＣ", "日本語"] {
            let id = derived_id(name);
            assert!(
                id.starts_with(|c: char| c.is_ascii_lowercase())
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{name}: {id}"
            );
        }
    }
}
