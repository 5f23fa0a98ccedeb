//! Per-format decoders: bytes in, normalized [`Activity`] values out.
//!
//! Each submodule is the only place that knows its format's quirks. The
//! caller (ingest) has already decided the format by sniffing the content and
//! fills in [`crate::activity::Source`] path and hash afterwards; decoders set
//! `source.device` and leave `path`/`sha256` empty.

pub mod apple;
mod deadline;
pub mod fit;
pub mod gpx;
pub mod polar;
pub mod tcx;
pub(crate) mod xml;

use crate::activity::{Activity, Format};
use crate::limits::Limits;

pub use deadline::Deadline;

/// Why a decoder produced no activity. `NotAnActivity` and `NoData` mean the
/// input is fine but has nothing to analyse (skipped); the rest are damage (rejected).
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum DecodeError {
    #[error("empty file (0 bytes)")]
    Empty,
    #[error("not an activity: {0}")]
    NotAnActivity(String),
    #[error("no usable samples: {0}")]
    NoData(String),
    #[error("corrupt {format}: {detail}")]
    Corrupt {
        format: &'static str,
        detail: String,
    },
    #[error("truncated {format}: {detail}")]
    Truncated {
        format: &'static str,
        detail: String,
    },
    #[error("malformed XML: {0}")]
    Xml(String),
    #[error("limit exceeded: {0}")]
    Limit(String),
    #[error("decoder crashed: {0}")]
    Panic(String),
}

impl DecodeError {
    /// Skipped inputs are valid files that are not runs' data; rejected ones are damaged.
    pub fn is_skip(&self) -> bool {
        matches!(self, DecodeError::NotAnActivity(_) | DecodeError::NoData(_))
    }
}

/// Decodes one file's bytes of a known format into its activities (a multisport
/// FIT or a multi-activity TCX yields several, in file order). A panic inside a
/// dependency is caught here and becomes [`DecodeError::Panic`].
pub fn decode(format: Format, bytes: &[u8], limits: &Limits) -> Result<Vec<Activity>, DecodeError> {
    decode_with(format, bytes, limits, fit::FitDecoder::default())
}

/// [`decode`] with an explicit FIT engine (`--fit-decoder`); GPX and TCX ignore it.
pub fn decode_with(
    format: Format,
    bytes: &[u8],
    limits: &Limits,
    fit_decoder: fit::FitDecoder,
) -> Result<Vec<Activity>, DecodeError> {
    let run = || match format {
        Format::Fit => fit::decode_with(bytes, limits, fit_decoder),
        Format::Gpx => gpx::decode(bytes, limits),
        Format::Tcx => tcx::decode(bytes, limits),
        Format::AppleHealth => apple::decode(bytes, limits),
        Format::PolarFlow => polar::decode(bytes, limits),
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(r) => r,
        Err(payload) => {
            let msg = panic_message(payload.as_ref());
            Err(DecodeError::Panic(msg))
        }
    }
}

/// The text of a caught panic's payload (`panic!` with a literal or a format).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}
