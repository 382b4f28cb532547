//! Writing the output folder: incremental (unchanged files keep their
//! inode and mtime), atomic (a failed build leaves every previous file
//! byte-identical, and no temporary file behind), owning only what the
//! manifest records, and the faults of issue 5: a read-only folder, a file
//! where the folder should be, a full disk, SIGKILL in the middle of a
//! build, two builds at once.
// Inodes, modes, signals and folder locks: Unix only.
#![cfg(unix)]

use crate::support::internals::{Disk, Output, load_dir, publish, publish_with, render_all};
use crate::support::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// One file as found on disk; the inode changes whenever maintcal replaces
/// a file (it renames a new one into place), whatever the clock's grain.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileState {
    bytes: Vec<u8>,
    inode: u64,
    modified: SystemTime,
}

fn snapshot(dir: &Path) -> BTreeMap<String, FileState> {
    use std::os::unix::fs::MetadataExt;
    published(dir)
        .map(|entry| {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            let name = entry.file_name().into_string().unwrap();
            let bytes = if meta.is_file() {
                std::fs::read(entry.path()).unwrap()
            } else {
                Vec::new()
            };
            (
                name,
                FileState {
                    bytes,
                    inode: meta.ino(),
                    modified: meta.modified().unwrap(),
                },
            )
        })
        .collect()
}

/// Names only: a running build renames its temporary files away.
fn temporaries(dir: &Path) -> Vec<String> {
    published(dir)
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with(".maintcal-"))
        .collect()
}

/// [`build_into`] with the error as text, as the user reads it.
fn build_in(schedules: &Path, out: &Path, extra: &[&str]) -> (Result<(), String>, String, String) {
    let (result, stdout, stderr) = build_into(schedules, out, extra);
    (result.map_err(|e| format!("{e:#}")), stdout, stderr)
}

fn must_build(schedules: &Path, out: &Path) -> String {
    let (result, stdout, stderr) = build_in(schedules, out, &[]);
    result.unwrap_or_else(|e| panic!("{e}\n{stderr}"));
    stdout
}

/// What a build of `schedules` writes, rendered in memory.
fn rendered(schedules: &Path) -> Vec<Output> {
    let loaded = load_dir(schedules).unwrap();
    render_all(&loaded.schedules).unwrap()
}

#[test]
fn a_second_build_rewrites_nothing() {
    let out = tempfile::tempdir().unwrap();
    must_build(&notice(), out.path());
    let first = snapshot(out.path());
    assert_eq!(
        first.len(),
        15,
        "8 feeds, notices.atom, the stylesheet and script, index.html, two windows' pages, feeds.json"
    );
    let stdout = must_build(&notice(), out.path());
    assert_eq!(snapshot(out.path()), first, "inode or mtime changed");
    assert_eq!(stdout.lines().count(), 15);
    assert!(
        stdout.lines().all(|l| l.ends_with("(unchanged)")),
        "{stdout}"
    );
}

#[test]
fn a_changed_window_rewrites_only_the_files_it_touches() {
    let out = tempfile::tempdir().unwrap();
    must_build(&case("publish-before"), out.path());
    let before = snapshot(out.path());
    must_build(&case("publish-after"), out.path());
    let after = snapshot(out.path());
    // The storefront's window did not change.
    assert_eq!(after["web.ics"], before["web.ics"]);
    // The database window moved: its feed, all.ics, the page and the
    // manifest are new.
    for name in [
        "db.ics",
        "all.ics",
        "notices.atom",
        "index.html",
        "feeds.json",
    ] {
        assert_ne!(after[name].bytes, before[name].bytes, "{name}");
        assert_ne!(after[name].inode, before[name].inode, "{name}");
    }
    assert!(temporaries(out.path()).is_empty());
}

#[test]
fn a_removed_groups_feed_disappears_and_foreign_files_survive() {
    let out = tempfile::tempdir().unwrap();
    must_build(&case("publish-before"), out.path());
    std::fs::write(out.path().join("README.txt"), "not maintcal's").unwrap();
    std::fs::write(out.path().join("holidays.ics"), "BEGIN:VCALENDAR").unwrap();
    std::fs::create_dir(out.path().join("assets")).unwrap();
    let stdout = must_build(&case("publish-after"), out.path());
    let after = snapshot(out.path());
    assert!(!after.contains_key("mail.ics"), "{after:?}");
    assert!(
        stdout.contains("mail.ics  removed (no longer produced)"),
        "{stdout}"
    );
    assert_eq!(after["README.txt"].bytes, b"not maintcal's");
    assert_eq!(after["holidays.ics"].bytes, b"BEGIN:VCALENDAR");
    assert!(out.path().join("assets").is_dir());
    let names: Vec<&str> = after.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "README.txt",
            "all.ics",
            "assets",
            "db.ics",
            "feeds.json",
            "holidays.ics",
            "index.html",
            "maintcal.css",
            "maintcal.js",
            "notices.atom",
            "shop.db-june.html",
            "shop.web-june.html",
            "web.ics"
        ]
    );
}

#[test]
fn an_unproduced_file_changed_by_hand_is_left_with_a_warning() {
    let out = tempfile::tempdir().unwrap();
    must_build(&case("publish-before"), out.path());
    std::fs::write(out.path().join("mail.ics"), "edited by hand").unwrap();
    let (result, _, stderr) = build_in(&case("publish-after"), out.path(), &[]);
    result.unwrap();
    assert_eq!(
        std::fs::read(out.path().join("mail.ics")).unwrap(),
        b"edited by hand"
    );
    assert!(
        stderr.contains("mail.ics in place: an earlier build wrote it, but it has changed since"),
        "{stderr}"
    );
}

#[test]
fn a_record_naming_files_outside_the_folder_is_not_acted_on() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    must_build(&case("publish-before"), &out);
    let victim = root.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    // A hand-edited record that claims the victim, with its true hash.
    let manifest_path = out.join("feeds.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    let sha = sha256_hex(b"keep me");
    std::fs::write(out.join(".hidden"), "keep me").unwrap();
    for name in ["../victim.txt", victim.to_str().unwrap(), ".hidden"] {
        manifest["files"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({ "file": name, "sha256": sha }));
    }
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    must_build(&case("publish-after"), &out);
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
    assert_eq!(std::fs::read(out.join(".hidden")).unwrap(), b"keep me");
}

#[test]
fn build_check_names_every_stale_file_including_page_manifest_and_removals() {
    let out = tempfile::tempdir().unwrap();
    must_build(&case("publish-before"), out.path());
    let (result, stdout, _) = build_in(&case("publish-before"), out.path(), &["--check"]);
    result.unwrap();
    assert!(stdout.contains("12 files up to date"), "{stdout}");
    let before = snapshot(out.path());
    let (result, _, _) = build_in(&case("publish-after"), out.path(), &["--check"]);
    let error = result.unwrap_err();
    for expected in [
        "db.ics (differs)",
        "all.ics (differs)",
        "index.html (differs)",
        "feeds.json (differs)",
        "notices.atom (differs)",
        "mail.ics (no longer produced)",
        "shop.mail-june.html (no longer produced)",
        "run `maintcal build` and commit the result",
    ] {
        assert!(error.contains(expected), "{expected} in {error}");
    }
    assert!(!error.contains("web.ics"), "{error}");
    assert_eq!(snapshot(out.path()), before, "--check wrote something");
}

#[test]
fn an_invalid_schedule_leaves_the_folder_untouched() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    must_build(&case("publish-before"), &out);
    let before = snapshot(&out);
    let broken = root.path().join("schedules");
    std::fs::create_dir(&broken).unwrap();
    let text = std::fs::read_to_string(case("publish-after").join("shop.toml")).unwrap();
    std::fs::write(
        broken.join("shop.toml"),
        text.replace("end = 05:00", "end = 25:00"),
    )
    .unwrap();
    let (result, _, _) = build_in(&broken, &out, &[]);
    assert!(result.is_err());
    assert_eq!(snapshot(&out), before);
}

// ---- faults -----------------------------------------------------------------

/// A disk with `room` bytes left: writes what fits, then fails as a full
/// disk does.
struct FullDisk {
    room: std::cell::Cell<usize>,
}

impl Disk for FullDisk {
    fn write(&self, file: &mut std::fs::File, bytes: &[u8]) -> std::io::Result<()> {
        let fits = bytes.len().min(self.room.get());
        file.write_all(&bytes[..fits])?;
        self.room.set(self.room.get() - fits);
        if fits < bytes.len() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "No space left on device",
            ));
        }
        Ok(())
    }
}

#[test]
fn a_full_disk_at_any_point_leaves_the_previous_files_byte_identical() {
    let out = tempfile::tempdir().unwrap();
    must_build(&case("publish-before"), out.path());
    let before = snapshot(out.path());
    let outputs = rendered(&case("publish-after"));
    let changed: usize = outputs
        .iter()
        .filter(|o| before.get(&o.file_name).is_none_or(|f| f.bytes != o.bytes))
        .map(|o| o.bytes.len())
        .sum();
    // Full from the start, in the first file, just after it, and one byte
    // short of the whole build.
    let first = outputs
        .iter()
        .find(|o| before[&o.file_name].bytes != o.bytes)
        .unwrap()
        .bytes
        .len();
    for room in [0, first / 2, first, changed - 1] {
        let disk = FullDisk {
            room: std::cell::Cell::new(room),
        };
        let error = publish_with(out.path(), &outputs, &disk).unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains("No space left on device"), "{message}");
        assert!(
            message.contains(&format!(
                "so nothing in {} was changed",
                out.path().display()
            )),
            "{message}"
        );
        assert_eq!(snapshot(out.path()), before, "room for {room} bytes");
    }
    // With room enough, the same outputs go through.
    let disk = FullDisk {
        room: std::cell::Cell::new(changed),
    };
    publish_with(out.path(), &outputs, &disk).unwrap();
    assert_eq!(
        std::fs::read(out.path().join("db.ics")).unwrap(),
        outputs
            .iter()
            .find(|o| o.file_name == "db.ics")
            .unwrap()
            .bytes
    );
}

/// Unmounts when dropped, also when the test fails.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
#[ignore = "mounts a tiny tmpfs, so it needs root; .ci/run runs it (cargo test -- --ignored)"]
fn a_really_full_disk_leaves_the_previous_files_byte_identical() {
    let root = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "maintcal-test"])
        .arg(root.path())
        .status()
        .unwrap();
    assert!(
        status.success(),
        "cannot mount a tmpfs here: this test needs root"
    );
    let mounted = Mounted(root.path().to_owned());
    let out = root.path().join("out");
    must_build(&case("publish-before"), &out);
    // Fill the disk to the last byte, with a file maintcal does not own.
    let mut filler = std::fs::File::create(out.join("filler")).unwrap();
    let chunk = vec![0u8; 4096];
    let mut size = chunk.len();
    while size > 0 {
        if filler.write_all(&chunk[..size]).is_err() {
            size /= 2;
        }
    }
    drop(filler);
    let before = snapshot(&out);
    let (result, _, _) = build_in(&case("publish-after"), &out, &[]);
    let error = result.unwrap_err();
    assert!(
        error.contains(&format!("so nothing in {} was changed", out.display())),
        "{error}"
    );
    assert!(error.contains("No space left on device"), "{error}");
    assert_eq!(snapshot(&out), before);
    assert!(temporaries(&out).is_empty());
    // With room again, the same build goes through.
    std::fs::remove_file(out.join("filler")).unwrap();
    must_build(&case("publish-after"), &out);
    drop(mounted);
}

#[test]
fn a_file_where_the_out_folder_should_be_is_left_alone() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    std::fs::write(&out, "my notes").unwrap();
    let (result, _, _) = build_in(&case("publish-before"), &out, &[]);
    let error = result.unwrap_err();
    assert!(
        error.contains(&format!(
            "the output folder {} is a file, not a folder",
            out.display()
        )),
        "{error}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"my notes");
}

#[test]
fn a_folder_where_a_feed_should_be_stops_the_build_before_any_write() {
    let out = tempfile::tempdir().unwrap();
    must_build(&case("publish-before"), out.path());
    std::fs::remove_file(out.path().join("web.ics")).unwrap();
    std::fs::create_dir(out.path().join("web.ics")).unwrap();
    let before = snapshot(out.path());
    let (result, _, _) = build_in(&case("publish-after"), out.path(), &[]);
    let error = result.unwrap_err();
    assert!(
        error.contains(
            "web.ics is a folder, not a file maintcal wrote, so this build changed nothing"
        ),
        "{error}"
    );
    assert_eq!(snapshot(out.path()), before);
}

#[test]
fn a_read_only_out_folder_is_reported_and_left_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = root.path().join("out");
    must_build(&case("publish-before"), &out);
    let before = snapshot(&out);
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores the mode: then the build runs as `nobody`, for whom
    // the folder is read-only.
    let probe = out.join("probe");
    let privileged = std::fs::write(&probe, "").is_ok();
    let _ = std::fs::remove_file(&probe);
    let (ok, message) = if privileged {
        use std::os::unix::process::CommandExt;
        // `nobody` may not be able to read the checkout (a clone in a
        // private temporary folder): give it its own copy of the schedules.
        let schedules = root.path().join("schedules");
        std::fs::create_dir(&schedules).unwrap();
        for (name, bytes) in files(&case("publish-after")) {
            std::fs::write(schedules.join(name), bytes).unwrap();
        }
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_maintcal"))
            .args(["build", "--schedules"])
            .arg(&schedules)
            .arg("--out")
            .arg(&out)
            .uid(65534)
            .gid(65534)
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8(output.stderr).unwrap(),
        )
    } else {
        let (result, _, _) = build_in(&case("publish-after"), &out, &[]);
        (result.is_ok(), result.err().unwrap_or_default())
    };
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(!ok, "{message}");
    assert!(
        message.contains(&format!(
            "so nothing in {} was changed: cannot create a file in {} (is the folder writable?): Permission denied",
            out.display(),
            out.display()
        )),
        "{message}"
    );
    assert_eq!(snapshot(&out), before);
}

#[test]
fn a_second_build_while_one_holds_the_folder_changes_nothing() {
    let out = tempfile::tempdir().unwrap();
    must_build(&case("publish-before"), out.path());
    let before = snapshot(out.path());
    // What a running build holds: an exclusive lock on the folder itself.
    let held = std::fs::File::open(out.path()).unwrap();
    held.lock().unwrap();
    let (result, _, _) = build_in(&case("publish-after"), out.path(), &[]);
    let error = result.unwrap_err();
    assert!(
        error.contains(&format!(
            "another maintcal build is writing to {} right now, so this one changed nothing",
            out.path().display()
        )),
        "{error}"
    );
    assert_eq!(snapshot(out.path()), before);
    drop(held);
    must_build(&case("publish-after"), out.path());
}

/// Schedules with `groups` groups (so a build writes that many files plus
/// two), one window over all of them at `hour`. Generated rather than a
/// fixture: only the number of files matters, to make a build long enough
/// to be caught in the middle.
fn many_groups(dir: &Path, groups: usize, hour: u32) {
    let mut text = String::from(
        "[calendar]\nid = \"many\"\nname = \"Many\"\ntimezone = \"Europe/Paris\"\nlanguage = \"en\"\n",
    );
    for g in 0..groups {
        text.push_str(&format!(
            "\n[groups.g{g}]\nname = \"Group {g}\"\nservices = [\"s\"]\n"
        ));
    }
    text.push_str(&format!(
        // The revision follows the hours: a build of a later set over an
        // earlier one raises SEQUENCE, as a real change must.
        "\n[windows.w]\ndate = 2021-06-06\nstart = {hour:02}:00\nend = {:02}:00\nstatus = \"confirmed\"\nrevised = 2021-05-01T00:00:00Z\nrevision = {hour}\n",
        hour + 1
    ));
    for g in 0..groups {
        text.push_str(&format!("\n[windows.w.impact.g{g}]\nstops = [\"s\"]\n"));
    }
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("many.toml"), text).unwrap();
}

fn spawn_build(schedules: &Path, out: &Path) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_maintcal"))
        .arg("build")
        .arg("--schedules")
        .arg(schedules)
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Every file in `out` is whole: byte for byte as the old build or as the
/// new build wrote it (temporary files aside), and none has gone.
fn assert_whole(out: &Path, old: &[Output], new: &[Output]) {
    let now = snapshot(out);
    for (name, state) in &now {
        if name.starts_with(".maintcal-") {
            continue;
        }
        let was = old.iter().find(|o| &o.file_name == name).map(|o| &o.bytes);
        let will = new.iter().find(|o| &o.file_name == name).map(|o| &o.bytes);
        assert!(
            Some(&state.bytes) == was || Some(&state.bytes) == will,
            "{name} is neither the old nor the new file"
        );
    }
    for output in old {
        assert!(
            now.contains_key(&output.file_name),
            "{} is gone",
            output.file_name
        );
    }
}

#[test]
fn sigkill_in_the_middle_of_a_build_leaves_every_file_whole() {
    let root = tempfile::tempdir().unwrap();
    let (old_schedules, new_schedules) = (root.path().join("old"), root.path().join("new"));
    many_groups(&old_schedules, 20, 1);
    many_groups(&new_schedules, 20, 2);
    let (old, new) = (rendered(&old_schedules), rendered(&new_schedules));
    let out = root.path().join("out");
    let mut caught = 0;
    // Kill once the build has staged one file, and once it has staged all.
    for target in [1, new.len()] {
        let _ = std::fs::remove_dir_all(&out);
        publish(&out, &old).unwrap();
        let mut child = spawn_build(&new_schedules, &out);
        loop {
            if child.try_wait().unwrap().is_some() {
                break; // finished before it could be caught
            }
            if temporaries(&out).len() >= target {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                caught += 1;
                break;
            }
        }
        assert_whole(&out, &old, &new);
        // The next build finishes the job and clears what the killed one left.
        let left = temporaries(&out).len();
        let (result, _, stderr) = build_in(&new_schedules, &out, &[]);
        result.unwrap();
        assert_eq!(
            stderr
                .matches("left behind by an interrupted build")
                .count(),
            left,
            "{stderr}"
        );
        assert!(temporaries(&out).is_empty());
        for output in &new {
            assert_eq!(
                std::fs::read(out.join(&output.file_name)).unwrap(),
                output.bytes
            );
        }
    }
    eprintln!("caught {caught} of 2 builds in the middle");
    assert!(caught >= 1, "no build was caught in the middle");
}

#[test]
fn two_builds_at_once_never_mix_their_files() {
    let root = tempfile::tempdir().unwrap();
    let schedules = root.path().join("schedules");
    many_groups(&schedules, 20, 3);
    let old = rendered(&case("publish-before"));
    let new = rendered(&schedules);
    let out = root.path().join("out");
    for _ in 0..2 {
        let _ = std::fs::remove_dir_all(&out);
        publish(&out, &old).unwrap();
        let first = spawn_build(&schedules, &out);
        let second = spawn_build(&schedules, &out);
        let mut succeeded = 0;
        for child in [first, second] {
            let output = child.wait_with_output().unwrap();
            if output.status.success() {
                succeeded += 1;
            } else {
                let stderr = String::from_utf8(output.stderr).unwrap();
                assert!(
                    stderr.contains("another maintcal build is writing to"),
                    "{stderr}"
                );
            }
        }
        assert!(succeeded >= 1);
        assert!(temporaries(&out).is_empty());
        for output in &new {
            assert_eq!(
                std::fs::read(out.join(&output.file_name)).unwrap(),
                output.bytes
            );
        }
    }
}
