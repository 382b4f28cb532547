//! The one door to maintcal's library: every `maintcal::…` path the tests
//! use is named here, so that moving a module means editing this file only.
//! Tests run the binary or [`run`] where that tests the same thing; what is
//! below is what they cannot reach that way: the limits, a disk that fails
//! on purpose, rendering without writing (fast enough for property tests),
//! the wire checker, and the VTIMEZONE writer on any zone and span.

pub use maintcal::cli::Cli;
pub use maintcal::feed::plan;
pub use maintcal::list::rows;
pub use maintcal::publish::{Disk, Output, publish, publish_with};
pub use maintcal::render::vtimezone::vtimezone_lines;
pub use maintcal::render::wire::check_stream;
pub use maintcal::render_all;
pub use maintcal::run;
pub use maintcal::schedule::across::{MAX_EVENT_OCCURRENCES, MAX_GROUPS, MAX_WINDOWS};
pub use maintcal::schedule::{
    MAX_FILE_BYTES, MAX_TOTAL_BYTES, ScheduleError, load_dir, load_files,
};
