//! SIGINT / SIGTERM (and SIGHUP): a run stopped by Ctrl-C or `kill` must
//! leave the previous outputs as they were and say what it was doing.
//!
//! The first signal only raises a flag; the pipeline looks at it at safe
//! points (between input files, before any output is written) and unwinds
//! with [`Interrupted`], which the app turns into one line on stderr and exit
//! code [`EXIT_CODE`]. Outputs are written atomically (temp name + rename),
//! so a file being written when the signal arrives is still finished whole.
//! A second signal exits at once (same code, no message), for a user who
//! will not wait.
//!
//! The state is process-wide on purpose: a signal is. Nothing but the handler
//! ever raises the flag, so library users and tests that never call
//! [`install`] are unaffected.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};

/// Exit code of an interrupted run: 128 + SIGINT, the shell convention.
pub const EXIT_CODE: u8 = 130;

/// What the run is doing, for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Stage {
    Starting = 0,
    Decoding = 1,
    Analysing = 2,
    Writing = 3,
}

impl Stage {
    fn from_u8(v: u8) -> Stage {
        match v {
            1 => Stage::Decoding,
            2 => Stage::Analysing,
            3 => Stage::Writing,
            _ => Stage::Starting,
        }
    }
}

static REQUESTED: AtomicBool = AtomicBool::new(false);
static STAGE: AtomicU8 = AtomicU8::new(Stage::Starting as u8);
static FILES_TOTAL: AtomicUsize = AtomicUsize::new(0);
static FILES_DONE: AtomicUsize = AtomicUsize::new(0);
/// Where the run was at the first safe point after the signal (files in flight finish first).
static STOPPED: OnceLock<Interrupted> = OnceLock::new();

/// Installs the handlers for SIGINT, SIGTERM and SIGHUP. Call once, from the binary's
/// commands that check [`checkpoint`]; elsewhere the default (immediate exit) is kept.
pub fn install() -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        // Registered first, so it runs before the flag is raised: it fires from the second signal on.
        signal_hook::flag::register_conditional_shutdown(signal, i32::from(EXIT_CODE), &REQUESTED)?;
        signal_hook::flag::register(signal, &REQUESTED)?;
    }
    Ok(())
}

/// True once a signal has asked the run to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// Records the stage the run has entered.
pub fn enter(stage: Stage) {
    STAGE.store(stage as u8, Ordering::SeqCst);
}

/// Adds `n` input files to the total being decoded (athletes run in parallel).
pub fn files_found(n: usize) {
    enter(Stage::Decoding);
    FILES_TOTAL.fetch_add(n, Ordering::SeqCst);
}

/// One input file finished.
pub fn file_done() {
    FILES_DONE.fetch_add(1, Ordering::SeqCst);
}

/// A safe point: `Err` once a signal has arrived, so the caller unwinds before writing.
pub fn checkpoint() -> Result<(), Interrupted> {
    if !requested() {
        return Ok(());
    }
    Err(STOPPED
        .get_or_init(|| Interrupted {
            stage: Stage::from_u8(STAGE.load(Ordering::SeqCst)),
            files_done: FILES_DONE.load(Ordering::SeqCst),
            files_total: FILES_TOTAL.load(Ordering::SeqCst),
        })
        .clone())
}

/// The run stopped at a safe point after a signal; the message says where it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct Interrupted {
    pub stage: Stage,
    pub files_done: usize,
    pub files_total: usize,
}

impl Interrupted {
    fn message(&self) -> String {
        let (done, total) = (self.files_done, self.files_total);
        match self.stage {
            Stage::Starting => "interrupted while starting; previous outputs left intact".into(),
            Stage::Decoding => {
                format!("interrupted while decoding ({done} of {total} files); previous outputs left intact")
            }
            Stage::Analysing => {
                format!("interrupted while analysing ({done} of {total} files decoded); previous outputs left intact")
            }
            Stage::Writing => {
                "interrupted while writing outputs; each output file is whole, either the previous or the new version"
                    .into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The process-wide flag is never raised here: other tests share the process.
    #[test]
    fn messages_name_the_stage_and_the_progress() {
        let at = |stage| {
            Interrupted {
                stage,
                files_done: 312,
                files_total: 1071,
            }
            .to_string()
        };
        assert_eq!(
            at(Stage::Decoding),
            "interrupted while decoding (312 of 1071 files); previous outputs left intact"
        );
        assert!(
            at(Stage::Analysing)
                .starts_with("interrupted while analysing (312 of 1071 files decoded)")
        );
        assert!(at(Stage::Writing).contains("either the previous or the new version"));
        assert!(checkpoint().is_ok());
    }
}
