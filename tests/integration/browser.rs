//! A real browser: headless Chromium opens the pages built from the notice
//! as a reader would: on a 390x844 phone a subscribe link is in the first
//! viewport, the Copy button copies the feed's address, the reader's
//! platform's link comes first, ended windows hide and times show in the
//! reader's zone, and a window's page has the notice's whole table. It also
//! takes the screenshots the README shows.
//!
//! A phone's viewport: headless Chromium's `--dump-dom` window is wider
//! than a phone, so a probe page (`probe`) loads the page in a 390x844
//! frame and writes what it measures into its own DOM, which `--dump-dom`
//! prints.
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
    run_chromium_at(&format!("file://{}", page.display()), args, &[])
}

/// Runs headless Chromium on `url` with `args` and environment `env`;
/// returns its stdout.
fn run_chromium_at(url: &str, args: &[String], env: &[(&str, &str)]) -> String {
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
        .arg(url)
        .envs(env.iter().copied())
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

const ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
const WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
const LINUX: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/// Loads `page` (a file in `out`, with an optional query) in a frame of
/// `width` x `height` CSS pixels, with `user_agent`, and runs `measure`, the
/// body of a JavaScript function of the frame's window `w` and document `d`
/// that returns (a promise of) a JSON value, once the page has loaded and
/// run its own script. Returns that value.
fn probe(
    out: &Path,
    page: &str,
    (width, height): (u32, u32),
    user_agent: &str,
    measure: &str,
) -> serde_json::Value {
    let harness = out.join("probe.html");
    std::fs::write(
        &harness,
        format!(
            r##"<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="{page}" width="{width}" height="{height}" style="border:0;display:block"></iframe>
<script>
document.getElementById("f").addEventListener("load", function () {{
  var measure = function (w, d) {{ {measure} }};
  Promise.resolve()
    .then(function () {{ return measure(this.contentWindow, this.contentDocument); }}.bind(this))
    .then(function (v) {{ document.body.setAttribute("data-probe", JSON.stringify(v)); }},
          function (e) {{ document.body.setAttribute("data-probe", JSON.stringify({{ error: String(e) }})); }});
}});
</script></body></html>"##
        ),
    )
    .unwrap();
    let dom = run_chromium_at(
        &format!("file://{}", harness.display()),
        &[
            "--dump-dom".to_owned(),
            // The frame is another file: let the probe read it.
            "--allow-file-access-from-files".to_owned(),
            format!("--user-agent={user_agent}"),
            "--virtual-time-budget=5000".to_owned(),
        ],
        &[],
    );
    std::fs::remove_file(&harness).unwrap();
    let dom = Html::parse_document(&dom);
    let body = dom.select(&selector("body")).next().unwrap();
    let probed = body
        .value()
        .attr("data-probe")
        .unwrap_or_else(|| panic!("the probe of {page} wrote nothing"));
    let value: serde_json::Value = serde_json::from_str(probed).unwrap();
    assert!(value.get("error").is_none(), "{page}: {value}");
    value
}

fn notice_site() -> tempfile::TempDir {
    build_with(&notice(), &["--base-url", BASE])
}

#[test]
#[ignore = "needs Chromium (Debian package `chromium`); .ci/run installs it and runs this with -- --ignored"]
fn chromium_on_a_phone_shows_a_subscribe_link_without_scrolling() {
    let out = notice_site();
    for user_agent in [ANDROID, IPHONE] {
        let seen = probe(
            out.path(),
            "index.html",
            (390, 844),
            user_agent,
            r##"var a = d.querySelector("#feed-all .platforms a");
               var r = a.getBoundingClientRect();
               var copy = d.querySelector("#feed-all button[data-copy]").getBoundingClientRect();
               var groups = d.querySelector("#groups summary").getBoundingClientRect();
               return { width: w.innerWidth, height: w.innerHeight, top: r.top, bottom: r.bottom,
                        right: r.right, href: a.getAttribute("href"), copy: copy.bottom,
                        groups: groups.bottom };"##,
        );
        assert_eq!(
            (seen["width"].as_f64(), seen["height"].as_f64()),
            (Some(390.0), Some(844.0))
        );
        let (top, bottom) = (
            seen["top"].as_f64().unwrap(),
            seen["bottom"].as_f64().unwrap(),
        );
        assert!(top >= 0.0 && bottom <= 844.0, "{seen}");
        assert!(seen["right"].as_f64().unwrap() <= 390.0, "{seen}");
        // The Copy button and the choice of one group are in view too.
        assert!(seen["copy"].as_f64().unwrap() <= 844.0, "{seen}");
        assert!(seen["groups"].as_f64().unwrap() <= 844.0, "{seen}");
        // It subscribes to the feed of every group.
        let href = seen["href"].as_str().unwrap();
        assert!(href.contains("all.ics"), "{href}");
    }
}

#[test]
#[ignore = "needs Chromium (Debian package `chromium`); .ci/run installs it and runs this with -- --ignored"]
fn chromium_copy_button_copies_the_feeds_address() {
    let out = notice_site();
    for feed in ["all", "rms"] {
        // The Clipboard API as the page calls it, recorded: a headless
        // browser has no clipboard a test can read back.
        let seen = probe(
            out.path(),
            "index.html",
            (390, 844),
            ANDROID,
            &format!(
                r##"var copied = [];
                   Object.defineProperty(w.navigator, "clipboard", {{ configurable: true, value: {{
                     writeText: function (text) {{ copied.push(text); return Promise.resolve(); }} }} }});
                   var button = d.querySelector("#feed-{feed} button[data-copy]");
                   var shown = !button.hidden;
                   button.click();
                   return new Promise(function (done) {{ setTimeout(done, 50); }}).then(function () {{
                     return {{ shown: shown, copied: copied, label: button.textContent }};
                   }});"##
            ),
        );
        assert_eq!(seen["shown"], true, "the script shows the button");
        assert_eq!(
            seen["copied"],
            serde_json::json!([format!("{BASE}{feed}.ics")]),
            "{feed}"
        );
        assert_eq!(seen["label"], "コピーしました");
    }
}

#[test]
#[ignore = "needs Chromium (Debian package `chromium`); .ci/run installs it and runs this with -- --ignored"]
fn chromium_puts_the_readers_platform_first() {
    let out = notice_site();
    for (user_agent, first) in [
        (ANDROID, "google"),
        (IPHONE, "apple"),
        (MAC, "apple"),
        (WINDOWS, "outlook"),
        // Nothing to go by: the page's own order.
        (LINUX, "apple"),
    ] {
        let dom = Html::parse_document(&run_chromium_at(
            &format!("file://{}", out.path().join("index.html").display()),
            &[
                "--dump-dom".to_owned(),
                format!("--user-agent={user_agent}"),
            ],
            &[],
        ));
        let lists: Vec<_> = dom.select(&selector(".platforms")).collect();
        assert_eq!(lists.len(), 8, "the feed of all and seven groups");
        for list in lists {
            let links: Vec<_> = list.select(&selector("a")).collect();
            let order: Vec<&str> = links
                .iter()
                .map(|a| a.value().attr("data-platform").unwrap())
                .collect();
            assert_eq!(order[0], first, "{user_agent}: {order:?}");
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(
                sorted,
                ["apple", "google", "office", "outlook"],
                "all four stay"
            );
            assert!(links[0].value().classes().any(|c| c == "primary"));
            assert!(
                links[1..]
                    .iter()
                    .all(|a| a.value().classes().all(|c| c != "primary"))
            );
        }
    }
}

#[test]
#[ignore = "needs Chromium (Debian package `chromium`); .ci/run installs it and runs this with -- --ignored"]
fn chromium_hides_ended_windows_and_shows_the_readers_own_times() {
    let out = notice_site();
    let index = out.path().join("index.html");
    let listed = |now: &str, zone: &str| {
        let dom = Html::parse_document(&run_chromium_at(
            &format!("file://{}?now={now}", index.display()),
            &["--dump-dom".to_owned()],
            &[("TZ", zone)],
        ));
        let windows: Vec<(String, bool, Option<String>)> = dom
            .select(&selector("#windows ol.windows > li"))
            .map(|li| {
                let yours = li.select(&selector(".yours")).next().unwrap();
                (
                    li.value().attr("id").unwrap().to_owned(),
                    li.value().classes().any(|c| c == "past"),
                    yours
                        .value()
                        .attr("hidden")
                        .is_none()
                        .then(|| yours.text().collect()),
                )
            })
            .collect();
        let nothing = dom.select(&selector("#nothing-next")).next().unwrap();
        (windows, nothing.value().attr("hidden").is_none())
    };
    // Between the first and the second window, read in Tokyo: the first
    // has ended, and the times are the reader's already.
    let (windows, nothing) = listed("2020-06-01T00:00:00Z", "Asia/Tokyo");
    assert_eq!(
        windows,
        [
            (
                "rakuten-ichiba.2020-05-17.2020-05-17".to_owned(),
                true,
                None
            ),
            ("rakuten-ichiba.monthly.2020-06-14".to_owned(), false, None),
            ("rakuten-ichiba.monthly.2020-07-12".to_owned(), false, None)
        ]
    );
    assert!(!nothing);
    // Read in New York: each window also in the reader's time.
    let (windows, _) = listed("2020-06-01T00:00:00Z", "America/New_York");
    let yours = windows[1].2.as_deref().unwrap();
    assert!(yours.starts_with("お使いの端末の時刻: "), "{yours}");
    assert!(
        yours.contains("13:00") && yours.contains("19:45"),
        "{yours}"
    );
    // After the last: every window has ended, and the page says so.
    let (windows, nothing) = listed("2021-01-01T00:00:00Z", "Asia/Tokyo");
    assert!(windows.iter().all(|(_, past, _)| *past));
    assert!(nothing);
}

#[test]
#[ignore = "needs Chromium (Debian package `chromium`); .ci/run installs it and runs this with -- --ignored"]
fn chromium_shows_a_windows_page_with_the_notices_whole_table() {
    let out = notice_site();
    let dom = Html::parse_document(&run_chromium(
        &out.path().join("rakuten-ichiba.2020-05-17.html"),
        &["--dump-dom".to_owned()],
    ));
    let text = |e: scraper::ElementRef| e.text().collect::<String>();
    let table = |group: &str| -> Vec<(String, String, String, String)> {
        dom.select(&selector(&format!("section#group-{group} tbody tr")))
            .map(|tr| {
                let cell = |css: &str| text(tr.select(&selector(css)).next().unwrap());
                (
                    tr.value().attr("class").unwrap().to_owned(),
                    cell("th"),
                    cell("td.state"),
                    cell("td.note"),
                )
            })
            .collect()
    };
    // Every group of the notice, each service in the notice's order, with
    // what happens to it (READING.md's reading of the merged cells).
    let kinds = |group: &str| -> Vec<(String, String)> {
        table(group)
            .into_iter()
            .map(|(kind, name, _, _)| (name, kind))
            .collect()
    };
    let expect = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(n, k)| ((*n).to_owned(), (*k).to_owned()))
            .collect()
    };
    assert_eq!(
        kinds("ichiba"),
        expect(&[
            ("市場トップページ", "runs"),
            ("商品ページの閲覧", "runs"),
            ("お買い物かご", "runs"),
            ("購入履歴", "stops"),
            ("定期購入、予約購入、頒布会", "runs"),
            ("資料請求", "runs"),
            ("ショップ、注文、商品についてのお問い合わせ", "stops"),
            ("チャットボットによるショップへのお問い合わせ", "stops"),
            ("購入履歴の更新・配送情報の表示", "stops"),
            ("商品の検索", "runs"),
            ("再入荷のお知らせ", "runs"),
            ("楽天市場アプリ", "runs"),
            ("楽天海外販売アプリ", "runs"),
        ])
    );
    let rms = table("rms");
    assert_eq!(rms.len(), 12);
    assert_eq!(rms[0].0, "stops");
    assert!(rms[0].3.contains("<R-Backoffice>") && rms[0].3.contains("・顧客管理"));
    assert_eq!(
        (rms[1].0.as_str(), rms[1].1.as_str(), rms[1].2.as_str()),
        (
            "partly",
            "RMSアプリ",
            "一部停止 02:00–08:45（利用できない機能: 注文管理）"
        )
    );
    assert_eq!(rms.iter().filter(|r| r.0 == "runs").count(), 9);
    assert_eq!(rms[10].1, "海外販売サービス(店舗設定)");
    let api = table("web-api");
    let stopped: Vec<&str> = api
        .iter()
        .filter(|r| r.0 == "stops")
        .map(|r| r.1.as_str())
        .collect();
    assert_eq!(
        stopped,
        [
            "受注API(楽天ペイ)",
            "受注API",
            "システムイベント通知サービス"
        ]
    );
    let stock = api.iter().find(|r| r.1 == "在庫API").unwrap();
    assert_eq!(
        (stock.0.as_str(), stock.2.as_str()),
        ("runs", "停止しません")
    );
    assert!(stock.3.contains("ご利用いただけます"));
    let community = table("community");
    assert!(community[0].3.contains("RMSの停止に伴い"), "{community:?}");
    for group in ["ads", "points", "mail-magazine"] {
        assert!(table(group).iter().all(|r| r.0 == "runs"), "{group}");
    }
    let page: String = dom.root_element().text().collect();
    for words in [
        "注文内容確認メール",
        "RMSコールセンター",
        "050-5533-1899",
        "確定",
    ] {
        assert!(page.contains(words), "{words}");
    }
}

#[test]
#[ignore = "needs Chromium (Debian package `chromium`); .ci/run installs it and runs this with -- --ignored"]
fn chromium_takes_the_screenshots() {
    let out = notice_site();
    let dir = std::env::var_os("MAINTCAL_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")));
    let dir = if dir.is_relative() {
        repo_path(dir.to_str().unwrap())
    } else {
        dir
    };
    std::fs::create_dir_all(&dir).unwrap();
    // As on 10 May 2020, a week before the notice's window, so that the
    // windows show as next.
    let at = "?now=2020-05-10T00:00:00Z";
    let dark = "--blink-settings=preferredColorScheme=0".to_owned();
    let light = "--blink-settings=preferredColorScheme=1".to_owned();
    for (name, page, width, height, scheme) in [
        ("subscribe-page.png", "index.html", 1280, 1400, &light),
        ("subscribe-page-dark.png", "index.html", 1280, 1400, &dark),
        ("subscribe-page-phone.png", "index.html", 390, 844, &light),
        (
            "subscribe-page-phone-dark.png",
            "index.html",
            390,
            844,
            &dark,
        ),
        (
            "window-page-phone.png",
            "rakuten-ichiba.2020-05-17.html",
            390,
            1600,
            &light,
        ),
        (
            "window-page.png",
            "rakuten-ichiba.2020-05-17.html",
            1280,
            1600,
            &dark,
        ),
    ] {
        let path = dir.join(name);
        let _ = std::fs::remove_file(&path);
        run_chromium_at(
            &format!("file://{}{at}", out.path().join(page).display()),
            &[
                format!("--screenshot={}", path.display()),
                format!("--window-size={width},{height}"),
                scheme.clone(),
                format!(
                    "--user-agent={}",
                    if width < 500 { ANDROID } else { WINDOWS }
                ),
            ],
            &[("TZ", "Asia/Tokyo")],
        );
        assert_eq!(png_size(&path), (width, height), "{}", path.display());
        eprintln!("screenshot: {}", path.display());
    }
}

#[test]
#[ignore = "needs Chromium (Debian package `chromium`); .ci/run installs it and runs this with -- --ignored"]
fn chromium_builds_no_element_from_schedule_text() {
    let out = build(&case("escaping"));
    for page in ["index.html", "escaping.w1.html"] {
        let dom = Html::parse_document(&run_chromium(
            &out.path().join(page),
            &["--dump-dom".to_owned()],
        ));
        assert_eq!(dom.select(&selector("img, iframe, b")).count(), 0, "{page}");
        assert_eq!(
            dom.select(&selector("script")).count(),
            1,
            "{page}: its own"
        );
        assert_eq!(dom.select(&selector("style")).count(), 0, "{page}");
        assert_eq!(
            dom.select(&selector("link[rel=stylesheet]")).count(),
            1,
            "{page}: its own"
        );
    }
    let dom = Html::parse_document(&run_chromium(
        &out.path().join("index.html"),
        &["--dump-dom".to_owned()],
    ));
    let heading: String = dom
        .select(&selector("section#feed-xss h3"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(heading, "<script>alert(1)</script>");
}

#[test]
#[ignore = "needs Chromium (Debian package `chromium`); .ci/run installs it and runs this with -- --ignored"]
fn chromium_without_javascript_still_offers_every_link_and_window() {
    let out = notice_site();
    // The page as a browser with script off runs it: without its script
    // (Chromium's --dump-dom itself needs script on).
    let page = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    let start = page.find("<script").unwrap();
    let end = page.find("</script>").unwrap() + "</script>".len();
    let without = out.path().join("no-script.html");
    std::fs::write(&without, format!("{}{}", &page[..start], &page[end..])).unwrap();
    let dom = Html::parse_document(&run_chromium_at(
        &format!("file://{}", without.display()),
        &["--dump-dom".to_owned(), format!("--user-agent={ANDROID}")],
        &[],
    ));
    assert_eq!(dom.select(&selector("script")).count(), 0);
    // The page's own order; the Copy button, which needs the script, hidden.
    let first = dom
        .select(&selector("#feed-all .platforms a"))
        .next()
        .unwrap();
    assert_eq!(first.value().attr("data-platform"), Some("apple"));
    assert_eq!(dom.select(&selector(".platforms a")).count(), 8 * 4);
    for button in dom.select(&selector("button[data-copy]")) {
        assert!(button.value().attr("hidden").is_some());
    }
    // Every window listed, none marked past (no script, no clock).
    let windows: Vec<_> = dom.select(&selector("#windows ol.windows > li")).collect();
    assert_eq!(windows.len(), 3);
    assert!(
        windows
            .iter()
            .all(|li| li.value().classes().all(|c| c != "past"))
    );
}

#[test]
#[ignore = "needs Chromium (Debian package `chromium`); .ci/run installs it and runs this with -- --ignored"]
fn chromium_opens_the_group_list_for_a_link_to_one_groups_feed() {
    let out = notice_site();
    let index = out.path().join("index.html");
    let open = |fragment: &str| {
        let dom = Html::parse_document(&run_chromium_at(
            &format!("file://{}{fragment}", index.display()),
            &["--dump-dom".to_owned()],
            &[],
        ));
        let details = dom.select(&selector("details#groups")).next().unwrap();
        details.value().attr("open").is_some()
    };
    assert!(open("#feed-rms"));
    assert!(
        !open(""),
        "closed otherwise: the feed of every group comes first"
    );
}
