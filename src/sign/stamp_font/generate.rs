//! Builds `fonts/actas-sello.pdf` (see the parent module) with printpdf —
//! which knows how to subset a TrueType font and embed it with its
//! ToUnicode map — and checks that the shipped file is what it builds.

use std::path::Path;

use lopdf::{content::Content, dictionary, Dictionary, Document, Object, ObjectId};
use printpdf::{
    FontId, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Pt, TextItem, TextMatrix,
};

use super::{closure, MAP_KEY, SHIPPED};
use crate::render::fonts::fonts;

/// The characters the stamp can print.
fn repertoire() -> Vec<char> {
    (' '..='~')
        .chain('\u{a1}'..='\u{ff}')
        .chain("–—‘’“”•…€ŒœŠšŽžŸ".chars())
        .collect()
}

/// The stamp font file's bytes, built from the shipped DejaVu Sans.
pub fn build_file() -> Result<Vec<u8>, String> {
    let chars = repertoire();
    let face = &fonts().regular.parsed;
    let mut doc = PdfDocument::new("sello");
    let font_id = FontId("ACTSEL".into());
    doc.resources
        .fonts
        .map
        .insert(font_id.clone(), printpdf::PdfFont::new(face.clone()));
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
    let codes = shown_codes(&lo, page)?;
    if codes.len() != chars.len() {
        return Err(format!(
            "{} códigos para {} caracteres",
            codes.len(),
            chars.len()
        ));
    }
    // Chars the font lacks come back as glyph 0: left out (they print as «?»).
    let mut covered = String::new();
    let mut gids = Vec::new();
    let mut advances = Vec::new();
    for (c, gid) in chars.iter().zip(codes) {
        let Some(source_gid) = face.lookup_glyph_index(*c as u32).filter(|_| gid != 0) else {
            continue;
        };
        covered.push(*c);
        gids.push(Object::Integer(i64::from(gid)));
        advances.push(Object::Integer(i64::from(
            face.get_horizontal_advance(source_gid),
        )));
    }

    let root = page_font(&lo, page)?;
    let mut out = Document::with_version("1.7");
    let remap: std::collections::HashMap<ObjectId, ObjectId> = closure(&lo, root)
        .iter()
        .map(|(id, _)| (*id, out.new_object_id()))
        .collect();
    for (id, object) in closure(&lo, root) {
        let mut object = crate::sign::renumber(&object, &remap);
        if let Object::Stream(stream) = &mut object {
            crate::render::pdf::deflate(stream);
        }
        out.objects.insert(remap[&id], object);
    }
    let pages = out.add_object(dictionary! { "Type" => "Pages", "Kids" => vec![], "Count" => 0 });
    let catalog = out.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages,
        MAP_KEY => dictionary! {
            "Font" => remap[&root],
            "UnitsPerEm" => i64::from(face.pdf_font_metrics.units_per_em),
            "Chars" => crate::render::pdf::text(&covered),
            "Glyphs" => gids,
            "Advances" => advances,
        },
    });
    out.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    out.save_to(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// The 2-byte codes of every show-text operation of the page, in order.
fn shown_codes(lo: &Document, page: ObjectId) -> Result<Vec<u16>, String> {
    let content = Content::decode(&lo.get_page_content(page)).map_err(|e| e.to_string())?;
    Ok(content
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
        .map(|bytes| match bytes.as_slice() {
            [hi, lo, ..] => u16::from_be_bytes([*hi, *lo]),
            _ => 0,
        })
        .collect())
}

/// The (only) font of the page's resources.
fn page_font(lo: &Document, page: ObjectId) -> Result<ObjectId, String> {
    let resolve = |object: &'_ Object| -> Result<Dictionary, String> {
        match object {
            Object::Reference(id) => lo.get_dictionary(*id).cloned().map_err(|e| e.to_string()),
            Object::Dictionary(d) => Ok(d.clone()),
            _ => Err("diccionario inválido".into()),
        }
    };
    let page_dict = lo.get_dictionary(page).map_err(|e| e.to_string())?;
    let resources = resolve(page_dict.get(b"Resources").map_err(|e| e.to_string())?)?;
    let fonts = resolve(resources.get(b"Font").map_err(|e| e.to_string())?)?;
    fonts
        .iter()
        .find_map(|(_, v)| v.as_reference().ok())
        .ok_or_else(|| "sin fuente en los recursos".into())
}

#[test]
fn shipped_stamp_font_is_what_the_generator_builds() {
    let built = build_file().expect("the stamp font builds from the shipped DejaVu font");
    let again = build_file().expect("builds twice");
    assert!(built == again, "the generator is not deterministic");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/actas-sello.pdf");
    if std::env::var_os("ACTAS_REGENERATE_STAMP_FONT").is_some() {
        std::fs::write(&path, &built).expect("write fonts/actas-sello.pdf");
        return;
    }
    assert!(
        built == SHIPPED,
        "fonts/actas-sello.pdf is stale: run `ACTAS_REGENERATE_STAMP_FONT=1 cargo test --lib stamp_font` and commit it"
    );
    // And it loads into the same font as a fresh build.
    let shipped = super::load(SHIPPED).expect("loads");
    assert_eq!(shipped.glyphs.len(), repertoire().len());
}
