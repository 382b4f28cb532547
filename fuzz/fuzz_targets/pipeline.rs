//! Any bytes as a schedule file, through the whole pipeline: loading must
//! either succeed or report problems that each name a file:line:col, and a
//! schedule that loads must render feeds that pass maintcal's own wire check
//! and list without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maintcal::internals::{Expanded, ScheduleError, check_stream, load_bytes, render_all, rows};

fuzz_target!(|data: &[u8]| {
    match load_bytes(vec![("fuzz.toml".into(), data.to_vec())]) {
        Ok(loaded) => {
            let outputs = render_all(&loaded.schedules)
                .unwrap_or_else(|e| panic!("a valid schedule did not render: {e}"));
            // The feeds; the page and the manifest are not iCalendar.
            for output in outputs.iter().filter(|output| output.events.is_some()) {
                let text = std::str::from_utf8(&output.bytes).expect("feeds are UTF-8");
                if let Err(problems) = check_stream(text) {
                    panic!("{}: {problems:?}", output.file_name);
                }
            }
            let _ = rows(&Expanded::new(&loaded.schedules), None, None, None);
        }
        Err(ScheduleError::Invalid { errors, report }) => {
            assert!(errors > 0);
            let located = report.matches("┌─ fuzz.toml:").count();
            assert!(
                located >= errors,
                "{errors} errors, {located} located:\n{report}"
            );
        }
        Err(other) => panic!("unexpected error for in-memory input: {other}"),
    }
});
