//! The wellness part of the report (`report.json` → `wellness`, absent when
//! the inputs hold none): what was read and from where, the window's weekly
//! sleep for the chart, and the runner's heavy ratings linked to the
//! flagged weeks.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::findings::MarkerTrace;
use crate::findings::felt::Felt;
use crate::wellness::{Wellness, origins_words};

/// Counts are up to the report's last day (`--as-of`); `sleep_weeks` cover
/// the verdict window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WellnessSummary {
    /// Nights of sleep recorded.
    pub nights: u32,
    /// Days with a resting heart rate.
    pub resting_hr_days: u32,
    /// Nights with HRV (any kind).
    pub hrv_days: u32,
    /// Ferritin values (blood tests).
    pub ferritin_values: u32,
    /// Shoe pairs in the exports' gear lists.
    pub shoes: u32,
    /// Run → gear links in the exports.
    pub gear_links: u32,
    /// Runs or days the runner rated (feel, RPE, legs).
    pub ratings: u32,
    /// Where it came from (`garmin_export`, `journal`, …), sorted.
    pub sources: Vec<crate::wellness::Origin>,
    /// Window weeks with recorded sleep, oldest first.
    pub sleep_weeks: Vec<SleepWeekRow>,
    /// Heavy ratings linked to the flagged weeks, when any rating exists.
    pub felt: Option<Felt>,
    /// Resting HR and HRV over the window and its baseline (the recovery chart).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub markers: Vec<MarkerTrace>,
    /// What the wellness readers could not use, one line each.
    pub warnings: Vec<String>,
}

/// One week of recorded sleep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SleepWeekRow {
    pub start: NaiveDate,
    pub nights: u32,
    /// Mean time asleep over the recorded nights, h.
    pub mean_sleep_h: f64,
}

impl WellnessSummary {
    /// `None` when the inputs hold no wellness at all. `weeks` are the
    /// window's week starts (the load calendar); `to` the last day judged.
    pub fn new(
        w: &Wellness,
        weeks: &[NaiveDate],
        to: Option<NaiveDate>,
        felt: Option<Felt>,
    ) -> Option<WellnessSummary> {
        if w.is_empty() && w.warnings.is_empty() {
            return None;
        }
        let upto = |d: NaiveDate| to.is_none_or(|t| d <= t);
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut sources: Vec<crate::wellness::Origin> = w
            .nights
            .iter()
            .map(|n| n.origin)
            .chain(w.resting_hr.iter().map(|d| d.origin))
            .chain(w.hrv.iter().map(|d| d.origin))
            .chain(w.ferritin.iter().map(|d| d.origin))
            .chain(w.gear.iter().map(|g| g.origin))
            .chain(w.gear_uses.iter().map(|g| g.origin))
            .chain(w.feels.iter().map(|f| f.origin))
            .collect();
        sources.sort_unstable();
        sources.dedup();
        let sleep_weeks = weeks
            .iter()
            .filter_map(|&start| {
                let end = start + Days::new(6);
                let hours: Vec<f64> = w
                    .nights
                    .iter()
                    .filter(|n| n.date >= start && n.date <= end && upto(n.date))
                    .map(|n| n.asleep_s / 3600.0)
                    .filter(|h| h.is_finite())
                    .collect();
                (!hours.is_empty()).then(|| SleepWeekRow {
                    start,
                    nights: count(hours.len()),
                    mean_sleep_h: (hours.iter().sum::<f64>() / hours.len() as f64 * 100.0).round()
                        / 100.0,
                })
            })
            .collect();
        Some(WellnessSummary {
            nights: count(w.nights.iter().filter(|n| upto(n.date)).count()),
            resting_hr_days: count(w.resting_hr.iter().filter(|d| upto(d.date)).count()),
            hrv_days: count(w.hrv.iter().filter(|d| upto(d.date)).count()),
            ferritin_values: count(w.ferritin.iter().filter(|d| upto(d.date)).count()),
            shoes: count(w.gear.iter().filter(|g| g.is_shoe).count()),
            gear_links: count(w.gear_uses.len()),
            ratings: felt.as_ref().map_or(0, |f| f.rated),
            sources,
            sleep_weeks,
            felt,
            markers: Vec::new(),
            warnings: w.warnings.clone(),
        })
    }

    /// "Wellness read: 84 nights of sleep, resting HR on 120 days, … from the
    /// Garmin Connect export and your journal."
    pub fn line(&self) -> String {
        let mut parts = Vec::new();
        let mut add = |n: u32, one: &str, many: &str| {
            if n > 0 {
                parts.push(if n == 1 {
                    format!("1 {one}")
                } else {
                    format!("{n} {many}")
                });
            }
        };
        add(self.nights, "night of sleep", "nights of sleep");
        add(
            self.resting_hr_days,
            "day of resting heart rate",
            "days of resting heart rate",
        );
        add(self.hrv_days, "night of HRV", "nights of HRV");
        add(self.ferritin_values, "ferritin value", "ferritin values");
        add(self.shoes, "pair of shoes", "pairs of shoes");
        add(self.ratings, "rated run", "rated runs");
        if parts.is_empty() {
            return "Wellness: nothing usable was read.".to_owned();
        }
        format!(
            "Wellness read: {} from {}.",
            parts.join(", "),
            origins_words(self.sources.iter().copied())
        )
    }
}
