//! `activities.parquet` and `activities.csv`: one row per input record
//! (analysed, skipped or rejected, with status and reason) plus the run's
//! headline metrics, for spreadsheets and notebooks. Column names carry units;
//! the last column, `athlete`, is the report's athlete (null for `ingest`).

use foldhash::{HashMap, HashSet};
use std::borrow::Borrow;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::ingest::{Record, Status};
use crate::metrics::RunMetrics;
use crate::output::{WriteError, write_atomic, write_atomic_all};

use super::model::{Report, ro};

#[derive(Debug, thiserror::Error)]
pub enum TablesError {
    #[error("cannot build the activities table: {0}")]
    Build(#[from] PolarsError),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Builds the table: records sorted by path; metrics without a record are kept as `ok` rows.
pub fn activities_frame(
    records: &[impl Borrow<Record>],
    metrics: &[impl Borrow<RunMetrics>],
    report: &Report,
) -> PolarsResult<DataFrame> {
    let records = records.iter().map(Borrow::borrow);
    let metrics = metrics.iter().map(Borrow::borrow);
    // Hashed, not ordered: 10,000 paths that share a long folder prefix made
    // the ordered maps' comparisons the frame's biggest cost.
    let by_path: HashMap<&str, &RunMetrics> =
        metrics.clone().map(|m| (m.path.as_str(), m)).collect();
    let dates: HashMap<&str, NaiveDateOpt> = report
        .runs
        .iter()
        .map(|r| (r.path.as_str(), r.date))
        .collect();
    let mut rows: Vec<(&str, Option<&Record>)> = records
        .clone()
        .map(|rec| (rec.path.as_str(), Some(rec)))
        .collect();
    let recorded: HashSet<&str> = records.map(|r| r.path.as_str()).collect();
    for m in metrics.filter(|m| !recorded.contains(m.path.as_str())) {
        rows.push((m.path.as_str(), None));
    }
    rows.sort_by(|a, b| a.0.cmp(b.0));

    let n = rows.len();
    // Each row's metrics, looked up once (not once per column).
    let row_metrics: Vec<Option<&RunMetrics>> =
        rows.iter().map(|(p, _)| by_path.get(p).copied()).collect();
    let text = |f: &dyn Fn(&str, Option<&Record>) -> Option<String>| -> Vec<Option<String>> {
        rows.iter().map(|(p, rec)| f(p, *rec)).collect()
    };
    // Borrowed text: no string copied before polars copies it.
    let record_str = |f: &dyn for<'r> Fn(&'r Record) -> Option<&'r str>| -> Vec<Option<&str>> {
        rows.iter().map(|(_, rec)| rec.and_then(f)).collect()
    };
    let num = |name: &str, decimals: i32, f: &dyn Fn(&RunMetrics) -> Option<f64>| -> Column {
        let v: Vec<Option<f64>> = row_metrics
            .iter()
            .map(|m| m.and_then(|m| ro(f(m), decimals)))
            .collect();
        Column::new(name.into(), v)
    };

    let status = |rec: Option<&Record>| match rec.map(|r| r.status) {
        Some(Status::Skipped) => "skipped",
        Some(Status::Rejected) => "rejected",
        _ => "ok",
    };
    let local_dates: Vec<Option<chrono::NaiveDate>> = rows
        .iter()
        .map(|(p, _)| dates.get(p).copied().flatten())
        .collect();

    let columns = vec![
        Column::new(
            "path".into(),
            rows.iter().map(|(p, _)| *p).collect::<Vec<&str>>(),
        ),
        Column::new(
            "status".into(),
            rows.iter()
                .map(|(_, rec)| status(*rec))
                .collect::<Vec<&str>>(),
        ),
        Column::new("reason".into(), record_str(&|r| r.reason.as_deref())),
        // Decoder warnings (salvaged damage, bad CRC, …), "; "-joined; null when none.
        Column::new(
            "warnings".into(),
            text(&|_, rec| {
                let w = &rec?.activity.as_ref()?.warnings;
                (!w.is_empty()).then(|| w.join("; "))
            }),
        ),
        Column::new(
            "duplicate_of".into(),
            record_str(&|r| r.duplicate_of.as_deref()),
        ),
        Column::new("format".into(), record_str(&|r| Some(r.format?.as_str()))),
        Column::new(
            "sport".into(),
            record_str(&|r| Some(r.activity.as_ref()?.sport.as_str())),
        ),
        Column::new(
            "device".into(),
            record_str(&|r| r.activity.as_ref()?.source.device.as_deref()),
        ),
        Column::new(
            "start_utc".into(),
            text(&|p, rec| {
                let start = by_path
                    .get(p)
                    .and_then(|m| m.start)
                    .or_else(|| rec.and_then(|r| r.activity.as_ref().map(|a| a.start)))?;
                Some(start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            }),
        ),
        DateChunked::new("local_date".into(), &local_dates).into_column(),
        num("elapsed_s", 0, &|m| Some(m.elapsed_s)),
        num("moving_s", 0, &|m| m.moving_s),
        num("distance_km", 3, &|m| m.distance_m.map(|d| d / 1000.0)),
        num("mean_speed_mps", 3, &|m| m.mean_moving_speed_mps),
        num("mean_cadence_spm", 1, &|m| m.mean_cadence_spm),
        num("median_cadence_spm", 1, &|m| m.median_cadence_spm),
        // The session's own average as the watch shows it, beside heavylegs' moving-time mean.
        Column::new(
            "device_avg_cadence_spm".into(),
            rows.iter()
                .map(|(_, rec)| {
                    ro(
                        rec.and_then(|r| r.activity.as_ref()?.device_avg_cadence_spm),
                        1,
                    )
                })
                .collect::<Vec<Option<f64>>>(),
        ),
        num("step_length_m", 3, &|m| m.step_length_m),
        num("stance_time_ms", 0, &|m| m.stance_time_ms),
        num("vertical_oscillation_mm", 1, &|m| m.vertical_oscillation_mm),
        num("vertical_ratio_pct", 2, &|m| m.vertical_ratio_pct),
        num("easy_speed_mps", 3, &|m| m.easy_speed_mps),
        num("easy_cadence_spm", 1, &|m| m.easy_cadence_spm),
        num("cadence_first_third_spm", 1, &|m| m.cadence_first_third_spm),
        num("cadence_last_third_spm", 1, &|m| m.cadence_last_third_spm),
        num("pace_fade_pct", 1, &|m| m.pace_fade_pct),
        num("decoupling_pct", 1, &|m| m.decoupling_pct),
        num("warm_up_s", 0, &|m| m.warm_up_s),
        num("cool_down_s", 0, &|m| m.cool_down_s),
        num("temperature_mean_c", 1, &|m| m.temperature_mean_c),
        num("mean_heart_rate_bpm", 0, &|m| m.mean_heart_rate_bpm),
        num("max_heart_rate_bpm", 0, &|m| m.max_heart_rate_bpm),
        num("trimp", 1, &|m| m.trimp),
        num("gps_spikes", 0, &|m| Some(f64::from(m.gps_spikes))),
    ];
    DataFrame::new(n, columns)
}

type NaiveDateOpt = Option<chrono::NaiveDate>;

/// Writes `activities.parquet` and `activities.csv` into `dir`, each atomically.
pub fn write_tables(
    dir: &Path,
    records: &[impl Borrow<Record>],
    metrics: &[impl Borrow<RunMetrics>],
    report: &Report,
) -> Result<Vec<PathBuf>, TablesError> {
    let files: Vec<(PathBuf, Vec<u8>)> = render_tables(records, metrics, report)?
        .into_iter()
        .map(|(name, bytes)| (dir.join(name), bytes))
        .collect();
    write_atomic_all(&files)?;
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

/// `activities.parquet` and `activities.csv` (names and bytes), serialized in parallel.
pub fn render_tables(
    records: &[impl Borrow<Record>],
    metrics: &[impl Borrow<RunMetrics>],
    report: &Report,
) -> Result<[(&'static str, Vec<u8>); 2], TablesError> {
    // `athlete` last: a coach folder's `OUT/*/activities.parquet` reads as one dataset.
    let df = super::load_tables::with_athlete(
        activities_frame(records, metrics, report)?,
        &report.athlete,
    )?;
    let (parquet, csv) = rayon::join(
        || -> PolarsResult<Vec<u8>> {
            let mut bytes = Vec::new();
            ParquetWriter::new(&mut bytes).finish(&mut df.clone())?;
            Ok(bytes)
        },
        || -> PolarsResult<Vec<u8>> {
            let mut bytes = Vec::new();
            CsvWriter::new(&mut bytes)
                .include_header(true)
                .finish(&mut df.clone())?;
            Ok(bytes)
        },
    );
    Ok([("activities.parquet", parquet?), ("activities.csv", csv?)])
}

/// `samples.parquet`: one row per recorded sample of every decoded activity,
/// with the activity's `path` as its id and the normalized column names
/// (units in the names; null where a channel is absent).
pub fn write_samples(
    dir: &Path,
    activities: &[&crate::activity::Activity],
) -> Result<PathBuf, TablesError> {
    let total: usize = activities.iter().map(|a| a.series.len()).sum();
    let mut path_col: Vec<&str> = Vec::with_capacity(total);
    for a in activities {
        path_col.extend(std::iter::repeat_n(a.source.path.as_str(), a.series.len()));
    }
    let mut columns = vec![Column::new("path".into(), path_col)];
    for name in crate::activity::COLUMNS {
        let mut v: Vec<Option<f64>> = Vec::with_capacity(total);
        for a in activities {
            match a.series.column(name) {
                Some(c) => v.extend(c.iter().map(|x| x.is_finite().then_some(*x))),
                None => v.extend(std::iter::repeat_n(None, a.series.len())),
            }
        }
        columns.push(Column::new(name.into(), v));
    }
    let mut df = DataFrame::new(total, columns)?;
    let mut parquet = Vec::new();
    ParquetWriter::new(&mut parquet).finish(&mut df)?;
    let path = dir.join("samples.parquet");
    write_atomic(&path, &parquet)?;
    Ok(path)
}
