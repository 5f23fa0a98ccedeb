//! The fast FIT engine and the fitparser engine side by side on the same
//! bytes: neither may panic (no catch_unwind here), and where both decode,
//! every activity must be equal: columns, totals, laps, pauses, warnings
//! (apart from the fast engine's hand-over note).
#![no_main]

use heavylegs::activity::Activity;
use heavylegs::decode::fit::{FitDecoder, decode_with};
use heavylegs::limits::Limits;
use libfuzzer_sys::fuzz_target;

/// Everything but the hand-over note, as text (NaN equals NaN in Debug).
fn view(a: &Activity) -> String {
    let mut a = a.clone();
    a.warnings.retain(|w| !w.starts_with("read by fitparser:"));
    format!("{a:?}")
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let fast = decode_with(data, &limits, FitDecoder::Fast);
    let reference = decode_with(data, &limits, FitDecoder::Fitparser);
    if let (Ok(a), Ok(b)) = (&fast, &reference) {
        assert_eq!(a.len(), b.len(), "activity count");
        for (x, y) in a.iter().zip(b) {
            assert_eq!(view(x), view(y));
        }
    }
});
