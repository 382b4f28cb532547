//! The `maintcal` binary: parse the command line, run, report.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = maintcal::cli::Cli::parse();
    match maintcal::run(cli, &mut std::io::stdout(), &mut std::io::stderr()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
