//! `maintcal list --format text|json|ndjson` (and `--json`): each field the
//! feeds carry comes out on its own, and the README shows the real output.

use crate::support::*;
use serde_json::Value;
use std::path::Path;

/// `maintcal list --schedules DIR ARGS…` through the binary; its stdout.
pub fn list(schedules: &Path, args: &[&str]) -> String {
    let output = maintcal()
        .arg("list")
        .arg("--schedules")
        .arg(schedules)
        .args(args)
        .assert()
        .success()
        .get_output()
        .clone();
    String::from_utf8(output.stdout).unwrap()
}

pub fn rows(schedules: &Path, args: &[&str]) -> Vec<Value> {
    let json = list(schedules, &[&["--format", "json"], args].concat());
    serde_json::from_str::<Vec<Value>>(&json).unwrap()
}

fn row<'a>(rows: &'a [Value], group: &str) -> &'a Value {
    rows.iter().find(|r| r["group"] == group).unwrap()
}

fn service<'a>(row: &'a Value, name: &str) -> &'a Value {
    let services = row["services"].as_array().unwrap();
    services.iter().find(|s| s["name"] == name).unwrap()
}

#[test]
fn ndjson_is_the_json_array_one_compact_object_a_line_and_json_is_an_alias() {
    let array = list(&notice(), &["--format", "json"]);
    assert_eq!(list(&notice(), &["--json"]), array);
    let rows: Vec<Value> = serde_json::from_str(&array).unwrap();
    let ndjson = list(&notice(), &["--format", "ndjson"]);
    let lines: Vec<Value> = ndjson
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(!rows.is_empty());
    assert_eq!(lines, rows);
    maintcal()
        .args(["list", "--json", "--format", "ndjson", "--schedules"])
        .arg(notice())
        .assert()
        .code(2);
}

#[test]
fn notes_and_what_a_partial_service_loses_are_fields_of_their_own() {
    let rows = rows(&notice(), &["--to", "2020-05-17"]);
    // The group's notes the feeds carry: a call returns at most 500 items.
    let api = row(&rows, "web-api");
    let group_notes = api["group_notes"].as_array().unwrap();
    assert!(
        group_notes
            .iter()
            .any(|n| n.as_str().unwrap().contains("最大500件")),
        "{api:#}"
    );
    assert!(
        api["notes"][0]
            .as_str()
            .unwrap()
            .contains("楽天市場ニュース"),
        "{api:#}"
    );
    assert_eq!(
        api["calendar_notes"].as_array().unwrap().len(),
        3,
        "{api:#}"
    );
    let rms = row(&rows, "rms");
    let app = service(rms, "RMSアプリ");
    assert_eq!(app["impact"], "partial");
    assert_eq!(app["unavailable"], "注文管理");
    assert!(app.get("note").is_none(), "{app:#}");
    assert!(
        service(rms, "RMS")["note"]
            .as_str()
            .unwrap()
            .contains("受注管理機能")
    );
    assert_eq!((&rms["revision"], &rms["sequence"]), (&1.into(), &1.into()));
}

#[test]
fn a_partial_service_with_a_note_keeps_both_apart() {
    let dir = tempfile::tempdir().unwrap();
    let schedules = dir.path().join("schedules");
    std::fs::create_dir(&schedules).unwrap();
    let example = readme_example().replace(
        r#"{ service = "Inventory API", unavailable = "bulk updates" }"#,
        r#"{ service = "Inventory API", unavailable = "bulk updates", note = "single updates work" }"#,
    );
    assert!(
        example.contains("single updates work"),
        "the README example changed"
    );
    std::fs::write(schedules.join("example.toml"), example).unwrap();
    let rows = rows(&schedules, &["--to", "2020-05-17", "--group", "api"]);
    let inventory = service(&rows[0], "Inventory API");
    assert_eq!(inventory["unavailable"], "bulk updates");
    assert_eq!(inventory["note"], "single updates work");
    assert!(!list(&schedules, &["--format", "ndjson"]).contains('（'));
}

#[test]
fn sequence_is_the_feeds_sequence_of_that_occurrence() {
    let schedules = case("features");
    let out = build(&schedules);
    let rows = rows(&schedules, &[]);
    let mut changed = 0;
    for row in &rows {
        let feed = parse_feed(
            &out.path()
                .join(format!("{}.ics", row["group"].as_str().unwrap())),
        );
        let window = row["window"].as_str().unwrap();
        let date: String = row["start"].as_str().unwrap()[..10].replace('-', "");
        let of_window = |e: &&ParsedEvent| e.uid.starts_with(&format!("{window}."));
        // A changed occurrence is its own event (RECURRENCE-ID); any
        // other is the window's one-off event or its series.
        let event = feed
            .iter()
            .filter(of_window)
            .find(|e| e.recurrence_id.is_some() && e.dtstart.1.starts_with(&date))
            .or_else(|| {
                feed.iter()
                    .filter(of_window)
                    .find(|e| e.recurrence_id.is_none())
            })
            .unwrap_or_else(|| panic!("no event of {row:#}"));
        changed += usize::from(event.recurrence_id.is_some());
        assert_eq!(event.sequence, row["sequence"].to_string(), "{row:#}");
    }
    assert!(changed > 0, "the fixture has changed occurrences");
}

/// The README's schedule example (its first ```toml block).
fn readme_example() -> String {
    block_after(&readme(), "## A schedule", "```toml\n")
}

fn readme() -> String {
    std::fs::read_to_string(repo_path("README.md")).unwrap()
}

/// The first fenced block opening with `fence` after `marker`.
fn block_after(text: &str, marker: &str, fence: &str) -> String {
    let from = text.find(marker).unwrap();
    let start = from + text[from..].find(fence).unwrap() + fence.len();
    let end = start + text[start..].find("```").unwrap();
    text[start..end].to_owned()
}

#[test]
fn the_readme_shows_what_list_prints() {
    let dir = tempfile::tempdir().unwrap();
    let schedules = dir.path().join("schedules");
    std::fs::create_dir(&schedules).unwrap();
    std::fs::write(schedules.join("example.toml"), readme_example()).unwrap();
    let readme = readme();
    let section = "`maintcal list --to 2020-05-17`";
    assert_eq!(
        block_after(&readme, section, "```text\n"),
        list(&schedules, &["--to", "2020-05-17"])
    );
    let section = "`maintcal list --to 2020-05-17 --group api --format json`";
    assert_eq!(
        block_after(&readme, section, "```json\n"),
        list(
            &schedules,
            &["--to", "2020-05-17", "--group", "api", "--format", "json"]
        )
    );
}
