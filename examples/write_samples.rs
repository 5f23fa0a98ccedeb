//! Rewrites the committed demo samples (`samples/demo`, `samples/apple`,
//! `samples/coach`) from the demo generator: `cargo run --example write_samples`.

use std::path::Path;

use heavylegs::demo;

fn main() -> anyhow::Result<()> {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let (demo_dir, coach_dir) = (samples.join("demo"), samples.join("coach"));
    // The generator writes every file; a stale one left behind would stay in the samples.
    let _ = std::fs::remove_dir_all(&demo_dir);
    let _ = std::fs::remove_dir_all(&coach_dir);
    demo::generate(&demo_dir, &demo::demo_athlete())?;
    demo::generate_coach(&coach_dir)?;
    let apple_dir = samples.join("apple");
    demo::generate_apple(&apple_dir, &demo::demo_athlete())?;
    println!(
        "{}\n{}\n{}",
        demo_dir.display(),
        apple_dir.display(),
        coach_dir.display()
    );
    Ok(())
}
