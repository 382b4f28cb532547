//! maintcal turns maintenance-schedule definitions (TOML) into iCalendar
//! feeds that people subscribe to.
//!
//! The pipeline, one module per stage:
//! [`schedule`] (load, validate) → [`expand`] (occurrences) →
//! [`feed`] (what each feed holds) → [`render`] (bytes) → [`publish`] (files).
//! [`list`] prints the expanded occurrences; [`cli`] declares the commands.

pub mod bug;
pub mod cli;
pub mod expand;
pub mod feed;
pub mod list;
pub mod previous;
pub mod publish;
pub mod render;
pub mod schedule;

use anyhow::Context;
use cli::{BuildArgs, Command};
use publish::{Output, Written};
use render::{FeedFormat, RenderError};
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
            list::print(&schedules, &args, stdout)
        }
    }
}

fn build(args: &BuildArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> anyhow::Result<()> {
    let loaded = load(&args.schedules.schedules, stderr)?;
    let outputs = render_all(&loaded.schedules)?;
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
            "{}: {} feeds up to date",
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
    for (output, (path, written)) in outputs.iter().zip(publish::publish(&args.out, &outputs)?) {
        let note = match written {
            Written::Updated => "",
            Written::Unchanged => "  (unchanged)",
        };
        writeln!(
            stdout,
            "{}  {} events  {} bytes{note}",
            path.display(),
            output.events,
            output.bytes.len()
        )?;
    }
    Ok(())
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

/// Every output file's bytes, in memory: the whole build but the writing.
pub fn render_all(schedules: &Schedules) -> Result<Vec<Output>, RenderError> {
    let format = render::ics::Ics;
    feed::plan(schedules)
        .iter()
        .map(|feed| {
            Ok(Output {
                file_name: format!("{}.{}", feed.id, format.extension()),
                bytes: format.render(feed)?,
                events: feed.events.len(),
            })
        })
        .collect()
}
