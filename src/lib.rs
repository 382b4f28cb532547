//! maintcal turns maintenance-schedule definitions (TOML) into iCalendar
//! feeds that people subscribe to.
//!
//! The pipeline, one module per stage:
//! [`schedule`] (load, validate) → [`expand`] (occurrences) →
//! [`feed`] (what each feed holds) and [`site`] (what the subscribe page and
//! the manifest say) → [`render`] (bytes) → [`publish`] (files).
//! [`horizon`] decides, without a clock, what is past and what is next.
//! [`list`] prints the expanded occurrences; [`cli`] declares the commands.

pub mod bug;
pub mod cli;
pub mod expand;
pub mod feed;
pub mod horizon;
pub mod init;
pub mod list;
pub mod pages;
pub mod previous;
pub mod publish;
pub mod render;
pub mod schedule;
pub mod site;

use anyhow::Context;
use cli::{BuildArgs, Command};
use publish::{Output, Written};
use render::{FeedFormat, RenderError, SiteFormat};
use schedule::{Loaded, ScheduleError, Schedules};
use std::io::Write;
use std::path::Path;

/// Runs one command. Output goes to `stdout`, diagnostics to `stderr`; the
/// returned error is the one-line summary a caller prints last.
pub fn run(cli: cli::Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> anyhow::Result<()> {
    let github = cli.command.message_format() == cli::MessageFormat::Github;
    let _annotations = schedule::annotations::scope(github);
    match cli.command {
        Command::Build(args) => build(&args, stdout, stderr),
        Command::Check(args) => {
            let schedules = load(&args.schedules, stderr)?.schedules;
            let groups = schedules.groups().count();
            let windows: usize = schedules.calendars.iter().map(|c| c.windows.len()).sum();
            writeln!(
                stdout,
                "{}: ok ({} calendar(s), {groups} group(s), {windows} window(s))",
                args.schedules.display(),
                schedules.calendars.len()
            )?;
            Ok(())
        }
        Command::List(args) => {
            let schedules = load(&args.schedules.schedules, stderr)?.schedules;
            // The same windows the feeds keep.
            let kept = horizon::trim(&schedules, horizon::as_of(&schedules));
            list::print(&kept, &args, stdout)
        }
        Command::Init(args) => init::run(&args, stdout),
        Command::Completions { shell } => Ok(cli::completions(shell, stdout)?),
        Command::Man => Ok(cli::man(stdout)?),
    }
}

fn build(args: &BuildArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> anyhow::Result<()> {
    let loaded = load(&args.schedules.schedules, stderr)?;
    let base_url = args.base_url.as_deref();
    if args.require_base_url {
        pages::require(pages::resolve(&loaded.schedules, base_url).as_deref())?;
    }
    // Each file is handed on as soon as it is rendered and dropped after, so
    // a build holds one file's bytes at a time (see `render_each`).
    let mut warnings = Vec::new();
    if args.check {
        let mut check = publish::StaleCheck::default();
        let mut files = 0;
        render_each(&loaded.schedules, base_url, |output| {
            warnings.extend(size_warning(&args.out, &output));
            check.add(&args.out, &output);
            files += 1;
            anyhow::Ok(())
        })?;
        for warning in &warnings {
            writeln!(stderr, "warning: {warning}")?;
        }
        let stale = check.finish(&args.out);
        if !stale.is_empty() {
            let list: Vec<String> = stale.iter().map(ToString::to_string).collect();
            let resolved = pages::resolve(&loaded.schedules, base_url);
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
        return Ok(());
    }
    // Files are staged beside their places as they come; none is renamed
    // into place before every one is rendered, written and compared, and an
    // error on the way drops the publication, which removes what it staged.
    let mut publication = publish::Publication::begin(&args.out, &publish::RealDisk)?;
    let mut comparer = previous::Comparer::default();
    let mut lines: Vec<(Option<usize>, usize)> = Vec::new();
    render_each(&loaded.schedules, base_url, |output| {
        warnings.extend(size_warning(&args.out, &output));
        comparer.add(&args.out, &output);
        publication.add(&output)?;
        lines.push((output.events, output.bytes.len()));
        anyhow::Ok(())
    })?;
    for warning in &warnings {
        writeln!(stderr, "warning: {warning}")?;
    }
    // Before anything is renamed: no event may go back in SEQUENCE.
    let comparison = comparer.finish(&loaded);
    stderr.write_all(comparison.report.as_bytes())?;
    if comparison.errors > 0 {
        anyhow::bail!(
            "the schedules would take events back to an older SEQUENCE than {} holds; \
             nothing was written",
            args.out.display()
        );
    }
    let report = publication.finish()?;
    for note in &report.notes {
        writeln!(stderr, "warning: {note}")?;
    }
    for ((events, bytes), (path, written)) in lines.iter().zip(&report.files) {
        let events = events.map(|n| format!("{n} events  ")).unwrap_or_default();
        let note = match written {
            Written::Updated => "",
            Written::Unchanged => "  (unchanged)",
        };
        writeln!(stdout, "{}  {events}{bytes} bytes{note}", path.display())?;
    }
    for path in &report.removed {
        writeln!(stdout, "{}  removed (no longer produced)", path.display())?;
    }
    Ok(())
}

/// Google Calendar refuses to subscribe to feeds larger than about 1 MB.
pub const GOOGLE_SIZE_LIMIT: usize = 1_000_000;

/// The warning for `output` if it is a feed Google Calendar would refuse.
pub fn size_warning(out_dir: &Path, output: &Output) -> Option<String> {
    (output.events.is_some() && output.bytes.len() > GOOGLE_SIZE_LIMIT).then(|| {
        format!(
            "{} is {} bytes: Google Calendar refuses subscriptions over about 1 MB; lower keep_past_months in [calendar] (past windows kept) or split the group",
            out_dir.join(&output.file_name).display(),
            output.bytes.len()
        )
    })
}

/// Loads and checks the schedules, printing warnings, or every problem.
pub fn load(dir: &Path, stderr: &mut dyn Write) -> anyhow::Result<Loaded> {
    match schedule::load_dir(dir) {
        Ok(loaded) => {
            stderr.write_all(loaded.warnings.as_bytes())?;
            Ok(loaded)
        }
        Err(error @ ScheduleError::Invalid { .. }) => {
            if let ScheduleError::Invalid { report, .. } = &error {
                stderr.write_all(report.as_bytes())?;
            }
            Err(error.into())
        }
        Err(error) => Err(error).context("loading the schedules"),
    }
}

/// Every output file's bytes, in memory: the whole build but the writing,
/// with the base URL the schedules give.
pub fn render_all(schedules: &Schedules) -> Result<Vec<Output>, RenderError> {
    render_with(schedules, None)
}

/// [`render_all`], with `base_url` (already checked by
/// [`site::base_url`]) overriding the schedules'. The feeds come first (one
/// per group, then `all`), then the subscribe page, then the manifest.
pub fn render_with(
    schedules: &Schedules,
    base_url: Option<&str>,
) -> Result<Vec<Output>, RenderError> {
    let mut outputs = Vec::new();
    render_each(schedules, base_url, |output| {
        outputs.push(output);
        Ok::<(), RenderError>(())
    })?;
    Ok(outputs)
}

/// [`render_with`], handing each file to `sink` as soon as it is rendered
/// instead of keeping them all: each feed is planned, rendered, handed on
/// and dropped, so memory holds a few feeds (their plans and their bytes)
/// at a time, and only each file's name, size and hash are kept for the
/// subscribe page and the manifest, which come last.
///
/// Feeds are planned and rendered on one thread per core (see
/// [`render_feeds`]); `sink` gets them in order, on the calling thread.
pub fn render_each<E: From<RenderError>>(
    schedules: &Schedules,
    base_url: Option<&str>,
    mut sink: impl FnMut(Output) -> Result<(), E>,
) -> Result<(), E> {
    let as_of = horizon::as_of(schedules);
    let schedules = horizon::kept(schedules, as_of);
    let base_url = pages::resolve(&schedules, base_url);
    let mut feeds = Vec::new();
    let mut files = Vec::new();
    render_feeds(&schedules, |output, record| {
        files.push(record.file.clone());
        feeds.push(record);
        sink(output)
    })?;
    let site = site::plan(&schedules, &feeds, base_url.as_deref(), as_of);
    let site_formats: [&dyn SiteFormat; 2] = [&render::html::Html, &render::manifest::Manifest];
    for format in site_formats {
        let bytes = format.render(&site, &files)?;
        files.push(site::FileRecord::of(format.file_name(), &bytes));
        sink(Output {
            file_name: format.file_name().to_owned(),
            bytes,
            events: None,
        })?;
    }
    Ok(())
}

/// Plans and renders every feed, handing each to `sink` in [`feed::plan`]'s
/// order. Feeds are independent, so worker threads (one per core the
/// process may use) each take the next feed not yet taken; the calling
/// thread puts them back in order and runs `sink` (which writes), so
/// writing overlaps rendering. A worker stays at most a few feeds ahead of
/// the one `sink` is waiting for, so finished feeds do not pile up.
fn render_feeds<E: From<RenderError>>(
    schedules: &Schedules,
    mut sink: impl FnMut(Output, site::FeedRecord) -> Result<(), E>,
) -> Result<(), E> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex, mpsc};

    let count = feed::count(schedules);
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, count);
    let ahead = 2 * workers;
    let format = render::ics::Ics::default();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // How many feeds `sink` has had, and a signal when that changes.
    let handed = (Mutex::new(0_usize), Condvar::new());
    let lock = |m: &Mutex<usize>| *m.lock().unwrap_or_else(|p| p.into_inner());
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel();
        for _ in 0..workers {
            let sender = sender.clone();
            let (format, next, stop, handed) = (&format, &next, &stop, &handed);
            scope.spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= count {
                        return;
                    }
                    let (done, changed) = handed;
                    let mut guard = done.lock().unwrap_or_else(|p| p.into_inner());
                    while index >= *guard + ahead && !stop.load(Ordering::Relaxed) {
                        guard = changed.wait(guard).unwrap_or_else(|p| p.into_inner());
                    }
                    drop(guard);
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let rendered =
                        feed::plan_nth(schedules, index).map(|feed| render_feed(format, feed));
                    if sender.send((index, rendered)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(sender);
        let mut waiting = std::collections::BTreeMap::new();
        let mut result = Ok(());
        'receive: for (index, rendered) in &receiver {
            waiting.insert(index, rendered);
            while let Some(rendered) = waiting.remove(&lock(&handed.0)) {
                let handed_on = match rendered {
                    Some(Ok((output, record))) => sink(output, record),
                    Some(Err(error)) => Err(error.into()),
                    None => Ok(()),
                };
                if let Err(error) = handed_on {
                    result = Err(error);
                    break 'receive;
                }
                *handed.0.lock().unwrap_or_else(|p| p.into_inner()) += 1;
                handed.1.notify_all();
            }
        }
        // On an error, the workers stop at their next feed.
        stop.store(true, Ordering::Relaxed);
        handed.1.notify_all();
        drop(receiver);
        result
    })
}

fn render_feed(
    format: &render::ics::Ics,
    feed: feed::Feed,
) -> Result<(Output, site::FeedRecord), RenderError> {
    let file_name = format!("{}.{}", feed.id, format.extension());
    let mut record = site::FeedRecord::of(&feed, site::FileRecord::default());
    // The plan is handed over and dropped event by event as it is written,
    // so the feed is not held twice.
    let bytes = format.render_owned(feed)?;
    record.file = site::FileRecord::of(&file_name, &bytes);
    let output = Output {
        file_name,
        bytes,
        events: Some(record.events),
    };
    Ok((output, record))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        .filter_map(|output| size_warning(Path::new("out"), output))
        .collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("out/big.ics is 1000001 bytes"),
            "{}",
            warnings[0]
        );
    }
}
