//! The CLI side of the guidance a coordinator gets (docs/cli.md): `actas
//! duplicate` (a new draft from a stored document, dates and numbers
//! cleared), `actas annul --motivo` (kept, marked, audited, closed to
//! signatures), `actas list --buscar` over the document's data, `actas
//! people edit | deactivate | activate`, and `actas checklist`. The real
//! binary on a real database, SQLite and PostgreSQL.

#[allow(dead_code)] // helpers shared with the other test crates
mod common;

use common::pki::{self, PASSWORD};
use common::{example, Sandbox};
use serde_json::Value as Json;

const INSTALACION: &str = "senace-acta-instalacion";

fn references(sb: &Sandbox, words: &str) -> Vec<String> {
    let run = sb.run(&["list", "--json", "--buscar", words]);
    run.assert_ok();
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["reference"].as_str().unwrap().to_string())
        .collect()
}

/// The example with another system and other people, so searches tell the
/// two documents apart.
fn other_installation(sb: &Sandbox) -> String {
    let mut data: Json =
        serde_json::from_str(&std::fs::read_to_string(example(INSTALACION)).unwrap()).unwrap();
    data["denominacion_software"] = "SIGED".into();
    data["asunto_solicitud"] =
        "PRODUCCIÓN.SIGED.2026/03/10.INSTALACIÓN-2026-014.ESALVATIERRA".into();
    data["solicitante_requerimiento"] = "Rosa Elena Paredes Soto".into();
    let path = sb.path("otra.json");
    std::fs::write(&path, data.to_string()).unwrap();
    let run = sb.run(&["new", INSTALACION, "--data", path.to_str().unwrap()]);
    run.assert_ok();
    run.stdout.trim().to_string()
}

fn search_finds_documents_by_system_and_people(sb: Sandbox) {
    let eva = sb.new_from_example(INSTALACION);
    let siged = other_installation(&sb);
    // The system's name (the copy still quotes EVA's deliverables, so
    // «eva» finds both).
    assert_eq!(references(&sb, "siged"), [siged.as_str()]);
    assert_eq!(references(&sb, "eva").len(), 2);
    // A person named in the data, without accents or case.
    assert_eq!(references(&sb, "elena paredes"), [siged.as_str()]);
    assert_eq!(references(&sb, "gabriela nunez"), [eva.as_str()]);
    assert_eq!(references(&sb, "instalación").len(), 2);
    assert!(
        references(&sb, "paredes nunez").is_empty(),
        "every word must match"
    );
    // The human listing filters the same way.
    let run = sb.run(&["list", "--buscar", "Paredes"]);
    run.assert_ok();
    assert!(
        run.stdout.contains(&siged) && !run.stdout.contains(&eva),
        "{}",
        run.stdout
    );
}

fn duplicate_makes_a_draft_without_dates_or_numbers(sb: Sandbox) {
    let reference = sb.new_from_example(INSTALACION);
    let data = sb.path("duplicado.json");
    let run = sb.run(&["duplicate", &reference, "-o", data.to_str().unwrap()]);
    run.assert_ok();
    assert!(
        run.stdout.contains("Borrador 1 creado a partir de"),
        "{}",
        run.stdout
    );
    let copy: Json = serde_json::from_str(&std::fs::read_to_string(&data).unwrap()).unwrap();
    let original: Json =
        serde_json::from_str(&std::fs::read_to_string(example(INSTALACION)).unwrap()).unwrap();
    assert_eq!(
        copy["denominacion_software"],
        original["denominacion_software"]
    );
    assert_eq!(copy["solicitante"], original["solicitante"]);
    for cleared in [
        "fecha_hora",
        "fecha_solicitud",
        "numero_instalacion",
        "numero_help_desk",
    ] {
        assert!(original.get(cleared).is_some(), "{cleared} in the example");
        assert!(copy.get(cleared).is_none(), "{cleared} cleared: {copy}");
    }
    // The original is untouched and nothing was numbered.
    let list = sb.run(&["list", "--json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    // Filled in again, it becomes the next document.
    let mut filled = copy.clone();
    for key in [
        "fecha_hora",
        "fecha_solicitud",
        "numero_instalacion",
        "numero_help_desk",
    ] {
        filled[key] = original[key].clone();
    }
    let again = sb.path("de-nuevo.json");
    std::fs::write(&again, filled.to_string()).unwrap();
    let run = sb.run(&["new", INSTALACION, "--data", again.to_str().unwrap()]);
    run.assert_ok();
    assert_eq!(run.stdout.trim(), "2026-002");
    // An unknown document is one line, exit non-zero.
    let missing = sb.run(&["duplicate", "2026-999"]);
    assert!(
        missing.assert_fails().contains("2026-999"),
        "{}",
        missing.stderr
    );
}

fn annul_needs_a_reason_is_audited_and_closes_the_document(sb: Sandbox) {
    let reference = sb.new_from_example(INSTALACION);
    // Without a reason: refused, nothing changes.
    let no_flag = sb.run(&["annul", &reference]);
    assert_eq!(no_flag.code(), Some(2), "{}", no_flag.stderr);
    assert!(
        no_flag.assert_fails().contains("--motivo"),
        "{}",
        no_flag.stderr
    );
    let blank = sb.run(&["annul", &reference, "--motivo", "  "]);
    assert!(
        blank
            .assert_fails()
            .contains("falta el motivo de la anulación"),
        "{}",
        blank.stderr
    );
    let list = sb.run(&["list", "--json"]).json();
    assert_ne!(list[0]["status"], "anulado");

    let run = sb.run(&["annul", &reference, "--motivo", "Registrado dos veces"]);
    run.assert_ok();
    assert!(run.stdout.contains("anulado"), "{}", run.stdout);
    // Kept and marked.
    let list = sb.run(&["list", "--json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["status"], "anulado");
    assert_eq!(list[0]["next"], Json::Array(vec![]), "waits for nobody");
    let pending = sb.run(&["pending", "--json"]).json();
    assert_eq!(pending, Json::Array(vec![]), "not in anybody's queue");
    // Audited: the chain holds it and is intact.
    let audit = sb.run(&["audit", "verify"]);
    audit.assert_ok();
    assert!(audit.stdout.contains(": 2 filas"), "{}", audit.stdout);
    // Closed: no signature, no second annulment.
    let pki = pki::shared();
    let sign = sb.run_env(
        &[
            "sign",
            &reference,
            "--role",
            "especialista-calidad",
            "--p12",
            pki.p12("eduardo").to_str().unwrap(),
            "--password-env",
            "CLAVE",
        ],
        &[("CLAVE", PASSWORD)],
    );
    let line = sign.assert_fails();
    assert!(
        line.contains("está anulado") && line.contains("Registrado dos veces"),
        "{line}"
    );
    assert_eq!(sb.run(&["list", "--json"]).json()[0]["revisions"], 1);
    let again = sb.run(&["annul", &reference, "--motivo", "otra vez"]);
    assert!(
        again.assert_fails().contains("ya está anulado"),
        "{}",
        again.stderr
    );
    // Its PDF still exports as it was.
    let out = sb.path("anulado.pdf");
    sb.run(&["export", &reference, "-o", out.to_str().unwrap()])
        .assert_ok();
}

fn people_are_edited_and_deactivated_never_deleted(sb: Sandbox) {
    sb.run(&[
        "people",
        "add",
        "--nombres",
        "Carlos Alberto",
        "--apellido-paterno",
        "Mendoza",
        "--cargo",
        "Coordinador",
    ])
    .assert_ok();
    let edit = sb.run(&["people", "edit", "1", "--cargo", "Coordinador de Calidad"]);
    edit.assert_ok();
    assert!(
        edit.stdout.contains("Coordinador de Calidad"),
        "{}",
        edit.stdout
    );
    let people = sb.run(&["people", "list", "--json"]).json();
    assert_eq!(people[0]["cargo"], "Coordinador de Calidad");
    assert_eq!(people[0]["given_names"], "Carlos Alberto", "the rest stays");
    assert_eq!(people[0]["active"], true);
    let bad = sb.run(&["people", "edit", "1", "--nombres", " "]);
    assert!(
        bad.assert_fails().contains("faltan los nombres"),
        "{}",
        bad.stderr
    );

    sb.run(&["people", "deactivate", "1"]).assert_ok();
    let people = sb.run(&["people", "list", "--json"]).json();
    assert_eq!(people.as_array().unwrap().len(), 1, "never deleted");
    assert_eq!(people[0]["active"], false);
    let list = sb.run(&["people", "list"]);
    assert!(list.stdout.contains("(desactivada)"), "{}", list.stdout);
    sb.run(&["people", "activate", "1"]).assert_ok();
    assert_eq!(
        sb.run(&["people", "list", "--json"]).json()[0]["active"],
        true
    );
    let missing = sb.run(&["people", "deactivate", "9"]);
    assert!(
        missing
            .assert_fails()
            .contains("no hay una persona con id 9"),
        "{}",
        missing.stderr
    );
    sb.run(&["audit", "verify"]).assert_ok();
}

fn checklist_follows_the_store(sb: Sandbox) {
    let list = sb.run(&["checklist", "--json"]).json();
    assert_eq!(list["complete"], false);
    let done: Vec<bool> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["done"].as_bool().unwrap())
        .collect();
    assert_eq!(done, [false, false, false, false]);
    sb.run(&[
        "people",
        "add",
        "--nombres",
        "Ana",
        "--apellido-paterno",
        "Quispe",
    ])
    .assert_ok();
    let list = sb.run(&["checklist", "--json"]).json();
    assert_eq!(list["items"][1]["id"], "personas");
    assert_eq!(list["items"][1]["done"], true);
    let text = sb.run(&["checklist"]);
    text.assert_ok();
    assert!(text.stdout.contains("[x] Personas"), "{}", text.stdout);
    assert!(
        text.stdout.contains("[ ] Certificado raíz"),
        "{}",
        text.stdout
    );
}

on_both_engines!(
    search_finds_documents_by_system_and_people,
    duplicate_makes_a_draft_without_dates_or_numbers,
    annul_needs_a_reason_is_audited_and_closes_the_document,
    people_are_edited_and_deactivated_never_deleted,
    checklist_follows_the_store,
);
