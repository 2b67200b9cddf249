//! What a verification means for an acta, beyond its signatures: each
//! signature's role by its printed title, and whether the acta is
//! **complete** or **pending** — which required roles have not signed yet,
//! by title and by the name the document's data gives for them. The CLI,
//! the window and the exported report show the same thing.
//!
//! It reads the template the signed revision names (never a later `/Info`,
//! see `verify`) and, when the document is in the register, its data. It
//! does not change the verdict: a pending acta can be VÁLIDO as far as it
//! goes.

use std::path::Path;

use serde_json::Value as Json;

use super::Service;
use crate::error::ActasError;
use crate::store::Store;
use crate::template::FieldKind;
use crate::verify::cms::load_trust_roots;
use crate::verify::report::{Completeness, PendingSignature};
use crate::verify::{verify_pdf, VerifyOptions, VerifyReport};

impl Service {
    /// Verifies a PDF's signatures, trusting the roots in `trust` (PEM/DER)
    /// when given and the store's configured roots (`configured`), and
    /// describes the acta (role titles, complete or pending). `what` names
    /// the file or document in errors; `data` is the stored document's data
    /// when known (for the names of who must still sign).
    pub fn verify_bytes(
        &self,
        pdf: &[u8],
        what: &str,
        trust: Option<&Path>,
        configured: Vec<openssl::x509::X509>,
        data: Option<&Json>,
    ) -> Result<VerifyReport, ActasError> {
        let mut trust_roots = configured;
        if let Some(path) = trust {
            trust_roots
                .extend(load_trust_roots(path).map_err(|e| ActasError::Other(e.to_string()))?);
        }
        let mut report = verify_pdf(pdf, &VerifyOptions { trust_roots }).map_err(|source| {
            ActasError::Unverifiable {
                what: what.to_string(),
                source,
            }
        })?;
        self.describe_acta(&mut report, data)?;
        Ok(report)
    }

    /// Fills the role titles and the completeness of an Actas document's
    /// report from its template; leaves a PDF of no known form as it is.
    pub fn describe_acta(
        &self,
        report: &mut VerifyReport,
        data: Option<&Json>,
    ) -> Result<(), ActasError> {
        let Some(id) = report.template.clone() else {
            return Ok(());
        };
        let Some(template) = self.catalogue.get_or_load(&id)? else {
            return Ok(());
        };
        for s in &mut report.signatures {
            if let Some(signer) = s.role.as_deref().and_then(|r| template.signer(r)) {
                s.role_title = Some(signer.title.clone());
            }
        }
        // The document's reasons name each signature by its role's title.
        report.judge();
        let name_of = |role: &str| {
            let data = data?;
            template.fields().find_map(|f| match &f.kind {
                FieldKind::Signer { role: r } if r == role => data
                    .get(&f.id)
                    .and_then(|v| v.get("nombre"))
                    .and_then(Json::as_str)
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(String::from),
                _ => None,
            })
        };
        let pending: Vec<PendingSignature> = template
            .signers
            .iter()
            .filter(|s| s.required)
            .filter(|s| {
                !report
                    .signatures
                    .iter()
                    .any(|sig| sig.role.as_deref() == Some(s.role.as_str()))
            })
            .map(|s| PendingSignature {
                role: s.role.clone(),
                title: s.title.clone(),
                name: name_of(&s.role),
            })
            .collect();
        report.completeness = Some(Completeness {
            complete: pending.is_empty(),
            pending,
        });
        Ok(())
    }

    /// The report as people read it (the window, the report PDF, the CLI
    /// table): every «firma.<role>» in its messages named by the role's
    /// printed title («Coordinador Cómputo»). `actas verify --json` keeps
    /// the field names, which machines match on.
    pub fn readable(&self, report: &VerifyReport) -> Result<VerifyReport, ActasError> {
        let mut out = report.clone();
        let Some(id) = report.template.as_deref() else {
            return Ok(out);
        };
        let Some(template) = self.catalogue.get_or_load(id)? else {
            return Ok(out);
        };
        let names: Vec<(String, String)> = template
            .signers
            .iter()
            .map(|s| (format!("«firma.{}»", s.role), format!("«{}»", s.title)))
            .collect();
        let rename = |text: &mut String| {
            for (field, title) in &names {
                if text.contains(field.as_str()) {
                    *text = text.replace(field.as_str(), title);
                }
            }
        };
        out.reasons
            .iter_mut()
            .chain(out.structure_problems.iter_mut())
            .chain(out.forgeries.iter_mut())
            .for_each(rename);
        for s in &mut out.signatures {
            s.reasons
                .iter_mut()
                .chain(s.problems.iter_mut())
                .chain(s.modifications.iter_mut())
                .for_each(rename);
        }
        Ok(out)
    }

    /// [`Service::verify_bytes`] of a stored document's latest revision,
    /// with the store's configured roots and the document's data.
    pub fn verify_stored(
        &self,
        store: &Store,
        reference: &str,
        trust: Option<&Path>,
    ) -> Result<VerifyReport, ActasError> {
        let latest = store.latest_revision(reference)?;
        let data = store.document(reference).ok().map(|d| d.data);
        let configured = crate::app::trust_root_certificates(store)?;
        self.verify_bytes(&latest.pdf, reference, trust, configured, data.as_ref())
    }
}
