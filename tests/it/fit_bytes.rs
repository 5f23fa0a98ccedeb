//! FIT files built byte by byte (FIT protocol: 14-byte header, records,
//! CRC-16), for hostile inputs; shared with the allocation tests (tests/alloc).

/// The FIT CRC-16 (polynomial 0xA001), written out from the FIT protocol document.
pub fn fit_crc(bytes: &[u8]) -> u16 {
    const T: [u16; 16] = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
        0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ];
    bytes.iter().fold(0u16, |mut crc, &b| {
        for nibble in [b & 0x0F, b >> 4] {
            let tmp = T[usize::from(crc & 0x0F)];
            crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ T[usize::from(nibble)];
        }
        crc
    })
}

/// A 14-byte header claiming `data_size` bytes, with its header CRC.
pub fn fit_header(data_size: u32) -> Vec<u8> {
    let mut h = vec![14, 0x20, 0x54, 0x08]; // header size, protocol 2.0, profile 21.32
    h.extend_from_slice(&data_size.to_le_bytes());
    h.extend_from_slice(b".FIT");
    let crc = fit_crc(&h);
    h.extend_from_slice(&crc.to_le_bytes());
    h
}

/// A FIT file with `n` definition messages of zero fields (6 bytes each) and nothing else.
pub fn definition_flood(n: usize) -> Vec<u8> {
    let data_size = u32::try_from(6 * n).expect("fits a FIT header");
    let mut f = fit_header(data_size);
    f.reserve(6 * n + 2);
    for i in 0..n {
        // Definition header for local type i % 16; reserved, little-endian,
        // global message 20 (record), no fields.
        f.extend_from_slice(&[0x40 | (i % 16) as u8, 0, 0, 20, 0, 0]);
    }
    let crc = fit_crc(&f);
    f.extend_from_slice(&crc.to_le_bytes());
    f
}
