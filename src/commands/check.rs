//! `heavylegs check PIPELINE`: the pipeline file validated, nothing run.

use serde_json::json;

use crate::cli::CheckArgs;
use crate::exit::Exit;
use crate::log::Log;
use crate::settings::Job;

/// Exit 0 when the pipeline file would run, 2 (with the reason) when not.
pub fn run(args: &CheckArgs, log: &Log) -> Exit {
    let path = args.pipeline.as_path();
    match crate::pipeline::Pipeline::load(path) {
        Ok(p) => match Job::from_pipeline_spec(p, None, &Default::default()) {
            Ok(job) => {
                log.info(
                    &format!("{}: ok", path.display()),
                    &[
                        ("athletes", json!(job.athletes.len())),
                        (
                            "inputs",
                            json!(job.athletes.iter().map(|a| a.inputs.len()).sum::<usize>()),
                        ),
                        ("fit_decoder", json!(job.fit_decoder)),
                    ],
                );
                Exit::Ok
            }
            Err(e) => super::config_error(log, &format!("{}: {e}", path.display())),
        },
        Err(e) => super::config_error(log, &e.to_string()),
    }
}
