//! Colour in schedule diagnostics: `--color`, `NO_COLOR` and
//! `CLICOLOR_FORCE`, as the binary sees them. The tests' stderr is a pipe,
//! never a terminal, so `auto` alone never colours here.

use crate::support::*;

/// `maintcal check` on an invalid fixture with `args` and `env` (every
/// colour variable unset first); returns its stderr.
fn check_stderr(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut command = maintcal();
    command
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("TERM")
        .args(["check", "--schedules"])
        .arg(case("unknown-zone"))
        .args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.assert().failure().get_output().clone();
    String::from_utf8(output.stderr).unwrap()
}

const ESC: char = '\x1b';

/// `text` without its ANSI escapes (`ESC [ … m`).
fn strip(text: &str) -> String {
    let mut parts = text.split(ESC);
    let mut out = parts.next().unwrap_or_default().to_owned();
    for part in parts {
        out.push_str(&part[part.find('m').unwrap() + 1..]);
    }
    out
}

#[test]
fn color_always_colours_the_same_report() {
    let coloured = check_stderr(&["--color", "always"], &[]);
    assert!(
        coloured.contains("\x1b[") && coloured.contains("Asia/Tokio"),
        "{coloured}"
    );
    let plain = check_stderr(&["--color", "never"], &[]);
    assert!(!plain.contains(ESC), "{plain}");
    assert_eq!(strip(&coloured), plain);
}

#[test]
fn a_pipe_gets_no_colour_by_default() {
    let stderr = check_stderr(&[], &[]);
    assert!(!stderr.contains(ESC), "{stderr}");
    assert!(stderr.contains("error"), "{stderr}");
}

#[test]
fn clicolor_force_colours_a_pipe_and_no_color_wins_over_it() {
    assert!(check_stderr(&[], &[("CLICOLOR_FORCE", "1")]).contains(ESC));
    assert!(!check_stderr(&[], &[("CLICOLOR_FORCE", "0")]).contains(ESC));
    let both = check_stderr(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!both.contains(ESC), "{both}");
}

#[test]
fn the_flag_beats_the_environment() {
    assert!(check_stderr(&["--color", "always"], &[("NO_COLOR", "1")]).contains(ESC));
    let never = check_stderr(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]);
    assert!(!never.contains(ESC), "{never}");
}
