//! The GPX decoder on arbitrary bytes, called directly (not through
//! `decode::decode`'s catch_unwind): any panic, ours or a dependency's, is a crash.
#![no_main]

use heavylegs::limits::Limits;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(activities) = heavylegs::decode::gpx::decode(data, &Limits::default()) {
        for a in &activities {
            if let Err(broken) = a.series.check() {
                panic!("{broken}");
            }
        }
    }
});
