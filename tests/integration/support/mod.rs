//! Helpers shared by the integration tests: where the fixtures are, running
//! maintcal (in-process through `maintcal::run`, or the binary as a user
//! runs it), and reading what a build wrote. How a client reads a feed is
//! in [`client`], the VTIMEZONE oracle in [`oracle`], and every use of
//! maintcal's internals in [`internals`].
//!
//! No test reads the repository's `schedules/` or `out/`: they belong to
//! whoever operates the tool, and the suite must pass whatever is there.
//! The notice the tests check lives in `tests/cases/notice/`.

pub mod client;
pub mod internals;
pub mod oracle;

pub use client::*;

use clap::Parser;
use std::path::{Path, PathBuf};

/// A path inside the repository (the README, the fixtures).
pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The schedules folder of a fixture case under `tests/cases/`.
pub fn case(name: &str) -> PathBuf {
    repo_path(&format!("tests/cases/{name}/schedules"))
}

/// The 2020-05-17 notice (a copy of the schedule the project started with).
pub fn notice() -> PathBuf {
    case("notice")
}

/// Runs `maintcal ARGS…` in-process; returns (result, stdout, stderr).
pub fn run(args: &[&str]) -> (anyhow::Result<()>, String, String) {
    let cli = internals::Cli::parse_from(std::iter::once("maintcal").chain(args.iter().copied()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let result = internals::run(cli, &mut out, &mut err);
    (
        result,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

/// The binary, as a user and a CI job run it (assert_cmd).
pub fn maintcal() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("maintcal").unwrap();
    // Plain text whatever the caller's environment forces; `color::` sets
    // it where it tests it.
    command.env_remove("CLICOLOR_FORCE");
    command
}

/// Every fixture case whose schedules are valid (the notice among them).
pub fn valid_schedule_folders() -> Vec<PathBuf> {
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(repo_path("tests/cases")).unwrap() {
        let schedules = entry.unwrap().path().join("schedules");
        let (result, _, _) = run(&["check", "--schedules", schedules.to_str().unwrap()]);
        if result.is_ok() {
            folders.push(schedules);
        }
    }
    folders.sort();
    assert!(folders.contains(&notice()), "{folders:?}");
    folders
}

/// Builds the feeds of a schedules folder into a fresh temporary folder.
pub fn build(schedules: &Path) -> tempfile::TempDir {
    build_with(schedules, &[])
}

/// [`build`] with more options (`--base-url …`).
pub fn build_with(schedules: &Path, extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let (result, _, err) = build_into(schedules, out.path(), extra);
    result.unwrap_or_else(|e| panic!("build failed: {e:#}\n{err}"));
    out
}

/// `maintcal build --schedules SCHEDULES --out OUT EXTRA…` in-process;
/// returns (result, stdout, stderr).
pub fn build_into(
    schedules: impl AsRef<Path>,
    out: &Path,
    extra: &[&str],
) -> (anyhow::Result<()>, String, String) {
    let mut args = vec![
        "build",
        "--schedules",
        schedules.as_ref().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// The build record a build leaves in the output folder (a cache, not
/// published output: `incremental::` tests it); [`files`] and [`tree`]
/// leave it out.
pub const BUILD_RECORD: &str = ".maintcal.cache";

/// The entries of an output folder, as `read_dir` gives them, without the
/// build record.
pub fn published(
    dir: impl AsRef<Path>,
) -> impl Iterator<Item = std::io::Result<std::fs::DirEntry>> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| e.as_ref().map_or(true, |e| e.file_name() != BUILD_RECORD))
}

/// The files of a folder (not below it): (name, bytes), sorted by name.
pub fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = published(dir)
        .map(|e| {
            let path = e.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// SHA-256 in lower-case hex, as feeds.json records files (sha2 crate).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every file and folder under `root`, relative to it, sorted.
pub fn tree(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|name| name == BUILD_RECORD) {
                continue;
            }
            found.push(
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
    found.sort();
    found
}

/// A TOML basic string (or quoted key) holding `text` exactly.
pub fn toml_quoted(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// One row of `maintcal list --json`, as a script reads it.
#[derive(Debug, serde::Deserialize)]
pub struct ListRow {
    pub group: String,
    pub window: String,
    pub start: String,
    pub end: String,
    pub status: String,
    pub services: Vec<ListService>,
}

/// A service of a [`ListRow`]; `start`/`end` where it has its own hours.
#[derive(Debug, serde::Deserialize)]
pub struct ListService {
    pub start: Option<String>,
    pub end: Option<String>,
}

/// `maintcal list --json` of a schedules folder, optionally one group.
pub fn list_rows(schedules: &Path, group: Option<&str>) -> Vec<ListRow> {
    let mut args = vec!["list", "--json", "--schedules", schedules.to_str().unwrap()];
    if let Some(group) = group {
        args.extend(["--group", group]);
    }
    let (result, stdout, stderr) = run(&args);
    result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
    serde_json::from_str(&stdout).unwrap()
}
