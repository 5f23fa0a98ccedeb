//! The pure part of one athlete's analysis: per-run metrics on local dates
//! → weekly load → assessment window and baseline → findings with history.
//! No I/O: the app (`analyse`) and the tests (calibration, scenario bank)
//! drive exactly this path.
//!
//! **Window**: the verdicts judge the `window_weeks` × 7 days ending on the
//! as-of day (`--as-of`, else the latest run's local date). Runs after the
//! as-of day are dropped first, as if the report had run that day. A week
//! belongs to the window when its last day is on or after the window's first
//! day; a week whose last day is after the as-of day is **partial**
//! (unfinished): rules never judge its rest days, monotony or distance as if
//! it were complete.
//!
//! **Baseline**: everything before the window — the weeks, days, runs and
//! breaks the rules compare the window against (the runner's usual weekly
//! distance, the most they recently handled, their chronic load). Rules put
//! patterns found there into each finding's `history`, never into its verdict.

use std::borrow::Cow;

use chrono::{Duration, NaiveDate};

use crate::findings::{self, Baseline, Finding, RunView, Window};
use crate::load::{self, LoadConfig, LoadError, LoadTables, RunInput, TzSource};
use crate::metrics::{RunMetrics, athlete};
use crate::profile::AthleteProfile;
use crate::thresholds::Thresholds;

/// One run with the local date the app resolved for it.
#[derive(Debug, Clone, Copy)]
pub struct DatedRun<'a> {
    pub metrics: &'a RunMetrics,
    pub date: NaiveDate,
    pub tz_source: TzSource,
}

/// What the verdicts depend on besides the runs.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    pub profile: &'a AthleteProfile,
    pub thresholds: &'a Thresholds,
    pub load: LoadConfig,
    /// The report's "today"; `None` = the latest run's date.
    pub as_of: Option<NaiveDate>,
    /// Weeks judged, ending on the as-of day (at least 1).
    pub window_weeks: u32,
    /// The athlete's wellness, finished ([`crate::wellness::gather`]);
    /// `&wellness::EMPTY` when the inputs hold none.
    pub wellness: &'a crate::wellness::Wellness,
}

/// Everything the report needs from the analysis.
#[derive(Debug, Clone)]
pub struct Verdicts {
    /// Load tables of every run up to the as-of day (through the as-of day
    /// when it was given).
    pub tables: LoadTables,
    /// `None` only when no run is left.
    pub window: Option<Window>,
    /// All 11 causes; status and severity describe the window.
    pub findings: Vec<Finding>,
    /// Indices (into the input) of the runs used, in input order.
    pub used: Vec<usize>,
    /// Runs dropped because they are after the as-of day.
    pub after_as_of: usize,
    /// Runs dropped because the history was longer than the load stage
    /// accepts (oldest first); only a broken start time can cause it.
    pub too_old: usize,
    /// The athlete's cadence~speed fit over the runs used.
    pub fit: Option<athlete::CadenceSpeedFit>,
    /// The runner's heavy ratings linked to the flagged weeks; `None` when
    /// the wellness holds no rating.
    pub felt: Option<findings::felt::Felt>,
    /// Resting HR and HRV over the window and its baseline, for the recovery chart.
    pub markers: Vec<findings::MarkerTrace>,
}

/// Runs the load stage, splits window from baseline and evaluates every rule.
pub fn assess(runs: &[DatedRun], opts: &Options) -> Result<Verdicts, LoadError> {
    let mut used: Vec<usize> = (0..runs.len())
        .filter(|&i| runs[i].metrics.start.is_some())
        .filter(|&i| opts.as_of.is_none_or(|a| runs[i].date <= a))
        .collect();
    let after_as_of = runs.len()
        - (0..runs.len())
            .filter(|&i| opts.as_of.is_none_or(|a| runs[i].date <= a))
            .count();
    // A history longer than the load stage accepts keeps its most recent
    // part: one wrong start time must not take the whole athlete down.
    let mut too_old = 0;
    if let Some(last) = used.iter().map(|&i| runs[i].date).max() {
        let last = opts.as_of.map_or(last, |a| a.max(last));
        let oldest = last - Duration::days(opts.load.max_span_days - 1);
        let before = used.len();
        used.retain(|&i| runs[i].date >= oldest);
        too_old = before - used.len();
    }

    let inputs: Vec<RunInput> = used
        .iter()
        .filter_map(|&i| RunInput::from_metrics(runs[i].metrics, None, None))
        .collect();
    let run_days: Vec<(String, NaiveDate, TzSource)> = used
        .iter()
        .map(|&i| {
            let r = &runs[i];
            (r.metrics.path.clone(), r.date, r.tz_source)
        })
        .collect();
    let cfg = LoadConfig {
        extend_to: opts.as_of,
        ..opts.load.clone()
    };
    let tables = load::build_dated(&inputs, run_days, &cfg)?;

    let metrics = || used.iter().map(|&i| runs[i].metrics);
    let fit = athlete::fit_cadence_speed(metrics());
    let easy_band = athlete::easy_speed_band(metrics());
    let views: Vec<RunView> = used
        .iter()
        .map(|&i| {
            let m = runs[i].metrics;
            RunView {
                path: &m.path,
                date: runs[i].date,
                metrics: m,
                cadence_residual_spm: fit.as_ref().and_then(|f| athlete::residual_spm(f, m)),
                easy_hr_bpm: easy_band.and_then(|b| athlete::easy_hr_at_speed(m, b)),
            }
        })
        .collect();

    let last_run = views.iter().map(|v| v.date).max();
    let window = last_run.map(|last| {
        let as_of = opts.as_of.unwrap_or(last);
        let from = as_of - Duration::days(7 * i64::from(opts.window_weeks.max(1)) - 1);
        let cal = load::WeekCalendar::new(opts.load.week_start);
        let last_week_end = cal.start_of(as_of) + Duration::days(6);
        Window {
            from,
            to: as_of,
            as_of,
            partial_last_week: last_week_end > as_of,
        }
    });
    let mut tables = tables;
    if let Some(w) = &window {
        for week in &mut tables.weeks {
            week.partial = week.start + Duration::days(6) > w.as_of;
        }
    }

    let from = window.as_ref().map_or(NaiveDate::MIN, |w| w.from);
    let (base_views, window_views): (Vec<RunView>, Vec<RunView>) =
        views.iter().partition(|v| v.date < from);
    let (base_weeks, window_weeks) = split(&tables.weeks, |w| w.start + Duration::days(6) >= from);
    let (base_days, window_days) = split(&tables.days, |d| d.date >= from);
    let (base_breaks, window_breaks) = split(&tables.breaks, |b| b.to >= from);

    let finding_inputs = findings::Inputs {
        runs: &window_views,
        weeks: &window_weeks,
        days: &window_days,
        breaks: &window_breaks,
        baseline: Baseline {
            runs: &base_views,
            weeks: &base_weeks,
            days: &base_days,
            breaks: &base_breaks,
        },
        window: window.as_ref(),
        wellness: opts.wellness,
        ..findings::Inputs::new(opts.profile, opts.thresholds)
    };
    let found = findings::evaluate(&finding_inputs);
    let felt = findings::felt::link(&finding_inputs, &found);
    let markers = findings::marker_traces(&finding_inputs);
    Ok(Verdicts {
        tables,
        window,
        findings: found,
        used,
        after_as_of,
        too_old,
        fit,
        felt,
        markers,
    })
}

/// `(before, in_window)`: borrowed halves when the rows are in date order
/// (the load tables are), copies otherwise.
fn split<T: Clone>(rows: &[T], in_window: impl Fn(&T) -> bool) -> (Cow<'_, [T]>, Cow<'_, [T]>) {
    // Borrowable when everything from the first row in the window on is in it.
    let at = rows.iter().position(&in_window).unwrap_or(rows.len());
    if rows[at..].iter().all(&in_window) {
        let (base, window) = rows.split_at(at);
        return (Cow::Borrowed(base), Cow::Borrowed(window));
    }
    let (window, base): (Vec<T>, Vec<T>) = rows.iter().cloned().partition(in_window);
    (Cow::Owned(base), Cow::Owned(window))
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn split_borrows_ordered_rows_and_copies_unordered_ones_faithfully() {
        let ordered = [1, 2, 5, 6, 9];
        let (base, window) = split(&ordered, |&x| x >= 5);
        assert!(matches!(base, std::borrow::Cow::Borrowed(_)));
        assert_eq!((&*base, &*window), (&[1, 2][..], &[5, 6, 9][..]));
        // Out of order: a window row early on must not land in the baseline.
        let unordered = [5, 1, 2, 6, 9];
        let (base, window) = split(&unordered, |&x| x >= 5);
        assert_eq!((&*base, &*window), (&[1, 2][..], &[5, 6, 9][..]));
        let (base, window) = split(&[7, 1], |&x| x >= 5);
        assert_eq!((&*base, &*window), (&[1][..], &[7][..]));
    }
}
