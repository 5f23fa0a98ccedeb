//! Shared helpers: where the samples and the shared corpus live.

#![allow(dead_code)]

use std::path::PathBuf;

/// The crate's `samples/` directory joined with `rel`.
pub fn sample(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(rel)
}

/// The shared corpus: `$HEAVYLEGS_CORPUS`, else `<crate>/../shared/corpus`,
/// else `/work/shared/corpus`; `None` when none exists (tests then skip).
pub fn corpus_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("HEAVYLEGS_CORPUS") {
        let dir = PathBuf::from(dir);
        return dir.is_dir().then_some(dir);
    }
    [
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from("/work/shared/corpus"),
    ]
    .into_iter()
    .find(|d| d.is_dir())
}

/// The crate's committed `samples/` folder.
pub fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples")
}
