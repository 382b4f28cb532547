//! The `maintcal` binary: parse the command line, run, report, exit. What
//! the exit status means is [`maintcal::console`]'s to decide.

use clap::Parser;
use maintcal::cli::Cli;
use maintcal::console::{Console, clap_exit};
use std::process::ExitCode;

fn main() -> ExitCode {
    // A panic is a maintcal bug; say so in a sentence, not a debug dump.
    maintcal::install_panic_hook();
    let mut cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error),
    };
    let mut console = Console::for_command(&cli.command, cli.color);
    // `auto` is decided once, here at the edge; the library is told yes or no.
    cli.color = console.colour();
    let result = maintcal::run(cli, &mut console.stdout, &mut console.stderr);
    console.finish(result)
}
