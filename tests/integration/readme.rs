//! The README's schedule example is a real, valid schedule: load it, build
//! it, and check that it says what the README claims.

use crate::support::*;

fn readme_example() -> String {
    let readme = std::fs::read_to_string(repo_path("README.md")).unwrap();
    let start = readme
        .find("```toml\n")
        .expect("a toml block in the README")
        + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    readme[start..end].to_owned()
}

#[test]
fn the_readme_example_is_a_valid_schedule_with_what_it_claims() {
    let dir = tempfile::tempdir().unwrap();
    let schedules = dir.path().join("schedules");
    std::fs::create_dir(&schedules).unwrap();
    std::fs::write(schedules.join("example.toml"), readme_example()).unwrap();
    let out = build(&schedules);

    // The api group: one-off (whole window + the notifications' own hours) and the series.
    let api = parse_feed(&out.path().join("api.ics"));
    let sub_range = api
        .iter()
        .find(|e| e.uid == "2020-05-17.api.0300-0500@example-shop.maintcal");
    assert!(sub_range.is_some(), "{api:#?}");
    let instances = expand_feed(&api);
    let starts: Vec<String> = instances.iter().map(|i| i.start.to_rfc3339()).collect();
    // 2nd Sundays Jun–Dec 2020 in Tokyo, minus 2020-08-09 (skipped), with
    // 2020-10-11 moved to 2020-10-18 03:00.
    for expected in [
        "2020-05-16T17:00:00+00:00",
        "2020-05-16T18:00:00+00:00",
        "2020-06-13T17:00:00+00:00",
        "2020-07-11T17:00:00+00:00",
        "2020-09-12T17:00:00+00:00",
        "2020-10-17T18:00:00+00:00",
        "2020-11-07T17:00:00+00:00",
        "2020-12-12T17:00:00+00:00",
    ] {
        assert!(
            starts.contains(&expected.to_owned()),
            "{expected} missing from {starts:?}"
        );
    }
    assert!(!starts.contains(&"2020-08-08T17:00:00+00:00".to_owned()));
    assert!(!starts.contains(&"2020-10-10T17:00:00+00:00".to_owned()));
    // The weekly window: Tuesdays and Thursdays of every other week, 22:00
    // JST; and the month-end one: the last day of three months, 23:00 JST.
    for expected in [
        "2020-06-02T13:00:00+00:00",
        "2020-06-04T13:00:00+00:00",
        "2020-06-16T13:00:00+00:00",
        "2020-06-18T13:00:00+00:00",
        "2020-06-30T14:00:00+00:00",
        "2020-07-31T14:00:00+00:00",
        "2020-08-31T14:00:00+00:00",
    ] {
        assert!(
            starts.contains(&expected.to_owned()),
            "{expected} missing from {starts:?}"
        );
    }
    assert_eq!(instances.len(), 15, "{starts:?}");
    let rules: Vec<&str> = api.iter().filter_map(|e| e.rrule.as_deref()).collect();
    assert!(
        rules.contains(&"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=MO;COUNT=4"),
        "{rules:?}"
    );
    assert!(
        rules.contains(&"FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3"),
        "{rules:?}"
    );

    // The storefront group reuses the one-off's impact list.
    let storefront = parse_feed(&out.path().join("storefront.ics"));
    let series = storefront.iter().find(|e| e.rrule.is_some()).unwrap();
    assert!(
        series.description.contains("Order history"),
        "{}",
        series.description
    );
    assert_eq!(series.status, "TENTATIVE");

    // Order API's own feed: the one-off, the monthly series (6 dates) and
    // the weekly one where it partly stops (4); not the month-end windows,
    // in which it keeps running.
    let order_api = expand_feed(&parse_feed(&out.path().join("api.order-api.ics")));
    assert_eq!(order_api.len(), 1 + 6 + 4, "{order_api:?}");
    assert!(
        order_api
            .iter()
            .all(|i| !i.start.to_rfc3339().starts_with("2020-06-30")),
        "{order_api:?}"
    );
}

#[test]
fn the_readme_example_accounts_for_every_service() {
    // Its impacts name every service or say what the rest do, so `check`
    // has nothing to warn about.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("example.toml"), readme_example()).unwrap();
    let (result, _, stderr) = run(&["check", "--schedules", dir.path().to_str().unwrap()]);
    result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
    assert_eq!(stderr, "");
}
