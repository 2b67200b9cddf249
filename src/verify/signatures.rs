//! Signature fields of one revision of a PDF (ours or not): the AcroForm
//! field tree walked with fully qualified names and inherited `/FT`, each
//! field's widgets and value, and the byte-level facts a verifier needs —
//! whether `/ByteRange` is well formed and its gap is exactly the
//! `/Contents` string (ISO 32000-1 §12.8.1) — and `/M` dates.
//!
//! Everything is read defensively: the input may be hostile, so no lookup
//! here panics and no traversal recurses on document data. Which field a
//! signature really belongs to is decided by `changes` (binding), not here.

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use lopdf::{Dictionary, Object, ObjectId};

use super::reader::View;

/// A field tree deeper than this is treated as broken (Acrobat gives up far earlier).
const MAX_FIELD_DEPTH: usize = 32;
/// Fields read from one form at most (a hostile tree cannot make the walk endless).
const MAX_FIELDS: usize = 100_000;

/// A node of the AcroForm field tree (a field, or a widget of one).
#[derive(Debug, Clone)]
pub struct FieldNode {
    pub id: ObjectId,
    /// Fully qualified name of the field (a widget carries its field's).
    pub name: String,
    /// The node is a widget annotation of its parent (a kid without `/T`),
    /// not a field of its own.
    pub widget_only: bool,
    /// Terminal: no kids that are fields.
    pub terminal: bool,
    /// `/FT /Sig`, own or inherited.
    pub signature: bool,
}

/// A terminal signature field.
#[derive(Debug, Clone)]
pub struct SigField {
    /// Fully qualified name (`firma.coord-calidad`).
    pub name: String,
    pub id: ObjectId,
    /// Its widget annotations: the kids without `/T`, or the field itself
    /// when field and widget are merged.
    pub widgets: Vec<ObjectId>,
    /// The raw `/V` (a reference to the signature dictionary when signed).
    pub value: Option<Object>,
}

/// The field tree of one revision.
#[derive(Debug, Clone, Default)]
pub struct FieldTree {
    /// Every node, fields and widgets, in tree order.
    pub nodes: Vec<FieldNode>,
    /// The terminal signature fields.
    pub signature_fields: Vec<SigField>,
}

impl FieldTree {
    pub fn node(&self, id: ObjectId) -> Option<&FieldNode> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

/// The AcroForm's field tree as `view` has it. Fields and kids that are not
/// indirect objects are skipped (a signature field must be one to be bound).
pub fn field_tree(view: View<'_>) -> FieldTree {
    let mut tree = FieldTree::default();
    let Some(acroform) = view.root().and_then(|c| view.dict(c.get(b"AcroForm").ok())) else {
        return tree;
    };
    let Some(fields) = view.array(acroform.get(b"Fields").ok()) else {
        return tree;
    };
    // (id, parent's qualified name, inherited FT, depth), walked with an explicit stack.
    let mut stack: Vec<(ObjectId, String, Option<Vec<u8>>, usize)> = fields
        .iter()
        .rev()
        .filter_map(|f| f.as_reference().ok())
        .map(|id| (id, String::new(), None, 0))
        .collect();
    let mut seen: HashSet<ObjectId> = HashSet::new();
    while let Some((id, parent_name, inherited_ft, depth)) = stack.pop() {
        if depth > MAX_FIELD_DEPTH || !seen.insert(id) || seen.len() > MAX_FIELDS {
            continue;
        }
        let Some(dict) = view.dict_of(id) else {
            continue;
        };
        let partial = dict
            .get(b"T")
            .ok()
            .and_then(|t| view.resolve(t))
            .and_then(text);
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
        let signature = ft.as_deref() == Some(b"Sig");
        // Kids that carry /T are fields; kids without it are this field's widgets.
        let kids: Vec<ObjectId> = view
            .array(dict.get(b"Kids").ok())
            .unwrap_or(&[])
            .iter()
            .filter_map(|k| k.as_reference().ok())
            .collect();
        let (child_fields, widget_kids): (Vec<ObjectId>, Vec<ObjectId>) = kids
            .into_iter()
            .partition(|k| view.dict_of(*k).is_some_and(|d| d.has(b"T")));
        let terminal = child_fields.is_empty();
        tree.nodes.push(FieldNode {
            id,
            name: name.clone(),
            widget_only: false,
            terminal,
            signature,
        });
        if !terminal {
            for kid in child_fields.into_iter().rev() {
                stack.push((kid, name.clone(), ft.clone(), depth + 1));
            }
            continue;
        }
        for widget in &widget_kids {
            if seen.insert(*widget) {
                tree.nodes.push(FieldNode {
                    id: *widget,
                    name: name.clone(),
                    widget_only: true,
                    terminal: true,
                    signature,
                });
            }
        }
        if signature {
            let widgets = if widget_kids.is_empty() {
                vec![id]
            } else {
                widget_kids
            };
            tree.signature_fields.push(SigField {
                name,
                id,
                widgets,
                value: dict.get(b"V").ok().cloned(),
            });
        }
    }
    tree
}

/// The DocMDP permission level (1–3) a signature dictionary asks for: a
/// `/Reference` entry with `/TransformMethod /DocMDP`, its
/// `/TransformParams /P` (2 when absent, ISO 32000-1 table 254).
pub fn docmdp_level(view: View<'_>, sig: &Dictionary) -> Option<u8> {
    let references = view.array(sig.get(b"Reference").ok())?;
    references.iter().find_map(|reference| {
        let reference = view.dict(Some(reference))?;
        let method = view
            .get_key(reference, b"TransformMethod")?
            .as_name()
            .ok()?;
        if method != b"DocMDP" {
            return None;
        }
        let level = view
            .dict(reference.get(b"TransformParams").ok())
            .and_then(|params| view.get_key(params, b"P"))
            .and_then(|p| p.as_i64().ok())
            .unwrap_or(2);
        Some(level.clamp(1, 3) as u8)
    })
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
}
