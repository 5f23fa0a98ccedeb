//! Ingest: discover inputs, unpack archives and gzip in memory, sniff each
//! leaf's format by content, decode it, and dedupe runs seen twice.
//!
//! Data flows one way: `discover` → `archive` (leaves) → `sniff` → `decode`
//! → [`Record`]s → `dedupe`. The per-leaf step is a closure so the app can put
//! a content-hash cache in front of decoding.

use serde::{Deserialize, Serialize};

use crate::activity::{Activity, Format};

pub mod archive;
pub mod dedupe;
pub mod discover;
pub mod sniff;

/// What became of one input (a file, an archive member, or a session of a multisport file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// A run, decoded.
    Ok,
    /// Readable but not analysed: not a run, not an activity, or a duplicate.
    Skipped,
    /// Damaged or refused by a limit; `reason` says which.
    Rejected,
}

/// One line of the ingest ledger. `activity` is present for `ok` records and
/// for skipped non-run activities; cached records carry it without its series.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub path: String,
    pub sha256: String,
    pub format: Option<Format>,
    pub status: Status,
    pub reason: Option<String>,
    pub duplicate_of: Option<String>,
    pub activity: Option<Activity>,
}
