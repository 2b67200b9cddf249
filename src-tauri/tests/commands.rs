//! Every Tauri command runs without a window: the real command handler
//! (`actas_desktop::with_commands`) on Tauri's mock runtime, invoked through
//! IPC with the JSON the window sends, against a real SQLite store, the
//! shipped templates and the test PKI. Nothing of the core is mocked.

#[path = "../../tests/common/pki.rs"]
mod pki;

use std::path::Path;

use actas::app::App;
use actas::clock::Clock;
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
        let clock = Clock::parse(pki::NOW).unwrap();
        let state = App::open(&dir.join("actas.db"), &templates(), clock).unwrap();
        let app = actas_desktop::with_commands(mock_builder())
            .manage(state)
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
        json!({"path": pki.root_pem().display().to_string()}),
    );
    assert_eq!(roots.as_array().unwrap().len(), 1);
    assert_eq!(w.ok("trust_roots", json!({})), roots);

    // Sign twice through the store, in order; a wrong password is refused.
    let p12 = |file: &str| pki.p12(file).display().to_string();
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
        json!({"request": {"target": {"reference": reference, "path": null}, "output": report_path.display().to_string()}}),
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
        json!({"request": {"input": exported.display().to_string(), "output": signed.display().to_string(), "role": "coord-computo", "key": p12_key(&p12("victor")), "location": "Cusco"}}),
    );
    assert_eq!(outcome["complete"], true);
    let from_disk = w.ok(
        "verify",
        json!({"request": {"reference": null, "path": signed.display().to_string()}}),
    );
    assert_eq!(from_disk["report"]["ok"], true);
    assert_eq!(
        from_disk["report"]["signatures"].as_array().unwrap().len(),
        3
    );
    let file_target = w.ok(
        "signing_target",
        json!({"request": {"reference": null, "path": signed.display().to_string()}}),
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
    let master =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/registers/maestro.ods");
    let imported = w.ok(
        "import_licences",
        json!({"path": master.display().to_string()}),
    );
    assert_eq!(imported["rejected"][0]["row"], 10, "{imported}");
    assert_eq!(imported["rejected"][0]["column"], "TERMINO");
    assert_eq!(imported["warnings"].as_array().unwrap().len(), 1);
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
    let notice = w.ok(
        "create_licence_notice",
        json!({"request": {"query": query}}),
    );
    let listed = w.ok(
        "documents",
        json!({"filter": {"template": "senace-licencias-por-vencer"}}),
    );
    assert_eq!(listed[0]["reference"], notice);

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
                           "output": eml.display().to_string(), "attachment": null}}),
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

/// The Firmar screen's key choice for a `.p12` (default level).
fn p12_key(path: &str) -> serde_json::Value {
    json!({"source": "p12", "p12_path": path, "password": pki::PASSWORD, "token": "", "cert_serial": "", "level": ""})
}
