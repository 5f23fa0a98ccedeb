//! heavylegs: why do my legs feel heavy when I run?
//!
//! A batch pipeline over watch exports: `ingest` (discover, unpack, sniff,
//! decode per format) → [`activity::Activity`] → [`metrics`] per run →
//! [`load`] per week → [`findings`] per heavy-leg cause → [`report`] writers.
//! The binary in `src/main.rs` is a thin shell over [`commands`], one file
//! per subcommand; [`batch`] runs a job's athletes, [`athlete`] one athlete's stages.

pub mod activity;
#[cfg(feature = "tables")]
pub mod athlete;
#[cfg(feature = "tables")]
pub mod batch;
pub mod cache;
pub mod cli;
#[cfg(feature = "tables")]
pub mod commands;
pub mod decode;
pub mod demo;
pub mod escape;
pub mod exit;
pub mod findings;
pub mod guard;
pub mod ingest;
pub mod inspect;
pub mod interrupt;
pub mod limits;
pub mod load;
pub mod lock;
pub mod log;
pub mod metrics;
pub mod names;
pub mod output;
pub mod pipeline;
pub mod profile;
#[cfg(feature = "tables")]
pub mod reduce;
#[cfg(feature = "tables")]
pub mod report;
pub mod roster;
pub mod settings;
pub mod shard;
pub mod thresholds;
pub mod units;
#[cfg(feature = "tables")]
pub mod verdicts;
pub mod wellness;
