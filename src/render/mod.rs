//! Stage 3b: turn a planned [`Feed`] into the bytes of one file. One module
//! per output format, each behind [`FeedFormat`]; nothing here writes files
//! (that is `publish`'s job) or reads the clock.

pub mod ics;
pub mod vtimezone;
pub mod wire;

use crate::feed::Feed;

/// An output format for one feed.
pub trait FeedFormat {
    /// File name extension, without the dot.
    fn extension(&self) -> &'static str;
    /// The file's bytes; an error means the output would have been invalid.
    fn render(&self, feed: &Feed) -> Result<Vec<u8>, RenderError>;
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("feed `{feed}` failed its own wire-format check (a maintcal bug): {problems}")]
    WireCheck { feed: String, problems: String },
}
