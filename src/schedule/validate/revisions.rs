//! Revisions become SEQUENCE, an RFC 5545 INTEGER (at most 2,147,483,647):
//! the calendar's revision plus a window's, or a changed occurrence's, must
//! stay within it. Checked here, where each revision is written, so that no
//! sum can wrap on the way to a feed and `check` and `build` agree.

use super::Validator;
use crate::schedule::source::WindowSource;
use toml::Spanned;

/// RFC 5545's largest INTEGER, and so the largest SEQUENCE.
pub const MAX_SEQUENCE: u32 = i32::MAX as u32;

impl Validator {
    /// Reports each revision whose SEQUENCE (`calendar` plus it) would be
    /// over [`MAX_SEQUENCE`], at the revision itself.
    pub(super) fn check_revisions(
        &mut self,
        calendar: Option<&Spanned<u32>>,
        windows: &[(Spanned<String>, WindowSource)],
    ) {
        let base = calendar.map_or(0, |r| *r.get_ref());
        if let Some(revision) = calendar.filter(|_| base > MAX_SEQUENCE) {
            self.error_help(
                revision.span(),
                format!(
                    "revision {base} is over {MAX_SEQUENCE}, the largest SEQUENCE iCalendar allows"
                ),
                "a revision only has to grow; keep it well below that",
            );
            // Every window's sum would be over too: one error says it.
            return;
        }
        for (_, window) in windows {
            let changes = window.changes.values();
            let revisions = (window.revision.iter())
                .chain(changes.filter_map(|change| change.get_ref().revision.as_ref()));
            for revision in revisions {
                let own = *revision.get_ref();
                if base.checked_add(own).is_some_and(|sum| sum <= MAX_SEQUENCE) {
                    continue;
                }
                let message = if own > MAX_SEQUENCE {
                    format!(
                        "revision {own} is over {MAX_SEQUENCE}, the largest SEQUENCE iCalendar allows"
                    )
                } else {
                    format!(
                        "the calendar's revision {base} plus this revision {own} is over {MAX_SEQUENCE}, the largest SEQUENCE iCalendar allows"
                    )
                };
                self.error_help(
                    revision.span(),
                    message,
                    "events carry the calendar's revision plus the window's; a revision only has to grow, so keep both well below that",
                );
            }
        }
    }
}
