//! Verifying the signatures of any PDF (ours or not): for each signature
//! field with a value, is the signed byte range intact, is the CMS signature
//! valid, does its chain reach a trusted root, is it PAdES B-B, which
//! revision does it cover, and did anything other than later signatures
//! change the document after it (DESIGN §3, issue 3).
//!
//! The pipeline: load the final document once; find the signature fields
//! (`signatures`); check each `/ByteRange` against the raw bytes and hand the
//! signed bytes and `/Contents` to `cms`; load each signed revision once and
//! let `changes` classify what differs from the final document; gather it
//! all in a `report::VerifyReport`. Input that is not a readable PDF is the
//! only error; a bad signature is a finding in the report, not an error.

pub mod changes;
pub mod cms;
pub mod report;
pub mod signatures;

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Utc};
use lopdf::{Document, LoadOptions, Object};
use openssl::asn1::Asn1Time;
use openssl::x509::X509;

use crate::sign::certificate::{common_name, one_line_name};

use changes::Structure;
pub use report::{SignatureReport, VerifyReport};
use signatures::{SigField, SigValue};

/// How to verify.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Trusted root certificates; with none, `trusted` is `None` for every signature.
    pub trust_roots: Vec<X509>,
}

/// The input cannot be read as a PDF. Messages are one Spanish line.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("no es un PDF (no empieza con %PDF-)")]
    NotPdf,
    #[error("el PDF está truncado o incompleto ({0})")]
    Truncated(String),
    #[error("el PDF está dañado y no se puede leer ({0})")]
    Malformed(String),
    #[error("el PDF está cifrado; no se verifican documentos cifrados")]
    Encrypted,
    #[error("no se puede leer {}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("{}: {source}", path.display())]
    InFile {
        path: PathBuf,
        #[source]
        source: Box<VerifyError>,
    },
}

/// Largest decompressed object or cross-reference stream accepted while
/// loading (guards against decompression bombs).
const MAX_DECOMPRESSED: usize = 256 * 1024 * 1024;
/// Acrobat looks for the header within the first 1024 bytes and for `%%EOF` within the last 1024.
const HEADER_WINDOW: usize = 1024;

/// Verifies every signature of the PDF in `path`; errors name the file.
pub fn verify_file(path: &Path, options: &VerifyOptions) -> Result<VerifyReport, VerifyError> {
    let bytes = std::fs::read(path).map_err(|e| VerifyError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    verify_pdf(&bytes, options).map_err(|e| VerifyError::InFile {
        path: path.to_path_buf(),
        source: Box::new(e),
    })
}

/// Every signature of any PDF (ours or not). Errors only when the input
/// can't be read as a PDF: not a PDF, truncated or malformed, encrypted.
/// Never panics, whatever the bytes.
pub fn verify_pdf(bytes: &[u8], options: &VerifyOptions) -> Result<VerifyReport, VerifyError> {
    match catch_unwind(AssertUnwindSafe(|| verify_inner(bytes, options))) {
        Ok(result) => result,
        Err(_) => Err(VerifyError::Malformed(
            "estructura inesperada que el lector no pudo interpretar".into(),
        )),
    }
}

fn verify_inner(bytes: &[u8], options: &VerifyOptions) -> Result<VerifyReport, VerifyError> {
    let loader = signatures::Loader::new(bytes);
    let doc = load_final(bytes, &loader)?;
    let ends = signatures::revision_ends(bytes);
    let mut revisions = Revisions::new(&loader, &doc);

    let fields = signatures::signature_fields(&doc);
    let known: HashSet<_> = fields
        .iter()
        .filter_map(|f| f.value.as_ref().and_then(|v| v.id))
        .collect();
    let unsigned_fields = fields
        .iter()
        .filter(|f| f.value.is_none())
        .map(|f| f.name.clone())
        .collect();
    let mut found: Vec<(String, SigValue)> = fields
        .into_iter()
        .filter_map(|SigField { name, value, .. }| value.map(|v| (name, v)))
        .collect();
    for orphan in signatures::orphan_signatures(&doc, &known) {
        let name = match orphan.id {
            Some(id) => format!("(sin campo, objeto {})", id.0),
            None => "(sin campo)".into(),
        };
        found.push((name, orphan));
    }

    let mut certificates = cms::CertificateCache::default();
    let mut reports: Vec<SignatureReport> = found
        .iter()
        .map(|(name, value)| {
            let (revisions, certificates) = (&mut revisions, &mut certificates);
            verify_signature(bytes, &ends, name, value, options, revisions, certificates)
        })
        .collect();
    // Signing order: the revision each signature covers, then field order.
    reports.sort_by_key(|r| {
        if r.revision == 0 {
            usize::MAX
        } else {
            r.revision
        }
    });

    let info = signatures::resolve_dict(&doc, doc.trailer.get(b"Info").ok());
    let info_text = |key: &[u8]| {
        info.and_then(|i| i.get(key).ok())
            .and_then(signatures::text)
    };
    let ok = reports
        .iter()
        .all(|r| r.ok() && (options.trust_roots.is_empty() || r.trusted == Some(true)));
    Ok(VerifyReport {
        signatures: reports,
        unsigned_fields,
        template: info_text(b"ActasTemplate"),
        number: info_text(b"ActasNumber"),
        revisions: ends.len(),
        ok,
    })
}

/// Loads the whole file, telling apart the ways it can fail to be a PDF.
fn load_final(bytes: &[u8], loader: &signatures::Loader) -> Result<Document, VerifyError> {
    let head = &bytes[..bytes.len().min(HEADER_WINDOW)];
    if signatures::find(head, b"%PDF-").is_none() {
        return Err(VerifyError::NotPdf);
    }
    let tail = &bytes[bytes.len().saturating_sub(HEADER_WINDOW)..];
    if signatures::find(tail, b"%%EOF").is_none() {
        return Err(VerifyError::Truncated(
            "falta el marcador final %%EOF".into(),
        ));
    }
    if signatures::find(tail, b"startxref").is_none() {
        return Err(VerifyError::Truncated("falta startxref".into()));
    }
    let doc = loader.load(bytes.len(), load).map_err(|reason| {
        if signatures::find(bytes, b"/Encrypt").is_some() {
            VerifyError::Encrypted
        } else {
            VerifyError::Malformed(reason)
        }
    })?;
    if doc.was_encrypted() || doc.trailer.has(b"Encrypt") {
        return Err(VerifyError::Encrypted);
    }
    if signatures::catalog(&doc).is_none() {
        return Err(VerifyError::Malformed("no tiene catálogo (/Root)".into()));
    }
    Ok(doc)
}

fn load(bytes: &[u8]) -> Result<Document, String> {
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_DECOMPRESSED),
        ..LoadOptions::default()
    };
    Document::load_mem_with_options(bytes, options).map_err(|e| e.to_string())
}

/// The signed revisions, each loaded and analysed once however many
/// signatures cover it, and the final document's structure, built once.
struct Revisions<'a> {
    loader: &'a signatures::Loader<'a>,
    last: &'a Document,
    last_structure: Option<Structure>,
    loaded: HashMap<usize, Option<(Document, Structure)>>,
}

impl<'a> Revisions<'a> {
    fn new(loader: &'a signatures::Loader<'a>, last: &'a Document) -> Self {
        Revisions {
            loader,
            last,
            last_structure: None,
            loaded: HashMap::new(),
        }
    }

    /// Disallowed changes between the revision ending at `end` and the final document.
    fn changes_after(
        &mut self,
        end: usize,
        no_more_signatures: bool,
    ) -> Result<Vec<String>, String> {
        let loader = self.loader;
        let entry = self.loaded.entry(end).or_insert_with(|| {
            let doc = loader.load(end, load).ok()?;
            let structure = Structure::new(&doc);
            Some((doc, structure))
        });
        let Some((old, old_structure)) = entry.as_ref() else {
            return Err("no se pudo leer la revisión firmada para compararla".into());
        };
        let last = self.last;
        let last_structure = self
            .last_structure
            .get_or_insert_with(|| Structure::new(last));
        Ok(changes::disallowed_changes(
            old,
            old_structure,
            last,
            last_structure,
            no_more_signatures,
        ))
    }
}

/// Sub-filters whose `/Contents` is a detached CMS SignedData over the ranges.
const DETACHED_CMS: &[&str] = &["ETSI.CAdES.detached", "adbe.pkcs7.detached"];
const PADES: &str = "ETSI.CAdES.detached";

fn verify_signature(
    bytes: &[u8],
    ends: &[usize],
    field: &str,
    value: &SigValue,
    options: &VerifyOptions,
    revisions: &mut Revisions,
    certificates: &mut cms::CertificateCache,
) -> SignatureReport {
    let sig = &value.dict;
    let name_of = |key: &[u8]| {
        sig.get(key)
            .ok()
            .and_then(|o| o.as_name().ok())
            .map(|n| String::from_utf8_lossy(n).into_owned())
    };
    let text_of = |key: &[u8]| sig.get(key).ok().and_then(signatures::text);
    let sub_filter = name_of(b"SubFilter").unwrap_or_default();
    let signing_time = sig
        .get(b"M")
        .ok()
        .and_then(|m| m.as_str().ok())
        .and_then(signatures::parse_pdf_date);
    let mut problems = Vec::new();

    let mut report = SignatureReport {
        field: field.to_string(),
        role: field
            .strip_prefix(crate::render::pdf::SIGNATURE_PARENT_FIELD)
            .and_then(|rest| rest.strip_prefix('.'))
            .filter(|role| !role.is_empty() && !role.contains('.'))
            .map(String::from),
        signer: text_of(b"Name"),
        signer_subject: None,
        issuer: None,
        serial: None,
        signing_time: signing_time.map(|t| t.format("%d/%m/%Y %H:%M %:z").to_string()),
        signing_time_rfc3339: signing_time.map(|t| t.to_rfc3339()),
        reason: text_of(b"Reason"),
        location: text_of(b"Location"),
        sub_filter: sub_filter.clone(),
        certification: signatures::docmdp_level(revisions.last, sig),
        intact: false,
        valid: false,
        trusted: None,
        cert_valid_at_signing: false,
        pades_ok: false,
        revision: 0,
        covers_whole_file: false,
        modified_after: false,
        modifications: Vec::new(),
        problems: Vec::new(),
    };

    // Where the signed bytes end, even when the rest of /ByteRange is wrong.
    let end = raw_end(sig).filter(|end| *end <= bytes.len());
    let range = match signatures::check_byte_range(bytes, sig) {
        Ok(range) => Some(range),
        Err(problem) => {
            problems.push(problem);
            None
        }
    };

    // The CMS.
    let contents = match sig.get(b"Contents") {
        Ok(Object::String(contents, _)) => contents.as_slice(),
        _ => &[],
    };
    if !DETACHED_CMS.contains(&sub_filter.as_str()) {
        problems.push(format!(
            "el subfiltro /{sub_filter} no se verifica (se esperaba ETSI.CAdES.detached o adbe.pkcs7.detached)"
        ));
    } else if let Some(range) = range {
        match cms::verify_detached_with(contents, &range.signed_content(bytes), certificates) {
            Ok(cms) => apply_cms(&mut report, &mut problems, cms, signing_time, options),
            Err(e) => problems.push(e.to_string()),
        }
    }

    if !options.trust_roots.is_empty() && report.trusted.is_none() {
        // Roots were given but the chain could not even be looked at.
        report.trusted = Some(false);
    }

    // What the signature covers, and what came after it.
    if let Some(end) = end {
        let (revision, exact) = signatures::revision_of(ends, end);
        report.revision = revision;
        if !exact {
            problems.push("el rango firmado no termina al final de una revisión".into());
        }
        report.covers_whole_file = bytes[end..].iter().all(u8::is_ascii_whitespace);
        if !report.covers_whole_file {
            let no_more_signatures = report.certification == Some(1);
            match revisions.changes_after(end, no_more_signatures) {
                Ok(modifications) => report.modifications = modifications,
                Err(problem) => report.modifications = vec![problem],
            }
            report.modified_after = !report.modifications.is_empty();
        }
    }
    report.problems = problems;
    report
}

/// Fills the certificate, validity, trust and PAdES facts from the CMS.
fn apply_cms(
    report: &mut SignatureReport,
    problems: &mut Vec<String>,
    cms: cms::CmsReport,
    signing_time: Option<DateTime<FixedOffset>>,
    options: &VerifyOptions,
) {
    report.valid = cms.signature_valid;
    report.intact = cms.digest_matches;
    // `cms` explains its own findings; these lines only stand in when it said nothing.
    if cms.problems.is_empty() {
        if !cms.digest_matches {
            problems.push(
                "el resumen firmado (message-digest) no coincide con los bytes firmados".into(),
            );
        }
        if !cms.signature_valid {
            problems
                .push("el valor de la firma no verifica con la clave pública del firmante".into());
        }
    }
    problems.extend(cms.problems.iter().cloned());

    // Validity and trust are judged at the claimed signing time (/M): a B-B
    // signature carries no trusted time, so, as Acrobat does, the signer's
    // clock is taken at its word (the report shows which time that was).
    let at: DateTime<Utc> = match signing_time {
        Some(t) => t.with_timezone(&Utc),
        None => {
            problems.push("la firma no indica su fecha (/M); se usa la hora actual".into());
            Utc::now()
        }
    };
    match &cms.signer {
        Some(cert) => {
            report.signer = Some(
                common_name(cert.subject_name())
                    .unwrap_or_else(|| one_line_name(cert.subject_name())),
            );
            report.signer_subject = Some(one_line_name(cert.subject_name()));
            report.issuer = Some(one_line_name(cert.issuer_name()));
            report.serial = cert
                .serial_number()
                .to_bn()
                .ok()
                .and_then(|bn| bn.to_hex_str().ok())
                .map(|s| s.to_string());
            report.cert_valid_at_signing = valid_at(cert, at);
            if !report.cert_valid_at_signing {
                problems.push(
                    "el certificado del firmante no estaba vigente en la fecha de la firma".into(),
                );
            }
            if !options.trust_roots.is_empty() {
                let der = cert.to_der().unwrap_or_default();
                let intermediates: Vec<X509> = cms
                    .certificates
                    .iter()
                    .filter(|c| c.to_der().unwrap_or_default() != der)
                    .cloned()
                    .collect();
                report.trusted =
                    match cms::verify_chain(cert, &intermediates, &options.trust_roots, at) {
                        cms::ChainStatus::Trusted => Some(true),
                        cms::ChainStatus::Untrusted { reason } => {
                            problems.push(format!(
                                "la cadena de certificados no es confiable: {reason}"
                            ));
                            Some(false)
                        }
                        cms::ChainStatus::NoRoots => None,
                    };
            }
        }
        None => {
            // (`cms` already says the certificate is missing.)
            if !options.trust_roots.is_empty() {
                report.trusted = Some(false);
            }
        }
    }

    if report.sub_filter == PADES {
        let mut pades = Vec::new();
        if cms.has_signing_time {
            pades.push("tiene el atributo signing-time (PAdES lo prohíbe: la hora va en /M)");
        }
        if !cms.has_signing_certificate_v2 {
            pades.push("falta el atributo signing-certificate-v2");
        }
        // (A signing-certificate-v2 that does not match is among `cms`'s problems.)
        if !cms.content_type_is_data {
            pades.push("content-type no es id-data");
        }
        report.pades_ok = pades.is_empty() && cms.signing_certificate_matches;
        problems.extend(pades.into_iter().map(|p| format!("PAdES: {p}")));
    }
}

/// Offset where the signed bytes end (`c + d` of `/ByteRange [a b c d]`).
fn raw_end(sig: &lopdf::Dictionary) -> Option<usize> {
    let values = sig.get(b"ByteRange").ok()?.as_array().ok()?;
    if values.len() != 4 {
        return None;
    }
    let c = usize::try_from(values[2].as_i64().ok()?).ok()?;
    let d = usize::try_from(values[3].as_i64().ok()?).ok()?;
    c.checked_add(d)
}

fn valid_at(cert: &X509, at: DateTime<Utc>) -> bool {
    let Ok(at) = Asn1Time::from_unix(at.timestamp()) else {
        return false;
    };
    let not_before = cert.not_before().compare(&at);
    let not_after = cert.not_after().compare(&at);
    matches!(
        not_before,
        Ok(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
    ) && matches!(
        not_after,
        Ok(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)
    )
}

#[cfg(test)]
mod tests;
