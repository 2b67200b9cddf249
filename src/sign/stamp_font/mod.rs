//! The font of the visible signature stamp: DejaVu Sans (the document's
//! font) subset to a fixed repertoire — ASCII, Latin-1 and common
//! punctuation — so any Spanish, Portuguese or Aymara/Quechua-in-Latin name
//! prints with its accents, whatever glyphs the page fonts happen to hold.
//!
//! The subset ships prebuilt in `fonts/actas-sello.pdf`: the font objects
//! (Type0, CIDFont, descriptor, FontFile2, ToUnicode) and, in the catalog's
//! `/ActasStampFont` dictionary, each char's glyph id and advance. Loading
//! it is a small lopdf parse, so a process that only signs never parses a
//! TrueType file nor subsets one. `generate` (tests only) rebuilds that file
//! with printpdf from `fonts/DejaVuSans.ttf`; a test fails when the shipped
//! file differs from what it builds, and `ACTAS_REGENERATE_STAMP_FONT=1 cargo
//! test --lib stamp_font` rewrites it.
//!
//! This module does not place text (`appearance`) nor write objects into a
//! document (`incremental`).

#[cfg(test)]
mod generate;

use std::collections::HashMap;
use std::sync::OnceLock;

use lopdf::{Document, Object, ObjectId};

use crate::render::fonts::Measure;

/// Resource name of the stamp font in `/AcroForm /DR /Font` and in appearances.
pub const STAMP_FONT_NAME: &str = "ActasSello";

/// The prebuilt subset (see the module doc).
static SHIPPED: &[u8] = include_bytes!("../../../fonts/actas-sello.pdf");

/// Catalog key of the dictionary that maps chars to glyphs and advances.
const MAP_KEY: &[u8] = b"ActasStampFont";

/// The subset font as objects to copy into a document.
pub struct StampFont {
    /// The Type0 font dictionary's id inside `objects`.
    pub root: ObjectId,
    /// The font dictionary and everything it references (ids local to this set).
    pub objects: Vec<(ObjectId, Object)>,
    /// Glyph id and advance (1/1000 em) of each char of the repertoire.
    glyphs: HashMap<char, (u16, f32)>,
    /// What an uncovered char prints as: «?».
    fallback: (u16, f32),
}

impl StampFont {
    /// The 2-byte glyph codes of `text` (Identity-H); unknown chars print as «?».
    pub fn encode(&self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            out.extend_from_slice(&self.glyph(c).0.to_be_bytes());
        }
        out
    }

    /// Whether `c` is in the repertoire.
    pub fn covers(&self, c: char) -> bool {
        self.glyphs.contains_key(&c)
    }

    fn glyph(&self, c: char) -> (u16, f32) {
        self.glyphs.get(&c).copied().unwrap_or(self.fallback)
    }
}

/// Measures what prints: an uncovered char as the «?» that replaces it.
impl Measure for StampFont {
    fn width(&self, text: &str, size: f32) -> f32 {
        let units: f32 = text.chars().map(|c| self.glyph(c).1).sum();
        units * size / 1000.0
    }
}

/// The stamp font, loaded on first use.
pub fn stamp_font() -> &'static StampFont {
    static FONT: OnceLock<StampFont> = OnceLock::new();
    // A file of the build, checked by a test: failing here is a build defect, not input.
    FONT.get_or_init(|| load(SHIPPED).expect("fonts/actas-sello.pdf is a stamp font file"))
}

/// Reads a stamp font file: the objects under `/ActasStampFont /Font`, and
/// the `/Chars` (text string), `/Glyphs` and `/Advances` (font units of
/// `/UnitsPerEm`) arrays, one entry per char.
fn load(bytes: &[u8]) -> Result<StampFont, String> {
    let doc = Document::load_mem(bytes).map_err(|e| e.to_string())?;
    let map = doc
        .catalog()
        .and_then(|c| c.get(MAP_KEY))
        .and_then(Object::as_dict)
        .map_err(|e| format!("sin /ActasStampFont: {e}"))?;
    let field = |key: &[u8]| map.get(key).map_err(|e| e.to_string());
    let root = field(b"Font")?.as_reference().map_err(|e| e.to_string())?;
    let units = field(b"UnitsPerEm")?
        .as_i64()
        .map_err(|e| e.to_string())?
        .max(1) as f32;
    let chars: Vec<char> = lopdf::decode_text_string(field(b"Chars")?)
        .map_err(|e| e.to_string())?
        .chars()
        .collect();
    let numbers = |key: &[u8]| -> Result<Vec<i64>, String> {
        field(key)?
            .as_array()
            .map_err(|e| e.to_string())?
            .iter()
            .map(|n| n.as_i64().map_err(|e| e.to_string()))
            .collect()
    };
    let gids = numbers(b"Glyphs")?;
    let advances = numbers(b"Advances")?;
    if gids.len() != chars.len() || advances.len() != chars.len() {
        return Err("/Chars, /Glyphs y /Advances de distinto largo".into());
    }
    // The same formula as `render::fonts::Face`, so the stamp wraps exactly as before.
    let glyphs: HashMap<char, (u16, f32)> = chars
        .into_iter()
        .zip(gids.into_iter().zip(advances))
        .map(|(c, (gid, adv))| (c, (gid as u16, adv as f32 * 1000.0 / units)))
        .collect();
    let fallback = *glyphs.get(&'?').ok_or("sin «?»")?;
    Ok(StampFont {
        root,
        objects: closure(&doc, root),
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

fn collect_references(object: &Object, out: &mut Vec<ObjectId>) {
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
        assert_eq!(font.width("漢", 10.0), font.width("?", 10.0));
        assert!(font.objects.iter().any(|(id, _)| *id == font.root));
        assert!(
            font.objects.len() >= 4,
            "Type0 + CIDFont + descriptor + font file"
        );
    }

    #[test]
    fn measures_like_the_document_font() {
        let face = &crate::render::fonts::fonts().regular;
        let font = stamp_font();
        let text = "Firmado por: María Fernanda Quispe Ñahui — N.° de serie: 1A2B";
        assert_eq!(font.width(text, 8.0), face.width(text, 8.0));
    }
}
