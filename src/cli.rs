//! The command line, declared with clap's derive API.

use chrono::NaiveDate;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

/// Turns maintenance-schedule definitions into iCalendar feeds to subscribe to.
#[derive(Debug, Parser)]
#[command(name = "maintcal", version, about)]
pub struct Cli {
    /// When to colour schedule diagnostics: `auto` colours them on a
    /// terminal unless NO_COLOR is set (CLICOLOR_FORCE colours them
    /// anywhere); `always` and `never` override both.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value_t = ColorChoice::Auto
    )]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

/// `--color`. `run` colours only on `Always`: the binary's console resolves
/// `Auto` (environment, terminal) before it runs a command, and an
/// in-process caller has no terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
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
    /// Build into a temporary folder and serve it on this machine, rebuilding
    /// when a schedule changes: a preview of the page and the feeds to
    /// subscribe a local calendar client to before publishing. Ctrl-C stops.
    Serve(ServeArgs),
    /// Start an operator repository in DIR: an example schedule, a GitHub
    /// workflow that checks and publishes it, a .gitignore and a README.
    /// Never overwrites a file.
    Init(InitArgs),
    /// Print the completion script for SHELL (e.g. `maintcal completions
    /// bash > /etc/bash_completion.d/maintcal`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `maintcal man | man -l -`.
    Man,
    /// Print the JSON Schema of `list --format json` (`list`) or of the
    /// output folder's `feeds.json` (`feeds`).
    Schema {
        #[arg(value_enum)]
        of: SchemaOf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaOf {
    /// The array `list --format json` prints.
    List,
    /// `feeds.json`, the manifest `build` writes.
    Feeds,
}

impl Command {
    /// How the command reports schedule problems.
    pub fn message_format(&self) -> MessageFormat {
        match self {
            Command::Build(args) => args.schedules.message_format,
            Command::Check(args) => args.message_format,
            Command::List(args) => args.schedules.message_format,
            Command::Init(_)
            | Command::Serve(_)
            | Command::Completions { .. }
            | Command::Man
            | Command::Schema { .. } => MessageFormat::Human,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// rustc-style reports: file:line:col, the line, a caret.
    Human,
    /// The human reports, then each problem again as a GitHub Actions
    /// workflow command (`::error file=…,line=…,col=…::…`), which GitHub
    /// shows as an annotation on the file.
    Github,
}

#[derive(Debug, Args)]
pub struct SchedulesArg {
    /// Folder of schedule files (*.toml).
    #[arg(long, value_name = "DIR", default_value = "schedules")]
    pub schedules: PathBuf,
    /// How problems in the schedules are reported.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
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
    /// Fail, writing nothing, unless the base URL is known (`--base-url` or
    /// `base_url` in [calendar]): without it the page has no subscribe links.
    #[arg(long)]
    pub require_base_url: bool,
    /// "Now" for this build, when later than the schedules' newest
    /// `revised` (which is "now" otherwise): past windows leave the page's
    /// list and, after `keep_past_months`, the feeds. A date (midnight UTC)
    /// or an RFC 3339 time. The same schedules and options give the same
    /// bytes; maintcal never reads the clock (the GitHub workflow passes
    /// the day it runs, and runs daily).
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    pub as_of: Option<chrono::DateTime<chrono::Utc>>,
    /// Compare SEQUENCEs with the feeds in DIR (e.g. the published ones,
    /// downloaded) rather than with those in the output folder: where `out/`
    /// is not committed, a change whose SEQUENCE does not rise is still
    /// refused.
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
    /// Compare with no previous build at all (`serve`'s preview is never
    /// published).
    #[arg(skip)]
    pub no_previous: bool,
}

fn parse_as_of(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .map_err(|_| {
            format!("`{text}` is neither a date (2026-05-17) nor an RFC 3339 time (2026-05-17T09:00:00Z)")
        })
}

fn parse_base_url(text: &str) -> Result<String, String> {
    crate::schedule::model::base_url(text).map_err(str::to_owned)
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Folder of schedule files (*.toml).
    #[arg(long, value_name = "DIR", default_value = "schedules")]
    pub schedules: PathBuf,
    /// Port to listen on; 0 takes any free port (the first line printed
    /// says which).
    #[arg(long, value_name = "N", default_value_t = 8000)]
    pub port: u16,
    /// Address to listen on. The default is this machine only; the preview
    /// is not meant to be published from.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
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
    /// What to print: `text` (a table), `json` (one array of objects, one
    /// per occurrence and group) or `ndjson` (the same objects, one per
    /// line). The objects' JSON Schema: `maintcal schema list`.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    /// The same as `--format json` (kept for scripts written before
    /// `--format`).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

impl ListArgs {
    /// The format asked for, `--json` included.
    pub fn format(&self) -> ListFormat {
        if self.json {
            ListFormat::Json
        } else {
            self.format
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
    Ndjson,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to write into (created if missing).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Language of the example schedule, its comments and the README.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    En,
    Ja,
}

/// Writes the completion script for `shell`, generated from the definitions
/// above, so it never falls behind the options.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> std::io::Result<()> {
    // clap_complete panics on a failed write (a closed pipe); writing the
    // finished script here turns that into an error.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "maintcal", &mut script);
    out.write_all(&script)
}

/// Writes the man page, generated from the definitions above.
pub fn man(out: &mut dyn Write) -> std::io::Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out)
}
