//! An ingest [`Record`] as the binary cache stores it (`#[serde(with)]` on
//! `run::Item::record`). The cache's format has no field names, so every field
//! is written, always, in this order: the record's own serde form skips an
//! absent `wellness`, which would shift every field after it. Destructured
//! field by field, so a field added to `Record` fails to compile here until it
//! is stored too.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::activity::{Activity, Format};
use crate::ingest::{Record, Status};
use crate::wellness::Wellness;

#[derive(Serialize)]
struct Out<'a> {
    path: &'a str,
    sha256: &'a str,
    format: &'a Option<Format>,
    status: Status,
    reason: &'a Option<String>,
    duplicate_of: &'a Option<String>,
    activity: &'a Option<Activity>,
    wellness: &'a Option<Box<Wellness>>,
}

#[derive(Deserialize)]
struct In {
    path: String,
    sha256: String,
    format: Option<Format>,
    status: Status,
    reason: Option<String>,
    duplicate_of: Option<String>,
    activity: Option<Activity>,
    wellness: Option<Box<Wellness>>,
}

pub fn serialize<S: Serializer>(r: &Record, s: S) -> Result<S::Ok, S::Error> {
    let Record {
        path,
        sha256,
        format,
        status,
        reason,
        duplicate_of,
        activity,
        wellness,
    } = r;
    Out {
        path,
        sha256,
        format,
        status: *status,
        reason,
        duplicate_of,
        activity,
        wellness,
    }
    .serialize(s)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Record, D::Error> {
    let In {
        path,
        sha256,
        format,
        status,
        reason,
        duplicate_of,
        activity,
        wellness,
    } = In::deserialize(d)?;
    Ok(Record {
        path,
        sha256,
        format,
        status,
        reason,
        duplicate_of,
        activity,
        wellness,
    })
}
