//! The exact bytes of an English, two-zone feed (tests/cases/english-saas/:
//! an operator in New York and London time, two calendars, three groups, a
//! monthly series with a skip and a moved occurrence, a one-off, a
//! last-Sunday series across the change of the clocks with a cancellation),
//! kept as insta snapshots so that any change to what an English-speaking
//! subscriber reads (wording, typography, layout) is seen and reviewed.
//!
//! Line ends are shown, not normalised away (insta compares text with line
//! ends normalised): each CRLF is written as `␍` and a line break in the
//! snapshot, so a trailing space before a fold stays visible and a bare LF
//! would show as a break without `␍` (a bare CR fails the test). Undoing
//! that gives the feed's bytes exactly (the test checks it).

use crate::support::*;

/// A feed's text with every CRLF shown as `␍` + LF.
fn shown(bytes: &[u8]) -> String {
    let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
    assert!(!text.contains('␍'), "the marker is not in the feed itself");
    assert!(text.ends_with("\r\n"), "the last line ends with CRLF");
    let shown = text.replace("\r\n", "␍\n");
    assert!(!shown.contains('\r'), "no bare CR");
    assert_eq!(shown.replace("␍\n", "\r\n"), text, "reversible");
    shown
}

#[test]
fn english_two_zone_feeds_byte_for_byte() {
    let out = build(&case("english-saas"));
    let names: Vec<String> = files(out.path()).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "acme-eu.storage-rollout.html",
            "acme-us.database-upgrade.html",
            "acme-us.patch-tuesday.html",
            "all.ics",
            "api.ics",
            "dashboard.ics",
            "eu-storage.ics",
            "feeds.json",
            "index.html",
            "maintcal.css",
            "maintcal.js",
            "notices.atom"
        ]
    );
    let all = std::fs::read(out.path().join("all.ics")).unwrap();
    let all = shown(&all);
    // Both zones are defined where both are used.
    for zone in ["TZID:America/New_York␍", "TZID:Europe/London␍"] {
        assert!(all.contains(zone), "{zone}");
    }
    let api = shown(&std::fs::read(out.path().join("api.ics")).unwrap());
    insta::assert_snapshot!("english_saas_api_ics", api);
    insta::assert_snapshot!("english_saas_all_ics", all);
}
