//! Stage 3b: turn what was planned into the bytes of each file. A feed
//! becomes iCalendar in [`ics`] ([`ics::render`]); outputs that span every
//! feed (the subscribe page `html`, the manifest `manifest`) sit behind
//! [`SiteFormat`]. Nothing here writes files (that is `publish`'s job) or
//! reads the clock.

pub(crate) mod atom;
pub(crate) mod html;
pub(crate) mod ics;
pub(crate) mod manifest;

use crate::site::{FileRecord, Site};

/// The subscribe page's file name: `html` writes it, and the feed of notices
/// (`atom`) links to it; here so that neither imports the other for it.
pub const INDEX_FILE_NAME: &str = "index.html";

/// An output built from every feed at once.
pub trait SiteFormat {
    /// The file's name in the output folder.
    fn file_name(&self) -> &'static str;
    /// The file's bytes. `earlier` is every file rendered before this one
    /// (the feeds, then the other site outputs), for outputs that describe
    /// the others.
    fn render(&self, site: &Site, earlier: &[FileRecord]) -> Result<Vec<u8>, RenderError>;
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("feed `{feed}` failed its own wire-format check (a maintcal bug): {problems}")]
    WireCheck { feed: String, problems: String },
    #[error("rendering the subscribe page failed (a maintcal bug)")]
    Page(#[from] askama::Error),
    #[error("rendering the manifest failed (a maintcal bug)")]
    Manifest(#[from] serde_json::Error),
    #[error("rendering the feed of notices failed (a maintcal bug): {0}")]
    Atom(String),
}
