//! Where each calendar, group and window is declared, so that a problem
//! found after validation (windows that overlap, a SEQUENCE going down
//! compared with the previous build) can still point at the line to edit.

use super::diagnostic::FileId;
use super::source::FileSections;
use std::collections::HashMap;
use toml::Spanned;

/// Every calendar, group and window of the schedules, in file order.
#[derive(Debug, Default)]
pub struct Places {
    pub calendars: Vec<Place>,
    pub groups: Vec<Place>,
    pub windows: Vec<Place>,
    /// calendar id → window id → index in `windows` (the first, if twice):
    /// every window is looked up once per build, and a scan of a hundred
    /// thousand windows for each took most of a large build's time.
    window_index: HashMap<String, HashMap<String, usize>>,
}

/// One calendar or window: its ids, file, and the spans to point at.
#[derive(Debug, Clone)]
pub struct Place {
    pub calendar: String,
    pub file: FileId,
    /// The window's or group's key, or the calendar's `id`.
    pub key: std::ops::Range<usize>,
    /// `revision`, where it is written; else `key`.
    pub revision: std::ops::Range<usize>,
}

impl Places {
    /// The places `sections` (one file's) declare, on their own: files are
    /// read on several threads, and [`Places::append`] puts them together
    /// in file order.
    pub(super) fn of_file(file: FileId, sections: &FileSections) -> Places {
        let mut places = Places::default();
        let Some(calendar) = &sections.calendar else {
            return places;
        };
        let calendar_id = calendar.id.get_ref().clone();
        places.calendars.push(Place {
            calendar: calendar_id.clone(),
            file,
            key: calendar.id.span(),
            revision: calendar
                .revision
                .as_ref()
                .map_or(calendar.id.span(), Spanned::span),
        });
        for (key, _) in &sections.groups {
            places.groups.push(Place {
                calendar: calendar_id.clone(),
                file,
                key: key.span(),
                revision: key.span(),
            });
        }
        let windows = places.window_index.entry(calendar_id.clone()).or_default();
        for (key, window) in &sections.windows {
            windows
                .entry(key.get_ref().clone())
                .or_insert(places.windows.len());
            places.windows.push(Place {
                calendar: calendar_id.clone(),
                file,
                key: key.span(),
                revision: window.revision.as_ref().map_or(key.span(), Spanned::span),
            });
        }
        places
    }

    /// Adds the places of a later file (see [`Places::of_file`]); a window
    /// declared twice is found at its first place, as before.
    pub(super) fn append(&mut self, later: Places) {
        let offset = self.windows.len();
        for (calendar, windows) in later.window_index {
            let index = self.window_index.entry(calendar).or_default();
            for (window, at) in windows {
                index.entry(window).or_insert(at + offset);
            }
        }
        self.calendars.extend(later.calendars);
        self.groups.extend(later.groups);
        self.windows.extend(later.windows);
    }

    pub fn calendar(&self, calendar: &str) -> Option<&Place> {
        self.calendars.iter().find(|p| p.calendar == calendar)
    }

    pub fn window(&self, calendar: &str, window: &str) -> Option<&Place> {
        let index = *self.window_index.get(calendar)?.get(window)?;
        self.windows.get(index)
    }
}
