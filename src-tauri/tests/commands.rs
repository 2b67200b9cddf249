//! Every Tauri command runs without a window: the real command handler
//! (`actas_desktop::with_commands`) on Tauri's mock runtime, invoked through
//! IPC with the JSON the window sends, against a real SQLite store, the
//! shipped templates and the test PKI. Nothing of the core is mocked.
//!
//! Files are named as the window names them: by the token a file dialog
//! returned (`grants.rs`); `Window::chosen` / `Window::save_to` stand for
//! the user picking a file, and the last test shows that a path the user
//! never chose is refused by every command that takes one.

#[path = "../../tests/common/pki.rs"]
mod pki;

use std::path::{Path, PathBuf};

use actas::app::App;
use actas::clock::Clock;
use actas_desktop::grants::{Access, Grants};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

fn templates() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates")
}

fn example(id: &str) -> Value {
    let path = templates().join("examples").join(format!("{id}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

struct Window {
    webview: tauri::WebviewWindow<tauri::test::MockRuntime>,
}

impl Window {
    fn open(dir: &Path) -> Window {
        Window::with_grants(dir, Grants::new())
    }

    fn with_grants(dir: &Path, grants: Grants) -> Window {
        let clock = Clock::parse(pki::NOW).unwrap();
        let state = App::open(&dir.join("actas.db"), &templates(), clock).unwrap();
        let app = actas_desktop::with_commands(mock_builder())
            .manage(state)
            .manage(grants)
            .build(mock_context(noop_assets()))
            .unwrap();
        let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        Window { webview }
    }

    fn call(&self, cmd: &str, args: Value) -> Result<Value, String> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.webview, request)
            .map(|body| body.deserialize::<Value>().unwrap())
            .map_err(|e| {
                e.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| e.to_string())
            })
    }

    /// The token «Elegir…» returns when the user picks `path`.
    fn chosen(&self, path: &Path) -> String {
        use tauri::Manager;
        let grants = self.webview.state::<Grants>();
        grants.issue(path.to_path_buf(), Access::Read).token
    }

    /// The token «Guardar como…» returns when the user picks `path`.
    fn save_to(&self, path: &Path) -> String {
        use tauri::Manager;
        let grants = self.webview.state::<Grants>();
        grants.issue(path.to_path_buf(), Access::Write).token
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("command {cmd} failed: {e}"))
    }
}

#[test]
fn every_command_runs_without_a_window() {
    let dir = tempfile::tempdir().unwrap();
    let pki = pki::generate(&dir.path().join("pki"));
    let w = Window::open(dir.path());

    assert!(w.ok("app_info", json!({}))["database"]
        .as_str()
        .unwrap()
        .ends_with("actas.db"));
    let forms = w.ok("forms", json!({}));
    assert!(forms.as_array().unwrap().len() >= 13);
    let spec = w.ok("form_spec", json!({"id": "mef-anexo-11-1"}));
    assert_eq!(spec["form_code"], "Anexo 11.1");
    assert!(spec["rules"][0].as_str().unwrap().contains("7 días"));
    let unknown = w.call("form_spec", json!({"id": "no-existe"})).unwrap_err();
    assert!(unknown.contains("no-existe"), "{unknown}");

    // Validation while typing: the MEF 7-day rule on the execution date.
    let mut data = example("mef-anexo-11-1");
    data["fecha_ejecucion"] = json!("2026-03-08T20:30");
    let checked = w.ok(
        "validate_form",
        json!({"request": {"template_id": "mef-anexo-11-1", "data": data}}),
    );
    assert_eq!(checked["ok"], false);
    assert_eq!(checked["problems"][0]["path"], "fecha_ejecucion");
    data["fecha_ejecucion"] = json!("2026-03-13T20:30");
    let request = json!({"request": {"template_id": "mef-anexo-11-1", "data": data}});
    assert_eq!(w.ok("validate_form", request.clone())["ok"], true);
    let preview = w.ok("preview_form", request);
    assert!(preview["bytes"].as_u64().unwrap() > 10_000);

    // Drafts.
    let draft = w.ok(
        "save_draft",
        json!({"request": {"id": null, "template_id": "mef-anexo-11-1", "data": data}}),
    );
    let draft_id = draft["id"].as_i64().unwrap();
    assert_eq!(w.ok("drafts", json!({})).as_array().unwrap().len(), 1);
    assert_eq!(w.ok("open_draft", json!({"id": draft_id}))["data"], data);
    let other = w.ok(
        "save_draft",
        json!({"request": {"id": null, "template_id": "senace-acta-instalacion", "data": {}}}),
    );
    w.ok("delete_draft", json!({"id": other["id"]}));

    // Create: numbered, stored, its draft gone.
    let created = w.ok(
        "create_document",
        json!({"request": {"template_id": "mef-anexo-11-1", "data": data, "draft_id": draft_id}}),
    );
    let reference = created["reference"].as_str().unwrap().to_string();
    assert_eq!(reference, "2026-001");
    assert!(w.ok("drafts", json!({})).as_array().unwrap().is_empty());
    let rows = w.ok(
        "documents",
        json!({"filter": {"text": "anexo", "status": "sin_firmas"}}),
    );
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["signatures"][0]["next"], true);
    let none = w.ok("documents", json!({"filter": {"status": "firmado"}}));
    assert!(none.as_array().unwrap().is_empty());
    assert!(
        w.ok("document_pdf", json!({"reference": reference}))["base64"]
            .as_str()
            .unwrap()
            .starts_with("JVBERi0")
    ); // %PDF-

    // Settings: profile, people, trust roots.
    let profile = json!({"entidad": "Servicio Nacional de Certificación Ambiental", "oficina": "Oficina de Tecnologías de la Información", "ubicacion": "Lima, Perú"});
    assert_eq!(w.ok("save_profile", json!({"profile": profile})), profile);
    assert_eq!(w.ok("profile", json!({})), profile);
    let person = w.ok(
        "add_person",
        json!({"person": {"given_names": "María Fernanda", "paternal_surname": "Quispe", "maternal_surname": "Ñahui", "cargo": "Coordinadora", "area": "OTI", "email": ""}}),
    );
    assert_eq!(person["id"], 1);
    assert_eq!(w.ok("people", json!({})).as_array().unwrap().len(), 1);
    let roots = w.ok(
        "import_trust_roots",
        json!({"path": w.chosen(&pki.root_pem())}),
    );
    assert_eq!(roots.as_array().unwrap().len(), 1);
    assert_eq!(w.ok("trust_roots", json!({})), roots);

    // Sign twice through the store, in order; a wrong password is refused.
    let p12 = |file: &str| w.chosen(&pki.p12(file));
    let cert = w.ok(
        "inspect_certificate",
        json!({"request": {"p12_path": p12("maria"), "password": pki::PASSWORD}}),
    );
    assert_eq!(cert["name"], "María Fernanda Quispe Ñahui");
    let wrong = w
        .call(
            "inspect_certificate",
            json!({"request": {"p12_path": p12("maria"), "password": "otra"}}),
        )
        .unwrap_err();
    assert!(wrong.contains("contraseña"), "{wrong}");
    let target = w.ok(
        "signing_target",
        json!({"request": {"reference": reference, "path": null}}),
    );
    assert_eq!(target["roles"][0]["next"], true);
    let sign = |role: &str, file: &str| json!({"request": {"reference": reference, "role": role, "key": p12_key(&p12(file)), "location": ""}});
    let out_of_order = w
        .call("sign_document", sign("coord-calidad", "carlos"))
        .unwrap_err();
    assert!(
        out_of_order.contains("coord-arquitectura") || out_of_order.contains("Arquitectura"),
        "{out_of_order}"
    );
    w.ok("sign_document", sign("coord-arquitectura", "maria"));
    let second = w.ok("sign_document", sign("coord-calidad", "carlos"));
    assert_eq!(second["next"], json!(["coord-computo"]));

    // Verify the stored document and export the report.
    let view = w.ok(
        "verify",
        json!({"request": {"reference": reference, "path": null}}),
    );
    let signatures = view["report"]["signatures"].as_array().unwrap();
    assert_eq!(signatures.len(), 2);
    for s in signatures {
        assert_eq!(s["intact"], true);
        assert_eq!(s["valid"], true);
        assert_eq!(s["trusted"], true);
        assert_eq!(s["modified_after"], false);
        assert_eq!(s["location"], "Lima, Perú");
    }
    let report_path = dir.path().join("reporte.pdf");
    w.ok(
        "export_verification",
        json!({"request": {"target": {"reference": reference, "path": null}, "output": w.save_to(&report_path)}}),
    );
    assert!(std::fs::read(&report_path).unwrap().starts_with(b"%PDF-"));

    // A PDF from disk: signed into a new file, verified from its path.
    let exported = dir.path().join("exportado.pdf");
    let pdf = w.ok("document_pdf", json!({"reference": reference}));
    use base64::Engine;
    std::fs::write(
        &exported,
        base64::engine::general_purpose::STANDARD
            .decode(pdf["base64"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    let signed = dir.path().join("firmado.pdf");
    let outcome = w.ok(
        "sign_file",
        json!({"request": {"input": w.chosen(&exported), "output": w.save_to(&signed), "role": "coord-computo", "key": p12_key(&p12("victor")), "location": "Cusco"}}),
    );
    assert_eq!(outcome["complete"], true);
    let from_disk = w.ok(
        "verify",
        json!({"request": {"reference": null, "path": w.chosen(&signed)}}),
    );
    assert_eq!(from_disk["report"]["ok"], true);
    assert_eq!(
        from_disk["report"]["signatures"].as_array().unwrap().len(),
        3
    );
    let file_target = w.ok(
        "signing_target",
        json!({"request": {"reference": null, "path": w.chosen(&signed)}}),
    );
    // Every required role signed; the operador de turno's V°B° (optional) may still follow.
    let roles = file_target["roles"].as_array().unwrap();
    assert!(roles
        .iter()
        .filter(|r| r["role"] != "operador-turno")
        .all(|r| r["signed"] == true));
    assert!(roles
        .iter()
        .any(|r| r["role"] == "operador-turno" && r["signed"] == false));

    // Licencias: import the messy master, list what expires, store the notice.
    assert_eq!(w.ok("last_licence_import", json!({})), Value::Null);
    let master =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/registers/maestro.ods");
    let imported = w.ok("import_licences", json!({"path": w.chosen(&master)}));
    // Row 10's TERMINO (31/02/2026) is left empty and warned; nothing rejected.
    assert_eq!(imported["rejected"], json!([]), "{imported}");
    let warned: Vec<(u64, &str)> = imported["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["row"].as_u64().unwrap(), w["column"].as_str().unwrap()))
        .collect();
    assert_eq!(warned, [(8, "SALDO NETO"), (10, "TERMINO")]);
    assert_eq!(
        (
            imported["imported"].clone(),
            imported["rows_with_warnings"].clone()
        ),
        (json!(5), json!(2))
    );
    // The report is kept with the import and exported as CSV.
    let last = w.ok("last_licence_import", json!({}));
    assert_eq!(last["warnings"], imported["warnings"]);
    assert_eq!(last["sha256"], imported["sha256"]);
    let csv_path = dir.path().join("informe.csv");
    w.ok(
        "export_licence_report",
        json!({"path": w.save_to(&csv_path)}),
    );
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(
        csv.contains("10,TERMINO,Importada con advertencia,"),
        "{csv}"
    );
    let query = json!({"as_of": "2026-03-15", "within": 90, "include_expired": true});
    let overview = w.ok("licences", json!({"query": query}));
    assert_eq!(overview["as_of"], "15/03/2026");
    assert_eq!(overview["total"], imported["imported"]);
    let rows = overview["rows"].as_array().unwrap();
    assert!(
        rows.iter()
            .any(|r| r["software"] == "ArcGIS Pro" && r["termino"] == "31/03/2026"),
        "{overview}"
    );
    // The notice: a preview first (no number taken), then stored with its signer.
    let preview = w.ok(
        "licence_notice_preview",
        json!({"request": {"query": query, "signer": person["id"]}}),
    );
    assert!(preview["base64"].as_str().unwrap().starts_with("JVBERi0"));
    let unsigned = w
        .call(
            "create_licence_notice",
            json!({"request": {"query": query}}),
        )
        .unwrap_err();
    assert!(unsigned.contains("elija quién firma"), "{unsigned}");
    assert_eq!(
        w.ok(
            "documents",
            json!({"filter": {"template": "senace-licencias-por-vencer"}}),
        ),
        json!([]),
        "neither the preview nor the refusal took a number"
    );
    let notice = w.ok(
        "create_licence_notice",
        json!({"request": {"query": query, "signer": person["id"]}}),
    );
    let listed = w.ok(
        "documents",
        json!({"filter": {"template": "senace-licencias-por-vencer"}}),
    );
    assert_eq!(listed[0]["reference"], notice);
    let stored = actas::store::Store::open(&dir.path().join("actas.db"))
        .unwrap()
        .document(notice.as_str().unwrap())
        .unwrap();
    assert_eq!(
        stored.data["firma_especialista_sd"]["nombre"],
        "María Fernanda Quispe Ñahui"
    );
    // Documentos a page at a time: the newest first, with the total.
    let all = w.ok("documents", json!({"filter": {}}));
    let page = w.ok("documents_page", json!({"filter": {"limit": 1}}));
    assert_eq!(page["total"], all.as_array().unwrap().len());
    assert_eq!(page["rows"].as_array().unwrap().len(), 1);
    assert_eq!(page["rows"][0], all[0]);

    // Configuración: the office's own non-working days; «Generar correo».
    assert_eq!(w.ok("office_days", json!({})), "");
    let saved = w.ok(
        "save_office_days",
        json!({"text": "07/04/2026 Aniversario de la entidad"}),
    );
    assert_eq!(saved, "07/04/2026 Aniversario de la entidad");
    let bad = w
        .call("save_office_days", json!({"text": "31/02/2026 Nada"}))
        .unwrap_err();
    assert!(bad.contains("línea 1: fecha inválida"), "{bad}");
    let eml = dir.path().join("aviso.eml");
    let written = w.ok(
        "generate_email",
        json!({"request": {"template_id": "mef-aviso-distribucion", "data": example("mef-aviso-distribucion"),
                           "output": w.save_to(&eml), "attachment": null}}),
    );
    assert_eq!(written, eml.display().to_string());
    assert!(std::fs::read_to_string(&eml).unwrap().starts_with("From: "));

    let root_id = roots[0]["id"].clone();
    assert!(w
        .ok("remove_trust_root", json!({"id": root_id}))
        .as_array()
        .unwrap()
        .is_empty());
    // Without the probe variable, window_ready does nothing.
    w.ok("window_ready", json!({}));
}

#[test]
fn guidance_commands_run_without_a_window() {
    let dir = tempfile::tempdir().unwrap();
    let w = Window::open(dir.path());

    let list = w.ok("checklist", json!({}));
    assert_eq!(list["complete"], false);
    assert_eq!(list["items"].as_array().unwrap().len(), 4);

    let created = w.ok(
        "create_document",
        json!({"request": {"template_id": "senace-acta-instalacion",
            "data": example("senace-acta-instalacion"), "draft_id": null}}),
    );
    let reference = created["reference"].as_str().unwrap().to_string();
    let draft = w.ok("duplicate_document", json!({"reference": reference}));
    assert!(draft["id"].as_i64().unwrap() >= 1);

    let refused = w
        .call(
            "annul_document",
            json!({"request": {"reference": reference, "reason": ""}}),
        )
        .unwrap_err();
    assert!(refused.contains("falta el motivo"), "{refused}");
    w.ok(
        "annul_document",
        json!({"request": {"reference": reference, "reason": "Registrado dos veces"}}),
    );
    let rows = w.ok(
        "documents",
        json!({"filter": {"text": "EVA", "status": "anulado"}}),
    );
    assert_eq!(rows[0]["status"], "anulado");

    let person = w.ok(
        "add_person",
        json!({"person": {"given_names": "Carlos", "paternal_surname": "Mendoza",
            "maternal_surname": "", "cargo": "Coordinador", "area": "", "email": "", "dni": ""}}),
    );
    let id = person["id"].as_i64().unwrap();
    let fixed = w.ok(
        "update_person",
        json!({"request": {"id": id, "person": {"given_names": "Carlos", "paternal_surname": "Mendoza",
            "maternal_surname": "", "cargo": "Coordinador de Calidad", "area": "", "email": "", "dni": ""}}}),
    );
    assert_eq!(fixed["cargo"], "Coordinador de Calidad");
    let off = w.ok(
        "set_person_active",
        json!({"request": {"id": id, "active": false}}),
    );
    assert_eq!(off["active"], false);
}

/// A stored Anexo 11.1 (`2026-001`), created through the commands.
fn create_anexo(w: &Window) -> String {
    let mut data = example("mef-anexo-11-1");
    data["fecha_ejecucion"] = json!("2026-03-13T20:30");
    let created = w.ok(
        "create_document",
        json!({"request": {"template_id": "mef-anexo-11-1", "data": data, "draft_id": null}}),
    );
    created["reference"].as_str().unwrap().to_string()
}

#[test]
fn every_file_command_refuses_a_path_the_user_never_chose() {
    let dir = tempfile::tempdir().unwrap();
    let pki = pki::generate(&dir.path().join("pki"));
    let w = Window::open(dir.path());
    let reference = create_anexo(&w);
    let pdf = dir.path().join("acta.pdf");
    let store = actas::store::Store::open(&dir.path().join("actas.db")).unwrap();
    std::fs::write(&pdf, store.latest_revision(&reference).unwrap().pdf).unwrap();
    // A file a script in the page would like to overwrite.
    let victim = dir.path().join("victima.txt");
    std::fs::write(&victim, "intacto").unwrap();
    let raw = |p: &Path| p.display().to_string();
    let master =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/registers/maestro.ods");
    // Chosen to be read: may not be written.
    let read_only = w.chosen(&victim);
    let (p12, pdf_token) = (w.chosen(&pki.p12("victor")), w.chosen(&pdf));
    let password = pki::PASSWORD;
    // A library a script in the page would like the process to load.
    let module = dir.path().join("modulo-malicioso.so");
    std::fs::write(&module, "no es una biblioteca").unwrap();
    let calls = [
        ("import_pdf", json!({"path": raw(&pdf)})),
        (
            "inspect_certificate",
            json!({"request": {"p12_path": raw(&pki.p12("maria")), "password": password}}),
        ),
        (
            "signing_target",
            json!({"request": {"reference": null, "path": raw(&pdf)}}),
        ),
        (
            "sign_document",
            json!({"request": {"reference": reference, "role": "coord-arquitectura", "key": p12_key(&raw(&pki.p12("maria"))), "location": ""}}),
        ),
        (
            "sign_file",
            json!({"request": {"input": raw(&pdf), "output": w.save_to(&dir.path().join("f.pdf")), "role": "coord-arquitectura", "key": p12_key(&p12), "location": ""}}),
        ),
        (
            "sign_file",
            json!({"request": {"input": pdf_token, "output": raw(&victim), "role": "coord-arquitectura", "key": p12_key(&p12), "location": ""}}),
        ),
        (
            "sign_file",
            json!({"request": {"input": pdf_token, "output": read_only, "role": "coord-arquitectura", "key": p12_key(&p12), "location": ""}}),
        ),
        (
            "verify",
            json!({"request": {"reference": null, "path": raw(&pdf)}}),
        ),
        (
            "export_verification",
            json!({"request": {"target": {"reference": reference, "path": null}, "output": raw(&victim)}}),
        ),
        (
            "export_verification",
            json!({"request": {"target": {"reference": reference, "path": null}, "output": read_only}}),
        ),
        (
            "export_verification",
            json!({"request": {"target": {"reference": null, "path": raw(&pdf)}, "output": w.save_to(&dir.path().join("r.pdf"))}}),
        ),
        (
            "export_document",
            json!({"reference": reference, "output": raw(&victim)}),
        ),
        (
            "export_document",
            json!({"reference": reference, "output": read_only}),
        ),
        (
            "export_document",
            json!({"reference": reference, "output": "archivo:0123456789abcdef0123456789abcdef"}),
        ),
        (
            "generate_email",
            json!({"request": {"template_id": "mef-aviso-distribucion", "data": example("mef-aviso-distribucion"), "output": raw(&victim), "attachment": null}}),
        ),
        (
            "generate_email",
            json!({"request": {"template_id": "mef-aviso-distribucion", "data": example("mef-aviso-distribucion"), "output": w.save_to(&dir.path().join("a.eml")), "attachment": raw(&pdf)}}),
        ),
        ("import_trust_roots", json!({"path": raw(&pki.root_pem())})),
        ("import_licences", json!({"path": raw(&master)})),
        // A PKCS#11 module is code the process would load.
        ("tokens", json!({"request": {"module": raw(&module)}})),
        (
            "save_signature_settings",
            json!({"settings": {"level": "", "tsa_url": "", "timeout_seconds": 0, "proxy": "", "pkcs11_module": raw(&module)}}),
        ),
    ];
    for (command, args) in calls {
        let refused = w.call(command, args.clone()).expect_err(&format!(
            "{command} accepted a file the user never chose: {args}"
        ));
        assert!(
            refused.contains("elegidos en el diálogo de archivos")
                || refused.contains("se eligió para leerlo"),
            "{command}: {refused}"
        );
    }
    // Nothing was read into the register or written anywhere.
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "intacto");
    for never in ["f.pdf", "r.pdf", "a.eml"] {
        assert!(!dir.path().join(never).exists(), "{never} was written");
    }
    assert!(w
        .ok("trust_roots", json!({}))
        .as_array()
        .unwrap()
        .is_empty());
    let document = w.ok("documents", json!({"filter": {}}));
    assert_eq!(
        document[0]["revisions"], 1,
        "nothing signed or imported: {document}"
    );
    let licences = w.ok(
        "licences",
        json!({"query": {"as_of": "2026-03-15", "within": 90, "include_expired": true}}),
    );
    assert_eq!(licences["total"], 0, "{licences}");
    let settings = w.ok("signature_settings", json!({}));
    assert_eq!(settings["pkcs11_module"], "", "{settings}");
    // The same calls with what the user chose go through.
    w.ok(
        "verify",
        json!({"request": {"reference": null, "path": pdf_token}}),
    );
    w.ok(
        "import_trust_roots",
        json!({"path": w.chosen(&pki.root_pem())}),
    );
}

#[test]
fn the_save_dialog_proposes_the_documents_folder_and_exports_and_prints() {
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("dialogo");
    std::fs::create_dir(&answers).unwrap();
    let w = Window::with_grants(dir.path(), Grants::answering(answers.clone()));
    let reference = create_anexo(&w);
    let name = w.ok("export_name", json!({"reference": reference}));
    assert_eq!(name, "2026-001-Anexo-11.1.pdf");

    // No answer: the user cancelled; the suggestion keeps only its file name.
    let ask = |suggested: &str| {
        w.ok(
            "choose_save_path",
            json!({"kind": "pdf", "title": "Exportar PDF", "suggested": suggested}),
        )
    };
    assert_eq!(ask("../../../etc/2026-001-Anexo-11.1.pdf"), Value::Null);
    let question = std::fs::read_to_string(answers.join("pregunta")).unwrap();
    let default = PathBuf::from(question.lines().nth(1).unwrap());
    let home = PathBuf::from(std::env::var_os("HOME").unwrap());
    assert_eq!(default.file_name().unwrap(), "2026-001-Anexo-11.1.pdf");
    assert!(
        default.starts_with(&home) && !question.contains(".."),
        "the default is in the user's folders: {question}"
    );

    let output = dir.path().join("exportado.pdf");
    std::fs::write(answers.join("respuesta"), output.display().to_string()).unwrap();
    let grant = ask(name.as_str().unwrap());
    assert_eq!(grant["name"], "exportado.pdf");
    assert!(
        !answers.join("respuesta").exists(),
        "an answer serves one dialog"
    );
    let written = w.ok(
        "export_document",
        json!({"reference": reference, "output": grant["token"]}),
    );
    assert_eq!(written, output.display().to_string());
    let check = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(&output)
        .output()
        .expect("qpdf");
    assert!(check.status.success(), "{check:?}");

    // «Imprimir»: a copy in the application's folder, handed to the viewer.
    let copy = w.ok("print_document", json!({"reference": reference}));
    let copy = PathBuf::from(copy.as_str().unwrap());
    assert_eq!(copy.file_name().unwrap(), "2026-001-Anexo-11.1.pdf");
    assert!(std::fs::read(&copy).unwrap().starts_with(b"%PDF-"));
    assert_eq!(
        std::fs::read_to_string(answers.join("abierto")).unwrap(),
        copy.display().to_string()
    );

    // «Elegir…»: the chosen file is verified through its token.
    std::fs::write(answers.join("respuesta"), output.display().to_string()).unwrap();
    let chosen = w.ok("choose_file", json!({"kind": "pdf", "title": "Verificar"}));
    let view = w.ok(
        "verify",
        json!({"request": {"reference": null, "path": chosen["token"]}}),
    );
    assert_eq!(view["source"], "exportado.pdf");
    let _ = std::fs::remove_file(&copy);
}

/// The Firmar screen's key choice for a `.p12` (default level).
fn p12_key(path: &str) -> serde_json::Value {
    json!({"source": "p12", "p12_path": path, "password": pki::PASSWORD, "token": "", "cert_serial": "", "level": ""})
}
