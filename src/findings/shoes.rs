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

/// One pair as the rule counts it, from the profile or from an export's gear.
struct Pair {
    label: String,
    /// Distance on the pair before the first analysed run, km.
    start_km: f64,
    limit_km: f64,
    in_use: bool,
    since: Option<NaiveDate>,
}

/// Where the pairs and the run → pair links came from.
enum Mapping {
    Profile,
    /// Gear links of an export, with the origins named in the summary.
    Gear(String),
}

/// A run's start may differ from the export's by a few seconds (rounding,
/// GPS fix); beyond this it is another run, s.
const GEAR_MATCH_S: i64 = 300;

pub(super) fn assess(inputs: &Inputs) -> Finding {
    let t = inputs.thresholds;
    let shoes = &inputs.profile.shoes;
    let gear = gear_pairs(inputs);
    let mapping = if !shoes.is_empty() {
        Mapping::Profile
    } else if let Some((_, _, origins)) = &gear {
        Mapping::Gear(origins.clone())
    } else {
        Mapping::Profile
    };
    let rule = Rule {
        cause: Cause::Shoes,
        threshold: match mapping {
            Mapping::Profile => format!(
                "distance on a pair still in use (start_km + mapped runs) ≥ its limit (default {} km); \
                 fewer than {} pairs used over the last {} days",
                t.shoe_limit_km, t.shoe_rotation_min_pairs, t.shoe_rotation_window_days
            ),
            Mapping::Gear(_) => format!(
                "distance of the runs the export links to a pair still in use ≥ the pair's own \
                 maximum, else {} km; fewer than {} pairs used over the last {} days",
                t.shoe_limit_km, t.shoe_rotation_min_pairs, t.shoe_rotation_window_days
            ),
        },
        fields: &[
            "shoe_limit_km",
            "shoe_rotation_min_pairs",
            "shoe_rotation_window_days",
        ],
        advice: ADVICE,
    };
    // A pair's distance is a state built over its whole life, so the
    // baseline's runs count too; rotation looks at the last weeks only.
    let runs = inputs.all_runs();
    let last_run = runs.last().map(|r| r.date);
    let (pairs, worn_by): (Vec<Pair>, Vec<Option<usize>>) = match (&mapping, gear) {
        (Mapping::Gear(_), Some((pairs, link, _))) => {
            let worn = runs.iter().map(|r| link(r)).collect();
            (pairs, worn)
        }
        _ if shoes.is_empty() => {
            return rule.not_assessable(
                "The files do not say which shoes were worn. List your pairs in the athlete \
                 profile (name, since/until dates or file names), or add a Garmin Connect or \
                 Strava export with gear, to count kilometres per pair.",
            );
        }
        _ => {
            let pairs = shoes
                .iter()
                .enumerate()
                .map(|(i, s)| Pair {
                    label: label(s, i),
                    start_km: s.start_km,
                    limit_km: s.limit_km.unwrap_or(t.shoe_limit_km),
                    in_use: match (s.until, last_run) {
                        (None, _) => true,
                        (Some(until), Some(last)) => until >= last,
                        (Some(_), None) => false,
                    },
                    since: s.since,
                })
                .collect();
            let worn = runs.iter().map(|r| pair_for(shoes, r)).collect();
            (pairs, worn)
        }
    };

    let mut evidence = Vec::new();
    let mut worn = Vec::new();
    for (i, pair) in pairs.iter().enumerate() {
        let mine: Vec<&RunView> = runs
            .iter()
            .zip(&worn_by)
            .filter(|(_, p)| **p == Some(i))
            .map(|(r, _)| *r)
            .collect();
        let km = pair.start_km + mine.iter().filter_map(|r| r.distance_km()).sum::<f64>();
        let limit = pair.limit_km;
        if pair.in_use && km >= limit {
            let date = mine
                .last()
                .map(|r| r.date)
                .or(pair.since)
                .or(last_run)
                .unwrap_or(NaiveDate::MIN);
            let note = format!(
                "{}: {} km before + {} mapped",
                pair.label,
                pair.start_km,
                plural(mine.len(), "run", "runs")
            );
            evidence.push((
                date,
                Evidence::for_date(date, "shoe_km", km, Some(limit), note),
            ));
            worn.push(format!("{} ({km:.0} of {limit:.0} km)", pair.label));
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
        let mut used: Vec<usize> = recent.iter().flatten().copied().collect();
        used.sort_unstable();
        used.dedup();
        let mapped = recent.iter().flatten().count();
        if mapped >= t.share_min_runs as usize && used.len() < t.shoe_rotation_min_pairs as usize {
            let names: Vec<String> = used.iter().map(|&i| pairs[i].label.clone()).collect();
            let note = format!(
                "{} in the last {} days, all in {}",
                plural(mapped, "mapped run", "mapped runs"),
                t.shoe_rotation_window_days,
                names.join(", ")
            );
            let e = Evidence::for_date(
                last,
                "pairs_in_use",
                used.len() as f64,
                Some(f64::from(t.shoe_rotation_min_pairs)),
                note,
            );
            evidence.push((last, e));
            rotation = Some(used.len());
        }
    }

    let unmatched = worn_by.iter().filter(|p| p.is_none()).count();
    let matched = worn_by.len() - unmatched;
    let unmatched_note = match &mapping {
        Mapping::Profile if unmatched > 0 => format!(
            " {} matched no pair in the profile.",
            plural(unmatched, "run", "runs")
        ),
        Mapping::Profile => String::new(),
        Mapping::Gear(origins) => format!(
            " {} linked to {} by {origins}{}.",
            plural(matched, "run", "runs"),
            plural(pairs.len(), "pair", "pairs"),
            if unmatched > 0 {
                format!("; {unmatched} without gear")
            } else {
                String::new()
            }
        ),
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

/// A run → pair link over the export's gear.
type Link<'a> = Box<dyn Fn(&RunView) -> Option<usize> + 'a>;

/// The export's shoes as pairs, a run → pair link (by file name, else by
/// start time within [`GEAR_MATCH_S`]) and the origins in words; `None`
/// when the wellness holds no shoe gear linked to runs.
fn gear_pairs<'a>(inputs: &Inputs<'a>) -> Option<(Vec<Pair>, Link<'a>, String)> {
    let w = inputs.wellness;
    if w.gear_uses.is_empty() {
        return None;
    }
    let t = inputs.thresholds;
    let mut ids: Vec<&str> = Vec::new();
    let mut pairs: Vec<Pair> = Vec::new();
    for g in w.gear.iter().filter(|g| g.is_shoe) {
        if ids.contains(&g.id.as_str()) {
            continue;
        }
        ids.push(&g.id);
        pairs.push(Pair {
            label: format!(
                "'{}'",
                if g.name.trim().is_empty() {
                    &g.id
                } else {
                    &g.name
                }
            ),
            start_km: 0.0,
            limit_km: g
                .max_km
                .filter(|k| k.is_finite() && *k > 0.0)
                .unwrap_or(t.shoe_limit_km),
            in_use: !g.retired && g.until.is_none_or(|u| u >= inputs.window_from()),
            since: g.since,
        });
    }
    // Gear named by a run but absent from the gear list (a Strava nickname
    // without a shoes.csv row) still counts, unless the list says it is not a shoe.
    for u in &w.gear_uses {
        let known_other = w.gear.iter().any(|g| g.id == u.gear_id && !g.is_shoe);
        if !known_other && !ids.contains(&u.gear_id.as_str()) {
            ids.push(&u.gear_id);
            pairs.push(Pair {
                label: format!("'{}'", u.gear_id),
                start_km: 0.0,
                limit_km: t.shoe_limit_km,
                in_use: true,
                since: None,
            });
        }
    }
    if pairs.is_empty() {
        return None;
    }
    let mut timed: Vec<(i64, usize)> = Vec::new();
    let mut named: Vec<(&'a str, usize)> = Vec::new();
    for u in &w.gear_uses {
        let Some(i) = ids.iter().position(|id| *id == u.gear_id) else {
            continue;
        };
        if let Some(f) = u.file.as_deref().filter(|f| !f.is_empty()) {
            named.push((f, i));
        }
        if let Some(s) = u.start {
            timed.push((s.timestamp(), i));
        }
    }
    timed.sort_unstable();
    // Runs the export lists before the first analysed file (older history
    // not downloaded as files) are already on the pair: their distance,
    // from the export's activity summaries, is the pair's starting distance.
    let first = inputs
        .all_runs()
        .iter()
        .filter_map(|r| r.metrics.start)
        .map(|s| s.timestamp())
        .min();
    if let Some(first) = first {
        for u in &w.gear_uses {
            let (Some(at), Some(i)) = (u.start, ids.iter().position(|id| *id == u.gear_id)) else {
                continue;
            };
            if at.timestamp() >= first - GEAR_MATCH_S {
                continue;
            }
            let km = w
                .activities
                .iter()
                .find(|a| a.start == Some(at))
                .and_then(|a| a.distance_m)
                .filter(|m| m.is_finite() && *m > 0.0)
                .map_or(0.0, |m| m / 1000.0);
            pairs[i].start_km += km;
        }
    }
    let origins = crate::wellness::origins_words(w.gear_uses.iter().map(|u| u.origin));
    let link: Link<'a> = Box::new(move |r: &RunView| {
        if let Some((_, i)) = named.iter().find(|(f, _)| r.path.ends_with(f)) {
            return Some(*i);
        }
        let s = r.metrics.start?.timestamp();
        let at = timed.partition_point(|(x, _)| *x < s - GEAR_MATCH_S);
        timed[at..]
            .iter()
            .take_while(|(x, _)| *x <= s + GEAR_MATCH_S)
            .min_by_key(|(x, _)| (x - s).abs())
            .map(|(_, i)| *i)
    });
    Some((pairs, link, origins))
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

    fn gear(id: &str, name: &str, max_km: Option<f64>, retired: bool) -> crate::wellness::Gear {
        crate::wellness::Gear {
            id: id.into(),
            name: name.into(),
            is_shoe: true,
            retired,
            since: None,
            until: None,
            max_km,
            origin: crate::wellness::Origin::GarminExport,
            path: "DI-Connect-Fitness/runner_gear.json".into(),
        }
    }

    fn uses(
        ms: &[RunMetrics],
        pick: impl Fn(usize) -> &'static str,
    ) -> Vec<crate::wellness::GearUse> {
        ms.iter()
            .enumerate()
            .map(|(i, m)| crate::wellness::GearUse {
                gear_id: pick(i).into(),
                // The export's start is a few seconds off the file's.
                start: m.start.map(|s| s + chrono::Duration::seconds(3)),
                file: None,
                origin: crate::wellness::Origin::GarminExport,
            })
            .collect()
    }

    fn assess_gear(
        profile: &AthleteProfile,
        w: &crate::wellness::Wellness,
        ms: &[RunMetrics],
    ) -> Finding {
        let t = Thresholds::default();
        let vs = views(ms);
        assess(&Inputs {
            runs: &vs,
            wellness: w,
            ..Inputs::new(profile, &t)
        })
    }

    #[test]
    fn export_gear_counts_km_per_pair_with_the_pairs_own_maximum() {
        let ms = block(); // 10 × 12 km
        // Runs 0, 2, 4… in pair 1 (max 50 km), the rest in pair 2 (default 700 km).
        let w = crate::wellness::Wellness {
            gear: vec![
                gear("101", "Pegasus 40", Some(50.0), false),
                gear("102", "Trail", None, false),
                gear("103", "Old racers", Some(10.0), true),
            ],
            gear_uses: uses(&ms, |i| if i % 2 == 0 { "101" } else { "102" }),
            ..Default::default()
        };
        let f = assess_gear(&AthleteProfile::default(), &w, &ms);
        assert_eq!(
            (f.status, f.severity),
            (Status::Flagged, Severity::Moderate)
        );
        let km: Vec<(f64, Option<f64>)> = f
            .evidence
            .iter()
            .filter(|e| e.metric == "shoe_km")
            .map(|e| (e.value, e.limit))
            .collect();
        assert_eq!(km, vec![(60.0, Some(50.0))]); // 5 × 12 km; the retired pair is not judged
        assert!(
            f.summary.contains("'Pegasus 40' (60 of 50 km)"),
            "{}",
            f.summary
        );
        assert!(
            f.summary
                .contains("10 runs linked to 3 pairs by the Garmin Connect export"),
            "{}",
            f.summary
        );
        assert!(f.threshold.contains("own"), "{}", f.threshold);
    }

    #[test]
    fn one_pair_in_the_export_suggests_rotation_and_a_profile_list_wins() {
        let ms = block();
        let mut w = crate::wellness::Wellness {
            gear: vec![gear("101", "Pegasus 40", None, false)],
            gear_uses: uses(&ms, |_| "101"),
            ..Default::default()
        };
        // A run linked by file name instead of time still counts.
        w.gear_uses[0].start = None;
        w.gear_uses[0].file = Some("2026-02-02.fit".into());
        let f = assess_gear(&AthleteProfile::default(), &w, &ms);
        assert_eq!((f.status, f.severity), (Status::Flagged, Severity::Low));
        assert!(f.evidence.iter().any(|e| e.metric == "pairs_in_use"));
        assert!(f.summary.contains("10 runs linked"), "{}", f.summary);
        // A start 10 minutes off is another activity: not linked.
        w.gear_uses[1].start = w.gear_uses[1]
            .start
            .map(|s| s + chrono::Duration::minutes(10));
        let f = assess_gear(&AthleteProfile::default(), &w, &ms);
        assert!(f.summary.contains("9 runs linked"), "{}", f.summary);
        assert!(f.summary.contains("1 without gear"), "{}", f.summary);

        let profile = AthleteProfile {
            shoes: vec![shoe("A", None, 0.0), shoe("B", Some(d(2026, 2, 20)), 0.0)],
            ..AthleteProfile::default()
        };
        let f = assess_gear(&profile, &w, &ms);
        assert_eq!(f.status, Status::Clear, "{}", f.summary);
        assert!(!f.summary.contains("linked"), "{}", f.summary);
    }
    #[test]
    fn runs_the_export_lists_before_the_first_file_are_already_on_the_pair() {
        let ms = block(); // 10 × 12 km
        let first = ms.iter().filter_map(|m| m.start).min().expect("starts");
        let older = |days: i64, km: f64, id: &str| {
            let start = first - chrono::Duration::days(days);
            let use_ = crate::wellness::GearUse {
                gear_id: id.into(),
                start: Some(start),
                file: None,
                origin: crate::wellness::Origin::GarminExport,
            };
            let act = crate::wellness::ExportActivity {
                id: format!("{days}"),
                start: Some(start),
                distance_m: Some(km * 1000.0),
                sport: Some("running".into()),
                name: None,
                origin: crate::wellness::Origin::GarminExport,
                path: "DI-Connect-Fitness/runner_summarizedActivities.json".into(),
            };
            (use_, act)
        };
        // 660 km on the pair before the files start, 40 km on the other one.
        let (mut gear_uses, mut activities): (Vec<_>, Vec<_>) =
            (1..=30).map(|d| older(d, 22.0, "101")).unzip();
        let (u, a) = older(40, 40.0, "102");
        gear_uses.push(u);
        activities.push(a);
        gear_uses.extend(uses(&ms, |i| if i % 2 == 0 { "101" } else { "102" }));
        let w = crate::wellness::Wellness {
            gear: vec![
                gear("101", "Pegasus 40", None, false),
                gear("102", "Trail", None, false),
            ],
            gear_uses,
            activities,
            ..Default::default()
        };
        let f = assess_gear(&AthleteProfile::default(), &w, &ms);
        assert_eq!(f.status, Status::Flagged, "{}", f.summary);
        let km: Vec<(f64, Option<f64>)> = f
            .evidence
            .iter()
            .filter(|e| e.metric == "shoe_km")
            .map(|e| (e.value, e.limit))
            .collect();
        // 660 km listed before the files + 5 × 12 km in them; the other pair is at 100 km.
        assert_eq!(km, vec![(720.0, Some(700.0))]);
    }
}
