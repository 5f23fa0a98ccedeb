//! The one integration-test binary (one link of the polars-heavy crate):
//! one module per pipeline stage.

mod apple;
#[cfg(feature = "tables")]
mod calibration;
mod common;
#[cfg(feature = "tables")]
mod cron;
mod demo;
mod docs;
mod fit;
mod fit_bytes;
mod fit_fast;
mod fit_oracle;
#[cfg(feature = "tables")]
mod fitcli;
mod hostile;
mod ingest;
#[cfg(feature = "tables")]
mod load;
mod metrics;
mod mutate;
#[cfg(feature = "tables")]
mod pipeline;
mod real_runs;
#[cfg(feature = "tables")]
mod report;
#[cfg(feature = "tables")]
mod report_fixture;
#[cfg(feature = "tables")]
mod scale;
#[cfg(feature = "tables")]
mod scenarios;
#[cfg(feature = "tables")]
mod verdict_kit;
mod wellness;
#[cfg(feature = "tables")]
mod wellness_verdicts;
#[cfg(feature = "tables")]
mod window;
mod xml_formats;
