//! The one integration-test binary (one link of the polars-heavy crate):
//! one module per pipeline stage.

mod common;
mod demo;
mod docs;
mod fit;
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
#[cfg(feature = "tables")]
mod report;
#[cfg(feature = "tables")]
mod scale;
mod xml_formats;
