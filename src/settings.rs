//! Settings: what the user typed (flags) merged with what a pipeline file
//! declares, validated once into the [`Job`] the app runs.

use std::path::{Path, PathBuf};

use crate::cli::{FailOn, IngestArgs, ProfileArgs, ReportArgs, RunArgs, RunControl};
use crate::decode::fit::FitDecoder;
use crate::limits::Limits;
use crate::metrics::MetricsConfig;
use crate::output::OutputFormat;
use crate::pipeline::Pipeline;
use crate::profile::AthleteProfile;
use crate::thresholds::Thresholds;
use crate::units::Units;

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Pipeline(#[from] crate::pipeline::PipelineError),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Shard(#[from] crate::shard::ShardError),
}

/// Weeks the verdicts judge when neither a flag nor the pipeline says.
pub const DEFAULT_WINDOW_WEEKS: u32 = 4;

/// One athlete's work: inputs in, a report folder out.
#[derive(Debug, Clone)]
pub struct AthleteJob {
    pub profile: AthleteProfile,
    pub inputs: Vec<PathBuf>,
    pub out_dir: PathBuf,
}

/// Everything a run needs, validated.
#[derive(Debug, Clone)]
pub struct Job {
    pub athletes: Vec<AthleteJob>,
    /// Set in coach mode: where the roster goes.
    pub roster_dir: Option<PathBuf>,
    pub thresholds: Thresholds,
    pub limits: Limits,
    pub weeks: Option<u32>,
    pub since: Option<chrono::NaiveDate>,
    /// Weeks the verdicts judge, ending on `as_of` (default 4).
    pub window_weeks: u32,
    /// The report's "today": runs after it are ignored. `None` = the latest run.
    pub as_of: Option<chrono::NaiveDate>,
    pub week_start: chrono::Weekday,
    pub formats: Vec<OutputFormat>,
    pub units: Units,
    /// `None` = no cache.
    pub cache_dir: Option<PathBuf>,
    pub fail_on: Option<FailOn>,
    pub progress: bool,
    /// Which engine reads FIT files; part of the cache key.
    pub fit_decoder: FitDecoder,
    /// Read and hash inputs even when their stat matches the cache (`--rehash`).
    pub rehash: bool,
    /// Write a report even when the inputs yield no activity (`--allow-empty`).
    pub allow_empty: bool,
}

/// What `heavylegs ingest` runs with: the limits, metrics settings and FIT
/// engine of a report over the same inputs, so both read a file alike.
#[derive(Debug, Clone)]
pub struct IngestJob {
    pub inputs: Vec<PathBuf>,
    pub limits: Limits,
    pub metrics: MetricsConfig,
    pub fit_decoder: FitDecoder,
    /// `--jsonl`: one line per activity on stdout.
    pub jsonl: bool,
    /// `-o DIR`: tables (and samples, so series are kept) written there.
    pub output: Option<PathBuf>,
}

impl IngestJob {
    pub fn from_args(args: &IngestArgs) -> IngestJob {
        IngestJob {
            inputs: args.inputs.clone(),
            limits: Limits::default(),
            metrics: MetricsConfig::from_profile(&AthleteProfile::default()),
            fit_decoder: args.decoder.fit_decoder.unwrap_or_default(),
            jsonl: args.jsonl,
            output: args.output.clone(),
        }
    }
}

impl Job {
    pub fn from_report_args(args: &ReportArgs) -> Result<Job, SettingsError> {
        let mut athletes = match &args.athletes {
            Some(dir) => coach_athletes(dir, &args.output, &AthleteProfile::default(), &[])?,
            None => vec![AthleteJob {
                profile: named(
                    folder_profile(&args.inputs, AthleteProfile::default())?,
                    &args.inputs,
                ),
                inputs: args.inputs.clone(),
                out_dir: args.output.clone(),
            }],
        };
        for a in &mut athletes {
            a.profile = profile_from_args(&args.profile, &a.profile)?;
        }
        let mut job = Job {
            roster_dir: args.athletes.as_ref().map(|_| args.output.clone()),
            athletes,
            thresholds: Thresholds::default(),
            limits: Limits::default(),
            weeks: None,
            since: None,
            window_weeks: DEFAULT_WINDOW_WEEKS,
            as_of: None,
            week_start: chrono::Weekday::Mon,
            formats: OutputFormat::ALL.to_vec(),
            units: Units::Metric,
            cache_dir: Some(args.output.join(".cache")),
            fail_on: None,
            progress: true,
            fit_decoder: FitDecoder::default(),
            rehash: false,
            allow_empty: false,
        };
        job.apply_control(&args.run)?;
        Ok(job)
    }

    pub fn from_pipeline(args: &RunArgs) -> Result<Job, SettingsError> {
        let p = Pipeline::load(&args.pipeline)?;
        // The pipeline's shard applies when the flags give none (`check` leaves it unresolved).
        let mut ctl = args.run.clone();
        if ctl.shard.is_none() {
            ctl.shard = p.inputs.shard.clone();
            ctl.shard_count = ctl.shard_count.or(p.inputs.shard_count);
        }
        Self::from_pipeline_spec(p, args.output.as_deref(), &ctl)
    }

    pub fn from_pipeline_spec(
        p: Pipeline,
        out_override: Option<&Path>,
        ctl: &RunControl,
    ) -> Result<Job, SettingsError> {
        let out = out_override
            .map(Path::to_path_buf)
            .unwrap_or_else(|| p.output.dir.clone());
        let athletes = match &p.inputs.athletes_dir {
            Some(dir) => coach_athletes(dir, &out, &p.athlete, &p.athletes)?,
            None => vec![AthleteJob {
                profile: named(
                    folder_profile(&p.inputs.paths, p.athlete.clone())?,
                    &p.inputs.paths,
                ),
                inputs: p.inputs.paths.clone(),
                out_dir: out.clone(),
            }],
        };
        let mut job = Job {
            roster_dir: p.inputs.athletes_dir.as_ref().map(|_| out.clone()),
            athletes,
            thresholds: p.thresholds.clone(),
            limits: p.limits.clone(),
            weeks: p.window.weeks,
            since: p.window.since,
            window_weeks: p.window.window_weeks.unwrap_or(DEFAULT_WINDOW_WEEKS),
            as_of: p.window.as_of,
            week_start: p.window.week_start.unwrap_or_default().weekday(),
            formats: p.output.formats.clone(),
            units: p.output.units.unwrap_or_default(),
            cache_dir: p.output.cache.then(|| out.join(".cache")),
            fail_on: None,
            progress: true,
            fit_decoder: p.inputs.fit_decoder.unwrap_or_default(),
            rehash: false,
            allow_empty: false,
        };
        job.apply_control(ctl)?;
        Ok(job)
    }

    /// Flags win over the pipeline file for how this run behaves.
    fn apply_control(&mut self, ctl: &RunControl) -> Result<(), SettingsError> {
        if let Some(u) = ctl.units {
            self.units = u;
        }
        if ctl.weeks.is_some() {
            self.weeks = ctl.weeks;
        }
        if ctl.since.is_some() {
            self.since = ctl.since;
        }
        if let Some(n) = ctl.window_weeks {
            self.window_weeks = n;
        }
        if ctl.as_of.is_some() {
            self.as_of = ctl.as_of;
        }
        if let Some(c) = &ctl.cache {
            self.cache_dir = Some(c.clone());
        }
        if ctl.no_cache {
            self.cache_dir = None;
        }
        self.fail_on = ctl.fail_on.or(self.fail_on);
        self.progress = !ctl.no_progress;
        self.rehash |= ctl.rehash;
        self.allow_empty |= ctl.allow_empty;
        if let Some(d) = ctl.decoder.fit_decoder {
            self.fit_decoder = d;
        }
        if let Some(spec) = &ctl.shard {
            self.shard(spec, ctl.shard_count, &|k| std::env::var(k).ok())?;
        }
        if self.weeks == Some(0) {
            return Err(SettingsError::Invalid("--weeks must be at least 1".into()));
        }
        if self.window_weeks == 0 {
            return Err(SettingsError::Invalid(
                "--window-weeks must be at least 1".into(),
            ));
        }
        Ok(())
    }
}

impl Job {
    /// Keeps this shard's athletes. A shard never writes the roster (no shard
    /// sees every athlete; `heavylegs roster` folds their report.json files),
    /// so it needs the json format.
    fn shard(
        &mut self,
        spec: &str,
        count: Option<u64>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(), SettingsError> {
        let s = crate::shard::resolve(spec, count, env)?;
        if !self.formats.contains(&OutputFormat::Json) {
            return Err(SettingsError::Invalid(format!(
                "--shard {spec}: the roster step reads each athlete's report.json; add \"json\" to [output] formats"
            )));
        }
        self.athletes
            .retain(|a| shard_of(&a.profile.name, s.count) == s.index);
        self.roster_dir = None;
        Ok(())
    }
}

fn profile_from_args(
    a: &ProfileArgs,
    base: &AthleteProfile,
) -> Result<AthleteProfile, SettingsError> {
    let mut p = base.clone();
    if let Some(n) = &a.name {
        p.name = n.clone();
    }
    if let Some(tz) = &a.timezone {
        p.timezone = Some(tz.parse::<chrono_tz::Tz>().map_err(|_| {
            SettingsError::Invalid(format!(
                "--timezone: unknown time zone \"{tz}\" (use an IANA name like Europe/Berlin)"
            ))
        })?);
    }
    p.max_hr_bpm = a.max_hr.or(p.max_hr_bpm);
    p.resting_hr_bpm = a.resting_hr.or(p.resting_hr_bpm);
    p.height_cm = a.height.or(p.height_cm);
    Ok(p)
}

/// Default athlete name: the first input's file or folder name.
fn named(mut p: AthleteProfile, inputs: &[PathBuf]) -> AthleteProfile {
    if p.name.is_empty() {
        p.name = inputs
            .first()
            .and_then(|i| i.canonicalize().ok().or_else(|| Some(i.clone())))
            .and_then(|i| i.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "athlete".into());
    }
    p
}

/// The athlete profile file an input folder may carry (`athlete.toml`, the
/// `[athlete]` table of a pipeline file on its own), so a folder per athlete
/// can say what its files cannot. Its values fill in what `base` leaves unset.
pub const PROFILE_FILE: &str = "athlete.toml";

fn folder_profile(
    inputs: &[PathBuf],
    base: AthleteProfile,
) -> Result<AthleteProfile, SettingsError> {
    let Some(path) = inputs
        .iter()
        .map(|i| i.join(PROFILE_FILE))
        .find(|p| p.is_file())
    else {
        return Ok(base);
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| SettingsError::Invalid(format!("{}: {e}", path.display())))?;
    let file: AthleteProfile = toml::from_str(&text).map_err(|e| {
        SettingsError::Invalid(format!(
            "{}: {}",
            path.display(),
            crate::pipeline::toml_message(&text, &e)
        ))
    })?;
    Ok(AthleteProfile {
        name: if base.name.is_empty() {
            file.name
        } else {
            base.name
        },
        timezone: base.timezone.or(file.timezone),
        height_cm: base.height_cm.or(file.height_cm),
        max_hr_bpm: base.max_hr_bpm.or(file.max_hr_bpm),
        resting_hr_bpm: base.resting_hr_bpm.or(file.resting_hr_bpm),
        threshold_hr_bpm: base.threshold_hr_bpm.or(file.threshold_hr_bpm),
        shoes: if base.shoes.is_empty() {
            file.shoes
        } else {
            base.shoes
        },
        journal: if base.journal.is_empty() {
            file.journal
        } else {
            base.journal
        },
    })
}

/// Each subfolder of `dir` is an athlete; a profile in `overrides` with the same
/// name (folder name) refines the defaults.
fn coach_athletes(
    dir: &Path,
    out: &Path,
    defaults: &AthleteProfile,
    overrides: &[AthleteProfile],
) -> Result<Vec<AthleteJob>, SettingsError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| SettingsError::Invalid(format!("--athletes {}: {e}", dir.display())))?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(SettingsError::Invalid(format!(
            "--athletes {}: no subfolders (one folder per athlete expected)",
            dir.display()
        )));
    }
    names
        .into_iter()
        .map(|name| {
            let folder = dir.join(&name);
            let mut profile = match overrides.iter().find(|p| p.name == name) {
                Some(p) => p.clone(),
                None => folder_profile(std::slice::from_ref(&folder), defaults.clone())?,
            };
            profile.name = name.clone();
            Ok(AthleteJob {
                inputs: vec![folder],
                out_dir: out.join(&name),
                profile,
            })
        })
        .collect::<Result<Vec<_>, SettingsError>>()
}

/// Stable across runs, machines and Rust versions (FNV-1a), unlike std's hasher.
pub fn shard_of(name: &str, n: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h % n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_athletes() {
        let names: Vec<String> = (0..100).map(|i| format!("athlete-{i}")).collect();
        let mut seen = 0;
        for i in 0..4 {
            seen += names.iter().filter(|n| shard_of(n, 4) == i).count();
        }
        assert_eq!(seen, 100);
        assert_eq!(shard_of("ana", 7), shard_of("ana", 7));
    }

    #[test]
    fn a_shard_keeps_its_athletes_and_leaves_the_roster_to_the_reduce() {
        let coach = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/coach");
        let args = |shard: &str| {
            let mut a = ReportArgs {
                inputs: vec![],
                athletes: Some(coach.clone()),
                output: PathBuf::from("out"),
                profile: Default::default(),
                run: Default::default(),
            };
            a.run.shard = Some(shard.into());
            a
        };
        let whole = Job::from_report_args(&ReportArgs {
            run: Default::default(),
            ..args("1/1")
        })
        .unwrap();
        assert_eq!(whole.roster_dir, Some(PathBuf::from("out")));
        let mut names = Vec::new();
        for i in 1..=2 {
            let job = Job::from_report_args(&args(&format!("{i}/2"))).unwrap();
            assert_eq!(job.roster_dir, None, "a shard writes no roster");
            names.extend(job.athletes.into_iter().map(|a| a.profile.name));
        }
        names.sort();
        assert_eq!(names, ["ana", "ben", "cy"]);

        // `auto` reads the index through the lookup; nothing set is a config error.
        let mut job = Job::from_report_args(&ReportArgs {
            run: Default::default(),
            ..args("1/1")
        })
        .unwrap();
        let env = |k: &str| (k == crate::shard::K8S_INDEX).then(|| "0".to_string());
        job.shard("auto", Some(1), &env).unwrap();
        assert_eq!(job.athletes.len(), 3);
        let err = job.shard("auto", None, &|_| None).unwrap_err();
        assert!(err.to_string().contains("JOB_COMPLETION_INDEX"), "{err}");
        job.formats = vec![OutputFormat::Html];
        let err = job.shard("1/2", None, &|_| None).unwrap_err();
        assert!(err.to_string().contains("json"), "{err}");
    }

    #[test]
    fn a_misspelt_zone_in_athlete_toml_is_an_error_naming_file_key_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(PROFILE_FILE),
            "name = \"ana\"\ntimezone = \"Europe/Berln\"\n",
        )
        .unwrap();
        let args = ReportArgs {
            inputs: vec![dir.path().to_path_buf()],
            athletes: None,
            output: PathBuf::from("out"),
            profile: Default::default(),
            run: Default::default(),
        };
        let err = Job::from_report_args(&args).unwrap_err().to_string();
        for part in [PROFILE_FILE, "line 2", "timezone", "\"Europe/Berln\""] {
            assert!(err.contains(part), "{part} missing in: {err}");
        }
        std::fs::write(
            dir.path().join(PROFILE_FILE),
            "timezone = \"Europe/Berlin\"\n",
        )
        .unwrap();
        let job = Job::from_report_args(&args).unwrap();
        assert_eq!(
            job.athletes[0].profile.timezone,
            Some(chrono_tz::Tz::Europe__Berlin)
        );
    }
}
