//! The limits of one build: the defaults take the largest real operators'
//! schedules, every limit still refuses, with an error at the place that
//! crosses it naming the key that raises it, and `[limits]` in
//! `maintcal.toml` changes each one, range-checked. The inputs are
//! generated here, in temporary folders; where a test needs a limit small,
//! it sets it in `maintcal.toml` rather than writing a huge input.

use crate::support::*;
use std::fmt::Write as _;

const MIB: usize = 1024 * 1024;

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
    let (result, stderr) = check_result(files);
    (result.is_ok(), stderr)
}

/// `maintcal check` on a folder holding `files`: (result, stderr).
fn check_result(files: &[(&str, &[u8])]) -> (anyhow::Result<()>, String) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let (result, _, stderr) = run(&["check", "--schedules", dir.path().to_str().unwrap()]);
    (result, stderr)
}

/// A `maintcal.toml` setting `limits`.
fn settings(limits: &str) -> (&'static str, Vec<u8>) {
    (
        "maintcal.toml",
        format!("[limits]\n{limits}\n").into_bytes(),
    )
}

/// The help every limit's error ends with.
fn raise(key: &str) -> String {
    format!(
        "if this is intended, raise `{key}` in the [limits] table of maintcal.toml beside the \
         schedules"
    )
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
            "error: this file is larger than 16 MiB, the most a schedule file may be\n"
        ),
        "{stderr}"
    );
    assert!(stderr.contains(&raise("file_mib")), "{stderr}");
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
    let (name, one_mib) = settings("file_mib = 1");
    let mut text = small_schedule();
    let limit = MIB;
    while text.len() < limit {
        let room = limit - text.len();
        text.push_str(&format!("#{}\n", "x".repeat(room.clamp(2, 80) - 2)));
    }
    assert_eq!(text.len(), limit);
    let (ok, stderr) = check(&[("ops.toml", text.as_bytes()), (name, &one_mib)]);
    assert!(ok, "{stderr}");
    text.push('\n');
    let (ok, stderr) = check(&[("ops.toml", text.as_bytes()), (name, &one_mib)]);
    assert!(!ok);
    assert!(stderr.contains("larger than 1 MiB"), "{stderr}");
    // The default is 16 MiB.
    let (ok, stderr) = check(&[("ops.toml", text.as_bytes())]);
    assert!(ok, "{stderr}");
}

#[test]
fn all_schedule_files_together_are_bounded_too() {
    let dir = tempfile::tempdir().unwrap();
    let (name, limits) = settings("total_mib = 2");
    std::fs::write(dir.path().join(name), limits).unwrap();
    let per_file = MIB - 1;
    for i in 0..3 {
        let mut text = small_schedule()
            .replace("\"ops\"", &format!("\"ops{i}\""))
            .replace("db", &format!("db{i}"));
        text.push('#');
        text.push_str(&"x".repeat(per_file - text.len()));
        std::fs::write(dir.path().join(format!("s{i:02}.toml")), text).unwrap();
    }
    let (result, _, _) = run(&["check", "--schedules", dir.path().to_str().unwrap()]);
    let error = format!("{:#}", result.expect_err("too much input"));
    assert!(
        error.contains(&format!(
            "add up to more than 2 MiB, the most one build reads, at {}; if this is intended, \
             raise `total_mib` in the [limits] table of {}",
            dir.path().join("s02.toml").display(),
            dir.path().join("maintcal.toml").display()
        )),
        "{error}"
    );
    // Two of the three files are within the limit.
    std::fs::remove_file(dir.path().join("s02.toml")).unwrap();
    let (result, _, stderr) = run(&["check", "--schedules", dir.path().to_str().unwrap()]);
    assert!(result.is_ok(), "{stderr}");
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
        assert!(stderr.contains(&raise("window_occurrences")), "{stderr}");
    }
}

#[test]
fn window_occurrences_can_be_raised_and_lowered() {
    let text = |count: u32| {
        format!(
            "{HEADER}{}\n{}",
            group("db"),
            window(
                "long",
                &format!(
                    "every = \"month\"\non = \"last friday\"\nfrom = 2021-01-01\ncount = {count}"
                ),
                "db"
            )
        )
    };
    let (name, raised) = settings("window_occurrences = 20000");
    let (ok, stderr) = check(&[("ops.toml", text(20_000).as_bytes()), (name, &raised)]);
    assert!(ok, "{stderr}");
    let (ok, stderr) = check(&[("ops.toml", text(20_001).as_bytes()), (name, &raised)]);
    assert!(!ok);
    assert!(
        stderr.starts_with("error: this window would recur more than 20000 times\n"),
        "{stderr}"
    );
    let (name, lowered) = settings("window_occurrences = 12");
    let (ok, stderr) = check(&[("ops.toml", text(13).as_bytes()), (name, &lowered)]);
    assert!(!ok);
    assert!(stderr.contains("more than 12 times"), "{stderr}");
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
    // Eleven windows of 10,000 occurrences each, on different days, over a
    // limit of 100,000 (the default is 2,000,000; see
    // `the_defaults_take_a_large_operators_schedules`).
    let mut text = format!("{HEADER}{}\n", group("db"));
    let mut windows = 0;
    for nth in ["1st", "2nd", "3rd"] {
        for day in ["monday", "tuesday", "wednesday", "thursday"] {
            if windows * 10_000 > 100_000 {
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
    let (name, limits) = settings("event_occurrences = 100000");
    let (ok, stderr) = check(&[("ops.toml", text.as_bytes()), (name, &limits)]);
    assert!(!ok);
    assert!(
        stderr.starts_with("error: the schedules would put 109990 event occurrences into the feeds, more than the 100000 a build allows; window `w5` alone gives 10000\n"),
        "{stderr}"
    );
    assert!(stderr.contains(&raise("event_occurrences")), "{stderr}");
    // Within the default.
    let (ok, stderr) = check(&[("ops.toml", text.as_bytes())]);
    assert!(ok, "{stderr}");
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
        stderr.contains(&format!("ops.toml:{}:9", 6 + 3 * 1000)),
        "{stderr}"
    );
    assert!(stderr.contains(&raise("groups")), "{stderr}");
    let (ok, stderr) = check(&[("ops.toml", many("groups", 1000).as_bytes())]);
    assert!(ok, "{stderr}");
    // Raised.
    let (name, limits) = settings("groups = 10000");
    let (ok, stderr) = check(&[("ops.toml", text.as_bytes()), (name, &limits)]);
    assert!(ok, "{stderr}");
}

#[test]
fn windows_are_bounded_like_groups() {
    let (name, limits) = settings("windows = 1000");
    let (ok, stderr) = check(&[
        ("ops.toml", many("windows", 1001).as_bytes()),
        (name, &limits),
    ]);
    assert!(!ok);
    assert!(
        stderr.starts_with(
            "error: the schedules declare 1001 windows; one build allows at most 1000\n"
        ),
        "{stderr}"
    );
    assert!(stderr.contains(&raise("windows")), "{stderr}");
    let (ok, stderr) = check(&[
        ("ops.toml", many("windows", 1000).as_bytes()),
        (name, &limits),
    ]);
    assert!(ok, "{stderr}");
}

#[test]
fn the_defaults_take_a_large_operators_schedules() {
    // The shape of the peers' large workload (`../shared/bench`), smaller:
    // files of one calendar, each group's one-off windows and monthly
    // series. Over every old limit (1000 windows, 100,000 occurrences)
    // and the 64 KiB text bound, under the defaults, without a maintcal.toml.
    let mut files = Vec::new();
    let mut occurrences = 0;
    for file in 0..4 {
        let mut text = HEADER.replace("\"ops\"", &format!("\"ops{file}\""));
        for g in 0..5 {
            text.push_str(&group(&format!("f{file}g{g}")));
        }
        for w in 0..400 {
            let date = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap() + chrono::Days::new(w);
            text.push_str(&window(
                &format!("w{w}"),
                &format!("date = {date}"),
                &format!("f{file}g{}", w % 5),
            ));
            occurrences += 1;
        }
        for (r, nth) in ["1st", "2nd", "3rd", "4th"].iter().enumerate() {
            text.push_str(&window(
                &format!("r{r}"),
                &format!(
                    "every = \"month\"\non = \"{nth} sunday\"\nfrom = 2021-01-01\ncount = 7000"
                ),
                &format!("f{file}g{r}"),
            ));
            occurrences += 7000;
        }
        files.push((format!("ops{file}.toml"), text));
    }
    // And one window whose all-feed event has over 64 KiB of text.
    let long = &mut files[0].1;
    let note = "x".repeat(20_000);
    writeln!(
        long,
        "[windows.long]\ndate = 2022-06-01\nstart = 02:00\nend = 04:00\n\
         status = \"confirmed\"\nrevised = 2021-01-01T00:00:00Z"
    )
    .unwrap();
    for g in 0..5 {
        writeln!(
            long,
            "impact.f0g{g}.stops = [\"a\"]\nimpact.f0g{g}.notes = [\"{note}\"]"
        )
        .unwrap();
    }
    assert!(occurrences > 100_000);
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_bytes()))
        .collect();
    let (ok, stderr) = check(&borrowed);
    assert!(ok, "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn limits_out_of_range_or_unknown_are_errors_in_maintcal_toml() {
    for (limits, message, at) in [
        (
            "windows = 0",
            "error: `windows` must be from 1 to 50000000",
            "maintcal.toml:2:11",
        ),
        (
            "file_mib = 4096",
            "error: `file_mib` must be from 1 to 1024",
            "maintcal.toml:2:12",
        ),
        (
            "window = 5",
            "error: unknown key `window`",
            "maintcal.toml:2:1",
        ),
    ] {
        let (name, settings) = settings(limits);
        let (result, stderr) =
            check_result(&[("ops.toml", small_schedule().as_bytes()), (name, &settings)]);
        let error = format!("{:#}", result.expect_err(limits));
        assert_eq!(error, "1 error in the schedules; nothing was written");
        assert!(stderr.starts_with(message), "{limits}: {stderr}");
        assert!(stderr.contains(at), "{limits}: {stderr}");
    }
    // Not a calendar: a folder with only maintcal.toml has no schedules.
    let (name, settings) = settings("windows = 10");
    let (result, _) = check_result(&[(name, &settings)]);
    let error = format!("{:#}", result.expect_err("no schedules"));
    assert!(error.contains("no schedule files"), "{error}");
}

#[test]
fn an_event_with_megabytes_of_text_is_refused_at_its_window() {
    // Within the file limit, but the all feed's event for this window would
    // list 900 groups with long notes: over the 64 KiB set here (the
    // default, 256 KiB, takes it).
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
    let (name, limits) = settings("text_kib = 64");
    let (ok, stderr) = check(&[("ops.toml", text.as_bytes()), (name, &limits)]);
    assert!(!ok);
    assert!(
        stderr.starts_with("error: window `w` would give an event of "),
        "{stderr}"
    );
    assert!(
        stderr.contains("bytes of text in all.ics, more than the 65536 an event may have"),
        "{stderr}"
    );
    assert!(stderr.contains(&raise("text_kib")), "{stderr}");
    let (ok, stderr) = check(&[("ops.toml", text.as_bytes())]);
    assert!(ok, "{stderr}");
}
