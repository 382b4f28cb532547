//! An operator adopting maintcal: `maintcal init` gives a repository that
//! checks and builds as it is, never overwrites a file; the build the GitHub
//! Action runs (Pages URL passed in) gives a page with working subscribe
//! links, and one without an address fails saying how to fix it; problems
//! come out as workflow annotations; the release, the action and binstall
//! agree on the archive names; the published crate holds no site, CI or
//! benchmark files. Self-contained: no `tests/common`.

use crate::support::published;
use assert_cmd::Command;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const PAGES_URL: &str = "https://example.github.io/site/";

fn maintcal(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("maintcal").unwrap();
    command.current_dir(dir);
    command
}

fn stderr(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// `maintcal init site [--lang …]` in a new temporary folder.
fn init(lang: &str) -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    maintcal(root.path())
        .args(["init", "site", "--lang", lang])
        .assert()
        .success();
    let site = root.path().join("site");
    (root, site)
}

/// Every file under `dir`, relative, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(folder) = todo.pop() {
        for entry in published(&folder) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                found.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn a_new_repository_checks_and_builds_with_no_edits_in_english_and_japanese() {
    for lang in ["en", "ja"] {
        let (_root, site) = init(lang);
        let names: Vec<String> = files(&site).into_iter().map(|(name, _)| name).collect();
        assert_eq!(
            names,
            [
                ".github/workflows/maintcal.yml",
                ".gitignore",
                "README.md",
                "schedules/maintenance.toml"
            ],
            "{lang}"
        );
        let check = maintcal(&site).arg("check").assert().success();
        assert_eq!(stderr(&check), "", "{lang}: the example has no warning");
        maintcal(&site).arg("build").assert().success();
        for feed in ["all.ics", "web.ics", "api.ics", "index.html", "feeds.json"] {
            assert!(site.join("out").join(feed).is_file(), "{lang}: {feed}");
        }
        let ignore = std::fs::read_to_string(site.join(".gitignore")).unwrap();
        assert!(ignore.lines().any(|l| l == "/out/"), "{ignore}");
        let schedule = std::fs::read_to_string(site.join("schedules/maintenance.toml")).unwrap();
        assert!(
            schedule.contains(&format!("language = \"{lang}\"")),
            "{schedule}"
        );
    }
}

#[test]
fn init_overwrites_nothing_and_writes_nothing_when_a_file_exists() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("README.md"), "mine\n").unwrap();
    let assert = maintcal(root.path()).arg("init").assert().code(1);
    let message = stderr(&assert);
    assert!(
        message.contains("README.md already exists; nothing was written"),
        "{message}"
    );
    assert_eq!(
        files(root.path()),
        [("README.md".to_owned(), b"mine\n".to_vec())]
    );
    assert!(!root.path().join("schedules").exists());
}

/// The action's build step: `--base-url` from actions/configure-pages.
fn build_as_the_action_does(site: &Path) -> assert_cmd::assert::Assert {
    maintcal(site)
        .args(["build", "--schedules", "schedules", "--out", "out"])
        .args(["--message-format", "github", "--require-base-url"])
        .args(["--base-url", PAGES_URL])
        .assert()
}

fn hrefs(html: &str) -> Vec<url::Url> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("a[href]").unwrap();
    document
        .select(&selector)
        .filter_map(|a| url::Url::parse(a.value().attr("href").unwrap()).ok())
        .collect()
}

fn query(url: &url::Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

#[test]
fn the_action_build_gives_a_page_with_working_subscribe_links() {
    let (_root, site) = init("en");
    build_as_the_action_does(&site).success();
    let out = site.join("out");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let links = hrefs(&html);
    // A link works when it names a feed this build wrote, at the Pages URL.
    let feed_of = |https: &str| -> String {
        let file = https
            .strip_prefix(PAGES_URL)
            .unwrap_or_else(|| panic!("{https} is not under {PAGES_URL}"));
        assert!(out.join(file).is_file(), "{https}: no {file} in out/");
        file.to_owned()
    };
    let mut webcal = BTreeSet::new();
    let mut google = BTreeSet::new();
    let mut outlook = BTreeSet::new();
    for link in &links {
        match (link.scheme(), link.host_str()) {
            ("webcal", _) => {
                webcal.insert(feed_of(&link.as_str().replacen("webcal", "https", 1)));
            }
            (_, Some("calendar.google.com")) => {
                let cid = query(link, "cid").unwrap();
                google.insert(feed_of(&cid.replacen("webcal", "https", 1)));
            }
            (_, Some("outlook.live.com")) => {
                outlook.insert(feed_of(&query(link, "url").unwrap()));
            }
            _ => {}
        }
    }
    let every: BTreeSet<String> = ["all.ics", "api.ics", "web.ics"].map(String::from).into();
    assert_eq!(webcal, every, "{html}");
    assert_eq!(google, every);
    assert_eq!(outlook, every);
}

#[test]
fn a_build_whose_page_would_have_no_subscribe_links_fails_in_the_action() {
    let (_root, site) = init("en");
    let assert = maintcal(&site)
        .args(["build", "--message-format", "github", "--require-base-url"])
        .assert()
        .code(1);
    let message = stderr(&assert);
    assert!(
        message.contains("the subscribe page would have no subscribe links")
            && message.contains("pass --base-url")
            && message.contains("set base_url in [calendar]"),
        "{message}"
    );
    // Shown on the run's summary too.
    assert!(message.contains("::error::the subscribe page"), "{message}");
    assert!(!site.join("out").exists(), "nothing is written");
}

#[test]
fn base_url_option_and_calendar_key_give_the_same_bytes() {
    let (_root, site) = init("en");
    build_as_the_action_does(&site).success();
    let by_option = files(&site.join("out"));
    let path = site.join("schedules/maintenance.toml");
    let schedule = std::fs::read_to_string(&path).unwrap();
    let keyed = schedule.replacen(
        "[calendar]\n",
        &format!("[calendar]\nbase_url = \"{PAGES_URL}\"\n"),
        1,
    );
    std::fs::write(&path, keyed).unwrap();
    maintcal(&site)
        .args(["build", "--out", "by-key"])
        .assert()
        .success();
    assert_eq!(files(&site.join("by-key")), by_option);
}

#[test]
fn build_check_names_the_base_url_when_only_it_differs() {
    let (_root, site) = init("en");
    build_as_the_action_does(&site).success();
    maintcal(&site)
        .args(["build", "--check", "--base-url", PAGES_URL])
        .assert()
        .success();
    let assert = maintcal(&site).args(["build", "--check"]).assert().code(1);
    let message = stderr(&assert);
    assert!(
        message.contains(&format!(
            "out was built for {PAGES_URL}, this run has none: set base_url in [calendar] or pass --base-url"
        )),
        "{message}"
    );
}

#[test]
fn check_annotates_each_problem_on_its_line_for_github() {
    let (_root, site) = init("en");
    let path = site.join("schedules/maintenance.toml");
    let schedule = std::fs::read_to_string(&path).unwrap();
    let broken = schedule.replacen("status = \"tentative\"", "status = \"maybe\"", 1);
    std::fs::write(&path, &broken).unwrap();
    let line = 1 + broken
        .lines()
        .position(|l| l.starts_with("status = \"maybe\""))
        .unwrap();
    let assert = maintcal(&site)
        .args(["check", "--message-format", "github"])
        .assert()
        .code(1);
    let message = stderr(&assert);
    let annotations: Vec<&str> = message.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(
        annotations.len(),
        2,
        "the problem, then the summary: {message}"
    );
    assert!(
        annotations[0].starts_with(&format!(
            "::error file=schedules/maintenance.toml,line={line},col=10,"
        )),
        "{message}"
    );
    assert!(annotations[0].contains("maybe"), "{message}");
    // The human report is still there, for the log.
    assert!(message.contains("^^^^^^^"), "{message}");
    // Without the option, no workflow command.
    let plain = maintcal(&site).arg("check").assert().code(1);
    assert!(!stderr(&plain).contains("::error"));
}

#[test]
fn completions_and_man_page_come_from_the_command_line_definition() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "_maintcal()"),
        ("zsh", "#compdef maintcal"),
        ("fish", "complete -c maintcal"),
    ] {
        let output = maintcal(dir.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(
            output.status.success() && script.contains(marker),
            "{shell}: {script}"
        );
        assert!(script.contains("require-base-url"), "{shell}");
    }
    let output = maintcal(dir.path()).arg("man").output().unwrap();
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(page.contains(".TH maintcal 1"), "{page}");
    assert!(page.contains("init"), "{page}");
}

fn repo(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

#[test]
fn the_release_the_action_and_binstall_agree_on_the_archives() {
    let release = repo(".github/workflows/release.yml");
    let built: BTreeSet<&str> = release
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- target: "))
        .collect();
    let action = repo("action.yml");
    let fetched: BTreeSet<&str> = action
        .lines()
        .filter_map(|l| l.split(" target=").nth(1))
        .map(|rest| rest.split_whitespace().next().unwrap())
        .filter(|target| *target != "''")
        .collect();
    assert_eq!(built.len(), 5, "{built:?}");
    assert_eq!(built, fetched);
    // Archive and checksum names as upload-rust-binary-action gives them
    // by default ($bin-$target, .tar.gz or .zip, <archive>.sha256).
    assert!(!release.contains("archive:"), "a custom archive name");
    assert!(release.contains("checksum: sha256"));
    assert!(action.contains("maintcal-$target.$ext") && action.contains("maintcal-$target.sha256"));
    let manifest = repo("Cargo.toml");
    assert!(manifest.contains(
        "pkg-url = \"{ repo }/releases/download/v{ version }/{ name }-{ target }{ archive-suffix }\""
    ));
}

#[test]
fn the_published_crate_holds_no_site_screenshots_ci_benches_or_scripts() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let list = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for needed in [
        "src/main.rs",
        "templates/index.html",
        "templates/init/workflow.yml",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
    ] {
        assert!(
            list.lines().any(|l| l == needed),
            "{needed} missing:\n{list}"
        );
    }
    for line in list.lines() {
        let shipped = !(line.starts_with("out/")
            || line.starts_with(".github/")
            || line.starts_with("benches/")
            || line.starts_with("scripts/")
            || line.starts_with("fuzz/")
            || (line.starts_with("docs/") && line.ends_with(".png")));
        assert!(shipped, "{line} is in the package");
    }
}

/// `cargo test --test adopt -- --ignored` with actionlint on PATH (or
/// MAINTCAL_ACTIONLINT naming it): the generated workflow and this
/// repository's workflows pass it.
#[test]
#[ignore = "needs actionlint (MAINTCAL_ACTIONLINT; .ci/run sets up scripts/actionlint)"]
fn the_workflows_pass_actionlint() {
    let actionlint = std::env::var("MAINTCAL_ACTIONLINT").unwrap_or_else(|_| "actionlint".into());
    let (_root, site) = init("en");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new(&actionlint)
        .arg(site.join(".github/workflows/maintcal.yml"))
        .arg(root.join(".github/workflows/publish.yml"))
        .arg(root.join(".github/workflows/release.yml"))
        .output()
        .unwrap_or_else(|e| panic!("running {actionlint}: {e}"));
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_readme_and_init_name_the_same_action_version() {
    let uses = format!("maintcal/maintcal@v{}", env!("CARGO_PKG_VERSION"));
    assert!(repo("README.md").contains(&uses), "README: {uses}");
    assert!(repo("templates/init/workflow.yml").contains("maintcal/maintcal@v{{version}}"));
}
