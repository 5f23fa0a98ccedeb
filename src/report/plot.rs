//! Hand-written inline SVG for the charts beside the verdicts: weekly load
//! bars, cadence~speed scatter, an evidence strip and the past-episodes
//! timeline. Written by hand (not plotters) so that every mark can carry a
//! `<title>` (values on hover, no script), ticks are chosen here and never
//! repeat a label, and text inherits the page colour (dark mode).
//!
//! Charts are drawn on a 480-unit-wide viewBox with 13-unit type and scaled
//! by CSS; label placement estimates text width ([`text_w`]) and drops a label
//! rather than let two overlap. Past about a year, weekly bars become months.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::findings::{Evidence, Finding, MarkerTrace, Severity};

use super::fmt as f;
use super::model::{Report, Units, WeekRow};
use super::words;
use crate::escape::html as esc;

// Okabe–Ito.
pub const BLUE: &str = "#0072B2";
pub const ORANGE: &str = "#E69F00";
pub const VERMILLION: &str = "#D55E00";
pub const SKY: &str = "#56B4E9";

const W: f64 = 480.0;
pub const FONT: f64 = 13.0;
const LEFT: f64 = 54.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 16.0;
/// Room under the plot for tick labels and the axis title.
const BOTTOM: f64 = 46.0;
/// More weeks than this are drawn as months.
pub const MAX_WEEK_BARS: usize = 60;

/// Estimated width of `s` at `font` units: ~0.6 em per character (system sans).
pub fn text_w(s: &str, font: f64) -> f64 {
    s.chars().count() as f64 * font * 0.6
}

/// Ticks on a "nice" step (1, 2, 2.5 or 5 × 10ⁿ) covering `lo..=hi` with at most
/// about `max_n` intervals; the axis should run from the first to the last tick.
/// Labels carry just enough decimals for the step, so no two repeat.
pub fn nice_ticks(lo: f64, hi: f64, max_n: usize) -> Vec<(f64, String)> {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo.min(hi), lo.max(hi))
    } else {
        (0.0, 1.0)
    };
    let span = if hi - lo > 1e-9 {
        hi - lo
    } else {
        lo.abs().max(1.0)
    };
    let raw = span / max_n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let (mult, extra) = [(1.0, 0), (2.0, 0), (2.5, 1), (5.0, 0), (10.0, 0)]
        .into_iter()
        .find(|(m, _)| m * mag >= raw - 1e-12)
        .unwrap_or((10.0, 0));
    let step = mult * mag;
    // 2.5 needs one more decimal than its magnitude, 25 and 250 do not.
    let extra = if mag < 10.0 - 1e-9 { extra } else { 0 };
    let decimals = ((-step.log10().floor()).max(0.0) as usize) + extra;
    let first = (lo / step).floor();
    let last = if hi - lo > 1e-9 {
        (hi / step).ceil()
    } else {
        first + 1.0
    };
    let mut out = Vec::new();
    let mut k = first;
    while k <= last + 1e-9 && out.len() < 50 {
        let v = k * step;
        let mut label = format!("{v:.decimals$}");
        if label.starts_with('-') && label.trim_start_matches(['-', '0', '.']).is_empty() {
            label = label[1..].to_owned();
        }
        out.push((if v == 0.0 { 0.0 } else { v }, label));
        k += 1.0;
    }
    out
}

/// Date ticks for `from..to` on an axis `px` units wide: the finest of
/// week, 2 weeks, month, quarter, half-year, year, 2/5 years whose labels fit
/// side by side. Labels never repeat (the year is added when the axis spans years).
pub fn date_ticks(from: NaiveDate, to: NaiveDate, px: f64, font: f64) -> Vec<(NaiveDate, String)> {
    let span_days = (to - from).num_days().max(1);
    let multi_year = from.year() != to.year() && span_days > 300;
    for step in 0..8 {
        let ticks = match step {
            0 | 1 => {
                let every = if step == 0 { 7 } else { 14 };
                let mut d =
                    from + Days::new(u64::from((7 - from.weekday().num_days_from_monday()) % 7));
                let mut v = Vec::new();
                while d <= to {
                    let fmtd = if multi_year { "%-d %b %y" } else { "%-d %b" };
                    v.push((d, d.format(fmtd).to_string()));
                    d = d + Days::new(every);
                }
                v
            }
            _ => {
                let months = [1, 3, 6, 12, 24, 60][step - 2];
                let mut d = NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap_or(from);
                // Align to a multiple of the step from January.
                while !d.month0().is_multiple_of(months.min(12))
                    || (months > 12 && d.year() % (months as i32 / 12) != 0)
                {
                    d = d + Months::new(1);
                }
                if d < from {
                    d = d + Months::new(months);
                }
                let mut v = Vec::new();
                while d <= to {
                    let label = if months >= 12 {
                        d.format("%Y").to_string()
                    } else if multi_year {
                        d.format("%b %Y").to_string()
                    } else {
                        d.format("%b").to_string()
                    };
                    v.push((d, label));
                    d = d + Months::new(months);
                }
                v
            }
        };
        let widest = ticks
            .iter()
            .map(|(_, l)| text_w(l, font))
            .fold(0.0, f64::max);
        if !ticks.is_empty() && ticks.len() as f64 * (widest + font) <= px {
            return ticks;
        }
    }
    vec![(from, from.format("%Y").to_string())]
}

/// A chart under construction: a plot area and an SVG string.
struct Canvas {
    h: f64,
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    svg: String,
}

impl Canvas {
    fn new(h: f64, label: &str) -> Canvas {
        let mut svg = String::new();
        let _ = write!(
            svg,
            "<svg class=\"chart\" viewBox=\"0 0 {W} {h}\" role=\"img\" aria-label=\"{}\" font-size=\"{FONT}\">",
            esc(label)
        );
        Canvas {
            h,
            x0: LEFT,
            x1: W - RIGHT,
            y0: TOP,
            y1: h - BOTTOM,
            svg,
        }
    }

    fn text(&mut self, x: f64, y: f64, anchor: &str, s: &str) {
        let _ = write!(
            self.svg,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\">{}</text>",
            esc(s)
        );
    }

    /// Y axis: grid lines, tick labels and a rotated title with the unit.
    fn y_axis(&mut self, ticks: &[(f64, String)], y: &dyn Fn(f64) -> f64, title: &str) {
        for (v, label) in ticks {
            let py = y(*v);
            let _ = write!(
                self.svg,
                "<line class=\"grid\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{py:.1}\" y2=\"{py:.1}\"/>",
                self.x0, self.x1
            );
            self.text(self.x0 - 6.0, py + FONT * 0.35, "end", label);
        }
        // The rotated title (its glyphs from ¾ of the font size left of its
        // baseline to ¼ right) moves left, as far as the edge allows, to
        // clear four-digit labels ("1000" km on a pair of shoes).
        let widest = ticks
            .iter()
            .map(|(_, l)| text_w(l, FONT))
            .fold(0.0, f64::max);
        let tx = (self.x0 - 6.0 - widest - FONT * 0.25 - 2.0).clamp(FONT * 0.75 + 0.5, 13.0);
        let tx = (tx * 10.0).floor() / 10.0;
        let cy = (self.y0 + self.y1) / 2.0;
        let _ = write!(
            self.svg,
            "<text transform=\"translate({tx:.1} {cy:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
            esc(title)
        );
    }

    /// X axis of dates: a tick mark and label at each tick, title under them.
    fn x_dates(
        &mut self,
        ticks: &[(NaiveDate, String)],
        x: &dyn Fn(NaiveDate) -> f64,
        title: &str,
    ) {
        let _ = write!(
            self.svg,
            "<line class=\"axis\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
            self.x0, self.x1, self.y1, self.y1
        );
        let mut right_edge = f64::NEG_INFINITY;
        for (d, label) in ticks {
            let px = x(*d);
            let w = text_w(label, FONT);
            // Keep labels inside the chart and clear of the previous one.
            let cx = px.clamp(self.x0 - 4.0 + w / 2.0, W - w / 2.0 - 2.0);
            if cx - w / 2.0 < right_edge + 4.0 {
                continue;
            }
            right_edge = cx + w / 2.0;
            let _ = write!(
                self.svg,
                "<line class=\"axis\" x1=\"{px:.1}\" x2=\"{px:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
                self.y1,
                self.y1 + 4.0
            );
            self.text(cx, self.y1 + 6.0 + FONT, "middle", label);
        }
        self.text((self.x0 + self.x1) / 2.0, self.h - 6.0, "middle", title);
    }

    /// X axis of numbers.
    fn x_numbers(&mut self, ticks: &[(f64, String)], x: &dyn Fn(f64) -> f64, title: &str) {
        let _ = write!(
            self.svg,
            "<line class=\"axis\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
            self.x0, self.x1, self.y1, self.y1
        );
        for (v, label) in ticks {
            let px = x(*v);
            let _ = write!(
                self.svg,
                "<line class=\"grid\" x1=\"{px:.1}\" x2=\"{px:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
                self.y0, self.y1
            );
            self.text(px, self.y1 + 6.0 + FONT, "middle", label);
        }
        self.text((self.x0 + self.x1) / 2.0, self.h - 6.0, "middle", title);
    }

    /// Shades the days the verdicts judge, from `a` to `b` (at least 2 units wide).
    fn shade(&mut self, a: f64, b: f64, title: &str) {
        let _ = write!(
            self.svg,
            "<rect class=\"window\" x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}</title></rect>",
            self.y0,
            (b - a).max(2.0),
            self.y1 - self.y0,
            esc(title)
        );
    }

    fn finish(mut self) -> String {
        self.svg.push_str("</svg>");
        self.svg
    }
}

/// A ▼ of half-width `s` whose tip is at (`cx`, `tip`): a flag that does not
/// rest on colour alone.
fn down_mark(svg: &mut String, cx: f64, tip: f64, s: f64, title: Option<&str>) {
    let _ = write!(
        svg,
        "<path class=\"flagmark\" d=\"M{:.1} {:.1}L{:.1} {:.1}L{cx:.1} {tip:.1}Z\" fill=\"{VERMILLION}\">",
        cx - s,
        tip - 2.0 * s,
        cx + s,
        tip - 2.0 * s,
    );
    if let Some(t) = title {
        let _ = write!(svg, "<title>{}</title>", esc(t));
    }
    svg.push_str("</path>");
}

/// Linear map from `a..b` to `p..q`.
fn lin(a: f64, b: f64, p: f64, q: f64) -> impl Fn(f64) -> f64 {
    let span = if (b - a).abs() > 1e-12 { b - a } else { 1.0 };
    move |v| p + (v - a) / span * (q - p)
}

fn days_between(a: NaiveDate, b: NaiveDate) -> f64 {
    (b - a).num_days() as f64
}

/// The days the verdicts judge: the report's window, else the last 4 weeks shown.
pub fn window(report: &Report) -> Option<(NaiveDate, NaiveDate)> {
    if let Some(w) = &report.window {
        return Some((w.from, w.to));
    }
    let last = report.weeks.last()?;
    let to = report.period.to.unwrap_or(last.start + Days::new(6));
    Some((last.start - Days::new(21), to))
}

/// One bar: a week or a month.
struct Bar {
    from: NaiveDate,
    to: NaiveDate,
    value: f64,
    marked: bool,
    label: Option<String>,
    title: String,
}

/// Weekly distance bars with the weeks `marked` picks drawn in vermillion and
/// topped by a triangle (shape as well as colour); past [`MAX_WEEK_BARS`]
/// weeks the bars are months. Ramp labels only where they fit.
pub fn load_bars(
    report: &Report,
    u: Units,
    marked: &dyn Fn(&WeekRow) -> bool,
    label: &str,
) -> Option<String> {
    bars_over(report, &report.weeks, u, marked, label)
}

/// Weeks a verdict's own chart shows: the judged window with enough weeks
/// before it to see what the runner usually does (a ten-year history would
/// shrink the flagged week to a sliver).
pub const VERDICT_WEEKS: usize = 26;

/// [`load_bars`] over the last [`VERDICT_WEEKS`] weeks only.
pub fn recent_load_bars(
    report: &Report,
    u: Units,
    marked: &dyn Fn(&WeekRow) -> bool,
    label: &str,
) -> Option<String> {
    let from = report.weeks.len().saturating_sub(VERDICT_WEEKS);
    bars_over(report, &report.weeks[from..], u, marked, label)
}

fn bars_over(
    report: &Report,
    weeks: &[WeekRow],
    u: Units,
    marked: &dyn Fn(&WeekRow) -> bool,
    label: &str,
) -> Option<String> {
    if weeks.is_empty() {
        return None;
    }
    let du = f::distance_unit(u);
    let monthly = weeks.len() > MAX_WEEK_BARS;
    let bars: Vec<Bar> = if monthly {
        let mut months: BTreeMap<(i32, u32), (f64, bool, u32)> = BTreeMap::new();
        for w in weeks {
            let e = months
                .entry((w.start.year(), w.start.month()))
                .or_insert((0.0, false, 0));
            e.0 += f::distance_value(w.distance_km, u);
            e.1 |= marked(w);
            e.2 += 1;
        }
        months
            .into_iter()
            .filter_map(|((y, m), (d, flag, n))| {
                let from = NaiveDate::from_ymd_opt(y, m, 1)?;
                Some(Bar {
                    from,
                    to: from + Months::new(1),
                    value: d,
                    marked: flag,
                    label: None,
                    title: format!(
                        "{}: {:.0} {du} in {n} weeks{}",
                        from.format("%b %Y"),
                        d,
                        if flag { " — a flagged week" } else { "" }
                    ),
                })
            })
            .collect()
    } else {
        weeks
            .iter()
            .map(|w| {
                let d = f::distance_value(w.distance_km, u);
                let ramp = w.ramp_pct.map(|r| format!("{r:+.0}%"));
                Bar {
                    from: w.start,
                    to: w.start + Days::new(7),
                    value: d,
                    marked: marked(w),
                    label: ramp.clone().filter(|_| marked(w) || weeks.len() <= 8),
                    title: format!(
                        "Week of {}: {:.1} {du}, {} runs{}{}",
                        words::day(w.start, report),
                        d,
                        w.runs,
                        ramp.map(|r| format!(", {r} on the week before"))
                            .unwrap_or_default(),
                        if marked(w) { " — flagged" } else { "" }
                    ),
                }
            })
            .collect()
    };
    let from = bars.first()?.from;
    let to = bars.last()?.to;
    let top = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(1.0);
    let yt = nice_ticks(0.0, top * 1.12, 4);
    let ymax = yt.last().map(|t| t.0).unwrap_or(top);
    let mut c = Canvas::new(240.0, label);
    let x = lin(0.0, days_between(from, to), c.x0, c.x1);
    let xd = |d: NaiveDate| x(days_between(from, d));
    let y = lin(0.0, ymax, c.y1, c.y0);
    if let Some((wf, wt)) = window(report) {
        let (a, b) = (xd(wf.max(from)), xd((wt + Days::new(1)).min(to)));
        if b > a {
            let title = format!(
                "Assessed: {} – {}",
                words::day(wf, report),
                words::day(wt, report)
            );
            c.shade(a, b, &title);
        }
    }
    c.y_axis(
        &yt,
        &y,
        &format!(
            "Distance per {} ({du})",
            if monthly { "month" } else { "week" }
        ),
    );
    let mut label_right = f64::NEG_INFINITY;
    for b in &bars {
        let (a, e) = (xd(b.from), xd(b.to));
        let gap = ((e - a) * 0.15).min(3.0);
        let (bx, bw) = (a + gap / 2.0, (e - a - gap).max(0.8));
        let by = y(b.value);
        let colour = if b.marked { VERMILLION } else { BLUE };
        let _ = write!(
            c.svg,
            "<rect x=\"{bx:.1}\" y=\"{by:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{colour}\"><title>{}</title></rect>",
            (c.y1 - by).max(0.0),
            esc(&b.title)
        );
        let cx = bx + bw / 2.0;
        let mut above = by - 3.0;
        if b.marked {
            // A triangle above the bar: the flag does not rest on colour alone.
            let s = 5.0_f64.min(bw / 2.0 + 2.0);
            down_mark(&mut c.svg, cx, above, s, None);
            above -= 2.0 * s + 2.0;
        }
        if let Some(l) = &b.label {
            let w = text_w(l, FONT);
            if cx - w / 2.0 > label_right + 3.0 && cx - w / 2.0 >= c.x0 && above - FONT > 0.0 {
                label_right = cx + w / 2.0;
                c.text(cx, above, "middle", l);
            }
        }
    }
    let span = (to - from).num_days();
    let ticks = date_ticks(from, to, c.x1 - c.x0, FONT);
    c.x_dates(
        &ticks,
        &xd,
        if monthly || span > 400 {
            "Month"
        } else {
            "Week starting"
        },
    );
    Some(c.finish())
}

/// Mean sleep per window week (`report.wellness.sleep_weeks`) as bars, the
/// weeks under `limit_h` in vermillion with a triangle, and the line itself.
pub fn sleep_bars(report: &Report, limit_h: Option<f64>) -> Option<String> {
    let weeks = &report.wellness.as_ref()?.sleep_weeks;
    let from = weeks.first()?.start;
    let to = weeks.last()?.start + Days::new(7);
    let top = weeks
        .iter()
        .map(|w| w.mean_sleep_h)
        .fold(limit_h.unwrap_or(0.0), f64::max)
        .max(1.0);
    let yt = nice_ticks(0.0, top * 1.1, 4);
    let ymax = yt.last().map(|t| t.0).unwrap_or(top);
    let mut c = Canvas::new(210.0, "Sleep per night, by week");
    let x = lin(0.0, days_between(from, to), c.x0, c.x1);
    let xd = |d: NaiveDate| x(days_between(from, d));
    let y = lin(0.0, ymax, c.y1, c.y0);
    c.y_axis(&yt, &y, "Mean sleep a night (h)");
    for w in weeks {
        let (a, e) = (xd(w.start), xd(w.start + Days::new(7)));
        let gap = ((e - a) * 0.15).min(6.0);
        let (bx, bw) = (a + gap / 2.0, (e - a - gap).max(0.8));
        let by = y(w.mean_sleep_h);
        let short = limit_h.is_some_and(|l| w.mean_sleep_h < l);
        let colour = if short { VERMILLION } else { BLUE };
        let _ = write!(
            c.svg,
            "<rect x=\"{bx:.1}\" y=\"{by:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{colour}\"><title>Week of {}: {:.1} h a night over {} nights</title></rect>",
            (c.y1 - by).max(0.0),
            words::day(w.start, report),
            w.mean_sleep_h,
            w.nights
        );
        if short {
            let s = 5.0_f64.min(bw / 2.0 + 2.0);
            down_mark(&mut c.svg, bx + bw / 2.0, by - 3.0, s, None);
        }
    }
    if let Some(l) = limit_h {
        let py = y(l);
        let _ = write!(
            c.svg,
            "<line class=\"limit\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{py:.1}\" y2=\"{py:.1}\"><title>The line: {} h</title></line>",
            c.x0,
            c.x1,
            f::num(l)
        );
    }
    let ticks = date_ticks(from, to, c.x1 - c.x0, FONT);
    c.x_dates(&ticks, &xd, "Week starting");
    Some(c.finish())
}

/// One recovery marker (resting HR or HRV) from the start of its baseline
/// to the last day judged: each day's value as a dot, the 7-day mean the
/// rule judges as a line (vermillion and marked ▼ where it was out of the
/// usual range), the runner's usual level across the baseline and the
/// rule's line across the judged days, which are shaded.
pub fn marker_trace(report: &Report, t: &MarkerTrace) -> Option<String> {
    let from = t.days.first()?.date;
    // Two days past the last: room for its ▼ inside the chart.
    let to = t.days.last()?.date.max(t.window_from) + Days::new(2);
    let values = t
        .days
        .iter()
        .flat_map(|d| [Some(d.value), d.mean_7d])
        .chain([t.usual, t.line])
        .flatten();
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let pad = ((hi - lo) * 0.15).max(1.0);
    let yt = nice_ticks((lo - pad).max(0.0), hi + pad, 4);
    let (ya, yb) = (yt.first()?.0, yt.last()?.0);
    let mut c = Canvas::new(190.0, &t.label);
    let x = lin(0.0, days_between(from, to), c.x0, c.x1);
    let xd = |d: NaiveDate| x(days_between(from, d));
    let y = lin(ya, yb, c.y1, c.y0);
    let (wa, wb) = (xd(t.window_from.max(from)), xd(to));
    c.shade(
        wa,
        wb,
        &format!("Judged: from {}", words::day(t.window_from, report)),
    );
    c.y_axis(&yt, &y, &t.label);
    let unit = &t.unit;
    if let Some(u) = t.usual {
        let py = y(u);
        let _ = write!(
            c.svg,
            "<line class=\"ref\" x1=\"{:.1}\" x2=\"{wa:.1}\" y1=\"{py:.1}\" y2=\"{py:.1}\"><title>Your usual: {} {unit}</title></line>",
            c.x0,
            f::num(u)
        );
    }
    if let Some(l) = t.line {
        let py = y(l);
        let _ = write!(
            c.svg,
            "<line class=\"limit\" x1=\"{wa:.1}\" x2=\"{wb:.1}\" y1=\"{py:.1}\" y2=\"{py:.1}\"><title>The line: {} {unit}</title></line>",
            f::num(l)
        );
    }
    // Each day is drawn at the middle of its column.
    let mid = |d: NaiveDate| xd(d) + 0.5 * (x(1.0) - x(0.0));
    for day in &t.days {
        let _ = write!(
            c.svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.2\" fill=\"{SKY}\"><title>{}: {} {unit}</title></circle>",
            mid(day.date),
            y(day.value),
            words::day(day.date, report),
            f::num(day.value)
        );
    }
    // The 7-day mean from day to next day, broken where a day is missing or
    // its week had too few days to judge.
    let out = |d: NaiveDate| t.out_of_range.iter().any(|s| d >= s.from && d <= s.to);
    for pair in t.days.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (Some(va), Some(vb)) = (a.mean_7d, b.mean_7d) else {
            continue;
        };
        if a.date + Days::new(1) != b.date {
            continue;
        }
        let colour = if out(a.date) && out(b.date) {
            VERMILLION
        } else {
            BLUE
        };
        let _ = write!(
            c.svg,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-width=\"2.5\"/>",
            mid(a.date),
            y(va),
            mid(b.date),
            y(vb)
        );
    }
    for span in &t.out_of_range {
        let Some(worst) = t
            .days
            .iter()
            .filter(|d| d.date >= span.from && d.date <= span.to)
            .filter_map(|d| d.mean_7d.map(|m| (d.date, m)))
            .reduce(|p, q| {
                let worse = if t.high_is_worse {
                    q.1 > p.1
                } else {
                    q.1 < p.1
                };
                if worse { q } else { p }
            })
        else {
            continue;
        };
        let title = format!(
            "{} – {}: 7-day mean out of your usual range, at worst {} {unit}",
            words::day(span.from, report),
            words::day(span.to, report),
            f::num(worst.1)
        );
        down_mark(
            &mut c.svg,
            mid(worst.0),
            y(worst.1) - 5.0,
            5.0,
            Some(&title),
        );
    }
    let ticks = date_ticks(from, to, c.x1 - c.x0, FONT);
    c.x_dates(&ticks, &xd, "Date");
    Some(c.finish())
}

/// Past this many speed bands, the bands before the judged weeks are drawn as
/// a density: 40,000 overlapping dots (45 years) were neither readable nor
/// small (2 MB of SVG). A year of four runs a week is about 1,000 bands.
pub const MAX_SCATTER_POINTS: usize = 2_000;

/// Side of a density cell in chart units: about 0.3 km/h by 2 spm on a usual axis.
const CELL: f64 = 8.0;

/// Whether [`cadence_speed`] shades the older speed bands as a density.
pub fn cadence_density(report: &Report) -> bool {
    report.speed_bins.len() > MAX_SCATTER_POINTS
}

/// Cadence against speed: every speed band of every run (older ones faint,
/// or past [`MAX_SCATTER_POINTS`] a density of the time spent), the athlete's
/// own line, the 170 spm reference, and the runs `flagged_days` names as triangles.
pub fn cadence_speed(report: &Report, u: Units, flagged_days: &[NaiveDate]) -> Option<String> {
    if report.speed_bins.is_empty() {
        return None;
    }
    let recent = window(report);
    let pts: Vec<(f64, f64, Option<NaiveDate>, f64)> = report
        .speed_bins
        .iter()
        .map(|p| {
            (
                f::speed_value(p.speed_mps, u),
                p.cadence_spm,
                p.date,
                p.seconds,
            )
        })
        .collect();
    let (mut xlo, mut xhi, mut ylo, mut yhi) =
        (f64::INFINITY, f64::NEG_INFINITY, 170.0_f64, 170.0_f64);
    for (x, y, _, _) in &pts {
        xlo = xlo.min(*x);
        xhi = xhi.max(*x);
        ylo = ylo.min(*y);
        yhi = yhi.max(*y);
    }
    let xt = nice_ticks(xlo, xhi, 5);
    let yt = nice_ticks(ylo - 2.0, yhi + 2.0, 4);
    let (xa, xb) = (xt.first()?.0, xt.last()?.0);
    let (ya, yb) = (yt.first()?.0, yt.last()?.0);
    let mut c = Canvas::new(260.0, "Cadence against speed");
    let x = lin(xa, xb, c.x0, c.x1);
    let y = lin(ya, yb, c.y1, c.y0);
    c.y_axis(&yt, &y, "Cadence (spm)");
    c.x_numbers(&xt, &x, &format!("Speed ({})", f::speed_unit(u)));
    let is_recent = |d: Option<NaiveDate>| match (recent, d) {
        (Some((a, b)), Some(d)) => d >= a && d <= b,
        _ => false,
    };
    let is_flagged = |d: Option<NaiveDate>| d.is_some_and(|d| flagged_days.contains(&d));
    // Drawn one by one: everything, or with a density only the judged weeks and flagged runs.
    let density = cadence_density(report);
    let as_dot = |d: Option<NaiveDate>| !density || is_recent(d) || is_flagged(d);
    if density {
        let shaded = pts
            .iter()
            .filter(|p| !as_dot(p.2))
            .map(|p| (x(p.0), y(p.1), p.3));
        // Back from the chart to speed and cadence, for the cells' titles.
        let (xv, yv) = (lin(c.x0, c.x1, xa, xb), lin(c.y1, c.y0, ya, yb));
        density_cells(&mut c, shaded, &|px, py| (xv(px), yv(py)), f::speed_unit(u));
    }
    let _ = write!(
        c.svg,
        "<line class=\"ref\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"><title>170 spm reference</title></line>",
        c.x0,
        c.x1,
        y(170.0),
        y(170.0)
    );
    // Older points first so the recent ones sit on top.
    for pass in [false, true] {
        for (px, py, d, _) in pts.iter().filter(|p| is_recent(p.2) == pass && as_dot(p.2)) {
            let when = d.map(|d| words::day(d, report)).unwrap_or_default();
            let title = format!("{when}: {px:.1} {}, {py:.0} spm", f::speed_unit(u));
            let (cx, cy) = (x(*px), y(*py));
            if is_flagged(*d) {
                let _ = write!(
                    c.svg,
                    "<path d=\"M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z\" fill=\"{VERMILLION}\"><title>{} (flagged)</title></path>",
                    cx - 5.0,
                    cy + 4.0,
                    cx + 5.0,
                    cy + 4.0,
                    cx,
                    cy - 5.0,
                    esc(&title)
                );
            } else {
                let (r, fill, op) = if pass {
                    (3.5, BLUE, 0.9)
                } else {
                    (2.5, SKY, 0.45)
                };
                // Over a density a white rim keeps each recent run apart from the shading.
                let rim = if density {
                    " stroke=\"#fff\" stroke-width=\"0.8\""
                } else {
                    ""
                };
                let _ = write!(
                    c.svg,
                    "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"{r}\" fill=\"{fill}\" fill-opacity=\"{op}\"{rim}><title>{}</title></circle>",
                    esc(&title)
                );
            }
        }
    }
    if let Some(fit) = report.cadence_fit {
        let (a, b) = (fit.min_speed_mps, fit.max_speed_mps);
        let _ = write!(
            c.svg,
            "<line class=\"fit\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"><title>Your usual cadence at each speed</title></line>",
            x(f::speed_value(a, u)),
            y(fit.cadence_at(a)),
            x(f::speed_value(b, u)),
            y(fit.cadence_at(b))
        );
    }
    Some(c.finish())
}

/// Shades the plot in [`CELL`]-sized squares by the seconds spent in each
/// (`points` are chart coordinates and seconds), the square root of the share
/// of the busiest cell as opacity so rare paces still show. `value_at` maps a
/// chart position back to (speed, cadence) for each cell's hover title.
fn density_cells(
    c: &mut Canvas,
    points: impl Iterator<Item = (f64, f64, f64)>,
    value_at: &dyn Fn(f64, f64) -> (f64, f64),
    speed_unit: &str,
) {
    let cols = ((c.x1 - c.x0) / CELL).ceil().max(1.0) as usize;
    let rows = ((c.y1 - c.y0) / CELL).ceil().max(1.0) as usize;
    let mut seconds = vec![0.0_f64; cols * rows];
    for (px, py, s) in points {
        if !(px.is_finite() && py.is_finite() && s > 0.0) {
            continue;
        }
        let i = (((px - c.x0) / CELL).floor().max(0.0) as usize).min(cols - 1);
        let j = (((py - c.y0) / CELL).floor().max(0.0) as usize).min(rows - 1);
        seconds[j * cols + i] += s;
    }
    let busiest = seconds.iter().copied().fold(0.0, f64::max);
    if busiest <= 0.0 {
        return;
    }
    c.svg.push_str("<g class=\"density\">");
    for (k, &s) in seconds.iter().enumerate() {
        if s <= 0.0 {
            continue;
        }
        let (i, j) = (k % cols, k / cols);
        let (cx, cy) = (c.x0 + i as f64 * CELL, c.y0 + j as f64 * CELL);
        let (w, h) = (CELL.min(c.x1 - cx), CELL.min(c.y1 - cy));
        let (v0, c1) = value_at(cx, cy);
        let (v1, c0) = value_at(cx + w, cy + h);
        let opacity = 0.12 + 0.78 * (s / busiest).sqrt();
        let _ = write!(
            c.svg,
            "<rect x=\"{cx:.1}\" y=\"{cy:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{SKY}\" fill-opacity=\"{opacity:.2}\"><title>{v0:.1}–{v1:.1} {speed_unit}, {c0:.0}–{c1:.0} spm: {} of earlier running</title></rect>",
            time_spent(s)
        );
    }
    c.svg.push_str("</g>");
}

/// `3 h 20 min`, `45 min`.
fn time_spent(s: f64) -> String {
    let m = (s / 60.0).round() as i64;
    match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// The axis title and display conversion of an evidence metric.
fn metric_axis(metric: &str, u: Units) -> (String, f64, f64) {
    // (title, scale, offset): display = value × scale + offset.
    let du = f::distance_unit(u);
    let km = f::distance_value(1.0, u);
    match metric {
        "warm_up_s" => ("Easy running first (min)".into(), 1.0 / 60.0, 0.0),
        "cool_down_s" => ("Easy running after (min)".into(), 1.0 / 60.0, 0.0),
        "decoupling_pct" => ("Heart-rate drift (%)".into(), 1.0, 0.0),
        "pace_fade_pct" => ("Late slow-down (%)".into(), 1.0, 0.0),
        "easy_hr_rise_bpm" => ("Easy heart-rate rise (bpm)".into(), 1.0, 0.0),
        "easy_cadence_spm" => ("Easy cadence (spm)".into(), 1.0, 0.0),
        "shoe_km" => (format!("Distance on the pair ({du})"), km, 0.0),
        "sleep_mean_h" => ("Sleep a night (h)".into(), 1.0, 0.0),
        "monotony" => ("Monotony (ratio)".into(), 1.0, 0.0),
        "streak_days" => ("Days in a row (days)".into(), 1.0, 0.0),
        "rest_days" => ("Rest days (days)".into(), 1.0, 0.0),
        "ramp_pct" => ("Change on the week before (%)".into(), 1.0, 0.0),
        m if m.starts_with("acwr") || m == "return_acwr" || m == "return_ratio" => {
            ("Load vs usual (ratio)".into(), 1.0, 0.0)
        }
        m if m.ends_with("_km") => (format!("{} ({du})", words_name(m)), km, 0.0),
        m if m.ends_with("_c") => match u {
            Units::Metric => (format!("{} (°C)", words_name(m)), 1.0, 0.0),
            Units::Imperial => (format!("{} (°F)", words_name(m)), 1.8, 32.0),
        },
        m => {
            let unit = f::metric_value(m, 0.0, Units::Metric);
            let unit = unit.trim_start_matches('0').trim();
            let unit = if unit.is_empty() { "value" } else { unit };
            (format!("{} ({unit})", words_name(m)), 1.0, 0.0)
        }
    }
}

fn words_name(m: &str) -> String {
    let base = m.rsplit_once('_').map(|(a, _)| a).unwrap_or(m);
    let mut s = base.replace('_', " ");
    if let Some(c) = s.get(0..1) {
        s = c.to_uppercase() + &s[1..];
    }
    s
}

/// The flagged finding's evidence of its key metric over time, with its line.
pub fn evidence_strip(fd: &Finding, report: &Report, u: Units) -> Option<String> {
    let key = words::key_evidence(fd)?;
    let items: Vec<(NaiveDate, &Evidence)> = fd
        .evidence
        .iter()
        .filter(|e| e.metric == key.metric)
        .filter_map(|e| Some((words::evidence_day(e)?, e)))
        .collect();
    if items.is_empty() {
        return None;
    }
    let (title, scale, offset) = metric_axis(&key.metric, u);
    let conv = |v: f64| v * scale + offset;
    let (mut from, mut to) = (items[0].0, items[0].0);
    for (d, _) in &items {
        from = from.min(*d);
        to = to.max(*d);
    }
    if let Some((a, b)) = window(report) {
        from = from.min(a);
        to = to.max(b);
    }
    let to = to + Days::new(3);
    let from = from - Days::new(3);
    let mut hi = items.iter().map(|(_, e)| conv(e.value)).fold(0.0, f64::max);
    let mut lo = items.iter().map(|(_, e)| conv(e.value)).fold(0.0, f64::min);
    if let Some(l) = key.limit {
        hi = hi.max(conv(l));
        lo = lo.min(conv(l));
    }
    let yt = nice_ticks(lo, hi * 1.1, 4);
    let (ya, yb) = (yt.first()?.0, yt.last()?.0);
    let mut c = Canvas::new(210.0, &format!("{} — {}", f::cause_label(fd.cause), title));
    let x = lin(0.0, days_between(from, to), c.x0, c.x1);
    let xd = |d: NaiveDate| x(days_between(from, d));
    let y = lin(ya, yb, c.y1, c.y0);
    c.y_axis(&yt, &y, &title);
    if let Some(l) = key.limit {
        let py = y(conv(l));
        let _ = write!(
            c.svg,
            "<line class=\"limit\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{py:.1}\" y2=\"{py:.1}\"><title>The line: {}</title></line>",
            c.x0,
            c.x1,
            f::num(conv(l))
        );
    }
    for (d, e) in &items {
        let (cx, cy) = (xd(*d), y(conv(e.value)));
        let _ = write!(
            c.svg,
            "<path d=\"M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z\" fill=\"{VERMILLION}\"><title>{}</title></path>",
            cx - 5.0,
            cy + 4.0,
            cx + 5.0,
            cy + 4.0,
            cx,
            cy - 5.0,
            esc(&words::evidence(e, report, u))
        );
    }
    let ticks = date_ticks(from, to, c.x1 - c.x0, FONT);
    c.x_dates(&ticks, &xd, "Date");
    Some(c.finish())
}

fn severity_colour(s: Severity) -> (&'static str, f64) {
    // Colour and bar height: the height carries severity for readers who cannot tell the colours.
    match s {
        Severity::High => (VERMILLION, 1.0),
        Severity::Moderate => (ORANGE, 0.7),
        Severity::Low | Severity::None => (SKY, 0.45),
    }
}

/// Past episodes per cause (its `history`) plus the current window verdict,
/// one lane per cause that has either; `None` when no cause has history.
pub fn timeline(report: &Report) -> Option<String> {
    let rows: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|fd| !fd.history.is_empty())
        .collect();
    if rows.is_empty() {
        return None;
    }
    let win = window(report);
    let mut from = report.period.from?;
    let mut to = report.period.to?;
    for fd in &rows {
        for ep in &fd.history {
            from = from.min(ep.from);
            to = to.max(ep.to);
        }
    }
    if let Some((_, b)) = win {
        to = to.max(b);
    }
    let lane = 20.0;
    let row_h = FONT + 6.0 + lane + 8.0;
    let h = TOP + rows.len() as f64 * row_h + BOTTOM;
    let mut c = Canvas::new(h, "Past episodes per cause");
    c.x0 = 12.0;
    c.y1 = h - BOTTOM;
    let x = lin(0.0, days_between(from, to + Days::new(1)), c.x0, c.x1);
    let xd = |d: NaiveDate| x(days_between(from, d));
    if let Some((a, b)) = win {
        let (pa, pb) = (xd(a.max(from)), xd(b + Days::new(1)));
        let title = format!(
            "Assessed now: {} – {}",
            words::day(a, report),
            words::day(b, report)
        );
        c.shade(pa, pb, &title);
    }
    for (i, fd) in rows.iter().enumerate() {
        let top = c.y0 + i as f64 * row_h;
        c.text(c.x0, top + FONT, "start", f::cause_label(fd.cause));
        let lane_top = top + FONT + 6.0;
        let _ = write!(
            c.svg,
            "<line class=\"grid\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
            c.x0,
            c.x1,
            lane_top + lane,
            lane_top + lane
        );
        let mut marks: Vec<(NaiveDate, NaiveDate, Severity, String)> = fd
            .history
            .iter()
            .map(|ep| (ep.from, ep.to, ep.severity, ep.summary.clone()))
            .collect();
        if let Some((a, b)) = win.filter(|_| fd.status == crate::findings::Status::Flagged) {
            marks.push((a, b, fd.severity, format!("Now: {}", fd.summary)));
        }
        for (a, b, sev, summary) in marks {
            let (colour, share) = severity_colour(sev);
            let (pa, pb) = (xd(a), xd(b + Days::new(1)));
            let bh = lane * share;
            let _ = write!(
                c.svg,
                "<rect x=\"{pa:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{colour}\"><title>{} – {} ({}): {}</title></rect>",
                lane_top + lane - bh,
                (pb - pa).max(2.5),
                words::day(a, report),
                words::day(b, report),
                f::severity_label(sev),
                esc(&summary)
            );
        }
    }
    let ticks = date_ticks(from, to, c.x1 - c.x0, FONT);
    c.x_dates(&ticks, &xd, "Date");
    Some(c.finish())
}

/// "1 Sep – 22 Nov 2026 · judged: 26 Oct – 22 Nov".
pub(crate) fn period_line(report: &Report) -> String {
    let mut s = match (report.period.from, report.period.to) {
        (Some(a), Some(b)) => format!(
            "Runs from {} to {}",
            words::day(a, report),
            b.format("%-d %b %Y")
        ),
        _ => "No runs".to_owned(),
    };
    if let Some((a, b)) = window(report) {
        let _ = write!(
            s,
            " · verdicts judge {} – {}{}",
            words::day(a, report),
            words::day(b, report),
            if report.window.as_ref().is_some_and(|w| w.partial_last_week) {
                " (last week not finished)"
            } else {
                ""
            }
        );
    }
    s
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::findings::{Cause, Episode, Status};
    use crate::report::model::{InputCounts, Period, SpeedPoint};

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn ticks_never_repeat_and_cover_the_range() {
        for (lo, hi) in [
            (9.6, 12.4),
            (10.0, 10.4),
            (0.0, 52.2),
            (158.0, 181.0),
            (0.0, 0.0),
            (-3.2, 1.1),
            (2.5, 2.52),
            (0.0, 3000.0),
            (11.9, 12.1),
        ] {
            for n in [3, 4, 5, 6] {
                let t = nice_ticks(lo, hi, n);
                let labels: Vec<&String> = t.iter().map(|x| &x.1).collect();
                let mut uniq = labels.clone();
                uniq.dedup();
                assert_eq!(labels, uniq, "{lo}..{hi} by {n}: {labels:?}");
                assert!(
                    t.first().unwrap().0 <= lo + 1e-9 && t.last().unwrap().0 >= hi - 1e-9,
                    "{lo}..{hi}: {t:?}"
                );
                assert!(t.len() <= n + 3, "{lo}..{hi}: {t:?}");
                assert!(
                    labels
                        .iter()
                        .all(|l| l.parse::<f64>().is_ok() && !l.starts_with("-0"))
                );
            }
        }
        // A shoe's kilometres read "0.0 250.0 500.0 750.0 1000.0".
        let t = nice_ticks(0.0, 1000.0, 4);
        assert_eq!(
            t.iter().map(|x| x.1.as_str()).collect::<Vec<_>>(),
            ["0", "250", "500", "750", "1000"]
        );
        let t = nice_ticks(0.0, 1.0, 4);
        assert_eq!(t[1].1, "0.25");
        // The old speed axis read "10 10 10 11 12 12".
        let t = nice_ticks(9.6, 12.4, 6);
        assert_eq!(
            t.iter().map(|x| x.1.as_str()).collect::<Vec<_>>(),
            ["9.5", "10.0", "10.5", "11.0", "11.5", "12.0", "12.5"]
        );
    }

    #[test]
    fn date_ticks_fit_and_never_repeat() {
        for (from, to) in [
            (d(2026, 10, 26), d(2026, 11, 22)),
            (d(2026, 9, 1), d(2026, 11, 22)),
            (d(2025, 9, 1), d(2026, 11, 22)),
            (d(2016, 1, 4), d(2026, 1, 1)),
            (d(2025, 12, 1), d(2026, 1, 31)),
        ] {
            let t = date_ticks(from, to, W - LEFT - RIGHT, FONT);
            let labels: Vec<&String> = t.iter().map(|x| &x.1).collect();
            let uniq: std::collections::BTreeSet<_> = labels.iter().collect();
            assert_eq!(uniq.len(), labels.len(), "{labels:?}");
            assert!(t.len() >= 2, "{from}..{to}: {labels:?}");
            let widest = labels.iter().map(|l| text_w(l, FONT)).fold(0.0, f64::max);
            assert!(t.len() as f64 * widest <= W - LEFT - RIGHT, "{labels:?}");
            assert!(t.iter().all(|(x, _)| *x >= from && *x <= to));
        }
    }

    /// A report over `years` of weekly running with a spike every 20 weeks
    /// and a past episode for three causes each year.
    pub(crate) fn long_report(years: i32) -> Report {
        let start = d(2026 - years, 1, 5);
        let start = start - Days::new(u64::from(start.weekday().num_days_from_monday()));
        let n = (years * 52) as usize;
        let weeks: Vec<WeekRow> = (0..n)
            .map(|i| {
                let s = start + Days::new(7 * i as u64);
                let km = 30.0 + (i % 9) as f64 * 3.0 + if i % 20 == 0 { 25.0 } else { 0.0 };
                WeekRow {
                    week: format!("{}-W{:02}", s.iso_week().year(), s.iso_week().week()),
                    start: s,
                    distance_km: km,
                    moving_s: km * 330.0,
                    runs: 4,
                    rest_days: 3,
                    longest_run_km: km / 3.0,
                    ramp_pct: (i > 0).then_some(if i % 20 == 0 { 80.0 } else { 4.0 }),
                    acwr_rolling: None,
                    acwr_ewma: None,
                    monotony: None,
                    strain: None,
                    mean_cadence_spm: Some(168.0),
                    step_length_m: None,
                    flagged: i % 20 == 0,
                }
            })
            .collect();
        let end = weeks.last().unwrap().start + Days::new(6);
        let history = |cause: Cause| -> Vec<Episode> {
            (0..years)
                .map(|y| {
                    let a = start
                        + Days::new(u64::try_from(y * 365 + i32::from(cause as u8) * 40).unwrap());
                    Episode {
                        from: a,
                        to: a + Days::new(13),
                        severity: [Severity::Low, Severity::Moderate, Severity::High]
                            [(y % 3) as usize],
                        summary: format!("Episode {y} of {}", cause.id()),
                        evidence: vec![],
                    }
                })
                .collect()
        };
        let finding = |cause: Cause, status: Status| Finding {
            cause,
            status,
            severity: if status == Status::Flagged {
                Severity::High
            } else {
                Severity::None
            },
            summary: "Summary.".into(),
            evidence: vec![Evidence {
                week: Some(weeks[n - 4].week.clone()),
                date: None,
                file: None,
                metric: "ramp_pct".into(),
                value: 80.0,
                limit: Some(30.0),
                note: String::new(),
            }],
            threshold: String::new(),
            source: String::new(),
            advice: "Rest.".into(),
            history: history(cause),
        };
        Report {
            schema_version: 1,
            generated_at: String::new(),
            athlete: "Long".into(),
            period: Period {
                from: Some(start),
                to: Some(end),
            },
            window: None,
            timezone_source: "file_offset: 500".into(),
            display_units: Units::Metric,
            inputs: InputCounts::default(),
            findings: vec![
                finding(Cause::Overtraining, Status::Flagged),
                finding(Cause::Recovery, Status::Clear),
                finding(Cause::Form, Status::Clear),
            ],
            speed_bins: weeks
                .iter()
                .enumerate()
                .map(|(i, w)| SpeedPoint {
                    date: Some(w.start),
                    speed_mps: 2.5 + (i % 13) as f64 * 0.1,
                    cadence_spm: 160.0 + (i % 11) as f64,
                    step_length_m: None,
                    seconds: 600.0,
                })
                .collect(),
            weeks,
            rejected: vec![],
            skipped: vec![],
            runs: vec![],
            cadence_fit: None,
            changes: None,
            wellness: None,
        }
    }

    /// (x-left, x-right, baseline y, text) of every unrotated `<text>`.
    fn text_boxes(svg: &str) -> Vec<(f64, f64, f64, String)> {
        let mut out = Vec::new();
        for part in svg.split("<text ").skip(1) {
            if part.starts_with("transform") {
                continue;
            }
            let attr = |name: &str| -> f64 {
                let at = part.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                part[at..at + part[at..].find('"').unwrap()]
                    .parse()
                    .unwrap()
            };
            let (x, y) = (attr("x"), attr("y"));
            let anchor = if part.contains("text-anchor=\"middle\"") {
                0.5
            } else if part.contains("text-anchor=\"end\"") {
                1.0
            } else {
                0.0
            };
            let body = &part[part.find('>').unwrap() + 1..part.find("</text>").unwrap()];
            let w = text_w(body, FONT);
            out.push((x - anchor * w, x + (1.0 - anchor) * w, y, body.to_owned()));
        }
        out
    }

    fn assert_no_overlap(svg: &str) {
        let boxes = text_boxes(svg);
        assert!(boxes.len() > 3);
        for (i, a) in boxes.iter().enumerate() {
            assert!(a.0 >= -1.0 && a.1 <= W + 1.0, "outside: {a:?}");
            for b in &boxes[i + 1..] {
                let vertical = (a.2 - b.2).abs() < FONT;
                let horizontal = a.0 < b.1 && b.0 < a.1;
                assert!(!(vertical && horizontal), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn ten_years_of_history_stay_readable() {
        let r = long_report(10);
        let bars = load_bars(
            &r,
            Units::Metric,
            &|w: &WeekRow| w.flagged,
            "Weekly distance",
        )
        .unwrap();
        assert!(
            bars.contains("Distance per month (km)"),
            "aggregated to months"
        );
        assert_eq!(bars.matches("<rect x=").count(), 120, "one bar per month");
        assert!(
            !bars.contains("%</text>"),
            "no per-bar percentages on months"
        );
        assert_no_overlap(&bars);
        let tl = timeline(&r).unwrap();
        assert_eq!(
            tl.matches("<title>").count(),
            30 + 2,
            "30 episodes, the window and now"
        );
        assert_no_overlap(&tl);
        let sc = cadence_speed(&r, Units::Imperial, &[]).unwrap();
        assert!(sc.contains("Speed (mph)") && sc.contains("Cadence (spm)"));
        assert_no_overlap(&sc);
        let fd = &r.findings[0];
        let strip = evidence_strip(fd, &r, Units::Metric).unwrap();
        assert_no_overlap(&strip);
    }

    #[test]
    fn a_long_history_shades_older_runs_and_keeps_the_judged_ones_as_dots() {
        // 45 years: 2,340 speed bands, past the scatter's limit.
        let mut r = long_report(45);
        assert!(cadence_density(&r));
        let last = r.weeks.last().unwrap().start;
        let judged = r
            .speed_bins
            .iter()
            .filter(|p| p.date.is_some_and(|d| d >= last - Days::new(21)))
            .count();
        // A run named by a finding, long before the judged weeks, stays a triangle.
        let old_flagged = r.speed_bins[100].date.unwrap();
        let svg = cadence_speed(&r, Units::Metric, &[old_flagged]).unwrap();
        assert_eq!(svg.matches("<g class=\"density\">").count(), 1);
        assert_eq!(
            svg.matches("<circle").count(),
            judged,
            "judged weeks as dots"
        );
        assert_eq!(svg.matches("(flagged)</title></path>").count(), 1);
        let cells = svg.matches("of earlier running</title></rect>").count();
        assert!(cells > 10 && cells < 52 * 25, "{cells} cells");
        assert!(svg.len() < 40_000, "{} bytes", svg.len());
        assert_no_overlap(&svg);
        // The busiest cell is drawn darkest.
        assert!(svg.contains("fill-opacity=\"0.90\""), "{svg}");

        // Under the limit: every band is a dot, as before.
        r.speed_bins.truncate(MAX_SCATTER_POINTS);
        let svg = cadence_speed(&r, Units::Metric, &[]).unwrap();
        assert!(!cadence_density(&r) && !svg.contains("density"));
        assert_eq!(svg.matches("<circle").count(), MAX_SCATTER_POINTS);
    }

    #[test]
    fn time_spent_reads_in_hours_and_minutes() {
        assert_eq!(time_spent(45.0 * 60.0), "45 min");
        assert_eq!(time_spent(7200.0), "2 h");
        assert_eq!(time_spent(3.0 * 3600.0 + 20.0 * 60.0 + 10.0), "3 h 20 min");
    }

    #[test]
    fn sleep_bars_mark_the_short_weeks_and_draw_the_line() {
        use crate::report::wellness::{SleepWeekRow, WellnessSummary};
        let mut r = long_report(1);
        assert!(sleep_bars(&r, Some(7.0)).is_none());
        let week = |day: u32, h: f64| SleepWeekRow {
            start: d(2026, 6, day),
            nights: 7,
            mean_sleep_h: h,
        };
        r.wellness = Some(WellnessSummary {
            nights: 28,
            resting_hr_days: 0,
            hrv_days: 0,
            ferritin_values: 0,
            shoes: 0,
            gear_links: 0,
            ratings: 0,
            sources: vec![],
            sleep_weeks: vec![week(1, 7.6), week(8, 6.1), week(15, 6.3), week(22, 7.5)],
            felt: None,
            markers: vec![],
            warnings: vec![],
        });
        let svg = sleep_bars(&r, Some(7.0)).unwrap();
        assert_eq!(svg.matches("class=\"flagmark\"").count(), 2, "{svg}");
        assert_eq!(svg.matches("class=\"limit\"").count(), 1);
        assert!(svg.contains("6.1 h a night over 7 nights"), "{svg}");
    }

    #[test]
    fn the_y_title_clears_four_digit_labels() {
        let title_x = |labels: &[&str]| {
            let mut c = Canvas::new(200.0, "t");
            let ticks: Vec<(f64, String)> = labels
                .iter()
                .enumerate()
                .map(|(i, l)| (i as f64, l.to_string()))
                .collect();
            c.y_axis(&ticks, &|v| 100.0 - v, "Distance on the pair (km)");
            let at = c.svg.find("translate(").unwrap() + "translate(".len();
            let x: f64 = c.svg[at..].split(' ').next().unwrap().parse().unwrap();
            (x, c.x0)
        };
        let (x, x0) = title_x(&["0", "500", "1000"]);
        let label_left = x0 - 6.0 - text_w("1000", FONT);
        assert!(
            x + FONT * 0.25 + 2.0 <= label_left + 1e-9,
            "title at {x}, labels from {label_left}"
        );
        assert!(x - FONT * 0.75 >= 0.0, "and inside the chart");
        assert_eq!(
            title_x(&["40", "60"]).0,
            13.0,
            "short labels leave it where it was"
        );
    }

    #[test]
    fn a_marker_chart_marks_the_stretch_out_of_range_and_draws_both_lines() {
        use crate::findings::{DaySpan, TraceDay};
        let r = long_report(1);
        let start = d(2026, 4, 1);
        // 60 quiet days, then 28 judged days with a rise of 8 bpm over days 70-76;
        // day 50 has no value (the watch was off).
        let days: Vec<TraceDay> = (0..88)
            .filter(|&i| i != 50)
            .map(|i| {
                let value = if (70..=76).contains(&i) { 56.0 } else { 48.0 };
                TraceDay {
                    date: start + Days::new(i),
                    value,
                    mean_7d: (i >= 6).then_some(if (70..=80).contains(&i) { 55.0 } else { 48.0 }),
                }
            })
            .collect();
        let trace = MarkerTrace {
            marker: "resting_hr".into(),
            label: "Resting HR (bpm)".into(),
            unit: "bpm".into(),
            high_is_worse: true,
            days,
            window_from: start + Days::new(60),
            usual: Some(48.0),
            line: Some(53.0),
            out_of_range: vec![DaySpan {
                from: start + Days::new(72),
                to: start + Days::new(80),
            }],
        };
        let svg = marker_trace(&r, &trace).unwrap();
        assert_eq!(
            svg.matches("<circle").count(),
            87,
            "a dot a day with a value"
        );
        assert_eq!(svg.matches("class=\"limit\"").count(), 1);
        assert_eq!(svg.matches("class=\"ref\"").count(), 1);
        assert_eq!(svg.matches("class=\"flagmark\"").count(), 1);
        assert!(svg.contains("at worst 55 bpm"), "{svg}");
        assert!(svg.contains("Your usual: 48 bpm") && svg.contains("The line: 53 bpm"));
        assert!(svg.contains(VERMILLION) && svg.contains(BLUE));
        assert_no_overlap(&svg);
    }

    #[test]
    fn a_verdict_chart_shows_recent_weeks_not_ten_years() {
        let r = long_report(10);
        let all = load_bars(&r, Units::Metric, &|_: &WeekRow| false, "x").unwrap();
        let recent = recent_load_bars(&r, Units::Metric, &|_: &WeekRow| false, "x").unwrap();
        assert!(all.contains("per month"), "ten years are drawn as months");
        assert!(
            !recent.contains("per month"),
            "the verdict chart stays weekly"
        );
        assert!(recent.matches("<rect").count() < all.matches("<rect").count());
        assert_no_overlap(&recent);
    }

    #[test]
    fn short_history_labels_flagged_weeks_only_where_they_fit() {
        let mut r = long_report(1);
        r.weeks.truncate(4);
        r.weeks[2].flagged = true;
        let bars = load_bars(
            &r,
            Units::Imperial,
            &|w: &WeekRow| w.flagged,
            "Weekly distance",
        )
        .unwrap();
        assert!(bars.contains("Distance per week (mi)") && bars.contains("Week starting"));
        assert!(bars.contains("+4%"), "few weeks: every ramp labelled");
        assert_no_overlap(&bars);
        // Sixty weeks with every one flagged: labels thin out instead of colliding.
        let mut r = long_report(2);
        r.weeks.truncate(60);
        let bars = load_bars(&r, Units::Metric, &|_: &WeekRow| true, "Weekly distance").unwrap();
        assert_no_overlap(&bars);
        let labels = bars.matches("%</text>").count();
        assert!(labels > 3 && labels < 30, "labels thinned: {labels}");
    }
}
