//! Verifying the signatures of any PDF (ours or not), fail-closed, with the
//! verdict of the national validators: VÁLIDO / NO VÁLIDO / INDETERMINADO
//! per signature and for the document (ETSI EN 319 102-1 TOTAL-PASSED /
//! TOTAL-FAILED / INDETERMINATE). What is checked and what is allowed is
//! written down in `docs/verification.md`.
//!
//! The pipeline: `reader` reads the file once, as its revisions, the one
//! way a viewer reads it (structural doubts are findings); `signatures`
//! walks each revision's field tree; `changes` binds every new signature to
//! the field whose `/V` first pointed to it in the revision it signs, and
//! compares each revision with the next along the document's semantic
//! paths; `cms` checks each signature's cryptography and chain;
//! `signer` what the certificate allows; `report` holds the result and the
//! verdict. Input that has no readable PDF structure is the only error; a
//! bad signature is a finding in the report.

pub mod changes;
pub mod cms;
pub mod cos;
pub mod reader;
pub mod report;
pub mod signatures;
pub mod signer;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Utc};
use lopdf::Object;
use openssl::asn1::Asn1Time;
use openssl::x509::X509;

use crate::sign::certificate::{common_name, one_line_name};

use changes::{Binding, Permission};
use reader::{PdfFile, ReadError};
pub use report::{SignatureReport, Verdict, VerifyReport};
use signatures::{field_tree, FieldTree};

/// How to verify.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Trusted root certificates; with none, no signature can be VÁLIDO
    /// (the result is INDETERMINADO at best).
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

impl From<ReadError> for VerifyError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::NotPdf => VerifyError::NotPdf,
            ReadError::Truncated(r) => VerifyError::Truncated(r),
            ReadError::Malformed(r) => VerifyError::Malformed(r),
            ReadError::Encrypted => VerifyError::Encrypted,
        }
    }
}

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
/// can't be read as a PDF: not a PDF, truncated or without structure,
/// encrypted. Never panics, whatever the bytes.
pub fn verify_pdf(bytes: &[u8], options: &VerifyOptions) -> Result<VerifyReport, VerifyError> {
    match catch_unwind(AssertUnwindSafe(|| verify_inner(bytes, options))) {
        Ok(result) => result,
        Err(_) => Err(VerifyError::Malformed(
            "estructura inesperada que el lector no pudo interpretar".into(),
        )),
    }
}

/// The history of a file: every binding, and what each revision changed
/// that was not allowed.
struct History {
    bindings: Vec<Binding>,
    /// (revision k, the disallowed changes from k − 1 to k).
    steps: Vec<(usize, Vec<String>)>,
    /// Fields that show a signature that is not theirs, certification out of place.
    forgeries: Vec<String>,
}

fn history(file: &PdfFile<'_>) -> History {
    let count = file.revisions().len();
    let trees: Vec<FieldTree> = (1..=count).map(|k| field_tree(file.view(k))).collect();
    let mut history = History {
        bindings: Vec::new(),
        steps: Vec::new(),
        forgeries: Vec::new(),
    };
    let mut permission = Permission::Approvals;
    for k in 1..=count {
        let view = file.view(k);
        let old = (k > 1).then(|| (file.view(k - 1), &trees[k - 2]));
        let (bound, problems) = changes::bindings(old, view, &trees[k - 1]);
        history.forgeries.extend(problems);
        // Changes before the first signature are nobody's concern.
        if let (Some(old), false) = (old, history.bindings.is_empty()) {
            let findings = changes::compare(old, (view, &trees[k - 1]), &bound, permission);
            history.steps.push((k, findings));
        }
        for binding in &bound {
            if let Some(level) = binding.certification {
                let earlier = history.bindings.iter().any(|b| !b.timestamp)
                    || bound
                        .iter()
                        .any(|b| !b.timestamp && b.value != binding.value);
                if earlier {
                    history.forgeries.push(format!(
                        "la firma de certificación del campo «{}» no es la primera firma del documento",
                        binding.field_name
                    ));
                } else {
                    permission = Permission::Certified(level);
                }
            }
        }
        history.bindings.extend(bound);
    }
    history
}

fn verify_inner(bytes: &[u8], options: &VerifyOptions) -> Result<VerifyReport, VerifyError> {
    let file = PdfFile::parse(bytes)?;
    let history = history(&file);
    let last = file.last();
    let structure: Vec<String> = file.problems().to_vec();

    let mut certificates = cms::CertificateCache::default();
    let signatures: Vec<SignatureReport> = history
        .bindings
        .iter()
        .map(|binding| {
            let later: Vec<String> = history
                .steps
                .iter()
                .filter(|(k, _)| *k > binding.revision)
                .flat_map(|(k, findings)| {
                    findings.iter().map(move |f| format!("revisión {k}: {f}"))
                })
                .collect();
            let mut report = verify_signature(&file, binding, later, options, &mut certificates);
            if !structure.is_empty() {
                report.problems.extend(structure.iter().cloned());
            }
            report.judge(!structure.is_empty(), !options.trust_roots.is_empty());
            report
        })
        .collect();

    let signed: Vec<String> = signatures.iter().map(|s| s.field.clone()).collect();
    let unsigned_fields = field_tree(last)
        .signature_fields
        .into_iter()
        .filter(|f| f.value.is_none() && !signed.contains(&f.name))
        .map(|f| f.name)
        .collect();

    // The Actas number and form come from what the first signature signed,
    // never from a later update of the Info dictionary.
    let info_view = history
        .bindings
        .first()
        .map_or(last, |b| file.view(b.revision));
    let info_text = |key: &[u8]| {
        info_view
            .info()
            .and_then(|i| info_view.get_key(i, key))
            .and_then(signatures::text)
    };
    let mut report = VerifyReport {
        verdict: Verdict::Indeterminado,
        reasons: Vec::new(),
        signatures,
        unsigned_fields,
        template: info_text(b"ActasTemplate"),
        number: info_text(b"ActasNumber"),
        revisions: file.revisions().len(),
        trust_checked: !options.trust_roots.is_empty(),
        structure_problems: structure,
        forgeries: history.forgeries,
        completeness: None,
        ok: false,
    };
    report.judge();
    Ok(report)
}

/// Sub-filters whose `/Contents` is a detached CMS SignedData over the ranges.
const DETACHED_CMS: &[&str] = &["ETSI.CAdES.detached", "adbe.pkcs7.detached"];
const PADES: &str = "ETSI.CAdES.detached";

fn verify_signature(
    file: &PdfFile<'_>,
    binding: &Binding,
    later_changes: Vec<String>,
    options: &VerifyOptions,
    certificates: &mut cms::CertificateCache,
) -> SignatureReport {
    let bytes = file.bytes();
    let view = file.view(binding.revision);
    let empty = lopdf::Dictionary::new();
    let sig = view
        .get(binding.value)
        .and_then(|o| o.as_dict().ok())
        .unwrap_or(&empty);
    let name_of = |key: &[u8]| {
        view.get_key(sig, key)
            .and_then(|o| o.as_name().ok())
            .map(|n| String::from_utf8_lossy(n).into_owned())
    };
    let text_of = |key: &[u8]| view.get_key(sig, key).and_then(signatures::text);
    let sub_filter = name_of(b"SubFilter").unwrap_or_default();
    let signing_time = view
        .get_key(sig, b"M")
        .and_then(|m| m.as_str().ok())
        .and_then(signatures::parse_pdf_date);
    let mut problems = Vec::new();

    let mut report = SignatureReport {
        field: binding.field_name.clone(),
        role: binding
            .field_name
            .strip_prefix(crate::render::pdf::SIGNATURE_PARENT_FIELD)
            .and_then(|rest| rest.strip_prefix('.'))
            .filter(|role| !role.is_empty() && !role.contains('.'))
            .map(String::from),
        role_title: None,
        timestamp: binding.timestamp,
        signer: text_of(b"Name"),
        signer_subject: None,
        issuer: None,
        serial: None,
        signing_time: signing_time.map(|t| t.format("%d/%m/%Y %H:%M %:z").to_string()),
        signing_time_rfc3339: signing_time.map(|t| t.to_rfc3339()),
        reason: text_of(b"Reason"),
        location: text_of(b"Location"),
        sub_filter: sub_filter.clone(),
        certification: binding.certification,
        intact: false,
        valid: false,
        trusted: None,
        cert_valid_at_signing: false,
        signer_use_ok: false,
        strong_algorithms: false,
        signing_certificate_mismatch: false,
        pades_ok: false,
        revision: binding.revision,
        covers_whole_file: false,
        modified_after: !later_changes.is_empty(),
        modifications: later_changes,
        problems: Vec::new(),
        verdict: Verdict::Indeterminado,
        reasons: Vec::new(),
    };

    let range = match signatures::check_byte_range(bytes, sig) {
        Ok(range) => Some(range),
        Err(problem) => {
            problems.push(problem);
            None
        }
    };
    if let Some(range) = &range {
        let last_eof = file.revisions().last().map_or(bytes.len(), |r| r.eof);
        report.covers_whole_file = range.end() >= last_eof;
    }

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
    report.strong_algorithms = !cms.weak_algorithm;
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
            match signer::signing_use(cert) {
                Ok(()) => report.signer_use_ok = true,
                Err(problem) => problems.push(problem),
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

    report.signing_certificate_mismatch =
        cms.has_signing_certificate_v2 && !cms.signing_certificate_matches;
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
    } else {
        // Not PAdES (adbe.pkcs7.detached): judged as a plain CMS signature.
        report.pades_ok = false;
    }
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
