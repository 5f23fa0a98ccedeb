//! The load rules, as plain functions over days and weeks. Sources and
//! evidence grades: `anchors-features.md` §3.
//!
//! - **Ramp**: week-over-week distance change, %. `None` when the previous
//!   week had no distance (a return from zero has no finite ramp); the first
//!   week has no previous week. Buist 2008 / Nielsen 2014.
//! - **ACWR rolling** (uncoupled 7:28): 7-day load sum ÷ (28-day sum ÷ 4), at
//!   the week's last day in the history. Gabbett 2016.
//! - **ACWR EWMA**: Williams et al. 2017, `EWMA_t = λ·load_t + (1−λ)·EWMA_t−1`,
//!   `λ = 2/(N+1)`, N = 7 acute and 28 chronic, over daily loads (rest = 0),
//!   seeded with the first day's load. Both ratios are `None` until the
//!   week's last day has 28 days of history behind it, and when the chronic
//!   value is 0.
//! - **Monotony** (Foster 1998): mean ÷ SD of the 7 daily loads, population
//!   SD (the week is the whole population). `None` for weeks with fewer than 7
//!   days in the history and for weeks without load. Identical non-zero loads
//!   every day make SD 0: the value is then the cap (default 10, far above
//!   Foster's 2.0 flag), and every value is capped so one near-constant week
//!   cannot dominate a chart. **Strain** = weekly load × monotony.
//! - **Streak**: the longest run of consecutive run days counted up to a day
//!   of this week (a streak that started weeks ago counts in full; one that
//!   carries on into the next week counts up to this week's last day).
//! - **Weeks without rest**: consecutive weeks with no rest day, ending at this one.
//! - **Breaks** (Blanch & Gabbett 2016): a stretch of rest days, bridged to
//!   the next stretch while the runs in between plus that stretch stay under
//!   25 % of the usual weekly distance (mean of the 4 weeks = 28 days before
//!   the first stretch), so the whole window stays under 25 % too; a break is
//!   such a window of at least 14 days. It needs 28 days of history before it and a non-zero
//!   usual distance. Return weeks are the calendar week in which running
//!   resumes and the next ones (3 in all), within the history.

use chrono::Duration;

use super::calendar::WeekCalendar;
use super::input::LoadConfig;
use super::{Break, Day, Week};

/// Foster monotony from the week's daily-load mean and SD; see the module doc.
pub fn monotony(mean: f64, sd: f64, cap: f64) -> Option<f64> {
    if !(mean > 0.0) {
        return None;
    }
    if !(sd > 0.0) {
        return Some(cap);
    }
    Some((mean / sd).min(cap))
}

/// Rolling ACWR: acute sum ÷ chronic sum scaled to the acute window.
pub fn acwr_rolling(
    acute_sum: f64,
    chronic_sum: f64,
    acute_days: usize,
    chronic_days: usize,
) -> Option<f64> {
    let chronic_per_acute = chronic_sum * acute_days as f64 / chronic_days as f64;
    ratio(acute_sum, chronic_per_acute)
}

/// `a ÷ c` when `c` is positive.
pub fn ratio(a: f64, c: f64) -> Option<f64> {
    (c > 0.0 && a.is_finite()).then(|| a / c)
}

/// Week-over-week change, %; `None` when the previous week had no distance.
pub fn ramp_pct(previous_km: f64, current_km: f64) -> Option<f64> {
    (previous_km > 0.0).then(|| (current_km - previous_km) / previous_km * 100.0)
}

/// Per day: consecutive run days ending that day (0 on rest days).
pub fn day_streaks(days: &[Day]) -> Vec<u32> {
    let mut run = 0;
    days.iter()
        .map(|d| {
            run = if d.rest { 0 } else { run + 1 };
            run
        })
        .collect()
}

/// Fills the rules that run along the weeks in order: ramp, streak, weeks
/// without rest. `weeks` must be the contiguous weeks covering `days`.
pub fn fill_sequential(weeks: &mut [Week], days: &[Day], cal: &WeekCalendar) {
    let Some(first_start) = weeks.first().map(|w| w.start) else {
        return;
    };
    for (day, streak) in days.iter().zip(day_streaks(days)) {
        let i = ((cal.start_of(day.date) - first_start).num_days() / 7) as usize;
        if let Some(w) = weeks.get_mut(i) {
            w.streak_days = w.streak_days.max(streak);
        }
    }
    let mut without_rest = 0;
    let mut previous_km = None;
    for w in weeks.iter_mut() {
        w.ramp_pct = previous_km.and_then(|p| ramp_pct(p, w.distance_km));
        previous_km = Some(w.distance_km);
        without_rest = if w.rest_days == 0 {
            without_rest + 1
        } else {
            0
        };
        w.weeks_without_rest = without_rest;
    }
}

/// Breaks and what followed them; see the module doc for the definition.
pub fn find_breaks(
    days: &[Day],
    weeks: &[Week],
    cal: &WeekCalendar,
    cfg: &LoadConfig,
) -> Vec<Break> {
    let baseline_days = 7 * cfg.break_baseline_weeks as usize;
    let stretches = rest_stretches(days);
    let prefix: Vec<f64> = std::iter::once(0.0)
        .chain(days.iter().scan(0.0, |s, d| {
            *s += d.distance_km;
            Some(*s)
        }))
        .collect();
    let km_between = |a: usize, b: usize| prefix[b + 1] - prefix[a];

    let mut breaks = Vec::new();
    let mut k = 0;
    while k < stretches.len() {
        let (a, mut b) = stretches[k];
        let usual = if a >= baseline_days && cfg.break_baseline_weeks > 0 {
            km_between(a - baseline_days, a - 1) / f64::from(cfg.break_baseline_weeks)
        } else {
            0.0
        };
        if !(usual > 0.0) {
            k += 1;
            continue;
        }
        let limit_per_week = cfg.break_volume_share * usual;
        let mut j = k;
        // Bridge to the next rest stretch only when the runs in between and
        // that stretch together stay under the limit: a lone jog is bridged,
        // the return to training is not.
        while let Some(&(_, next_b)) = stretches.get(j + 1) {
            let per_week = km_between(b + 1, next_b) * 7.0 / (next_b - b) as f64;
            if per_week >= limit_per_week {
                break;
            }
            j += 1;
            b = next_b;
        }
        let length = (b - a + 1) as u32;
        if length >= cfg.break_min_days && b + 1 < days.len() {
            breaks.push(describe_break(days, weeks, cal, cfg, (a, b), usual));
            k = j + 1;
        } else {
            k += 1;
        }
    }
    breaks
}

/// Maximal runs of rest days as inclusive index pairs.
fn rest_stretches(days: &[Day]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open = None;
    for (i, d) in days.iter().enumerate() {
        match (d.rest, open) {
            (true, None) => open = Some(i),
            (false, Some(a)) => {
                out.push((a, i - 1));
                open = None;
            }
            _ => {}
        }
    }
    if let Some(a) = open {
        out.push((a, days.len() - 1));
    }
    out
}

fn describe_break(
    days: &[Day],
    weeks: &[Week],
    cal: &WeekCalendar,
    cfg: &LoadConfig,
    (a, b): (usize, usize),
    usual_km: f64,
) -> Break {
    let resume = days[b].date + Duration::days(1);
    let resume_week = cal.start_of(resume);
    let returned: Vec<&Week> = weeks
        .iter()
        .filter(|w| w.start >= resume_week)
        .take(cfg.return_weeks as usize)
        .collect();
    let best_km = returned
        .iter()
        .map(|w| w.distance_km)
        .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
    let best_acwr = returned
        .iter()
        .filter_map(|w| w.acwr_ewma)
        .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
    Break {
        from: days[a].date,
        to: days[b].date,
        days: (b - a + 1) as u32,
        pre_break_weekly_km: usual_km,
        return_weeks: returned
            .iter()
            .map(|w| (w.week.clone(), w.distance_km))
            .collect(),
        return_ratio: best_km.and_then(|km| ratio(km, usual_km)),
        return_acwr_ewma_max: best_acwr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Weekday};

    fn days_from(km: &[f64]) -> Vec<Day> {
        let first: NaiveDate = "2026-01-05".parse().unwrap(); // a Monday
        km.iter()
            .enumerate()
            .map(|(i, &k)| Day {
                date: first + Duration::days(i as i64),
                distance_km: k,
                moving_s: k * 360.0,
                runs: u32::from(k > 0.0),
                load: k,
                rest: k == 0.0,
            })
            .collect()
    }

    #[test]
    fn monotony_rules() {
        // Loads 10,0,10,0,10,0,10: mean 40/7, population SD sqrt(mean(x²) − mean²).
        let mean: f64 = 40.0 / 7.0;
        let sd = (400.0 / 7.0 - mean * mean).sqrt();
        assert!((monotony(mean, sd, 10.0).unwrap() - 1.1547005).abs() < 1e-6);
        assert_eq!(monotony(0.0, 0.0, 10.0), None);
        assert_eq!(monotony(5.0, 0.0, 10.0), Some(10.0));
        assert_eq!(monotony(5.0, 0.1, 10.0), Some(10.0));
    }

    #[test]
    fn ramp_and_ratios() {
        assert_eq!(ramp_pct(40.0, 50.0), Some(25.0));
        assert_eq!(ramp_pct(50.0, 40.0), Some(-20.0));
        assert_eq!(ramp_pct(0.0, 40.0), None);
        // 7-day 70, 28-day 200 → 70 ÷ 50 = 1.4.
        assert_eq!(acwr_rolling(70.0, 200.0, 7, 28), Some(1.4));
        assert_eq!(acwr_rolling(70.0, 0.0, 7, 28), None);
    }

    #[test]
    fn streaks_count_consecutive_run_days() {
        let d = days_from(&[5.0, 5.0, 0.0, 5.0, 5.0, 5.0, 0.0, 5.0]);
        assert_eq!(day_streaks(&d), vec![1, 2, 0, 1, 2, 3, 0, 1]);
    }

    #[test]
    fn break_after_four_steady_weeks() {
        // 28 days of 5 km (35 km/week), 20 rest days, then 3 days of 5 km.
        let mut km = vec![5.0; 28];
        km.extend([0.0; 20]);
        km.extend([5.0; 3]);
        let days = days_from(&km);
        let breaks = find_breaks(
            &days,
            &[],
            &WeekCalendar::new(Weekday::Mon),
            &LoadConfig::default(),
        );
        assert_eq!(breaks.len(), 1);
        assert_eq!(breaks[0].days, 20);
        assert_eq!(breaks[0].from, "2026-02-02".parse::<NaiveDate>().unwrap());
        assert_eq!(breaks[0].pre_break_weekly_km, 35.0);
        // 13 rest days are not a break.
        let mut km = vec![5.0; 28];
        km.extend([0.0; 13]);
        km.push(5.0);
        assert!(
            find_breaks(
                &days_from(&km),
                &[],
                &WeekCalendar::new(Weekday::Mon),
                &LoadConfig::default()
            )
            .is_empty()
        );
    }

    #[test]
    fn one_short_jog_does_not_split_a_break() {
        // Usual 35 km/week, limit 8.75 km/week. 10 rest days, a 3 km jog, 10
        // rest days: 3 km over 21 days = 1 km/week → one 21-day break.
        let mut km = vec![5.0; 28];
        km.extend([0.0; 10]);
        km.push(3.0);
        km.extend([0.0; 10]);
        km.push(5.0);
        let breaks = find_breaks(
            &days_from(&km),
            &[],
            &WeekCalendar::new(Weekday::Mon),
            &LoadConfig::default(),
        );
        assert_eq!(breaks.len(), 1);
        assert_eq!(breaks[0].days, 21);
    }
}
