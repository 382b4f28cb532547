//! `maintcal build`: the pipeline run end to end. The schedules are
//! expanded once into a table of occurrences ([`Expanded`]), trimmed to the
//! horizon, and every later stage reads that table: each feed is planned
//! once, rendered, handed to the sink and dropped; then the subscribe page
//! and the manifest; then the files are published (or, with `--check`,
//! compared with what is there).

use crate::cli::BuildArgs;
use crate::expand::Expanded;
use crate::publish::{self, BuildRecord, FileEntry, Output, Written};
use crate::render::{self, RenderError, SiteFormat};
use crate::schedule::Schedules;
use crate::{feed, horizon, pages, previous, site};
use chrono::{DateTime, Utc};
use std::io::Write;
use std::path::Path;

mod fingerprint;
mod incremental;

pub(crate) fn build(
    args: &BuildArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<()> {
    if args.check {
        return check(args, stdout, stderr);
    }
    let mut phases = Phases::new();
    // Everything besides the schedules that reaches the bytes or the outcome.
    let options = format!(
        "{:?}",
        (
            &args.base_url,
            args.require_base_url,
            args.as_of,
            &args.previous,
            args.no_previous
        )
    );
    let inputs = fingerprint::folder(&args.schedules.schedules, &options);
    let previous = fingerprint::tool().and_then(|tool| BuildRecord::read(&args.out, tool));
    if let (Some(previous), Some(inputs)) = (&previous, &inputs)
        && previous.inputs.as_ref() == Some(&inputs.fingerprint)
        && incremental::skip(args, previous, stdout, stderr)?
    {
        phases.mark("skipped: nothing changed", stderr);
        return Ok(());
    }
    phases.mark("fingerprint the schedules", stderr);
    let loaded = crate::prepare::load(&args.schedules.schedules, stderr)?;
    phases.mark("load", stderr);
    let (expanded, schedule_warnings) = crate::prepare::expand_and_count_warnings(&loaded, stderr)?;
    phases.mark("expand and warn", stderr);
    // `--as-of` moves "now" forward only: a schedule's own revisions are
    // never in its future.
    let as_of = horizon::as_of(&loaded.schedules).max(args.as_of);
    let expanded = horizon::trim(expanded, as_of);
    let base_url = args.base_url.as_deref();
    let resolved = pages::resolve(&loaded.schedules, base_url);
    if args.require_base_url {
        pages::require(resolved.as_deref())?;
    }
    // Feeds compared with a folder other than `out/` are all rendered: the
    // record only vouches for what `out/` holds.
    let reuse = incremental::Reuse::new(
        &args.out,
        previous.as_ref(),
        &loaded,
        &expanded,
        as_of,
        &resolved,
    )
    .filter(|_| args.previous.is_none());
    phases.mark("fingerprint the feeds", stderr);
    // Files are staged beside their places as they come; none is renamed
    // into place before every one is rendered, written and compared, and an
    // error on the way drops the publication, which removes what it staged.
    let mut publication = publish::Publication::begin(&args.out, &publish::RealDisk)?;
    publication.claim(&output_names(&loaded.schedules))?;
    let mut comparer = previous::Comparer::default();
    let mut warnings = Vec::new();
    let mut entries: Vec<FileEntry> = Vec::new();
    let (mut rendered, mut kept) = (0, 0);
    render_expanded(&expanded, as_of, base_url, reuse.as_ref(), |produced| {
        match produced {
            Produced::File(output, entry) => {
                warnings.extend(size_warning(
                    &args.out,
                    &output.file_name,
                    output.events,
                    output.bytes.len(),
                ));
                warnings.extend(address_warning(
                    resolved.as_deref(),
                    &output.file_name,
                    output.events,
                ));
                if !args.no_previous {
                    comparer.add(args.previous.as_deref().unwrap_or(&args.out), &output);
                }
                publication.add(&output)?;
                rendered += usize::from(output.events.is_some());
                entries.push(entry);
            }
            Produced::Kept(entry) => {
                let events = entry.feed.as_ref().map(|feed| feed.events);
                warnings.extend(size_warning(
                    &args.out,
                    &entry.file,
                    events,
                    entry.bytes as usize,
                ));
                warnings.extend(address_warning(resolved.as_deref(), &entry.file, events));
                publication.keep(&entry.file)?;
                kept += 1;
                entries.push(entry);
            }
        }
        anyhow::Ok(())
    })?;
    let feeds = rendered + kept;
    phases.mark(
        &format!("plan, render and stage ({rendered} of {feeds} feeds rendered)"),
        stderr,
    );
    for warning in &warnings {
        writeln!(stderr, "warning: {warning}")?;
    }
    // Before anything is renamed: every changed event's SEQUENCE must rise.
    let comparison = comparer.finish(&loaded);
    stderr.write_all(comparison.report.as_bytes())?;
    if comparison.errors > 0 {
        anyhow::bail!(
            "the schedules would change events without raising their SEQUENCE above what \
             {} holds; nothing was written",
            args.previous.as_deref().unwrap_or(&args.out).display()
        );
    }
    phases.mark("compare SEQUENCEs", stderr);
    // The record goes first: should this build stop half-way, the next
    // finds no record and trusts nothing.
    BuildRecord::remove(&args.out);
    let report = publication.finish()?;
    phases.mark("flush and rename", stderr);
    for note in &report.notes {
        writeln!(stderr, "warning: {note}")?;
    }
    for (entry, (path, written)) in entries.iter().zip(&report.files) {
        let events = (entry.feed.as_ref())
            .map(|feed| format!("{} events  ", feed.events))
            .unwrap_or_default();
        let note = match written {
            Written::Updated => "",
            Written::Unchanged => "  (unchanged)",
        };
        writeln!(
            stdout,
            "{}  {events}{} bytes{note}",
            path.display(),
            entry.bytes
        )?;
    }
    for path in &report.removed {
        writeln!(stdout, "{}  removed (no longer produced)", path.display())?;
    }
    if let Some(tool) = fingerprint::tool() {
        let mut record = BuildRecord::new(tool.to_owned());
        // Only if the schedules did not change while they were read: the
        // record must describe the bytes this build loaded.
        record.inputs = inputs
            .filter(fingerprint::FolderInputs::unchanged_since)
            .map(|inputs| inputs.fingerprint);
        record.schedule_warnings = schedule_warnings;
        record.output_warnings = warnings;
        record.files = entries;
        incremental::write_record(&args.out, record, stderr)?;
    }
    phases.mark("record", stderr);
    Ok(())
}

/// `build --check`: renders everything and compares bytes, whatever the
/// build record says.
fn check(args: &BuildArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> anyhow::Result<()> {
    let loaded = crate::prepare::load(&args.schedules.schedules, stderr)?;
    let expanded = crate::prepare::expand_and_warn(&loaded, stderr)?;
    let as_of = horizon::as_of(&loaded.schedules).max(args.as_of);
    let expanded = horizon::trim(expanded, as_of);
    let base_url = args.base_url.as_deref();
    let resolved = pages::resolve(&loaded.schedules, base_url);
    if args.require_base_url {
        pages::require(resolved.as_deref())?;
    }
    let mut warnings = Vec::new();
    let mut check = publish::StaleCheck::default();
    let mut files = 0;
    render_expanded(&expanded, as_of, base_url, None, |produced| {
        if let Produced::File(output, _) = produced {
            warnings.extend(size_warning(
                &args.out,
                &output.file_name,
                output.events,
                output.bytes.len(),
            ));
            warnings.extend(address_warning(
                resolved.as_deref(),
                &output.file_name,
                output.events,
            ));
            check.add(&args.out, &output);
            files += 1;
        }
        anyhow::Ok(())
    })?;
    for warning in &warnings {
        writeln!(stderr, "warning: {warning}")?;
    }
    let stale = check.finish(&args.out);
    if !stale.is_empty() {
        let list: Vec<String> = stale.iter().map(ToString::to_string).collect();
        if let Some(reason) = pages::stale_reason(&args.out, resolved.as_deref()) {
            anyhow::bail!(
                "{} is stale: {}; {reason}",
                args.out.display(),
                list.join(", ")
            );
        }
        anyhow::bail!(
            "{} is stale: {}; run `maintcal build` and commit the result",
            args.out.display(),
            list.join(", ")
        );
    }
    writeln!(stdout, "{}: {files} files up to date", args.out.display())?;
    Ok(())
}

/// With `MAINTCAL_TIMINGS` set, how long each phase of a build took, on
/// stderr (a development aid; it reads the clock only to report, never
/// into what is rendered).
struct Phases(Option<(std::time::Instant, std::time::Instant)>);

impl Phases {
    fn new() -> Phases {
        let now = std::time::Instant::now();
        Phases(std::env::var_os("MAINTCAL_TIMINGS").map(|_| (now, now)))
    }

    fn mark(&mut self, phase: &str, stderr: &mut dyn Write) {
        if let Some((start, last)) = &mut self.0 {
            let now = std::time::Instant::now();
            let _ = writeln!(
                stderr,
                "timing: {phase}: {:.3} s (at {:.3} s)",
                (now - *last).as_secs_f64(),
                (now - *start).as_secs_f64()
            );
            *last = now;
        }
    }
}

/// Google Calendar refuses to subscribe to feeds larger than about 1 MB.
pub const GOOGLE_SIZE_LIMIT: usize = 1_000_000;

/// The warning for file `name` of `bytes` bytes if it is a feed (it has
/// `events`) Google Calendar would refuse.
fn size_warning(out_dir: &Path, name: &str, events: Option<usize>, bytes: usize) -> Option<String> {
    (events.is_some() && bytes > GOOGLE_SIZE_LIMIT).then(|| {
        format!(
            "{} is {bytes} bytes: Google Calendar refuses subscriptions over about 1 MB; lower keep_past_months in [calendar] (past windows kept) or split the group",
            out_dir.join(name).display(),
        )
    })
}

/// Google Calendar fails silently (adds nothing, says nothing) when the
/// address it is asked to subscribe to is longer than about 256 characters.
pub const GOOGLE_ADDRESS_LIMIT: usize = 256;

/// The warning for file `name` if it is a feed (it has `events`) whose
/// address, as the page gives it to Google (`webcal://` + base URL + file
/// name), is too long.
fn address_warning(base_url: Option<&str>, name: &str, events: Option<usize>) -> Option<String> {
    events?;
    let address = site::links(base_url?, name, "").webcal;
    let length = address.chars().count();
    (length > GOOGLE_ADDRESS_LIMIT).then(|| {
        format!(
            "the address of feed {} is {length} characters ({address}): Google Calendar \
             silently fails to subscribe to addresses over about {GOOGLE_ADDRESS_LIMIT}; \
             publish under a shorter base URL or use a shorter group id",
            name
        )
    })
}

/// Every output file of a build, handed to `sink` as soon as it is
/// rendered instead of kept: the feeds first (one per group, each followed
/// by its services' feeds, then `all`), then the feed of notices, then the
/// subscribe page and the windows' pages, then the manifest. `base_url`
/// (already checked)
/// overrides the schedules'.
///
/// Each feed is planned, rendered, handed on and dropped, so memory holds
/// a few feeds (their plans and their bytes) at a time, and only each
/// file's name, size and hash are kept for the page and the manifest.
#[cfg(any(test, feature = "internals"))]
pub fn render_each<E: From<RenderError>>(
    schedules: &Schedules,
    base_url: Option<&str>,
    mut sink: impl FnMut(Output) -> Result<(), E>,
) -> Result<(), E> {
    let as_of = horizon::as_of(schedules);
    let expanded = horizon::trim(Expanded::new(schedules), as_of);
    // Nothing to reuse, so every file is rendered.
    render_expanded(
        &expanded,
        as_of,
        base_url,
        None,
        |produced| match produced {
            Produced::File(output, _) => sink(output),
            Produced::Kept(_) => Ok(()),
        },
    )
}

/// One output file of a build, as [`render_expanded`] hands it on.
enum Produced {
    /// Rendered, with what the build record keeps of it (no metadata yet).
    File(Output, FileEntry),
    /// A feed whose inputs and file did not change, left as it is.
    Kept(FileEntry),
}

/// The names of the files [`render_each`] gives, in its order, known before
/// anything is rendered, so that a build refuses a folder where they would
/// overwrite files maintcal did not write before it stages any.
pub(crate) fn output_names(schedules: &Schedules) -> Vec<String> {
    let windows = (schedules.calendars.iter())
        .filter(|calendar| calendar.window_pages)
        .flat_map(|calendar| {
            (calendar.windows.iter()).map(|window| feed::window_page(&calendar.id, &window.id))
        });
    // Each group's feed, then its services' (as `feed::plan_nth` orders them).
    (schedules.groups())
        .flat_map(|(_, group)| {
            let services = (group.service_feeds.iter()).map(|s| feed::service_feed_id(group, s));
            std::iter::once(group.id.clone()).chain(services)
        })
        .chain([feed::ALL_FEED_ID.to_owned()])
        .map(|id| format!("{id}.{}", render::ics::EXTENSION))
        .chain([render::atom::FILE_NAME.to_owned()])
        .chain(render::html::assets().map(|(name, _)| name.to_owned()))
        .chain([render::html::Html.file_name().to_owned()])
        .chain(windows)
        .chain([render::manifest::Manifest.file_name().to_owned()])
        .collect()
}

/// [`render_each`] from the table of occurrences, already trimmed; the
/// feeds `reuse` says are unchanged are not planned or rendered but handed
/// on as [`Produced::Kept`].
fn render_expanded<E: From<RenderError>>(
    expanded: &Expanded,
    as_of: Option<DateTime<Utc>>,
    base_url: Option<&str>,
    reuse: Option<&incremental::Reuse>,
    mut sink: impl FnMut(Produced) -> Result<(), E>,
) -> Result<(), E> {
    let base_url = pages::resolve(expanded.schedules, base_url);
    let mut feeds = Vec::new();
    let mut files = Vec::new();
    // VTIMEZONEs, worked out once per zone and span for every feed.
    let zones = render::ics::ZoneCache::default();
    in_order(
        feed::count(expanded),
        |index| {
            let print = match reuse.map(|reuse| reuse.judge(expanded, index)) {
                Some(incremental::Judged::Kept(kept)) => return Some(Ok(*kept)),
                Some(incremental::Judged::Render(print)) => print,
                None => None,
            };
            let feed = feed::plan_nth(expanded, index)?;
            let rendered = render_feed(&zones, feed, base_url.as_deref());
            Some(rendered.map(|(output, record)| {
                let entry = incremental::feed_entry(&record, print.as_ref());
                (Produced::File(output, entry), record)
            }))
        },
        |rendered| {
            let Some(rendered) = rendered else {
                return Ok(());
            };
            let (produced, record) = rendered?;
            files.push(record.file.clone());
            feeds.push(record);
            sink(produced)
        },
    )?;
    // The files that are not feeds are always rendered: recorded for the
    // page and the manifest that follow, then handed on.
    let mut other = |file_name: String, bytes: Vec<u8>, files: &mut Vec<site::FileRecord>| {
        let record = site::FileRecord::of(&file_name, &bytes);
        let entry = FileEntry {
            file: record.file_name.clone(),
            sha256: record.sha256.clone(),
            bytes: bytes.len() as u64,
            ..FileEntry::default()
        };
        files.push(record);
        let output = Output {
            file_name,
            bytes,
            events: None,
        };
        sink(Produced::File(output, entry))
    };
    // The feed of notices, before the page and the manifest that list it.
    let notices = feed::notices::plan(expanded);
    let bytes = render::atom::render(&notices, base_url.as_deref())?;
    other(render::atom::FILE_NAME.to_owned(), bytes, &mut files)?;
    let site = site::plan(expanded, &feeds, base_url.as_deref(), as_of);
    // The index, then the windows' pages, then the manifest, which
    // records them all.
    for (file_name, bytes) in render::html::assets() {
        other(file_name.to_owned(), bytes, &mut files)?;
    }
    let index = render::html::Html;
    let bytes = index.render(&site, &files)?;
    other(index.file_name().to_owned(), bytes, &mut files)?;
    for page in render::html::pages(site::window_pages(expanded)) {
        let (file_name, bytes) = page?;
        other(file_name, bytes, &mut files)?;
    }
    let manifest = render::manifest::Manifest;
    let bytes = manifest.render(&site, &files)?;
    other(manifest.file_name().to_owned(), bytes, &mut files)?;
    Ok(())
}

/// Renders one planned feed; the only place a build names the feed format.
fn render_feed(
    zones: &render::ics::ZoneCache,
    mut feed: feed::Feed,
    base_url: Option<&str>,
) -> Result<(Output, site::FeedRecord), RenderError> {
    // With an address, every event links to its window's page, one tap
    // from the calendar entry to the whole notice; without one, to the
    // calendar's own `url`, if any.
    if let Some(base) = base_url {
        for event in &mut feed.events {
            if let Some(page) = &event.page {
                event.url = Some(format!("{base}{page}"));
            }
        }
    }
    let file_name = format!("{}.{}", feed.id, render::ics::EXTENSION);
    let mut record = site::FeedRecord::of(&feed, site::FileRecord::default());
    // The plan is handed over and dropped event by event as it is written,
    // so the feed is not held twice.
    let bytes = render::ics::render(feed, zones)?;
    record.file = site::FileRecord::of(&file_name, &bytes);
    let output = Output {
        file_name,
        bytes,
        events: Some(record.events),
    };
    Ok((output, record))
}

/// Runs `work` on every index in `0..count` on a few threads and hands the
/// results to `sink` in index order, on the calling thread, as they come:
/// `sink` (which writes) overlaps the work on later indices.
///
/// Thread `t` of `n` takes indices `t`, `t + n`, `t + 2n`, … and sends each
/// result down its own channel of one place, which the calling thread reads
/// in turn: that keeps the order without reordering anything, and bounds
/// memory to about two results per thread. When `sink` fails, the channels
/// are dropped, each thread's next send fails, and the threads stop.
fn in_order<R: Send, E>(
    count: usize,
    work: impl Fn(usize) -> R + Sync,
    mut sink: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    use std::sync::mpsc;
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, count.max(1));
    std::thread::scope(|scope| {
        let receivers: Vec<mpsc::Receiver<R>> = (0..threads)
            .map(|first| {
                let (sender, receiver) = mpsc::sync_channel(1);
                let work = &work;
                scope.spawn(move || {
                    for index in (first..count).step_by(threads) {
                        if sender.send(work(index)).is_err() {
                            return;
                        }
                    }
                });
                receiver
            })
            .collect();
        for index in 0..count {
            // A thread only hangs up after sending all of its indices.
            let Ok(result) = receivers[index % threads].recv() else {
                break;
            };
            sink(result)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names_are_the_names_render_gives() {
        let notice = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/notice/schedules");
        let loaded = crate::schedule::load_dir(&notice).unwrap();
        let rendered: Vec<String> = crate::internals::render_all(&loaded.schedules)
            .unwrap()
            .into_iter()
            .map(|output| output.file_name)
            .collect();
        assert_eq!(output_names(&loaded.schedules), rendered);
    }
    use std::sync::atomic::Ordering;

    #[test]
    fn only_feeds_over_the_limit_get_a_warning() {
        let output = |name: &str, size: usize, events| Output {
            file_name: name.to_owned(),
            bytes: vec![b'x'; size],
            events,
        };
        let warnings: Vec<String> = [
            output("small.ics", GOOGLE_SIZE_LIMIT, Some(1)),
            output("big.ics", GOOGLE_SIZE_LIMIT + 1, Some(1)),
            output("index.html", GOOGLE_SIZE_LIMIT + 1, None),
        ]
        .iter()
        .filter_map(|o| size_warning(Path::new("out"), &o.file_name, o.events, o.bytes.len()))
        .collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("out/big.ics is 1000001 bytes"),
            "{}",
            warnings[0]
        );
    }

    #[test]
    fn only_feeds_with_too_long_an_address_get_a_warning() {
        // "webcal://" + host + "/" + "a.ics": 9 + host + 1 + 5 characters.
        let base = |length: usize| format!("https://{}/", "x".repeat(length - 9 - 1 - 5));
        let exact = base(GOOGLE_ADDRESS_LIMIT);
        assert_eq!(address_warning(Some(&exact), "a.ics", Some(1)), None);
        let long = base(GOOGLE_ADDRESS_LIMIT + 1);
        let warning = address_warning(Some(&long), "a.ics", Some(1)).unwrap();
        assert!(
            warning.starts_with("the address of feed a.ics is 257 characters (webcal://xxx"),
            "{warning}"
        );
        // Not for the page or the manifest, nor without a base URL.
        assert_eq!(address_warning(Some(&long), "index.html", None), None);
        assert_eq!(address_warning(None, "a.ics", Some(1)), None);
    }

    #[test]
    fn results_come_in_order_and_an_error_stops_the_work() {
        let mut seen = Vec::new();
        let result: Result<(), usize> = in_order(
            50,
            |index| index * 10,
            |value| {
                seen.push(value);
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert_eq!(seen, (0..50).map(|i| i * 10).collect::<Vec<_>>());

        let done = std::sync::atomic::AtomicUsize::new(0);
        let result = in_order(
            1000,
            |index| {
                done.fetch_add(1, Ordering::Relaxed);
                index
            },
            |index| if index == 3 { Err(index) } else { Ok(()) },
        );
        assert_eq!(result, Err(3));
        // Each thread stops at its next send: a few results past the
        // failing one, not the thousand.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert!(
            done.load(Ordering::Relaxed) <= 4 + 3 * threads,
            "{}",
            done.load(Ordering::Relaxed)
        );
    }

    #[test]
    fn a_build_plans_each_feed_once() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/cases/features/schedules"
        );
        let loaded = crate::schedule::load_dir(Path::new(dir)).expect("the fixture loads");
        let as_of = horizon::as_of(&loaded.schedules);
        let expanded = horizon::trim(Expanded::new(&loaded.schedules), as_of);
        let mut files = Vec::new();
        render_expanded(&expanded, as_of, None, None, |produced| {
            if let Produced::File(output, _) = produced {
                files.push(output.file_name);
            }
            Ok::<(), RenderError>(())
        })
        .expect("the fixture renders");
        let feeds = feed::count(&expanded);
        assert!(feeds > 2, "{files:?}");
        // The feeds, the feed of notices, the stylesheet and the script,
        // the index, a page per window (three), the manifest.
        assert_eq!(files.len(), feeds + 5 + 3, "{files:?}");
        assert_eq!(expanded.feeds_planned.load(Ordering::Relaxed), feeds);
    }
}
