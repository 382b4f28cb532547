//! A run with no schedules to read (a first run, the wrong folder) says how
//! to start; other failures to read the folder do not pretend it is that.

use crate::support::*;

const HELP: &str = "help: start a schedule repository with `maintcal init`, or name the \
                    folder that holds yours with `--schedules DIR`";

#[test]
fn a_missing_or_empty_schedules_folder_says_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    // No `schedules/` where maintcal runs.
    let missing = maintcal()
        .current_dir(dir.path())
        .arg("check")
        .assert()
        .failure();
    let stderr = String::from_utf8(missing.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("cannot read the schedules folder schedules"),
        "{stderr}"
    );
    assert!(stderr.contains(HELP), "{stderr}");
    // A folder without one *.toml.
    std::fs::write(dir.path().join("notes.txt"), "not a schedule").unwrap();
    for command in ["build", "check", "list"] {
        let empty = maintcal()
            .args([command, "--schedules"])
            .arg(dir.path())
            .assert()
            .failure();
        let stderr = String::from_utf8(empty.get_output().stderr.clone()).unwrap();
        assert!(stderr.contains("no schedule files (*.toml)"), "{stderr}");
        assert!(
            stderr.ends_with(&format!("{HELP}\n")),
            "{command}: {stderr}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_folder_that_is_a_file_gets_no_start_advice() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("schedules");
    std::fs::write(&file, "").unwrap();
    let assert = maintcal()
        .args(["check", "--schedules"])
        .arg(&file)
        .assert()
        .failure();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("cannot read the schedules folder"),
        "{stderr}"
    );
    assert!(!stderr.contains("maintcal init"), "{stderr}");
}
