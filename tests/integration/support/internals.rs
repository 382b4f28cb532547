//! The one door to maintcal's library: every `maintcal::…` path the tests
//! use is named here, so that moving a module means editing this file only.
//! Tests run the binary or [`run`] where that tests the same thing; what is
//! below is what they cannot reach that way: a disk that fails
//! on purpose, rendering without writing (fast enough for property tests),
//! the wire checker, and the VTIMEZONE writer on any zone and span. The
//! crate opens them through its `internals` feature (src/internals.rs).

pub use maintcal::cli::Cli;
pub use maintcal::internals::{
    Disk, Expanded, Feed, Output, ScheduleError, Schedules, check_stream, event_text_bounds,
    feed_text_bounds, load_dir, load_files, plans, publish, publish_with, render_all, uid_ids,
    vtimezone_lines,
};
pub use maintcal::run;

/// Every feed's plan, as a build makes them.
pub fn plan(schedules: &Schedules) -> Vec<Feed> {
    maintcal::internals::plan(&Expanded::new(schedules))
}

/// `maintcal list`'s rows, for every group and date.
pub fn rows(
    schedules: &Schedules,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    group: Option<&str>,
) -> Vec<maintcal::internals::Row> {
    maintcal::internals::rows(&Expanded::new(schedules), from, to, group)
}
