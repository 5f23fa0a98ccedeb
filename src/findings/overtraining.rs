//! Overtraining: too many miles, ramping too fast, coming back too soon.
//!
//! Three distinct signals, each its own evidence item: week-over-week
//! distance spikes (Nielsen 2014), acute:chronic load ratio spikes
//! (Gabbett 2016, contested) and return weeks after a break that go
//! straight back above the pre-break load (Blanch & Gabbett 2016).

use chrono::{Days, NaiveDate};

use super::{Cause, Dated, Evidence, Finding, Inputs, Rule, Severity, capitalise, plural, round2};
use crate::load::{Break, Week};
use crate::thresholds::Thresholds;

const ADVICE: &str = "Run fewer miles for a week or two and let your legs recover, then build \
     back up gradually over several weeks instead of jumping. After a break, start below your \
     old weekly distance and rebuild over a few weeks.";

pub(super) fn assess(inputs: &Inputs) -> Finding {
    let t = inputs.thresholds;
    let rule = Rule {
        cause: Cause::Overtraining,
        threshold: format!(
            "week-over-week distance > {} % is a spike ({}–{} % watch; previous week ≥ {} km); \
             ACWR (rolling 7:28 or EWMA) ≥ {} once {} days of history exist; after a break of \
             ≥ {} days below {} % of usual volume, a return week > {}× the pre-break weekly \
             distance or with ACWR ≥ {}",
            t.ramp_spike_pct,
            t.ramp_watch_pct,
            t.ramp_spike_pct,
            t.ramp_min_previous_km,
            t.acwr_spike,
            t.acwr_min_history_days,
            t.comeback_gap_days,
            t.comeback_volume_share * 100.0,
            t.comeback_return_ratio,
            t.acwr_spike,
        ),
        fields: &[
            "ramp_spike_pct",
            "ramp_watch_pct",
            "acwr_spike",
            "acwr_min_history_days",
            "comeback_gap_days",
            "comeback_volume_share",
            "comeback_return_ratio",
            "ramp_min_previous_km",
        ],
        advice: ADVICE,
    };
    let weeks = inputs.sorted_weeks();
    if weeks.len() < 2 {
        return rule
            .not_assessable("Needs at least two weeks of dated runs to compare weekly distance.");
    }

    let ramp = ramp_spikes(&weeks, t);
    let acwr = acwr_spikes(&weeks, history_start(inputs, &weeks), t);
    let comeback = comebacks(inputs, &weeks);
    let acwr_known = weeks
        .iter()
        .any(|w| w.acwr_rolling.is_some() || w.acwr_ewma.is_some());

    let mut parts = Vec::new();
    if !ramp.spikes.is_empty() {
        parts.push(format!(
            "{} jumped more than {} % in distance over the week before",
            plural(ramp.spikes.len(), "week", "weeks"),
            t.ramp_spike_pct
        ));
    }
    if !acwr.is_empty() {
        parts.push(format!(
            "{} had an acute:chronic load ratio of {} or more",
            plural(acwr.len(), "week", "weeks"),
            t.acwr_spike
        ));
    }
    if !comeback.is_empty() {
        parts.push(format!(
            "{} after a break went straight back to or above the pre-break load",
            plural(comeback.len(), "return week", "return weeks")
        ));
    }
    let watch = if ramp.watch > 0 {
        format!(
            " {} rose {}–{} %: worth watching, not a problem on its own.",
            plural(ramp.watch, "week", "weeks"),
            t.ramp_watch_pct,
            t.ramp_spike_pct
        )
    } else {
        String::new()
    };
    if parts.is_empty() {
        let acwr_note = if acwr_known {
            ""
        } else {
            " ACWR was not available (too little history)."
        };
        return rule.clear(format!(
            "No week rose more than {} % in distance, no ACWR spike and no rushed comeback after \
             a break.{watch}{acwr_note}",
            t.ramp_spike_pct
        ));
    }
    let kinds = [
        !ramp.spikes.is_empty(),
        !acwr.is_empty(),
        !comeback.is_empty(),
    ]
    .iter()
    .filter(|&&k| k)
    .count();
    let severity = if kinds >= 2 {
        Severity::High
    } else {
        Severity::Moderate
    };
    let summary = format!(
        "{}. Sudden load increases are a common reason legs feel heavy; the cut-offs come from \
         studies with moderate evidence, so read them as a pattern, not a verdict.{watch}",
        capitalise(&parts.join("; "))
    );
    let mut evidence = ramp.spikes;
    evidence.extend(acwr);
    evidence.extend(comeback);
    rule.flagged(severity, summary, evidence)
}

struct Ramps {
    spikes: Vec<Dated>,
    watch: usize,
}

fn ramp_spikes(weeks: &[&Week], t: &Thresholds) -> Ramps {
    let mut out = Ramps {
        spikes: Vec::new(),
        watch: 0,
    };
    for w in weeks {
        // Rounded first, so 20 → 26 km reads as exactly 30 %, not 30.000000000000004.
        let Some(pct) = w
            .ramp_pct
            .filter(|p| p.is_finite() && *p > -100.0)
            .map(round2)
        else {
            continue;
        };
        let previous_km = w.distance_km / (1.0 + pct / 100.0);
        if previous_km < t.ramp_min_previous_km {
            continue;
        }
        if pct > t.ramp_spike_pct {
            let note = format!("{previous_km:.1} → {:.1} km", w.distance_km);
            out.spikes.push((
                w.start,
                Evidence::for_week(w, "ramp_pct", pct, Some(t.ramp_spike_pct), note),
            ));
        } else if pct > t.ramp_watch_pct {
            out.watch += 1;
        }
    }
    out
}

/// First day of the history: the earliest day or week start.
fn history_start(inputs: &Inputs, weeks: &[&Week]) -> NaiveDate {
    let first_week = weeks.first().map(|w| w.start);
    let first_day = inputs.days.iter().map(|d| d.date).min();
    match (first_week, first_day) {
        (Some(w), Some(d)) => w.min(d),
        (Some(w), None) => w,
        (None, Some(d)) => d,
        (None, None) => NaiveDate::MIN,
    }
}

fn acwr_spikes(weeks: &[&Week], first: NaiveDate, t: &Thresholds) -> Vec<Dated> {
    let mut out = Vec::new();
    for w in weeks {
        let last_day = w.start + Days::new(6);
        if (last_day - first).num_days() + 1 < i64::from(t.acwr_min_history_days) {
            continue;
        }
        if let Some((metric, value)) = peak_acwr(w).filter(|&(_, v)| v >= t.acwr_spike) {
            let note = format!(
                "rolling {}, EWMA {} (usual range {}–{})",
                show(w.acwr_rolling),
                show(w.acwr_ewma),
                t.acwr_low,
                t.acwr_sweet_max
            );
            out.push((
                w.start,
                Evidence::for_week(w, metric, value, Some(t.acwr_spike), note),
            ));
        }
    }
    out
}

/// The larger of the two ACWR variants, with its metric name.
fn peak_acwr(w: &Week) -> Option<(&'static str, f64)> {
    let rolling = w
        .acwr_rolling
        .filter(|v| v.is_finite())
        .map(|v| ("acwr_rolling", v));
    let ewma = w
        .acwr_ewma
        .filter(|v| v.is_finite())
        .map(|v| ("acwr_ewma", v));
    match (rolling, ewma) {
        (Some(r), Some(e)) => Some(if e.1 > r.1 { e } else { r }),
        (r, e) => r.or(e),
    }
}

fn comebacks(inputs: &Inputs, weeks: &[&Week]) -> Vec<Dated> {
    let t = inputs.thresholds;
    let mut out = Vec::new();
    let mut breaks: Vec<&Break> = inputs.breaks.iter().collect();
    breaks.sort_by_key(|b| (b.from, b.to));
    for b in breaks {
        if b.days < t.comeback_gap_days
            || !(b.pre_break_weekly_km > 0.0)
            || !quiet_enough(inputs, b)
        {
            continue;
        }
        for (label, km) in &b.return_weeks {
            let week = weeks.iter().find(|w| &w.week == label);
            let date = week.map_or(b.to, |w| w.start);
            let ratio = km / b.pre_break_weekly_km;
            let context = format!(
                "{}-day break {} to {}; pre-break {:.1} km/week",
                b.days, b.from, b.to, b.pre_break_weekly_km
            );
            if ratio > t.comeback_return_ratio {
                let note = format!("{context}; return week {km:.1} km");
                out.push((
                    date,
                    evidence_for_label(label, "return_ratio", ratio, t.comeback_return_ratio, note),
                ));
            }
            if let Some((metric, value)) = week
                .and_then(|w| peak_acwr(w))
                .filter(|&(_, v)| v >= t.acwr_spike)
            {
                let note = format!("{context}; return-week {metric}");
                out.push((
                    date,
                    evidence_for_label(label, "return_acwr", value, t.acwr_spike, note),
                ));
            }
        }
    }
    out
}

/// Checks the gap really ran below the break volume share, when daily data exists.
fn quiet_enough(inputs: &Inputs, b: &Break) -> bool {
    let in_gap: Vec<f64> = inputs
        .days
        .iter()
        .filter(|d| d.date >= b.from && d.date <= b.to)
        .map(|d| d.distance_km)
        .collect();
    if in_gap.is_empty() || b.days == 0 {
        return true;
    }
    let weekly_km = in_gap.iter().sum::<f64>() * 7.0 / f64::from(b.days);
    weekly_km < inputs.thresholds.comeback_volume_share * b.pre_break_weekly_km
}

fn evidence_for_label(label: &str, metric: &str, value: f64, limit: f64, note: String) -> Evidence {
    Evidence {
        week: Some(label.to_string()),
        date: None,
        file: None,
        metric: metric.to_string(),
        value: super::round2(value),
        limit: Some(limit),
        note,
    }
}

fn show(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(|| "n/a".to_string(), |x| format!("{x:.2}"))
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::super::{Status, evaluate};
    use super::*;
    use crate::profile::AthleteProfile;

    fn assess_weeks(weeks: &[Week], breaks: &[Break]) -> Finding {
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        assess(&Inputs {
            weeks,
            breaks,
            ..Inputs::new(&profile, &t)
        })
    }

    #[test]
    fn a_forty_percent_week_is_a_spike_and_twenty_percent_only_watch() {
        // 20 → 24 (+20 %, watch) → 33.6 (+40 %, spike)
        let ws = weeks(d(2026, 1, 5), &[20.0, 24.0, 33.6]);
        let f = assess_weeks(&ws, &[]);
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Moderate);
        assert_eq!(f.evidence.len(), 1);
        let e = &f.evidence[0];
        assert_eq!(e.week.as_deref(), Some("2026-W04"));
        assert_eq!(e.metric, "ramp_pct");
        assert_eq!(e.value, 40.0);
        assert_eq!(e.limit, Some(30.0));
        assert!(
            f.summary.contains("1 week jumped more than 30 %"),
            "{}",
            f.summary
        );
        assert!(f.summary.contains("1 week rose 10–30 %"), "{}", f.summary);
    }

    #[test]
    fn steady_build_is_clear_and_tiny_base_is_ignored() {
        // +10 % steps, then 2 → 8 km (+300 % from below the 5 km base).
        let ws = weeks(d(2026, 1, 5), &[20.0, 22.0, 24.2, 2.0, 8.0]);
        let f = assess_weeks(&ws, &[]);
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        assert!(f.evidence.is_empty());
    }

    #[test]
    fn acwr_spike_counts_only_after_enough_history() {
        // The last week is +30 % exactly: on the line, not over it.
        let mut ws = weeks(d(2026, 1, 5), &[20.0, 20.0, 20.0, 20.0, 26.0]);
        ws[1].acwr_ewma = Some(1.7); // day 14 of history: not trusted
        ws[4].acwr_rolling = Some(1.2);
        ws[4].acwr_ewma = Some(1.55);
        let f = assess_weeks(&ws, &[]);
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.evidence.len(), 1);
        assert_eq!(f.evidence[0].metric, "acwr_ewma");
        assert_eq!(f.evidence[0].value, 1.55);
        assert_eq!(f.evidence[0].week.as_deref(), Some("2026-W06"));
    }

    #[test]
    fn rushed_comeback_is_its_own_evidence_and_raises_severity_with_a_ramp_spike() {
        // 4 weeks of 30 km, 3 empty weeks, then 36 km (> pre-break) and 18 km.
        let ws = weeks(
            d(2026, 1, 5),
            &[30.0, 30.0, 30.0, 30.0, 0.0, 0.0, 0.0, 36.0, 18.0],
        );
        let labels: Vec<String> = ws.iter().map(|w| w.week.clone()).collect();
        let b = Break {
            from: d(2026, 2, 2),
            to: d(2026, 2, 22),
            days: 21,
            pre_break_weekly_km: 30.0,
            return_weeks: vec![(labels[7].clone(), 36.0), (labels[8].clone(), 18.0)],
            return_ratio: Some(1.2),
            return_acwr_ewma_max: None,
        };
        let mut ws2 = ws.clone();
        ws2[8].ramp_pct = Some(-50.0);
        ws2[7].ramp_pct = None; // previous week empty
        ws2[8].distance_km = 18.0;
        let f = assess_weeks(&ws2, std::slice::from_ref(&b));
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Moderate);
        assert_eq!(f.evidence.len(), 1);
        assert_eq!(f.evidence[0].metric, "return_ratio");
        assert_eq!(f.evidence[0].value, 1.2);
        assert_eq!(f.evidence[0].week.as_deref(), Some(labels[7].as_str()));

        // Add a ramp spike elsewhere: two kinds of signal → high.
        ws2[2].distance_km = 42.0;
        ws2[2].ramp_pct = Some(40.0);
        let f = assess_weeks(&ws2, std::slice::from_ref(&b));
        assert_eq!(f.severity, Severity::High);
        assert_eq!(f.evidence.len(), 2);
    }

    #[test]
    fn gentle_comeback_or_short_gap_is_clear() {
        let ws = weeks(d(2026, 1, 5), &[30.0, 30.0, 30.0, 30.0, 0.0, 0.0, 20.0]);
        let gentle = Break {
            from: d(2026, 2, 2),
            to: d(2026, 2, 15),
            days: 14,
            pre_break_weekly_km: 30.0,
            return_weeks: vec![(ws[6].week.clone(), 20.0)],
            return_ratio: Some(20.0 / 30.0),
            return_acwr_ewma_max: None,
        };
        let mut ws2 = ws.clone();
        ws2[6].ramp_pct = None;
        assert_eq!(
            assess_weeks(&ws2, std::slice::from_ref(&gentle)).status,
            Status::Clear
        );
        let short = Break {
            days: 10,
            return_weeks: vec![(ws[6].week.clone(), 40.0)],
            ..gentle
        };
        assert_eq!(assess_weeks(&ws2, &[short]).status, Status::Clear);
    }

    #[test]
    fn one_week_is_not_assessable() {
        let ws = weeks(d(2026, 1, 5), &[20.0]);
        assert_eq!(assess_weeks(&ws, &[]).status, Status::NotAssessable);
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        assert_eq!(
            evaluate(&Inputs::new(&profile, &t))[0].status,
            Status::NotAssessable
        );
    }
}
