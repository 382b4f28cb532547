//! The site's HTML: the subscribe page, `index.html` (subscribe first, then
//! the next windows, each once with the groups it touches), and one page
//! per window (`window`) with the whole notice. Static files without
//! external assets; a few lines of script (`templates/page.js`) put the
//! reader's platform's subscribe link first, add a Copy button, show times
//! in the reader's zone and hide windows that have ended, and the pages
//! work without it.
//!
//! The markup is askama templates (`templates/`), which HTML-escape every
//! value they insert, so no schedule text can add markup. This module only
//! prepares the words and formatted dates, in the calendar's language;
//! `palette` holds the colours.

mod palette;
mod window;

pub use window::pages;

use super::{RenderError, SiteFormat};
use crate::schedule::model::{Language, Status};
use crate::site::{FileRecord, Links, Site, SiteFeed, SiteOccurrence};
use crate::words::Words;
use askama::Template;

pub const FILE_NAME: &str = super::INDEX_FILE_NAME;

/// The script every page ends with (see `templates/page.js`).
const SCRIPT: &str = include_str!("../../../templates/page.js");
/// The stylesheet every page has; its colours come from `palette`.
const STYLE: &str = include_str!("../../../templates/page.css");

/// The stylesheet and the script, one file each beside the pages rather
/// than inside every page: with a page per window, a large site holds tens
/// of thousands of pages, and 9 KB of them each would be the same bytes
/// (the browser fetches these once and keeps them).
pub const STYLESHEET_FILE: &str = "maintcal.css";
pub const SCRIPT_FILE: &str = "maintcal.js";

/// The shared files every page links to: (name, bytes).
pub fn assets() -> [(&'static str, Vec<u8>); 2] {
    let css = format!(
        ":root {{ color-scheme: light dark; {} }}\n\
         @media (prefers-color-scheme: dark) {{\n  :root {{ {} }}\n}}\n{STYLE}",
        palette::LIGHT.css(),
        palette::DARK.css(),
    );
    [
        (STYLESHEET_FILE, css.into_bytes()),
        (SCRIPT_FILE, SCRIPT.as_bytes().to_vec()),
    ]
}

#[derive(Debug, Clone, Copy)]
pub struct Html;

impl SiteFormat for Html {
    fn file_name(&self) -> &'static str {
        FILE_NAME
    }

    fn render(&self, site: &Site, _earlier: &[FileRecord]) -> Result<Vec<u8>, RenderError> {
        let words = Words::of(site.language);
        // `all` comes first; a service's own feed is listed under its group.
        let mut feeds = (site.feeds.iter())
            .filter(|feed| feed.service.is_none())
            .map(|feed| FeedView {
                services: service_feeds(words, site, feed),
                ..feed_view(words, feed)
            });
        let all = feeds.next();
        let notices = notices_link(site);
        let hidden = site.windows_count.saturating_sub(site.windows.len());
        let page = Index {
            head: Head {
                // Feed readers and calendar tools find the feeds here.
                alternates: std::iter::once(Alternate {
                    kind: notices.media_type,
                    title: words.notices_link.to_owned(),
                    href: notices.href.clone(),
                })
                .chain(site.feeds.iter().filter_map(|feed| {
                    Some(Alternate {
                        kind: "text/calendar",
                        title: feed.title.clone(),
                        href: feed.links.as_ref()?.https.clone(),
                    })
                }))
                .collect(),
                ..Head::new(site.language)
            },
            title: &site.title,
            description: site.description.as_deref(),
            as_of: site
                .as_of
                .map(|t| words.as_of.replace("{date}", &words.date(t.naive_local()))),
            has_links: site.base_url.is_some(),
            words,
            all,
            groups: feeds.collect(),
            notices,
            windows: site
                .windows
                .iter()
                .map(|o| OccurrenceView::of(words, o, true))
                .collect(),
            more: (hidden > 0).then(|| words.more.replace("{count}", &hidden.to_string())),
            timezone: site
                .as_of
                .map(|t| words.times_in.replace("{zone}", t.timezone().name())),
        };
        finish(page.render()?)
    }
}

/// What every page's `<head>` and script need.
struct Head {
    lang: &'static str,
    stylesheet: &'static str,
    script: &'static str,
    /// `<link rel="alternate">`s: the feeds, in the index.
    alternates: Vec<Alternate>,
}

struct Alternate {
    /// Its media type.
    kind: &'static str,
    title: String,
    href: String,
}

impl Head {
    fn new(language: Language) -> Self {
        Head {
            lang: match language {
                Language::Japanese => "ja",
                Language::English => "en",
            },
            stylesheet: STYLESHEET_FILE,
            script: SCRIPT_FILE,
            alternates: Vec::new(),
        }
    }
}

fn finish(mut html: String) -> Result<Vec<u8>, RenderError> {
    if !html.ends_with('\n') {
        html.push('\n');
    }
    Ok(html.into_bytes())
}

#[derive(Template)]
#[template(path = "index.html")]
struct Index<'a> {
    head: Head,
    title: &'a str,
    description: Option<&'a str>,
    as_of: Option<String>,
    has_links: bool,
    words: &'static Words,
    /// The feed of every group: the first subscribe buttons.
    all: Option<FeedView<'a>>,
    groups: Vec<FeedView<'a>>,
    windows: Vec<OccurrenceView>,
    /// "and 3 more", when the list is cut.
    more: Option<String>,
    timezone: Option<String>,
    notices: NoticesLink,
}

/// The feed of notices: a `<link rel="alternate">` in `<head>` and a
/// visible link.
struct NoticesLink {
    href: String,
    media_type: &'static str,
}

fn notices_link(site: &Site) -> NoticesLink {
    let file = super::atom::FILE_NAME;
    NoticesLink {
        href: site
            .base_url
            .as_ref()
            .map_or_else(|| file.to_owned(), |base| format!("{base}{file}")),
        media_type: super::atom::MEDIA_TYPE,
    }
}

struct FeedView<'a> {
    id: &'a str,
    heading: String,
    description: Option<&'a str>,
    file_name: &'a str,
    links: Option<&'a Links>,
    /// A group's services' own feeds, where the operator opted in.
    services: Vec<FeedView<'a>>,
}

/// The feeds of `group`'s services, in the site's (the group's) order,
/// each headed by its service's name.
fn service_feeds<'a>(words: &'static Words, site: &'a Site, group: &SiteFeed) -> Vec<FeedView<'a>> {
    (site.feeds.iter())
        .filter_map(|feed| {
            let service = feed.service.as_ref()?;
            (service.group == group.id).then(|| FeedView {
                heading: service.name.clone(),
                description: None,
                ..feed_view(words, feed)
            })
        })
        .collect()
}

fn feed_view<'a>(words: &'static Words, feed: &'a SiteFeed) -> FeedView<'a> {
    FeedView {
        id: &feed.id,
        heading: feed
            .group_name
            .clone()
            .unwrap_or_else(|| words.all_groups.to_owned()),
        description: feed.description.as_deref(),
        file_name: &feed.file_name,
        links: feed.links.as_ref(),
        services: Vec::new(),
    }
}

/// One occurrence, as the index and a window's page show it.
struct OccurrenceView {
    /// Its window's page and its anchor there.
    page: String,
    /// Whether the page exists to link to.
    has_page: bool,
    anchor: String,
    /// Its element's id: the anchor on its window's page; on the index,
    /// where windows meet, the page's name and the anchor.
    id: String,
    title: Option<String>,
    /// RFC 3339 instants, for `<time datetime>` and the script.
    start: String,
    end: String,
    zone: &'static str,
    date: String,
    time: String,
    status: &'static str,
    status_label: &'static str,
    /// "moved from …", "usually …".
    changes: Vec<String>,
    stops: Vec<String>,
    partly: Vec<String>,
    notes: Vec<String>,
    revision: String,
}

impl OccurrenceView {
    fn of(words: &Words, occurrence: &SiteOccurrence, on_index: bool) -> Self {
        let (status, status_label) = status(words, occurrence.status);
        let mut changes = Vec::new();
        if let Some(date) = occurrence.moved_from {
            changes.push(words.moved_from.replace("{date}", &words.date(date.into())));
        }
        if let Some((start, end)) = occurrence.usual_hours {
            changes.push(
                words
                    .usually
                    .replace("{hours}", &words.time_range(start, end)),
            );
        }
        let revised = occurrence.revised.with_timezone(&occurrence.timezone);
        OccurrenceView {
            page: occurrence.page.clone(),
            has_page: occurrence.has_page,
            anchor: occurrence.anchor.clone(),
            id: if on_index {
                let stem = occurrence.page.trim_end_matches(".html");
                format!("{stem}.{}", occurrence.anchor)
            } else {
                occurrence.anchor.clone()
            },
            title: occurrence.title.clone(),
            start: occurrence.start.to_rfc3339(),
            end: occurrence.end.to_rfc3339(),
            zone: occurrence.timezone.name(),
            date: words.date(occurrence.local_start),
            time: words.time_range(occurrence.local_start, occurrence.local_end),
            status,
            status_label,
            changes,
            stops: occurrence.stops.clone(),
            partly: occurrence.partly.clone(),
            notes: occurrence.notes.clone(),
            revision: words
                .revision
                .replace("{revision}", &occurrence.revision.to_string())
                .replace("{date}", &words.date(revised.naive_local())),
        }
    }
}

fn status(words: &Words, status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Confirmed => ("confirmed", words.confirmed),
        Status::Tentative => ("tentative", words.tentative),
        Status::Cancelled => ("cancelled", words.cancelled),
    }
}
