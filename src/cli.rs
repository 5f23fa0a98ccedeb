//! The command line, exactly as typed: clap definitions and help text, no I/O.
//! `settings` turns these into validated runtime settings.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::decode::fit::FitDecoder;

pub use crate::units::Units;

const AFTER_HELP: &str = "\
Examples:
  heavylegs report samples/demo                 one runner: report into ./heavylegs-report/
  heavylegs report ~/Downloads/export.zip -o out  a Garmin or Strava export archive, as downloaded
  heavylegs report --athletes coach/ -o reports   a folder per athlete, plus a roster
  heavylegs run pipelines/weekly-cron.toml -q     what a cron job runs
  heavylegs report --athletes coach/ -o reports --shard auto --shard-count 8
                                                one of 8 shards (index from the scheduler)
  heavylegs roster reports                      the roster, once every shard has finished
  heavylegs ingest runs/ --jsonl | jq .           one JSON line per activity found
  heavylegs inspect run.fit --message session     what heavylegs reads from one file, and its raw messages

Exit codes:
  0  finished, every input read
  1  failed (I/O error, unwritable output, …)
  2  bad command line or pipeline file, or an input that does not exist (nothing written)
  3  finished, but some inputs were rejected (see the report's `rejected` list)
  4  finished, and --fail-on matched (e.g. a cause was flagged)
  5  another heavylegs run is writing the same athlete's folder (or roster)
  6  no activities found in the inputs: nothing written, the previous report kept
     (coach mode: for that athlete; the roster marks it stale); --allow-empty writes it
  130  interrupted (SIGINT/SIGTERM): stopped between files, previous outputs left intact

Inputs may be any mix of files and folders (searched recursively): .fit, .gpx, .tcx,
each optionally .gz, and .zip archives (nested zips too). The format is read from the
content, not the file name.";

/// Why do my legs feel heavy when I run? Reads your watch's files and tells you
/// which of the usual causes your own data points at, with the evidence.
#[derive(Debug, Parser)]
#[command(name = "heavylegs", version, about, long_about = None, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Print only errors; the exit code still tells the outcome.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// More detail on stderr: every rejected or skipped input with its reason.
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,

    /// Format of log lines on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Worker threads for decoding (default: all cores).
    #[arg(short = 'j', long, global = true)]
    pub threads: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse runs and write the report (JSON, Markdown, HTML, tables).
    Report(ReportArgs),
    /// Decode inputs and list every activity found (no analysis).
    Ingest(IngestArgs),
    /// Run a pipeline file (pipelines/*.toml).
    Run(RunArgs),
    /// Validate a pipeline file without running it.
    Check(CheckArgs),
    /// Write the synthetic demo athlete (and a three-athlete coach folder) to DIR.
    Demo(DemoArgs),
    /// Show what heavylegs reads from one file; for FIT, every raw message too.
    Inspect(InspectArgs),
    /// Rebuild a coach folder's roster from its athletes' report.json (after sharded runs).
    #[command(long_about = ROSTER_ABOUT, after_help = ROSTER_HELP)]
    Roster(RosterArgs),
}

const ROSTER_ABOUT: &str = "\
Rebuild OUT/roster.{html,json,csv} from every OUT/<athlete>/report.json.

A coach run split with --shard (N cron hosts, a Kubernetes Indexed Job, a Slurm
array) writes each of its athletes' folders into the shared output folder but no
roster, since no shard sees every athlete. Run this once when every shard has
finished: it reads only the report.json files (nothing is decoded), orders the
athletes as a coach run does (most severe flag, then number of flags, then ACWR,
then name) and writes the three roster files atomically. The same reports give
the same bytes, so running it twice is harmless; an unsharded coach run writes
the same roster by itself.

Subfolders without a report.json are left out with a warning; dot folders
(.cache) are skipped. Shards must write the json format (the default).";

const ROSTER_HELP: &str = "\
Examples:
  heavylegs report --athletes coach/ -o out --shard 1/2    on host 1
  heavylegs report --athletes coach/ -o out --shard 2/2    on host 2
  heavylegs roster out                                     once both have finished

  Slurm: deploy/slurm/heavylegs-array.sbatch runs the shards as an array job and
  this step as a job with --dependency=afterok on the array.
  Kubernetes: deploy/kubernetes/indexed-job.yaml (an Indexed Job, then this step).

Exit codes:
  0  roster written
  1  a report.json could not be read (the message names it), or a write failed
  2  OUT is not a folder or holds no OUT/<athlete>/report.json
  5  another heavylegs run is writing this roster";

#[derive(Debug, Args)]
pub struct RosterArgs {
    /// The output folder of a coach run: one subfolder per athlete, each with report.json.
    #[arg(value_name = "OUT")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Files, folders or archives with one athlete's runs.
    #[arg(required_unless_present = "athletes")]
    pub inputs: Vec<PathBuf>,

    /// A folder with one subfolder per athlete: one report each, plus a roster.
    #[arg(long, value_name = "DIR", conflicts_with = "inputs")]
    pub athletes: Option<PathBuf>,

    /// Output folder.
    #[arg(short, long, default_value = "heavylegs-report")]
    pub output: PathBuf,

    #[command(flatten)]
    pub profile: ProfileArgs,

    #[command(flatten)]
    pub run: RunControl,
}

/// What the files cannot say about the athlete.
#[derive(Debug, Args, Default, Clone)]
pub struct ProfileArgs {
    /// Athlete name shown in the report (default: the input folder's name).
    #[arg(long)]
    pub name: Option<String>,
    /// IANA time zone for files without a UTC offset (e.g. Europe/Berlin).
    #[arg(long, value_name = "TZ")]
    pub timezone: Option<String>,
    /// Maximum heart rate, bpm (zones and TRIMP; estimated from the data when absent).
    #[arg(long, value_name = "BPM")]
    pub max_hr: Option<f64>,
    /// Resting heart rate, bpm (TRIMP; 60 when absent).
    #[arg(long, value_name = "BPM")]
    pub resting_hr: Option<f64>,
    /// Height, cm (step length relative to height).
    #[arg(long, value_name = "CM")]
    pub height: Option<f64>,
}

/// How this run behaves (never what it computes: that lives in pipeline files).
#[derive(Debug, Args, Default, Clone)]
pub struct RunControl {
    /// Units in the Markdown and HTML report (JSON is always metric).
    #[arg(long, value_enum)]
    pub units: Option<Units>,
    /// Only report the last N weeks (earlier runs still feed ACWR and baselines).
    #[arg(long, value_name = "N")]
    pub weeks: Option<u32>,
    /// Only report from this date on (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<chrono::NaiveDate>,
    /// Verdicts judge the last N weeks up to the as-of day (default 4); earlier runs are the baseline.
    #[arg(long, value_name = "N")]
    pub window_weeks: Option<u32>,
    /// Report as if run on this day (YYYY-MM-DD): later runs are ignored (default: the latest run).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<chrono::NaiveDate>,
    /// Cache folder for decoded per-file results (default: OUTPUT/.cache).
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Decode everything again, ignoring the cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Read and hash every input even when its size and modification time match the cache.
    #[arg(long)]
    pub rehash: bool,
    /// Write the report even when the inputs yield no activity (it replaces the previous one).
    #[arg(long)]
    pub allow_empty: bool,
    /// Exit with code 4 when this happens (for jobs that should alert).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Process only a stable share of the athletes (coach runs): I/N, e.g. 2/4, or auto.
    ///
    /// Athletes are split by a hash of their folder name, so every host computes
    /// the same split without a coordinator. `auto` reads the index from the
    /// scheduler: JOB_COMPLETION_INDEX (Kubernetes Indexed Job; give the count
    /// with --shard-count) or SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT and
    /// SLURM_ARRAY_TASK_MIN (a Slurm array); a missing or inconsistent variable
    /// exits 2. Shards lock only their athletes' folders, so they can write into
    /// one output folder at the same time. A sharded run writes no roster: run
    /// `heavylegs roster OUT` when every shard has finished.
    #[arg(long, value_name = "I/N|auto")]
    pub shard: Option<String>,
    /// With --shard auto: the number of shards (a Kubernetes Job's completions).
    #[arg(long, value_name = "N", requires = "shard")]
    pub shard_count: Option<u64>,
    /// No progress bar even on a terminal.
    #[arg(long)]
    pub no_progress: bool,
    #[command(flatten)]
    pub decoder: DecoderArgs,
}

/// How FIT files are read (shared by every command that decodes).
#[derive(Debug, Args, Default, Clone)]
pub struct DecoderArgs {
    /// FIT reading engine: fast (default) or fitparser.
    ///
    /// Both engines feed the same normalization, so reports should not differ.
    /// `fast` is heavylegs' own reader, many times quicker on big folders; it
    /// hands any file it does not fully understand to fitparser by itself.
    /// Switch to `fitparser` (the reference crate) if you suspect the fast
    /// reader of a wrong number: compare the two reports and report the file
    /// that differs (`heavylegs inspect FILE --fit-decoder fitparser` shows one
    /// file both ways). Switching engines rebuilds the cache. A pipeline file
    /// sets it as `fit_decoder = "fitparser"` under `[inputs]`.
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub fit_decoder: Option<FitDecoder>,
}

impl ValueEnum for FitDecoder {
    fn value_variants<'a>() -> &'a [Self] {
        &[FitDecoder::Fast, FitDecoder::Fitparser]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            FitDecoder::Fast => {
                PossibleValue::new("fast").help("heavylegs' own FIT reader (default)")
            }
            FitDecoder::Fitparser => {
                PossibleValue::new("fitparser").help("the fitparser crate: slower, the reference")
            }
        })
    }
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// One JSON object per activity (and per input that yields none) on stdout.
    #[arg(long)]
    pub jsonl: bool,
    /// Write activities.parquet/.csv and samples.parquet into this folder.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub decoder: DecoderArgs,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// One .fit, .gpx or .tcx file, optionally gzip'd (the format is read from the content).
    pub file: PathBuf,
    /// FIT only: also dump every message with its fields (decoded by fitparser,
    /// so you see the file as the reference reads it, not as heavylegs normalizes it).
    #[arg(long)]
    pub messages: bool,
    /// FIT only: dump only messages of this name (record, lap, session, file_id, …); implies --messages.
    #[arg(long, value_name = "NAME")]
    pub message: Option<String>,
    /// One JSON document on stdout instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub decoder: DecoderArgs,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    pub pipeline: PathBuf,
    /// Override the pipeline's output folder.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub run: RunControl,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    pub pipeline: PathBuf,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the files (created).
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any cause flagged.
    Flagged,
    /// Any input rejected.
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
