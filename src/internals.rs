//! The one door to maintcal's insides, for its own integration tests,
//! benchmarks and fuzz targets, behind the `internals` feature (which
//! `cargo test` and `cargo bench` turn on through the crate's dev-dependency
//! on itself). Not a stable API: the binary is the product. Everything else
//! in the crate is private, so the compiler reports dead code.

pub use crate::build::render_each;
pub use crate::expand::Expanded;
pub use crate::feed::{Feed, plan, plans, uid_ids};
pub use crate::horizon::{as_of, trim};
pub use crate::list::{Row, rows};
pub use crate::publish::{Disk, Output, publish, publish_with};
pub use crate::render::RenderError;
pub use crate::render::ics::{ZoneCache, check_stream, render as render_feed, vtimezone_lines};
pub use crate::schedule::text_limit::{event_text_bounds, feed_text_bounds};
pub use crate::schedule::{Loaded, ScheduleError, Schedules, load_bytes, load_dir, load_files};

/// Every output file's bytes, in memory: the whole build but the writing,
/// with the base URL the schedules give. The feeds come first (one per
/// group, each followed by its services' feeds, then `all`), then the feed
/// of notices, then the subscribe page, then the manifest.
pub fn render_all(schedules: &Schedules) -> Result<Vec<Output>, RenderError> {
    let mut outputs = Vec::new();
    crate::build::render_each(schedules, None, |output| {
        outputs.push(output);
        Ok::<(), RenderError>(())
    })?;
    Ok(outputs)
}
