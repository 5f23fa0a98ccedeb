//! A long synthetic history for timing a report over years of runs: the demo
//! athlete's 12 weeks repeated back in time, each block on its own dates with
//! its own file names (FIT only), so nothing is a duplicate.
//!
//! ```text
//! cargo run --release --example long_history -- /tmp/ten-years 10
//! cargo run --release -- report /tmp/ten-years -o /tmp/ten-years-report --no-cache
//! ```

use std::path::PathBuf;

use anyhow::Context;
use heavylegs::demo::{self, scenario::Export};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().context("usage: long_history DIR [YEARS]")?);
    let years: u64 = args.next().map_or(Ok(10), |y| y.parse())?;
    let base = demo::scenario::demo_athlete();
    // 12-week blocks, newest first, until the years are covered.
    let blocks = (years * 52).div_ceil(12);
    let mut files = 0;
    for k in 0..blocks {
        let mut s = base.clone();
        let shift = chrono::Duration::weeks(12 * k as i64);
        for run in &mut s.runs {
            run.local_start -= shift;
            run.id = format!("{}-b{k:02}", run.id);
            run.export = Export::Fit;
            run.gpx_id = None;
        }
        files += s.runs.len();
        demo::generate(&dir.join(format!("block-{k:02}")), &s)?;
    }
    println!(
        "{files} runs over {blocks} blocks of 12 weeks in {}",
        dir.display()
    );
    Ok(())
}
