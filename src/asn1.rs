//! A small DER writer and a tolerant BER/DER reader, just enough for the CMS
//! structures of PDF signatures (`sign::cms` builds them, `verify::cms` reads
//! them). The writer emits definite-length DER: tags, lengths, INTEGER, OID,
//! OCTET STRING, SEQUENCE, SET OF (sorted as X.690 §11.6 requires) and
//! context tags. The reader walks TLVs and hands back slices of the input
//! (no copies); it also accepts BER indefinite lengths, because other
//! signers' CMS may use them. Also here: the few OIDs the CMS code names and
//! the issuer/serial fields of an X.509 certificate, read as raw DER.
//!
//! It does not: know any ASN.1 schema beyond those helpers, decode strings
//! or times, handle tag numbers above 30, or check that input is minimal DER.

use std::cmp::Ordering;

/// Universal tags (with the constructed bit where the type is constructed).
pub const BOOLEAN: u8 = 0x01;
pub const INTEGER: u8 = 0x02;
pub const BIT_STRING: u8 = 0x03;
pub const OCTET_STRING: u8 = 0x04;
pub const NULL: u8 = 0x05;
pub const OBJECT_IDENTIFIER: u8 = 0x06;
pub const SEQUENCE: u8 = 0x30;
pub const SET: u8 = 0x31;

/// The constructed bit of an identifier octet.
pub const CONSTRUCTED: u8 = 0x20;

/// Deepest nesting the reader follows (CMS needs about a dozen levels).
const MAX_DEPTH: usize = 64;

/// Context-specific constructed tag `[n]` (EXPLICIT, or IMPLICIT of a
/// constructed type): `0xA0 | n`.
pub const fn context(n: u8) -> u8 {
    0xA0 | (n & 0x1F)
}

/// Context-specific primitive tag `[n]` (IMPLICIT of a primitive type):
/// `0x80 | n`.
pub const fn context_primitive(n: u8) -> u8 {
    0x80 | (n & 0x1F)
}

/// Object identifiers used by the signature code, as arcs.
pub mod oid {
    pub const DATA: &[u64] = &[1, 2, 840, 113549, 1, 7, 1];
    pub const SIGNED_DATA: &[u64] = &[1, 2, 840, 113549, 1, 7, 2];
    pub const CONTENT_TYPE: &[u64] = &[1, 2, 840, 113549, 1, 9, 3];
    pub const MESSAGE_DIGEST: &[u64] = &[1, 2, 840, 113549, 1, 9, 4];
    pub const SIGNING_TIME: &[u64] = &[1, 2, 840, 113549, 1, 9, 5];
    /// id-aa-signingCertificate (RFC 2634, ESSCertID with SHA-1).
    pub const SIGNING_CERTIFICATE: &[u64] = &[1, 2, 840, 113549, 1, 9, 16, 2, 12];
    /// id-aa-signingCertificateV2 (RFC 5035).
    pub const SIGNING_CERTIFICATE_V2: &[u64] = &[1, 2, 840, 113549, 1, 9, 16, 2, 47];
    /// id-aa-signatureTimeStampToken (RFC 3161 appendix A).
    pub const TIMESTAMP_TOKEN: &[u64] = &[1, 2, 840, 113549, 1, 9, 16, 2, 14];

    pub const SHA1: &[u64] = &[1, 3, 14, 3, 2, 26];
    pub const SHA256: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 1];
    pub const SHA384: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 2];
    pub const SHA512: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 3];
    pub const SHA224: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 4];
    pub const SHA3_256: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 8];
    pub const SHA3_384: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 9];
    pub const SHA3_512: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 10];
    pub const MD5: &[u64] = &[1, 2, 840, 113549, 2, 5];

    pub const RSA_ENCRYPTION: &[u64] = &[1, 2, 840, 113549, 1, 1, 1];
    pub const MD5_WITH_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 4];
    pub const SHA1_WITH_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 5];
    pub const RSASSA_PSS: &[u64] = &[1, 2, 840, 113549, 1, 1, 10];
    pub const SHA256_WITH_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 11];
    pub const SHA384_WITH_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 12];
    pub const SHA512_WITH_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 13];
    pub const SHA224_WITH_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 14];
    pub const MGF1: &[u64] = &[1, 2, 840, 113549, 1, 1, 8];

    pub const EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
    pub const ECDSA_WITH_SHA1: &[u64] = &[1, 2, 840, 10045, 4, 1];
    pub const ECDSA_WITH_SHA224: &[u64] = &[1, 2, 840, 10045, 4, 3, 1];
    pub const ECDSA_WITH_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];
    pub const ECDSA_WITH_SHA384: &[u64] = &[1, 2, 840, 10045, 4, 3, 3];
    pub const ECDSA_WITH_SHA512: &[u64] = &[1, 2, 840, 10045, 4, 3, 4];
    pub const ED25519: &[u64] = &[1, 3, 101, 112];
}

/// What the reader found wrong, with the byte offset from the start of the
/// outermost input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Asn1Error {
    #[error("estructura ASN.1 truncada en el byte {offset}")]
    Truncated { offset: usize },
    #[error("longitud ASN.1 no válida en el byte {offset}")]
    BadLength { offset: usize },
    #[error("etiqueta ASN.1 de número alto (no admitida) en el byte {offset}")]
    HighTagNumber { offset: usize },
    #[error("anidamiento ASN.1 demasiado profundo en el byte {offset}")]
    TooDeep { offset: usize },
    #[error("se esperaba {expected} en el byte {offset} y hay la etiqueta 0x{found:02X}")]
    Unexpected {
        expected: &'static str,
        found: u8,
        offset: usize,
    },
    #[error("falta {expected} en el byte {offset}")]
    Missing {
        expected: &'static str,
        offset: usize,
    },
    #[error("{what} no válido en el byte {offset}")]
    Invalid { what: &'static str, offset: usize },
}

// ───────────────────────────── writer ─────────────────────────────

/// Bytes the length octets of a definite `len` take.
fn length_octets(len: usize) -> usize {
    if len < 0x80 {
        1
    } else {
        1 + (usize::BITS as usize / 8 - len.leading_zeros() as usize / 8)
    }
}

/// Total size of a TLV whose content is `content_len` bytes long.
pub fn encoded_len(content_len: usize) -> usize {
    1 + length_octets(content_len) + content_len
}

/// Appends a tag and a definite DER length.
pub fn push_header(out: &mut Vec<u8>, tag: u8, len: usize) {
    out.push(tag);
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let n = length_octets(len) - 1;
        out.push(0x80 | n as u8);
        for i in (0..n).rev() {
            out.push((len >> (8 * i)) as u8);
        }
    }
}

/// Appends a whole TLV.
pub fn push_tlv(out: &mut Vec<u8>, tag: u8, content: &[u8]) {
    push_header(out, tag, content.len());
    out.extend_from_slice(content);
}

/// One TLV.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(encoded_len(content.len()));
    push_tlv(&mut out, tag, content);
    out
}

/// A constructed TLV whose content is `parts` concatenated in order.
pub fn constructed(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let len = parts.iter().map(|p| p.len()).sum();
    let mut out = Vec::with_capacity(encoded_len(len));
    push_header(&mut out, tag, len);
    for part in parts {
        out.extend_from_slice(part);
    }
    out
}

/// SEQUENCE of already-encoded elements, in the given order.
pub fn sequence(parts: &[&[u8]]) -> Vec<u8> {
    constructed(SEQUENCE, parts)
}

/// SET OF already-encoded elements, sorted as DER requires. Also right for
/// a SET whose elements have distinct tags (sorting by encoding sorts by tag).
pub fn set_of(parts: &[&[u8]]) -> Vec<u8> {
    let mut sorted: Vec<&[u8]> = parts.to_vec();
    sort_set_of(&mut sorted);
    constructed(SET, &sorted)
}

/// Sorts encodings for a DER SET OF: compared as octet strings, the shorter
/// one padded at its end with zero octets (X.690 §11.6).
pub fn sort_set_of<T: AsRef<[u8]>>(parts: &mut [T]) {
    parts.sort_by(|a, b| der_set_order(a.as_ref(), b.as_ref()));
}

fn der_set_order(a: &[u8], b: &[u8]) -> Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        match x.cmp(&y) {
            Ordering::Equal => continue,
            other => return other,
        }
    }
    a.len().cmp(&b.len())
}

/// INTEGER from an unsigned big-endian magnitude (e.g. a serial number read
/// as raw bytes): leading zeros dropped, a zero octet added when the high
/// bit would make it negative.
pub fn integer_unsigned(magnitude: &[u8]) -> Vec<u8> {
    let start = magnitude
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(magnitude.len());
    let digits = &magnitude[start..];
    if digits.is_empty() {
        return vec![INTEGER, 1, 0];
    }
    let pad = digits[0] & 0x80 != 0;
    let mut out = Vec::with_capacity(encoded_len(digits.len() + pad as usize));
    push_header(&mut out, INTEGER, digits.len() + pad as usize);
    if pad {
        out.push(0);
    }
    out.extend_from_slice(digits);
    out
}

/// INTEGER from a signed value, minimal two's complement.
pub fn integer(value: i64) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let mut start = 0;
    while start < 7 {
        let (b, next) = (bytes[start], bytes[start + 1]);
        if (b == 0 && next & 0x80 == 0) || (b == 0xFF && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    tlv(INTEGER, &bytes[start..])
}

/// OBJECT IDENTIFIER from its arcs. The arcs are the program's constants
/// (`oid::*`); at least two are expected, the first 0–2.
pub fn oid(arcs: &[u64]) -> Vec<u8> {
    tlv(OBJECT_IDENTIFIER, &oid_content(arcs))
}

/// The content octets of an OBJECT IDENTIFIER.
pub fn oid_content(arcs: &[u64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(arcs.len() * 2);
    let (first, rest) = match arcs {
        [a, b, rest @ ..] => (a * 40 + b, rest),
        [a] => (a * 40, &[][..]),
        [] => return out,
    };
    push_base128(&mut out, first);
    for &arc in rest {
        push_base128(&mut out, arc);
    }
    out
}

fn push_base128(out: &mut Vec<u8>, mut value: u64) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = (value & 0x7F) as u8;
        value >>= 7;
        if value == 0 {
            break;
        }
    }
    let last = buf.len() - 1;
    for (j, b) in buf.iter().enumerate().skip(i) {
        out.push(if j == last { *b } else { *b | 0x80 });
    }
}

/// OCTET STRING.
pub fn octet_string(bytes: &[u8]) -> Vec<u8> {
    tlv(OCTET_STRING, bytes)
}

/// NULL.
pub fn null() -> Vec<u8> {
    vec![NULL, 0]
}

/// `[n] EXPLICIT` around one encoded element.
pub fn explicit(n: u8, inner: &[u8]) -> Vec<u8> {
    tlv(context(n), inner)
}

/// AlgorithmIdentifier with absent parameters (`params` = None) or the
/// given encoded parameters.
pub fn algorithm(arcs: &[u64], params: Option<&[u8]>) -> Vec<u8> {
    let id = oid(arcs);
    match params {
        Some(p) => sequence(&[&id, p]),
        None => sequence(&[&id]),
    }
}

// ───────────────────────────── reader ─────────────────────────────

/// One element read from the input: its tag, its content and the whole
/// encoding, all borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: u8,
    /// The content octets (for an indefinite length: up to, not including,
    /// the end-of-contents octets).
    pub value: &'a [u8],
    /// The whole encoding: tag, length, content (and end-of-contents).
    pub raw: &'a [u8],
    /// Offset of `raw` from the start of the outermost input.
    pub offset: usize,
    /// Offset of `value` from the start of the outermost input.
    pub value_offset: usize,
    depth: usize,
}

impl<'a> Tlv<'a> {
    pub fn is_constructed(&self) -> bool {
        self.tag & CONSTRUCTED != 0
    }

    /// A reader over this element's content.
    pub fn children(&self) -> Reader<'a> {
        Reader {
            data: self.value,
            pos: 0,
            base: self.value_offset,
            depth: self.depth + 1,
        }
    }

    /// Whether this is the OBJECT IDENTIFIER with these arcs.
    pub fn is_oid(&self, arcs: &[u64]) -> bool {
        self.tag == OBJECT_IDENTIFIER && self.value == oid_content(arcs).as_slice()
    }

    /// The dotted form of an OBJECT IDENTIFIER ("1.2.840.113549.1.7.2").
    pub fn oid_string(&self) -> Result<String, Asn1Error> {
        if self.tag != OBJECT_IDENTIFIER {
            return Err(self.unexpected("OBJECT IDENTIFIER"));
        }
        decode_oid(self.value).ok_or(Asn1Error::Invalid {
            what: "OBJECT IDENTIFIER",
            offset: self.offset,
        })
    }

    /// The magnitude of a non-negative INTEGER, without leading zero octets.
    pub fn unsigned_bytes(&self) -> Result<&'a [u8], Asn1Error> {
        if self.tag != INTEGER {
            return Err(self.unexpected("INTEGER"));
        }
        if self.value.is_empty() || self.value[0] & 0x80 != 0 {
            return Err(Asn1Error::Invalid {
                what: "INTEGER",
                offset: self.offset,
            });
        }
        let start = self
            .value
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(self.value.len());
        Ok(&self.value[start..])
    }

    /// A small INTEGER (version numbers, salt lengths).
    pub fn small_int(&self) -> Result<i64, Asn1Error> {
        if self.tag != INTEGER {
            return Err(self.unexpected("INTEGER"));
        }
        if self.value.is_empty() || self.value.len() > 8 {
            return Err(Asn1Error::Invalid {
                what: "INTEGER",
                offset: self.offset,
            });
        }
        let negative = self.value[0] & 0x80 != 0;
        let mut v: i64 = if negative { -1 } else { 0 };
        for &b in self.value {
            v = (v << 8) | b as i64;
        }
        Ok(v)
    }

    /// The octets of an OCTET STRING, also when BER splits it into a
    /// constructed string of segments.
    pub fn octets(&self) -> Result<std::borrow::Cow<'a, [u8]>, Asn1Error> {
        match self.tag {
            OCTET_STRING => Ok(std::borrow::Cow::Borrowed(self.value)),
            t if t == OCTET_STRING | CONSTRUCTED => {
                let mut out = Vec::with_capacity(self.value.len());
                let mut r = self.children();
                while !r.is_empty() {
                    let part = r.read()?;
                    out.extend_from_slice(&part.octets()?);
                }
                Ok(std::borrow::Cow::Owned(out))
            }
            _ => Err(self.unexpected("OCTET STRING")),
        }
    }

    /// Fails unless the tag is `tag`.
    pub fn expect(self, tag: u8, what: &'static str) -> Result<Tlv<'a>, Asn1Error> {
        if self.tag == tag {
            Ok(self)
        } else {
            Err(self.unexpected(what))
        }
    }

    fn unexpected(&self, expected: &'static str) -> Asn1Error {
        Asn1Error::Unexpected {
            expected,
            found: self.tag,
            offset: self.offset,
        }
    }
}

/// Dotted text of OBJECT IDENTIFIER content octets; None if malformed.
pub fn decode_oid(content: &[u8]) -> Option<String> {
    if content.is_empty() || content[content.len() - 1] & 0x80 != 0 {
        return None;
    }
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    for &b in content {
        if value > (u64::MAX >> 7) {
            return None;
        }
        value = (value << 7) | (b & 0x7F) as u64;
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (value / 40).min(2);
                arcs.push(first);
                arcs.push(value - first * 40);
            } else {
                arcs.push(value);
            }
            value = 0;
        }
    }
    Some(
        arcs.iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .join("."),
    )
}

/// Walks a sequence of TLVs (the outermost input, or one element's content).
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader over a whole input (offsets count from its first byte).
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader {
            data,
            pos: 0,
            base: 0,
            depth: 0,
        }
    }

    /// Nothing left to read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// Offset of the next element from the start of the outermost input.
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// What has not been read yet.
    pub fn remaining(&self) -> &'a [u8] {
        &self.data[self.pos.min(self.data.len())..]
    }

    /// The tag of the next element, if any.
    pub fn peek_tag(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// Reads the next element.
    pub fn read(&mut self) -> Result<Tlv<'a>, Asn1Error> {
        let (tlv, next) = parse_tlv(self.data, self.pos, self.base, self.depth)?;
        self.pos = next;
        Ok(tlv)
    }

    /// Reads the next element, which must have tag `tag`; `what` names it
    /// in the error.
    pub fn expect(&mut self, tag: u8, what: &'static str) -> Result<Tlv<'a>, Asn1Error> {
        match self.peek_tag() {
            None => Err(Asn1Error::Missing {
                expected: what,
                offset: self.offset(),
            }),
            Some(_) => self.read()?.expect(tag, what),
        }
    }

    /// Reads the next element only if it has tag `tag`.
    pub fn optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, Asn1Error> {
        if self.peek_tag() == Some(tag) {
            self.read().map(Some)
        } else {
            Ok(None)
        }
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<Tlv<'a>, Asn1Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.is_empty() {
            return None;
        }
        let item = self.read();
        if item.is_err() {
            // Stop after the first error.
            self.pos = self.data.len();
        }
        Some(item)
    }
}

/// Reads one TLV of the whole `data` (with `base` offset for messages) and
/// returns it with whatever follows it (e.g. the zero padding after a CMS
/// in a PDF's `/Contents`).
pub fn parse_one(data: &[u8]) -> Result<(Tlv<'_>, &[u8]), Asn1Error> {
    let (tlv, next) = parse_tlv(data, 0, 0, 0)?;
    Ok((tlv, &data[next..]))
}

fn parse_tlv(
    data: &[u8],
    start: usize,
    base: usize,
    depth: usize,
) -> Result<(Tlv<'_>, usize), Asn1Error> {
    let at = |i: usize| base + i;
    if depth > MAX_DEPTH {
        return Err(Asn1Error::TooDeep { offset: at(start) });
    }
    let tag = *data
        .get(start)
        .ok_or(Asn1Error::Truncated { offset: at(start) })?;
    if tag & 0x1F == 0x1F {
        return Err(Asn1Error::HighTagNumber { offset: at(start) });
    }
    let first = *data
        .get(start + 1)
        .ok_or(Asn1Error::Truncated { offset: at(start) })?;
    let mut pos = start + 2;
    if first == 0x80 {
        // BER indefinite length: constructed only, ends with 00 00.
        if tag & CONSTRUCTED == 0 {
            return Err(Asn1Error::BadLength { offset: at(start) });
        }
        let content_start = pos;
        loop {
            match (data.get(pos), data.get(pos + 1)) {
                (Some(0), Some(0)) => break,
                (None, _) | (_, None) => return Err(Asn1Error::Truncated { offset: at(start) }),
                _ => {
                    let (_, next) = parse_tlv(data, pos, base, depth + 1)?;
                    pos = next;
                }
            }
        }
        let tlv = Tlv {
            tag,
            value: &data[content_start..pos],
            raw: &data[start..pos + 2],
            offset: at(start),
            value_offset: at(content_start),
            depth,
        };
        return Ok((tlv, pos + 2));
    }
    let len = if first < 0x80 {
        first as usize
    } else {
        let n = (first & 0x7F) as usize;
        if n > 4 {
            return Err(Asn1Error::BadLength { offset: at(start) });
        }
        let bytes = data
            .get(pos..pos + n)
            .ok_or(Asn1Error::Truncated { offset: at(start) })?;
        pos += n;
        bytes.iter().fold(0usize, |acc, &b| (acc << 8) | b as usize)
    };
    let end = pos
        .checked_add(len)
        .ok_or(Asn1Error::BadLength { offset: at(start) })?;
    if end > data.len() {
        return Err(Asn1Error::Truncated { offset: at(start) });
    }
    let tlv = Tlv {
        tag,
        value: &data[pos..end],
        raw: &data[start..end],
        offset: at(start),
        value_offset: at(pos),
        depth,
    };
    Ok((tlv, end))
}

// ─────────────────────── X.509 fields CMS refers to ───────────────────────

/// The raw DER of a certificate's issuer Name and the magnitude of its
/// serial number, as CMS IssuerAndSerialNumber and ESS IssuerSerial need
/// them (copied byte for byte from the certificate, never re-encoded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuerSerial<'a> {
    /// Issuer Name, the whole SEQUENCE TLV.
    pub issuer: &'a [u8],
    /// Serial number content octets (two's complement, as in the certificate).
    pub serial: &'a [u8],
}

/// Reads issuer and serial number out of a DER certificate.
pub fn certificate_issuer_serial(cert_der: &[u8]) -> Result<IssuerSerial<'_>, Asn1Error> {
    let (cert, _) = parse_one(cert_der)?;
    let cert = cert.expect(SEQUENCE, "Certificate")?;
    let mut c = cert.children();
    let tbs = c.expect(SEQUENCE, "TBSCertificate")?;
    let mut t = tbs.children();
    t.optional(context(0))?; // version
    let serial = t.expect(INTEGER, "serialNumber")?;
    t.expect(SEQUENCE, "signature")?;
    let issuer = t.expect(SEQUENCE, "issuer")?;
    Ok(IssuerSerial {
        issuer: issuer.raw,
        serial: serial.value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_short_and_long_forms() {
        for (len, header) in [
            (0usize, vec![0x04, 0x00]),
            (127, vec![0x04, 0x7F]),
            (128, vec![0x04, 0x81, 0x80]),
            (255, vec![0x04, 0x81, 0xFF]),
            (256, vec![0x04, 0x82, 0x01, 0x00]),
            (65_536, vec![0x04, 0x83, 0x01, 0x00, 0x00]),
        ] {
            let mut out = Vec::new();
            push_header(&mut out, OCTET_STRING, len);
            assert_eq!(out, header, "length {len}");
            assert_eq!(encoded_len(len), header.len() + len);
            let whole = tlv(OCTET_STRING, &vec![7u8; len]);
            let (back, rest) = parse_one(&whole).unwrap();
            assert!(rest.is_empty());
            assert_eq!(back.value.len(), len);
            assert_eq!(back.raw, whole.as_slice());
        }
    }

    #[test]
    fn integers() {
        assert_eq!(integer(0), [2, 1, 0]);
        assert_eq!(integer(1), [2, 1, 1]);
        assert_eq!(integer(127), [2, 1, 0x7F]);
        assert_eq!(integer(128), [2, 2, 0, 0x80]);
        assert_eq!(integer(256), [2, 2, 1, 0]);
        assert_eq!(integer(-1), [2, 1, 0xFF]);
        assert_eq!(integer(-129), [2, 2, 0xFF, 0x7F]);
        assert_eq!(integer_unsigned(&[0, 0, 0x7F]), [2, 1, 0x7F]);
        assert_eq!(integer_unsigned(&[0x80]), [2, 2, 0, 0x80]);
        assert_eq!(integer_unsigned(&[]), [2, 1, 0]);
        for v in [
            0i64,
            1,
            127,
            128,
            255,
            256,
            -1,
            -128,
            -129,
            1 << 40,
            i64::MIN,
            i64::MAX,
        ] {
            let enc = integer(v);
            let (t, _) = parse_one(&enc).unwrap();
            assert_eq!(t.small_int().unwrap(), v);
        }
        let enc = integer_unsigned(&[0xDE, 0xAD]);
        let (t, _) = parse_one(&enc).unwrap();
        assert_eq!(t.unsigned_bytes().unwrap(), &[0xDE, 0xAD]);
    }

    #[test]
    fn oids_round_trip() {
        // The well-known encoding of sha256WithRSAEncryption.
        assert_eq!(
            oid(oid::SHA256_WITH_RSA),
            [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B]
        );
        for arcs in [
            oid::SIGNED_DATA,
            oid::SIGNING_CERTIFICATE_V2,
            oid::SHA256,
            oid::ED25519,
            &[2, 999, 3][..],
        ] {
            let enc = oid(arcs);
            let (t, _) = parse_one(&enc).unwrap();
            assert!(t.is_oid(arcs));
            let dotted: Vec<String> = arcs.iter().map(|a| a.to_string()).collect();
            assert_eq!(t.oid_string().unwrap(), dotted.join("."));
        }
        assert_eq!(decode_oid(&[0x2A, 0x86]), None);
    }

    #[test]
    fn set_of_is_sorted_like_der() {
        let a = octet_string(&[2]);
        let b = integer(5);
        let c = octet_string(&[1, 9]);
        let set = set_of(&[&a, &b, &c]);
        assert_eq!(set, [0x31, 10, 2, 1, 5, 4, 1, 2, 4, 2, 1, 9]);
        // The shorter encoding is padded with zeros when compared.
        let mut v = vec![vec![1u8, 0, 1], vec![1u8], vec![1u8, 0]];
        sort_set_of(&mut v);
        assert_eq!(v, vec![vec![1u8], vec![1, 0], vec![1, 0, 1]]);
    }

    #[test]
    fn nested_structures_read_back_as_slices() {
        let inner = sequence(&[&integer(1), &oid(oid::DATA), &null()]);
        let outer = sequence(&[&explicit(0, &inner), &octet_string(b"hola")]);
        let mut padded = outer.clone();
        padded.extend_from_slice(&[0; 16]);
        let (top, rest) = parse_one(&padded).unwrap();
        assert_eq!(rest, &[0u8; 16]);
        assert_eq!(top.raw, outer.as_slice());
        let mut r = top.children();
        let tagged = r.expect(context(0), "[0]").unwrap();
        let seq = tagged.children().expect(SEQUENCE, "SEQUENCE").unwrap();
        assert_eq!(seq.raw, inner.as_slice());
        let items: Vec<Tlv> = seq.children().collect::<Result<_, _>>().unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].small_int().unwrap(), 1);
        assert!(items[1].is_oid(oid::DATA));
        assert_eq!(items[2].tag, NULL);
        let s = r.expect(OCTET_STRING, "OCTET STRING").unwrap();
        assert_eq!(&*s.octets().unwrap(), b"hola");
        assert_eq!(s.offset, outer.len() - 6);
        assert!(r.is_empty());
        assert!(matches!(
            r.expect(INTEGER, "versión"),
            Err(Asn1Error::Missing { .. })
        ));
    }

    #[test]
    fn ber_indefinite_lengths_and_segmented_strings() {
        // SEQUENCE (indefinite) { OCTET STRING (constructed, indefinite) { "ab", "c" }, INTEGER 3 }
        let ber = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00, 0x00, 0x02,
            0x01, 0x03, 0x00, 0x00, 0x00, 0x00,
        ];
        let (top, rest) = parse_one(&ber).unwrap();
        assert_eq!(rest, &[0, 0]);
        assert_eq!(top.raw.len(), 18);
        let mut r = top.children();
        let s = r.read().unwrap();
        assert_eq!(&*s.octets().unwrap(), b"abc");
        assert_eq!(r.read().unwrap().small_int().unwrap(), 3);
        assert!(r.is_empty());
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        assert_eq!(parse_one(&[]), Err(Asn1Error::Truncated { offset: 0 }));
        assert_eq!(parse_one(&[0x30]), Err(Asn1Error::Truncated { offset: 0 }));
        assert_eq!(
            parse_one(&[0x30, 0x05, 1]),
            Err(Asn1Error::Truncated { offset: 0 })
        );
        assert_eq!(
            parse_one(&[0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
            Err(Asn1Error::BadLength { offset: 0 })
        );
        assert_eq!(
            parse_one(&[0x04, 0x80, 0, 0]),
            Err(Asn1Error::BadLength { offset: 0 })
        );
        assert_eq!(
            parse_one(&[0x30, 0x80, 0x04, 0x01, 0x00]),
            Err(Asn1Error::Truncated { offset: 0 })
        );
        assert_eq!(
            parse_one(&[0x1F, 0x01, 0x00]),
            Err(Asn1Error::HighTagNumber { offset: 0 })
        );
        // Deep nesting is refused, not a stack overflow.
        let mut deep = [0x30u8, 0x80].repeat(200);
        deep.extend(vec![0u8; 400]);
        assert!(matches!(parse_one(&deep), Err(Asn1Error::TooDeep { .. })));
        // Garbage inside a valid outer element fails when read.
        let bad = [0x30, 0x03, 0x02, 0x05, 0x00];
        let (top, _) = parse_one(&bad).unwrap();
        let err = top.children().read().unwrap_err();
        assert_eq!(err, Asn1Error::Truncated { offset: 2 });
        assert_eq!(err.to_string(), "estructura ASN.1 truncada en el byte 2");
    }
}
