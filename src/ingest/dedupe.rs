//! Counts a run once when it arrives several times: two copies of one file,
//! the FIT and the GPX of the same run, the Garmin and the Strava export.
//!
//! Two runs are the same when their stored bytes are identical, or when they
//! share a sport and either start within two minutes with elapsed time and
//! distance within 5 %, or cover more than 90 % of the same time span. The
//! richest copy wins ([`Format::richness`], then more recorded channels, then
//! fewer decode warnings, so an intact copy beats a salvaged one, then the
//! earlier path); the others stay in the ledger as skipped duplicates.
//!
//! [`Format::richness`]: crate::activity::Format::richness

use foldhash::HashMap;
use std::cmp::{Ordering, Reverse};

use super::{Record, Status};
use crate::activity::{Activity, COLUMNS};

/// How a duplicate's reason begins: "duplicate of <the copy kept>".
pub const DUPLICATE_OF: &str = "duplicate of ";

/// Largest start-time difference of two copies of one run, seconds.
const START_WINDOW_S: f64 = 120.0;
/// Largest relative difference of elapsed time and of distance between copies.
const SIZE_TOLERANCE: f64 = 0.05;
/// Smallest shared fraction of the longer time span for copies that start further apart.
const MIN_OVERLAP: f64 = 0.90;

/// Marks every duplicate run skipped, pointing at the copy that is kept.
///
/// Only `ok` records take part. The result does not depend on the order of
/// `records`. Cost: a sort by start time, then each run is compared with the
/// few runs that start shortly after it.
pub fn dedupe(records: &mut [Record]) {
    dedupe_in(records, |r| r, |r| r);
}

/// [`dedupe`] on the records inside larger rows, left in place (moving
/// thousands of records out and back cost more than the dedupe).
pub fn dedupe_in<T>(
    rows: &mut [T],
    record: impl Fn(&T) -> &Record,
    record_mut: impl Fn(&mut T) -> &mut Record,
) {
    let mut runs: Vec<Run> = rows
        .iter()
        .map(&record)
        .enumerate()
        .filter(|(_, r)| r.status == Status::Ok)
        .filter_map(|(index, r)| Run::new(index, r))
        .collect();
    runs.sort_by(|a, b| a.cmp_start(b));

    let mut groups = UnionFind::new(runs.len());
    let mut first_with_content: HashMap<(&str, i64), usize> = HashMap::default();
    // A byte-for-byte copy of an earlier run: grouped with it here, and left
    // out of the pairwise comparison below, which only reads what copies share
    // (sport, start, elapsed time, distance). A folder imported 200 times
    // would otherwise compare every copy with every other.
    let mut copy = vec![false; runs.len()];
    for (i, run) in runs.iter().enumerate() {
        if run.sha256.is_empty() {
            continue;
        }
        // The start keeps the sessions of one multisport file apart.
        match first_with_content.get(&(run.sha256, run.start_ms)) {
            Some(&j) => {
                groups.union(i, j);
                copy[i] = true;
            }
            None => {
                first_with_content.insert((run.sha256, run.start_ms), i);
            }
        }
    }
    for i in (0..runs.len()).filter(|&i| !copy[i]) {
        let a = &runs[i];
        let reach_s = a.start_s + START_WINDOW_S.max((1.0 - MIN_OVERLAP) * a.elapsed_s);
        for (j, b) in runs.iter().enumerate().skip(i + 1) {
            if b.start_s > reach_s {
                break;
            }
            if !copy[j] && a.same_run_as(b) {
                groups.union(i, j);
            }
        }
    }

    let mut members: HashMap<usize, Vec<usize>> = HashMap::default();
    for i in 0..runs.len() {
        members.entry(groups.find(i)).or_default().push(i);
    }
    let mut losers: Vec<(usize, String)> = Vec::new();
    for group in members.values().filter(|g| g.len() > 1) {
        let Some(&winner) = group
            .iter()
            .min_by(|&&a, &&b| runs[a].cmp_preference(&runs[b]))
        else {
            continue;
        };
        let winner_path = runs[winner].path.to_owned();
        for &i in group.iter().filter(|&&i| i != winner) {
            losers.push((runs[i].index, winner_path.clone()));
        }
    }
    for (index, winner_path) in losers {
        let record = record_mut(&mut rows[index]);
        record.status = Status::Skipped;
        record.reason = Some(format!("{DUPLICATE_OF}{winner_path}"));
        record.duplicate_of = Some(winner_path);
    }
}

/// The facts about one ok record that dedupe compares.
struct Run<'r> {
    index: usize,
    path: &'r str,
    sha256: &'r str,
    activity: &'r Activity,
    start_ms: i64,
    start_s: f64,
    elapsed_s: f64,
}

impl<'r> Run<'r> {
    fn new(index: usize, record: &'r Record) -> Option<Run<'r>> {
        let activity = record.activity.as_ref()?;
        let start_ms = activity.start.timestamp_millis();
        let elapsed_s = if activity.elapsed_s.is_finite() {
            activity.elapsed_s.max(0.0)
        } else {
            0.0
        };
        Some(Run {
            index,
            path: &record.path,
            sha256: &record.sha256,
            activity,
            start_ms,
            start_s: start_ms as f64 / 1000.0,
            elapsed_s,
        })
    }

    /// Start, then path and content, so ties never depend on input order.
    fn cmp_start(&self, other: &Run) -> Ordering {
        (self.start_ms, self.path, self.sha256).cmp(&(other.start_ms, other.path, other.sha256))
    }

    /// Smaller is preferred: richer format, more channels, fewer decode warnings, earlier path.
    fn cmp_preference(&self, other: &Run) -> Ordering {
        preference_key(self)
            .cmp(&preference_key(other))
            .then_with(|| {
                (self.path, self.sha256, self.start_ms).cmp(&(
                    other.path,
                    other.sha256,
                    other.start_ms,
                ))
            })
    }

    fn same_run_as(&self, other: &Run) -> bool {
        if self.activity.sport != other.activity.sport {
            return false;
        }
        let close_start = (self.start_s - other.start_s).abs() <= START_WINDOW_S;
        let close_size = within_tolerance(self.elapsed_s, other.elapsed_s)
            && match (self.activity.distance_m, other.activity.distance_m) {
                (Some(a), Some(b)) => within_tolerance(a, b),
                _ => true,
            };
        (close_start && close_size) || self.overlap_fraction(other) > MIN_OVERLAP
    }

    /// Shared time span as a fraction of the longer of the two spans.
    fn overlap_fraction(&self, other: &Run) -> f64 {
        let longest = self.elapsed_s.max(other.elapsed_s);
        if longest <= 0.0 {
            return 0.0;
        }
        let start = self.start_s.max(other.start_s);
        let end = (self.start_s + self.elapsed_s).min(other.start_s + other.elapsed_s);
        (end - start).max(0.0) / longest
    }
}

fn preference_key(run: &Run) -> (Reverse<u8>, Reverse<usize>, usize) {
    (
        Reverse(run.activity.source.format.richness()),
        Reverse(recorded_channels(run.activity)),
        run.activity.warnings.len(),
    )
}

fn within_tolerance(a: f64, b: f64) -> bool {
    (a - b).abs() <= SIZE_TOLERANCE * a.abs().max(b.abs())
}

/// Channels other than time that the file recorded.
fn recorded_channels(activity: &Activity) -> usize {
    COLUMNS[1..]
        .iter()
        .filter(|c| activity.series.column(c).is_some())
        .count()
}

/// Disjoint sets over `0..n` with path halving; the smaller index becomes the root.
struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi] = lo;
    }
}
