//! Writes the daily and weekly tables as Parquet and CSV. Column names carry
//! units; the load sits in `load_trimp` or `load_distance_km`, after the
//! history's unit, the other column null, so every athlete's table has the
//! same schema. The last column, `athlete`, names whose table it is: the
//! files of a coach folder (`OUT/*/weeks.parquet`) read as one dataset.
//! Every file is serialized in memory and written atomically.

use std::path::Path;

use chrono::NaiveDate;
use polars::prelude::*;
use rayon::prelude::*;

use crate::load::{LoadError, LoadTables, LoadUnit, Week};
use crate::output::write_atomic_all;

/// Writes `days.parquet`, `days.csv`, `weeks.parquet` and `weeks.csv` of `athlete` into `dir`.
pub fn write_tables(dir: &Path, t: &LoadTables, athlete: &str) -> Result<(), LoadError> {
    let files: Vec<_> = render_tables(t, athlete)?
        .into_iter()
        .map(|(name, bytes)| (dir.join(name), bytes))
        .collect();
    Ok(write_atomic_all(&files)?)
}

/// The four files' names and bytes, serialized in parallel, in the order
/// [`write_tables`] writes them.
pub fn render_tables(t: &LoadTables, athlete: &str) -> Result<Vec<(String, Vec<u8>)>, LoadError> {
    let (days, weeks) = rayon::join(
        || with_athlete(days_frame(t)?, athlete),
        || with_athlete(weeks_frame(t)?, athlete),
    );
    let frames = [("days", days?), ("weeks", weeks?)];
    frames
        .par_iter()
        .flat_map(|(name, df)| [(*name, df, "parquet"), (*name, df, "csv")])
        .map(|(name, df, ext)| {
            let mut bytes = Vec::new();
            if ext == "parquet" {
                ParquetWriter::new(&mut bytes).finish(&mut df.clone())?;
            } else {
                CsvWriter::new(&mut bytes).finish(&mut df.clone())?;
            }
            Ok((format!("{name}.{ext}"), bytes))
        })
        .collect()
}

/// Appends the `athlete` column (null when the name is empty).
pub fn with_athlete(mut df: DataFrame, athlete: &str) -> PolarsResult<DataFrame> {
    let name = (!athlete.is_empty()).then_some(athlete);
    df.with_column(Column::new("athlete".into(), vec![name; df.height()]))?;
    Ok(df)
}

/// `load_trimp` and `load_distance_km`: the history's unit holds the load, the other is null.
fn load_columns(unit: LoadUnit, loads: impl Iterator<Item = f64> + Clone) -> [Column; 2] {
    let col = |u: LoadUnit| {
        Column::new(
            format!("load_{}", u.as_str()).into(),
            loads
                .clone()
                .map(|l| (u == unit).then_some(l))
                .collect::<Vec<_>>(),
        )
    };
    [col(LoadUnit::Trimp), col(LoadUnit::DistanceKm)]
}

fn date_column(name: &str, dates: impl Iterator<Item = NaiveDate>) -> PolarsResult<Column> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let days: Vec<i32> = dates.map(|d| (d - epoch).num_days() as i32).collect();
    Column::new(name.into(), days).cast(&DataType::Date)
}

fn days_frame(t: &LoadTables) -> PolarsResult<DataFrame> {
    let d = &t.days;
    let [trimp, distance] = load_columns(t.load_unit, d.iter().map(|x| x.load));
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
        trimp,
        distance,
        Column::new("rest".into(), d.iter().map(|x| x.rest).collect::<Vec<_>>()),
    ])
}

fn weeks_frame(t: &LoadTables) -> PolarsResult<DataFrame> {
    let w = &t.weeks;
    let [trimp, distance] = load_columns(t.load_unit, w.iter().map(|x| x.load));
    let f = |name: &str, get: fn(&Week) -> f64| {
        Column::new(name.into(), w.iter().map(get).collect::<Vec<_>>())
    };
    let o = |name: &str, get: fn(&Week) -> Option<f64>| {
        Column::new(name.into(), w.iter().map(get).collect::<Vec<_>>())
    };
    let u = |name: &str, get: fn(&Week) -> u32| {
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
        trimp,
        distance,
        o("ramp_pct", |x| x.ramp_pct),
        o("acwr_rolling", |x| x.acwr_rolling),
        o("acwr_ewma", |x| x.acwr_ewma),
        o("monotony", |x| x.monotony),
        o("strain", |x| x.strain),
        u("streak_days", |x| x.streak_days),
        u("weeks_without_rest", |x| x.weeks_without_rest),
    ])
}
