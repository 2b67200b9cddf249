//! Signing: one firmante fills its role's empty signature field of a PDF with
//! a PAdES baseline signature, as an incremental update (earlier bytes,
//! and so earlier signatures, untouched): B-B, or B-T with a signature
//! time-stamp from a TSA; `ltv` then adds the validation data (B-LT) and
//! a document time-stamp (B-LTA), and re-seals archived documents.
//!
//! Split by concern, like pyHanko: `certificate` loads and checks the
//! PKCS#12, `pkcs11` finds a certificate and its key on a token, `key` is
//! the signing key either way, `cms` builds the CAdES SignedData,
//! `appearance` and `stamp_font` make the visible stamp, `fields` reads the
//! PDF once, `incremental` writes the update; this module is the workflow
//! and the signing-order rule. Verification is `crate::verify`.

pub mod appearance;
pub mod certificate;
pub mod cms;
pub mod fields;
mod incremental;
pub mod key;
pub mod level;
pub mod ltv;
pub mod pkcs11;
pub mod stamp_font;

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use lopdf::{dictionary, Dictionary, Object, ObjectId};

use crate::render::pdf::text as pdf_text;
use crate::render::pdf_date;
use crate::template::Template;
use crate::timestamp::{TimeStampToken, TimeStamper};
use appearance::{appearance_content, StampText};
use certificate::{common_name, one_line_name, serial_hex, CertificateError};
use cms::{CmsError, CmsSigner};
pub use fields::{PreparedPdf, SignatureField};
pub use level::Level;
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
    #[error(transparent)]
    Timestamp(#[from] crate::timestamp::TimestampError),
    #[error(transparent)]
    Ltv(#[from] ltv::LtvError),
    #[error(transparent)]
    Token(#[from] pkcs11::TokenError),
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

/// A signed PDF and what the signature says about time.
#[derive(Debug, Clone)]
pub struct Signed {
    pub pdf: Vec<u8>,
    /// The time in `/M` and on the stamp: the TSA's at B-T, else the clock's.
    pub at: DateTime<FixedOffset>,
    /// The signature time-stamp token (B-T and above).
    pub timestamp: Option<TimeStampToken>,
}

/// Signs `options.role`'s field of `pdf` (PAdES B-B). With `template`, the
/// signing order is enforced and the role title goes into the stamp and
/// the reason.
pub fn sign_pdf(
    pdf: &PreparedPdf,
    template: Option<&Template>,
    signer: &CmsSigner,
    options: &SignOptions,
) -> Result<Vec<u8>, SignError> {
    sign_pdf_stamped(pdf, template, signer, options, None).map(|s| s.pdf)
}

/// [`sign_pdf`], time-stamped by `tsa` when given (PAdES B-T): the TSA is
/// asked once before signing — its time goes on the stamp and in `/M`,
/// and its token's size sizes `/Contents` — and once for the signature
/// time-stamp token over the signature value.
pub fn sign_pdf_stamped(
    pdf: &PreparedPdf,
    template: Option<&Template>,
    signer: &CmsSigner,
    options: &SignOptions,
    tsa: Option<&dyn TimeStamper>,
) -> Result<Signed, SignError> {
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
    // B-T: the TSA's time for the stamp and /M, and the size of its tokens.
    let (at, token_room) = match tsa {
        Some(tsa) => {
            // The probe's imprint is not kept: hash something small, not the document.
            let probe = tsa.stamp(&openssl::sha::sha256(
                format!("actas: sello previo {}", pdf.prev_xref).as_bytes(),
            ))?;
            let at = probe.info.gen_time.with_timezone(options.at.offset());
            // Tokens differ by a few bytes (serial, nonce, time fraction).
            (at, probe.der.len() + 256)
        }
        None => (options.at, 0),
    };
    let certificate = signer.certificate();
    let stamp = StampText {
        signer: common_name(certificate.subject_name())
            .unwrap_or_else(|| one_line_name(certificate.subject_name())),
        role_title: role_title.clone(),
        at,
        timestamped: tsa.is_some(),
        issuer: common_name(certificate.issuer_name())
            .unwrap_or_else(|| one_line_name(certificate.issuer_name())),
        serial: serial_hex(certificate),
    };
    let certify = template.is_some_and(|t| t.certify) && pdf.signed_roles().is_empty();

    let mut update = UpdateBuilder::new(pdf);
    let font = update.stamp_font();
    let appearance = update.appearance(field, &stamp, font)?;
    let sig_id = update.new_id();
    update.fill_field(field, sig_id, appearance)?;
    update.catalog(Some(font), certify.then_some(sig_id), |_, _| {})?;

    let reason = options
        .reason
        .clone()
        .unwrap_or_else(|| format!("Firma como {role_title}"));
    let mut sig = dictionary! {
        "Type" => "Sig",
        "Filter" => "Adobe.PPKLite",
        "SubFilter" => "ETSI.CAdES.detached",
        "M" => Object::string_literal(pdf_date(at)),
        "Name" => pdf_text(&stamp.signer),
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
    let update = update.finish(Some((sig_id, sig)), signer.max_len() + 64 + token_room);
    let mut timestamp = None;
    let bytes = incremental::write_signed_update(
        &pdf.bytes,
        &update,
        |digest| {
            let signed = signer.sign_digest_stamped(digest, tsa)?;
            timestamp = signed.timestamp;
            Ok(signed.der)
        },
        |needed, reserved| SignError::ContentsTooSmall { needed, reserved },
    )?;
    Ok(Signed {
        pdf: bytes,
        at,
        timestamp,
    })
}

/// The objects one update adds or replaces, with fresh object numbers.
pub(crate) struct UpdateBuilder<'a> {
    pdf: &'a PreparedPdf,
    pub(crate) doc: &'a lopdf::Document,
    pub(crate) next_id: u32,
    pub(crate) objects: Vec<(ObjectId, Object)>,
    /// The stamp font when this update adds it (not yet in `/AcroForm /DR`).
    added_font: bool,
}

impl<'a> UpdateBuilder<'a> {
    pub(crate) fn new(pdf: &'a PreparedPdf) -> UpdateBuilder<'a> {
        let doc = &pdf.doc;
        let next_id = doc.max_id.max(trailer_size(doc).saturating_sub(1)) + 1;
        UpdateBuilder {
            pdf,
            doc,
            next_id,
            objects: Vec::new(),
            added_font: false,
        }
    }

    /// The update to write: these objects after `pdf`'s last section, with
    /// `signature` (its `/Contents` sized for `contents_capacity` bytes).
    pub(crate) fn finish(
        self,
        signature: Option<(ObjectId, Dictionary)>,
        contents_capacity: usize,
    ) -> incremental::Update {
        incremental::Update {
            signature,
            contents_capacity,
            trailer: self.pdf.doc.trailer.clone(),
            prev_xref: self.pdf.prev_xref,
            xref_stream: self.pdf.xref_stream,
            size: self.next_id,
            objects: self.objects,
        }
    }

    pub(crate) fn new_id(&mut self) -> ObjectId {
        let id = (self.next_id, 0);
        self.next_id += 1;
        id
    }

    pub(crate) fn not_pdf(e: lopdf::Error) -> SignError {
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
    /// font in `/DR` (when this update added it), the `/ESIC` extension,
    /// when certifying `/Perms`, and whatever `edit` changes in the catalog
    /// and the AcroForm (e.g. `/DSS`, a new field in `/Fields`).
    fn catalog(
        &mut self,
        font: Option<ObjectId>,
        certification: Option<ObjectId>,
        edit: impl FnOnce(&mut Dictionary, &mut Dictionary),
    ) -> Result<(), SignError> {
        let doc = self.doc;
        let mut form = fields::acroform(doc).cloned().unwrap_or_default();
        form.set("SigFlags", 3);
        if let Some(font) = font.filter(|_| self.added_font) {
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
        edit(&mut catalog, &mut form);
        match catalog.get(b"AcroForm") {
            Ok(Object::Reference(form_id)) => {
                let form_id = *form_id;
                self.objects.push((form_id, Object::Dictionary(form)))
            }
            _ => catalog.set("AcroForm", form),
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

pub(crate) fn resolve_dict<'a>(
    doc: &'a lopdf::Document,
    object: &'a Object,
) -> Option<&'a Dictionary> {
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
