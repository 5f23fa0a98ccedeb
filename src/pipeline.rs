//! Pipeline files (`pipelines/*.toml`): what flows through a run — inputs,
//! athletes, the report window, threshold overrides and outputs. Flags only
//! say how a run behaves (threads, verbosity, output override).
//!
//! Unknown keys are errors: a typo must not silently fall back to a default.
//! Relative paths are resolved against the current directory, like a shell
//! command's arguments, so a pipeline runs the same from cron and by hand.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::limits::Limits;
use crate::output::OutputFormat;
use crate::profile::AthleteProfile;
use crate::thresholds::Thresholds;

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("cannot read pipeline {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// A whole pipeline file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    /// Free text shown in logs.
    #[serde(default)]
    pub description: Option<String>,
    pub inputs: InputsSpec,
    #[serde(default)]
    pub window: WindowSpec,
    /// The athlete for single-athlete inputs; defaults for every athlete in coach mode.
    #[serde(default)]
    pub athlete: AthleteProfile,
    /// Per-athlete profiles in coach mode, matched by folder name.
    #[serde(default)]
    pub athletes: Vec<AthleteProfile>,
    #[serde(default)]
    pub thresholds: Thresholds,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub output: OutputSpec,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputsSpec {
    /// Files, folders or archives of one athlete.
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    /// A folder with one subfolder per athlete (coach mode).
    #[serde(default)]
    pub athletes_dir: Option<PathBuf>,
    /// Which engine reads FIT files: "fast" (default) or "fitparser" (the
    /// reference crate, slower; for when you suspect the fast reader).
    #[serde(default)]
    pub fit_decoder: Option<crate::decode::fit::FitDecoder>,
    /// Coach mode: this run's share of the athletes, "I/N" or "auto" (the
    /// index from a Kubernetes Indexed Job or a Slurm array); `--shard` wins.
    #[serde(default)]
    pub shard: Option<String>,
    /// With `shard = "auto"` under Kubernetes: the Job's completions.
    #[serde(default)]
    pub shard_count: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowSpec {
    /// Report the last N weeks.
    pub weeks: Option<u32>,
    /// Report from this date on.
    pub since: Option<chrono::NaiveDate>,
    /// Weeks the verdicts judge, ending on `as_of` (default 4).
    pub window_weeks: Option<u32>,
    /// Report as if run on this day: later runs are ignored.
    pub as_of: Option<chrono::NaiveDate>,
    /// First day of the week: "monday" (ISO, default) or "sunday".
    pub week_start: Option<WeekStart>,
}

/// The first day of a week: ISO weeks start on Monday, US calendars on Sunday.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WeekStart {
    #[default]
    Monday,
    Sunday,
}

impl WeekStart {
    pub fn weekday(self) -> chrono::Weekday {
        match self {
            WeekStart::Monday => chrono::Weekday::Mon,
            WeekStart::Sunday => chrono::Weekday::Sun,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    #[serde(default = "default_out")]
    pub dir: PathBuf,
    /// Any of json, md, html, tables.
    #[serde(default = "default_formats")]
    pub formats: Vec<OutputFormat>,
    #[serde(default)]
    pub units: Option<crate::units::Units>,
    /// Keep a content-hash cache in OUTPUT/.cache so unchanged files are not decoded again.
    #[serde(default = "yes")]
    pub cache: bool,
}

impl Default for OutputSpec {
    fn default() -> Self {
        OutputSpec {
            dir: default_out(),
            formats: default_formats(),
            units: None,
            cache: true,
        }
    }
}

fn default_out() -> PathBuf {
    PathBuf::from("heavylegs-report")
}

fn yes() -> bool {
    true
}

fn default_formats() -> Vec<OutputFormat> {
    OutputFormat::ALL.to_vec()
}

impl Pipeline {
    pub fn load(path: &Path) -> Result<Pipeline, PipelineError> {
        let text = std::fs::read_to_string(path).map_err(|source| PipelineError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let p = Self::parse(&text, path)?;
        missing_input(&text, path, &p)?;
        Ok(p)
    }

    /// Parses and validates; errors name the key and the line.
    pub fn parse(text: &str, path: &Path) -> Result<Pipeline, PipelineError> {
        let invalid = |message: String| PipelineError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let p: Pipeline = toml::from_str(text).map_err(|e| invalid(toml_message(text, &e)))?;
        if p.inputs.paths.is_empty() && p.inputs.athletes_dir.is_none() {
            return Err(invalid("[inputs] needs `paths` or `athletes_dir`".into()));
        }
        if !p.inputs.paths.is_empty() && p.inputs.athletes_dir.is_some() {
            return Err(invalid(
                "[inputs] takes `paths` or `athletes_dir`, not both".into(),
            ));
        }
        if let Some(spec) = &p.inputs.shard {
            if p.inputs.athletes_dir.is_none() {
                return Err(invalid(
                    "[inputs] shard splits the athletes of `athletes_dir`; it has none to split"
                        .into(),
                ));
            }
            crate::shard::check_syntax(spec).map_err(|e| invalid(format!("[inputs] {e}")))?;
        }
        match (
            p.inputs.shard.as_deref().map(str::trim),
            p.inputs.shard_count,
        ) {
            (_, Some(0)) => return Err(invalid("[inputs] shard_count must be at least 1".into())),
            (Some("auto"), _) | (_, None) => {}
            (_, Some(_)) => {
                return Err(invalid(
                    "[inputs] shard_count goes with shard = \"auto\" only".into(),
                ));
            }
        }
        if p.window.window_weeks == Some(0) {
            return Err(invalid("[window] window_weeks: must be at least 1".into()));
        }
        Ok(p)
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// An input path that does not exist, named by key and line: a cron job
/// must not turn a typo or an unmounted share into an empty report.
fn missing_input(text: &str, path: &Path, p: &Pipeline) -> Result<(), PipelineError> {
    #[derive(Deserialize)]
    struct Located {
        inputs: LocatedInputs,
    }
    #[derive(Deserialize)]
    struct LocatedInputs {
        #[serde(default)]
        paths: Vec<toml::Spanned<PathBuf>>,
        #[serde(default)]
        athletes_dir: Option<toml::Spanned<PathBuf>>,
    }
    let located: Option<Located> = toml::from_str(text).ok();
    let spans = located.map(|l| l.inputs);
    let candidates = p
        .inputs
        .paths
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let at = spans
                .as_ref()
                .and_then(|s| s.paths.get(i))
                .map(|s| s.span().start);
            ("paths", input, at)
        })
        .chain(p.inputs.athletes_dir.iter().map(|dir| {
            let at = spans
                .as_ref()
                .and_then(|s| s.athletes_dir.as_ref())
                .map(|s| s.span().start);
            ("athletes_dir", dir, at)
        }));
    for (key, input, at) in candidates {
        if std::fs::metadata(input).is_err() {
            let line = at
                .map(|o| format!("line {}: ", line_of(text, o)))
                .unwrap_or_default();
            return Err(PipelineError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "{line}[inputs] {key}: input not found: {} (nothing was written)",
                    input.display()
                ),
            });
        }
    }
    Ok(())
}

/// toml's own message already quotes the line; prefix it with "line N" so
/// logs that keep only the first line still say where.
/// A TOML error as "line N: message" (the message names the key).
pub(crate) fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let line = e.span().map(|s| line_of(text, s.start));
    let mut msg = e.message().trim().to_string();
    // The key path is only in the error's plain rendering ("in `output.formats`").
    let mut plain = e.clone();
    plain.set_input(None);
    let key = plain.to_string().lines().find_map(|l| {
        l.strip_prefix("in `")
            .and_then(|k| k.strip_suffix('`'))
            .map(str::to_owned)
    });
    if let Some(key) = key.filter(|k| !msg.contains(k.as_str())) {
        msg = format!("{key}: {msg}");
    }
    match line {
        Some(l) => format!("line {l}: {msg}"),
        None => msg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_names_key_and_line() {
        let text = "[inputs]\npaths = [\"x\"]\n\n[output]\nformts = [\"json\"]\n";
        let err = Pipeline::parse(text, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 5"), "{err}");
        assert!(err.contains("formts"), "{err}");
    }

    #[test]
    fn bad_values_are_named() {
        let text = "[inputs]\npaths = [\"x\"]\n[output]\nformats = [\"pdf\"]\n";
        let err = Pipeline::parse(text, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("pdf") && err.contains("line 4") && err.contains("output.formats"),
            "{err}"
        );
        let text = "[inputs]\npaths = [\"x\"]\n[athlete]\ntimezone = \"Mars/Olympus\"\n";
        let err = Pipeline::parse(text, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("Mars/Olympus"), "{err}");
        let text = "[inputs]\npaths = [\"x\"]\n[window]\nweek_start = \"tuesday\"\n";
        let err = Pipeline::parse(text, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("tuesday") && err.contains("line 4") && err.contains("window.week_start"),
            "{err}"
        );
    }

    #[test]
    fn missing_input_names_key_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let here = dir.path().display().to_string();
        let text = format!("[inputs]\npaths = [\n  \"{here}\",\n  \"{here}/gone\",\n]\n");
        let file = dir.path().join("p.toml");
        std::fs::write(&file, &text).unwrap();
        let err = Pipeline::load(&file).unwrap_err().to_string();
        assert!(
            err.contains("line 4") && err.contains("paths") && err.contains("gone"),
            "{err}"
        );
        let text = format!("[inputs]\nathletes_dir = \"{here}/nobody\"\n");
        std::fs::write(&file, &text).unwrap();
        let err = Pipeline::load(&file).unwrap_err().to_string();
        assert!(
            err.contains("line 2") && err.contains("athletes_dir"),
            "{err}"
        );
        std::fs::write(&file, format!("[inputs]\npaths = [\"{here}\"]\n")).unwrap();
        assert!(Pipeline::load(&file).is_ok());
    }

    #[test]
    fn shard_keys_are_checked_without_reading_the_environment() {
        let coach = "[inputs]\nathletes_dir = \"samples/coach\"\n";
        let p = Pipeline::parse(
            &format!("{coach}shard = \"auto\"\nshard_count = 4\n"),
            Path::new("p.toml"),
        )
        .unwrap();
        assert_eq!(p.inputs.shard.as_deref(), Some("auto"));
        assert_eq!(p.inputs.shard_count, Some(4));
        for (extra, says) in [
            ("shard = \"5/4\"\n", "5/4"),
            ("shard = \"1/4\"\nshard_count = 4\n", "shard_count"),
            ("shard = \"auto\"\nshard_count = 0\n", "shard_count"),
        ] {
            let err = Pipeline::parse(&format!("{coach}{extra}"), Path::new("p.toml"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(says), "{extra}: {err}");
        }
        let err = Pipeline::parse(
            "[inputs]\npaths = [\"x\"]\nshard = \"1/2\"\n",
            Path::new("p.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("athletes_dir"), "{err}");
    }

    #[test]
    fn minimal_pipeline_gets_defaults() {
        let p = Pipeline::parse(
            "[inputs]\npaths = [\"samples/demo\"]\n",
            Path::new("p.toml"),
        )
        .unwrap();
        assert_eq!(p.output.dir, PathBuf::from("heavylegs-report"));
        assert!(p.output.cache);
        assert_eq!(p.output.formats, OutputFormat::ALL);
    }
}
