//! Decides what a file is from its bytes, never from its name.
//!
//! Exports are full of mislabeled files (a FIT called `.gpx`, a TCX called
//! `.gpx`, gzip without `.gz`), so the name is only used later for a warning.
//! Binary formats are recognised by their magic numbers; XML by the local name
//! of its root element, found by skipping the prolog (BOM, whitespace,
//! comments, processing instructions, DOCTYPE) without parsing the document.

use crate::activity::Format;

/// What the content of one file or archive member is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sniffed {
    Fit,
    Gpx,
    Tcx,
    /// Apple Health `export.xml` (root `<HealthData>`).
    AppleHealth,
    /// A Polar Flow `training-session-*.json` (a JSON object with `exercises`).
    PolarJson,
    Gzip,
    Zip,
    /// Not something heavylegs reads; the text says why.
    Unknown(String),
}

impl Sniffed {
    /// The activity format to decode with, for the three decodable kinds.
    pub fn format(&self) -> Option<Format> {
        match self {
            Sniffed::Fit => Some(Format::Fit),
            Sniffed::Gpx => Some(Format::Gpx),
            Sniffed::Tcx => Some(Format::Tcx),
            Sniffed::AppleHealth => Some(Format::AppleHealth),
            Sniffed::PolarJson => Some(Format::PolarFlow),
            Sniffed::Gzip | Sniffed::Zip | Sniffed::Unknown(_) => None,
        }
    }

    /// Containers hold other files and are unpacked before decoding.
    pub fn is_container(&self) -> bool {
        matches!(self, Sniffed::Gzip | Sniffed::Zip)
    }
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZIP_LOCAL_HEADER: [u8; 4] = *b"PK\x03\x04";
/// An archive with no members starts directly with its end-of-central-directory record.
const ZIP_EMPTY: [u8; 4] = *b"PK\x05\x06";
const UTF8_BOM: [u8; 3] = [0xef, 0xbb, 0xbf];

/// Classifies `bytes` by content.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    if bytes.is_empty() {
        return Sniffed::Unknown("empty file (0 bytes)".into());
    }
    if let Some(fit) = sniff_fit(bytes) {
        return fit;
    }
    if bytes.starts_with(&GZIP_MAGIC) {
        return Sniffed::Gzip;
    }
    if is_zip(bytes) {
        return Sniffed::Zip;
    }
    if let Some(json) = sniff_json(bytes) {
        return json;
    }
    sniff_xml(bytes)
}

/// A JSON object is read only when it is a Polar Flow training session: its
/// top level holds an `exercises` array (field names: see `decode::polar`).
fn sniff_json(bytes: &[u8]) -> Option<Sniffed> {
    let body = bytes.strip_prefix(&UTF8_BOM).unwrap_or(bytes);
    let first = body.iter().position(|b| !b.is_ascii_whitespace())?;
    if body[first] != b'{' {
        return None;
    }
    Some(if find(body, b"\"exercises\"").is_some() {
        Sniffed::PolarJson
    } else {
        Sniffed::Unknown("JSON without `exercises` is not a Polar Flow training session".into())
    })
}

/// True when `prefix` (the first 4 bytes are enough) starts a zip archive.
pub fn is_zip(prefix: &[u8]) -> bool {
    prefix.starts_with(&ZIP_LOCAL_HEADER) || prefix.starts_with(&ZIP_EMPTY)
}

/// A FIT file header is 12 or 14 bytes with `.FIT` at offset 8. The
/// signature with another header size is a damaged header, said so.
fn sniff_fit(bytes: &[u8]) -> Option<Sniffed> {
    if bytes.get(8..12) != Some(b".FIT".as_slice()) {
        return None;
    }
    match bytes[0] {
        12 | 14 => Some(Sniffed::Fit),
        n => Some(Sniffed::Unknown(format!(
            "FIT signature with an invalid header size of {n} bytes (12 or 14 expected)"
        ))),
    }
}

fn sniff_xml(bytes: &[u8]) -> Sniffed {
    if bytes.starts_with(&[0xfe, 0xff]) || bytes.starts_with(&[0xff, 0xfe]) {
        return Sniffed::Unknown("UTF-16 text; only UTF-8 XML is read".into());
    }
    let body = bytes.strip_prefix(&UTF8_BOM).unwrap_or(bytes);
    match root_element(body) {
        Ok(name) => {
            let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
            match local {
                b"gpx" => Sniffed::Gpx,
                b"TrainingCenterDatabase" => Sniffed::Tcx,
                b"HealthData" => Sniffed::AppleHealth,
                _ => Sniffed::Unknown(format!(
                    "XML root <{}> is neither GPX, TCX nor Apple Health",
                    String::from_utf8_lossy(name)
                )),
            }
        }
        Err(reason) => Sniffed::Unknown(reason),
    }
}

/// Returns the qualified name of the first element, skipping the prolog.
fn root_element(body: &[u8]) -> Result<&[u8], String> {
    let mut i = 0;
    loop {
        while body.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        let rest = &body[i.min(body.len())..];
        if rest.is_empty() {
            return Err(if i == 0 {
                "empty file (0 bytes)".into()
            } else {
                "no XML element found (only whitespace and declarations)".into()
            });
        }
        if rest[0] != b'<' {
            return Err(not_recognised(body));
        }
        let skip = if rest.starts_with(b"<?") {
            find(rest, b"?>").map(|end| end + 2)
        } else if rest.starts_with(b"<!--") {
            find(rest, b"-->").map(|end| end + 3)
        } else if rest.starts_with(b"<!DOCTYPE") || rest.starts_with(b"<!doctype") {
            doctype_end(rest)
        } else if rest.starts_with(b"<!") {
            return Err(not_recognised(body));
        } else {
            let name_len = rest[1..]
                .iter()
                .position(|&b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'))
                .unwrap_or(rest.len() - 1);
            let name = &rest[1..1 + name_len];
            let starts_like_a_name = name
                .first()
                .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_' || b >= 0x80);
            if !starts_like_a_name {
                return Err(not_recognised(body));
            }
            return Ok(name);
        };
        match skip {
            Some(n) => i += n,
            None => return Err("XML prolog never ends (truncated before the root element)".into()),
        }
    }
}

/// End of `<!DOCTYPE ...>`, allowing an internal subset in brackets.
fn doctype_end(rest: &[u8]) -> Option<usize> {
    let mut in_subset = false;
    for (i, &b) in rest.iter().enumerate() {
        match b {
            b'[' => in_subset = true,
            b']' => in_subset = false,
            b'>' if !in_subset => return Some(i + 1),
            _ => {}
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn not_recognised(bytes: &[u8]) -> String {
    let head: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!(
        "not a FIT, GPX, TCX, gzip or zip file (starts with bytes {})",
        head.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_prolog_is_skipped() {
        let doc = b"\xef\xbb\xbf \n<?xml version=\"1.0\"?>\n<!-- a <gpx> in a comment -->\
            <!DOCTYPE x [<!ENTITY e \"v\">]>\n<TrainingCenterDatabase xmlns=\"x\">";
        assert_eq!(sniff(doc), Sniffed::Tcx);
        assert_eq!(sniff(b"<gpx:gpx xmlns:gpx='u'/>"), Sniffed::Gpx);
        assert_eq!(sniff(b"<gpx>"), Sniffed::Gpx);
    }

    #[test]
    fn other_roots_and_garbage_say_why() {
        assert_eq!(
            sniff(b"<?xml version='1.0'?><kml>"),
            Sniffed::Unknown("XML root <kml> is neither GPX, TCX nor Apple Health".into())
        );
        let apple =
            b"<?xml version=\"1.0\"?>\n<!DOCTYPE HealthData [\n<!ELEMENT HealthData (Record*)>\n\
            <!ATTLIST HealthData locale CDATA #REQUIRED>\n]>\n<HealthData locale=\"en_US\">";
        assert_eq!(sniff(apple), Sniffed::AppleHealth);
        assert_eq!(
            sniff(b" {\"exportVersion\": \"1.6\", \"exercises\": []}"),
            Sniffed::PolarJson
        );
        assert!(matches!(sniff(b"{\"a\": 1}"), Sniffed::Unknown(_)));
        assert_eq!(sniff(b""), Sniffed::Unknown("empty file (0 bytes)".into()));
        assert_eq!(
            sniff(b"<?xml version='1.0'"),
            Sniffed::Unknown("XML prolog never ends (truncated before the root element)".into())
        );
        assert_eq!(
            sniff(b"MZ\x90\x00"),
            Sniffed::Unknown(
                "not a FIT, GPX, TCX, gzip or zip file (starts with bytes 4d 5a 90 00)".into()
            )
        );
    }

    #[test]
    fn magic_numbers() {
        let mut fit = [0u8; 14];
        fit[0] = 14;
        fit[8..12].copy_from_slice(b".FIT");
        assert_eq!(sniff(&fit), Sniffed::Fit);
        fit[0] = 13;
        assert!(matches!(sniff(&fit), Sniffed::Unknown(r) if r.contains("header size of 13")));
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0]), Sniffed::Gzip);
        assert_eq!(sniff(b"PK\x03\x04rest"), Sniffed::Zip);
        assert_eq!(sniff(b"PK\x05\x06\0\0"), Sniffed::Zip);
    }
}
