//! Writes the daily and weekly tables as Parquet and CSV. Column names carry
//! units; the load column is named after the history's unit
//! (`load_trimp` or `load_distance_km`). Every file is serialized in memory
//! and written atomically.

use std::path::Path;

use chrono::NaiveDate;
use polars::prelude::*;

use super::{LoadError, LoadTables};
use crate::output::write_atomic;

/// Writes `days.parquet`, `days.csv`, `weeks.parquet` and `weeks.csv` into `dir`.
pub fn write_tables(dir: &Path, t: &LoadTables) -> Result<(), LoadError> {
    let load_col = format!("load_{}", t.load_unit.as_str());
    let mut days = days_frame(t, &load_col)?;
    let mut weeks = weeks_frame(t, &load_col)?;
    for (name, df) in [("days", &mut days), ("weeks", &mut weeks)] {
        let mut parquet = Vec::new();
        ParquetWriter::new(&mut parquet).finish(df)?;
        write_atomic(&dir.join(format!("{name}.parquet")), &parquet)?;
        let mut csv = Vec::new();
        CsvWriter::new(&mut csv).finish(df)?;
        write_atomic(&dir.join(format!("{name}.csv")), &csv)?;
    }
    Ok(())
}

fn date_column(name: &str, dates: impl Iterator<Item = NaiveDate>) -> PolarsResult<Column> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let days: Vec<i32> = dates.map(|d| (d - epoch).num_days() as i32).collect();
    Column::new(name.into(), days).cast(&DataType::Date)
}

fn days_frame(t: &LoadTables, load_col: &str) -> PolarsResult<DataFrame> {
    let d = &t.days;
    DataFrame::new_infer_height(vec![
        date_column("date", d.iter().map(|x| x.date))?,
        Column::new(
            "distance_km".into(),
            d.iter().map(|x| x.distance_km).collect::<Vec<_>>(),
        ),
        Column::new(
            "moving_s".into(),
            d.iter().map(|x| x.moving_s).collect::<Vec<_>>(),
        ),
        Column::new("runs".into(), d.iter().map(|x| x.runs).collect::<Vec<_>>()),
        Column::new(
            load_col.into(),
            d.iter().map(|x| x.load).collect::<Vec<_>>(),
        ),
        Column::new("rest".into(), d.iter().map(|x| x.rest).collect::<Vec<_>>()),
    ])
}

fn weeks_frame(t: &LoadTables, load_col: &str) -> PolarsResult<DataFrame> {
    let w = &t.weeks;
    let f = |name: &str, get: fn(&super::Week) -> f64| {
        Column::new(name.into(), w.iter().map(get).collect::<Vec<_>>())
    };
    let o = |name: &str, get: fn(&super::Week) -> Option<f64>| {
        Column::new(name.into(), w.iter().map(get).collect::<Vec<_>>())
    };
    let u = |name: &str, get: fn(&super::Week) -> u32| {
        Column::new(name.into(), w.iter().map(get).collect::<Vec<_>>())
    };
    DataFrame::new_infer_height(vec![
        Column::new(
            "week".into(),
            w.iter().map(|x| x.week.as_str()).collect::<Vec<_>>(),
        ),
        date_column("start", w.iter().map(|x| x.start))?,
        u("days_in_history", |x| x.days_in_history),
        f("distance_km", |x| x.distance_km),
        f("moving_s", |x| x.moving_s),
        u("runs", |x| x.runs),
        u("rest_days", |x| x.rest_days),
        f("longest_run_km", |x| x.longest_run_km),
        o("longest_run_share", |x| x.longest_run_share),
        u("long_runs_90min", |x| x.long_runs_90min),
        o("mean_cadence_spm", |x| x.mean_cadence_spm),
        f("easy_s", |x| x.intensity_s[0]),
        f("moderate_s", |x| x.intensity_s[1]),
        f("hard_s", |x| x.intensity_s[2]),
        f(load_col, |x| x.load),
        o("ramp_pct", |x| x.ramp_pct),
        o("acwr_rolling", |x| x.acwr_rolling),
        o("acwr_ewma", |x| x.acwr_ewma),
        o("monotony", |x| x.monotony),
        o("strain", |x| x.strain),
        u("streak_days", |x| x.streak_days),
        u("weeks_without_rest", |x| x.weeks_without_rest),
    ])
}
