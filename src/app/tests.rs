//! Tests of the desktop operations against a real store, the shipped
//! catalogue, the test PKI and poppler's `pdftotext`: what the screens
//! show (filters, dd/mm/aaaa, rules, verdicts) beyond what the core's own
//! tests cover. Every Tauri command is also run through IPC in
//! `src-tauri/tests/commands.rs`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use super::*;
use crate::sign::certificate::test_pki::{self, PASSWORD};

fn templates() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")
}

fn example(id: &str) -> Value {
    let text = std::fs::read_to_string(templates().join("examples").join(format!("{id}.json")));
    serde_json::from_str(&text.unwrap()).unwrap()
}

fn open(dir: &Path) -> App {
    App::open(
        &dir.join("actas.db"),
        &templates(),
        Clock::parse(test_pki::NOW).unwrap(),
    )
    .unwrap()
}

fn create(app: &App, id: &str) -> String {
    app.create_document(&CreateRequest {
        template_id: id.into(),
        data: example(id),
        draft_id: None,
    })
    .unwrap()
    .reference
}

fn pdf_text(pdf: &[u8], dir: &Path) -> String {
    let path = dir.join("texto.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    // Words on one line: headers and cells wrap.
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_template_becomes_a_form_spec_with_its_rules() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let forms = app.forms();
    assert!(forms.len() >= 13);
    for form in &forms {
        let spec = app.form_spec(&form.id).unwrap();
        assert!(!spec.sections.is_empty(), "{}", form.id);
        assert!(!spec.signers.is_empty(), "{}", form.id);
    }
    let mef = app.form_spec("mef-anexo-11-1").unwrap();
    assert_eq!(mef.rules.len(), 1);
    assert!(
        mef.rules[0].contains("«Fecha y hora programada de ejecución»"),
        "{}",
        mef.rules[0]
    );
    let json = serde_json::to_value(&mef).unwrap();
    let kinds: Vec<&str> = mef
        .sections
        .iter()
        .flat_map(|s| &s.fields)
        .map(|f| match f.kind {
            FieldType::Table { .. } => "table",
            _ => "other",
        })
        .collect();
    assert!(kinds.contains(&"table"));
    // The window reads `type.kind`.
    assert_eq!(json["sections"][0]["fields"][0]["type"]["kind"], "text");
}

#[test]
fn validation_reports_the_mef_rule_on_the_execution_date() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let mut data = example("mef-anexo-11-1");
    data["fecha_ejecucion"] = json!("2026-03-08T21:00");
    let checked = app
        .validate(&ValidateRequest {
            template_id: "mef-anexo-11-1".into(),
            data,
        })
        .unwrap();
    assert!(!checked.ok);
    assert_eq!(checked.problems.len(), 1);
    assert_eq!(checked.problems[0].path, "fecha_ejecucion");
    assert!(checked.problems[0].message.contains("7 días"));
    // An unknown form is an error, not a validation problem.
    assert!(app
        .validate(&ValidateRequest {
            template_id: "no-existe".into(),
            data: json!({}),
        })
        .is_err());
}

#[test]
fn documents_filter_by_text_form_status_and_date() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let anexo = create(&app, "mef-anexo-11-1");
    let acta = create(&app, "senace-acta-instalacion");
    let pki = test_pki::generate(&dir.path().join("pki"));
    app.sign_document(&SignDocumentRequest {
        reference: anexo.clone(),
        role: "coord-arquitectura".into(),
        key: p12_key(pki.p12("maria").display().to_string(), PASSWORD.into()),
        location: String::new(),
    })
    .unwrap();

    let all = app.documents(&DocumentFilter::default()).unwrap();
    assert_eq!(
        all.iter().map(|r| r.reference.as_str()).collect::<Vec<_>>(),
        [acta.as_str(), anexo.as_str()],
        "newest first"
    );
    assert_eq!(all[1].date, "15/03/2026");
    assert!(all[1].signatures[0].signed);
    assert_eq!(
        all[1].signatures[0].signer.as_deref(),
        Some("María Fernanda Quispe Ñahui")
    );
    assert!(all[1].signatures[1].next);

    let only = |filter: DocumentFilter| -> Vec<String> {
        app.documents(&filter)
            .unwrap()
            .into_iter()
            .map(|r| r.reference)
            .collect()
    };
    // Accents and case ignored; signer names searchable.
    assert_eq!(
        only(DocumentFilter {
            text: "NAHUI".into(),
            ..Default::default()
        }),
        vec![anexo.clone()]
    );
    assert_eq!(
        only(DocumentFilter {
            text: "instalación".into(),
            ..Default::default()
        }),
        vec![acta.clone()]
    );
    assert_eq!(
        only(DocumentFilter {
            template: Some("senace-acta-instalacion".into()),
            ..Default::default()
        }),
        vec![acta.clone()]
    );
    assert_eq!(
        only(DocumentFilter {
            status: StatusFilter::EnFirma,
            ..Default::default()
        }),
        vec![anexo.clone()]
    );
    assert_eq!(
        only(DocumentFilter {
            status: StatusFilter::SinFirmas,
            ..Default::default()
        }),
        [acta]
    );
    assert!(only(DocumentFilter {
        status: StatusFilter::Firmado,
        ..Default::default()
    })
    .is_empty());
    assert!(only(DocumentFilter {
        from: Some("2026-03-16".into()),
        ..Default::default()
    })
    .is_empty());
    assert_eq!(
        only(DocumentFilter {
            from: Some("2026-03-15".into()),
            to: Some("2026-03-15".into()),
            ..Default::default()
        })
        .len(),
        2
    );
    let bad = app
        .documents(&DocumentFilter {
            to: Some("15/03/2026".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(
        bad.to_string(),
        "la fecha «hasta» del filtro no es válida: 15/03/2026"
    );
}

#[test]
fn the_profile_prints_in_headers_and_gives_the_signature_location() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let profile = Profile {
        entidad: "Servicio Nacional de Certificación Ambiental para las Inversiones Sostenibles"
            .into(),
        oficina: "Oficina de Tecnologías de la Información".into(),
        ubicacion: "Lima, Perú".into(),
    };
    assert_eq!(app.save_profile(&profile).unwrap(), profile);
    let preview = app
        .preview(&ValidateRequest {
            template_id: "mef-anexo-11-1".into(),
            data: example("mef-anexo-11-1"),
        })
        .unwrap();
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(&preview.base64)
        .unwrap();
    let text = pdf_text(&pdf, dir.path());
    assert!(
        text.contains("Servicio Nacional de Certificación Ambiental"),
        "{text}"
    );
    assert!(!text.contains("Ministerio de Economía y Finanzas"));

    // Reopening the app keeps the profile applied.
    drop(app);
    let app = open(dir.path());
    assert_eq!(app.forms()[0].entity, profile.entidad);
    let reference = create(&app, "mef-anexo-11-1");
    let pki = test_pki::generate(&dir.path().join("pki"));
    app.sign_document(&SignDocumentRequest {
        reference: reference.clone(),
        role: "coord-arquitectura".into(),
        key: p12_key(pki.p12("maria").display().to_string(), PASSWORD.into()),
        location: String::new(),
    })
    .unwrap();
    let view = app
        .verify(&VerifyRequest {
            reference: Some(reference),
            path: None,
        })
        .unwrap();
    assert_eq!(
        view.report.signatures[0].location.as_deref(),
        Some("Lima, Perú")
    );
}

#[test]
fn verification_verdicts_and_the_exported_report() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let pki = test_pki::generate(&dir.path().join("pki"));
    let reference = create(&app, "mef-anexo-11-1");
    let target = || VerifyRequest {
        reference: Some(reference.clone()),
        path: None,
    };
    assert_eq!(
        app.verify(&target()).unwrap().verdict,
        "El documento no tiene firmas."
    );

    for (role, who) in [("coord-arquitectura", "maria"), ("coord-calidad", "carlos")] {
        app.sign_document(&SignDocumentRequest {
            reference: reference.clone(),
            role: role.into(),
            key: p12_key(pki.p12(who).display().to_string(), PASSWORD.into()),
            location: "Lima".into(),
        })
        .unwrap();
    }
    let untrusted = app.verify(&target()).unwrap();
    assert!(
        untrusted.verdict.contains("la confianza no se comprobó"),
        "{}",
        untrusted.verdict
    );
    assert_eq!(untrusted.trust_roots, 0);

    app.import_trust_roots(&pki.root_pem()).unwrap();
    let trusted = app.verify(&target()).unwrap();
    assert_eq!(
        trusted.verdict,
        "Correcto: 2 firmas íntegras y válidas, de confianza y sin modificaciones no permitidas."
    );

    let out = dir.path().join("reporte.pdf");
    app.export_verification(&ExportReportRequest {
        target: target(),
        output: out.display().to_string(),
    })
    .unwrap();
    let text = pdf_text(&std::fs::read(&out).unwrap(), dir.path());
    for expected in [
        "REPORTE DE VERIFICACIÓN DE FIRMAS",
        "María Fernanda Quispe Ñahui",
        "Carlos Alberto Mendoza Villanueva",
        "Actas Prueba Raíz",
        "Correcto: 2 firmas",
    ] {
        assert!(text.contains(expected), "{expected} missing in:\n{text}");
    }

    // A file that is not a PDF: one clear line, nothing written.
    let junk = dir.path().join("no-es.pdf");
    std::fs::write(&junk, b"hola").unwrap();
    let refused = app.export_verification(&ExportReportRequest {
        target: VerifyRequest {
            reference: None,
            path: Some(junk.display().to_string()),
        },
        output: dir.path().join("nada.pdf").display().to_string(),
    });
    let message = refused.unwrap_err().to_string();
    assert!(message.starts_with("no-es.pdf: "), "{message}");
    assert!(!message.contains('\n'));
    assert!(!dir.path().join("nada.pdf").exists());
}

#[test]
fn trust_roots_import_dedupe_and_refuse_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let pki = test_pki::generate(&dir.path().join("pki"));
    assert_eq!(app.import_trust_roots(&pki.root_pem()).unwrap().len(), 1);
    let roots = app.import_trust_roots(&pki.root_pem()).unwrap();
    assert_eq!(roots.len(), 1, "the same root twice is kept once");
    assert_eq!(roots[0].valid_until, "31/12/2040");
    let junk = dir.path().join("raiz.cer");
    std::fs::write(&junk, b"no es un certificado").unwrap();
    let err = app.import_trust_roots(&junk).unwrap_err().to_string();
    assert!(err.contains("raiz.cer"), "{err}");
    assert_eq!(app.trust_roots().unwrap().len(), 1);
}

#[test]
fn certificate_is_shown_before_signing_and_bad_ones_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let pki = test_pki::generate(&dir.path().join("pki"));
    let info = app
        .inspect_certificate(&CertificateRequest {
            p12_path: pki.p12("carlos").display().to_string(),
            password: PASSWORD.into(),
        })
        .unwrap();
    assert_eq!(info.name, "Carlos Alberto Mendoza Villanueva");
    assert_eq!(info.issuer, "Actas Prueba Intermedia");
    assert_eq!(info.valid_until, "31/12/2030 23:59 UTC");
    let expired = app
        .inspect_certificate(&CertificateRequest {
            p12_path: pki.p12("vencido").display().to_string(),
            password: PASSWORD.into(),
        })
        .unwrap_err()
        .to_string();
    assert!(
        expired.contains("venció") || expired.contains("vencido"),
        "{expired}"
    );
    let debug = format!(
        "{:?}",
        CertificateRequest {
            p12_path: "x.p12".into(),
            password: "secreta".into()
        }
    );
    assert!(!debug.contains("secreta"));
}

/// A `.p12` as the Firmar screen sends it (default level).
fn p12_key(path: String, password: String) -> KeyChoice {
    KeyChoice {
        source: "p12".into(),
        p12_path: path,
        password,
        ..KeyChoice::default()
    }
}
