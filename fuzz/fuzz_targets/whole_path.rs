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
                let _ = metrics::compute(a, &cfg);
            }
        }
    }
});
