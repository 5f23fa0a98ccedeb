//! One integration-test binary; each stage adds its module here.

mod common;
mod metrics;
