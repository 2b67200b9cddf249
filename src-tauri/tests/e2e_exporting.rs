//! End to end in the real window (Xvfb, tauri-driver, WebKitWebDriver; see
//! `e2e.rs` for the set-up): getting documents out and the honest verdict.
//! An Anexo 11.1 signed by two of its three roles is in the register; with
//! no trust root the window says INDETERMINADO in amber and «pendiente»
//! naming Cómputo and the person; the verification report exported
//! through the save dialog lists the pending signature and every reason;
//! after the root is imported and Cómputo signs, the signed PDF is exported
//! through the dialog (checked by `pdfsig` and `qpdf`) and «Imprimir» hands
//! a copy to the system viewer. Dialogs are answered by the debug-only hook
//! of `src/grants.rs` (`webdriver::Dialogs`).
//!
//! Screenshots go to `$CARGO_TARGET_TMPDIR/e2e-exportar/`. With
//! `ACTAS_UPDATE_SCREENSHOTS=1` the README's screens in `docs/img/` are
//! refreshed from this run.

#[path = "../../tests/common/pki.rs"]
mod pki;
mod webdriver;

use std::path::{Path, PathBuf};
use std::process::Command;

use actas::app::{App, CreateRequest, SignDocumentRequest};
use actas::clock::Clock;
use serde_json::{json, Value};
use webdriver::{Desktop, Dialogs};

const FORM: &str = "mef-anexo-11-1";
const COMPUTO: &str = "Víctor Raúl Chávez Paredes";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The register before the window opens: the Anexo 11.1 signed by
/// Arquitectura and Calidad, Cómputo still to sign.
fn seed(db: &Path, pki: &pki::Pki) -> String {
    let app = App::open(
        db,
        &repo().join("templates"),
        Clock::parse(pki::NOW).unwrap(),
    )
    .unwrap();
    let mut data: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join(format!("templates/examples/{FORM}.json"))).unwrap(),
    )
    .unwrap();
    data["fecha_ejecucion"] = json!("2026-03-13T20:30");
    let created = app
        .create_document(&CreateRequest {
            template_id: FORM.into(),
            data,
            draft_id: None,
        })
        .unwrap();
    for (role, who) in [("coord-arquitectura", "maria"), ("coord-calidad", "carlos")] {
        app.sign_document(&SignDocumentRequest {
            reference: created.reference.clone(),
            role: role.into(),
            key: actas::app::KeyChoice {
                source: "p12".into(),
                p12_path: pki.p12(who).display().to_string(),
                password: pki::PASSWORD.into(),
                token: String::new(),
                cert_serial: String::new(),
                level: String::new(),
            },
            location: "Lima, Perú".into(),
            substitute: None,
        })
        .unwrap();
    }
    created.reference
}

/// `program args… file`'s output; it must succeed, except `pdfsig`, whose
/// status also reflects certificate trust (its text is what is checked).
fn run(program: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(program)
        .args(args)
        .arg(file)
        .args(if program == "pdftotext" {
            &["-"][..]
        } else {
            &[]
        })
        .output()
        .unwrap_or_else(|e| panic!("{program} (poppler-utils / qpdf): {e}"));
    assert!(
        program == "pdfsig" || out.status.success(),
        "{program} {}: {out:?}",
        file.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The save dialog proposed `name` in the user's Documents or home folder.
fn proposed(dialogs: &Dialogs, name: &str) {
    let (title, default) = dialogs.question();
    let home = PathBuf::from(std::env::var_os("HOME").unwrap());
    let default = PathBuf::from(default);
    assert_eq!(
        default.file_name().and_then(|n| n.to_str()),
        Some(name),
        "{title}: {}",
        default.display()
    );
    assert!(
        default.starts_with(&home),
        "{title}: {} is outside the user's folders",
        default.display()
    );
}

fn wait_file(path: &Path) {
    let deadline = std::time::Instant::now() + webdriver::WAIT;
    while !path.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "{} was not written",
            path.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// The whole screen's text has role titles, never an Actas field id.
fn no_field_ids(d: &Desktop) {
    let text = d.text(&d.find("main, body"));
    assert!(!text.contains("firma.coord"), "{text}");
    assert!(!text.contains("coord-"), "{text}");
}

fn verify_stored(d: &Desktop, reference: &str) {
    d.click_css("[data-testid=nav-verificar]");
    d.find("[data-testid=screen-verificar]");
    d.click(&d.find(&format!(
        "[data-testid=verify-document] option[value=\"{reference}\"]"
    )));
    d.click_css("[data-testid=verify-run]");
}

/// Without a root: INDETERMINADO in amber, «pendiente» naming Cómputo and
/// the person, trust «no comprobado» in amber; the report says all of it.
fn pending_and_amber_without_a_root(
    d: &mut Desktop,
    dialogs: &Dialogs,
    reference: &str,
    out: &Path,
) {
    verify_stored(d, reference);
    let verdict = d.wait_text("[data-testid=verdict]", "an amber verdict", |t| {
        t.starts_with("INDETERMINADO")
    });
    assert!(verdict.contains("no hay certificados raíz"), "{verdict}");
    let banner = d.find("[data-testid=verdict]");
    assert!(d
        .attribute(&banner, "class")
        .is_some_and(|c| c.contains("warn")));
    let status = d.find("[data-testid=acta-status]");
    assert_eq!(
        d.attribute(&status, "data-complete").as_deref(),
        Some("false")
    );
    let text = d.text(&status);
    assert!(
        text.contains("pendiente") && text.contains(&format!("Coordinador Cómputo ({COMPUTO})")),
        "{text}"
    );
    let trusted = d.all("[data-testid=sig-trusted]");
    assert_eq!(trusted.len(), 2);
    for cell in &trusted {
        assert_eq!(d.text(cell), "no comprobado");
        assert!(d
            .attribute(cell, "class")
            .is_some_and(|c| c.contains("unknown")));
    }
    no_field_ids(d);
    d.step("verificar-sin-raiz-pendiente");

    // The report, through the save dialog.
    let report = out.join("reporte.pdf");
    dialogs.answer(&report);
    d.click_css("[data-testid=export-report]");
    d.wait_text("[data-testid=export-result]", "the report's path", |t| {
        t.ends_with("reporte.pdf")
    });
    proposed(dialogs, &format!("verificacion-{reference}.pdf"));
    // Words as they read, whatever the line breaks of the multiline fields.
    let text = run("pdftotext", &[], &report)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "Firmas pendientes",
        "Falta la firma de Coordinador Cómputo",
        "INDETERMINADO",
        "no se comprobó quién emitió el certificado",
    ] {
        assert!(text.contains(expected), "«{expected}» missing:\n{text}");
    }
    assert!(!text.contains("Ninguna."), "{text}");
    assert!(!text.contains("firma.coord"), "{text}");
    d.step("verificar-reporte-exportado");
}

/// Cómputo signs; the signed PDF is exported through the dialog and printed.
fn sign_export_and_print(
    d: &mut Desktop,
    dialogs: &Dialogs,
    pki: &pki::Pki,
    reference: &str,
    out: &Path,
) {
    d.click_css("[data-testid=nav-firmar]");
    d.find("[data-testid=screen-firmar]");
    d.click(&d.find(&format!(
        "[data-testid=sign-document] option[value=\"{reference}\"]"
    )));
    d.wait_text(
        "[data-testid=sign-role] option[value=\"coord-computo\"]",
        "Cómputo's role",
        |t| t.contains("Cómputo"),
    );
    d.pick(dialogs, "p12-path", &pki.p12("victor"));
    d.type_into("[data-testid=p12-password]", pki::PASSWORD);
    d.click_css("[data-testid=inspect-cert]");
    d.wait_text("[data-testid=cert-info]", COMPUTO, |t| t.contains(COMPUTO));
    d.click_css("[data-testid=confirm-sign]");
    d.wait_text("[data-testid=sign-result]", "signed by all", |t| {
        t.contains("Firmaron todos los roles requeridos")
    });

    let signed = out.join("firmado.pdf");
    dialogs.answer(&signed);
    d.click_css("[data-testid=signed-actions] [data-testid=export-pdf]");
    d.wait_text(
        "[data-testid=export-pdf-result]",
        "the exported path",
        |t| t.contains("firmado.pdf"),
    );
    proposed(dialogs, &format!("{reference}-Anexo-11.1.pdf"));
    d.step("firmar-exportado");
    let pdfsig = run("pdfsig", &[], &signed);
    assert_eq!(pdfsig.matches("Signature is Valid.").count(), 3, "{pdfsig}");
    run("qpdf", &["--check"], &signed);

    // «Imprimir»: a copy in the application's folder, opened by the viewer.
    d.click_css("[data-testid=signed-actions] [data-testid=print-pdf]");
    d.wait_text("[data-testid=toast]", "the print message", |t| {
        t.contains("visor de PDF")
    });
    let opened = dialogs.opened().expect("«Imprimir» opened nothing");
    let copy = PathBuf::from(opened.trim());
    assert_eq!(
        copy.file_name().and_then(|n| n.to_str()),
        Some(format!("{reference}-Anexo-11.1.pdf").as_str())
    );
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(&signed).unwrap()
    );
    let _ = std::fs::remove_file(&copy);
}

#[test]
fn documents_get_out_and_the_verdict_is_honest_in_the_real_window() {
    let dir = tempfile::tempdir().unwrap();
    let pki = pki::generate(&dir.path().join("pki"));
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-exportar");
    let _ = std::fs::remove_dir_all(&shots);
    let db = dir.path().join("actas.db");
    let reference = seed(&db, &pki);
    let out = dir.path().join("salida");
    std::fs::create_dir(&out).unwrap();
    let dialogs = Dialogs::new(dir.path().join("dialogos"));
    let env = [
        dialogs.env(),
        ("ACTAS_DB", db.display().to_string()),
        (
            "ACTAS_TEMPLATES",
            repo().join("templates").display().to_string(),
        ),
        ("ACTAS_NOW", pki::NOW.to_string()),
    ];
    let mut d = Desktop::launch(
        Path::new(env!("CARGO_BIN_EXE_actas-desktop")),
        &env,
        shots.clone(),
    );
    println!("capturas: {}", shots.display());

    // ---- Documentos: «Exportar PDF» from the list, through the dialog.
    let row = format!("[data-testid=doc-row][data-reference=\"{reference}\"]");
    d.find(&row);
    d.step("documentos");
    let listed = out.join("desde-la-lista.pdf");
    dialogs.answer(&listed);
    d.click_css(&format!("{row} [data-testid=export-pdf]"));
    d.wait_text("[data-testid=toast]", "the saved message", |t| {
        t.contains("desde-la-lista.pdf")
    });
    proposed(&dialogs, &format!("{reference}-Anexo-11.1.pdf"));
    run("qpdf", &["--check"], &listed);
    assert_eq!(
        run("pdfsig", &[], &listed)
            .matches("Signature is Valid.")
            .count(),
        2
    );

    // ---- Firmar, «Archivo PDF»: the signed copy is proposed beside nothing
    // but the user's folders (it used to be `/-firmado.pdf`).
    d.click_css("[data-testid=nav-firmar]");
    d.click_css("[data-testid=sign-source-file]");
    d.pick(&dialogs, "sign-input-path", &listed);
    std::fs::remove_file(dialogs.0.join("pregunta")).unwrap();
    d.click_css("[data-testid=\"sign-output-path-choose\"]"); // no answer: cancelled
    wait_file(&dialogs.0.join("pregunta"));
    proposed(&dialogs, "desde-la-lista-firmado.pdf");

    pending_and_amber_without_a_root(&mut d, &dialogs, &reference, &out);

    // ---- Configuración: the root, chosen in the dialog.
    d.click_css("[data-testid=nav-configuracion]");
    d.pick(&dialogs, "trust-path", &pki.root_pem());
    d.click_css("[data-testid=trust-import]");
    d.wait_text("[data-testid=trust-row]", "the imported root", |t| {
        t.contains(pki::ROOT_CN)
    });

    sign_export_and_print(&mut d, &dialogs, &pki, &reference, &out);

    // ---- Verificar: now VÁLIDO and complete, in green.
    verify_stored(&d, &reference);
    d.wait_text("[data-testid=verdict]", "a valid verdict", |t| {
        t.starts_with("VÁLIDO")
    });
    let status = d.find("[data-testid=acta-status]");
    assert_eq!(
        d.attribute(&status, "data-complete").as_deref(),
        Some("true")
    );
    no_field_ids(&d);
    d.step("verificar-valido-completo");

    // ---- Vista previa offers the same «Exportar PDF» / «Imprimir».
    d.click_css("[data-testid=nav-documentos]");
    d.click_css(&format!("{row} [data-testid=doc-preview]"));
    d.find("[data-testid=screen-preview] [data-testid=export-pdf]");
    d.find("[data-testid=screen-preview] [data-testid=print-pdf]");
    d.find("canvas[data-testid=pdf-page]");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    d.step("vista-previa");

    export_the_bundle(&mut d, &dialogs, &pki, &out);

    // ---- Nuevo, for the README.
    d.click_css("[data-testid=nav-nuevo]");
    d.click(&d.find(&format!(
        "[data-testid=form-select] option[value=\"{FORM}\"]"
    )));
    d.find("[name=\"area_solicitante\"]");
    d.step("nuevo");
    d.click_css("[data-testid=nav-documentos]");
    d.find(&row);
    d.step("documentos-firmado");
    drop(d);

    if std::env::var_os("ACTAS_UPDATE_SCREENSHOTS").is_some() {
        update_readme_screens(&shots);
    }
}

/// «Paquete de archivo» of the listed documents, through the dialogs; the
/// bundle verifies (seal trusted, every PDF and signature).
fn export_the_bundle(d: &mut Desktop, dialogs: &Dialogs, pki: &pki::Pki, out: &Path) {
    d.click_css("[data-testid=nav-documentos]");
    // Once the list is in, the card below it no longer moves.
    d.find("[data-testid=doc-row]");
    d.click_css("[data-testid=bundle] summary");
    d.find("details[data-testid=bundle][open]");
    d.pick(dialogs, "bundle-p12", &pki.p12("maria"));
    d.type_into("[data-testid=bundle-password]", pki::PASSWORD);
    let zip = out.join("paquete.zip");
    dialogs.answer(&zip);
    d.click_css("[data-testid=bundle-export]");
    d.wait_text("[data-testid=bundle-result]", "the bundle written", |t| {
        t.contains("paquete.zip") && t.contains("1 documento")
    });
    d.step("documentos-paquete");
    let service = actas::service::Service::open_deferred(
        &repo().join("templates"),
        Clock::parse(pki::NOW).unwrap(),
    );
    let report = service
        .verify_bundle_file(&zip, Some(&pki.root_pem()))
        .unwrap();
    assert!(report.ok, "{:?}", report.problems);
}

/// The README's screens, copied from this run's screenshots.
fn update_readme_screens(shots: &Path) {
    let img = repo().join("docs/img");
    std::fs::create_dir_all(&img).unwrap();
    for (shot, name) in [
        ("documentos-firmado", "documentos"),
        ("nuevo", "nuevo"),
        ("firmar-exportado", "firmar"),
        ("verificar-sin-raiz-pendiente", "verificar"),
        ("vista-previa", "vista-previa"),
    ] {
        let source = std::fs::read_dir(shots)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_stem()
                    .and_then(|s| s.to_str())
                    .is_some_and(|s| s.ends_with(&format!("-{shot}")))
            })
            .unwrap_or_else(|| panic!("no screenshot {shot}"));
        std::fs::copy(&source, img.join(format!("{name}.png"))).unwrap();
    }
}
