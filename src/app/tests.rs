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
        // Every form is signed, except an e-mail (it is sent, not signed).
        assert_eq!(spec.signers.is_empty(), spec.email, "{}", form.id);
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
    // Without the example's end of the window (it would end days later).
    data.as_object_mut().unwrap().remove("fecha_fin_ejecucion");
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
        substitute: None,
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
    // The document's data is searched too: the help-desk ticket the acta
    // quotes; «instalación» is in both (the Anexo's deliverables name an
    // installation manual).
    assert_eq!(
        only(DocumentFilter {
            text: "hd-2026-00871".into(),
            ..Default::default()
        }),
        vec![acta.clone()]
    );
    assert_eq!(
        only(DocumentFilter {
            text: "instalación".into(),
            ..Default::default()
        })
        .len(),
        2
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
        "la fecha «hasta» del filtro: fecha inválida «15/03/2026» (se espera AAAA-MM-DD)"
    );
}

#[test]
fn documents_come_a_page_at_a_time_like_the_whole_list() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let ids = [
        "mef-anexo-11-1",
        "senace-acta-instalacion",
        "mef-anexo-11-1",
        "senace-acta-instalacion",
        "mef-anexo-11-1",
    ];
    let refs: Vec<String> = ids.iter().map(|id| create(&app, id)).collect();
    let pki = test_pki::generate(&dir.path().join("pki"));
    app.sign_document(&SignDocumentRequest {
        substitute: None,
        reference: refs[2].clone(),
        role: "coord-arquitectura".into(),
        key: p12_key(pki.p12("maria").display().to_string(), PASSWORD.into()),
        location: String::new(),
    })
    .unwrap();
    let json = |rows: &[DocumentRow]| serde_json::to_value(rows).unwrap();
    let paged = |filter: DocumentFilter| -> (Vec<DocumentRow>, Vec<u32>) {
        let mut rows = Vec::new();
        let mut totals = Vec::new();
        for offset in [0, 2, 4, 6] {
            let page = app
                .documents_page(&DocumentFilter {
                    offset: Some(offset),
                    limit: Some(2),
                    ..filter.clone()
                })
                .unwrap();
            assert_eq!(page.offset, offset);
            totals.push(page.total);
            rows.extend(page.rows);
        }
        (rows, totals)
    };
    // No filter (read a page at a time from the database) …
    let whole = app.documents(&DocumentFilter::default()).unwrap();
    let (rows, totals) = paged(DocumentFilter::default());
    assert_eq!(
        json(&rows),
        json(&whole),
        "the pages are the list, in order"
    );
    assert_eq!(totals, [5, 5, 5, 5]);
    assert!(
        rows[2].signatures[0].signed,
        "the page carries its signatures"
    );
    // … a form filter (still from the database) …
    let form = DocumentFilter {
        template: Some("mef-anexo-11-1".into()),
        ..Default::default()
    };
    let (rows, totals) = paged(form.clone());
    assert_eq!(json(&rows), json(&app.documents(&form).unwrap()));
    assert_eq!(rows.len(), 3);
    assert_eq!(totals[0], 3);
    // … and words or status (the whole list filtered first).
    let status = DocumentFilter {
        status: StatusFilter::EnFirma,
        ..Default::default()
    };
    let (rows, totals) = paged(status);
    assert_eq!(totals[0], 1);
    assert_eq!(rows[0].reference, refs[2]);
    // The default page and its bounds.
    let page = app.documents_page(&DocumentFilter::default()).unwrap();
    assert_eq!(page.rows.len(), 5);
    let one = app
        .documents_page(&DocumentFilter {
            limit: Some(0),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(one.rows.len(), 1, "a page has at least one row");
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
        substitute: None,
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
    let unsigned = app.verify(&target()).unwrap();
    assert_eq!(unsigned.verdict, "NO VÁLIDO: el documento no tiene firmas");
    assert_eq!(unsigned.report.verdict, crate::verify::Verdict::NoValido);

    for (role, who) in [("coord-arquitectura", "maria"), ("coord-calidad", "carlos")] {
        app.sign_document(&SignDocumentRequest {
            substitute: None,
            reference: reference.clone(),
            role: role.into(),
            key: p12_key(pki.p12(who).display().to_string(), PASSWORD.into()),
            location: "Lima".into(),
        })
        .unwrap();
    }
    let untrusted = app.verify(&target()).unwrap();
    assert!(
        untrusted
            .verdict
            .starts_with("INDETERMINADO: no hay certificados raíz configurados"),
        "{}",
        untrusted.verdict
    );
    assert_eq!(
        untrusted.report.verdict,
        crate::verify::Verdict::Indeterminado
    );
    assert_eq!(untrusted.trust_roots, 0);

    app.import_trust_roots(&pki.root_pem()).unwrap();
    let trusted = app.verify(&target()).unwrap();
    assert_eq!(
        trusted.verdict,
        "VÁLIDO: 2 firmas íntegras y válidas, de confianza y sin modificaciones no permitidas."
    );
    // Valid as far as it goes, and pending: the third role, by title and by
    // the name the document gives for it.
    let completeness = trusted.report.completeness.clone().unwrap();
    assert!(!completeness.complete);
    assert_eq!(completeness.pending.len(), 1);
    assert_eq!(completeness.pending[0].role, "coord-computo");
    assert_eq!(
        completeness.pending[0].label(),
        "Coordinador Cómputo (Víctor Raúl Chávez Paredes)"
    );
    assert_eq!(
        trusted.report.signatures[1].role_title.as_deref(),
        Some("Coordinador de Calidad")
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
        "VÁLIDO: 2 firmas",
        "falta la firma de Coordinador Cómputo",
        "Coordinador de Calidad",
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
pub(super) fn p12_key(path: String, password: String) -> KeyChoice {
    KeyChoice {
        source: "p12".into(),
        p12_path: path,
        password,
        token: String::new(),
        cert_serial: String::new(),
        level: String::new(),
    }
}

#[test]
fn secrets_of_a_draft_are_sealed_in_the_store_and_come_back_opened() {
    let dir = tempfile::tempdir().unwrap();
    // The office's key lives outside the database's folder.
    let key_dir = tempfile::tempdir().unwrap();
    std::env::set_var(crate::secrets::KEY_ENV, key_dir.path().join("clave.key"));
    let app = open(dir.path());
    let id = "agetic-solicitud-puesta-produccion";
    let data = example(id);
    let secrets: Vec<String> = data["credenciales"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["valor"].as_str().unwrap().to_string())
        .collect();
    let draft = app
        .save_draft(&SaveDraftRequest {
            id: None,
            template_id: id.into(),
            data: data.clone(),
        })
        .unwrap();
    let reference = create(&app, id);
    let mut stored = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("actas.db")
        {
            stored.extend(std::fs::read(path).unwrap());
        }
    }
    for secret in &secrets {
        assert!(
            !stored.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "«{secret}» is in the database in clear"
        );
    }
    // The editor gets the draft back as typed.
    assert_eq!(app.open_draft(draft.id).unwrap().data, data);
    // The stored document's PDF shows them masked.
    let pdf = app.document_pdf(&reference).unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(pdf.base64)
        .unwrap();
    let text = pdf_text(&bytes, dir.path());
    assert!(text.contains("•••• K1rW"), "{text}");
    assert!(!text.contains(&secrets[0]));
}

#[test]
fn the_window_computes_deadlines_with_the_offices_days_and_writes_emails() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    // The oficio's deadlines come back with the validation.
    let checked = app
        .validate(&ValidateRequest {
            template_id: "mef-oficio-soporte".into(),
            data: example("mef-oficio-soporte"),
        })
        .unwrap();
    assert!(checked.ok, "{:?}", checked.problems);
    let computed: Vec<(&str, &str)> = checked
        .computed
        .iter()
        .map(|c| (c.id.as_str(), c.text.as_str()))
        .collect();
    assert!(
        computed.contains(&("vence_busqueda", "10/02/2026")),
        "{computed:?}"
    );
    assert!(
        computed.contains(&("dia_cierre", "05/03/2026")),
        "{computed:?}"
    );
    assert!(computed
        .iter()
        .any(|(id, text)| *id == "alerta_busqueda" && text.starts_with("VENCIDO")));

    // The office's own days, saved in Configuración, count in every plazo.
    let err = app
        .save_office_days("06/02/2026 Aniversario\nmañana Feriado")
        .unwrap_err();
    assert!(
        err.to_string().contains("línea 2: fecha inválida «mañana»"),
        "{err}"
    );
    app.save_office_days("06/02/2026 Aniversario de la entidad")
        .unwrap();
    assert_eq!(
        app.office_days().unwrap(),
        "06/02/2026 Aniversario de la entidad"
    );
    let checked = app
        .validate(&ValidateRequest {
            template_id: "mef-oficio-soporte".into(),
            data: example("mef-oficio-soporte"),
        })
        .unwrap();
    // Day 22 moved one day later: the example's closing is now too early.
    assert_eq!(checked.problems.len(), 1, "{:?}", checked.problems);
    assert!(checked.problems[0]
        .message
        .contains("anterior al 06/03/2026"));
    let mut data = example("mef-oficio-soporte");
    data["fecha_cierre"] = json!("2026-03-06");
    let checked = app
        .validate(&ValidateRequest {
            template_id: "mef-oficio-soporte".into(),
            data,
        })
        .unwrap();
    assert!(
        checked
            .computed
            .iter()
            .any(|c| c.id == "vence_busqueda" && c.text == "11/02/2026"),
        "{:?} {:?}",
        checked.computed,
        checked.problems
    );

    // «Generar correo».
    let out = dir.path().join("correo.eml");
    let written = app
        .generate_email(&EmailRequest {
            template_id: "sig-confirmacion-publicacion".into(),
            data: example("sig-confirmacion-publicacion"),
            output: out.display().to_string(),
            attachment: None,
        })
        .unwrap();
    assert_eq!(written, out.display().to_string());
    let eml = std::fs::read_to_string(&out).unwrap();
    assert!(eml.starts_with("From: "), "{eml}");
    assert!(app
        .generate_email(&EmailRequest {
            template_id: "mef-anexo-11-1".into(),
            data: example("mef-anexo-11-1"),
            output: dir.path().join("no.eml").display().to_string(),
            attachment: None,
        })
        .is_err());
}

#[test]
fn a_licence_import_keeps_its_report_and_the_notice_names_its_signer() {
    let dir = tempfile::tempdir().unwrap();
    let master = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/registers/maestro.xls");
    {
        let app = open(dir.path());
        assert!(app.last_licence_import().unwrap().is_none());
        let refused = app
            .export_licence_report(&dir.path().join("x.csv").display().to_string())
            .unwrap_err();
        assert!(refused.to_string().contains("no hay informe"), "{refused}");
        let report = app.import_licences(&master.display().to_string()).unwrap();
        assert_eq!((report.imported, report.rows_rejected), (5, 0));
        assert_eq!(report.rows_with_warnings, 2);
    }
    // Another session (the window reopened): the report is still there.
    let app = open(dir.path());
    let last = app.last_licence_import().unwrap().expect("kept");
    assert_eq!(last.file_name, "maestro.xls");
    assert_eq!(last.at, "15/03/2026 10:00");
    let cells: Vec<(u32, &str)> = last
        .warnings
        .iter()
        .map(|w| (w.row, w.column.as_str()))
        .collect();
    assert_eq!(cells, [(8, "SALDO NETO"), (10, "TERMINO")]);
    let csv = dir.path().join("informe.csv");
    app.export_licence_report(&csv.display().to_string())
        .unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.starts_with("\u{feff}Fila,Columna,Resultado,Motivo\r\n"),
        "{text}"
    );

    // The notice: previewed unnumbered, refused without a signer, then
    // stored with the chosen person in «Nombre:».
    let person = app
        .add_person(&crate::store::NewPerson {
            given_names: "Karina".into(),
            paternal_surname: "Paredes".into(),
            maternal_surname: "Ochoa".into(),
            cargo: "Especialista II en Gestión de Servicios Digitales".into(),
            area: "OTI".into(),
            email: String::new(),
            dni: String::new(),
        })
        .unwrap();
    let query = LicenceQuery {
        as_of: Some("2026-03-15".into()),
        within: 60,
        include_expired: false,
    };
    let mut request = NoticeRequest {
        query,
        signer: None,
    };
    let draft = app.licence_notice_preview(&request).unwrap();
    let text = pdf_text(&decoded(&draft), dir.path());
    assert!(text.contains("(sin numerar)"), "{text}");
    let refused = app.create_licence_notice(&request).unwrap_err();
    assert!(refused.to_string().contains("elija quién firma"));
    assert!(app
        .documents(&DocumentFilter::default())
        .unwrap()
        .is_empty());
    request.signer = Some(person.id);
    let reference = app.create_licence_notice(&request).unwrap();
    let pdf = app.document_pdf(&reference).unwrap();
    let text = pdf_text(&decoded(&pdf), dir.path());
    assert!(text.contains("Nombre: Karina Paredes Ochoa"), "{text}");
    request.signer = Some(person.id + 100);
    let gone = app.licence_notice_preview(&request).unwrap_err();
    assert!(gone.to_string().contains("ya no está"), "{gone}");
}

fn decoded(pdf: &PdfFile) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(&pdf.base64)
        .unwrap()
}
