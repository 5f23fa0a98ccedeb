//! One athlete, all stages: items (decoded or cached, [`collect`]) →
//! athlete-level form fit → weekly load → findings → the report model. Pure
//! orchestration: every computation lives in its stage's module, and the
//! files are written by the caller through [`crate::report::write_athlete`].

pub mod collect;

use std::collections::BTreeMap;

use anyhow::Context;
use chrono::NaiveDate;

use crate::findings::{self, Severity, Status as FindingStatus};
use crate::ingest::Status;
use crate::load::{self, LoadConfig};
use crate::log::Log;
use crate::metrics::RunMetrics;
use crate::report;
use crate::roster::RosterRow;
use crate::settings::{AthleteJob, Job};
use crate::verdicts;

pub use collect::{AthleteOutcome, CacheUse, Collected, Item, collect_items};

/// One athlete's run: its outcome (for the summary and the roster) and,
/// unless held back, what its folder is written from.
pub struct Analysed {
    pub outcome: AthleteOutcome,
    pub output: Option<Output>,
    /// The cache, still being written: finish it once the reports are out
    /// (it overlaps the analysis and the writers).
    pub saving: collect::Saving,
}

/// The report model and the rows behind its tables.
pub struct Output {
    pub report: report::Report,
    pub opts: report::RenderOptions,
    pub load: load::LoadTables,
    /// Every item of the run, in input order (their records are the inputs table).
    pub items: Vec<Item>,
    /// The items whose runs the load used, in load order: the tables' runs.
    pub used: Vec<usize>,
    /// Where the written report's summary is kept for the next run (with a cache).
    pub summary: Option<std::path::PathBuf>,
}

impl Output {
    /// Writes the athlete's folder ([`report::write_athlete`]), lending the
    /// items' rows rather than moving a history's worth of them.
    pub fn write(
        &self,
        dir: &std::path::Path,
        formats: &[crate::output::OutputFormat],
    ) -> Result<(), report::OutputError> {
        let records: Vec<&crate::ingest::Record> = self.items.iter().map(|i| &i.record).collect();
        let metrics: Vec<&RunMetrics> = self
            .used
            .iter()
            .filter_map(|&i| self.items[i].metrics())
            .collect();
        let files = report::AthleteFiles {
            report: &self.report,
            opts: &self.opts,
            load: &self.load,
            records: &records,
            metrics: &metrics,
            summary: self.summary.as_deref(),
        };
        report::write_athlete(dir, &files, formats)
    }
}

pub fn run(
    a: &AthleteJob,
    job: &Job,
    log: &Log,
    bar: Option<indicatif::ProgressBar>,
) -> anyhow::Result<Analysed> {
    let collect::Collected {
        items,
        decoded,
        cached,
        saving,
        wellness,
    } = collect_items(a, job, log, bar);
    if let Some(kept) = collect::hold_back_empty(a, job, log, &items, decoded, cached) {
        return Ok(Analysed {
            outcome: kept,
            output: None,
            saving,
        });
    }
    crate::interrupt::checkpoint()?;
    crate::interrupt::enter(crate::interrupt::Stage::Analysing);
    let count = |s: Status| items.iter().filter(|i| i.record.status == s).count();
    let duplicates = items
        .iter()
        .filter(|i| i.record.duplicate_of.is_some())
        .count();
    // Wellness-only inputs are `ok` but no runs.
    let wellness_only = items
        .iter()
        .filter(|i| i.record.status == Status::Ok && i.record.activity.is_none())
        .filter(|i| i.record.wellness.is_some())
        .count();
    let (ok, skipped, rejected) = (
        count(Status::Ok) - wellness_only,
        count(Status::Skipped),
        count(Status::Rejected),
    );
    for i in items.iter().filter(|i| i.record.status != Status::Ok) {
        let level = if i.record.status == Status::Rejected {
            crate::log::Level::Warn
        } else {
            crate::log::Level::Debug
        };
        // Checked before formatting: a history can hold thousands of skipped copies.
        if !log.enabled(level) {
            continue;
        }
        log.emit(
            level,
            &format!(
                "{}: {} ({})",
                i.record.path,
                crate::names::serde_name(&i.record.status),
                i.record.reason.as_deref().unwrap_or("")
            ),
            &[],
        );
    }

    // Runs with their metrics, in deterministic (start, path) order.
    // (item index, item, metrics): the index finds the item again in the output.
    let mut runs: Vec<(usize, &Item, &RunMetrics)> = items
        .iter()
        .enumerate()
        .filter(|(_, i)| i.record.status == Status::Ok)
        .filter_map(|(n, i)| i.metrics().map(|m| (n, i, m)))
        .collect();
    runs.sort_by(|x, y| {
        x.2.start
            .cmp(&y.2.start)
            .then_with(|| x.2.path.cmp(&y.2.path))
    });
    let load_cfg = LoadConfig {
        week_start: job.week_start,
        timezone: a.profile.timezone,
        ..LoadConfig::default()
    };
    // Local dates first (file offset, start position, configured zone, UTC).
    // The item each dated run came from, index for index.
    let (dated, dated_items): (Vec<verdicts::DatedRun>, Vec<usize>) = runs
        .iter()
        .filter_map(|&(n, i, m)| {
            let (date, tz_source) = load::calendar::local_date_in(
                m.start?,
                i.record.activity.as_ref().and_then(|a| a.utc_offset_s),
                || i.start_zone.as_deref().and_then(|z| z.parse().ok()),
                load_cfg.timezone,
                load_cfg.use_start_position,
            );
            Some((
                verdicts::DatedRun {
                    metrics: m,
                    date,
                    tz_source,
                },
                n,
            ))
        })
        .unzip();
    // Each line names its file; a phone and a watch can overlap every night,
    // so the console gets the first few and report.json keeps them all.
    const WELLNESS_WARNINGS_SHOWN: usize = 20;
    for w in wellness.warnings.iter().take(WELLNESS_WARNINGS_SHOWN) {
        log.emit(crate::log::Level::Warn, w, &[]);
    }
    if wellness.warnings.len() > WELLNESS_WARNINGS_SHOWN {
        log.emit(
            crate::log::Level::Warn,
            &format!(
                "{}: {} more wellness warnings in report.json → wellness.warnings",
                a.profile.name,
                wellness.warnings.len() - WELLNESS_WARNINGS_SHOWN
            ),
            &[],
        );
    }
    let v = verdicts::assess(
        &dated,
        &verdicts::Options {
            profile: &a.profile,
            thresholds: &job.thresholds,
            load: load_cfg,
            as_of: job.as_of,
            window_weeks: job.window_weeks,
            wellness: &wellness,
        },
    )
    .with_context(|| format!("weekly load for {}", a.profile.name))?;
    if v.too_old > 0 {
        log.emit(
            crate::log::Level::Warn,
            &format!(
                "{}: {} runs left out: the history spans more than the load stage accepts",
                a.profile.name, v.too_old
            ),
            &[],
        );
    }
    let tables = &v.tables;
    let found = &v.findings;

    // What the tables and charts show (`--weeks`, `--since`): what ends inside
    // it, a week by its last day. The verdicts have their own window.
    let shown_from = window_start(job, tables);
    let shown = |d: NaiveDate| shown_from.is_none_or(|w| d >= w);
    let used_dates: Vec<NaiveDate> = v.used.iter().map(|&i| dated[i].date).collect();
    let used_items: Vec<usize> = v.used.iter().map(|&i| dated_items[i]).collect();
    let shown_weeks = within(&tables.weeks, |w| {
        shown(w.start + chrono::Duration::days(6))
    });

    let records: Vec<&crate::ingest::Record> = items.iter().map(|i| &i.record).collect();
    let shown_metrics: Vec<&RunMetrics> = used_items
        .iter()
        .zip(&used_dates)
        .filter(|(_, d)| shown(**d))
        .filter_map(|(&i, _)| items[i].metrics())
        .collect();
    let tz_summary = timezone_summary(&tables.run_days);
    let run_dates: Vec<(String, NaiveDate)> = tables
        .run_days
        .iter()
        .map(|(p, d, _)| (p.clone(), *d))
        .collect();
    let report = report::Report::new(&report::ReportInputs {
        athlete: &a.profile.name,
        generated_at: chrono::Utc::now(),
        timezone: a.profile.timezone,
        timezone_source: &tz_summary,
        display_units: job.units,
        records: &records,
        metrics: &shown_metrics,
        weeks: &shown_weeks,
        findings: found,
        fit: v.fit.as_ref().map(|f| report::CadenceFit {
            intercept_spm: f.intercept_spm,
            slope_spm_per_mps: f.slope_spm_per_mps,
            min_speed_mps: f.min_speed_mps,
            max_speed_mps: f.max_speed_mps,
        }),
        run_dates: &run_dates,
    });
    let window_weeks: Vec<NaiveDate> = v
        .window
        .as_ref()
        .map(|w| {
            tables
                .weeks
                .iter()
                .filter(|x| x.start + chrono::Duration::days(6) >= w.from && x.start <= w.to)
                .map(|x| x.start)
                .collect()
        })
        .unwrap_or_default();
    let report = report::Report {
        window: v.window.clone(),
        wellness: report::wellness::WellnessSummary::new(
            &wellness,
            &window_weeks,
            v.window.as_ref().map(|w| w.to),
            v.felt.clone(),
        )
        .map(|s| report::wellness::WellnessSummary {
            markers: v.markers.clone(),
            ..s
        }),
        ..report
    };
    let opts = report::RenderOptions {
        units: report.display_units,
    };
    let mut flagged: Vec<&findings::Finding> = found
        .iter()
        .filter(|f| f.status == FindingStatus::Flagged)
        .collect();
    flagged.sort_by(|x, y| y.severity.cmp(&x.severity).then(x.cause.cmp(&y.cause)));
    // The roster shows the last complete week when the latest one is unfinished.
    let last_week = tables
        .weeks
        .iter()
        .rev()
        .find(|w| !w.partial)
        .or(tables.weeks.last());
    let roster = RosterRow {
        athlete: a.profile.name.clone(),
        flagged: flagged.iter().map(|f| f.cause.id().to_string()).collect(),
        max_severity: flagged
            .first()
            .map(|f| f.severity)
            .unwrap_or(Severity::None),
        week: last_week.map(|w| w.week.clone()),
        distance_km: last_week.map(|w| w.distance_km),
        ramp_pct: last_week.and_then(|w| w.ramp_pct),
        acwr_rolling: last_week.and_then(|w| w.acwr_rolling),
        acwr_ewma: last_week.and_then(|w| w.acwr_ewma),
        runs: ok,
        rejected,
        report: format!("{}/report.html", a.profile.name),
        stale: None,
    };
    let outcome = AthleteOutcome {
        name: a.profile.name.clone(),
        out_dir: a.out_dir.clone(),
        ok,
        skipped,
        rejected,
        duplicates,
        decoded,
        cached,
        flagged: roster.flagged.clone(),
        roster,
        held_back: false,
    };
    Ok(Analysed {
        saving,
        outcome,
        output: Some(Output {
            report,
            opts,
            load: v.tables,
            items,
            used: used_items,
            summary: collect::cache_folder(a, job).map(|d| d.join(report::changes::SUMMARY_FILE)),
        }),
    })
}

/// "file_offset: 48, configured: 4" — which source decided the local dates, by count.
fn timezone_summary(run_days: &[(String, NaiveDate, load::TzSource)]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, _, s) in run_days {
        *counts.entry(s.as_str()).or_default() += 1;
    }
    counts
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// First local date of the report window: `--since`, or the start of the week
/// `--weeks N` back from the last week with data.
fn window_start(job: &Job, tables: &load::LoadTables) -> Option<NaiveDate> {
    let by_weeks = job.weeks.and_then(|n| {
        let last = tables.weeks.last()?;
        Some(last.start - chrono::Duration::weeks(i64::from(n) - 1))
    });
    match (job.since, by_weeks) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The items that pass `keep`, in order.
fn within<T: Clone>(all: &[T], keep: impl Fn(&T) -> bool) -> Vec<T> {
    all.iter().filter(|x| keep(x)).cloned().collect()
}
