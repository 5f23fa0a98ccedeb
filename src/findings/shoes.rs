//! Worn or unsuitable shoes: kilometres per pair against its limit, and rotation.
//!
//! Only possible when the profile says which pair was worn when; the files
//! do not. No study ties a mileage cutoff to injury (Cook 1985 measured
//! cushioning loss), so a pair over its limit is a prompt to check it, and
//! rotation follows Malisoux 2015.

use chrono::{Days, NaiveDate};

use super::{Cause, Evidence, Finding, Inputs, Rule, RunView, Severity, plural};
use crate::profile::Shoe;

const ADVICE: &str = "Check pairs past their distance limit for flattened cushioning or worn \
     soles and replace them if so; rotating two or more pairs spreads the wear and varies the \
     load on your legs.";

pub(super) fn assess(inputs: &Inputs) -> Finding {
    let t = inputs.thresholds;
    let rule = Rule {
        cause: Cause::Shoes,
        threshold: format!(
            "distance on a pair still in use (start_km + mapped runs) ≥ its limit (default {} km); \
             fewer than {} pairs used over the last {} days",
            t.shoe_limit_km, t.shoe_rotation_min_pairs, t.shoe_rotation_window_days
        ),
        fields: &[
            "shoe_limit_km",
            "shoe_rotation_min_pairs",
            "shoe_rotation_window_days",
        ],
        advice: ADVICE,
    };
    let shoes = &inputs.profile.shoes;
    if shoes.is_empty() {
        return rule.not_assessable(
            "The files do not say which shoes were worn. List your pairs in the athlete profile \
             (name, since/until dates or file names) to count kilometres per pair.",
        );
    }
    // A pair's distance is a state built over its whole life, so the
    // baseline's runs count too; rotation looks at the last weeks only.
    let runs = inputs.all_runs();
    let worn_by: Vec<Option<usize>> = runs.iter().map(|r| pair_for(shoes, r)).collect();
    let last_run = runs.last().map(|r| r.date);

    let mut evidence = Vec::new();
    let mut worn = Vec::new();
    for (i, shoe) in shoes.iter().enumerate() {
        let mine: Vec<&RunView> = runs
            .iter()
            .zip(&worn_by)
            .filter(|(_, p)| **p == Some(i))
            .map(|(r, _)| *r)
            .collect();
        let km = shoe.start_km + mine.iter().filter_map(|r| r.distance_km()).sum::<f64>();
        let limit = shoe.limit_km.unwrap_or(t.shoe_limit_km);
        let in_use = match (shoe.until, last_run) {
            (None, _) => true,
            (Some(until), Some(last)) => until >= last,
            (Some(_), None) => false,
        };
        if in_use && km >= limit {
            let date = mine
                .last()
                .map(|r| r.date)
                .or(shoe.since)
                .or(last_run)
                .unwrap_or(NaiveDate::MIN);
            let note = format!(
                "{}: {} km before + {} mapped",
                label(shoe, i),
                shoe.start_km,
                plural(mine.len(), "run", "runs")
            );
            evidence.push((
                date,
                Evidence::for_date(date, "shoe_km", km, Some(limit), note),
            ));
            worn.push(format!("{} ({km:.0} of {limit:.0} km)", label(shoe, i)));
        }
    }

    let mut rotation = None;
    if let Some(last) = last_run {
        let from = last
            .checked_sub_days(Days::new(u64::from(t.shoe_rotation_window_days)))
            .unwrap_or(NaiveDate::MIN);
        let recent: Vec<Option<usize>> = runs
            .iter()
            .zip(&worn_by)
            .filter(|(r, _)| r.date > from)
            .map(|(_, p)| *p)
            .collect();
        let mut pairs: Vec<usize> = recent.iter().flatten().copied().collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mapped = recent.iter().flatten().count();
        if mapped >= t.share_min_runs as usize && pairs.len() < t.shoe_rotation_min_pairs as usize {
            let names: Vec<String> = pairs.iter().map(|&i| label(&shoes[i], i)).collect();
            let note = format!(
                "{} in the last {} days, all in {}",
                plural(mapped, "mapped run", "mapped runs"),
                t.shoe_rotation_window_days,
                names.join(", ")
            );
            let e = Evidence::for_date(
                last,
                "pairs_in_use",
                pairs.len() as f64,
                Some(f64::from(t.shoe_rotation_min_pairs)),
                note,
            );
            evidence.push((last, e));
            rotation = Some(pairs.len());
        }
    }

    let unmatched = worn_by.iter().filter(|p| p.is_none()).count();
    let unmatched_note = if unmatched > 0 {
        format!(
            " {} matched no pair in the profile.",
            plural(unmatched, "run", "runs")
        )
    } else {
        String::new()
    };
    if worn.is_empty() && rotation.is_none() {
        return rule.clear(format!(
            "Every pair in use is under its distance limit and you rotated pairs recently.{unmatched_note}"
        ));
    }
    let mut parts = Vec::new();
    if !worn.is_empty() {
        parts.push(format!("past its distance limit: {}", worn.join(", ")));
    }
    if let Some(n) = rotation {
        parts.push(format!(
            "only {n} pair used over the last {} days (rotating ≥ {} pairs is linked with fewer injuries)",
            t.shoe_rotation_window_days, t.shoe_rotation_min_pairs
        ));
    }
    let severity = if worn.is_empty() {
        Severity::Low
    } else {
        Severity::Moderate
    };
    rule.flagged(
        severity,
        format!(
            "Shoes — {}. Mileage limits are rules of thumb; check the pair itself.{unmatched_note}",
            parts.join("; ")
        ),
        evidence,
    )
}

fn label(shoe: &Shoe, i: usize) -> String {
    if shoe.name.trim().is_empty() {
        format!("pair {}", i + 1)
    } else {
        format!("'{}'", shoe.name)
    }
}

/// Which pair a run was worn with: a pair naming the file wins; otherwise a
/// pair whose dates cover the run. Among several, the later-starting pair
/// wins, then the later-listed one.
fn pair_for(shoes: &[Shoe], run: &RunView) -> Option<usize> {
    let names_file = |s: &Shoe| {
        s.runs
            .iter()
            .any(|p| !p.is_empty() && run.path.ends_with(p.as_str()))
    };
    let covers =
        |s: &Shoe| s.since.is_none_or(|d| d <= run.date) && s.until.is_none_or(|d| run.date <= d);
    let best = |pred: &dyn Fn(&Shoe) -> bool| {
        shoes
            .iter()
            .enumerate()
            .filter(|(_, s)| pred(s))
            .max_by_key(|(i, s)| (s.since, *i))
            .map(|(i, _)| i)
    };
    best(&names_file).or_else(|| best(&|s: &Shoe| s.runs.is_empty() && covers(s)))
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::super::testkit::*;
    use super::*;
    use crate::metrics::RunMetrics;
    use crate::profile::AthleteProfile;
    use crate::thresholds::Thresholds;

    fn assess_with(profile: &AthleteProfile, ms: &[RunMetrics]) -> Finding {
        let t = Thresholds::default();
        let vs = views(ms);
        assess(&Inputs {
            runs: &vs,
            ..Inputs::new(profile, &t)
        })
    }

    fn shoe(name: &str, since: Option<NaiveDate>, start_km: f64) -> Shoe {
        Shoe {
            name: name.to_string(),
            since,
            start_km,
            ..Shoe::default()
        }
    }

    /// 10 runs of 12 km, every 3 days from 2026-02-02.
    fn block() -> Vec<RunMetrics> {
        (0..10)
            .map(|i| run(d(2026, 2, 2) + Days::new(3 * i), 4000.0, 12.0))
            .collect()
    }

    #[test]
    fn pair_past_its_limit_in_sole_use_is_moderate_with_two_evidence_items() {
        let profile = AthleteProfile {
            shoes: vec![shoe("Daily", None, 600.0)],
            ..AthleteProfile::default()
        };
        let f = assess_with(&profile, &block());
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Moderate);
        let km = f.evidence.iter().find(|e| e.metric == "shoe_km").unwrap();
        assert_eq!(km.value, 720.0); // 600 + 10 × 12
        assert_eq!(km.limit, Some(700.0));
        assert_eq!(km.date.as_deref(), Some("2026-03-01"));
        let rot = f
            .evidence
            .iter()
            .find(|e| e.metric == "pairs_in_use")
            .unwrap();
        assert_eq!(rot.value, 1.0);
        assert!(
            f.summary.contains("'Daily' (720 of 700 km)"),
            "{}",
            f.summary
        );
    }

    #[test]
    fn two_pairs_in_rotation_under_limit_is_clear_and_file_names_win_over_dates() {
        let mut trail = shoe("Trail", Some(d(2026, 2, 1)), 0.0);
        trail.runs = vec!["2026-02-05.fit".to_string(), "2026-02-23.fit".to_string()];
        let road = Shoe {
            limit_km: Some(800.0),
            ..shoe("Road", Some(d(2026, 1, 1)), 650.0)
        };
        let profile = AthleteProfile {
            shoes: vec![road, trail],
            ..AthleteProfile::default()
        };
        // Road: 650 + 8 × 12 = 746 < 800; Trail: 2 × 12 = 24.
        let f = assess_with(&profile, &block());
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        assert!(f.evidence.is_empty());
    }

    #[test]
    fn retired_pair_over_limit_is_not_flagged() {
        let old = Shoe {
            until: Some(d(2026, 2, 10)),
            ..shoe("Old", Some(d(2025, 1, 1)), 900.0)
        };
        let a = shoe("A", Some(d(2026, 2, 11)), 0.0);
        let mut b = shoe("B", Some(d(2026, 2, 11)), 0.0);
        b.runs = vec!["2026-02-26.fit".to_string(), "2026-03-01.fit".to_string()];
        let profile = AthleteProfile {
            shoes: vec![old, a, b],
            ..AthleteProfile::default()
        };
        let f = assess_with(&profile, &block());
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
    }

    #[test]
    fn no_shoe_mapping_is_not_assessable() {
        let f = assess_with(&AthleteProfile::default(), &block());
        assert_eq!(f.status, Status::NotAssessable);
        assert!(f.summary.contains("athlete profile"));
    }
}
