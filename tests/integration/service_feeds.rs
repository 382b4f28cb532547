//! Feeds of one service (`service_feeds`) and the feed of notices
//! (`notices.atom`), on the `service-feeds` fixture: what a subscriber to one
//! service gets, read back by a calendar client's parser and expander; what
//! a feed reader gets, read back by feed-rs (a parser maintcal does not use
//! to write); where the page and the manifest list them; and the errors of
//! a bad `service_feeds`.

use crate::support::internals::check_stream;
use crate::support::*;
use std::collections::BTreeSet;
use std::path::Path;

const BASE: &str = "https://example.github.io/shop/";

fn instances(out: &Path, file: &str) -> Vec<Instance> {
    expand_feed(&parse_feed(&out.join(file)))
}

#[test]
fn each_opted_in_service_gets_a_feed_beside_its_group() {
    let out = build(&case("service-feeds"));
    let names: Vec<String> = files(out.path()).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "all.ics",
            "api.ics",
            "api.inventory.ics",
            "api.order-api.ics",
            "example-shop.2020-05-17.html",
            "example-shop.monthly.html",
            "example-shop.night.html",
            "feeds.json",
            "index.html",
            "maintcal.css",
            "maintcal.js",
            "notices.atom",
            "storefront.cart.ics",
            "storefront.ics",
            "storefront.order-history.ics",
            "storefront.top-page.ics",
        ]
    );
    // Not opted in: no service feed of `Event notifications`.
    for (name, bytes) in files(out.path()) {
        if name.ends_with(".ics") {
            let text = String::from_utf8(bytes).unwrap();
            check_stream(&text).unwrap_or_else(|p| panic!("{name}: {p:?}"));
        }
    }
}

#[test]
fn a_service_feed_holds_the_windows_that_stop_or_partly_stop_it() {
    let out = build(&case("service-feeds"));
    // Order API stops on 2020-05-17 and in every monthly window (one of
    // them moved to 2020-10-18 03:00); it keeps running in none.
    let order = instances(out.path(), "api.order-api.ics");
    let starts: Vec<String> = order.iter().map(|i| i.start.to_rfc3339()).collect();
    assert_eq!(
        starts,
        [
            "2020-05-16T17:00:00+00:00",
            "2020-06-13T17:00:00+00:00",
            "2020-07-11T17:00:00+00:00",
            // 2020-08-09 is skipped.
            "2020-09-12T17:00:00+00:00",
            "2020-10-17T18:00:00+00:00",
            "2020-11-07T17:00:00+00:00",
            "2020-12-12T17:00:00+00:00",
        ]
    );
    // 在庫API partly stops on 2020-05-17 04:00–06:00 only (it keeps running in
    // the monthly windows, `rest = "runs"`): its own hours, not the window's.
    let inventory = instances(out.path(), "api.inventory.ics");
    assert_eq!(inventory.len(), 1, "{inventory:?}");
    assert_eq!(inventory[0].start, utc("2020-05-16T19:00:00Z"));
    assert_eq!(inventory[0].end, utc("2020-05-16T21:00:00Z"));
    // Top page keeps running whenever it is named: an empty feed.
    assert!(instances(out.path(), "storefront.top-page.ics").is_empty());
    // The cancelled night stays cancelled, over Cart's own hours, in the
    // form every feed gives a cancelled occurrence: a free event titled as
    // cancelled, with no STATUS (README, "What each client shows").
    let cart = instances(out.path(), "storefront.cart.ics");
    assert_eq!(cart.len(), 1, "{cart:?}");
    assert_eq!(cart[0].status, "");
    let text = std::fs::read_to_string(out.path().join("storefront.cart.ics")).unwrap();
    assert!(text.contains("TRANSP:TRANSPARENT\r\n"), "{text}");
    assert!(text.contains("SUMMARY:[Cancelled] "), "{text}");
    assert_eq!(cart[0].start, utc("2020-07-04T16:00:00Z"));
    assert_eq!(cart[0].end, utc("2020-07-04T17:30:00Z"));

    // Every instance of a service's feed is one of the group feed's (same
    // start, end and status), under a UID of its own.
    for (group, service) in [
        ("api", "api.order-api.ics"),
        ("api", "api.inventory.ics"),
        ("storefront", "storefront.cart.ics"),
        ("storefront", "storefront.order-history.ics"),
    ] {
        let group_instances = instances(out.path(), &format!("{group}.ics"));
        let group_uids: BTreeSet<&str> = group_instances.iter().map(|i| i.uid.as_str()).collect();
        for instance in instances(out.path(), service) {
            assert!(
                group_instances.iter().any(|g| (g.start, g.end, &g.status)
                    == (instance.start, instance.end, &instance.status)),
                "{service}: {instance:?} is not in {group}.ics"
            );
            assert!(!group_uids.contains(instance.uid.as_str()), "{instance:?}");
        }
    }
    let events = parse_feed(&out.path().join("api.order-api.ics"));
    assert_eq!(
        events[0].uid,
        "2020-05-17.api.order-api@example-shop.maintcal"
    );
    assert_eq!(
        events[0].summary,
        "Order API Scheduled maintenance: stops 02:00–08:45"
    );
    assert!(
        events[0]
            .description
            .starts_with("Stops:\n- Order API\n  Fetch orders again after the window.\n"),
        "{}",
        events[0].description
    );
}

#[test]
fn the_page_and_the_manifest_list_service_feeds_under_their_group() {
    let out = build_with(&case("service-feeds"), &["--base-url", BASE]);
    let html = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    let page = scraper::Html::parse_document(&html);
    let select = |css: &str| scraper::Selector::parse(css).unwrap();
    let listed: Vec<String> = page
        .select(&select("section#feed-api section.service input[type=url]"))
        .map(|a| a.value().attr("value").unwrap().to_owned())
        .collect();
    assert_eq!(
        listed,
        [
            format!("{BASE}api.order-api.ics"),
            format!("{BASE}api.inventory.ics")
        ]
    );
    // Each with every platform's link, under its group's heading.
    let inventory = page
        .select(&select("section#feed-api section.service"))
        .nth(1)
        .unwrap();
    assert_eq!(
        inventory
            .select(&select("h5"))
            .next()
            .unwrap()
            .text()
            .collect::<String>(),
        "在庫API"
    );
    assert_eq!(inventory.select(&select(".platforms a")).count(), 4);
    // No group section of their own: all, storefront and api.
    assert_eq!(
        page.select(&select("section.feed:not(.service)")).count(),
        2
    );
    assert_eq!(page.select(&select("div.feed.all")).count(), 1);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("feeds.json")).unwrap()).unwrap();
    let feeds = manifest["feeds"].as_array().unwrap();
    let ids: Vec<&str> = feeds.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "all",
            "storefront",
            "storefront.top-page",
            "storefront.cart",
            "storefront.order-history",
            "api",
            "api.order-api",
            "api.inventory"
        ]
    );
    let inventory = &feeds[7];
    assert_eq!(inventory["name"], "在庫API");
    assert_eq!(inventory["group"], "api");
    assert_eq!(inventory["url"], format!("{BASE}api.inventory.ics"));
    // "Now" is the newest `revised` (2020-09-01): 在庫API's only window is past,
    // Order API's next is the monthly one on 2020-09-13.
    assert!(inventory["next"].is_null(), "{inventory}");
    assert_eq!(feeds[6]["next"]["window"], "monthly");
    assert_eq!(feeds[6]["next"]["start"], "2020-09-13T02:00:00+09:00");
    assert!(feeds[1].get("group").is_none());
    // The manifest's record owns every file, so a later build may remove one.
    let owned: Vec<&str> = (manifest["files"].as_array().unwrap().iter())
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(owned.contains(&"storefront.cart.ics"), "{owned:?}");
    assert!(owned.contains(&"notices.atom"), "{owned:?}");
}

#[test]
fn a_service_feeds_next_window_is_its_own_hours() {
    // "Now" before the night window (2020-06-20, its own revision): Cart's
    // next is the night's 01:00–02:30, not the window's 23:00.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(case("service-feeds").join("shop.toml")).unwrap();
    std::fs::write(
        dir.path().join("shop.toml"),
        text.replace(
            "revised = 2020-09-01T10:00:00+09:00",
            "revised = 2020-05-01T10:00:00+09:00",
        ),
    )
    .unwrap();
    let out = build(dir.path());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("feeds.json")).unwrap()).unwrap();
    let cart = (manifest["feeds"].as_array().unwrap().iter())
        .find(|f| f["id"] == "storefront.cart")
        .unwrap();
    assert_eq!(cart["next"]["window"], "night");
    assert_eq!(cart["next"]["start"], "2020-07-05T01:00:00+09:00");
    assert_eq!(cart["next"]["end"], "2020-07-05T02:30:00+09:00");
    assert_eq!(cart["next"]["status"], "cancelled");
}

#[test]
fn a_service_feed_no_longer_wanted_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let schedules = dir.path().join("schedules");
    std::fs::create_dir(&schedules).unwrap();
    let text = std::fs::read_to_string(case("service-feeds").join("shop.toml")).unwrap();
    std::fs::write(schedules.join("shop.toml"), &text).unwrap();
    let out = dir.path().join("out");
    let (result, _, err) = build_into(&schedules, &out, &[]);
    result.unwrap_or_else(|e| panic!("{e:#}\n{err}"));
    assert!(out.join("storefront.cart.ics").exists());
    std::fs::write(
        schedules.join("shop.toml"),
        text.replace("service_feeds = true\n", ""),
    )
    .unwrap();
    let (result, stdout, err) = build_into(&schedules, &out, &[]);
    result.unwrap_or_else(|e| panic!("{e:#}\n{err}"));
    assert!(!out.join("storefront.cart.ics").exists());
    assert!(
        stdout.contains("storefront.cart.ics  removed (no longer produced)"),
        "{stdout}"
    );
    assert!(out.join("api.order-api.ics").exists());
}

#[test]
fn every_notice_reads_back_with_feed_rs() {
    let out = build_with(&case("service-feeds"), &["--base-url", BASE]);
    let bytes = std::fs::read(out.path().join("notices.atom")).unwrap();
    let feed = feed_rs::parser::parse(bytes.as_slice()).expect("feed-rs reads notices.atom");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(
        feed.title.unwrap().content,
        "Example Shop maintenance – notices"
    );
    // The newest entry's `revised`, not the time of the build.
    assert_eq!(feed.updated, Some(utc("2020-09-01T01:00:00Z")));
    // One per window, and one for the changed occurrence; newest first.
    let entries: Vec<(String, String, Option<String>)> = feed
        .entries
        .iter()
        .map(|e| {
            (
                e.updated.unwrap().to_rfc3339(),
                e.title.as_ref().unwrap().content.clone(),
                e.links.first().map(|l| l.href.clone()),
            )
        })
        .collect();
    let s = |v: &str| v.to_owned();
    assert_eq!(
        entries,
        [
            (
                s("2020-09-01T01:00:00+00:00"),
                s("Sun 18 October 2020 Example Shop maintenance: stops 03:00–08:45"),
                Some(format!("{BASE}example-shop.monthly.html#2020-10-11")),
            ),
            (
                s("2020-06-20T00:00:00+00:00"),
                s(
                    "Sat 4 July 2020 [Cancelled] Example Shop maintenance: stops 23:00–03:00 (next day)"
                ),
                Some(format!("{BASE}example-shop.night.html")),
            ),
            (
                s("2020-05-01T01:00:00+00:00"),
                s("Sun 17 May 2020 Example Shop maintenance: stops 02:00–08:45"),
                Some(format!("{BASE}example-shop.2020-05-17.html")),
            ),
            (
                s("2020-05-01T01:00:00+00:00"),
                s(
                    "Sun 14 June 2020 – Sun 13 December 2020 [Tentative] Example Shop maintenance: stops 02:00–08:45"
                ),
                Some(format!("{BASE}example-shop.monthly.html")),
            ),
        ]
    );
    let ids: BTreeSet<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), 4);
    assert!(ids.iter().all(|id| id.starts_with("urn:uuid:")), "{ids:?}");
    // The content is the `all` feed's description of the window.
    let may = feed.entries[2]
        .content
        .as_ref()
        .unwrap()
        .body
        .clone()
        .unwrap();
    let all = parse_feed(&out.path().join("all.ics"));
    let event = all
        .iter()
        .find(|e| e.uid == "2020-05-17.all@example-shop.maintcal")
        .unwrap();
    assert!(
        may.starts_with("[Storefront]\nStops:\n- Order history\n"),
        "{may}"
    );
    assert!(
        event
            .description
            .ends_with(&may[may.find("\nHours:").unwrap()..])
    );
    let series = feed.entries[3]
        .content
        .as_ref()
        .unwrap()
        .body
        .clone()
        .unwrap();
    assert!(
        series.ends_with("Dates:\n- Sun 14 June 2020 02:00–08:45\n- Sun 12 July 2020 02:00–08:45\n- Sun 13 September 2020 02:00–08:45\n- Sun 18 October 2020 03:00–08:45\n- Sun 8 November 2020 02:00–08:45\n- Sun 13 December 2020 02:00–08:45"),
        "{series}"
    );
    // The page announces it.
    let html = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    let page = scraper::Html::parse_document(&html);
    let select = |css: &str| scraper::Selector::parse(css).unwrap();
    let alternates: Vec<&str> = page
        .select(&select(
            "head link[rel=alternate][type=\"application/atom+xml\"]",
        ))
        .map(|l| l.value().attr("href").unwrap())
        .collect();
    assert_eq!(alternates, [format!("{BASE}notices.atom")]);
}

#[test]
fn notice_ids_and_dates_survive_a_revision_and_a_base_url() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(case("service-feeds").join("shop.toml")).unwrap();
    let read = |text: &str, extra: &[&str]| {
        let schedules = dir.path().join(format!("s{}", extra.len()));
        std::fs::create_dir_all(&schedules).unwrap();
        std::fs::write(schedules.join("shop.toml"), text).unwrap();
        let out = build_with(&schedules, extra);
        let bytes = std::fs::read(out.path().join("notices.atom")).unwrap();
        let feed = feed_rs::parser::parse(bytes.as_slice()).unwrap();
        (feed.entries.iter())
            .map(|e| (e.id.clone(), e.updated.unwrap(), e.links[0].href.clone()))
            .collect::<Vec<_>>()
    };
    let before = read(&text, &[]);
    // Without a base URL the links are relative to the feed: the window's
    // page beside it, at the changed occurrence (rule date 11 October).
    assert_eq!(before[0].2, "example-shop.monthly.html#2020-10-11");
    let with_base = read(&text, &["--base-url", BASE]);
    assert_eq!(
        before.iter().map(|e| &e.0).collect::<Vec<_>>(),
        with_base.iter().map(|e| &e.0).collect::<Vec<_>>()
    );
    // Revising the one-off window moves it to the top, same id, new date.
    let revised = text.replace(
        "revised = 2020-05-01T10:00:00+09:00\nrevision = 1\nnotes",
        "revised = 2020-10-01T10:00:00+09:00\nrevision = 2\nnotes",
    );
    let after = read(&revised, &[]);
    assert_eq!(after[0].0, before[2].0);
    assert_eq!(after[0].1, utc("2020-10-01T01:00:00Z"));
}

fn check_error(schedule_tail: &str, group: &str) -> String {
    let base = "[calendar]\nid = \"c\"\nname = \"C\"\ntimezone = \"Asia/Tokyo\"\n\n";
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{base}[groups.g]\nname = \"G\"\nservices = [\"RMS\", \"RMSアプリ\", \"ポイント\", \"Order API\", \"order-api\"]\n{group}\n{schedule_tail}"
    );
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let (result, _, err) = run(&["check", "--schedules", dir.path().to_str().unwrap()]);
    assert!(result.is_err(), "{err}");
    err
}

#[test]
fn a_bad_service_feeds_is_a_located_error_that_says_what_to_do() {
    let err = check_error("", "service_feeds = [\"Order APl\"]");
    assert!(
        err.contains("group `g` has no service `Order APl` to give a feed"),
        "{err}"
    );
    assert!(err.contains("s.toml:9:18"), "{err}");
    assert!(err.contains("Order API"), "{err}");

    // Only names that give the same slug collide; the error says how to part them.
    let err = check_error("", "service_feeds = true");
    assert!(
        err.contains(
            "services `Order API` and `order-api` would both get the feed out/g.order-api.ics"
        ),
        "{err}"
    );
    assert!(
        err.contains("{ service = \"order-api\", id = \"…\" }"),
        "{err}"
    );
    assert_eq!(err.matches("error:").count(), 1, "{err}");

    let err = check_error(
        "",
        "service_feeds = [{ service = \"ポイント\", id = \"1pt\" }, { servce = \"RMS\" }]",
    );
    assert!(err.contains("unknown key `servce`"), "{err}");

    let err = check_error(
        "",
        "service_feeds = [{ service = \"ポイント\", id = \"1pt\" }]",
    );
    assert!(
        err.contains("service feed id `1pt` must start with a letter"),
        "{err}"
    );

    let err = check_error("", "service_feeds = \"all\"");
    assert!(
        err.contains("true, or a list of the group's services"),
        "{err}"
    );
}

#[test]
fn japanese_names_get_ids_of_their_own_or_the_ones_given() {
    let dir = tempfile::tempdir().unwrap();
    let schedule = |feeds: &str| {
        format!(
            "[calendar]\nid = \"c\"\nname = \"C\"\ntimezone = \"Asia/Tokyo\"\n\n\
             [groups.g]\nname = \"G\"\nservices = [\"RMS\", \"RMSアプリ\", \"ポイント\"]\n{feeds}\n"
        )
    };
    let feeds = |feeds: &str| {
        std::fs::write(dir.path().join("s.toml"), schedule(feeds)).unwrap();
        let out = build(dir.path());
        let mut names: Vec<String> = files(out.path())
            .into_iter()
            .map(|(n, _)| n)
            .filter(|n| n.starts_with("g.") && n != "g.ics")
            .collect();
        names.sort();
        names
    };
    // Derived from each name alone: the ASCII slug, plus a hash of the name
    // where it has more than ASCII.
    let derived = feeds("service_feeds = true");
    assert_eq!(derived.len(), 3, "{derived:?}");
    assert!(derived.contains(&"g.rms.ics".to_owned()), "{derived:?}");
    assert!(
        derived
            .iter()
            .any(|n| n.starts_with("g.rms-") && n.len() == "g.rms-12345678.ics".len()),
        "{derived:?}"
    );
    assert!(
        derived
            .iter()
            .any(|n| n.starts_with("g.s-") && n.len() == "g.s-12345678.ics".len()),
        "{derived:?}"
    );
    // The same ids whatever else is opted in.
    let one = feeds("service_feeds = [\"ポイント\"]");
    assert!(derived.contains(&one[0]), "{one:?} {derived:?}");
    // Or the ones the schedule gives.
    let given = feeds(
        "service_feeds = [\"RMS\", { service = \"RMSアプリ\", id = \"rms-app\" }, { service = \"ポイント\", id = \"points\" }]",
    );
    assert_eq!(given, ["g.points.ics", "g.rms-app.ics", "g.rms.ics"]);
}
