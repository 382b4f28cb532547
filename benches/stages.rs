//! Criterion benchmarks of the build's stages on the generated workload
//! (`benches/workload/mod.rs`): TOML parsing, loading (parse, validate and
//! the checks across files), expanding occurrences, planning the feeds,
//! rendering them, the whole build in memory, and the whole build written
//! to a fresh folder.
//!
//! `cargo bench --bench stages` runs the small and medium sizes;
//! `MAINTCAL_BENCH_SIZES=large cargo bench --bench stages` (or a
//! comma-separated list) picks others. The whole process, against the floor
//! of copying its output, is `scripts/bench.sh`.

#[path = "workload/mod.rs"]
mod workload;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use maintcal::internals::{
    self as stages, Expanded, RenderError, Schedules, ZoneCache, as_of, load_files, trim,
};
use std::hint::black_box;
use std::path::PathBuf;

fn sizes() -> Vec<(String, workload::Size)> {
    let names = std::env::var("MAINTCAL_BENCH_SIZES").unwrap_or_else(|_| "small,medium".into());
    names
        .split(',')
        .map(|name| {
            let size = workload::Size::named(name.trim())
                .unwrap_or_else(|| panic!("unknown size {name:?}: small, medium or large"));
            (name.trim().to_owned(), size)
        })
        .collect()
}

fn files(size: &workload::Size) -> Vec<(PathBuf, String)> {
    workload::generate(size)
        .into_iter()
        .map(|(name, text)| (PathBuf::from(name), text))
        .collect()
}

fn load(files: &[(PathBuf, String)]) -> Schedules {
    load_files(files.to_vec())
        .unwrap_or_else(|error| panic!("the workload must load: {error}"))
        .schedules
}

/// The table the feeds are made from: every occurrence, trimmed to the
/// horizon, as a build does.
fn kept(schedules: &Schedules) -> Expanded<'_> {
    trim(Expanded::new(schedules), as_of(schedules))
}

fn stages(c: &mut Criterion) {
    for (name, size) in sizes() {
        let files = files(&size);
        let schedule_bytes: usize = files.iter().map(|(_, text)| text.len()).sum();
        let schedules = load(&files);
        let expanded = kept(&schedules);
        let feeds = stages::plan(&expanded);
        let events: usize = feeds.iter().map(|f| f.events.len()).sum();
        let output_bytes: usize = stages::render_all(&schedules)
            .expect("the workload renders")
            .iter()
            .map(|o| o.bytes.len())
            .sum();

        let mut group = c.benchmark_group(format!(
            "{name} ({events} events, {output_bytes} bytes out)"
        ));
        group.sample_size(10);

        group.throughput(Throughput::Bytes(schedule_bytes as u64));
        group.bench_function("parse TOML", |b| {
            b.iter(|| {
                for (_, text) in &files {
                    black_box(toml::de::DeTable::parse(text).expect("valid TOML"));
                }
            })
        });
        group.bench_function("load (parse, validate, cross-file checks)", |b| {
            b.iter(|| black_box(load(&files)))
        });

        group.throughput(Throughput::Elements(events as u64));
        group.bench_function("expand (horizon and occurrences)", |b| {
            b.iter(|| {
                let kept = kept(&schedules);
                let occurrences: usize = kept
                    .calendars
                    .iter()
                    .flat_map(|calendar| &calendar.windows)
                    .map(|window| window.occurrences.len())
                    .sum();
                black_box(occurrences)
            })
        });
        group.bench_function("plan feeds", |b| {
            b.iter(|| {
                let events: usize = stages::plans(&expanded).map(|f| f.events.len()).sum();
                black_box(events)
            })
        });

        group.throughput(Throughput::Bytes(output_bytes as u64));
        group.bench_function("render feeds (ics)", |b| {
            b.iter_batched(
                || feeds.clone(),
                |feeds| {
                    let zones = ZoneCache::default();
                    for feed in feeds {
                        black_box(stages::render_feed(feed, &zones).expect("renders"));
                    }
                },
                BatchSize::LargeInput,
            )
        });
        group.bench_function("build in memory (plan, render, page, manifest)", |b| {
            b.iter(|| {
                let mut bytes = 0;
                stages::render_each(&schedules, None, |output| {
                    bytes += output.bytes.len();
                    Ok::<(), RenderError>(())
                })
                .expect("renders");
                black_box(bytes)
            })
        });
        let dir = tempfile::tempdir().expect("a temporary folder");
        let schedules_dir = dir.path().join("schedules");
        std::fs::create_dir_all(&schedules_dir).expect("a schedules folder");
        for (file, text) in &files {
            std::fs::write(schedules_dir.join(file), text).expect("writes");
        }
        group.bench_function("build to a new folder (load to fsync)", |b| {
            b.iter_batched(
                || tempfile::tempdir_in(dir.path()).expect("a temporary folder"),
                |out| {
                    let cli = <maintcal::cli::Cli as clap::Parser>::parse_from([
                        "maintcal".as_ref(),
                        "build".as_ref(),
                        "--schedules".as_ref(),
                        schedules_dir.as_os_str(),
                        "--out".as_ref(),
                        out.path().as_os_str(),
                    ]);
                    maintcal::run(cli, &mut std::io::sink(), &mut std::io::sink()).expect("builds");
                    out
                },
                BatchSize::PerIteration,
            )
        });
        group.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
