//! The fast FIT engine: definitions are compiled once per local message type
//! and data messages are read in place. Record definitions are further
//! compiled into a [`Plan`]: the kept fields' offsets, base types and
//! conversions in write order, so a record is read straight into a row of
//! columns with no lookup and no allocation.
//!
//! Other messages feed the same [`Collector`] as the fitparser engine
//! ([`super::stream`]) through the same [`Message`] view. The reader mirrors
//! fitparser's raw-layer rules where they decide what a value is: invalid
//! markers per base type, a base type code outside the profile read as
//! `uint8`, byte arrays kept raw, a field whose size is not a multiple of
//! its type read as bytes, the last valid copy of a repeated field winning,
//! developer fields without a usable description dropped. Damage is reported
//! at the same byte with the same kind, so salvage works alike. A definition
//! too wide to mirror is handed over to fitparser with the whole file.

mod plan;

use std::rc::Rc;

use plan::{Batch, Plan};

use super::content::{Collector, Description, base_type_size};
use super::damage::{Damage, short_data};
use super::frame::Frame;
use super::message::Message;
use super::profile::{field_description as fd, mesg};
use crate::decode::Deadline;
use crate::decode::DecodeError;

/// The most records reserved ahead (a day at 1 Hz is 86,400).
const RESERVE_RECORDS_MAX: usize = 1 << 18;

/// How the fast engine finished.
#[derive(Debug)]
pub(super) enum Outcome {
    /// Read to the end of the data (`None`) or up to damage.
    Read(Option<Damage>),
    /// Something it does not cover; fitparser should read the file.
    HandOver(String),
}

/// FIT base types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    Enum,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    Str,
    F32,
    F64,
    U8z,
    U16z,
    U32z,
    Byte,
    S64,
    U64,
    U64z,
}

impl Base {
    /// The base type of a FIT base type code (the 17 codes of the profile).
    fn from_code(code: u8) -> Option<Base> {
        Some(match code {
            0x00 => Base::Enum,
            0x01 => Base::S8,
            0x02 => Base::U8,
            0x83 => Base::S16,
            0x84 => Base::U16,
            0x85 => Base::S32,
            0x86 => Base::U32,
            0x07 => Base::Str,
            0x88 => Base::F32,
            0x89 => Base::F64,
            0x0A => Base::U8z,
            0x8B => Base::U16z,
            0x8C => Base::U32z,
            0x0D => Base::Byte,
            0x8E => Base::S64,
            0x8F => Base::U64,
            0x90 => Base::U64z,
            _ => return None,
        })
    }

    /// The base type a native field is read as: fitparser reads a code
    /// outside the profile as `uint8` elements, and so does this reader.
    fn of_field(code: u8) -> Base {
        Base::from_code(code).unwrap_or(Base::U8)
    }

    /// The raw value that means "no value" in an integer base type; `None`
    /// for floats (invalid when not finite) and strings.
    fn invalid(self) -> Option<u64> {
        Some(match self {
            Base::Enum | Base::U8 | Base::Byte => 0xFF,
            Base::U16 => 0xFFFF,
            Base::U32 => 0xFFFF_FFFF,
            Base::U64 => u64::MAX,
            Base::U8z | Base::U16z | Base::U32z | Base::U64z => 0,
            Base::S8 => 0x7F,
            Base::S16 => 0x7FFF,
            Base::S32 => 0x7FFF_FFFF,
            Base::S64 => 0x7FFF_FFFF_FFFF_FFFF,
            Base::F32 | Base::F64 | Base::Str => return None,
        })
    }

    fn signed(self) -> bool {
        matches!(self, Base::S8 | Base::S16 | Base::S32 | Base::S64)
    }

    fn size(self) -> usize {
        match self {
            Base::S16 | Base::U16 | Base::U16z => 2,
            Base::S32 | Base::U32 | Base::U32z | Base::F32 => 4,
            Base::F64 | Base::S64 | Base::U64 | Base::U64z => 8,
            _ => 1,
        }
    }
}

/// One valid element.
#[derive(Debug, Clone, Copy)]
enum Num {
    U(u64),
    I(i64),
    F(f64),
}

impl Num {
    fn f64(self) -> f64 {
        match self {
            Num::U(x) => x as f64,
            Num::I(x) => x as f64,
            Num::F(x) => x,
        }
    }

    fn unsigned(self) -> Option<u64> {
        match self {
            Num::U(x) => Some(x),
            Num::I(x) => u64::try_from(x).ok(),
            Num::F(_) => None,
        }
    }
}

/// An unsigned integer of 1, 2, 4 or 8 bytes in the definition's byte order.
#[inline(always)]
fn uint(b: &[u8], big: bool) -> u64 {
    macro_rules! read {
        ($t:ty, $n:literal) => {{
            let a: [u8; $n] = b.try_into().unwrap_or([0; $n]);
            u64::from(if big {
                <$t>::from_be_bytes(a)
            } else {
                <$t>::from_le_bytes(a)
            })
        }};
    }
    match b.len() {
        1 => u64::from(b[0]),
        2 => read!(u16, 2),
        4 => read!(u32, 4),
        _ => read!(u64, 8),
    }
}

/// One element of `base` (exactly `base.size()` bytes), `None` when it holds
/// the type's invalid marker (or is not finite, for floats).
#[inline(always)]
fn element(base: Base, big: bool, b: &[u8]) -> Option<Num> {
    let u = uint(b, big);
    match base {
        _ if base.invalid() == Some(u) => None,
        Base::S8 => Some(Num::I(i64::from(u as u8 as i8))),
        Base::S16 => Some(Num::I(i64::from(u as u16 as i16))),
        Base::S32 => Some(Num::I(i64::from(u as u32 as i32))),
        Base::S64 => Some(Num::I(u as i64)),
        Base::F32 => {
            let x = f32::from_bits(u as u32);
            x.is_finite().then_some(Num::F(f64::from(x)))
        }
        Base::F64 => {
            let x = f64::from_bits(u);
            x.is_finite().then_some(Num::F(x))
        }
        Base::Str => None,
        _ => Some(Num::U(u)),
    }
}

/// A native field of a compiled definition.
#[derive(Debug, Clone, Copy)]
struct FieldSpec {
    num: u8,
    base: Base,
    /// Offset of the value within the message body (after the header byte).
    at: usize,
    size: usize,
}

/// A kept developer field of a compiled definition.
#[derive(Debug, Clone, Copy)]
struct DevSpec {
    key: (u8, u8),
    /// From the field's description (see [`Definition::layout`]).
    base: Base,
    at: usize,
    /// Bytes read: whole elements of `base`.
    size: usize,
}

const NO_SLOT: u8 = u8::MAX;

/// A definition message compiled for reading its data messages.
#[derive(Debug, Clone)]
struct Definition {
    global: u16,
    big: bool,
    /// Body length of its data messages.
    len: usize,
    fields: Vec<FieldSpec>,
    /// Field number → index into `fields` (the last occurrence), or [`NO_SLOT`].
    slot: [u8; 256],
    /// Some field number occurs twice: the last valid copy wins.
    repeats: bool,
    dev: Vec<DevSpec>,
    dev_repeats: bool,
    /// The developer fields as defined: key and size.
    dev_defined: Vec<((u8, u8), usize)>,
    /// Developer fields were undescribed when defined: skipped, whatever
    /// descriptions come later (the fitparser engine renumbers them as bytes).
    dev_dropped: bool,
    /// Body length of the native fields.
    native_len: usize,
    /// Collector generation `dev` and `len` were laid out for.
    laid_out: u32,
    /// For record definitions: the compiled plan and the collector
    /// generation it was compiled for.
    plan: Option<(u32, Option<Rc<Plan>>)>,
    /// The definition message it was compiled from (after the header byte,
    /// so any local message type can share it), and the collector
    /// generation then (which developer fields had descriptions).
    raw: Vec<u8>,
    generation: u32,
}

impl Definition {
    fn empty() -> Self {
        Definition {
            global: 0,
            big: false,
            len: 0,
            fields: Vec::new(),
            slot: [NO_SLOT; 256],
            repeats: false,
            dev: Vec::new(),
            dev_repeats: false,
            dev_defined: Vec::new(),
            dev_dropped: false,
            native_len: 0,
            laid_out: 0,
            plan: None,
            raw: Vec::new(),
            generation: 0,
        }
    }

    /// Lays the developer fields out with the descriptions the collector
    /// has now. fitparser reads a developer field with the description it
    /// has when the data message comes, as whole elements of its base type,
    /// so a description replaced after the definition can change the
    /// message's length (a size that is no multiple of the new type reads
    /// on into the next field).
    fn layout(&mut self, sink: &Collector) {
        self.laid_out = sink.generation();
        self.dev.clear();
        self.dev_repeats = false;
        let mut at = self.native_len;
        for &(key, size) in &self.dev_defined {
            let base = sink.dev_base_type(key.0, key.1).and_then(Base::from_code);
            let read = match base {
                Some(base) if !self.dev_dropped => {
                    let read = size.div_ceil(base.size()) * base.size();
                    self.dev_repeats |= self.dev.iter().any(|d| d.key == key);
                    self.dev.push(DevSpec {
                        key,
                        base,
                        at,
                        size: read,
                    });
                    read
                }
                _ => size,
            };
            at += read;
        }
        self.len = at;
    }

    /// The record plan for the collector's current developer field
    /// descriptions, compiled on first use.
    fn plan(&mut self, sink: &Collector) -> Option<&Rc<Plan>> {
        let generation = sink.generation();
        if self.plan.as_ref().is_none_or(|(g, _)| *g != generation) {
            self.plan = Some((generation, Plan::compile(self, sink).map(Rc::new)));
        }
        self.plan.as_ref().and_then(|(_, p)| p.as_ref())
    }
}

/// Consecutive records of one local message type with a plan: the common
/// shape of a FIT file, read in a tight loop without looking the
/// definition up again.
struct RecordRun<'a> {
    plan: &'a Rc<Plan>,
    local: usize,
    /// Body length.
    len: usize,
    /// Where the segment's data (or the bytes) end.
    end: usize,
}

impl RecordRun<'_> {
    /// Reads records from the one at `pos` (whose header gave `time_offset`)
    /// while the next message continues the run and fits; returns where
    /// the walk goes on.
    fn read(
        &self,
        bytes: &[u8],
        mut pos: usize,
        mut time_offset: Option<u8>,
        sink: &mut Collector,
        batch: &mut Batch,
        deadline: &mut Deadline,
    ) -> Result<usize, DecodeError> {
        loop {
            let time = sink.resolve_time_of(self.plan.own_time(bytes, pos + 1), time_offset);
            if let Some(record) = sink.start_record(time)? {
                let index = record.index();
                batch.add(self.plan, index, pos + 1, bytes, &mut sink.records);
            }
            pos += 1 + self.len;
            let Some(&header) = bytes.get(pos) else {
                return Ok(pos);
            };
            if pos + 1 + self.len > self.end {
                return Ok(pos);
            }
            time_offset = if header & 0x80 != 0 {
                if usize::from((header >> 5) & 0x03) != self.local {
                    return Ok(pos);
                }
                Some(header & 0x1F)
            } else {
                if header & 0x40 != 0 || usize::from(header & 0x0F) != self.local {
                    return Ok(pos);
                }
                None
            };
            deadline.check()?;
        }
    }
}

/// The most compiled definitions one file keeps.
const MAX_COMPILED: usize = 64;

/// The compiled definitions of one FIT file and which local message type
/// holds which. Some devices repeat a definition every few records, or
/// cycle several layouts through one local type (a Suunto Ambit 3 in the
/// corpus defines its record 9,253 times for 9,795 records): each distinct
/// layout is compiled once.
#[derive(Debug, Default)]
struct Definitions {
    compiled: Vec<Definition>,
    local: [Option<usize>; 16],
    /// Where to look for a definition to replace once [`MAX_COMPILED`] are kept.
    victim: usize,
}

impl Definitions {
    fn get_mut(&mut self, local: usize) -> Option<&mut Definition> {
        self.local[local].map(|i| &mut self.compiled[i])
    }

    /// Binds local message type `local` to definition message `raw`.
    fn define(&mut self, local: usize, raw: &[u8], sink: &mut Collector) -> Result<(), String> {
        let generation = sink.generation();
        let known = self
            .compiled
            .iter()
            .position(|d| d.generation == generation && d.raw == raw[1..]);
        let i = match known {
            Some(i) => i,
            None => {
                let i = self.free_entry();
                define(raw, sink, &mut self.compiled[i])?;
                i
            }
        };
        self.local[local] = Some(i);
        Ok(())
    }

    /// An entry no local message type holds.
    fn free_entry(&mut self) -> usize {
        if self.compiled.len() < MAX_COMPILED {
            self.compiled.push(Definition::empty());
            return self.compiled.len() - 1;
        }
        // At most 16 of the entries are held, so this ends within 17 steps.
        loop {
            self.victim = (self.victim + 1) % MAX_COMPILED;
            if !self.local.contains(&Some(self.victim)) {
                return self.victim;
            }
        }
    }
}

/// A data message in place: the view the collector reads.
struct FastMessage<'a> {
    def: &'a Definition,
    body: &'a [u8],
    time_offset: Option<u8>,
}

impl FastMessage<'_> {
    fn bytes(&self, spec: &FieldSpec) -> &[u8] {
        &self.body[spec.at..spec.at + spec.size]
    }

    /// Whether fitparser would keep this value (some valid element).
    fn present(&self, spec: &FieldSpec) -> bool {
        let v = self.bytes(spec);
        match spec.base {
            Base::Str => !v.is_empty() && std::str::from_utf8(until_nul(v)).is_ok(),
            Base::Byte if v.len() > 1 => v.iter().any(|&b| b != 0xFF),
            base => v
                .chunks_exact(base.size())
                .any(|c| element(base, self.def.big, c).is_some()),
        }
    }

    /// The copy of field `num` fitparser keeps: the last present one.
    #[inline(always)]
    fn field(&self, num: u8) -> Option<&FieldSpec> {
        let i = self.def.slot[usize::from(num)];
        if i == NO_SLOT {
            return None;
        }
        if !self.def.repeats {
            return self.def.fields.get(usize::from(i));
        }
        self.last_present(num)
    }

    fn last_present(&self, num: u8) -> Option<&FieldSpec> {
        self.def
            .fields
            .iter()
            .rev()
            .find(|f| f.num == num && self.present(f))
    }

    /// The hot case: field `num` holds one element (`Ok`, `None` if absent
    /// or invalid); `Err` hands an array field to the general path.
    #[inline(always)]
    fn single(&self, num: u8) -> Result<Option<Num>, &FieldSpec> {
        let Some(spec) = self.field(num) else {
            return Ok(None);
        };
        if spec.size == spec.base.size() {
            Ok(element(spec.base, self.def.big, self.bytes(spec)))
        } else {
            Err(spec)
        }
    }

    /// Valid elements of a field as numbers, in order (a byte array's raw bytes).
    fn elements(&self, spec: &FieldSpec) -> impl Iterator<Item = Num> {
        let v = self.bytes(spec);
        let big = self.def.big;
        let base = spec.base;
        let raw_bytes = base == Base::Byte && v.len() > 1 && v.iter().any(|&b| b != 0xFF);
        let chunks = if base == Base::Str {
            0
        } else {
            v.len() / base.size()
        };
        v.chunks_exact(base.size())
            .take(chunks)
            .filter_map(move |c| {
                if raw_bytes {
                    Some(Num::U(u64::from(c[0])))
                } else {
                    element(base, big, c)
                }
            })
    }
}

fn until_nul(v: &[u8]) -> &[u8] {
    &v[..v.iter().position(|&b| b == 0).unwrap_or(v.len())]
}

impl Message for FastMessage<'_> {
    fn global(&self) -> u16 {
        self.def.global
    }

    fn time_offset(&self) -> Option<u8> {
        self.time_offset
    }

    #[inline(always)]
    fn number(&self, num: u8) -> Option<f64> {
        match self.single(num) {
            Ok(value) => value.map(Num::f64),
            Err(spec) => self.elements(spec).next().map(Num::f64),
        }
    }

    #[inline]
    fn unsigned(&self, num: u8) -> Option<u64> {
        match self.single(num) {
            Ok(value) => value.and_then(Num::unsigned),
            Err(spec) => self.elements(spec).find_map(Num::unsigned),
        }
    }

    fn text(&self, num: u8) -> Option<&str> {
        let spec = self.field(num)?;
        if spec.base != Base::Str {
            return None;
        }
        let s = std::str::from_utf8(until_nul(self.bytes(spec)))
            .ok()?
            .trim();
        (!s.is_empty()).then_some(s)
    }

    fn packed3(&self, num: u8) -> Option<[u8; 3]> {
        let spec = self.field(num)?;
        let v = self.bytes(spec);
        let ok = match spec.base {
            Base::Byte => v.len() >= 3 && v.iter().any(|&b| b != 0xFF),
            Base::U8 => v.len() >= 3 && v[..3].iter().all(|&b| b != 0xFF),
            _ => false,
        };
        ok.then(|| [v[0], v[1], v[2]])
    }

    fn dev_numbers(&self, each: &mut dyn FnMut((u8, u8), f64)) {
        // fitparser keeps the last valid copy of a repeated developer field,
        // so repeats are read backwards, each key once.
        let mut seen: Vec<(u8, u8)> = Vec::new();
        let n = self.def.dev.len();
        for i in 0..n {
            let d = &self.def.dev[if self.def.dev_repeats { n - 1 - i } else { i }];
            if self.def.dev_repeats && seen.contains(&d.key) {
                continue;
            }
            let spec = FieldSpec {
                num: 0,
                base: d.base,
                at: d.at,
                size: d.size,
            };
            if self.def.dev_repeats && self.present(&spec) {
                seen.push(d.key);
            }
            if let Some(x) = self.elements(&spec).next() {
                each(d.key, x.f64());
            }
        }
    }
}

/// A field description (message 206) as fitparser's profile layer and
/// `DeveloperFieldDescription::try_from` would accept it; `None` = rejected.
fn describe(m: &FastMessage<'_>) -> Option<Description> {
    // Fields fitparser keeps (some valid element), and those of them that
    // are single values rather than arrays.
    let got = |num: u8| m.field(num).filter(|s| m.present(s));
    let single = |num: u8| got(num).filter(|s| s.base == Base::Str || s.size == s.base.size());
    let first = |spec: &FieldSpec| m.elements(spec).next();
    let exact = |num: u8, base: Base| single(num).filter(|s| s.base == base).and_then(first);
    let index = u8::try_from(exact(fd::DEVELOPER_DATA_INDEX, Base::U8)?.unsigned()?).ok()?;
    let number = u8::try_from(exact(fd::FIELD_DEFINITION_NUMBER, Base::U8)?.unsigned()?).ok()?;
    // Enum fields (base type, units, native message) fail the profile layer
    // as a single string or float; the base type must also name a base type.
    let not_integer = |s: &FieldSpec| matches!(s.base, Base::Str | Base::F32 | Base::F64);
    if [
        fd::FIT_BASE_TYPE_ID,
        fd::FIT_BASE_UNIT_ID,
        fd::NATIVE_MESG_NUM,
    ]
    .into_iter()
    .any(|n| single(n).is_some_and(not_integer))
    {
        return None;
    }
    let base_type = u8::try_from(first(single(fd::FIT_BASE_TYPE_ID)?)?.unsigned()?).ok()?;
    Base::from_code(base_type)?;
    let string_or_absent = |num: u8| match got(num) {
        None => Some(None),
        Some(spec) if spec.base == Base::Str => Some(m.text(num).map(str::to_owned)),
        Some(_) => None,
    };
    let name = string_or_absent(fd::FIELD_NAME)?.unwrap_or_default();
    string_or_absent(fd::UNITS)?;
    let scale = match got(fd::SCALE) {
        None => 1.0,
        Some(_) => exact(fd::SCALE, Base::U8)?.f64(),
    };
    let offset = match got(fd::OFFSET) {
        None => 0.0,
        Some(_) => exact(fd::OFFSET, Base::S8)?.f64(),
    };
    Some(Description {
        index,
        number,
        base_type,
        name,
        scale,
        offset,
        native_mesg: m.unsigned(fd::NATIVE_MESG_NUM),
        native_field: m.unsigned(fd::NATIVE_FIELD_NUM),
    })
}

/// Reads the framed bytes into `sink`.
pub(super) fn run(
    bytes: &[u8],
    frame: &Frame,
    sink: &mut Collector,
    deadline: &mut Deadline,
) -> Result<Outcome, DecodeError> {
    let bytes = &bytes[..frame.limit];
    let mut batch = Batch::default();
    let outcome = walk(bytes, frame, sink, deadline, &mut batch)?;
    batch.flush(bytes, &mut sink.records);
    Ok(outcome)
}

/// The message walk: everything but writing planned records' values,
/// which wait in `batch`.
fn walk(
    bytes: &[u8],
    frame: &Frame,
    sink: &mut Collector,
    deadline: &mut Deadline,
    batch: &mut Batch,
) -> Result<Outcome, DecodeError> {
    let mut defs = Definitions::default();
    let last_seg = frame.segments.len().saturating_sub(1);
    let mut pos = frame.segments.first().map_or(0, |s| s.data_start);
    for (seg_index, seg) in frame.segments.iter().enumerate() {
        pos = seg.data_start;
        let is_last = seg_index == last_seg;
        // Damage inside this segment, mapped like the fitparser engine does.
        let damage_at = |at: usize, found: Damage| -> Damage {
            let at_end = matches!(found, Damage::Truncated { .. }) || at + 2 >= frame.limit;
            match frame.short_by_bytes {
                Some(short) if at_end && is_last => short_data(at, short),
                _ => found,
            }
        };
        let truncated = |at: usize| Damage::Truncated {
            at_byte: at,
            detail: "file ends inside a message".into(),
        };
        while pos < seg.data_end && pos < frame.limit {
            deadline.check()?;
            let input = &bytes[pos..frame.limit];
            let header = input[0];
            let consumed = if header & 0xC0 == 0x40 {
                // Definition message.
                let Some(raw) = definition_len(input).and_then(|len| input.get(..len)) else {
                    return Ok(Outcome::Read(Some(damage_at(pos, truncated(pos)))));
                };
                if let Err(why) = defs.define(usize::from(header & 0x0F), raw, sink) {
                    return Ok(Outcome::HandOver(why));
                }
                raw.len()
            } else {
                let (local, time_offset) = if header & 0x80 != 0 {
                    (usize::from((header >> 5) & 0x03), Some(header & 0x1F))
                } else {
                    (usize::from(header & 0x0F), None)
                };
                let Some(def) = defs.get_mut(local) else {
                    let found = Damage::Corrupt {
                        at_byte: pos,
                        detail: format!("local message {local} used before it was defined"),
                    };
                    return Ok(Outcome::Read(Some(damage_at(pos, found))));
                };
                if !def.dev_defined.is_empty() && def.laid_out != sink.generation() {
                    def.layout(sink);
                }
                let Some(body) = input.get(1..1 + def.len) else {
                    return Ok(Outcome::Read(Some(damage_at(pos, truncated(pos)))));
                };
                if pos + 1 + def.len > seg.data_end {
                    return Ok(Outcome::Read(Some(overrun(
                        pos,
                        pos + 1 + def.len,
                        seg.data_end,
                    ))));
                }
                let len = def.len;
                if def.global == mesg::RECORD
                    && let Some(plan) = def.plan(sink)
                {
                    if sink.records.len() == 0 {
                        // Most of a file is records: room for as many as
                        // the bytes left could hold (not the header's
                        // claim), within reason.
                        let left = (seg.data_end.min(bytes.len()) - pos) / (1 + len);
                        sink.records.reserve(left.min(RESERVE_RECORDS_MAX));
                    }
                    let run = RecordRun {
                        plan,
                        local,
                        len,
                        end: seg.data_end.min(bytes.len()),
                    };
                    pos = run.read(bytes, pos, time_offset, sink, batch, deadline)?;
                    continue;
                }
                if def.global == mesg::RECORD {
                    // Records are written in order.
                    batch.flush(bytes, &mut sink.records);
                }
                let msg = FastMessage {
                    def,
                    body,
                    time_offset,
                };
                let description = (def.global == mesg::FIELD_DESCRIPTION).then(|| describe(&msg));
                sink.message(&msg)?;
                match description {
                    Some(Some(d)) => sink.describe(d),
                    Some(None) => {
                        sink.warn("unreadable developer field description ignored".into())
                    }
                    None => {}
                }
                1 + def.len
            };
            if pos + consumed > seg.data_end {
                return Ok(Outcome::Read(Some(overrun(
                    pos,
                    pos + consumed,
                    seg.data_end,
                ))));
            }
            pos += consumed;
        }
        if pos >= frame.limit {
            break;
        }
        // The file CRC (checked by the frame), then the next chained file.
        if seg.data_end + 2 > frame.limit {
            let found = truncated(seg.data_end);
            return Ok(Outcome::Read(Some(damage_at(seg.data_end, found))));
        }
        sink.end_of_file();
        defs = Definitions::default();
        pos = seg.data_end + 2;
    }
    Ok(Outcome::Read(
        frame.short_by_bytes.map(|short| short_data(pos, short)),
    ))
}

fn overrun(at: usize, end: usize, data_end: usize) -> Damage {
    Damage::Corrupt {
        at_byte: at,
        detail: format!(
            "message runs {} bytes past the data size in the FIT header",
            end - data_end
        ),
    }
}

/// The length of the definition message at the start of `input`, if it
/// holds that many bytes' worth of header.
fn definition_len(input: &[u8]) -> Option<usize> {
    let has_dev = input[0] & 0x20 != 0;
    let native_end = 6 + 3 * usize::from(*input.get(5)?);
    let n_dev = if has_dev {
        usize::from(*input.get(native_end)?)
    } else {
        0
    };
    Some(native_end + usize::from(has_dev) + 3 * n_dev)
}

/// Compiles definition message `raw` (exactly [`definition_len`] bytes)
/// into `def`; `Err` says why fitparser should read the file instead.
fn define(raw: &[u8], sink: &mut Collector, def: &mut Definition) -> Result<(), String> {
    let has_dev = raw[0] & 0x20 != 0;
    let &[_reserved, arch, g0, g1, n_native] = &raw[1..6] else {
        unreachable!("definition_len read these bytes");
    };
    let big = arch == 1;
    let global = if big {
        u16::from_be_bytes([g0, g1])
    } else {
        u16::from_le_bytes([g0, g1])
    };
    let n_native = usize::from(n_native);
    let native_end = 6 + 3 * n_native;
    let n_dev = if has_dev {
        usize::from(raw[native_end])
    } else {
        0
    };
    let len = raw.len();

    def.raw.clear();
    def.raw.extend_from_slice(&raw[1..]);
    def.generation = sink.generation();
    def.global = global;
    def.big = big;
    def.fields.clear();
    def.dev.clear();
    def.slot = [NO_SLOT; 256];
    def.repeats = false;
    def.dev_repeats = false;
    def.plan = None;
    let mut notes = Vec::new();
    let mut at = 0;
    for (i, f) in raw[6..native_end].chunks_exact(3).enumerate() {
        let (num, size, code) = (f[0], usize::from(f[1]), f[2] & 0x9F);
        let mut base = Base::of_field(code);
        if size % base.size() != 0 {
            base = Base::Byte;
            notes.push(format!(
                "message {global} field {num}: size {size} is not a multiple of its type; read as bytes"
            ));
        }
        if def.slot[usize::from(num)] != NO_SLOT {
            def.repeats = true;
        }
        def.slot[usize::from(num)] = i as u8;
        def.fields.push(FieldSpec {
            num,
            base,
            at,
            size,
        });
        at += size;
    }
    let dev_raw = &raw[(native_end + 1).min(len)..];
    let dev_base = |idx: u8, num: u8| sink.dev_base_type(idx, num).and_then(Base::from_code);
    let dev_ok = dev_raw.chunks_exact(3).all(|d| {
        let (num, size, idx) = (d[0], usize::from(d[1]), d[2]);
        sink.dev_base_type(idx, num)
            .is_some_and(|code| size % base_type_size(code) == 0)
            && dev_base(idx, num).is_some()
    });
    if !dev_ok {
        // The fitparser engine drops such fields by renumbering them into
        // unused native numbers (0-251); when there are too few, fitparser
        // reads them raw, which only it can mirror.
        let spare = (0..=251u8)
            .filter(|&n| def.slot[usize::from(n)] == NO_SLOT)
            .count();
        if n_native + n_dev > 255 || spare < n_dev {
            return Err(format!(
                "message {global} defines {n_native} native and {n_dev} developer fields"
            ));
        }
        notes.push(format!(
            "message {global}: developer fields without a usable description dropped"
        ));
    }
    def.native_len = at;
    def.dev_dropped = !dev_ok;
    def.dev_defined.clear();
    def.dev_defined.extend(
        dev_raw
            .chunks_exact(3)
            .map(|d| ((d[2], d[0]), usize::from(d[1]))),
    );
    def.layout(sink);
    if !notes.is_empty() {
        sink.warn(notes.join("; "));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_honour_invalid_markers_and_byte_order() {
        assert!(element(Base::U16, false, &[0xFF, 0xFF]).is_none());
        assert_eq!(
            element(Base::U16, true, &[0x01, 0x02]).unwrap().f64(),
            258.0
        );
        assert_eq!(
            element(Base::U16, false, &[0x01, 0x02]).unwrap().f64(),
            513.0
        );
        assert_eq!(element(Base::S8, false, &[0xFB]).unwrap().f64(), -5.0);
        assert!(element(Base::S8, false, &[0x7F]).is_none());
        assert!(element(Base::U32z, false, &[0, 0, 0, 0]).is_none());
        assert!(element(Base::F32, false, &f32::NAN.to_le_bytes()).is_none());
        assert_eq!(
            element(Base::S32, true, &(-2i32).to_be_bytes())
                .unwrap()
                .f64(),
            -2.0
        );
        assert_eq!(Num::I(-1).unsigned(), None);
    }
}
