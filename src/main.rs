//! The `maintcal` binary: parse the command line, run, report.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A panic is a maintcal bug; say so in a sentence, not a debug dump.
    maintcal::bug::install_panic_hook();
    let cli = maintcal::cli::Cli::parse();
    let github = cli.command.message_format() == maintcal::cli::MessageFormat::Github;
    match maintcal::run(cli, &mut std::io::stdout(), &mut std::io::stderr()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            if github {
                use maintcal::schedule::{annotations, diagnostic::Severity};
                eprint!(
                    "{}",
                    annotations::command(Severity::Error, None, &format!("{err:#}"))
                );
            }
            ExitCode::FAILURE
        }
    }
}
