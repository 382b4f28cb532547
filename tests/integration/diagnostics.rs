//! What someone editing a schedule sees when it is wrong: every problem of
//! every file in one run, each at its file:line:col with the line quoted and
//! a caret under the culprit, and nothing written. One fixture folder per
//! kind of mistake under tests/cases/; the full text of each report is an
//! insta snapshot, and the (location, message) pairs are spelled out here so
//! that a follow-on error or a lost one fails the test.

use crate::support::*;
use proptest::prelude::*;
use std::process::Command;

/// (severity, location after `tests/cases/<case>/schedules/`, start of the message).
type Problem = (&'static str, &'static str, &'static str);

/// Each invalid fixture and exactly the problems `check` must report.
const EXPECTED: &[(&str, &[Problem])] = &[
    (
        "bad-publish-settings",
        &[
            (
                "error",
                "a.toml:8:12",
                "`https://example.com/feeds?x=1` is not a usable base URL",
            ),
            (
                "error",
                "a.toml:9:20",
                "keep_past_months must be at most 1200",
            ),
            (
                "error",
                "c.toml:7:12",
                "base_url `https://status.example.org/` differs",
            ),
        ],
    ),
    (
        "typo",
        &[
            ("error", "shop.toml:4:12", "Asia/Tokio: unknown time zone"),
            ("error", "shop.toml:14:1", "unknown key `statuss`"),
        ],
    ),
    (
        "toml-syntax",
        &[
            ("error", "a-broken.toml:4:15", "invalid basic string"),
            ("error", "a-broken.toml:9:10", "key with no value"),
            (
                "error",
                "b-twice.toml:19:10",
                "`upgrade` is defined twice in this file",
            ),
            (
                "error",
                "c-fine.toml:17:21",
                "group `web` has no service `shoop`",
            ),
        ],
    ),
    (
        "unknown-keys",
        &[
            ("error", "ops.toml:6:1", "unknown key `langauge`"),
            ("error", "ops.toml:10:1", "unknown key `servces`"),
            ("error", "ops.toml:17:1", "unknown key `statsu`"),
            ("error", "ops.toml:19:1", "unknown key `notse`"),
            ("error", "ops.toml:22:12", "unknown key `servce`"),
            ("error", "ops.toml:37:1", "unknown key `stauts`"),
            ("error", "ops.toml:39:2", "unknown section `shedule`"),
        ],
    ),
    (
        "wrong-types",
        &[
            ("error", "ops.toml:7:17", "invalid type: string \"6\""),
            (
                "error",
                "ops.toml:8:9",
                "invalid type: string \"Times are Japan time.\", expected a list",
            ),
            ("error", "ops.toml:12:24", "invalid type: integer `2`"),
            (
                "error",
                "ops.toml:15:8",
                "invalid type: string \"2021-03-20\", expected a date or time",
            ),
            (
                "error",
                "ops.toml:16:9",
                "invalid type: string \"23:00\", expected a date or time",
            ),
            (
                "error",
                "ops.toml:18:17",
                "invalid type: string \"yes\", expected a boolean",
            ),
            ("error", "ops.toml:21:12", "invalid value: integer `-1`"),
        ],
    ),
    (
        "missing-keys",
        &[
            ("error", "ops.toml:2:1", "missing key `timezone`"),
            ("error", "ops.toml:6:1", "missing key `services`"),
            ("error", "ops.toml:9:1", "missing key `name`"),
            ("error", "ops.toml:12:1", "missing key `end`"),
            ("error", "ops.toml:24:22", "missing key `unavailable`"),
        ],
    ),
    (
        "unknown-zone",
        &[("error", "ops.toml:4:12", "Asia/Tokio: unknown time zone")],
    ),
    (
        "end-before-start",
        &[
            (
                "error",
                "ops.toml:15:7",
                "the window ends (03:00) before it starts (23:00)",
            ),
            (
                "error",
                "ops.toml:23:7",
                "the window ends when it starts (02:00)",
            ),
            (
                "error",
                "ops.toml:39:1",
                "the window ends (03:00) before it starts (22:00)",
            ),
        ],
    ),
    (
        "impact-services",
        &[
            (
                "error",
                "ops.toml:20:21",
                "group `db` has no service `replcia`",
            ),
            (
                "error",
                "ops.toml:22:9",
                "service `primary` is listed twice in this window's impact on `db`",
            ),
            (
                "error",
                "ops.toml:22:20",
                "service `backup` is listed twice in this window's impact on `db`",
            ),
            ("error", "ops.toml:24:23", "no group `dbs` in this calendar"),
        ],
    ),
    (
        "duplicate-ids",
        &[
            (
                "error",
                "b.toml:3:6",
                "calendar id `ops` is used in more than one schedule file",
            ),
            (
                "error",
                "b.toml:7:9",
                "group id `db` is used in more than one schedule file",
            ),
            (
                "error",
                "c.toml:11:9",
                "`web` is defined twice in this file",
            ),
        ],
    ),
    (
        "group-ids",
        &[
            ("error", "ops.toml:7:9", "`../x` is not a valid group id"),
            ("error", "ops.toml:11:9", "`a/b` is not a valid group id"),
            ("error", "ops.toml:15:9", "`.` is not a valid group id"),
            ("error", "ops.toml:19:9", "`` is not a valid group id"),
            ("error", "ops.toml:23:9", "`Upper` is not a valid group id"),
            ("error", "ops.toml:27:9", "`all` cannot be a group id"),
            ("error", "ops.toml:31:9", "`con` cannot be a group id"),
            ("error", "ops.toml:35:9", "`-x` is not a valid group id"),
        ],
    ),
    (
        "skip-change-miss",
        &[
            (
                "error",
                "ops.toml:21:9",
                "2021-02-21 is not a date of this window's rule, so there is nothing to skip",
            ),
            (
                "error",
                "ops.toml:24:26",
                "2021-06-27 is not a date of this window's rule, so there is nothing to change",
            ),
        ],
    ),
    (
        "recurrence-rules",
        &[
            (
                "error",
                "ops.toml:13:9",
                "a recurring window needs `until` or `count`",
            ),
            (
                "error",
                "ops.toml:24:6",
                "`6th sunday`: the week must be 1st to 5th or last",
            ),
            (
                "error",
                "ops.toml:35:6",
                "`0th monday`: the week must be 1st to 5th or last",
            ),
            ("error", "ops.toml:48:9", "count must be at least 1"),
            (
                "error",
                "ops.toml:59:9",
                "this window would recur more than 10000 times",
            ),
        ],
    ),
    (
        "weekly-rules",
        &[
            ("error", "ops.toml:15:18", "`thurdsay`: unknown weekday"),
            ("error", "ops.toml:26:27", "monday is listed twice"),
            (
                "error",
                "ops.toml:37:6",
                "a weekly window needs at least one weekday",
            ),
            (
                "error",
                "ops.toml:38:12",
                "interval must be between 1 and 520 weeks",
            ),
            (
                "error",
                "ops.toml:49:6",
                "`2nd sunday`: a weekly window falls on weekdays",
            ),
            (
                "error",
                "ops.toml:60:6",
                "`31st`: not every month has a 31st",
            ),
            (
                "error",
                "ops.toml:71:6",
                "a monthly window falls on one day of the month",
            ),
            (
                "error",
                "ops.toml:81:9",
                "unsupported recurrence `fortnight`",
            ),
            ("error", "ops.toml:92:9", "a weekly window needs `on`"),
            (
                "error",
                "ops.toml:111:9",
                "2024-01-09 is not a date of this window's rule, so there is nothing to skip",
            ),
        ],
    ),
    (
        "control-chars",
        &[
            ("error", "ops.toml:5:8", "this text contains CR (U+000D)"),
            ("error", "ops.toml:10:11", "this text contains NUL (U+0000)"),
            ("error", "ops.toml:11:10", "this text contains BEL (U+0007)"),
            (
                "error",
                "ops.toml:11:25",
                "this text contains LINE SEPARATOR (U+2028)",
            ),
            ("error", "ops.toml:12:9", "this text contains LF (U+000A)"),
            ("error", "ops.toml:15:8", "this text contains ESC (U+001B)"),
            (
                "error",
                "ops.toml:16:15",
                "this text contains RIGHT-TO-LEFT OVERRIDE (U+202E)",
            ),
            ("error", "ops.toml:17:13", "this text contains NEL (U+0085)"),
            (
                "error",
                "ops.toml:24:9",
                "this text contains BYTE ORDER MARK (U+FEFF)",
            ),
            (
                "error",
                "ops.toml:26:10",
                "this text contains PARAGRAPH SEPARATOR (U+2029)",
            ),
            ("error", "ops.toml:29:48", "this text contains LF (U+000A)"),
            ("error", "ops.toml:30:26", "this text contains DEL (U+007F)"),
        ],
    ),
    (
        "japanese-caret",
        &[
            (
                "error",
                "rakuten.toml:20:22",
                "group `ichiba` has no service `購入履麗`",
            ),
            (
                "error",
                "rakuten.toml:21:19",
                "group `ichiba` has no service `状態＝停止中`",
            ),
        ],
    ),
    (
        "bad-reminders",
        &[
            ("error", "ops.toml:6:11", "`1w`: not a reminder"),
            (
                "error",
                "ops.toml:18:11",
                "`29d`: a reminder can be at most 28 days before the start",
            ),
            (
                "error",
                "ops.toml:18:18",
                "`0h`: a reminder must be before the start",
            ),
            (
                "error",
                "ops.toml:18:30",
                "`120m`: the same time as another reminder",
            ),
            ("error", "ops.toml:27:10", "at most 5 reminders per window"),
        ],
    ),
    (
        "not-utf8",
        &[("error", "rakuten.toml:4:9", "this file is not UTF-8 text")],
    ),
];

/// (severity, location, message) of every diagnostic in a report.
fn problems(report: &str) -> Vec<(String, String, String)> {
    let lines: Vec<&str> = report.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((severity, message)) = line
            .strip_prefix("error: ")
            .map(|m| ("error", m))
            .or_else(|| line.strip_prefix("warning: ").map(|m| ("warning", m)))
        else {
            continue;
        };
        let location = lines
            .get(i + 1)
            .and_then(|next| next.split_once("┌─ "))
            .map(|(_, location)| location.trim().to_owned())
            .unwrap_or_else(|| panic!("`{line}` has no location line:\n{report}"));
        found.push((severity.to_owned(), location, message.to_owned()));
    }
    found
}

fn schedules_of(case: &str) -> String {
    format!("tests/cases/{case}/schedules")
}

#[test]
fn every_invalid_fixture_reports_exactly_its_problems_at_their_places() {
    for (case, expected) in EXPECTED {
        let schedules = schedules_of(case);
        let (result, stdout, stderr) = run(&["check", "--schedules", &schedules]);
        let error = result.expect_err(case);
        assert_eq!(stdout, "", "{case}: check printed to stdout");
        assert_eq!(
            format!("{error:#}"),
            format!(
                "{} in the schedules; nothing was written",
                match expected.len() {
                    1 => "1 error".to_owned(),
                    n => format!("{n} errors"),
                }
            ),
            "{case}"
        );
        let found = problems(&stderr);
        assert_eq!(found.len(), expected.len(), "{case}:\n{stderr}");
        for ((severity, location, message), (want_severity, want_location, want_message)) in
            found.iter().zip(expected.iter())
        {
            assert_eq!(severity, want_severity, "{case}:\n{stderr}");
            assert_eq!(
                location,
                &format!("{schedules}/{want_location}"),
                "{case}:\n{stderr}"
            );
            assert!(
                message.starts_with(want_message),
                "{case}: `{message}` should start with `{want_message}`"
            );
        }
        insta::assert_snapshot!(format!("check-{case}"), stderr);
    }
}

#[test]
fn every_invalid_fixture_is_listed_above() {
    // A new fixture that fails `check` needs its expected problems here.
    for entry in std::fs::read_dir(repo_path("tests/cases")).unwrap() {
        let case = entry.unwrap().file_name().into_string().unwrap();
        let (result, _, _) = run(&["check", "--schedules", &schedules_of(&case)]);
        if result.is_err() {
            assert!(
                EXPECTED.iter().any(|(c, _)| *c == case),
                "tests/cases/{case} is invalid but not in EXPECTED"
            );
        }
    }
}

#[test]
fn every_error_has_help_except_plain_range_checks() {
    // "how to fix it": all but the self-explanatory ones say what to do.
    let (_, _, stderr) = run(&["check", "--schedules", &schedules_of("unknown-keys")]);
    assert_eq!(
        stderr.matches("= help: did you mean").count(),
        6,
        "{stderr}"
    );
    let (_, _, stderr) = run(&["check", "--schedules", &schedules_of("missing-keys")]);
    assert!(
        stderr
            .contains("= help: add the IANA zone the times are in, e.g. timezone = \"Asia/Tokyo\""),
        "{stderr}"
    );
    let (_, _, stderr) = run(&["check", "--schedules", &schedules_of("unknown-zone")]);
    assert!(
        stderr.contains("= help: did you mean `Asia/Tokyo`?"),
        "{stderr}"
    );
}

/// The binary, as a user runs it: (exit code, stdout, stderr).
fn maintcal_exit(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_maintcal"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // Plain text whatever the caller's environment forces.
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap();
    (
        output.status.code().expect("exited, not killed"),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// Marks of output meant for Rust programmers rather than schedule authors.
fn assert_no_debug_dump(stderr: &str) {
    for mark in [
        "panicked",
        "RUST_BACKTRACE",
        "Os {",
        "Error {",
        "kind:",
        "stack backtrace",
    ] {
        assert!(!stderr.contains(mark), "`{mark}` in:\n{stderr}");
    }
}

#[test]
fn exit_code_is_1_for_invalid_schedules_2_for_usage_errors_0_otherwise() {
    let (code, _, stderr) = maintcal_exit(&["check", "--schedules", &schedules_of("toml-syntax")]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.ends_with("error: 4 errors in the schedules; nothing was written\n"),
        "{stderr}"
    );
    assert_no_debug_dump(&stderr);

    let (code, _, stderr) = maintcal_exit(&["check", "--schedules", "tests/cases/no-such-case"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.starts_with(
            "error: loading the schedules: cannot read the schedules folder tests/cases/no-such-case: "
        ),
        "{stderr}"
    );
    assert_no_debug_dump(&stderr);

    for usage in [
        &["check", "--schedlues", "schedules"][..],
        &[][..],
        &["build", "--out"][..],
        &["list", "--from", "2020-13-01"][..],
        &["publish"][..],
    ] {
        let (code, stdout, stderr) = maintcal_exit(usage);
        assert_eq!(code, 2, "{usage:?}: {stdout}{stderr}");
        assert_no_debug_dump(&stderr);
    }

    let (code, stdout, stderr) =
        maintcal_exit(&["check", "--schedules", &schedules_of("features")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(": ok ("), "{stdout}");
}

#[test]
fn japanese_text_before_the_culprit_does_not_shift_the_caret() {
    use unicode_width::UnicodeWidthStr;
    let (code, _, stderr) =
        maintcal_exit(&["check", "--schedules", &schedules_of("japanese-caret")]);
    assert_eq!(code, 1, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    for culprit in ["\"購入履麗\"", "\"状態＝停止中\""] {
        let source = lines
            .iter()
            .position(|line| line.contains(culprit))
            .unwrap_or_else(|| panic!("{culprit} not quoted:\n{stderr}"));
        let (source_line, caret_line) = (lines[source], lines[source + 1]);
        let before = &source_line[..source_line.find(culprit).unwrap()];
        // Terminal columns, on both lines (the gutter's `│` is one column
        // but three bytes, and each kanji two columns but three bytes).
        let caret_column = caret_line[..caret_line.find('^').unwrap()].width();
        assert_eq!(
            caret_column,
            before.width(),
            "caret not under {culprit}:\n{source_line}\n{caret_line}"
        );
        assert_eq!(
            caret_line.matches('^').count(),
            culprit.width(),
            "caret does not span {culprit}:\n{source_line}\n{caret_line}"
        );
    }
}

#[test]
fn an_overlap_is_a_warning_and_the_build_goes_on() {
    let schedules = schedules_of("overlap");
    let (result, _, stderr) = run(&["check", "--schedules", &schedules]);
    result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
    assert_eq!(
        problems(&stderr),
        [(
            "warning".to_owned(),
            format!("{schedules}/ops.toml:29:10"),
            "window `emergency` overlaps window `monthly` in group `db`: \
             2021-02-14 05:00–07:00 starts before 2021-02-14 02:00–06:00 ends"
                .to_owned()
        )]
    );
    insta::assert_snapshot!("check-overlap", stderr);
    let out = tempfile::tempdir().unwrap();
    let (result, stdout, stderr) = build_into(&schedules, out.path(), &[]);
    result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
    assert!(
        stderr.contains("warning: window `emergency` overlaps"),
        "{stderr}"
    );
    assert!(stdout.contains("db.ics"), "{stdout}");
}

#[test]
fn warnings_name_the_dates_they_are_about() {
    // `lost-hour` (02:00-03:00 New York on each spring-forward Sunday) has
    // no occurrence, so it overlaps nothing although `nightly` spans its
    // declared hours; `patch` really overlaps `nightly` on seven dates.
    let schedules = schedules_of("overlap-dates");
    let (result, _, stderr) = run(&["check", "--schedules", &schedules]);
    result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
    assert_eq!(
        problems(&stderr),
        [
            (
                "warning".to_owned(),
                format!("{schedules}/yearly.toml:29:10"),
                "window `lost-hour` has no occurrence on 2021-03-14, 2022-03-13, 2023-03-12, \
                 2024-03-10, 2025-03-09 and 3 more: its hours do not exist in America/New_York \
                 those days (the clocks jump over them)"
                    .to_owned()
            ),
            (
                "warning".to_owned(),
                format!("{schedules}/yearly.toml:41:10"),
                "window `patch` overlaps window `nightly` in group `db`: \
                 2021-03-14 04:00–06:00 starts before 2021-03-14 01:00–05:00 ends; \
                 also on 2022-03-13, 2023-03-12, 2024-03-10, 2025-03-09, 2026-03-08 and 1 more"
                    .to_owned()
            ),
        ]
    );
    insta::assert_snapshot!("check-overlap-dates", stderr);
}

#[test]
fn fixed_offset_and_legacy_zones_get_a_warning_at_the_zone() {
    let schedules = schedules_of("legacy-zones");
    let (result, _, stderr) = run(&["check", "--schedules", &schedules]);
    result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
    assert_eq!(
        problems(&stderr),
        [
            (
                "warning".to_owned(),
                format!("{schedules}/est.toml:5:12"),
                "time zone `EST` is UTC−05:00 all year, with no daylight saving time".to_owned()
            ),
            (
                "warning".to_owned(),
                format!("{schedules}/etc.toml:5:12"),
                "time zone `Etc/GMT+5` is UTC−05:00 all year: Etc/GMT names invert the sign, \
                 and have no daylight saving time"
                    .to_owned()
            ),
            (
                "warning".to_owned(),
                format!("{schedules}/us.toml:5:12"),
                "time zone `US/Eastern` is a legacy name, kept in tzdata only for compatibility"
                    .to_owned()
            ),
        ]
    );
    assert!(
        stderr.contains("help: did you mean America/New_York? In summer, windows in EST are an hour off New York's clocks"),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: did you mean America/New_York?\n"),
        "{stderr}"
    );
    insta::assert_snapshot!("check-legacy-zones", stderr);
    // A warning, not an error: the feeds are still built.
    let out = tempfile::tempdir().unwrap();
    let (result, stdout, stderr) = build_into(&schedules, out.path(), &[]);
    result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
    assert!(stdout.contains("db-est.ics"), "{stdout}");
}

#[test]
fn bad_group_ids_write_nothing_anywhere() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("site").join("out");
    let (result, stdout, stderr) = build_into(schedules_of("group-ids"), &out, &[]);
    assert!(result.is_err(), "{stdout}{stderr}");
    assert_eq!(tree(root.path()), Vec::<String>::new());
}

fn schedule_with_group(id: &str) -> String {
    let key = toml_quoted(id);
    format!(
        "[calendar]\nid = \"ops\"\nname = \"Ops\"\ntimezone = \"Asia/Tokyo\"\n\n\
         [groups.{key}]\nname = \"G\"\nservices = [\"s\"]\n\n\
         [windows.w]\ndate = 2021-03-20\nstart = 01:00\nend = 02:00\n\
         status = \"confirmed\"\nrevised = 2021-03-01T00:00:00Z\n\n\
         [windows.w.impact.{key}]\nstops = [\"s\"]\n"
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever the group id, a build writes `<id>.ics` and `all.ics` in
    /// --out and nothing else anywhere, or writes nothing at all.
    #[test]
    fn a_group_id_never_writes_outside_the_output_folder(
        id in prop_oneof![
            "[a-z0-9-]{1,8}",
            "(\\.\\./|\\./|/|\\\\|\\.)[a-z]{0,4}",
            "[a-z]{0,3}(/|\\\\|\\.\\.|:|\\*|\\?|\"|<|>|\\|)[a-z]{0,3}",
            "(all|con|nul|prn|aux|com1|lpt9|ALL|Con)",
            "[A-Za-z]{1,6}",
            "\\PC{0,6}",
            Just(String::new()),
        ]
    ) {
        let root = tempfile::tempdir().unwrap();
        let schedules = root.path().join("schedules");
        std::fs::create_dir(&schedules).unwrap();
        std::fs::write(schedules.join("ops.toml"), schedule_with_group(&id)).unwrap();
        let out = root.path().join("out");
        let (result, _, stderr) = build_into(&schedules, &out, &[]);
        let mut expected = vec!["schedules".to_owned(), "schedules/ops.toml".to_owned()];
        match result {
            Ok(()) => {
                expected.extend(
                    [
                        "out",
                        "out/all.ics",
                        "out/feeds.json",
                        "out/index.html",
                        "out/maintcal.css",
                        "out/maintcal.js",
                        "out/notices.atom",
                        "out/ops.w.html",
                    ].map(str::to_owned),
                );
                expected.push(format!("out/{id}.ics"));
            }
            Err(_) => prop_assert!(stderr.contains("ops.toml:"), "no location:\n{}", stderr),
        }
        expected.sort();
        prop_assert_eq!(tree(root.path()), expected);
    }
}

#[test]
fn a_sequence_going_down_is_refused_and_the_feeds_stay_as_they_were() {
    let out = tempfile::tempdir().unwrap();
    let out_path = out.path().to_str().unwrap();
    let before = "tests/cases/sequence-down/before";
    let (result, _, stderr) = run(&["build", "--schedules", before, "--out", out_path]);
    result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
    let previous: Vec<(String, Vec<u8>)> = tree(out.path())
        .into_iter()
        .map(|name| (name.clone(), std::fs::read(out.path().join(&name)).unwrap()))
        .collect();

    let schedules = schedules_of("sequence-down");
    let (result, stdout, stderr) = run(&["build", "--schedules", &schedules, "--out", out_path]);
    let error = result.expect_err("a lower SEQUENCE must be refused");
    assert_eq!(stdout, "");
    assert!(
        format!("{error:#}").ends_with("nothing was written"),
        "{error:#}"
    );
    let found = problems(&stderr);
    assert_eq!(found.len(), 1, "{stderr}");
    assert_eq!(
        found[0].1,
        format!("{schedules}/ops.toml:19:12"),
        "{stderr}"
    );
    assert!(
        found[0].2.starts_with(
            "window `upgrade` would go back from SEQUENCE 3 to 1 compared with the previous build"
        ),
        "{stderr}"
    );
    for file in ["all.ics", "db.ics"] {
        assert!(found[0].2.contains(file), "{stderr}");
    }
    // Back to 3 would not be enough if anything changed: above it.
    assert!(
        stderr.contains("raise `revision` of window `upgrade` (here) to 4"),
        "{stderr}"
    );
    let now: Vec<(String, Vec<u8>)> = tree(out.path())
        .into_iter()
        .map(|name| (name.clone(), std::fs::read(out.path().join(&name)).unwrap()))
        .collect();
    assert_eq!(now, previous, "the previous feeds must stay as they were");

    // Into an empty folder there is nothing to compare with: it builds.
    let fresh = tempfile::tempdir().unwrap();
    let (result, _, stderr) = build_into(&schedules, fresh.path(), &[]);
    result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
}

/// The note changed but the revision did not: Google would never apply the
/// change, so the build refuses it, naming the revision to raise and to
/// what; against the feeds in `--previous` as against those in `--out`.
#[test]
fn a_change_without_a_new_sequence_is_refused() {
    let out = tempfile::tempdir().unwrap();
    let out_path = out.path().to_str().unwrap();
    let before = "tests/cases/sequence-unbumped/before";
    let (result, _, stderr) = run(&["build", "--schedules", before, "--out", out_path]);
    result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
    let previous = tree(out.path());

    let schedules = schedules_of("sequence-unbumped");
    let (result, stdout, stderr) = run(&["build", "--schedules", &schedules, "--out", out_path]);
    let error = result.expect_err("a change without a new SEQUENCE must be refused");
    assert!(
        format!("{error:#}").ends_with("nothing was written"),
        "{error:#}"
    );
    assert_eq!(stdout, "");
    let found = problems(&stderr);
    assert_eq!(found.len(), 1, "{stderr}");
    assert_eq!(found[0].0, "error");
    assert_eq!(
        found[0].1,
        format!("{schedules}/ops.toml:18:12"),
        "{stderr}"
    );
    assert!(
        found[0]
            .2
            .starts_with("window `upgrade` changed since the previous build"),
        "{stderr}"
    );
    assert!(
        found[0]
            .2
            .ends_with("but its SEQUENCE would stay 2: subscribers would keep the old version"),
        "{stderr}"
    );
    assert!(
        stderr.contains("raise `revision` of window `upgrade` (here) to 3"),
        "{stderr}"
    );
    assert_eq!(tree(out.path()), previous);

    // Where out/ is not committed: the published feeds, downloaded into a
    // folder, are the previous build.
    let fresh = tempfile::tempdir().unwrap();
    let fresh_out = fresh.path().join("out");
    let (result, _, stderr) = run(&[
        "build",
        "--schedules",
        &schedules,
        "--out",
        fresh_out.to_str().unwrap(),
        "--previous",
        out_path,
    ]);
    result.expect_err("refused against --previous too");
    assert!(stderr.contains("to 3"), "{stderr}");
    assert!(!fresh_out.join("db.ics").exists());

    // Raised as asked: it builds, and says nothing.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(format!("{schedules}/ops.toml"))
        .unwrap()
        .replace("revision = 2", "revision = 3");
    std::fs::write(dir.path().join("ops.toml"), text).unwrap();
    let (result, _, stderr) = run(&[
        "build",
        "--schedules",
        dir.path().to_str().unwrap(),
        "--out",
        out_path,
    ]);
    result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
    assert_eq!(stderr, "");
}

#[test]
fn a_previous_file_that_is_not_a_feed_is_not_compared_and_gets_replaced() {
    let out = tempfile::tempdir().unwrap();
    // A file an earlier build wrote (its record says so), damaged since.
    std::fs::write(
        out.path().join("feeds.json"),
        r#"{"generator":"maintcal","format":1,"files":[{"file":"db.ics","sha256":""}]}"#,
    )
    .unwrap();
    std::fs::write(out.path().join("db.ics"), "not a calendar\n").unwrap();
    let (result, stdout, stderr) = build_into(schedules_of("sequence-down"), out.path(), &[]);
    result.unwrap_or_else(|e| panic!("{e:#}\n{stderr}"));
    assert_eq!(
        stderr,
        format!(
            "warning: {} is not a feed maintcal can read; its SEQUENCEs were not compared \
             (it will be replaced)\n\n",
            out.path().join("db.ics").display()
        )
    );
    assert!(stdout.contains("db.ics"), "{stdout}");
    let feed = std::fs::read_to_string(out.path().join("db.ics")).unwrap();
    assert!(feed.starts_with("BEGIN:VCALENDAR\r\n"), "{feed}");
}
