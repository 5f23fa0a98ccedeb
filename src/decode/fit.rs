//! TODO(helper): fit decoder.
use super::DecodeError;
use crate::activity::Activity;
use crate::limits::Limits;

pub fn decode(_bytes: &[u8], _limits: &Limits) -> Result<Vec<Activity>, DecodeError> {
    Err(DecodeError::NotAnActivity(
        "fit decoder not written yet".into(),
    ))
}
