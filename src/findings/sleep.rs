//! Poor sleep: only assessable when nightly sleep is imported.
//!
//! Watch activity files carry no sleep, and no sleep importer exists yet,
//! so in practice this says what would be needed. The rule is ready for the
//! day one exists: weekly mean below 8 h (Milewski 2014).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Cause, Evidence, Finding, Inputs, Rule, Severity, plural};

/// One night's sleep, dated by the morning it ended.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SleepNight {
    pub date: NaiveDate,
    pub hours: f64,
}

const ADVICE: &str = "Aim for 7–9 hours of sleep a night, more in heavy training weeks; \
     regular bed and wake times help.";

pub(super) fn assess(inputs: &Inputs) -> Finding {
    let t = inputs.thresholds;
    let rule = Rule {
        cause: Cause::Sleep,
        threshold: format!(
            "weekly mean sleep < {} h (weeks with ≥ {} nights of data)",
            t.sleep_min_h, t.sleep_min_nights
        ),
        fields: &["sleep_min_h", "sleep_min_nights"],
        advice: ADVICE,
    };
    let mut nights: Vec<SleepNight> = inputs
        .sleep
        .iter()
        .copied()
        .filter(|n| n.hours.is_finite() && n.hours >= 0.0)
        .collect();
    if nights.is_empty() {
        return rule.not_assessable(
            "Sleep is not in activity files. Import sleep data (not supported yet) to assess it.",
        );
    }
    nights.sort_by_key(|n| n.date);

    // Group by ISO week in date order (BTreeMap-free: nights are sorted).
    let mut weeks: Vec<(NaiveDate, String, Vec<f64>)> = Vec::new();
    for n in &nights {
        let iso = n.date.iso_week();
        let label = format!("{}-W{:02}", iso.year(), iso.week());
        let monday = n.date - chrono::Days::new(u64::from(n.date.weekday().num_days_from_monday()));
        match weeks.last_mut() {
            Some((_, l, hours)) if *l == label => hours.push(n.hours),
            _ => weeks.push((monday, label, vec![n.hours])),
        }
    }
    let usable: Vec<_> = weeks
        .iter()
        .filter(|(_, _, h)| h.len() >= t.sleep_min_nights as usize)
        .collect();
    if usable.is_empty() {
        return rule.not_assessable(format!(
            "No week has {} or more nights of sleep data.",
            t.sleep_min_nights
        ));
    }
    let short: Vec<_> = usable
        .iter()
        .filter_map(|(monday, label, hours)| {
            let mean = hours.iter().sum::<f64>() / hours.len() as f64;
            (mean < t.sleep_min_h).then(|| {
                let e = Evidence {
                    week: Some(label.clone()),
                    date: None,
                    file: None,
                    metric: "sleep_mean_h".to_string(),
                    value: super::round2(mean),
                    limit: Some(t.sleep_min_h),
                    note: format!("mean of {} nights", hours.len()),
                };
                (*monday, e)
            })
        })
        .collect();
    if short.is_empty() {
        return rule.clear(format!(
            "All {} with sleep data averaged {} h or more.",
            plural(usable.len(), "week", "weeks"),
            t.sleep_min_h
        ));
    }
    let severity = if short.len() * 2 >= usable.len() {
        Severity::Moderate
    } else {
        Severity::Low
    };
    rule.flagged(
        severity,
        format!(
            "{} of {} with sleep data averaged under {} h a night. Short sleep is linked with \
             feeling worn out and, in one study of young athletes, with more injuries.",
            short.len(),
            plural(usable.len(), "week", "weeks"),
            t.sleep_min_h
        ),
        short,
    )
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::super::testkit::d;
    use super::*;
    use crate::profile::AthleteProfile;
    use crate::thresholds::Thresholds;

    fn assess_sleep(nights: &[SleepNight]) -> Finding {
        let profile = AthleteProfile::default();
        let t = Thresholds::default();
        assess(&Inputs {
            sleep: nights,
            ..Inputs::new(&profile, &t)
        })
    }

    fn week_of(monday: NaiveDate, hours: &[f64]) -> Vec<SleepNight> {
        hours
            .iter()
            .enumerate()
            .map(|(i, &h)| SleepNight {
                date: monday + chrono::Days::new(i as u64),
                hours: h,
            })
            .collect()
    }

    #[test]
    fn no_sleep_data_is_not_assessable_and_says_what_to_import() {
        let f = assess_sleep(&[]);
        assert_eq!(f.status, Status::NotAssessable);
        assert!(f.summary.contains("Import sleep data (not supported yet)"));
    }

    #[test]
    fn a_week_averaging_under_eight_hours_is_flagged() {
        let mut nights = week_of(d(2026, 3, 2), &[8.5, 8.0, 8.2, 9.0, 8.0]);
        nights.extend(week_of(d(2026, 3, 9), &[6.5, 7.0, 7.5, 7.0, 6.0, 8.0, 7.0])); // mean 7.0
        let f = assess_sleep(&nights);
        assert_eq!(f.status, Status::Flagged);
        assert_eq!(f.severity, Severity::Moderate);
        assert_eq!(f.evidence.len(), 1);
        assert_eq!(f.evidence[0].week.as_deref(), Some("2026-W11"));
        assert_eq!(f.evidence[0].value, 7.0);
    }

    #[test]
    fn enough_sleep_is_clear_and_sparse_weeks_are_not_used() {
        let mut nights = week_of(d(2026, 3, 2), &[8.5, 8.0, 8.2, 9.0]);
        nights.extend(week_of(d(2026, 3, 9), &[5.0, 5.0])); // only 2 nights: ignored
        assert_eq!(assess_sleep(&nights).status, Status::Clear);
        assert_eq!(
            assess_sleep(&week_of(d(2026, 3, 9), &[5.0])).status,
            Status::NotAssessable
        );
    }
}
