//! Nothing lost, nothing misreported (issue 12): the binary, run as a
//! careless or hostile user would run it.
//!
//! - Files maintcal never wrote are never overwritten: a hand-written page,
//!   a foreign `feeds.json`, a template folder given as `--out`.
//! - A killed build never leaves a mixed set unnoticed (the kill loop is
//!   `#[ignore]`d: `cargo test --test integration nothing_lost:: -- --ignored`).
//! - The exit status tells whether the build happened, whatever becomes of
//!   the printing: closed pipes and full devices on stdout and stderr.
//!
//! Self-contained (its own helpers), so it can move into another test
//! binary as it is.
// Pipes, signals and /dev/full: Unix only.
#![cfg(unix)]

use crate::support::published;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn maintcal() -> Command {
    Command::new(env!("CARGO_BIN_EXE_maintcal"))
}

/// One calendar with `groups` groups, all stopped by one window at `hour`
/// (so that moving the hour changes every feed), and, if `overlap`, a second
/// window inside the first in group 0, which gives a warning on stderr.
fn write_schedules(dir: &Path, groups: usize, hour: u32, overlap: bool) {
    let mut text = String::from(
        "[calendar]\nid = \"many\"\nname = \"Many\"\ntimezone = \"Europe/Paris\"\nlanguage = \"en\"\n",
    );
    for g in 0..groups {
        text.push_str(&format!(
            "\n[groups.g{g}]\nname = \"Group {g}\"\nservices = [\"s\"]\n"
        ));
    }
    text.push_str(&format!(
        "\n[windows.w]\nevery = \"month\"\non = \"2nd sunday\"\nfrom = 2021-01-01\ncount = 12\nstart = {hour:02}:00\nend = {:02}:00\nstatus = \"confirmed\"\nrevised = 2021-05-01T00:00:00Z\n",
        hour + 2
    ));
    for g in 0..groups {
        text.push_str(&format!("\n[windows.w.impact.g{g}]\nstops = [\"s\"]\n"));
    }
    if overlap {
        text.push_str(&format!(
            "\n[windows.inside]\ndate = 2021-02-14\nstart = {:02}:30\nend = {:02}:00\nstatus = \"confirmed\"\nrevised = 2021-05-01T00:00:00Z\nimpact.g0.stops = [\"s\"]\n",
            hour,
            hour + 3
        ));
    }
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("many.toml"), text).unwrap();
}

/// Every entry of `dir` but maintcal's hidden ones, with its bytes (empty
/// for a folder).
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    published(dir)
        .map(|entry| entry.unwrap())
        .filter_map(|entry| {
            let name = entry.file_name().into_string().unwrap();
            if name.starts_with(".maintcal-") {
                return None;
            }
            let bytes = if entry.path().is_file() {
                std::fs::read(entry.path()).unwrap()
            } else {
                Vec::new()
            };
            Some((name, bytes))
        })
        .collect()
}

fn build_args(schedules: &Path, out: &Path) -> Vec<std::ffi::OsString> {
    vec![
        "build".into(),
        "--schedules".into(),
        schedules.into(),
        "--out".into(),
        out.into(),
        // These builds go back and forth between schedule sets without
        // raising revisions, which the SEQUENCE check would refuse (it is
        // tested in `diagnostics`): no previous build to compare with.
        "--previous".into(),
        schedules.with_extension("no-previous-build").into(),
    ]
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A pipe whose reading end is already closed: every write to it fails
/// with EPIPE, as when `grep -q` or `head` has stopped reading.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer
}

fn dev_full() -> Stdio {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap()
        .into()
}

/// The build of `schedules` into a fresh folder, for comparison.
fn reference(schedules: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let status = maintcal()
        .args(build_args(schedules, out.path()))
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", text(&status.stderr));
    contents(out.path())
}

fn exit_code(output: &Output) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        output.status.signal(),
        None,
        "maintcal died of a signal: {}",
        text(&output.stderr)
    );
    output.status.code()
}

// ---- the exit status tells the truth -----------------------------------------

#[test]
fn a_build_whose_output_and_warnings_go_to_a_closed_pipe_still_succeeds() {
    // `maintcal build 2>&1 | grep -q warning`: grep stops reading at the
    // first warning.
    let root = tempfile::tempdir().unwrap();
    let schedules = root.path().join("schedules");
    write_schedules(&schedules, 3, 2, true);
    let out = root.path().join("out");
    let pipe = closed_pipe();
    let output = maintcal()
        .args(build_args(&schedules, &out))
        .stdout(pipe.try_clone().unwrap())
        .stderr(pipe)
        .output()
        .unwrap();
    assert_eq!(exit_code(&output), Some(0));
    assert_eq!(contents(&out), reference(&schedules));
}

#[test]
fn a_build_whose_warnings_cannot_be_written_still_succeeds() {
    let root = tempfile::tempdir().unwrap();
    let schedules = root.path().join("schedules");
    write_schedules(&schedules, 3, 2, true);
    for stderr in [Stdio::from(closed_pipe()), dev_full()] {
        let out = root.path().join("out");
        let _ = std::fs::remove_dir_all(&out);
        let output = maintcal()
            .args(build_args(&schedules, &out))
            .stderr(stderr)
            .output()
            .unwrap();
        assert_eq!(exit_code(&output), Some(0));
        assert!(text(&output.stdout).contains("g0.ics"));
        assert_eq!(contents(&out), reference(&schedules));
    }
}

#[test]
fn a_build_whose_report_cannot_be_written_succeeds_and_says_so_on_stderr() {
    let root = tempfile::tempdir().unwrap();
    let schedules = root.path().join("schedules");
    write_schedules(&schedules, 3, 2, false);
    let out = root.path().join("out");
    let output = maintcal()
        .args(build_args(&schedules, &out))
        .stdout(dev_full())
        .output()
        .unwrap();
    assert_eq!(exit_code(&output), Some(0), "{}", text(&output.stderr));
    assert_eq!(contents(&out), reference(&schedules));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("could not print") && stderr.contains("No space left on device"),
        "{stderr}"
    );
    assert!(stderr.contains("was updated"), "{stderr}");
}

#[test]
fn a_failed_build_fails_even_when_nothing_can_be_printed() {
    let root = tempfile::tempdir().unwrap();
    let schedules = root.path().join("schedules");
    std::fs::create_dir(&schedules).unwrap();
    std::fs::write(schedules.join("bad.toml"), "[calendar\n").unwrap();
    let out = root.path().join("out");
    let pipe = closed_pipe();
    let output = maintcal()
        .args(build_args(&schedules, &out))
        .stdout(pipe.try_clone().unwrap())
        .stderr(pipe)
        .output()
        .unwrap();
    assert_eq!(exit_code(&output), Some(1));
    assert!(!out.exists());
    let output = maintcal()
        .args(build_args(&schedules, &out))
        .stderr(dev_full())
        .output()
        .unwrap();
    assert_eq!(exit_code(&output), Some(1));
}

#[test]
fn list_into_a_closed_pipe_ends_quietly_with_success() {
    // `maintcal list | head -1`
    let root = tempfile::tempdir().unwrap();
    let schedules = root.path().join("schedules");
    write_schedules(&schedules, 3, 2, false);
    let output = maintcal()
        .arg("list")
        .arg("--schedules")
        .arg(&schedules)
        .stdout(closed_pipe())
        .output()
        .unwrap();
    assert_eq!(exit_code(&output), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stderr), "");
}

#[test]
fn output_that_cannot_be_written_for_another_reason_is_an_error() {
    let root = tempfile::tempdir().unwrap();
    let schedules = root.path().join("schedules");
    write_schedules(&schedules, 3, 2, false);
    let runs: [&[&str]; 4] = [&["--help"], &["--version"], &["list"], &["check"]];
    for args in runs {
        let mut command = maintcal();
        command.args(args);
        if args[0] == "list" || args[0] == "check" {
            command.arg("--schedules").arg(&schedules);
        }
        let output = command.stdout(dev_full()).output().unwrap();
        assert_eq!(exit_code(&output), Some(1), "{args:?}");
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains("No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}

// ---- files maintcal never wrote are never overwritten -------------------------

/// Every entry of `dir`, hidden ones too, with its bytes and mtime, and the
/// folder's own mtime: a build refused must not even have staged a file.
fn everything(
    dir: &Path,
) -> (
    std::time::SystemTime,
    BTreeMap<String, (Vec<u8>, std::time::SystemTime)>,
) {
    let entries = published(dir)
        .map(|entry| {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            let bytes = if meta.is_file() {
                std::fs::read(entry.path()).unwrap()
            } else {
                Vec::new()
            };
            (
                entry.file_name().into_string().unwrap(),
                (bytes, meta.modified().unwrap()),
            )
        })
        .collect();
    (std::fs::metadata(dir).unwrap().modified().unwrap(), entries)
}

/// Builds `schedules` into `out`, which must be refused: fails naming every
/// one of `files` and saying what to do, and leaves `out` exactly as it was.
fn assert_refused(schedules: &Path, out: &Path, files: &[&str]) {
    let before = everything(out);
    // Past the file system's timestamp grain, so a change would show.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let output = maintcal()
        .args(build_args(schedules, out))
        .output()
        .unwrap();
    assert_eq!(exit_code(&output), Some(1));
    let stderr = text(&output.stderr);
    for file in files {
        assert!(
            stderr.contains(&out.join(file).display().to_string()),
            "{file} not named: {stderr}"
        );
    }
    assert!(stderr.contains("maintcal did not write"), "{stderr}");
    assert!(stderr.contains("so this build changed nothing"), "{stderr}");
    assert!(stderr.contains("Move"), "no advice: {stderr}");
    assert_eq!(everything(out), before, "the folder changed");
}

#[test]
fn a_hand_written_page_in_a_folder_maintcal_never_built_is_not_overwritten() {
    let root = tempfile::tempdir().unwrap();
    let schedules = root.path().join("schedules");
    write_schedules(&schedules, 3, 2, false);
    let out = root.path().join("site");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("index.html"), "<h1>my own page</h1>").unwrap();
    std::fs::write(out.join("all.ics"), "BEGIN:VCALENDAR\r\n").unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    // Even what a killed build left stays until a build goes through.
    std::fs::write(out.join(".maintcal-Ab12Cd.tmp"), "half").unwrap();
    assert_refused(&schedules, &out, &["index.html", "all.ics"]);
}

#[test]
fn a_feeds_json_maintcal_did_not_write_is_not_overwritten() {
    let root = tempfile::tempdir().unwrap();
    let schedules = root.path().join("schedules");
    write_schedules(&schedules, 3, 2, false);
    let out = root.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(
        out.join("feeds.json"),
        r#"{"generator":"other","feeds":[]}"#,
    )
    .unwrap();
    assert_refused(&schedules, &out, &["feeds.json"]);
    std::fs::write(out.join("feeds.json"), "not json").unwrap();
    assert_refused(&schedules, &out, &["feeds.json"]);
}

#[test]
fn the_template_folder_given_as_out_is_not_overwritten() {
    // `maintcal build --out templates` in the repository, on a copy.
    let root = tempfile::tempdir().unwrap();
    let schedules = root.path().join("schedules");
    write_schedules(&schedules, 3, 2, false);
    let templates = root.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for entry in std::fs::read_dir(repo).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), templates.join(entry.file_name())).unwrap();
        }
    }
    assert_refused(&schedules, &templates, &["index.html"]);
}

#[test]
fn a_hand_written_file_at_a_new_feeds_name_is_not_overwritten() {
    let root = tempfile::tempdir().unwrap();
    let (three, four) = (root.path().join("three"), root.path().join("four"));
    write_schedules(&three, 3, 2, false);
    write_schedules(&four, 4, 2, false);
    let out = root.path().join("out");
    let built = maintcal().args(build_args(&three, &out)).output().unwrap();
    assert_eq!(exit_code(&built), Some(0));
    // Not in the record: maintcal has never written g3.ics.
    std::fs::write(out.join("g3.ics"), "someone else's calendar").unwrap();
    assert_refused(&four, &out, &["g3.ics"]);
    // Moved away, the build goes through.
    std::fs::remove_file(out.join("g3.ics")).unwrap();
    let built = maintcal().args(build_args(&four, &out)).output().unwrap();
    assert_eq!(exit_code(&built), Some(0));
    assert_eq!(contents(&out), reference(&four));
}

#[test]
fn a_first_build_beside_other_files_and_rebuilds_over_its_own_go_through() {
    let root = tempfile::tempdir().unwrap();
    let (old, new) = (root.path().join("old"), root.path().join("new"));
    write_schedules(&old, 3, 2, false);
    write_schedules(&new, 2, 4, false);
    let out = root.path().join("public");
    std::fs::create_dir_all(out.join("assets")).unwrap();
    std::fs::write(out.join("CNAME"), "cal.example.com").unwrap();
    for schedules in [&old, &new, &old] {
        let built = maintcal()
            .args(build_args(schedules, &out))
            .output()
            .unwrap();
        assert_eq!(exit_code(&built), Some(0), "{}", text(&built.stderr));
        let mut expected = reference(schedules);
        expected.insert("CNAME".into(), b"cal.example.com".to_vec());
        expected.insert("assets".into(), Vec::new());
        assert_eq!(contents(&out), expected);
    }
}

// ---- a killed build never leaves a mixed set unnoticed -------------------------

const UNFINISHED: &str = ".maintcal-unfinished";

fn check(schedules: &Path, out: &Path) -> Output {
    maintcal()
        .args(build_args(schedules, out))
        .arg("--check")
        .output()
        .unwrap()
}

/// After a stopped build: `build --check` fails and says why, whichever
/// schedules it is given; then `build` of `next` leaves exactly `expected`
/// (its set and the foreign files), and nothing of maintcal's hidden.
fn assert_detected_and_repaired(
    out: &Path,
    versions: [&Path; 2],
    next: &Path,
    expected: &BTreeMap<String, Vec<u8>>,
) {
    for schedules in versions {
        let checked = check(schedules, out);
        assert_eq!(exit_code(&checked), Some(1));
        let stderr = text(&checked.stderr);
        assert!(
            stderr.contains(
                "a build was stopped while replacing files, so the folder may mix two builds"
            ),
            "{stderr}"
        );
    }
    let built = maintcal().args(build_args(next, out)).output().unwrap();
    assert_eq!(exit_code(&built), Some(0), "{}", text(&built.stderr));
    assert!(
        text(&built.stderr).contains("held files of two builds"),
        "{}",
        text(&built.stderr)
    );
    assert_eq!(&contents(out), expected);
    let hidden: Vec<_> = published(out)
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(".maintcal-"))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
    assert_eq!(exit_code(&check(next, out)), Some(0));
}

#[test]
fn a_set_left_mixed_is_detected_and_the_next_build_replaces_all_of_it() {
    // What a build from `old` to `new` leaves when it is killed after
    // renaming some files: the mark with the new record, a new feed (g0),
    // a feed of a group `old` did not have (g3), the rest old.
    let root = tempfile::tempdir().unwrap();
    let (old, new) = (root.path().join("old"), root.path().join("new"));
    write_schedules(&old, 3, 2, false);
    write_schedules(&new, 4, 5, false);
    let (old_set, new_set) = (reference(&old), reference(&new));
    let foreign = BTreeMap::from([("CNAME".to_owned(), b"cal.example.com".to_vec())]);
    for next in [&old, &new] {
        let out = root.path().join("out");
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir(&out).unwrap();
        for (name, bytes) in old_set.iter().chain(&foreign) {
            std::fs::write(out.join(name), bytes).unwrap();
        }
        for name in ["g0.ics", "g3.ics"] {
            std::fs::write(out.join(name), &new_set[name]).unwrap();
        }
        std::fs::write(out.join(UNFINISHED), &new_set["feeds.json"]).unwrap();
        let mut expected = reference(next);
        expected.extend(foreign.clone());
        assert_detected_and_repaired(&out, [&old, &new], next, &expected);
    }
}

/// A small xorshift generator: the kill loop's moments, reproducible from
/// the seed it prints.
struct Moments(u64);

impl Moments {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound.max(1)
    }
}

#[test]
#[ignore = "kills builds for up to 60 s: cargo test --test integration nothing_lost:: -- --ignored"]
fn builds_killed_at_random_moments_leave_the_old_set_the_new_set_or_a_detected_mix() {
    use std::time::{Duration, Instant};
    let root = tempfile::tempdir().unwrap();
    // Two versions that differ in every feed and in their set of files.
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    write_schedules(&a, 120, 2, false);
    write_schedules(&b, 110, 5, false);
    let foreign = BTreeMap::from([("notes.txt".to_owned(), b"mine".to_vec())]);
    // Each version's set, with the file that is not maintcal's.
    let sets = [reference(&a), reference(&b)].map(|mut set| {
        set.extend(foreign.clone());
        set
    });
    let versions = [a.as_path(), b.as_path()];
    let out = root.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    // How long an uninterrupted build takes, to kill within it.
    let started = Instant::now();
    let built = maintcal().args(build_args(&a, &out)).output().unwrap();
    assert_eq!(exit_code(&built), Some(0));
    let span = started.elapsed().as_micros() as u64;
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("seed {seed}, an uninterrupted build takes {span} µs");
    let mut moments = Moments(seed);
    let (mut current, mut kills, mut mixed, mut whole) = (0, 0, 0, 0);
    // An iteration takes at most five builds, so this ends within 60 s.
    let deadline = Instant::now() + Duration::from_secs(40);
    while Instant::now() < deadline {
        let target = 1 - current;
        let mut child = maintcal()
            .args(build_args(versions[target], &out))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Every other build is killed the moment its mark appears (the
        // renames are a sliver of a build, rarely hit at random).
        if kills % 2 == 0 {
            std::thread::sleep(Duration::from_micros(moments.below(span * 6 / 5)));
        } else {
            let give_up = Instant::now() + Duration::from_micros(span * 3);
            while !out.join(UNFINISHED).exists() && Instant::now() < give_up {
                std::hint::spin_loop();
            }
        }
        let _ = child.kill(); // SIGKILL; fails only if it has finished
        let status = child.wait().unwrap();
        kills += 1;
        let now = contents(&out);
        if out.join(UNFINISHED).exists() {
            mixed += 1;
            assert_detected_and_repaired(&out, versions, versions[target], &sets[target]);
            current = target;
        } else if now == sets[target] {
            whole += 1;
            current = target;
        } else {
            assert_eq!(
                now, sets[current],
                "after kill {kills} ({status}): neither the old set nor the new, and no mark"
            );
        }
    }
    eprintln!(
        "{kills} builds killed: {mixed} left a mix (detected, repaired), {whole} had finished"
    );
    assert!(mixed > 0, "no build was killed while replacing files");
}

// ---- no wrong value reaches a feed ------------------------------------------

/// One window with `revision` (and, if given, one changed occurrence with
/// `change`) in a calendar whose own revision is `calendar`.
fn write_revisions(dir: &Path, calendar: u64, revision: u64, change: Option<u64>) {
    let mut text = format!(
        "[calendar]\nid = \"rev\"\nname = \"Rev\"\ntimezone = \"Europe/Paris\"\nlanguage = \"en\"\nrevision = {calendar}\n\n[groups.db]\nname = \"DB\"\nservices = [\"s\"]\n\n[windows.w]\nevery = \"month\"\non = \"2nd sunday\"\nfrom = 2021-01-01\ncount = 2\nstart = 02:00\nend = 04:00\nstatus = \"confirmed\"\nrevised = 2021-01-01T00:00:00Z\nrevision = {revision}\nimpact.db.stops = [\"s\"]\n"
    );
    if let Some(change) = change {
        text.push_str(&format!(
            "\n[windows.w.changes.2021-02-14]\nstart = 03:00\nrevised = 2021-01-02T00:00:00Z\nrevision = {change}\n"
        ));
    }
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("rev.toml"), text).unwrap();
}

#[test]
fn revisions_whose_sequence_would_leave_the_icalendar_integer_range_are_errors_at_their_place() {
    let root = tempfile::tempdir().unwrap();
    let schedules = root.path().join("schedules");
    let max = 2_147_483_647_u64;
    // (calendar, window, change) -> the line the error points at
    let cases = [
        ((4_294_967_295, 1, None), 6),
        ((max + 1, 0, None), 6),
        ((1, max, None), 21),
        ((0, max + 1, None), 21),
        ((0, 0, Some(max + 1)), 27),
        ((5, 1, Some(max - 4)), 27),
    ];
    for ((calendar, window, change), line) in cases {
        write_revisions(&schedules, calendar, window, change);
        for command in ["check", "build"] {
            let out = root.path().join("out");
            let output = maintcal()
                .arg(command)
                .arg("--schedules")
                .arg(&schedules)
                .args(if command == "build" {
                    vec!["--out".into(), out.clone().into_os_string()]
                } else {
                    vec![]
                })
                .output()
                .unwrap();
            let stderr = text(&output.stderr);
            assert_eq!(
                exit_code(&output),
                Some(1),
                "{calendar} {window} {change:?}: {stderr}"
            );
            assert!(stderr.contains("2147483647"), "{stderr}");
            assert!(
                stderr.contains(&format!("rev.toml:{line}:")),
                "line {line}: {stderr}"
            );
            assert!(!out.exists(), "build wrote {}", out.display());
        }
    }
    // At the limit, the feed says so.
    write_revisions(&schedules, 5, max - 5, Some(max - 5));
    let out = root.path().join("out");
    let output = maintcal()
        .args(build_args(&schedules, &out))
        .output()
        .unwrap();
    assert_eq!(exit_code(&output), Some(0), "{}", text(&output.stderr));
    let feed = std::fs::read_to_string(out.join("db.ics")).unwrap();
    assert_eq!(feed.matches("SEQUENCE:2147483647\r\n").count(), 2, "{feed}");
}

/// A calendar in `zone` with one window whose timing is `timing` (TOML
/// lines), the rest fixed; `extra` follows the window.
fn write_window(dir: &Path, zone: &str, timing: &str, extra: &str) {
    let text = format!(
        "[calendar]\nid = \"edge\"\nname = \"Edge\"\ntimezone = \"{zone}\"\nlanguage = \"en\"\n\n[groups.db]\nname = \"DB\"\nservices = [\"s\"]\n\n[windows.w]\n{timing}\nstatus = \"confirmed\"\nrevised = 2021-01-01T00:00:00Z\nimpact.db.stops = [\"s\"]\n{extra}"
    );
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("edge.toml"), text).unwrap();
}

#[test]
fn windows_that_would_end_past_year_9999_are_errors_at_their_place() {
    let root = tempfile::tempdir().unwrap();
    let schedules = root.path().join("schedules");
    let next_day = "start = 23:00\nend = 01:00\nends_next_day = true";
    // (zone, timing, extra) -> the line the error points at
    let cases = [
        (
            "Europe/Paris",
            format!("date = 9999-12-31\n{next_day}"),
            String::new(),
            12,
        ),
        (
            "Pacific/Honolulu",
            "date = 9999-12-31\nstart = 20:00\nend = 23:00".to_owned(),
            String::new(),
            12,
        ),
        (
            "Asia/Tokyo",
            "date = 0000-01-01\nstart = 02:00\nend = 03:00".to_owned(),
            String::new(),
            12,
        ),
        (
            "Europe/Paris",
            format!(
                "every = \"month\"\non = \"2nd sunday\"\nfrom = 9999-06-01\ncount = 12\n{next_day}"
            ),
            String::new(),
            15,
        ),
        (
            "Europe/Paris",
            format!(
                "every = \"month\"\non = \"2nd sunday\"\nfrom = 9999-06-01\ncount = 2\n{next_day}"
            ),
            "\n[windows.w.changes.9999-07-11]\ndate = 9999-12-31\n".to_owned(),
            24,
        ),
    ];
    for (zone, timing, extra, line) in &cases {
        write_window(&schedules, zone, timing, extra);
        let out = root.path().join("out");
        for build in [false, true] {
            let mut command = maintcal();
            if build {
                command.args(build_args(&schedules, &out));
            } else {
                command.arg("check").arg("--schedules").arg(&schedules);
            }
            let output = command.output().unwrap();
            let stderr = text(&output.stderr);
            assert_eq!(exit_code(&output), Some(1), "{timing}: {stderr}");
            assert!(
                stderr.contains("9999-12-30, the dates a feed can hold"),
                "{stderr}"
            );
            assert!(
                stderr.contains(&format!("edge.toml:{line}:")),
                "line {line}: {stderr}"
            );
            assert!(!out.exists());
        }
    }
    // The last night a feed can hold.
    write_window(
        &schedules,
        "Pacific/Honolulu",
        &format!("date = 9999-12-29\n{next_day}"),
        "",
    );
    let out = root.path().join("out");
    let output = maintcal()
        .args(build_args(&schedules, &out))
        .output()
        .unwrap();
    assert_eq!(exit_code(&output), Some(0), "{}", text(&output.stderr));
    let feed = std::fs::read_to_string(out.join("db.ics")).unwrap();
    assert!(
        feed.contains("DTEND;TZID=Pacific/Honolulu:99991230T010000\r\n"),
        "{feed}"
    );
}
