//! One streamed pass over `export.xml`: quick-xml over a buffered reader,
//! the line number kept by counting newlines as bytes are consumed, the
//! root and the DTD checked. Memory is the read buffer plus one element.

use std::io::{self, BufRead, Read};

use chrono::{DateTime, NaiveDate, Utc};
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::decode::DecodeError;
use crate::limits::Limits;

pub(super) const FORMAT: &str = "Apple Health";

/// Counts the newlines of every byte the XML reader consumes, so an element
/// can be named by its line (the line its tag ends on).
pub(super) struct Lines<R> {
    inner: R,
    pub newlines: u64,
}

impl<R: BufRead> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.newlines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let amt = amt.min(buf.len());
            self.newlines += memchr::memchr_iter(b'\n', &buf[..amt]).count() as u64;
        }
        self.inner.consume(amt);
    }
}

/// What [`Scan::next`] reports.
pub(super) enum Item<'b> {
    /// An element opened at `depth` (root = 1); `empty` when self-closing.
    Open {
        start: BytesStart<'b>,
        depth: usize,
        empty: bool,
    },
    /// The element at `depth` closed.
    Close { depth: usize },
    /// End of the document; `Some` says what was still open (truncated file).
    End(Option<String>),
    /// Anything else.
    Other,
}

pub(super) struct Scan<R> {
    reader: Reader<Lines<R>>,
    buf: Vec<u8>,
    st: State,
}

/// Structure state, apart from the buffer an event borrows.
struct State {
    depth: usize,
    max_depth: usize,
    seen_root: bool,
    open_names: Vec<String>,
}

impl<R: BufRead> Scan<R> {
    pub fn new(input: R, limits: &Limits) -> Self {
        let mut reader = Reader::from_reader(Lines {
            inner: input,
            newlines: 0,
        });
        let cfg = reader.config_mut();
        cfg.check_end_names = true;
        cfg.check_comments = false;
        cfg.expand_empty_elements = false;
        Scan {
            reader,
            buf: Vec::with_capacity(4096),
            st: State {
                depth: 0,
                max_depth: limits.max_xml_depth as usize,
                seen_root: false,
                open_names: Vec::new(),
            },
        }
    }

    /// The next event; [`Item::Other`] for what the readers never look at
    /// (text, comments, declarations), so the caller's loop stays simple.
    pub fn next(&mut self) -> Result<(Item<'_>, u64), DecodeError> {
        self.buf.clear();
        let event = self.reader.read_event_into(&mut self.buf);
        let line = self.reader.get_ref().newlines + 1;
        self.st.event(event, line).map(|item| (item, line))
    }
}

impl State {
    fn event<'b>(
        &mut self,
        event: quick_xml::Result<Event<'b>>,
        line: u64,
    ) -> Result<Item<'b>, DecodeError> {
        let event = match event {
            Ok(e) => e,
            // A file cut inside a tag (an interrupted copy): what came before is used.
            Err(quick_xml::Error::Syntax(
                quick_xml::errors::SyntaxError::UnclosedTag
                | quick_xml::errors::SyntaxError::UnclosedSingleQuotedAttributeValue
                | quick_xml::errors::SyntaxError::UnclosedDoubleQuotedAttributeValue,
            )) if self.seen_root => {
                return Ok(Item::End(Some(format!(
                    "file ends inside a tag (line {line})"
                ))));
            }
            Err(e) => {
                let msg = e.to_string();
                return Err(DecodeError::Xml(format!(
                    "{} (line {line})",
                    crate::decode::xml::one_line(&msg),
                )));
            }
        };
        match event {
            Event::Start(start) => {
                let depth = self.open(&start)?;
                Ok(Item::Open {
                    start,
                    depth,
                    empty: false,
                })
            }
            Event::Empty(start) => {
                let depth = self.open(&start)?;
                self.depth -= 1;
                Ok(Item::Open {
                    start,
                    depth,
                    empty: true,
                })
            }
            Event::End(_) => {
                let depth = self.depth;
                self.depth = depth.saturating_sub(1);
                Ok(if depth <= 1 {
                    Item::End(None)
                } else {
                    Item::Close { depth }
                })
            }
            // Element and attribute-list declarations are fine; entities are never expanded.
            Event::DocType(dt) if dt.contains("<!ENTITY") => Err(DecodeError::Xml(
                "DOCTYPE declares entities; entity expansion is refused".into(),
            )),
            Event::Eof => {
                let st = &*self;
                if !st.seen_root {
                    return Err(DecodeError::Corrupt {
                        format: FORMAT,
                        detail: "no XML element in file".into(),
                    });
                }
                let open = (st.depth > 0).then(|| {
                    let innermost = st.open_names.get(st.depth - 1).cloned();
                    format!(
                        "unclosed <{}> at end of file",
                        innermost.unwrap_or_default()
                    )
                });
                Ok(Item::End(open))
            }
            _ => Ok(Item::Other),
        }
    }

    fn open(&mut self, start: &BytesStart<'_>) -> Result<usize, DecodeError> {
        let qname = start.name();
        let local = qname.local_name().into_inner();
        if !self.seen_root {
            if local != "HealthData" {
                return Err(DecodeError::Corrupt {
                    format: FORMAT,
                    detail: format!("XML root is <{local}>, not <HealthData>"),
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
        if self.open_names.len() <= self.depth {
            self.open_names.push(String::new());
        }
        if self.open_names[self.depth] != local {
            self.open_names[self.depth].clear();
            self.open_names[self.depth].push_str(local);
        }
        self.depth += 1;
        Ok(self.depth)
    }
}

/// The element's local name.
pub(super) fn name<'a>(start: &'a BytesStart<'_>) -> &'a str {
    start.local_name().into_inner()
}

/// Calls `f(key, value)` for each attribute (values raw: Apple writes
/// `&amp;`-style escapes only in free text, unescaped where used).
pub(super) fn each_attr(start: &BytesStart<'_>, mut f: impl FnMut(&str, &str)) {
    for a in start.attributes().with_checks(false).flatten() {
        f(a.key.local_name().into_inner(), &a.value);
    }
}

/// An instant and the local offset Apple wrote: `2026-04-07 07:30:00 -0700`.
/// Parsed by hand (the file holds millions of them); anything else is `None`.
pub(crate) fn parse_date(s: &str) -> Option<(DateTime<Utc>, i32)> {
    let b = s.trim().as_bytes();
    if b.len() != 25 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[19] != b' ' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let sign = match b[20] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (oh, om) = (num(21..23)?, num(23..25)?);
    if oh > 14 || om > 59 {
        return None;
    }
    let offset = sign * (oh * 3600 + om * 60) as i32;
    let local = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, mo, d)?.and_hms_opt(h, mi, sec)?;
    let utc = local.and_utc() - chrono::Duration::seconds(i64::from(offset));
    Some((utc, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apple_dates_carry_their_offset() {
        let (t, off) = parse_date("2026-04-07 07:30:00 -0700").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-04-07T14:30:00+00:00");
        assert_eq!(off, -7 * 3600);
        let (t, off) = parse_date("2026-04-07 07:30:00 +0530").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-04-07T02:00:00+00:00");
        assert_eq!(off, 5 * 3600 + 1800);
        assert!(parse_date("2026-04-07 07:30:00").is_none());
        assert!(parse_date("2026-04-07T07:30:00Z").is_none());
        assert!(parse_date("2026-02-30 07:30:00 +0000").is_none());
    }

    #[test]
    fn lines_are_counted_as_consumed() {
        let doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE HealthData [\n<!ELEMENT HealthData (Record*)>\n]>\n<HealthData>\n <Record type=\"a\"/>\n</HealthData>\n";
        let mut s = Scan::new(doc.as_bytes(), &Limits::default());
        let mut seen = Vec::new();
        loop {
            match s.next().unwrap().0 {
                Item::Open { start, depth, .. } => seen.push((name(&start).to_owned(), depth)),
                Item::Close { .. } | Item::Other => {}
                Item::End(open) => {
                    assert!(open.is_none());
                    break;
                }
            }
        }
        assert_eq!(seen, [("HealthData".into(), 1), ("Record".into(), 2)]);
        let lol = "<!DOCTYPE HealthData [<!ENTITY a 'aaaa'>]><HealthData>&a;</HealthData>";
        let mut s = Scan::new(lol.as_bytes(), &Limits::default());
        assert!(matches!(s.next(), Err(DecodeError::Xml(_))));
    }
}
