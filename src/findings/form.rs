//! Poor form: low cadence and overstriding, against the runner's own
//! history and against a population reference.
//!
//! Own history: a run counts as low-cadence when its easy-pace cadence is
//! below the ~170 spm rule of thumb *and* clearly below the athlete's own
//! cadence~speed fit at that speed; the step-length trend compares the recent
//! residual with the earlier one (at the same speed, fewer steps means longer
//! steps, the only overstriding proxy these files allow).
//!
//! Population: a runner who is *always* low is never below their own fit, so
//! each run's easy cadence is also compared with what recreational runners
//! use at that speed (≈ 170 spm at 3.0 m/s, + 12 spm per m/s; Lieberman 2015,
//! van Oeveren 2017), scaled by 173 cm ÷ the runner's height when it is
//! configured (same step length ÷ height), so a tall runner's lower cadence is
//! normal for them; only easy speeds of 2.2–3.5 m/s are compared, the
//! studies' range. A run ≥ 7 % below it takes long steps for its speed; when
//! the run records ground contact or vertical ratio, it counts only if these
//! are long / high too (Garmin's orange/red population bands).

use chrono::Days;

use super::{
    Cause, Dated, Evidence, Finding, Inputs, Rule, RunView, Severity, capitalise, finite, plural,
};
use crate::thresholds::Thresholds;

const ADVICE: &str = "Work on cadence: at easy pace aim for about 5 % more steps per minute \
     (a metronome app helps), with shorter, quicker steps landing closer under your body. \
     Change it gradually over a few weeks.";

const NOT_MEASURABLE: &str = "Footstrike is not measurable from these files, and cadence or \
     step length alone cannot diagnose overstriding.";

/// The population reference is used between these speeds: the studies ran
/// 2.4–3.0 m/s; faster running (where runners lengthen steps more than they
/// quicken them) is not compared, m/s.
pub(super) const REFERENCE_SPEED_MPS: (f64, f64) = (2.2, 3.5);

/// Cadence recreational runners of `height_cm` typically use at `speed_mps`,
/// spm (the reference height when unknown).
pub(super) fn reference_cadence_spm(t: &Thresholds, speed_mps: f64, height_cm: Option<f64>) -> f64 {
    let h = height_cm
        .filter(|h| h.is_finite() && (100.0..=250.0).contains(h))
        .unwrap_or(t.form_reference_height_cm);
    (t.form_population_cadence_spm + t.form_population_slope_spm_per_mps * (speed_mps - 3.0))
        * t.form_reference_height_cm
        / h
}

/// Runs whose easy cadence is well below the population reference (with
/// long contact or a high vertical ratio when those are recorded), and how
/// many runs could be compared at all.
struct Population {
    low: Vec<Dated>,
    /// Of `low`, runs whose dynamics confirm the pattern.
    confirmed: usize,
    compared: usize,
}

fn population(inputs: &Inputs, runs: &[(&RunView, f64)]) -> Population {
    let t = inputs.thresholds;
    let height = inputs.profile.height_cm;
    let mut out = Population {
        low: Vec::new(),
        confirmed: 0,
        compared: 0,
    };
    for &(r, cadence) in runs {
        let Some(v) = finite(r.metrics.easy_speed_mps)
            .filter(|v| (REFERENCE_SPEED_MPS.0..=REFERENCE_SPEED_MPS.1).contains(v))
        else {
            continue;
        };
        out.compared += 1;
        let expected = reference_cadence_spm(t, v, height);
        let below_pct = (cadence / expected - 1.0) * 100.0;
        if below_pct > -t.form_population_margin_pct {
            continue;
        }
        let gct = finite(r.metrics.stance_time_ms);
        let vr = finite(r.metrics.vertical_ratio_pct);
        let long_contact = gct.is_some_and(|g| g >= t.form_long_contact_ms);
        let high_vr = vr.is_some_and(|x| x >= t.form_high_vertical_ratio_pct);
        if (gct.is_some() || vr.is_some()) && !long_contact && !high_vr {
            // Short contact and a low vertical ratio: not the long-step pattern.
            continue;
        }
        if long_contact || high_vr {
            out.confirmed += 1;
        }
        let step = finite(r.metrics.step_length_m).unwrap_or(v / (cadence / 60.0));
        let mut note = format!(
            "{cadence:.0} spm at {v:.2} m/s, {step:.2} m steps{}; about {expected:.0} spm is typical at this speed{}",
            height
                .filter(|h| *h > 0.0)
                .map_or(String::new(), |h| format!(
                    " ({:.2} × height)",
                    step / (h / 100.0)
                )),
            if height.is_some() {
                " for your height"
            } else {
                ""
            },
        );
        if let Some(g) = gct {
            note.push_str(&format!(", ground contact {g:.0} ms"));
        }
        if let Some(x) = vr {
            note.push_str(&format!(", vertical ratio {x:.1} %"));
        }
        out.low.push((
            r.date,
            Evidence::for_run(
                r,
                "easy_cadence_vs_population_pct",
                below_pct,
                Some(-t.form_population_margin_pct),
                note,
            ),
        ));
    }
    out
}

pub(super) fn assess(inputs: &Inputs) -> Finding {
    let t = inputs.thresholds;
    let rule = Rule {
        cause: Cause::Form,
        threshold: format!(
            "easy-pace cadence < {} spm and ≤ {} spm vs your own cadence~speed fit, in ≥ {} % of \
             runs (at least {}); mean residual in the last {} days ≥ {} spm lower than before \
             (longer steps at the same speed); or easy-pace cadence ≥ {} % below the population \
             reference ({} spm at 3.0 m/s, + {} spm per m/s, × {} cm ÷ your height) with ground \
             contact ≥ {} ms or vertical ratio ≥ {} % when recorded, in ≥ {} % of runs",
            t.cadence_low_spm,
            t.cadence_residual_spm,
            t.form_flag_share * 100.0,
            t.share_min_runs,
            t.form_drift_window_days,
            t.form_drift_spm.abs(),
            t.form_population_margin_pct,
            t.form_population_cadence_spm,
            t.form_population_slope_spm_per_mps,
            t.form_reference_height_cm,
            t.form_long_contact_ms,
            t.form_high_vertical_ratio_pct,
            t.form_flag_share * 100.0,
        ),
        fields: &[
            "cadence_low_spm",
            "cadence_residual_spm",
            "form_drift_spm",
            "form_flag_share",
            "form_drift_window_days",
            "form_population_cadence_spm",
            "form_population_slope_spm_per_mps",
            "form_reference_height_cm",
            "form_population_margin_pct",
            "form_long_contact_ms",
            "form_high_vertical_ratio_pct",
        ],
        advice: ADVICE,
    };
    let runs: Vec<(&RunView, f64)> = inputs
        .sorted_runs()
        .into_iter()
        .filter_map(|r| finite(r.metrics.easy_cadence_spm).map(|c| (r, c)))
        .collect();
    if runs.is_empty() {
        return rule.not_assessable(format!(
            "No run recorded cadence at easy pace; a watch or foot pod that records cadence is needed. {NOT_MEASURABLE}"
        ));
    }
    let has_fit = runs
        .iter()
        .any(|(r, _)| finite(r.cadence_residual_spm).is_some());

    // Own history: below the rule of thumb and below the runner's own line.
    let mut low = Vec::new();
    for &(r, cadence) in &runs {
        let Some(res) = finite(r.cadence_residual_spm) else {
            continue;
        };
        if cadence >= t.cadence_low_spm || res > t.cadence_residual_spm {
            continue;
        }
        let note = format!("{:.1} spm below your own cadence at this speed", -res);
        let note = match finite(r.metrics.easy_speed_mps) {
            Some(v) => format!("{note} ({v:.2} m/s)"),
            None => note,
        };
        low.push((
            r.date,
            Evidence::for_run(
                r,
                "easy_cadence_spm",
                cadence,
                Some(t.cadence_low_spm),
                note,
            ),
        ));
    }
    let share = low.len() as f64 / runs.len() as f64;
    // A recurring pattern (at least `share_min_runs` runs) flags at low severity;
    // a habit (at least `form_flag_share` of runs) at moderate.
    let low_flag = low.len() >= t.share_min_runs as usize;
    let low_habit = low_flag && share >= t.form_flag_share;
    let drift = residual_drift(
        &runs,
        t.form_drift_window_days,
        t.share_min_runs.max(1) as usize + 1,
    )
    .filter(|(_, e)| e.value <= t.form_drift_spm)
    .map(|(date, e)| {
        (
            date,
            Evidence {
                limit: Some(t.form_drift_spm),
                ..e
            },
        )
    });

    // Population: low for any runner of this height at this speed.
    let pop = population(inputs, &runs);
    let pop_share = if pop.compared > 0 {
        pop.low.len() as f64 / pop.compared as f64
    } else {
        0.0
    };
    let pop_flag = pop.low.len() >= t.share_min_runs as usize && pop_share >= t.form_flag_share;
    // Moderate only when most runs show it and the dynamics back it up.
    let pop_moderate = pop_flag && pop_share >= 0.5 && 2 * pop.confirmed >= pop.low.len();

    let low_text = if has_fit {
        format!(
            "{} of {} runs with cadence ({:.0} %) had an easy-pace cadence below {} spm and well \
             below your own usual cadence at that speed",
            low.len(),
            runs.len(),
            share * 100.0,
            t.cadence_low_spm,
        )
    } else {
        "your own cadence~speed line could not be fitted (too narrow a speed range)".to_string()
    };
    let height_known = inputs.profile.height_cm.is_some_and(|h| h > 0.0);
    let pop_text = if pop.compared == 0 {
        format!(
            "no run had an easy speed of {}–{} m/s, where the population reference applies",
            REFERENCE_SPEED_MPS.0, REFERENCE_SPEED_MPS.1
        )
    } else {
        format!(
            "{} of {} runs ({:.0} %) had an easy-pace cadence {} % or more below what recreational \
             runners {}typically use at that speed{}",
            pop.low.len(),
            pop.compared,
            pop_share * 100.0,
            t.form_population_margin_pct,
            if height_known { "of your height " } else { "" },
            if pop.confirmed > 0 {
                format!(
                    ", {} of them with long ground contact or a high vertical ratio",
                    pop.confirmed
                )
            } else {
                String::new()
            }
        )
    };
    if !low_flag && drift.is_none() && !pop_flag {
        return rule.clear(format!(
            "{}; {pop_text} (fewer than {:.0} % of runs, or under {} runs, needed to flag), and \
             steps did not lengthen at the same speed. {NOT_MEASURABLE}",
            capitalise(&low_text),
            t.form_flag_share * 100.0,
            t.share_min_runs
        ));
    }
    let mut parts = Vec::new();
    let mut evidence: Vec<Dated> = Vec::new();
    if low_flag {
        parts.push(low_text);
        evidence.extend(low);
    }
    if let Some((date, e)) = drift {
        parts.push(format!(
            "in the last {} days you took about {:.1} fewer steps per minute than before at the \
             same speed, i.e. longer steps",
            t.form_drift_window_days, -e.value
        ));
        evidence.push((date, e));
    }
    if pop_flag {
        parts.push(pop_text);
        evidence.extend(pop.low);
    }
    // Relative evidence never goes above moderate.
    let severity = if (low_habit && has_fit) || pop_moderate {
        Severity::Moderate
    } else {
        Severity::Low
    };
    let height_note = if pop_flag && !height_known {
        format!(
            " Your height is not set, so a {} cm runner is the reference; taller runners \
             naturally take fewer, longer steps (set height_cm in the profile).",
            t.form_reference_height_cm
        )
    } else {
        String::new()
    };
    let summary = format!(
        "{}. A low cadence with long steps can make legs work harder; this is a pattern in \
         watch data, not a diagnosis.{height_note} {NOT_MEASURABLE}",
        capitalise(&parts.join("; "))
    );
    rule.flagged(severity, summary, evidence)
}

/// Mean residual in the recent window minus the mean before it, spm.
fn residual_drift(runs: &[(&RunView, f64)], window_days: u32, min_each: usize) -> Option<Dated> {
    let with: Vec<(&RunView, f64)> = runs
        .iter()
        .filter_map(|&(r, _)| finite(r.cadence_residual_spm).map(|res| (r, res)))
        .collect();
    let last = with.last()?.0.date;
    let cutoff = last.checked_sub_days(Days::new(u64::from(window_days)))?;
    let (recent, before): (Vec<_>, Vec<_>) = with.iter().partition(|(r, _)| r.date > cutoff);
    if recent.len() < min_each || before.len() < min_each {
        return None;
    }
    let mean = |xs: &[&(&RunView, f64)]| xs.iter().map(|(_, v)| v).sum::<f64>() / xs.len() as f64;
    let (m_recent, m_before) = (mean(&recent), mean(&before));
    let note = format!(
        "mean cadence vs own fit {m_before:+.1} spm over {} earlier {} vs {m_recent:+.1} spm over the last {}",
        before.len(),
        if before.len() == 1 { "run" } else { "runs" },
        plural(recent.len(), "run", "runs")
    );
    Some((
        last,
        Evidence::for_date(
            last,
            "cadence_residual_change_spm",
            m_recent - m_before,
            None,
            note,
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::super::testkit::*;
    use super::*;
    use crate::metrics::RunMetrics;
    use crate::profile::AthleteProfile;

    fn with_cadence(cadences: &[f64]) -> Vec<RunMetrics> {
        cadences
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let mut m = run(d(2026, 4, 1 + 2 * i as u32), 3000.0, 9.0);
                m.easy_cadence_spm = Some(c);
                m.easy_speed_mps = Some(2.8);
                m
            })
            .collect()
    }

    fn assess_views(views: &[RunView]) -> Finding {
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        assess(&Inputs {
            runs: views,
            ..Inputs::new(&profile, &t)
        })
    }

    #[test]
    fn low_on_both_counts_in_half_the_runs_is_flagged() {
        let ms = with_cadence(&[162.0, 175.0, 164.0, 176.0]);
        let mut vs = views(&ms);
        for (v, res) in vs.iter_mut().zip([-7.0, 1.0, -6.0, 2.0]) {
            v.cadence_residual_spm = Some(res);
        }
        let f = assess_views(&vs);
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Moderate);
        assert_eq!(f.evidence.len(), 2);
        assert_eq!(f.evidence[0].value, 162.0);
        assert_eq!(f.evidence[0].limit, Some(170.0));
        assert_eq!(f.evidence[0].date.as_deref(), Some("2026-04-01"));
        assert_eq!(
            f.evidence[0].note,
            "7.0 spm below your own cadence at this speed (2.80 m/s)"
        );
        assert!(
            f.summary.starts_with("2 of 4 runs with cadence (50 %)"),
            "{}",
            f.summary
        );
        assert!(f.summary.contains("Footstrike is not measurable"));
    }

    #[test]
    fn low_by_rule_of_thumb_but_normal_for_the_athlete_is_clear() {
        // 164 spm everywhere, but that is this runner's own norm (residual ~0).
        let ms = with_cadence(&[164.0, 163.0, 165.0, 164.0]);
        let mut vs = views(&ms);
        for v in &mut vs {
            v.cadence_residual_spm = Some(-1.0);
        }
        let f = assess_views(&vs);
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        assert!(f.summary.starts_with("0 of 4 runs"), "{}", f.summary);
    }

    #[test]
    fn without_a_personal_fit_the_population_reference_judges() {
        // 160 and 161 spm at 2.8 m/s are within 7 % of the ~168 spm reference: clear.
        let f = assess_views(&views(&with_cadence(&[160.0, 161.0, 178.0])));
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        // 150 and 151 spm are 10 % below it: a low flag, with the height caveat.
        let f = assess_views(&views(&with_cadence(&[150.0, 151.0, 178.0])));
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Low);
        assert_eq!(f.evidence.len(), 2);
        assert_eq!(f.evidence[0].metric, "easy_cadence_vs_population_pct");
        assert!(
            f.summary.contains("a 173 cm runner is the reference"),
            "{}",
            f.summary
        );
    }

    /// A runner's typical run, as the metric stage would produce it.
    struct Profile {
        cadence_spm: f64,
        speed_mps: f64,
        stance_ms: Option<f64>,
        vo_mm: Option<f64>,
    }

    /// Eight weeks of four runs from Monday 2 March 2026, with small day-to-day
    /// variation; each run carries speed bins on the runner's own line, so the
    /// cadence~speed fit and residuals come from the real athlete code.
    fn history(p: &Profile) -> Vec<RunMetrics> {
        let mut out = Vec::new();
        for i in 0..32u32 {
            let wobble = |k: u32| f64::from((i * 7919 + k * 104_729) % 13) / 6.0 - 1.0;
            let v = p.speed_mps + 0.05 * wobble(1);
            let c = p.cadence_spm + wobble(2);
            let day =
                d(2026, 3, 2) + Days::new(u64::from(i / 4 * 7 + [0, 2, 4, 6][(i % 4) as usize]));
            let minutes = 40.0 + 10.0 * wobble(3);
            let mut m = run(day, minutes * 60.0, v * minutes * 60.0 / 1000.0);
            let step = v / (c / 60.0);
            m.easy_cadence_spm = Some(c);
            m.easy_speed_mps = Some(v);
            m.mean_cadence_spm = Some(c + 1.0);
            m.step_length_m = Some(step);
            m.stance_time_ms = p.stance_ms.map(|g| g + 4.0 * wobble(4));
            m.vertical_oscillation_mm = p.vo_mm;
            m.vertical_ratio_pct = p.vo_mm.map(|vo| vo / (step * 1000.0) * 100.0);
            // Cadence rises ~5 spm per m/s within a run (own line), speed ±0.25 m/s.
            m.speed_bins = [-0.25, 0.0, 0.25]
                .iter()
                .map(|dv| crate::metrics::SpeedBin {
                    speed_mps: v + dv,
                    cadence_spm: c + 5.0 * dv,
                    step_length_m: Some((v + dv) / ((c + 5.0 * dv) / 60.0)),
                    heart_rate_bpm: None,
                    seconds: minutes * 20.0,
                })
                .collect();
            out.push(m);
        }
        out
    }

    fn assess_history(ms: &[RunMetrics], height_cm: Option<f64>) -> Finding {
        let fit = crate::metrics::athlete::fit_cadence_speed(ms).expect("a fit");
        let mut vs = views(ms);
        for v in &mut vs {
            v.cadence_residual_spm = crate::metrics::athlete::residual_spm(&fit, v.metrics);
        }
        let profile = AthleteProfile {
            height_cm,
            ..AthleteProfile::default()
        };
        let t = Thresholds::default();
        assess(&Inputs {
            runs: &vs,
            ..Inputs::new(&profile, &t)
        })
    }

    #[test]
    fn the_articles_steady_low_cadence_overstrider_is_flagged() {
        // 156 spm at 3.0 m/s: 1.15 m steps, 305 ms contact, 10.2 cm oscillation (VR ≈ 8.9 %).
        let ms = history(&Profile {
            cadence_spm: 156.0,
            speed_mps: 3.0,
            stance_ms: Some(305.0),
            vo_mm: Some(102.0),
        });
        let f = assess_history(&ms, None);
        assert_eq!(f.status, Status::Flagged, "{}", f.summary);
        assert!(matches!(f.severity, Severity::Low | Severity::Moderate));
        assert!(
            f.summary
                .starts_with("32 of 32 runs (100 %) had an easy-pace cadence 7 % or more below"),
            "{}",
            f.summary
        );
        assert!(f.summary.contains("not a diagnosis"));
        let e = f.evidence.last().unwrap();
        assert_eq!(e.metric, "easy_cadence_vs_population_pct");
        assert!(e.value <= -7.0 && e.value > -10.0, "{}", e.value);
        assert!(e.note.contains("ground contact"), "{}", e.note);
        // Never below its own line: the own-history rule alone would have said clear.
        assert!(!f.summary.contains("own usual cadence"), "{}", f.summary);
    }

    #[test]
    fn the_same_runner_at_176_spm_is_clear() {
        let ms = history(&Profile {
            cadence_spm: 176.0,
            speed_mps: 3.0,
            stance_ms: Some(245.0),
            vo_mm: Some(85.0),
        });
        assert!((ms[0].step_length_m.unwrap() - 1.02).abs() < 0.02);
        let f = assess_history(&ms, None);
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
    }

    #[test]
    fn a_tall_runner_with_height_configured_is_clear() {
        // 193 cm, 162 spm at 3.2 m/s, ~250 ms contact.
        let ms = history(&Profile {
            cadence_spm: 162.0,
            speed_mps: 3.2,
            stance_ms: Some(250.0),
            vo_mm: Some(95.0),
        });
        let f = assess_history(&ms, Some(193.0));
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        // Height is what clears a tall runner at 156 spm and 3.0 m/s with longer contact.
        let ms = history(&Profile {
            cadence_spm: 156.0,
            speed_mps: 3.0,
            stance_ms: Some(285.0),
            vo_mm: None,
        });
        assert_eq!(assess_history(&ms, None).status, Status::Flagged);
        let f = assess_history(&ms, Some(193.0));
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
    }

    #[test]
    fn steps_lengthening_at_the_same_speed_is_a_low_flag() {
        // Residuals: +1, 0, +2 early (April 1–5), then −3, −2, −4 late (May 20–24).
        let mut ms = with_cadence(&[175.0, 175.0, 175.0]);
        for i in 0..3u32 {
            let mut m = run(d(2026, 5, 20 + 2 * i), 3000.0, 9.0);
            m.easy_cadence_spm = Some(172.0);
            ms.push(m);
        }
        let mut vs = views(&ms);
        for (v, res) in vs.iter_mut().zip([1.0, 0.0, 2.0, -3.0, -2.0, -4.0]) {
            v.cadence_residual_spm = Some(res);
        }
        let f = assess_views(&vs);
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Low);
        assert_eq!(f.evidence.len(), 1);
        assert_eq!(f.evidence[0].metric, "cadence_residual_change_spm");
        assert_eq!(f.evidence[0].value, -4.0); // −3 − (+1)
        assert_eq!(f.evidence[0].date.as_deref(), Some("2026-05-24"));
    }

    #[test]
    fn no_cadence_is_not_assessable() {
        let ms = vec![run(d(2026, 4, 1), 3000.0, 9.0)];
        let f = assess_views(&views(&ms));
        assert_eq!(f.status, Status::NotAssessable);
        assert!(f.summary.contains("Footstrike is not measurable"));
    }
}
