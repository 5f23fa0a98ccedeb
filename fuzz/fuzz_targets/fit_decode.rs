//! The FIT decoder on arbitrary bytes, called directly (not through
//! `decode::decode`'s catch_unwind): any panic, ours or a dependency's, is a crash.
#![no_main]

use heavylegs::limits::Limits;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(activities) = heavylegs::decode::fit::decode(data, &Limits::default()) {
        for a in &activities {
            let n = a.series.len();
            for c in heavylegs::activity::COLUMNS {
                if let Some(v) = a.series.column(c) {
                    assert_eq!(v.len(), n, "channel {c}");
                }
            }
            assert!(
                a.series.time_s.windows(2).all(|w| w[0] <= w[1]),
                "time_s decreases"
            );
        }
    }
});
