//! `heavylegs roster OUT`: the roster rebuilt from the athletes' report.json files.

use serde_json::json;

use crate::cli::RosterArgs;
use crate::exit::Exit;
use crate::log::Log;
use crate::reduce::{ReduceError, rebuild};

/// `heavylegs roster OUT`: exit 2 when OUT holds no report, 5 when another
/// run is writing this roster, 1 when a report cannot be read.
pub fn run(args: &RosterArgs, log: &Log) -> anyhow::Result<Exit> {
    if !args.dir.is_dir() {
        let e = ReduceError::NotAFolder {
            path: args.dir.clone(),
        };
        log.error(&e.to_string(), &[]);
        return Ok(Exit::Config);
    }
    let _lock = crate::lock::OutputLock::acquire_roster(&args.dir)?;
    match rebuild(&args.dir) {
        Ok(r) => {
            for d in &r.without_report {
                log.warn(
                    &format!("{}: no report.json, not in the roster", d.display()),
                    &[],
                );
            }
            let flagged = r.rows.iter().filter(|row| !row.flagged.is_empty()).count();
            log.info(
                &format!("Roster: {}", args.dir.join("roster.html").display()),
                &[
                    ("athletes", json!(r.rows.len())),
                    ("flagged", json!(flagged)),
                ],
            );
            Ok(Exit::Ok)
        }
        Err(e @ ReduceError::Empty { .. }) => {
            log.error(&e.to_string(), &[]);
            Ok(Exit::Config)
        }
        Err(e) => Err(e.into()),
    }
}
