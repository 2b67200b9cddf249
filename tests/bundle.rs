//! Integration tests of the archive bundle (issue 6): the real `actas`
//! binary stores three documents and signs them (1, 3 and 4 signatures),
//! exports them into a sealed ASiC-E container, and verifies it; then the
//! container is tampered with in every way the issue lists — a changed
//! byte, a removed file, an added file, a manifest edited after sealing, a
//! seal by an untrusted certificate, a zip-slip entry — and each must be
//! detected with a message naming the file. `openssl cms -verify` and
//! `unzip -t` check the container independently.
//!
//! Tampered containers are rebuilt with the small ZIP writer below, which
//! shares no code with Actas's.

#[allow(dead_code)] // the helpers other test files use
mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use actas::bundle::zip::{read_entry, read_index, Limits};
use common::{pki, Run, Sandbox};
use serde_json::Value as Json;

const PLAN: &str = "senace-plan-pruebas";
const MEF: &str = "mef-anexo-11-1";
const INSTALACION: &str = "senace-acta-instalacion";

/// The files of a good bundle, in container order.
const PLAN_PDF: &str = "2026-001_senace-plan-pruebas.pdf";
const MEF_PDF: &str = "2026-002_mef-anexo-11-1.pdf";
const INSTALACION_PDF: &str = "2026-003_senace-acta-instalacion.pdf";
const ENTRIES: [&str; 9] = [
    "mimetype",
    PLAN_PDF,
    MEF_PDF,
    INSTALACION_PDF,
    "manifiesto.json",
    "manifiesto.csv",
    "reporte-verificacion.pdf",
    "META-INF/ASiCManifest.xml",
    "META-INF/signature.p7s",
];

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// One sandbox for the whole file: three signed documents and their bundle,
/// made once (signing through the CLI is the slow part).
struct Fixture {
    sb: Sandbox,
    pki: &'static pki::Pki,
    bundle: PathBuf,
    bytes: Vec<u8>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let sb = Sandbox::new();
        let pki = pki::shared();
        let plan = sb.new_from_example(PLAN);
        let mef = sb.new_from_example(MEF);
        let instalacion = sb.new_from_example(INSTALACION);
        assert_eq!(
            [&plan, &mef, &instalacion],
            ["2026-001", "2026-002", "2026-003"]
        );
        let sign = |doc: &str, role: &str, who: &str| {
            sign_stored(&sb, pki, doc, role, who).assert_ok();
        };
        sign(&plan, "especialista-calidad", "eduardo");
        sign(&mef, "coord-arquitectura", "maria");
        sign(&mef, "coord-calidad", "carlos");
        sign(&mef, "coord-computo", "victor");
        sign(&instalacion, "especialista-calidad", "eduardo");
        sign(&instalacion, "coord-infraestructura", "rosa");
        sign(&instalacion, "especialista-bd", "legado");
        sign(&instalacion, "especialista-infraestructura", "ecdsa");
        let bundle = sb.path("paquete.zip");
        export(
            &sb,
            pki,
            &[&plan, &mef, &instalacion],
            &bundle,
            "rosa",
            true,
        )
        .assert_ok();
        let bytes = std::fs::read(&bundle).expect("bundle written");
        Fixture {
            sb,
            pki,
            bundle,
            bytes,
        }
    })
}

fn sign_stored(sb: &Sandbox, pki: &pki::Pki, doc: &str, role: &str, who: &str) -> Run {
    let p12 = pki.p12(who);
    sb.run_env(
        &[
            "sign",
            doc,
            "--role",
            role,
            "--p12",
            s(&p12),
            "--password-env",
            "CLAVE",
        ],
        &[("CLAVE", pki::PASSWORD)],
    )
}

fn export(sb: &Sandbox, pki: &pki::Pki, docs: &[&str], out: &Path, who: &str, trust: bool) -> Run {
    let p12 = pki.p12(who);
    let root = pki.root_pem();
    let mut args: Vec<&str> = vec!["bundle", "export"];
    args.extend_from_slice(docs);
    args.extend(["-o", s(out), "--p12", s(&p12), "--password-env", "CLAVE"]);
    if trust {
        args.extend(["--trust", s(&root)]);
    }
    sb.run_env(&args, &[("CLAVE", pki::PASSWORD)])
}

/// `actas bundle verify <file> --trust raiz.pem`.
fn verify(sb: &Sandbox, file: &Path) -> Run {
    let root = fixture().pki.root_pem();
    sb.run(&["bundle", "verify", s(file), "--trust", s(&root)])
}

/// Asserts the verification failed with a first stderr line naming every
/// one of `names`, and returns that line.
fn assert_rejected(run: &Run, names: &[&str]) -> String {
    assert!(
        !run.status.success(),
        "verify should have failed:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    let first = run.stderr.lines().next().unwrap_or_default().to_string();
    assert!(first.starts_with("actas: "), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "one line: {}", run.stderr);
    for name in names {
        assert!(first.contains(name), "«{name}» not named in: {first}");
    }
    first
}

// ------------------------------------------------------------ ZIP helpers

/// The entries of a ZIP, read with Actas's reader (checked) in order.
fn entries_of(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let index = read_index(zip, &Limits::default()).expect("a readable ZIP");
    index
        .iter()
        .map(|e| (e.name.clone(), read_entry(zip, e).expect("entry reads")))
        .collect()
}

/// A minimal ZIP writer, independent of Actas's: stored or deflated
/// entries, no checks at all (so it can write what Actas must refuse).
fn raw_zip(files: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data, deflate) in files {
        let mut crc = flate2::Crc::new();
        crc.update(data);
        let body = if *deflate {
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        } else {
            data.to_vec()
        };
        let method: u16 = if *deflate { 8 } else { 0 };
        let offset = out.len() as u32;
        let fields = |v: &mut Vec<u8>| {
            v.extend_from_slice(&20u16.to_le_bytes()); // version needed
            v.extend_from_slice(&0u16.to_le_bytes()); // flags
            v.extend_from_slice(&method.to_le_bytes());
            v.extend_from_slice(&0u32.to_le_bytes()); // time, date
            v.extend_from_slice(&crc.sum().to_le_bytes());
            v.extend_from_slice(&(body.len() as u32).to_le_bytes());
            v.extend_from_slice(&(data.len() as u32).to_le_bytes());
            v.extend_from_slice(&(name.len() as u16).to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        fields(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&body);
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        fields(&mut central);
        central.extend_from_slice(&[0; 6]); // comment length, disk, internal attrs
        central.extend_from_slice(&0u32.to_le_bytes()); // external attrs
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    let cd_size = central.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// The good bundle's entries, changed by `edit`, re-zipped (mimetype stored
/// first, the rest deflated) into a file of the test's own sandbox.
fn tampered(name: &str, edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> (Sandbox, PathBuf) {
    let mut entries = entries_of(&fixture().bytes);
    edit(&mut entries);
    let files: Vec<(&str, &[u8], bool)> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice(), n != "mimetype"))
        .collect();
    let sb = Sandbox::new();
    let path = sb.path(name);
    std::fs::write(&path, raw_zip(&files)).unwrap();
    (sb, path)
}

fn entry_mut<'a>(entries: &'a mut [(String, Vec<u8>)], name: &str) -> &'a mut Vec<u8> {
    &mut entries
        .iter_mut()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no entry {name}"))
        .1
}

fn tool(program: &str, args: &[&str], dir: &Path) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is not installed ({e}); run scripts/install-deps.sh test")
        });
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

// ------------------------------------------------------------ export

#[test]
fn export_writes_an_asic_e_container_with_manifests_and_report() {
    let f = fixture();
    let zip = &f.bytes;
    let names: Vec<String> = entries_of(zip).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ENTRIES);
    // `mimetype` first, stored, no extra field: the media type at byte 38.
    assert_eq!(&zip[0..4], b"PK\x03\x04");
    assert_eq!(u16::from_le_bytes([zip[8], zip[9]]), 0, "stored");
    assert_eq!(u16::from_le_bytes([zip[28], zip[29]]), 0, "no extra field");
    assert_eq!(&zip[30..38], b"mimetype");
    assert_eq!(&zip[38..69], b"application/vnd.etsi.asic-e+zip");
    let entries = entries_of(zip);
    let get = |name: &str| &entries.iter().find(|(n, _)| n == name).unwrap().1;

    let manifest = String::from_utf8(get("META-INF/ASiCManifest.xml").clone()).unwrap();
    assert!(manifest.contains("xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\""));
    assert!(manifest.contains(
        "<asic:SigReference URI=\"META-INF/signature.p7s\" MimeType=\"application/x-pkcs7-signature\"/>"
    ));
    for name in &ENTRIES[1..7] {
        assert!(
            manifest.contains(&format!("<asic:DataObjectReference URI=\"{name}\"")),
            "{name} not in the manifest:\n{manifest}"
        );
        let digest = openssl::base64::encode_block(&openssl::sha::sha256(get(name)));
        assert!(
            manifest.contains(&format!("<ds:DigestValue>{digest}</ds:DigestValue>")),
            "{name}: digest"
        );
    }
    assert_eq!(
        manifest
            .matches("Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"")
            .count(),
        6
    );

    // manifiesto.json: number, form, title, SHA-256, each signature.
    let json: Json = serde_json::from_slice(get("manifiesto.json")).unwrap();
    let docs = json["documents"].as_array().unwrap();
    let expected = [
        (PLAN_PDF, PLAN, vec!["especialista-calidad"]),
        (
            MEF_PDF,
            MEF,
            vec!["coord-arquitectura", "coord-calidad", "coord-computo"],
        ),
        (
            INSTALACION_PDF,
            INSTALACION,
            vec![
                "especialista-calidad",
                "coord-infraestructura",
                "especialista-bd",
                "especialista-infraestructura",
            ],
        ),
    ];
    assert_eq!(docs.len(), 3);
    for (doc, (file, template, roles)) in docs.iter().zip(&expected) {
        assert_eq!(doc["file"], *file);
        assert_eq!(doc["template"], *template);
        assert_eq!(doc["status"], "firmado");
        assert!(!doc["title"].as_str().unwrap().is_empty());
        assert_eq!(
            doc["sha256"].as_str().unwrap(),
            actas::store::sha256_hex(get(file))
        );
        let sigs = doc["signatures"].as_array().unwrap();
        let got: Vec<&str> = sigs.iter().map(|s| s["role"].as_str().unwrap()).collect();
        assert_eq!(&got, roles);
        for sig in sigs {
            assert_eq!(sig["status"], "válida y confiable");
            assert_eq!(sig["time"], common::NOW);
            assert!(sig["signer"].as_str().is_some_and(|n| !n.is_empty()));
        }
    }
    assert_eq!(
        docs[1]["signatures"][0]["signer"],
        "María Fernanda Quispe Ñahui"
    );
    assert_eq!(json["sealed_by"]["name"], "Rosa Elena Quispe Huamán");
    assert_eq!(json["exported_at"], common::NOW);

    // manifiesto.csv: a header and one row per signature.
    let csv = String::from_utf8(get("manifiesto.csv").clone()).unwrap();
    let rows: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), 1 + 8, "{csv}");
    assert!(rows[0].starts_with("numero,serie,formulario,"));
    assert!(rows
        .iter()
        .any(|r| r.contains("Víctor Raúl Chávez Paredes")));

    // The report: a valid PDF, in Spanish, naming every document and signer.
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("reporte.pdf");
    std::fs::write(&report, get("reporte-verificacion.pdf")).unwrap();
    let (ok, check) = tool("qpdf", &["--check", s(&report)], dir.path());
    assert!(ok, "{check}");
    let (_, text) = tool("pdftotext", &["-raw", s(&report), "-"], dir.path());
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "REPORTE DE VERIFICACIÓN",
        "2026-001",
        "2026-002",
        "2026-003",
        json["bundle"].as_str().unwrap(),
        "Eduardo Salvatierra Pérez",
        "Gabriela Sofía Ríos Castillo",
        "válida y confiable",
        "las 8 firmas de los 3 documentos",
        &actas::store::sha256_hex(get(MEF_PDF)),
    ] {
        assert!(text.contains(needle), "report lacks «{needle}»:\n{text}");
    }
}

#[test]
fn good_bundle_verifies_with_and_without_trust_roots() {
    let f = fixture();
    // In a folder of its own, to see that verification writes nothing.
    let sb = Sandbox::new();
    let bundle = sb.path("copia.zip");
    std::fs::copy(&f.bundle, &bundle).unwrap();
    let before = sb.entries("");
    let run = verify(&sb, &bundle);
    run.assert_ok();
    assert!(run.stdout.contains("de confianza"), "{}", run.stdout);
    assert!(run
        .stdout
        .contains("Archivos: 6 íntegros, 0 alterados, 0 faltantes, 0 adicionales"));
    assert!(
        run.stdout.contains("el paquete es conforme"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert_eq!(sb.entries(""), before);

    let json = f.sb.run(&["bundle", "verify", s(&f.bundle), "--json"]);
    json.assert_ok();
    let report = json.json();
    assert_eq!(report["ok"], true);
    assert_eq!(report["seal"]["trusted"], Json::Null);
    let sigs: Vec<usize> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["signatures"].as_array().unwrap().len())
        .collect();
    assert_eq!(sigs, [1, 3, 4]);

    let plain = f.sb.run(&["bundle", "verify", s(&f.bundle)]);
    plain.assert_ok();
    assert!(
        plain.stdout.contains("confianza no comprobada"),
        "{}",
        plain.stdout
    );
}

#[test]
fn openssl_cms_accepts_the_seal_and_unzip_accepts_the_container() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let (ok, out) = tool("unzip", &["-t", s(&f.bundle)], dir.path());
    assert!(ok && out.contains("No errors detected"), "{out}");
    let (ok, out) = tool("unzip", &["-q", s(&f.bundle)], dir.path());
    assert!(ok, "{out}");
    let root = f.pki.root_pem();
    let args = [
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        "META-INF/signature.p7s",
        "-content",
        "META-INF/ASiCManifest.xml",
        "-CAfile",
        s(&root),
        "-purpose",
        "any",
        "-out",
        "/dev/null",
    ];
    let (ok, out) = tool("openssl", &args, dir.path());
    assert!(ok && out.contains("Verification successful"), "{out}");
    // … and refuses it over a changed manifest.
    let manifest = dir.path().join("META-INF/ASiCManifest.xml");
    let mut text = std::fs::read(&manifest).unwrap();
    text.extend_from_slice(b"<!-- -->");
    std::fs::write(&manifest, text).unwrap();
    let (ok, _) = tool("openssl", &args, dir.path());
    assert!(!ok, "openssl accepted an edited manifest");
}

#[test]
fn export_selects_by_form_status_and_dates() {
    let f = fixture();
    let root = f.pki.root_pem();
    let p12 = f.pki.p12("rosa");
    let run = |extra: &[&str], out: &str| {
        let out = f.sb.path(out);
        let mut args = vec![
            "bundle",
            "export",
            "-o",
            s(&out),
            "--p12",
            s(&p12),
            "--password-env",
            "CLAVE",
            "--trust",
            s(&root),
            "--json",
        ];
        args.extend_from_slice(extra);
        let run = f.sb.run_env(&args, &[("CLAVE", pki::PASSWORD)]);
        (run, out)
    };
    let (by_form, _) = run(&["--form", MEF], "por-formulario.zip");
    by_form.assert_ok();
    assert_eq!(by_form.json()["documents"], serde_json::json!(["2026-002"]));

    let (by_status, out) = run(
        &[
            "--status",
            "firmado",
            "--from",
            "2026-03-15",
            "--to",
            "2026-03-15",
        ],
        "por-estado.zip",
    );
    by_status.assert_ok();
    assert_eq!(
        by_status.json()["documents"],
        serde_json::json!(["2026-001", "2026-002", "2026-003"])
    );
    assert_eq!(by_status.json()["signatures"], 8);
    verify(&f.sb, &out).assert_ok();

    let (none, out) = run(&["--from", "2026-03-16"], "ninguno.zip");
    let line = none.assert_fails();
    assert!(
        line.contains("ningún documento cumple la selección"),
        "{line}"
    );
    assert!(!out.exists());

    let (excluded, _) = run(&["2026-001", "--form", MEF], "excluido.zip");
    let line = excluded.assert_fails();
    assert!(line.contains("2026-001 no cumple los filtros"), "{line}");

    let (bad_date, _) = run(&["--from", "15/03/2026"], "fecha.zip");
    assert!(bad_date.assert_fails().contains("fecha inválida en --from"));

    let (nothing, _) = run(&[], "nada.zip");
    assert!(nothing
        .assert_fails()
        .contains("indique qué documentos archivar"));
}

#[test]
fn export_refuses_unsigned_documents_unknown_ones_and_a_wrong_password_writing_nothing() {
    let sb = Sandbox::new();
    let pki = pki::shared();
    let doc = sb.new_from_example(PLAN);
    let out = sb.path("paquete.zip");

    let unsigned = export(&sb, pki, &[&doc], &out, "rosa", false);
    let line = unsigned.assert_fails();
    assert!(
        line.contains(&format!("el documento {doc} no tiene firmas")),
        "{line}"
    );

    let unknown = export(&sb, pki, &["2026-099"], &out, "rosa", false);
    assert!(unknown.assert_fails().contains("2026-099"));

    sign_stored(&sb, pki, &doc, "especialista-calidad", "eduardo").assert_ok();
    let p12 = pki.p12("rosa");
    let wrong = sb.run_env(
        &[
            "bundle",
            "export",
            &doc,
            "-o",
            s(&out),
            "--p12",
            s(&p12),
            "--password-env",
            "CLAVE",
        ],
        &[("CLAVE", "otra-clave")],
    );
    assert!(wrong.assert_fails().contains("contraseña incorrecta"));
    let expired = export(&sb, pki, &[&doc], &out, "vencido", false);
    assert!(expired.assert_fails().contains("venció"));
    assert!(!out.exists(), "a failed export left a file");
    let leftovers: Vec<String> = sb
        .entries("")
        .into_iter()
        .filter(|n| n.ends_with(".tmp") || n.starts_with(".actas-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Only VÁLIDO is archived: without a trust root the signature is
    // INDETERMINADO, and the export says so (docs/verification.md).
    let untrusted = export(&sb, pki, &[&doc], &out, "rosa", false);
    let line = untrusted.assert_fails();
    assert!(
        line.contains("INDETERMINADO") && line.contains("raíces de confianza"),
        "{line}"
    );
    assert!(!out.exists());

    // The same clock and input give the same bundle, replaced atomically.
    export(&sb, pki, &[&doc], &out, "rosa", true).assert_ok();
    let first = std::fs::read(&out).unwrap();
    export(&sb, pki, &[&doc], &out, "rosa", true).assert_ok();
    assert_eq!(std::fs::read(&out).unwrap(), first);
}

// ------------------------------------------------------------ tampering

#[test]
fn a_changed_byte_in_one_pdf_is_detected_naming_it() {
    // Re-zipped with a correct CRC: only the sealed digest catches it.
    let (sb, path) = tampered("byte.zip", |entries| {
        let pdf = entry_mut(entries, MEF_PDF);
        let at = pdf.len() / 2;
        pdf[at] ^= 0x01;
    });
    let line = assert_rejected(&verify(&sb, &path), &[MEF_PDF, "alterado"]);
    assert!(line.contains("no coincide con el sellado"), "{line}");

    // Flipped inside the ZIP itself: the CRC (or inflate) catches it.
    let f = fixture();
    let index = read_index(&f.bytes, &Limits::default()).unwrap();
    let entry = index.iter().find(|e| e.name == PLAN_PDF).unwrap();
    let mut bytes = f.bytes.clone();
    let at = (entry.data_offset + entry.compressed_size / 2) as usize;
    bytes[at] ^= 0x40;
    let path = sb.path("crc.zip");
    std::fs::write(&path, bytes).unwrap();
    assert_rejected(&verify(&sb, &path), &[PLAN_PDF]);
}

#[test]
fn a_removed_file_is_detected_naming_it() {
    let (sb, path) = tampered("falta.zip", |entries| {
        entries.retain(|(n, _)| n != INSTALACION_PDF);
    });
    let run = verify(&sb, &path);
    let line = assert_rejected(&run, &[INSTALACION_PDF]);
    assert!(line.contains("falta el archivo"), "{line}");
    assert!(
        run.stdout
            .contains(&format!("FALTA      {INSTALACION_PDF}")),
        "{}",
        run.stdout
    );

    let (sb, path) = tampered("sin-csv.zip", |entries| {
        entries.retain(|(n, _)| n != "manifiesto.csv");
    });
    assert_rejected(&verify(&sb, &path), &["manifiesto.csv"]);
}

#[test]
fn an_added_file_is_detected_naming_it() {
    let (sb, path) = tampered("sobra.zip", |entries| {
        let pdf = entries[1].1.clone();
        entries.insert(4, ("2026-009_intruso.pdf".into(), pdf));
    });
    let run = verify(&sb, &path);
    let line = assert_rejected(&run, &["2026-009_intruso.pdf"]);
    assert!(line.contains("no sellado"), "{line}");
    assert!(
        run.stdout.contains("ADICIONAL  2026-009_intruso.pdf"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_manifest_edited_after_sealing_is_detected() {
    // Swap a PDF and "fix" its digest in the manifest: the seal no longer matches.
    let (sb, path) = tampered("manifiesto.zip", |entries| {
        let plan = entry_mut(entries, PLAN_PDF);
        plan.extend_from_slice(b"\n% agregado\n");
        let digest = openssl::base64::encode_block(&openssl::sha::sha256(plan));
        let manifest = entry_mut(entries, "META-INF/ASiCManifest.xml");
        let text = String::from_utf8(manifest.clone()).unwrap();
        let start = text.find(&format!("URI=\"{PLAN_PDF}\"")).unwrap();
        let value = start + text[start..].find("<ds:DigestValue>").unwrap() + 16;
        let end = value + text[value..].find('<').unwrap();
        *manifest = format!("{}{digest}{}", &text[..value], &text[end..]).into_bytes();
    });
    let run = verify(&sb, &path);
    let line = assert_rejected(
        &run,
        &[
            "META-INF/ASiCManifest.xml",
            "modificado después de sellarlo",
        ],
    );
    assert!(line.contains("META-INF/signature.p7s"), "{line}");
}

#[test]
fn a_seal_by_an_untrusted_certificate_is_detected() {
    let f = fixture();
    let sb = Sandbox::new();
    // Same signed PDFs, sealed by the self-signed impostor with María's name.
    let out = sb.path("impostor.zip");
    export(
        &f.sb,
        f.pki,
        &["2026-001", "2026-002"],
        &out,
        pki::IMPOSTOR_FILE,
        true,
    )
    .assert_ok();
    let run = verify(&sb, &out);
    let line = assert_rejected(&run, &["META-INF/signature.p7s", "no es de confianza"]);
    assert!(line.contains("autofirmado"), "{line}");
    assert!(run.stdout.contains("NO es de confianza"), "{}", run.stdout);

    // Against the wrong root, the archivist's real seal is untrusted too.
    let other = f.pki.other_root_pem();
    let run = sb.run(&["bundle", "verify", s(&f.bundle), "--trust", s(&other)]);
    assert_rejected(&run, &["META-INF/signature.p7s"]);
}

#[test]
fn a_zip_slip_entry_is_refused_before_extracting_anything() {
    let (sb, path) = tampered("slip.zip", |entries| {
        let pdf = entries[1].1.clone();
        entries.push(("../evil.pdf".into(), pdf));
    });
    let before = sb.entries("");
    let run = verify(&sb, &path);
    let line = run.assert_fails();
    assert!(line.contains("«../evil.pdf»"), "{line}");
    assert!(line.contains("rechazado sin extraer nada"), "{line}");
    assert!(line.contains("ruta insegura"), "{line}");
    assert_eq!(sb.entries(""), before);
    assert!(!sb.dir.path().parent().unwrap().join("evil.pdf").exists());

    for (name, reason) in [
        ("/tmp/evil.pdf", "ruta absoluta"),
        ("META-INF/../../evil.pdf", ".."),
        ("C:/evil.pdf", "unidad"),
        ("a\\..\\evil.pdf", "\\"),
    ] {
        let (sb, path) = tampered("slip2.zip", |entries| {
            entries.push((name.into(), b"x".to_vec()));
        });
        let line = verify(&sb, &path).assert_fails();
        assert!(
            line.contains(name) && line.contains(reason),
            "{name}: {line}"
        );
    }
}

#[test]
fn duplicate_names_and_zip_bombs_are_refused_before_extracting() {
    let (sb, path) = tampered("doble.zip", |entries| {
        let again = entries[2].clone();
        entries.push(again);
    });
    let line = verify(&sb, &path).assert_fails();
    assert!(
        line.contains(&format!("«{MEF_PDF}» está repetida")),
        "{line}"
    );

    let (sb, path) = tampered("mayus.zip", |entries| {
        let again = entries[2].1.clone();
        entries.push((MEF_PDF.to_uppercase(), again));
    });
    assert!(verify(&sb, &path).assert_fails().contains("está repetida"));

    // 64 MiB of zeros deflate to about 64 KiB: ratio 1000:1.
    let zeros = vec![0u8; 64 << 20];
    let sb = Sandbox::new();
    let path = sb.path("bomba.zip");
    std::fs::write(
        &path,
        raw_zip(&[
            ("mimetype", b"application/vnd.etsi.asic-e+zip", false),
            ("bomba.pdf", &zeros, true),
        ]),
    )
    .unwrap();
    let line = verify(&sb, &path).assert_fails();
    assert!(
        line.contains("«bomba.pdf»") && line.contains("bomba ZIP"),
        "{line}"
    );

    let not_zip = sb.path("no-zip.zip");
    std::fs::write(&not_zip, b"%PDF-1.7 no soy un zip").unwrap();
    assert!(verify(&sb, &not_zip)
        .assert_fails()
        .contains("no es un contenedor ZIP legible"));
}

#[test]
fn layout_departures_are_reported() {
    // `mimetype` moved after the documents: still sealed, but not ASiC-E.
    let (sb, path) = tampered("orden.zip", |entries| {
        let mimetype = entries.remove(0);
        entries.push(mimetype);
    });
    assert_rejected(&verify(&sb, &path), &["mimetype", "primera entrada"]);

    let (sb, path) = tampered("sin-sello.zip", |entries| {
        entries.retain(|(n, _)| n != "META-INF/signature.p7s");
    });
    assert_rejected(&verify(&sb, &path), &["META-INF/signature.p7s"]);
}
