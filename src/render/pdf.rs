//! PDF output: laid-out pages → PDF bytes with printpdf, then one lopdf pass
//! that adds the document information, a deterministic file ID and one empty
//! AcroForm signature field per signer role on its printed block.
//!
//! Everything that could vary between runs is fixed here: font resource names
//! (and so subset tags), dates (from the caller's clock) and the trailer ID
//! (a hash of the page contents). It does not decide positions (`layout`).

use lopdf::{dictionary, Document, Object, ObjectId, StringFormat};
use printpdf::{
    Color, FontId, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Pt, Rect,
    Rgb, TextItem, TextMatrix,
};
use sha2::{Digest, Sha256};

use super::fonts::{fonts, Weight};
use super::layout::{Draw, Layout, Page, PageSize, SignatureSlot};

/// Fixed resource ids: their first six letters become the subset tag
/// (`ACTREG+DejaVuSans`), so the same document gives the same bytes.
const REGULAR_ID: &str = "ACTREG";
const BOLD_ID: &str = "ACTBLD";

/// Document information written into the PDF's Info dictionary.
#[derive(Debug, Clone)]
pub struct PdfInfo {
    pub title: String,
    pub subject: String,
    pub keywords: String,
    pub template_id: String,
    pub template_version: String,
    pub number: Option<String>,
    /// PDF date string, `D:20260315100000-05'00'`.
    pub date: String,
}

/// The AcroForm parent field; each role's field is its kid, so the fully
/// qualified name is `firma.<role>` (a partial name may not contain a period).
pub const SIGNATURE_PARENT_FIELD: &str = "firma";

pub fn write_pdf(layout: &Layout, info: &PdfInfo) -> Result<Vec<u8>, String> {
    let printed = print_pages(layout, &info.title);
    add_structure(printed, layout, info)
}

/// The pages as a lopdf document (not yet serialised: printpdf hands its
/// object graph over, so nothing is written and parsed twice).
fn print_pages(layout: &Layout, title: &str) -> Document {
    let f = fonts();
    let mut doc = PdfDocument::new(title);
    let regular = FontId(REGULAR_ID.into());
    let bold = FontId(BOLD_ID.into());
    doc.resources.fonts.map.insert(
        regular.clone(),
        printpdf::PdfFont::new(f.regular.parsed.clone()),
    );
    doc.resources
        .fonts
        .map
        .insert(bold.clone(), printpdf::PdfFont::new(f.bold.parsed.clone()));
    let pages: Vec<PdfPage> = layout
        .pages
        .iter()
        .map(|page| page_ops(page, layout.size, &regular, &bold))
        .collect();
    doc.with_pages(pages);
    // Compression happens once, in `add_structure`, at a faster level than printpdf's "best".
    let options = PdfSaveOptions {
        optimize: false,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    doc.to_lopdf_document(&options, &mut warnings)
}

/// One page's operations: all rules and fills first, then every text in one
/// text object (fonts switched only when they change), which keeps the
/// content stream — and the time to write it — small.
fn page_ops(page: &Page, size: PageSize, regular: &FontId, bold: &FontId) -> PdfPage {
    let mut ops = Vec::with_capacity(page.draws.len() * 2 + 8);
    ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
    let mut current_gray = None;
    let rect = |x: f32, y: f32, w: f32, h: f32, mode: PaintMode| Rect {
        x: Pt(x),
        y: Pt(y),
        width: Pt(w),
        height: Pt(h),
        mode: Some(mode),
        winding_order: None,
    };
    for draw in &page.draws {
        match draw {
            Draw::Fill {
                x,
                y,
                w,
                h,
                gray: level,
            } => {
                if current_gray != Some(*level) {
                    ops.push(Op::SetFillColor { col: gray(*level) });
                    current_gray = Some(*level);
                }
                ops.push(Op::DrawRectangle {
                    rectangle: rect(*x, *y, *w, *h, PaintMode::Fill),
                });
            }
            Draw::Stroke { x, y, w, h } => ops.push(Op::DrawRectangle {
                rectangle: rect(*x, *y, *w, *h, PaintMode::Stroke),
            }),
            Draw::Text { .. } => {}
        }
    }
    ops.push(Op::SetFillColor { col: gray(0.0) });
    ops.push(Op::StartTextSection);
    let mut current_font: Option<(Weight, f32)> = None;
    for draw in &page.draws {
        if let Draw::Text {
            x,
            y,
            size,
            weight,
            text,
        } = draw
        {
            if current_font != Some((*weight, *size)) {
                let font = match weight {
                    Weight::Regular => regular.clone(),
                    Weight::Bold => bold.clone(),
                };
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(font),
                    size: Pt(*size),
                });
                current_font = Some((*weight, *size));
            }
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(*x), Pt(*y)),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::Text(text.clone())],
            });
        }
    }
    ops.push(Op::EndTextSection);
    PdfPage::new(
        printpdf::Mm::from(Pt(size.width)),
        printpdf::Mm::from(Pt(size.height)),
        ops,
    )
}

fn gray(level: f32) -> Color {
    Color::Rgb(Rgb {
        r: level,
        g: level,
        b: level,
        icc_profile: None,
    })
}

/// Adds Info, ID and the signature fields in one load/save with lopdf.
fn add_structure(mut doc: Document, layout: &Layout, info: &PdfInfo) -> Result<Vec<u8>, String> {
    doc.version = "1.7".into();
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();

    let mut info_dict = dictionary! {
        "Title" => text(&info.title),
        "Subject" => text(&info.subject),
        "Keywords" => text(&info.keywords),
        "Producer" => text(&format!("Actas {}", env!("CARGO_PKG_VERSION"))),
        "Creator" => text("Actas"),
        "CreationDate" => Object::string_literal(info.date.as_str()),
        "ModDate" => Object::string_literal(info.date.as_str()),
        "ActasTemplate" => text(&info.template_id),
        "ActasTemplateVersion" => text(&info.template_version),
    };
    if let Some(number) = &info.number {
        info_dict.set("ActasNumber", text(number));
    }
    let info_id = doc.add_object(info_dict);
    doc.trailer.set("Info", Object::Reference(info_id));

    add_signature_fields(&mut doc, &pages, &layout.slots)?;

    let id = content_hash(&doc, &pages, info);
    compress_streams(&mut doc);
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(id.clone(), StringFormat::Hexadecimal),
            Object::String(id, StringFormat::Hexadecimal),
        ]),
    );
    let mut out = Vec::with_capacity(64 * 1024);
    doc.save_to(&mut out)
        .map_err(|e| format!("no se pudo escribir el PDF: {e}"))?;
    Ok(out)
}

fn add_signature_fields(
    doc: &mut Document,
    pages: &[ObjectId],
    slots: &[SignatureSlot],
) -> Result<(), String> {
    // A form nobody signs (an e-mail's printed copy) has no AcroForm at all.
    if slots.is_empty() {
        return Ok(());
    }
    let parent_id = doc.new_object_id();
    let mut kids = Vec::with_capacity(slots.len());
    for slot in slots {
        let page_id = *pages.get(slot.page).ok_or("página de firma inexistente")?;
        let [x1, y1, x2, y2] = slot.rect;
        // An empty appearance keeps viewers and PDF/A validators quiet until signed.
        let appearance = doc.add_object(lopdf::Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), (x2 - x1).into(), (y2 - y1).into()] },
            Vec::new(),
        ));
        let widget = doc.add_object(dictionary! {
            "FT" => "Sig",
            "T" => text(&slot.role),
            "TU" => text(&format!("Firma: {}", slot.role)),
            "Parent" => Object::Reference(parent_id),
            "Type" => "Annot",
            "Subtype" => "Widget",
            "Rect" => vec![x1.into(), y1.into(), x2.into(), y2.into()],
            "F" => 4,
            "P" => Object::Reference(page_id),
            "AP" => dictionary! { "N" => Object::Reference(appearance) },
        });
        kids.push(Object::Reference(widget));
        let page = doc
            .get_object_mut(page_id)
            .and_then(Object::as_dict_mut)
            .map_err(|e| e.to_string())?;
        match page.get_mut(b"Annots") {
            Ok(Object::Array(annots)) => annots.push(Object::Reference(widget)),
            _ => page.set("Annots", vec![Object::Reference(widget)]),
        }
    }
    doc.objects.insert(
        parent_id,
        Object::Dictionary(dictionary! { "T" => text(SIGNATURE_PARENT_FIELD), "Kids" => kids }),
    );
    let catalog = doc.catalog_mut().map_err(|e| e.to_string())?;
    catalog.set(
        "AcroForm",
        dictionary! { "Fields" => vec![Object::Reference(parent_id)] },
    );
    Ok(())
}

/// Deflates every stream that has no filter yet.
fn compress_streams(doc: &mut Document) {
    for object in doc.objects.values_mut() {
        if let Object::Stream(stream) = object {
            deflate(stream);
        }
    }
}

/// Deflates one stream unless it is filtered already or too small to gain.
/// Level 1 compresses the font subsets within a few percent of level 9 in a
/// fraction of the time (rendering is measured in milliseconds).
pub(crate) fn deflate(stream: &mut lopdf::Stream) {
    use std::io::Write;
    if stream.dict.has(b"Filter") || stream.content.len() < 64 {
        return;
    }
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(stream.content.len() / 2),
        flate2::Compression::new(COMPRESSION_LEVEL),
    );
    if encoder.write_all(&stream.content).is_err() {
        return;
    }
    if let Ok(compressed) = encoder.finish() {
        if compressed.len() < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
}

const COMPRESSION_LEVEL: u32 = 1;

/// 16 bytes that identify the content: same document, same ID.
fn content_hash(doc: &Document, pages: &[ObjectId], info: &PdfInfo) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(info.title.as_bytes());
    hasher.update(info.subject.as_bytes());
    hasher.update(info.date.as_bytes());
    for page in pages {
        hasher.update(doc.get_page_content(*page));
    }
    hasher.finalize()[..16].to_vec()
}

/// A text string: PDFDocEncoding-safe ASCII as a literal, anything else as UTF-16BE with BOM.
pub(crate) fn text(s: &str) -> Object {
    if s.is_ascii() {
        Object::string_literal(s)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in s.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}
