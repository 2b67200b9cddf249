//! `reporte-verificacion.pdf`: the Spanish report every bundle carries —
//! the bundle and its seal, every document, every file's SHA-256, every
//! signature with its result at export, and how to verify it again.
//!
//! It is an ordinary template (`reporte-verificacion.toml`, beside this
//! file, same format as `templates/`) filled with data and rendered by
//! `render::render_pdf`, so it gets the same header, tables that flow
//! across pages, embedded fonts and metadata as every acta. The template is
//! compiled in: the report must look the same wherever a bundle is made,
//! and it is not a form anyone fills, so it stays out of the catalogue.

use std::path::Path;
use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset};
use serde_json::{json, Value as Json};

use super::export::ExportDocument;
use super::manifest::Manifiesto;
use super::{BundleError, MANIFIESTO_CSV, MANIFIESTO_JSON};
use crate::form::{validate, ValidationContext};
use crate::render::{render_pdf, RenderOptions};
use crate::template::{load_template_str, Template};

/// The template's text.
pub const TEMPLATE_TOML: &str = include_str!("reporte-verificacion.toml");

/// The report template, parsed once per process.
pub fn template() -> Result<&'static Template, BundleError> {
    static TEMPLATE: OnceLock<Result<Template, String>> = OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            load_template_str(TEMPLATE_TOML, Path::new("reporte-verificacion.toml"))
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| BundleError::Report(e.clone()))
}

/// Entity and office printed in the header: those of the documents when
/// they all share one, the template's otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportHeader {
    pub entity: Option<String>,
    pub office: Option<String>,
}

impl ReportHeader {
    pub fn common(documents: &[ExportDocument]) -> ReportHeader {
        fn shared<'a>(mut values: impl Iterator<Item = Option<&'a String>>) -> Option<String> {
            let first = values.next()??;
            values.all(|v| v == Some(first)).then(|| first.clone())
        }
        ReportHeader {
            entity: shared(documents.iter().map(|d| d.entity.as_ref())),
            office: shared(documents.iter().map(|d| d.office.as_ref())),
        }
    }
}

/// `15/03/2026 10:00 -05:00` from RFC 3339 (the text itself when unreadable).
pub fn human_time(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format("%d/%m/%Y %H:%M %:z").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// The report's data file (the JSON a template takes).
pub fn report_data(m: &Manifiesto, trust_checked: bool, hashes: &[(String, String)]) -> Json {
    let signatures: usize = m.documents.iter().map(|d| d.signatures.len()).sum();
    let documents = m.documents.len();
    let trust = if trust_checked {
        ", y sus certificados encadenan a las raíces de confianza indicadas"
    } else {
        "; la confianza de los certificados no se comprobó porque no se indicaron raíces de confianza"
    };
    let of_documents = if documents == 1 {
        "del documento".to_string()
    } else {
        format!("de los {documents} documentos")
    };
    let held = if signatures == 1 {
        format!("la única firma {of_documents} estaba íntegra y válida")
    } else {
        format!("las {signatures} firmas {of_documents} estaban íntegras y válidas")
    };
    let result = format!(
        "Al exportar, {held}{trust}. Cada archivo del paquete figura con su huella SHA-256 en META-INF/ASiCManifest.xml, sellado por {} en META-INF/signature.p7s.",
        m.sealed_by.name
    );
    let rows: Vec<Json> = m
        .documents
        .iter()
        .map(|d| {
            json!({
                "numero": d.reference,
                "formulario": d.form_code,
                "titulo": d.title,
                "estado": d.status,
                "firmas": d.signatures.len().to_string(),
                "revision": d.revision,
            })
        })
        .collect();
    let firmas: Vec<Json> = m
        .documents
        .iter()
        .flat_map(|d| {
            d.signatures.iter().map(move |s| {
                json!({
                    "numero": d.reference,
                    "rol": s.role_title.clone().or_else(|| s.role.clone()).unwrap_or_else(|| s.field.clone()),
                    "firmante": s.signer.clone().unwrap_or_else(|| "—".into()),
                    "fecha": s.time.as_deref().map(human_time).unwrap_or_else(|| "—".into()),
                    "estado": s.status,
                })
            })
        })
        .collect();
    let huellas: Vec<Json> = hashes
        .iter()
        .map(|(file, sha)| json!({ "archivo": file, "sha256": sha }))
        .collect();
    json!({
        "paquete": m.bundle,
        "exportado": human_time(&m.exported_at),
        "sellado_por": m.sealed_by.name,
        "certificado_sello": format!(
            "Titular: {}\nEmisor: {}\nNúmero de serie: {}",
            m.sealed_by.subject, m.sealed_by.issuer, m.sealed_by.serial
        ),
        "documentos_total": documents,
        "firmas_total": signatures,
        "resultado": result,
        "documentos": rows,
        "huellas": huellas,
        "firmas": firmas,
    })
}

/// Renders the report of `m`. `trust_checked`: the export checked the
/// signatures' chains against trust roots.
pub fn render_report(
    m: &Manifiesto,
    header: &ReportHeader,
    trust_checked: bool,
    at: DateTime<FixedOffset>,
) -> Result<Vec<u8>, BundleError> {
    let base = template()?;
    let mut hashes: Vec<(String, String)> = m
        .documents
        .iter()
        .map(|d| (d.file.clone(), d.sha256.clone()))
        .collect();
    for (name, bytes) in [(MANIFIESTO_JSON, m.to_json()), (MANIFIESTO_CSV, m.to_csv())] {
        hashes.push((name.to_string(), crate::store::sha256_hex(&bytes)));
    }
    let data = report_data(m, trust_checked, &hashes);
    let mut owned;
    let template = if header.entity.is_some() || header.office.is_some() {
        owned = base.clone();
        if let Some(entity) = &header.entity {
            owned.entity = entity.clone();
        }
        if let Some(office) = &header.office {
            owned.office = office.clone();
        }
        &owned
    } else {
        base
    };
    let form = validate(template, &data, &ValidationContext::default())
        .map_err(|problems| BundleError::Report(problems.to_string()))?;
    let rendered = render_pdf(
        template,
        &form,
        &RenderOptions {
            number: Some(m.bundle.clone()),
            now: at,
        },
    )
    .map_err(|e| BundleError::Report(e.to_string()))?;
    Ok(rendered.pdf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::manifest::{DocumentEntry, SealInfo, SignatureEntry, MANIFIESTO_FORMAT};

    pub(crate) fn sample(documents: usize) -> Manifiesto {
        let signature = |role: &str| SignatureEntry {
            field: format!("firma.{role}"),
            role: Some(role.into()),
            role_title: Some("Coordinador de Calidad".into()),
            signer: Some("Carlos Alberto Mendoza Villanueva".into()),
            time: Some("2026-03-15T10:00:00-05:00".into()),
            status: "válida y confiable".into(),
            intact: true,
            valid: true,
            trusted: Some(true),
        };
        Manifiesto {
            audit_checkpoint: None,
            format: MANIFIESTO_FORMAT.into(),
            bundle: "0A1B-2C3D-4E5F-6071".into(),
            exported_at: "2026-03-15T10:00:00-05:00".into(),
            sealed_by: SealInfo {
                name: "Rosa Elena Quispe Huamán".into(),
                subject: "CN=Rosa Elena Quispe Huamán, O=Actas Pruebas, C=PE".into(),
                issuer: "CN=Actas Prueba Intermedia, O=Actas Pruebas, C=PE".into(),
                serial: "1A2B".into(),
            },
            documents: (1..=documents)
                .map(|i| DocumentEntry {
                    number: format!("2026-{i:03}"),
                    reference: format!("2026-{i:03}"),
                    series: "general".into(),
                    template: "mef-anexo-11-1".into(),
                    form_code: "Anexo 11.1".into(),
                    title: "Control de revisión del pase a producción".into(),
                    status: "firmado".into(),
                    revision: 4,
                    file: format!("2026-{i:03}_mef-anexo-11-1.pdf"),
                    sha256: crate::store::sha256_hex(&i.to_be_bytes()),
                    size: 1000,
                    signatures: vec![signature("coord-calidad"), signature("coord-computo")],
                })
                .collect(),
        }
    }

    #[test]
    fn template_loads_without_signers() {
        let t = template().unwrap();
        assert_eq!(t.id, "reporte-verificacion");
        assert!(t.signers.is_empty());
    }

    #[test]
    fn report_renders_with_the_documents_header() {
        let at = DateTime::parse_from_rfc3339("2026-03-15T10:00:00-05:00").unwrap();
        let header = ReportHeader {
            entity: Some("Senace".into()),
            office: None,
        };
        let pdf = render_report(&sample(3), &header, true, at).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let again = render_report(&sample(3), &header, true, at).unwrap();
        assert_eq!(pdf, again, "same input, same bytes");
    }

    #[test]
    fn result_sentence_counts_in_spanish() {
        let m = sample(1);
        let data = report_data(&m, false, &[]);
        let text = data["resultado"].as_str().unwrap();
        assert!(
            text.starts_with("Al exportar, las 2 firmas del documento estaban"),
            "{text}"
        );
    }
}
