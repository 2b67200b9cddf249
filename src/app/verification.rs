//! The Verificar screen: verify a PDF from disk or a stored document with
//! the trust roots of the configuration, and export the result as a PDF
//! report («Reporte de verificación de firmas», a compiled-in template
//! rendered like every form). Verification itself is `verify::verify_pdf`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use openssl::x509::X509;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use super::App;
use crate::error::ActasError;
use crate::form::{validate, ValidationContext};
use crate::render::{render_pdf, RenderOptions};
use crate::store::Store;
use crate::template::{load_template_str, Template};
use crate::verify::{verify_pdf, Verdict, VerifyOptions, VerifyReport};

/// What to verify: a stored document (`reference`) or a PDF on disk (`path`).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct VerifyRequest {
    pub reference: Option<String>,
    pub path: Option<String>,
}

/// The verification as the screen shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct VerifyView {
    /// The file name or the document's reference.
    pub source: String,
    pub sha256: String,
    /// How many trust roots the chains were checked against.
    pub trust_roots: u32,
    /// One Spanish sentence: the verdict.
    pub verdict: String,
    pub report: VerifyReport,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ExportReportRequest {
    pub target: VerifyRequest,
    /// Where to write the report PDF.
    pub output: String,
}

impl App {
    pub fn verify(&self, request: &VerifyRequest) -> Result<VerifyView, ActasError> {
        let (source, pdf, data) = self.verify_source(request)?;
        let trust_roots = self.trust_root_certificates()?;
        let root_count = trust_roots.len() as u32;
        let service = self.service();
        let mut report = service.verify_bytes(&pdf, &source, None, trust_roots, data.as_ref())?;
        if data.is_none() {
            // A copy of a document in the register: who must still sign, by name.
            let stored = report
                .number
                .clone()
                .and_then(|n| self.store().document(&n).ok())
                .filter(|d| Some(&d.template_id) == report.template.as_ref());
            if let Some(doc) = stored {
                service.describe_acta(&mut report, Some(&doc.data))?;
            }
        }
        // Role titles, never field ids, in every message people read.
        let report = service.readable(&report)?;
        Ok(VerifyView {
            verdict: verdict(&report, root_count > 0),
            sha256: crate::store::sha256_hex(&pdf),
            source,
            trust_roots: root_count,
            report,
        })
    }

    /// Verifies and writes the report PDF to `output` (atomically); returns its path.
    pub fn export_verification(&self, request: &ExportReportRequest) -> Result<String, ActasError> {
        let view = self.verify(&request.target)?;
        let output = PathBuf::from(request.output.trim());
        if output.as_os_str().is_empty() {
            return Err(ActasError::Other("indique dónde guardar el reporte".into()));
        }
        let pdf = self.render_verification(&view)?;
        crate::files::write_atomic(&output, &pdf)?;
        Ok(output.display().to_string())
    }

    /// Verifies `pdf` with the configured trust roots.
    pub(super) fn verify_with_store_roots(&self, pdf: &[u8]) -> Result<VerifyReport, ActasError> {
        let trust_roots = self.trust_root_certificates()?;
        verify_pdf(pdf, &VerifyOptions { trust_roots })
            .map_err(|e| ActasError::Other(e.to_string()))
    }

    fn trust_root_certificates(&self) -> Result<Vec<X509>, ActasError> {
        trust_root_certificates(&self.store())
    }

    /// The bytes to verify, the name to show, and the document's data when it is stored.
    fn verify_source(
        &self,
        request: &VerifyRequest,
    ) -> Result<(String, Vec<u8>, Option<serde_json::Value>), ActasError> {
        match (&request.reference, &request.path) {
            (Some(reference), _) if !reference.trim().is_empty() => {
                let reference = reference.trim();
                let store = self.store();
                Ok((
                    reference.to_string(),
                    store.latest_revision(reference)?.pdf,
                    store.document(reference).ok().map(|d| d.data),
                ))
            }
            (_, Some(path)) if !path.trim().is_empty() => {
                let path = Path::new(path.trim());
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| path.display().to_string());
                Ok((
                    name,
                    crate::limits::read_file(path, crate::limits::PDF_FILE_BYTES)?,
                    None,
                ))
            }
            _ => Err(ActasError::Other(
                "indique un documento o un archivo PDF".into(),
            )),
        }
    }

    fn render_verification(&self, view: &VerifyView) -> Result<Vec<u8>, ActasError> {
        let mut template = report_template()?.clone();
        let profile = self.profile()?;
        if !profile.entidad.is_empty() {
            template.entity = profile.entidad;
        }
        if !profile.oficina.is_empty() {
            template.office = profile.oficina;
        }
        let now = self.service().clock.now();
        let roots = self.trust_roots()?;
        let data = report_data(view, &roots, &crate::dates::format_moment(&now));
        let form =
            validate(&template, &data, &ValidationContext::default()).map_err(|problems| {
                ActasError::Invalid {
                    template: template.id.clone(),
                    problems,
                }
            })?;
        Ok(render_pdf(&template, &form, &RenderOptions { number: None, now })?.pdf)
    }
}

/// The trust roots configured in the store (Configuración), parsed.
pub fn trust_root_certificates(store: &Store) -> Result<Vec<X509>, ActasError> {
    store
        .trust_roots()?
        .iter()
        .map(|r| {
            X509::from_der(&r.der).map_err(|_| {
                ActasError::Other(format!(
                    "el certificado raíz «{}» guardado está dañado",
                    r.subject
                ))
            })
        })
        .collect()
}

/// The report template, parsed once per process.
fn report_template() -> Result<&'static Template, ActasError> {
    static TEMPLATE: OnceLock<Result<Template, String>> = OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            load_template_str(
                include_str!("reporte-firmas.toml"),
                Path::new("reporte-firmas.toml"),
            )
            .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| ActasError::Other(e.clone()))
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "Sí"
    } else {
        "No"
    }
}

fn report_data(view: &VerifyView, roots: &[super::TrustRootInfo], at: &str) -> serde_json::Value {
    let report = &view.report;
    let firmas: Vec<serde_json::Value> = report
        .signatures
        .iter()
        .map(|s| {
            json!({
                "rol": s.role_label(),
                "firmante": s.signer.clone().unwrap_or_else(|| "(desconocido)".into()),
                "fecha": s.signing_time.clone().unwrap_or_default(),
                "integra": yes_no(s.intact),
                "valida": yes_no(s.valid),
                "confiable": match s.trusted { Some(t) => yes_no(t), None => "No comprobado" },
                "modificada": yes_no(s.changed_after()),
                "veredicto": s.verdict.label(),
            })
        })
        .collect();
    let pending: Vec<String> = report
        .completeness
        .iter()
        .flat_map(|c| &c.pending)
        .map(|p| p.label())
        .collect();
    let documento = match (&report.template, &report.number) {
        (Some(t), Some(n)) => format!("{t}, N.° {n}"),
        (Some(t), None) => t.clone(),
        _ => "No es un documento de Actas".into(),
    };
    let raices = if roots.is_empty() {
        "Ninguno configurado: no se comprobó la confianza de las cadenas.".to_string()
    } else {
        roots
            .iter()
            .map(|r| r.subject.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let pendientes = match &report.completeness {
        None => "No es un formulario de Actas: no se sabe qué firmas requiere.".to_string(),
        Some(c) if c.complete => "Ninguna: firmaron todos los roles requeridos.".to_string(),
        Some(_) => pending.join("\n"),
    };
    let observaciones = observations(report);
    json!({
        "archivo": view.source,
        "sha256": view.sha256,
        "documento": documento,
        "verificado": at,
        "raices": raices,
        "resultado": view.verdict,
        "estado": report.status_line().unwrap_or_else(|| "No es un formulario de Actas: no se sabe qué firmas requiere.".into()),
        "firmas": firmas,
        "pendientes": pendientes,
        "observaciones": if observaciones.is_empty() { "Ninguna.".to_string() } else { observaciones.join("\n") },
    })
}

/// Every reason the verdict is not plain VÁLIDO and every signature still
/// missing, one line each (the report's «Observaciones»): the document's
/// own problems first, then each signature's by role, then who must sign.
fn observations(report: &VerifyReport) -> Vec<String> {
    let mut lines: Vec<String> = report
        .structure_problems
        .iter()
        .chain(&report.forgeries)
        .cloned()
        .collect();
    if report.signatures.is_empty() {
        lines.push("El documento no tiene firmas.".into());
    }
    for s in &report.signatures {
        let who = match &s.signer {
            Some(signer) => format!("{} ({signer})", s.role_label()),
            None => s.role_label().to_string(),
        };
        for p in s.reasons.iter().chain(&s.problems).chain(&s.modifications) {
            let line = format!("{who}: {p}");
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    if let Some(c) = &report.completeness {
        lines.extend(
            c.pending
                .iter()
                .map(|p| format!("Falta la firma de {}.", p.label())),
        );
    }
    lines
}

/// One sentence for the whole document: the verdict first, then why.
fn verdict(report: &VerifyReport, trust_checked: bool) -> String {
    let n = report.signatures.len();
    let firmas = if n == 1 { "firma" } else { "firmas" };
    match report.verdict {
        Verdict::Valido => format!(
            "VÁLIDO: {n} {firmas} {}, de confianza y sin modificaciones no permitidas.",
            if n == 1 { "íntegra y válida" } else { "íntegras y válidas" }
        ),
        Verdict::Indeterminado if !trust_checked => format!(
            "INDETERMINADO: no hay certificados raíz configurados, así que no se comprobó quién emitió {} ({n} {firmas}).",
            if n == 1 { "el certificado" } else { "los certificados" }
        ),
        verdict => format!(
            "{}: {}",
            verdict.label(),
            report.reasons.first().cloned().unwrap_or_default()
        ),
    }
}
