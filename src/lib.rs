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
pub mod ingest;
pub mod interrupt;
pub mod limits;
pub mod log;
pub mod lock;
pub mod load;
pub mod metrics;
pub mod output;
pub mod pipeline;
pub mod profile;
pub mod roster;
#[cfg(feature = "tables")]
pub mod run;
pub mod settings;
#[cfg(feature = "tables")]
pub mod report;
pub mod thresholds;
pub mod units;
