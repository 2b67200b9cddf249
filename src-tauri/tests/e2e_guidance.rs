//! End to end in the real window (as `e2e.rs`: `actas-desktop` under Xvfb,
//! driven through tauri-driver): the guidance a new coordinator gets.
//!
//! On an empty database the first-start checklist shows its four items;
//! following its links the coordinator saves the entity profile, registers
//! a person (then corrects and deactivates them, and reactivates them), and
//! imports the root certificate — and the checklist is gone. A new form
//! shows every problem from the start, listed, each entry jumping to its
//! field, dates explained as dd/mm/aaaa. A stored Acta de instalación is
//! found by the system's name and by a person it names; «Duplicar» opens a
//! new draft with its data and no dates or numbers; «Anular» asks for a
//! reason and leaves the document listed as «Anulado», audited, closed to
//! signatures. Messages close themselves and cover no input; the document
//! number never wraps. An expired certificate is refused naming its holder
//! and date.
//!
//! Screenshots go to `$CARGO_TARGET_TMPDIR/e2e-guia-capturas/`.

#[path = "../../tests/common/pki.rs"]
mod pki;
mod webdriver;

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use webdriver::{Desktop, Dialogs};

const INSTALACION: &str = "senace-acta-instalacion";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn value_of(d: &Desktop, css: &str) -> String {
    let element = d.find(css);
    d.property(&element, "value")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Whether any shown message overlaps any input, select, textarea or
/// button of the screen (the navigation bar's buttons excepted).
/// (`Desktop::execute` reads the script's `value` key.)
fn toasts_cover_an_input(d: &Desktop) -> Value {
    d.execute(
        "const toasts = [...document.querySelectorAll('.toast')].map(t => t.getBoundingClientRect());
         const inputs = [...document.querySelectorAll('main input, main select, main textarea, main button')]
           .filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect());
         const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
         return { value: { toasts: toasts.length, covered: toasts.some(t => inputs.some(i => hit(t, i))) } };",
        json!([]),
    )
}

fn checklist_done(d: &Desktop, id: &str) -> bool {
    let item = d.find(&format!("[data-testid=checklist-{id}]"));
    d.attribute(&item, "data-done").as_deref() == Some("true")
}

/// From Documentos, follows the checklist's link for `id` to its card.
fn follow_checklist(d: &Desktop, id: &str) {
    d.click_css("[data-testid=nav-documentos]");
    d.find("[data-testid=checklist]");
    d.click_css(&format!("[data-testid=checklist-go-{id}]"));
    d.find("[data-testid=screen-configuracion]");
    d.find(&format!("#cfg-{id}"));
}

fn launch(dir: &Path, shots: &Path, dialogs: &Dialogs) -> (Desktop, PathBuf) {
    let db = dir.join("actas.db");
    let env = [
        dialogs.env(),
        ("ACTAS_DB", db.display().to_string()),
        (
            "ACTAS_TEMPLATES",
            repo().join("templates").display().to_string(),
        ),
        ("ACTAS_NOW", pki::NOW.to_string()),
    ];
    let d = Desktop::launch(
        Path::new(env!("CARGO_BIN_EXE_actas-desktop")),
        &env,
        shots.to_path_buf(),
    );
    println!("capturas: {}", shots.display());
    (d, db)
}

/// Walks the first-start checklist to its end (profile, a person, the root).
fn walk_the_first_start_checklist(d: &mut Desktop, dialogs: &Dialogs, pki: &pki::Pki) {
    d.find("[data-testid=screen-documentos]");
    d.find("[data-testid=checklist]");
    for id in ["perfil", "personas", "raiz", "token"] {
        assert!(!checklist_done(d, id), "{id} is not done on a new database");
    }
    let text = d.text(&d.find("[data-testid=checklist]"));
    assert!(text.contains("Faltan 3 pasos"), "{text}");
    assert!(text.contains("Módulo del token (opcional)"), "{text}");
    d.step("lista-inicial-vacia");

    // Perfil de la entidad.
    follow_checklist(d, "perfil");
    d.type_into("[data-testid=profile-entidad]", "Senace");
    assert_eq!(value_of(d, "[data-testid=profile-entidad]"), "Senace");
    d.type_into(
        "[data-testid=profile-oficina]",
        "Oficina de Tecnologías de la Información",
    );
    d.click_css("[data-testid=profile-save]");
    d.wait_text("[data-testid=toast]", "the saved profile", |t| {
        t.contains("Perfil guardado")
    });
    let overlap = toasts_cover_an_input(d);
    assert_eq!(overlap["toasts"], 1, "{overlap}");
    assert_eq!(
        overlap["covered"], false,
        "a message covers an input: {overlap}"
    );
    d.step("perfil-guardado-mensaje");
    // The confirmation closes by itself.
    d.wait_gone(".toast");

    // Personas: add one, correct them, deactivate and reactivate.
    follow_checklist(d, "personas");
    d.type_into("[data-testid=person-given]", "Carlos Alberto");
    d.type_into("[data-testid=person-paternal]", "Mendoza");
    d.type_into("[data-testid=person-maternal]", "Villanueva");
    d.type_into("[data-testid=person-cargo]", "Coordinador");
    d.click_css("[data-testid=person-add]");
    d.wait_text("[data-testid=person-row]", "the new person", |t| {
        t.contains("Carlos Alberto Mendoza Villanueva")
    });
    d.click_css("[data-testid=person-edit]");
    assert_eq!(value_of(d, "[data-testid=person-given]"), "Carlos Alberto");
    d.type_into("[data-testid=person-cargo]", "Coordinador de Calidad");
    d.click_css("[data-testid=person-add]");
    d.wait_text("[data-testid=person-row]", "the corrected cargo", |t| {
        t.contains("Coordinador de Calidad")
    });
    d.click_css("[data-testid=person-deactivate]");
    d.wait_text("[data-testid=person-row]", "the deactivated person", |t| {
        t.contains("(desactivada)")
    });
    d.step("persona-desactivada");
    // A deactivated person does not count as the directory.
    d.click_css("[data-testid=nav-documentos]");
    d.find("[data-testid=checklist]");
    assert!(checklist_done(d, "perfil"));
    assert!(!checklist_done(d, "personas"));
    follow_checklist(d, "personas");
    d.click_css("[data-testid=person-activate]");
    d.find("[data-testid=person-row][data-active=true]");

    // Certificado raíz.
    follow_checklist(d, "raiz");
    d.pick(dialogs, "trust-path", &pki.root_pem());
    d.click_css("[data-testid=trust-import]");
    d.wait_text("[data-testid=trust-row]", "the imported root", |t| {
        t.contains(pki::ROOT_CN)
    });
    d.step("raiz-importada");

    // Every required step done: the list is gone (the token is optional).
    d.click_css("[data-testid=nav-documentos]");
    d.find("[data-testid=screen-documentos]");
    d.find("[data-testid=doc-search]");
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(d.all("[data-testid=checklist]").is_empty());
    d.step("lista-inicial-completa");
}

/// An empty form: every problem listed from the start, links that focus
/// their field, dates explained as shown.
fn a_new_form_lists_every_problem(d: &mut Desktop) {
    d.click_css("[data-testid=nav-nuevo]");
    d.find("[data-testid=screen-nuevo]");
    d.click(&d.find(&format!(
        "[data-testid=form-select] option[value=\"{INSTALACION}\"]"
    )));
    let count = d.wait_text("[data-testid=problem-count]", "the first problems", |t| {
        t.contains("problemas por corregir")
    });
    assert!(!count.contains("Sin problemas"), "{count}");
    let links = d.all("[data-testid=problem-link]");
    assert!(
        links.len() >= 10,
        "every empty required field is listed: {count}"
    );
    d.step("nuevo-vacio-problemas");

    // The last entry jumps to its field, far below: out of sight before,
    // in sight and focused after.
    let last = links.last().unwrap().clone();
    let path = d.attribute(&last, "data-path").unwrap();
    let in_view = |d: &Desktop| {
        d.execute(
            "const e = document.querySelector(`[name=\"${arguments[0]}\"]`)
               ?? document.querySelector(`[data-testid=\"error-${arguments[0]}\"]`);
             const r = e.getBoundingClientRect();
             return { value: r.top >= 0 && r.bottom <= window.innerHeight };",
            json!([path]),
        )
    };
    assert_eq!(in_view(d), false, "{path} starts out of sight");
    d.click(&last);
    std::thread::sleep(std::time::Duration::from_millis(1200));
    assert_eq!(in_view(d), true, "{path} brought into view");
    d.step("nuevo-salto-al-campo");
    // The entry for the date-time puts the cursor in its input.
    d.click_css("[data-testid=problem-link][data-path=fecha_hora]");
    let focused = d.execute(
        "return { value: document.activeElement.getAttribute('name') };",
        json!([]),
    );
    assert_eq!(focused, "fecha_hora");
    d.type_into("[name=fecha_hora]", "12/03/2026");
    let message = d.wait_text(
        "[data-testid=\"error-fecha_hora\"]",
        "the date-time message",
        |t| t.contains("dd/mm/aaaa hh:mm"),
    );
    assert!(!message.contains("AAAA"), "{message}");
    d.step("nuevo-fecha-en-formato-visible");
}

/// A stored document: searched by its data, duplicated, annulled.
fn duplicate_and_annul(d: &mut Desktop, db: &Path) -> String {
    let example: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join(format!("templates/examples/{INSTALACION}.json")))
            .unwrap(),
    )
    .unwrap();
    let service = actas::service::Service::open(
        &repo().join("templates"),
        actas::clock::Clock::parse(pki::NOW).unwrap(),
    )
    .unwrap();
    let reference = {
        let mut store = actas::store::Store::open(db).unwrap();
        let stored = service
            .create(&mut store, INSTALACION, example.clone(), "coordinador")
            .unwrap();
        let series = &service.catalogue.get(INSTALACION).unwrap().series;
        actas::service::document_reference(series, &stored.number)
    };

    // Search by the system's name and by a person the acta names.
    d.click_css("[data-testid=nav-documentos]");
    d.find(&format!(
        "[data-testid=doc-row][data-reference=\"{reference}\"]"
    ));
    for (words, found) in [
        ("EVA", true),
        ("salvatierra perez", true),
        ("Gabriela Núñez", true),
        ("Salvatierra SIGED", false),
    ] {
        d.type_into("[data-testid=doc-search]", words);
        std::thread::sleep(std::time::Duration::from_millis(700));
        d.find("[data-testid=doc-search]");
        let deadline = std::time::Instant::now() + webdriver::WAIT;
        loop {
            let rows = d.all("[data-testid=doc-row]");
            if (rows.len() == 1) == found {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "search «{words}»: {} rows",
                rows.len()
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
    d.type_into("[data-testid=doc-search]", "salvatierra");
    let row = d.find(&format!(
        "[data-testid=doc-row][data-reference=\"{reference}\"]"
    ));
    // The number is one line: never «2026-/001».
    let lines = d.execute(
        "const td = arguments[0].querySelector('td');
         const r = document.createRange(); r.selectNodeContents(td);
         return { value: new Set([...r.getClientRects()].map(x => Math.round(x.top))).size };",
        json!([{ "element-6066-11e4-a52e-4f735466cecf": row }]),
    );
    assert_eq!(lines, 1, "the number wrapped");
    d.step("documentos-busqueda-por-persona");

    // Duplicar: a new draft with the data, without dates and numbers.
    d.click_css("[data-testid=doc-duplicate]");
    d.find("[data-testid=screen-nuevo]");
    d.wait_text("[data-testid=draft-status]", "the reopened draft", |t| {
        t.contains("Borrador")
    });
    let system = example["denominacion_software"].as_str().unwrap();
    // The form fills in once its draft is read.
    let deadline = std::time::Instant::now() + webdriver::WAIT;
    while value_of(d, "[name=denominacion_software]") != system {
        assert!(
            std::time::Instant::now() < deadline,
            "the duplicated draft shows «{}», not the system's name",
            value_of(d, "[name=denominacion_software]")
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(value_of(d, "[name=fecha_hora]"), "");
    assert_eq!(value_of(d, "[name=fecha_solicitud]"), "");
    assert_eq!(value_of(d, "[name=numero_instalacion]"), "");
    d.wait_text("[data-testid=problem-count]", "the cleared fields", |t| {
        t.contains("por corregir")
    });
    d.find("[data-testid=problem-link][data-path=fecha_hora]");
    d.step("duplicado-borrador");

    // Anular: a reason is required; the document stays, marked «Anulado».
    d.click_css("[data-testid=nav-documentos]");
    // (WebDriver cannot type nothing: a blank searches for no word.)
    d.type_into("[data-testid=doc-search]", " ");
    let row_css = format!("[data-testid=doc-row][data-reference=\"{reference}\"]");
    d.find(&row_css);
    d.click_css(&format!("{row_css} [data-testid=doc-annul]"));
    let confirm = d.find(&format!("{row_css} [data-testid=annul-confirm]"));
    assert_eq!(
        d.property(&confirm, "disabled"),
        true,
        "no reason, no annulment"
    );
    d.type_into(
        &format!("{row_css} [data-testid=annul-reason]"),
        "Registrado dos veces por error",
    );
    d.step("anular-motivo");
    d.click(&confirm);
    d.wait_text(
        &format!("{row_css} [data-testid=doc-status]"),
        "the annulled status",
        |t| t == "Anulado",
    );
    let sign = d.find(&format!("{row_css} [data-testid=doc-sign]"));
    assert_eq!(d.property(&sign, "disabled"), true);
    // The signatures it lacks will never come: «no se firmará», not «pendiente».
    let chips = d.all(&format!("{row_css} .chip"));
    assert!(!chips.is_empty());
    for chip in &chips {
        let text = d.text(chip);
        let state = d.attribute(chip, "data-state").unwrap_or_default();
        assert!(
            state == "signed" || (state == "void" && text.ends_with("no se firmará")),
            "a chip of the annulled document: {state} «{text}»"
        );
    }
    let overlap = toasts_cover_an_input(d);
    assert_eq!(
        overlap["covered"], false,
        "a message covers an input: {overlap}"
    );
    d.step("documento-anulado");
    reference
}

/// Signing the annulled document is refused; the audit chain holds the
/// annulment; an expired certificate names its holder and date.
fn annulled_is_closed_and_certificate_errors_name_the_holder(
    d: &mut Desktop,
    dialogs: &Dialogs,
    db: &Path,
    pki: &pki::Pki,
    reference: &str,
) {
    let store = actas::store::Store::open(db).unwrap();
    assert_eq!(store.document(reference).unwrap().status, "anulado");
    let annulment = store.annulment(reference).unwrap().unwrap();
    assert_eq!(annulment.reason, "Registrado dos veces por error");
    assert!(store.verify_audit().unwrap().is_intact());
    assert_eq!(
        store.list_documents().unwrap().len(),
        1,
        "kept, not deleted"
    );

    d.click_css("[data-testid=nav-firmar]");
    d.find("[data-testid=screen-firmar]");
    d.pick(dialogs, "p12-path", &pki.p12(pki::EXPIRED.file));
    d.type_into("[data-testid=p12-password]", pki::PASSWORD);
    d.click_css("[data-testid=inspect-cert]");
    let message = d.wait_text("[data-testid=sign-error]", "the expired certificate", |t| {
        t.contains("venció")
    });
    assert!(
        message.contains(&format!(
            "el certificado de {} venció el {}",
            pki::EXPIRED.name,
            pki::EXPIRED_UNTIL_DDMMYYYY
        )),
        "{message}"
    );
    assert!(!message.contains("CN="), "{message}");
    d.step("certificado-vencido-titular");

    // The core refuses to sign it, whatever the front door.
    let service = actas::service::Service::open(
        &repo().join("templates"),
        actas::clock::Clock::parse(pki::NOW).unwrap(),
    )
    .unwrap();
    let mut store = store;
    let refused = service
        .sign_stored(
            &mut store,
            reference,
            &actas::service::SignRequest {
                role: "especialista-calidad".into(),
                key: actas::service::KeySource::P12 {
                    path: pki.p12("eduardo"),
                    password: pki::PASSWORD.into(),
                },
                reason: None,
                location: None,
                level: None,
                tsa: None,
                settings: actas::service::SignatureSettings::default(),
                substitute: false,
            },
            "coordinador",
        )
        .unwrap_err()
        .to_string();
    assert!(refused.contains("está anulado"), "{refused}");
}

#[test]
fn a_new_coordinator_is_guided_in_the_real_window() {
    let dir = tempfile::tempdir().unwrap();
    let pki = pki::generate(&dir.path().join("pki"));
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-guia-capturas");
    let _ = std::fs::remove_dir_all(&shots);
    let dialogs = Dialogs::new(dir.path().join("dialogos"));
    let (mut d, db) = launch(dir.path(), &shots, &dialogs);
    walk_the_first_start_checklist(&mut d, &dialogs, &pki);
    a_new_form_lists_every_problem(&mut d);
    let reference = duplicate_and_annul(&mut d, &db);
    annulled_is_closed_and_certificate_errors_name_the_holder(
        &mut d, &dialogs, &db, &pki, &reference,
    );
}
