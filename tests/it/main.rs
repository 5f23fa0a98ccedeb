//! The one integration-test binary: one module per area.

mod common;
mod fit;
mod fit_oracle;
mod demo;
