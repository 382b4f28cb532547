//! The binary as a user and a CI job run it: exit codes, what it prints,
//! byte-identical rebuilds, and `build --check` on stale output.

use crate::support::*;
use predicates::prelude::*;
use std::path::Path;

fn build_into(schedules: &Path, out: &Path) -> assert_cmd::assert::Assert {
    maintcal()
        .args(["build", "--schedules"])
        .arg(schedules)
        .arg("--out")
        .arg(out)
        .assert()
}

#[test]
fn build_prints_one_line_per_feed_and_rebuilds_byte_identically() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let first = build_into(&notice(), &out).success();
    let stdout = String::from_utf8(first.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        15,
        "8 feeds, the notices, the stylesheet and script, the page, the two windows' pages and the manifest: {stdout}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("rms.ics") && l.contains("2 events") && l.contains("bytes")),
        "{stdout}"
    );
    let before = files(&out);

    // A second build in another folder gives the very same bytes.
    let other = dir.path().join("other");
    build_into(&notice(), &other).success();
    assert_eq!(before, files(&other));

    // Rebuilding in place changes nothing and says so.
    build_into(&notice(), &out)
        .success()
        .stdout(predicate::str::contains("(unchanged)"));
    assert_eq!(before, files(&out));
}

/// `build --check` with no options reads `schedules/` and `out/` in the
/// current folder, as CI runs it in an operator's repository (this
/// repository's own are checked by `.ci/run`, not here: they are data).
#[test]
fn build_check_with_the_default_folders_passes_on_a_fresh_build() {
    let dir = tempfile::tempdir().unwrap();
    let schedules = dir.path().join("schedules");
    std::fs::create_dir(&schedules).unwrap();
    for (name, bytes) in files(&notice()) {
        std::fs::write(schedules.join(name), bytes).unwrap();
    }
    maintcal()
        .current_dir(dir.path())
        .arg("build")
        .assert()
        .success();
    maintcal()
        .current_dir(dir.path())
        .args(["build", "--check"])
        .assert()
        .success();
    std::fs::write(dir.path().join("out/rms.ics"), "stale").unwrap();
    maintcal()
        .current_dir(dir.path())
        .args(["build", "--check"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("rms.ics (differs)"));
}

#[test]
fn build_check_fails_naming_stale_and_missing_files_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    build_into(&notice(), &out).success();
    let check = || {
        maintcal()
            .args(["build", "--check", "--schedules"])
            .arg(notice())
            .arg("--out")
            .arg(&out)
            .assert()
    };
    check().success();

    std::fs::write(out.join("rms.ics"), "stale").unwrap();
    std::fs::remove_file(out.join("points.ics")).unwrap();
    check()
        .code(1)
        .stderr(predicate::str::contains("rms.ics (differs)"))
        .stderr(predicate::str::contains("points.ics (missing)"));
    assert_eq!(std::fs::read(out.join("rms.ics")).unwrap(), b"stale");
    assert!(!out.join("points.ics").exists());
}

#[test]
fn invalid_schedules_exit_1_with_every_problem_located() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = maintcal()
        .current_dir(repo_path("tests/cases/typo"))
        .args(["build", "--out"])
        .arg(&out)
        .assert()
        .code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    // Both problems of the file, each with file:line:col and a suggestion.
    assert!(stderr.contains("schedules/shop.toml:4:12"), "{stderr}");
    assert!(stderr.contains("Asia/Tokio: unknown time zone"), "{stderr}");
    assert!(stderr.contains("did you mean `Asia/Tokyo`?"), "{stderr}");
    assert!(stderr.contains("schedules/shop.toml:14:1"), "{stderr}");
    assert!(stderr.contains("unknown key `statuss`"), "{stderr}");
    assert!(stderr.contains("did you mean `status`?"), "{stderr}");
    assert!(
        stderr.contains("error: 2 errors in the schedules; nothing was written"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing may be written");
}

#[test]
fn usage_errors_exit_2() {
    maintcal()
        .args(["build", "--no-such-flag"])
        .assert()
        .code(2);
    maintcal().assert().code(2);
}

#[test]
fn list_json_shows_every_occurrence_and_group_in_local_time() {
    let assert = maintcal()
        .args(["list", "--json", "--group", "rms", "--schedules"])
        .arg(notice())
        .assert()
        .success();
    let rows: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let first = &rows[0];
    assert_eq!(first["group"], "rms");
    assert_eq!(first["group_name"], "RMS サービス");
    assert_eq!(first["window"], "2020-05-17");
    assert_eq!(first["start"], "2020-05-17T02:00:00+09:00");
    assert_eq!(first["end"], "2020-05-17T08:45:00+09:00");
    assert_eq!(first["status"], "confirmed");
    assert!(
        first["services"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(
                {"name": "RMSアプリ", "impact": "partial", "unavailable": "注文管理"}
            ))
    );
    let planned: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r["start"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        planned,
        [
            ("2020-06-14T02:00:00+09:00", "tentative"),
            ("2020-07-12T02:00:00+09:00", "tentative")
        ]
    );
}

#[test]
fn list_filters_by_date_and_rejects_an_unknown_group() {
    maintcal()
        .args([
            "list",
            "--from",
            "2020-06-01",
            "--to",
            "2020-06-30",
            "--schedules",
        ])
        .arg(notice())
        .assert()
        .success()
        .stdout(predicate::str::contains("2020-06-14T02:00:00+09:00"))
        .stdout(predicate::str::contains("2020-05-17").not())
        .stdout(predicate::str::contains("2020-07-12").not());
    maintcal()
        .args(["list", "--group", "rmss", "--schedules"])
        .arg(notice())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `rms`?"));
}
