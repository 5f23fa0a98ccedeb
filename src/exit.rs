//! Exit codes and the rule that picks one for a finished run. Documented in
//! `--help` (src/cli.rs) and the README; nothing else maps outcomes to codes.

use crate::cli::FailOn;

/// Exit codes; documented in `--help` and the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    Ok = 0,
    Failed = 1,
    Config = 2,
    Rejected = 3,
    FailOn = 4,
    Locked = 5,
    /// The inputs yielded no activity: nothing written, the previous report kept.
    Empty = 6,
    /// SIGINT/SIGTERM: stopped at a safe point, previous outputs intact.
    Interrupted = crate::interrupt::EXIT_CODE as isize,
}

/// The exit code a finished run earns; `empty` counts athletes held back
/// because their inputs yielded no activity.
pub fn exit_for(rejected: usize, flagged: usize, empty: usize, fail_on: Option<FailOn>) -> Exit {
    match fail_on {
        Some(FailOn::Flagged) if flagged > 0 => Exit::FailOn,
        Some(FailOn::Rejected) if rejected > 0 => Exit::FailOn,
        _ if empty > 0 => Exit::Empty,
        _ if rejected > 0 => Exit::Rejected,
        _ => Exit::Ok,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_rank_rejections_and_fail_on() {
        assert_eq!(exit_for(0, 3, 0, None), Exit::Ok);
        assert_eq!(exit_for(2, 0, 0, None), Exit::Rejected);
        assert_eq!(exit_for(0, 1, 0, Some(FailOn::Flagged)), Exit::FailOn);
        assert_eq!(exit_for(1, 0, 0, Some(FailOn::Flagged)), Exit::Rejected);
        assert_eq!(exit_for(1, 0, 0, Some(FailOn::Rejected)), Exit::FailOn);
        // Held-back athletes outrank rejections, not an explicit --fail-on.
        assert_eq!(exit_for(1, 0, 1, None), Exit::Empty);
        assert_eq!(exit_for(0, 1, 1, Some(FailOn::Flagged)), Exit::FailOn);
        assert_eq!(exit_for(0, 0, 1, Some(FailOn::Flagged)), Exit::Empty);
    }
}
