//! The subscribe page, `index.html`: one static page, no JavaScript, no
//! external assets, for each feed its next windows and the ways to subscribe
//! to it.
//!
//! The markup is an askama template (`templates/index.html`), which
//! HTML-escapes every value it inserts, so no schedule text can add markup.
//! This module only prepares the words and formatted dates, in the
//! calendar's language.

use super::{RenderError, SiteFormat};
use crate::schedule::model::{Language, Status};
use crate::site::{Affected, FileRecord, Links, Site, SiteFeed, Upcoming};
use crate::words::Words;
use askama::Template;

pub const FILE_NAME: &str = "index.html";

/// How many next windows the page lists per feed; the calendar has them all.
pub const WINDOWS_SHOWN: usize = crate::site::NEXT_WINDOWS;

#[derive(Debug, Clone, Copy)]
pub struct Html;

impl SiteFormat for Html {
    fn file_name(&self) -> &'static str {
        FILE_NAME
    }

    fn render(&self, site: &Site, _earlier: &[FileRecord]) -> Result<Vec<u8>, RenderError> {
        let words = Words::of(site.language);
        let page = Page {
            lang: match site.language {
                Language::Japanese => "ja",
                Language::English => "en",
            },
            title: &site.title,
            description: site.description.as_deref(),
            as_of: site
                .as_of
                .map(|t| words.as_of.replace("{date}", &words.date(t.naive_local()))),
            has_links: site.base_url.is_some(),
            words,
            notices: notices_link(site),
            // A service's own feed is listed under its group, not a section.
            feeds: (site.feeds.iter())
                .filter(|feed| feed.service.is_none())
                .map(|feed| FeedView {
                    services: service_feeds(site, feed),
                    ..feed_view(words, feed)
                })
                .collect(),
        };
        let mut html = page.render()?;
        if !html.ends_with('\n') {
            html.push('\n');
        }
        Ok(html.into_bytes())
    }
}

#[derive(Template)]
#[template(path = "index.html")]
struct Page<'a> {
    lang: &'static str,
    title: &'a str,
    description: Option<&'a str>,
    as_of: Option<String>,
    has_links: bool,
    words: &'static Words,
    notices: NoticesLink,
    feeds: Vec<FeedView<'a>>,
}

/// The feed of notices: `<link rel="alternate">` in `<head>` and a visible
/// link.
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

/// One service's own feed, listed under its group.
struct ServiceFeedView<'a> {
    name: &'a str,
    file_name: &'a str,
    links: Option<&'a Links>,
}

/// The feeds of `group`'s services, in the site's (the group's) order.
fn service_feeds<'a>(site: &'a Site, group: &SiteFeed) -> Vec<ServiceFeedView<'a>> {
    (site.feeds.iter())
        .filter_map(|feed| {
            let service = feed.service.as_ref()?;
            (service.group == group.id).then_some(ServiceFeedView {
                name: &service.name,
                file_name: &feed.file_name,
                links: feed.links.as_ref(),
            })
        })
        .collect()
}

struct FeedView<'a> {
    /// The section's id, for the table of contents.
    anchor: String,
    is_all: bool,
    heading: String,
    title: &'a str,
    description: Option<&'a str>,
    file_name: &'a str,
    links: Option<&'a Links>,
    timezone: String,
    windows: Vec<WindowView>,
    /// "and 3 more", when the list is cut.
    more: Option<String>,
    services: Vec<ServiceFeedView<'a>>,
}

struct WindowView {
    /// RFC 3339 start, for `<time datetime>`.
    datetime: String,
    date: String,
    time: String,
    status: &'static str,
    status_label: &'static str,
    stops: Vec<String>,
    partly: Vec<String>,
}

fn feed_view<'a>(words: &'static Words, feed: &'a SiteFeed) -> FeedView<'a> {
    let windows: Vec<WindowView> = feed
        .upcoming
        .iter()
        .take(WINDOWS_SHOWN)
        .map(|upcoming| window_view(words, upcoming))
        .collect();
    let hidden = feed.upcoming_count.saturating_sub(windows.len());
    FeedView {
        anchor: format!("feed-{}", feed.id),
        is_all: feed.is_all(),
        heading: feed
            .group_name
            .clone()
            .unwrap_or_else(|| words.all_groups.to_owned()),
        title: &feed.title,
        description: feed.description.as_deref(),
        file_name: &feed.file_name,
        links: feed.links.as_ref(),
        timezone: words.times_in.replace("{zone}", feed.timezone.name()),
        windows,
        more: (hidden > 0).then(|| words.more.replace("{count}", &hidden.to_string())),
        services: Vec::new(),
    }
}

fn window_view(words: &Words, upcoming: &Upcoming) -> WindowView {
    let (status, status_label) = match upcoming.status {
        Status::Confirmed => ("confirmed", words.confirmed),
        Status::Tentative => ("tentative", words.tentative),
        Status::Cancelled => ("cancelled", words.cancelled),
    };
    let affected = |list: &[Affected]| {
        list.iter()
            .map(|a| {
                let mut text = a.name.clone();
                if let Some(unavailable) = &a.unavailable {
                    text.push_str(&words.unavailable.replace("{what}", unavailable));
                }
                if let Some((start, end)) = a.hours {
                    text.push_str(&format!(" ({})", words.time_range(start, end)));
                }
                text
            })
            .collect()
    };
    WindowView {
        datetime: upcoming.start.to_rfc3339(),
        date: words.date(upcoming.local_start),
        time: words.time_range(upcoming.local_start, upcoming.local_end),
        status,
        status_label,
        stops: affected(&upcoming.stops),
        partly: affected(&upcoming.partly),
    }
}
