//! Writing a PDF incremental update, usually one that carries a signature:
//! the earlier bytes are copied untouched, the new and changed objects are
//! appended with a new cross-reference section (a table, or a stream when
//! the file already uses streams) whose `/Prev` points at the previous one,
//! then `/ByteRange` and `/Contents` are patched in place once the CMS (or
//! the document time-stamp token) is known. An update without a signature
//! (a DSS of validation data) is written the same way.
//!
//! It knows PDF syntax only: no certificates (the CMS comes from a closure)
//! and no form semantics (the caller decides which objects change).

use std::io::Write;

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

/// Width reserved for each `/ByteRange` number (a 10-digit offset covers 9 GB).
const BYTE_RANGE_DIGITS: usize = 10;

/// What to append.
pub struct Update {
    /// New or replaced objects (not the signature dictionary).
    pub objects: Vec<(ObjectId, Object)>,
    /// The signature dictionary's id and its keys other than /ByteRange and
    /// /Contents; None for an update without a signature.
    pub signature: Option<(ObjectId, Dictionary)>,
    /// Bytes reserved for the DER CMS (the hex string is twice as long).
    pub contents_capacity: usize,
    /// The previous trailer (Root, Info, ID are carried over).
    pub trailer: Dictionary,
    /// Offset of the previous cross-reference section.
    pub prev_xref: usize,
    /// Whether the previous section is a cross-reference stream.
    pub xref_stream: bool,
    /// One more than the highest object number in use.
    pub size: u32,
}

/// Appends `update` (which must carry a signature dictionary) to
/// `previous`, then fills `/ByteRange` and calls `sign(sha256 of the
/// covered bytes)` for the DER to place in `/Contents`.
pub fn write_signed_update<E>(
    previous: &[u8],
    update: &Update,
    sign: impl FnOnce(&[u8; 32]) -> Result<Vec<u8>, E>,
    too_large: impl FnOnce(usize, usize) -> E,
) -> Result<Vec<u8>, E> {
    let (mut out, placeholders) = append(previous, update);
    let Some((contents_start, contents_end, range_at)) = placeholders else {
        // No signature dictionary: nothing to sign (a caller's mistake).
        return Err(too_large(0, 0));
    };

    // Patch /ByteRange, hash everything but the /Contents hex string, sign, fill it.
    let tail = out.len() - contents_end;
    let ranges = format!("[0 {contents_start} {contents_end} {tail}");
    let field = &mut out[range_at..range_at + byte_range_width()];
    field.fill(b' ');
    field[..ranges.len()].copy_from_slice(ranges.as_bytes());
    field[byte_range_width() - 1] = b']';

    let digest = covered_digest(&out, contents_start, contents_end);
    let cms = sign(&digest)?;
    let capacity = (contents_end - contents_start - 2) / 2;
    if cms.len() > capacity {
        return Err(too_large(cms.len(), capacity));
    }
    let hex = &mut out[contents_start + 1..contents_start + 1 + cms.len() * 2];
    for (i, byte) in cms.iter().enumerate() {
        const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
        hex[2 * i] = DIGITS[usize::from(byte >> 4)];
        hex[2 * i + 1] = DIGITS[usize::from(byte & 0x0f)];
    }
    Ok(out)
}

/// Appends `update`, which carries no signature, to `previous`.
pub fn write_update(previous: &[u8], update: &Update) -> Vec<u8> {
    append(previous, update).0
}

/// The new file, and where the signature's placeholders are (offset of `<`
/// of /Contents, offset after its `>`, offset of the /ByteRange array).
#[allow(clippy::type_complexity)]
fn append(previous: &[u8], update: &Update) -> (Vec<u8>, Option<(usize, usize, usize)>) {
    let mut out = Vec::with_capacity(previous.len() + update.contents_capacity * 2 + 64 * 1024);
    out.extend_from_slice(previous);
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut offsets: Vec<(ObjectId, usize)> = Vec::with_capacity(update.objects.len() + 2);
    for (id, object) in &update.objects {
        offsets.push((*id, out.len()));
        write_indirect(&mut out, *id, object);
    }
    let placeholders = update.signature.as_ref().map(|(sig_id, sig_dict)| {
        offsets.push((*sig_id, out.len()));
        write_signature_dictionary(&mut out, *sig_id, sig_dict, update.contents_capacity)
    });

    let xref_offset = out.len();
    offsets.sort();
    let mut trailer = Dictionary::new();
    for key in [&b"Root"[..], b"Info", b"ID", b"Encrypt"] {
        if let Ok(value) = update.trailer.get(key) {
            trailer.set(key.to_vec(), value.clone());
        }
    }
    let size = update
        .size
        .max(offsets.iter().map(|((n, _), _)| n + 1).max().unwrap_or(0));
    trailer.set("Size", i64::from(size));
    trailer.set("Prev", update.prev_xref as i64);
    if update.xref_stream {
        write_xref_stream(&mut out, &offsets, trailer, size);
    } else {
        write_xref_table(&mut out, &offsets, &trailer);
    }
    let _ = write!(out, "startxref\n{xref_offset}\n%%EOF\n");
    (out, placeholders)
}

fn byte_range_width() -> usize {
    // "[0 " + three numbers and their separators + "]"
    3 + 3 * BYTE_RANGE_DIGITS + 2 + 1
}

/// SHA-256 of the file without the `/Contents` hex string.
fn covered_digest(out: &[u8], contents_start: usize, contents_end: usize) -> [u8; 32] {
    let mut hasher = openssl::sha::Sha256::new();
    hasher.update(&out[..contents_start]);
    hasher.update(&out[contents_end..]);
    hasher.finish()
}

/// Writes the signature dictionary with fixed-width placeholders; returns
/// (offset of `<` of /Contents, offset after its `>`, offset of the /ByteRange array).
fn write_signature_dictionary(
    out: &mut Vec<u8>,
    id: ObjectId,
    dict: &Dictionary,
    capacity: usize,
) -> (usize, usize, usize) {
    let _ = write!(out, "{} {} obj\n<<", id.0, id.1);
    for (key, value) in dict.iter() {
        out.push(b'/');
        write_name_bytes(out, key);
        out.push(b' ');
        write_object(out, value);
    }
    out.extend_from_slice(b"/ByteRange ");
    let range_at = out.len();
    out.extend(std::iter::repeat_n(b' ', byte_range_width()));
    out.extend_from_slice(b"/Contents ");
    let contents_start = out.len();
    out.push(b'<');
    out.extend(std::iter::repeat_n(b'0', capacity * 2));
    out.push(b'>');
    let contents_end = out.len();
    out.extend_from_slice(b">>\nendobj\n");
    (contents_start, contents_end, range_at)
}

fn write_indirect(out: &mut Vec<u8>, id: ObjectId, object: &Object) {
    let _ = writeln!(out, "{} {} obj", id.0, id.1);
    write_object(out, object);
    out.extend_from_slice(b"\nendobj\n");
}

fn write_xref_table(out: &mut Vec<u8>, offsets: &[(ObjectId, usize)], trailer: &Dictionary) {
    out.extend_from_slice(b"xref\n");
    for run in runs(offsets) {
        let _ = writeln!(out, "{} {}", run[0].0 .0, run.len());
        for ((_, generation), offset) in run {
            let _ = write!(out, "{offset:010} {generation:05} n\r\n");
        }
    }
    out.extend_from_slice(b"trailer\n");
    write_object(out, &Object::Dictionary(trailer.clone()));
    out.push(b'\n');
}

/// A cross-reference stream (ISO 32000-1 §7.5.8) for files that use them.
fn write_xref_stream(
    out: &mut Vec<u8>,
    offsets: &[(ObjectId, usize)],
    mut dict: Dictionary,
    size: u32,
) {
    let own_id = (size, 0);
    let own_offset = out.len();
    let mut all = offsets.to_vec();
    all.push((own_id, own_offset));
    let mut index = Vec::new();
    let mut data = Vec::with_capacity(all.len() * 7);
    for run in runs(&all) {
        index.push(Object::Integer(i64::from(run[0].0 .0)));
        index.push(Object::Integer(run.len() as i64));
        for ((_, generation), offset) in run {
            data.push(1u8);
            data.extend_from_slice(&(*offset as u32).to_be_bytes());
            data.extend_from_slice(&generation.to_be_bytes());
        }
    }
    dict.set("Type", Object::Name(b"XRef".to_vec()));
    dict.set("Size", i64::from(size + 1));
    dict.set(
        "W",
        vec![Object::Integer(1), Object::Integer(4), Object::Integer(2)],
    );
    dict.set("Index", index);
    let stream = Object::Stream(lopdf::Stream::new(dict, data));
    write_indirect(out, own_id, &stream);
}

/// Consecutive object numbers grouped into subsections.
fn runs(sorted: &[(ObjectId, usize)]) -> Vec<&[(ObjectId, usize)]> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=sorted.len() {
        if i == sorted.len() || sorted[i].0 .0 != sorted[i - 1].0 .0 + 1 {
            runs.push(&sorted[start..i]);
            start = i;
        }
    }
    runs
}

/// Serialises one object in PDF syntax.
pub fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Object::Real(r) => write_real(out, *r),
        Object::Name(name) => {
            out.push(b'/');
            write_name_bytes(out, name);
        }
        Object::String(bytes, StringFormat::Hexadecimal) => {
            out.push(b'<');
            for b in bytes {
                let _ = write!(out, "{b:02X}");
            }
            out.push(b'>');
        }
        Object::String(bytes, StringFormat::Literal) => {
            out.push(b'(');
            for &b in bytes {
                match b {
                    b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    _ => out.push(b),
                }
            }
            out.push(b')');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dictionary(out, dict),
        Object::Stream(stream) => {
            let mut dict = stream.dict.clone();
            dict.set("Length", stream.content.len() as i64);
            write_dictionary(out, &dict);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&stream.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((number, generation)) => {
            let _ = write!(out, "{number} {generation} R");
        }
    }
}

fn write_dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        out.push(b'/');
        write_name_bytes(out, key);
        out.push(b' ');
        write_object(out, value);
    }
    out.extend_from_slice(b">>");
}

fn write_real(out: &mut Vec<u8>, value: f32) {
    if !value.is_finite() {
        out.push(b'0');
        return;
    }
    // Shortest form that reads back as the same f32 (never exponent notation):
    // copied objects must compare equal to their originals.
    let _ = write!(out, "{value}");
}

/// A name's bytes with `#xx` escapes for delimiters, whitespace and non-ASCII.
fn write_name_bytes(out: &mut Vec<u8>, name: &[u8]) {
    for &b in name {
        let regular = b.is_ascii_graphic() && !b"()<>[]{}/%#".contains(&b);
        if regular {
            out.push(b);
        } else {
            let _ = write!(out, "#{b:02X}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn serialize(object: &Object) -> String {
        let mut out = Vec::new();
        write_object(&mut out, object);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn objects_serialise_in_pdf_syntax() {
        let dict = dictionary! { "Type" => "Sig", "M" => Object::string_literal("D:2026(x)"), "R" => Object::Reference((3, 0)), "A" => vec![1.into(), 2.5.into()] };
        assert_eq!(
            serialize(&Object::Dictionary(dict)),
            "<</Type /Sig/M (D:2026\\(x\\))/R 3 0 R/A [1 2.5]>>"
        );
        assert_eq!(serialize(&Object::Name(b"a b#".to_vec())), "/a#20b#23");
        assert_eq!(serialize(&Object::Real(0.1)), "0.1");
    }

    #[test]
    fn runs_group_consecutive_numbers() {
        let offsets = [((3, 0), 1), ((4, 0), 2), ((9, 0), 3)];
        let groups = runs(&offsets);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].len(), 2);
    }
}
