//! Sensor dropouts: a footpod or wrist sensor that loses the signal writes 0
//! (or nothing) while the runner keeps going. Averaging those zeros in would
//! report a cadence nobody ran, so dropouts are excluded sample by sample.

/// A cadence sample that is a real footfall rate: finite and above zero.
#[inline]
pub fn valid_cadence(spm: f64) -> bool {
    spm.is_finite() && spm > 0.0
}

/// A heart-rate sample a human heart can produce (25–250 bpm); optical
/// sensors write 0 or 255 when they lose contact.
#[inline]
pub fn valid_heart_rate(bpm: f64) -> bool {
    bpm.is_finite() && (25.0..=250.0).contains(&bpm)
}

/// A running-dynamics sample (stance time, oscillation, step length, ratio):
/// the sensors write 0 when they have no reading.
#[inline]
pub fn valid_positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropouts_are_recognised() {
        assert!(valid_cadence(172.0));
        assert!(!valid_cadence(0.0));
        assert!(!valid_cadence(f64::NAN));
        assert!(valid_heart_rate(140.0));
        assert!(!valid_heart_rate(0.0));
        assert!(!valid_heart_rate(255.0));
        assert!(!valid_positive(0.0));
        assert!(valid_positive(251.0));
    }
}
