//! Stage 3c: what the subscribe page (`index.html`) and the manifest
//! (`feeds.json`) say, independent of their formats: for each feed its file,
//! its public URLs and subscribe links, its size and hash, and its next
//! windows. Like `feed`, nothing here reads the clock: "next" is relative to
//! [`crate::horizon::as_of`].
//!
//! The subscribe links are wire formats of their own (query parameters of
//! Google's and Outlook's "add a calendar" pages), so they are built and
//! unit-tested here.

use crate::expand::{Expanded, Occurrence};
use crate::feed::{ALL_FEED_ID, Feed, FeedService};
use crate::schedule::model::{Calendar, ImpactKind, Language, Status};
use chrono::{DateTime, NaiveDateTime, Utc};
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
    pub timezone: Tz,
    pub links: Option<Links>,
    /// Number of VEVENTs in the file.
    pub events: usize,
    pub bytes: usize,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// The first [`NEXT_WINDOWS`] occurrences that end after `as_of`, in
    /// order.
    pub upcoming: Vec<Upcoming>,
    /// How many occurrences end after `as_of`.
    pub upcoming_count: usize,
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
    pub outlook: String,
}

/// One occurrence of a window as the page lists it.
#[derive(Debug, Clone)]
pub struct Upcoming {
    pub window: String,
    /// Local wall-clock start and end, as the schedule writes them.
    pub local_start: NaiveDateTime,
    pub local_end: NaiveDateTime,
    /// The instants they stand for, in the calendar's zone.
    pub start: DateTime<Tz>,
    pub end: DateTime<Tz>,
    pub status: Status,
    /// For a group: its services that stop. For `all`: the groups in which
    /// something stops.
    pub stops: Vec<Affected>,
    /// Services (or, for `all`, groups) that keep running with something
    /// unavailable.
    pub partly: Vec<Affected>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affected {
    pub name: String,
    /// What is unavailable, for a partial outage.
    pub unavailable: Option<String>,
    /// Its own local start and end, where they differ from the window's.
    pub hours: Option<(NaiveDateTime, NaiveDateTime)>,
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
    pub timezone: Tz,
    pub events: usize,
    pub file: FileRecord,
    pub service: Option<FeedService>,
}

impl FeedRecord {
    pub fn of(feed: &Feed, file: FileRecord) -> Self {
        FeedRecord {
            id: feed.id.clone(),
            name: feed.name.clone(),
            timezone: feed.timezone,
            events: feed.events.len(),
            file,
            service: feed.service.clone(),
        }
    }
}

/// How many of a feed's next windows the site lists; the rest are counted.
pub const NEXT_WINDOWS: usize = 5;

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
    let mut upcoming = upcoming(expanded, as_of);
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
            let (upcoming, upcoming_count) = upcoming.remove(&key).unwrap_or_default();
            SiteFeed {
                id: feed.id.clone(),
                group_name: group.map(|(_, g)| g.name.clone()),
                title: feed.name.clone(),
                description: match group {
                    Some((_, group)) => group.description.clone(),
                    None => None,
                },
                file_name: feed.file.file_name.clone(),
                timezone: feed.timezone,
                links: base_url.map(|base| links(base, &feed.file.file_name, &feed.name)),
                events: feed.events,
                bytes: feed.file.bytes,
                sha256: feed.file.sha256.clone(),
                upcoming,
                upcoming_count,
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
    }
}

/// Which feed's list of next windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key<'s> {
    All,
    Group(&'s str),
    /// A group's id and one of its services that has a feed of its own.
    Service(&'s str, &'s str),
}

/// For each feed: the first [`NEXT_WINDOWS`] occurrences that end after
/// `as_of`, in order, and how many there are. One pass over every
/// occurrence, whatever the number of feeds.
fn upcoming<'s>(
    expanded: &'s Expanded,
    as_of: Option<DateTime<Utc>>,
) -> HashMap<Key<'s>, (Vec<Upcoming>, usize)> {
    let mut found: Vec<(DateTime<Utc>, &'s Calendar, &'s Occurrence<'s>)> = Vec::new();
    for table in &expanded.calendars {
        let calendar = table.calendar;
        for occurrence in table.by_start() {
            if as_of.is_some_and(|now| occurrence.end_utc() <= now) {
                continue;
            }
            found.push((occurrence.start_utc(), calendar, occurrence));
        }
    }
    // Calendars are each in order already; merge them by start instant.
    found.sort_by(|a, b| (a.0, &a.2.window.id).cmp(&(b.0, &b.2.window.id)));
    let mut lists: HashMap<Key<'s>, (Vec<Upcoming>, usize)> = HashMap::new();
    let mut add = |key: Key<'s>, make: &dyn Fn() -> Upcoming| {
        let (list, count) = lists.entry(key).or_default();
        *count += 1;
        if list.len() < NEXT_WINDOWS {
            list.push(make());
        }
    };
    for (start, calendar, occurrence) in found {
        let tz = calendar.timezone;
        let upcoming = |stops, partly| Upcoming {
            window: occurrence.window.id.clone(),
            local_start: occurrence.start,
            local_end: occurrence.end,
            start: start.with_timezone(&tz),
            end: occurrence.end_utc().with_timezone(&tz),
            status: occurrence.status,
            stops,
            partly,
        };
        // The feed of every group names the groups in which something stops.
        add(Key::All, &|| {
            let groups = |wanted: fn(&ImpactKind) -> bool| {
                occurrence
                    .window
                    .impacts
                    .iter()
                    .filter(|impact| impact.services.iter().any(|s| wanted(&s.kind)))
                    .filter_map(|impact| calendar.group(&impact.group))
                    .map(|g| Affected {
                        name: g.name.clone(),
                        unavailable: None,
                        hours: None,
                    })
                    .collect::<Vec<_>>()
            };
            upcoming(
                groups(|k| matches!(k, ImpactKind::Stops)),
                groups(|k| matches!(k, ImpactKind::Partial { .. })),
            )
        });
        // A group's feed names its services.
        for impact in &occurrence.window.impacts {
            add(Key::Group(impact.group.as_str()), &|| {
                let services = |wanted: fn(&ImpactKind) -> bool| {
                    impact
                        .services
                        .iter()
                        .filter(|s| wanted(&s.kind))
                        .map(|s| service(occurrence, s))
                        .collect::<Vec<_>>()
                };
                upcoming(
                    services(|k| matches!(k, ImpactKind::Stops)),
                    services(|k| matches!(k, ImpactKind::Partial { .. })),
                )
            });
            // A service's feed: the windows that stop or partly stop it.
            let Some(group) = calendar.group(&impact.group) else {
                continue;
            };
            for feed in &group.service_feeds {
                let Some(s) = (impact.services.iter())
                    .find(|s| s.service == feed.service && s.kind.is_outage())
                else {
                    continue;
                };
                // Over the service's own hours, as its feed's event is; none
                // where those hours do not exist that day (nor in the feed).
                let Some((own_start, own_end)) = occurrence.instants(s.hours) else {
                    continue;
                };
                add(Key::Service(&group.id, &feed.service), &|| {
                    let listed = vec![service(occurrence, s)];
                    let (stops, partly) = match s.kind {
                        ImpactKind::Stops => (listed, Vec::new()),
                        _ => (Vec::new(), listed),
                    };
                    let (local_start, local_end) = occurrence.slot_times(s.hours);
                    Upcoming {
                        local_start,
                        local_end,
                        start: own_start.with_timezone(&tz),
                        end: own_end.with_timezone(&tz),
                        ..upcoming(stops, partly)
                    }
                });
            }
        }
    }
    lists
}

fn service(occurrence: &Occurrence, service: &crate::schedule::model::ServiceImpact) -> Affected {
    let hours = occurrence.slot_times(service.hours);
    Affected {
        name: service.service.clone(),
        unavailable: match &service.kind {
            ImpactKind::Partial { unavailable } => Some(unavailable.clone()),
            _ => None,
        },
        hours: (hours != (occurrence.start, occurrence.end)).then_some(hours),
    }
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
