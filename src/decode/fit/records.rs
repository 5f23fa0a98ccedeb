//! The record columns a FIT file is read into, and which record fields
//! feed them.
//!
//! Both engines write here: the fitparser engine through the [`Message`]
//! view, the fast engine through compiled record plans. [`RECORD_FIELDS`] is
//! the one list of what a column is made of, so the two cannot drift.
//!
//! [`Message`]: super::message::Message

use super::profile::{Field, record as rec};
use crate::activity::semicircles_to_deg;

/// Column indices: the channels kept from a record message.
pub(super) mod col {
    pub const DISTANCE: usize = 0;
    pub const SPEED: usize = 1;
    /// Device cadence plus its fraction, as stored (strides/min for
    /// running, rpm for cycling).
    pub const CADENCE: usize = 2;
    pub const HEART_RATE: usize = 3;
    pub const ALTITUDE: usize = 4;
    pub const LAT: usize = 5;
    pub const LON: usize = 6;
    pub const POWER: usize = 7;
    /// Power from a developer field (Stryd, Garmin Running Power), used only
    /// when the session has no native power.
    pub const DEV_POWER: usize = 8;
    pub const STANCE_TIME: usize = 9;
    pub const STANCE_BALANCE: usize = 10;
    pub const VERTICAL_OSCILLATION: usize = 11;
    pub const VERTICAL_RATIO: usize = 12;
    pub const STEP_LENGTH: usize = 13;
    pub const TEMPERATURE: usize = 14;
    /// How many columns there are.
    pub const COUNT: usize = 15;
    /// Not a column: the cadence's fraction (1/128 rpm), added to
    /// [`CADENCE`] where both are present, as records are read.
    pub const FRACTIONAL_CADENCE: usize = COUNT;
}

/// How a raw record value becomes a column value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Conv {
    /// The raw value (scale 1, offset 0: no division to pay for).
    Identity,
    /// `raw / scale - offset`.
    Linear { scale: f64, offset: f64 },
    /// FIT semicircles to degrees.
    Semicircles,
}

impl Conv {
    pub const fn linear(scale: f64, offset: f64) -> Conv {
        if scale == 1.0 && offset == 0.0 {
            Conv::Identity
        } else {
            Conv::Linear { scale, offset }
        }
    }

    /// The column value of a raw value; not finite means "no value".
    #[inline(always)]
    pub fn apply(self, raw: f64) -> f64 {
        match self {
            Conv::Identity => raw,
            Conv::Linear { scale, offset } => raw / scale - offset,
            Conv::Semicircles => semicircles_to_deg(raw as i64),
        }
    }
}

/// A native record field heavylegs keeps, and the column it feeds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Kept {
    pub num: u8,
    pub col: usize,
    pub conv: Conv,
}

const fn kept(f: Field, col: usize) -> Kept {
    Kept {
        num: f.num,
        col,
        conv: Conv::linear(f.scale, f.offset),
    }
}

const fn position(f: Field, col: usize) -> Kept {
    Kept {
        num: f.num,
        col,
        conv: Conv::Semicircles,
    }
}

/// The native record fields kept, a column's sources in order of
/// preference: the first holding a value wins (enhanced over plain).
/// Developer fields standing in for a channel rank after all of these.
/// Forerunner 70-era packed speed/distance (field 8) is the last resort of
/// speed and distance, read by [`super::content`].
pub(super) const RECORD_FIELDS: [Kept; 17] = [
    kept(rec::DISTANCE, col::DISTANCE),
    kept(rec::ENHANCED_SPEED, col::SPEED),
    kept(rec::SPEED, col::SPEED),
    kept(rec::CADENCE, col::CADENCE),
    kept(rec::FRACTIONAL_CADENCE, col::FRACTIONAL_CADENCE),
    kept(rec::HEART_RATE, col::HEART_RATE),
    kept(rec::ENHANCED_ALTITUDE, col::ALTITUDE),
    kept(rec::ALTITUDE, col::ALTITUDE),
    position(rec::LAT, col::LAT),
    position(rec::LON, col::LON),
    kept(rec::POWER, col::POWER),
    kept(rec::STANCE_TIME, col::STANCE_TIME),
    kept(rec::STANCE_TIME_BALANCE, col::STANCE_BALANCE),
    kept(rec::VERTICAL_OSCILLATION, col::VERTICAL_OSCILLATION),
    kept(rec::VERTICAL_RATIO, col::VERTICAL_RATIO),
    kept(rec::STEP_LENGTH, col::STEP_LENGTH),
    kept(rec::TEMPERATURE, col::TEMPERATURE),
];

/// Every record kept, column by column.
///
/// A column is materialized on its first value and padded with `NaN` when
/// it next gets one, so channels a device never records cost nothing;
/// [`Records::finish`] pads them all to full length.
#[derive(Debug, Default)]
pub(super) struct Records {
    /// FIT `date_time` of each record (whole seconds, exact as f64, so the
    /// column becomes the series' time by one subtraction in place).
    pub time: Vec<f64>,
    /// Each chained FIT file that has records (0-based) and its first record.
    pub files: Vec<(u16, usize)>,
    pub cols: [Vec<f64>; col::COUNT],
}

impl Records {
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// Room for `additional` more records, in every column once it materializes.
    pub fn reserve(&mut self, additional: usize) {
        self.time.reserve(additional);
    }

    /// The chained FIT file of each record.
    pub fn file_of_each(&self) -> impl Iterator<Item = u16> + '_ {
        self.files
            .iter()
            .enumerate()
            .flat_map(|(k, &(file, first))| {
                let end = self.files.get(k + 1).map_or(self.len(), |f| f.1);
                std::iter::repeat_n(file, end - first)
            })
    }

    /// Adds a record; its columns are set with [`RecordWriter::put`].
    #[inline(always)]
    pub fn start(&mut self, time: u32, file: u16) -> RecordWriter<'_> {
        let index = self.time.len();
        self.time.push(f64::from(time));
        if self.files.last().is_none_or(|&(f, _)| f != file) {
            self.files.push((file, index));
        }
        RecordWriter {
            records: self,
            index,
        }
    }

    /// Materializes column `c` with room for as many records as the time
    /// column, or pads it with `NaN` to `n` records.
    #[cold]
    fn catch_up(&mut self, c: usize, n: usize) {
        let column = &mut self.cols[c];
        if column.capacity() == 0 {
            column.reserve_exact(self.time.capacity().max(n + 1));
        }
        column.resize(n, f64::NAN);
    }

    /// Column `c`, materialized and padded with `NaN` to `n` records, for
    /// the values of records `n..` to be appended.
    pub fn column_from(&mut self, c: usize, n: usize) -> &mut Vec<f64> {
        if self.cols[c].len() < n || self.cols[c].capacity() == 0 {
            self.catch_up(c, n);
        }
        &mut self.cols[c]
    }

    /// Pads every materialized column to full length.
    pub fn finish(&mut self) {
        let n = self.time.len();
        for column in &mut self.cols {
            if !column.is_empty() {
                column.resize(n, f64::NAN);
            }
        }
    }
}

/// The record just added: each of its columns is set at most once.
pub(super) struct RecordWriter<'a> {
    records: &'a mut Records,
    index: usize,
}

impl RecordWriter<'_> {
    /// The record's index in [`Records`].
    pub fn index(&self) -> usize {
        self.index
    }

    /// Sets column `c` (`NaN` = no value, which costs nothing on a column
    /// not yet materialized).
    #[inline(always)]
    pub fn put(&mut self, c: usize, x: f64) {
        let r = &mut *self.records;
        if r.cols[c].len() < self.index || r.cols[c].capacity() == 0 {
            if x.is_nan() && r.cols[c].is_empty() {
                return;
            }
            r.catch_up(c, self.index);
        }
        r.cols[c].push(x);
    }
}
