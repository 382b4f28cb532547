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
pub mod list;
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
    }
}

fn build(args: &BuildArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> anyhow::Result<()> {
    let loaded = load(&args.schedules.schedules, stderr)?;
    let outputs = render_with(&loaded.schedules, args.base_url.as_deref())?;
    for warning in size_warnings(&args.out, &outputs) {
        writeln!(stderr, "warning: {warning}")?;
    }
    if args.check {
        let stale = publish::stale(&args.out, &outputs);
        if !stale.is_empty() {
            let list: Vec<String> = stale.iter().map(ToString::to_string).collect();
            anyhow::bail!(
                "{} is stale: {}; run `maintcal build` and commit the result",
                args.out.display(),
                list.join(", ")
            );
        }
        writeln!(
            stdout,
            "{}: {} files up to date",
            args.out.display(),
            outputs.len()
        )?;
        return Ok(());
    }
    // Before writing anything: no event may go back in SEQUENCE.
    let comparison = previous::compare(&args.out, &outputs, &loaded);
    stderr.write_all(comparison.report.as_bytes())?;
    if comparison.errors > 0 {
        anyhow::bail!(
            "the schedules would take events back to an older SEQUENCE than {} holds; \
             nothing was written",
            args.out.display()
        );
    }
    let report = publish::publish(&args.out, &outputs)?;
    for note in &report.notes {
        writeln!(stderr, "warning: {note}")?;
    }
    for (output, (path, written)) in outputs.iter().zip(&report.files) {
        let events = output
            .events
            .map(|n| format!("{n} events  "))
            .unwrap_or_default();
        let note = match written {
            Written::Updated => "",
            Written::Unchanged => "  (unchanged)",
        };
        writeln!(
            stdout,
            "{}  {events}{} bytes{note}",
            path.display(),
            output.bytes.len()
        )?;
    }
    for path in &report.removed {
        writeln!(stdout, "{}  removed (no longer produced)", path.display())?;
    }
    Ok(())
}

/// Google Calendar refuses to subscribe to feeds larger than about 1 MB.
pub const GOOGLE_SIZE_LIMIT: usize = 1_000_000;

/// A warning for each feed that Google Calendar would refuse.
pub fn size_warnings(out_dir: &Path, outputs: &[Output]) -> Vec<String> {
    outputs
        .iter()
        .filter(|output| output.events.is_some() && output.bytes.len() > GOOGLE_SIZE_LIMIT)
        .map(|output| {
            format!(
                "{} is {} bytes: Google Calendar refuses subscriptions over about 1 MB; lower keep_past_months in [calendar] (past windows kept) or split the group",
                out_dir.join(&output.file_name).display(),
                output.bytes.len()
            )
        })
        .collect()
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
    let as_of = horizon::as_of(schedules);
    let schedules = horizon::trim(schedules, as_of);
    let base_url = base_url
        .map(str::to_owned)
        .or_else(|| schedules.calendars.iter().find_map(|c| c.base_url.clone()));
    let format = render::ics::Ics;
    let feeds = feed::plan(&schedules);
    let mut outputs = feeds
        .iter()
        .map(|feed| {
            Ok(Output {
                file_name: format!("{}.{}", feed.id, format.extension()),
                bytes: format.render(feed)?,
                events: Some(feed.events.len()),
            })
        })
        .collect::<Result<Vec<_>, RenderError>>()?;
    let site = site::plan(&schedules, &feeds, &outputs, base_url.as_deref(), as_of);
    let site_formats: [&dyn SiteFormat; 2] = [&render::html::Html, &render::manifest::Manifest];
    for format in site_formats {
        let bytes = format.render(&site, &outputs)?;
        outputs.push(Output {
            file_name: format.file_name().to_owned(),
            bytes,
            events: None,
        });
    }
    Ok(outputs)
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
        let warnings = size_warnings(
            Path::new("out"),
            &[
                output("small.ics", GOOGLE_SIZE_LIMIT, Some(1)),
                output("big.ics", GOOGLE_SIZE_LIMIT + 1, Some(1)),
                output("index.html", GOOGLE_SIZE_LIMIT + 1, None),
            ],
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("out/big.ics is 1000001 bytes"),
            "{}",
            warnings[0]
        );
    }
}
