//! Zone names that parse but rarely mean what the operator wants: the
//! fixed-offset abbreviations (`EST` is UTC−05:00 all year, an hour off New
//! York's clocks in summer), `Etc/GMT±N` (sign inverted, no daylight saving
//! time), and the legacy names tzdata keeps only for compatibility
//! (`US/Eastern`, `EST5EDT`, `Japan`). Each gets a warning saying what the
//! name means and, where one is clear, the zone to write instead.

/// What is wrong with a zone name: the warning's message and its help.
pub(super) struct Advice {
    pub message: String,
    pub help: String,
}

/// Names that stay on one offset all year, the place's zone most people
/// mean by them, and how the two differ.
const FIXED: &[(&str, &str, &str, &str)] = &[
    (
        "EST",
        "UTC−05:00",
        "America/New_York",
        "In summer, windows in EST are an hour off New York's clocks",
    ),
    (
        "MST",
        "UTC−07:00",
        "America/Denver",
        "In summer, windows in MST are an hour off Denver's clocks \
         (America/Phoenix keeps MST all year)",
    ),
    (
        "HST",
        "UTC−10:00",
        "Pacific/Honolulu",
        "Hawaii keeps HST all year today; its own zone would follow any change",
    ),
];

/// Legacy and POSIX-style names, and the canonical zone each stands for.
const LEGACY: &[(&str, &str)] = &[
    ("EST5EDT", "America/New_York"),
    ("CST6CDT", "America/Chicago"),
    ("MST7MDT", "America/Denver"),
    ("PST8PDT", "America/Los_Angeles"),
    ("US/Eastern", "America/New_York"),
    ("US/Central", "America/Chicago"),
    ("US/Mountain", "America/Denver"),
    ("US/Pacific", "America/Los_Angeles"),
    ("US/Alaska", "America/Anchorage"),
    ("US/Aleutian", "America/Adak"),
    ("US/Arizona", "America/Phoenix"),
    ("US/Hawaii", "Pacific/Honolulu"),
    ("US/East-Indiana", "America/Indiana/Indianapolis"),
    ("US/Indiana-Starke", "America/Indiana/Knox"),
    ("US/Michigan", "America/Detroit"),
    ("US/Samoa", "Pacific/Pago_Pago"),
    ("Canada/Atlantic", "America/Halifax"),
    ("Canada/Central", "America/Winnipeg"),
    ("Canada/Eastern", "America/Toronto"),
    ("Canada/Mountain", "America/Edmonton"),
    ("Canada/Newfoundland", "America/St_Johns"),
    ("Canada/Pacific", "America/Vancouver"),
    ("Japan", "Asia/Tokyo"),
    ("ROK", "Asia/Seoul"),
    ("ROC", "Asia/Taipei"),
    ("PRC", "Asia/Shanghai"),
    ("Hongkong", "Asia/Hong_Kong"),
    ("Singapore", "Asia/Singapore"),
    ("GB", "Europe/London"),
    ("GB-Eire", "Europe/London"),
    ("Eire", "Europe/Dublin"),
    ("Portugal", "Europe/Lisbon"),
    ("Poland", "Europe/Warsaw"),
    ("Turkey", "Europe/Istanbul"),
    ("Israel", "Asia/Jerusalem"),
    ("Iran", "Asia/Tehran"),
    ("Egypt", "Africa/Cairo"),
    ("NZ", "Pacific/Auckland"),
    ("Cuba", "America/Havana"),
    ("Jamaica", "America/Jamaica"),
];

/// Names for UTC itself: a fine choice, whatever their spelling.
const UTC_NAMES: &[&str] = &[
    "UTC",
    "UCT",
    "GMT",
    "GMT0",
    "GMT+0",
    "GMT-0",
    "Greenwich",
    "Universal",
    "Zulu",
];

/// The warning for zone `name` (as tzdata spells it), if it deserves one.
pub(super) fn advice(name: &str) -> Option<Advice> {
    if let Some((_, offset, meant, why)) = FIXED.iter().find(|(fixed, ..)| *fixed == name) {
        return Some(Advice {
            message: format!(
                "time zone `{name}` is {offset} all year, with no daylight saving time"
            ),
            help: format!("did you mean {meant}? {why}"),
        });
    }
    if let Some(hours) = etc_gmt_hours(name) {
        let offset = format!(
            "UTC{}{:02}:00",
            if hours < 0 { '−' } else { '+' },
            hours.abs()
        );
        return Some(Advice {
            message: format!(
                "time zone `{name}` is {offset} all year: Etc/GMT names invert the sign, \
                 and have no daylight saving time"
            ),
            help: "name the place's zone instead (region/city, e.g. America/Chicago), which \
                   follows its clock changes; if a fixed offset is really meant, ignore this"
                .to_owned(),
        });
    }
    if let Some((_, meant)) = LEGACY.iter().find(|(legacy, _)| *legacy == name) {
        return Some(Advice {
            message: format!(
                "time zone `{name}` is a legacy name, kept in tzdata only for compatibility"
            ),
            help: format!("did you mean {meant}?"),
        });
    }
    // Any other name without a region (`Navajo`, `W-SU`, `CET`) or under
    // a legacy prefix (`Brazil/East`, `Mexico/General`).
    let legacy_prefix = ["US/", "Canada/", "Brazil/", "Chile/", "Mexico/"]
        .iter()
        .any(|prefix| name.starts_with(prefix));
    if (legacy_prefix || !name.contains('/'))
        && !UTC_NAMES.contains(&name)
        && !name.starts_with("Etc/")
    {
        return Some(Advice {
            message: format!(
                "time zone `{name}` is a legacy name, kept in tzdata only for compatibility"
            ),
            help: "name the zone by region and city, e.g. America/New_York or Europe/Berlin"
                .to_owned(),
        });
    }
    None
}

/// The UTC offset in hours of `Etc/GMT+N` (−N) or `Etc/GMT-N` (+N); `None`
/// for other names and for the zero offset, which is UTC.
fn etc_gmt_hours(name: &str) -> Option<i32> {
    let rest = name.strip_prefix("Etc/GMT")?;
    let hours: i32 = rest.parse().ok()?;
    (hours != 0).then_some(-hours)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Tz;

    #[test]
    fn every_name_in_the_tables_parses_and_so_does_its_suggestion() {
        let names = FIXED
            .iter()
            .flat_map(|(name, _, meant, _)| [*name, *meant])
            .chain(LEGACY.iter().flat_map(|(name, meant)| [*name, *meant]));
        for name in names {
            assert!(name.parse::<Tz>().is_ok(), "{name}");
        }
        // A suggestion is itself a canonical name: no advice for it.
        for (_, meant) in LEGACY {
            assert!(advice(meant).is_none(), "{meant}");
        }
    }

    #[test]
    fn fixed_offsets_say_what_they_are_and_what_was_meant() {
        let est = advice("EST").unwrap();
        assert_eq!(
            est.message,
            "time zone `EST` is UTC−05:00 all year, with no daylight saving time"
        );
        assert!(est.help.starts_with("did you mean America/New_York?"));
        let gmt5 = advice("Etc/GMT+5").unwrap();
        assert!(
            gmt5.message.contains("is UTC−05:00 all year"),
            "{}",
            gmt5.message
        );
        assert!(gmt5.message.contains("invert the sign"));
        assert!(advice("Etc/GMT-14").unwrap().message.contains("UTC+14:00"));
    }

    #[test]
    fn legacy_names_point_at_the_canonical_zone() {
        assert_eq!(
            advice("US/Eastern").unwrap().help,
            "did you mean America/New_York?"
        );
        assert_eq!(
            advice("CST6CDT").unwrap().help,
            "did you mean America/Chicago?"
        );
        assert_eq!(advice("Japan").unwrap().help, "did you mean Asia/Tokyo?");
        assert!(advice("Navajo").unwrap().message.contains("legacy name"));
        assert!(advice("Brazil/East").is_some());
    }

    #[test]
    fn canonical_zones_and_utc_are_fine() {
        for name in [
            "America/New_York",
            "Asia/Tokyo",
            "Australia/Lord_Howe",
            "America/Argentina/Buenos_Aires",
            "UTC",
            "Etc/UTC",
            "Etc/GMT",
            "Etc/GMT+0",
            "GMT",
        ] {
            assert!(advice(name).is_none(), "{name}");
        }
    }
}
