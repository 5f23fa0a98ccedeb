//! `heavylegs demo DIR`: the simulated demo athletes written, with their truth.

use anyhow::Context;
use serde_json::json;

use crate::cli::DemoArgs;
use crate::exit::Exit;
use crate::log::Log;

pub fn run(args: &DemoArgs, log: &Log) -> anyhow::Result<Exit> {
    let dir = args.dir.as_path();
    let truth = crate::demo::generate_all(dir)
        .with_context(|| format!("writing the demo to {}", dir.display()))?;
    log.info(
        &format!("demo athletes written to {}", dir.display()),
        &[("files", json!(truth))],
    );
    Ok(Exit::Ok)
}
