//! `heavylegs report`: inputs (or `--athletes`) in, report folders out.

use crate::batch::run_job;
use crate::cli::ReportArgs;
use crate::exit::Exit;
use crate::log::Log;
use crate::settings::Job;

pub fn run(args: &ReportArgs, log: &Log) -> anyhow::Result<Exit> {
    match Job::from_report_args(args) {
        Ok(job) => run_job(&job, log),
        Err(e) => Ok(super::config_error(log, &e.to_string())),
    }
}
