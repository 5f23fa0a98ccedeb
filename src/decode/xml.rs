//! Shared streaming-XML helpers for the GPX and TCX decoders.
//!
//! Both formats are read the same way: one pass over quick-xml events,
//! elements matched by *local name* so any namespace prefix (or an unbound
//! one) works, the root element checked, and every element required to be
//! closed at end of file — quick-xml alone accepts a truncated document
//! silently. Entities are never expanded beyond the five predefined ones and
//! character references; a DTD declaring entities is refused outright, so a
//! billion-laughs file costs nothing. Format quirks live in `gpx.rs`/`tcx.rs`.

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::reader::Reader;

use super::DecodeError;
use crate::decode::Deadline;
use crate::limits::Limits;

/// What the reader reports; text content arrives with [`XmlEvent::Close`].
#[derive(Debug)]
pub(crate) enum XmlEvent<'a> {
    /// An element opened (a self-closing element opens and closes at once).
    Open(BytesStart<'a>),
    /// The element named by [`XmlReader::closed`] closed; its own text is [`XmlReader::text`].
    Close,
    /// The root element closed; anything after it is ignored.
    End,
}

/// A streaming reader over one XML document with limits and structure checks.
pub(crate) struct XmlReader<'a> {
    reader: Reader<&'a [u8]>,
    format: &'static str,
    root: &'static str,
    max_depth: usize,
    max_attributes: usize,
    /// Local names of the open elements; entries past `depth` are reused buffers.
    stack: Vec<String>,
    depth: usize,
    text: String,
    /// A self-closing element still owes its `Close`.
    pending_close: bool,
    /// The last event was a `Close`: its text is dropped on the next call.
    text_stale: bool,
    seen_root: bool,
    /// The per-file time budget, checked once per event: every GPX and TCX
    /// loop runs through [`XmlReader::next`], so this bounds both decoders.
    deadline: Deadline,
    /// Non-fatal observations (encoding fallbacks, unknown entities).
    pub warnings: Vec<String>,
}

/// Decodes the bytes to text: BOM and leading whitespace removed, UTF-8 if
/// valid, else read as Latin-1 (the only other encoding seen in exports).
pub(crate) fn document_text<'a>(
    bytes: &'a [u8],
    format: &'static str,
) -> Result<(Cow<'a, str>, Option<String>), DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let body = &body[start..];
    match body.first() {
        None => return Err(DecodeError::NoData("file holds only whitespace".into())),
        Some(b'<') => {}
        Some(_) => {
            let head: Vec<String> = body.iter().take(8).map(|b| format!("{b:02x}")).collect();
            return Err(DecodeError::Corrupt {
                format,
                detail: format!("not XML: content starts with bytes {}", head.join(" ")),
            });
        }
    }
    match std::str::from_utf8(body) {
        Ok(s) => Ok((Cow::Borrowed(s), None)),
        Err(e) => {
            let latin1: String = body.iter().map(|&b| b as char).collect();
            let note = format!("not UTF-8 (byte {}), read as Latin-1", e.valid_up_to());
            Ok((Cow::Owned(latin1), Some(note)))
        }
    }
}

impl<'a> XmlReader<'a> {
    /// Prepares a reader over `text` that expects `<root>` as its document element.
    pub(crate) fn new(
        text: &'a str,
        format: &'static str,
        root: &'static str,
        limits: &Limits,
    ) -> Self {
        let mut reader = Reader::from_str(text);
        let cfg = reader.config_mut();
        cfg.check_end_names = true;
        cfg.check_comments = false;
        cfg.expand_empty_elements = false;
        cfg.trim_text(false);
        XmlReader {
            reader,
            format,
            root,
            max_depth: limits.max_xml_depth as usize,
            max_attributes: limits.max_xml_attributes as usize,
            stack: Vec::with_capacity(16),
            depth: 0,
            text: String::new(),
            pending_close: false,
            text_stale: false,
            seen_root: false,
            deadline: Deadline::start(limits),
            warnings: Vec::new(),
        }
    }

    /// Number of open elements (the root is depth 1 while open).
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    /// Local name of the open element `up` levels above the innermost (0 = innermost).
    pub(crate) fn open(&self, up: usize) -> Option<&str> {
        self.depth
            .checked_sub(up + 1)
            .map(|i| self.stack[i].as_str())
    }

    /// Local name of the element that just closed (valid after [`XmlEvent::Close`]).
    pub(crate) fn closed(&self) -> &str {
        self.stack.get(self.depth).map_or("", String::as_str)
    }

    /// The trimmed text directly inside the element that just closed.
    pub(crate) fn text(&self) -> &str {
        self.text.trim()
    }

    /// quick-xml's messages quote the input (a damaged tag name can hold a
    /// newline), so they are made one line here.
    fn xml_error(&self, e: impl std::fmt::Display) -> DecodeError {
        let msg = e.to_string();
        let msg = one_line(&msg);
        DecodeError::Xml(format!("{msg} (at byte {})", self.reader.error_position()))
    }

    /// The next structural event. Errors are final: the document is rejected.
    pub(crate) fn next(&mut self) -> Result<XmlEvent<'a>, DecodeError> {
        if self.text_stale {
            self.text.clear();
            self.text_stale = false;
        }
        if self.pending_close {
            self.pending_close = false;
            return Ok(self.close());
        }
        loop {
            // Once per event read, including comments and text that do not return.
            self.deadline.check()?;
            let event = self.reader.read_event().map_err(|e| self.xml_error(e))?;
            match event {
                Event::Start(start) => {
                    self.open_element(&start)?;
                    return Ok(XmlEvent::Open(start));
                }
                Event::Empty(start) => {
                    self.open_element(&start)?;
                    self.pending_close = true;
                    return Ok(XmlEvent::Open(start));
                }
                Event::End(_) => {
                    if self.depth == 0 {
                        return Err(self.xml_error("closing tag without an open element"));
                    }
                    return Ok(self.close());
                }
                Event::Text(t) => {
                    if self.depth == 0 {
                        if !t.trim().is_empty() {
                            return Err(self.xml_error("text outside the root element"));
                        }
                    } else {
                        self.text.push_str(&t.xml10_content());
                    }
                }
                Event::CData(t) => self.text.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => self.push_reference(&r)?,
                Event::DocType(dt) => {
                    if dt.contains("<!ENTITY") {
                        return Err(DecodeError::Xml(
                            "DOCTYPE declares entities; entity expansion is refused".into(),
                        ));
                    }
                }
                Event::Eof => return Err(self.at_eof()),
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            }
        }
    }

    fn open_element(&mut self, start: &BytesStart<'_>) -> Result<(), DecodeError> {
        let qname = start.name();
        let local = qname.local_name().into_inner();
        if !self.seen_root {
            if local != self.root {
                return Err(DecodeError::Corrupt {
                    format: self.format,
                    detail: format!("XML root is <{local}>, not <{}>", self.root),
                });
            }
            self.seen_root = true;
        }
        if self.depth >= self.max_depth {
            return Err(DecodeError::Limit(format!(
                "XML nesting deeper than {} elements (max_xml_depth) at <{local}>",
                self.max_depth
            )));
        }
        // Cheap upper bound first: every attribute needs an '='.
        let raw = start.attributes_raw();
        if raw.bytes().filter(|&b| b == b'=').count() > self.max_attributes {
            let n = start.attributes().with_checks(false).count();
            if n > self.max_attributes {
                return Err(DecodeError::Limit(format!(
                    "<{local}> has {n} attributes, more than {} (max_xml_attributes)",
                    self.max_attributes
                )));
            }
        }
        if self.stack.len() == self.depth {
            self.stack.push(String::new());
        }
        let slot = &mut self.stack[self.depth];
        slot.clear();
        slot.push_str(local);
        self.depth += 1;
        self.text.clear();
        Ok(())
    }

    fn close(&mut self) -> XmlEvent<'a> {
        self.depth -= 1;
        self.text_stale = true;
        if self.depth == 0 {
            XmlEvent::End
        } else {
            XmlEvent::Close
        }
    }

    fn push_reference(&mut self, r: &BytesRef<'_>) -> Result<(), DecodeError> {
        if r.is_char_ref() {
            match r.resolve_char_ref() {
                Ok(Some(c)) => self.text.push(c),
                _ => return Err(self.xml_error(format!("bad character reference &{};", &**r))),
            }
            return Ok(());
        }
        let name: &str = r;
        let ch = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "apos" => '\'',
            "quot" => '"',
            other => {
                if self.warnings.len() < 8 {
                    self.warnings
                        .push(format!("undefined entity &{}; ignored", one_line(other)));
                }
                return Ok(());
            }
        };
        self.text.push(ch);
        Ok(())
    }

    fn at_eof(&self) -> DecodeError {
        if !self.seen_root {
            return DecodeError::Corrupt {
                format: self.format,
                detail: "no XML element in file".into(),
            };
        }
        let innermost = self.open(0).unwrap_or(self.root);
        DecodeError::Truncated {
            format: self.format,
            detail: format!(
                "unclosed <{innermost}> at end of file ({} elements open)",
                self.depth
            ),
        }
    }
}

/// The value of the attribute whose local name is `local`, entity-unescaped.
pub(crate) fn attr<'s>(start: &'s BytesStart<'_>, local: &str) -> Option<Cow<'s, str>> {
    start
        .attributes()
        .with_checks(false)
        .flatten()
        .find_map(|a| {
            if a.key.local_name().into_inner() != local {
                return None;
            }
            match a.value {
                Cow::Borrowed(v) if !v.contains('&') => Some(Cow::Borrowed(v)),
                _ => Some(Cow::Owned(unescape_predefined(&a.value))),
            }
        })
}

/// Replaces the five predefined entities and character references; nothing else.
pub(crate) fn unescape_predefined(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp + 1..];
        let Some(semi) = tail.find(';') else {
            out.push_str(&rest[amp..]);
            return out;
        };
        let name = &tail[..semi];
        let ch = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "apos" => Some('\''),
            "quot" => Some('"'),
            _ => name.strip_prefix('#').and_then(|n| {
                let code = match n.strip_prefix('x') {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                };
                code.and_then(char::from_u32)
            }),
        };
        if let Some(c) = ch {
            out.push(c);
        }
        rest = &tail[semi + 1..];
    }
    out.push_str(rest);
    out
}

/// A finite number from element or attribute text, `None` for empty or junk.
pub(crate) fn parse_f64(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Parses the timestamps GPX and TCX writers emit: RFC 3339 with `Z` or
/// `±hh:mm`, plus the common deviations `±hhmm`, `±hh`, a space instead of
/// `T`, and no offset at all (taken as UTC, which is what those writers mean).
/// Returns the instant, truncated to whole milliseconds (some writers print
/// 7 digits that only disagree below a millisecond), and the offset the
/// writer stated (None when it wrote none or `Z`).
pub(crate) fn parse_time(text: &str) -> Option<(DateTime<Utc>, Option<i32>)> {
    let (t, off) = parse_time_exact(text)?;
    let ms = t.timestamp_millis();
    Some((DateTime::from_timestamp_millis(ms)?, off))
}

fn parse_time_exact(text: &str) -> Option<(DateTime<Utc>, Option<i32>)> {
    let s = text.trim();
    if s.len() < 19 {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some((t.with_timezone(&Utc), stated_offset(s, &t)));
    }
    let s: Cow<str> = if s.as_bytes().get(10) == Some(&b' ') {
        Cow::Owned(format!("{}T{}", &s[..10], &s[11..]))
    } else {
        Cow::Borrowed(s)
    };
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f%#z"] {
        if let Ok(t) = DateTime::parse_from_str(&s, fmt) {
            return Some((t.with_timezone(&Utc), stated_offset(&s, &t)));
        }
    }
    let naive = s.strip_suffix('Z').unwrap_or(&s);
    let n = NaiveDateTime::parse_from_str(naive, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    Some((Utc.from_utc_datetime(&n), None))
}

fn stated_offset(s: &str, t: &DateTime<FixedOffset>) -> Option<i32> {
    if s.ends_with('Z') || s.ends_with('z') {
        None
    } else {
        Some(t.offset().local_minus_utc())
    }
}

/// Seconds from `a` to `b`, with sub-second precision.
pub(crate) fn seconds_between(a: DateTime<Utc>, b: DateTime<Utc>) -> f64 {
    let d = b - a;
    d.num_milliseconds() as f64 / 1000.0
}

/// WGS84 semi-major axis, the radius gpxpy uses.
const EARTH_RADIUS_M: f64 = 6_378_137.0;
/// Metres per degree on that sphere (gpxpy's `ONE_DEGREE`, 111.319 km).
const ONE_DEGREE_M: f64 = 2.0 * std::f64::consts::PI * EARTH_RADIUS_M / 360.0;

/// 2-D distance from one position to the next exactly as gpxpy 1.6 computes
/// `length_2d`: equirectangular (scaled by the cosine of the *later* point's
/// latitude) within 0.2° and haversine beyond. Matching it keeps our totals
/// comparable with the oracle; at running distances the two branches agree
/// to well under 0.1 %.
pub(crate) fn distance_2d_m(from_lat: f64, from_lon: f64, to_lat: f64, to_lon: f64) -> f64 {
    if (to_lat - from_lat).abs() > 0.2 || (to_lon - from_lon).abs() > 0.2 {
        return haversine_m(to_lat, to_lon, from_lat, from_lon);
    }
    let coef = to_lat.to_radians().cos();
    let x = to_lat - from_lat;
    let y = (to_lon - from_lon) * coef;
    (x * x + y * y).sqrt() * ONE_DEGREE_M
}

/// Great-circle distance on gpxpy's sphere.
pub(crate) fn haversine_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let d_lon = (lon1 - lon2).to_radians();
    let (lat1, lat2) = (lat1.to_radians(), lat2.to_radians());
    let d_lat = lat1 - lat2;
    let a = (d_lat / 2.0).sin().powi(2) + (d_lon / 2.0).sin().powi(2) * lat1.cos() * lat2.cos();
    2.0 * a.sqrt().asin() * EARTH_RADIUS_M
}

/// True when the position is usable (finite and on the globe).
pub(crate) fn valid_position(lat: f64, lon: f64) -> bool {
    lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0
}

/// Latitude and longitude columns, NaN where a point's position is missing or out of range.
pub(crate) fn position_columns(
    positions: impl Iterator<Item = (f64, f64)>,
) -> (Vec<f64>, Vec<f64>) {
    positions
        .map(|(lat, lon)| {
            if valid_position(lat, lon) {
                (lat, lon)
            } else {
                (f64::NAN, f64::NAN)
            }
        })
        .unzip()
}

/// Median of the finite values, `None` when there are none.
pub(crate) fn median(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    let mid = v.len() / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    Some(*m)
}

/// Per-sample speed from cumulative distance: a centred difference over the
/// neighbours in the same segment (`seg` ids), NaN where time does not advance.
pub(crate) fn speed_from_distance(time_s: &[f64], dist_m: &[f64], seg: &[u32]) -> Vec<f64> {
    let n = time_s.len();
    (0..n)
        .map(|i| {
            let lo = if i > 0 && seg[i - 1] == seg[i] {
                i - 1
            } else {
                i
            };
            let hi = if i + 1 < n && seg[i + 1] == seg[i] {
                i + 1
            } else {
                i
            };
            let dt = time_s[hi] - time_s[lo];
            let dd = dist_m[hi] - dist_m[lo];
            if dt > 0.0 && dd.is_finite() {
                dd / dt
            } else {
                f64::NAN
            }
        })
        .collect()
}

/// Input text quoted in a message, with control characters (newlines, tabs)
/// escaped so that every reason and warning stays one line.
pub(crate) fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: &str) -> i64 {
        parse_time(s).unwrap().0.timestamp()
    }

    #[test]
    fn times_in_writer_spellings_parse_to_the_same_instant() {
        let z = secs("2017-07-29T14:46:35Z");
        assert_eq!(secs("2017-07-29T16:46:35+02:00"), z);
        assert_eq!(secs("2017-07-29T14:46:35+0000"), z);
        assert_eq!(secs("2017-07-29T16:46:35+0200"), z);
        assert_eq!(secs("2017-07-29 14:46:35Z"), z);
        assert_eq!(secs("2017-07-29T14:46:35"), z);
        let (t, off) = parse_time("2017-07-29T14:46:35.250Z").unwrap();
        assert_eq!(t.timestamp_subsec_millis(), 250);
        assert_eq!(off, None);
        assert_eq!(
            parse_time("2017-07-29T16:46:35+02:00").unwrap().1,
            Some(7200)
        );
        assert!(parse_time("yesterday").is_none());
        assert!(parse_time("").is_none());
    }

    #[test]
    fn gpxpy_distance_branches() {
        // 0.001° of latitude = 111.319 m in gpxpy's flat branch (2π·6378.137 km / 360 / 1000).
        let d = distance_2d_m(46.0, 14.0, 46.001, 14.0);
        assert!((d - 111.319_490_793).abs() < 1e-6, "{d}");
        // One degree of longitude on the equator, haversine branch: the same 2πR/360.
        let h = distance_2d_m(0.0, 0.0, 0.0, 1.0);
        assert!((h - 111_319.490_793).abs() < 1e-3, "{h}");
    }

    #[test]
    fn predefined_entities_only() {
        assert_eq!(unescape_predefined("a&amp;b&#x41;&#66;&lol;c"), "a&bABc");
    }

    fn drain(xml: &str, limits: &Limits) -> Result<usize, DecodeError> {
        let mut r = XmlReader::new(xml, "gpx", "gpx", limits);
        let mut opened = 0;
        loop {
            match r.next()? {
                XmlEvent::Open(_) => opened += 1,
                XmlEvent::Close => {}
                XmlEvent::End => return Ok(opened),
            }
        }
    }

    #[test]
    fn structure_checks() {
        let l = Limits::default();
        assert_eq!(drain("<gpx><a/><b:c x='1'>t</b:c></gpx>", &l), Ok(3));
        let e = drain("<TrainingCenterDatabase/>", &l).unwrap_err();
        assert_eq!(
            e.to_string(),
            "corrupt gpx: XML root is <TrainingCenterDatabase>, not <gpx>"
        );
        let e = drain("<gpx><trk><trkseg><trkpt/>", &l).unwrap_err();
        assert!(
            e.to_string().contains("unclosed <trkseg> at end of file"),
            "{e}"
        );
        let deep = format!("<gpx>{}", "<a>".repeat(100));
        assert!(matches!(drain(&deep, &l), Err(DecodeError::Limit(_))));
        let attrs: String = (0..70).map(|i| format!(" a{i}='1'")).collect();
        assert!(matches!(
            drain(&format!("<gpx{attrs}/>"), &l),
            Err(DecodeError::Limit(_))
        ));
        let lol = "<?xml version='1.0'?><!DOCTYPE gpx [<!ENTITY a 'aaaa'>]><gpx>&a;</gpx>";
        assert!(matches!(drain(lol, &l), Err(DecodeError::Xml(_))));
    }
}
