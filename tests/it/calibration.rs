//! Calibration on real variability: three real runners' histories (one row
//! per run, `../shared/real-runs/runner-{a,b,c}.csv`) go through the same
//! verdict path as the app, once per monthly window (as-of = each month's
//! last day). A cause flagged in most of a real runner's months is a
//! miscalibrated rule, not a finding.
//!
//! `cargo test --test it calibration -- --nocapture` prints the table.

use heavylegs::findings::Cause;
use heavylegs::profile::AthleteProfile;

use crate::verdict_kit::{month_ends, print_table, real_runner, tally_months};

#[test]
fn real_runners_are_not_flagged_most_months() {
    let profile = AthleteProfile::default();
    for name in ["runner-a", "runner-b", "runner-c"] {
        let Some(rows) = real_runner(name) else {
            return;
        };
        assert!(rows.len() > 100, "{name}: {} rows", rows.len());
        let ends = month_ends(&rows);
        let tally = tally_months(&rows, &profile, &ends);
        print_table(
            &format!(
                "{name} ({} runs, {} monthly windows)",
                rows.len(),
                ends.len()
            ),
            &tally,
        );
        // The bar. A verdict is about "why do my legs feel heavy now": a
        // recreational runner's training pattern does not change every
        // month, so a load or recovery cause that fires in more than a third
        // of a real runner's months describes the runner's normal, not a
        // change worth a warning. `high` is for large, recent, well-supported
        // patterns: at most one month in ten. Every cause these rows can
        // show is held to the bar; load and recovery must be assessable.
        for cause in Cause::ALL {
            let t = tally[&cause];
            if matches!(cause, Cause::Overtraining | Cause::Recovery) {
                assert!(t.assessable >= 6, "{name} {}: {t:?}", cause.id());
            }
            assert!(
                t.flagged * 3 <= t.assessable,
                "{name} {}: flagged in {} of {} months",
                cause.id(),
                t.flagged,
                t.assessable
            );
            assert!(
                t.high * 10 <= t.assessable,
                "{name} {}: high in {} of {} months",
                cause.id(),
                t.high,
                t.assessable
            );
        }
    }
}
