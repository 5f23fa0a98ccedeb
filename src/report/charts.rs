//! The HTML report's charts, drawn with plotters' SVG backend into strings.
//!
//! Charts are drawn small (480 px wide) with large type and scaled by CSS,
//! so the labels stay readable on a phone and never crowd each other.
//! Colours are Okabe–Ito (colour-blind safe). Legends live in the HTML
//! caption, not inside the SVG, where they would steal plot space.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use chrono::{Datelike, NaiveDate};

use super::fmt as f;
use super::model::{Report, Units, WeekRow};
use super::plot::MAX_WEEK_BARS;

pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const GREY: RGBColor = RGBColor(0x66, 0x66, 0x66);
const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);

const W: u32 = 480;
/// Font sizes as plotters takes them (the SVG gets size ÷ 1.24).
const TICK: f64 = 18.0;
const DESC: f64 = 18.0;
/// Most x-axis labels per chart: 480 px ÷ ~70 px per date label.
const MAX_X_LABELS: usize = 6;

#[derive(Debug, thiserror::Error)]
#[error("chart could not be drawn: {0}")]
pub struct ChartError(String);

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Res<T> = Result<T, ChartError>;
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

fn e<E: std::fmt::Display>(err: E) -> ChartError {
    ChartError(err.to_string())
}

/// Draws into a fresh SVG string `W × height`.
/// The frame every chart shares: margins and label areas.
fn frame<'a, 'b>(root: &'a Area<'b>, x: Range<f64>, y: Range<f64>) -> Res<Chart<'a, 'b>> {
    ChartBuilder::on(root)
        .margin(12)
        .margin_right(16)
        .x_label_area_size(46)
        .y_label_area_size(64)
        .build_cartesian_2d(x, y)
        .map_err(e)
}

/// Axes of a chart whose x is an index (weeks or runs): no vertical grid,
/// `x_label` names index i, five y ticks.
fn indexed_axes(
    chart: &mut Chart<'_, '_>,
    n: usize,
    x_label: &dyn Fn(&f64) -> String,
    y_label: &dyn Fn(&f64) -> String,
    y_desc: &str,
    x_desc: &str,
) -> Res<()> {
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .x_labels(x_labels(n))
        .y_labels(5)
        .x_label_formatter(x_label)
        .y_label_formatter(y_label)
        .label_style(tick_style())
        .axis_desc_style(desc_style())
        .y_desc(y_desc)
        .x_desc(x_desc)
        .draw()
        .map_err(e)
}

fn svg(height: u32, draw: impl FnOnce(&Area<'_>) -> Res<()>) -> Res<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (W, height)).into_drawing_area();
        root.fill(&WHITE).map_err(e)?;
        draw(&root)?;
        root.present().map_err(e)?;
    }
    Ok(buf)
}

fn tick_style() -> TextStyle<'static> {
    ("sans-serif", TICK).into_font().color(&INK)
}

fn desc_style() -> TextStyle<'static> {
    ("sans-serif", DESC).into_font().color(&INK)
}

/// Label of the i-th period (week or month) on an index axis: only at whole
/// indexes, `02 Jun`, or `Jun 2026` when the axis spans more than about a year
/// (a day-month label would come round again).
fn date_label(starts: &[NaiveDate], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    let long = match (starts.first(), starts.last()) {
        (Some(a), Some(b)) => (*b - *a).num_days() > 300,
        _ => false,
    };
    starts
        .get(i as usize)
        .map(|d| d.format(if long { "%b %Y" } else { "%d %b" }).to_string())
        .unwrap_or_default()
}

/// Whether the by-week charts draw calendar months: past
/// [`MAX_WEEK_BARS`] weeks, like the distance bars (1,900 weeks of dots were
/// one solid block, 0.4 MB of SVG each).
pub fn monthly(report: &Report) -> bool {
    report.weeks.len() > MAX_WEEK_BARS
}

/// One point of a by-week chart: a week, or for a long history a month with
/// its highest ACWR (a spike stays visible) and the mean of its weeks' cadence
/// and step length.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Period {
    start: NaiveDate,
    acwr_rolling: Option<f64>,
    acwr_ewma: Option<f64>,
    cadence_spm: Option<f64>,
    step_length_m: Option<f64>,
}

fn periods(report: &Report) -> Vec<Period> {
    let week = |w: &WeekRow| Period {
        start: w.start,
        acwr_rolling: w.acwr_rolling,
        acwr_ewma: w.acwr_ewma,
        cadence_spm: w.mean_cadence_spm,
        step_length_m: w.step_length_m,
    };
    if !monthly(report) {
        return report.weeks.iter().map(week).collect();
    }
    let max = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    // (period, cadence sum and count, step sum and count); weeks come sorted.
    let mut months: Vec<(Period, [f64; 4])> = Vec::new();
    for w in &report.weeks {
        let start = w.start.with_day(1).unwrap_or(w.start);
        if months.last().is_none_or(|m| m.0.start != start) {
            months.push((Period { start, ..week(w) }, [0.0; 4]));
        }
        if let Some((p, sums)) = months.last_mut() {
            p.acwr_rolling = max(p.acwr_rolling, w.acwr_rolling);
            p.acwr_ewma = max(p.acwr_ewma, w.acwr_ewma);
            if let Some(c) = w.mean_cadence_spm {
                sums[0] += c;
                sums[1] += 1.0;
            }
            if let Some(l) = w.step_length_m {
                sums[2] += l;
                sums[3] += 1.0;
            }
        }
    }
    months
        .into_iter()
        .map(|(p, s)| Period {
            cadence_spm: (s[1] > 0.0).then(|| s[0] / s[1]),
            step_length_m: (s[3] > 0.0).then(|| s[2] / s[3]),
            ..p
        })
        .collect()
}

/// The x-axis title of a by-week chart.
fn period_desc(report: &Report) -> &'static str {
    if monthly(report) {
        "Month"
    } else {
        "Week starting"
    }
}

fn index_range(n: usize) -> std::ops::Range<f64> {
    -0.6..(n.max(1) as f64 - 0.4)
}

fn x_labels(n: usize) -> usize {
    n.clamp(1, MAX_X_LABELS)
}

fn upper(max: f64, floor: f64) -> f64 {
    let m = if max.is_finite() {
        max.max(floor)
    } else {
        floor
    };
    m * 1.15
}

/// (1b) ACWR per week (per month for a long history), rolling and EWMA, over
/// the 0.8–1.3 band with the 1.5 line.
pub fn acwr(report: &Report) -> Res<String> {
    let periods = periods(report);
    let starts: Vec<NaiveDate> = periods.iter().map(|p| p.start).collect();
    let max = periods
        .iter()
        .flat_map(|p| [p.acwr_rolling, p.acwr_ewma])
        .flatten()
        .fold(0.0, f64::max);
    let top = upper(max, 1.8);
    let n = periods.len();
    svg(260, |root| {
        let mut chart = frame(root, index_range(n), 0.0..top)?;
        let fmt_x = |x: &f64| date_label(&starts, *x);
        indexed_axes(
            &mut chart,
            n,
            &fmt_x,
            &|y| f::num(*y),
            "Acute : chronic",
            period_desc(report),
        )?;
        let (x0, x1) = (index_range(n).start, index_range(n).end);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(x0, 0.8), (x1, 1.3)],
                GREEN.mix(0.15).filled(),
            )))
            .map_err(e)?;
        chart
            .draw_series(DashedLineSeries::new(
                [(x0, 1.5), (x1, 1.5)],
                8,
                5,
                VERMILLION.stroke_width(2),
            ))
            .map_err(e)?;
        for (series, colour) in [(0, BLUE), (1, ORANGE)] {
            let pts: Vec<(f64, f64)> = periods
                .iter()
                .enumerate()
                .filter_map(|(i, p)| {
                    Some((
                        i as f64,
                        if series == 0 {
                            p.acwr_rolling?
                        } else {
                            p.acwr_ewma?
                        },
                    ))
                })
                .collect();
            chart
                .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(3)))
                .map_err(e)?;
            dots(&mut chart, &pts, colour)?;
        }
        Ok(())
    })
}

/// A dot on each point, unless there are too many to tell apart.
fn dots(chart: &mut Chart<'_, '_>, pts: &[(f64, f64)], colour: RGBColor) -> Res<()> {
    if pts.len() > MAX_WEEK_BARS {
        return Ok(());
    }
    chart
        .draw_series(pts.iter().map(|p| Circle::new(*p, 4, colour.filled())))
        .map_err(e)?;
    Ok(())
}

/// (3) Weekly (for a long history monthly) mean cadence (top) and step length (bottom).
pub fn form_over_weeks(report: &Report, u: Units) -> Res<String> {
    let periods = periods(report);
    let starts: Vec<NaiveDate> = periods.iter().map(|p| p.start).collect();
    let n = periods.len();
    let cad: Vec<(f64, f64)> = periods
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((i as f64, p.cadence_spm?)))
        .collect();
    let step: Vec<(f64, f64)> = periods
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((i as f64, f::step_length_value(p.step_length_m?, u))))
        .collect();
    svg(440, |root| {
        let (top, bottom) = root.split_vertically(210);
        // Two panels side by side in one literal; a named type would say less.
        #[allow(clippy::type_complexity)]
        let panels: [(&Area<'_>, &Vec<(f64, f64)>, String, RGBColor, bool); 2] = [
            (&top, &cad, "Cadence (spm)".to_owned(), BLUE, false),
            (
                &bottom,
                &step,
                format!("Step ({})", f::step_length_unit(u)),
                GREEN,
                true,
            ),
        ];
        for (area, pts, desc, colour, with_x) in panels {
            let (lo, hi) = pts
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                    (lo.min(p.1), hi.max(p.1))
                });
            let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
            let pad = ((hi - lo) * 0.2).max(if with_x { 0.02 } else { 2.0 });
            let mut chart = ChartBuilder::on(area)
                .margin(12)
                .margin_right(16)
                .x_label_area_size(if with_x { 46 } else { 8 })
                .y_label_area_size(64)
                .build_cartesian_2d(index_range(n), (lo - pad)..(hi + pad))
                .map_err(e)?;
            let fmt_x = |x: &f64| {
                if with_x {
                    date_label(&starts, *x)
                } else {
                    String::new()
                }
            };
            // Plain numbers: rounded formats made neighbouring ticks read alike.
            let fmt_y = |y: &f64| f::num(*y);
            let mut mesh = chart.configure_mesh();
            mesh.disable_x_mesh()
                .light_line_style(WHITE)
                .bold_line_style(GRID)
                .x_labels(x_labels(n))
                .y_labels(4)
                .x_label_formatter(&fmt_x)
                .y_label_formatter(&fmt_y)
                .label_style(tick_style())
                .axis_desc_style(desc_style())
                .y_desc(desc);
            if with_x {
                mesh.x_desc(period_desc(report));
            }
            mesh.draw().map_err(e)?;
            chart
                .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(3)))
                .map_err(e)?;
            dots(&mut chart, pts, colour)?;
        }
        Ok(())
    })
}

/// (4) Within-run fatigue: cadence in the first vs last third of each run
/// (the latest 24 runs that have both), joined by a line.
pub fn fatigue(report: &Report) -> Res<String> {
    let runs: Vec<_> = report
        .runs
        .iter()
        .filter_map(|r| {
            Some((
                r.date,
                r.cadence_first_third_spm?,
                r.cadence_last_third_spm?,
            ))
        })
        .collect();
    let runs = &runs[runs.len().saturating_sub(24)..];
    let n = runs.len();
    let (lo, hi) = runs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
            (lo.min(r.1.min(r.2)), hi.max(r.1.max(r.2)))
        });
    let (lo, hi) = if lo.is_finite() {
        (lo - 4.0, hi + 4.0)
    } else {
        (150.0, 190.0)
    };
    svg(300, |root| {
        let mut chart = frame(root, index_range(n), lo.floor()..hi.ceil())?;
        let fmt_x = |x: &f64| run_date_label(*x, |i| runs.get(i).and_then(|r| r.0));
        indexed_axes(
            &mut chart,
            n,
            &fmt_x,
            &|y| f::num(*y),
            "Cadence (spm)",
            "Run date",
        )?;
        for (i, (_, first, last)) in runs.iter().enumerate() {
            let x = i as f64;
            let colour = if last < first { VERMILLION } else { GREY };
            chart
                .draw_series(LineSeries::new(
                    [(x, *first), (x, *last)],
                    colour.stroke_width(3),
                ))
                .map_err(e)?;
            chart
                .draw_series(std::iter::once(Circle::new((x, *first), 5, BLUE.filled())))
                .map_err(e)?;
            chart
                .draw_series(std::iter::once(TriangleMarker::new(
                    (x, *last),
                    6,
                    VERMILLION.filled(),
                )))
                .map_err(e)?;
        }
        Ok(())
    })
}

/// (4b) Aerobic decoupling of the long steady runs, with the 5 % and 10 % lines.
pub fn decoupling(report: &Report) -> Res<String> {
    let runs: Vec<_> = report
        .runs
        .iter()
        .filter_map(|r| Some((r.date, r.decoupling_pct?)))
        .collect();
    let runs = &runs[runs.len().saturating_sub(24)..];
    let n = runs.len();
    let max = runs.iter().map(|r| r.1).fold(10.0, f64::max);
    let min = runs.iter().map(|r| r.1).fold(0.0, f64::min);
    svg(260, |root| {
        let mut chart = frame(
            root,
            index_range(n),
            (min * 1.15).floor()..(max * 1.15).ceil(),
        )?;
        let fmt_x = |x: &f64| run_date_label(*x, |i| runs.get(i).and_then(|r| r.0));
        indexed_axes(
            &mut chart,
            n,
            &fmt_x,
            &|y| f::num(*y),
            "Decoupling (%)",
            "Run date",
        )?;
        let (x0, x1) = (index_range(n).start, index_range(n).end);
        for (limit, colour) in [(5.0, ORANGE), (10.0, VERMILLION)] {
            chart
                .draw_series(DashedLineSeries::new(
                    [(x0, limit), (x1, limit)],
                    8,
                    5,
                    colour.stroke_width(2),
                ))
                .map_err(e)?;
        }
        chart
            .draw_series(runs.iter().enumerate().map(|(i, (_, d))| {
                let x = i as f64;
                let colour = if *d > 5.0 { VERMILLION } else { BLUE };
                Rectangle::new([(x - 0.3, 0.0), (x + 0.3, *d)], colour.filled())
            }))
            .map_err(e)?;
        Ok(())
    })
}

/// The x label of a run-indexed chart: the run's date at whole indices, blank between.
fn run_date_label(x: f64, date_of: impl Fn(usize) -> Option<chrono::NaiveDate>) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    date_of(i as usize)
        .map(|d| d.format("%d %b").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plot::tests::long_report;

    #[test]
    fn a_long_history_is_drawn_by_month_with_its_spikes() {
        let r = long_report(10);
        assert!(monthly(&r));
        let months = periods(&r);
        let first = r.weeks.first().unwrap().start;
        let last = r.weeks.last().unwrap().start;
        let span = (last.year() - first.year()) * 12 + last.month() as i32 - first.month() as i32;
        assert_eq!(months.len() as i32, span + 1, "one point a month");
        assert!(months.iter().all(|m| m.start.day() == 1));
        // Weekly cadence is 168 throughout, so is every month's mean.
        assert!(months.iter().all(|m| m.cadence_spm == Some(168.0)));
        let svg = form_over_weeks(&r, Units::Metric).unwrap();
        assert!(svg.contains("Month") && !svg.contains("<circle"), "no dots");
        assert!(svg.len() < 40_000, "{} bytes", svg.len());
    }

    #[test]
    fn a_month_keeps_its_highest_acwr() {
        let mut r = long_report(2);
        for (i, w) in r.weeks.iter_mut().enumerate() {
            w.acwr_rolling = Some(if i == 30 { 2.4 } else { 1.0 });
        }
        let spike = r.weeks[30].start;
        let months = periods(&r);
        let m = months
            .iter()
            .find(|m| m.start.year() == spike.year() && m.start.month() == spike.month())
            .unwrap();
        assert_eq!(m.acwr_rolling, Some(2.4));
        assert_eq!(
            months
                .iter()
                .filter(|m| m.acwr_rolling == Some(2.4))
                .count(),
            1
        );
        assert!(acwr(&r).is_ok());
    }

    #[test]
    fn a_short_history_stays_weekly_with_dots() {
        let mut r = long_report(1);
        r.weeks.truncate(12);
        assert!(!monthly(&r));
        assert_eq!(periods(&r).len(), 12);
        let svg = form_over_weeks(&r, Units::Metric).unwrap();
        assert!(svg.contains("Week starting"));
        assert_eq!(
            svg.matches("<circle").count(),
            12,
            "cadence dots only: no step lengths"
        );
    }
}
