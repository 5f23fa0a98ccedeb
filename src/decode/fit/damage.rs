//! How a FIT data stream ended short of its end, as both engines report it
//! (the fitparser one in `stream.rs`, the fast one in `fast/`).

/// How the stream ended when it did not reach the end of its data.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Damage {
    /// The bytes ran out inside a message.
    Truncated { at_byte: usize, detail: String },
    /// A message could not be read.
    Corrupt { at_byte: usize, detail: String },
}

/// The header declared more data than the file holds.
pub(super) fn short_data(at_byte: usize, short: usize) -> Damage {
    Damage::Truncated {
        at_byte,
        detail: format!("header declares {short} more data bytes than the file holds"),
    }
}
