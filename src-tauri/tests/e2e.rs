//! End to end in the real window: `actas-desktop` (debug build) under Xvfb,
//! driven by WebDriver through tauri-driver and WebKitWebDriver. A
//! coordinator creates an Anexo 11.1 through the form (every field typed,
//! table rows added, removed and reordered, choices picked), sees the MEF
//! 7-day rule reported next to the execution date, fixes it, saves, opens
//! the preview, imports the test root, signs as two roles with two .p12
//! files (after a wrong password is refused), sees the document waiting for
//! the third role, with the person it names, in «Por firmar», sets the
//! PKCS#11 module in Configuración and signs the third role with a key on a
//! SoftHSM2 token («Token / DNIe»), imports the PDF the optional fourth
//! role signed on another workstation («Importar PDF firmado»), and sees
//! the four signatures valid and the acta complete in Verificar; the
//! stored PDF is then checked by `pdfsig`.
//! In Licencias the coordinator imports a messy master (bad cells, a row
//! without software, notes under the TOTAL row) and sees exactly the
//! planted warnings and rejected row, finds the report again after leaving
//! the screen, exports it as CSV, and generates the notice: a preview
//! first, the signer picked from the people register, then a number — the
//! stored PDF's «Nombre:» is the signer's.
//!
//! Screenshots of every step go to `$CARGO_TARGET_TMPDIR/e2e-capturas/`
//! (the test prints the folder). Needs Xvfb, tauri-driver and
//! WebKitWebDriver (scripts/install-deps.sh test) and the built window
//! (`npm run build` in ui/).

#[path = "../../tests/common/pki.rs"]
mod pki;
#[path = "../../tests/common/softhsm.rs"]
mod softhsm;
mod webdriver;

use std::path::{Path, PathBuf};
use std::process::Command;

use actas::template::{FieldKind, Template};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;
use webdriver::{Desktop, Dialogs};

const FORM: &str = "mef-anexo-11-1";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `2026-03-05` → `05/03/2026`; `2026-03-05T10:30` → `05/03/2026 10:30`.
fn typed_date(iso: &str) -> String {
    let (date, time) = iso.split_once('T').unwrap_or((iso, ""));
    let parts: Vec<&str> = date.split('-').collect();
    let day = format!("{}/{}/{}", parts[2], parts[1], parts[0]);
    if time.is_empty() {
        day
    } else {
        format!("{day} {time}")
    }
}

fn by_name(path: &str) -> String {
    format!("[name=\"{path}\"]")
}

/// Picks `value` in the `<select name=path>`: by option value, else by its text.
fn choose(d: &Desktop, path: &str, value: &str, label: &str) {
    let option = d.find_xpath(&format!(
        "//select[@name='{path}']/option[@value='{value}' or normalize-space(.)='{label}']"
    ));
    d.click(&option);
}

/// Types or picks one value of `kind` into the input named `path`.
fn fill(d: &Desktop, path: &str, kind: &FieldKind, value: &Value) {
    match (kind, value) {
        (FieldKind::Static { .. }, _) | (_, Value::Null) => {}
        (FieldKind::Date | FieldKind::DateTime, Value::String(iso)) => {
            d.type_into(&by_name(path), &typed_date(iso))
        }
        (FieldKind::Choice { .. }, Value::String(option)) => choose(d, path, option, option),
        (FieldKind::YesNo, Value::Bool(yes)) => {
            choose(d, path, &yes.to_string(), if *yes { "Sí" } else { "No" })
        }
        (FieldKind::MultiChoice { .. }, Value::Array(options)) => {
            for option in options.iter().filter_map(Value::as_str) {
                d.click_css(&format!("[name=\"{path}\"][value=\"{option}\"]"));
            }
        }
        (FieldKind::Signer { .. }, Value::Object(signer)) => {
            for key in ["nombre", "cargo"] {
                if let Some(text) = signer.get(key).and_then(Value::as_str) {
                    d.type_into(&by_name(&format!("{path}.{key}")), text);
                }
            }
        }
        (FieldKind::Table { columns, .. }, Value::Array(rows)) => {
            for (i, row) in rows.iter().enumerate() {
                let n = i + 1;
                let first = format!("{path}[{n}].{}", columns[0].id);
                if d.all(&by_name(&first)).is_empty() {
                    d.click_css(&format!("[data-testid=\"add-row-{path}\"]"));
                    d.find(&by_name(&first));
                }
                for column in columns {
                    fill(
                        d,
                        &format!("{path}[{n}].{}", column.id),
                        &column.kind,
                        &row[&column.id],
                    );
                }
            }
        }
        (_, Value::Number(n)) => d.type_into(&by_name(path), &n.to_string()),
        (_, Value::String(text)) => d.type_into(&by_name(path), text),
        (kind, other) => panic!("{path}: cannot type {other} into a {} field", kind.name()),
    }
}

fn value_of(d: &Desktop, css: &str) -> String {
    let element = d.find(css);
    d.property(&element, "value")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn sign_as(
    d: &mut Desktop,
    dialogs: &Dialogs,
    reference: &str,
    role: &str,
    p12: &Path,
    name: &str,
    shot: &str,
) {
    d.click_css("[data-testid=nav-firmar]");
    d.find("[data-testid=screen-firmar]");
    d.click(&d.find(&format!(
        "[data-testid=sign-document] option[value=\"{reference}\"]"
    )));
    d.wait_text(
        &format!("[data-testid=sign-role] option[value=\"{role}\"]"),
        "the role to sign",
        |t| !t.is_empty(),
    );
    // The next role is preselected.
    let deadline = std::time::Instant::now() + webdriver::WAIT;
    while value_of(d, "[data-testid=sign-role]") != role {
        assert!(
            std::time::Instant::now() < deadline,
            "{role} is not preselected"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    d.pick(dialogs, "p12-path", p12);
    d.type_into("[data-testid=p12-password]", pki::PASSWORD);
    d.click_css("[data-testid=inspect-cert]");
    d.wait_text("[data-testid=cert-info]", name, |t| t.contains(name));
    d.step(&format!("{shot}-certificado"));
    d.click_css("[data-testid=confirm-sign]");
    d.wait_text("[data-testid=sign-result]", name, |t| t.contains(name));
    d.step(&format!("{shot}-firmado"));
}

/// `pdf` plus an incremental update that replaces page 1's content with a
/// blank one (written by hand: object, cross-reference table, trailer).
fn replace_first_page(pdf: &[u8]) -> Vec<u8> {
    use actas::verify::reader::PdfFile;
    let file = PdfFile::parse(pdf).unwrap();
    let last = file.last();
    let page = last.dict_of(last.pages()[0]).unwrap();
    let content = page.get(b"Contents").unwrap().as_reference().unwrap();
    let root = last.root_id().unwrap();
    let revision = file.revisions().last().unwrap();
    let (prev, size) = (
        revision.xref_offset,
        revision.trailer.get(b"Size").unwrap().as_i64().unwrap(),
    );
    let mut out = pdf.to_vec();
    out.push(b'\n');
    let at = out.len();
    out.extend_from_slice(
        format!(
            "{} 0 obj\n<< /Length 3 >>\nstream\nq Q\nendstream\nendobj\n",
            content.0
        )
        .as_bytes(),
    );
    let xref = out.len();
    out.extend_from_slice(
        format!(
            "xref\n{} 1\n{at:010} 00000 n \ntrailer\n<< /Size {size} /Root {} 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n",
            content.0, root.0
        )
        .as_bytes(),
    );
    out
}

/// A small «Maestro de la OTI» as offices keep it: a title, the header on
/// row 3, then (sheet rows) 4 ArcGIS Pro, clean; 5 Microsoft 365 E3, ending
/// in 8 days, VALOR «S/ 78,OOO.00» (letters O); 6 Veeam, INICIO after
/// TERMINO; 7 AutoCAD LT, TERMINO 31/02/2026 and CANTIDAD «tres»; 8 blank;
/// 9 no software; 10 WinRAR, perpetual; 11 TOTAL; 13–14 notes.
fn write_messy_master(path: &Path) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Maestro 2026").unwrap();
    let day = Format::new().set_num_format("dd/mm/yyyy");
    let date = |y: u16, m: u8, d: u8| ExcelDateTime::from_ymd(y, m, d).unwrap();
    sheet
        .merge_range(
            0,
            0,
            0,
            15,
            "ANEXO 01: MAESTRO DE LA OTI DE LICENCIAMIENTO",
            &Format::new(),
        )
        .unwrap();
    let header = [
        "ITEM",
        "REG SIAF",
        "ORDEN",
        "CANTIDAD ADQUIRIDA",
        "SOFTWARE Y/O LICENCIA DE SOFTWARE",
        "TIPO DE LICENCIA",
        "UBICACIÓN",
        "INICIO",
        "TERMINO",
        "ESTIMACION VIDA UTIL (MESES)",
        "VALOR ADQUISICION S/",
        "AMORTIZ. ACUMULADA S/",
        "SALDO NETO AL 31.12.25 S/",
        "ESTADO",
        "NOTA CCP",
        "Mes",
    ];
    for (c, name) in header.iter().enumerate() {
        sheet.write_string(2, c as u16, *name).unwrap();
    }
    // (row index, item, software, ubicación, inicio, termino, cantidad, valor)
    let text = |sheet: &mut rust_xlsxwriter::Worksheet, r: u32, c: u16, v: &str| {
        sheet.write_string(r, c, v).unwrap();
    };
    let dein = "Dirección de Evaluación Ambiental – DEIN";
    let oti = "Oficina de Tecnologías de la Información – OTI";
    // Row 4: clean.
    text(sheet, 3, 0, "1");
    text(sheet, 3, 2, "OC 0102-2025");
    sheet.write_number(3, 3, 10.0).unwrap();
    text(sheet, 3, 4, "ArcGIS Pro");
    text(sheet, 3, 6, dein);
    sheet
        .write_datetime_with_format(3, 7, date(2025, 4, 1), &day)
        .unwrap();
    sheet
        .write_datetime_with_format(3, 8, date(2026, 3, 31), &day)
        .unwrap();
    sheet.write_number(3, 10, 45_000.0).unwrap();
    // Row 5: ends in 8 days; its VALOR cannot be read.
    text(sheet, 4, 0, "2");
    text(sheet, 4, 2, "OC 0233-2025");
    sheet.write_number(4, 3, 150.0).unwrap();
    text(sheet, 4, 4, "Microsoft 365 E3");
    text(sheet, 4, 6, oti);
    text(sheet, 4, 8, "23/03/2026");
    text(sheet, 4, 10, "S/ 78,OOO.00");
    // Row 6: INICIO after TERMINO.
    text(sheet, 5, 0, "3");
    text(sheet, 5, 4, "Veeam Backup & Replication");
    text(sheet, 5, 6, oti);
    text(sheet, 5, 7, "01/06/2026");
    text(sheet, 5, 8, "10/04/2026");
    sheet.write_number(5, 10, 12_000.0).unwrap();
    // Row 7: TERMINO 31/02 does not exist; CANTIDAD in words.
    text(sheet, 6, 0, "4");
    text(sheet, 6, 3, "tres");
    text(sheet, 6, 4, "AutoCAD LT");
    text(sheet, 6, 6, dein);
    text(sheet, 6, 8, "31/02/2026");
    sheet.write_number(6, 10, 9_000.0).unwrap();
    // Row 8 blank; row 9 names no software.
    text(sheet, 8, 0, "5");
    text(sheet, 8, 2, "OS 0999-2025");
    text(sheet, 8, 6, "Oficina de Administración – OA");
    text(sheet, 8, 8, "30/06/2026");
    // Row 10: perpetual.
    text(sheet, 9, 0, "6");
    text(sheet, 9, 4, "WinRAR");
    text(sheet, 9, 6, oti);
    text(sheet, 9, 8, "PERPETUA");
    sheet.write_number(9, 10, 1_150.0).unwrap();
    // Row 11 TOTAL; rows 13–14 the sheet's notes.
    text(sheet, 10, 0, "TOTAL");
    sheet.write_number(10, 10, 67_150.0).unwrap();
    text(
        sheet,
        12,
        0,
        "Fuente: SIAF-SP, reporte de bienes intangibles al 31/12/2025",
    );
    text(
        sheet,
        13,
        0,
        "Elaborado por: Especialista en Servicios Digitales",
    );
    book.save(path).unwrap();
}

/// (row, column) of each `<li>` of a report list.
fn listed_cells(d: &Desktop, css: &str) -> Vec<(String, String)> {
    d.all(&format!("{css} li"))
        .iter()
        .map(|li| {
            (
                d.attribute(li, "data-row").unwrap_or_default(),
                d.attribute(li, "data-column").unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn coordinator_creates_signs_with_p12_and_token_imports_and_verifies_in_the_real_window() {
    let dir = tempfile::tempdir().unwrap();
    let pki = pki::generate(&dir.path().join("pki"));
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-capturas");
    let _ = std::fs::remove_dir_all(&shots);
    let db = dir.path().join("actas.db");
    let dialogs = Dialogs::new(dir.path().join("dialogos"));
    // Víctor's key and certificate, and the intermediate CA's, on a SoftHSM2
    // token (the window's process sees it through SOFTHSM2_CONF).
    let victor = pki.identity("victor");
    let token = softhsm::SoftToken::create(
        "Token Prueba",
        "246810",
        &[
            softhsm::Entry {
                id: "01",
                label: "firma",
                key: Some(&victor.key),
                cert: &victor.cert,
            },
            // Tokens carry their CA's certificate: the signature includes the chain.
            softhsm::Entry {
                id: "02",
                label: "intermedia",
                key: None,
                cert: &pki.intermediate,
            },
        ],
    );
    let env = [
        dialogs.env(),
        ("SOFTHSM2_CONF", token.conf.display().to_string()),
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

    d.find("[data-testid=screen-documentos]");
    d.step("documentos-vacio");

    // ---- Nuevo: the Anexo 11.1 through the form.
    let catalogue = actas::template::load_catalogue(&repo().join("templates")).unwrap();
    let template: &Template = catalogue.get(FORM).unwrap();
    let example: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join(format!("templates/examples/{FORM}.json"))).unwrap(),
    )
    .unwrap();
    d.click_css("[data-testid=nav-nuevo]");
    d.find("[data-testid=screen-nuevo]");
    d.click(&d.find(&format!(
        "[data-testid=form-select] option[value=\"{FORM}\"]"
    )));
    d.find(&by_name("area_solicitante"));
    d.find("[data-testid=rules]");
    for field in template.fields() {
        if field.id == "fecha_ejecucion" {
            continue;
        }
        fill(&d, &field.id, &field.kind, &example[&field.id]);
    }
    // Table editing: add a seventh row, move it up, then remove it.
    let rows = example["entregables"].as_array().unwrap().len();
    d.click_css("[data-testid=\"add-row-entregables\"]");
    let extra = rows + 1;
    d.type_into(
        &by_name(&format!("entregables[{extra}].documento")),
        "Fila de prueba",
    );
    d.click_css(&format!("[data-testid=\"move-up-entregables-{extra}\"]"));
    assert_eq!(
        value_of(&d, &by_name(&format!("entregables[{rows}].documento"))),
        "Fila de prueba"
    );
    d.click_css(&format!("[data-testid=\"move-down-entregables-{rows}\"]"));
    assert_eq!(
        value_of(&d, &by_name(&format!("entregables[{extra}].documento"))),
        "Fila de prueba"
    );
    d.click_css(&format!("[data-testid=\"remove-row-entregables-{extra}\"]"));
    d.wait_gone(&by_name(&format!("entregables[{extra}].documento")));

    // The execution only 3 days after the request breaks MEF 6.4 (7 days).
    d.type_into(&by_name("fecha_ejecucion"), "08/03/2026 20:30");
    let problem = d.wait_text(
        "[data-testid=\"error-fecha_ejecucion\"]",
        "the 7-day rule",
        |t| t.contains("7 días"),
    );
    assert!(problem.contains("MEF"), "{problem}");
    d.step("nuevo-regla-7-dias");
    d.type_into(
        &by_name("fecha_ejecucion"),
        &typed_date(example["fecha_ejecucion"].as_str().unwrap()),
    );
    d.wait_gone("[data-testid=\"error-fecha_ejecucion\"]");
    d.wait_text("[data-testid=draft-status]", "the autosaved draft", |t| {
        t.contains("guardado")
    });
    d.step("nuevo-corregido");
    d.click_css("[data-testid=save-document]");
    let reference = d
        .wait_text("[data-testid=created-reference]", "the new number", |t| {
            t.contains("2026-001")
        })
        .contains("2026-001")
        .then_some("2026-001")
        .unwrap();
    d.step("nuevo-guardado");

    // ---- Vista previa of the stored document.
    d.click_css("[data-testid=nav-documentos]");
    let row = d.find(&format!(
        "[data-testid=doc-row][data-reference=\"{reference}\"]"
    ));
    assert!(d.text(&row).contains("Anexo 11.1"));
    d.click(&d.find_xpath(&format!(
        "//*[@data-testid='doc-row' and @data-reference='{reference}']//button[contains(normalize-space(.), 'Vista previa')]"
    )));
    d.find("[data-testid=screen-preview]");
    d.find("canvas[data-testid=pdf-page]");
    // pdf.js draws the text once the page's embedded fonts are loaded.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(!d.all("canvas[data-testid=pdf-page]").is_empty());
    d.step("vista-previa");

    // ---- Configuración: trust the test root.
    d.click_css("[data-testid=nav-configuracion]");
    d.find("[data-testid=screen-configuracion]");
    d.pick(&dialogs, "trust-path", &pki.root_pem());
    d.click_css("[data-testid=trust-import]");
    d.wait_text("[data-testid=trust-row]", "the imported root", |t| {
        t.contains(pki::ROOT_CN)
    });
    d.step("configuracion-raiz");

    // ---- Firmar: a wrong password is refused plainly, then two roles sign.
    d.click_css("[data-testid=nav-firmar]");
    d.click(&d.find(&format!(
        "[data-testid=sign-document] option[value=\"{reference}\"]"
    )));
    d.pick(&dialogs, "p12-path", &pki.p12("maria"));
    d.type_into("[data-testid=p12-password]", "no-es-la-clave");
    d.click_css("[data-testid=inspect-cert]");
    d.wait_text(
        "[data-testid=sign-error]",
        "the wrong-password message",
        |t| t.contains("contraseña"),
    );
    d.step("firmar-clave-incorrecta");
    sign_as(
        &mut d,
        &dialogs,
        reference,
        "coord-arquitectura",
        &pki.p12("maria"),
        "María Fernanda Quispe Ñahui",
        "firma-1",
    );
    sign_as(
        &mut d,
        &dialogs,
        reference,
        "coord-calidad",
        &pki.p12("carlos"),
        "Carlos Alberto Mendoza Villanueva",
        "firma-2",
    );

    // ---- Por firmar: the document now waits for Cómputo, whom it names.
    d.click_css("[data-testid=nav-por-firmar]");
    d.find("[data-testid=screen-por-firmar]");
    d.wait_text(
        &format!("[data-testid=pending-row][data-reference=\"{reference}\"]"),
        "the document waiting for Cómputo",
        |t| t.contains("Víctor Raúl Chávez Paredes"),
    );
    d.step("por-firmar");

    // ---- Configuración: the token's PKCS#11 module; Firmar with «Token / DNIe».
    d.click_css("[data-testid=nav-configuracion]");
    d.type_into("[data-testid=signature-pkcs11]", softhsm::MODULE);
    d.click_css("[data-testid=signature-save]");
    d.wait_text("[data-testid=toast]", "the saved settings", |t| {
        t.contains("Configuración de firma guardada")
    });
    d.click_css("[data-testid=nav-firmar]");
    d.find("[data-testid=screen-firmar]");
    d.click(&d.find(&format!(
        "[data-testid=sign-document] option[value=\"{reference}\"]"
    )));
    d.wait_text(
        "[data-testid=sign-role] option[value=\"coord-computo\"]",
        "the third role",
        |t| !t.is_empty(),
    );
    d.click_css("[data-testid=key-source-token]");
    d.click_css("[data-testid=find-tokens]");
    // The only certificate with a key is preselected.
    d.wait_text(
        "[data-testid=token-cert] option[value^=\"Token Prueba|\"]",
        "the token's certificate",
        |t| t.contains("Víctor Raúl Chávez Paredes") && t.contains("Token Prueba"),
    );
    d.type_into("[data-testid=token-pin]", &token.pin);
    d.step("firma-3-token");
    d.click_css("[data-testid=confirm-sign]");
    d.wait_text("[data-testid=sign-result]", "Víctor", |t| {
        t.contains("Víctor Raúl Chávez Paredes")
    });
    d.step("firma-3-firmado");

    // ---- Importar PDF firmado: the operador de turno (optional V°B°)
    // signed the PDF on another workstation; the signed file comes back as
    // the next revision.
    d.click_css("[data-testid=nav-por-firmar]");
    d.find("[data-testid=screen-por-firmar]");
    let exported = dir.path().join("para-operador.pdf");
    let signed = dir.path().join("firmado-operador.pdf");
    {
        let store = actas::store::Store::open(&db).unwrap();
        std::fs::write(&exported, store.latest_revision(reference).unwrap().pdf).unwrap();
    }
    let service = actas::service::Service::open_deferred(
        &repo().join("templates"),
        actas::clock::Clock::parse(pki::NOW).unwrap(),
    );
    service
        .sign_file(
            &exported,
            &signed,
            &actas::service::SignRequest {
                role: "operador-turno".into(),
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
        )
        .unwrap();
    d.pick(&dialogs, "import-path", &signed);
    d.click_css("[data-testid=import-submit]");
    d.wait_text(
        "[data-testid=import-result]",
        "the imported revision",
        |t| t.contains("nueva revisión") && t.contains("revisión 5"),
    );
    // Every role, the optional V°B° too, has signed: nothing waits.
    d.find("[data-testid=pending-empty]");
    d.step("importar-pdf-firmado");

    // ---- Verificar: the four signatures intact, valid, trusted, unmodified.
    d.click_css("[data-testid=nav-verificar]");
    d.find("[data-testid=screen-verificar]");
    d.click(&d.find(&format!(
        "[data-testid=verify-document] option[value=\"{reference}\"]"
    )));
    d.click_css("[data-testid=verify-run]");
    d.wait_text("[data-testid=verdict]", "a valid verdict", |t| {
        t.starts_with("VÁLIDO")
    });
    let status = d.text(&d.find("[data-testid=acta-status]"));
    // Every required role signed, and the optional V°B° came back with the
    // imported PDF (e2e_exporting.rs shows a pending acta).
    assert_eq!(
        status, "Acta completa: firmaron todos los roles requeridos.",
        "{status}"
    );
    let rows = d.all("[data-testid=sig-row]");
    assert_eq!(rows.len(), 4, "one row per signature");
    for row in &rows {
        let text = d.text(row);
        assert!(
            text.contains("Quispe")
                || text.contains("Mendoza")
                || text.contains("Chávez")
                || text.contains("Salvatierra"),
            "{text}"
        );
    }
    let cells = d.all("[data-testid=sig-row] [data-ok]");
    assert_eq!(
        cells.len(),
        16,
        "íntegra, válida, confiable, modificada × 4"
    );
    for cell in &cells {
        assert_eq!(d.attribute(cell, "data-ok").as_deref(), Some("true"));
    }
    d.step("verificar-cuatro-firmas");

    // A copy whose page 1 was replaced after the signatures (an incremental
    // update): the window says NO VÁLIDO in red and names the change.
    let store = actas::store::Store::open(&db).unwrap();
    let signed = store.latest_revision(reference).unwrap().pdf;
    let tampered = dir.path().join("acta-alterada.pdf");
    std::fs::write(&tampered, replace_first_page(&signed)).unwrap();
    d.pick(&dialogs, "verify-path", &tampered);
    d.click_css("[data-testid=verify-run]");
    d.wait_text("[data-testid=verdict]", "a NO VÁLIDO verdict", |t| {
        t.starts_with("NO VÁLIDO")
    });
    let banner = d.find("[data-testid=verdict]");
    assert!(d
        .attribute(&banner, "class")
        .is_some_and(|c| c.contains("bad")));
    let notes = d.text(&d.find("[data-testid=sig-problems]"));
    assert!(notes.contains("contenido de la página 1"), "{notes}");
    for cell in d.all("[data-testid=sig-verdict]") {
        assert_eq!(d.text(&cell), "NO VÁLIDO");
    }
    d.step("verificar-alterado");

    // ---- Licencias: a messy master keeps every licence; the report lists
    // exactly the planted cells and rows, and stays after leaving the screen.
    let master = dir.path().join("Maestro OTI 2026.xlsx");
    write_messy_master(&master);
    {
        let mut store = actas::store::Store::open(&db).unwrap();
        store
            .add_person(
                &actas::store::NewPerson {
                    given_names: "Karina".into(),
                    paternal_surname: "Paredes".into(),
                    maternal_surname: "Ochoa".into(),
                    cargo: "Especialista II en Gestión de Servicios Digitales".into(),
                    area: "OTI".into(),
                    email: String::new(),
                    dni: String::new(),
                },
                actas::clock::Clock::parse(pki::NOW).unwrap().now(),
            )
            .unwrap();
    }
    d.click_css("[data-testid=nav-licencias]");
    d.find("[data-testid=screen-licencias]");
    d.type_into("[data-testid=lic-as-of]", "15/03/2026");
    d.pick(&dialogs, "lic-import-path", &master);
    d.click_css("[data-testid=lic-import]");
    d.find("[data-testid=lic-import-result]");
    let count = |what: &str| {
        let el = d.find(&format!("[data-testid=lic-count-{what}]"));
        (
            d.attribute(&el, "data-count").unwrap_or_default(),
            d.attribute(&el, "class").unwrap_or_default(),
        )
    };
    assert_eq!(count("imported"), ("5".into(), "outcome ok".into()));
    assert_eq!(count("warned"), ("3".into(), "outcome warn".into()));
    assert_eq!(count("rejected"), ("1".into(), "outcome bad".into()));
    let cells = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(r, c)| (r.to_string(), c.to_string()))
            .collect()
    };
    let planted_warnings = cells(&[
        ("5", "VALOR ADQUISICION S/"),
        ("6", "INICIO"),
        ("7", "TERMINO"),
        ("7", "CANTIDAD ADQUIRIDA"),
    ]);
    assert_eq!(
        listed_cells(&d, "[data-testid=lic-warnings]"),
        planted_warnings
    );
    assert_eq!(
        listed_cells(&d, "[data-testid=lic-rejected]"),
        cells(&[("9", "SOFTWARE Y/O LICENCIA DE SOFTWARE")])
    );
    let report = d.text(&d.find("[data-testid=lic-import-result]"));
    assert!(
        !report.contains("Fuente") && !report.contains("Elaborado"),
        "{report}"
    );
    // The licence ending in 8 days with an unreadable VALOR, and the one
    // with INICIO after TERMINO, are in the expiry list.
    for (row, software) in [("5", "Microsoft 365 E3"), ("6", "Veeam Backup")] {
        let tr = d.find(&format!("[data-testid=lic-row][data-fila=\"{row}\"]"));
        assert!(d.text(&tr).contains(software), "{}", d.text(&tr));
        assert_eq!(
            d.attribute(&tr, "data-situacion").as_deref(),
            Some("por vencer")
        );
    }
    assert_eq!(
        d.text(&d.find("[data-testid=lic-total] .summary-value")),
        "5"
    );
    assert_eq!(
        d.text(&d.find("[data-testid=lic-within-30] .summary-value")),
        "3"
    );
    d.step("licencias-importacion");
    d.click_css("[data-testid=nav-documentos]");
    d.find("[data-testid=screen-documentos]");
    d.click_css("[data-testid=nav-licencias]");
    d.find("[data-testid=screen-licencias]");
    d.wait_text("[data-testid=lic-count-imported]", "the kept report", |t| {
        t.contains("5 filas importadas")
    });
    assert_eq!(
        listed_cells(&d, "[data-testid=lic-warnings]"),
        planted_warnings
    );
    let csv = dir.path().join("informe-licencias.csv");
    d.pick(&dialogs, "lic-report-path", &csv);
    d.click_css("[data-testid=lic-report-export]");
    d.find("[data-testid=lic-report-exported]");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(
        text.lines().count(),
        6,
        "header, 4 warnings, 1 rejected: {text}"
    );
    assert!(
        text.contains("9,SOFTWARE Y/O LICENCIA DE SOFTWARE,Rechazada,"),
        "{text}"
    );
    d.step("licencias-informe-guardado");

    // «Generar notificación»: the preview first, unnumbered; a signer from
    // the people register; only then a number.
    d.type_into("[data-testid=lic-as-of]", "15/03/2026");
    d.type_into("[data-testid=lic-within]", "30");
    assert_eq!(value_of(&d, "[data-testid=lic-within]"), "30");
    d.click_css("[data-testid=lic-notice]");
    d.find("[data-testid=lic-notice-draft] canvas[data-testid=pdf-page]");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let confirm = d.find("[data-testid=lic-notice-confirm]");
    assert_eq!(d.property(&confirm, "disabled"), Value::Bool(true));
    d.step("licencias-notificacion-vista-previa");
    d.click(&d.find_xpath(
        "//select[@data-testid='lic-notice-signer']/option[contains(., 'Karina Paredes Ochoa')]",
    ));
    d.wait_text(
        "[data-testid=lic-notice-draft]",
        "the signer chosen",
        |_| {
            d.property(&d.find("[data-testid=lic-notice-confirm]"), "disabled")
                == Value::Bool(false)
        },
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    d.step("licencias-notificacion-firmante");
    d.click_css("[data-testid=lic-notice-confirm]");
    let notice = d.wait_text(
        "[data-testid=lic-notice-reference]",
        "the notice's number",
        |t| !t.is_empty(),
    );
    d.step("licencias-notificacion-guardada");
    let notice_pdf = dir.path().join("notificacion.pdf");
    std::fs::write(
        &notice_pdf,
        actas::store::Store::open(&db)
            .unwrap()
            .latest_revision(&notice)
            .unwrap()
            .pdf,
    )
    .unwrap();
    let text = Command::new("pdftotext")
        .arg(&notice_pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Nombre: Karina Paredes Ochoa"), "{text}");
    assert!(
        text.contains("Microsoft 365 E3") && text.contains("Veeam"),
        "{text}"
    );

    // The window's database holds the signed revision; pdfsig agrees.
    drop(d);
    let exported = dir.path().join("2026-001.pdf");
    std::fs::write(&exported, store.latest_revision(reference).unwrap().pdf).unwrap();
    let pdfsig = Command::new("pdfsig")
        .arg(&exported)
        .output()
        .expect("pdfsig (poppler-utils)");
    let out = String::from_utf8_lossy(&pdfsig.stdout);
    assert_eq!(out.matches("Signature is Valid.").count(), 4, "{out}");
}
