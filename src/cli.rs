//! The command line, declared with clap's derive API.

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Turns maintenance-schedule definitions into iCalendar feeds to subscribe to.
#[derive(Debug, Parser)]
#[command(name = "maintcal", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write one feed per service group, and all.ics, into the output folder.
    Build(BuildArgs),
    /// Check the schedules and report every problem; writes nothing.
    Check(SchedulesArg),
    /// Show the expanded occurrences in the schedule's local time: what the
    /// feeds hold (windows older than keep_past_months are left out of both).
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct SchedulesArg {
    /// Folder of schedule files (*.toml).
    #[arg(long, value_name = "DIR", default_value = "schedules")]
    pub schedules: PathBuf,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub schedules: SchedulesArg,
    /// Folder the feeds are written to.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Write nothing; fail, naming the stale files, if the output folder
    /// differs from what the schedules give.
    #[arg(long)]
    pub check: bool,
    /// Public URL the output folder is served from (overrides `base_url` in
    /// the schedules); the subscribe page needs it for absolute links.
    #[arg(long, value_name = "URL", value_parser = parse_base_url)]
    pub base_url: Option<String>,
}

fn parse_base_url(text: &str) -> Result<String, String> {
    crate::schedule::model::base_url(text).map_err(str::to_owned)
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub schedules: SchedulesArg,
    /// Only occurrences that end on or after this local date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Only occurrences that start on or before this local date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// Only this group (its id).
    #[arg(long, value_name = "ID")]
    pub group: Option<String>,
    /// Print a JSON array, one object per occurrence and group.
    #[arg(long)]
    pub json: bool,
}
