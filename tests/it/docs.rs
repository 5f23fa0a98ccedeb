//! Generated documentation stays in step with the code that it describes.

use heavylegs::thresholds::{Thresholds, markdown_table};

const HEADER: &str = "# Thresholds\n\nEvery number the findings use, with the source it rests on and the evidence grade \
(A: RCT or systematic review · B: prospective cohort or lab study · C: small, retrospective or \
surrogate · D: convention or practitioner). Override any of them in a pipeline file's \
`[thresholds]` table. The verdicts judge the assessment window (default the last 4 weeks up to the \
as-of day) against the runner's baseline before it; docs/metrics.md describes both. Generated from `src/thresholds.rs`; `HEAVYLEGS_WRITE_DOCS=1 cargo test --test it docs::` rewrites it.\n\n";

#[test]
fn thresholds_doc_matches_the_code() {
    let want = format!("{HEADER}{}", markdown_table(&Thresholds::default()));
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/thresholds.md");
    if std::env::var_os("HEAVYLEGS_WRITE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/thresholds.md is stale: run HEAVYLEGS_WRITE_DOCS=1 cargo test --test it docs::"
    );
}
