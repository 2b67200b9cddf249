//! The ZIP format (PKWARE APPNOTE 6.3) as an ASiC-E container needs it.
//!
//! Writing goes through the `zip` crate ([`ZipWriter`]): entries in the
//! order given, stored or deflated, no extra fields, no data descriptors,
//! DOS times from the export clock (so the same input and clock give the
//! same bytes), UTF-8 names flagged as such.
//!
//! Reading is defensive: [`read_index`] parses the end record and the whole
//! central directory, and compares each entry with its local header,
//! **before** anything is decompressed. It refuses names that could escape a
//! folder (absolute, `..`, backslashes, drive letters), duplicate names (also
//! ones that differ only in case or in Unicode normalisation, `año` written
//! precomposed or as `a` + `n` + combining tilde), encryption, methods other
//! than stored and deflate, more entries or bytes than [`Limits`] allow,
//! compression ratios typical of zip bombs, entries whose data overlap (the
//! "overlapping files" bomb), and bytes outside every entry — before the
//! first one, between two, between the last and the central directory, in
//! comments — where unsealed content could hide. [`read_entry`] then
//! inflates one entry into memory, never more than its declared size (and
//! reserving no more than it has read), and checks its CRC-32.
//!
//! The reading is by hand because the `zip` crate's reader (9.x) keeps its
//! entries in a map keyed by name: of two entries with one name the second
//! replaces the first (only `has_duplicate_names()` tells), it finds the
//! end record heuristically and accepts data prepended to the archive, and
//! it exposes neither the byte ranges between entries nor every central
//! directory record — exactly what must be checked here. ZIP64 is neither
//! written nor read (a bundle stays under 65 534 entries and 4 GiB); such
//! archives are refused with a clear message.

use std::collections::HashSet;
use std::io::{Cursor, Read};

use chrono::{Datelike, NaiveDateTime, Timelike};
use flate2::read::DeflateDecoder;
use flate2::Crc;
use unicode_normalization::UnicodeNormalization;

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
const DATA_DESCRIPTOR: u32 = 0x0807_4b50;
const LOCAL_HEADER_LEN: usize = 30;
const EOCD_LEN: usize = 22;
/// General purpose flag bits.
const FLAG_ENCRYPTED: u16 = 1;
const FLAG_DATA_DESCRIPTOR: u16 = 1 << 3;
const FLAG_STRONG_ENCRYPTION: u16 = 1 << 6;
const FLAG_UTF8: u16 = 1 << 11;
const FLAG_MASKED_HEADERS: u16 = 1 << 13;
/// What [`read_entry`] reserves before it has read anything: the declared
/// size is the file's word, not a promise.
const INITIAL_RESERVE: u64 = 1 << 20;

/// How an entry's bytes are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Stored,
    Deflated,
}

impl Method {
    fn code(self) -> u16 {
        match self {
            Method::Stored => 0,
            Method::Deflated => 8,
        }
    }
}

/// Why a ZIP is refused or an entry cannot be read. One Spanish line each,
/// naming the entry when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    #[error("no es un archivo ZIP (no se encontró el directorio central)")]
    NotZip,
    #[error("el ZIP usa ZIP64 (más de 65 535 entradas o más de 4 GiB), que no se admite")]
    Zip64,
    #[error("el ZIP está dividido en varios discos, que no se admite")]
    MultiDisk,
    #[error("el ZIP está dañado: {0}")]
    Malformed(String),
    #[error("la entrada «{name}» tiene una ruta insegura ({reason})")]
    UnsafeName { name: String, reason: &'static str },
    #[error("la entrada «{name}» está repetida en el ZIP")]
    Duplicate { name: String },
    #[error("la entrada «{name}» está cifrada; no se admiten entradas cifradas")]
    Encrypted { name: String },
    #[error("la entrada «{name}» usa el método de compresión {method}; solo se admiten sin compresión (0) y deflate (8)")]
    Method { name: String, method: u16 },
    #[error("el ZIP tiene {count} entradas; el máximo admitido es {max}")]
    TooManyEntries { count: usize, max: usize },
    #[error("la entrada «{name}» ocupa {size} bytes descomprimida; el máximo admitido es {max}")]
    EntryTooLarge { name: String, size: u64, max: u64 },
    #[error("el contenido descomprimido suma {size} bytes; el máximo admitido es {max}")]
    TotalTooLarge { size: u64, max: u64 },
    #[error("la entrada «{name}» tiene una relación de compresión de {ratio}:1 (máximo {max}:1): posible bomba ZIP")]
    Ratio { name: String, ratio: u64, max: u64 },
    #[error(
        "el ZIP descomprime {ratio} veces su tamaño comprimido (máximo {max}): posible bomba ZIP"
    )]
    TotalRatio { ratio: u64, max: u64 },
    #[error("la entrada «{name}» comparte sus datos con otra entrada: posible bomba ZIP")]
    Overlap { name: String },
    #[error("el ZIP tiene {len} bytes fuera de toda entrada en la posición {offset}: contenido oculto que el sello no cubre")]
    Hidden { offset: u64, len: u64 },
    #[error("{0} tiene un comentario; un paquete no lleva comentarios que el sello no cubre")]
    Comment(String),
    #[error("la entrada «{name}» no coincide con su cabecera local ({reason})")]
    LocalHeader { name: String, reason: &'static str },
    #[error("la entrada «{name}» no se puede descomprimir ({reason})")]
    Inflate { name: String, reason: String },
    #[error("la entrada «{name}» no tiene el tamaño declarado ({declared} bytes)")]
    SizeMismatch { name: String, declared: u64 },
    #[error("la entrada «{name}» no pasa la comprobación CRC-32: sus bytes fueron alterados")]
    Crc { name: String },
    #[error("no se puede escribir la entrada «{name}» en el ZIP: {reason}")]
    Write { name: String, reason: String },
}

/// What a reader accepts before extracting anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_entries: usize,
    /// Largest decompressed entry.
    pub max_entry_size: u64,
    /// Largest sum of decompressed entries.
    pub max_total_size: u64,
    /// Largest decompressed/compressed ratio of one entry …
    pub max_ratio: u64,
    /// … checked only for entries larger than this (tiny files compress
    /// well and harm nothing).
    pub ratio_floor: u64,
}

impl Default for Limits {
    /// Generous for a bundle of thousands of actas (a few hundred KiB each),
    /// far below what would exhaust memory or time. PDFs compress about 1.5:1
    /// and XML about 10:1; a zip bomb compresses 1 000:1 or more.
    fn default() -> Limits {
        Limits {
            max_entries: 50_000,
            max_entry_size: 256 << 20,
            max_total_size: 4 << 30,
            max_ratio: 100,
            ratio_floor: 1 << 20,
        }
    }
}

/// One entry of the central directory, checked against its local header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub method: Method,
    pub crc32: u32,
    pub compressed_size: u64,
    pub size: u64,
    /// Where its local header starts.
    pub header_offset: u64,
    /// Where its (compressed) data starts.
    pub data_offset: u64,
    /// Length of the local header's extra field.
    pub local_extra_len: u16,
    /// Where its bytes end: after the data, and its data descriptor if any.
    pub end_offset: u64,
    /// A folder entry (`META-INF/`): no data.
    pub is_dir: bool,
}

/// Builds a ZIP in memory with the `zip` crate: entries in the order
/// given, no extra fields, no data descriptors, DOS times from the export
/// clock (the same input and clock give the same bytes), `-rw-r--r--`.
pub struct ZipWriter {
    inner: ::zip::ZipWriter<Cursor<Vec<u8>>>,
    count: usize,
}

impl Default for ZipWriter {
    fn default() -> ZipWriter {
        ZipWriter::with_capacity(0)
    }
}

impl ZipWriter {
    pub fn new() -> ZipWriter {
        ZipWriter::default()
    }

    /// A writer that expects about `bytes` of output.
    pub fn with_capacity(bytes: usize) -> ZipWriter {
        ZipWriter {
            inner: ::zip::ZipWriter::new(Cursor::new(Vec::with_capacity(bytes))),
            count: 0,
        }
    }

    /// Appends one file. `name` must be a safe relative path (see [`check_name`]).
    pub fn add(
        &mut self,
        name: &str,
        data: &[u8],
        method: Method,
        modified: NaiveDateTime,
    ) -> Result<(), ZipError> {
        let prepared = prepare(name, data, method, modified)?;
        self.add_prepared(prepared)
    }

    /// Appends one file compressed beforehand with [`prepare`] (so many
    /// can be compressed at once on all cores).
    pub fn add_prepared(&mut self, entry: Prepared) -> Result<(), ZipError> {
        let fail = |reason: String| ZipError::Write {
            name: entry.name.clone(),
            reason,
        };
        // More would need ZIP64, which the reader refuses.
        if self.count >= usize::from(u16::MAX) - 1 {
            return Err(fail("el ZIP llegaría a más de 65 534 entradas".into()));
        }
        if entry.size >= u64::from(u32::MAX) || entry.compressed_size >= u64::from(u32::MAX) {
            return Err(fail("el ZIP superaría 4 GiB".into()));
        }
        self.inner
            .add_prepared_file(entry.file)
            .map_err(|e| fail(e.to_string()))?;
        self.count += 1;
        Ok(())
    }

    /// The central directory and its end record; the finished ZIP.
    pub fn finish(self) -> Result<Vec<u8>, ZipError> {
        let fail = |reason: String| ZipError::Write {
            name: "(directorio central)".into(),
            reason,
        };
        let bytes = self
            .inner
            .finish()
            .map_err(|e| fail(e.to_string()))?
            .into_inner();
        if bytes.len() as u64 >= u64::from(u32::MAX) {
            return Err(fail("el ZIP superaría 4 GiB".into()));
        }
        Ok(bytes)
    }
}

/// One entry compressed and checked, ready for [`ZipWriter::add_prepared`].
pub struct Prepared {
    name: String,
    size: u64,
    compressed_size: u64,
    file: ::zip::write::PreparedZipFile,
}

/// Checks `name` and compresses `data` (deflate at the fast level: PDFs
/// are mostly compressed streams already, they shrink about 1.2:1 at any
/// level, so a higher one costs time for nothing). Runs on any thread.
pub fn prepare(
    name: &str,
    data: &[u8],
    method: Method,
    modified: NaiveDateTime,
) -> Result<Prepared, ZipError> {
    use ::zip::write::{PreparedZipFile, SimpleFileOptions};
    check_name(name)?;
    let (method, level) = match method {
        Method::Stored => (::zip::CompressionMethod::Stored, None),
        Method::Deflated => (::zip::CompressionMethod::Deflated, Some(1)),
    };
    let options = SimpleFileOptions::default()
        .compression_method(method)
        .compression_level(level)
        .last_modified_time(dos_time(modified))
        .unix_permissions(0o644);
    let file = PreparedZipFile::from_data(name, options, data).map_err(|e| ZipError::Write {
        name: name.to_string(),
        reason: e.to_string(),
    })?;
    Ok(Prepared {
        name: name.to_string(),
        size: data.len() as u64,
        compressed_size: file.compressed_size(),
        file,
    })
}

/// Refuses a name that could write outside the folder it is extracted to,
/// or that means different files on different systems.
pub fn check_name(name: &str) -> Result<(), ZipError> {
    let unsafe_name = |reason| {
        Err(ZipError::UnsafeName {
            name: name.to_string(),
            reason,
        })
    };
    if name.is_empty() {
        return unsafe_name("nombre vacío");
    }
    if name.chars().any(|c| c.is_control()) {
        return unsafe_name("contiene caracteres de control");
    }
    if name.contains('\\') {
        return unsafe_name("contiene «\\»");
    }
    if name.starts_with('/') {
        return unsafe_name("ruta absoluta");
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        return unsafe_name("ruta absoluta con unidad de disco");
    }
    if name.contains(':') {
        // NTFS alternate data streams (`acta.pdf:oculto`).
        return unsafe_name("contiene «:»");
    }
    let body = name.strip_suffix('/').unwrap_or(name);
    for part in body.split('/') {
        match part {
            ".." => return unsafe_name("sale de la carpeta con «..»"),
            "." | "" => return unsafe_name("componente de ruta vacío o «.»"),
            _ => {}
        }
    }
    Ok(())
}

/// Parses and checks the whole central directory of `zip` against `limits`,
/// without decompressing anything. Entries come in central-directory order.
pub fn read_index(zip: &[u8], limits: &Limits) -> Result<Vec<Entry>, ZipError> {
    let eocd = find_end_record(zip)?;
    let at = |offset: usize| Reader { bytes: zip, offset };
    let mut r = at(eocd + 4);
    let disk = r.u16()?;
    let cd_disk = r.u16()?;
    let count_here = r.u16()?;
    let count = r.u16()?;
    let cd_size = r.u32()?;
    let cd_offset = r.u32()?;
    if count == u16::MAX || cd_size == u32::MAX || cd_offset == u32::MAX {
        return Err(ZipError::Zip64);
    }
    if eocd >= 20 && read_u32(zip, eocd - 20) == Some(ZIP64_LOCATOR) {
        return Err(ZipError::Zip64);
    }
    if disk != 0 || cd_disk != 0 || count_here != count {
        return Err(ZipError::MultiDisk);
    }
    let count = usize::from(count);
    if count > limits.max_entries {
        return Err(ZipError::TooManyEntries {
            count,
            max: limits.max_entries,
        });
    }
    let comment = usize::from(r.u16()?);
    if comment > 0 {
        return Err(ZipError::Comment("el ZIP".into()));
    }
    let cd_start = cd_offset as usize;
    let cd_end = cd_start
        .checked_add(cd_size as usize)
        .filter(|end| *end <= eocd)
        .ok_or_else(|| malformed("el directorio central sale del archivo"))?;
    if cd_end < eocd {
        return Err(ZipError::Hidden {
            offset: cd_end as u64,
            len: (eocd - cd_end) as u64,
        });
    }

    let mut entries = Vec::with_capacity(count);
    let mut seen: HashSet<String> = HashSet::with_capacity(count);
    let mut total: u64 = 0;
    let mut total_compressed: u64 = 0;
    let mut r = at(cd_start);
    for _ in 0..count {
        let entry = read_central_entry(&mut r, zip, cd_start, limits)?;
        if r.offset > cd_end {
            return Err(malformed(
                "el directorio central sale de su tamaño declarado",
            ));
        }
        // Same name, or the same on a case-insensitive or normalising filesystem.
        if !seen.insert(comparable_name(&entry.name)) {
            return Err(ZipError::Duplicate { name: entry.name });
        }
        total = total.saturating_add(entry.size);
        total_compressed = total_compressed.saturating_add(entry.compressed_size);
        if total > limits.max_total_size {
            return Err(ZipError::TotalTooLarge {
                size: total,
                max: limits.max_total_size,
            });
        }
        entries.push(entry);
    }
    if r.offset != cd_end {
        return Err(malformed(
            "el directorio central no ocupa el tamaño declarado",
        ));
    }
    if total > limits.ratio_floor.saturating_mul(16)
        && total / total_compressed.max(1) > limits.max_ratio
    {
        return Err(ZipError::TotalRatio {
            ratio: total / total_compressed.max(1),
            max: limits.max_ratio,
        });
    }

    // No two entries may share bytes, and no byte may lie outside them:
    // sorted by where they start, each begins where the previous ends, the
    // first at 0 and the last where the central directory begins.
    let mut spans: Vec<(u64, u64, &str)> = entries
        .iter()
        .map(|e| (e.header_offset, e.end_offset, e.name.as_str()))
        .collect();
    spans.sort_unstable();
    let mut next = 0u64;
    for (start, end, name) in spans {
        if start < next {
            return Err(ZipError::Overlap {
                name: name.to_string(),
            });
        }
        if start > next {
            return Err(ZipError::Hidden {
                offset: next,
                len: start - next,
            });
        }
        next = end;
    }
    if next < cd_start as u64 {
        return Err(ZipError::Hidden {
            offset: next,
            len: cd_start as u64 - next,
        });
    }
    Ok(entries)
}

fn read_central_entry(
    r: &mut Reader,
    zip: &[u8],
    cd_start: usize,
    limits: &Limits,
) -> Result<Entry, ZipError> {
    if r.u32()? != CENTRAL_HEADER {
        return Err(malformed(
            "una entrada del directorio central no tiene firma",
        ));
    }
    r.skip(4)?; // made by, needed
    let flags = r.u16()?;
    let method = r.u16()?;
    r.skip(4)?; // time, date
    let crc32 = r.u32()?;
    let compressed = r.u32()?;
    let size = r.u32()?;
    let name_len = usize::from(r.u16()?);
    let extra_len = usize::from(r.u16()?);
    let comment_len = usize::from(r.u16()?);
    let disk = r.u16()?;
    r.skip(6)?; // internal, external attributes
    let offset = r.u32()?;
    let raw_name = r.take(name_len)?;
    r.skip(extra_len + comment_len)?;

    let name = decode_name(raw_name, flags)?;
    if comment_len > 0 {
        return Err(ZipError::Comment(format!("la entrada «{name}»")));
    }
    if compressed == u32::MAX || size == u32::MAX || offset == u32::MAX {
        return Err(ZipError::Zip64);
    }
    if disk != 0 {
        return Err(ZipError::MultiDisk);
    }
    check_name(&name)?;
    if flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_MASKED_HEADERS) != 0 {
        return Err(ZipError::Encrypted { name });
    }
    let method = match method {
        0 => Method::Stored,
        8 => Method::Deflated,
        other => {
            return Err(ZipError::Method {
                name,
                method: other,
            })
        }
    };
    let (compressed, size) = (u64::from(compressed), u64::from(size));
    if size > limits.max_entry_size {
        return Err(ZipError::EntryTooLarge {
            name,
            size,
            max: limits.max_entry_size,
        });
    }
    match method {
        Method::Stored if compressed != size => {
            return Err(malformed_entry(
                &name,
                "sin compresión pero con tamaños distintos",
            ))
        }
        Method::Deflated if size > limits.ratio_floor => {
            let ratio = size / compressed.max(1);
            if ratio > limits.max_ratio {
                return Err(ZipError::Ratio {
                    name,
                    ratio,
                    max: limits.max_ratio,
                });
            }
        }
        _ => {}
    }
    let is_dir = name.ends_with('/');
    if is_dir && size != 0 {
        return Err(malformed_entry(&name, "una carpeta con contenido"));
    }

    // The local header must agree with the central directory.
    let header = offset as usize;
    if header
        .checked_add(LOCAL_HEADER_LEN)
        .is_none_or(|end| end > cd_start)
    {
        return Err(malformed_entry(&name, "su cabecera local sale del archivo"));
    }
    let mut l = Reader {
        bytes: zip,
        offset: header,
    };
    let local = |reason| ZipError::LocalHeader {
        name: name.clone(),
        reason,
    };
    if l.u32()? != LOCAL_HEADER {
        return Err(local("no hay cabecera local donde indica el directorio"));
    }
    l.skip(2)?;
    let local_flags = l.u16()?;
    let local_method = l.u16()?;
    l.skip(4)?;
    let local_crc = l.u32()?;
    let local_compressed = l.u32()?;
    let local_size = l.u32()?;
    let local_name_len = usize::from(l.u16()?);
    let local_extra_len = l.u16()?;
    let local_name = l.take(local_name_len)?;
    l.skip(usize::from(local_extra_len))?;
    if local_name != raw_name {
        return Err(local("otro nombre"));
    }
    if local_method != method.code() {
        return Err(local("otro método de compresión"));
    }
    if local_flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION) != 0 {
        return Err(ZipError::Encrypted { name });
    }
    let deferred = local_flags & FLAG_DATA_DESCRIPTOR != 0;
    let agrees = |value: u32, central: u32| value == central || (deferred && value == 0);
    if !agrees(local_crc, crc32)
        || !agrees(local_compressed, compressed as u32)
        || !agrees(local_size, size as u32)
    {
        return Err(local("otro CRC o tamaño"));
    }
    let data_offset = l.offset as u64;
    if data_offset + compressed > cd_start as u64 {
        return Err(malformed_entry(&name, "sus datos salen del archivo"));
    }
    let mut end_offset = data_offset + compressed;
    if deferred {
        end_offset += data_descriptor_len(zip, end_offset as usize, crc32, compressed, size)
            .ok_or_else(|| local("un descriptor de datos que no coincide"))?;
        if end_offset > cd_start as u64 {
            return Err(malformed_entry(&name, "sus datos salen del archivo"));
        }
    }
    Ok(Entry {
        name,
        method,
        crc32,
        compressed_size: compressed,
        size,
        header_offset: u64::from(offset),
        data_offset,
        local_extra_len,
        end_offset,
        is_dir,
    })
}

/// The length of the data descriptor at `at` — 16 bytes with its optional
/// signature, 12 without — when it repeats the central directory's CRC
/// and sizes.
fn data_descriptor_len(
    zip: &[u8],
    at: usize,
    crc32: u32,
    compressed: u64,
    size: u64,
) -> Option<u64> {
    let expected = (crc32, compressed as u32, size as u32);
    let values = |at: usize| {
        Some((
            read_u32(zip, at)?,
            read_u32(zip, at + 4)?,
            read_u32(zip, at + 8)?,
        ))
    };
    if read_u32(zip, at) == Some(DATA_DESCRIPTOR) && values(at + 4) == Some(expected) {
        Some(16)
    } else if values(at) == Some(expected) {
        Some(12)
    } else {
        None
    }
}

/// How names compare for duplicates: Unicode NFC, then lower case — what
/// makes two names one file on macOS, Windows or a case-folding disk.
fn comparable_name(name: &str) -> String {
    name.nfc()
        .collect::<String>()
        .to_lowercase()
        .nfc()
        .collect()
}

/// The entry's bytes, decompressed in memory: never more than its declared
/// size, and refused when the CRC-32 does not match.
pub fn read_entry(zip: &[u8], entry: &Entry) -> Result<Vec<u8>, ZipError> {
    let start = entry.data_offset as usize;
    let raw = start
        .checked_add(entry.compressed_size as usize)
        .and_then(|end| zip.get(start..end))
        .ok_or_else(|| malformed_entry(&entry.name, "sus datos salen del archivo"))?;
    let data = match entry.method {
        Method::Stored => raw.to_vec(),
        Method::Deflated => {
            let mut out = Vec::with_capacity(entry.size.min(INITIAL_RESERVE) as usize);
            DeflateDecoder::new(raw)
                .take(entry.size + 1)
                .read_to_end(&mut out)
                .map_err(|e| ZipError::Inflate {
                    name: entry.name.clone(),
                    reason: e.to_string(),
                })?;
            out
        }
    };
    if data.len() as u64 != entry.size {
        return Err(ZipError::SizeMismatch {
            name: entry.name.clone(),
            declared: entry.size,
        });
    }
    let mut crc = Crc::new();
    crc.update(&data);
    if crc.sum() != entry.crc32 {
        return Err(ZipError::Crc {
            name: entry.name.clone(),
        });
    }
    Ok(data)
}

/// The end-of-central-directory record: the last signature whose comment
/// length reaches exactly the end of the file.
fn find_end_record(zip: &[u8]) -> Result<usize, ZipError> {
    if zip.len() < EOCD_LEN {
        return Err(ZipError::NotZip);
    }
    let lowest = zip.len().saturating_sub(EOCD_LEN + usize::from(u16::MAX));
    (lowest..=zip.len() - EOCD_LEN)
        .rev()
        .find(|&at| {
            read_u32(zip, at) == Some(END_OF_CENTRAL_DIRECTORY)
                && read_u16(zip, at + 20)
                    .is_some_and(|comment| at + EOCD_LEN + usize::from(comment) == zip.len())
        })
        .ok_or(ZipError::NotZip)
}

fn decode_name(raw: &[u8], flags: u16) -> Result<String, ZipError> {
    match std::str::from_utf8(raw) {
        Ok(name) if flags & FLAG_UTF8 != 0 || name.is_ascii() => Ok(name.to_string()),
        // Without the UTF-8 flag a non-ASCII name is CP437, which would
        // print and compare differently on every system.
        _ => Err(ZipError::UnsafeName {
            name: String::from_utf8_lossy(raw).into_owned(),
            reason: "el nombre no está en UTF-8",
        }),
    }
}

fn malformed(reason: &str) -> ZipError {
    ZipError::Malformed(reason.to_string())
}

fn malformed_entry(name: &str, reason: &str) -> ZipError {
    ZipError::Malformed(format!("la entrada «{name}» es {reason}"))
}

/// MS-DOS time and date (2-second resolution), clamped to 1980–2107.
fn dos_time(at: NaiveDateTime) -> ::zip::DateTime {
    let (year, month, day) = if at.year() < 1980 {
        (1980, 1, 1)
    } else if at.year() > 2107 {
        (2107, 12, 31)
    } else {
        (at.year() as u16, at.month() as u8, at.day() as u8)
    };
    ::zip::DateTime::from_date_and_time(
        year,
        month,
        day,
        at.hour() as u8,
        at.minute() as u8,
        at.second().min(59) as u8,
    )
    .unwrap_or_default()
}

fn read_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// A cursor that reports running out of bytes as a damaged ZIP.
struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ZipError> {
        let end = self
            .offset
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| malformed("una cabecera sale del archivo"))?;
        let slice = &self.bytes[self.offset..end];
        self.offset = end;
        Ok(slice)
    }

    fn skip(&mut self, n: usize) -> Result<(), ZipError> {
        self.take(n).map(|_| ())
    }

    fn u16(&mut self) -> Result<u16, ZipError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, ZipError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 3, 15)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap()
    }

    fn zip_of(files: &[(&str, &[u8], Method)]) -> Vec<u8> {
        let mut w = ZipWriter::new();
        for (name, data, method) in files {
            w.add(name, data, *method, at()).unwrap();
        }
        w.finish().unwrap()
    }

    #[test]
    fn round_trip_stored_and_deflated() {
        let text = "Acta de instalación — ñandú ".repeat(1000);
        let zip = zip_of(&[
            (
                "mimetype",
                b"application/vnd.etsi.asic-e+zip",
                Method::Stored,
            ),
            ("META-INF/a.xml", text.as_bytes(), Method::Deflated),
            ("vacío.txt", b"", Method::Deflated),
        ]);
        let entries = read_index(&zip, &Limits::default()).unwrap();
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["mimetype", "META-INF/a.xml", "vacío.txt"]);
        assert_eq!(entries[0].header_offset, 0);
        assert_eq!(entries[0].local_extra_len, 0);
        assert_eq!(&zip[30..38], b"mimetype");
        assert_eq!(&zip[38..69], b"application/vnd.etsi.asic-e+zip");
        assert_eq!(read_entry(&zip, &entries[1]).unwrap(), text.as_bytes());
        assert!(entries[1].compressed_size < entries[1].size / 5);
        assert!(read_entry(&zip, &entries[2]).unwrap().is_empty());
    }

    #[test]
    fn same_input_same_bytes() {
        let files: [(&str, &[u8], Method); 2] = [
            ("a.pdf", b"%PDF-1.7 uno", Method::Deflated),
            ("b.pdf", b"%PDF-1.7 dos", Method::Stored),
        ];
        assert_eq!(zip_of(&files), zip_of(&files));
    }

    #[test]
    fn unsafe_names_are_refused() {
        for name in [
            "../evil.pdf",
            "a/../../evil.pdf",
            "/etc/passwd",
            "C:/Windows/evil.pdf",
            "a\\..\\evil.pdf",
            "a//b.pdf",
            "./a.pdf",
            "",
            "a\u{0}.pdf",
            "acta.pdf:oculto",
        ] {
            let err = check_name(name).unwrap_err();
            assert!(
                matches!(err, ZipError::UnsafeName { .. }),
                "{name:?}: {err:?}"
            );
        }
        for name in [
            "a.pdf",
            "META-INF/",
            "META-INF/signature.p7s",
            "año/acta..pdf",
        ] {
            check_name(name).unwrap();
        }
        let mut w = ZipWriter::new();
        assert!(w.add("../x", b"", Method::Stored, at()).is_err());
    }

    /// Rewrites the name of entry `index` (same length) in both headers.
    fn rename(zip: &mut [u8], from: &str, to: &str) {
        assert_eq!(from.len(), to.len());
        let hits: Vec<usize> = (0..zip.len() - from.len())
            .filter(|&i| &zip[i..i + from.len()] == from.as_bytes())
            .collect();
        for i in hits {
            zip[i..i + to.len()].copy_from_slice(to.as_bytes());
        }
    }

    #[test]
    fn duplicates_and_case_duplicates_are_refused() {
        let mut zip = zip_of(&[
            ("a.pdf", b"uno", Method::Stored),
            ("b.pdf", b"dos", Method::Stored),
        ]);
        rename(&mut zip, "b.pdf", "a.pdf");
        assert_eq!(
            read_index(&zip, &Limits::default()).unwrap_err(),
            ZipError::Duplicate {
                name: "a.pdf".into()
            }
        );
        let mut zip = zip_of(&[
            ("a.pdf", b"uno", Method::Stored),
            ("b.pdf", b"dos", Method::Stored),
        ]);
        rename(&mut zip, "b.pdf", "A.PDF");
        assert!(matches!(
            read_index(&zip, &Limits::default()),
            Err(ZipError::Duplicate { .. })
        ));
    }

    /// `año.pdf` precomposed and as `an` + U+0303: one file on macOS.
    #[test]
    fn names_equal_after_unicode_normalisation_are_duplicates() {
        // Both names non-ASCII (flagged UTF-8) and of the same length, so
        // the second can be renamed in place.
        let mut zip = zip_of(&[
            ("a\u{f1}o.pdf", b"uno", Method::Stored),
            ("a\u{f1}xy.pdf", b"dos", Method::Stored),
        ]);
        rename(&mut zip, "a\u{f1}xy.pdf", "an\u{303}o.pdf");
        let err = read_index(&zip, &Limits::default()).unwrap_err();
        assert!(matches!(err, ZipError::Duplicate { .. }), "{err:?}");
        assert_eq!(
            comparable_name("A\u{d1}O.PDF"),
            comparable_name("an\u{303}o.pdf")
        );
    }

    /// Bytes between two entries, before the first, after the last or in a
    /// comment: content the seal does not cover.
    #[test]
    fn hidden_bytes_and_comments_are_refused() {
        let zip = zip_of(&[
            ("a.txt", b"uno", Method::Stored),
            ("b.txt", b"dos", Method::Stored),
        ]);
        let entries = read_index(&zip, &Limits::default()).unwrap();
        let second = entries[1].header_offset as usize;
        let shift = |zip: &[u8], at: usize, extra: &[u8]| -> Vec<u8> {
            // Insert `extra` at `at` and move every offset after it.
            let mut out = zip[..at].to_vec();
            out.extend_from_slice(extra);
            out.extend_from_slice(&zip[at..]);
            let n = extra.len() as u32;
            let eocd = out.len() - 22;
            let cd = u32::from_le_bytes(out[eocd + 16..eocd + 20].try_into().unwrap()) + n;
            out[eocd + 16..eocd + 20].copy_from_slice(&cd.to_le_bytes());
            let mut p = cd as usize;
            while out[p..p + 4] == CENTRAL_HEADER.to_le_bytes() {
                let offset = u32::from_le_bytes(out[p + 42..p + 46].try_into().unwrap());
                if offset as usize >= at {
                    out[p + 42..p + 46].copy_from_slice(&(offset + n).to_le_bytes());
                }
                let lens = |i: usize| u16::from_le_bytes([out[p + i], out[p + i + 1]]) as usize;
                p += 46 + lens(28) + lens(30) + lens(32);
            }
            out
        };
        let cd_start = entries[1].end_offset as usize;
        for (at, what) in [
            (second, "between two entries"),
            (0, "before the first"),
            (cd_start, "after the last"),
        ] {
            let hidden = shift(&zip, at, b"OCULTO");
            let err = read_index(&hidden, &Limits::default()).unwrap_err();
            assert_eq!(
                err,
                ZipError::Hidden {
                    offset: at as u64,
                    len: 6
                },
                "{what}"
            );
            assert!(
                err.to_string().contains("6 bytes fuera de toda entrada"),
                "{err}"
            );
        }

        let mut commented = zip.clone();
        let eocd = commented.len() - 22;
        commented[eocd + 20..eocd + 22].copy_from_slice(&4u16.to_le_bytes());
        commented.extend_from_slice(b"nota");
        assert_eq!(
            read_index(&commented, &Limits::default()).unwrap_err(),
            ZipError::Comment("el ZIP".into())
        );
    }

    #[test]
    fn a_data_descriptor_counts_as_its_entry() {
        let zip = zip_of(&[("a.txt", b"uno", Method::Stored)]);
        let entries = read_index(&zip, &Limits::default()).unwrap();
        let e = &entries[0];
        let end = e.data_offset as usize + 3;
        let mut with = zip[..end].to_vec();
        with.extend_from_slice(&DATA_DESCRIPTOR.to_le_bytes());
        with.extend_from_slice(&e.crc32.to_le_bytes());
        with.extend_from_slice(&3u32.to_le_bytes());
        with.extend_from_slice(&3u32.to_le_bytes());
        let central = with.len();
        with.extend_from_slice(&zip[end..]);
        // Flag bit 3 in both headers, the central directory moved by 16.
        with[6] |= FLAG_DATA_DESCRIPTOR as u8;
        with[central + 8] |= FLAG_DATA_DESCRIPTOR as u8;
        let eocd = with.len() - 22;
        with[eocd + 16..eocd + 20].copy_from_slice(&(central as u32).to_le_bytes());
        let entries = read_index(&with, &Limits::default()).unwrap();
        assert_eq!(entries[0].end_offset, central as u64);
        assert_eq!(read_entry(&with, &entries[0]).unwrap(), b"uno");
        // A descriptor that disagrees with the central directory is refused.
        with[end + 4] ^= 1;
        assert!(matches!(
            read_index(&with, &Limits::default()),
            Err(ZipError::LocalHeader { .. })
        ));
    }

    #[test]
    fn zip_bomb_ratio_and_sizes_are_refused_before_inflating() {
        let zeros = vec![0u8; 8 << 20];
        let zip = zip_of(&[("bomba.bin", &zeros, Method::Deflated)]);
        let err = read_index(&zip, &Limits::default()).unwrap_err();
        assert!(matches!(err, ZipError::Ratio { .. }), "{err:?}");
        assert!(err.to_string().contains("«bomba.bin»"), "{err}");

        let limits = Limits {
            max_entry_size: 1000,
            ..Limits::default()
        };
        let zip = zip_of(&[("grande.pdf", &[7u8; 2000], Method::Stored)]);
        assert!(matches!(
            read_index(&zip, &limits),
            Err(ZipError::EntryTooLarge { .. })
        ));
        let limits = Limits {
            max_entries: 1,
            ..Limits::default()
        };
        let zip = zip_of(&[("a", b"1", Method::Stored), ("b", b"2", Method::Stored)]);
        assert!(matches!(
            read_index(&zip, &limits),
            Err(ZipError::TooManyEntries { count: 2, max: 1 })
        ));
    }

    #[test]
    fn lying_sizes_and_crc_are_caught_when_reading() {
        let zip = zip_of(&[("a.txt", b"contenido original", Method::Stored)]);
        let mut bad = zip.clone();
        let at = 30 + 5; // first byte of the data
        bad[at] ^= 1;
        let entries = read_index(&bad, &Limits::default()).unwrap();
        assert_eq!(
            read_entry(&bad, &entries[0]).unwrap_err(),
            ZipError::Crc {
                name: "a.txt".into()
            }
        );

        // A deflated entry that inflates to more than it declares.
        let text = "x".repeat(5000);
        let mut zip = zip_of(&[("a.txt", text.as_bytes(), Method::Deflated)]);
        let entries = read_index(&zip, &Limits::default()).unwrap();
        let central = entries[0].data_offset as usize + entries[0].compressed_size as usize;
        // size fields: local at 22, central at +24
        zip[22..26].copy_from_slice(&100u32.to_le_bytes());
        zip[central + 24..central + 28].copy_from_slice(&100u32.to_le_bytes());
        let entries = read_index(&zip, &Limits::default()).unwrap();
        assert!(matches!(
            read_entry(&zip, &entries[0]),
            Err(ZipError::SizeMismatch { .. })
        ));
    }

    #[test]
    fn overlapping_entries_are_refused() {
        let mut zip = zip_of(&[
            ("a.txt", b"uno", Method::Stored),
            ("b.txt", b"uno", Method::Stored),
        ]);
        // Point the second central entry at the first local header (offset 0)
        // after renaming it so the local name check passes too.
        let entries = read_index(&zip, &Limits::default()).unwrap();
        let cd = entries[1].data_offset as usize + 3;
        let second_central = cd + 46 + "a.txt".len(); // 46: fixed part of a central header
        zip[second_central + 42..second_central + 46].copy_from_slice(&0u32.to_le_bytes());
        let err = read_index(&zip, &Limits::default()).unwrap_err();
        assert!(
            matches!(err, ZipError::LocalHeader { .. } | ZipError::Overlap { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn not_a_zip_and_truncated() {
        assert_eq!(
            read_index(b"%PDF-1.7", &Limits::default()).unwrap_err(),
            ZipError::NotZip
        );
        let zip = zip_of(&[("a.txt", b"uno", Method::Stored)]);
        assert!(read_index(&zip[..zip.len() - 1], &Limits::default()).is_err());
        assert!(read_index(&zip[10..], &Limits::default()).is_err());
    }
}
