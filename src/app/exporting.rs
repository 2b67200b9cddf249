//! Getting stored documents out of the window: the name a document is
//! saved under (`<número>-<formulario>.pdf`, e.g. `2026-001-Anexo-11.1.pdf`),
//! «Exportar PDF» (its latest revision, byte for byte, written atomically
//! where the user chose), the copy «Imprimir» hands to the system's PDF
//! viewer, written into a folder of the application's own, and the archive
//! bundle of the listed documents (`Service::export_bundle`, docs/bundle.md).
//!
//! It does not choose paths: the shell asks the user with its save dialog
//! (see docs/desktop.md, «Archivos que la ventana toca») and passes the
//! answer here; it does not open viewers or printers either.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroize;

use super::App;
use crate::error::ActasError;
use crate::service::{BundleExportRequest, BundleSelection};

/// «Exportar paquete»: these documents, sealed with the archivist's certificate.
#[derive(Clone, Serialize, Deserialize, TS)]
pub struct BundleRequest {
    /// References, as the Documentos list shows them.
    pub documents: Vec<String>,
    pub p12_path: String,
    pub password: String,
    /// Where to write the `.zip` (from the window: a save token).
    pub output: String,
}

impl Drop for BundleRequest {
    fn drop(&mut self) {
        self.password.zeroize();
    }
}

/// What «Exportar paquete» wrote.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct BundleResult {
    pub output: String,
    /// The bundle's identifier (in `manifiesto.json` and on its report).
    pub bundle: String,
    pub documents: u32,
    pub signatures: u32,
    pub sealed_by: String,
}

/// `2026-001` + `Anexo 11.1` → `2026-001-Anexo-11.1.pdf`: the number with
/// its series' `/` replaced, then the form's code with every character
/// that is not a letter, digit or `.` turned into one `-`.
pub fn export_file_name(number: &str, form_code: &str) -> String {
    let mut name = String::new();
    for c in format!("{number}-{form_code}").chars() {
        let c = if c.is_alphanumeric() || c == '.' {
            c
        } else {
            '-'
        };
        if !(c == '-' && name.ends_with('-')) {
            name.push(c);
        }
    }
    format!("{}.pdf", name.trim_matches(['-', '.']))
}

/// Only the last component of a suggested name, so a suggestion can never
/// point outside the folder it is placed in; `fallback` when nothing is left.
pub fn plain_file_name(suggested: &str, fallback: &str) -> String {
    let name = suggested
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim()
        .trim_start_matches('.');
    if name.is_empty() {
        fallback.to_string()
    } else {
        name.to_string()
    }
}

impl App {
    /// The name a stored document is saved under: `<número>-<formulario>.pdf`.
    pub fn export_name(&self, reference: &str) -> Result<String, ActasError> {
        let document = self.store().document(reference.trim())?;
        let service = self.service();
        let form_code = service
            .catalogue
            .get(&document.template_id)
            .map(|t| t.form_code.clone())
            .unwrap_or(document.template_id);
        Ok(export_file_name(&document.number, &form_code))
    }

    /// Writes the document's latest revision to `output`; returns the path written.
    pub fn export_document(&self, reference: &str, output: &Path) -> Result<String, ActasError> {
        if output.as_os_str().is_empty() {
            return Err(ActasError::Input("indique dónde guardar el PDF".into()));
        }
        let revision = self.store().latest_revision(reference.trim())?;
        crate::files::write_atomic(output, &revision.pdf)?;
        Ok(output.display().to_string())
    }

    /// Writes a copy of the latest revision into `folder` (the application's
    /// own print folder) under its export name; returns the file.
    pub fn print_copy(&self, reference: &str, folder: &Path) -> Result<PathBuf, ActasError> {
        let path = folder.join(self.export_name(reference)?);
        self.export_document(reference, &path)?;
        Ok(path)
    }
}

impl App {
    /// Writes the archive bundle (ASiC-E) of `request.documents`, sealed by
    /// the archivist's certificate, with the configured trust roots.
    pub fn export_bundle(&self, request: &BundleRequest) -> Result<BundleResult, ActasError> {
        if request.documents.is_empty() {
            return Err(ActasError::Input(
                "no hay documentos en la lista para el paquete".into(),
            ));
        }
        if request.p12_path.trim().is_empty() {
            return Err(ActasError::Input(
                "elija el certificado del archivero (.p12 o .pfx)".into(),
            ));
        }
        let export = BundleExportRequest {
            selection: BundleSelection {
                documents: request.documents.clone(),
                ..BundleSelection::default()
            },
            p12: PathBuf::from(request.p12_path.trim()),
            password: request.password.clone(),
            trust: None,
            output: PathBuf::from(request.output.trim()),
            // The window seals as exported; re-sealing (B-LTA) is `actas bundle export --ltv`.
            ltv: false,
            tsa: None,
        };
        let outcome = {
            let service = self.service();
            let mut store = self.store();
            let outcome = service.export_bundle(&mut store, &export);
            let mut export = export;
            export.password.zeroize();
            outcome?
        };
        Ok(BundleResult {
            output: outcome.output.display().to_string(),
            bundle: outcome.bundle,
            documents: outcome.documents.len() as u32,
            signatures: outcome.signatures as u32,
            sealed_by: outcome.sealed_by,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_number_and_form_and_stay_in_their_folder() {
        assert_eq!(
            export_file_name("2026-001", "Anexo 11.1"),
            "2026-001-Anexo-11.1.pdf"
        );
        assert_eq!(
            export_file_name("sig/2026-014", "Formato N.° 3 (SIG)"),
            "sig-2026-014-Formato-N.-3-SIG.pdf"
        );
        assert_eq!(
            plain_file_name("../../etc/passwd", "x.pdf"),
            "passwd",
            "only the last component"
        );
        assert_eq!(plain_file_name("C:\\temp\\a.pdf", "x.pdf"), "a.pdf");
        assert_eq!(plain_file_name("/", "x.pdf"), "x.pdf");
        assert_eq!(plain_file_name("..", "x.pdf"), "x.pdf");
        assert_eq!(plain_file_name(".bashrc", "x.pdf"), "bashrc");
    }
}
