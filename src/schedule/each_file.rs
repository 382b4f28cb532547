//! Parsing and checking each schedule file on its own, on a few threads:
//! a file's sections, checks and model need nothing from another file, and
//! parsing is most of a large load's time. What the checks across files
//! need of each (its ids, base URL and places) is handed back with it, and
//! the results are put together in file order, so the diagnostics, the
//! model and the places are the same as when the files are read one by one.

use super::Places;
use super::diagnostic::{Diagnostic, FileId, SourceFiles};
use super::model::{self, Calendar};
use super::source::sections::sections;
use super::validate::Validator;
use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What one file gives.
#[derive(Debug, Default)]
pub(super) struct Checked {
    /// `None` when the file had errors (in `diagnostics`).
    pub calendar: Option<Calendar>,
    pub diagnostics: Vec<Diagnostic>,
    /// The calendar's id and where it is written.
    pub calendar_id: Option<(String, Range<usize>)>,
    /// The calendar's base URL, when it is a valid one, and where.
    pub base_url: Option<(String, Range<usize>)>,
    /// Every group id with its place, in file order.
    pub group_ids: Vec<(String, Range<usize>)>,
    pub places: Places,
}

/// Parses and checks one file.
fn check(file: FileId, text: &str, window_occurrences: usize) -> Checked {
    let mut checked = Checked::default();
    let (sections, found) = sections(file, text);
    checked.diagnostics = found;
    if !sections.parsed {
        // Whatever the recovering parser made of a broken file would
        // only yield follow-on errors ("no [calendar] table", …).
        return checked;
    }
    if let Some(calendar) = &sections.calendar {
        checked.calendar_id = Some((calendar.id.get_ref().clone(), calendar.id.span()));
        if let Some(url) = &calendar.base_url
            && let Ok(url_text) = model::base_url(url.get_ref())
        {
            checked.base_url = Some((url_text, url.span()));
        }
    }
    checked.group_ids = (sections.groups.iter())
        .map(|(key, _)| (key.get_ref().clone(), key.span()))
        .collect();
    checked.places = Places::of_file(file, &sections);
    let mut validator = Validator::new(file, window_occurrences);
    checked.calendar = validator.calendar(sections, 0..text.len());
    checked.diagnostics.append(&mut validator.diagnostics);
    checked
}

/// [`check`] of every file in `files`, in their order, on as many threads
/// as there are cores (at most one per file). Each thread takes the next
/// file not yet taken, so one large file does not hold up the rest.
pub(super) fn check_all(
    sources: &SourceFiles,
    files: &[FileId],
    window_occurrences: usize,
) -> Vec<Checked> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, files.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Checked>>> = files.iter().map(|_| Mutex::new(None)).collect();
    let work = || {
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(&file) = files.get(index) else {
                return;
            };
            let checked = check(file, sources.text(file), window_occurrences);
            *results[index]
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(checked);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(work);
        }
        work();
    });
    results
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                // Every index below `files.len()` is taken exactly once, and
                // the scope waits for every thread.
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::schedule::{ScheduleError, load_files};

    /// One calendar per file, `id` `c<n>`, with one window `w`; `broken`
    /// files misspell the window's `status`.
    fn file(n: usize, broken: bool) -> (std::path::PathBuf, String) {
        let status = if broken { "statsu" } else { "status" };
        let text = format!(
            "[calendar]\nid = \"c{n}\"\nname = \"C{n}\"\ntimezone = \"Asia/Tokyo\"\n\n\
             [groups.g{n}]\nname = \"G\"\nservices = [\"S\"]\n\n\
             [windows.w]\ndate = 2020-05-17\nstart = 02:00\nend = 04:00\n\
             {status} = \"confirmed\"\nrevised = 2020-05-01T10:00:00+09:00\n\
             [windows.w.impact.g{n}]\nstops = [\"S\"]\n"
        );
        (format!("s{n:02}.toml").into(), text)
    }

    #[test]
    fn files_checked_on_several_threads_are_reported_in_file_order() {
        let files: Vec<_> = (0..24).map(|n| file(n, n % 3 == 1)).collect();
        let Err(ScheduleError::Invalid { errors, report }) = load_files(files) else {
            panic!("the misspelt files are errors");
        };
        assert_eq!(errors, 8, "{report}");
        let named: Vec<&str> = report
            .lines()
            .filter_map(|line| line.trim_start().strip_prefix("┌─ "))
            .map(|place| place.split(':').next().unwrap_or_default())
            .collect();
        let expected: Vec<String> = (0..24)
            .filter(|n| n % 3 == 1)
            .map(|n| format!("s{n:02}.toml"))
            .collect();
        assert_eq!(named, expected, "{report}");
    }

    #[test]
    fn the_model_and_places_put_together_keep_file_order() {
        let loaded = load_files((0..12).map(|n| file(n, false)).collect()).unwrap();
        // The model in file order, whichever thread checked which file.
        let ids: Vec<&str> = (loaded.schedules.calendars.iter())
            .map(|calendar| calendar.id.as_str())
            .collect();
        let expected: Vec<String> = (0..12).map(|n| format!("c{n}")).collect();
        assert_eq!(ids, expected);
        for n in 0..12 {
            let place = loaded.places.window(&format!("c{n}"), "w").unwrap();
            assert_eq!(loaded.sources.name(place.file), format!("s{n:02}.toml"));
            assert_eq!(&loaded.sources.text(place.file)[place.key.clone()], "w");
        }
    }
}
