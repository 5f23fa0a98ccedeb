//! One integration-test binary; each stage adds its module here.

mod common;
mod ingest;
//! The one integration-test binary: one module per pipeline stage.

mod load;
mod common;
mod demo;
