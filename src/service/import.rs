//! Received PDFs go back to the register (`actas import`, the window's
//! «Importar PDF firmado»).
//!
//! A PDF that names an Actas template and number (`/ActasTemplate`,
//! `/ActasNumber`) and whose first bytes are, byte for byte, the latest
//! stored revision of that document becomes its next revision, once the
//! verifier accepts it. A PDF of a number this register does not know is
//! stored as a received document, in its own series (`recibido-<serie>`)
//! with the number it carries. A PDF that extends an older revision, or
//! whose first bytes differ from every stored revision, is refused naming
//! the revision it conflicts with; a PDF without Actas metadata is refused.
//! Every import writes its audit row with the file's SHA-256.
//!
//! The verifier's report is judged in one place, [`accepted`], so a richer
//! verdict changes one function. Nothing here signs.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::{document_reference, Service, SIGNATURE_NOTE_PREFIX};
use crate::error::ActasError;
use crate::files;
use crate::store::{
    sha256_hex, NewDocument, NewRevision, Revision, Store, StoreError, ACTION_DOCUMENT_IMPORT,
};
use crate::verify::{verify_pdf, VerifyOptions, VerifyReport};

/// Prefix of the series a received document is stored in.
pub const RECEIVED_SERIES_PREFIX: &str = "recibido-";

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// The next revision of a stored document.
    Revision,
    /// A document this register did not have, stored as received.
    Received,
    /// The file is the latest stored revision already: nothing written.
    AlreadyStored,
}

/// One imported file, for the user.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportedPdf {
    pub file: String,
    pub sha256: String,
    pub kind: ImportKind,
    /// What `export`, `sign` and `list` call the document.
    pub reference: String,
    pub revision: u32,
    pub status: String,
    /// Signed roles with their signers, in file order.
    pub signatures: Vec<String>,
}

impl Service {
    /// Imports the PDF file `path` (see the module documentation).
    pub fn import_file(
        &self,
        store: &mut Store,
        path: &Path,
        trust_roots: Vec<openssl::x509::X509>,
        actor: &str,
    ) -> Result<ImportedPdf, ActasError> {
        let bytes = files::read(path)?;
        let name = path.display().to_string();
        self.import_bytes(store, &bytes, &name, trust_roots, actor)
    }

    /// Imports `bytes`, read from `name` (for messages and the audit log).
    pub fn import_bytes(
        &self,
        store: &mut Store,
        bytes: &[u8],
        name: &str,
        trust_roots: Vec<openssl::x509::X509>,
        actor: &str,
    ) -> Result<ImportedPdf, ActasError> {
        let refuse = |reason: String| ActasError::Refused(format!("{name}: {reason}"));
        if !bytes.starts_with(b"%PDF-") {
            return Err(refuse("no es un PDF".into()));
        }
        let report = verify_pdf(bytes, &VerifyOptions { trust_roots })
            .map_err(|e| refuse(format!("no se puede leer el PDF ({e})")))?;
        let (Some(template_id), Some(number)) = (report.template.clone(), report.number.clone())
        else {
            return Err(refuse(
                "no es un PDF de Actas (no indica plantilla ni número de documento)".into(),
            ));
        };
        let template = self.catalogue.get_or_load(&template_id)?.ok_or_else(|| {
            refuse(format!(
                "la plantilla «{template_id}» que indica el PDF no está en el catálogo"
            ))
        })?;
        accepted(&report).map_err(refuse)?;
        let sha256 = sha256_hex(bytes);
        let signatures = signature_notes(&report);
        let roles: Vec<String> = report
            .signatures
            .iter()
            .filter_map(|s| s.role.clone())
            .collect();
        let (_, complete) = super::signing::progress(Some(&*template), &roles);
        let status = super::signing::status_text(Some(&*template), &roles, complete);
        let reference = document_reference(&template.series, &number);
        let outcome = |kind, reference: String, revision| ImportedPdf {
            file: name.to_string(),
            sha256: sha256.clone(),
            kind,
            reference,
            revision,
            status: status.clone(),
            signatures: signatures.clone(),
        };

        let stored = match store.revisions_with_pdf(&reference) {
            Ok(stored) => stored,
            Err(StoreError::DocumentNotFound { .. }) => {
                let series = format!("{RECEIVED_SERIES_PREFIX}{}", template.series);
                let year = number
                    .split_once('-')
                    .and_then(|(y, _)| y.parse::<i32>().ok())
                    .ok_or_else(|| {
                        refuse(format!("el número «{number}» no tiene la forma AAAA-NNN"))
                    })?;
                let new = NewDocument {
                    series: series.clone(),
                    year,
                    template_id: template.id.clone(),
                    template_version: template.format_version.clone(),
                    title: template.title.clone(),
                    status: status.clone(),
                    data: serde_json::json!({ "recibido": { "archivo": name, "sha256": sha256 } }),
                    actor: actor.to_string(),
                    at: self.clock.now(),
                };
                store.receive_document(&new, &number, bytes)?;
                return Ok(outcome(
                    ImportKind::Received,
                    format!("{series}/{number}"),
                    1,
                ));
            }
            Err(other) => return Err(other.into()),
        };
        let Some(latest) = stored.last() else {
            return Err(StoreError::DocumentNotFound { number: reference }.into());
        };
        if bytes == latest.pdf.as_slice() {
            return Ok(outcome(
                ImportKind::AlreadyStored,
                reference,
                latest.revision,
            ));
        }
        if !bytes.starts_with(&latest.pdf) {
            return Err(refuse(conflict(&stored, bytes, &reference)));
        }
        let note = signatures
            .iter()
            .skip(signed_in(latest))
            .cloned()
            .collect::<Vec<_>>()
            .join("; ");
        let info = store.add_revision_on(
            &reference,
            Some(latest.revision),
            &NewRevision {
                pdf: bytes,
                status: &status,
                note: &note,
                actor,
                at: self.clock.now(),
                action: ACTION_DOCUMENT_IMPORT,
                file_sha256: Some(sha256.clone()),
                substitute_for: None,
            },
        )?;
        Ok(outcome(ImportKind::Revision, reference, info.revision))
    }
}

/// Whether the verifier's report lets a PDF into the register: at least
/// one signature, and VÁLIDO — or, when the office has configured no trust
/// root, INDETERMINADO for that reason alone (as `bundle verify` does
/// without roots; docs/verification.md). NO VÁLIDO never enters. The single
/// place that reads the verdict.
pub fn accepted(report: &VerifyReport) -> Result<(), String> {
    use crate::verify::report::NO_ROOTS_REASON;
    use crate::verify::Verdict;
    if report.signatures.is_empty() {
        return Err("el PDF no tiene ninguna firma".into());
    }
    let untrusted_only = !report.trust_checked
        && report.verdict == Verdict::Indeterminado
        && report
            .signatures
            .iter()
            .all(|s| s.reasons.iter().all(|r| r == NO_ROOTS_REASON));
    if report.verdict == Verdict::Valido || untrusted_only {
        return Ok(());
    }
    Err(format!(
        "su verificación es {}: {}",
        report.verdict.label(),
        report.reasons.first().cloned().unwrap_or_default()
    ))
}

/// `firma:<role>:<signer>` for each Actas signature, in file order.
fn signature_notes(report: &VerifyReport) -> Vec<String> {
    report
        .signatures
        .iter()
        .filter_map(|s| {
            let role = s.role.as_ref()?;
            let signer = s.signer.clone().unwrap_or_default();
            Some(format!("{SIGNATURE_NOTE_PREFIX}{role}:{signer}"))
        })
        .collect()
}

/// How many signatures a stored revision carries (its `/ByteRange`s).
fn signed_in(revision: &Revision) -> usize {
    revision
        .pdf
        .windows(b"/ByteRange".len())
        .filter(|w| *w == b"/ByteRange")
        .count()
}

/// Why a PDF that does not extend the latest revision is refused.
fn conflict(stored: &[Revision], bytes: &[u8], reference: &str) -> String {
    let latest = stored.last().map_or(0, |r| r.revision);
    match stored
        .iter()
        .rev()
        .find(|r| bytes.len() > r.pdf.len() && bytes.starts_with(&r.pdf))
    {
        Some(base) => format!(
            "fue firmado sobre la revisión {} del documento {reference}, pero el registro ya \
             tiene la revisión {latest}: firme sobre la última revisión",
            base.revision
        ),
        None => format!(
            "sus primeros bytes difieren de la revisión 1 del documento {reference}: no es una \
             ampliación de ninguna revisión registrada"
        ),
    }
}
