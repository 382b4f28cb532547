//! Property test: random monthly windows, biased towards the night hours in
//! which clocks change, in zones with unusual transitions (30-minute DST,
//! changes at midnight, negative DST, +12:45), built into a feed: what the
//! rrule crate expands from the feed (`common::expand_feed`) is exactly what
//! `list --json` prints, a service's own hours included.

mod common;

use chrono::{DateTime, Utc};
use common::*;
use proptest::prelude::*;
use std::collections::BTreeSet;

const ZONES: [&str; 12] = [
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Dublin",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "America/Santiago",
    "America/Havana",
    "Asia/Beirut",
    "Pacific/Chatham",
    "Asia/Tehran",
];

fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60 % 24, minutes % 60)
}

#[allow(clippy::too_many_arguments)]
fn schedule(
    zone: &str,
    on: &str,
    year: i32,
    count: u32,
    start: u32,
    quarters: u32,
    sub_range: Option<(u32, u32)>,
) -> String {
    let end = start + quarters * 15;
    let services = match sub_range {
        Some((offset, length)) => format!(
            "{{ service = \"a\", start = {}, end = {} }}, \"b\"",
            hhmm(start + offset * 15),
            hhmm(start + (offset + length) * 15)
        ),
        None => "\"a\", \"b\"".to_owned(),
    };
    format!(
        r#"[calendar]
id = "property"
name = "Property"
timezone = "{zone}"
language = "en"

[groups.ops]
name = "Operations"
services = ["a", "b"]

[windows.w]
every = "month"
on = "{on}"
from = {year}-01-01
count = {count}
start = {}
end = {}
ends_next_day = {}
status = "confirmed"
revised = 2000-01-01T00:00:00Z

[windows.w.impact.ops]
stops = [{services}]
"#,
        hhmm(start),
        hhmm(end),
        end >= 24 * 60,
    )
}

type Instances = BTreeSet<(DateTime<Utc>, DateTime<Utc>)>;

fn from_list(folder: &str) -> Instances {
    let (result, stdout, stderr) = run(&["list", "--json", "--schedules", folder]);
    result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
    let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let mut instances = BTreeSet::new();
    for row in rows.as_array().unwrap() {
        let text = |value: &serde_json::Value| utc(value.as_str().unwrap());
        instances.insert((text(&row["start"]), text(&row["end"])));
        for service in row["services"].as_array().unwrap() {
            if service.get("start").is_some() {
                instances.insert((text(&service["start"]), text(&service["end"])));
            }
        }
    }
    instances
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn clients_see_what_list_prints(
        zone in prop::sample::select(ZONES.to_vec()),
        nth in prop::sample::select(vec!["1st", "2nd", "3rd", "4th", "5th", "last"]),
        weekday in prop::sample::select(vec!["sunday", "saturday", "friday"]),
        hour in prop::sample::select(vec![0u32, 0, 1, 1, 2, 2, 3, 22, 23, 12]),
        quarter in 0u32..4,
        quarters in 1u32..60,
        year in 2000i32..2030,
        count in 1u32..30,
        sub_range in prop::option::of((0u32..20, 1u32..20)),
    ) {
        let sub_range = sub_range.filter(|&(offset, length)| {
            offset + length <= quarters && (offset, length) != (0, quarters)
        });
        let text = schedule(
            zone,
            &format!("{nth} {weekday}"),
            year,
            count,
            hour * 60 + quarter * 15,
            quarters,
            sub_range,
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("property.toml"), &text).unwrap();
        let folder = dir.path().to_str().unwrap();
        let (checked, _, stderr) = run(&["check", "--schedules", folder]);
        prop_assert!(checked.is_ok(), "{}\n{}", text, stderr);
        let out = build(dir.path());
        let from_feed: Instances = expand_feed(&parse_feed(&out.path().join("ops.ics")))
            .into_iter()
            .map(|instance| (instance.start, instance.end))
            .collect();
        prop_assert_eq!(from_feed, from_list(folder), "{}", text);
    }
}
