//! The demo athletes: who they are, every run they did, and which heavy-leg
//! patterns were planted in which weeks.
//!
//! A scenario is plain data so tests and `truth.json` can name weeks and
//! files; [`super::generate`] turns it into files. The story of the main demo
//! athlete (12 ISO weeks 2026-W36 … 2026-W47, Los Angeles, DST ends on
//! Sunday 2026-11-01 inside the window):
//!
//! | week | what happens |
//! |------|--------------|
//! | W36 | control week; Sunday-evening long run that is already Monday in UTC |
//! | W37 | (e) easy runs at ~160 spm with longer steps (others ~172) |
//! | W38 | (c) hot long run: 31 °C, ~98 min, HR drift + late pace fade |
//! | W39 | (a) ramp: +45 % distance, uncoupled ACWR ≥ 1.5 |
//! | W40 | control; cool ≥ 90 min long run; one run exported as FIT **and** GPX |
//! | W41 | (b) seven run days, no rest day |
//! | W42 | control days Tue–Thu, then the break starts on Friday |
//! | W43–W44 | (d) 16-day break; return run on Sunday 2026-11-01 (first PST day) |
//! | W45 | (d) return week well above the pre-break load |
//! | W46–W47 | (f) hard runs started without a warm-up |

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::findings::Cause;

use super::rng::Rng;

/// The runner's physiology: the lines HR and cadence follow with speed.
#[derive(Debug, Clone, PartialEq)]
pub struct Runner {
    pub easy_speed_mps: f64,
    pub easy_cadence_spm: f64,
    /// Cadence gained per m/s faster (cadence rises with speed).
    pub cadence_per_mps: f64,
    pub easy_hr_bpm: f64,
    pub hr_per_mps: f64,
    pub resting_hr_bpm: f64,
    pub max_hr_bpm: f64,
    pub vertical_oscillation_mm: f64,
    pub stance_time_ms: f64,
}

impl Runner {
    pub fn cadence_at(&self, speed_mps: f64) -> f64 {
        self.easy_cadence_spm + self.cadence_per_mps * (speed_mps - self.easy_speed_mps)
    }

    pub fn hr_at(&self, speed_mps: f64) -> f64 {
        self.easy_hr_bpm + self.hr_per_mps * (speed_mps - self.easy_speed_mps)
    }
}

/// A stretch of a run with linearly changing speed and heart-rate target.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub duration_s: f64,
    pub speed_start_mps: f64,
    pub speed_end_mps: f64,
    pub hr_start_bpm: f64,
    pub hr_end_bpm: f64,
    /// Added to the runner's cadence~speed line (negative = lower cadence).
    pub cadence_shift_spm: f64,
    /// 0–1: how much running form degrades over the segment (GCT, VO rise).
    pub fatigue: f64,
}

/// What kind of session a run is; decides its segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunKind {
    Easy,
    /// Easy run at ~11 spm below the runner's own line, with longer steps.
    EasyLowCadence,
    Long,
    /// 10-min easy warm-up, tempo block, 5-min cool-down.
    Tempo,
    /// Tempo block from the first second, then a 5-min cool-down.
    TempoNoWarmUp,
    /// ≥ 90 min in the heat: HR drifts up, pace fades late.
    HotLong,
}

impl RunKind {
    pub fn is_hard(self) -> bool {
        matches!(self, RunKind::Tempo | RunKind::TempoNoWarmUp)
    }
}

/// Which files a run is exported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Export {
    Fit,
    Gpx,
    /// The same run as a watch FIT and a Strava GPX: must count once.
    FitAndGpx,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunPlan {
    /// Stable id; also the FIT file stem.
    pub id: String,
    pub local_start: NaiveDateTime,
    pub kind: RunKind,
    pub segments: Vec<Segment>,
    pub temperature_c: f64,
    pub export: Export,
    /// Chest-strap running dynamics in the FIT records.
    pub dynamics: bool,
    pub sample_interval_s: u32,
    /// Strava activity id used for the GPX file name, when exported as GPX.
    pub gpx_id: Option<u64>,
    /// Timer stopped after this many moving seconds, for this many seconds (a traffic light).
    pub pause: Option<(u32, u32)>,
}

/// One planted pattern and the verdicts it should produce.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternPlan {
    pub kind: String,
    pub weeks: Vec<String>,
    /// Run ids (FIT stems) that carry the pattern.
    pub runs: Vec<String>,
    pub flagged: Vec<Cause>,
    pub clear: Vec<Cause>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub athlete: String,
    /// IANA zone the athlete lives in (GPX files carry no offset).
    pub timezone: String,
    pub home: (f64, f64),
    pub height_cm: f64,
    pub seed: u64,
    pub runner: Runner,
    pub device: Device,
    pub runs: Vec<RunPlan>,
    pub patterns: Vec<PatternPlan>,
    /// Verdicts over the whole history.
    pub flagged: Vec<Cause>,
    pub clear: Vec<Cause>,
    /// Causes watch data cannot show; a report must not flag them.
    pub not_flagged: Vec<Cause>,
    pub notes: BTreeMap<String, String>,
    /// Also write a Garmin account export with wellness data ([`super::garmin_export`]).
    pub garmin_export: bool,
}

/// ISO week label (`2026-W07`) of a date.
pub fn iso_week_label(d: NaiveDate) -> String {
    use chrono::Datelike;
    let w = d.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// Builds the segments of a run of `km` kilometres.
fn segments(runner: &Runner, kind: RunKind, km: f64, pace_jitter: f64) -> Vec<Segment> {
    let easy = runner.easy_speed_mps * pace_jitter;
    let seg = |dur: f64, v0: f64, v1: f64, h0: f64, h1: f64| Segment {
        duration_s: dur,
        speed_start_mps: v0,
        speed_end_mps: v1,
        hr_start_bpm: h0,
        hr_end_bpm: h1,
        cadence_shift_spm: 0.0,
        fatigue: 0.0,
    };
    let m = km * 1000.0;
    match kind {
        RunKind::Easy | RunKind::EasyLowCadence => {
            // A gentle first 10 minutes is the warm-up most runs have.
            let wu_v = easy * 0.95;
            let wu = seg(
                600.0,
                wu_v,
                wu_v,
                runner.hr_at(wu_v) - 3.0,
                runner.hr_at(wu_v),
            );
            let rest = (m - 600.0 * wu_v) / easy;
            let mut main = seg(
                rest,
                easy,
                easy,
                runner.hr_at(easy),
                runner.hr_at(easy) + 1.0,
            );
            let mut wu = wu;
            if kind == RunKind::EasyLowCadence {
                wu.cadence_shift_spm = -11.0;
                main.cadence_shift_spm = -11.0;
            }
            vec![wu, main]
        }
        RunKind::Long => {
            let v = easy * 0.985;
            let wu_v = v * 0.95;
            let wu = seg(
                600.0,
                wu_v,
                wu_v,
                runner.hr_at(wu_v) - 3.0,
                runner.hr_at(wu_v),
            );
            let rest = (m - 600.0 * wu_v) / v;
            // Normal cardiac drift on a cool day: ~3 bpm over the run.
            vec![
                wu,
                seg(rest, v, v, runner.hr_at(v) + 1.0, runner.hr_at(v) + 4.0),
            ]
        }
        RunKind::Tempo | RunKind::TempoNoWarmUp => {
            let hard = 3.33 * pace_jitter;
            let cool_v = easy * 0.94;
            let mut out = Vec::new();
            let mut left = m - 300.0 * cool_v;
            if kind == RunKind::Tempo {
                let wu_v = easy * 0.955;
                out.push(seg(
                    600.0,
                    wu_v,
                    wu_v,
                    runner.hr_at(wu_v) - 6.0,
                    runner.hr_at(wu_v),
                ));
                left -= 600.0 * wu_v;
            }
            out.push(seg(
                left / hard,
                hard,
                hard,
                runner.hr_at(hard),
                runner.hr_at(hard) + 3.0,
            ));
            out.push(seg(
                300.0,
                cool_v,
                cool_v,
                runner.hr_at(cool_v),
                runner.hr_at(cool_v),
            ));
            out
        }
        RunKind::HotLong => {
            let v = 2.95;
            let fade_s = 1800.0;
            let fade_end = 2.65;
            let fade_m = fade_s * (v + fade_end) / 2.0;
            let steady_s = (m - fade_m) / v;
            let mut fade = seg(fade_s, v, fade_end, 163.0, 172.0);
            fade.fatigue = 1.0;
            vec![seg(steady_s, v, v, 145.0, 163.0), fade]
        }
    }
}

/// Accumulates runs for one athlete with stable ids and seeds.
struct Builder {
    runner: Runner,
    first_monday: NaiveDate,
    rng: Rng,
    runs: Vec<RunPlan>,
    next_gpx_id: u64,
    sample_interval_s: Option<u32>,
    dynamics: bool,
    temperature_c: f64,
}

impl Builder {
    fn new(runner: Runner, first_monday: NaiveDate, seed: u64, gpx_base: u64) -> Builder {
        Builder {
            runner,
            first_monday,
            rng: Rng::new(seed),
            runs: Vec::new(),
            next_gpx_id: gpx_base,
            sample_interval_s: None,
            dynamics: true,
            temperature_c: 17.0,
        }
    }

    /// Adds a run in week `week` (0 = first), ISO weekday `wd` (0 = Monday) at local `hh:mm`.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &mut self,
        week: u32,
        wd: u32,
        hh: u32,
        mm: u32,
        kind: RunKind,
        km: f64,
        export: Export,
    ) -> String {
        let date = self.first_monday + Duration::days((week * 7 + wd) as i64);
        let secs = (self.rng.uniform(0.0, 60.0) as u32).min(59);
        let time = NaiveTime::from_hms_opt(hh, mm, secs).unwrap_or(NaiveTime::MIN);
        let local_start = date.and_time(time);
        let jitter = self.rng.uniform(0.98, 1.02);
        let segs = segments(&self.runner, kind, km, jitter);
        let duration: f64 = segs.iter().map(|s| s.duration_s).sum();
        // Watches thin their records on long runs ("smart recording"); keeps files small.
        let interval = self
            .sample_interval_s
            .unwrap_or_else(|| ((duration / 1100.0).ceil() as u32).clamp(1, 5));
        let id = local_start.format("%Y-%m-%d-%H-%M-%S").to_string();
        let gpx_id = (export != Export::Fit).then(|| {
            self.next_gpx_id += 1_000_003;
            self.next_gpx_id
        });
        let temperature_c = if kind == RunKind::HotLong {
            31.0
        } else {
            self.temperature_c + self.rng.uniform(-2.5, 2.5)
        };
        self.runs.push(RunPlan {
            id: id.clone(),
            local_start,
            kind,
            segments: segs,
            temperature_c,
            export,
            dynamics: self.dynamics && export != Export::Gpx,
            sample_interval_s: interval,
            gpx_id,
            pause: None,
        });
        id
    }

    /// Stops the timer of the last added run after `at_s` moving seconds for `len_s` seconds.
    fn pause_last(&mut self, at_s: u32, len_s: u32) {
        if let Some(r) = self.runs.last_mut() {
            r.pause = Some((at_s, len_s));
        }
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// The README demo: 12 weeks, Los Angeles, every pattern in its own weeks.
pub fn demo_athlete() -> Scenario {
    use Export::*;
    use RunKind::*;
    let runner = Runner {
        easy_speed_mps: 2.90,
        easy_cadence_spm: 172.0,
        cadence_per_mps: 10.0,
        easy_hr_bpm: 140.0,
        hr_per_mps: 60.0,
        resting_hr_bpm: 52.0,
        max_hr_bpm: 188.0,
        vertical_oscillation_mm: 86.0,
        stance_time_ms: 248.0,
    };
    let first_monday = date(2026, 8, 31);
    let wk = |w: u32| iso_week_label(first_monday + Duration::days(w as i64 * 7));
    let mut b = Builder::new(
        runner.clone(),
        first_monday,
        0x4845_4156_594C_4547,
        15_800_000_000,
    );
    b.temperature_c = 18.0;

    // The chest strap (running dynamics) arrives in W37 and is forgotten in W42.
    b.dynamics = false;
    // W36 control (rest Mon, Fri, Sat). The Sunday long run starts 17:40 PDT = Monday 00:40 UTC.
    b.run(0, 1, 6, 30, Easy, 6.0, Fit);
    b.run(0, 2, 18, 0, Tempo, 7.0, Fit);
    let gpx_only_1 = b.run(0, 3, 6, 35, Easy, 6.0, Gpx);
    let sunday_evening = b.run(0, 6, 17, 40, Long, 11.0, Fit);

    // W37 (e) low-cadence easy runs.
    b.dynamics = true;
    let lc1 = b.run(1, 1, 6, 30, EasyLowCadence, 6.0, Fit);
    b.run(1, 2, 18, 5, Tempo, 7.0, Fit);
    let lc2 = b.run(1, 3, 6, 30, EasyLowCadence, 6.0, Fit);
    let lc3 = b.run(1, 5, 8, 0, EasyLowCadence, 5.0, Fit);
    b.run(1, 6, 7, 30, Long, 10.0, Fit);

    // W38 (c) the hot long run on Saturday late morning.
    b.run(2, 1, 6, 30, Easy, 6.0, Fit);
    b.run(2, 2, 18, 0, Tempo, 7.0, Fit);
    b.run(2, 3, 6, 30, Easy, 6.0, Fit);
    let hot = b.run(2, 5, 10, 45, HotLong, 17.0, Fit);

    // W39 (a) ramp: 36 → ~52 km.
    let mut ramp_runs = vec![
        b.run(3, 0, 6, 30, Easy, 6.0, Fit),
        b.run(3, 1, 6, 30, Easy, 8.0, Fit),
        b.run(3, 2, 18, 0, Tempo, 10.0, Fit),
        b.run(3, 3, 6, 30, Easy, 8.0, Fit),
        b.run(3, 5, 8, 0, Easy, 6.0, Fit),
    ];
    ramp_runs.push(b.run(3, 6, 7, 30, Long, 14.2, Fit));

    // W40 control: cool long run ≥ 90 min, Sunday rest; Thursday exported twice.
    b.temperature_c = 15.0;
    let paused = b.run(4, 1, 6, 30, Easy, 7.0, Fit);
    b.pause_last(1500, 95);
    b.run(4, 2, 18, 0, Tempo, 8.0, Fit);
    let both = b.run(4, 3, 6, 30, Easy, 6.0, FitAndGpx);
    let cool_long = b.run(4, 5, 7, 0, Long, 17.0, Fit);

    // W41 (b) seven run days.
    let mut no_rest = Vec::new();
    for (wd, kind, km) in [
        (0, Easy, 6.0),
        (1, Easy, 6.0),
        (2, Tempo, 6.5),
        (3, Easy, 6.0),
        (4, Easy, 5.5),
        (5, Easy, 6.0),
        (6, Easy, 6.0),
    ] {
        let hh = if kind == Tempo { 18 } else { 6 };
        no_rest.push(b.run(5, wd, hh, 30, kind, km, Fit));
    }

    // W42: Tue–Thu, then the break begins on Friday 2026-10-16.
    b.dynamics = false;
    b.temperature_c = 13.0;
    b.run(6, 1, 6, 30, Easy, 7.0, Fit);
    b.run(6, 2, 18, 0, Tempo, 8.0, Fit);
    let gpx_only_2 = b.run(6, 3, 6, 30, Easy, 6.0, Gpx);

    // W43–W44: nothing until Sunday 2026-11-01, the first day of PST.
    b.dynamics = true;
    b.temperature_c = 12.0;
    let return_run = b.run(8, 6, 8, 0, Easy, 6.0, Fit);
    // W45 (d) the return week.
    let mut return_week = vec![
        b.run(9, 0, 6, 30, Easy, 7.0, Fit),
        b.run(9, 1, 6, 30, Easy, 8.0, Fit),
        b.run(9, 2, 18, 0, Tempo, 10.0, Fit),
        b.run(9, 3, 6, 30, Easy, 8.0, Fit),
        b.run(9, 5, 8, 0, Easy, 6.0, Fit),
    ];
    return_week.push(b.run(9, 6, 7, 30, Long, 13.0, Fit));

    // W46–W47 (f) hard runs without warm-up.
    b.run(10, 1, 6, 30, Easy, 7.0, Fit);
    let nwu1 = b.run(10, 2, 18, 0, TempoNoWarmUp, 9.0, Fit);
    b.run(10, 3, 6, 30, Easy, 6.0, Fit);
    let nwu2 = b.run(10, 5, 8, 0, TempoNoWarmUp, 6.0, Fit);
    b.run(10, 6, 7, 30, Long, 12.0, Fit);
    b.run(11, 1, 6, 30, Easy, 7.0, Fit);
    let nwu3 = b.run(11, 2, 18, 0, TempoNoWarmUp, 9.0, Fit);
    let nwu4 = b.run(11, 4, 6, 30, TempoNoWarmUp, 6.0, Fit);
    let gpx_only_3 = b.run(11, 5, 8, 0, Easy, 6.0, Gpx);
    b.run(11, 6, 7, 30, Long, 8.0, Fit);

    use Cause::*;
    let patterns = vec![
        PatternPlan {
            kind: "control".into(),
            weeks: vec![wk(0), wk(4)],
            runs: vec![],
            flagged: vec![],
            clear: vec![Overtraining, Recovery, Form, WarmUp, Hydration, Nutrition],
            note: "clean weeks: ≥ 2 rest days, ramp ≤ +30 %, warm-ups, cadence ~172, cool runs".into(),
        },
        PatternPlan {
            kind: "ramp".into(),
            weeks: vec![wk(3)],
            runs: ramp_runs,
            flagged: vec![Overtraining],
            clear: vec![Recovery],
            note: "week distance +45 % over the previous week; ACWR ≥ 1.5 against the 3 weeks before".into(),
        },
        PatternPlan {
            kind: "no_rest_days".into(),
            weeks: vec![wk(5)],
            runs: no_rest,
            flagged: vec![Recovery],
            clear: vec![],
            note: "7 run days of near-equal distance: monotony (mean/SD of daily load) far above 2".into(),
        },
        PatternPlan {
            kind: "hot_long_run".into(),
            weeks: vec![wk(2)],
            runs: vec![hot.clone()],
            flagged: vec![Hydration, Nutrition],
            clear: vec![],
            note: "31 °C, ≥ 90 min: HR drifts up at constant pace (decoupling > 10 %), pace fades in the last 30 min; the cool ≥ 90 min control run is ".to_string() + &cool_long,
        },
        PatternPlan {
            kind: "comeback".into(),
            weeks: vec![wk(8), wk(9), wk(10)],
            runs: std::iter::once(return_run).chain(return_week).collect(),
            flagged: vec![Overtraining],
            clear: vec![],
            note: "16 days without running (2026-10-16 … 2026-10-31), then a return week above the pre-break weekly load; ACWR flags in W45–W46 belong to this pattern".into(),
        },
        PatternPlan {
            kind: "low_easy_cadence".into(),
            weeks: vec![wk(1)],
            runs: vec![lc1, lc2, lc3],
            flagged: vec![Form],
            clear: vec![],
            note: "easy runs at ~160 spm with longer steps while the runner's own line gives ~172 at the same speed. Decision: form IS flagged overall, severity low, evidence limited to these runs; the athlete's typical easy cadence (~172) is fine".into(),
        },
        PatternPlan {
            kind: "no_warm_up".into(),
            weeks: vec![wk(10), wk(11)],
            runs: vec![nwu1, nwu2, nwu3, nwu4],
            flagged: vec![WarmUp],
            clear: vec![],
            note: "tempo runs start at tempo pace from the first second; every earlier tempo run has a 10-min easy warm-up".into(),
        },
    ];
    let mut notes = BTreeMap::new();
    let files = |id: &str| {
        b.runs
            .iter()
            .find(|r| r.id == id)
            .map(|r| file_names(r).join(" + "))
            .unwrap_or_default()
    };
    notes.insert(
        "pause".into(),
        format!("{paused}.fit stops its timer for 95 s after 25 min (timer < elapsed)"),
    );
    notes.insert(
        "dedupe".into(),
        format!(
            "{} are the same run (watch FIT, Strava GPX): count it once",
            files(&both)
        ),
    );
    notes.insert(
        "gpx_only".into(),
        format!(
            "{}, {}, {}: GPX only (no UTC offset: use the position / America/Los_Angeles)",
            files(&gpx_only_1),
            files(&gpx_only_2),
            files(&gpx_only_3)
        ),
    );
    notes.insert(
        "utc_week_trap".into(),
        format!("{sunday_evening}.fit starts Sunday 17:40 PDT = Monday 00:40 UTC: it belongs to local week {}", wk(0)),
    );
    notes.insert(
        "dst".into(),
        "DST ends 2026-11-01 in Los Angeles: offset −7 h before, −8 h from the return run on"
            .into(),
    );
    notes.insert(
        "gpx_cadence".into(),
        "GPX cadence is Strava-style steps/min (median ≥ 120 rule)".into(),
    );

    Scenario {
        athlete: "Dana Demo".into(),
        timezone: "America/Los_Angeles".into(),
        home: (34.1366, -118.2942),
        height_cm: 168.0,
        seed: 0x4845_4156_594C_4547,
        runner,
        device: Device {
            manufacturer: 1,
            product: 3113,
            serial: 3_456_789_012,
        },
        runs: b.runs,
        patterns,
        // Sleep and shoes come from the Garmin-style export written beside the files.
        flagged: vec![
            Overtraining,
            Recovery,
            Form,
            Sleep,
            Nutrition,
            Hydration,
            WarmUp,
            Shoes,
        ],
        clear: vec![],
        not_flagged: vec![Circulation, Iron, CoolDown],
        notes,
        garmin_export: true,
    }
}

/// Three athletes for a coach folder: one ramping fast, one steady and clean, one never resting.
pub fn coach_athletes() -> Vec<(String, Scenario)> {
    use Cause::*;
    use Export::*;
    use RunKind::*;
    let first_monday = date(2026, 10, 12); // W42 … W47
    let wk = |w: u32| iso_week_label(first_monday + Duration::days(w as i64 * 7));
    let all_weeks: Vec<String> = (0..6).map(wk).collect();
    let base_runner = Runner {
        easy_speed_mps: 2.95,
        easy_cadence_spm: 174.0,
        cadence_per_mps: 10.0,
        easy_hr_bpm: 138.0,
        hr_per_mps: 60.0,
        resting_hr_bpm: 50.0,
        max_hr_bpm: 186.0,
        vertical_oscillation_mm: 84.0,
        stance_time_ms: 245.0,
    };
    let coarse = |b: &mut Builder| {
        b.sample_interval_s = Some(5);
        b.dynamics = false;
    };

    // Ana: +35 % week after week, then a forced drop.
    let mut b = Builder::new(base_runner.clone(), first_monday, 0xA11A, 16_100_000_000);
    coarse(&mut b);
    b.temperature_c = 9.0;
    for (w, km) in [20.0, 27.0, 36.5, 49.0, 66.0, 40.0].into_iter().enumerate() {
        let w = w as u32;
        let long = (km * 0.3f64).min(20.0);
        let tempo = km * 0.2;
        let easy = (km - long - tempo) / 2.0;
        b.run(w, 1, 7, 0, Easy, easy, Fit);
        b.run(w, 2, 18, 30, Tempo, tempo, Fit);
        b.run(w, 3, 7, 0, Easy, easy, Fit);
        b.run(w, 6, 9, 0, Long, long, Fit);
    }
    let ana = Scenario {
        athlete: "Ana Ramp".into(),
        timezone: "Europe/Berlin".into(),
        home: (48.1372, 11.5756),
        height_cm: 172.0,
        seed: 0xA11A,
        runner: base_runner.clone(),
        device: Device {
            manufacturer: 1,
            product: 3992,
            serial: 1_111_222_333,
        },
        runs: b.runs,
        patterns: vec![PatternPlan {
            kind: "ramp".into(),
            weeks: all_weeks[1..5].to_vec(),
            runs: vec![],
            flagged: vec![Overtraining],
            clear: vec![Recovery, WarmUp, Form],
            note: "+35 % distance every week for four weeks".into(),
        }],
        flagged: vec![Overtraining],
        clear: vec![Recovery, WarmUp, Form],
        not_flagged: vec![Sleep, Circulation, Iron, Shoes, CoolDown],
        notes: BTreeMap::new(),
        garmin_export: false,
    };

    // Ben: 35 km ± 1 with rest days, warm-ups and a good cadence.
    let mut b = Builder::new(base_runner.clone(), first_monday, 0xBE7, 16_200_000_000);
    coarse(&mut b);
    b.temperature_c = 11.0;
    for (w, km) in [35.0, 36.0, 34.0, 36.0, 35.0, 36.0].into_iter().enumerate() {
        let w = w as u32;
        b.run(w, 1, 6, 45, Easy, km * 0.22, Fit);
        b.run(w, 3, 6, 45, Tempo, km * 0.22, Fit);
        b.run(w, 5, 8, 0, Easy, km * 0.2, Fit);
        b.run(w, 6, 8, 30, Long, km * 0.36, Fit);
    }
    let ben = Scenario {
        athlete: "Ben Steady".into(),
        timezone: "America/New_York".into(),
        home: (40.7812, -73.9665),
        height_cm: 183.0,
        seed: 0xBE7,
        runner: Runner {
            easy_cadence_spm: 176.0,
            ..base_runner.clone()
        },
        device: Device {
            manufacturer: 255,
            product: 1,
            serial: 2_222_333_444,
        },
        runs: b.runs,
        patterns: vec![PatternPlan {
            kind: "control".into(),
            weeks: all_weeks.clone(),
            runs: vec![],
            flagged: vec![],
            clear: vec![Overtraining, Recovery, WarmUp, Form],
            note: "steady 34–36 km weeks, 3 rest days each, every hard run warmed up".into(),
        }],
        flagged: vec![],
        clear: vec![Overtraining, Recovery, WarmUp, Form],
        not_flagged: vec![Sleep, Circulation, Iron, Shoes, CoolDown],
        notes: BTreeMap::new(),
        garmin_export: false,
    };

    // Cy: runs every single day, ~5 km, steady weeks.
    let mut b = Builder::new(base_runner.clone(), first_monday, 0xC1, 16_300_000_000);
    coarse(&mut b);
    b.temperature_c = 20.0;
    let mut cy_runs = Vec::new();
    for w in 0..6u32 {
        for wd in 0..7u32 {
            let kind = if wd == 2 { Tempo } else { Easy };
            let km = if wd == 2 {
                5.5
            } else {
                4.9 + 0.1 * ((w + wd) % 3) as f64
            };
            cy_runs.push(b.run(w, wd, 6, 0, kind, km, Fit));
        }
    }
    let cy = Scenario {
        athlete: "Cy Streak".into(),
        timezone: "Australia/Sydney".into(),
        home: (-33.8688, 151.2093),
        height_cm: 176.0,
        seed: 0xC1,
        runner: base_runner,
        device: Device {
            manufacturer: 1,
            product: 3113,
            serial: 3_333_444_555,
        },
        runs: b.runs,
        patterns: vec![PatternPlan {
            kind: "no_rest_days".into(),
            weeks: all_weeks,
            runs: vec![],
            flagged: vec![Recovery],
            clear: vec![Overtraining, WarmUp, Form],
            note: "42 consecutive run days (streak ≥ 14), monotony far above 2 every week".into(),
        }],
        flagged: vec![Recovery],
        clear: vec![Overtraining, WarmUp, Form],
        not_flagged: vec![Sleep, Circulation, Iron, Shoes, CoolDown],
        notes: BTreeMap::new(),
        garmin_export: false,
    };
    let _ = cy_runs;
    vec![("ana".into(), ana), ("ben".into(), ben), ("cy".into(), cy)]
}

/// Device identity written to file_id / device_info.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub manufacturer: u16,
    pub product: u16,
    pub serial: u32,
}

/// File names of a run, FIT first.
pub fn file_names(plan: &RunPlan) -> Vec<String> {
    let fit = format!("{}.fit", plan.id);
    let gpx = match plan.gpx_id {
        Some(id) => format!("{id}.gpx"),
        None => format!("{}.gpx", plan.id),
    };
    match plan.export {
        Export::Fit => vec![fit],
        Export::Gpx => vec![gpx],
        Export::FitAndGpx => vec![fit, gpx],
    }
}
