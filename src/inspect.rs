//! `heavylegs inspect FILE`: what heavylegs reads from one file, and for FIT
//! the raw messages behind it.
//!
//! The normalized view goes through the same steps as a report (gzip
//! unwrapping, content sniffing, [`crate::ingest::decode_leaf_with`]), so what
//! it shows is what the analysis gets. The message dump is fitparser's
//! reading, deliberately independent of heavylegs' own FIT reader: when the
//! two disagree, the dump is the second opinion. Output is deterministic
//! (timestamps in UTC, file order), so two runs can be diffed.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::activity::{Activity, COLUMNS, CadenceRule, Format};
use crate::decode::fit::FitDecoder;
use crate::ingest::archive::{inflate_gzip, sha256_hex};
use crate::ingest::sniff::{Sniffed, sniff};
use crate::ingest::{Leaf, Status, decode_leaf_with};
use crate::limits::Limits;

/// What to show.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Dump every FIT message (fitparser's reading).
    pub messages: bool,
    /// Dump only messages with this name; implies `messages`.
    pub message: Option<String>,
    pub fit_decoder: FitDecoder,
    pub limits: Limits,
}

#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    #[error("cannot read {path}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("--messages reads FIT files only; {path} is {format}")]
    MessagesNeedFit { path: String, format: &'static str },
}

/// Everything `inspect` found in one file.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    pub path: String,
    /// Size as stored on disk.
    pub bytes: u64,
    /// SHA-256 (hex) of the bytes as stored (the key of the report cache).
    pub sha256: String,
    /// gzip layers unwrapped before the content was sniffed.
    pub gzip_layers: u32,
    /// The content's format, when it is one heavylegs decodes.
    pub format: Option<Format>,
    /// The FIT engine used for the normalized view (FIT files only).
    pub fit_decoder: Option<FitDecoder>,
    /// One entry per activity, or one rejected/skipped entry saying why there is none.
    pub entries: Vec<Entry>,
    /// The message dump, when asked for.
    pub messages: Option<MessageDump>,
}

impl Inspection {
    /// True when the file (or the message dump) could not be read to the end.
    pub fn rejected(&self) -> bool {
        self.entries.iter().any(|e| e.status == Status::Rejected)
            || self.messages.as_ref().is_some_and(|m| m.error.is_some())
    }
}

/// One activity as the analysis sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub path: String,
    pub status: Status,
    pub reason: Option<String>,
    pub activity: Option<ActivityView>,
}

/// The normalized activity without its series: the numbers a user checks first.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityView {
    pub device: Option<String>,
    pub sport: String,
    pub sub_sport: Option<String>,
    /// RFC 3339, UTC.
    pub start_utc: String,
    /// RFC 3339 with the file's own offset, when the file records one.
    pub start_local: Option<String>,
    pub utc_offset_s: Option<i32>,
    pub elapsed_s: f64,
    pub timer_s: Option<f64>,
    pub distance_m: Option<f64>,
    pub samples: usize,
    /// Series columns the file records (see [`COLUMNS`]).
    pub columns: Vec<&'static str>,
    pub laps: usize,
    pub pauses: usize,
    pub cadence_rule: CadenceRule,
    pub warnings: Vec<String>,
}

impl ActivityView {
    fn of(a: &Activity) -> ActivityView {
        let secs = chrono::SecondsFormat::Secs;
        ActivityView {
            device: a.source.device.clone(),
            sport: a.sport.as_str().to_owned(),
            sub_sport: a.sub_sport.clone(),
            start_utc: a.start.to_rfc3339_opts(secs, true),
            start_local: a.local_start().map(|t| t.to_rfc3339_opts(secs, false)),
            utc_offset_s: a.utc_offset_s,
            elapsed_s: a.elapsed_s,
            timer_s: a.timer_s,
            distance_m: a.distance_m,
            samples: a.series.len(),
            columns: COLUMNS
                .iter()
                .copied()
                .filter(|c| a.series.column(c).is_some())
                .collect(),
            laps: a.laps.len(),
            pauses: a.pauses.len(),
            cadence_rule: a.cadence_rule,
            warnings: a.warnings.clone(),
        }
    }
}

/// fitparser's reading of a FIT file, message by message.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MessageDump {
    /// Messages read before the end or the first error (all names, before the filter).
    pub total: usize,
    /// The name filter applied, if any.
    pub filter: Option<String>,
    pub messages: Vec<Message>,
    /// Why fitparser stopped early (damage, a limit, or a crash inside fitparser).
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// Position among all data messages of the file, from 0.
    pub index: usize,
    pub name: String,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    pub value: serde_json::Value,
    pub units: String,
}

/// Reads `path` and builds its [`Inspection`].
pub fn inspect(path: &Path, opts: &Options) -> Result<Inspection, InspectError> {
    let shown = path.to_string_lossy().into_owned();
    let read_err = |source| InspectError::Read {
        path: shown.clone(),
        source,
    };
    let size = std::fs::metadata(path).map_err(read_err)?.len();
    let mut out = Inspection {
        path: shown.clone(),
        bytes: size,
        sha256: String::new(),
        gzip_layers: 0,
        format: None,
        fit_decoder: None,
        entries: Vec::new(),
        messages: None,
    };
    if size > opts.limits.max_file_bytes {
        out.entries.push(rejected(
            &shown,
            format!(
                "limit exceeded: file is {size} bytes, max_file_bytes is {}",
                opts.limits.max_file_bytes
            ),
        ));
        return Ok(out);
    }
    let stored = std::fs::read(path).map_err(read_err)?;
    out.sha256 = sha256_hex(&stored);
    let content = match unwrap_gzip(&stored, &opts.limits, &mut out.gzip_layers) {
        Ok(content) => content,
        Err(reason) => {
            out.entries.push(rejected(&shown, reason));
            return Ok(out);
        }
    };
    out.format = sniff(&content).format();
    let wants_messages = opts.messages || opts.message.is_some();
    if wants_messages && let Some(format) = out.format.filter(|f| *f != Format::Fit) {
        return Err(InspectError::MessagesNeedFit {
            path: shown,
            format: match format {
                Format::Gpx => "GPX",
                Format::AppleHealth => "Apple Health XML",
                Format::PolarFlow => "Polar Flow JSON",
                _ => "TCX",
            },
        });
    }
    if out.format == Some(Format::Fit) {
        out.fit_decoder = Some(opts.fit_decoder);
    }
    let leaf = Leaf {
        path: shown.clone(),
        bytes: &content,
        sha256: out.sha256.clone(),
        stream: None,
    };
    out.entries = decode_leaf_with(&leaf, &opts.limits, opts.fit_decoder)
        .into_iter()
        .map(|r| Entry {
            path: r.path,
            status: r.status,
            reason: r.reason,
            activity: r.activity.as_deref().map(ActivityView::of),
        })
        .collect();
    if wants_messages && out.format == Some(Format::Fit) {
        out.messages = Some(dump_messages(
            &content,
            opts.message.as_deref(),
            opts.limits.max_records,
        ));
    }
    Ok(out)
}

fn rejected(path: &str, reason: String) -> Entry {
    Entry {
        path: path.to_owned(),
        status: Status::Rejected,
        reason: Some(reason),
        activity: None,
    }
}

/// Inflates gzip layers (`x.fit.gz`, or a gzip inside a gzip) up to the
/// archive depth limit; zip archives hold many files and are refused.
fn unwrap_gzip(stored: &[u8], limits: &Limits, layers: &mut u32) -> Result<Vec<u8>, String> {
    let mut content = stored.to_vec();
    loop {
        match sniff(&content) {
            Sniffed::Gzip if *layers >= limits.max_archive_depth => {
                return Err(format!(
                    "limit exceeded: more than {} nested gzip layers (max_archive_depth)",
                    limits.max_archive_depth
                ));
            }
            Sniffed::Gzip => {
                content = inflate_gzip(&content, limits).map_err(|e| e.to_string())?;
                *layers += 1;
            }
            Sniffed::Zip => {
                return Err(
                    "a zip archive holds many files: list them with `heavylegs ingest ARCHIVE --jsonl`, \
                     or unzip one and inspect it"
                        .to_owned(),
                );
            }
            Sniffed::Unknown(reason) => return Err(reason),
            Sniffed::Fit
            | Sniffed::Gpx
            | Sniffed::Tcx
            | Sniffed::AppleHealth
            | Sniffed::PolarJson => return Ok(content),
        }
    }
}

/// fitparser's messages, one at a time so damage keeps what precedes it.
/// CRCs are not checked here (the normalized view already warns about them),
/// and a panic inside fitparser becomes the dump's error.
fn dump_messages(bytes: &[u8], filter: Option<&str>, max_messages: u64) -> MessageDump {
    let mut dump = MessageDump {
        filter: filter.map(str::to_owned),
        ..MessageDump::default()
    };
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_messages(bytes, filter, max_messages, &mut dump)
    }));
    match run {
        Ok(Ok(())) => {}
        Ok(Err(e)) => dump.error = Some(e),
        Err(payload) => {
            let msg = crate::decode::panic_message(payload.as_ref());
            dump.error = Some(format!(
                "fitparser crashed after {} messages: {msg}",
                dump.total
            ));
        }
    }
    dump
}

fn read_messages(
    mut input: &[u8],
    filter: Option<&str>,
    max_messages: u64,
    dump: &mut MessageDump,
) -> Result<(), String> {
    use fitparser::de::{DecodeOption, FitObject, FitStreamProcessor};
    let mut reader = FitStreamProcessor::new();
    reader.add_option(DecodeOption::SkipHeaderCrcValidation);
    reader.add_option(DecodeOption::SkipDataCrcValidation);
    while !input.is_empty() {
        let (rest, object) = reader
            .deserialize_next(input)
            .map_err(|e| format!("fitparser stopped after {} messages: {e}", dump.total))?;
        input = rest;
        match object {
            FitObject::Crc(_) => reader.reset(),
            FitObject::Header(_) | FitObject::DefinitionMessage(_) => {}
            FitObject::DataMessage(msg) => {
                if dump.total as u64 >= max_messages {
                    return Err(format!(
                        "limit exceeded: more than {max_messages} messages (max_records)"
                    ));
                }
                let record = reader
                    .decode_message(msg)
                    .map_err(|e| format!("fitparser stopped after {} messages: {e}", dump.total))?;
                let name = record.kind().to_string();
                let index = dump.total;
                dump.total += 1;
                if filter.is_some_and(|f| f != name) {
                    continue;
                }
                let fields = record
                    .fields()
                    .iter()
                    .map(|f| Field {
                        name: f.name().to_owned(),
                        value: json_value(f.value()),
                        units: f.units().to_owned(),
                    })
                    .collect();
                dump.messages.push(Message {
                    index,
                    name,
                    fields,
                });
            }
        }
    }
    Ok(())
}

/// A fitparser value as JSON; timestamps in UTC (fitparser gives them in the
/// machine's zone, which would make the output depend on where it runs).
fn json_value(v: &fitparser::Value) -> serde_json::Value {
    use fitparser::Value as V;
    use serde_json::Value as J;
    match v {
        V::Timestamp(t) => J::String(
            t.with_timezone(&chrono::Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        ),
        V::Byte(x) | V::Enum(x) | V::UInt8(x) | V::UInt8z(x) => J::from(*x),
        V::SInt8(x) => J::from(*x),
        V::SInt16(x) => J::from(*x),
        V::UInt16(x) | V::UInt16z(x) => J::from(*x),
        V::SInt32(x) => J::from(*x),
        V::UInt32(x) | V::UInt32z(x) => J::from(*x),
        V::SInt64(x) => J::from(*x),
        V::UInt64(x) | V::UInt64z(x) => J::from(*x),
        V::Float32(x) => J::from(f64::from(*x)),
        V::Float64(x) => J::from(*x),
        V::String(s) => J::String(s.clone()),
        V::Array(items) => J::Array(items.iter().map(json_value).collect()),
        V::Invalid => J::Null,
    }
}

/// The text form: a header, one block per activity, then one block per message.
pub fn render_text(ins: &Inspection) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "file       {}", ins.path);
    let _ = writeln!(s, "bytes      {}", ins.bytes);
    if !ins.sha256.is_empty() {
        let _ = writeln!(s, "sha256     {}", ins.sha256);
    }
    let format = ins.format.map_or("unknown", |f| f.as_str());
    let gzip = match ins.gzip_layers {
        0 => String::new(),
        1 => " (gzip'd)".to_owned(),
        n => format!(" ({n} gzip layers)"),
    };
    let _ = writeln!(s, "format     {format}{gzip}");
    if let Some(d) = ins.fit_decoder {
        let _ = writeln!(s, "decoder    {}", crate::names::serde_name(&d));
    }
    let n = ins.entries.len();
    for (i, e) in ins.entries.iter().enumerate() {
        let _ = writeln!(s);
        let status = match e.status {
            Status::Ok => "ok",
            Status::Skipped => "skipped",
            Status::Rejected => "rejected",
        };
        let _ = writeln!(s, "activity {} of {n}: {status}", i + 1);
        if let Some(reason) = &e.reason {
            let _ = writeln!(s, "  reason     {reason}");
        }
        if let Some(a) = &e.activity {
            render_activity(&mut s, a);
        }
    }
    if let Some(dump) = &ins.messages {
        let _ = writeln!(s);
        let shown = match &dump.filter {
            Some(f) => format!("{} {f} of {}", dump.messages.len(), dump.total),
            None => dump.total.to_string(),
        };
        let _ = writeln!(s, "messages   {shown} (decoded by fitparser)");
        for m in &dump.messages {
            let _ = writeln!(s);
            let _ = writeln!(s, "{} #{}", m.name, m.index);
            for f in &m.fields {
                let value = text_value(&f.value);
                let _ = if f.units.is_empty() {
                    writeln!(s, "  {} = {value}", f.name)
                } else {
                    writeln!(s, "  {} = {value} {}", f.name, f.units)
                };
            }
        }
        if let Some(e) = &dump.error {
            let _ = writeln!(s);
            let _ = writeln!(s, "error      {e}");
        }
    }
    s
}

fn render_activity(s: &mut String, a: &ActivityView) {
    let opt = |v: Option<f64>, unit: &str| v.map_or("—".to_owned(), |v| format!("{v:.1} {unit}"));
    let _ = writeln!(s, "  device     {}", a.device.as_deref().unwrap_or("—"));
    match &a.sub_sport {
        Some(sub) => writeln!(s, "  sport      {} ({sub})", a.sport),
        None => writeln!(s, "  sport      {}", a.sport),
    }
    .ok();
    let local = match (&a.start_local, a.utc_offset_s) {
        (Some(l), _) => format!("local {l}"),
        (None, _) => "local offset not recorded".to_owned(),
    };
    let _ = writeln!(s, "  start      {} ({local})", a.start_utc);
    let _ = writeln!(
        s,
        "  duration   {:.1} s elapsed, {} timer",
        a.elapsed_s,
        opt(a.timer_s, "s")
    );
    let _ = writeln!(s, "  distance   {}", opt(a.distance_m, "m"));
    let _ = writeln!(s, "  samples    {}", a.samples);
    let _ = writeln!(s, "  columns    {}", a.columns.join(", "));
    let _ = writeln!(s, "  laps       {}, pauses {}", a.laps, a.pauses);
    let _ = writeln!(s, "  cadence    {}", cadence_rule_name(a.cadence_rule));
    if a.warnings.is_empty() {
        let _ = writeln!(s, "  warnings   none");
    }
    for w in &a.warnings {
        let _ = writeln!(s, "  warning    {w}");
    }
}

fn text_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "(invalid)".to_owned(),
        other => other.to_string(),
    }
}

fn cadence_rule_name(r: CadenceRule) -> &'static str {
    match r {
        CadenceRule::FitStridesTimesTwo => "FIT strides/min × 2",
        CadenceRule::AlreadySteps => "already steps/min",
        CadenceRule::StridesDoubled => "strides/min in the file, doubled",
        CadenceRule::None => "not recorded",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_render_in_utc_whatever_the_local_zone() {
        let t = chrono::DateTime::parse_from_rfc3339("2020-01-02T03:04:05+02:00")
            .unwrap()
            .with_timezone(&chrono::Local);
        assert_eq!(
            json_value(&fitparser::Value::Timestamp(t)),
            serde_json::json!("2020-01-02T01:04:05.000Z")
        );
        let arr =
            fitparser::Value::Array(vec![fitparser::Value::UInt8(1), fitparser::Value::Invalid]);
        assert_eq!(json_value(&arr), serde_json::json!([1, null]));
    }
}
