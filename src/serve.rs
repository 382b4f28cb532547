//! `maintcal serve`: a preview of the output folder on this machine. It
//! builds into a temporary folder, serves what the build produced over
//! HTTP, rebuilds when a schedule file changes, and while the schedules
//! are invalid shows their diagnostics instead of a stale build.

use crate::cli::{BuildArgs, ServeArgs};
use anyhow::Context;
use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

/// How often the schedules folder is looked at. Polling the files' sizes
/// and times costs next to nothing for a folder of schedules and spares a
/// file-watching crate's compile time and platform backends; it also
/// debounces an editor's burst of writes into one rebuild.
const POLL: Duration = Duration::from_millis(300);

/// Set by Ctrl-C, SIGTERM or SIGHUP. A static, so a second handler (refused by `ctrlc`) is
/// not needed: the first one already sets the flag every serve reads.
static STOP: AtomicBool = AtomicBool::new(false);

/// What the server answers with: the last build's files, by name, or the
/// diagnostics of schedules that do not build.
#[derive(Debug)]
enum Site {
    Built(HashMap<String, Vec<u8>>),
    Failed(String),
}

pub(crate) fn serve(
    args: &ServeArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<()> {
    let server = tiny_http::Server::http((args.bind, args.port))
        .map_err(|error| anyhow::anyhow!("{error}"))
        .with_context(|| format!("cannot listen on {}:{}", args.bind, args.port))?;
    let address = server
        .server_addr()
        .to_ip()
        .context("the server has no IP address")?;
    let base_url = base_url(address);
    // Ctrl-C, SIGTERM or SIGHUP ends the loop below, so the temporary folder is removed.
    if let Err(error) = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst)) {
        // Only a second serve in one process gets here; the first handler
        // sets the same flag.
        writeln!(stderr, "note: {error}")?;
    }
    let folder = tempfile::tempdir().context("cannot create a temporary folder")?;
    let build_args = BuildArgs {
        schedules: crate::cli::SchedulesArg {
            schedules: args.schedules.clone(),
            message_format: crate::cli::MessageFormat::Human,
        },
        out: folder.path().join("out"),
        check: false,
        base_url: Some(base_url.clone()),
        require_base_url: false,
        as_of: None,
        previous: None,
        // A preview, never published: no SEQUENCE to keep rising.
        no_previous: true,
    };
    writeln!(stdout, "serving {base_url}")?;
    stdout.flush()?;
    let mut seen = fingerprint(&args.schedules);
    let mut site = rebuild(&build_args, stderr)?;
    let mut last_look = std::time::Instant::now();
    while !STOP.load(Ordering::SeqCst) {
        if let Some(request) = server.recv_timeout(POLL).context("the server failed")? {
            respond(&site, request);
        }
        if last_look.elapsed() >= POLL {
            last_look = std::time::Instant::now();
            let now = fingerprint(&args.schedules);
            if now != seen {
                seen = now;
                site = rebuild(&build_args, stderr)?;
            }
        }
    }
    writeln!(stderr, "stopped")?;
    Ok(())
}

/// The base URL the build is given: the server's own address, so the
/// page's subscribe links (webcal://…) point at this server.
fn base_url(address: SocketAddr) -> String {
    format!("http://{address}/")
}

/// The schedules folder's files with their sizes and modification times,
/// in name order: it differs whenever a file is written, added or removed.
fn fingerprint(dir: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let meta = entry.metadata().ok()?;
            Some((entry.path(), meta.len(), meta.modified().ok()))
        })
        .collect();
    files.sort();
    files
}

/// Builds into the temporary folder and reads back what the build wrote.
/// Schedule problems are not an error of the server: they are what it
/// shows until the schedules are fixed.
fn rebuild(args: &BuildArgs, stderr: &mut dyn Write) -> anyhow::Result<Site> {
    let mut diagnostics = Vec::new();
    let result = crate::build::build(args, &mut std::io::sink(), &mut diagnostics);
    stderr.write_all(&diagnostics)?;
    let site = match result {
        Ok(()) => {
            let files = read_files(&args.out)?;
            writeln!(stderr, "built {} files", files.len())?;
            Site::Built(files)
        }
        Err(error) => {
            writeln!(stderr, "error: {error:#}")?;
            let mut text = String::from_utf8_lossy(&diagnostics).into_owned();
            text.push_str(&format!("error: {error:#}\n"));
            Site::Failed(text)
        }
    };
    stderr.flush()?;
    Ok(site)
}

/// The files a build left in `out`, by name. Hidden names are maintcal's
/// own marks, never output.
fn read_files(out: &Path) -> anyhow::Result<HashMap<String, Vec<u8>>> {
    let mut files = HashMap::new();
    for entry in std::fs::read_dir(out).with_context(|| format!("cannot read {}", out.display()))? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if name.starts_with('.') || !entry.file_type()?.is_file() {
            continue;
        }
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("cannot read {}", entry.path().display()))?;
        files.insert(name, bytes);
    }
    Ok(files)
}

/// What a request gets: a status, a content type and a body.
#[derive(Debug, PartialEq)]
struct Answer {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

fn respond(site: &Site, request: tiny_http::Request) {
    let answer = answer(site, request.url());
    let header = |name: &str, value: &str| {
        tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
            .expect("a fixed header is valid")
    };
    let response = tiny_http::Response::from_data(answer.body)
        .with_status_code(answer.status)
        .with_header(header("Content-Type", answer.content_type))
        // A preview changes under the browser: never cache it.
        .with_header(header("Cache-Control", "no-store"));
    // A client that hung up is no concern of the server's.
    let _ = request.respond(response);
}

/// The answer to a request for `url`. Only a file the build produced, named
/// exactly, is ever served: a name is looked up, never joined to a path,
/// so no request can reach outside the build.
fn answer(site: &Site, url: &str) -> Answer {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let name = percent_encoding::percent_decode_str(path.trim_start_matches('/'))
        .decode_utf8_lossy()
        .into_owned();
    let name = if name.is_empty() { "index.html" } else { &name };
    match site {
        Site::Built(files) => match files.get(name) {
            Some(bytes) => Answer {
                status: 200,
                content_type: content_type(name),
                body: bytes.clone(),
            },
            None => Answer {
                status: 404,
                content_type: "text/plain; charset=utf-8",
                body: format!("not found: {name}\n").into_bytes(),
            },
        },
        Site::Failed(diagnostics) => Answer {
            // A calendar client keeps what it has on a 503 and asks later.
            status: if name.ends_with(".ics") { 503 } else { 200 },
            content_type: "text/html; charset=utf-8",
            body: error_page(diagnostics).into_bytes(),
        },
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, extension)| extension) {
        Some("ics") => "text/calendar; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("json") => "application/json",
        Some("atom") => "application/atom+xml",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn error_page(diagnostics: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
         <title>maintcal: the schedules do not build</title></head>\n<body>\n\
         <h1>The schedules do not build</h1>\n<p>Fix them; this page reloads \
         the build when you do.</p>\n<pre>{}</pre>\n</body>\n</html>\n",
        escape(&strip_colour(diagnostics))
    )
}

/// The diagnostics without terminal colour codes (`--color always`).
fn strip_colour(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // ESC [ parameters, ended by a letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built() -> Site {
        Site::Built(HashMap::from([
            ("index.html".to_owned(), b"<html>".to_vec()),
            ("db.ics".to_owned(), b"BEGIN:VCALENDAR".to_vec()),
            ("feeds.json".to_owned(), b"{}".to_vec()),
        ]))
    }

    #[test]
    fn files_are_served_by_name_with_their_types() {
        let site = built();
        let ics = answer(&site, "/db.ics?x=1");
        assert_eq!(ics.status, 200);
        assert_eq!(ics.content_type, "text/calendar; charset=utf-8");
        assert_eq!(ics.body, b"BEGIN:VCALENDAR");
        assert_eq!(answer(&site, "/").body, b"<html>");
        assert_eq!(answer(&site, "/").content_type, "text/html; charset=utf-8");
        assert_eq!(
            answer(&site, "/feeds.json").content_type,
            "application/json"
        );
        assert_eq!(content_type("notices.atom"), "application/atom+xml");
        assert_eq!(answer(&site, "/%64b.ics").body, b"BEGIN:VCALENDAR");
    }

    #[test]
    fn nothing_outside_the_build_is_reachable() {
        let site = built();
        for url in [
            "/../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "//etc/passwd",
            "/./db.ics",
            "/sub/db.ics",
            "/.maintcal-unfinished",
        ] {
            assert_eq!(answer(&site, url).status, 404, "{url}");
        }
    }

    #[test]
    fn invalid_schedules_show_escaped_diagnostics_and_feeds_are_unavailable() {
        let site = Site::Failed("error: \u{1b}[31mbad\u{1b}[0m <window> & \"x\"\n".to_owned());
        let page = answer(&site, "/");
        assert_eq!(page.status, 200);
        let body = String::from_utf8(page.body).unwrap();
        assert!(
            body.contains("error: bad &lt;window&gt; &amp; &quot;x&quot;"),
            "{body}"
        );
        let feed = answer(&site, "/db.ics");
        assert_eq!(feed.status, 503);
        assert_eq!(feed.content_type, "text/html; charset=utf-8");
    }

    #[test]
    fn the_base_url_is_the_servers_address() {
        let address: SocketAddr = "127.0.0.1:8123".parse().unwrap();
        assert_eq!(base_url(address), "http://127.0.0.1:8123/");
        assert_eq!(
            crate::schedule::model::base_url(&base_url(address)).as_deref(),
            Ok("http://127.0.0.1:8123/")
        );
    }
}
