//! Property test: random monthly windows, biased towards the night hours in
//! which clocks change, in zones with unusual transitions (30-minute DST,
//! changes at midnight, negative DST, +12:45), built into a feed: what the
//! rrule crate expands from the feed (`support::expand_feed`) is exactly what
//! `list --json` prints, a service's own hours included.

use crate::support::*;
use chrono::{DateTime, Utc};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

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

fn from_list(folder: &Path) -> Instances {
    let mut instances = BTreeSet::new();
    for row in list_rows(folder, None) {
        instances.insert((utc(&row.start), utc(&row.end)));
        for service in &row.services {
            if let (Some(start), Some(end)) = (&service.start, &service.end) {
                instances.insert((utc(start), utc(end)));
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
        prop_assert_eq!(from_feed, from_list(dir.path()), "{}", text);
    }
}
