//! heavylegs: why do my legs feel heavy when I run?
//!
//! A batch pipeline over watch exports: `ingest` (discover, unpack, sniff,
//! decode per format) → [`activity::Activity`] → [`metrics`] per run →
//! [`load`] per week → [`findings`] per heavy-leg cause → [`report`] writers.
//! The binary in `src/main.rs` is a thin shell over [`app`].

pub mod activity;
#[cfg(feature = "tables")]
pub mod analyse;
#[cfg(feature = "tables")]
pub mod app;
pub mod cache;
pub mod cli;
pub mod decode;
pub mod demo;
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
pub mod output;
pub mod pipeline;
pub mod profile;
pub mod reduce;
#[cfg(feature = "tables")]
pub mod report;
pub mod roster;
#[cfg(feature = "tables")]
pub mod run;
pub mod settings;
pub mod shard;
pub mod thresholds;
pub mod units;
#[cfg(feature = "tables")]
pub mod verdicts;
pub mod wellness;
