//! Shared helpers for the integration tests.

use std::path::PathBuf;

/// The shared corpus: `$HEAVYLEGS_CORPUS`, else `<crate>/../shared/corpus`, else `/work/shared/corpus`.
#[allow(dead_code)]
pub fn corpus_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("HEAVYLEGS_CORPUS").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")),
        Some(PathBuf::from("/work/shared/corpus")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_dir())
}

/// The crate's committed `samples/` folder.
#[allow(dead_code)]
pub fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples")
}
