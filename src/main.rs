//! The `maintcal` binary: parse the command line, run, report, and choose
//! the exit status, which tells whether the command did its work and never
//! depends on whether its messages could be printed:
//!
//! - `build`: 0 when the build happened (the output folder fully updated,
//!   or `--check` passed), even if its report could not be printed; a
//!   failure to print is then reported on stderr if stderr still works.
//! - `list`, `check`, `--help`, `--version`: their output is what they are
//!   for, so a failure to print it (a full device) is an error; a closed
//!   pipe (`maintcal list | head -1`) is a reader that has had enough, and
//!   a normal, quiet end.
//!
//! Nothing here may panic on a failed write: `eprintln!` does, and a panic
//! whose own message cannot be printed aborts the process.

use clap::Parser;
use maintcal::cli::{Cli, Command};
use std::io::{ErrorKind, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    // A panic is a maintcal bug; say so in a sentence, not a debug dump.
    maintcal::bug::install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error),
    };
    let build = match &cli.command {
        Command::Build(args) => Some((args.out.clone(), args.check)),
        _ => None,
    };
    let github = cli.command.message_format() == maintcal::cli::MessageFormat::Github;
    let mut stdout = Guarded::new(std::io::stdout());
    let mut stderr = Guarded::new(std::io::stderr());
    let result = maintcal::run(cli, &mut stdout, &mut stderr);
    stdout.flush_now();
    if let Err(error) = result {
        let _ = writeln!(stderr, "error: {error:#}");
        if github {
            use maintcal::schedule::{annotations, diagnostic::Severity};
            let message = format!("{error:#}");
            let _ = write!(stderr, "{}", annotations::command(Severity::Error, None, &message));
        }
        return ExitCode::FAILURE;
    }
    let Some(failed) = stdout.failed else {
        return ExitCode::SUCCESS;
    };
    if failed.kind() == ErrorKind::BrokenPipe {
        return ExitCode::SUCCESS;
    }
    match build {
        Some((out, check)) => {
            let done = if check {
                "is up to date"
            } else {
                "was updated"
            };
            let _ = writeln!(
                stderr,
                "warning: could not print the build's report ({failed}); {} {done} all the same",
                out.display()
            );
            ExitCode::SUCCESS
        }
        None => {
            let _ = writeln!(stderr, "error: could not print the output: {failed}");
            ExitCode::FAILURE
        }
    }
}

/// Prints clap's help, version or usage error, and exits as clap would,
/// except that help or a version that could not be printed is a failure.
fn clap_exit(error: &clap::Error) -> ExitCode {
    let code = u8::try_from(error.exit_code()).unwrap_or(1);
    match error.print() {
        Ok(()) => ExitCode::from(code),
        Err(failed) if failed.kind() == ErrorKind::BrokenPipe => ExitCode::from(code),
        Err(failed) => {
            if !error.use_stderr() {
                let _ = writeln!(std::io::stderr(), "error: could not print: {failed}");
            }
            // clap's own code for a usage error (2), and 1 for help or a
            // version that did not get out.
            ExitCode::from(code.max(1))
        }
    }
}

/// A writer that never fails: it keeps the first error and drops whatever
/// comes after it, so that a report nobody can read does not stop a build
/// half-way; the caller looks at `failed` at the end.
struct Guarded<W: Write> {
    inner: W,
    failed: Option<std::io::Error>,
}

impl<W: Write> Guarded<W> {
    fn new(inner: W) -> Self {
        Guarded {
            inner,
            failed: None,
        }
    }

    fn flush_now(&mut self) {
        let _ = self.flush();
    }
}

impl<W: Write> Write for Guarded<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.failed.is_none()
            && let Err(error) = self.inner.write_all(bytes)
        {
            self.failed = Some(error);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.failed.is_none()
            && let Err(error) = self.inner.flush()
        {
            self.failed = Some(error);
        }
        Ok(())
    }
}
