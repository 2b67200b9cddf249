//! Building a bundle from documents already chosen and read: verify every
//! PDF (a document whose signatures do not hold is refused, naming it),
//! write `manifiesto.json`, `manifiesto.csv` and `reporte-verificacion.pdf`,
//! list every file with its SHA-256 in `META-INF/ASiCManifest.xml`, seal
//! that manifest with the archivist's CAdES detached signature
//! (`sign::cms::CmsSigner`, the same code that signs PDFs) and lay it all
//! out as an ASiC-E container.
//!
//! A pure function: bytes in, bytes out. Selecting documents from the
//! store, loading the certificate and writing the file atomically are the
//! caller's (`service::bundle`).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset};
use openssl::x509::X509;

use super::asic::{self, ContainerFile};
use super::manifest::{
    AsicManifest, DataObjectReference, DocumentEntry, Manifiesto, SealInfo, SigReference,
    SignatureEntry, MANIFIESTO_FORMAT, SHA256_URI,
};
use super::zip::Method;
use super::{
    bundle_id, parallel_map, report, signature_status, BundleError, MANIFIESTO_CSV,
    MANIFIESTO_JSON, REPORT_PDF,
};
use crate::sign::certificate::SigningIdentity;
use crate::sign::cms::CmsSigner;
use crate::verify::{verify_pdf, SignatureReport, Verdict, VerifyOptions};

/// One document to archive: its latest revision and what the store and
/// the catalogue know of it.
#[derive(Debug, Clone)]
pub struct ExportDocument {
    /// How `actas` names it (`2026-001` or `serie/2026-001`).
    pub reference: String,
    pub number: String,
    pub series: String,
    pub template: String,
    pub form_code: String,
    pub title: String,
    pub status: String,
    pub revision: u32,
    /// The template's entity and office, for the report's header.
    pub entity: Option<String>,
    pub office: Option<String>,
    /// Role id → printed role title.
    pub role_titles: HashMap<String, String>,
    pub pdf: Vec<u8>,
}

/// The archivist's seal.
#[derive(Debug, Clone, Copy)]
pub struct Seal<'a> {
    pub identity: &'a SigningIdentity,
    pub signer: &'a CmsSigner,
}

/// How to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The export instant: in `manifiesto.json`, the report and the ZIP entries' dates.
    pub at: DateTime<FixedOffset>,
    /// With roots, each signature's trust is checked and recorded, and an
    /// untrusted one is refused.
    pub trust_roots: Vec<X509>,
    /// The audit checkpoint sealed for this export, carried in `manifiesto.json`.
    pub checkpoint: Option<crate::store::Checkpoint>,
}

/// A finished bundle.
#[derive(Debug, Clone)]
pub struct ExportedBundle {
    /// The ZIP.
    pub bytes: Vec<u8>,
    pub manifiesto: Manifiesto,
    /// Every entry, in container order.
    pub entries: Vec<String>,
}

/// The entry name of a document: `2026-001_mef-anexo-11-1.pdf`
/// (`serie-2026-001_…` outside the office-wide register).
pub fn file_name(doc: &ExportDocument) -> String {
    let reference: String = doc
        .reference
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let template: String = doc
        .template
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{reference}_{template}.pdf")
}

/// Builds the sealed container of `documents`, in their order.
pub fn build_bundle(
    documents: &[ExportDocument],
    seal: &Seal,
    options: &ExportOptions,
) -> Result<ExportedBundle, BundleError> {
    if documents.is_empty() {
        return Err(BundleError::Empty);
    }
    let names: Vec<String> = documents.iter().map(file_name).collect();
    let mut seen = HashSet::new();
    for (doc, name) in documents.iter().zip(&names) {
        if !seen.insert(name.to_lowercase()) {
            return Err(BundleError::Document {
                reference: doc.reference.clone(),
                reason: format!("está repetido en la selección ({name})"),
            });
        }
    }

    // Verify every PDF (most of the time), on all cores.
    let verify_options = VerifyOptions {
        trust_roots: options.trust_roots.clone(),
    };
    let checked = parallel_map(documents, |doc| {
        let report = verify_pdf(&doc.pdf, &verify_options);
        (report, openssl::sha::sha256(&doc.pdf))
    });

    let mut entries = Vec::with_capacity(documents.len());
    let mut digests: Vec<Vec<u8>> = Vec::with_capacity(documents.len() + 3);
    for ((doc, name), (report, digest)) in documents.iter().zip(&names).zip(checked) {
        digests.push(digest.to_vec());
        let sha256 = hex(&digest);
        let report = report.map_err(|e| BundleError::Document {
            reference: doc.reference.clone(),
            reason: format!("su PDF no se puede verificar ({e})"),
        })?;
        if report.signatures.is_empty() {
            return Err(BundleError::Unsigned {
                reference: doc.reference.clone(),
            });
        }
        // Only what verifies VÁLIDO is archived (docs/verification.md): an
        // indeterminate signature (no trust roots, unknown issuer) is refused too.
        if report.verdict != Verdict::Valido {
            return Err(BundleError::Document {
                reference: doc.reference.clone(),
                reason: format!(
                    "su verificación es {}: {}",
                    report.verdict.label(),
                    report.reasons.first().cloned().unwrap_or_default()
                ),
            });
        }
        entries.push(DocumentEntry {
            number: doc.number.clone(),
            reference: doc.reference.clone(),
            series: doc.series.clone(),
            template: doc.template.clone(),
            form_code: doc.form_code.clone(),
            title: doc.title.clone(),
            status: doc.status.clone(),
            revision: doc.revision,
            file: name.clone(),
            sha256,
            size: doc.pdf.len() as u64,
            signatures: report
                .signatures
                .iter()
                .map(|s| signature_entry(s, &doc.role_titles))
                .collect(),
        });
    }

    let identity = seal.identity;
    let manifiesto = Manifiesto {
        format: MANIFIESTO_FORMAT.into(),
        bundle: bundle_id(entries.iter().map(|e| (e.file.as_str(), e.sha256.as_str()))),
        exported_at: options.at.to_rfc3339(),
        sealed_by: SealInfo {
            name: identity.common_name(),
            subject: identity.subject(),
            issuer: crate::sign::certificate::one_line_name(identity.certificate.issuer_name()),
            serial: identity.serial_hex(),
        },
        documents: entries,
        audit_checkpoint: options.checkpoint.clone(),
    };
    let json = manifiesto.to_json();
    let csv = manifiesto.to_csv();
    let header = report::ReportHeader::common(documents);
    let report_pdf = report::render_report(
        &manifiesto,
        &header,
        !options.trust_roots.is_empty(),
        options.at,
    )?;

    // The data objects, in container order, and the manifest that seals them.
    let mut files: Vec<ContainerFile> = documents
        .iter()
        .zip(&names)
        .map(|(doc, name)| ContainerFile {
            name: name.clone(),
            data: &doc.pdf,
            method: Method::Deflated,
        })
        .collect();
    for (name, data) in [
        (MANIFIESTO_JSON, &json),
        (MANIFIESTO_CSV, &csv),
        (REPORT_PDF, &report_pdf),
    ] {
        files.push(ContainerFile {
            name: name.into(),
            data,
            method: Method::Deflated,
        });
    }
    for file in &files[documents.len()..] {
        digests.push(openssl::sha::sha256(file.data).to_vec());
    }
    let manifest = AsicManifest {
        sig_reference: Some(SigReference {
            uri: asic::SIGNATURE_ENTRY.into(),
            mime_type: Some(asic::SIGNATURE_MIME.into()),
        }),
        objects: files
            .iter()
            .zip(digests)
            .map(|(file, digest)| DataObjectReference {
                uri: file.name.clone(),
                mime_type: Some(mime_type(&file.name).into()),
                digest_algorithm: SHA256_URI.into(),
                digest,
            })
            .collect(),
    };
    let manifest_xml = manifest.to_xml().into_bytes();
    let signature = seal
        .signer
        .sign_digest(&openssl::sha::sha256(&manifest_xml))?;
    files.push(ContainerFile {
        name: asic::MANIFEST_ENTRY.into(),
        data: &manifest_xml,
        method: Method::Deflated,
    });
    files.push(ContainerFile {
        name: asic::SIGNATURE_ENTRY.into(),
        data: &signature,
        method: Method::Stored,
    });
    let bytes =
        asic::write_container(&files, options.at.naive_local()).map_err(BundleError::Write)?;
    let mut names: Vec<String> = vec![asic::MIMETYPE_ENTRY.into()];
    names.extend(files.iter().map(|f| f.name.clone()));
    Ok(ExportedBundle {
        bytes,
        manifiesto,
        entries: names,
    })
}

/// A verified signature as the manifests record it.
pub fn signature_entry(s: &SignatureReport, titles: &HashMap<String, String>) -> SignatureEntry {
    SignatureEntry {
        field: s.field.clone(),
        role: s.role.clone(),
        role_title: s.role.as_ref().and_then(|r| titles.get(r)).cloned(),
        signer: s.signer.clone(),
        time: s.signing_time_rfc3339.clone(),
        status: signature_status(s),
        intact: s.intact,
        valid: s.valid,
        trusted: s.trusted,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The media type recorded for an entry.
pub fn mime_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("pdf") => "application/pdf",
        Some("json") => "application/json",
        Some("csv") => "text/csv",
        Some("xml") => "text/xml",
        _ => "application/octet-stream",
    }
}
