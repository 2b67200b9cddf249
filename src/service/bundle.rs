//! The archive bundle as the user asks for it: choose stored documents (by
//! number, form, status, creation dates), seal them with the archivist's
//! PKCS#12 into one ASiC-E file written atomically, and verify such a file
//! anywhere. The work is `crate::bundle`; this module brings the store, the
//! catalogue, the certificate, the clock and the files to it.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate};
use serde::Serialize;

use super::{document_reference, Service};
use crate::bundle::{
    build_bundle, verify_bundle, BundleReport, BundleVerifyOptions, ExportDocument, ExportOptions,
    Seal,
};
use crate::error::ActasError;
use crate::files;
use crate::sign::certificate::load_pkcs12;
use crate::sign::cms::CmsSigner;
use crate::store::{DocumentSummary, Store};
use crate::verify::cms::load_trust_roots;

/// Which stored documents go into a bundle. The documents named and the
/// filters combine: every document must pass every filter given.
#[derive(Debug, Clone, Default)]
pub struct BundleSelection {
    /// References as `actas list` prints them (`2026-001`, `serie/2026-001`).
    pub documents: Vec<String>,
    /// Template ids.
    pub forms: Vec<String>,
    /// Statuses, e.g. «firmado» (case-insensitive); «en firma» also takes
    /// «en firma (1 de 3)».
    pub statuses: Vec<String>,
    /// Created on or after this day (in the offset it was saved with).
    pub from: Option<NaiveDate>,
    /// Created on or before this day.
    pub to: Option<NaiveDate>,
}

impl BundleSelection {
    fn is_empty(&self) -> bool {
        self.documents.is_empty()
            && self.forms.is_empty()
            && self.statuses.is_empty()
            && self.from.is_none()
            && self.to.is_none()
    }

    /// The filters, for messages: «--form mef-anexo-11-1, --status firmado».
    fn describe_filters(&self) -> String {
        let mut parts = Vec::new();
        for form in &self.forms {
            parts.push(format!("--form {form}"));
        }
        for status in &self.statuses {
            parts.push(format!("--status «{status}»"));
        }
        if let Some(from) = self.from {
            parts.push(format!("--from {from}"));
        }
        if let Some(to) = self.to {
            parts.push(format!("--to {to}"));
        }
        parts.join(", ")
    }

    fn accepts(&self, doc: &DocumentSummary) -> bool {
        let created = DateTime::parse_from_rfc3339(&doc.created_at)
            .ok()
            .map(|t| t.date_naive());
        (self.forms.is_empty() || self.forms.contains(&doc.template_id))
            && (self.statuses.is_empty() || self.statuses.iter().any(|s| status_is(&doc.status, s)))
            && self
                .from
                .is_none_or(|from| created.is_some_and(|c| c >= from))
            && self.to.is_none_or(|to| created.is_some_and(|c| c <= to))
    }
}

/// What `bundle export` needs.
#[derive(Clone)]
pub struct BundleExportRequest {
    pub selection: BundleSelection,
    /// The archivist's PKCS#12.
    pub p12: PathBuf,
    /// Only held in memory for the call.
    pub password: String,
    /// Trust roots: each signature's chain is checked and recorded.
    pub trust: Option<PathBuf>,
    pub output: PathBuf,
    /// Re-seal every PDF (DSS + document time-stamp) before sealing the
    /// bundle; the TSA is `tsa`, else Configuración's.
    pub ltv: bool,
    pub tsa: Option<String>,
}

impl std::fmt::Debug for BundleExportRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BundleExportRequest")
            .field("selection", &self.selection)
            .field("p12", &self.p12)
            .field("password", &"***")
            .field("trust", &self.trust)
            .field("output", &self.output)
            .finish()
    }
}

/// What was written.
#[derive(Debug, Clone, Serialize)]
pub struct BundleExportOutcome {
    pub output: PathBuf,
    /// The bundle's identifier (in `manifiesto.json` and on the report).
    pub bundle: String,
    /// The references of the documents archived, in order.
    pub documents: Vec<String>,
    pub signatures: usize,
    /// Entries of the container.
    pub entries: Vec<String>,
    pub bytes: usize,
    pub sealed_by: String,
}

impl Service {
    /// The stored documents `selection` names, oldest first.
    pub fn select_for_bundle(
        &self,
        store: &Store,
        selection: &BundleSelection,
    ) -> Result<Vec<DocumentSummary>, ActasError> {
        if selection.is_empty() {
            return Err(ActasError::Other(
                "indique qué documentos archivar: sus números, o --form, --status, --from, --to"
                    .into(),
            ));
        }
        for form in &selection.forms {
            self.catalogue.require(form)?;
        }
        if let (Some(from), Some(to)) = (selection.from, selection.to) {
            if from > to {
                return Err(ActasError::Other(format!(
                    "el rango de fechas está invertido: --from {from} es posterior a --to {to}"
                )));
            }
        }
        let all = store.list_documents()?;
        let chosen: Vec<DocumentSummary> = if selection.documents.is_empty() {
            all.into_iter().filter(|d| selection.accepts(d)).collect()
        } else {
            let mut wanted = Vec::new();
            for reference in &selection.documents {
                // The store resolves `2026-001` / `serie/2026-001` and explains unknown ones.
                let record = store.document(reference)?;
                wanted.push((record.series, record.number, reference));
            }
            let mut chosen = Vec::new();
            for doc in all {
                let Some((_, _, asked)) = wanted
                    .iter()
                    .find(|(series, number, _)| *series == doc.series && *number == doc.number)
                else {
                    continue;
                };
                if !selection.accepts(&doc) {
                    return Err(ActasError::Other(format!(
                        "el documento {asked} no cumple los filtros indicados ({})",
                        selection.describe_filters()
                    )));
                }
                chosen.push(doc);
            }
            chosen
        };
        if chosen.is_empty() {
            return Err(ActasError::Other(format!(
                "ningún documento cumple la selección ({})",
                selection.describe_filters()
            )));
        }
        Ok(chosen)
    }

    /// Exports the selected documents' latest revisions into one sealed
    /// ASiC-E bundle, written atomically to `request.output`. The
    /// certificate is checked before anything is read or written.
    pub fn export_bundle(
        &self,
        store: &mut Store,
        request: &BundleExportRequest,
    ) -> Result<BundleExportOutcome, ActasError> {
        let now = self.clock.now();
        let identity = load_pkcs12(&request.p12, &request.password, now)
            .map_err(crate::sign::SignError::from)?;
        let signer = CmsSigner::new(&identity).map_err(crate::sign::SignError::from)?;
        // The office's configured roots, and the ones given for this export.
        let mut trust_roots = crate::app::trust_root_certificates(store)?;
        if let Some(path) = &request.trust {
            trust_roots
                .extend(load_trust_roots(path).map_err(|e| ActasError::Other(e.to_string()))?);
        }
        let chosen = self.select_for_bundle(store, &request.selection)?;
        let mut documents = Vec::with_capacity(chosen.len());
        for doc in chosen {
            let reference = document_reference(&doc.series, &doc.number);
            let mut latest = store.latest_revision(&reference)?;
            if request.ltv {
                let settings = super::SignatureSettings::load(store)?;
                let (pdf, _) = self
                    .extend_ltv_bytes(latest.pdf, request.tsa.as_deref(), &settings)
                    .map_err(|e| ActasError::Other(format!("{reference}: {e}")))?;
                latest.pdf = pdf;
            }
            let template = self.catalogue.get(&doc.template_id);
            documents.push(ExportDocument {
                number: doc.number,
                series: doc.series,
                form_code: template
                    .map(|t| t.form_code.clone())
                    .unwrap_or_else(|| doc.template_id.clone()),
                entity: template.map(|t| t.entity.clone()),
                office: template.map(|t| t.office.clone()),
                role_titles: template
                    .map(|t| {
                        t.signers
                            .iter()
                            .map(|s| (s.role.clone(), s.title.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
                template: doc.template_id,
                title: doc.title,
                status: doc.status,
                revision: latest.revision,
                pdf: latest.pdf,
                reference,
            });
        }
        // The audit chain's head, sealed by the archivist, travels in the bundle.
        let checkpoint = super::audit::seal_with(store, &signer, now)?;
        let bundle = build_bundle(
            &documents,
            &Seal {
                identity: &identity,
                signer: &signer,
            },
            &ExportOptions {
                at: now,
                trust_roots,
                checkpoint: Some(checkpoint),
            },
        )
        .map_err(|e| ActasError::Other(e.to_string()))?;
        files::write_atomic(&request.output, &bundle.bytes)?;
        Ok(BundleExportOutcome {
            output: request.output.clone(),
            bundle: bundle.manifiesto.bundle.clone(),
            documents: documents.into_iter().map(|d| d.reference).collect(),
            signatures: bundle
                .manifiesto
                .documents
                .iter()
                .map(|d| d.signatures.len())
                .sum(),
            entries: bundle.entries,
            bytes: bundle.bytes.len(),
            sealed_by: bundle.manifiesto.sealed_by.name,
        })
    }

    /// Verifies the bundle file at `path`, trusting the roots in `trust`
    /// when given. Errors only when the file cannot be read or is refused
    /// as a container; everything else is in the report.
    pub fn verify_bundle_file(
        &self,
        path: &Path,
        trust: Option<&Path>,
    ) -> Result<BundleReport, ActasError> {
        let options = BundleVerifyOptions {
            trust_roots: match trust {
                Some(roots) => {
                    load_trust_roots(roots).map_err(|e| ActasError::Other(e.to_string()))?
                }
                None => Vec::new(),
            },
            limits: Default::default(),
            now: self.clock.now(),
        };
        let bytes = crate::limits::read_file(path, crate::limits::BUNDLE_FILE_BYTES)?;
        verify_bundle(&bytes, &options)
            .map_err(|e| ActasError::Other(format!("{}: {e}", path.display())))
    }
}

/// Whether a stored status is `wanted`: equal (case-insensitive), or
/// `wanted` followed by its detail («en firma (1 de 3)»).
fn status_is(stored: &str, wanted: &str) -> bool {
    let (stored, wanted) = (stored.to_lowercase(), wanted.trim().to_lowercase());
    stored == wanted
        || stored
            .strip_prefix(&wanted)
            .is_some_and(|rest| rest.starts_with(" ("))
}
