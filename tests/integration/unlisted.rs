//! Services an impact does not name: `check` warns at the impact, naming
//! them, unless `rest = "runs"` or `rest = "stops"` says what they do; with
//! `rest` the feeds and `list` are exactly what listing them would give.

use crate::support::*;
use std::path::Path;

const CASE: &str = "unlisted-services";

#[test]
fn check_warns_at_each_impact_that_leaves_services_out() {
    let schedules = case(CASE);
    let (result, stdout, stderr) = run(&["check", "--schedules", schedules.to_str().unwrap()]);
    // Warnings, not errors: the schedule is valid.
    result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
    assert!(stdout.contains("ok (1 calendar(s)"), "{stdout}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning: ") || l.contains("┌─ "))
        .collect();
    assert_eq!(
        warnings,
        [
            "warning: the impact on `web` leaves out 6 of its 8 services: \
             `Home`, `Search`, `Account`, `Reviews`, `Wishlist`, and 1 more",
            "   ┌─ tests/cases/unlisted-services/schedules/shop.toml:25:25",
            "warning: the impact on `web` leaves out 1 of its 8 services: `Help`",
            "   ┌─ tests/cases/unlisted-services/schedules/shop.toml:47:24",
        ]
        .map(|line| line.replace(
            "tests/cases/unlisted-services/schedules",
            schedules.to_str().unwrap()
        )),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("= help: list each under stops, partly or runs, or say what the rest do: rest = \"runs\" or rest = \"stops\"").count(),
        2,
        "{stderr}"
    );
    // The impacts with `rest` (on `db`) are not warned about.
    assert!(!stderr.contains("`db`"), "{stderr}");
    insta::assert_snapshot!(
        "check-unlisted-services",
        stderr.replace(schedules.to_str().unwrap(), "schedules")
    );
}

/// The fixture with every `rest` spelt out as the services it stands for.
fn spelt_out(dir: &Path) {
    let source = std::fs::read_to_string(case(CASE).join("shop.toml")).unwrap();
    let runs = "rest = \"runs\"";
    let stops = "rest = \"stops\"";
    assert_eq!(source.matches(runs).count(), 1);
    assert_eq!(source.matches(stops).count(), 1);
    let explicit = source
        .replace(runs, "runs = [\"replica\", \"backup\"]")
        .replace(stops, "stops = [\"replica\", \"backup\"]");
    std::fs::write(dir.join("shop.toml"), explicit).unwrap();
}

#[test]
fn rest_gives_the_feeds_and_list_that_listing_the_services_gives() {
    let twin = tempfile::tempdir().unwrap();
    spelt_out(twin.path());
    let with_rest = build(&case(CASE));
    let listed = build(twin.path());
    let (with_rest, listed) = (files(with_rest.path()), files(listed.path()));
    assert_eq!(
        with_rest.iter().map(|(name, _)| name).collect::<Vec<_>>(),
        [
            "all.ics",
            "db.ics",
            "feeds.json",
            "index.html",
            "maintcal.css",
            "maintcal.js",
            "notices.atom",
            "shop.upgrade.html",
            "shop.weekly.html",
            "web.ics"
        ]
    );
    for ((name, a), (_, b)) in with_rest.iter().zip(&listed) {
        assert!(a == b, "{name} differs from the spelt-out schedule");
    }

    // What a subscriber reads: the unnamed services under their heading.
    let db = String::from_utf8(with_rest[1].1.clone()).unwrap();
    let descriptions: Vec<String> = db
        .replace("\r\n ", "")
        .lines()
        .filter_map(|l| l.strip_prefix("DESCRIPTION:"))
        .map(|d| d.replace("\\n", "\n"))
        .collect();
    assert!(
        descriptions[0].starts_with("Stops:\n- primary\nKeeps running:\n- replica\n- backup\n"),
        "{descriptions:?}"
    );
    assert!(
        descriptions[1].starts_with("Stops:\n- replica\n- backup\nKeeps running:\n- primary\n"),
        "{descriptions:?}"
    );

    let list = |dir: &Path, json: &[&str]| {
        let mut args = vec!["list", "--schedules", dir.to_str().unwrap()];
        args.extend_from_slice(json);
        let (result, stdout, stderr) = run(&args);
        result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
        stdout
    };
    for (json, shows) in [
        (&[][..], "db     upgrade  1 stop, 0 partly, 2 run"),
        (&["--json"][..], "\"replica\""),
    ] {
        let (a, b) = (list(&case(CASE), json), list(twin.path(), json));
        assert_eq!(a, b, "list {json:?}");
        assert!(a.contains(shows), "{a}");
    }
}

#[test]
fn a_misspelt_rest_is_an_error_with_the_choices() {
    let dir = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(case(CASE).join("shop.toml")).unwrap();
    std::fs::write(
        dir.path().join("shop.toml"),
        source.replace("rest = \"runs\"", "rest = \"run\""),
    )
    .unwrap();
    let (result, _, stderr) = run(&["check", "--schedules", dir.path().to_str().unwrap()]);
    assert!(result.is_err(), "{stderr}");
    assert!(stderr.contains("error: unknown value `run`"), "{stderr}");
    assert!(stderr.contains("shop.toml:30:8"), "{stderr}");
    assert!(stderr.contains("= help: did you mean `runs`?"), "{stderr}");
}
