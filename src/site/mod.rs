//! Stage 3c: what the subscribe page (`index.html`) and the manifest
//! (`feeds.json`) say, independent of their formats: for each feed its file,
//! its public URLs and subscribe links, its size and hash, and its next
//! next window; the windows once, and one page per window (`windows`). Like
//! `feed`, nothing here reads the clock: "next" is relative to
//! [`crate::horizon::as_of`], and every occurrence carries its instants so
//! that the page can tell past from next where it is read.
//!
//! The subscribe links are wire formats of their own (query parameters of
//! Google's and Outlook's "add a calendar" pages), so they are built and
//! unit-tested here.

mod windows;

pub use windows::{PageGroup, PageService, SiteOccurrence, WindowPage, pages as window_pages};

use crate::expand::Expanded;
use crate::feed::{ALL_FEED_ID, Feed, FeedService};
use crate::schedule::model::{Language, Status};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Everything the page and the manifest show.
#[derive(Debug, Clone)]
pub struct Site {
    /// Language of the first calendar: the page's `lang` and its own words.
    pub language: Language,
    /// The calendars' names.
    pub title: String,
    pub description: Option<String>,
    /// maintcal's "now", in the first calendar's zone.
    pub as_of: Option<DateTime<Tz>>,
    /// Where the files are served from, ending in `/`; `None` means the
    /// page can only link relatively.
    pub base_url: Option<String>,
    /// `all` first, then one per group in schedule order.
    pub feeds: Vec<SiteFeed>,
    /// The first occurrences that end after `as_of`, each once.
    pub windows: Vec<SiteOccurrence>,
    /// How many occurrences end after `as_of`.
    pub windows_count: usize,
}

#[derive(Debug, Clone)]
pub struct SiteFeed {
    /// Group id, or [`ALL_FEED_ID`].
    pub id: String,
    /// The group's own name; `None` for the feed of every group.
    pub group_name: Option<String>,
    /// The calendar's name as clients show it (X-WR-CALNAME).
    pub title: String,
    pub description: Option<String>,
    pub file_name: String,
    pub links: Option<Links>,
    /// Number of VEVENTs in the file.
    pub events: usize,
    pub bytes: usize,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// The first occurrence that ends after `as_of`.
    pub next: Option<Upcoming>,
    /// For a service's own feed: which service of which group (the page
    /// lists it under its group, not as a section of its own).
    pub service: Option<FeedService>,
}

impl SiteFeed {
    pub fn is_all(&self) -> bool {
        self.id == ALL_FEED_ID
    }
}

/// The ways to subscribe to one feed, all absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    /// The file's https (or http) URL: what Outlook, Thunderbird and a
    /// copy-and-paste want.
    pub https: String,
    /// The same with the `webcal` scheme: Apple Calendar and most desktop
    /// clients open it as "subscribe".
    pub webcal: String,
    pub google: String,
    /// Outlook.com (personal Microsoft accounts).
    pub outlook: String,
    /// Outlook on the web for Microsoft 365 work or school accounts: the
    /// same page on another host, which personal accounts cannot open.
    pub office: String,
}

/// A feed's next occurrence, as the manifest gives it.
#[derive(Debug, Clone)]
pub struct Upcoming {
    pub window: String,
    /// The instants, in the calendar's zone.
    pub start: DateTime<Tz>,
    pub end: DateTime<Tz>,
    pub status: Status,
}

/// One rendered file as the page and the manifest describe it: what is
/// kept of it once its bytes are written and dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileRecord {
    pub file_name: String,
    pub bytes: usize,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
}

impl FileRecord {
    pub fn of(file_name: &str, bytes: &[u8]) -> Self {
        FileRecord {
            file_name: file_name.to_owned(),
            bytes: bytes.len(),
            sha256: sha256_hex(bytes),
        }
    }
}

/// What the site needs of one rendered feed.
#[derive(Debug, Clone)]
pub struct FeedRecord {
    pub id: String,
    pub name: String,
    pub events: usize,
    pub file: FileRecord,
    pub service: Option<FeedService>,
}

impl FeedRecord {
    pub fn of(feed: &Feed, file: FileRecord) -> Self {
        FeedRecord {
            id: feed.id.clone(),
            name: feed.name.clone(),
            events: feed.events.len(),
            file,
            service: feed.service.clone(),
        }
    }
}

/// Builds the site from the table of occurrences and the rendered feeds.
pub fn plan(
    expanded: &Expanded,
    feeds: &[FeedRecord],
    base_url: Option<&str>,
    as_of: Option<DateTime<Utc>>,
) -> Site {
    let schedules = expanded.schedules;
    let first = schedules.calendars.first();
    let timezone = first.map_or(chrono_tz::UTC, |c| c.timezone);
    let mut next = next_per_feed(expanded, as_of);
    let (windows, windows_count) = windows::index(expanded, as_of);
    let mut site_feeds: Vec<SiteFeed> = feeds
        .iter()
        .map(|feed| {
            // A service's feed is keyed by its group and service.
            let group_id = feed.service.as_ref().map_or(&feed.id, |s| &s.group);
            let group = schedules.groups().find(|(_, g)| g.id == *group_id);
            let key = match (group, &feed.service) {
                (None, _) => Key::All,
                (Some((_, g)), None) => Key::Group(&g.id),
                (Some((_, g)), Some(service)) => Key::Service(&g.id, &service.name),
            };
            SiteFeed {
                id: feed.id.clone(),
                group_name: group.map(|(_, g)| g.name.clone()),
                title: feed.name.clone(),
                description: match group {
                    Some((_, group)) => group.description.clone(),
                    None => None,
                },
                file_name: feed.file.file_name.clone(),
                links: base_url.map(|base| links(base, &feed.file.file_name, &feed.name)),
                events: feed.events,
                bytes: feed.file.bytes,
                sha256: feed.file.sha256.clone(),
                next: next.remove(&key),
                service: feed.service.clone(),
            }
        })
        .collect();
    // The feed of every group first: most people want that one.
    site_feeds.sort_by_key(|feed| !feed.is_all());
    Site {
        language: first.map_or(Language::English, |c| c.language),
        title: schedules
            .calendars
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(" / "),
        description: first.and_then(|c| c.description.clone()),
        as_of: as_of.map(|t| t.with_timezone(&timezone)),
        base_url: base_url.map(str::to_owned),
        feeds: site_feeds,
        windows,
        windows_count,
    }
}

/// Which feed's next window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key<'s> {
    All,
    Group(&'s str),
    /// A group's id and one of its services that has a feed of its own.
    Service(&'s str, &'s str),
}

/// For each feed its first occurrence that ends after `as_of`. One pass
/// over every occurrence, whatever the number of feeds.
fn next_per_feed<'s>(
    expanded: &'s Expanded,
    as_of: Option<DateTime<Utc>>,
) -> HashMap<Key<'s>, Upcoming> {
    let mut next: HashMap<Key<'s>, Upcoming> = HashMap::new();
    let mut offer = |key: Key<'s>, upcoming: &Upcoming| {
        // Earlier start wins; calendars are merged here.
        next.entry(key)
            .and_modify(|found| {
                if (upcoming.start, &upcoming.window) < (found.start, &found.window) {
                    *found = upcoming.clone();
                }
            })
            .or_insert_with(|| upcoming.clone());
    };
    for table in &expanded.calendars {
        let calendar = table.calendar;
        let tz = calendar.timezone;
        for occurrence in table.by_start() {
            // The instants the feeds give; none where the clocks skip the
            // hours (`expand::span_instants`): no event, so not listed.
            let Some((start, end)) = occurrence.instants(None) else {
                continue;
            };
            if as_of.is_some_and(|now| end <= now) {
                continue;
            }
            let upcoming = Upcoming {
                window: occurrence.window.id.clone(),
                start: start.with_timezone(&tz),
                end: end.with_timezone(&tz),
                status: occurrence.status,
            };
            offer(Key::All, &upcoming);
            for impact in &occurrence.window.impacts {
                offer(Key::Group(impact.group.as_str()), &upcoming);
                // A service's feed: the windows that stop or partly stop it,
                // over the service's own hours, as its feed's event is; none
                // where those hours do not exist that day (nor in the feed).
                let Some(group) = calendar.group(&impact.group) else {
                    continue;
                };
                for feed in &group.service_feeds {
                    let Some(s) = (impact.services.iter())
                        .find(|s| s.service == feed.service && s.kind.is_outage())
                    else {
                        continue;
                    };
                    let Some((own_start, own_end)) = occurrence.instants(s.hours) else {
                        continue;
                    };
                    if as_of.is_some_and(|now| own_end <= now) {
                        continue;
                    }
                    let own = Upcoming {
                        start: own_start.with_timezone(&tz),
                        end: own_end.with_timezone(&tz),
                        ..upcoming.clone()
                    };
                    offer(Key::Service(&group.id, &feed.service), &own);
                }
            }
        }
    }
    next
}

/// Characters left as they are in a query parameter value: RFC 3986's
/// unreserved set. Everything else (`:`, `/`, `&`, `=`, `?`, `#`, spaces,
/// non-ASCII) is percent-encoded, so the embedded URL or name cannot end the
/// parameter or add another.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn query_value(text: &str) -> String {
    utf8_percent_encode(text, QUERY_VALUE).to_string()
}

/// The subscribe links of `file_name` served under `base` (which ends in `/`).
pub fn links(base: &str, file_name: &str, name: &str) -> Links {
    let https = format!("{base}{}", utf8_percent_encode(file_name, QUERY_VALUE));
    let rest = https
        .strip_prefix("https://")
        .or_else(|| https.strip_prefix("http://"))
        .unwrap_or(&https);
    let webcal = format!("webcal://{rest}");
    Links {
        // Google subscribes to a webcal URL given as `cid`; given an https
        // one it offers to import once instead, on some accounts.
        google: format!(
            "https://calendar.google.com/calendar/r?cid={}",
            query_value(&webcal)
        ),
        outlook: format!(
            "https://outlook.live.com/calendar/0/addfromweb?url={}&name={}",
            query_value(&https),
            query_value(name)
        ),
        office: format!(
            "https://outlook.office.com/calendar/0/addfromweb?url={}&name={}",
            query_value(&https),
            query_value(name)
        ),
        webcal,
        https,
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_encode_the_embedded_url_and_name_completely() {
        let links = links(
            "https://example.github.io/maint cal/",
            "rms.ics",
            "楽天 & <RMS>",
        );
        assert_eq!(links.https, "https://example.github.io/maint cal/rms.ics");
        assert_eq!(links.webcal, "webcal://example.github.io/maint cal/rms.ics");
        assert_eq!(
            links.google,
            "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2Fexample.github.io%2Fmaint%20cal%2Frms.ics"
        );
        assert_eq!(
            links.outlook,
            "https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Fexample.github.io%2Fmaint%20cal%2Frms.ics&name=%E6%A5%BD%E5%A4%A9%20%26%20%3CRMS%3E"
        );
        assert_eq!(
            links.office,
            "https://outlook.office.com/calendar/0/addfromweb?url=https%3A%2F%2Fexample.github.io%2Fmaint%20cal%2Frms.ics&name=%E6%A5%BD%E5%A4%A9%20%26%20%3CRMS%3E"
        );
    }

    #[test]
    fn http_base_gets_a_webcal_link_too() {
        let links = links("http://intranet.example/feeds/", "all.ics", "x");
        assert_eq!(links.webcal, "webcal://intranet.example/feeds/all.ics");
    }

    #[test]
    fn sha256_is_lower_case_hex() {
        // The well-known digest of the empty input.
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
