//! Every number the findings rules compare against, with where it comes from.
//!
//! The defaults follow `shared/research/anchors-features.md` §3. A pipeline
//! file may override any of them in a `[thresholds]` table; unknown keys are
//! rejected so a typo cannot silently fall back to a default. [`SOURCES`]
//! maps each field to its citation and evidence grade, so findings and docs
//! quote one table instead of repeating citations by hand.
//!
//! Evidence grades: **A** RCT / systematic review with a consistent result,
//! **B** prospective cohort or lab study on a relevant outcome, **C** single
//! small or retrospective study, team-sport extrapolation or surrogate
//! biomechanics, **D** convention, practitioner or vendor rule.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    // ---- overtraining: ramp, ACWR, comeback -------------------------------
    /// Week-over-week distance rise named in the summary, %; a spike only
    /// when the week is also above the runner's capacity (a return to usual
    /// volume after an easy week is not). Nielsen 2014 (> 30 % over 2 weeks,
    /// HR 1.59, CI 0.96–2.66) — grade C.
    pub ramp_spike_pct: f64,
    /// Rise above which a week is worth watching, %. Buist 2008 found the
    /// 10 % rule no safer than a faster plan, so this never flags alone — grade A against it.
    pub ramp_watch_pct: f64,
    /// Previous-week distance below which a ramp % is ignored (3 → 6 km is
    /// +100 % but no load spike), km. Convention — grade D.
    pub ramp_min_previous_km: f64,
    /// ACWR below this is "low" (detraining side). Gabbett 2016 — grade C.
    pub acwr_low: f64,
    /// Upper end of the 0.8–1.3 "sweet spot". Gabbett 2016 — grade C.
    pub acwr_sweet_max: f64,
    /// ACWR at or above this is a spike. Gabbett 2016, Hulin 2014,
    /// Williams 2017 (EWMA); contested by Impellizzeri 2020 — grade C.
    pub acwr_spike: f64,
    /// Days of history before an ACWR value is trusted (one chronic window).
    pub acwr_min_history_days: u32,
    /// A gap at least this long counts as a break, days. Blanch & Gabbett 2016 — grade C/D.
    pub comeback_gap_days: u32,
    /// During a break the weekly volume is below this share of the usual, 0–1.
    pub comeback_volume_share: f64,
    /// A return week above this multiple of the pre-break weekly distance is too soon.
    pub comeback_return_ratio: f64,
    /// Weeks before a week that say what this runner recently handled (its
    /// "capacity"). Bertelsen 2017 framework: load tolerated depends on recent training — grade D.
    pub capacity_weeks: u32,
    /// Finished weeks with runs the capacity needs before a week can be judged.
    pub capacity_min_weeks: u32,
    /// A week above this multiple of the highest of the capacity weeks is a
    /// spike. Nielsen 2014 (> 30 %), Damsted 2019 (+20–60 %) — grade C.
    pub capacity_spike_ratio: f64,
    /// ... and at least this much above it, km, so a low-volume runner's
    /// ordinary wobble (12 → 17 km) is not a spike. Convention — grade D.
    pub capacity_min_increase_km: f64,
    /// A week at this multiple of anything in the capacity weeks is a large
    /// spike (severity high when recent and backed by ACWR) — grade D.
    pub capacity_high_ratio: f64,
    /// Days before the as-of day in which a large spike counts as recent.
    pub spike_recent_days: u32,

    // ---- recovery: monotony, rest days, streaks ---------------------------
    /// Foster monotony above which a week is flagged. Foster 1998 — grade C.
    pub monotony_flag: f64,
    /// Monotony at or above which a week is worth a note (Runalyze warning level) — grade C/D.
    pub monotony_warn: f64,
    /// Consecutive run days at or above which a streak is flagged — grade D.
    pub streak_days: u32,
    /// A window week without a rest day flags only when at least this share
    /// of the runner's recent baseline weeks had one (a change from their
    /// habit); for a runner who habitually runs daily it is a note and the
    /// streak rule speaks. Convention — grade D.
    pub rest_habit_share: f64,
    /// Share of the window's runs with HR that are moderate or hard (median
    /// HR ≥ 82 % of max) at or above which "no easy days" is flagged, 0–1.
    /// When the 12 weeks before the window had the same mix it is the
    /// runner's habit and only noted (convention, calibrated on real runners).
    /// Seiler 2010; Stöggl & Sperlich 2014 (polarised ≈ 75–80 % easy) — grade C.
    pub no_easy_share: f64,
    /// Runs with HR the window needs before "no easy days" can flag. Convention — grade D.
    pub no_easy_min_runs: u32,

    // ---- form: cadence and step length ------------------------------------
    /// Easy-pace cadence below this is low by rule of thumb, spm.
    /// Lieberman 2015 (~170 spm metabolic optimum at 3 m/s), Heiderscheit 2011 — grade B/D.
    pub cadence_low_spm: f64,
    /// Cadence this far below the athlete's own cadence~speed fit counts as
    /// low for them, spm (negative). Convention on Heiderscheit's +5 % — grade C.
    pub cadence_residual_spm: f64,
    /// Share of runs with cadence data low on both counts that makes the pattern a
    /// habit (moderate); `share_min_runs` such runs already flag it at low severity, 0–1.
    pub form_flag_share: f64,
    /// Fall of the mean cadence residual (same speed, so longer steps) in the
    /// recent window vs before, spm (negative). Convention — grade D.
    pub form_drift_spm: f64,
    /// Recent window for the step-length drift, days.
    pub form_drift_window_days: u32,
    /// Population reference cadence at 3.0 m/s for a runner of
    /// `form_reference_height_cm`, spm. Lieberman 2015, van Oeveren 2017 — grade B.
    pub form_population_cadence_spm: f64,
    /// Rise of the reference cadence per m/s of speed. van Oeveren 2017 — grade C.
    pub form_population_slope_spm_per_mps: f64,
    /// Height the reference is for; the reference scales with reference ÷ own height
    /// (same step length ÷ height), cm. Gordon 2017 — grade C.
    pub form_reference_height_cm: f64,
    /// Easy cadence this far below the height- and speed-adjusted reference is
    /// low for the population, %. Heiderscheit 2011 (+5–10 %) — grade C.
    pub form_population_margin_pct: f64,
    /// Ground contact at or above this is long (Garmin orange/red: slowest 30 % of users), ms — grade D.
    pub form_long_contact_ms: f64,
    /// Vertical ratio at or above this is high (Garmin orange/red), % — grade D.
    pub form_high_vertical_ratio_pct: f64,

    // ---- within-run fatigue: decoupling, heat, fuelling -------------------
    /// Aerobic decoupling above this is moderate, %. Friel — grade D.
    pub decoupling_moderate_pct: f64,
    /// Aerobic decoupling above this is poor / confounded, %. Friel — grade D.
    pub decoupling_poor_pct: f64,
    /// Mean run temperature above which drift is attributed to heat first, °C.
    /// Adams 2014, Sawka 2015 — grade A/B physiology, C detection.
    pub heat_c: f64,
    /// Runs at least this long count as long runs for fuelling, s.
    /// Thomas 2016 (ACSM/AND/DC), Jeukendrup 2014 — grade A performance.
    pub long_run_s: f64,
    /// Late-run speed drop above which a long run "faded", %. Convention — grade D.
    pub pace_fade_pct: f64,

    // ---- iron heuristic ----------------------------------------------------
    /// Rise of easy-pace HR that prompts the iron nudge, bpm. Heuristic — grade D.
    pub iron_hr_rise_bpm: f64,
    /// The rise must span at least this many days (baseline end → recent end).
    pub iron_span_days: u32,
    /// Length of the baseline and recent windows compared, days.
    pub iron_window_days: u32,
    /// Weekly distance rise between the windows that explains the HR rise, %.
    pub iron_volume_rise_pct: f64,
    /// Ferritin below this marks iron depletion in an athlete, µg/L.
    /// Peeling et al. 2008 (stage-1 iron deficiency < 35 µg/L) — grade B.
    pub iron_ferritin_low_ug_l: f64,
    /// A ferritin value older than this (before the window's last day) no
    /// longer decides the iron verdict, days. Convention — grade D.
    pub iron_ferritin_max_age_days: u32,

    // ---- warm-up / cool-down ----------------------------------------------
    /// Easy running before the first hard effort that counts as a warm-up, s.
    /// Fradkin 2010 — grade B performance, C injury.
    pub warm_up_min_s: f64,
    /// Time at ≥ 88 % of max HR that makes a run without speed a hard effort, s. Convention — grade D.
    pub hard_effort_min_s: f64,
    /// A run has a distinct hard effort when its fastest 5 minutes are at least
    /// this multiple of the slower of its own easy part and the athlete's usual
    /// easy speed. Convention — grade D.
    pub hard_effort_speed_ratio: f64,
    /// Share of hard runs without a warm-up that flags the habit, 0–1.
    pub warm_up_flag_share: f64,
    /// Easy running after the last hard effort that counts as a cool-down, s.
    /// Van Hooren & Peake 2018: informational only — grade B against a benefit.
    pub cool_down_min_s: f64,
    /// Share of hard runs without a cool-down that earns the note, 0–1.
    pub cool_down_flag_share: f64,
    /// Fewest runs a share rule needs before it can flag.
    pub share_min_runs: u32,

    // ---- shoes --------------------------------------------------------------
    /// Default retire-at distance for a pair without its own limit, km.
    /// Cook 1985 (cushioning loss with mileage) — grade C/D.
    pub shoe_limit_km: f64,
    /// Pairs in use within the rotation window below which rotation is suggested.
    /// Malisoux 2015 (parallel use HR 0.614, CI 0.389–0.969) — grade B/C.
    pub shoe_rotation_min_pairs: u32,
    /// Window over which pairs in use are counted, days.
    pub shoe_rotation_window_days: u32,

    // ---- sleep ----------------------------------------------------------------
    /// Weekly mean sleep below this is flagged, h. Watson et al. 2015
    /// (adults need ≥ 7 h) and Walsh et al. 2021 (athletes) — grade A for health.
    pub sleep_min_h: f64,
    /// Nights with data a week needs before its mean is used.
    pub sleep_min_nights: u32,
    /// A short week under this mean is moderate even alone, h. Convention — grade D.
    pub sleep_very_short_h: f64,

    // ---- recovery markers: resting HR and HRV ------------------------------
    /// Days before the window that make the runner's own resting-HR and HRV
    /// baseline (HRV4Training's 60-day normal values) — grade D.
    pub marker_baseline_days: u32,
    /// Days with a value the baseline needs before a marker is judged — grade D.
    pub marker_min_baseline_days: u32,
    /// A 7-day resting-HR mean this far above the runner's baseline mean is
    /// raised, bpm. Buchheit 2014 (judge against the runner's own smallest
    /// worthwhile change); Dressendorfer 1985 (+10 bpm in overload); +5 is a
    /// convention — grade D.
    pub rhr_rise_bpm: f64,
    /// Days of the 7 that must each be that high, so one feverish day is not
    /// a trend — grade D.
    pub rhr_min_days: u32,
    /// HRV is low when the 7-day mean of ln rMSSD is below the baseline mean
    /// minus this many SDs of the baseline's daily values. Plews et al.
    /// 2013/2014 (7-day rolling ln rMSSD, smallest worthwhile change
    /// 0.5 SD); Kiviniemi et al. 2007 — grade C.
    pub hrv_band_sd: f64,
    /// Nights with HRV a 7-day mean needs. Plews et al. 2014 (≥ 3 a week) — grade B.
    pub hrv_min_nights: u32,
    /// Consecutive days a marker must stay out of the runner's band before it
    /// counts — grade D.
    pub marker_min_run_days: u32,

    // ---- how runs felt -------------------------------------------------------
    /// A Garmin `workout_feel` at or below this (0 very weak … 100 very
    /// strong; 25 = "weak") rates a run heavy — grade D.
    pub felt_weak_max: f64,
    /// RPE (1–10) at or above this on an easy run rates it heavy (Borg CR10:
    /// 7 = very hard) — grade D.
    pub felt_easy_rpe_min: f64,
    /// A journal `legs` at or above this (1 fresh … 5 very heavy) rates the day heavy — grade D.
    pub felt_legs_min: u8,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            ramp_spike_pct: 30.0,
            ramp_watch_pct: 10.0,
            ramp_min_previous_km: 5.0,
            acwr_low: 0.8,
            acwr_sweet_max: 1.3,
            acwr_spike: 1.5,
            acwr_min_history_days: 28,
            comeback_gap_days: 14,
            comeback_volume_share: 0.25,
            comeback_return_ratio: 1.2,
            capacity_weeks: 10,
            capacity_min_weeks: 3,
            capacity_spike_ratio: 1.3,
            capacity_min_increase_km: 8.0,
            capacity_high_ratio: 2.0,
            spike_recent_days: 14,
            monotony_flag: 2.0,
            monotony_warn: 1.5,
            streak_days: 14,
            rest_habit_share: 0.5,
            no_easy_share: 0.65,
            no_easy_min_runs: 6,
            cadence_low_spm: 170.0,
            cadence_residual_spm: -5.0,
            form_flag_share: 0.3,
            form_drift_spm: -3.0,
            form_drift_window_days: 28,
            form_population_cadence_spm: 170.0,
            form_population_slope_spm_per_mps: 12.0,
            form_reference_height_cm: 173.0,
            form_population_margin_pct: 7.0,
            form_long_contact_ms: 278.0,
            form_high_vertical_ratio_pct: 8.7,
            decoupling_moderate_pct: 5.0,
            decoupling_poor_pct: 10.0,
            heat_c: 25.0,
            long_run_s: 90.0 * 60.0,
            pace_fade_pct: 5.0,
            iron_hr_rise_bpm: 5.0,
            iron_span_days: 21,
            iron_window_days: 14,
            iron_volume_rise_pct: 30.0,
            iron_ferritin_low_ug_l: 35.0,
            iron_ferritin_max_age_days: 180,
            warm_up_min_s: 300.0,
            hard_effort_min_s: 300.0,
            hard_effort_speed_ratio: 1.1,
            warm_up_flag_share: 0.25,
            cool_down_min_s: 300.0,
            cool_down_flag_share: 0.5,
            share_min_runs: 2,
            shoe_limit_km: 700.0,
            shoe_rotation_min_pairs: 2,
            shoe_rotation_window_days: 28,
            sleep_min_h: 7.0,
            sleep_min_nights: 4,
            sleep_very_short_h: 6.0,
            marker_baseline_days: 60,
            marker_min_baseline_days: 14,
            rhr_rise_bpm: 5.0,
            rhr_min_days: 3,
            hrv_band_sd: 0.5,
            hrv_min_nights: 3,
            marker_min_run_days: 3,
            felt_weak_max: 25.0,
            felt_easy_rpe_min: 7.0,
            felt_legs_min: 4,
        }
    }
}

/// Strength of the evidence behind a threshold (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
}

impl Grade {
    pub fn as_str(self) -> &'static str {
        crate::names::serde_name(&self)
    }
}

impl std::fmt::Display for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where one threshold comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ThresholdSource {
    /// Field name in [`Thresholds`] (and key in the `[thresholds]` table).
    pub field: &'static str,
    /// The rule in words.
    pub rule: &'static str,
    /// Citation(s), with the numbers that matter.
    pub citation: &'static str,
    pub grade: Grade,
}

const NIELSEN_BUIST: &str = "Nielsen et al. 2014, JOSPT 44(10):739–747 (> 30 % progression: \
     HR 1.59, 95 % CI 0.96–2.66); Buist et al. 2008, Am J Sports Med 36(1):33–39 \
     (10 % rule: injuries 20.8 % vs 20.3 %)";
const GABBETT: &str = "Gabbett 2016, BJSM 50:273–280; Hulin et al. 2014, BJSM 48:708–712; \
     Williams et al. 2017, BJSM 51:209–210 (EWMA); critiques: Impellizzeri et al. 2020, \
     IJSPP 15(6):907–913, Lolli et al. 2019, BJSM 53:921–922";
const CAPACITY: &str = "Nielsen et al. 2014, JOSPT 44(10):739–747 (> 30 % progression: \
     HR 1.59, 95 % CI 0.96–2.66); Damsted et al. 2019, JOSPT 49(4):230–238 (261 runners: \
     +20–60 % weekly distance vs < 20 %, risk difference 22.6 %, 95 % CI 0.9–44.3 % at 21 days, \
     none at 56 and 98 days); applied against the most the runner ran in recent weeks, as in \
     Bertelsen et al. 2017, Scand J Med Sci Sports 27:1170–1180 (load vs load capacity)";
const BERTELSEN: &str = "Bertelsen et al. 2017, Scand J Med Sci Sports 27:1170–1180 \
     (injury when load exceeds a capacity built by recent training)";
const BLANCH: &str = "Blanch & Gabbett 2016, BJSM 50:471–475; Gabbett 2016, BJSM 50:273–280";
const FOSTER: &str = "Foster 1998, MSSE 30(7):1164–1168; Meeusen et al. 2013, MSSE 45:186–205";
const CADENCE: &str = "Heiderscheit et al. 2011, MSSE 43(2):296–302 (+5–10 % step rate lowers \
     knee/hip load); Lieberman et al. 2015, J Exp Biol 218:3406–3414 (~170 spm optimum at 3 m/s)";
const OVERSTRIDE: &str = "Lieberman et al. 2015, J Exp Biol 218:3406–3414; Wille et al. 2014, \
     JOSPT 44(10):825–830 (landing ahead of the body raises braking)";
const FRIEL: &str = "Friel, TrainingPeaks \"Aerobic endurance and decoupling\" (< 5 % good, \
     5–10 % moderate, > 10 % poor or confounded)";
const HEAT: &str = "Adams et al. 2014, J Strength Cond Res 28(8):2380–2389 (+3 bpm per 1 % \
     body-mass loss); Sawka, Cheuvront & Kenefick 2015, Sports Med 45(S1):S51–S60";
const FUEL: &str = "Thomas, Erdman & Burke 2016, MSSE 48(3):543–568 (30–60 g CHO/h for 1–2.5 h); \
     Jeukendrup 2014, Sports Med 44(S1):S25–S33 (up to 90 g/h beyond 2.5 h)";
const IRON: &str = "Mettler & Zimmermann 2010, Eur J Clin Nutr 64:490–494 (iron depletion in \
     28 % of female vs 1.6 % of male marathoners); Peeling et al. 2008, Eur J Appl Physiol \
     103:381–391; the HR-at-easy-pace heuristic itself is a convention";
const WARM_UP: &str = "Fradkin et al. 2010, J Strength Cond Res 24(1):140–148 (warm-up improved \
     performance in 79 % of criteria); Fradkin et al. 2006, J Sci Med Sport 9:214–220";
const COOL_DOWN: &str = "Van Hooren & Peake 2018, Sports Med 48:1575–1595 (active cool-down \
     largely ineffective for recovery markers)";
const SHOES: &str = "Cook, Kester & Brunet 1985, Am J Sports Med 13(4):248–253 (cushioning \
     loss with mileage); no study links a mileage cutoff to injury";
const ROTATION: &str = "Malisoux et al. 2015, Scand J Med Sci Sports 25:110–115 (parallel use \
     of > 1 pair: HR 0.614, 95 % CI 0.389–0.969)";
const SLEEP: &str = "Watson et al. 2015, Sleep 38(6):843–844 / J Clin Sleep Med 11(6):591–592 \
     (AASM/SRS consensus: adults need ≥ 7 h a night; for health); Walsh et al. 2021, BJSM \
     55(7):356–368 (athletes: same floor, individualise, often need more)";
const FERRITIN: &str = "Peeling et al. 2008, Eur J Appl Physiol 103:381–391 (ferritin < 35 µg/L: \
     stage-1 iron deficiency in athletes); Mettler & Zimmermann 2010, Eur J Clin Nutr 64:490–494";
const RHR: &str = "Buchheit 2014, Front Physiol 5:73 (judge resting HR against the runner's own \
     baseline and smallest worthwhile change); Dressendorfer et al. 1985, Phys Sportsmed \
     13(8):77–86 (+10 bpm during overload); the +5 bpm line is a convention";
const HRV: &str = "Plews et al. 2013, Sports Med 43:773–781 and 2014, IJSPP 9:783–790 (7-day \
     rolling ln rMSSD, ≥ 3 nights a week, against the athlete's own baseline); Kiviniemi et al. \
     2007, Eur J Appl Physiol 101:743–751 (training lowered when HRV fell below the runner's band); \
     the 0.5 SD band width is the commonly used smallest worthwhile change (exact value unverified)";
const FELT: &str = "Garmin workout_feel scale (0 very weak, 25 weak, 50 normal, 75 strong, \
     100 very strong); Borg CR10 RPE (7 = very hard); the cut-offs are conventions";
const INTENSITY_MIX: &str = "Seiler 2010, IJSPP 5(3):276–291 (endurance athletes train ≈ 75–80 % \
     of sessions below the first threshold; zones 1–2 < 82 % of max HR); Stöggl & Sperlich 2014, \
     Front Physiol 5:33 (polarised beat threshold-heavy training in 48 trained athletes)";
const CADENCE_POPULATION: &str = "Lieberman et al. 2015, J Exp Biol 218:3406–3414 (optimum \
     84.8 ± 3.6 strides/min ≈ 170 spm at 3.0 m/s); van Oeveren et al. 2017, PLOS ONE \
     12(10):e0184273 (self-selected 77, 79, 80 strides/min at 2.4, 2.6, 2.9 m/s; optimum 83)";
const HEIGHT: &str = "Gordon et al. 2017, Open Access J Sports Med 8:231–241 (97 recreational \
     marathoners, stature 172.8 ± 9.1 cm); cadence falls with leg length (van Oeveren et al. \
     2017); step length ∝ height is a convention";
const GARMIN_ZONES: &str = "Garmin owner's manuals, \"Color Gauges and Running Dynamics Data\" \
     (population percentiles of Garmin users: orange/red = the 30 % with the longest ground \
     contact / highest vertical ratio)";
const CONVENTION: &str = "heavylegs convention";

/// Citation and grade of every field of [`Thresholds`], in field order.
pub const SOURCES: &[ThresholdSource] = &[
    src(
        "ramp_spike_pct",
        "week-over-week rise > 30 % is named, a spike only above capacity",
        NIELSEN_BUIST,
        Grade::C,
    ),
    src(
        "ramp_watch_pct",
        "a rise of 10–30 % is worth watching, not a safety line",
        NIELSEN_BUIST,
        Grade::A,
    ),
    src(
        "ramp_min_previous_km",
        "ramps from a tiny base are ignored",
        CONVENTION,
        Grade::D,
    ),
    src("acwr_low", "ACWR < 0.8 is low", GABBETT, Grade::C),
    src(
        "acwr_sweet_max",
        "ACWR 0.8–1.3 is the usual range",
        GABBETT,
        Grade::C,
    ),
    src("acwr_spike", "ACWR ≥ 1.5 is a spike", GABBETT, Grade::C),
    src(
        "acwr_min_history_days",
        "ACWR needs one chronic window of history",
        GABBETT,
        Grade::C,
    ),
    src(
        "comeback_gap_days",
        "a gap of ≥ 14 days is a break",
        BLANCH,
        Grade::C,
    ),
    src(
        "comeback_volume_share",
        "a break runs < 25 % of usual volume",
        BLANCH,
        Grade::D,
    ),
    src(
        "comeback_return_ratio",
        "return weeks > 1.2× the pre-break load are too soon",
        BLANCH,
        Grade::D,
    ),
    src(
        "capacity_weeks",
        "capacity: the highest week among the previous 10",
        BERTELSEN,
        Grade::D,
    ),
    src(
        "capacity_min_weeks",
        "a week is judged once 3 weeks with runs precede it",
        CONVENTION,
        Grade::D,
    ),
    src(
        "capacity_spike_ratio",
        "a week > 1.3× its capacity is a spike",
        CAPACITY,
        Grade::C,
    ),
    src(
        "capacity_min_increase_km",
        "and ≥ 8 km above it (low-volume wobble is not a spike)",
        CONVENTION,
        Grade::D,
    ),
    src(
        "capacity_high_ratio",
        "≥ 2× capacity is a large spike",
        CONVENTION,
        Grade::D,
    ),
    src(
        "spike_recent_days",
        "high severity needs the spike in the last 14 days",
        CONVENTION,
        Grade::D,
    ),
    src("monotony_flag", "Foster monotony > 2.0", FOSTER, Grade::C),
    src(
        "monotony_warn",
        "Foster monotony ≥ 1.5 (Runalyze warning)",
        FOSTER,
        Grade::C,
    ),
    src("streak_days", "≥ 14 consecutive run days", FOSTER, Grade::D),
    src(
        "rest_habit_share",
        "a week without rest flags when ≥ half the recent weeks had one",
        FOSTER,
        Grade::D,
    ),
    src(
        "no_easy_share",
        "≥ 65 % of the window's runs moderate or hard (\"no easy days\"); noted, not flagged, when the 12 weeks before had the same mix",
        INTENSITY_MIX,
        Grade::C,
    ),
    src(
        "no_easy_min_runs",
        "runs with HR needed before \"no easy days\" can flag",
        CONVENTION,
        Grade::D,
    ),
    src(
        "cadence_low_spm",
        "easy-pace cadence < 170 spm (rule of thumb)",
        CADENCE,
        Grade::D,
    ),
    src(
        "cadence_residual_spm",
        "cadence ≥ 5 spm below the athlete's own fit at that speed",
        CADENCE,
        Grade::C,
    ),
    src(
        "form_flag_share",
        "share of runs low on both counts",
        CONVENTION,
        Grade::D,
    ),
    src(
        "form_drift_spm",
        "cadence at the same speed falling (longer steps)",
        OVERSTRIDE,
        Grade::D,
    ),
    src(
        "form_drift_window_days",
        "recent window for the step-length drift",
        CONVENTION,
        Grade::D,
    ),
    src(
        "form_population_cadence_spm",
        "reference cadence ≈ 170 spm at 3.0 m/s",
        CADENCE_POPULATION,
        Grade::B,
    ),
    src(
        "form_population_slope_spm_per_mps",
        "reference cadence + 12 spm per m/s",
        CADENCE_POPULATION,
        Grade::C,
    ),
    src(
        "form_reference_height_cm",
        "reference runner 173 cm; reference × 173 ÷ own height",
        HEIGHT,
        Grade::C,
    ),
    src(
        "form_population_margin_pct",
        "easy cadence ≥ 7 % below the reference at that speed and height",
        CADENCE,
        Grade::C,
    ),
    src(
        "form_long_contact_ms",
        "ground contact ≥ 278 ms is long",
        GARMIN_ZONES,
        Grade::D,
    ),
    src(
        "form_high_vertical_ratio_pct",
        "vertical ratio ≥ 8.7 % is high",
        GARMIN_ZONES,
        Grade::D,
    ),
    src(
        "decoupling_moderate_pct",
        "aerobic decoupling > 5 %",
        FRIEL,
        Grade::D,
    ),
    src(
        "decoupling_poor_pct",
        "aerobic decoupling > 10 %",
        FRIEL,
        Grade::D,
    ),
    src("heat_c", "run temperature > 25 °C", HEAT, Grade::B),
    src("long_run_s", "long runs ≥ 90 min", FUEL, Grade::A),
    src(
        "pace_fade_pct",
        "late-run speed drop > 10 %",
        CONVENTION,
        Grade::D,
    ),
    src(
        "iron_hr_rise_bpm",
        "easy-pace HR up ≥ 5 bpm",
        IRON,
        Grade::D,
    ),
    src("iron_span_days", "over ≥ 3 weeks", IRON, Grade::D),
    src("iron_window_days", "windows compared", CONVENTION, Grade::D),
    src(
        "iron_volume_rise_pct",
        "unless weekly distance rose > 30 %",
        CONVENTION,
        Grade::D,
    ),
    src(
        "iron_ferritin_low_ug_l",
        "a ferritin < 35 µg/L flags iron; a value at or above it clears",
        FERRITIN,
        Grade::B,
    ),
    src(
        "iron_ferritin_max_age_days",
        "a ferritin value decides for 180 days",
        CONVENTION,
        Grade::D,
    ),
    src(
        "warm_up_min_s",
        "≥ 5 min easy before hard efforts",
        WARM_UP,
        Grade::B,
    ),
    src(
        "hard_effort_min_s",
        "without speed, ≥ 5 min at ≥ 88 % of max HR makes a run hard",
        CONVENTION,
        Grade::D,
    ),
    src(
        "hard_effort_speed_ratio",
        "fastest 5 min ≥ 1.1 × easy speed is a distinct hard effort",
        CONVENTION,
        Grade::D,
    ),
    src(
        "warm_up_flag_share",
        "share of hard runs without warm-up",
        CONVENTION,
        Grade::D,
    ),
    src(
        "cool_down_min_s",
        "≥ 5 min easy after hard efforts (informational)",
        COOL_DOWN,
        Grade::B,
    ),
    src(
        "cool_down_flag_share",
        "share of hard runs without cool-down",
        CONVENTION,
        Grade::D,
    ),
    src(
        "share_min_runs",
        "fewest runs a share rule needs",
        CONVENTION,
        Grade::D,
    ),
    src(
        "shoe_limit_km",
        "retire a pair at 700 km unless set per pair",
        SHOES,
        Grade::D,
    ),
    src(
        "shoe_rotation_min_pairs",
        "rotate ≥ 2 pairs",
        ROTATION,
        Grade::C,
    ),
    src(
        "shoe_rotation_window_days",
        "pairs in use over the last 28 days",
        CONVENTION,
        Grade::D,
    ),
    src("sleep_min_h", "weekly mean sleep < 7 h", SLEEP, Grade::A),
    src(
        "sleep_min_nights",
        "nights a week needs before its mean is used",
        CONVENTION,
        Grade::D,
    ),
    src(
        "sleep_very_short_h",
        "one short week under 6 h a night is moderate, not low",
        CONVENTION,
        Grade::D,
    ),
    src(
        "marker_baseline_days",
        "resting HR and HRV baseline: the 60 days before the window",
        CONVENTION,
        Grade::D,
    ),
    src(
        "marker_min_baseline_days",
        "days with a value the baseline needs",
        CONVENTION,
        Grade::D,
    ),
    src(
        "rhr_rise_bpm",
        "7-day mean resting HR ≥ 5 bpm above the runner's baseline",
        RHR,
        Grade::D,
    ),
    src(
        "rhr_min_days",
        "and ≥ 3 of those 7 days each that high",
        CONVENTION,
        Grade::D,
    ),
    src(
        "hrv_band_sd",
        "7-day mean ln rMSSD below baseline mean − 0.5 SD",
        HRV,
        Grade::C,
    ),
    src(
        "hrv_min_nights",
        "a 7-day HRV mean needs ≥ 3 nights",
        HRV,
        Grade::B,
    ),
    src(
        "marker_min_run_days",
        "a marker counts after ≥ 3 consecutive days outside the band",
        CONVENTION,
        Grade::D,
    ),
    src(
        "felt_weak_max",
        "workout feel ≤ 25 of 100 rates a run heavy",
        FELT,
        Grade::D,
    ),
    src(
        "felt_easy_rpe_min",
        "RPE ≥ 7 on an easy run rates it heavy",
        FELT,
        Grade::D,
    ),
    src(
        "felt_legs_min",
        "journal legs ≥ 4 of 5 rates the day heavy",
        FELT,
        Grade::D,
    ),
];

const fn src(
    field: &'static str,
    rule: &'static str,
    citation: &'static str,
    grade: Grade,
) -> ThresholdSource {
    ThresholdSource {
        field,
        rule,
        citation,
        grade,
    }
}

/// The citation table, one row per [`Thresholds`] field.
pub fn sources() -> &'static [ThresholdSource] {
    SOURCES
}

/// The citation row of one field.
pub fn source(field: &str) -> Option<&'static ThresholdSource> {
    SOURCES.iter().find(|s| s.field == field)
}

/// "citation — grade X" for the given fields, deduplicated, in the order given.
/// Rows marked as heavylegs conventions are listed once, last, so real
/// citations come first.
pub fn cite(fields: &[&str]) -> String {
    // A rule naming a threshold that is not in the table would lose its citation
    // silently; every rule runs under the tests, so a misspelling fails them there.
    for f in fields {
        debug_assert!(source(f).is_some(), "cite(): no threshold {f:?} in SOURCES");
    }
    // One entry per citation; a citation backing several rules lists each grade once.
    let mut seen: Vec<(&str, Vec<Grade>)> = Vec::new();
    let mut convention: Option<Grade> = None;
    for s in fields.iter().filter_map(|f| source(f)) {
        if s.citation == CONVENTION {
            convention = Some(s.grade);
            continue;
        }
        match seen.iter_mut().find(|(c, _)| *c == s.citation) {
            Some((_, grades)) if !grades.contains(&s.grade) => grades.push(s.grade),
            Some(_) => {}
            None => seen.push((s.citation, vec![s.grade])),
        }
    }
    let mut parts: Vec<String> = seen
        .iter()
        .map(|(c, gs)| {
            let gs: Vec<String> = gs.iter().map(|g| g.to_string()).collect();
            format!("{c} — grade {}", gs.join("/"))
        })
        .collect();
    if let Some(g) = convention {
        parts.push(format!("{CONVENTION} — grade {g}"));
    }
    parts.join("; ")
}

/// A Markdown table of every threshold: key, value in use, rule, source and
/// grade. The report and `docs/` both print it, so the numbers a reader sees
/// are the ones the run used (including `[thresholds]` overrides).
pub fn markdown_table(t: &Thresholds) -> String {
    let values = serde_json::to_value(t).unwrap_or_default();
    let mut out =
        String::from("| Threshold | Value | Rule | Source | Grade |\n|---|---|---|---|---|\n");
    for s in SOURCES {
        let value = values
            .get(s.field)
            .map_or_else(String::new, |v| v.to_string());
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            s.field, value, s.rule, s.citation, s.grade
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_table_shows_overridden_values() {
        let t = Thresholds {
            shoe_limit_km: 500.0,
            ..Thresholds::default()
        };
        let md = markdown_table(&t);
        assert_eq!(md.lines().count(), 2 + SOURCES.len());
        assert!(md.contains("| `shoe_limit_km` | 500.0 |"), "{md}");
        assert!(md.contains(
            "| `ramp_spike_pct` | 30.0 | week-over-week rise > 30 % is named, a spike only above capacity | Nielsen"
        ));
    }

    #[test]
    fn every_field_has_exactly_one_source_in_field_order() {
        let value = serde_json::to_value(Thresholds::default()).unwrap();
        let fields: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut table: Vec<&str> = SOURCES.iter().map(|s| s.field).collect();
        let mut sorted_fields = fields.clone();
        sorted_fields.sort_unstable();
        table.sort_unstable();
        assert_eq!(sorted_fields, table);
        assert_eq!(SOURCES.len(), fields.len());
    }

    #[test]
    fn pipeline_table_overrides_one_value_and_keeps_the_rest() {
        let t: Thresholds = toml::from_str("ramp_spike_pct = 50.0\nstreak_days = 21\n").unwrap();
        assert_eq!(t.ramp_spike_pct, 50.0);
        assert_eq!(t.streak_days, 21);
        assert_eq!(t.acwr_spike, 1.5);
        assert_eq!(t.shoe_limit_km, 700.0);
    }

    #[test]
    fn unknown_key_is_rejected() {
        let err = toml::from_str::<Thresholds>("ramp_spike = 50.0\n").unwrap_err();
        assert!(err.to_string().contains("ramp_spike"), "{err}");
    }

    #[test]
    fn cite_deduplicates_and_puts_conventions_last() {
        let c = cite(&["ramp_min_previous_km", "acwr_spike", "acwr_low"]);
        assert!(c.starts_with("Gabbett 2016"), "{c}");
        assert_eq!(
            c.matches("Gabbett 2016, BJSM 50:273–280; Hulin").count(),
            1,
            "{c}"
        );
        assert!(c.ends_with("heavylegs convention — grade D"), "{c}");
    }
}
