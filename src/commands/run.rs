//! `heavylegs run PIPELINE`: a job declared in a pipeline file.

use crate::batch::run_job;
use crate::cli::RunArgs;
use crate::exit::Exit;
use crate::log::Log;
use crate::settings::Job;

pub fn run(args: &RunArgs, log: &Log) -> anyhow::Result<Exit> {
    match Job::from_pipeline(args) {
        Ok(job) => run_job(&job, log),
        Err(e) => Ok(super::config_error(log, &e.to_string())),
    }
}
