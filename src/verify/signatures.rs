//! Finding signatures in any PDF: the signature fields of the AcroForm tree
//! (fully qualified names, inherited `/FT`), their signature dictionaries,
//! and the byte-level facts a verifier needs — whether `/ByteRange` is well
//! formed and its gap is exactly the `/Contents` string (ISO 32000-1
//! §12.8.1), where each revision of the file ends, and `/M` dates.
//!
//! Everything is read defensively: the input may be hostile, so no lookup
//! here panics and no traversal recurses on document data.

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use lopdf::{Dictionary, Document, Object, ObjectId};

/// A field tree deeper than this is treated as broken (Acrobat gives up far earlier).
const MAX_FIELD_DEPTH: usize = 32;

/// A terminal signature field found in the AcroForm.
#[derive(Debug, Clone)]
pub struct SigField {
    /// Fully qualified name (`firma.coord-calidad`).
    pub name: String,
    /// The field dictionary, when it is an indirect object.
    pub field_id: Option<ObjectId>,
    /// Its widget annotations: the kids without `/T`, or the field itself
    /// when field and widget are merged.
    pub widgets: Vec<ObjectId>,
    /// The `/V` value: the signature dictionary, if the field is signed.
    pub value: Option<SigValue>,
}

/// A signature dictionary as read from the document.
#[derive(Debug, Clone)]
pub struct SigValue {
    pub id: Option<ObjectId>,
    pub dict: Dictionary,
}

/// The parsed `/ByteRange` of a signature whose structure holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    /// Length of the first range (it starts at 0): the `<` of `/Contents`.
    pub first_len: usize,
    /// Start of the second range: just after the `>` of `/Contents`.
    pub second_start: usize,
    pub second_len: usize,
}

impl ByteRange {
    /// The offset where the signed bytes end.
    pub fn end(&self) -> usize {
        self.second_start + self.second_len
    }

    /// The signed bytes: both ranges concatenated.
    pub fn signed_content(&self, bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.first_len + self.second_len);
        out.extend_from_slice(&bytes[..self.first_len]);
        out.extend_from_slice(&bytes[self.second_start..self.end()]);
        out
    }
}

/// Every terminal field of `/FT /Sig` in the document's AcroForm, in tree order.
pub fn signature_fields(doc: &Document) -> Vec<SigField> {
    let mut out = Vec::new();
    let Some(acroform) = catalog(doc).and_then(|c| resolve_dict(doc, c.get(b"AcroForm").ok()))
    else {
        return out;
    };
    let Some(fields) = resolve_array(doc, acroform.get(b"Fields").ok()) else {
        return out;
    };
    // (object, parent's qualified name, inherited FT, depth), walked with an explicit stack.
    let mut stack: Vec<(&Object, String, Option<Vec<u8>>, usize)> = fields
        .iter()
        .rev()
        .map(|f| (f, String::new(), None, 0))
        .collect();
    let mut seen: HashSet<ObjectId> = HashSet::new();
    while let Some((object, parent_name, inherited_ft, depth)) = stack.pop() {
        if depth > MAX_FIELD_DEPTH {
            continue;
        }
        let field_id = object.as_reference().ok();
        if let Some(id) = field_id {
            if !seen.insert(id) {
                continue;
            }
        }
        let Some(dict) = resolve_dict(doc, Some(object)) else {
            continue;
        };
        let partial = dict.get(b"T").ok().and_then(text);
        let name = match (&partial, parent_name.is_empty()) {
            (Some(t), true) => t.clone(),
            (Some(t), false) => format!("{parent_name}.{t}"),
            (None, _) => parent_name.clone(),
        };
        let ft = dict
            .get(b"FT")
            .ok()
            .and_then(|o| o.as_name().ok())
            .map(<[u8]>::to_vec)
            .or(inherited_ft);
        // Kids that carry /T are fields; kids without it are this field's widgets.
        let kids: &[Object] = resolve_array(doc, dict.get(b"Kids").ok()).map_or(&[], |k| k);
        let (child_fields, widget_kids): (Vec<&Object>, Vec<&Object>) = kids
            .iter()
            .partition(|k| resolve_dict(doc, Some(k)).is_some_and(|d| d.has(b"T")));
        if !child_fields.is_empty() {
            for kid in child_fields.into_iter().rev() {
                stack.push((kid, name.clone(), ft.clone(), depth + 1));
            }
            continue;
        }
        if ft.as_deref() != Some(b"Sig") {
            continue;
        }
        let value = match dict.get(b"V") {
            Ok(Object::Reference(id)) => doc.get_dictionary(*id).ok().map(|d| SigValue {
                id: Some(*id),
                dict: d.clone(),
            }),
            Ok(Object::Dictionary(d)) => Some(SigValue {
                id: None,
                dict: d.clone(),
            }),
            _ => None,
        };
        let mut widgets: Vec<ObjectId> = widget_kids
            .iter()
            .filter_map(|k| k.as_reference().ok())
            .collect();
        if widgets.is_empty() {
            widgets.extend(field_id);
        }
        out.push(SigField {
            name,
            field_id,
            widgets,
            value,
        });
    }
    out
}

/// Signature dictionaries that no field points to (a replaced `/V`, or a
/// writer that forgot the field): dictionaries with `/ByteRange` and
/// `/Contents` whose `/Type` is `/Sig` or `/DocTimeStamp`.
pub fn orphan_signatures(doc: &Document, known: &HashSet<ObjectId>) -> Vec<SigValue> {
    doc.objects
        .iter()
        .filter(|(id, _)| !known.contains(id))
        .filter_map(|(id, object)| {
            let dict = object.as_dict().ok()?;
            let is_sig = matches!(
                dict.get(b"Type").and_then(Object::as_name),
                Ok(b"Sig" | b"DocTimeStamp")
            );
            (is_sig && dict.has(b"ByteRange") && dict.has(b"Contents")).then(|| SigValue {
                id: Some(*id),
                dict: dict.clone(),
            })
        })
        .collect()
}

/// The DocMDP permission level (1–3) when `sig` is a certification
/// signature: a `/Reference` entry with `/TransformMethod /DocMDP`, its
/// `/TransformParams /P` (2 when absent, ISO 32000-1 table 254).
pub fn docmdp_level(doc: &Document, sig: &Dictionary) -> Option<u8> {
    let references = resolve_array(doc, sig.get(b"Reference").ok())?;
    references.iter().find_map(|reference| {
        let reference = resolve_dict(doc, Some(reference))?;
        let method = reference.get(b"TransformMethod").ok()?.as_name().ok()?;
        if method != b"DocMDP" {
            return None;
        }
        let level = resolve_dict(doc, reference.get(b"TransformParams").ok())
            .and_then(|params| params.get(b"P").ok())
            .and_then(|p| p.as_i64().ok())
            .unwrap_or(2);
        Some(level.clamp(1, 3) as u8)
    })
}

/// Checks `/ByteRange` against the file: exactly four non-negative integers,
/// the first range starting at 0, the gap between the ranges exactly the
/// hexadecimal `/Contents` string including `<` and `>`, that string's value
/// the dictionary's `/Contents`, and both ranges inside the file.
pub fn check_byte_range(bytes: &[u8], sig: &Dictionary) -> Result<ByteRange, String> {
    let values = match sig.get(b"ByteRange") {
        Ok(Object::Array(values)) => values,
        _ => return Err("falta /ByteRange o no es un arreglo".into()),
    };
    if values.len() != 4 {
        return Err(format!(
            "/ByteRange tiene {} valores en lugar de 4",
            values.len()
        ));
    }
    let mut n = [0usize; 4];
    for (slot, value) in n.iter_mut().zip(values) {
        match value {
            Object::Integer(i) if *i >= 0 => {
                *slot = usize::try_from(*i).map_err(|_| "/ByteRange fuera de rango".to_string())?
            }
            _ => return Err("/ByteRange debe tener enteros no negativos".into()),
        }
    }
    let [start, first_len, second_start, second_len] = n;
    if start != 0 {
        return Err("/ByteRange no empieza en el byte 0".into());
    }
    let end = second_start
        .checked_add(second_len)
        .ok_or("/ByteRange fuera de rango")?;
    if second_start <= first_len || end > bytes.len() {
        return Err(format!(
            "/ByteRange [0 {first_len} {second_start} {second_len}] no cabe en el archivo de {} bytes",
            bytes.len()
        ));
    }
    let gap = &bytes[first_len..second_start];
    if gap.len() < 2 || gap[0] != b'<' || gap[gap.len() - 1] != b'>' {
        return Err(
            "el hueco de /ByteRange no es exactamente la cadena hexadecimal de /Contents".into(),
        );
    }
    let hex = &gap[1..gap.len() - 1];
    if hex.len() % 2 != 0 || !hex.iter().all(u8::is_ascii_hexdigit) {
        return Err("el hueco de /ByteRange contiene algo más que dígitos hexadecimales".into());
    }
    let contents = match sig.get(b"Contents") {
        Ok(Object::String(contents, _)) => contents,
        _ => return Err("falta /Contents o no es una cadena".into()),
    };
    if hex.len() / 2 != contents.len()
        || hex
            .chunks_exact(2)
            .zip(contents)
            .any(|(pair, byte)| hex_byte(pair) != *byte)
    {
        return Err("el hueco de /ByteRange no coincide con /Contents de la firma".into());
    }
    Ok(ByteRange {
        first_len,
        second_start,
        second_len,
    })
}

fn hex_byte(pair: &[u8]) -> u8 {
    let digit = |c: u8| match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    };
    (digit(pair[0]) << 4) | digit(pair[1])
}

/// Loads a PDF, or one revision of it (a prefix), without making the
/// parser read the signatures' `/Contents` hex strings character by
/// character — most of the parsing time of a signed acta, paid again for
/// every revision. Each `/Contents` that a `/ByteRange` in the file points
/// at is swapped, in a private copy of the same length, for a short hex
/// string holding a random marker, and after parsing the marker string is
/// replaced with the real value. When a marker is not found back exactly
/// once as a string (the gap was not a string token of its own: inside a
/// stream, a comment, a literal), that load falls back to the plain bytes,
/// so the result is always what parsing the original gives.
pub struct Loader<'a> {
    original: &'a [u8],
    copy: Vec<u8>,
    gaps: Vec<Gap>,
    nonce: [u8; 8],
}

struct Gap {
    start: usize,
    end: usize,
    value: Vec<u8>,
}

/// Marker: the nonce and the gap's index, as a 24-digit hex string.
const MARKER_LEN: usize = 12;
/// Gaps shorter than this are left alone (nothing to gain).
const MIN_GAP: usize = 64;

impl<'a> Loader<'a> {
    pub fn new(original: &'a [u8]) -> Loader<'a> {
        let mut nonce = [0u8; 8];
        let gaps = if openssl::rand::rand_bytes(&mut nonce).is_ok() {
            contents_gaps(original)
        } else {
            Vec::new()
        };
        let mut copy = Vec::new();
        if !gaps.is_empty() {
            copy = original.to_vec();
            for (index, gap) in gaps.iter().enumerate() {
                let mut marker = [0u8; MARKER_LEN];
                marker[..8].copy_from_slice(&nonce);
                marker[8..].copy_from_slice(&(index as u32).to_be_bytes());
                let slot = &mut copy[gap.start..gap.end];
                slot.fill(b' ');
                slot[0] = b'<';
                for (i, byte) in marker.iter().enumerate() {
                    slot[1 + 2 * i..3 + 2 * i].copy_from_slice(format!("{byte:02x}").as_bytes());
                }
                slot[1 + 2 * MARKER_LEN] = b'>';
            }
        }
        Loader {
            original,
            copy,
            gaps,
            nonce,
        }
    }

    /// Parses `original[..end]` with `parse` (same result as parsing those bytes).
    pub fn load<T>(
        &self,
        end: usize,
        parse: impl Fn(&[u8]) -> Result<Document, T>,
    ) -> Result<Document, T> {
        let end = end.min(self.original.len());
        let straddles = self.gaps.iter().any(|g| g.start < end && g.end > end);
        if self.gaps.is_empty() || straddles {
            return parse(&self.original[..end]);
        }
        if let Ok(mut doc) = parse(&self.copy[..end]) {
            if self.restore(&mut doc, end) {
                return Ok(doc);
            }
        }
        parse(&self.original[..end])
    }

    /// Puts the real `/Contents` back; true when every gap inside the
    /// loaded bytes was found exactly once.
    fn restore(&self, doc: &mut Document, end: usize) -> bool {
        let mut found = vec![0u32; self.gaps.len()];
        let mut stack: Vec<&mut Object> = doc.objects.values_mut().collect();
        stack.extend(doc.trailer.iter_mut().map(|(_, v)| v));
        while let Some(object) = stack.pop() {
            match object {
                Object::String(value, _)
                    if value.len() == MARKER_LEN && value[..8] == self.nonce =>
                {
                    let index = u32::from_be_bytes([value[8], value[9], value[10], value[11]]);
                    if let Some(gap) = self.gaps.get(index as usize) {
                        value.clone_from(&gap.value);
                        found[index as usize] += 1;
                    }
                }
                Object::Array(items) => stack.extend(items.iter_mut()),
                Object::Dictionary(dict) => stack.extend(dict.iter_mut().map(|(_, v)| v)),
                Object::Stream(stream) => stack.extend(stream.dict.iter_mut().map(|(_, v)| v)),
                _ => {}
            }
        }
        self.gaps
            .iter()
            .zip(found)
            .all(|(gap, n)| n == u32::from(gap.end <= end))
    }
}

/// The gaps that `/ByteRange [0 b c d]` arrays written in the file point
/// at, when they look like a hex string of their own: `<`, an even number
/// of hex digits, `>`. Overlapping candidates are dropped.
fn contents_gaps(bytes: &[u8]) -> Vec<Gap> {
    let mut gaps: Vec<Gap> = Vec::new();
    let mut from = 0;
    while let Some(pos) = bytes.get(from..).and_then(|rest| find(rest, b"/ByteRange")) {
        let at = from + pos + b"/ByteRange".len();
        from = at;
        let Some([_, b, c, _]) = byte_range_text(&bytes[at..bytes.len().min(at + 128)]) else {
            continue;
        };
        if c <= b || c > bytes.len() || c - b < MIN_GAP {
            continue;
        }
        let gap = &bytes[b..c];
        let hex = &gap[1..gap.len() - 1];
        if gap[0] != b'<' || gap[gap.len() - 1] != b'>' || hex.len() % 2 != 0 {
            continue;
        }
        if !hex.iter().all(u8::is_ascii_hexdigit) {
            continue;
        }
        if gaps.iter().any(|g| g.start < c && b < g.end) {
            continue;
        }
        gaps.push(Gap {
            start: b,
            end: c,
            value: hex.chunks_exact(2).map(hex_byte).collect(),
        });
    }
    gaps
}

/// `[n n n n]` after `/ByteRange`, written as plain integers.
fn byte_range_text(text: &[u8]) -> Option<[usize; 4]> {
    let text = std::str::from_utf8(text.split(|b| *b == b']').next()?).ok()?;
    let inner = text.trim_start().strip_prefix('[')?;
    let mut out = [0usize; 4];
    let mut parts = inner.split_ascii_whitespace();
    for slot in &mut out {
        *slot = parts.next()?.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// Where each revision of the file ends: just after each `%%EOF` marker
/// that follows a `startxref` (and after its end-of-line), in file order.
/// A file whose last bytes are not such a marker gets the file's end as a
/// last boundary, so every offset falls into some revision.
pub fn revision_ends(bytes: &[u8]) -> Vec<usize> {
    const EOF: &[u8] = b"%%EOF";
    let mut ends = Vec::new();
    let mut from = 0;
    while let Some(pos) = find(&bytes[from..], EOF).map(|p| p + from) {
        from = pos + EOF.len();
        // Only `startxref <offset>` may stand between the keyword and the marker.
        let before = &bytes[pos.saturating_sub(48)..pos];
        let Some(keyword) = rfind(before, b"startxref") else {
            continue;
        };
        let offset = &before[keyword + b"startxref".len()..];
        if !offset
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_whitespace())
        {
            continue;
        }
        let mut end = from;
        if bytes.get(end) == Some(&b'\r') {
            end += 1;
        }
        if bytes.get(end) == Some(&b'\n') {
            end += 1;
        }
        ends.push(end);
    }
    if ends.last().is_none_or(|last| *last < bytes.len()) {
        // Trailing whitespace after the last marker belongs to the last revision.
        let tail_is_blank = ends
            .last()
            .is_some_and(|last| bytes[*last..].iter().all(u8::is_ascii_whitespace));
        if tail_is_blank {
            if let Some(last) = ends.last_mut() {
                *last = bytes.len();
            }
        } else {
            ends.push(bytes.len());
        }
    }
    ends
}

/// The 1-based revision a signed range ending at `end` covers: the first
/// revision that ends at or after it (EOL bytes after `%%EOF` may or may not
/// be signed). `exact` tells whether `end` is that revision's boundary.
pub fn revision_of(ends: &[usize], end: usize) -> (usize, bool) {
    match ends.iter().position(|e| *e >= end) {
        Some(i) => {
            let exact = ends[i] == end || boundary_slack(ends, i, end);
            (i + 1, exact)
        }
        None => (ends.len(), false),
    }
}

/// `end` stops inside the end-of-line after `%%EOF` of revision `i`.
fn boundary_slack(ends: &[usize], i: usize, end: usize) -> bool {
    ends[i] - end <= 2
}

/// First position of `needle` (non-empty) in `haystack`.
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut from = 0;
    while let Some(pos) = haystack.get(from..)?.iter().position(|&b| b == first) {
        let at = from + pos;
        if haystack.get(at + 1..at + needle.len()) == Some(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// A PDF date (`D:20260315100000-05'00'`, every part after the year optional).
pub fn parse_pdf_date(raw: &[u8]) -> Option<DateTime<FixedOffset>> {
    let s = std::str::from_utf8(raw).ok()?.trim();
    let s = s.strip_prefix("D:").unwrap_or(s);
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() < 4 {
        return None;
    }
    let part = |from: usize, len: usize, default: u32| -> Option<u32> {
        match digits.get(from..from + len) {
            Some(p) => p.parse().ok(),
            None => Some(default),
        }
    };
    let year: i32 = digits.get(0..4)?.parse().ok()?;
    let (month, day) = (part(4, 2, 1)?, part(6, 2, 1)?);
    let (hour, minute, second) = (part(8, 2, 0)?, part(10, 2, 0)?, part(12, 2, 0)?);
    let naive = NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(hour, minute, second)?;
    let rest = &s[digits.len()..];
    let offset_seconds = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let nums: Vec<i32> = rest[1..]
                .split(|c: char| !c.is_ascii_digit())
                .filter(|p| !p.is_empty())
                .take(2)
                .filter_map(|p| p.parse().ok())
                .collect();
            let hours = *nums.first().unwrap_or(&0);
            let minutes = *nums.get(1).unwrap_or(&0);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let total = hours * 3600 + minutes * 60;
            if sign == '-' {
                -total
            } else {
                total
            }
        }
        // `Z` or nothing: UTC (with nothing the offset is unknown; UTC is the usual reading)
        _ => 0,
    };
    FixedOffset::east_opt(offset_seconds)?
        .from_local_datetime(&naive)
        .single()
}

/// A text string (PDFDocEncoding, UTF-16BE or UTF-8 with BOM) as Rust text.
pub fn text(object: &Object) -> Option<String> {
    let object = match object {
        Object::String(..) => object,
        _ => return None,
    };
    lopdf::decode_text_string(object)
        .ok()
        .map(|s| s.trim_start_matches('\u{feff}').to_string())
}

pub(crate) fn catalog(doc: &Document) -> Option<&Dictionary> {
    let id = doc.trailer.get(b"Root").ok()?.as_reference().ok()?;
    doc.get_dictionary(id).ok()
}

/// The dictionary an object is or refers to (one level of indirection).
pub(crate) fn resolve_dict<'a>(
    doc: &'a Document,
    object: Option<&'a Object>,
) -> Option<&'a Dictionary> {
    match object? {
        Object::Dictionary(d) => Some(d),
        Object::Reference(id) => match doc.get_object(*id).ok()? {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        },
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// The array an object is or refers to (one level of indirection).
pub(crate) fn resolve_array<'a>(
    doc: &'a Document,
    object: Option<&'a Object>,
) -> Option<&'a Vec<Object>> {
    match object? {
        Object::Array(a) => Some(a),
        Object::Reference(id) => doc.get_object(*id).ok()?.as_array().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, StringFormat};

    #[test]
    fn pdf_dates() {
        let d = parse_pdf_date(b"D:20260315100000-05'00'").unwrap();
        assert_eq!(d.to_rfc3339(), "2026-03-15T10:00:00-05:00");
        let d = parse_pdf_date(b"D:20260315100000+05'30").unwrap();
        assert_eq!(d.to_rfc3339(), "2026-03-15T10:00:00+05:30");
        let d = parse_pdf_date(b"D:20260315100000Z").unwrap();
        assert_eq!(d.to_rfc3339(), "2026-03-15T10:00:00+00:00");
        let d = parse_pdf_date(b"D:2026").unwrap();
        assert_eq!(d.to_rfc3339(), "2026-01-01T00:00:00+00:00");
        assert!(parse_pdf_date(b"D:20261315").is_none());
        assert!(parse_pdf_date(b"ayer").is_none());
        assert!(parse_pdf_date(b"D:20260315100000-99'00'").is_none());
    }

    fn sig_dict(byte_range: Vec<i64>, contents: &[u8]) -> Dictionary {
        dictionary! {
            "ByteRange" => byte_range.into_iter().map(Object::Integer).collect::<Vec<_>>(),
            "Contents" => Object::String(contents.to_vec(), StringFormat::Hexadecimal),
        }
    }

    #[test]
    fn byte_range_checks() {
        let file = b"abc<0aff>defg";
        let good = sig_dict(vec![0, 3, 9, 4], &[0x0a, 0xff]);
        let range = check_byte_range(file, &good).unwrap();
        assert_eq!(range.end(), 13);
        assert_eq!(range.signed_content(file), b"abcdefg");
        // gap one byte too short, not at 0, outside the file, wrong contents, 3 values
        for (br, contents) in [
            (vec![0, 4, 9, 4], vec![0x0a, 0xff]),
            (vec![1, 3, 9, 4], vec![0x0a, 0xff]),
            (vec![0, 3, 9, 5], vec![0x0a, 0xff]),
            (vec![0, 3, 9, 4], vec![0x0a, 0xfe]),
            (vec![0, 3, 9], vec![0x0a, 0xff]),
            (vec![0, -3, 9, 4], vec![0x0a, 0xff]),
            (vec![0, 9, 3, 4], vec![0x0a, 0xff]),
            (vec![0, 3, 9, i64::MAX], vec![0x0a, 0xff]),
        ] {
            assert!(
                check_byte_range(file, &sig_dict(br.clone(), &contents)).is_err(),
                "{br:?}"
            );
        }
    }

    /// A small PDF whose `/ByteRange` points at `<hex>` written inside a
    /// literal string or a stream: a gap that is no string token of its own.
    fn pdf_with_gap(in_stream: bool) -> Vec<u8> {
        let hex = format!("<{}>", "ab".repeat(40));
        let mut doc = Document::with_version("1.7");
        let pages =
            doc.add_object(dictionary! { "Type" => "Pages", "Kids" => vec![], "Count" => 0 });
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        let note = if in_stream {
            let stream = lopdf::Stream::new(dictionary! {}, hex.as_bytes().to_vec());
            Object::Reference(doc.add_object(stream))
        } else {
            Object::string_literal(hex.as_str())
        };
        let placeholder = || Object::Integer(1_000_000);
        doc.add_object(dictionary! {
            "Note" => note,
            "ByteRange" => vec![0.into(), placeholder(), placeholder(), 0.into()],
        });
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        let start = find(&bytes, hex.as_bytes()).unwrap();
        let end = start + hex.len();
        let text = format!("[0 {start:07} {end:07} 0]");
        let at = find(&bytes, b"[0 1000000 1000000 0]").unwrap();
        bytes[at..at + text.len()].copy_from_slice(text.as_bytes());
        bytes
    }

    #[test]
    fn loader_parses_exactly_like_the_reader() {
        for in_stream in [false, true] {
            let bytes = pdf_with_gap(in_stream);
            let loader = Loader::new(&bytes);
            assert_eq!(loader.gaps.len(), 1, "the gap is a candidate");
            let fast = loader.load(bytes.len(), Document::load_mem).unwrap();
            let plain = Document::load_mem(&bytes).unwrap();
            assert!(fast.objects == plain.objects, "in_stream: {in_stream}");
        }
        assert!(contents_gaps(b"/ByteRange [0 1 2").is_empty());
        assert!(contents_gaps(b"/ByteRange [0 99999999999999999999999 2 3]").is_empty());
        assert_eq!(byte_range_text(b" [0 10 20 30]>>"), Some([0, 10, 20, 30]));
        assert_eq!(byte_range_text(b"[0 10 20]"), None);
        assert_eq!(byte_range_text(b"[0 10 20 30 40]"), None);
    }

    #[test]
    fn revisions_of_a_file() {
        let file =
            b"%PDF-1.7\n1 0 obj\nstartxref\n9\n%%EOF\n2 0 obj\n%%EOF\nstartxref\n40\n%%EOF\r\n";
        let ends = revision_ends(file);
        assert_eq!(ends, vec![35, file.len()]);
        assert_eq!(revision_of(&ends, 35), (1, true));
        assert_eq!(revision_of(&ends, 34), (1, true));
        assert_eq!(revision_of(&ends, 20), (1, false));
        assert_eq!(revision_of(&ends, file.len()), (2, true));
        // garbage after the last %%EOF is a revision of its own
        let mut longer = file.to_vec();
        longer.extend_from_slice(b"junk");
        assert_eq!(revision_ends(&longer).len(), 3);
        assert_eq!(revision_ends(b"").len(), 1);
    }
}
