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
//! `signer` what the certificate allows; `timestamp` the RFC 3161 tokens
//! (a signature's, which then fixes its signing time, and document
//! time-stamps); `revocation` the OCSP responses and CRLs the document
//! carries (DSS, CMS); `report` holds the result and the verdict. Input that has no readable PDF structure is the only error; a
//! bad signature is a finding in the report.

pub mod changes;
pub mod cms;
pub mod cos;
pub mod reader;
pub mod report;
pub mod revocation;
pub mod signatures;
pub mod signer;
pub mod timestamp;

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
    let embedded = Embedded::read(last);
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
            let mut report =
                verify_signature(&file, binding, later, options, &embedded, &mut certificates);
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

/// The validation data the document carries in its last revision's DSS:
/// revocation data and certificates (for TSA chains).
struct Embedded {
    revocation: revocation::Sources,
    certificates: Vec<X509>,
}

impl Embedded {
    fn read(view: reader::View<'_>) -> Embedded {
        let (revocation, certificates) = revocation::dss_sources(view);
        Embedded {
            revocation,
            certificates,
        }
    }
}

/// A time as the report shows a proven time.
fn utc_text(t: DateTime<Utc>) -> String {
    t.format("%d/%m/%Y %H:%M:%S UTC").to_string()
}

fn verify_signature(
    file: &PdfFile<'_>,
    binding: &Binding,
    later_changes: Vec<String>,
    options: &VerifyOptions,
    embedded: &Embedded,
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
        proven_time: None,
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
        failures: Vec::new(),
        doubts: Vec::new(),
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
    if sub_filter == report::DOC_TIMESTAMP_SUB_FILTER {
        if let Some(range) = range {
            let covered = range.signed_content(bytes);
            match timestamp::validate_token(
                contents,
                &covered,
                &options.trust_roots,
                &embedded.certificates,
                None,
            ) {
                Ok(token) => apply_document_timestamp(&mut report, &mut problems, token),
                Err(e) => problems.push(e.to_string()),
            }
        }
    } else if !DETACHED_CMS.contains(&sub_filter.as_str()) {
        problems.push(format!(
            "el subfiltro /{sub_filter} no se verifica (se esperaba ETSI.CAdES.detached o adbe.pkcs7.detached)"
        ));
    } else if let Some(range) = range {
        match cms::verify_detached_with(contents, &range.signed_content(bytes), certificates) {
            Ok(cms) => {
                let signed = SignedCms { der: contents, cms };
                apply_cms(
                    &mut report,
                    &mut problems,
                    signed,
                    signing_time,
                    options,
                    embedded,
                )
            }
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

/// A signature's CMS: its DER (for the time-stamps and revocation data it
/// carries) and what `cms` found in it.
struct SignedCms<'a> {
    der: &'a [u8],
    cms: cms::CmsReport,
}

/// Fills the facts of a document time-stamp (`/ETSI.RFC3161`): the TSA
/// stands where a signer stands, genTime where `/M` does.
fn apply_document_timestamp(
    report: &mut SignatureReport,
    problems: &mut Vec<String>,
    token: timestamp::TimestampValidation,
) {
    report.intact = token.imprint_matches;
    report.valid = token.signature_valid;
    report.signer_use_ok = token.time_stamping_usage;
    report.strong_algorithms = true;
    report.pades_ok = true;
    report.proven_time = Some(utc_text(token.time));
    report.role_title = Some("Sello de tiempo del documento".into());
    report.signing_time = Some(token.time.format("%d/%m/%Y %H:%M %:z").to_string());
    report.signing_time_rfc3339 = Some(token.time.to_rfc3339());
    if let Some(cert) = &token.tsa_certificate {
        report.signer = Some(
            common_name(cert.subject_name()).unwrap_or_else(|| one_line_name(cert.subject_name())),
        );
        report.signer_subject = Some(token.tsa.clone());
        report.issuer = Some(one_line_name(cert.issuer_name()));
        report.cert_valid_at_signing = valid_at(cert, token.time);
    }
    report.trusted = match &token.chain {
        cms::ChainStatus::Trusted => Some(true),
        cms::ChainStatus::Untrusted { .. } => Some(false),
        cms::ChainStatus::NoRoots => None,
    };
    problems.extend(token.problems);
}

/// The signature's own time-stamps (PAdES B-T): a broken one fails the
/// signature; the earliest trusted one is the proven signing time.
fn signature_time(
    report: &mut SignatureReport,
    signed: &SignedCms<'_>,
    options: &VerifyOptions,
    embedded: &Embedded,
) -> Option<DateTime<Utc>> {
    if !signed.cms.has_timestamp {
        return None;
    }
    let mut pool = signed.cms.certificates.clone();
    pool.extend(embedded.certificates.iter().cloned());
    let tokens =
        match timestamp::signature_timestamps(signed.der, &options.trust_roots, &pool, None) {
            Ok(tokens) => tokens,
            Err(e) => {
                report.failures.push(format!(
                    "el sello de tiempo de la firma no se puede leer: {e}"
                ));
                return None;
            }
        };
    for token in tokens.iter().filter(|t| !t.intact()) {
        report.failures.push(format!(
            "el sello de tiempo de la firma no es válido: {}",
            token.problems.join("; ")
        ));
    }
    let proven = timestamp::earliest_trusted(&tokens);
    if proven.is_none() && !options.trust_roots.is_empty() && tokens.iter().all(|t| t.intact()) {
        report
            .doubts
            .push("la autoridad de sellado de tiempo no llega a una raíz de confianza".into());
    }
    proven
}

/// The revocation data the document carries (DSS, the CMS itself), for the
/// signer's certificate and each intermediate: revoked before `at` fails
/// the signature. Without data nothing is concluded (see `revocation`).
fn check_revocation(
    report: &mut SignatureReport,
    signed: &SignedCms<'_>,
    signer: &X509,
    options: &VerifyOptions,
    embedded: &Embedded,
    at: DateTime<Utc>,
) {
    let mut sources = embedded.revocation.clone();
    sources.extend(revocation::cms_sources(signed.der));
    if sources.ocsps.is_empty() && sources.crls.is_empty() {
        return;
    }
    let mut pool: Vec<X509> = signed.cms.certificates.clone();
    pool.extend(embedded.certificates.iter().cloned());
    pool.extend(options.trust_roots.iter().cloned());
    let mut current = signer.clone();
    // A chain is short; the bound stops a loop of cross-issued certificates.
    for _ in 0..8 {
        let Some(issuer) = issuer_of(&current, &pool) else {
            break;
        };
        let check = revocation::check(&current, &issuer, &sources, None);
        let subject = one_line_name(current.subject_name());
        if let revocation::Effect::Invalid(reason) = revocation::judge(&subject, &check, at) {
            report.failures.push(reason);
        }
        if issuer.issued(&issuer) == openssl::x509::X509VerifyResult::OK {
            break;
        }
        current = issuer;
    }
}

/// The certificate in `pool` that issued `cert` (name and signature).
fn issuer_of(cert: &X509, pool: &[X509]) -> Option<X509> {
    pool.iter()
        .find(|candidate| {
            candidate.issued(cert) == openssl::x509::X509VerifyResult::OK
                && candidate
                    .public_key()
                    .ok()
                    .and_then(|key| cert.verify(&key).ok())
                    .unwrap_or(false)
        })
        .cloned()
}

/// Fills the certificate, validity, trust and PAdES facts from the CMS.
fn apply_cms(
    report: &mut SignatureReport,
    problems: &mut Vec<String>,
    signed: SignedCms<'_>,
    signing_time: Option<DateTime<FixedOffset>>,
    options: &VerifyOptions,
    embedded: &Embedded,
) {
    let proven = signature_time(report, &signed, options, embedded);
    let cms = &signed.cms;
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

    // Validity, trust and revocation are judged at the time a trusted
    // time-stamp proves (B-T and above); a B-B signature carries no trusted
    // time, so, as Acrobat does, the signer's clock (/M) is taken at its
    // word (the report shows which time that was).
    let at: DateTime<Utc> = match (proven, signing_time) {
        (Some(t), _) => {
            report.proven_time = Some(utc_text(t));
            t
        }
        (None, Some(t)) => t.with_timezone(&Utc),
        (None, None) => {
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
            check_revocation(report, &signed, cert, options, embedded, at);
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
