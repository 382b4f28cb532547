mod common;
use common::*;
use proptest::prelude::*;
use std::collections::BTreeSet;

const ZONES: [&str; 12] = [
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Dublin",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "America/Santiago",
    "America/Havana",
    "Asia/Beirut",
    "Pacific/Chatham",
    "Asia/Tehran",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]
    #[test]
    fn fuzz(zone in 0..ZONES.len(), nth in prop::sample::select(vec!["1st","2nd","3rd","4th","5th","last"]), wd in prop::sample::select(vec!["sunday","saturday","friday"]), sh in prop::sample::select(vec![0u32,0,1,1,2,2,3,23,22,12]), sm in prop::sample::select(vec![0u32,15,30,45]), len in 1u32..90, year in 2000i32..2030, count in 1u32..30, sub in any::<bool>(), so in 0u32..8, sl in 1u32..8) {
        let start = sh * 60 + sm;
        let length = len * 15;
        let end = (start + length) % 1440;
        let next = start + length >= 1440;
        let f = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
        let mut services = "\"b\"".to_string();
        if sub && so + sl <= len {
            let ss = (start + so*15) % 1440; let se = (start + (so+sl)*15) % 1440;
            if (so+sl) < len || true { services = format!("{{ service = \"a\", start = {}, end = {} }}, \"b\"", f(ss), f(se)); }
        }
        let text = format!(r#"
[calendar]
id = "fz"
name = "F"
timezone = "{}"
language = "en"
[groups.ops]
name = "O"
services = ["a", "b"]
[windows.w]
every = "month"
on = "{} {}"
from = {}-01-01
count = {}
start = {}
end = {}
ends_next_day = {}
status = "confirmed"
revised = 2000-01-01T00:00:00Z
[windows.w.impact.ops]
stops = [{}]
"#, ZONES[zone], nth, wd, year, count, f(start), f(end), next, services);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), &text).unwrap();
        let (r, _, _) = run(&["check", "--schedules", dir.path().to_str().unwrap()]);
        if r.is_err() { return Ok(()); }
        let out = build(dir.path());
        let (r, stdout, _) = run(&["list", "--json", "--schedules", dir.path().to_str().unwrap()]);
        r.unwrap();
        let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let mut want = BTreeSet::new();
        for row in rows.as_array().unwrap() {
            want.insert((utc(row["start"].as_str().unwrap()), utc(row["end"].as_str().unwrap())));
            for s in row["services"].as_array().unwrap() {
                if let Some(st) = s["start"].as_str() { want.insert((utc(st), utc(s["end"].as_str().unwrap()))); }
            }
        }
        let got: BTreeSet<_> = expand_feed(&parse_feed(&out.path().join("ops.ics"))).into_iter().map(|i| (i.start, i.end)).collect();
        prop_assert_eq!(got, want, "{}", text);
    }
}
