//! What the binary says when maintcal itself fails (a panic): one short
//! paragraph that this is a bug and what to send, instead of Rust's own
//! panic output, which is meant for the people who wrote the code.

use std::io::Write;

/// The message printed for a panic with `payload` at `location`.
pub fn report(payload: &str, location: Option<String>) -> String {
    let place = location.map(|l| format!(" at {l}")).unwrap_or_default();
    format!(
        "error: maintcal failed ({payload}{place}).\n\
         This is a bug in maintcal, not a mistake in your schedules. Each feed is \
         replaced whole or not at all, so none is half-written, but this build may \
         not have finished. Please report it with the schedule files and the command \
         that caused it."
    )
}

/// Replaces Rust's panic output with [`report`]. The report is written
/// without `eprintln!`, which panics when stderr cannot be written (a closed
/// pipe, a full device); a panic inside the panic hook aborts the process.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_owned());
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        let _ = writeln!(std::io::stderr(), "{}", report(&payload, location));
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_cause_and_asks_for_a_report_without_a_backtrace_hint() {
        let text = report("index out of bounds", Some("src/feed.rs:12".into()));
        assert!(
            text.starts_with("error: maintcal failed (index out of bounds at src/feed.rs:12)"),
            "{text}"
        );
        assert!(text.contains("bug in maintcal"), "{text}");
        assert!(!text.contains("RUST_BACKTRACE"), "{text}");
    }
}
