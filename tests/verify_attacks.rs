//! Verification that cannot be fooled (docs/verification.md): an
//! adversarial corpus generated here from a correctly signed acta — one
//! generator per attack class (incremental saving, signature wrapping,
//! shadow «hide», «replace» and «hide-and-replace», the certification
//! attacks EAA and SSA, cross-reference tricks) — each file asserted NO
//! VÁLIDO by `actas verify` (exit 1) with a reason naming what changed, and
//! not accepted by pyHanko either; and the opposite: clean files signed by
//! Actas and by pyHanko (approvals, a certification followed by form
//! filling and approvals, a DSS added later) verify VÁLIDO, in pyHanko too.
//!
//! Every file is written to the sandbox so a failure can be inspected.

#[allow(dead_code)] // helpers shared with the other test crates
mod common;

use std::path::{Path, PathBuf};

use lopdf::{dictionary, Dictionary, Object, ObjectId, Stream, StringFormat};
use serde_json::Value as Json;

use common::forge::Forger;
use common::oracles::{pdftotext, pyhanko, pyhanko_accepts, qpdf_check};
use common::pki::{self, PASSWORD};
use common::{example, Sandbox};

const MEF: &str = "mef-anexo-11-1";
const PASSWORD_VAR: &str = "ACTAS_CLAVE_PRUEBA";

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// The Anexo 11.1 rendered and signed by `roles` in order (the first
/// signature certifies it, DocMDP P=2, as every acta by default).
fn signed_acta(sb: &Sandbox, roles: &[(&str, &str)]) -> PathBuf {
    let pki = pki::shared();
    let mut current = sb.path("acta-0.pdf");
    sb.run(&["render", MEF, "--data", s(&example(MEF)), "-o", s(&current)])
        .assert_ok();
    for (i, (role, who)) in roles.iter().enumerate() {
        let next = sb.path(&format!("acta-{}.pdf", i + 1));
        sb.run_env(
            &[
                "sign",
                s(&current),
                "-o",
                s(&next),
                "--role",
                role,
                "--p12",
                s(&pki.p12(who)),
                "--password-env",
                PASSWORD_VAR,
            ],
            &[(PASSWORD_VAR, PASSWORD)],
        )
        .assert_ok();
        current = next;
    }
    current
}

/// Two of the three roles: `firma.coord-computo` is still empty.
const TWO: [(&str, &str); 2] = [("coord-arquitectura", "maria"), ("coord-calidad", "carlos")];

/// `actas verify FILE --trust root --json`: exit code and report.
fn verify(sb: &Sandbox, file: &Path) -> (i32, Json, String) {
    let root = pki::shared().root_pem();
    let run = sb.run(&["verify", s(file), "--trust", s(&root), "--json"]);
    let code = run.code().unwrap_or(-1);
    let json = if run.stdout.trim().is_empty() {
        Json::Null
    } else {
        run.json()
    };
    (code, json, run.stderr)
}

/// Everything the report says, to look for a reason in.
fn all_text(report: &Json) -> String {
    serde_json::to_string(report).unwrap()
}

fn stream(content: &str) -> Object {
    Object::Stream(Stream::new(Dictionary::new(), content.as_bytes().to_vec()))
}

fn rect(r: [i64; 4]) -> Object {
    Object::Array(r.iter().map(|v| Object::Integer(*v)).collect())
}

/// A white box with black text over most of page 1: what a covering
/// appearance paints.
fn covering_appearance() -> Object {
    Object::Stream(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form",
            "BBox" => rect([0, 0, 500, 300]),
            "Resources" => dictionary! { "Font" => dictionary! {
                "FX" => dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" } } },
        },
        b"1 g 0 0 500 300 re f 0 g BT /FX 28 Tf 20 150 Td (APROBADO SIN OBSERVACIONES) Tj ET"
            .to_vec(),
    ))
}

/// The page's `/Annots` after adding `annot`: the updated array, written
/// where it lives (its own object, or inside the page).
fn with_annotation(f: &Forger, page: ObjectId, annot: ObjectId) -> Vec<(ObjectId, Object)> {
    let mut page_dict = f.dict(page);
    match page_dict.get(b"Annots").cloned() {
        Ok(Object::Reference(id)) => {
            let mut list = f.object(id).as_array().unwrap().clone();
            list.push(Object::Reference(annot));
            vec![(id, Object::Array(list))]
        }
        Ok(Object::Array(mut list)) => {
            list.push(Object::Reference(annot));
            page_dict.set("Annots", list);
            vec![(page, Object::Dictionary(page_dict))]
        }
        _ => {
            page_dict.set("Annots", vec![Object::Reference(annot)]);
            vec![(page, Object::Dictionary(page_dict))]
        }
    }
}

/// The AcroForm with `field` added to `/Fields`, written where it lives.
fn with_field(f: &Forger, field: ObjectId) -> Vec<(ObjectId, Object)> {
    let (id, mut form) = f.acroform();
    let mut fields = form.get(b"Fields").unwrap().as_array().unwrap().clone();
    fields.push(Object::Reference(field));
    form.set("Fields", fields);
    match id {
        Some(id) => vec![(id, Object::Dictionary(form))],
        None => {
            let mut catalog = f.dict(f.catalog_id());
            catalog.set("AcroForm", form);
            vec![(f.catalog_id(), Object::Dictionary(catalog))]
        }
    }
}

/// One file of the corpus: what it is, its bytes, and a phrase the
/// verification report must contain (the reason naming the change).
struct Attack {
    name: &'static str,
    bytes: Vec<u8>,
    expect: &'static str,
}

/// Files Actas refuses where pyHanko, more lenient, does not (see
/// docs/verification.md): `/NeedAppearances` turned on after signing makes
/// viewers redraw fields from `/V` instead of the signed appearance, and
/// bytes no cross-reference declares — in an update or after `%%EOF` — are
/// what a repairing reader would pick up.
const STRICTER_THAN_PYHANKO: [&str; 3] =
    ["needappearances", "bytes-no-declarados", "datos-tras-eof"];

/// Every attack class, each made from the correctly signed `base`.
fn attacks(base: &[u8], sb: &Sandbox, base_path: &Path) -> Vec<Attack> {
    let mut out = Vec::new();
    let mut attack = |name: &'static str, expect: &'static str, make: &dyn Fn(&mut Forger)| {
        let mut f = Forger::new(base);
        make(&mut f);
        out.push(Attack {
            name,
            bytes: f.bytes,
            expect,
        });
    };

    // Incremental saving: page 1's content replaced by an object that
    // claims to be a cross-reference stream (blank in every viewer).
    attack(
        "contenido-con-etiqueta-xref",
        "contenido de la página 1",
        &|f| {
            let content = f.page_content(1);
            let fake = Object::Stream(Stream::new(
                dictionary! { "Type" => "XRef", "W" => vec![1.into(), 1.into(), 1.into()], "Size" => 1 },
                b"".to_vec(),
            ));
            f.append(&[(content, fake)], &[], &[]);
        },
    );
    // The trailer's /Info pointed at page 1's content stream, which is rewritten.
    attack(
        "info-apunta-al-contenido",
        "contenido de la página 1",
        &|f| {
            let content = f.page_content(1);
            f.append(
                &[(content, stream("BT /F1 30 Tf 60 700 Td (ANULADO) Tj ET"))],
                &[],
                &[("Info", Object::Reference(content))],
            );
        },
    );
    // Signature wrapping: the empty coord-computo field gets /V (and the
    // look) of coord-arquitectura's signature.
    attack("firma-copiada", "firma de otra revisión", &|f| {
        let donor = f.dict(f.field("coord-arquitectura"));
        let target = f.field("coord-computo");
        let mut field = f.dict(target);
        field.set("V", donor.get(b"V").unwrap().clone());
        field.set("AP", donor.get(b"AP").unwrap().clone());
        f.append(&[(target, Object::Dictionary(field))], &[], &[]);
    });
    // A signed field's value swapped for another signature dictionary.
    attack("valor-de-firma-cambiado", "cambió su firma", &|f| {
        let field_id = f.field("coord-calidad");
        let mut field = f.dict(field_id);
        let other = f.dict(f.field("coord-arquitectura"));
        field.set("V", other.get(b"V").unwrap().clone());
        f.append(&[(field_id, Object::Dictionary(field))], &[], &[]);
    });
    // A new signature dictionary that copies a real one's /ByteRange and
    // /Contents (the CMS verifies: it is the real signature's).
    attack("byterange-compartido", "no firma la revisión", &|f| {
        let donor_field = f.dict(f.field("coord-calidad"));
        let donor = f.dict(donor_field.get(b"V").unwrap().as_reference().unwrap());
        let copy = f.new_id(1);
        let target = f.field("coord-computo");
        let mut field = f.dict(target);
        field.set("V", Object::Reference(copy));
        f.append(
            &[
                (copy, Object::Dictionary(donor)),
                (target, Object::Dictionary(field)),
            ],
            &[],
            &[],
        );
    });
    // The cross-reference entry of page 1's content points at the bytes of
    // another object (a blank page for readers that don't check headers).
    attack("xref-apunta-a-otro-objeto", "no el", &|f| {
        let content = f.page_content(1);
        let blank = f.new_id(1);
        let written = f.append(
            &[(content, stream("BT ET")), (blank, stream("q Q"))],
            &[],
            &[],
        );
        let (from, to) = (written.offsets[&content.0], written.offsets[&blank.0]);
        let table = f.bytes[written.xref..].to_vec();
        let text = String::from_utf8(table).unwrap().replacen(
            &format!("{from:010} 00000 n"),
            &format!("{to:010} 00000 n"),
            1,
        );
        f.bytes.truncate(written.xref);
        f.bytes.extend_from_slice(text.as_bytes());
    });
    // Hybrid-reference update: the table says nothing, the /XRefStm (read
    // only by PDF 1.5 readers) replaces page 1's content.
    attack("actualizacion-hibrida", "híbrida", &|f| {
        let content = f.page_content(1);
        let xref_stream = f.new_id(1);
        if !f.bytes.ends_with(b"\n") {
            f.bytes.push(b'\n');
        }
        let new_content = f.bytes.len();
        f.bytes.extend_from_slice(
            format!(
                "{} 0 obj\n<< /Length 3 >>\nstream\nq Q\nendstream\nendobj\n",
                content.0
            )
            .as_bytes(),
        );
        let stm = f.bytes.len();
        let mut row = vec![1u8];
        row.extend_from_slice(&(new_content as u32).to_be_bytes());
        row.extend_from_slice(&[0, 0]);
        f.bytes.extend_from_slice(
            format!(
                "{} 0 obj\n<< /Type /XRef /W [1 4 2] /Index [{} 1] /Size {} /Length {} >>\nstream\n",
                xref_stream.0,
                content.0,
                xref_stream.0 + 1,
                row.len()
            )
            .as_bytes(),
        );
        f.bytes.extend_from_slice(&row);
        f.bytes.extend_from_slice(b"\nendstream\nendobj\n");
        let xref = f.bytes.len();
        f.bytes.extend_from_slice(
            format!("xref\n{} 1\n{stm:010} 00000 n \n", xref_stream.0).as_bytes(),
        );
        f.trailer(xref, &[("XRefStm", Object::Integer(stm as i64))]);
    });
    // Shadow «hide»: an annotation whose appearance covers signed text (EAA
    // after the certification).
    attack("anotacion-que-cubre", "anotación", &|f| {
        let page = f.page(1);
        let annot = f.new_id(1);
        let look = f.new_id(2);
        let mut objects = vec![
            (
                annot,
                Object::Dictionary(dictionary! {
                    "Type" => "Annot", "Subtype" => "Square", "Rect" => rect([50, 400, 550, 700]),
                    "F" => 4, "P" => page, "AP" => dictionary! { "N" => look },
                }),
            ),
            (look, covering_appearance()),
        ];
        objects.extend(with_annotation(f, page, annot));
        f.append(&objects, &[], &[]);
    });
    // Shadow «hide-and-replace» with a form field: a new text field whose
    // widget paints over signed content.
    attack("campo-nuevo-que-cubre", "se agregó un campo", &|f| {
        let page = f.page(1);
        let field = f.new_id(1);
        let look = f.new_id(2);
        let mut objects = vec![
            (
                field,
                Object::Dictionary(dictionary! {
                    "FT" => "Tx", "T" => Object::string_literal("nota"), "Type" => "Annot",
                    "Subtype" => "Widget", "Rect" => rect([50, 400, 550, 700]), "F" => 4, "P" => page,
                    "V" => Object::string_literal("APROBADO"), "AP" => dictionary! { "N" => look },
                }),
            ),
            (look, covering_appearance()),
        ];
        objects.extend(with_field(f, field));
        objects.extend(with_annotation(f, page, field));
        f.append(&objects, &[], &[]);
    });
    // Shadow «replace»: the font page 1 uses, changed (other glyph widths).
    attack("fuente-reemplazada", "página 1", &|f| {
        let page = f.dict(f.page(1));
        let resources = match page.get(b"Resources").unwrap() {
            Object::Reference(id) => f.dict(*id),
            Object::Dictionary(d) => d.clone(),
            _ => panic!("resources"),
        };
        let fonts = match resources.get(b"Font").unwrap() {
            Object::Reference(id) => f.dict(*id),
            Object::Dictionary(d) => d.clone(),
            _ => panic!("fonts"),
        };
        let (_, font_ref) = fonts.iter().next().unwrap();
        let font_id = font_ref.as_reference().unwrap();
        let mut font = f.dict(font_id);
        font.set("BaseFont", Object::Name(b"Courier".to_vec()));
        f.append(&[(font_id, Object::Dictionary(font))], &[], &[]);
    });
    // Page 1 gets a second content stream painted over the first.
    attack("contenido-agregado", "página 1", &|f| {
        let page_id = f.page(1);
        let mut page = f.dict(page_id);
        let extra = f.new_id(1);
        let old = page.get(b"Contents").unwrap().clone();
        page.set("Contents", vec![old, Object::Reference(extra)]);
        f.append(
            &[
                (page_id, Object::Dictionary(page)),
                (extra, stream("1 g 50 400 500 300 re f")),
            ],
            &[],
            &[],
        );
    });
    // Page 1's content freed in the cross-reference table.
    attack("contenido-liberado", "contenido de la página 1", &|f| {
        let content = f.page_content(1);
        f.append(&[], &[content.0], &[]);
    });
    // JavaScript run on opening.
    attack("openaction-javascript", "/OpenAction", &|f| {
        let id = f.catalog_id();
        let mut catalog = f.dict(id);
        catalog.set(
            "OpenAction",
            dictionary! { "S" => "JavaScript", "JS" => Object::string_literal("app.alert('hola')") },
        );
        f.append(&[(id, Object::Dictionary(catalog))], &[], &[]);
    });
    // Optional content that hides part of the page in some viewers.
    attack("contenido-opcional", "/OCProperties", &|f| {
        let id = f.catalog_id();
        let mut catalog = f.dict(id);
        let group = f.new_id(1);
        catalog.set(
            "OCProperties",
            dictionary! { "OCGs" => vec![group.into()], "D" => dictionary! { "OFF" => vec![group.into()] } },
        );
        f.append(
            &[
                (id, Object::Dictionary(catalog)),
                (
                    group,
                    Object::Dictionary(
                        dictionary! { "Type" => "OCG", "Name" => Object::string_literal("capa") },
                    ),
                ),
            ],
            &[],
            &[],
        );
    });
    // The form asks viewers to regenerate every appearance.
    attack("needappearances", "/NeedAppearances", &|f| {
        let (id, mut form) = f.acroform();
        form.set("NeedAppearances", true);
        let objects = match id {
            Some(id) => vec![(id, Object::Dictionary(form))],
            None => {
                let mut catalog = f.dict(f.catalog_id());
                catalog.set("AcroForm", form);
                vec![(f.catalog_id(), Object::Dictionary(catalog))]
            }
        };
        f.append(&objects, &[], &[]);
    });
    // An empty signature field made to look signed (its appearance only).
    attack(
        "campo-vacio-con-apariencia",
        "campo «firma.coord-computo»",
        &|f| {
            let target = f.field("coord-computo");
            let look = f.new_id(1);
            let mut field = f.dict(target);
            field.set("AP", dictionary! { "N" => look });
            f.append(
                &[
                    (target, Object::Dictionary(field)),
                    (look, covering_appearance()),
                ],
                &[],
                &[],
            );
        },
    );
    // An object hidden in the update's bytes that no table declares.
    attack("bytes-no-declarados", "ninguna tabla", &|f| {
        let content = f.page_content(1);
        let hidden = format!(
            "\n{} 0 obj\n<< /Length 3 >>\nstream\nq Q\nendstream\nendobj\n",
            content.0
        );
        f.bytes.extend_from_slice(hidden.as_bytes());
        let catalog = f.catalog_id();
        let same = f.object(catalog);
        f.append(&[(catalog, same)], &[], &[]);
    });
    // Data after the last %%EOF.
    attack("datos-tras-eof", "después del último %%EOF", &|f| {
        f.bytes.extend_from_slice(b"1 0 obj (oculto) endobj\n");
    });

    // Sneaky signature (SSA): a new visible signature field, really signed
    // (by a trusted certificate), after the certification.
    let ssa = sb.path("ssa.pdf");
    pyhanko_sign(&[
        "new-field",
        s(base_path),
        s(&ssa),
        "--field",
        "sello",
        "--box",
        "1/50,400,550,700",
        "--p12",
        s(&pki::shared().p12("rosa")),
    ]);
    out.push(Attack {
        name: "firma-sigilosa-visible",
        bytes: std::fs::read(&ssa).unwrap(),
        expect: "campo de firma visible",
    });
    out
}

fn pyhanko_sign_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validators/pyhanko_sign.py")
}

/// Runs `tests/validators/pyhanko_sign.py ARGS` (the test PKI's password in the environment).
fn pyhanko_sign(args: &[&str]) {
    let out = std::process::Command::new("python3")
        .arg(pyhanko_sign_script())
        .args(args)
        .env("ACTAS_P12_PASSWORD", PASSWORD)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "pyhanko_sign.py {args:?}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A stored Anexo 11.1 signed by two roles; returns its number and its
/// latest revision written to a file.
fn stored_signed_acta(sb: &Sandbox) -> (String, PathBuf) {
    let pki = pki::shared();
    let number = sb.new_from_example(MEF);
    for (role, who) in TWO {
        sb.run_env(
            &[
                "sign",
                &number,
                "--role",
                role,
                "--p12",
                s(&pki.p12(who)),
                "--password-env",
                PASSWORD_VAR,
            ],
            &[(PASSWORD_VAR, PASSWORD)],
        )
        .assert_ok();
    }
    let path = sb.path("acta-firmada.pdf");
    sb.run(&["export", &number, "-o", s(&path)]).assert_ok();
    (number, path)
}

/// Every attack file is NO VÁLIDO for `actas verify` (exit 1, a reason
/// naming the change), for the window's Verificar (the same call the
/// desktop command makes), and cannot be archived by `actas bundle
/// export`; pyHanko does not accept it either (but for the three files
/// where Actas is stricter).
#[test]
fn every_attack_is_not_valid_and_pyhanko_agrees() {
    let sb = Sandbox::new();
    let pki = pki::shared();
    let (number, base_path) = stored_signed_acta(&sb);
    let base = std::fs::read(&base_path).unwrap();
    let (code, report, _) = verify(&sb, &base_path);
    assert_eq!(code, 0, "the base is valid: {report:#}");
    assert_eq!(report["verdict"], "VALIDO");
    // Valid, and pending: the copy is of a document in the register, which names who signs next.
    assert_eq!(report["completeness"]["complete"], false);
    assert_eq!(
        report["completeness"]["pending"][0]["role"],
        "coord-computo"
    );
    assert_eq!(
        report["completeness"]["pending"][0]["name"],
        "Víctor Raúl Chávez Paredes"
    );
    let table = sb.run(&["verify", s(&base_path), "--trust", s(&pki.root_pem())]);
    assert!(
        table.stdout.contains(
            "Estado del acta: pendiente; falta la firma de Coordinador Cómputo (Víctor Raúl Chávez Paredes)."
        ),
        "{}",
        table.stdout
    );
    assert!(pyhanko_accepts(&pyhanko(&base_path, pki).1));

    let window = actas::app::App::open(
        &sb.db,
        &sb.templates,
        actas::clock::Clock::parse(common::NOW).unwrap(),
    )
    .unwrap();
    window.import_trust_roots(&pki.root_pem()).unwrap();
    let bundle = sb.path("paquete.zip");

    let mut failures = Vec::new();
    for attack in attacks(&base, &sb, &base_path) {
        let path = sb.path(&format!("ataque-{}.pdf", attack.name));
        std::fs::write(&path, &attack.bytes).unwrap();
        let (code, report, stderr) = verify(&sb, &path);
        let text = all_text(&report);
        if code != 1 || report["verdict"] != "NO_VALIDO" || !text.contains(attack.expect) {
            failures.push(format!(
                "{}: exit {code}, verdict {}, expected «{}» in:\n{report:#}\n{stderr}",
                attack.name, report["verdict"], attack.expect
            ));
            continue;
        }
        assert!(
            stderr.starts_with("actas: ") && stderr.contains("NO VÁLIDO"),
            "{}: {stderr}",
            attack.name
        );

        // The window.
        let view = window
            .verify(&actas::app::VerifyRequest {
                reference: None,
                path: Some(path.display().to_string()),
            })
            .unwrap();
        if view.report.verdict != actas::verify::Verdict::NoValido
            || !view.verdict.starts_with("NO VÁLIDO")
        {
            failures.push(format!(
                "{}: the window says «{}»",
                attack.name, view.verdict
            ));
        }

        // The archive: the attack as the stored document's latest revision.
        actas::store::Store::open(&sb.db)
            .unwrap()
            .add_revision(
                &number,
                &attack.bytes,
                "firmado",
                "prueba de ataque",
                "prueba",
                chrono::DateTime::parse_from_rfc3339(common::NOW).unwrap(),
            )
            .unwrap();
        let export = sb.run_env(
            &[
                "bundle",
                "export",
                &number,
                "-o",
                s(&bundle),
                "--p12",
                s(&pki.p12("rosa")),
                "--password-env",
                PASSWORD_VAR,
                "--trust",
                s(&pki.root_pem()),
            ],
            &[(PASSWORD_VAR, PASSWORD)],
        );
        if export.status.success() || !export.stderr.contains("NO VÁLIDO") || bundle.exists() {
            failures.push(format!(
                "{}: bundle export did not refuse it: {}",
                attack.name, export.stderr
            ));
        }

        if STRICTER_THAN_PYHANKO.contains(&attack.name) {
            continue;
        }
        let (pyhanko_text, pyhanko_report) = pyhanko(&path, pki);
        if pyhanko_accepts(&pyhanko_report) {
            failures.push(format!(
                "{}: pyHanko accepts what Actas refuses:\n{pyhanko_text}",
                attack.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_prev_chain_that_loops_is_unusable_input() {
    let sb = Sandbox::new();
    let base = std::fs::read(signed_acta(&sb, &TWO)).unwrap();
    let mut f = Forger::new(&base);
    let catalog = f.catalog_id();
    let same = f.object(catalog);
    let written = f.append(&[(catalog, same)], &[], &[]);
    // rewrite the new section's trailer with a /Prev that points at itself
    let trailer_at = written.xref
        + f.bytes[written.xref..]
            .windows(7)
            .position(|w| w == b"trailer")
            .unwrap();
    f.bytes.truncate(trailer_at);
    f.trailer(
        written.xref,
        &[("Prev", Object::Integer(written.xref as i64))],
    );
    let path = sb.path("bucle.pdf");
    std::fs::write(&path, &f.bytes).unwrap();
    let (code, _, stderr) = verify(&sb, &path);
    assert_ne!(code, 0, "{stderr}");
    assert!(stderr.contains("no retrocede"), "{stderr}");
}

#[test]
fn info_changed_after_signing_never_reaches_the_report() {
    let sb = Sandbox::new();
    let base_path = signed_acta(&sb, &TWO);
    let (_, before, _) = verify(&sb, &base_path);
    let mut f = Forger::new(&std::fs::read(&base_path).unwrap());
    let info = f.new_id(1);
    f.append(
        &[(
            info,
            Object::Dictionary(dictionary! {
                "Title" => Object::String("Acta falsa".as_bytes().to_vec(), StringFormat::Literal),
                "ActasNumber" => Object::string_literal("2099-999"),
                "ActasTemplate" => Object::string_literal("senace-acta-aceptacion"),
            }),
        )],
        &[],
        &[("Info", Object::Reference(info))],
    );
    let path = sb.path("info-cambiado.pdf");
    std::fs::write(&path, &f.bytes).unwrap();
    let (code, report, stderr) = verify(&sb, &path);
    assert_eq!(
        code, 0,
        "Info may change (it is metadata): {report:#}\n{stderr}"
    );
    assert_eq!(report["template"], before["template"]);
    assert_eq!(report["number"], before["number"]);
    assert_eq!(report["template"], MEF);
    assert!(pyhanko_accepts(&pyhanko(&path, pki::shared()).1));
}

#[test]
fn documents_signed_by_actas_and_by_pyhanko_are_valid() {
    let sb = Sandbox::new();
    let pki = pki::shared();
    let root = pki.root_pem();

    // Actas: certified by the first role, approved by the other two.
    let acta = signed_acta(
        &sb,
        &[
            ("coord-arquitectura", "maria"),
            ("coord-calidad", "carlos"),
            ("coord-computo", "victor"),
        ],
    );
    let (code, report, stderr) = verify(&sb, &acta);
    assert_eq!(code, 0, "{report:#}\n{stderr}");
    assert_eq!(report["signatures"][0]["certification"], 2, "{report:#}");
    assert!(report["signatures"][1]["certification"].is_null());
    assert_eq!(report["completeness"]["complete"], true, "{report:#}");
    assert_eq!(report["signatures"][2]["role_title"], "Coordinador Cómputo");
    assert!(pyhanko_accepts(&pyhanko(&acta, pki).1));
    qpdf_check(&acta);

    // pyHanko approvals in the fields of an acta Actas rendered.
    let rendered = sb.path("acta-0.pdf");
    let one = sb.path("pyhanko-1.pdf");
    let two = sb.path("pyhanko-2.pdf");
    for (input, output, field, who) in [
        (&rendered, &one, "firma.coord-arquitectura", "maria"),
        (&one, &two, "firma.coord-calidad", "carlos"),
    ] {
        pyhanko_sign(&[
            "approve",
            s(input),
            s(output),
            "--field",
            field,
            "--p12",
            s(&pki.p12(who)),
        ]);
    }
    let (code, report, stderr) = verify(&sb, &two);
    assert_eq!(code, 0, "pyHanko approvals: {report:#}\n{stderr}");

    // A DSS added afterwards (validation data), by pyHanko.
    let with_dss = sb.path("pyhanko-dss.pdf");
    pyhanko_sign(&["dss", s(&two), s(&with_dss), "--trust", s(&root)]);
    let (code, report, stderr) = verify(&sb, &with_dss);
    assert_eq!(code, 0, "a later DSS: {report:#}\n{stderr}");
    assert!(pyhanko_accepts(&pyhanko(&with_dss, pki).1));

    // A form with a text field: certified P=2 by pyHanko, filled, approved.
    let form = sb.path("formulario.pdf");
    std::fs::write(&form, form_with_text_field()).unwrap();
    let certified = sb.path("form-1.pdf");
    let filled = sb.path("form-2.pdf");
    let approved = sb.path("form-3.pdf");
    pyhanko_sign(&[
        "certify",
        s(&form),
        s(&certified),
        "--field",
        "certificacion",
        "--p12",
        s(&pki.p12("maria")),
    ]);
    pyhanko_sign(&[
        "fill",
        s(&certified),
        s(&filled),
        "--field",
        "observaciones",
        "--value",
        "Conforme",
    ]);
    pyhanko_sign(&[
        "approve",
        s(&filled),
        s(&approved),
        "--field",
        "aprobacion",
        "--p12",
        s(&pki.p12("carlos")),
    ]);
    assert!(pdftotext(&approved).contains("Formulario de prueba"));
    let (_, pyhanko_report) = pyhanko(&approved, pki);
    assert!(pyhanko_accepts(&pyhanko_report), "{pyhanko_report:#}");
    let (code, report, stderr) = verify(&sb, &approved);
    assert_eq!(code, 0, "certified, filled, approved: {report:#}\n{stderr}");
    assert_eq!(report["signatures"][0]["certification"], 2);

    // The same filling without a certification is a modification.
    let plain = sb.path("plain-1.pdf");
    let plain_filled = sb.path("plain-2.pdf");
    pyhanko_sign(&[
        "approve",
        s(&form),
        s(&plain),
        "--field",
        "certificacion",
        "--p12",
        s(&pki.p12("maria")),
    ]);
    pyhanko_sign(&[
        "fill",
        s(&plain),
        s(&plain_filled),
        "--field",
        "observaciones",
        "--value",
        "Conforme",
    ]);
    let (code, report, _) = verify(&sb, &plain_filled);
    assert_eq!(
        code, 1,
        "filling after an approval without certification: {report:#}"
    );
    assert!(all_text(&report).contains("observaciones"), "{report:#}");
}

/// A one-page PDF with a text field «observaciones» and two empty
/// signature fields, «certificacion» and «aprobacion» (lopdf, no Actas code).
fn form_with_text_field() -> Vec<u8> {
    let mut doc = lopdf::Document::with_version("1.7");
    let pages = doc.new_object_id();
    let font = doc.add_object(
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" },
    );
    let content = doc.add_object(Stream::new(
        Dictionary::new(),
        b"BT /F1 18 Tf 72 760 Td (Formulario de prueba) Tj ET".to_vec(),
    ));
    let page = doc.new_object_id();
    let text_field = doc.add_object(dictionary! {
        "FT" => "Tx", "T" => Object::string_literal("observaciones"), "Type" => "Annot",
        "Subtype" => "Widget", "Rect" => rect([72, 700, 372, 720]), "F" => 4, "P" => page,
        "DA" => Object::string_literal("/Helv 10 Tf 0 g"),
    });
    let sig = |name: &str, y: i64| {
        dictionary! {
            "FT" => "Sig", "T" => Object::string_literal(name), "Type" => "Annot",
            "Subtype" => "Widget", "Rect" => rect([72, y, 272, y + 40]), "F" => 4, "P" => page,
        }
    };
    let certification = doc.add_object(sig("certificacion", 600));
    let approval = doc.add_object(sig("aprobacion", 500));
    doc.objects.insert(
        page,
        Object::Dictionary(dictionary! {
            "Type" => "Page", "Parent" => pages, "MediaBox" => rect([0, 0, 595, 842]),
            "Contents" => content,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
            "Annots" => vec![text_field.into(), certification.into(), approval.into()],
        }),
    );
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! {
        "Type" => "Catalog", "Pages" => pages,
        "AcroForm" => dictionary! {
            "Fields" => vec![text_field.into(), certification.into(), approval.into()],
            "DR" => dictionary! { "Font" => dictionary! { "Helv" => font } },
            "DA" => Object::string_literal("/Helv 10 Tf 0 g"),
        },
    });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}
