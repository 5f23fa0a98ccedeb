//! Writes the hand-built sample season's report (all formats, plus an
//! imperial HTML in `imperial/`) for `scripts/screenshot.sh`:
//! `cargo run --example sample_report -- DIR`.

use std::path::PathBuf;

use heavylegs::report::{self, Format};

#[allow(dead_code)]
#[path = "../tests/it/report_fixture.rs"]
mod report_fixture;

fn main() -> anyhow::Result<()> {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        anyhow::bail!("usage: sample_report DIR");
    };
    let r = report_fixture::sample();
    // A previous sample would add a "changes" section.
    let _ = std::fs::remove_file(dir.join("report.json"));
    report::write_all(&dir, &r, &report_fixture::metric(), &Format::ALL)?;
    report::write_all(
        &dir.join("imperial"),
        &r,
        &report_fixture::imperial(),
        &[Format::Html],
    )?;
    println!("{}", dir.display());
    Ok(())
}
