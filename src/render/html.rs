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
use askama::Template;
use chrono::{Datelike, NaiveDateTime};

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
                .map(|t| words.as_of.replace("{date}", &date(words, t.naive_local()))),
            has_links: site.base_url.is_some(),
            words,
            feeds: site
                .feeds
                .iter()
                .map(|feed| feed_view(words, feed))
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
    feeds: Vec<FeedView<'a>>,
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
                    text.push_str(&format!(" ({})", time_range(words, start, end)));
                }
                text
            })
            .collect()
    };
    WindowView {
        datetime: upcoming.start.to_rfc3339(),
        date: date(words, upcoming.local_start),
        time: time_range(words, upcoming.local_start, upcoming.local_end),
        status,
        status_label,
        stops: affected(&upcoming.stops),
        partly: affected(&upcoming.partly),
    }
}

fn date(words: &Words, at: NaiveDateTime) -> String {
    let weekday = words.weekdays[at.weekday().num_days_from_monday() as usize];
    match words.lang {
        Language::Japanese => format!("{}年{}月{}日({weekday})", at.year(), at.month(), at.day()),
        Language::English => format!("{weekday} {}", at.format("%-d %B %Y")),
    }
}

fn time_range(words: &Words, start: NaiveDateTime, end: NaiveDateTime) -> String {
    let (from, to) = (start.format("%H:%M"), end.format("%H:%M"));
    if end.date() <= start.date() {
        return format!("{from}–{to}");
    }
    // Japanese marks the next day before the time (翌03:00), English after.
    match words.lang {
        Language::Japanese => format!("{from}–翌{to}"),
        Language::English => format!("{from}–{to} (next day)"),
    }
}

/// The page's own words. `{…}` marks where a value goes.
struct Words {
    lang: Language,
    all_groups: &'static str,
    contents: &'static str,
    tip: &'static str,
    /// Text around the two ways to set the base URL.
    no_links: [&'static str; 3],
    as_of: &'static str,
    times_in: &'static str,
    next_heading: &'static str,
    nothing_next: &'static str,
    more: &'static str,
    stops: &'static str,
    partly: &'static str,
    nothing_stops: &'static str,
    unavailable: &'static str,
    confirmed: &'static str,
    tentative: &'static str,
    cancelled: &'static str,
    subscribe_heading: &'static str,
    webcal: &'static str,
    google: &'static str,
    outlook: &'static str,
    download: &'static str,
    url_label: &'static str,
    weekdays: [&'static str; 7],
    footer: &'static str,
}

impl Words {
    fn of(language: Language) -> &'static Words {
        match language {
            Language::Japanese => &Words {
                lang: Language::Japanese,
                all_groups: "すべてのグループ",
                contents: "カレンダー",
                tip: "「購読」すると、予定の追加や変更がカレンダーに自動で反映されます。.ics のダウンロードは一度きりの取り込みで、その後の変更は反映されません。Google カレンダーへの反映には最大で 1 日ほどかかります。",
                no_links: [
                    "購読リンクを表示するには、このページを公開する URL を指定してください: ",
                    "、またはスケジュールの [calendar] に ",
                    " を書きます。",
                ],
                as_of: "{date}時点の予定です（スケジュールの最終更新）。",
                times_in: "時刻は {zone} の時刻です。",
                next_heading: "今後のメンテナンス",
                nothing_next: "予定されているメンテナンスはありません。",
                more: "ほか {count} 件はカレンダーでご確認ください。",
                stops: "停止",
                partly: "一部停止",
                nothing_stops: "停止するサービスはありません。",
                unavailable: "（{what}）",
                confirmed: "確定",
                tentative: "予定",
                cancelled: "中止",
                subscribe_heading: "購読",
                webcal: "カレンダーアプリで購読",
                google: "Google カレンダーに追加",
                outlook: "Outlook に追加",
                download: ".ics をダウンロード",
                url_label: "購読用 URL（コピーしてカレンダーアプリに貼り付け）",
                weekdays: ["月", "火", "水", "木", "金", "土", "日"],
                footer: "maintcal で生成",
            },
            Language::English => &Words {
                lang: Language::English,
                all_groups: "All groups",
                contents: "Calendars",
                tip: "Subscribe, and new or changed windows reach your calendar by themselves. Downloading the .ics is a one-time import: later changes do not reach it. Google Calendar can take up to a day to pick up a change.",
                no_links: [
                    "To show subscribe links, give the address this page is published at: ",
                    ", or ",
                    " in the schedule's [calendar].",
                ],
                as_of: "As of {date} (the schedules' latest revision).",
                times_in: "Times are in {zone}.",
                next_heading: "Next windows",
                nothing_next: "No maintenance is planned.",
                more: "{count} more in the calendar.",
                stops: "Stops",
                partly: "Partly stops",
                nothing_stops: "Nothing stops.",
                unavailable: " ({what} unavailable)",
                confirmed: "Confirmed",
                tentative: "Tentative",
                cancelled: "Cancelled",
                subscribe_heading: "Subscribe",
                webcal: "Subscribe in your calendar app",
                google: "Add to Google Calendar",
                outlook: "Add to Outlook",
                download: "Download .ics",
                url_label: "Feed URL (copy it into your calendar app)",
                weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                footer: "Made by maintcal",
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2020, 5, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn dates_and_times_in_each_language() {
        let ja = Words::of(Language::Japanese);
        let en = Words::of(Language::English);
        assert_eq!(date(ja, at(17, 2)), "2020年5月17日(日)");
        assert_eq!(date(en, at(17, 2)), "Sun 17 May 2020");
        assert_eq!(time_range(ja, at(17, 2), at(17, 8)), "02:00–08:00");
        assert_eq!(time_range(ja, at(16, 23), at(17, 3)), "23:00–翌03:00");
        assert_eq!(
            time_range(en, at(16, 23), at(17, 3)),
            "23:00–03:00 (next day)"
        );
    }

    #[test]
    fn words_with_a_placeholder_have_it() {
        for words in [Words::of(Language::Japanese), Words::of(Language::English)] {
            assert!(words.as_of.contains("{date}"));
            assert!(words.times_in.contains("{zone}"));
            assert!(words.more.contains("{count}"));
            assert!(words.unavailable.contains("{what}"));
        }
    }
}
