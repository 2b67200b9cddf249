//! Reading what signing needs from an existing PDF, once: its signature
//! fields by fully qualified name (`firma.<role>`), which are filled, the
//! Actas template and number it carries, and where its last
//! cross-reference section is. Any PDF may come in (not only ours);
//! encrypted ones are refused.
//!
//! It changes nothing; `sign` builds the update from a [`PreparedPdf`].

use lopdf::{decode_text_string, Dictionary, Document, LoadOptions, Object, ObjectId};

use super::SignError;
use crate::limits::{self, TooLarge};

/// A terminal signature field.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureField {
    /// Fully qualified name, e.g. `firma.coord-calidad`.
    pub name: String,
    /// The field dictionary (holds /V).
    pub field: ObjectId,
    /// The widget annotation (holds /Rect and /AP); the same object when merged.
    pub widget: ObjectId,
    pub signed: bool,
}

/// A parsed PDF ready to receive signatures (parse once, sign many).
pub struct PreparedPdf {
    pub bytes: Vec<u8>,
    pub doc: Document,
    pub fields: Vec<SignatureField>,
    /// `/ActasTemplate` and `/ActasNumber` from the Info dictionary, when ours.
    pub template: Option<String>,
    pub number: Option<String>,
    pub prev_xref: usize,
    pub xref_stream: bool,
}

impl PreparedPdf {
    /// Reads `bytes` within [`limits::PDF_FILE_BYTES`], each stream decoded
    /// while reading (object and cross-reference streams) within
    /// [`limits::PDF_STREAM_BYTES`].
    pub fn parse(bytes: Vec<u8>) -> Result<PreparedPdf, SignError> {
        if bytes.len() as u64 > limits::PDF_FILE_BYTES {
            return Err(SignError::TooLarge(
                TooLarge {
                    what: "el PDF".into(),
                    size: bytes.len() as u64,
                    max: limits::PDF_FILE_BYTES,
                }
                .to_string(),
            ));
        }
        if !bytes.starts_with(b"%PDF-") {
            return Err(SignError::NotPdf {
                reason: "no empieza con %PDF-".into(),
            });
        }
        let options = LoadOptions::with_max_decompressed_size(limits::PDF_STREAM_BYTES);
        let doc = Document::load_mem_with_options(&bytes, options).map_err(|e| match e {
            lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
                SignError::TooLarge(format!(
                    "un flujo del PDF se descomprime a más de {}, el máximo admitido",
                    limits::bytes(limits::PDF_STREAM_BYTES as u64)
                ))
            }
            other => SignError::NotPdf {
                reason: other.to_string(),
            },
        })?;
        if doc.trailer.get(b"Encrypt").is_ok() || doc.is_encrypted() {
            return Err(SignError::Encrypted);
        }
        // lopdf skips an object stream it cannot decode, a bomb included:
        // a catalog that was inside one is missing.
        if doc.catalog().is_err() {
            return Err(SignError::NotPdf {
                reason: format!(
                    "no se puede leer su catálogo (/Root): el PDF está dañado o un flujo se descomprime a más de {}, el máximo admitido",
                    limits::bytes(limits::PDF_STREAM_BYTES as u64)
                ),
            });
        }
        let prev_xref = last_startxref(&bytes).ok_or_else(|| SignError::NotPdf {
            reason: "falta startxref".into(),
        })?;
        let xref_stream = !bytes
            .get(prev_xref..)
            .is_some_and(|rest| rest.starts_with(b"xref"));
        let fields = signature_fields(&doc);
        let info = doc.trailer.get(b"Info").ok().and_then(|i| match i {
            Object::Reference(id) => doc.get_dictionary(*id).ok(),
            Object::Dictionary(d) => Some(d),
            _ => None,
        });
        let info_text = |key: &[u8]| {
            info.and_then(|d| d.get(key).ok())
                .and_then(|o| decode_text_string(o).ok())
        };
        let template = info_text(b"ActasTemplate");
        let number = info_text(b"ActasNumber");
        Ok(PreparedPdf {
            bytes,
            doc,
            fields,
            template,
            number,
            prev_xref,
            xref_stream,
        })
    }

    pub fn field(&self, name: &str) -> Option<&SignatureField> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Roles (`firma.<role>`) whose fields are already signed.
    pub fn signed_roles(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter(|f| f.signed)
            .filter_map(|f| f.name.strip_prefix("firma.").map(str::to_string))
            .collect()
    }
}

/// Offset after the last `startxref` keyword.
fn last_startxref(bytes: &[u8]) -> Option<usize> {
    let tail_start = bytes.len().saturating_sub(2048);
    let tail = &bytes[tail_start..];
    let at = tail.windows(9).rposition(|w| w == b"startxref")?;
    let digits: String = tail[at + 9..]
        .iter()
        .map(|&b| b as char)
        .skip_while(|c| c.is_whitespace())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The AcroForm dictionary (direct or referenced from the catalog).
pub fn acroform(doc: &Document) -> Option<&Dictionary> {
    let catalog = doc.catalog().ok()?;
    match catalog.get(b"AcroForm").ok()? {
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

fn signature_fields(doc: &Document) -> Vec<SignatureField> {
    let mut out = Vec::new();
    let Some(form) = acroform(doc) else {
        return out;
    };
    let Ok(fields) = form.get(b"Fields").and_then(Object::as_array) else {
        return out;
    };
    for field in fields {
        if let Ok(id) = field.as_reference() {
            walk(doc, id, "", None, &mut out, 0);
        }
    }
    out
}

fn walk(
    doc: &Document,
    id: ObjectId,
    parent_name: &str,
    inherited_ft: Option<&[u8]>,
    out: &mut Vec<SignatureField>,
    depth: usize,
) {
    let Ok(dict) = doc.get_dictionary(id) else {
        return;
    };
    if depth > 32 {
        return;
    }
    let partial = dict.get(b"T").ok().and_then(|t| decode_text_string(t).ok());
    let name = match (&partial, parent_name.is_empty()) {
        (Some(p), true) => p.clone(),
        (Some(p), false) => format!("{parent_name}.{p}"),
        (None, _) => parent_name.to_string(),
    };
    let ft = dict
        .get(b"FT")
        .ok()
        .and_then(|o| o.as_name().ok())
        .or(inherited_ft);
    let kids: Vec<ObjectId> = dict
        .get(b"Kids")
        .and_then(Object::as_array)
        .map(|k| k.iter().filter_map(|o| o.as_reference().ok()).collect())
        .unwrap_or_default();
    // Kids that have names are fields; nameless kids are this field's widgets.
    let field_kids: Vec<ObjectId> = kids
        .iter()
        .copied()
        .filter(|k| doc.get_dictionary(*k).is_ok_and(|d| d.has(b"T")))
        .collect();
    if field_kids.is_empty() {
        if ft == Some(&b"Sig"[..]) {
            let widget = if dict.has(b"Rect") {
                id
            } else {
                kids.first().copied().unwrap_or(id)
            };
            out.push(SignatureField {
                name,
                field: id,
                widget,
                signed: dict.has(b"V"),
            });
        }
        return;
    }
    for kid in field_kids {
        walk(doc, kid, &name, ft, out, depth + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PDF whose catalog sits in an object stream of `padding` bytes
    /// (zeros after the objects), with a classic cross-reference table.
    fn pdf_with_object_stream(padding: usize) -> Vec<u8> {
        use std::io::Write;
        let objects = b"1 0 << /Type /Catalog /Pages 2 0 R >>";
        let mut content = b"1 0 ".to_vec();
        let first = content.len();
        content.extend_from_slice(&objects[4..]);
        content.resize(content.len() + padding, b' ');
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(&content).unwrap();
        let body = z.finish().unwrap();
        let mut pdf = b"%PDF-1.5\n".to_vec();
        let mut offsets = Vec::new();
        offsets.push(pdf.len());
        pdf.extend_from_slice(b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n");
        offsets.push(pdf.len());
        pdf.extend_from_slice(
            format!(
                "3 0 obj << /Type /ObjStm /N 1 /First {first} /Filter /FlateDecode /Length {} >>\nstream\n",
                body.len()
            )
            .as_bytes(),
        );
        pdf.extend_from_slice(&body);
        pdf.extend_from_slice(b"\nendstream\nendobj\n");
        let xref = pdf.len();
        pdf.extend_from_slice(b"xref\n0 4\n0000000000 65535 f \n0000000000 65535 f \n");
        for at in offsets {
            pdf.extend_from_slice(format!("{at:010} 00000 n \n").as_bytes());
        }
        pdf.extend_from_slice(
            format!("trailer << /Size 4 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
        );
        pdf
    }

    #[test]
    fn an_object_stream_within_the_limit_is_read() {
        let prepared = PreparedPdf::parse(pdf_with_object_stream(1000)).unwrap();
        assert!(prepared.fields.is_empty());
    }

    /// 65 MiB of content in a stream of about 65 KiB: not decoded, and the
    /// PDF is refused naming the limit (without the limit it would load).
    #[test]
    fn an_object_stream_bomb_is_not_decoded() {
        let pdf = pdf_with_object_stream(limits::PDF_STREAM_BYTES + (1 << 20));
        assert!(pdf.len() < 1 << 20, "{} bytes", pdf.len());
        let err = PreparedPdf::parse(pdf).err().expect("refused");
        let text = err.to_string();
        assert!(text.contains("más de 64 MiB, el máximo admitido"), "{text}");
    }

    #[test]
    fn a_pdf_over_the_file_limit_is_refused_before_parsing() {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.resize(limits::PDF_FILE_BYTES as usize + 1, b' ');
        let text = PreparedPdf::parse(pdf).err().expect("refused").to_string();
        assert_eq!(
            text,
            "el PDF ocupa 268 435 457 bytes; el máximo admitido es 268 435 456 bytes"
        );
    }
}
