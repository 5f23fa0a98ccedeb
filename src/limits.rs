//! Resource limits that turn hostile or absurd inputs into one-line rejections
//! instead of a stalled batch or an exhausted machine. All are configurable
//! (pipeline `[limits]`), and every rejection names the limit it hit.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest input file read from disk, bytes.
    pub max_file_bytes: u64,
    /// Largest decompressed size of one gzip stream or zip member, bytes.
    pub max_decompressed_bytes: u64,
    /// Largest decompressed:compressed ratio of a gzip stream or zip member.
    pub max_compression_ratio: u64,
    /// How many archives may nest inside each other (outer zip = depth 1).
    pub max_archive_depth: u32,
    /// Most members read from one archive.
    pub max_archive_members: u32,
    /// Most samples kept per activity.
    pub max_records: u64,
    /// Deepest XML element nesting accepted.
    pub max_xml_depth: u32,
    /// Most attributes on one XML element.
    pub max_xml_attributes: u32,
    /// Wall-clock budget for decoding one file, seconds; `0` disables it.
    pub file_time_budget_s: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 << 20,
            max_decompressed_bytes: 256 << 20,
            max_compression_ratio: 200,
            max_archive_depth: 4,
            max_archive_members: 200_000,
            max_records: 2_000_000,
            max_xml_depth: 64,
            max_xml_attributes: 64,
            file_time_budget_s: 30.0,
        }
    }
}
