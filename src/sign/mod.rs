//! Signing: one firmante fills its role's empty signature field of a PDF with
//! a PAdES baseline B-B signature, as an incremental update (earlier bytes,
//! and so earlier signatures, untouched).
//!
//! Split by concern, like pyHanko: `certificate` loads and checks the
//! PKCS#12, `cms` builds the CAdES SignedData, `appearance` and `stamp_font`
//! make the visible stamp, `fields` reads the PDF once, `incremental` writes
//! the update; this module is the workflow and the signing-order rule.
//! Verification is `crate::verify`.

pub mod appearance;
pub mod certificate;
pub mod cms;
pub mod fields;
mod incremental;
pub mod stamp_font;

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use lopdf::{dictionary, Dictionary, Object, ObjectId};

use crate::render::pdf::text as pdf_text;
use crate::render::pdf_date;
use crate::template::Template;
use appearance::{appearance_content, StampText};
use certificate::{CertificateError, SigningIdentity};
use cms::{CmsError, CmsSigner};
pub use fields::{PreparedPdf, SignatureField};
use stamp_font::{stamp_font, STAMP_FONT_NAME};

/// What a signature says besides the certificate.
#[derive(Debug, Clone)]
pub struct SignOptions {
    /// The template role (the field is `firma.<role>`).
    pub role: String,
    /// `/Reason`; default «Firma como <título del rol>».
    pub reason: Option<String>,
    /// `/Location` (e.g. «Lima, Perú»), from settings.
    pub location: Option<String>,
    /// Signing time, written as `/M` (never inside the CMS).
    pub at: DateTime<FixedOffset>,
}

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("el archivo no es un PDF legible ({reason})")]
    NotPdf { reason: String },
    #[error("el PDF está cifrado; no se puede firmar sin alterar su cifrado")]
    Encrypted,
    /// Over a bound of `crate::limits`: the whole reason.
    #[error("{0}")]
    TooLarge(String),
    #[error("el PDF no tiene el campo de firma «{field}»; campos de firma: {available}")]
    FieldNotFound { field: String, available: String },
    #[error("el rol «{role}» ya firmó este documento")]
    AlreadySigned { role: String },
    #[error("el rol «{role}» no puede firmar todavía: primero debe firmar {missing}")]
    OutOfOrder { role: String, missing: String },
    #[error("el rol «{role}» no existe en la plantilla «{template}»; roles: {known}")]
    UnknownRole {
        role: String,
        template: String,
        known: String,
    },
    #[error(transparent)]
    Certificate(#[from] CertificateError),
    #[error(transparent)]
    Cms(#[from] CmsError),
    #[error("la firma ocupa {needed} bytes y solo se reservaron {reserved}")]
    ContentsTooSmall { needed: usize, reserved: usize },
}

/// Refuses a role that already signed, or whose predecessors in the
/// template's signing order have not all signed yet.
pub fn check_signing_order(
    template: &Template,
    role: &str,
    signed: &[String],
) -> Result<(), SignError> {
    let signer = template
        .signer(role)
        .ok_or_else(|| SignError::UnknownRole {
            role: role.to_string(),
            template: template.id.clone(),
            known: template
                .signers
                .iter()
                .map(|s| s.role.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    if signed.iter().any(|r| r == role) {
        return Err(SignError::AlreadySigned {
            role: role.to_string(),
        });
    }
    let missing: Vec<String> = signer
        .after
        .iter()
        .filter(|dep| !signed.contains(dep))
        .filter_map(|dep| template.signer(dep))
        .map(|s| format!("{} ({})", s.title, s.role))
        .collect();
    if !missing.is_empty() {
        return Err(SignError::OutOfOrder {
            role: role.to_string(),
            missing: missing.join(" y "),
        });
    }
    Ok(())
}

/// Signs `options.role`'s field of `pdf`. With `template`, the signing order
/// is enforced and the role title goes into the stamp and the reason.
pub fn sign_pdf(
    pdf: &PreparedPdf,
    template: Option<&Template>,
    identity: &SigningIdentity,
    signer: &CmsSigner,
    options: &SignOptions,
) -> Result<Vec<u8>, SignError> {
    let field_name = format!("firma.{}", options.role);
    let field = pdf
        .field(&field_name)
        .ok_or_else(|| SignError::FieldNotFound {
            field: field_name.clone(),
            available: pdf
                .fields
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    if field.signed {
        return Err(SignError::AlreadySigned {
            role: options.role.clone(),
        });
    }
    let role_title = match template {
        Some(t) => {
            check_signing_order(t, &options.role, &pdf.signed_roles())?;
            t.signer(&options.role)
                .map(|s| s.title.clone())
                .unwrap_or_default()
        }
        None => options.role.clone(),
    };
    let stamp = StampText {
        signer: identity.common_name(),
        role_title: role_title.clone(),
        at: options.at,
        issuer: identity.issuer_common_name(),
        serial: identity.serial_hex(),
    };
    let certify = template.is_some_and(|t| t.certify) && pdf.signed_roles().is_empty();

    let mut update = UpdateBuilder::new(pdf);
    let font = update.stamp_font();
    let appearance = update.appearance(field, &stamp, font)?;
    let sig_id = update.new_id();
    update.fill_field(field, sig_id, appearance)?;
    update.catalog(font, certify.then_some(sig_id))?;

    let reason = options
        .reason
        .clone()
        .unwrap_or_else(|| format!("Firma como {role_title}"));
    let mut sig = dictionary! {
        "Type" => "Sig",
        "Filter" => "Adobe.PPKLite",
        "SubFilter" => "ETSI.CAdES.detached",
        "M" => Object::string_literal(pdf_date(options.at)),
        "Name" => pdf_text(&identity.common_name()),
        "Reason" => pdf_text(&reason),
    };
    if let Some(location) = options.location.as_deref().filter(|l| !l.trim().is_empty()) {
        sig.set("Location", pdf_text(location));
    }
    if certify {
        // DocMDP P=2 allows later approval signatures and form filling, nothing else (ISO 32000-1 §12.8.2.2).
        sig.set(
            "Reference",
            vec![Object::Dictionary(dictionary! {
                "Type" => "SigRef",
                "TransformMethod" => "DocMDP",
                "TransformParams" => dictionary! { "Type" => "TransformParams", "P" => 2, "V" => Object::Name(b"1.2".to_vec()) },
            })],
        );
    }
    let update = incremental::Update {
        signature: (sig_id, sig),
        contents_capacity: signer.max_len() + 64,
        trailer: pdf.doc.trailer.clone(),
        prev_xref: pdf.prev_xref,
        xref_stream: pdf.xref_stream,
        size: update.next_id,
        objects: update.objects,
    };
    incremental::write_signed_update(
        &pdf.bytes,
        &update,
        |digest| signer.sign_digest(digest).map_err(SignError::from),
        |needed, reserved| SignError::ContentsTooSmall { needed, reserved },
    )
}

/// The objects one signature adds or replaces, with fresh object numbers.
struct UpdateBuilder<'a> {
    doc: &'a lopdf::Document,
    next_id: u32,
    objects: Vec<(ObjectId, Object)>,
    /// The stamp font when this update adds it (not yet in `/AcroForm /DR`).
    added_font: bool,
}

impl<'a> UpdateBuilder<'a> {
    fn new(pdf: &'a PreparedPdf) -> UpdateBuilder<'a> {
        let doc = &pdf.doc;
        let next_id = doc.max_id.max(trailer_size(doc).saturating_sub(1)) + 1;
        UpdateBuilder {
            doc,
            next_id,
            objects: Vec::new(),
            added_font: false,
        }
    }

    fn new_id(&mut self) -> ObjectId {
        let id = (self.next_id, 0);
        self.next_id += 1;
        id
    }

    fn not_pdf(e: lopdf::Error) -> SignError {
        SignError::NotPdf {
            reason: e.to_string(),
        }
    }

    /// The stamp font: reused from `/AcroForm /DR` when an earlier signature
    /// added it, else copied in (once per document).
    fn stamp_font(&mut self) -> ObjectId {
        let doc = self.doc;
        let existing = fields::acroform(doc)
            .and_then(|form| form.get(b"DR").ok())
            .and_then(|dr| resolve_dict(doc, dr))
            .and_then(|dr| dr.get(b"Font").ok())
            .and_then(|f| resolve_dict(doc, f))
            .and_then(|fonts| fonts.get(STAMP_FONT_NAME.as_bytes()).ok())
            .and_then(|r| r.as_reference().ok());
        if let Some(id) = existing {
            return id;
        }
        let font = stamp_font();
        let remap: HashMap<ObjectId, ObjectId> = font
            .objects
            .iter()
            .map(|(id, _)| (*id, self.new_id()))
            .collect();
        for (id, object) in &font.objects {
            self.objects.push((remap[id], renumber(object, &remap)));
        }
        self.added_font = true;
        remap[&font.root]
    }

    /// The appearance stream of the stamp, sized to the widget's rectangle.
    fn appearance(
        &mut self,
        field: &SignatureField,
        stamp: &StampText,
        font: ObjectId,
    ) -> Result<ObjectId, SignError> {
        let widget = self
            .doc
            .get_dictionary(field.widget)
            .map_err(Self::not_pdf)?;
        let rect: Vec<f32> = widget
            .get(b"Rect")
            .and_then(Object::as_array)
            .map(|r| r.iter().filter_map(|o| o.as_float().ok()).collect())
            .unwrap_or_default();
        let (width, height) = match rect.as_slice() {
            [x1, y1, x2, y2] => ((x2 - x1).abs(), (y2 - y1).abs()),
            _ => (0.0, 0.0),
        };
        let dict = dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), width.into(), height.into()],
            "Resources" => dictionary! { "Font" => dictionary! { STAMP_FONT_NAME => Object::Reference(font) } },
        };
        // An invisible (zero-size) widget gets an empty appearance.
        let content = if width > 1.0 && height > 1.0 {
            appearance_content(stamp, width, height)
        } else {
            Vec::new()
        };
        let id = self.new_id();
        self.objects
            .push((id, Object::Stream(lopdf::Stream::new(dict, content))));
        Ok(id)
    }

    /// The field gets its value, the widget its appearance (one object when merged).
    fn fill_field(
        &mut self,
        field: &SignatureField,
        sig_id: ObjectId,
        appearance: ObjectId,
    ) -> Result<(), SignError> {
        let mut widget = self
            .doc
            .get_dictionary(field.widget)
            .map_err(Self::not_pdf)?
            .clone();
        widget.set("AP", dictionary! { "N" => Object::Reference(appearance) });
        if field.widget == field.field {
            widget.set("V", Object::Reference(sig_id));
        } else {
            let mut value = self
                .doc
                .get_dictionary(field.field)
                .map_err(Self::not_pdf)?
                .clone();
            value.set("V", Object::Reference(sig_id));
            self.objects.push((field.field, Object::Dictionary(value)));
        }
        self.objects
            .push((field.widget, Object::Dictionary(widget)));
        Ok(())
    }

    /// Catalog and AcroForm: SigFlags (SignaturesExist | AppendOnly), the stamp
    /// font in `/DR`, the `/ESIC` extension and, when certifying, `/Perms`.
    fn catalog(
        &mut self,
        font: ObjectId,
        certification: Option<ObjectId>,
    ) -> Result<(), SignError> {
        let doc = self.doc;
        let mut form = fields::acroform(doc).cloned().unwrap_or_default();
        form.set("SigFlags", 3);
        if self.added_font {
            let mut dr = form
                .get(b"DR")
                .ok()
                .and_then(|dr| resolve_dict(doc, dr))
                .cloned()
                .unwrap_or_default();
            let mut fonts = dr
                .get(b"Font")
                .ok()
                .and_then(|f| resolve_dict(doc, f))
                .cloned()
                .unwrap_or_default();
            fonts.set(STAMP_FONT_NAME, Object::Reference(font));
            dr.set("Font", fonts);
            form.set("DR", dr);
        }
        let catalog_id = doc
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .map_err(Self::not_pdf)?;
        let mut catalog = doc
            .get_dictionary(catalog_id)
            .map_err(Self::not_pdf)?
            .clone();
        match catalog.get(b"AcroForm") {
            Ok(Object::Reference(form_id)) => {
                self.objects.push((*form_id, Object::Dictionary(form)))
            }
            _ => catalog.set("AcroForm", form),
        }
        // PAdES (ETSI EN 319 142-1 §5.1): a PDF below 2.0 declares the ESIC extension.
        let mut extensions = catalog
            .get(b"Extensions")
            .ok()
            .and_then(|e| resolve_dict(doc, e))
            .cloned()
            .unwrap_or_default();
        extensions.set(
            "ESIC",
            dictionary! { "BaseVersion" => Object::Name(b"1.7".to_vec()), "ExtensionLevel" => 2 },
        );
        catalog.set("Extensions", extensions);
        if let Some(sig_id) = certification {
            catalog.set(
                "Perms",
                dictionary! { "DocMDP" => Object::Reference(sig_id) },
            );
        }
        self.objects.push((catalog_id, Object::Dictionary(catalog)));
        Ok(())
    }
}

fn trailer_size(doc: &lopdf::Document) -> u32 {
    doc.trailer
        .get(b"Size")
        .and_then(Object::as_i64)
        .map(|s| s.max(0) as u32)
        .unwrap_or(0)
}

fn resolve_dict<'a>(doc: &'a lopdf::Document, object: &'a Object) -> Option<&'a Dictionary> {
    match object {
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

/// A copy of `object` with references renumbered through `map`.
pub(crate) fn renumber(object: &Object, map: &HashMap<ObjectId, ObjectId>) -> Object {
    match object {
        Object::Reference(id) => Object::Reference(*map.get(id).unwrap_or(id)),
        Object::Array(items) => Object::Array(items.iter().map(|i| renumber(i, map)).collect()),
        Object::Dictionary(dict) => Object::Dictionary(renumber_dict(dict, map)),
        Object::Stream(stream) => {
            let mut copy = stream.clone();
            copy.dict = renumber_dict(&stream.dict, map);
            Object::Stream(copy)
        }
        other => other.clone(),
    }
}

fn renumber_dict(
    dict: &Dictionary,
    map: &std::collections::HashMap<ObjectId, ObjectId>,
) -> Dictionary {
    let mut out = Dictionary::new();
    for (key, value) in dict.iter() {
        out.set(key.clone(), renumber(value, map));
    }
    out
}
