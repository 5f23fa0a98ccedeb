//! The polars part of the load stage: per-run rows (already on local dates)
//! become a daily and a weekly frame in one lazy plan, collected once. The
//! daily frame is cached in the plan so the weekly aggregation reuses it.

use chrono::Duration;
use polars::prelude::*;

use super::calendar::{WeekCalendar, local_date};
use super::input::{LoadConfig, LoadUnit, RunInput};
use super::rules;
use super::{Day, LoadError, LoadTables, Week};

/// Turns runs into daily and weekly tables, breaks and per-run local dates.
/// An empty slice gives empty tables.
pub fn build(runs: &[RunInput], cfg: &LoadConfig) -> Result<LoadTables, LoadError> {
    let run_days: Vec<_> = runs
        .iter()
        .map(|r| {
            let (date, src) = local_date(
                r.start_utc,
                r.utc_offset_s,
                r.start_lat_lon,
                cfg.timezone,
                cfg.use_start_position,
            );
            (r.path.clone(), date, src)
        })
        .collect();
    build_dated(runs, run_days, cfg)
}

/// [`build`] with each run's local date already resolved (path, date, source),
/// one per run in input order, e.g. from rows that carry their local day.
pub fn build_dated(
    runs: &[RunInput],
    run_days: Vec<(String, chrono::NaiveDate, super::TzSource)>,
    cfg: &LoadConfig,
) -> Result<LoadTables, LoadError> {
    let cal = WeekCalendar::new(cfg.week_start);
    let (unit, loads, imputed) = choose_load(runs, cfg.trimp_min_share);
    let (Some(first), Some(last)) = (
        run_days.iter().map(|r| r.1).min(),
        run_days
            .iter()
            .map(|r| r.1)
            .max()
            .map(|last| cfg.extend_to.map_or(last, |e| last.max(e))),
    ) else {
        return Ok(LoadTables {
            days: vec![],
            weeks: vec![],
            breaks: vec![],
            run_days,
            load_unit: unit,
            imputed_load_runs: 0,
        });
    };
    let span_days = (last - first).num_days() + 1;
    if span_days > cfg.max_span_days {
        return Err(LoadError::SpanTooLong {
            days: span_days,
            limit: cfg.max_span_days,
        });
    }
    let first_week = cal.start_of(first);
    let week_no =
        |day_no: i64| (cal.start_of(first + Duration::days(day_no)) - first_week).num_days() / 7;

    let runs_df = run_frame(runs, &run_days, &loads, first, cfg.long_run_s)?;
    let day_nos: Vec<i32> = (0..span_days as i32).collect();
    let week_nos: Vec<i32> = (0..span_days).map(|d| week_no(d) as i32).collect();
    let cal_df = df!("day_no" => day_nos, "week_no" => week_nos)?;

    let (daily_lf, weekly_lf) = plan(runs_df.lazy(), cal_df.lazy(), cfg);
    let opt = daily_lf.get_current_optimizations();
    let mut frames = LazyFrame::collect_all_with_engine(
        vec![daily_lf.logical_plan, weekly_lf.logical_plan],
        Engine::InMemory,
        opt,
    )?;
    let (Some(weekly), Some(daily)) = (frames.pop(), frames.pop()) else {
        return Err(LoadError::Shape {
            column: "*".into(),
            reason: "collect_all returned fewer than 2 frames".into(),
        });
    };

    let days = extract_days(&daily, first)?;
    let mut weeks = extract_weeks(&weekly, first_week, &cal, cfg)?;
    rules::fill_sequential(&mut weeks, &days, &cal);
    let breaks = rules::find_breaks(&days, &weeks, &cal, cfg);
    Ok(LoadTables {
        days,
        weeks,
        breaks,
        run_days,
        load_unit: unit,
        imputed_load_runs: imputed,
    })
}

/// One load unit for the whole history: TRIMP when at least `min_share` of
/// the runs carry it (the rest are estimated from moving time at the
/// history's TRIMP per second), else distance. Returns per-run loads.
fn choose_load(runs: &[RunInput], min_share: f64) -> (LoadUnit, Vec<f64>, u32) {
    let trimp = |r: &RunInput| r.trimp.filter(|t| t.is_finite() && *t >= 0.0);
    let with_trimp = runs.iter().filter(|r| trimp(r).is_some()).count();
    // A small tolerance so "4 of 5" meets an 80 % share despite float rounding.
    if runs.is_empty() || (with_trimp as f64 / runs.len() as f64) < min_share - 1e-9 {
        return (
            LoadUnit::DistanceKm,
            runs.iter().map(|r| clean(r.distance_km)).collect(),
            0,
        );
    }
    let (sum_trimp, sum_moving_s) = runs
        .iter()
        .filter_map(|r| Some((trimp(r)?, clean(r.moving_s))))
        .fold((0.0, 0.0), |(t, m), (rt, rm)| (t + rt, m + rm));
    let per_s = if sum_moving_s > 0.0 {
        sum_trimp / sum_moving_s
    } else {
        0.0
    };
    let loads = runs
        .iter()
        .map(|r| trimp(r).unwrap_or(clean(r.moving_s) * per_s))
        .collect();
    (LoadUnit::Trimp, loads, (runs.len() - with_trimp) as u32)
}

/// Finite and non-negative, else 0.
fn clean(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 { x } else { 0.0 }
}

fn run_frame(
    runs: &[RunInput],
    run_days: &[(String, chrono::NaiveDate, super::TzSource)],
    loads: &[f64],
    first: chrono::NaiveDate,
    long_run_s: f64,
) -> PolarsResult<DataFrame> {
    let n = runs.len();
    let mut day_no = Vec::with_capacity(n);
    let (mut dist, mut moving, mut long, mut cad_x_moving, mut cad_moving) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let mut intensity: [Vec<f64>; 3] = Default::default();
    for (r, (_, date, _)) in runs.iter().zip(run_days) {
        day_no.push((*date - first).num_days() as i32);
        let moving_s = clean(r.moving_s);
        dist.push(clean(r.distance_km));
        moving.push(moving_s);
        long.push(if moving_s >= long_run_s { 1.0 } else { 0.0 });
        let cad = r
            .mean_cadence_spm
            .filter(|c| c.is_finite() && *c > 0.0 && moving_s > 0.0);
        cad_x_moving.push(cad.map_or(0.0, |c| c * moving_s));
        cad_moving.push(if cad.is_some() { moving_s } else { 0.0 });
        for (band, col) in intensity.iter_mut().enumerate() {
            col.push(r.intensity_s.map_or(0.0, |i| clean(i[band])));
        }
    }
    let [easy, moderate, hard] = intensity;
    df!(
        "day_no" => day_no,
        "distance_km" => dist,
        "moving_s" => moving,
        "load" => loads.to_vec(),
        "long" => long,
        "cad_x_moving" => cad_x_moving,
        "cad_moving_s" => cad_moving,
        "easy_s" => easy,
        "moderate_s" => moderate,
        "hard_s" => hard,
    )
}

const SUMMED: [&str; 8] = [
    "distance_km",
    "moving_s",
    "load",
    "long",
    "cad_x_moving",
    "cad_moving_s",
    "easy_s",
    "moderate_s",
];

/// The lazy plan: runs → days (every calendar day, rolling and EWMA loads)
/// → weeks. Returns both frames; the daily one is cached and shared.
fn plan(runs: LazyFrame, calendar: LazyFrame, cfg: &LoadConfig) -> (LazyFrame, LazyFrame) {
    let mut per_day: Vec<Expr> = SUMMED.iter().map(|c| col(*c).sum()).collect();
    per_day.push(col("hard_s").sum());
    per_day.push(col("distance_km").max().alias("longest_km"));
    per_day.push(len().cast(DataType::Float64).alias("runs"));
    let by_day = runs.group_by([col("day_no")]).agg(per_day);

    let fixed = |days: usize| RollingOptionsFixedWindow {
        window_size: days,
        min_periods: days,
        ..Default::default()
    };
    let ewm = |days: usize| EWMOptions {
        alpha: 2.0 / (days as f64 + 1.0),
        adjust: false,
        bias: false,
        min_periods: 1,
        ignore_nulls: false,
    };
    let daily = calendar
        .left_join(by_day, col("day_no"), col("day_no"))
        .fill_null(lit(0.0))
        .sort(["day_no"], Default::default())
        .with_columns([
            col("runs")
                .eq(lit(0.0))
                .cast(DataType::Float64)
                .alias("rest"),
            col("load")
                .rolling_sum(fixed(cfg.acute_days))
                .alias("acute_sum"),
            col("load")
                .rolling_sum(fixed(cfg.chronic_days))
                .alias("chronic_sum"),
            col("load")
                .ewm_mean(ewm(cfg.acute_days))
                .alias("acute_ewma"),
            col("load")
                .ewm_mean(ewm(cfg.chronic_days))
                .alias("chronic_ewma"),
        ])
        .cache();

    let mut per_week: Vec<Expr> = SUMMED.iter().map(|c| col(*c).sum()).collect();
    per_week.extend([
        col("hard_s").sum(),
        col("runs").sum(),
        col("rest").sum(),
        col("longest_km").max(),
        col("load").mean().alias("load_mean"),
        col("load").std(0).alias("load_sd"),
        len().cast(DataType::Float64).alias("days_in_history"),
        col("day_no").last().alias("last_day_no"),
        col("acute_sum").last(),
        col("chronic_sum").last(),
        col("acute_ewma").last(),
        col("chronic_ewma").last(),
    ]);
    let weekly = daily
        .clone()
        .group_by_stable([col("week_no")])
        .agg(per_week)
        .sort(["week_no"], Default::default());
    (daily, weekly)
}

/// A Float64 column as `Option<f64>` values.
fn f64_col(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>, LoadError> {
    let column = df.column(name)?.cast(&DataType::Float64)?;
    Ok(column.f64()?.iter().collect())
}

fn zeros(df: &DataFrame, name: &str) -> Result<Vec<f64>, LoadError> {
    Ok(f64_col(df, name)?
        .into_iter()
        .map(|v| v.unwrap_or(0.0))
        .collect())
}

fn extract_days(df: &DataFrame, first: chrono::NaiveDate) -> Result<Vec<Day>, LoadError> {
    let day_no = zeros(df, "day_no")?;
    let (dist, moving, runs, load) = (
        zeros(df, "distance_km")?,
        zeros(df, "moving_s")?,
        zeros(df, "runs")?,
        zeros(df, "load")?,
    );
    Ok((0..df.height())
        .map(|i| Day {
            date: first + Duration::days(day_no[i] as i64),
            distance_km: dist[i],
            moving_s: moving[i],
            runs: runs[i] as u32,
            load: load[i],
            rest: runs[i] == 0.0,
        })
        .collect())
}

fn extract_weeks(
    df: &DataFrame,
    first_week: chrono::NaiveDate,
    cal: &WeekCalendar,
    cfg: &LoadConfig,
) -> Result<Vec<Week>, LoadError> {
    let get = |name: &str| zeros(df, name);
    let (week_no, dist, moving, runs, rest) = (
        get("week_no")?,
        get("distance_km")?,
        get("moving_s")?,
        get("runs")?,
        get("rest")?,
    );
    let (longest, long, cad_x, cad_m) = (
        get("longest_km")?,
        get("long")?,
        get("cad_x_moving")?,
        get("cad_moving_s")?,
    );
    let (easy, moderate, hard, load) = (
        get("easy_s")?,
        get("moderate_s")?,
        get("hard_s")?,
        get("load")?,
    );
    let (mean, sd, days_in, last_day) = (
        get("load_mean")?,
        get("load_sd")?,
        get("days_in_history")?,
        get("last_day_no")?,
    );
    let (acute_sum, chronic_sum) = (f64_col(df, "acute_sum")?, f64_col(df, "chronic_sum")?);
    let (acute_ewma, chronic_ewma) = (f64_col(df, "acute_ewma")?, f64_col(df, "chronic_ewma")?);
    let chronic_ready = |i: usize| last_day[i] as usize + 1 >= cfg.chronic_days;
    Ok((0..df.height())
        .map(|i| {
            let start = first_week + Duration::days(7 * week_no[i] as i64);
            let full_week = days_in[i] as u32 == 7;
            let monotony = full_week
                .then(|| rules::monotony(mean[i], sd[i], cfg.monotony_cap))
                .flatten();
            Week {
                week: cal.label(start),
                start,
                distance_km: dist[i],
                moving_s: moving[i],
                runs: runs[i] as u32,
                rest_days: rest[i] as u32,
                longest_run_km: longest[i],
                longest_run_share: (dist[i] > 0.0).then(|| longest[i] / dist[i]),
                long_runs_90min: long[i] as u32,
                mean_cadence_spm: (cad_m[i] > 0.0).then(|| cad_x[i] / cad_m[i]),
                intensity_s: [easy[i], moderate[i], hard[i]],
                ramp_pct: None,
                acwr_rolling: chronic_ready(i)
                    .then(|| {
                        rules::acwr_rolling(
                            acute_sum[i]?,
                            chronic_sum[i]?,
                            cfg.acute_days,
                            cfg.chronic_days,
                        )
                    })
                    .flatten(),
                acwr_ewma: chronic_ready(i)
                    .then(|| rules::ratio(acute_ewma[i]?, chronic_ewma[i]?))
                    .flatten(),
                monotony,
                strain: monotony.map(|m| load[i] * m),
                streak_days: 0,
                load: load[i],
                days_in_history: days_in[i] as u32,
                weeks_without_rest: 0,
                partial: false,
            }
        })
        .collect())
}
