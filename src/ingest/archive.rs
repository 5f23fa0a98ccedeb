//! Unpacks gzip streams and zip archives (nested) into [`Leaf`]s, under the
//! configured [`Limits`].
//!
//! Memory stays bounded by construction: a zip on disk is read through
//! positional reads (never loaded whole), each member is inflated on its own
//! into at most `max_decompressed_bytes`, and only a member that is itself an
//! archive is kept while its own members are read. Every container counts as
//! one nesting level, so `export.zip!a/1.fit.gz` sits at depth 2.
//!
//! Anything that goes wrong becomes a rejected [`Record`] for that path; the
//! rest of the archive and the batch carry on.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read, Seek, SeekFrom};
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::read::MultiGzDecoder;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use zip::ZipArchive;

use super::discover::is_ignored_name;
use super::sniff::is_zip;
use super::{Leaf, Record};
use crate::decode::DecodeError;
use crate::limits::Limits;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Below this output size a high compression ratio is harmless (a small
/// all-zero file compresses 1000:1), so the ratio limit is not applied.
const RATIO_FLOOR_BYTES: u64 = 1 << 20;

/// Largest buffer reserved up front from a size an archive header declares
/// (headers can lie; the real size is enforced while reading).
const MAX_PREALLOC_BYTES: u64 = 8 << 20;

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Byte counts as the limits are usually written (`256 MiB`).
pub fn human_bytes(n: u64) -> String {
    const KIB: u64 = 1 << 10;
    const MIB: u64 = 1 << 20;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

/// Inflates a whole gzip input (concatenated members included), checking
/// each member's CRC32 and length trailer, within the size and ratio limits.
pub fn inflate_gzip(bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, DecodeError> {
    read_limited(MultiGzDecoder::new(bytes), bytes.len() as u64, 0, limits).map_err(|e| match e {
        ReadError::Limit(msg) => DecodeError::Limit(msg),
        ReadError::Io(e) => gzip_error(&e),
    })
}

fn gzip_error(e: &io::Error) -> DecodeError {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        DecodeError::Truncated {
            format: "gzip",
            detail: "stream ends before its end marker and CRC32 trailer".into(),
        }
    } else if e.to_string().contains("checksum") {
        DecodeError::Corrupt {
            format: "gzip",
            detail: "CRC32 trailer does not match the inflated data".into(),
        }
    } else {
        DecodeError::Corrupt {
            format: "gzip",
            detail: e.to_string(),
        }
    }
}

enum ReadError {
    Limit(String),
    Io(io::Error),
}

/// Reads `r` to its end (so checksums at EOF get verified), refusing output
/// above `max_decompressed_bytes` or above `max_compression_ratio` times
/// `compressed_bytes`.
fn read_limited<R: Read>(
    r: R,
    compressed_bytes: u64,
    declared_bytes: u64,
    limits: &Limits,
) -> Result<Vec<u8>, ReadError> {
    let max = limits.max_decompressed_bytes;
    let ratio_cap = compressed_bytes
        .saturating_mul(limits.max_compression_ratio)
        .max(RATIO_FLOOR_BYTES);
    let cap = max.min(ratio_cap);
    let prealloc = declared_bytes.min(cap).min(MAX_PREALLOC_BYTES);
    let mut out = Vec::with_capacity(usize::try_from(prealloc).unwrap_or(0));
    let n = r
        .take(cap.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(ReadError::Io)?;
    if n as u64 > cap {
        return Err(ReadError::Limit(if cap == max {
            format!("decompressed size over {}", human_bytes(max))
        } else {
            format!("compression ratio over {}:1", limits.max_compression_ratio)
        }));
    }
    Ok(out)
}

/// A file read through positional reads: clones share the handle but keep
/// their own position, so parallel tasks read different zip members of one
/// archive without reopening it or loading it.
#[derive(Clone)]
struct DiskReader<'c> {
    file: Arc<File>,
    pos: u64,
    len: u64,
    bytes_read: &'c AtomicU64,
}

impl Read for DiskReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = read_at(&self.file, buf, self.pos)?;
        self.pos += n as u64;
        self.bytes_read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl Seek for DiskReader<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        let target = target.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            )
        })?;
        self.pos = target;
        Ok(target)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

/// Shared tallies of one walk, updated from parallel tasks.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub leaves: AtomicU64,
    pub ignored: AtomicU64,
    pub bytes_read: AtomicU64,
}

/// One result with the leaf path and position it sorts by.
pub(crate) struct Keyed<T> {
    pub path: String,
    pub n: usize,
    pub item: T,
}

/// Expands one input file into leaves and hands each to `per_leaf`.
pub(crate) struct Expander<'a, T, F> {
    limits: &'a Limits,
    per_leaf: &'a F,
    counters: &'a Counters,
    _out: PhantomData<fn() -> T>,
}

impl<'a, T, F> Expander<'a, T, F>
where
    T: From<Record> + Send,
    F: Fn(&Leaf) -> Vec<T> + Sync,
{
    pub fn new(limits: &'a Limits, per_leaf: &'a F, counters: &'a Counters) -> Self {
        Expander {
            limits,
            per_leaf,
            counters,
            _out: PhantomData,
        }
    }

    /// A result for a path that produced no leaf (unreadable, damaged, over a limit).
    pub fn reject(&self, path: String, sha256: &str, reason: String) -> Vec<Keyed<T>> {
        let item = T::from(Record::rejected(path.clone(), sha256.to_owned(), reason));
        vec![Keyed { path, n: 0, item }]
    }

    /// Reads one file from disk: a zip is opened in place, anything else is
    /// read whole (up to `max_file_bytes`) and expanded in memory.
    pub fn file(&self, path: &Path) -> Vec<Keyed<T>> {
        let name = path.to_string_lossy().into_owned();
        let opened = File::open(path).and_then(|f| {
            let len = f.metadata()?.len();
            Ok((f, len))
        });
        let (mut file, len) = match opened {
            Ok(x) => x,
            Err(e) => return self.reject(name, "", format!("cannot read: {e}")),
        };
        let mut magic = [0u8; 4];
        let magic_len = match read_prefix(&mut file, &mut magic) {
            Ok(n) => n,
            Err(e) => return self.reject(name, "", format!("cannot read: {e}")),
        };
        self.counters
            .bytes_read
            .fetch_add(magic_len as u64, Ordering::Relaxed);
        if is_zip(&magic[..magic_len]) {
            if self.limits.max_archive_depth < 1 {
                return self.reject(name, "", self.depth_reason());
            }
            let reader = DiskReader {
                file: Arc::new(file),
                pos: 0,
                len,
                bytes_read: &self.counters.bytes_read,
            };
            return match ZipArchive::new(reader) {
                Ok(archive) => self.zip(&name, &archive, 1),
                Err(e) => self.reject(name, "", format!("corrupt zip: {e}")),
            };
        }
        let max = self.limits.max_file_bytes;
        if len > max && starts_apple_export(&file) {
            return self.stream_file(name, path, len);
        }
        if len > max {
            let reason = DecodeError::Limit(format!("file size over {}", human_bytes(max)));
            return self.reject(name, "", reason.to_string());
        }
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        bytes.extend_from_slice(&magic[..magic_len]);
        let rest = (&mut file)
            .take(max.saturating_add(1))
            .read_to_end(&mut bytes);
        if let Err(e) = rest {
            return self.reject(name, "", format!("cannot read: {e}"));
        }
        self.counters
            .bytes_read
            .fetch_add((bytes.len() - magic_len) as u64, Ordering::Relaxed);
        if bytes.len() as u64 > max {
            let reason = DecodeError::Limit(format!("file size over {}", human_bytes(max)));
            return self.reject(name, "", reason.to_string());
        }
        let sha = sha256_hex(&bytes);
        self.bytes(name, &bytes, &sha, 0)
    }

    fn depth_reason(&self) -> String {
        DecodeError::Limit(format!(
            "archive nesting deeper than {} levels",
            self.limits.max_archive_depth
        ))
        .to_string()
    }

    /// Expands in-memory content found at `depth` containers deep. `sha256`
    /// stays that of the bytes as stored, through any gzip layers.
    fn bytes(&self, path: String, bytes: &[u8], sha256: &str, depth: u32) -> Vec<Keyed<T>> {
        let is_gzip = bytes.starts_with(&GZIP_MAGIC);
        if !is_gzip && !is_zip(bytes) {
            return self.leaf(&Leaf {
                path,
                bytes,
                sha256: sha256.to_owned(),
                stream: None,
            });
        }
        let depth = depth + 1;
        if depth > self.limits.max_archive_depth {
            return self.reject(path, sha256, self.depth_reason());
        }
        if is_gzip {
            match inflate_gzip(bytes, self.limits) {
                Ok(inner) => self.bytes(path, &inner, sha256, depth),
                Err(e) => self.reject(path, sha256, e.to_string()),
            }
        } else {
            match ZipArchive::new(Cursor::new(bytes)) {
                Ok(archive) => self.zip(&path, &archive, depth),
                Err(e) => self.reject(path, sha256, format!("corrupt zip: {e}")),
            }
        }
    }

    /// Members are read in parallel, each from its own clone of the archive.
    fn zip<R>(&self, zip_path: &str, archive: &ZipArchive<R>, depth: u32) -> Vec<Keyed<T>>
    where
        R: Read + Seek + Clone + Send + Sync,
    {
        let total = archive.len();
        let readable = total.min(usize::try_from(self.limits.max_archive_members).unwrap_or(total));
        let mut out: Vec<Keyed<T>> = (0..readable)
            .into_par_iter()
            .flat_map_iter(|i| self.member(zip_path, archive, i, depth))
            .collect();
        if total > readable {
            let reason = DecodeError::Limit(format!(
                "archive has {total} members, only the first {readable} were read"
            ));
            out.extend(self.reject(zip_path.to_owned(), "", reason.to_string()));
        }
        out
    }

    fn member<R>(
        &self,
        zip_path: &str,
        archive: &ZipArchive<R>,
        i: usize,
        depth: u32,
    ) -> Vec<Keyed<T>>
    where
        R: Read + Seek + Clone + Send + Sync,
    {
        let Some(name) = archive.name_for_index(i) else {
            return Vec::new();
        };
        if name.ends_with('/') {
            return Vec::new();
        }
        if is_ignored_name(name) {
            self.counters.ignored.fetch_add(1, Ordering::Relaxed);
            return Vec::new();
        }
        let path = format!("{zip_path}!{name}");
        let mut archive = archive.clone();
        let mut member = match archive.by_index(i) {
            Ok(m) => m,
            Err(e) => return self.reject(path, "", format!("unreadable zip member: {e}")),
        };
        if member.is_symlink() {
            self.counters.ignored.fetch_add(1, Ordering::Relaxed);
            return Vec::new();
        }
        let declared = member.size();
        let max = self.limits.max_decompressed_bytes;
        if declared > max && name.ends_with("export.xml") {
            drop(member);
            return self.stream_member(path, &archive, i);
        }
        if declared > max {
            let reason = DecodeError::Limit(format!("decompressed size over {}", human_bytes(max)));
            return self.reject(path, "", reason.to_string());
        }
        let compressed = member.compressed_size();
        let bytes = match read_limited(&mut member, compressed, declared, self.limits) {
            Ok(b) => b,
            Err(ReadError::Limit(msg)) => {
                return self.reject(path, "", DecodeError::Limit(msg).to_string());
            }
            Err(ReadError::Io(e)) => {
                let detail = if e.to_string().contains("checksum") {
                    "member data does not match its CRC32".to_owned()
                } else {
                    format!("member unreadable: {e}")
                };
                let reason = DecodeError::Corrupt {
                    format: "zip",
                    detail,
                };
                return self.reject(path, "", reason.to_string());
            }
        };
        drop(member);
        let sha = sha256_hex(&bytes);
        self.bytes(path, &bytes, &sha, depth)
    }

    /// An Apple Health `export.xml` above the size limits, on disk: streamed
    /// by its reader (never held), hashed in one pass first.
    fn stream_file(&self, name: String, path: &Path, len: u64) -> Vec<Keyed<T>> {
        let open = || -> io::Result<Box<dyn BufRead + '_>> {
            Ok(Box::new(BufReader::with_capacity(
                STREAM_BUFFER,
                File::open(path)?,
            )))
        };
        self.stream_leaf(name, &open, len)
    }

    /// The same for an archive member: each pass inflates it afresh from the
    /// archive (its CRC32 is not checked on this path).
    fn stream_member<R>(&self, path: String, archive: &ZipArchive<R>, i: usize) -> Vec<Keyed<T>>
    where
        R: Read + Seek + Clone + Send + Sync,
    {
        let raw = archive.clone().by_index_raw(i).map(|m| {
            (
                m.data_start(),
                m.compressed_size(),
                m.size(),
                m.compression(),
            )
        });
        let (start, compressed, size, method) = match raw {
            Ok(x) => x,
            Err(e) => return self.reject(path, "", format!("unreadable zip member: {e}")),
        };
        let open = || -> io::Result<Box<dyn BufRead + '_>> {
            let mut r = archive.clone().into_inner();
            r.seek(SeekFrom::Start(start))?;
            let data = r.take(compressed);
            match method {
                zip::CompressionMethod::Stored => {
                    Ok(Box::new(BufReader::with_capacity(STREAM_BUFFER, data)))
                }
                zip::CompressionMethod::Deflated => Ok(Box::new(BufReader::with_capacity(
                    STREAM_BUFFER,
                    flate2::read::DeflateDecoder::new(data),
                ))),
                other => Err(io::Error::other(format!(
                    "compression method {other} is not streamed"
                ))),
            }
        };
        self.stream_leaf(path, &open, size)
    }

    fn stream_leaf<'o>(
        &self,
        path: String,
        open: &'o super::OpenStream<'o>,
        len: u64,
    ) -> Vec<Keyed<T>> {
        let hashed = open().and_then(|mut r| {
            let mut h = Sha256::new();
            let mut buf = vec![0u8; STREAM_BUFFER];
            loop {
                let n = r.read(&mut buf)?;
                if n == 0 {
                    return Ok(format!("{:x}", h.finalize()));
                }
                h.update(&buf[..n]);
            }
        });
        let sha = match hashed {
            Ok(sha) => sha,
            Err(e) => return self.reject(path, "", format!("cannot read: {e}")),
        };
        self.counters.bytes_read.fetch_add(len, Ordering::Relaxed);
        self.leaf(&Leaf {
            path,
            bytes: &[],
            sha256: sha,
            stream: Some(open),
        })
    }

    /// Hands a leaf to the caller's closure; a panic there rejects this leaf only.
    fn leaf(&self, leaf: &Leaf) -> Vec<Keyed<T>> {
        let n = self.counters.leaves.fetch_add(1, Ordering::Relaxed);
        if n % super::heap::TRIM_EVERY == super::heap::TRIM_EVERY - 1 {
            super::heap::trim();
        }
        match catch_unwind(AssertUnwindSafe(|| (self.per_leaf)(leaf))) {
            Ok(items) => items
                .into_iter()
                .enumerate()
                .map(|(n, item)| Keyed {
                    path: leaf.path.clone(),
                    n,
                    item,
                })
                .collect(),
            Err(payload) => {
                let msg = crate::decode::panic_message(payload.as_ref());
                let reason = DecodeError::Panic(msg).to_string();
                self.reject(leaf.path.clone(), &leaf.sha256, reason)
            }
        }
    }
}

/// Read buffer of a streamed leaf.
const STREAM_BUFFER: usize = 1 << 20;

/// How much of a large file is looked at to recognise an Apple Health export
/// (its DTD is about 10 KB).
const APPLE_PREFIX: usize = 64 << 10;

/// True when the file's first bytes are an XML prolog with root `<HealthData>`.
fn starts_apple_export(file: &File) -> bool {
    let mut head = vec![0u8; APPLE_PREFIX];
    let mut filled = 0;
    while filled < head.len() {
        match read_at(file, &mut head[filled..], filled as u64) {
            Ok(0) | Err(_) => break,
            Ok(n) => filled += n,
        }
    }
    super::sniff::sniff(&head[..filled]) == super::sniff::Sniffed::AppleHealth
}

/// Fills `buf` as far as the file allows (short files give fewer bytes).
fn read_prefix(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn gzip_round_trip_and_damage() {
        let limits = Limits::default();
        let data = b"<gpx></gpx>".repeat(100);
        let good = gz(&data);
        assert_eq!(inflate_gzip(&good, &limits).unwrap(), data);

        let truncated = &good[..good.len() / 2];
        let err = inflate_gzip(truncated, &limits).unwrap_err();
        assert!(
            matches!(err, DecodeError::Truncated { format: "gzip", .. }),
            "{err}"
        );

        let mut bad_crc = good.clone();
        let crc_at = bad_crc.len() - 8;
        bad_crc[crc_at] ^= 0xff;
        let err = inflate_gzip(&bad_crc, &limits).unwrap_err();
        assert_eq!(
            err.to_string(),
            "corrupt gzip: CRC32 trailer does not match the inflated data"
        );
    }

    #[test]
    fn size_and_ratio_limits() {
        let zeros = gz(&vec![0u8; 4 << 20]);
        let small = Limits {
            max_decompressed_bytes: 1 << 20,
            ..Limits::default()
        };
        assert_eq!(
            inflate_gzip(&zeros, &small).unwrap_err().to_string(),
            "limit exceeded: decompressed size over 1 MiB"
        );
        let ratio = Limits {
            max_compression_ratio: 100,
            ..Limits::default()
        };
        assert_eq!(
            inflate_gzip(&zeros, &ratio).unwrap_err().to_string(),
            "limit exceeded: compression ratio over 100:1"
        );
        // Under the 1 MiB floor a high ratio is fine.
        let tiny = gz(&vec![0u8; 100_000]);
        assert_eq!(inflate_gzip(&tiny, &ratio).unwrap().len(), 100_000);
    }

    #[test]
    fn byte_counts_read_like_config() {
        assert_eq!(human_bytes(256 << 20), "256 MiB");
        assert_eq!(human_bytes(4096), "4 KiB");
        assert_eq!(human_bytes(1000), "1000 bytes");
    }
}
