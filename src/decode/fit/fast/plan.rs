//! Record plans: a record definition compiled against [`RECORD_FIELDS`].
//!
//! A plan lists, column by column, where each source of the column sits in
//! the message and how its bits become a number, in order of preference.
//! The message walk only resolves each record's time and notes where its
//! body is ([`Batch`]); the values are then written a column at a time over
//! a run of records, so each is an 8-byte load, a mask or byte swap, an
//! invalid-marker compare and the column's conversion in a tight loop, with
//! no lookup, allocation or per-field dispatch. The rules are those of the
//! [`Message`] view the generic path uses (the differential tests hold both
//! to the same numbers); definitions the plan does not mirror have none.
//!
//! [`Message`]: super::super::message::Message

use std::rc::Rc;

use super::{Base, Definition, FieldSpec, NO_SLOT};
use crate::activity::semicircles_to_deg;
use crate::decode::fit::content::Collector;
use crate::decode::fit::profile::{TIMESTAMP, record as rec};
use crate::decode::fit::records::{Conv, RECORD_FIELDS, Records, col};

/// How a value's bits become a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Below 64 bits: the signed conversion is exact and one instruction.
    Unsigned,
    U64,
    Signed,
    F32,
    F64,
}

impl Kind {
    /// The finite number `raw` holds, as the [`super::Message`] view reads
    /// it; `shift` is `64 - bits`.
    #[inline(always)]
    fn number(self, raw: u64, shift: u32, invalid: u64) -> Option<f64> {
        match self {
            Kind::Unsigned => (raw != invalid).then_some(raw as i64 as f64),
            Kind::U64 => (raw != invalid).then_some(raw as f64),
            Kind::Signed => (raw != invalid).then_some(sign_extend(raw, shift) as f64),
            Kind::F32 => Some(f64::from(f32::from_bits(raw as u32))).filter(|x| x.is_finite()),
            Kind::F64 => Some(f64::from_bits(raw)).filter(|x| x.is_finite()),
        }
    }
}

#[inline(always)]
fn sign_extend(raw: u64, shift: u32) -> i64 {
    ((raw << shift) as i64) >> shift
}

/// One source of a column: where its value sits and how to read it.
#[derive(Debug, Clone, Copy)]
struct Source {
    /// Offset in the message body.
    at: usize,
    kind: Kind,
    /// `64 - bits of the value`: the shift of a big-endian read and of sign extension.
    shift: u32,
    /// The low `bits` set: the mask of a little-endian read.
    mask: u64,
    /// The base type's invalid marker (integer kinds).
    invalid: u64,
    conv: Conv,
}

impl Source {
    /// `None` for a string, which never holds a number.
    fn new(at: usize, base: Base, conv: Conv) -> Option<Source> {
        let (kind, invalid) = match (base, base.invalid()) {
            (Base::F32, _) => (Kind::F32, 0),
            (Base::F64, _) => (Kind::F64, 0),
            (_, None) => return None,
            (_, Some(invalid)) if base.signed() => (Kind::Signed, invalid),
            (Base::U64 | Base::U64z, Some(invalid)) => (Kind::U64, invalid),
            (_, Some(invalid)) => (Kind::Unsigned, invalid),
        };
        let bits = 8 * base.size() as u32;
        Some(Source {
            at,
            kind,
            shift: 64 - bits,
            mask: u64::MAX >> (64 - bits),
            invalid,
            conv,
        })
    }

    /// The value as a non-negative integer, as [`super::Num::unsigned`] reads it.
    #[inline(always)]
    fn unsigned(&self, bytes: &[u8], body: usize, big: bool) -> Option<u64> {
        let raw = self.raw(bytes, body, big);
        match self.kind {
            Kind::Unsigned | Kind::U64 if raw != self.invalid => Some(raw),
            Kind::Signed if raw != self.invalid => u64::try_from(sign_extend(raw, self.shift)).ok(),
            _ => None,
        }
    }

    /// The value's bits, in the definition's byte order.
    #[inline(always)]
    fn raw_in<const BIG: bool>(&self, bytes: &[u8], body: usize) -> u64 {
        let w = window(bytes, body + self.at);
        if BIG {
            w.swap_bytes() >> self.shift
        } else {
            w & self.mask
        }
    }

    #[inline(always)]
    fn raw(&self, bytes: &[u8], body: usize, big: bool) -> u64 {
        if big {
            self.raw_in::<true>(bytes, body)
        } else {
            self.raw_in::<false>(bytes, body)
        }
    }

    /// The column value of the message body at `body` in `bytes`, or a
    /// non-finite number when there is none.
    #[inline(always)]
    fn value(&self, bytes: &[u8], body: usize, big: bool) -> f64 {
        let raw = self.raw(bytes, body, big);
        self.kind
            .number(raw, self.shift, self.invalid)
            .map_or(f64::NAN, |x| self.conv.apply(x))
    }
}

/// The first value among `sources` for the body at `body`.
fn first_value(sources: &[Source], bytes: &[u8], body: usize, big: bool) -> Option<f64> {
    sources
        .iter()
        .map(|s| s.value(bytes, body, big))
        .find(|v| v.is_finite())
}

/// Appends `s`'s value (`NaN` for none) for each body to `column`: the loop
/// monomorphized per byte order, kind and conversion, so it is a load, a
/// mask or swap, a compare and a conversion.
fn fill(column: &mut Vec<f64>, bytes: &[u8], bodies: &[usize], s: &Source, big: bool) {
    #[inline(always)]
    fn run<const BIG: bool>(
        column: &mut Vec<f64>,
        bytes: &[u8],
        bodies: &[usize],
        s: &Source,
        number: impl Fn(u64) -> Option<f64>,
        conv: impl Fn(f64) -> f64,
    ) {
        column.extend(
            bodies
                .iter()
                .map(|&b| number(s.raw_in::<BIG>(bytes, b)).map_or(f64::NAN, &conv)),
        );
    }
    let (invalid, shift) = (s.invalid, s.shift);
    // `number` yields finite values only; a conversion that could leave the
    // finite range (a developer scale below 1) says so by `NaN`.
    macro_rules! by_conv {
        ($big:literal, $number:expr) => {
            match s.conv {
                Conv::Identity => run::<$big>(column, bytes, bodies, s, $number, |x| x),
                Conv::Linear { scale, offset }
                    if scale.abs() >= 1.0 && scale.is_finite() && offset.is_finite() =>
                {
                    run::<$big>(column, bytes, bodies, s, $number, |x| {
                        Conv::Linear { scale, offset }.apply(x)
                    })
                }
                Conv::Linear { scale, offset } => {
                    run::<$big>(column, bytes, bodies, s, $number, |x| {
                        let v = Conv::Linear { scale, offset }.apply(x);
                        if v.is_finite() { v } else { f64::NAN }
                    })
                }
                Conv::Semicircles => run::<$big>(column, bytes, bodies, s, $number, |x| {
                    Conv::Semicircles.apply(x)
                }),
            }
        };
    }
    // Each arm names its kind, so `Kind::number` folds to the one case.
    macro_rules! by_kind {
        ($big:literal) => {
            match s.kind {
                // Positions: degrees straight from the integer, skipping the
                // f64 round trip `Conv::apply` takes (exact for 32 bits).
                Kind::Signed if s.conv == Conv::Semicircles && shift >= 32 => run::<$big>(
                    column,
                    bytes,
                    bodies,
                    s,
                    |raw: u64| {
                        (raw != invalid).then_some(semicircles_to_deg(sign_extend(raw, shift)))
                    },
                    |x| x,
                ),
                Kind::Unsigned => {
                    by_conv!($big, |raw: u64| Kind::Unsigned.number(raw, shift, invalid))
                }
                Kind::U64 => by_conv!($big, |raw: u64| Kind::U64.number(raw, shift, invalid)),
                Kind::Signed => by_conv!($big, |raw: u64| Kind::Signed.number(raw, shift, invalid)),
                Kind::F32 => by_conv!($big, |raw: u64| Kind::F32.number(raw, shift, invalid)),
                Kind::F64 => by_conv!($big, |raw: u64| Kind::F64.number(raw, shift, invalid)),
            }
        };
    }
    if big { by_kind!(true) } else { by_kind!(false) }
}

/// The 8 bytes from `at`, little-endian; bytes past the end read as zero
/// (only the last messages of a file get that close to its end).
#[inline(always)]
fn window(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at + 8) {
        Some(b) => u64::from_le_bytes(b.try_into().unwrap_or([0; 8])),
        None => window_at_end(bytes, at),
    }
}

#[cold]
fn window_at_end(bytes: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    let tail = bytes.get(at..).unwrap_or_default();
    let n = tail.len().min(8);
    b[..n].copy_from_slice(&tail[..n]);
    u64::from_le_bytes(b)
}

/// A column and the range of its sources in [`Plan::sources`].
#[derive(Debug, Clone, Copy)]
struct ColumnPlan {
    col: usize,
    start: usize,
    end: usize,
}

/// A record definition compiled for reading: see the module docs.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    big: bool,
    timestamp: Option<Source>,
    sources: Vec<Source>,
    columns: Vec<ColumnPlan>,
}

impl Plan {
    /// The plan of a record definition under the collector's current
    /// developer field descriptions; `None` for what it does not mirror
    /// (arrays, repeated fields, packed speed/distance), which is read
    /// through the [`Message`](super::super::message::Message) view.
    pub(super) fn compile(def: &Definition, sink: &Collector) -> Option<Plan> {
        if def.repeats
            || def.dev_repeats
            || def.slot[usize::from(rec::COMPRESSED_SPEED_DISTANCE.num)] != NO_SLOT
        {
            return None;
        }
        let single = |spec: &FieldSpec| (spec.size == spec.base.size()).then_some(*spec);
        let native = |num: u8| {
            let i = def.slot[usize::from(num)];
            (i != NO_SLOT).then(|| &def.fields[usize::from(i)])
        };
        let timestamp = match native(TIMESTAMP) {
            Some(spec) => {
                let spec = single(spec)?;
                Source::new(spec.at, spec.base, Conv::Identity)
            }
            None => None,
        };
        let mut dev = Vec::new();
        for d in &def.dev {
            if let Some(t) = sink.dev_target(d.key) {
                if d.size != d.base.size() {
                    return None;
                }
                dev.extend(Source::new(d.at, d.base, t.conv).map(|s| (t.col, t.rank, s)));
            }
        }
        dev.sort_by_key(|&(c, rank, _)| (c, rank));
        let mut sources = Vec::new();
        let mut columns: Vec<ColumnPlan> = Vec::new();
        // The fractional cadence (after all columns) is added to the cadence.
        for c in 0..=col::FRACTIONAL_CADENCE {
            let start = sources.len();
            for k in RECORD_FIELDS.iter().filter(|k| k.col == c) {
                if let Some(spec) = native(k.num) {
                    let spec = single(spec)?;
                    sources.extend(Source::new(spec.at, spec.base, k.conv));
                }
            }
            sources.extend(dev.iter().filter(|d| d.0 == c).map(|d| d.2));
            if c == col::FRACTIONAL_CADENCE && !columns.iter().any(|l| l.col == col::CADENCE) {
                // No cadence to add it to.
                sources.truncate(start);
            }
            if sources.len() > start {
                columns.push(ColumnPlan {
                    col: c,
                    start,
                    end: sources.len(),
                });
            }
        }
        Some(Plan {
            big: def.big,
            timestamp,
            sources,
            columns,
        })
    }

    /// The record's own timestamp, for the message body at `body` in `bytes`.
    #[inline]
    pub(super) fn own_time(&self, bytes: &[u8], body: usize) -> Option<u32> {
        self.timestamp
            .and_then(|t| t.unsigned(bytes, body, self.big))
            .and_then(|x| u32::try_from(x).ok())
    }

    /// Writes the records whose bodies start at `bodies` (in `bytes`) into
    /// the columns from record `first` on: the column's first source for
    /// every record, then each further source where none was found yet.
    fn write(&self, bytes: &[u8], bodies: &[usize], first: usize, records: &mut Records) {
        for c in &self.columns {
            let sources = &self.sources[c.start..c.end];
            if c.col == col::FRACTIONAL_CADENCE {
                let cadence = records.column_from(col::CADENCE, first);
                for (x, &b) in cadence[first..].iter_mut().zip(bodies) {
                    if !x.is_nan()
                        && let Some(f) = first_value(sources, bytes, b, self.big)
                    {
                        *x += f;
                    }
                }
                continue;
            }
            let column = records.column_from(c.col, first);
            let [head, rest @ ..] = sources else {
                continue;
            };
            fill(column, bytes, bodies, head, self.big);
            for s in rest {
                for (x, &b) in column[first..].iter_mut().zip(bodies) {
                    if x.is_nan() {
                        let v = s.value(bytes, b, self.big);
                        if v.is_finite() {
                            *x = v;
                        }
                    }
                }
            }
        }
    }
}

/// Records read by the message walk, waiting to be written a column at a
/// time: consecutive records of one plan.
#[derive(Debug, Default)]
pub(super) struct Batch {
    plan: Option<Rc<Plan>>,
    /// Index of the first record.
    first: usize,
    /// Where each record's body starts in the file.
    bodies: Vec<usize>,
}

/// Records per batch: enough to amortize the column loops, few enough that
/// their bytes are still in cache when the columns are written.
const BATCH: usize = 1024;

impl Batch {
    /// Adds record `index`, whose body starts at `body`, read with `plan`.
    #[inline]
    pub(super) fn add(
        &mut self,
        plan: &Rc<Plan>,
        index: usize,
        body: usize,
        bytes: &[u8],
        records: &mut Records,
    ) {
        let same = self.plan.as_ref().is_some_and(|p| Rc::ptr_eq(p, plan))
            && index == self.first + self.bodies.len()
            && self.bodies.len() < BATCH;
        if !same {
            self.flush(bytes, records);
            self.plan = Some(Rc::clone(plan));
            self.first = index;
        }
        self.bodies.push(body);
    }

    /// Writes the waiting records; call before any other record is written
    /// and before the columns are read.
    pub(super) fn flush(&mut self, bytes: &[u8], records: &mut Records) {
        if let Some(plan) = self.plan.take() {
            plan.write(bytes, &self.bodies, self.first, records);
        }
        self.bodies.clear();
    }
}
