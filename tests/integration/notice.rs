//! The 2020-05-17 notice (tests/cases/notice/, a copy of the schedule the
//! project started with): the facts of the 2020-05-17 notice must
//! reach the feeds. Expected instants are written out by hand.

use crate::support::*;

fn feed(name: &str) -> Vec<ParsedEvent> {
    let out = build(&notice());
    parse_feed(&out.path().join(name))
}

/// The part of a description between a heading and the next heading.
fn section<'a>(description: &'a str, heading: &str) -> &'a str {
    let start = description
        .find(&format!("{heading}:\n"))
        .unwrap_or_else(|| panic!("no `{heading}` in:\n{description}"));
    let rest = &description[start + heading.len() + 2..];
    let end = rest
        .find(":\n")
        .map_or(rest.len(), |colon| rest[..colon].rfind('\n').unwrap_or(0));
    &rest[..end]
}

#[test]
fn writes_one_feed_per_group_and_all_and_the_page_and_manifest() {
    let out = build(&notice());
    let mut names: Vec<String> = published(out.path())
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "ads.ics",
            "all.ics",
            "community.ics",
            "feeds.json",
            "ichiba.ics",
            "index.html",
            "mail-magazine.ics",
            "maintcal.css",
            "maintcal.js",
            "notices.atom",
            "points.ics",
            "rakuten-ichiba.2020-05-17.html",
            "rakuten-ichiba.monthly.html",
            "rms.ics",
            "web-api.ics"
        ]
    );
}

#[test]
fn rms_window_runs_1700z_to_2345z_and_stops_order_management() {
    let events = feed("rms.ics");
    let window = events
        .iter()
        .find(|e| e.dtstart.1 == "20200517T020000")
        .expect("an event starting 2020-05-17 02:00");
    assert_eq!(window.dtstart.0, "Asia/Tokyo");
    assert_eq!(instant(&window.dtstart), utc("2020-05-16T17:00:00Z"));
    assert_eq!(instant(&window.dtend), utc("2020-05-16T23:45:00Z"));
    assert_eq!(window.status, "CONFIRMED");
    assert_eq!(window.transp, "OPAQUE");
    let stops = section(&window.description, "停止するサービス");
    assert!(stops.contains("受注管理機能"), "{stops}");
    assert!(stops.contains("海外販売サービス(店舗設定)"), "{stops}");
    let partly = section(&window.description, "一部停止するサービス");
    assert!(
        partly.contains("RMSアプリ") && partly.contains("注文管理"),
        "{partly}"
    );
    let runs = section(&window.description, "停止しないサービス");
    assert!(runs.contains("R-Loginメニュー"), "{runs}");
    assert!(
        window.summary.contains("RMS サービス"),
        "{}",
        window.summary
    );
    assert!(window.summary.contains("停止"), "{}", window.summary);
    assert!(
        window.description.contains("050-5533-1899"),
        "{}",
        window.description
    );
}

#[test]
fn web_api_stops_the_order_api_but_not_the_inventory_api() {
    let events = feed("web-api.ics");
    let window = events
        .iter()
        .find(|e| e.dtstart.1 == "20200517T020000")
        .unwrap();
    let stops = section(&window.description, "停止するサービス");
    let runs = section(&window.description, "停止しないサービス");
    assert!(stops.contains("・受注API\n"), "{stops}");
    assert!(stops.contains("システムイベント通知サービス"), "{stops}");
    assert!(runs.contains("・在庫API\n"), "{runs}");
    assert!(!stops.contains("在庫API"), "{stops}");
    assert!(
        window.description.contains("最大500件"),
        "{}",
        window.description
    );
}

#[test]
fn points_feed_has_nothing_that_stops() {
    let events = feed("points.ics");
    assert!(!events.is_empty());
    for event in &events {
        assert_eq!(event.transp, "TRANSPARENT", "{event:?}");
        assert!(
            !event.description.contains("停止するサービス:"),
            "{}",
            event.description
        );
        assert!(event.summary.contains("停止なし"), "{}", event.summary);
        assert!(
            event.description.contains("ポイント付与"),
            "{}",
            event.description
        );
    }
}

#[test]
fn june_and_july_windows_are_tentative_second_sundays() {
    for name in ["rms.ics", "all.ics", "points.ics"] {
        let instances = expand_feed(&feed(name));
        let planned: Vec<(String, String)> = instances
            .iter()
            .filter(|i| i.start > utc("2020-06-01T00:00:00Z"))
            .map(|i| (i.start.to_rfc3339(), i.status.clone()))
            .collect();
        assert_eq!(
            planned,
            [
                (
                    "2020-06-13T17:00:00+00:00".to_owned(),
                    "TENTATIVE".to_owned()
                ),
                (
                    "2020-07-11T17:00:00+00:00".to_owned(),
                    "TENTATIVE".to_owned()
                ),
            ],
            "{name}"
        );
    }
    let events = feed("rms.ics");
    let series = events.iter().find(|e| e.rrule.is_some()).unwrap();
    assert!(series.rrule.as_deref().unwrap().contains("BYDAY=2SU"));
    assert!(series.summary.starts_with("【予定】"), "{}", series.summary);
    // The planned windows repeat 2020-05-17's impact list.
    assert!(section(&series.description, "停止するサービス").contains("受注管理機能"));
}

#[test]
fn all_feed_has_one_event_per_window_listing_every_group() {
    let events = feed("all.ics");
    assert_eq!(events.len(), 2, "one-off and the monthly series");
    let window = events
        .iter()
        .find(|e| e.dtstart.1 == "20200517T020000")
        .unwrap();
    for group in [
        "◆楽天市場",
        "◆RMS サービス",
        "◆WEB API サービス",
        "◆広告・アフィリエイト・楽天大学",
        "◆コミュニティ",
        "◆ポイントサービス",
        "◆楽天のメルマガ",
    ] {
        assert!(window.description.contains(group), "{group} missing");
    }
}

#[test]
fn uids_are_derived_from_ids_and_no_event_has_rdate() {
    let events = feed("rms.ics");
    let uids: Vec<&str> = events.iter().map(|e| e.uid.as_str()).collect();
    assert_eq!(
        uids,
        [
            "2020-05-17.rms@rakuten-ichiba.maintcal",
            "monthly.rms@rakuten-ichiba.maintcal"
        ]
    );
    assert!(events.iter().all(|e| !e.has_rdate));
}
