//! Shared helpers for the integration tests.

use std::path::{Path, PathBuf};

/// The shared corpus: `$HEAVYLEGS_CORPUS`, else `<crate>/../shared/corpus`, else `/work/shared/corpus`.
pub fn corpus_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("HEAVYLEGS_CORPUS").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")),
        Some(PathBuf::from("/work/shared/corpus")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("oracle.json").is_file())
}

/// The committed sample files.
pub fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// The corpus oracle, or `None` (with a SKIP line) when the corpus is absent.
pub fn oracle(test: &str) -> Option<(PathBuf, serde_json::Value)> {
    let Some(dir) = corpus_dir() else {
        println!("SKIP {test}: shared corpus not found");
        return None;
    };
    let text = std::fs::read_to_string(dir.join("oracle.json")).expect("oracle.json readable");
    Some((
        dir,
        serde_json::from_str(&text).expect("oracle.json is JSON"),
    ))
}
