//! Property test: random monthly, weekly and day-of-month windows, biased towards the night hours in
//! which clocks change, in zones with unusual transitions (30-minute DST,
//! changes at midnight, negative DST, +12:45, a two-hour DST), built into a feed: what the
//! rrule crate expands from the feed (`support::expand_feed`) is exactly what
//! `list --json` prints, a service's own hours included.

use crate::support::*;
use chrono::{DateTime, Utc};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

const ZONES: [&str; 13] = [
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
    "Antarctica/Troll",
];

fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60 % 24, minutes % 60)
}

/// `every`, `on` (a TOML value), `from` and `interval` of a rule.
struct Rule {
    every: &'static str,
    on: String,
    from: String,
    interval: u32,
}

fn schedule(
    zone: &str,
    rule: &Rule,
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
every = "{}"
on = {}
from = {}
interval = {}
count = {count}
start = {}
end = {}
ends_next_day = {}
status = "confirmed"
revised = 2000-01-01T00:00:00Z

[windows.w.impact.ops]
stops = [{services}]
"#,
        rule.every,
        rule.on,
        rule.from,
        rule.interval,
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
    #![proptest_config(ProptestConfig::with_cases(160))]

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
        let rule = Rule {
            every: "month",
            on: format!("\"{nth} {weekday}\""),
            from: format!("{year}-01-01"),
            interval: 1,
        };
        let text = schedule(
            zone,
            &rule,
            count,
            hour * 60 + quarter * 15,
            quarters,
            sub_range,
        );
        prop_assert_feed_matches_list(&text)?;
    }

    /// Weekly rules (several weekdays, intervals over one week: the feed's
    /// WKST=MO must count weeks as the model does) and days of the month,
    /// from any day of the year.
    #[test]
    fn weekly_and_month_day_rules_agree_with_list(
        zone in prop::sample::select(ZONES.to_vec()),
        days in prop::sample::subsequence(
            vec!["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
            1..=3,
        ),
        month_day in prop::option::of(prop::sample::select(vec!["1st", "15th", "28th", "last day"])),
        interval in 1u32..4,
        hour in prop::sample::select(vec![0u32, 1, 1, 2, 2, 3, 23]),
        quarter in 0u32..4,
        quarters in 1u32..16,
        year in 2000i32..2030,
        day_of_year in 0u64..365,
        count in 1u32..30,
    ) {
        let from = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap()
            + chrono::Days::new(day_of_year);
        let (every, on) = match month_day {
            Some(day) => ("month", format!("\"{day}\"")),
            None => ("week", format!("{days:?}")),
        };
        let rule = Rule { every, on, from: from.to_string(), interval };
        let text = schedule(zone, &rule, count, hour * 60 + quarter * 15, quarters, None);
        prop_assert_feed_matches_list(&text)?;
    }
}

/// Builds the schedule and compares what the rrule crate expands from its
/// feed with what `list --json` prints.
fn prop_assert_feed_matches_list(text: &str) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("property.toml"), text).unwrap();
    let folder = dir.path().to_str().unwrap();
    let (checked, _, stderr) = run(&["check", "--schedules", folder]);
    prop_assert!(checked.is_ok(), "{}\n{}", text, stderr);
    let out = build(dir.path());
    let from_feed: Instances = expand_feed(&parse_feed(&out.path().join("ops.ics")))
        .into_iter()
        .map(|instance| (instance.start, instance.end))
        .collect();
    prop_assert_eq!(from_feed, from_list(dir.path()), "{}", text);
    Ok(())
}
