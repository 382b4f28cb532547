//! What a command's run becomes at the terminal: output that never panics
//! on a failed write, the error chain printed last, and the exit status,
//! which tells whether the command did its work and never depends on
//! whether its messages could be printed:
//!
//! - `build`: 0 when the build happened (the output folder fully updated,
//!   or `--check` passed), even if its report could not be printed; a
//!   failure to print is then reported on stderr if stderr still works.
//! - every other command: its output is what it is for, so a failure to
//!   print it (a full device) is an error; a closed pipe
//!   (`maintcal list | head -1`) is a reader that has had enough, and a
//!   normal, quiet end.
//!
//! Colour is decided here, once, for stderr (where diagnostics go):
//! `--color always|never` wins; under `auto`, a non-empty `NO_COLOR` turns
//! it off, then a `CLICOLOR_FORCE` that is set and not `0` turns it on,
//! and otherwise stderr must be a terminal (and `TERM` not `dumb`).
//!
//! Nothing here may panic on a failed write: `eprintln!` does, and a panic
//! whose own message cannot be printed aborts the process.

use crate::cli::{ColorChoice, Command, MessageFormat};
use crate::schedule::{annotations, diagnostic::Severity};
use std::ffi::OsString;
use std::io::{ErrorKind, IsTerminal, Stderr, Stdout, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// The standard streams of one command, and what its exit status depends on.
#[derive(Debug)]
pub struct Console {
    pub stdout: Guarded<Stdout>,
    pub stderr: Guarded<Stderr>,
    /// For `build`: the output folder, and whether this is `--check`.
    build: Option<(PathBuf, bool)>,
    github: bool,
    colour: bool,
}

impl Console {
    pub fn for_command(command: &Command, color: ColorChoice) -> Self {
        let stderr = std::io::stderr();
        let env = |name| std::env::var_os(name);
        let colour = colour(
            color,
            &Environment {
                no_color: env("NO_COLOR"),
                clicolor_force: env("CLICOLOR_FORCE"),
                term: env("TERM"),
            },
            stderr.is_terminal(),
        );
        Console {
            colour,
            stdout: Guarded::new(std::io::stdout()),
            stderr: Guarded::new(stderr),
            build: match command {
                Command::Build(args) => Some((args.out.clone(), args.check)),
                _ => None,
            },
            github: command.message_format() == MessageFormat::Github,
        }
    }

    /// The decided colour, as the plain setting the library takes.
    pub fn colour(&self) -> ColorChoice {
        if self.colour {
            ColorChoice::Always
        } else {
            ColorChoice::Never
        }
    }

    /// Prints `result`'s error chain, if any, and chooses the exit status.
    pub fn finish(mut self, result: anyhow::Result<()>) -> ExitCode {
        let _ = self.stdout.flush();
        let stderr = &mut self.stderr;
        if let Err(error) = result {
            // Bold red, as codespan-reporting's own error headers.
            let label = if self.colour {
                "\x1b[1;31merror\x1b[0m"
            } else {
                "error"
            };
            let _ = writeln!(stderr, "{label}: {error:#}");
            if self.github {
                let message = format!("{error:#}");
                let line = annotations::command(Severity::Error, None, &message);
                let _ = stderr.write_all(line.as_bytes());
            }
            return ExitCode::FAILURE;
        }
        let Some(failed) = self.stdout.failed else {
            return ExitCode::SUCCESS;
        };
        if failed.kind() == ErrorKind::BrokenPipe {
            return ExitCode::SUCCESS;
        }
        match self.build {
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
}

/// The variables that bear on colour under `--color auto`.
#[derive(Debug, Default)]
struct Environment {
    no_color: Option<OsString>,
    clicolor_force: Option<OsString>,
    term: Option<OsString>,
}

/// Whether diagnostics on stderr are coloured (see the module's doc).
fn colour(choice: ColorChoice, env: &Environment, stderr_is_terminal: bool) -> bool {
    let set = |value: &Option<OsString>| value.as_ref().is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set(&env.no_color) => false,
        ColorChoice::Auto
            if set(&env.clicolor_force) && env.clicolor_force.as_deref() != Some("0".as_ref()) =>
        {
            true
        }
        ColorChoice::Auto => stderr_is_terminal && env.term.as_deref() != Some("dumb".as_ref()),
    }
}

/// Prints clap's help, version or usage error, and exits as clap would,
/// except that help or a version that could not be printed is a failure.
pub fn clap_exit(error: &clap::Error) -> ExitCode {
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
/// half-way; [`Console::finish`] looks at what failed at the end.
#[derive(Debug)]
pub struct Guarded<W: Write> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that fails every write with `kind`.
    struct Failing(ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(self.0.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn env(no_color: Option<&str>, clicolor_force: Option<&str>) -> Environment {
        Environment {
            no_color: no_color.map(Into::into),
            clicolor_force: clicolor_force.map(Into::into),
            term: Some("xterm-256color".into()),
        }
    }

    #[test]
    fn auto_colours_a_terminal_unless_no_color_is_set() {
        assert!(colour(ColorChoice::Auto, &env(None, None), true));
        assert!(!colour(ColorChoice::Auto, &env(None, None), false));
        assert!(!colour(ColorChoice::Auto, &env(Some("1"), None), true));
        // An empty NO_COLOR is as good as none.
        assert!(colour(ColorChoice::Auto, &env(Some(""), None), true));
        let dumb = Environment {
            term: Some("dumb".into()),
            ..env(None, None)
        };
        assert!(!colour(ColorChoice::Auto, &dumb, true));
    }

    #[test]
    fn clicolor_force_colours_a_pipe_but_not_over_no_color() {
        assert!(colour(ColorChoice::Auto, &env(None, Some("1")), false));
        assert!(!colour(ColorChoice::Auto, &env(None, Some("0")), false));
        assert!(!colour(ColorChoice::Auto, &env(None, Some("")), false));
        assert!(!colour(
            ColorChoice::Auto,
            &env(Some("1"), Some("1")),
            false
        ));
    }

    #[test]
    fn the_flag_beats_the_environment() {
        assert!(colour(ColorChoice::Always, &env(Some("1"), None), false));
        assert!(!colour(ColorChoice::Never, &env(None, Some("1")), true));
    }

    #[test]
    fn a_guarded_writer_keeps_the_first_error_and_never_fails() {
        let mut guarded = Guarded::new(Failing(ErrorKind::StorageFull));
        assert!(writeln!(guarded, "one").is_ok());
        assert!(writeln!(guarded, "two").is_ok());
        assert_eq!(
            guarded.failed.map(|e| e.kind()),
            Some(ErrorKind::StorageFull)
        );
    }
}
