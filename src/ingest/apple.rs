//! Ledger lines for one Apple Health `export.xml`: a line per `<Workout>`
//! (`export.xml#3`: ok, skipped with its workout type, or rejected with the
//! line it sits on) and one for the file itself carrying its wellness data.
//!
//! The route GPX files beside it (`workout-routes/route_….gpx`) stay
//! ordinary GPX leaves: each overlaps its workout completely, so dedupe
//! keeps the export's run (heart rate, cadence, dynamics; richer) and marks
//! the route `duplicate of …export.xml#n` — never a second run.

use super::{Leaf, Record, Status};
use crate::activity::Format;
use crate::decode::DecodeError;
use crate::decode::apple::Export;

/// The ledger lines for a decoded (or refused) export.
pub(super) fn records(leaf: &Leaf, decoded: Result<Export, DecodeError>) -> Vec<Record> {
    let base = Record {
        path: leaf.path.clone(),
        sha256: leaf.sha256.clone(),
        format: Some(Format::AppleHealth),
        status: Status::Rejected,
        reason: None,
        duplicate_of: None,
        activity: None,
        wellness: None,
    };
    let export = match decoded {
        Ok(e) => e,
        Err(e) => {
            let status = if e.is_skip() {
                Status::Skipped
            } else {
                Status::Rejected
            };
            return vec![Record {
                status,
                reason: Some(e.to_string()),
                ..base
            }];
        }
    };
    let mut wellness = export.wellness;
    for n in &mut wellness.nights {
        n.path.clone_from(&leaf.path);
    }
    for d in &mut wellness.resting_hr {
        d.path.clone_from(&leaf.path);
    }
    for h in &mut wellness.hrv {
        h.path.clone_from(&leaf.path);
    }
    let has_wellness = !wellness.is_empty();
    let mut out = vec![Record {
        status: if has_wellness {
            Status::Ok
        } else {
            Status::Skipped
        },
        reason: (!has_wellness).then(|| {
            if export.workouts.is_empty() {
                "not an activity: no workouts, sleep, resting HR or HRV in the export".to_owned()
            } else {
                "the export's workouts are listed as #1, #2, …".to_owned()
            }
        }),
        wellness: has_wellness.then(|| Box::new(wellness)),
        ..base.clone()
    }];
    for (i, w) in export.workouts.into_iter().enumerate() {
        let path = format!("{}#{}", leaf.path, i + 1);
        let record = match w.outcome {
            Ok(mut activity) => {
                activity.source.path.clone_from(&path);
                activity.source.sha256.clone_from(&leaf.sha256);
                let (status, reason) = super::activity_status(&activity);
                let reason = match status {
                    // The workout type says more than the folded sport.
                    Status::Skipped if !activity.is_run() => Some(format!(
                        "not a run: {}",
                        w.kind
                            .strip_prefix("HKWorkoutActivityType")
                            .unwrap_or(&w.kind)
                    )),
                    _ => reason,
                };
                Record {
                    path,
                    status,
                    reason,
                    activity: Some(Box::new(activity)),
                    ..base.clone()
                }
            }
            Err(e) => Record {
                path,
                status: if e.is_skip() {
                    Status::Skipped
                } else {
                    Status::Rejected
                },
                reason: Some(e.to_string()),
                ..base.clone()
            },
        };
        out.push(record);
    }
    out
}
