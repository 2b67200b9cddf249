//! The office's register shared by several workstations: two `actas`
//! processes with their own data folders on one database create documents,
//! sign them in turn, import each other's signed PDFs, and the archivist's
//! process exports a bundle of all of them that `bundle verify` accepts
//! (the done-when scenario of the shared register, README «Un registro para
//! toda la oficina»). Also: two processes signing different roles of one
//! document at the same moment both land (no lost signature); imports that
//! conflict with the register are refused naming the revision; the holder
//! of the certificate must be the person the document names.
//!
//! Each test runs on SQLite and on PostgreSQL (`on_both_engines!`).

#[allow(dead_code)] // helpers shared with the other test crates
mod common;

use std::path::Path;

use common::pki::{self, Pki};
use common::{example, finish, Run, Sandbox};

const MEF: &str = "mef-anexo-11-1";

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// A second workstation: its own folder, the same database.
fn workstation_beside(sb: &Sandbox) -> Sandbox {
    let mut other = Sandbox::new();
    other.db = sb.db.clone();
    other.templates = sb.templates.clone();
    other
}

fn sign_args<'a>(pki: &'a Pki, target: &'a str, role: &'a str, who: &str) -> Vec<String> {
    vec![
        "sign".into(),
        target.into(),
        "--role".into(),
        role.into(),
        "--p12".into(),
        s(&pki.p12(who)).into(),
        "--password-env".into(),
        "CLAVE".into(),
    ]
}

fn run_with_password(sb: &Sandbox, args: &[String]) -> Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sb.run_env(&args, &[("CLAVE", pki::PASSWORD)])
}

fn sign_stored(sb: &Sandbox, pki: &Pki, doc: &str, role: &str, who: &str) -> Run {
    run_with_password(sb, &sign_args(pki, doc, role, who))
}

fn sign_file(sb: &Sandbox, pki: &Pki, input: &Path, out: &Path, role: &str, who: &str) -> Run {
    let mut args = sign_args(pki, s(input), role, who);
    args.extend(["-o".into(), s(out).into()]);
    run_with_password(sb, &args)
}

fn import(sb: &Sandbox, file: &Path) -> Run {
    sb.run(&["import", s(file), "--json"])
}

fn listed(sb: &Sandbox, reference: &str) -> serde_json::Value {
    let list = sb.run(&["list", "--json"]).json();
    list.as_array()
        .unwrap()
        .iter()
        .find(|d| d["reference"] == reference)
        .cloned()
        .unwrap_or_else(|| panic!("{reference} not listed: {list:#}"))
}

fn two_workstations_sign_in_turn_import_each_other_and_the_archivist_bundles_all(a: Sandbox) {
    let pki = pki::shared();
    let b = workstation_beside(&a);
    let archivist = workstation_beside(&a);
    // Each workstation creates one document: one register, one correlative.
    let doc1 = a.new_from_example(MEF);
    let doc2 = b.new_from_example(MEF);
    assert_eq!([doc1.as_str(), doc2.as_str()], ["2026-001", "2026-002"]);

    // The first role signs each stored document where it was created.
    sign_stored(&a, pki, &doc1, "coord-arquitectura", "maria").assert_ok();
    sign_stored(&b, pki, &doc2, "coord-arquitectura", "maria").assert_ok();

    // Each exports its document; the other signs the PDF as a file and
    // imports the signed result: the next revision of the shared document.
    let (a1, b2) = (a.path("doc1.pdf"), b.path("doc2.pdf"));
    a.run(&["export", &doc1, "-o", s(&a1)]).assert_ok();
    b.run(&["export", &doc2, "-o", s(&b2)]).assert_ok();
    let a1_in_b = b.path("doc1.pdf");
    std::fs::copy(&a1, &a1_in_b).unwrap();
    let b2_in_a = a.path("doc2.pdf");
    std::fs::copy(&b2, &b2_in_a).unwrap();
    let (a1_signed, b2_signed) = (b.path("doc1-calidad.pdf"), a.path("doc2-calidad.pdf"));
    sign_file(&b, pki, &a1_in_b, &a1_signed, "coord-calidad", "carlos").assert_ok();
    sign_file(&a, pki, &b2_in_a, &b2_signed, "coord-calidad", "carlos").assert_ok();
    let imported = import(&b, &a1_signed);
    imported.assert_ok();
    let done = &imported.json()[0];
    assert_eq!(done["kind"], "revision", "{done:#}");
    assert_eq!(done["reference"], doc1.as_str());
    assert_eq!(done["revision"], 3);
    let sha = done["sha256"].as_str().unwrap().to_string();
    import(&a, &b2_signed).assert_ok();

    // Importing the same file again changes nothing.
    let again = import(&b, &a1_signed);
    again.assert_ok();
    assert_eq!(again.json()[0]["kind"], "already_stored");

    // The last role signs on the other workstation, on top of the import.
    sign_stored(&b, pki, &doc1, "coord-computo", "victor").assert_ok();
    sign_stored(&a, pki, &doc2, "coord-computo", "victor").assert_ok();
    for doc in [&doc1, &doc2] {
        let listing = listed(&archivist, doc);
        assert_eq!(listing["status"], "firmado", "{listing:#}");
        assert_eq!(listing["revisions"], 4, "{listing:#}");
    }

    // A PDF signed on an older revision conflicts with the register.
    let stale = a.path("doc1-calidad-tarde.pdf");
    sign_file(&a, pki, &a1, &stale, "coord-calidad", "carlos").assert_ok();
    let line = import(&a, &stale).assert_fails();
    assert!(
        line.contains("revisión 2") && line.contains("revisión 4"),
        "{line}"
    );
    // Its first bytes differ from every revision: refused naming revision 1.
    let mut forged = std::fs::read(&a1_signed).unwrap();
    let at = forged.len() / 3;
    forged[at] ^= 0x20;
    let forged_path = a.path("alterado.pdf");
    std::fs::write(&forged_path, &forged).unwrap();
    let line = import(&a, &forged_path).assert_fails();
    assert!(line.contains("alterado.pdf"), "{line}");
    // A PDF that is not Actas's is refused.
    let plain = a.path("otro.pdf");
    std::fs::write(&plain, b"%PDF-1.4\n%%EOF\n").unwrap();
    let line = import(&a, &plain).assert_fails();
    assert!(line.contains("otro.pdf"), "{line}");

    // The archivist bundles both, sealed; the bundle verifies.
    let bundle = archivist.path("archivo.zip");
    let root = pki.root_pem();
    let run = archivist.run_env(
        &[
            "bundle",
            "export",
            &doc1,
            &doc2,
            "-o",
            s(&bundle),
            "--p12",
            s(&pki.p12("rosa")),
            "--password-env",
            "CLAVE",
            "--trust",
            s(&root),
        ],
        &[("CLAVE", pki::PASSWORD)],
    );
    run.assert_ok();
    archivist
        .run(&["bundle", "verify", s(&bundle), "--trust", s(&root)])
        .assert_ok();

    // The import is audited with the file's SHA-256; the chain holds and
    // carries the archivist's checkpoint.
    let audit = archivist.run(&["audit", "verify", "--json"]);
    audit.assert_ok();
    let report = audit.json();
    assert!(
        report["problems"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
    assert!(
        !report["checkpoints"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
    let _ = sha;
}

/// A copy of the MEF template where Calidad and Cómputo both follow
/// Arquitectura: two roles that may sign at the same moment.
fn parallel_roles(sb: &mut Sandbox) {
    let dir = sb.path("plantillas");
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(common::templates_dir().join(format!("{MEF}.toml")))
        .unwrap()
        .replacen(
            "after = [\"coord-calidad\"]",
            "after = [\"coord-arquitectura\"]",
            1,
        );
    std::fs::write(dir.join(format!("{MEF}.toml")), text).unwrap();
    sb.templates = dir;
}

fn two_processes_signing_different_roles_at_once_lose_no_signature(mut sb: Sandbox) {
    let pki = pki::shared();
    parallel_roles(&mut sb);
    let other = workstation_beside(&sb);
    for round in 0..3 {
        let doc = sb.new_from_example(MEF);
        sign_stored(&sb, pki, &doc, "coord-arquitectura", "maria").assert_ok();
        let spawn = |ws: &Sandbox, role: &str, who: &str| {
            let args = sign_args(pki, &doc, role, who);
            let mut cmd = ws.actas();
            cmd.args(&args)
                .env("CLAVE", pki::PASSWORD)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            cmd.spawn().expect("start actas")
        };
        let first = spawn(&sb, "coord-calidad", "carlos");
        let second = spawn(&other, "coord-computo", "victor");
        finish(first).assert_ok();
        finish(second).assert_ok();
        let listing = listed(&sb, &doc);
        assert_eq!(listing["revisions"], 4, "round {round}: {listing:#}");
        assert_eq!(listing["status"], "firmado", "round {round}: {listing:#}");
        let out = sb.path(&format!("final-{round}.pdf"));
        sb.run(&["export", &doc, "-o", s(&out)]).assert_ok();
        let run = sb.run(&["verify", s(&out), "--trust", s(&pki.root_pem()), "--json"]);
        run.assert_ok();
        assert_eq!(run.json()["signatures"].as_array().unwrap().len(), 3);
    }
    // The same role twice: the second is refused naming who signed first.
    let doc = sb.new_from_example(MEF);
    sign_stored(&sb, pki, &doc, "coord-arquitectura", "maria").assert_ok();
    let line = sign_stored(&other, pki, &doc, "coord-arquitectura", "maria").assert_fails();
    assert!(
        line.contains("ya lo firmó María Fernanda Quispe Ñahui"),
        "{line}"
    );
}

fn the_holder_must_be_the_person_named_unless_signing_as_substitute(sb: Sandbox) {
    let pki = pki::shared();
    let doc = sb.new_from_example(MEF);
    // Carlos is not the person named for Arquitectura (María is).
    let run = sign_stored(&sb, pki, &doc, "coord-arquitectura", "carlos");
    assert_eq!(run.code(), Some(2), "{}", run.stderr);
    let line = run.assert_fails();
    assert!(
        line.contains("María Fernanda Quispe Ñahui") && line.contains("Carlos Alberto Mendoza"),
        "{line}"
    );
    assert_eq!(listed(&sb, &doc)["revisions"], 1);
    let mut args = sign_args(pki, &doc, "coord-arquitectura", "carlos");
    args.push("--firmar-como-suplente".into());
    run_with_password(&sb, &args).assert_ok();
    let audit = sb.run(&["audit", "verify"]);
    audit.assert_ok();
    let store = actas::store::Store::open(&sb.db).unwrap();
    assert_eq!(store.revisions(&doc).unwrap().len(), 2);
    drop(store);

    // The queue: María is registered with her role; Carlos's queue is empty
    // until Calidad's turn comes.
    sb.run(&[
        "people",
        "add",
        "--nombres",
        "Carlos Alberto",
        "--apellido-paterno",
        "Mendoza",
        "--apellido-materno",
        "Villanueva",
        "--dni",
        "40123456",
    ])
    .assert_ok();
    let pending = sb.run(&["pending", "--mine", "--persona", "40123456", "--json"]);
    pending.assert_ok();
    let mine = pending.json();
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine:#}");
    assert_eq!(mine[0]["document"]["reference"], doc.as_str());
    assert_eq!(mine[0]["waiting_for"][0]["role"], "coord-calidad");
    let all = sb.run(&["pending", "--json"]).json();
    assert_eq!(all.as_array().unwrap().len(), 1);
    let nobody = sb.run(&["pending", "--mine", "--persona", "99999999"]);
    assert_eq!(nobody.code(), Some(2), "{}", nobody.stderr);
}

fn an_unknown_actas_pdf_is_received_with_its_own_number(sb: Sandbox) {
    let pki = pki::shared();
    let pdf = sb.path("recibido.pdf");
    sb.run(&[
        "render",
        MEF,
        "--data",
        s(&example(MEF)),
        "-o",
        s(&pdf),
        "--numero",
        "2026-050",
    ])
    .assert_ok();
    let unsigned = import(&sb, &pdf);
    assert!(unsigned.assert_fails().contains("ninguna firma"));
    let signed = sb.path("recibido-firmado.pdf");
    sign_file(&sb, pki, &pdf, &signed, "coord-arquitectura", "maria").assert_ok();
    let run = import(&sb, &signed);
    run.assert_ok();
    let done = &run.json()[0];
    assert_eq!(done["kind"], "received", "{done:#}");
    assert_eq!(done["reference"], "recibido-general/2026-050");
    // The office's own numbering is untouched: its next number is 2026-001.
    assert_eq!(sb.new_from_example(MEF), "2026-001");
    sb.run(&["audit", "verify"]).assert_ok();
}

on_both_engines!(
    two_workstations_sign_in_turn_import_each_other_and_the_archivist_bundles_all,
    two_processes_signing_different_roles_at_once_lose_no_signature,
    the_holder_must_be_the_person_named_unless_signing_as_substitute,
    an_unknown_actas_pdf_is_received_with_its_own_number,
);

/// The register over TLS: with `sslmode=require` and the office's CA in
/// `PGSSLROOTCERT` the server's certificate is checked (host 127.0.0.1
/// included) and the register works; a CA that did not issue it is
/// refused before anything is stored. The test server
/// (`scripts/pg-test-cluster.sh`) has TLS on with its own CA.
#[test]
fn the_register_over_tls_checks_the_servers_certificate() {
    let Some(mut sb) = Sandbox::postgres("the_register_over_tls_checks_the_servers_certificate")
    else {
        return;
    };
    let ca = std::env::var("ACTAS_TEST_PGSSLROOTCERT")
        .expect("scripts/pg-test-cluster.sh exports ACTAS_TEST_PGSSLROOTCERT");
    let url = format!("{}?sslmode=require", sb.db.display());
    sb.db = url.clone().into();

    // Another CA (one of the test PKI's roots) did not issue the server's
    // certificate: refused, in Spanish, naming the server, nothing stored.
    let stranger = pki::shared().other_root_pem();
    let data = example(MEF);
    let refused = sb
        .run_env(
            &["new", MEF, "--data", s(&data)],
            &[("PGSSLROOTCERT", s(&stranger))],
        )
        .assert_fails();
    assert!(refused.contains("127.0.0.1"), "{refused}");
    assert!(refused.contains("certificado TLS"), "{refused}");
    assert!(
        !refused.contains("sslmode"),
        "the address shown is the server's: {refused}"
    );

    let trusted = [("PGSSLROOTCERT", ca.as_str())];
    let created = sb.run_env(&["new", MEF, "--data", s(&data)], &trusted);
    created.assert_ok();
    let reference = created.stdout.trim().to_string();
    let list = sb.run_env(&["list", "--json"], &trusted).json();
    let rows = list.as_array().unwrap();
    assert_eq!(
        rows.len(),
        1,
        "only the document created over TLS: {list:#}"
    );
    assert_eq!(rows[0]["reference"], reference.as_str());
}
