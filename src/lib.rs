//! maintcal turns maintenance-schedule definitions (TOML) into iCalendar
//! feeds that people subscribe to.
//!
//! The pipeline, one module per stage:
//! [`schedule`] (load, validate) → [`expand`] (occurrences) →
//! [`feed`] (what each feed holds) and [`site`] (what the subscribe page and
//! the manifest say) → [`render`] (bytes) → [`publish`] (files).
//! [`horizon`] decides, without a clock, what is past and what is next.
//! [`list`] prints the expanded occurrences; [`cli`] declares the commands.
//! `build` runs the pipeline end to end; [`words`] holds what maintcal
//! itself says, in each language.

pub(crate) mod bug;
mod build;
pub mod cli;
pub mod console;
pub(crate) mod expand;
pub(crate) mod feed;
pub(crate) mod horizon;
pub(crate) mod init;
pub(crate) mod list;
pub(crate) mod pages;
mod prepare;
pub(crate) mod previous;
pub(crate) mod publish;
pub(crate) mod render;
pub(crate) mod schedule;
mod schema;
mod serve;
pub(crate) mod site;
pub(crate) mod words;

pub use bug::install_panic_hook;

#[cfg(any(test, feature = "internals"))]
pub mod internals;

use cli::Command;
use std::io::Write;

/// Runs one command. Output goes to `stdout`, diagnostics to `stderr`; the
/// returned error is the one-line summary a caller prints last.
pub fn run(cli: cli::Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> anyhow::Result<()> {
    let github = cli.command.message_format() == cli::MessageFormat::Github;
    let _annotations = schedule::annotations::scope(github);
    let _colour = schedule::diagnostic::colour_scope(cli.color == cli::ColorChoice::Always);
    match cli.command {
        Command::Build(args) => build::build(&args, stdout, stderr),
        Command::Check(args) => {
            let loaded = prepare::load(&args.schedules, stderr)?;
            prepare::expand_and_warn(&loaded, stderr)?;
            let schedules = &loaded.schedules;
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
            let loaded = prepare::load(&args.schedules.schedules, stderr)?;
            let expanded = prepare::expand_and_warn(&loaded, stderr)?;
            // The same windows the feeds keep.
            let expanded = horizon::trim(expanded, horizon::as_of(&loaded.schedules));
            list::print(&expanded, &args, stdout)
        }
        Command::Serve(args) => serve::serve(&args, stdout, stderr),
        Command::Init(args) => init::run(&args, stdout),
        Command::Completions { shell } => Ok(cli::completions(shell, stdout)?),
        Command::Man => Ok(cli::man(stdout)?),
        Command::Schema { of } => schema::print(of, stdout),
    }
}
