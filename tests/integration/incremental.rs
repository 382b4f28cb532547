//! Rebuilds (issue 13): a rebuild with nothing changed renders and writes
//! nothing; after one window changed, only the feeds that hold it (its
//! groups' and `all`) are planned and rendered again; a file edited or
//! deleted by hand is rendered again whatever the build record says, and
//! `build --check` still compares bytes. The bytes are always those of a
//! full build into an empty folder.
// Inodes: Unix only.
#![cfg(unix)]

use crate::support::*;
use std::path::{Path, PathBuf};

/// A copy of the features case's schedules, to edit.
fn features() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = case("features").join("ops.toml");
    std::fs::create_dir(dir.path().join("schedules")).unwrap();
    std::fs::copy(from, dir.path().join("schedules/ops.toml")).unwrap();
    dir
}

/// `maintcal build` as a user runs it (the binary), with the phase timings
/// on: (stdout, stderr).
fn build_binary(schedules: &Path, out: &Path) -> (String, String) {
    let output = maintcal()
        .env("MAINTCAL_TIMINGS", "1")
        .args(["build", "--schedules"])
        .arg(schedules)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{stdout}\n{stderr}");
    (stdout, stderr)
}

/// Every file of `dir` but the build record, with its inode.
fn state(dir: &Path) -> Vec<(String, u64, Vec<u8>)> {
    use std::os::unix::fs::MetadataExt;
    let mut state: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| !path.ends_with(BUILD_RECORD))
        .map(|path: PathBuf| {
            let inode = std::fs::metadata(&path).unwrap().ino();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, inode, std::fs::read(&path).unwrap())
        })
        .collect();
    state.sort();
    state
}

/// The files a full build of `schedules` into an empty folder writes.
fn fresh(schedules: &Path) -> Vec<(String, Vec<u8>)> {
    let out = build(schedules);
    files(out.path())
}

fn without_inodes(state: Vec<(String, u64, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    state
        .into_iter()
        .map(|(name, _, bytes)| (name, bytes))
        .collect()
}

#[test]
fn a_rebuild_with_nothing_changed_parses_renders_and_writes_nothing() {
    let dir = features();
    let (schedules, out) = (dir.path().join("schedules"), dir.path().join("out"));
    let (first, _) = build_binary(&schedules, &out);
    let before = state(&out);
    let (second, stderr) = build_binary(&schedules, &out);
    assert!(
        stderr.contains("timing: skipped: nothing changed"),
        "{stderr}"
    );
    assert!(!stderr.contains("timing: load"), "{stderr}");
    assert_eq!(state(&out), before, "no file was touched");
    // The same report, every file unchanged.
    let unchanged: Vec<String> = first
        .lines()
        .map(|line| format!("{line}  (unchanged)"))
        .collect();
    assert_eq!(second.lines().collect::<Vec<_>>(), unchanged);
}

#[test]
fn after_one_window_changed_only_the_feeds_that_hold_it_are_rendered() {
    let dir = features();
    let (schedules, out) = (dir.path().join("schedules"), dir.path().join("out"));
    build_binary(&schedules, &out);
    let before = state(&out);
    // `monthly` impacts the database group only. Revised as one does (a
    // new `revised`, and a `revision` so that its SEQUENCE rises), it
    // becomes the newest `revised`: maintcal's "now" moves too.
    let file = schedules.join("ops.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let changed = text.replacen(
        "end = 06:00\nstatus = \"tentative\"\nrevised = 2020-12-01T00:00:00+09:00",
        "end = 05:00\nstatus = \"tentative\"\nrevised = 2021-06-01T00:00:00+09:00\nrevision = 1",
        1,
    );
    assert_ne!(changed, text);
    std::fs::write(&file, changed).unwrap();
    let (_, stderr) = build_binary(&schedules, &out);
    assert!(
        stderr.contains("plan, render and stage (2 of 3 feeds rendered)"),
        "{stderr}"
    );
    let after = state(&out);
    let inode = |state: &[(String, u64, Vec<u8>)], name: &str| {
        state.iter().find(|(n, _, _)| n == name).unwrap().1
    };
    assert_eq!(inode(&after, "api.ics"), inode(&before, "api.ics"));
    assert_ne!(inode(&after, "db.ics"), inode(&before, "db.ics"));
    assert_ne!(inode(&after, "all.ics"), inode(&before, "all.ics"));
    // Byte for byte what a build into an empty folder writes.
    assert_eq!(without_inodes(after), fresh(&schedules));
    // And, nothing changed since, the next build is skipped.
    let (_, stderr) = build_binary(&schedules, &out);
    assert!(stderr.contains("timing: skipped"), "{stderr}");
}

#[test]
fn a_feed_edited_or_deleted_by_hand_is_rendered_again() {
    let dir = features();
    let (schedules, out) = (dir.path().join("schedules"), dir.path().join("out"));
    build_binary(&schedules, &out);
    let expected = fresh(&schedules);
    // Same size, other bytes: only the bytes tell.
    let feed = out.join("api.ics");
    let mut bytes = std::fs::read(&feed).unwrap();
    let at = bytes.len() - 20;
    bytes[at] = if bytes[at] == b'X' { b'Y' } else { b'X' };
    std::fs::write(&feed, &bytes).unwrap();
    let (stdout, stderr) = build_binary(&schedules, &out);
    assert!(
        stderr.contains("(1 of 3 feeds rendered)"),
        "{stdout}\n{stderr}"
    );
    assert_eq!(without_inodes(state(&out)), expected);
    std::fs::remove_file(&feed).unwrap();
    let (_, stderr) = build_binary(&schedules, &out);
    assert!(stderr.contains("(1 of 3 feeds rendered)"), "{stderr}");
    assert_eq!(without_inodes(state(&out)), expected);
}

#[test]
fn check_compares_bytes_whatever_the_record_says() {
    let dir = features();
    let (schedules, out) = (dir.path().join("schedules"), dir.path().join("out"));
    build_binary(&schedules, &out);
    // Edited by hand, then given back its size and times: only the bytes
    // differ from what the record says of the file.
    let feed = out.join("db.ics");
    let meta = std::fs::metadata(&feed).unwrap();
    let mut bytes = std::fs::read(&feed).unwrap();
    bytes[10] ^= 0x20;
    std::fs::write(&feed, &bytes).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&feed)
        .unwrap()
        .set_modified(meta.modified().unwrap())
        .unwrap();
    let (result, _, _) = build_into(&schedules, &out, &["--check"]);
    let error = format!("{:#}", result.unwrap_err());
    assert!(error.contains("db.ics (differs)"), "{error}");
}

#[test]
fn a_skipped_build_still_says_there_were_warnings() {
    let dir = features();
    let (schedules, out) = (dir.path().join("schedules"), dir.path().join("out"));
    // A window on the database group that leaves out some of its services
    // (a warning).
    let file = schedules.join("ops.toml");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(
        "\n[windows.extra]\ndate = 2021-06-01\nstart = 01:00\nend = 02:00\nstatus = \"confirmed\"\n\
         revised = 2021-05-01T00:00:00Z\n\n[windows.extra.impact.db]\nstops = [\"replica\"]\n",
    );
    std::fs::write(&file, text).unwrap();
    let (_, first) = build_binary(&schedules, &out);
    let warnings = first
        .lines()
        .filter(|line| line.starts_with("warning: "))
        .count();
    assert!(warnings > 0, "{first}");
    let (_, second) = build_binary(&schedules, &out);
    assert!(second.contains("timing: skipped"), "{second}");
    let said = format!(
        "warning: the schedules have {warnings} warning{} (unchanged since the last build",
        if warnings == 1 { "" } else { "s" }
    );
    assert!(second.contains(&said), "{said}\n{second}");
    assert!(second.contains("`maintcal check --schedules"), "{second}");
}
