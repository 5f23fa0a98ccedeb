//! Bytes written to a temp file, then `ingest::walk` with the real per-leaf
//! step: gzip inflation, zip discovery (nested), limits, sniff, decode.
//! The walk catches a panic per leaf, but libfuzzer-sys aborts on any panic,
//! so a panic anywhere (archive code included) is a crash.
#![no_main]

use std::sync::OnceLock;

use heavylegs::ingest::{WalkOptions, ingest};
use heavylegs::limits::Limits;
use libfuzzer_sys::fuzz_target;

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
}

fuzz_target!(|data: &[u8]| {
    // The name is not what decides the format (content is sniffed); `.zip`
    // keeps discovery from ignoring it.
    let path = dir().path().join("input.zip");
    std::fs::write(&path, data).expect("write input");
    let opts = WalkOptions {
        limits: Limits {
            // Keep one execution small: a zip bomb is refused, not inflated.
            max_decompressed_bytes: 16 << 20,
            ..Limits::default()
        },
        progress: None,
        ..WalkOptions::default()
    };
    let walked = ingest(&[path], &opts);
    for r in &walked.items {
        if let Some(reason) = &r.reason {
            assert!(!reason.is_empty() && !reason.contains('\n'), "{reason:?}");
            assert!(!reason.contains("decoder crashed"), "{reason}");
        }
    }
});
