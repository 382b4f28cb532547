//! A real browser: headless Chromium opens the subscribe page built from
//! the notice, and the DOM it builds must have every group and every
//! subscribe link; it also takes the screenshots the README shows.
//!
//! Ignored by default, so that `cargo test` on a machine without Chromium
//! says "ignored" with the reason instead of passing silently; .ci/run
//! installs Debian's `chromium` and runs it with `-- --ignored`, and there a
//! missing browser fails the test. To refresh the README's screenshots:
//! `MAINTCAL_SCREENSHOTS=docs cargo test --test integration browser:: -- --ignored`.

use crate::support::*;
use scraper::{Html, Selector};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BASE: &str = "https://example.github.io/maintcal/";

fn chromium() -> PathBuf {
    let name = std::env::var_os("MAINTCAL_CHROMIUM").unwrap_or_else(|| "chromium".into());
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(&name))
        .find(|path| path.is_file())
        .or_else(|| Some(PathBuf::from(&name)).filter(|p| p.is_file()));
    found.unwrap_or_else(|| {
        panic!(
            "no {} on PATH: install it (apt-get install chromium) or set MAINTCAL_CHROMIUM",
            name.to_string_lossy()
        )
    })
}

/// Runs headless Chromium on `page` with `args`; returns its stdout.
fn run_chromium(page: &Path, args: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A guard against a browser that never returns, not a speed check.
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("chromium did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is not a PNG",
        path.display()
    );
    let number = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (number(16), number(20))
}

#[test]
#[ignore = "needs Chromium (Debian package `chromium`); .ci/run installs it and runs this with -- --ignored"]
fn chromium_shows_every_group_and_its_subscribe_links() {
    let out = build_with(&notice(), &["--base-url", BASE]);
    let page = out.path().join("index.html");
    let dom = Html::parse_document(&run_chromium(&page, &["--dump-dom".to_owned()]));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("feeds.json")).unwrap()).unwrap();
    let feeds = manifest["feeds"].as_array().unwrap();
    assert_eq!(feeds.len(), 8);
    for feed in feeds {
        let id = feed["id"].as_str().unwrap();
        let section = dom
            .select(&selector(&format!("section#feed-{id}")))
            .next()
            .unwrap_or_else(|| panic!("no section for {id}"));
        let heading: String = section
            .select(&selector("h2"))
            .next()
            .unwrap()
            .text()
            .collect();
        if id != "all" {
            assert_eq!(heading, feed["name"].as_str().unwrap());
        }
        let hrefs: Vec<&str> = section
            .select(&selector("a"))
            .filter_map(|a| a.value().attr("href"))
            .collect();
        let https = feed["url"].as_str().unwrap();
        let webcal = feed["webcal"].as_str().unwrap();
        assert_eq!(hrefs.len(), 4, "{id}: {hrefs:?}");
        assert_eq!(hrefs[0], webcal);
        assert!(hrefs[1].starts_with("https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F"));
        assert!(
            hrefs[2]
                .starts_with("https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2F")
        );
        assert!(hrefs[2].contains("&name="), "{}", hrefs[2]);
        assert_eq!(hrefs[3], https);
        let input = section.select(&selector("input")).next().unwrap();
        assert_eq!(input.value().attr("value"), Some(https));
        let windows = section.select(&selector("ol.windows > li")).count();
        assert_eq!(windows, 3, "{id}: 2020-05-17, 2020-06-14, 2020-07-12");
    }

    // Screenshots: a desktop window and a phone-sized one.
    let dir = std::env::var_os("MAINTCAL_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")));
    let dir = if dir.is_relative() {
        repo_path(dir.to_str().unwrap())
    } else {
        dir
    };
    std::fs::create_dir_all(&dir).unwrap();
    for (name, width, height) in [
        ("subscribe-page.png", 1000, 1500),
        ("subscribe-page-phone.png", 390, 1200),
    ] {
        let path = dir.join(name);
        let _ = std::fs::remove_file(&path);
        run_chromium(
            &page,
            &[
                format!("--screenshot={}", path.display()),
                format!("--window-size={width},{height}"),
            ],
        );
        assert_eq!(png_size(&path), (width, height), "{}", path.display());
        eprintln!("screenshot: {}", path.display());
    }
}

#[test]
#[ignore = "needs Chromium (Debian package `chromium`); .ci/run installs it and runs this with -- --ignored"]
fn chromium_builds_no_element_from_schedule_text() {
    let out = build(&case("escaping"));
    let dom = Html::parse_document(&run_chromium(
        &out.path().join("index.html"),
        &["--dump-dom".to_owned()],
    ));
    assert_eq!(dom.select(&selector("script, img, iframe, b")).count(), 0);
    assert_eq!(dom.select(&selector("style")).count(), 1);
    let heading: String = dom
        .select(&selector("section#feed-xss h2"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(heading, "<script>alert(1)</script>");
}
