//! The FIT container: file headers, chained files and CRCs, checked on the
//! raw bytes before fitparser sees them.
//!
//! fitparser slices its input by the header-size byte without a length check
//! (a 14-byte file panics) and turns trailing bytes after a complete file into
//! an error that loses every record. So the frame is mapped here first: only
//! bytes that belong to a well-formed header chain are handed on, and the
//! CRCs are verified here so that fitparser can run with its checks off and
//! keep what precedes the damage.

use crate::decode::DecodeError;

const FORMAT: &str = "FIT";

/// One FIT file inside the input (a chained FIT holds several back to back).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Segment {
    /// Offset of the first data message (header end).
    pub data_start: usize,
    /// Offset where the header says the data ends and the 2-byte file CRC begins.
    pub data_end: usize,
}

/// The input's header chain, with what was wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Frame {
    pub segments: Vec<Segment>,
    /// Bytes fitparser may read: up to the last segment's CRC (or the end of a short file).
    pub limit: usize,
    /// Set when the last segment's data runs past the end of the input.
    pub short_by_bytes: Option<usize>,
    /// Non-fatal findings: CRC mismatches, ignored trailing bytes.
    pub warnings: Vec<String>,
}

struct Header {
    size: usize,
    data_size: usize,
    crc: Option<u16>,
}

/// Why the bytes at an offset are not a FIT header.
fn parse_header(bytes: &[u8]) -> Result<Header, String> {
    if bytes.len() < 12 {
        return Err(format!(
            "{} bytes cannot hold a FIT header (12 or 14 bytes)",
            bytes.len()
        ));
    }
    let size = usize::from(bytes[0]);
    if size != 12 && size != 14 {
        return Err(format!("header size byte is {size}, expected 12 or 14"));
    }
    if size > bytes.len() {
        return Err(format!(
            "header size {size} exceeds the {} bytes present",
            bytes.len()
        ));
    }
    if &bytes[8..12] != b".FIT" {
        return Err("no \".FIT\" signature at bytes 8-11".into());
    }
    let data_size = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    let crc = (size == 14).then(|| u16::from_le_bytes([bytes[12], bytes[13]]));
    Ok(Header {
        size,
        data_size,
        crc,
    })
}

/// Maps the header chain. Fails only when the very first header is unusable.
pub(super) fn scan(bytes: &[u8]) -> Result<Frame, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let corrupt = |detail: String| DecodeError::Corrupt {
        format: FORMAT,
        detail,
    };
    let mut segments = Vec::new();
    let mut warnings = Vec::new();
    let mut short_by_bytes = None;
    let mut offset = 0;
    let limit = loop {
        let header = match parse_header(&bytes[offset..]) {
            Ok(h) => h,
            Err(why) if segments.is_empty() => return Err(corrupt(why)),
            Err(_) => {
                warnings.push(format!(
                    "{} trailing bytes after the FIT data ignored (not a chained FIT header)",
                    bytes.len() - offset
                ));
                break offset;
            }
        };
        let n = segments.len() + 1;
        let data_start = offset + header.size;
        let data_end = data_start.saturating_add(header.data_size);
        if let Some(stored) = header.crc.filter(|c| *c != 0) {
            let computed = crc16(&bytes[offset..offset + 12]);
            if stored != computed {
                warnings.push(format!(
                    "header CRC mismatch in FIT file {n} (stored {stored:#06x}, computed {computed:#06x})"
                ));
            }
        }
        segments.push(Segment {
            data_start,
            data_end,
        });
        if data_end > bytes.len() {
            short_by_bytes = Some(data_end - bytes.len());
            break bytes.len();
        }
        if data_end + 2 > bytes.len() {
            warnings.push(format!("file CRC missing after FIT file {n}"));
            break bytes.len();
        }
        let stored = u16::from_le_bytes([bytes[data_end], bytes[data_end + 1]]);
        let computed = crc16(&bytes[offset..data_end]);
        if stored != computed {
            warnings.push(format!(
                "file CRC mismatch in FIT file {n} (stored {stored:#06x}, computed {computed:#06x}); data kept"
            ));
        }
        offset = data_end + 2;
        if offset == bytes.len() {
            break offset;
        }
    };
    Ok(Frame {
        segments,
        limit,
        short_by_bytes,
        warnings,
    })
}

/// The FIT CRC-16: CRC-16/ARC (reflected polynomial 0xA001, initial 0), the
/// FIT protocol document's nibble algorithm computed eight bytes at a time
/// ("slice-by-8"): the CRC pass is the floor of every FIT decode.
pub fn crc16(bytes: &[u8]) -> u16 {
    let mut crc = 0u16;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let lo = crc ^ u16::from_le_bytes([c[0], c[1]]);
        crc = CRC_TABLES[7][usize::from(lo & 0xFF)]
            ^ CRC_TABLES[6][usize::from(lo >> 8)]
            ^ CRC_TABLES[5][usize::from(c[2])]
            ^ CRC_TABLES[4][usize::from(c[3])]
            ^ CRC_TABLES[3][usize::from(c[4])]
            ^ CRC_TABLES[2][usize::from(c[5])]
            ^ CRC_TABLES[1][usize::from(c[6])]
            ^ CRC_TABLES[0][usize::from(c[7])];
    }
    chunks.remainder().iter().fold(crc, |crc, &b| {
        (crc >> 8) ^ CRC_TABLES[0][usize::from((crc ^ u16::from(b)) & 0xFF)]
    })
}

/// `CRC_TABLES[0]` is the byte table; `CRC_TABLES[k][i]` is the CRC of byte
/// `i` followed by `k` zero bytes.
const CRC_TABLES: [[u16; 256]; 8] = {
    let mut t = [[0u16; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u16;
        let mut bit = 0;
        while bit < 8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xA001
            } else {
                c >> 1
            };
            bit += 1;
        }
        t[0][i] = c;
        i += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = t[k - 1][i];
            t[k][i] = (prev >> 8) ^ t[0][(prev & 0xFF) as usize];
            i += 1;
        }
        k += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    /// A 14-byte header with a correct header CRC, followed by `data` and its file CRC.
    fn file(data: &[u8]) -> Vec<u8> {
        let mut b = vec![14, 0x10, 0x08, 0x08];
        b.extend((data.len() as u32).to_le_bytes());
        b.extend(b".FIT");
        let hcrc = crc16(&b);
        b.extend(hcrc.to_le_bytes());
        b.extend(data);
        let fcrc = crc16(&b);
        b.extend(fcrc.to_le_bytes());
        b
    }

    #[test]
    fn slice_by_8_equals_the_nibble_algorithm_of_the_fit_document() {
        const T: [u16; 16] = [
            0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
            0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
        ];
        let nibbles = |bytes: &[u8]| {
            bytes.iter().fold(0u16, |mut crc, &byte| {
                for nibble in [byte & 0x0F, byte >> 4] {
                    let tmp = T[usize::from(crc & 0x0F)];
                    crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ T[usize::from(nibble)];
                }
                crc
            })
        };
        let data: Vec<u8> = (0u32..1000).map(|i| (i * 7919 % 251) as u8).collect();
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 999, 1000] {
            assert_eq!(crc16(&data[..len]), nibbles(&data[..len]), "length {len}");
        }
    }

    #[test]
    fn crc_of_message_plus_its_crc_is_zero() {
        let data = b"123456789";
        let crc = crc16(data);
        // CRC-16/ARC check value for "123456789".
        assert_eq!(crc, 0xBB3D);
        let mut with = data.to_vec();
        with.extend(crc.to_le_bytes());
        assert_eq!(crc16(&with), 0);
    }

    #[test]
    fn header_problems_are_corrupt_with_reason() {
        assert_eq!(scan(&[]), Err(DecodeError::Empty));
        let e = scan(&[14; 11]).unwrap_err();
        assert!(e.to_string().contains("11 bytes cannot hold"), "{e}");
        let mut bad = file(&[1, 2, 3]);
        bad[0] = 0x80;
        assert!(
            scan(&bad)
                .unwrap_err()
                .to_string()
                .contains("header size byte is 128")
        );
        let mut sig = file(&[1, 2, 3]);
        sig[9] = b'X';
        assert!(scan(&sig).unwrap_err().to_string().contains(".FIT"));
    }

    #[test]
    fn chained_files_trailing_junk_and_crc() {
        let one = file(&[1, 2, 3]);
        let mut two = one.clone();
        two.extend(file(&[4, 5]));
        let f = scan(&two).unwrap();
        assert_eq!(f.segments.len(), 2);
        assert_eq!(f.limit, two.len());
        assert!(f.warnings.is_empty(), "{:?}", f.warnings);

        let mut junk = one.clone();
        junk.extend([0, 0]);
        let f = scan(&junk).unwrap();
        assert_eq!(f.limit, one.len());
        assert_eq!(
            f.warnings,
            vec!["2 trailing bytes after the FIT data ignored (not a chained FIT header)"]
        );

        let mut flipped = one.clone();
        *flipped.last_mut().unwrap() ^= 0xFF;
        let f = scan(&flipped).unwrap();
        assert!(
            f.warnings[0].starts_with("file CRC mismatch in FIT file 1"),
            "{:?}",
            f.warnings
        );

        let short = &one[..one.len() - 3];
        let f = scan(short).unwrap();
        assert_eq!(f.short_by_bytes, Some(1));
        assert_eq!(f.limit, short.len());
    }
}
