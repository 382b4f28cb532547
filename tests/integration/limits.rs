//! Inputs far beyond any real schedule: each either works or gets a clear,
//! located error before it can cost unbounded time or memory. The big inputs
//! are generated here, in temporary folders; the limits are the constants in
//! `support::internals` re-exports (`MAX_*`).

use crate::support::internals::{
    MAX_EVENT_OCCURRENCES, MAX_FILE_BYTES, MAX_GROUPS, MAX_TOTAL_BYTES, MAX_WINDOWS,
};
use crate::support::*;
use std::fmt::Write as _;

const HEADER: &str = "[calendar]\nid = \"ops\"\nname = \"Ops\"\ntimezone = \"Asia/Tokyo\"\n\n";

fn group(id: &str) -> String {
    format!("[groups.{id}]\nname = \"{id}\"\nservices = [\"a\"]\n")
}

fn window(id: &str, timing: &str, group: &str) -> String {
    format!(
        "[windows.{id}]\n{timing}\nstart = 02:00\nend = 04:00\nstatus = \"confirmed\"\n\
         revised = 2021-01-01T00:00:00Z\nimpact.{group}.stops = [\"a\"]\n"
    )
}

/// `maintcal check` on a folder holding `files`: (ok, stderr).
fn check(files: &[(&str, &[u8])]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let (result, _, stderr) = run(&["check", "--schedules", dir.path().to_str().unwrap()]);
    (result.is_ok(), stderr)
}

fn small_schedule() -> String {
    format!(
        "{HEADER}{}\n{}",
        group("db"),
        window("w", "date = 2021-03-20", "db")
    )
}

#[test]
fn a_50_mb_schedule_file_is_refused_without_reading_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    let mut text = small_schedule();
    let line = "# padding padding padding padding padding padding padding padding\n";
    text.push_str(&line.repeat(50 * 1024 * 1024 / line.len()));
    std::fs::write(&big, &text).unwrap();
    assert!(std::fs::metadata(&big).unwrap().len() >= 50 * 1024 * 1024);
    // A second file with its own mistake: still reported in the same run.
    std::fs::write(
        dir.path().join("other.toml"),
        small_schedule().replace("Asia/Tokyo", "Asia/Tokio"),
    )
    .unwrap();
    let (result, _, stderr) = run(&["check", "--schedules", dir.path().to_str().unwrap()]);
    let error = result.expect_err("a 50 MB schedule must be refused");
    assert_eq!(
        format!("{error:#}"),
        "2 errors in the schedules; nothing was written"
    );
    assert!(
        stderr.starts_with(
            "error: this file is larger than 1024 KiB, the most a schedule file may be\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("┌─ {}:1:1", big.display())),
        "{stderr}"
    );
    assert!(stderr.contains("Asia/Tokio: unknown time zone"), "{stderr}");
    // Nothing of the big file is quoted.
    assert!(!stderr.contains("padding"), "{stderr}");
}

#[test]
fn a_schedule_file_may_be_exactly_the_limit_and_not_a_byte_more() {
    let mut text = small_schedule();
    let limit = usize::try_from(MAX_FILE_BYTES).unwrap();
    while text.len() < limit {
        let room = limit - text.len();
        text.push_str(&format!("#{}\n", "x".repeat(room.clamp(2, 80) - 2)));
    }
    assert_eq!(text.len(), limit);
    let (ok, stderr) = check(&[("ops.toml", text.as_bytes())]);
    assert!(ok, "{stderr}");
    text.push('\n');
    let (ok, stderr) = check(&[("ops.toml", text.as_bytes())]);
    assert!(!ok);
    assert!(stderr.contains("larger than 1024 KiB"), "{stderr}");
}

#[test]
fn all_schedule_files_together_are_bounded_too() {
    let dir = tempfile::tempdir().unwrap();
    let per_file = usize::try_from(MAX_FILE_BYTES).unwrap() - 1;
    let files = usize::try_from(MAX_TOTAL_BYTES / MAX_FILE_BYTES).unwrap() + 1;
    for i in 0..files {
        let mut text = small_schedule().replace("\"ops\"", &format!("\"ops{i}\""));
        text.push('#');
        text.push_str(&"x".repeat(per_file - text.len()));
        std::fs::write(dir.path().join(format!("s{i:02}.toml")), text).unwrap();
    }
    let (result, _, _) = run(&["check", "--schedules", dir.path().to_str().unwrap()]);
    let error = format!("{:#}", result.expect_err("too much input"));
    assert!(
        error.contains("add up to more than 8 MiB, the most one build reads"),
        "{error}"
    );
}

#[test]
fn a_window_with_a_million_occurrences_is_refused_at_its_count() {
    for (end, column) in [("count = 1000000", 9), ("until = 9999-12-31", 9)] {
        let text = format!(
            "{HEADER}{}\n{}",
            group("db"),
            window(
                "endless",
                &format!("every = \"month\"\non = \"last friday\"\nfrom = 2021-01-01\n{end}"),
                "db"
            )
        );
        let (ok, stderr) = check(&[("ops.toml", text.as_bytes())]);
        assert!(!ok, "{end}");
        assert!(
            stderr.starts_with("error: this window would recur more than 10000 times\n"),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!("ops.toml:14:{column}")),
            "{stderr}"
        );
    }
}

#[test]
fn ten_thousand_occurrences_of_one_window_still_build() {
    let text = format!(
        "{HEADER}{}\n{}",
        group("db"),
        window(
            "long",
            "every = \"month\"\non = \"last friday\"\nfrom = 2021-01-01\ncount = 10000",
            "db"
        )
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ops.toml"), text).unwrap();
    let out = build(dir.path());
    // One series with its rule, not ten thousand events.
    let events = parse_feed(&out.path().join("db.ics"));
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].rrule.as_deref(),
        Some("FREQ=MONTHLY;BYDAY=-1FR;COUNT=10000")
    );
}

#[test]
fn too_many_event_occurrences_are_refused_at_the_biggest_window() {
    // Eleven windows of 10,000 occurrences each, on different days.
    let mut text = format!("{HEADER}{}\n", group("db"));
    let mut windows = 0;
    for nth in ["1st", "2nd", "3rd"] {
        for day in ["monday", "tuesday", "wednesday", "thursday"] {
            if windows * 10_000 > MAX_EVENT_OCCURRENCES {
                break;
            }
            windows += 1;
            let count = if windows == 5 { 10_000 } else { 9_999 };
            text.push_str(&window(
                &format!("w{windows}"),
                &format!(
                    "every = \"month\"\non = \"{nth} {day}\"\nfrom = 2021-01-01\ncount = {count}"
                ),
                "db",
            ));
        }
    }
    let (ok, stderr) = check(&[("ops.toml", text.as_bytes())]);
    assert!(!ok);
    assert!(
        stderr.starts_with("error: the schedules would put 109990 event occurrences into the feeds, more than the 100000 a build allows; window `w5` alone gives 10000\n"),
        "{stderr}"
    );
}

fn many(kind: &str, count: usize) -> String {
    let mut text = HEADER.to_owned();
    match kind {
        "groups" => {
            for i in 0..count {
                text.push_str(&group(&format!("g{i}")));
            }
            text.push_str(&window("w", "date = 2021-03-20", "g0"));
        }
        _ => {
            text.push_str(&group("db"));
            for i in 0..count {
                let date = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap()
                    + chrono::Days::new(u64::try_from(i).unwrap());
                text.push_str(&window(&format!("w{i}"), &format!("date = {date}"), "db"));
            }
        }
    }
    text
}

#[test]
fn ten_thousand_groups_are_refused_at_the_first_one_past_the_limit() {
    let text = many("groups", 10_000);
    let (ok, stderr) = check(&[("ops.toml", text.as_bytes())]);
    assert!(!ok);
    assert!(
        stderr.starts_with(
            "error: the schedules declare 10000 groups; one build allows at most 1000\n"
        ),
        "{stderr}"
    );
    // Line of `[groups.g1000]`: 5 header lines, 3 lines per group.
    assert!(
        stderr.contains(&format!("ops.toml:{}:9", 6 + 3 * MAX_GROUPS)),
        "{stderr}"
    );
    let (ok, stderr) = check(&[("ops.toml", many("groups", MAX_GROUPS).as_bytes())]);
    assert!(ok, "{stderr}");
}

#[test]
fn windows_are_bounded_like_groups() {
    let (ok, stderr) = check(&[("ops.toml", many("windows", MAX_WINDOWS + 1).as_bytes())]);
    assert!(!ok);
    assert!(
        stderr.starts_with(
            "error: the schedules declare 1001 windows; one build allows at most 1000\n"
        ),
        "{stderr}"
    );
    let (ok, stderr) = check(&[("ops.toml", many("windows", MAX_WINDOWS).as_bytes())]);
    assert!(ok, "{stderr}");
}

#[test]
fn an_event_with_megabytes_of_text_is_refused_at_its_window() {
    // Within the file limit, but the all feed's event for this window would
    // list 900 groups with long notes: over the 64 KiB an event may have.
    let mut text = HEADER.to_owned();
    for i in 0..900 {
        text.push_str(&group(&format!("g{i}")));
    }
    text.push_str(&window("w", "date = 2021-03-20", "g0"));
    let note = "影響範囲についての長い説明".repeat(3);
    for i in 1..900 {
        writeln!(
            text,
            "impact.g{i}.stops = [\"a\"]\nimpact.g{i}.notes = [\"{note}\"]"
        )
        .unwrap();
    }
    assert!(text.len() < usize::try_from(MAX_FILE_BYTES).unwrap());
    let (ok, stderr) = check(&[("ops.toml", text.as_bytes())]);
    assert!(!ok);
    assert!(
        stderr.starts_with("error: window `w` would give an event of "),
        "{stderr}"
    );
    assert!(
        stderr.contains("bytes of text in all.ics, more than the 65536 an event may have"),
        "{stderr}"
    );
}
