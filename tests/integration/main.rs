//! maintcal's integration tests, one binary: a module per topic, the
//! helpers they share in `support` (and maintcal's internals behind
//! `support::internals` only). Fixtures are under `tests/cases/<case>/`,
//! insta snapshots under `tests/integration/snapshots/`.
//!
//! `cargo test` runs all but the `#[ignore]`d tests (a browser, a real
//! tmpfs); `.ci/run` runs those with `cargo test --test integration --
//! --ignored`.

mod support;

mod adopt;
mod browser;
mod cli;
mod client_quirks;
mod color;
mod diagnostics;
mod dst_edges;
mod dst_property;
mod english;
mod incremental;
mod injection;
mod limits;
mod list_format;
mod no_schedules;
mod nothing_lost;
mod notice;
mod publish;
mod readme;
mod reminders;
mod roundtrip;
mod schema;
mod serve;
mod service_feeds;
mod site;
mod text_bound;
mod timezones;
mod unlisted;
mod vtimezone;
