//! Paths shared by the integration tests.

use std::path::PathBuf;

/// The shared corpus: `$HEAVYLEGS_CORPUS`, else `<crate>/../shared/corpus`,
/// else `/work/shared/corpus`. `None` (after printing a SKIP line) when absent.
#[allow(dead_code)]
pub fn corpus_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("HEAVYLEGS_CORPUS").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")),
        Some(PathBuf::from("/work/shared/corpus")),
    ];
    let found = candidates.into_iter().flatten().find(|p| p.is_dir());
    if found.is_none() {
        println!("SKIP: shared corpus not found (set HEAVYLEGS_CORPUS)");
    }
    found
}

/// A file under `samples/` in the crate.
#[allow(dead_code)]
pub fn sample(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(rel)
}
