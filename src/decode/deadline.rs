//! The per-file wall-clock budget of the decoders.

use super::DecodeError;
use crate::limits::Limits;

/// The per-file wall-clock budget ([`Limits::file_time_budget_s`]), checked
/// cooperatively by decoders in their main loops: a pathological file becomes
/// a rejection instead of a stalled batch. Reading the clock is amortised
/// over [`Deadline::STRIDE`] checks, so a check costs a counter increment.
#[derive(Debug, Clone)]
pub struct Deadline {
    start: std::time::Instant,
    budget: std::time::Duration,
    ticks: u32,
}

impl Deadline {
    /// Checks between two clock reads.
    pub const STRIDE: u32 = 4096;

    /// Starts the clock for one file. A non-positive or non-finite budget never expires.
    pub fn start(limits: &Limits) -> Self {
        let budget = if limits.file_time_budget_s.is_finite() && limits.file_time_budget_s > 0.0 {
            std::time::Duration::from_secs_f64(limits.file_time_budget_s.min(1e9))
        } else {
            std::time::Duration::MAX
        };
        Deadline {
            start: std::time::Instant::now(),
            budget,
            ticks: 0,
        }
    }

    /// `Err` with the reason once the budget is spent (checked every [`Self::STRIDE`] calls).
    pub fn check(&mut self) -> Result<(), DecodeError> {
        self.ticks = self.ticks.wrapping_add(1);
        if !self.ticks.is_multiple_of(Self::STRIDE) {
            return Ok(());
        }
        self.check_now()
    }

    /// Like [`Self::check`], reading the clock every time (for coarse loops).
    pub fn check_now(&self) -> Result<(), DecodeError> {
        let spent = self.start.elapsed();
        if spent > self.budget {
            return Err(DecodeError::Limit(format!(
                "decoding took longer than {} s (limits.file_time_budget_s)",
                self.budget.as_secs_f64()
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;

    #[test]
    fn a_zero_budget_never_expires_and_a_tiny_one_does() {
        let off = Limits {
            file_time_budget_s: 0.0,
            ..Limits::default()
        };
        assert!(Deadline::start(&off).check_now().is_ok());
        let tiny = Limits {
            file_time_budget_s: 1e-9,
            ..Limits::default()
        };
        let d = Deadline::start(&tiny);
        std::thread::sleep(std::time::Duration::from_millis(2));
        let e = d.check_now().unwrap_err().to_string();
        assert!(e.contains("file_time_budget_s"), "{e}");
    }
}
