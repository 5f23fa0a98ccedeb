//! Recovery markers: resting heart rate above, or HRV below, the runner's
//! own usual range for several days — how a coach reads "under-recovered".
//!
//! Both compare a 7-day mean with the runner's own baseline (the
//! `marker_baseline_days` before the window; for history days, the same
//! span ending a week before the day), never with a population norm, so a
//! runner whose resting HR is always high is not flagged for it.
//!
//! - **Resting HR** is raised on a day when its 7-day mean is at least
//!   `rhr_rise_bpm` above the baseline mean and at least `rhr_min_days` of
//!   those 7 days are each that high (Buchheit 2014: judge against the
//!   runner's own range; one feverish day is not a trend).
//! - **HRV** is low on a day when the 7-day mean of ln HRV (≥ `hrv_min_nights`
//!   nights) is below the baseline mean − `hrv_band_sd` SD of the baseline's
//!   nights (Plews et al. 2013/2014). Without a long enough baseline the
//!   source's own band (Garmin's `baselineLowerLimit`) is used for rMSSD.
//!   Each HRV kind is compared only with itself: SDNN (Apple Health) never
//!   against an rMSSD baseline, and never against Garmin's band.
//!
//! A marker counts when it stays out of range for `marker_min_run_days`
//! consecutive days; each such stretch is one evidence item (its worst day).
//! The recovery rule reports them as their own signal block.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Dated, Episode, Evidence, Inputs, Severity, plural};
use crate::thresholds::Thresholds;
use crate::wellness::{HrvKind, origins_words};

/// The markers' signal for the recovery rule.
pub(super) struct Markers {
    /// A clause for the summary (lower case) when a marker is out of range in the window.
    pub part: Option<String>,
    pub severity: Severity,
    pub evidence: Vec<Dated>,
    /// What data was read, for the summary ("resting HR on 84 days from …"),
    /// `None` when there is none in the window.
    pub used: Option<String>,
    /// Why a marker present in the window could not be judged.
    pub unjudged: Vec<String>,
    /// Stretches before the window.
    pub history: Vec<Episode>,
}

/// One stretch of consecutive days out of range.
struct Stretch {
    from: NaiveDate,
    to: NaiveDate,
    /// The worst day and its evidence.
    worst: (NaiveDate, Evidence),
}

/// A daily value as the markers read it.
#[derive(Clone, Copy)]
struct Point {
    date: NaiveDate,
    value: f64,
    /// The source's own lower band limit for the same quantity, when given.
    band_low: Option<f64>,
}

pub(super) fn assess(inputs: &Inputs) -> Markers {
    let t = inputs.thresholds;
    let from = inputs.window_from();
    let to = inputs.window_to();
    let w = inputs.wellness;
    let mut out = Markers {
        part: None,
        severity: Severity::None,
        evidence: Vec::new(),
        used: None,
        unjudged: Vec::new(),
        history: Vec::new(),
    };
    let mut used = Vec::new();
    let mut parts = Vec::new();
    let mut kinds_out = 0;

    let rhr = rhr_points(w, to);
    let rhr_window = rhr.iter().filter(|p| p.date >= from).count();
    if rhr_window > 0 {
        used.push(format!(
            "resting HR on {} from {}",
            plural(rhr_window, "day", "days"),
            origins_words(
                w.resting_hr
                    .iter()
                    .filter(|d| d.date >= from && d.date <= to)
                    .map(|d| d.origin)
            )
        ));
        let (window, history) = stretches(&rhr, from, to, t, &Rhr);
        match window {
            None => out.unjudged.push(format!(
                "resting HR needs {} days with a value in the {} days before the window",
                t.marker_min_baseline_days, t.marker_baseline_days
            )),
            Some(found) if !found.is_empty() => {
                kinds_out += 1;
                let days: i64 = found.iter().map(|s| (s.to - s.from).num_days() + 1).sum();
                let top = found.iter().map(|s| s.worst.1.value).fold(0.0, f64::max);
                parts.push(format!(
                    "resting heart rate up to {top:.0} bpm above your usual on {}",
                    plural(days as usize, "day", "days")
                ));
                out.evidence.extend(found.into_iter().map(|s| s.worst));
            }
            Some(_) => {}
        }
        out.history
            .extend(episodes(history, "resting heart rate above your usual"));
    }

    for kind in [HrvKind::Rmssd, HrvKind::Sdnn] {
        let points = hrv_points(w, kind, to);
        let in_window = points.iter().filter(|p| p.date >= from).count();
        if in_window == 0 {
            continue;
        }
        let name = match kind {
            HrvKind::Rmssd => "HRV",
            HrvKind::Sdnn => "HRV (SDNN)",
        };
        used.push(format!(
            "{name} on {} from {}",
            plural(in_window, "night", "nights"),
            origins_words(
                w.hrv
                    .iter()
                    .filter(|h| h.kind == kind && h.date >= from && h.date <= to)
                    .map(|h| h.origin)
            )
        ));
        let (window, history) = stretches(&points, from, to, t, &Hrv { kind });
        match window {
            None => out.unjudged.push(format!(
                "{name} needs {} nights in the {} days before the window{}",
                t.marker_min_baseline_days,
                t.marker_baseline_days,
                if kind == HrvKind::Rmssd {
                    " or the watch's own baseline band"
                } else {
                    ""
                }
            )),
            Some(found) if !found.is_empty() => {
                kinds_out += 1;
                let days: i64 = found.iter().map(|s| (s.to - s.from).num_days() + 1).sum();
                parts.push(format!(
                    "{name} below your usual range on {}",
                    plural(days as usize, "day", "days")
                ));
                out.evidence.extend(found.into_iter().map(|s| s.worst));
            }
            Some(_) => {}
        }
        out.history
            .extend(episodes(history, &format!("{name} below your usual range")));
    }

    if !used.is_empty() {
        out.used = Some(used.join(", "));
    }
    if !parts.is_empty() {
        out.severity = if kinds_out >= 2 {
            Severity::Moderate
        } else {
            Severity::Low
        };
        out.part = Some(format!(
            "{}: signs of being under-recovered",
            parts.join(" and ")
        ));
    }
    out
}

/// The resting HR values up to `to`, as the rule reads them.
fn rhr_points(w: &crate::wellness::Wellness, to: NaiveDate) -> Vec<Point> {
    w.resting_hr
        .iter()
        .filter(|d| d.date <= to && d.value.is_finite() && d.value > 0.0)
        .map(|d| Point {
            date: d.date,
            value: d.value,
            band_low: None,
        })
        .collect()
}

/// One kind of HRV up to `to`, by date, as the rule reads it.
fn hrv_points(w: &crate::wellness::Wellness, kind: HrvKind, to: NaiveDate) -> Vec<Point> {
    let points = w
        .hrv
        .iter()
        .filter(|h| h.kind == kind && h.date <= to && h.value_ms.is_finite())
        .filter(|h| h.value_ms > 0.0)
        .map(|h| Point {
            date: h.date,
            value: h.value_ms,
            // Garmin's band is for rMSSD; SDNN is compared with itself only.
            band_low: h
                .baseline_low_ms
                .filter(|l| kind == HrvKind::Rmssd && l.is_finite() && *l > 0.0),
        })
        .collect();
    sorted(points)
}

/// One recovery marker as the report draws it (`report.json` →
/// `wellness.markers`): its values from the start of the window's baseline
/// to the last day judged, the runner's usual level and the line the rule
/// draws in the window, and the window's stretches out of range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkerTrace {
    /// `resting_hr`, `hrv_rmssd` or `hrv_sdnn`.
    pub marker: String,
    /// The quantity and its unit, for the chart's axis.
    pub label: String,
    /// `bpm` or `ms`.
    pub unit: String,
    /// Resting HR is worse high, HRV low.
    pub high_is_worse: bool,
    pub days: Vec<TraceDay>,
    /// First day judged (the baseline is the days before it).
    pub window_from: NaiveDate,
    /// The baseline's mean (HRV: of ln values, as the rule averages, shown in ms).
    pub usual: Option<f64>,
    /// The line the rule draws in the window: the usual plus `rhr_rise_bpm`
    /// (resting HR), the lower edge of the usual band (HRV: the baseline's,
    /// else the watch's own).
    pub line: Option<f64>,
    /// The window's stretches out of range.
    pub out_of_range: Vec<DaySpan>,
}

/// First and last day of a stretch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DaySpan {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// One day of a [`MarkerTrace`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceDay {
    pub date: NaiveDate,
    pub value: f64,
    /// The 7-day mean ending that day, when the rule would judge those days.
    pub mean_7d: Option<f64>,
}

/// The markers the window holds, traced with the rule's own baseline and
/// line; none without a window.
pub fn traces(inputs: &Inputs) -> Vec<MarkerTrace> {
    if inputs.window.is_none() {
        return Vec::new();
    }
    let (w, to) = (inputs.wellness, inputs.window_to());
    let mut out = Vec::new();
    let rhr = rhr_points(w, to);
    out.extend(trace(
        ("resting_hr", "Resting HR", "bpm"),
        &rhr,
        inputs,
        &Rhr,
    ));
    for (kind, id, name) in [
        (HrvKind::Rmssd, "hrv_rmssd", "HRV, rMSSD"),
        (HrvKind::Sdnn, "hrv_sdnn", "HRV, SDNN"),
    ] {
        let points = hrv_points(w, kind, to);
        out.extend(trace((id, name, "ms"), &points, inputs, &Hrv { kind }));
    }
    out
}

fn trace(
    (marker_id, name, unit): (&str, &str, &str),
    points: &[Point],
    inputs: &Inputs,
    marker: &dyn Marker,
) -> Option<MarkerTrace> {
    let (from, to, t) = (inputs.window_from(), inputs.window_to(), inputs.thresholds);
    if between(points, from, to).is_empty() {
        return None;
    }
    let span = Days::new(u64::from(t.marker_baseline_days.max(1)));
    let start = from.checked_sub_days(span).unwrap_or(from);
    let base = baseline_for(points, from - Days::new(1), span, t, marker);
    let in_window = between(points, from, to);
    let days = between(points, start, to)
        .iter()
        .map(|p| {
            let week = between(points, p.date - Days::new(6), p.date);
            TraceDay {
                date: p.date,
                value: p.value,
                mean_7d: (week.len() >= marker.min_week(t)).then(|| {
                    let mean = week.iter().map(|q| marker.scale(q.value)).sum::<f64>();
                    crate::findings::round2(marker.unscale(mean / week.len() as f64))
                }),
            }
        })
        .collect();
    let (window, _) = stretches(points, from, to, t, marker);
    Some(MarkerTrace {
        marker: marker_id.into(),
        label: format!("{name} ({unit})"),
        unit: unit.into(),
        high_is_worse: marker.high_is_worse(),
        days,
        window_from: from,
        usual: base
            .as_ref()
            .map(|b| crate::findings::round2(marker.unscale(b.mean))),
        line: marker
            .line(base.as_ref(), in_window, t)
            .map(crate::findings::round2),
        out_of_range: window
            .unwrap_or_default()
            .iter()
            .map(|s| DaySpan {
                from: s.from,
                to: s.to,
            })
            .collect(),
    })
}

/// What differs between the markers: how a day's 7-day value is judged.
trait Marker {
    /// The scale a marker is averaged on (HRV: ln, after Plews; resting HR as it is).
    fn scale(&self, value: f64) -> f64 {
        value
    }
    /// Back from the averaging scale to the marker's unit.
    fn unscale(&self, value: f64) -> f64 {
        value
    }
    fn high_is_worse(&self) -> bool;
    /// Fewest days of a 7-day stretch the rule judges.
    fn min_week(&self, t: &Thresholds) -> usize;
    /// The line the rule draws in the window, in the marker's unit.
    fn line(&self, base: Option<&Baseline>, window: &[Point], t: &Thresholds) -> Option<f64>;
    /// The baseline from the values before `end` (inclusive), or `None` when too short.
    fn baseline(&self, values: &[Point], t: &Thresholds) -> Option<Baseline> {
        if values.len() < t.marker_min_baseline_days as usize {
            return None;
        }
        let xs: Vec<f64> = values.iter().map(|p| self.scale(p.value)).collect();
        let (mean, sd) = mean_sd(&xs);
        Some(Baseline {
            mean,
            sd,
            days: xs.len(),
        })
    }
    /// The day's evidence when its 7-day values are out of range.
    fn judge(
        &self,
        day: NaiveDate,
        week: &[Point],
        base: Option<&Baseline>,
        t: &Thresholds,
    ) -> Option<Evidence>;
}

/// The runner's own range over the baseline days.
struct Baseline {
    mean: f64,
    sd: f64,
    days: usize,
}

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, var.sqrt())
}

struct Rhr;

impl Marker for Rhr {
    fn high_is_worse(&self) -> bool {
        true
    }

    fn min_week(&self, t: &Thresholds) -> usize {
        t.rhr_min_days as usize
    }

    fn line(&self, base: Option<&Baseline>, _: &[Point], t: &Thresholds) -> Option<f64> {
        base.map(|b| b.mean + t.rhr_rise_bpm)
    }

    fn judge(
        &self,
        day: NaiveDate,
        week: &[Point],
        base: Option<&Baseline>,
        t: &Thresholds,
    ) -> Option<Evidence> {
        let base = base?;
        if week.len() < self.min_week(t) {
            return None;
        }
        let line = self.line(Some(base), week, t)?;
        let mean = week.iter().map(|p| p.value).sum::<f64>() / week.len() as f64;
        let high = week.iter().filter(|p| p.value >= line).count();
        (mean >= line && high >= t.rhr_min_days as usize).then(|| {
            Evidence::for_date(
                day,
                "resting_hr_rise_bpm",
                mean - base.mean,
                Some(t.rhr_rise_bpm),
                format!(
                    "7-day mean {mean:.0} bpm vs your usual {:.0} ± {:.1} bpm ({} days before); \
                     {high} of {} days ≥ {line:.0} bpm",
                    base.mean,
                    base.sd,
                    base.days,
                    week.len()
                ),
            )
        })
    }
}

struct Hrv {
    kind: HrvKind,
}

/// The lower edge of the runner's usual HRV band, on the ln scale.
fn band_low_ln(b: &Baseline, t: &Thresholds) -> f64 {
    b.mean - t.hrv_band_sd * b.sd
}

impl Marker for Hrv {
    fn scale(&self, value: f64) -> f64 {
        value.ln()
    }

    fn unscale(&self, value: f64) -> f64 {
        value.exp()
    }

    fn high_is_worse(&self) -> bool {
        false
    }

    fn min_week(&self, t: &Thresholds) -> usize {
        t.hrv_min_nights as usize
    }

    fn line(&self, base: Option<&Baseline>, window: &[Point], t: &Thresholds) -> Option<f64> {
        match base {
            Some(b) => Some(band_low_ln(b, t).exp()),
            None => window.iter().rev().find_map(|p| p.band_low),
        }
    }

    fn judge(
        &self,
        day: NaiveDate,
        week: &[Point],
        base: Option<&Baseline>,
        t: &Thresholds,
    ) -> Option<Evidence> {
        if week.len() < self.min_week(t) {
            return None;
        }
        let ln_mean = week.iter().map(|p| self.scale(p.value)).sum::<f64>() / week.len() as f64;
        let kind = match self.kind {
            HrvKind::Rmssd => "rMSSD",
            HrvKind::Sdnn => "SDNN",
        };
        if let Some(b) = base {
            let low = band_low_ln(b, t);
            return (ln_mean < low).then(|| {
                Evidence::for_date(
                    day,
                    "hrv_7d_ms",
                    ln_mean.exp(),
                    Some(crate::findings::round2(low.exp())),
                    format!(
                        "7-day mean {kind} {:.0} ms (of {} nights) below your usual band from \
                         {:.0} ms (mean {:.0} ms over {} nights before)",
                        ln_mean.exp(),
                        week.len(),
                        low.exp(),
                        b.mean.exp(),
                        b.days
                    ),
                )
            });
        }
        // No own baseline yet: the watch's band for the same 7-day average.
        let low = week.iter().rev().find_map(|p| p.band_low)?;
        let mean = week.iter().map(|p| p.value).sum::<f64>() / week.len() as f64;
        (mean < low).then(|| {
            Evidence::for_date(
                day,
                "hrv_7d_ms",
                mean,
                Some(low),
                format!(
                    "7-day mean {kind} {mean:.0} ms (of {} nights) below the watch's own baseline \
                     band from {low:.0} ms",
                    week.len()
                ),
            )
        })
    }
}

/// Out-of-range stretches of at least `marker_min_run_days` days: those
/// ending in the window (`None` when the window could not be judged at
/// all), and those before it.
fn stretches(
    points: &[Point],
    from: NaiveDate,
    to: NaiveDate,
    t: &Thresholds,
    marker: &dyn Marker,
) -> (Option<Vec<Stretch>>, Vec<Stretch>) {
    let Some(first) = points.first().map(|p| p.date) else {
        return (Some(Vec::new()), Vec::new());
    };
    let span = Days::new(u64::from(t.marker_baseline_days.max(1)));
    let window_base = baseline_for(points, from - Days::new(1), span, t, marker);
    let mut judged_window = false;
    let mut found: Vec<Stretch> = Vec::new();
    let mut open: Option<Stretch> = None;
    let mut day = first + Days::new(6);
    let close = |open: &mut Option<Stretch>, found: &mut Vec<Stretch>| {
        let long = |s: &Stretch| (s.to - s.from).num_days() + 1 >= i64::from(t.marker_min_run_days);
        if let Some(s) = open.take().filter(long) {
            found.push(s);
        }
    };
    while day <= to {
        let week = between(points, day - Days::new(6), day);
        // A stretch never spans the window's edge: history and verdict apart.
        if day == from {
            close(&mut open, &mut found);
        }
        let base = if day >= from {
            window_base.as_ref()
        } else {
            None
        };
        let local;
        let base = match base {
            Some(b) => Some(b),
            None if day < from => {
                local = baseline_for(points, day - Days::new(7), span, t, marker);
                local.as_ref()
            }
            None => None,
        };
        if day >= from && (base.is_some() || week.iter().any(|p| p.band_low.is_some())) {
            judged_window = true;
        }
        match marker.judge(day, week, base, t) {
            Some(e) => match open.as_mut() {
                Some(s) if s.to + Days::new(1) == day => {
                    s.to = day;
                    if worse(&e, &s.worst.1) {
                        s.worst = (day, e);
                    }
                }
                _ => {
                    close(&mut open, &mut found);
                    open = Some(Stretch {
                        from: day,
                        to: day,
                        worst: (day, e),
                    });
                }
            },
            None => close(&mut open, &mut found),
        }
        day = day + Days::new(1);
    }
    close(&mut open, &mut found);
    let (window, before): (Vec<Stretch>, Vec<Stretch>) =
        found.into_iter().partition(|s| s.to >= from);
    (judged_window.then_some(window), before)
}

fn sorted(mut points: Vec<Point>) -> Vec<Point> {
    points.sort_by_key(|p| p.date);
    points
}

/// Further from the line: a larger rise (resting HR) or a lower value (HRV).
fn worse(a: &Evidence, b: &Evidence) -> bool {
    if a.metric == "hrv_7d_ms" {
        a.value / a.limit.unwrap_or(1.0) < b.value / b.limit.unwrap_or(1.0)
    } else {
        a.value > b.value
    }
}

fn baseline_for(
    points: &[Point],
    end: NaiveDate,
    span: Days,
    t: &Thresholds,
    marker: &dyn Marker,
) -> Option<Baseline> {
    let start = end.checked_sub_days(span)?;
    marker.baseline(between(points, start + Days::new(1), end), t)
}

/// The points dated `from..=to` (points are sorted by date).
fn between(points: &[Point], from: NaiveDate, to: NaiveDate) -> &[Point] {
    let a = points.partition_point(|p| p.date < from);
    let b = points.partition_point(|p| p.date <= to);
    &points[a..b.max(a)]
}

fn episodes(stretches: Vec<Stretch>, what: &str) -> Vec<Episode> {
    stretches
        .into_iter()
        .map(|s| Episode {
            from: s.from,
            to: s.to,
            severity: Severity::Low,
            summary: format!(
                "{} to {}: {what} for {}.",
                s.from.format("%-d %b %Y"),
                s.to.format("%-d %b %Y"),
                plural(((s.to - s.from).num_days() + 1) as usize, "day", "days")
            ),
            evidence: vec![s.worst.1],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Window;
    use crate::findings::testkit::d;
    use crate::profile::AthleteProfile;
    use crate::wellness::{DayValue, HrvDay, Origin, Wellness};

    fn window() -> Window {
        Window {
            from: d(2026, 3, 2),
            to: d(2026, 3, 29),
            as_of: d(2026, 3, 29),
            partial_last_week: false,
        }
    }

    fn run(w: &Wellness) -> Markers {
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        let win = window();
        assess(&Inputs {
            wellness: w,
            window: Some(&win),
            ..Inputs::new(&profile, &t)
        })
    }

    /// A small deterministic wobble in [-1, 1] per day, as real mornings vary.
    fn wobble(i: usize) -> f64 {
        let x = ((i * 7919 + 13) % 101) as f64 / 50.0 - 1.0;
        x.clamp(-1.0, 1.0)
    }

    /// Resting HR from 1 Dec 2025 to 29 Mar 2026: `usual` ± 2 bpm, then `rise`
    /// bpm more from `rise_from`.
    fn rhr(usual: f64, rise: f64, rise_from: NaiveDate, rise_to: NaiveDate) -> Vec<DayValue> {
        let first = d(2025, 12, 1);
        (0..119)
            .map(|i| {
                let date = first + Days::new(i as u64);
                let extra = if date >= rise_from && date <= rise_to {
                    rise
                } else {
                    0.0
                };
                DayValue {
                    date,
                    value: (usual + 2.0 * wobble(i) + extra).round(),
                    origin: Origin::GarminExport,
                    path: "UDSFile_2025-12-01_2026-03-31.json".into(),
                }
            })
            .collect()
    }

    #[test]
    fn a_resting_hr_rise_of_seven_bpm_over_ten_days_flags() {
        let w = Wellness {
            resting_hr: rhr(48.0, 7.0, d(2026, 3, 10), d(2026, 3, 19)),
            ..Wellness::default()
        };
        let m = run(&w);
        let part = m.part.as_deref().expect("flagged");
        assert!(part.contains("resting heart rate"), "{part}");
        assert_eq!(m.severity, Severity::Low);
        assert_eq!(m.evidence.len(), 1);
        let e = &m.evidence[0].1;
        assert_eq!(e.metric, "resting_hr_rise_bpm");
        assert!(e.value >= 5.0 && e.value <= 9.0, "{}", e.value);
        let day = m.evidence[0].0;
        assert!(day >= d(2026, 3, 12) && day <= d(2026, 3, 25), "{day}");
        assert!(
            m.used.as_deref().unwrap().contains("resting HR on 28 days"),
            "{:?}",
            m.used
        );
    }

    #[test]
    fn a_runner_whose_resting_hr_is_always_high_is_not_flagged() {
        // 68 bpm every morning, ± 2: high for a runner, but their normal.
        let w = Wellness {
            resting_hr: rhr(68.0, 0.0, d(2026, 3, 10), d(2026, 3, 19)),
            ..Wellness::default()
        };
        let m = run(&w);
        assert!(m.part.is_none(), "{:?}", m.part);
        assert!(m.evidence.is_empty());
        assert!(m.unjudged.is_empty());
        // One feverish morning (+20) is not a trend either.
        let mut fever = rhr(48.0, 0.0, d(2026, 3, 10), d(2026, 3, 19));
        fever
            .iter_mut()
            .find(|v| v.date == d(2026, 3, 12))
            .unwrap()
            .value = 68.0;
        let m = run(&Wellness {
            resting_hr: fever,
            ..Wellness::default()
        });
        assert!(m.part.is_none(), "{:?}", m.part);
    }

    fn hrv(
        usual_ms: f64,
        drop: f64,
        drop_from: NaiveDate,
        kind: HrvKind,
        band: Option<f64>,
        first: NaiveDate,
    ) -> Vec<HrvDay> {
        let days = (d(2026, 3, 29) - first).num_days() + 1;
        (0..days as usize)
            .map(|i| {
                let date = first + Days::new(i as u64);
                // Nightly rMSSD varies ± 15 % around the usual.
                let mut v = usual_ms * (1.0 + 0.15 * wobble(i));
                if date >= drop_from {
                    v *= 1.0 - drop;
                }
                HrvDay {
                    date,
                    value_ms: v.round(),
                    kind,
                    baseline_low_ms: band,
                    baseline_high_ms: band.map(|b| b * 1.4),
                    origin: Origin::GarminExport,
                    path: "healthStatusData.json".into(),
                }
            })
            .collect()
    }

    #[test]
    fn hrv_under_the_band_flags_and_normal_variation_does_not() {
        let normal = Wellness {
            hrv: hrv(
                55.0,
                0.0,
                d(2026, 3, 1),
                HrvKind::Rmssd,
                None,
                d(2025, 12, 1),
            ),
            ..Wellness::default()
        };
        let m = run(&normal);
        assert!(m.part.is_none(), "{:?} {:?}", m.part, m.evidence);
        assert!(m.history.is_empty(), "{:?}", m.history);

        let low = Wellness {
            hrv: hrv(
                55.0,
                0.25,
                d(2026, 3, 14),
                HrvKind::Rmssd,
                None,
                d(2025, 12, 1),
            ),
            ..Wellness::default()
        };
        let m = run(&low);
        assert!(
            m.part.as_deref().unwrap().contains("HRV below"),
            "{:?}",
            m.part
        );
        let e = &m.evidence[0].1;
        assert_eq!(e.metric, "hrv_7d_ms");
        assert!(e.value < e.limit.unwrap());
        assert!(e.note.contains("rMSSD"), "{}", e.note);
    }

    #[test]
    fn garmin_band_serves_without_a_baseline_and_sdnn_never_uses_it() {
        // Only the window's nights: no own baseline, Garmin's band from 48 ms.
        let rmssd = hrv(
            55.0,
            0.3,
            d(2026, 3, 14),
            HrvKind::Rmssd,
            Some(48.0),
            d(2026, 3, 2),
        );
        let m = run(&Wellness {
            hrv: rmssd,
            ..Wellness::default()
        });
        assert!(m.part.is_some());
        assert!(m.evidence[0].1.note.contains("watch's own"));
        // The same SDNN series (Apple Health) with no baseline: not judged.
        let sdnn = hrv(
            55.0,
            0.3,
            d(2026, 3, 14),
            HrvKind::Sdnn,
            Some(48.0),
            d(2026, 3, 2),
        );
        let m = run(&Wellness {
            hrv: sdnn,
            ..Wellness::default()
        });
        assert!(m.part.is_none());
        assert_eq!(m.unjudged.len(), 1, "{:?}", m.unjudged);
    }

    /// The chart's trace is the rule's own reading: its baseline, its line,
    /// and the stretch it flagged around the evidence's worst day.
    #[test]
    fn the_trace_draws_what_the_rule_judged() {
        let w = Wellness {
            resting_hr: rhr(48.0, 7.0, d(2026, 3, 10), d(2026, 3, 19)),
            hrv: hrv(
                55.0,
                0.3,
                d(2026, 3, 14),
                HrvKind::Rmssd,
                Some(48.0),
                d(2026, 3, 2),
            ),
            ..Wellness::default()
        };
        let (profile, t, win) = (AthleteProfile::default(), Thresholds::default(), window());
        let inputs = Inputs {
            wellness: &w,
            window: Some(&win),
            ..Inputs::new(&profile, &t)
        };
        let traced = traces(&inputs);
        assert_eq!(
            traced.iter().map(|x| x.marker.as_str()).collect::<Vec<_>>(),
            ["resting_hr", "hrv_rmssd"]
        );
        let rhr_trace = &traced[0];
        let (first, last) = (&rhr_trace.days[0], rhr_trace.days.last().unwrap());
        assert_eq!(
            first.date,
            win.from - Days::new(60),
            "from the baseline's start"
        );
        assert_eq!(last.date, win.to);
        let usual = rhr_trace.usual.unwrap();
        assert!((usual - 48.0).abs() < 1.0, "{usual}");
        let line = rhr_trace.line.unwrap();
        assert!(
            (line - usual - t.rhr_rise_bpm).abs() < 0.02,
            "{line} vs {usual}"
        );
        let worst = run(&w).evidence[0].0;
        let [span] = rhr_trace.out_of_range[..] else {
            panic!("{:?}", rhr_trace.out_of_range)
        };
        assert!(
            span.from <= worst && worst <= span.to,
            "{span:?} vs {worst}"
        );
        let mean_on = |day: NaiveDate| {
            let found = rhr_trace.days.iter().find(|x| x.date == day);
            found.and_then(|x| x.mean_7d).unwrap()
        };
        assert!(
            mean_on(worst) >= line,
            "the 7-day mean is over the line there"
        );
        assert!(mean_on(win.to) < line, "and back under it at the end");
        // Without an own baseline, the HRV line is the watch's band.
        assert_eq!(traced[1].usual, None);
        assert_eq!(traced[1].line, Some(48.0));
        assert!(!traced[1].high_is_worse);
        // No window, nothing to draw.
        let no_window = Inputs {
            wellness: &w,
            ..Inputs::new(&profile, &t)
        };
        assert!(traces(&no_window).is_empty());
    }

    #[test]
    fn both_markers_out_is_moderate() {
        let w = Wellness {
            resting_hr: rhr(48.0, 7.0, d(2026, 3, 10), d(2026, 3, 29)),
            hrv: hrv(
                55.0,
                0.25,
                d(2026, 3, 10),
                HrvKind::Rmssd,
                None,
                d(2025, 12, 1),
            ),
            ..Wellness::default()
        };
        let m = run(&w);
        assert_eq!(m.severity, Severity::Moderate);
        assert!(m.part.unwrap().contains(" and HRV"));
    }
}
