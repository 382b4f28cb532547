//! The subscribe page (index.html) and the manifest (feeds.json), read back
//! as a browser and a script would: the page with an HTML parser, its links
//! with a URL parser, the manifest with serde_json, the feeds with the
//! icalendar crate's parser.

use crate::support::*;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use std::path::Path;

const BASE: &str = "https://example.github.io/maintcal/";

fn read(out: &Path, name: &str) -> String {
    std::fs::read_to_string(out.join(name)).unwrap()
}

fn manifest(out: &Path) -> Value {
    serde_json::from_str(&read(out, "feeds.json")).unwrap()
}

fn select<'a>(element: ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    element.select(&Selector::parse(css).unwrap()).collect()
}

fn text(element: ElementRef) -> String {
    element.text().collect()
}

fn attr<'a>(element: ElementRef<'a>, name: &str) -> &'a str {
    element.value().attr(name).unwrap_or_default()
}

fn query(url: &str, key: &str) -> String {
    let parsed = url::Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
    parsed
        .query_pairs()
        .find(|(k, _)| k == key)
        .unwrap_or_else(|| panic!("{url} has no `{key}`"))
        .1
        .into_owned()
}

/// Every feed in the manifest has a block on the page whose four
/// subscribe links (Apple/webcal, Google, Outlook.com, Microsoft 365) and
/// copyable address point at that feed's URL, each embedded URL
/// percent-encoded so that it decodes back exactly. The feed of every group
/// comes first, in the subscribe box; the groups' follow, one tap away.
fn assert_subscribe_links(out: &Path) {
    let manifest = manifest(out);
    let page = Html::parse_document(&read(out, "index.html"));
    let root = page.root_element();
    let feeds = manifest["feeds"].as_array().unwrap();
    let blocks = select(root, "section#subscribe .feed");
    assert_eq!(blocks.len(), feeds.len());
    assert_eq!(attr(blocks[0], "id"), "feed-all");
    for feed in feeds {
        let id = feed["id"].as_str().unwrap();
        let https = feed["url"].as_str().unwrap();
        let webcal = feed["webcal"].as_str().unwrap();
        assert_eq!(
            https,
            format!(
                "{}{}",
                manifest["base_url"].as_str().unwrap(),
                feed["file"].as_str().unwrap()
            )
        );
        assert_eq!(
            webcal,
            format!("webcal://{}", https.strip_prefix("https://").unwrap())
        );
        let section = select(root, &format!("#feed-{id}"));
        let section = *section
            .first()
            .unwrap_or_else(|| panic!("no block for {id}"));
        let links = select(section, ".platforms a");
        let platforms: Vec<&str> = links.iter().map(|a| attr(*a, "data-platform")).collect();
        assert_eq!(platforms, ["apple", "google", "outlook", "office"], "{id}");
        let hrefs: Vec<&str> = links.iter().map(|a| attr(*a, "href")).collect();
        assert_eq!(hrefs[0], webcal, "{id}");
        let google = hrefs[1];
        assert!(
            google.starts_with("https://calendar.google.com/calendar/r?cid="),
            "{google}"
        );
        assert_eq!(query(google, "cid"), webcal, "{id}");
        for (outlook, host) in [
            (hrefs[2], "outlook.live.com"),
            (hrefs[3], "outlook.office.com"),
        ] {
            assert!(
                outlook.starts_with(&format!("https://{host}/calendar/0/addfromweb?url=")),
                "{outlook}"
            );
            assert_eq!(query(outlook, "url"), https, "{id}");
            assert_eq!(
                query(outlook, "name"),
                feed["title"].as_str().unwrap(),
                "{id}"
            );
        }
        for href in &hrefs {
            // Well formed: parses, and nothing in it needs encoding still.
            url::Url::parse(href).unwrap_or_else(|e| panic!("{href}: {e}"));
            assert!(
                href.is_ascii() && !href.contains([' ', '"', '<', '>']),
                "{href}"
            );
        }
        let input = select(section, "input");
        assert_eq!(input.len(), 1, "{id}");
        assert_eq!(attr(input[0], "value"), https);
        assert!(input[0].value().attr("readonly").is_some());
        // The Copy button names the field it copies; the script shows it.
        let button = select(section, "button[data-copy]");
        assert_eq!(attr(button[0], "data-copy"), attr(input[0], "id"));
        assert!(button[0].value().attr("hidden").is_some());
    }
    // The head offers each feed as an alternate of the page.
    let alternates: Vec<&str> = select(root, "head link[rel=alternate][type='text/calendar']")
        .into_iter()
        .map(|l| attr(l, "href"))
        .collect();
    let urls: Vec<&str> = feeds.iter().map(|f| f["url"].as_str().unwrap()).collect();
    assert_eq!(alternates, urls);
}

/// The manifest describes the files on disk: hashes, event counts, and the
/// record of every file maintcal wrote but itself.
fn assert_manifest_matches_disk(out: &Path) {
    let manifest = manifest(out);
    assert_eq!(manifest["generator"], "maintcal");
    for feed in manifest["feeds"].as_array().unwrap() {
        let file = feed["file"].as_str().unwrap();
        let bytes = std::fs::read(out.join(file)).unwrap();
        assert_eq!(feed["sha256"], sha256_hex(&bytes), "{file}");
        assert_eq!(feed["bytes"], bytes.len(), "{file}");
        let events = parse_feed(&out.join(file)).len();
        assert_eq!(feed["events"], events, "{file}");
    }
    let mut recorded: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    recorded.sort();
    let mut on_disk: Vec<String> = published(out)
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name != "feeds.json")
        .collect();
    on_disk.sort();
    assert_eq!(recorded, on_disk);
}

/// The manifest without the values that change with every byte of a feed
/// (checked against the files instead), for a stable snapshot.
fn without_hashes(mut manifest: Value) -> String {
    for list in ["feeds", "files"] {
        for entry in manifest[list].as_array_mut().unwrap() {
            for key in ["sha256", "bytes"] {
                if entry.get(key).is_some() {
                    entry[key] = Value::String(format!("<{key}>"));
                }
            }
        }
    }
    serde_json::to_string_pretty(&manifest).unwrap()
}

#[test]
fn notice_page_and_manifest_snapshots() {
    let out = build_with(&notice(), &["--base-url", BASE]);
    insta::assert_snapshot!("notice_index_html", read(out.path(), "index.html"));
    insta::assert_snapshot!("notice_feeds_json", without_hashes(manifest(out.path())));
}

#[test]
fn notice_links_are_well_formed_and_encoded() {
    let out = build_with(&notice(), &["--base-url", BASE]);
    assert_subscribe_links(out.path());
    assert_manifest_matches_disk(out.path());
}

/// The text of the listed windows' `<time>`s and status badges.
fn listed(root: ElementRef) -> Vec<String> {
    select(root, "#windows ol.windows > li")
        .into_iter()
        .map(|li| {
            format!(
                "{} {}",
                text(select(li, ".when time")[0]),
                text(select(li, ".when .status")[0])
            )
        })
        .collect()
}

#[test]
fn notice_page_lists_each_window_once_with_the_groups_it_touches() {
    let out = build_with(&notice(), &["--base-url", BASE]);
    let page = Html::parse_document(&read(out.path(), "index.html"));
    let root = page.root_element();
    assert_eq!(attr(root, "lang"), "ja");
    let headings: Vec<String> = select(root, "details#groups .feed h3")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        headings,
        [
            "楽天市場",
            "RMS サービス",
            "WEB API サービス",
            "広告・アフィリエイト・楽天大学",
            "コミュニティ",
            "ポイントサービス",
            "楽天のメルマガ"
        ]
    );
    assert_eq!(
        listed(root),
        [
            "2020年5月17日(日) 02:00–08:45 確定",
            "2020年6月14日(日) 02:00–08:45 予定",
            "2020年7月12日(日) 02:00–08:45 予定"
        ]
    );
    let windows = select(root, "#windows ol.windows > li");
    // Each carries its instants, for the script to tell past from next.
    assert_eq!(attr(windows[0], "data-start"), "2020-05-16T17:00:00+00:00");
    assert_eq!(attr(windows[0], "data-end"), "2020-05-16T23:45:00+00:00");
    assert_eq!(attr(windows[0], "data-zone"), "Asia/Tokyo");
    let stops: Vec<String> = select(windows[0], "dt.stops + dd li")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        stops,
        [
            "楽天市場",
            "RMS サービス",
            "WEB API サービス",
            "コミュニティ"
        ]
    );
    let partly: Vec<String> = select(windows[0], "dt.partly + dd li")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(partly, ["RMS サービス"]);
    // Each links to its window's page, at its own date.
    let details: Vec<&str> = windows
        .iter()
        .map(|w| attr(select(*w, "a.details")[0], "href"))
        .collect();
    assert_eq!(
        details,
        [
            "rakuten-ichiba.2020-05-17.html#2020-05-17",
            "rakuten-ichiba.monthly.html#2020-06-14",
            "rakuten-ichiba.monthly.html#2020-07-12"
        ]
    );
    for href in details {
        let (file, anchor) = href.split_once('#').unwrap();
        let window = Html::parse_document(&read(out.path(), file));
        assert_eq!(
            select(window.root_element(), &format!("li[id='{anchor}']")).len(),
            1
        );
    }
}

/// The text of each cell of a table row.
fn cells(row: ElementRef) -> Vec<String> {
    select(row, "th, td").into_iter().map(text).collect()
}

#[test]
fn a_window_page_has_the_notices_whole_table_with_its_notes() {
    let out = build_with(&notice(), &["--base-url", BASE]);
    let html = read(out.path(), "rakuten-ichiba.2020-05-17.html");
    let page = Html::parse_document(&html);
    let root = page.root_element();
    assert_eq!(attr(root, "lang"), "ja");
    assert_eq!(text(select(root, "h1")[0]), "2020年5月17日(日)");
    let groups: Vec<String> = select(root, "section.group h2")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(groups.len(), 7, "{groups:?}");
    let rms = select(root, "section#group-rms")[0];
    let rows: Vec<Vec<String>> = select(rms, "tbody tr").into_iter().map(cells).collect();
    // In the notice's order: stops, partly stops and keeps running mixed.
    assert_eq!(rows[0][0], "RMS");
    assert_eq!(rows[0][1], "停止 02:00–08:45");
    assert!(
        rows[0][2].contains("・受注管理機能(楽天ペイ)"),
        "{:?}",
        rows[0]
    );
    assert_eq!(
        rows[1][..2],
        [
            "RMSアプリ",
            "一部停止 02:00–08:45（利用できない機能: 注文管理）"
        ]
    );
    assert_eq!(rows[2][..2], ["R-Loginメニュー", "停止しません"]);
    assert_eq!(
        rows[10][..2],
        ["海外販売サービス(店舗設定)", "停止 02:00–08:45"]
    );
    assert_eq!(rows.len(), 12);
    let api = select(root, "section#group-web-api")[0];
    let rows: Vec<Vec<String>> = select(api, "tbody tr").into_iter().map(cells).collect();
    let stock = rows.iter().find(|r| r[0] == "在庫API").unwrap();
    assert_eq!(stock[1], "停止しません");
    assert_eq!(
        stock[2],
        "在庫APIは、メンテナンス期間中もご利用いただけます。"
    );
    assert_eq!(rows.len(), 13);
    // Notes, the contact, the occurrence with its revision.
    assert!(html.contains("注文内容確認メール"), "the calendar's notes");
    assert!(html.contains("RMSコールセンター"), "the contact");
    let occurrence = select(root, "li[id='2020-05-17']")[0];
    assert!(
        text(occurrence).contains("第1版（2020年5月1日(金)更新）"),
        "{}",
        text(occurrence)
    );
}

#[test]
fn manifest_gives_each_feeds_next_window() {
    let out = build_with(&notice(), &["--base-url", BASE]);
    let manifest = manifest(out.path());
    assert_eq!(manifest["as_of"], "2020-05-01T10:00:00+09:00");
    let rms = manifest["feeds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "rms")
        .unwrap();
    assert_eq!(rms["name"], "RMS サービス");
    assert_eq!(rms["file"], "rms.ics");
    assert_eq!(rms["url"], "https://example.github.io/maintcal/rms.ics");
    assert_eq!(rms["next"]["start"], "2020-05-17T02:00:00+09:00");
    assert_eq!(rms["next"]["end"], "2020-05-17T08:45:00+09:00");
    assert_eq!(rms["next"]["status"], "confirmed");
}

#[test]
fn without_a_base_url_the_page_links_relatively_and_says_how_to_set_it() {
    let out = build(&notice());
    let page = Html::parse_document(&read(out.path(), "index.html"));
    let root = page.root_element();
    let note = text(select(root, "#no-base-url")[0]);
    assert!(
        note.contains("--base-url") && note.contains("base_url"),
        "{note}"
    );
    for section in select(root, "section.feed") {
        let id = attr(section, "id").strip_prefix("feed-").unwrap();
        let hrefs: Vec<&str> = select(section, "a")
            .into_iter()
            .map(|a| attr(a, "href"))
            .collect();
        assert_eq!(hrefs, [format!("{id}.ics")]);
        assert!(select(section, "input").is_empty());
    }
    let manifest = manifest(out.path());
    assert!(manifest["base_url"].is_null());
    assert!(manifest["feeds"][0]["url"].is_null());
    assert_manifest_matches_disk(out.path());
}

#[test]
fn markup_in_a_schedule_is_text_on_the_page_and_data_in_the_manifest() {
    // No --base-url: the schedule's own base_url is used.
    let out = build(&case("escaping"));
    let html = read(out.path(), "index.html");
    let page = Html::parse_document(&html);
    let root = page.root_element();
    // Nothing from the schedule became an element or an attribute.
    assert!(select(root, "img, iframe, b").is_empty(), "{html}");
    // One script, the site's own file, and no inline script or style: no
    // schedule text can reach either.
    let scripts = select(root, "script");
    assert_eq!(scripts.len(), 1);
    assert_eq!(scripts[0].value().attr("src"), Some("maintcal.js"));
    assert!(text(scripts[0]).is_empty());
    assert!(select(root, "style").is_empty(), "{html}");
    let sheets = select(root, "link[rel=stylesheet]");
    assert_eq!(sheets.len(), 1);
    assert_eq!(sheets[0].value().attr("href"), Some("maintcal.css"));
    for element in select(root, "*") {
        for (name, value) in element.value().attrs() {
            assert!(!name.starts_with("on"), "{name}={value}");
            assert!(!value.starts_with("javascript:"), "{name}={value}");
        }
    }
    // ... and reads exactly as written.
    let section = select(root, "section#feed-xss")[0];
    assert_eq!(text(select(section, "h3")[0]), "<script>alert(1)</script>");
    assert_eq!(
        text(select(section, "p")[0]),
        "\"><img src=x onerror=alert(2)>"
    );
    // The window's page: the service names and what is unavailable.
    let window = read(out.path(), "escaping.w1.html");
    let window_page = Html::parse_document(&window);
    let window_root = window_page.root_element();
    assert_eq!(
        select(window_root, "script").len(),
        1,
        "only the page's own"
    );
    assert!(select(window_root, "img, iframe, b").is_empty(), "{window}");
    let rows: Vec<Vec<String>> = select(window_root, "section#group-xss tbody tr")
        .into_iter()
        .map(cells)
        .collect();
    assert!(rows.iter().any(|r| r[0] == "<b>bold</b>"), "{rows:?}");
    assert!(
        rows.iter()
            .any(|r| r[1].ends_with("(unavailable: <style>body{display:none}</style>)")),
        "{rows:?}"
    );
    assert_eq!(
        text(select(root, "h1")[0]),
        "Ops & <Friends> \"quoted\" 'single'"
    );
    assert!(!html.contains("<script>alert"), "{html}");

    let manifest = manifest(out.path());
    let feed = manifest["feeds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "xss")
        .unwrap();
    assert_eq!(feed["name"], "<script>alert(1)</script>");
    assert_eq!(
        feed["title"],
        "Ops & <Friends> \"quoted\" 'single' – <script>alert(1)</script>"
    );
    assert_eq!(manifest["base_url"], "https://status.example.com/feeds/");
    assert_subscribe_links(out.path());
    assert_manifest_matches_disk(out.path());
}

#[test]
fn english_page_lists_what_is_next_after_the_newest_revision() {
    // The features fixture's newest `revised` is 2021-04-01 (Tokyo): the
    // 2021-03-20 night window is past, the moved and the cancelled
    // occurrences of `monthly` come next, then `quarterly`, which reuses
    // its impact.
    let out = build_with(&case("features"), &["--base-url", BASE]);
    let page = Html::parse_document(&read(out.path(), "index.html"));
    let root = page.root_element();
    assert_eq!(attr(root, "lang"), "en");
    assert_eq!(
        listed(root),
        [
            "Sun 18 April 2021 03:00–07:00 Confirmed",
            "Sun 30 May 2021 02:00–06:00 Cancelled",
            "Sun 27 June 2021 02:00–06:00 Tentative",
            "Sun 31 October 2021 01:00–02:30 Confirmed"
        ]
    );
    // A service's own hours, on its window's page, beside the window's.
    let night = Html::parse_document(&read(out.path(), "example-ops.night.html"));
    let rows: Vec<Vec<String>> = select(night.root_element(), "section#group-db tbody tr")
        .into_iter()
        .map(cells)
        .collect();
    // The window starts at 23:00: its own hours are the next day's.
    assert_eq!(rows[0][..2], ["primary", "Stops 00:00–02:00 (next day)"]);
    assert_eq!(rows[0][2], "Failover to the replica.");
    assert_eq!(rows[1][..2], ["replica", "Stops 23:00–03:00 (next day)"]);
    assert_eq!(rows[2][..2], ["backup", "Keeps running"]);
    // The moved occurrence says where from; the page of its window, too.
    let first = select(root, "#windows ol.windows > li")[0];
    assert_eq!(
        text(select(first, ".changes")[0]),
        "moved from Sun 25 April 2021 / usually 02:00–06:00"
    );
    assert_subscribe_links(out.path());
}

#[test]
fn old_windows_leave_the_feeds_and_list_past_the_horizon() {
    let schedules = case("horizon");
    let out = build(&schedules);
    let uids: Vec<String> = parse_feed(&out.path().join("app.ics"))
        .into_iter()
        .map(|e| e.uid)
        .collect();
    assert_eq!(
        uids,
        [
            "straddling.app@horizon.maintcal",
            "recent.app@horizon.maintcal",
            "next.app@horizon.maintcal"
        ]
    );
    let (result, stdout, _) = run(&["list", "--json", "--schedules", schedules.to_str().unwrap()]);
    result.unwrap();
    let rows: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    assert!(
        rows.iter()
            .all(|r| r["window"] != "old" && r["window"] != "old-series")
    );
    assert_eq!(rows.len(), 12 + 1 + 1);
    // Only the window after the newest revision is "next".
    let manifest = manifest(out.path());
    let app = &manifest["feeds"][1];
    assert_eq!(app["id"], "app");
    assert_eq!(app["next"]["window"], "next");
    assert_eq!(app["next"]["start"], "2020-07-05T01:00:00-04:00");
    let page = Html::parse_document(&read(out.path(), "index.html"));
    assert_eq!(
        select(page.root_element(), "#windows ol.windows > li").len(),
        1
    );
}

/// A schedule with `windows` daily one-off windows from `first`, each with a
/// long note, and `revised` as its newest revision. Generated: a feed over
/// 1 MB is too big to keep as a fixture.
fn long_schedule(dir: &Path, windows: usize, first: &str, revised: &str, keep: u32) {
    let mut text = format!(
        "[calendar]\nid = \"big\"\nname = \"Big\"\ntimezone = \"UTC\"\nlanguage = \"en\"\nkeep_past_months = {keep}\nnotes = [\"{}\"]\n\n[groups.big]\nname = \"Big\"\nservices = [\"s\"]\n",
        // Calendar notes go into every event: large feeds from a small
        // schedule.
        "Long note. ".repeat(100)
    );
    let first = chrono::NaiveDate::parse_from_str(first, "%Y-%m-%d").unwrap();
    let note = "Short note.";
    for day in 0..windows {
        let date = first + chrono::Days::new(day as u64);
        text.push_str(&format!(
            "\n[windows.w{day}]\ndate = {date}\nstart = 01:00\nend = 02:00\nstatus = \"confirmed\"\nrevised = {revised}\nnotes = [\"{note}\"]\n\n[windows.w{day}.impact.big]\nstops = [\"s\"]\n"
        ));
    }
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("big.toml"), text).unwrap();
}

#[test]
fn a_feed_over_1_mb_gets_a_warning_and_the_horizon_keeps_it_small() {
    let root = tempfile::tempdir().unwrap();
    let (schedules, out) = (root.path().join("schedules"), root.path().join("out"));
    // 900 upcoming windows: nothing is past, nothing can be dropped.
    long_schedule(&schedules, 900, "2030-01-01", "2029-12-01T00:00:00Z", 24);
    let (result, _, stderr) = build_into(&schedules, &out, &[]);
    result.unwrap();
    let size = std::fs::metadata(out.join("big.ics")).unwrap().len();
    assert!(size > 1_000_000, "{size}");
    let warning = format!(
        "warning: {} is {size} bytes: Google Calendar refuses subscriptions over about 1 MB",
        out.join("big.ics").display()
    );
    assert!(stderr.contains(&warning), "{stderr}");
    assert!(stderr.contains("all.ics is"), "{stderr}");
    assert!(!stderr.contains("index.html"), "{stderr}");

    // The same windows, all more than keep_past_months before the newest
    // revision: they leave the feed, and the warning goes with them.
    long_schedule(&schedules, 900, "2000-01-01", "2010-01-01T00:00:00Z", 24);
    let (result, _, stderr) = build_into(&schedules, &out, &[]);
    result.unwrap();
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(parse_feed(&out.join("big.ics")).is_empty());
}

#[test]
fn bad_publishing_settings_are_diagnosed_at_their_place() {
    let schedules = case("bad-publish-settings");
    let (result, _, stderr) = run(&["check", "--schedules", schedules.to_str().unwrap()]);
    assert!(result.is_err());
    for expected in [
        "error: `https://example.com/feeds?x=1` is not a usable base URL: it must not have a query (?…) or a fragment (#…)",
        "a.toml:8:12",
        "error: keep_past_months must be at most 1200 (100 years)",
        "a.toml:9:20",
        "error: base_url `https://status.example.org/` differs from `https://example.com/feeds/` in ",
        "c.toml:7:12",
    ] {
        assert!(stderr.contains(expected), "{expected} in:\n{stderr}");
    }
}

#[test]
fn a_bad_base_url_option_is_a_usage_error() {
    use clap::Parser;
    let error = internals::Cli::try_parse_from([
        "maintcal",
        "build",
        "--base-url",
        "webcal://example.com/",
    ])
    .unwrap_err();
    assert_eq!(error.exit_code(), 2);
    let message = error.to_string();
    assert!(
        message.contains("invalid value 'webcal://example.com/' for '--base-url <URL>': it must start with https:// (or http://)"),
        "{message}"
    );
}

#[test]
fn a_feed_address_too_long_for_google_gets_a_warning() {
    // The notice's longest feed address under BASE is short: no warning.
    let out = tempfile::tempdir().unwrap();
    let (result, _, stderr) = build_into(notice(), out.path(), &["--base-url", BASE]);
    result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
    assert!(!stderr.contains("characters"), "{stderr}");
    // A base URL of 250 characters: every feed's webcal:// address is over
    // 256, and each is named with its length.
    let long = format!("https://example.github.io/{}/", "m".repeat(250 - 27));
    assert_eq!(long.len(), 250);
    let out = tempfile::tempdir().unwrap();
    let (result, _, stderr) = build_into(notice(), out.path(), &["--base-url", &long]);
    result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
    let feeds: Vec<String> = published(out.path())
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".ics"))
        .collect();
    assert!(feeds.len() >= 2, "{feeds:?}");
    for feed in &feeds {
        // "webcal://" + the base without "https://" + the file name.
        let length = 9 + (250 - 8) + feed.len();
        assert!(
            stderr.contains(&format!(
                "warning: the address of feed {feed} is {length} characters (webcal://example.github.io/mmm"
            )),
            "{feed}: {stderr}"
        );
    }
    assert_eq!(
        stderr.matches("Google Calendar silently fails").count(),
        feeds.len()
    );
}

#[test]
fn every_page_is_html_without_a_parse_error() {
    for (case, args) in [
        (notice(), &["--base-url", BASE][..]),
        (notice(), &[][..]),
        (case("features"), &["--base-url", BASE][..]),
        (case("escaping"), &[][..]),
        // Two windows on one date: their ids on the index must differ.
        (case("overlap"), &[][..]),
    ] {
        let out = build_with(&case, args);
        let pages: Vec<String> = files(out.path())
            .into_iter()
            .map(|(name, _)| name)
            .filter(|name| name.ends_with(".html"))
            .collect();
        assert!(pages.len() > 1, "{pages:?}");
        for name in pages {
            let html = read(out.path(), &name);
            let page = Html::parse_document(&html);
            // html5ever reports what the HTML standard calls parse errors
            // (a missing doctype, stray end tags, bad attributes, …).
            assert!(page.errors.is_empty(), "{name}: {:?}", page.errors);
            assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\""), "{name}");
            // Ids are unique on each page: the anchors the feeds link to.
            let ids: Vec<&str> = select(page.root_element(), "[id]")
                .into_iter()
                .map(|e| attr(e, "id"))
                .collect();
            let mut unique = ids.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), ids.len(), "{name}: {ids:?}");
        }
    }
}

#[test]
fn as_of_moves_now_forward_only_and_the_bytes_follow_the_option_not_the_clock() {
    // 1 June 2020: the notice's first window has ended.
    let out = build_with(&notice(), &["--base-url", BASE, "--as-of", "2020-06-01"]);
    let page = Html::parse_document(&read(out.path(), "index.html"));
    assert_eq!(
        listed(page.root_element()),
        [
            "2020年6月14日(日) 02:00–08:45 予定",
            "2020年7月12日(日) 02:00–08:45 予定"
        ]
    );
    let manifest = manifest(out.path());
    assert_eq!(manifest["as_of"], "2020-06-01T09:00:00+09:00");
    let rms = &manifest["feeds"][1];
    assert_eq!(rms["next"]["start"], "2020-06-14T02:00:00+09:00");
    // The same option twice: the same bytes.
    let again = build_with(
        &notice(),
        &["--base-url", BASE, "--as-of", "2020-06-01T00:00:00Z"],
    );
    assert_eq!(files(out.path()), files(again.path()));
    // Earlier than the newest `revised`: the schedules' own "now" stands.
    let early = build_with(&notice(), &["--base-url", BASE, "--as-of", "2019-01-01"]);
    let plain = build_with(&notice(), &["--base-url", BASE]);
    assert_eq!(files(early.path()), files(plain.path()));
    // Not a date: a usage error that shows both forms.
    use clap::Parser;
    let error =
        internals::Cli::try_parse_from(["maintcal", "build", "--as-of", "tomorrow"]).unwrap_err();
    assert_eq!(error.exit_code(), 2);
    let message = error.to_string();
    assert!(message.contains("2026-05-17T09:00:00Z"), "{message}");
}

/// Each VEVENT's UID and URL, from a feed's unfolded lines.
fn event_urls(feed: &Path) -> Vec<(String, Option<String>)> {
    let text = std::fs::read_to_string(feed).unwrap().replace("\r\n ", "");
    text.split("BEGIN:VEVENT")
        .skip(1)
        .map(|event| {
            let field = |name: &str| {
                event
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .map(str::to_owned)
            };
            (field("UID:").unwrap(), field("URL:"))
        })
        .collect()
}

#[test]
fn every_event_links_to_its_windows_page_when_the_address_is_known() {
    let out = build_with(&notice(), &["--base-url", BASE]);
    for feed in ["all.ics", "rms.ics", "points.ics"] {
        let urls = event_urls(&out.path().join(feed));
        assert_eq!(urls.len(), 2, "{feed}");
        for (uid, url) in urls {
            let url = url.unwrap_or_else(|| panic!("{feed}: {uid} has no URL"));
            let expected = if uid.starts_with("2020-05-17.") {
                format!("{BASE}rakuten-ichiba.2020-05-17.html#2020-05-17")
            } else {
                // The series stands for every occurrence: the page itself.
                format!("{BASE}rakuten-ichiba.monthly.html")
            };
            assert_eq!(url, expected, "{feed}: {uid}");
        }
    }
    // An override links to its own occurrence, which its page anchors.
    let out = build_with(&case("features"), &["--base-url", BASE]);
    let urls = event_urls(&out.path().join("db.ics"));
    let moved = urls
        .iter()
        .filter_map(|(_, url)| url.as_deref())
        .find(|url| url.ends_with("monthly.html#2021-04-25"))
        .expect("the moved occurrence's URL");
    let page = read(
        out.path(),
        moved.strip_prefix(BASE).unwrap().split('#').next().unwrap(),
    );
    let page = Html::parse_document(&page);
    let occurrence = select(page.root_element(), "li[id='2021-04-25']")[0];
    assert!(
        text(occurrence).contains("moved from Sun 25 April 2021"),
        "{}",
        text(occurrence)
    );
    // Without an address there is no page to link to.
    let out = build(&notice());
    assert!(
        event_urls(&out.path().join("all.ics"))
            .iter()
            .all(|(_, url)| url.is_none())
    );
}

/// `window_pages = false`: no page per window, so no event, index entry or
/// notice links to one; the events link to the calendar's own `url`.
#[test]
fn a_calendar_without_window_pages_writes_none_and_links_to_none() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["eu.toml", "us.toml"] {
        let text = std::fs::read_to_string(case("english-saas").join(name)).unwrap();
        let text = text.replacen("[calendar]\n", "[calendar]\nwindow_pages = false\n", 1);
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let out = build_with(dir.path(), &["--base-url", "https://status.example/m/"]);
    let names: Vec<String> = files(out.path()).into_iter().map(|(n, _)| n).collect();
    assert!(
        names
            .iter()
            .all(|n| !n.ends_with(".html") || n == "index.html"),
        "{names:?}"
    );
    let all = read(out.path(), "all.ics");
    let urls: std::collections::BTreeSet<&str> = all
        .lines()
        .filter_map(|line| line.strip_prefix("URL:"))
        .collect();
    // Only the US calendar gives a `url`; none links to a window's page.
    assert_eq!(
        urls.into_iter().collect::<Vec<_>>(),
        ["https://status.acme.example/maintenance"]
    );
    let index = read(out.path(), "index.html");
    assert!(!index.contains("class=\"details\""), "{index}");
    let atom = read(out.path(), "notices.atom");
    assert!(
        !atom.contains(".html#") && atom.contains("https://status.example/m/index.html"),
        "{atom}"
    );
}
