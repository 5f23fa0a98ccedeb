//! Plain words for the human reports: evidence, dates, the time-zone line and
//! the "answer first" ranking, built here once so Markdown and HTML agree.
//!
//! Internal metric names, limits and raw numbers stay in `report.json`; this
//! module turns an [`Evidence`] (metric, value, limit, week/date, note) into a
//! sentence a runner reads, e.g. "Week of 21 Sep: 52 km, 45 % more than the
//! week before (36 km)". An unknown metric still reads as a sentence.

use chrono::{Datelike, NaiveDate};

use crate::findings::{Cause, Evidence, Finding, Severity, Status};

use super::fmt as f;
use super::model::{Changes, Report, Units};

/// `21 Sep`, with the year when it is not the year the report ends in.
pub fn day(d: NaiveDate, report: &Report) -> String {
    let end_year = report.period.to.map(|t| t.year());
    if end_year.is_some_and(|y| y == d.year()) {
        d.format("%-d %b").to_string()
    } else {
        d.format("%-d %b %Y").to_string()
    }
}

/// Monday of an ISO week label such as `2026-W39`.
pub fn week_start(label: &str) -> Option<NaiveDate> {
    let (y, w) = label.split_once("-W")?;
    NaiveDate::from_isoywd_opt(y.parse().ok()?, w.parse().ok()?, chrono::Weekday::Mon)
}

/// The local day an evidence item is about: its run date, else its week's Monday.
pub fn evidence_day(e: &Evidence) -> Option<NaiveDate> {
    e.date
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .or_else(|| e.week.as_deref().and_then(week_start))
}

/// "Week of 21 Sep" / "On 11 Nov" / "" — where an evidence item sits in time.
fn when(e: &Evidence, report: &Report) -> (Option<String>, Option<String>) {
    let week = e
        .week
        .as_deref()
        .and_then(week_start)
        .map(|d| format!("Week of {}", day(d, report)));
    let date = e
        .date
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(|d| day(d, report));
    (week, date)
}

fn km(v: f64, u: Units) -> String {
    format!("{:.0} {}", f::distance_value(v, u), f::distance_unit(u))
}

fn minutes(s: f64) -> String {
    let m = s / 60.0;
    if m < 10.0 && m.fract().abs() > 0.05 {
        format!("{m:.1} min")
    } else {
        format!("{m:.0} min")
    }
}

fn times(x: f64) -> String {
    format!("{} times", f::num((x * 10.0).round() / 10.0))
}

/// One evidence item as a sentence.
pub fn evidence(e: &Evidence, report: &Report, u: Units) -> String {
    let (week, date) = when(e, report);
    let v = e.value;
    let lim = e.limit;
    // Prefix for week evidence: "Week of 21 Sep: "; for run evidence the date sits inside.
    let wk = |s: String| match &week {
        Some(w) => format!("{w}: {s}"),
        None => capital(&s),
    };
    let on = date
        .as_ref()
        .map(|d| format!(" on {d}"))
        .unwrap_or_default();
    let upto = date
        .as_ref()
        .map(|d| format!(" up to {d}"))
        .unwrap_or_default();
    match e.metric.as_str() {
        "ramp_pct" => {
            let this = e
                .week
                .as_deref()
                .and_then(|w| report.weeks.iter().find(|x| x.week == w));
            let before = this.and_then(|t| {
                let prev = t.start - chrono::Days::new(7);
                report.weeks.iter().find(|x| x.start == prev)
            });
            let change = if v >= 0.0 {
                format!("{:.0} % more than the week before", v)
            } else {
                format!("{:.0} % less than the week before", -v)
            };
            match (this, before) {
                (Some(t), Some(b)) => wk(format!(
                    "{}, {change} ({})",
                    km(t.distance_km, u),
                    km(b.distance_km, u)
                )),
                (Some(t), None) => wk(format!("{}, {change}", km(t.distance_km, u))),
                _ => wk(format!("{change} in distance")),
            }
        }
        "acwr_rolling" | "acwr_ewma" | "acwr" => wk(format!(
            "a load {} your usual week (the average of the 4 weeks before; up to 1.3 times is typical)",
            times(v)
        )),
        "return_ratio" => {
            let rel = if v > 1.0 {
                format!(
                    "{:.0} % more than your usual week before the break",
                    (v - 1.0) * 100.0
                )
            } else {
                format!("{:.0} % of your usual week before the break", v * 100.0)
            };
            wk(format!("first weeks back after a break, {rel}"))
        }
        "return_acwr" => wk(format!(
            "back after a break, a load {} what your legs had got used to",
            times(v)
        )),
        "rest_days" => {
            let runs = e
                .week
                .as_deref()
                .and_then(|w| report.weeks.iter().find(|x| x.week == w))
                .map(|w| format!(" ({} runs)", w.runs))
                .unwrap_or_default();
            if v < 0.5 {
                wk(format!("no rest day{runs}"))
            } else {
                wk(format!("only {} rest days{runs}", f::num(v)))
            }
        }
        "monotony" => wk(format!(
            "every day about as hard as the next (monotony {}{})",
            f::num(v),
            lim.map(|l| format!("; above {} is high", f::num(l)))
                .unwrap_or_default()
        )),
        "streak_days" => wk(format!("{} days in a row with a run{upto}", f::num(v))),
        "easy_cadence_spm" => wk(format!(
            "easy running{on} at {:.0} steps a minute{}, below your usual at that pace",
            v,
            lim.map(|l| format!(" (under {l:.0})")).unwrap_or_default()
        )),
        "cadence_residual_spm" => wk(format!(
            "easy cadence{on} {:.0} steps a minute {} your usual at that pace",
            v.abs(),
            if v < 0.0 { "below" } else { "above" }
        )),
        "cadence_residual_change_spm" => wk(format!(
            "easy cadence{upto} {:.1} steps a minute {} than before, at the same pace",
            v.abs(),
            if v < 0.0 { "lower" } else { "higher" }
        )),
        "pace_fade_pct" => wk(format!(
            "the long run{on} slowed by {:.0} % towards the end",
            v
        )),
        "decoupling_pct" => wk(format!(
            "heart rate{on} drifted up {:.0} % against pace from the first half to the second",
            v
        )),
        "warm_up_s" => {
            let d = date.clone().unwrap_or_else(|| "that day".into());
            let tail = lim
                .map(|l| format!(" ({} or more helps)", minutes(l)))
                .unwrap_or_default();
            if v < 30.0 {
                wk(format!(
                    "no easy running before the hard effort on {d}{tail}"
                ))
            } else {
                wk(format!(
                    "only {} of easy running before the hard effort on {d}{tail}",
                    minutes(v)
                ))
            }
        }
        "cool_down_s" => {
            let d = date.clone().unwrap_or_else(|| "that day".into());
            if v < 30.0 {
                wk(format!("no easy running after the hard effort on {d}"))
            } else {
                wk(format!(
                    "only {} of easy running after the hard effort on {d}",
                    minutes(v)
                ))
            }
        }
        "shoe_km" => wk(format!(
            "a pair of shoes at {}{upto}{}",
            km(v, u),
            lim.map(|l| format!(" (replace around {})", km(l, u)))
                .unwrap_or_default()
        )),
        "pairs_in_use" => wk(format!(
            "{} pair{} of shoes in use{upto}{}",
            f::num(v),
            if (v - 1.0).abs() < 1e-9 { "" } else { "s" },
            lim.map(|l| format!(" ({} or more to rotate)", f::num(l)))
                .unwrap_or_default()
        )),
        "sleep_mean_h" => wk(format!(
            "{:.1} h of sleep a night on average{}",
            v,
            lim.map(|l| format!(" ({} h or more is the aim)", f::num(l)))
                .unwrap_or_default()
        )),
        "sleep_h" => wk(format!(
            "{:.1} h of sleep the night to {}",
            v,
            date.clone().unwrap_or_else(|| "that day".into())
        )),
        "resting_hr_rise_bpm" => wk(format!(
            "resting heart rate over the 7 days{upto} {:.0} beats a minute above your usual",
            v
        )),
        "hrv_7d_ms" => wk(format!(
            "HRV over the 7 days{upto} at {:.0} ms, below your usual range{}",
            v,
            lim.map(|l| format!(" (from {l:.0} ms)"))
                .unwrap_or_default()
        )),
        "ferritin_ug_l" => wk(format!(
            "ferritin {} µg/L in the blood test{on}{}",
            f::num(v),
            lim.map(|l| format!(" ({} µg/L or more is the athletes' line)", f::num(l)))
                .unwrap_or_default()
        )),
        "easy_hr_rise_bpm" => wk(format!(
            "heart rate at easy pace {:.0} beats a minute higher than a few weeks before{upto}",
            v
        )),
        "longest_run_km" => wk(format!("the longest run{on} was {}", km(v, u))),
        other => {
            // Unknown metric: its name as words and the value with its unit.
            const UNITS: [&str; 11] = [
                "_pct", "_km", "_spm", "_bpm", "_ms", "_mm", "_days", "_h", "_s", "_m", "_c",
            ];
            let base = UNITS
                .iter()
                .find_map(|s| other.strip_suffix(s))
                .unwrap_or(other);
            let name = base.replace('_', " ");
            let value = f::metric_value(other, v, u);
            let lim = lim
                .map(|l| format!(" (limit {})", f::metric_value(other, l, u)))
                .unwrap_or_default();
            wk(format!("{name}{on} {value}{lim}"))
        }
    }
}

/// The ratings line that leads the answer when the runner rated runs: the
/// link sentence, then up to [`FELT_SHOWN`] heavy runs (latest first) with
/// the patterns in their week, as "- " lines.
pub fn felt_lines(report: &Report) -> Option<Vec<String>> {
    let felt = report.wellness.as_ref()?.felt.as_ref()?;
    let mut out = vec![format!("How your runs felt: {}", felt.summary)];
    for r in felt.runs.iter().rev().take(FELT_SHOWN) {
        let causes: Vec<&str> = r
            .causes
            .iter()
            .map(|c| crate::findings::felt::name(*c))
            .collect();
        let week = if causes.is_empty() {
            "no pattern in that week".to_owned()
        } else {
            format!("that week: {}", causes.join("; "))
        };
        out.push(format!("- {}: {} ({week})", day(r.date, report), r.rating));
    }
    Some(out)
}

/// Heavy runs listed under the ratings line.
pub const FELT_SHOWN: usize = 5;

/// The first letter in upper case.
pub fn capitalised(s: &str) -> String {
    capital(s)
}

/// The previous report's date for the "since the last report" heading.
pub fn changes_date(ch: &Changes) -> String {
    chrono::DateTime::parse_from_rfc3339(&ch.previous_generated_at)
        .map(|t| t.format("%-d %b %Y").to_string())
        .unwrap_or_else(|_| ch.previous_generated_at.clone())
}

/// The "since the last report" lines: new runs, then causes flagged and cleared.
pub fn changes_lines(ch: &Changes, u: Units) -> Vec<String> {
    let mut out = Vec::new();
    out.push(match ch.new_runs {
        0 => "No new runs.".to_owned(),
        1 => format!("1 new run ({}).", km(ch.new_distance_km, u)),
        n => format!("{n} new runs ({}).", km(ch.new_distance_km, u)),
    });
    let names = |v: &[Cause]| v.iter().map(|c| c.title()).collect::<Vec<_>>().join(", ");
    if !ch.newly_flagged.is_empty() {
        out.push(format!("Newly flagged: {}.", names(&ch.newly_flagged)));
    }
    if !ch.cleared.is_empty() {
        out.push(format!("No longer flagged: {}.", names(&ch.cleared)));
    }
    if ch.newly_flagged.is_empty() && ch.cleared.is_empty() {
        out.push("The same causes are flagged as last time.".to_owned());
    }
    out
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |first| first.to_uppercase().chain(c).collect())
}

/// "Local times from the files' own UTC offsets (47 runs) and the start position (3 runs)".
/// Reads the `source: count, …` summary the analysis writes; any other text is shown as is.
pub fn timezone(source: &str) -> String {
    let mut parts = Vec::new();
    for item in source.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let Some((k, n)) = item.split_once(':') else {
            return format!("Local times: {source}");
        };
        let Ok(n) = n.trim().parse::<u64>() else {
            return format!("Local times: {source}");
        };
        let what = match k.trim() {
            "file_offset" => "the files' own UTC offsets",
            "start_position" => "the start position",
            "configured" => "the time zone in the athlete profile",
            "utc" => "UTC (no offset or position in the file)",
            _ => return format!("Local times: {source}"),
        };
        let runs = if n == 1 { "run" } else { "runs" };
        parts.push(format!("{what} ({n} {runs})"));
    }
    match parts.len() {
        0 if source.trim().is_empty() => String::new(),
        0 => format!("Local times: {source}"),
        1 => format!("Local times from {}", parts[0]),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("Local times from {} and {last}", parts.join(", "))
        }
    }
}

/// A short name for a cause as a reason legs feel heavy.
pub fn reason(c: Cause) -> &'static str {
    match c {
        Cause::Overtraining => "a sudden jump in how much you run",
        Cause::Recovery => "too little rest between runs",
        Cause::Form => "a lower cadence than usual",
        Cause::Sleep => "short sleep",
        Cause::Nutrition => "long runs that fade late (possibly under-fuelled)",
        Cause::Circulation => "circulation",
        Cause::Hydration => "heat and fluid loss",
        Cause::Iron => "a rising heart rate at easy pace (worth an iron check)",
        Cause::WarmUp => "going hard without warming up",
        Cause::CoolDown => "stopping hard efforts without a cool-down",
        Cause::Shoes => "worn shoes",
    }
}

/// The latest local day a finding's evidence names.
pub fn latest_day(fd: &Finding) -> Option<NaiveDate> {
    fd.evidence.iter().filter_map(evidence_day).max()
}

/// The evidence item that carries a finding's one key number: the most
/// recent one that crossed the finding's strictest line for its metric (a
/// "worth a note" item with a lower line only when nothing else is there).
/// A week's figure is as recent as the week's last day: a week of short
/// sleep is the finding, its shortest night only an example from it.
pub fn key_evidence(fd: &Finding) -> Option<&Evidence> {
    let as_of = |e: &Evidence| match e.date {
        Some(_) => evidence_day(e),
        None => evidence_day(e).map(|start| start + chrono::Days::new(6)),
    };
    let strictest = |e: &Evidence| match e.limit {
        None => true,
        Some(l) => fd
            .evidence
            .iter()
            .filter(|o| o.metric == e.metric)
            .filter_map(|o| o.limit)
            .all(|o| o <= l),
    };
    let candidates: Vec<&Evidence> = fd.evidence.iter().filter(|e| strictest(e)).collect();
    let pool = if candidates.is_empty() {
        fd.evidence.iter().collect()
    } else {
        candidates
    };
    let latest = pool.iter().filter_map(|e| as_of(e)).max();
    pool.iter()
        .rev()
        .find(|e| as_of(e) == latest)
        .or(pool.last())
        .copied()
}

/// Flagged findings ranked for the answer: severity (high first), then the
/// most recent evidence, then cause order.
pub fn ranked(report: &Report) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|fd| fd.status == Status::Flagged)
        .collect();
    v.sort_by(|a, b| {
        (
            std::cmp::Reverse(a.severity),
            std::cmp::Reverse(latest_day(a)),
            a.cause,
        )
            .cmp(&(
                std::cmp::Reverse(b.severity),
                std::cmp::Reverse(latest_day(b)),
                b.cause,
            ))
    });
    v
}

/// How many flagged causes the answer names; the rest follow as "also flagged".
pub const ANSWER_CAUSES: usize = 3;

/// "likely" / "possibly" from severity, for the answer's sentences.
pub fn likelihood(s: Severity) -> &'static str {
    match s {
        Severity::High => "most likely",
        Severity::Moderate => "likely",
        Severity::Low | Severity::None => "possibly",
    }
}

/// The answer's opening sentence.
pub fn answer_lead(report: &Report) -> String {
    let ranked = ranked(report);
    if ranked.is_empty() {
        return if report.runs.is_empty() {
            "There are no runs to read, so the report cannot say why your legs feel heavy.".into()
        } else {
            "Nothing in these runs points to a training reason for heavy legs: no cause was flagged."
                .into()
        };
    }
    let n = ranked.len().min(ANSWER_CAUSES);
    if n == 1 {
        "The data points to one likely reason your legs feel heavy:".into()
    } else {
        format!("The data points to {n} likely reasons your legs feel heavy, most likely first:")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::{InputCounts, Period, WeekRow};

    fn report() -> Report {
        let week = |label: &str, start: NaiveDate, km: f64, runs: u32| WeekRow {
            week: label.into(),
            start,
            distance_km: km,
            moving_s: 0.0,
            runs,
            rest_days: 0,
            longest_run_km: 0.0,
            ramp_pct: None,
            acwr_rolling: None,
            acwr_ewma: None,
            monotony: None,
            strain: None,
            mean_cadence_spm: None,
            step_length_m: None,
            flagged: false,
        };
        let d = |m, dd| NaiveDate::from_ymd_opt(2026, m, dd).unwrap();
        Report {
            schema_version: 1,
            generated_at: String::new(),
            athlete: String::new(),
            period: Period {
                from: Some(d(9, 1)),
                to: Some(d(11, 22)),
            },
            window: None,
            timezone_source: String::new(),
            display_units: Units::Metric,
            inputs: InputCounts::default(),
            weeks: vec![
                week("2026-W38", d(9, 14), 36.0, 4),
                week("2026-W39", d(9, 21), 52.2, 5),
                week("2026-W41", d(10, 5), 40.0, 7),
            ],
            findings: vec![],
            rejected: vec![],
            skipped: vec![],
            runs: vec![],
            cadence_fit: None,
            speed_bins: vec![],
            changes: None,
            wellness: None,
        }
    }

    fn ev(
        week: Option<&str>,
        date: Option<&str>,
        metric: &str,
        value: f64,
        limit: Option<f64>,
    ) -> Evidence {
        Evidence {
            week: week.map(Into::into),
            date: date.map(Into::into),
            file: date.map(|_| "runs/x.fit".into()),
            metric: metric.into(),
            value,
            limit,
            note: "internal note".into(),
        }
    }

    fn say(e: Evidence) -> String {
        let s = evidence(&e, &report(), Units::Metric);
        assert!(!s.contains('_'), "internal name leaked: {s}");
        assert!(!s.contains("internal note"), "note leaked: {s}");
        s
    }

    #[test]
    fn ramp_names_both_weeks_in_the_display_unit() {
        let e = ev(Some("2026-W39"), None, "ramp_pct", 44.89, Some(30.0));
        assert_eq!(
            say(e.clone()),
            "Week of 21 Sep: 52 km, 45 % more than the week before (36 km)"
        );
        assert_eq!(
            evidence(&e, &report(), Units::Imperial),
            "Week of 21 Sep: 32 mi, 45 % more than the week before (22 mi)"
        );
    }

    #[test]
    fn acwr_and_returns() {
        assert_eq!(
            say(ev(Some("2026-W45"), None, "acwr_rolling", 2.64, Some(1.5))),
            "Week of 2 Nov: a load 2.6 times your usual week (the average of the 4 weeks before; up to 1.3 times is typical)"
        );
        assert!(
            say(ev(Some("2026-W45"), None, "acwr_ewma", 1.62, Some(1.5))).contains("1.6 times")
        );
        assert_eq!(
            say(ev(Some("2026-W45"), None, "return_ratio", 1.24, Some(1.0))),
            "Week of 2 Nov: first weeks back after a break, 24 % more than your usual week before the break"
        );
        assert!(
            say(ev(Some("2026-W45"), None, "return_acwr", 2.64, Some(1.5))).contains("2.6 times")
        );
    }

    #[test]
    fn recovery_metrics() {
        assert_eq!(
            say(ev(Some("2026-W41"), None, "rest_days", 0.0, Some(1.0))),
            "Week of 5 Oct: no rest day (7 runs)"
        );
        assert_eq!(
            say(ev(Some("2026-W41"), None, "monotony", 5.59, Some(2.0))),
            "Week of 5 Oct: every day about as hard as the next (monotony 5.59; above 2 is high)"
        );
        assert_eq!(
            say(ev(
                None,
                Some("2026-10-10"),
                "streak_days",
                15.0,
                Some(14.0)
            )),
            "15 days in a row with a run up to 10 Oct"
        );
    }

    #[test]
    fn run_metrics_name_the_day() {
        assert_eq!(
            say(ev(None, Some("2026-11-11"), "warm_up_s", 0.0, Some(300.0))),
            "No easy running before the hard effort on 11 Nov (5 min or more helps)"
        );
        assert_eq!(
            say(ev(
                None,
                Some("2026-11-11"),
                "warm_up_s",
                150.0,
                Some(300.0)
            )),
            "Only 2.5 min of easy running before the hard effort on 11 Nov (5 min or more helps)"
        );
        assert_eq!(
            say(ev(
                None,
                Some("2026-11-11"),
                "cool_down_s",
                0.0,
                Some(300.0)
            )),
            "No easy running after the hard effort on 11 Nov"
        );
        assert!(
            say(ev(
                None,
                Some("2026-11-11"),
                "easy_cadence_spm",
                161.6,
                Some(170.0)
            ))
            .contains("162 steps a minute")
        );
        assert!(
            say(ev(
                None,
                Some("2026-11-11"),
                "cadence_residual_spm",
                -4.0,
                None
            ))
            .contains("4 steps a minute below")
        );
        assert!(
            say(ev(
                None,
                Some("2026-11-11"),
                "cadence_residual_change_spm",
                -3.2,
                None
            ))
            .contains("3.2 steps a minute lower")
        );
        assert_eq!(
            say(ev(
                None,
                Some("2026-11-11"),
                "pace_fade_pct",
                12.3,
                Some(10.0)
            )),
            "The long run on 11 Nov slowed by 12 % towards the end"
        );
        assert!(
            say(ev(
                None,
                Some("2026-11-11"),
                "decoupling_pct",
                8.0,
                Some(5.0)
            ))
            .contains("drifted up 8 %")
        );
        assert!(
            say(ev(
                None,
                Some("2026-11-11"),
                "easy_hr_rise_bpm",
                6.0,
                Some(5.0)
            ))
            .contains("6 beats a minute higher")
        );
        assert!(say(ev(None, Some("2026-11-11"), "longest_run_km", 18.0, None)).contains("18 km"));
    }

    #[test]
    fn shoes_sleep_and_other_years() {
        assert_eq!(
            say(ev(None, Some("2026-11-11"), "shoe_km", 820.0, Some(800.0))),
            "A pair of shoes at 820 km up to 11 Nov (replace around 800 km)"
        );
        assert_eq!(
            say(ev(None, Some("2026-11-11"), "pairs_in_use", 1.0, Some(2.0))),
            "1 pair of shoes in use up to 11 Nov (2 or more to rotate)"
        );
        assert_eq!(
            say(ev(Some("2025-W40"), None, "sleep_mean_h", 6.14, Some(7.0))),
            "Week of 29 Sep 2025: 6.1 h of sleep a night on average (7 h or more is the aim)"
        );
    }

    #[test]
    fn wellness_metrics_read_as_sentences() {
        assert_eq!(
            say(ev(None, Some("2026-11-11"), "sleep_h", 5.62, Some(7.0))),
            "5.6 h of sleep the night to 11 Nov"
        );
        assert_eq!(
            say(ev(
                None,
                Some("2026-11-11"),
                "resting_hr_rise_bpm",
                6.87,
                Some(5.0)
            )),
            "Resting heart rate over the 7 days up to 11 Nov 7 beats a minute above your usual"
        );
        assert_eq!(
            say(ev(None, Some("2026-11-11"), "hrv_7d_ms", 44.95, Some(52.3))),
            "HRV over the 7 days up to 11 Nov at 45 ms, below your usual range (from 52 ms)"
        );
        assert_eq!(
            say(ev(
                None,
                Some("2026-11-11"),
                "ferritin_ug_l",
                28.0,
                Some(35.0)
            )),
            "Ferritin 28 µg/L in the blood test on 11 Nov (35 µg/L or more is the athletes' line)"
        );
    }

    #[test]
    fn the_ratings_lead_the_answer_with_the_latest_heavy_runs() {
        use crate::findings::felt::{Felt, FeltRun};
        let mut r = report();
        assert!(felt_lines(&r).is_none());
        let run = |day: u32, causes: Vec<Cause>| FeltRun {
            date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
            week: "2026-W46".into(),
            file: None,
            rating: "felt weak (25 of 100)".into(),
            causes,
        };
        let felt = Felt {
            rated: 20,
            heavy: 2,
            heavy_with_cause: 1,
            summary: "1 of the 2 runs you rated heavy came in weeks with short sleep.".into(),
            runs: vec![run(3, vec![]), run(12, vec![Cause::Sleep, Cause::Recovery])],
        };
        r.wellness = crate::report::wellness::WellnessSummary::new(
            &crate::wellness::Wellness {
                feels: vec![crate::wellness::Feel {
                    start: None,
                    date: None,
                    file: None,
                    feel: Some(25.0),
                    rpe: None,
                    legs: None,
                    origin: crate::wellness::Origin::GarminFit,
                }],
                ..Default::default()
            },
            &[],
            None,
            Some(felt),
        );
        let lines = felt_lines(&r).unwrap();
        assert_eq!(
            lines,
            vec![
                "How your runs felt: 1 of the 2 runs you rated heavy came in weeks with short sleep."
                    .to_string(),
                "- 12 Nov: felt weak (25 of 100) (that week: short sleep; too little recovery)"
                    .to_string(),
                "- 3 Nov: felt weak (25 of 100) (no pattern in that week)".to_string(),
            ]
        );
        assert_eq!(
            r.wellness.as_ref().unwrap().line(),
            "Wellness read: 20 rated runs from Garmin watch files."
        );
    }

    #[test]
    fn unknown_metric_still_reads() {
        assert_eq!(
            say(ev(
                None,
                Some("2026-11-11"),
                "ground_contact_ms",
                290.0,
                Some(260.0)
            )),
            "Ground contact on 11 Nov 290 ms (limit 260 ms)"
        );
        let s = say(ev(Some("2026-W39"), None, "mystery", 1.5, None));
        assert_eq!(s, "Week of 21 Sep: mystery 1.5");
    }

    #[test]
    fn every_metric_the_rules_emit_has_words() {
        // Keep in step with the findings: grep `for_week|for_run|for_date|evidence_for_label`.
        for m in [
            "ramp_pct",
            "acwr_rolling",
            "acwr_ewma",
            "return_ratio",
            "return_acwr",
            "rest_days",
            "monotony",
            "streak_days",
            "easy_cadence_spm",
            "cadence_residual_change_spm",
            "pace_fade_pct",
            "decoupling_pct",
            "warm_up_s",
            "cool_down_s",
            "shoe_km",
            "pairs_in_use",
            "sleep_mean_h",
            "sleep_h",
            "resting_hr_rise_bpm",
            "hrv_7d_ms",
            "ferritin_ug_l",
            "easy_hr_rise_bpm",
        ] {
            // `say` fails on any internal name (an underscore) or the raw note.
            let s = say(ev(Some("2026-W39"), Some("2026-09-23"), m, 3.0, Some(2.0)));
            assert!(s.len() > 12, "{m}: {s}");
        }
    }

    #[test]
    fn key_number_is_the_latest_item_over_the_strictest_line() {
        let f = Finding {
            cause: Cause::Recovery,
            status: Status::Flagged,
            severity: Severity::Moderate,
            summary: String::new(),
            evidence: vec![
                ev(Some("2026-W39"), None, "monotony", 1.72, Some(1.5)),
                ev(Some("2026-W41"), None, "monotony", 5.59, Some(2.0)),
                ev(Some("2026-W41"), None, "rest_days", 0.0, Some(1.0)),
                ev(Some("2026-W45"), None, "monotony", 1.83, Some(1.5)),
            ],
            threshold: String::new(),
            source: String::new(),
            advice: String::new(),
            history: vec![],
        };
        let key = key_evidence(&f).unwrap();
        assert_eq!(
            (key.metric.as_str(), key.week.as_deref()),
            ("rest_days", Some("2026-W41"))
        );
    }

    /// A week of short sleep is the finding; its shortest night, later in
    /// the same week, is an example and not the key number.
    #[test]
    fn a_weeks_figure_outranks_a_day_inside_that_week() {
        let f = Finding {
            cause: Cause::Sleep,
            status: Status::Flagged,
            severity: Severity::Moderate,
            summary: String::new(),
            evidence: vec![
                ev(Some("2026-W47"), None, "sleep_mean_h", 6.1, Some(7.0)),
                ev(None, Some("2026-11-19"), "sleep_h", 5.8, Some(7.0)),
            ],
            threshold: String::new(),
            source: String::new(),
            advice: String::new(),
            history: vec![],
        };
        assert_eq!(key_evidence(&f).unwrap().metric, "sleep_mean_h");
        // A day after the week's end is later, and wins.
        let mut later = f.clone();
        later.evidence[1].date = Some("2026-11-24".into());
        assert_eq!(key_evidence(&later).unwrap().metric, "sleep_h");
    }

    #[test]
    fn timezone_line_in_words() {
        assert_eq!(
            timezone("file_offset: 47, start_position: 3"),
            "Local times from the files' own UTC offsets (47 runs) and the start position (3 runs)"
        );
        assert_eq!(
            timezone("configured: 1"),
            "Local times from the time zone in the athlete profile (1 run)"
        );
        assert_eq!(
            timezone("file offsets, else Europe/Berlin"),
            "Local times: file offsets, else Europe/Berlin"
        );
        assert_eq!(timezone(""), "");
    }
}
