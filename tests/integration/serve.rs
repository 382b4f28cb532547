//! `maintcal serve`: the binary on a free loopback port, asked over HTTP as
//! a browser or a calendar client would, while its schedules are edited.

use crate::support;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The child, killed however the test ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A response: status, Content-Type, body.
#[derive(Debug)]
struct Got {
    status: u16,
    content_type: String,
    body: String,
}

/// One HTTP/1.0 GET of `path` from `address` (host:port), read to the end.
fn get(address: &str, path: &str) -> Got {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8(raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-type")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default();
    Got {
        status,
        content_type,
        body: body.to_owned(),
    }
}

/// Asks for `path` until `done` holds for the answer, for at most 10 s.
fn until(address: &str, path: &str, done: impl Fn(&Got) -> bool) -> Got {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let got = get(address, path);
        if done(&got) || Instant::now() > deadline {
            return got;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serves_the_build_and_follows_the_schedules() {
    let dir = tempfile::tempdir().unwrap();
    let schedules = dir.path().join("schedules");
    std::fs::create_dir(&schedules).unwrap();
    for name in ["us.toml", "eu.toml"] {
        std::fs::copy(
            support::case("english-saas").join(name),
            schedules.join(name),
        )
        .unwrap();
    }
    let child = Command::new(env!("CARGO_BIN_EXE_maintcal"))
        .args(["serve", "--port", "0", "--schedules"])
        .arg(&schedules)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut first = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first.trim().strip_prefix("serving ").unwrap();
    let address = url
        .strip_prefix("http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap();
    assert!(address.starts_with("127.0.0.1:"), "{first}");

    let feed = get(address, "/api.ics");
    assert_eq!(feed.status, 200, "{feed:?}");
    assert_eq!(feed.content_type, "text/calendar; charset=utf-8");
    assert!(feed.body.starts_with("BEGIN:VCALENDAR"), "{}", feed.body);
    assert!(feed.body.contains("Monthly operating system patches."));

    // The page's subscribe links point at this server.
    let page = get(address, "/");
    assert_eq!(page.status, 200);
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    assert!(
        page.body.contains(&format!("webcal://{address}/api.ics")),
        "{}",
        page.body
    );
    let manifest = get(address, "/feeds.json");
    assert_eq!(manifest.content_type, "application/json");
    assert_eq!(get(address, "/../us.toml").status, 404);
    assert_eq!(get(address, "/%2e%2e/schedules/us.toml").status, 404);

    // An edited schedule is rebuilt and served.
    let us = schedules.join("us.toml");
    let text = std::fs::read_to_string(&us).unwrap();
    let edited = text.replace("Monthly operating system patches.", "Kernel patches.");
    assert_ne!(edited, text);
    std::fs::write(&us, &edited).unwrap();
    let feed = until(address, "/api.ics", |got| {
        got.body.contains("Kernel patches.")
    });
    assert!(feed.body.contains("Kernel patches."), "{feed:?}");
    assert!(!feed.body.contains("Monthly operating system patches."));

    // Invalid schedules: their diagnostics at every path, feeds unavailable.
    std::fs::write(
        &us,
        edited.replace("every = \"month\"", "every = \"fortnight\""),
    )
    .unwrap();
    let page = until(address, "/", |got| got.body.contains("do not build"));
    assert_eq!(page.status, 200, "{page:?}");
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    assert!(page.body.contains("fortnight"), "{}", page.body);
    assert!(page.body.contains("us.toml"), "{}", page.body);
    let feed = get(address, "/api.ics");
    assert_eq!(feed.status, 503);
    assert!(feed.body.contains("fortnight"));

    // Fixed again: the feed is back.
    std::fs::write(&us, &edited).unwrap();
    let feed = until(address, "/api.ics", |got| got.status == 200);
    assert!(feed.body.contains("Kernel patches."), "{feed:?}");

    // Ctrl-C (SIGINT) ends it normally, removing its temporary folder.
    #[cfg(unix)]
    {
        let status = stop(&mut server, "INT");
        assert!(status.success(), "{status:?}");
    }
}

/// Stopped as a service manager stops it (SIGTERM), serve ends normally and
/// leaves no temporary folder behind.
#[cfg(unix)]
#[test]
fn sigterm_ends_serve_and_removes_its_temporary_folder() {
    let dir = tempfile::tempdir().unwrap();
    let schedules = dir.path().join("schedules");
    let temporary = dir.path().join("tmp");
    std::fs::create_dir(&schedules).unwrap();
    std::fs::create_dir(&temporary).unwrap();
    std::fs::copy(
        support::case("english-saas").join("us.toml"),
        schedules.join("us.toml"),
    )
    .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_maintcal"))
        .args(["serve", "--port", "0", "--schedules"])
        .arg(&schedules)
        .env("TMPDIR", &temporary)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut first = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("serving "), "{first}");
    assert_eq!(
        std::fs::read_dir(&temporary).unwrap().count(),
        1,
        "its build folder"
    );
    let status = stop(&mut server, "TERM");
    assert!(status.success(), "{status:?}");
    assert_eq!(
        std::fs::read_dir(&temporary).unwrap().count(),
        0,
        "left behind"
    );
}

/// Sends the server `signal` (`INT`, `TERM`) and waits (at most 5 s) for
/// it to end.
#[cfg(unix)]
fn stop(server: &mut Server, signal: &str) -> std::process::ExitStatus {
    let pid = server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "serve did not stop on SIG{signal}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
