//! sniff → decode → metrics, as the per-leaf step runs it. libfuzzer-sys
//! aborts on any panic, even one `decode::decode` would catch.
#![no_main]

use heavylegs::decode::{self, DecodeError};
use heavylegs::ingest::sniff::{Sniffed, sniff};
use heavylegs::limits::Limits;
use heavylegs::metrics::{self, MetricsConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sniffed = sniff(data);
    if let Sniffed::Unknown(reason) = &sniffed {
        assert!(!reason.is_empty() && !reason.contains('\n'), "{reason:?}");
    }
    let Some(format) = sniffed.format() else {
        return;
    };
    match decode::decode(format, data, &Limits::default()) {
        Err(DecodeError::Panic(msg)) => panic!("decoder panic caught: {msg}"),
        Err(e) => {
            let msg = e.to_string();
            assert!(!msg.is_empty() && !msg.contains('\n'), "{msg:?}");
        }
        Ok(activities) => {
            let cfg = MetricsConfig::default();
            for a in &activities {
                if let Err(broken) = a.series.check() {
                    panic!("{broken}");
                }
                let _ = metrics::compute(a, &cfg);
            }
        }
    }
});
