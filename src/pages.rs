//! The address the site is published at, seen from the command line: which
//! base URL a build uses, refusing a page without subscribe links when asked
//! (`build --require-base-url`, which the GitHub Action passes), and naming
//! the reason when `build --check` fails only because the address changed.

use crate::render::manifest;
use crate::schedule::Schedules;
use std::path::Path;

/// What `build` and `list` run with: `--base-url`, else the first
/// calendar's `base_url`. Both give the same bytes.
pub fn resolve(schedules: &Schedules, option: Option<&str>) -> Option<String> {
    option
        .map(str::to_owned)
        .or_else(|| schedules.calendars.iter().find_map(|c| c.base_url.clone()))
}

/// The page links to the feeds only by an absolute address: without one it
/// offers downloads, and a subscriber who downloads never gets an update.
#[derive(Debug, thiserror::Error)]
#[error(
    "the subscribe page would have no subscribe links (webcal, Google, Outlook): no base URL \
     is known; pass --base-url https://<owner>.github.io/<repo>/ or set base_url in [calendar] \
     (the maintcal action passes the base_url output of actions/configure-pages)"
)]
pub struct NoBaseUrl;

/// [`NoBaseUrl`] unless a build resolved a base URL.
pub fn require(resolved: Option<&str>) -> Result<(), NoBaseUrl> {
    resolved.map(|_| ()).ok_or(NoBaseUrl)
}

/// Why `out_dir` differs from this run, when the base URL it was built for
/// (the manifest's `base_url`) is not the one this run has.
pub fn stale_reason(out_dir: &Path, resolved: Option<&str>) -> Option<String> {
    let bytes = std::fs::read(out_dir.join(manifest::FILE_NAME)).ok()?;
    let manifest: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let built = manifest.get("base_url")?.as_str();
    if built == resolved {
        return None;
    }
    let out = out_dir.display();
    Some(match (built, resolved) {
        (Some(built), None) => format!(
            "{out} was built for {built}, this run has none: set base_url in [calendar] or pass --base-url"
        ),
        (None, Some(now)) => format!(
            "{out} was built without a base URL, this run has {now}: build with --base-url {now} (or set base_url in [calendar]) and commit the result"
        ),
        (built, now) => format!(
            "{out} was built for {}, this run for {}: give the same base URL to both",
            built.unwrap_or_default(),
            now.unwrap_or_default()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out_with(manifest: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(manifest::FILE_NAME), manifest).unwrap();
        dir
    }

    #[test]
    fn a_missing_base_url_is_named_with_the_fix() {
        let out = out_with(r#"{"base_url": "https://o.github.io/r/"}"#);
        let reason = stale_reason(out.path(), None).unwrap();
        assert!(
            reason.ends_with(
                "was built for https://o.github.io/r/, this run has none: set base_url in [calendar] or pass --base-url"
            ),
            "{reason}"
        );
        let reason = stale_reason(out.path(), Some("https://x.example/")).unwrap();
        assert!(
            reason.contains("this run for https://x.example/"),
            "{reason}"
        );
    }

    #[test]
    fn the_same_base_url_or_no_manifest_gives_no_reason() {
        let out = out_with(r#"{"base_url": "https://o.github.io/r/"}"#);
        assert_eq!(
            stale_reason(out.path(), Some("https://o.github.io/r/")),
            None
        );
        let out = out_with(r#"{"base_url": null}"#);
        assert_eq!(stale_reason(out.path(), None), None);
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(stale_reason(empty.path(), None), None);
    }

    #[test]
    fn a_build_without_base_url_is_refused_when_required() {
        assert!(
            require(None)
                .unwrap_err()
                .to_string()
                .contains("pass --base-url")
        );
        assert!(require(Some("https://o.github.io/r/")).is_ok());
    }
}
