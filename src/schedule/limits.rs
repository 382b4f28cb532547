//! The limits one build works within, and the one place they are changed:
//! the `[limits]` table of `maintcal.toml` beside the schedules.
//!
//! The limits guard against accidents (a runaway `count`, a log saved as a
//! schedule, a generator loop), not against size: the defaults are sized
//! for the largest real operators (the peers' large workload, 200 groups,
//! 102,000 windows, 67 MB, passes with several times the room), and an
//! operator beyond them raises a number in one file. Every check that
//! crosses a limit names its key here (see [`Limit::raise`]).
//!
//! `maintcal.toml` is read before any schedule file, since two of the
//! limits bound how much of them is read; it is not a calendar.

use super::diagnostic::{Diagnostic, FileId};
use super::source::toml_diagnostic;
use serde::Deserialize;
use toml::Spanned;

/// The file beside the schedules that holds `[limits]`; never read as a
/// calendar.
pub const SETTINGS_FILE: &str = "maintcal.toml";

/// The most bytes of `maintcal.toml` read: a handful of keys, so anything
/// near this is the wrong file.
pub const SETTINGS_MAX_BYTES: u64 = 64 * 1024;

const MIB: u64 = 1024 * 1024;

/// The limits of one build, in the units the checks use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one schedule file (`file_mib`).
    pub file_bytes: u64,
    /// Bytes of all schedule files together (`total_mib`).
    pub total_bytes: u64,
    /// Groups, so feed files (`groups`).
    pub groups: usize,
    /// Windows; a recurring one counts once (`windows`).
    pub windows: usize,
    /// Event occurrences in all group feeds (`event_occurrences`).
    pub event_occurrences: usize,
    /// Dates one recurring window may give (`window_occurrences`).
    pub window_occurrences: usize,
    /// Bytes of one event's or one feed's text (`text_kib`).
    pub text_bytes: usize,
}

/// One key of `[limits]`: its name, default and allowed range, in the
/// unit it is written in (MiB, KiB or a count).
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub key: &'static str,
    pub default: u64,
    pub min: u64,
    pub max: u64,
}

impl Limit {
    /// What an error that crosses this limit says about raising it.
    pub fn raise(&self) -> String {
        format!(
            "if this is intended, raise `{}` in the [limits] table of {SETTINGS_FILE} \
             beside the schedules",
            self.key
        )
    }
}

// The defaults, and why. The peers' large workload (`../shared/bench`,
// `to_maintcal.py large`) is the largest real operator we know of: 200
// files of about 0.34 MB (67 MB), 200 groups, 102,000 windows, 338,000
// event occurrences; its events are under 1 KB. The longest text we know
// of (about 61 KB) is in all-feed events of `examples/workload.rs` large,
// windows on all 100 groups. The upper ends of the ranges keep a typo (an
// extra zero or three) from turning a guard into none.

/// 16 MiB per file: 47× the large workload's files, and a gigabyte log
/// saved as `.toml` by mistake is refused after reading 16 MiB of it.
pub const FILE_MIB: Limit = Limit {
    key: "file_mib",
    default: 16,
    min: 1,
    max: 1024,
};
/// 256 MiB for all files: 3.8× the large workload; the files are held in
/// memory (for the error reports) while the build runs.
pub const TOTAL_MIB: Limit = Limit {
    key: "total_mib",
    default: 256,
    min: 1,
    max: 16 * 1024,
};
/// 1000 groups: 5× the large workload; each is a feed file, and planning
/// costs groups × windows.
pub const GROUPS: Limit = Limit {
    key: "groups",
    default: 1000,
    min: 1,
    max: 100_000,
};
/// 500,000 windows: 4.9× the large workload.
pub const WINDOWS: Limit = Limit {
    key: "windows",
    default: 500_000,
    min: 1,
    max: 50_000_000,
};
/// 2,000,000 event occurrences: 5.9× the large workload; build time and
/// memory grow with it.
pub const EVENT_OCCURRENCES: Limit = Limit {
    key: "event_occurrences",
    default: 2_000_000,
    min: 1,
    max: 500_000_000,
};
/// 10,000 dates per recurring window: about 800 years of monthly windows,
/// the guard against a runaway `count`. No rule gives more than about
/// 120,000 (months up to the year 9999), hence the range.
pub const WINDOW_OCCURRENCES: Limit = Limit {
    key: "window_occurrences",
    default: 10_000,
    min: 1,
    max: 120_000,
};
/// 256 KiB of text per event or feed: 4× the longest we know of (an
/// all-feed event naming 100 groups); no client shows more usefully.
pub const TEXT_KIB: Limit = Limit {
    key: "text_kib",
    default: 256,
    min: 1,
    max: 16 * 1024,
};

impl Default for Limits {
    fn default() -> Self {
        let count = |limit: Limit| usize::try_from(limit.default).unwrap_or(usize::MAX);
        Limits {
            file_bytes: FILE_MIB.default * MIB,
            total_bytes: TOTAL_MIB.default * MIB,
            groups: count(GROUPS),
            windows: count(WINDOWS),
            event_occurrences: count(EVENT_OCCURRENCES),
            window_occurrences: count(WINDOW_OCCURRENCES),
            text_bytes: count(TEXT_KIB).saturating_mul(1024),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsSource {
    limits: Option<LimitsSource>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsSource {
    file_mib: Option<Spanned<i64>>,
    total_mib: Option<Spanned<i64>>,
    groups: Option<Spanned<i64>>,
    windows: Option<Spanned<i64>>,
    event_occurrences: Option<Spanned<i64>>,
    window_occurrences: Option<Spanned<i64>>,
    text_kib: Option<Spanned<i64>>,
}

/// The limits `maintcal.toml` (in `file`, whose text is `text`) sets, the
/// defaults for keys it leaves out; or every problem in it, each at its key.
pub fn parse(file: FileId, text: &str) -> Result<Limits, Vec<Diagnostic>> {
    let source: SettingsSource =
        toml::from_str(text).map_err(|error| vec![toml_diagnostic(file, text, &error, 0)])?;
    let source = source.limits.unwrap_or_default();
    let mut errors = Vec::new();
    let mut value = |limit: Limit, written: Option<Spanned<i64>>| -> u64 {
        let Some(written) = written else {
            return limit.default;
        };
        match u64::try_from(*written.get_ref()) {
            Ok(n) if (limit.min..=limit.max).contains(&n) => n,
            _ => {
                errors.push(
                    Diagnostic::error(
                        file,
                        written.span(),
                        format!(
                            "`{}` must be from {} to {}",
                            limit.key, limit.min, limit.max
                        ),
                    )
                    .with_help(format!(
                        "the default is {}; leave the key out to use it",
                        limit.default
                    )),
                );
                limit.default
            }
        }
    };
    let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    let limits = Limits {
        file_bytes: value(FILE_MIB, source.file_mib) * MIB,
        total_bytes: value(TOTAL_MIB, source.total_mib) * MIB,
        groups: count(value(GROUPS, source.groups)),
        windows: count(value(WINDOWS, source.windows)),
        event_occurrences: count(value(EVENT_OCCURRENCES, source.event_occurrences)),
        window_occurrences: count(value(WINDOW_OCCURRENCES, source.window_occurrences)),
        text_bytes: count(value(TEXT_KIB, source.text_kib)).saturating_mul(1024),
    };
    if errors.is_empty() {
        Ok(limits)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::diagnostic::SourceFiles;

    /// Every key of `[limits]`, in the order the README lists them.
    const ALL: [Limit; 7] = [
        FILE_MIB,
        TOTAL_MIB,
        GROUPS,
        WINDOWS,
        EVENT_OCCURRENCES,
        WINDOW_OCCURRENCES,
        TEXT_KIB,
    ];

    fn parsed(text: &str) -> Result<Limits, String> {
        let mut sources = SourceFiles::default();
        let file = sources.add(SETTINGS_FILE.to_owned(), text.to_owned());
        parse(file, text).map_err(|errors| sources.render(&errors))
    }

    #[test]
    fn an_empty_file_or_table_gives_the_defaults() {
        assert_eq!(parsed(""), Ok(Limits::default()));
        assert_eq!(parsed("[limits]\n"), Ok(Limits::default()));
    }

    #[test]
    fn each_key_sets_its_limit_in_the_unit_the_checks_use() {
        let limits = parsed(
            "[limits]\nfile_mib = 2\ntotal_mib = 3\ngroups = 4\nwindows = 5\n\
             event_occurrences = 6\nwindow_occurrences = 7\ntext_kib = 8\n",
        )
        .unwrap();
        assert_eq!(
            limits,
            Limits {
                file_bytes: 2 * MIB,
                total_bytes: 3 * MIB,
                groups: 4,
                windows: 5,
                event_occurrences: 6,
                window_occurrences: 7,
                text_bytes: 8 * 1024,
            }
        );
    }

    #[test]
    fn out_of_range_values_are_errors_at_their_key() {
        let report = parsed("[limits]\nwindows = 0\ntext_kib = -3\ngroups = 10\n").unwrap_err();
        assert!(
            report.contains("error: `windows` must be from 1 to 50000000"),
            "{report}"
        );
        assert!(report.contains("maintcal.toml:2:11"), "{report}");
        assert!(
            report.contains("error: `text_kib` must be from 1 to 16384"),
            "{report}"
        );
        assert!(report.contains("maintcal.toml:3:12"), "{report}");
        assert!(!report.contains("groups"), "{report}");
    }

    #[test]
    fn unknown_keys_and_tables_are_refused() {
        let report = parsed("[limits]\nwindow = 5\n").unwrap_err();
        assert!(report.contains("unknown key `window`"), "{report}");
        assert!(report.contains("did you mean `windows`?"), "{report}");
        assert!(report.contains("maintcal.toml:2:1"), "{report}");
        let report = parsed("[calendar]\nid = \"x\"\n").unwrap_err();
        assert!(report.contains("unknown key `calendar`"), "{report}");
        assert!(
            report.contains("the keys allowed here are limits"),
            "{report}"
        );
        let report = parsed("[limits]\nwindows = \"many\"\n").unwrap_err();
        assert!(report.contains("maintcal.toml:2:11"), "{report}");
    }

    #[test]
    fn the_defaults_leave_room_for_the_large_workload() {
        // The peers' large workload, as measured (see the module doc).
        let limits = Limits::default();
        assert!(limits.total_bytes >= 3 * 67_000_000);
        assert!(limits.windows >= 4 * 102_000);
        assert!(limits.event_occurrences >= 4 * 338_000);
        assert!(limits.groups >= 4 * 200);
        assert!(limits.text_bytes >= 4 * 61_000);
        for limit in ALL {
            assert!(
                (limit.min..=limit.max).contains(&limit.default),
                "{}",
                limit.key
            );
        }
    }
}
