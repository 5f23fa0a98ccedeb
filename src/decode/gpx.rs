//! TODO(helper): gpx decoder.
use crate::activity::Activity;
use crate::limits::Limits;
use super::DecodeError;

pub fn decode(_bytes: &[u8], _limits: &Limits) -> Result<Vec<Activity>, DecodeError> {
    Err(DecodeError::NotAnActivity("gpx decoder not written yet".into()))
}
