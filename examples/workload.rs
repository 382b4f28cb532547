//! Writes the benchmark workload (see `benches/workload/mod.rs`) into a
//! schedules folder: `cargo run --release --example workload -- large DIR`.
//! `scripts/bench.sh` uses it to build each size as a whole process.

#[path = "../benches/workload/mod.rs"]
mod workload;

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(name), Some(dir)) = (args.next(), args.next()) else {
        eprintln!("usage: workload small|medium|large DIR");
        std::process::exit(2);
    };
    let Some(size) = workload::Size::named(&name) else {
        eprintln!("unknown size {name:?}: small, medium or large");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir)?;
    let mut total = 0;
    for (file, text) in workload::generate(&size) {
        total += text.len();
        std::fs::write(dir.join(file), text)?;
    }
    println!(
        "{name}: {size:?}, {total} bytes of schedules in {}",
        dir.display()
    );
    Ok(())
}
