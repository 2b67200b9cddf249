//! The font of the visible signature stamp: DejaVu Sans (the document's
//! font) subset to a fixed repertoire — ASCII, Latin-1 and common
//! punctuation — so any Spanish, Portuguese or Aymara/Quechua-in-Latin name
//! prints with its accents, whatever glyphs the page fonts happen to hold.
//!
//! It is built once per process with printpdf (which knows how to subset and
//! embed a TrueType font with its ToUnicode map) and cached as lopdf objects
//! plus a char → glyph-id map. It does not place text (`appearance`) nor
//! write objects into a document (`incremental`).

use std::collections::HashMap;
use std::sync::OnceLock;

use lopdf::{content::Content, Document, Object, ObjectId};
use printpdf::{
    FontId, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Pt, TextItem, TextMatrix,
};

use crate::render::fonts::fonts;

/// Resource name of the stamp font in `/AcroForm /DR /Font` and in appearances.
pub const STAMP_FONT_NAME: &str = "ActasSello";

/// The subset font as objects to copy into a document.
pub struct StampFont {
    /// The Type0 font dictionary's id inside `objects`.
    pub root: ObjectId,
    /// The font dictionary and everything it references (ids local to this set).
    pub objects: Vec<(ObjectId, Object)>,
    glyphs: HashMap<char, u16>,
    fallback: u16,
}

impl StampFont {
    /// The 2-byte glyph codes of `text` (Identity-H); unknown chars print as «?».
    pub fn encode(&self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let gid = self.glyphs.get(&c).copied().unwrap_or(self.fallback);
            out.extend_from_slice(&gid.to_be_bytes());
        }
        out
    }

    /// Whether `c` is in the repertoire.
    pub fn covers(&self, c: char) -> bool {
        self.glyphs.contains_key(&c)
    }
}

/// The characters the stamp can print.
fn repertoire() -> Vec<char> {
    (' '..='~')
        .chain('\u{a1}'..='\u{ff}')
        .chain("–—‘’“”•…€ŒœŠšŽžŸ".chars())
        .collect()
}

/// The stamp font, built on first use.
pub fn stamp_font() -> &'static StampFont {
    static FONT: OnceLock<StampFont> = OnceLock::new();
    // The shipped font and a fixed repertoire: failing here is a build defect, not input.
    FONT.get_or_init(|| build().expect("the stamp font subset builds from the shipped DejaVu font"))
}

fn build() -> Result<StampFont, String> {
    let chars = repertoire();
    let mut doc = PdfDocument::new("sello");
    let font_id = FontId("ACTSEL".into());
    doc.resources.fonts.map.insert(
        font_id.clone(),
        printpdf::PdfFont::new(fonts().regular.parsed.clone()),
    );
    let mut ops = vec![
        Op::StartTextSection,
        Op::SetFont {
            font: PdfFontHandle::External(font_id),
            size: Pt(10.0),
        },
    ];
    // One glyph per show operation: the codes come back in the same order, one per char.
    for (i, c) in chars.iter().enumerate() {
        ops.push(Op::SetTextMatrix {
            matrix: TextMatrix::Translate(
                Pt(10.0 + (i % 40) as f32 * 12.0),
                Pt(800.0 - (i / 40) as f32 * 14.0),
            ),
        });
        ops.push(Op::ShowText {
            items: vec![TextItem::Text(c.to_string())],
        });
    }
    ops.push(Op::EndTextSection);
    doc.with_pages(vec![PdfPage::new(
        printpdf::Mm(210.0),
        printpdf::Mm(297.0),
        ops,
    )]);
    let options = PdfSaveOptions {
        optimize: false,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let lo = doc.to_lopdf_document(&options, &mut Vec::new());

    let page = *lo.get_pages().values().next().ok_or("sin página")?;
    let content = Content::decode(&lo.get_page_content(page)).map_err(|e| e.to_string())?;
    let codes: Vec<u16> = content
        .operations
        .iter()
        .filter(|op| op.operator == "Tj" || op.operator == "TJ")
        .flat_map(|op| op.operands.iter())
        .flat_map(|operand| match operand {
            Object::String(bytes, _) => vec![bytes.clone()],
            Object::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().ok().map(<[u8]>::to_vec))
                .collect(),
            _ => Vec::new(),
        })
        .map(|bytes| {
            if bytes.len() >= 2 {
                u16::from_be_bytes([bytes[0], bytes[1]])
            } else {
                0
            }
        })
        .collect();
    if codes.len() != chars.len() {
        return Err(format!(
            "{} códigos para {} caracteres",
            codes.len(),
            chars.len()
        ));
    }
    let glyphs: HashMap<char, u16> = chars
        .iter()
        .copied()
        .zip(codes)
        .filter(|(_, gid)| *gid != 0)
        .collect();
    let fallback = *glyphs.get(&'?').ok_or("sin «?»")?;

    let page_dict = lo.get_dictionary(page).map_err(|e| e.to_string())?;
    let resources = match page_dict.get(b"Resources").map_err(|e| e.to_string())? {
        Object::Reference(id) => lo.get_dictionary(*id).map_err(|e| e.to_string())?,
        Object::Dictionary(d) => d,
        _ => return Err("recursos inválidos".into()),
    };
    let fonts_dict = match resources.get(b"Font").map_err(|e| e.to_string())? {
        Object::Reference(id) => lo.get_dictionary(*id).map_err(|e| e.to_string())?,
        Object::Dictionary(d) => d,
        _ => return Err("fuentes inválidas".into()),
    };
    let root = fonts_dict
        .iter()
        .find_map(|(_, v)| v.as_reference().ok())
        .ok_or("sin fuente en los recursos")?;
    let mut objects = closure(&lo, root);
    for (_, object) in &mut objects {
        if let Object::Stream(stream) = object {
            crate::render::pdf::deflate(stream);
        }
    }
    Ok(StampFont {
        root,
        objects,
        glyphs,
        fallback,
    })
}

/// `root` and every object it references, transitively.
fn closure(doc: &Document, root: ObjectId) -> Vec<(ObjectId, Object)> {
    let mut seen = std::collections::BTreeMap::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if seen.contains_key(&id) {
            continue;
        }
        let Ok(object) = doc.get_object(id) else {
            continue;
        };
        collect_references(object, &mut stack);
        seen.insert(id, object.clone());
    }
    seen.into_iter().collect()
}

pub(crate) fn collect_references(object: &Object, out: &mut Vec<ObjectId>) {
    match object {
        Object::Reference(id) => out.push(*id),
        Object::Array(items) => items.iter().for_each(|i| collect_references(i, out)),
        Object::Dictionary(dict) => dict.iter().for_each(|(_, v)| collect_references(v, out)),
        Object::Stream(stream) => stream
            .dict
            .iter()
            .for_each(|(_, v)| collect_references(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_spanish_and_maps_each_char_to_a_glyph() {
        let font = stamp_font();
        for c in "áéíóúñÑüÜ¿¡ÁÉÍÓÚçãõ°ºª€".chars() {
            assert!(font.covers(c), "{c}");
        }
        assert_ne!(font.encode("á"), font.encode("a"));
        assert_eq!(font.encode("ab").len(), 4);
        assert_eq!(font.encode("漢"), font.encode("?"));
        assert!(font.objects.iter().any(|(id, _)| *id == font.root));
        assert!(
            font.objects.len() >= 4,
            "Type0 + CIDFont + descriptor + font file"
        );
    }
}
