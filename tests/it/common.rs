//! Shared helpers for the integration tests.

use std::path::{Path, PathBuf};

/// The shared corpus: `$HEAVYLEGS_CORPUS`, else `../shared/corpus` next to
/// the repository. `None` (after printing a SKIP line) when absent.
#[allow(dead_code)]
pub fn corpus_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("HEAVYLEGS_CORPUS").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")),
    ];
    let found = candidates.into_iter().flatten().find(|p| p.is_dir());
    if found.is_none() {
        println!(
            "SKIP: shared corpus not found (set HEAVYLEGS_CORPUS or place it at ../shared/corpus)"
        );
    }
    found
}

/// A file under the crate's committed `samples/` folder.
#[allow(dead_code)]
pub fn sample(rel: &str) -> PathBuf {
    samples_dir().join(rel)
}

/// The crate's committed `samples/` folder.
#[allow(dead_code)]
pub fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// The corpus folder and its parsed `oracle.json`; `None` (with a SKIP line naming `test`) when absent.
#[allow(dead_code)]
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

/// Runs the binary from the repository root.
pub fn heavylegs(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_heavylegs"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run heavylegs")
}

pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn read_json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .expect("json")
}

/// Every file under `dir`, recursively (the cache and locks included), sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
