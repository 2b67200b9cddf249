//! Signatures end to end (issue 3, DESIGN §3–4): the real `actas` binary
//! signs real rendered forms with a test PKI generated here
//! (`common::pki`), and independent tools judge the result after every
//! signature: our own `actas verify`, poppler's `pdfsig`, pyHanko's
//! validator (`tests/validators/pyhanko_validate.py`, from PyPI) and
//! `qpdf --check`. A missing tool fails the test (`scripts/install-deps.sh
//! test` installs them); nothing is skipped.
//!
//! Every command runs at the fixed clock `common::NOW` (2026-03-15), inside
//! the validity of the PKI's good certificates (2024–2030).

#[allow(dead_code)] // helpers shared with the other test crates
mod common;

use std::path::{Path, PathBuf};

use common::forge::Forger;
use common::oracles::{pdfsig, pyhanko, qpdf_check, tool};
use common::pki::{self, Pki, PASSWORD};
use common::{render, s, Run, Sandbox, NOW};
use serde_json::Value as Json;

const MEF: &str = "mef-anexo-11-1";
const INSTALACION: &str = "senace-acta-instalacion";
/// The environment variable the tests pass the password in.
const PASSWORD_VAR: &str = "ACTAS_CLAVE_PRUEBA";

/// The Anexo 11.1's roles in signing order, and who signs each.
const MEF_SIGNERS: [(&str, &str); 3] = [
    ("coord-arquitectura", "maria"),
    ("coord-calidad", "carlos"),
    ("coord-computo", "victor"),
];
/// The acta de instalación's roles in signing order, and who signs each.
const INSTALACION_SIGNERS: [(&str, &str); 4] = [
    ("especialista-calidad", "eduardo"),
    ("coord-infraestructura", "rosa"),
    ("especialista-bd", "victor"),
    ("especialista-infraestructura", "carlos"),
];

fn name_of(file: &str) -> &'static str {
    pki::shared().identity(file).name
}

// ---------------------------------------------------------------- the CLI

/// `actas sign IN -o OUT --role ROLE --p12 P12 --password-env VAR` with the
/// good password in VAR.
fn sign(sb: &Sandbox, input: &Path, output: &Path, role: &str, p12: &Path) -> Run {
    sign_with_password(sb, input, output, role, p12, PASSWORD)
}

fn sign_with_password(
    sb: &Sandbox,
    input: &Path,
    output: &Path,
    role: &str,
    p12: &Path,
    password: &str,
) -> Run {
    sb.run_env(
        &[
            "sign",
            s(input),
            "-o",
            s(output),
            "--role",
            role,
            "--p12",
            s(p12),
            "--password-env",
            PASSWORD_VAR,
        ],
        &[(PASSWORD_VAR, password)],
    )
}

/// `actas verify TARGET --trust raiz.pem --json`: the report and whether it exited 0.
fn verify_json(sb: &Sandbox, pki: &Pki, target: &str) -> (bool, Json) {
    let run = sb.run(&["verify", target, "--trust", s(&pki.root_pem()), "--json"]);
    let ok = run.status.success();
    if !ok {
        let first = run.stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("actas: ") && run.stderr.lines().count() == 1,
            "a failed verify says one «actas: …» line on stderr: {:?}",
            run.stderr
        );
    }
    (ok, run.json())
}

/// The `signatures` array of a verify report.
fn signatures(report: &Json) -> &Vec<Json> {
    report["signatures"].as_array().expect("signatures array")
}

// ---------------------------------------------------------------- the other validators
// (`common::oracles`: pdfsig, pyHanko, qpdf)

/// After a signature: our verify, pdfsig and pyHanko all accept every
/// signature so far (`expected` = field and signer name, in order), and
/// qpdf finds the structure sound.
fn assert_all_validators_accept(sb: &Sandbox, pki: &Pki, file: &Path, expected: &[(String, &str)]) {
    let n = expected.len();

    // Ours.
    let (ok, report) = verify_json(sb, pki, s(file));
    let sigs = signatures(&report);
    assert!(ok, "actas verify refused {}: {report:#}", file.display());
    assert_eq!(report["ok"], true);
    assert_eq!(sigs.len(), n, "{report:#}");
    for (i, (sig, (field, signer))) in sigs.iter().zip(expected).enumerate() {
        assert_eq!(sig["field"], field.as_str(), "{report:#}");
        assert_eq!(sig["signer"], *signer, "{report:#}");
        for key in [
            "intact",
            "valid",
            "trusted",
            "cert_valid_at_signing",
            "pades_ok",
        ] {
            assert_eq!(sig[key], true, "{key} of {field}: {sig:#}");
        }
        assert_eq!(sig["modified_after"], false, "{field}: {sig:#}");
        assert_eq!(sig["sub_filter"], "ETSI.CAdES.detached");
        assert_eq!(sig["signing_time_rfc3339"], NOW);
        assert_eq!(sig["revision"], i + 2, "revision of {field}: {sig:#}");
        assert_eq!(sig["covers_whole_file"], i + 1 == n, "{field}: {sig:#}");
        assert!(
            sig["problems"].as_array().is_some_and(|p| p.is_empty()),
            "{sig:#}"
        );
    }
    assert_eq!(report["revisions"], n + 1);

    // poppler.
    let (text, entries) = pdfsig(file);
    assert_eq!(entries.len(), n, "pdfsig:\n{text}");
    for (i, (entry, (field, signer))) in entries.iter().zip(expected).enumerate() {
        assert_eq!(&entry.field, field, "pdfsig:\n{text}");
        assert_eq!(entry.common_name, *signer, "pdfsig:\n{text}");
        assert_eq!(entry.validation, "Signature is Valid.", "pdfsig:\n{text}");
        assert_eq!(entry.total_document, i + 1 == n, "pdfsig:\n{text}");
    }

    // pyHanko.
    let (text, report) = pyhanko(file, pki);
    let sigs = report["signatures"].as_array().expect("pyHanko signatures");
    assert_eq!(sigs.len(), n, "pyHanko:\n{text}");
    for (i, (sig, (field, signer))) in sigs.iter().zip(expected).enumerate() {
        assert_eq!(sig["field"], field.as_str(), "pyHanko:\n{text}");
        assert_eq!(sig["signer"], *signer, "pyHanko:\n{text}");
        for key in ["intact", "valid", "trusted", "docmdp_ok", "bottom_line"] {
            assert_eq!(sig[key], true, "pyHanko {key} of {field}:\n{text}");
        }
        let level = sig["modification_level"].as_str().unwrap_or("?");
        assert!(
            ["NONE", "LTA_UPDATES", "FORM_FILLING"].contains(&level),
            "pyHanko sees a disallowed modification after {field} ({level}):\n{text}"
        );
        let coverage = if i + 1 == n {
            "ENTIRE_FILE"
        } else {
            "ENTIRE_REVISION"
        };
        assert_eq!(sig["coverage"], coverage, "pyHanko:\n{text}");
        assert!(sig["suspicious"].is_null(), "pyHanko:\n{text}");
    }

    qpdf_check(file);
}

/// Renders `template` and signs every role in order through the CLI, each
/// with its own certificate, checking every validator after each signature
/// and that each new file begins with the previous one, byte for byte.
/// Returns the fully signed file.
fn sign_every_role_in_order(sb: &Sandbox, template: &str, signers: &[(&str, &str)]) -> PathBuf {
    let pki = pki::shared();
    let mut current = render(sb, template, "firmas-0.pdf");
    qpdf_check(&current);
    let (_, entries) = pdfsig(&current);
    assert!(entries.is_empty(), "a fresh render has no signatures");
    let mut expected: Vec<(String, &str)> = Vec::new();
    for (i, (role, file)) in signers.iter().enumerate() {
        let next = sb.path(&format!("firmas-{}.pdf", i + 1));
        let before = std::fs::read(&current).unwrap();
        let run = sign(sb, &current, &next, role, &pki.p12(file));
        run.assert_ok();
        assert!(
            run.stdout
                .contains(&format!("Firmado como {role} por {}", name_of(file))),
            "{}",
            run.stdout
        );
        if i + 1 == signers.len() {
            assert!(
                run.stdout
                    .contains("todas las firmas requeridas están completas"),
                "{}",
                run.stdout
            );
        } else {
            assert!(
                run.stdout
                    .contains(&format!("siguiente: {}", signers[i + 1].0)),
                "{}",
                run.stdout
            );
        }
        // The input is untouched and the output extends it.
        assert_eq!(std::fs::read(&current).unwrap(), before, "input modified");
        let after = std::fs::read(&next).unwrap();
        assert!(
            after.len() > before.len() && after.starts_with(&before),
            "signature {} rewrote earlier bytes (not an incremental update)",
            i + 1
        );
        expected.push((format!("firma.{role}"), name_of(file)));
        assert_all_validators_accept(sb, pki, &next, &expected);
        current = next;
    }
    current
}

// ---------------------------------------------------------------- 1. every role in order

#[test]
fn anexo_11_1_signed_by_its_three_roles_in_order_is_valid_for_every_validator() {
    let sb = Sandbox::new();
    sign_every_role_in_order(&sb, MEF, &MEF_SIGNERS);
}

#[test]
fn acta_de_instalacion_signed_by_its_four_roles_in_order_is_valid_for_every_validator() {
    let sb = Sandbox::new();
    let last = sign_every_role_in_order(&sb, INSTALACION, &INSTALACION_SIGNERS);
    // The validators' own words for the final 4-signer acta (for the record:
    // `cargo test --test signing -- --nocapture`).
    let (pdfsig_text, _) = pdfsig(&last);
    let (pyhanko_text, _) = pyhanko(&last, pki::shared());
    println!("== pdfsig {}\n{pdfsig_text}", last.display());
    println!("== pyHanko {}\n{pyhanko_text}", last.display());
}

// ---------------------------------------------------------------- 2. refusals

/// Asserts a refused `sign`: the contract's one-line Spanish error, nothing
/// written (no output, no temporary file), the input untouched.
fn assert_refused(
    sb: &Sandbox,
    run: &Run,
    input: &Path,
    input_bytes: &[u8],
    output: &Path,
) -> String {
    let line = run.assert_fails();
    assert_eq!(
        run.stderr.trim_end().lines().count(),
        1,
        "more than one line on stderr: {:?}",
        run.stderr
    );
    assert!(
        !output.exists(),
        "a refused signature wrote {}",
        output.display()
    );
    let leftovers: Vec<String> = sb
        .entries("")
        .into_iter()
        .filter(|n| n.ends_with(".tmp") || n.starts_with(".actas-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    assert_eq!(std::fs::read(input).unwrap(), input_bytes, "input modified");
    line
}

#[test]
fn out_of_order_and_repeated_roles_are_refused_naming_who_must_sign_first() {
    let sb = Sandbox::new();
    let pki = pki::shared();
    let blank = render(&sb, INSTALACION, "acta.pdf");
    let blank_bytes = std::fs::read(&blank).unwrap();
    let out = sb.path("salida.pdf");

    // Nobody signed: the second and the last roles must wait for the first.
    let run = sign(&sb, &blank, &out, "coord-infraestructura", &pki.p12("rosa"));
    let line = assert_refused(&sb, &run, &blank, &blank_bytes, &out);
    assert!(
        line.contains("coord-infraestructura")
            && line.contains("primero debe firmar")
            && line.contains("(especialista-calidad)"),
        "{line}"
    );
    let run = sign(
        &sb,
        &blank,
        &out,
        "especialista-infraestructura",
        &pki.p12("carlos"),
    );
    let line = assert_refused(&sb, &run, &blank, &blank_bytes, &out);
    assert!(line.contains("(especialista-bd)"), "{line}");

    // The first role signs; signing it again is refused, and so is skipping a turn.
    let first = sb.path("acta-1.pdf");
    sign(
        &sb,
        &blank,
        &first,
        "especialista-calidad",
        &pki.p12("eduardo"),
    )
    .assert_ok();
    let first_bytes = std::fs::read(&first).unwrap();
    let run = sign(
        &sb,
        &first,
        &out,
        "especialista-calidad",
        &pki.p12("eduardo"),
    );
    let line = assert_refused(&sb, &run, &first, &first_bytes, &out);
    assert!(line.contains("«especialista-calidad» ya firmó"), "{line}");
    // Even by someone else with a good certificate.
    let run = sign(&sb, &first, &out, "especialista-calidad", &pki.p12("rosa"));
    assert_refused(&sb, &run, &first, &first_bytes, &out);
    let run = sign(&sb, &first, &out, "especialista-bd", &pki.p12("victor"));
    let line = assert_refused(&sb, &run, &first, &first_bytes, &out);
    assert!(
        line.contains("especialista-bd") && line.contains("(coord-infraestructura)"),
        "{line}"
    );
    // A role the template doesn't have.
    let run = sign(&sb, &first, &out, "jefatura", &pki.p12("victor"));
    let line = assert_refused(&sb, &run, &first, &first_bytes, &out);
    assert!(line.contains("jefatura"), "{line}");

    // The Anexo 11.1 too: Cómputo cannot sign before Calidad.
    let mef = render(&sb, MEF, "anexo.pdf");
    let mef_bytes = std::fs::read(&mef).unwrap();
    let run = sign(&sb, &mef, &out, "coord-computo", &pki.p12("victor"));
    let line = assert_refused(&sb, &run, &mef, &mef_bytes, &out);
    assert!(line.contains("(coord-calidad)"), "{line}");
}

#[test]
fn each_bad_certificate_is_refused_with_one_spanish_line_and_nothing_written() {
    let sb = Sandbox::new();
    let pki = pki::shared();
    let input = render(&sb, INSTALACION, "acta.pdf");
    let input_bytes = std::fs::read(&input).unwrap();
    let out = sb.path("firmada.pdf");
    let garbage = sb.path("basura.p12");
    std::fs::write(
        &garbage,
        b"esto no es un PKCS#12\n\x00\x01\x02 ni nada parecido",
    )
    .unwrap();
    let missing = sb.path("no-existe.p12");
    let role = "especialista-calidad";

    // (certificate, password, what the message must say)
    let cases: Vec<(PathBuf, &str, Vec<&str>)> = vec![
        (
            pki.p12("eduardo"),
            "clave-equivocada",
            vec!["contraseña incorrecta", "eduardo.p12"],
        ),
        (
            pki.p12(pki::EXPIRED.file),
            PASSWORD,
            vec!["venció", pki::EXPIRED_UNTIL_DDMMYYYY, pki::EXPIRED.name],
        ),
        (
            pki.p12(pki::NOT_YET_VALID.file),
            PASSWORD,
            vec![
                "aún no es válido",
                pki::FUTURE_FROM_DDMMYYYY,
                pki::NOT_YET_VALID.name,
            ],
        ),
        (
            pki.p12(pki::WRONG_USAGE.file),
            PASSWORD,
            vec!["no permite firmar", pki::WRONG_USAGE.name],
        ),
        (
            garbage.clone(),
            PASSWORD,
            vec!["no es un archivo PKCS#12", "basura.p12"],
        ),
        (
            missing.clone(),
            PASSWORD,
            vec!["no existe", "no-existe.p12"],
        ),
    ];
    for (p12, password, needles) in &cases {
        let run = sign_with_password(&sb, &input, &out, role, p12, password);
        let line = assert_refused(&sb, &run, &input, &input_bytes, &out);
        for needle in needles {
            assert!(
                line.contains(needle),
                "{}: «{needle}» missing from: {line}",
                p12.display()
            );
        }
        assert!(
            !line.contains(PASSWORD) && !line.contains("clave-equivocada"),
            "the password leaked: {line}"
        );
        // The holder's name and the file's name; no DN, no folders.
        let folder = p12.parent().unwrap().display().to_string();
        assert!(
            !line.contains("CN=") && !line.contains(&folder),
            "a DN or a folder in: {line}"
        );
    }
    // A password variable that is not set.
    let run = sb.run(&[
        "sign",
        s(&input),
        "-o",
        s(&out),
        "--role",
        role,
        "--p12",
        s(&pki.p12("eduardo")),
        "--password-env",
        "ACTAS_VARIABLE_QUE_NO_EXISTE",
    ]);
    let line = assert_refused(&sb, &run, &input, &input_bytes, &out);
    assert!(line.contains("ACTAS_VARIABLE_QUE_NO_EXISTE"), "{line}");
}

#[test]
fn legacy_and_ecdsa_certificates_sign_valid_signatures() {
    let sb = Sandbox::new();
    let pki = pki::shared();
    let blank = render(&sb, INSTALACION, "acta.pdf");
    let legacy = sb.path("acta-legado.pdf");
    let run = sign(
        &sb,
        &blank,
        &legacy,
        "especialista-calidad",
        &pki.p12(pki::LEGACY.file),
    );
    run.assert_ok();
    let ecdsa = sb.path("acta-ecdsa.pdf");
    let run = sign(
        &sb,
        &legacy,
        &ecdsa,
        "coord-infraestructura",
        &pki.p12(pki::ECDSA.file),
    );
    run.assert_ok();
    assert!(run.stdout.contains(pki::ECDSA.name), "{}", run.stdout);
    let expected = [
        ("firma.especialista-calidad".to_string(), pki::LEGACY.name),
        ("firma.coord-infraestructura".to_string(), pki::ECDSA.name),
    ];
    assert_all_validators_accept(&sb, pki, &ecdsa, &expected);
    // And an RSA signature after the ECDSA one keeps both valid.
    let third = sb.path("acta-3.pdf");
    sign(&sb, &ecdsa, &third, "especialista-bd", &pki.p12("victor")).assert_ok();
    let (text, entries) = pdfsig(&third);
    assert_eq!(entries.len(), 3, "{text}");
    assert!(
        entries
            .iter()
            .all(|e| e.validation == "Signature is Valid."),
        "{text}"
    );
}

#[test]
fn impostor_with_a_real_signers_name_signs_but_is_not_trusted() {
    let sb = Sandbox::new();
    let pki = pki::shared();
    let blank = render(&sb, MEF, "anexo.pdf");
    let signed = sb.path("anexo-impostor.pdf");
    // The impostor's certificate is self-signed but otherwise well formed:
    // signing is the signer's business; trust is the verifier's.
    sign(
        &sb,
        &blank,
        &signed,
        "coord-arquitectura",
        &pki.p12(pki::IMPOSTOR_FILE),
    )
    .assert_ok();

    let (ok, report) = verify_json(&sb, pki, s(&signed));
    assert!(!ok, "verify --trust must fail for the impostor: {report:#}");
    assert_eq!(report["ok"], false);
    let sig = &signatures(&report)[0];
    assert_eq!(sig["signer"], pki::SIGNERS[0].name, "same name as María");
    assert_eq!(sig["intact"], true);
    assert_eq!(sig["valid"], true);
    assert_eq!(sig["trusted"], false, "{sig:#}");
    assert!(
        sig["problems"].as_array().is_some_and(|p| p
            .iter()
            .any(|l| l.as_str().unwrap_or("").contains("confiable"))),
        "{sig:#}"
    );
    // The human table says so too.
    let run = sb.run(&["verify", s(&signed), "--trust", s(&pki.root_pem())]);
    assert!(!run.status.success());
    // The table names the row by the role's printed title, not the field.
    let row = table_row(&run.stdout, "Coordinador de Arquitectura y Construcción");
    assert_eq!(row[5], "no", "Confiable column: {}", run.stdout);

    // Against the right root María's real certificate is trusted, and the
    // impostor's is not trusted by an unrelated root either.
    let real = sb.path("anexo-maria.pdf");
    sign(&sb, &blank, &real, "coord-arquitectura", &pki.p12("maria")).assert_ok();
    let (ok, _) = verify_json(&sb, pki, s(&real));
    assert!(ok);
    let run = sb.run(&[
        "verify",
        s(&real),
        "--trust",
        s(&pki.other_root_pem()),
        "--json",
    ]);
    assert!(!run.status.success(), "trusted by an unrelated root");
    assert_eq!(signatures(&run.json())[0]["trusted"], false);

    // pyHanko agrees: intact and valid, not trusted.
    let (text, report) = pyhanko(&signed, pki);
    let sig = &report["signatures"][0];
    assert_eq!(sig["intact"], true, "{text}");
    assert_eq!(sig["valid"], true, "{text}");
    assert_eq!(sig["trusted"], false, "{text}");
    assert_eq!(sig["bottom_line"], false, "{text}");
}

/// The cells of the verify table's row for `field`.
/// The printed title the human table names a field's row by (the acta de instalación's).
fn title_of(field: &str) -> &'static str {
    match field {
        "firma.especialista-calidad" => "Especialista en Calidad de Software - OTI",
        "firma.coord-infraestructura" => {
            "Coordinador de Infraestructura y Soporte de Tecnologías de Información - OTI"
        }
        other => panic!("no title for {other}"),
    }
}

fn table_row(table: &str, role: &str) -> Vec<String> {
    table
        .lines()
        .find(|l| l.split('|').next().is_some_and(|c| c.trim() == role))
        .unwrap_or_else(|| panic!("no row for {role} in:\n{table}"))
        .split('|')
        .map(|c| c.trim().to_string())
        .collect()
}

// ---------------------------------------------------------------- 3. tampering

/// The acta de instalación signed by its first two roles.
fn two_signature_acta(sb: &Sandbox) -> PathBuf {
    let pki = pki::shared();
    let blank = render(sb, INSTALACION, "acta.pdf");
    let one = sb.path("acta-1.pdf");
    sign(
        sb,
        &blank,
        &one,
        "especialista-calidad",
        &pki.p12("eduardo"),
    )
    .assert_ok();
    let two = sb.path("acta-2.pdf");
    sign(sb, &one, &two, "coord-infraestructura", &pki.p12("rosa")).assert_ok();
    two
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The `/ByteRange [a b c d]` values of every signature, in file order.
fn byte_ranges(bytes: &[u8]) -> Vec<[usize; 4]> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = find(bytes, b"/ByteRange", at) {
        let open = find(bytes, b"[", i).unwrap();
        let close = find(bytes, b"]", open).unwrap();
        let nums: Vec<usize> = std::str::from_utf8(&bytes[open + 1..close])
            .unwrap()
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect();
        out.push([nums[0], nums[1], nums[2], nums[3]]);
        at = close;
    }
    out
}

#[test]
fn one_changed_byte_inside_a_signed_range_fails_verify_naming_the_signature() {
    let sb = Sandbox::new();
    let pki = pki::shared();
    let signed = two_signature_acta(&sb);
    let bytes = std::fs::read(&signed).unwrap();
    let ranges = byte_ranges(&bytes);
    assert_eq!(ranges.len(), 2);
    let first_end = ranges[0][2] + ranges[0][3];

    // (a) A byte of the original document (the header's binary comment):
    // inside both signatures' ranges, so both break.
    let mut a = bytes.clone();
    assert!(10 < ranges[0][1]);
    a[10] ^= 0x01;
    let broken_a = sb.path("alterado-a.pdf");
    std::fs::write(&broken_a, &a).unwrap();

    // (b) A byte of the second signature's own revision (a digit of its
    // /M): only the second signature covers it.
    let date = find(&bytes, b"(D:2026", first_end).expect("the second signature's /M");
    let digit = date + "(D:".len() + 13; // the last digit of the seconds
    let in_second =
        digit < ranges[1][1] || (ranges[1][2]..ranges[1][2] + ranges[1][3]).contains(&digit);
    assert!(bytes[digit].is_ascii_digit() && digit >= first_end && in_second);
    let mut b = bytes.clone();
    b[digit] = if b[digit] == b'0' { b'1' } else { b'0' };
    let broken_b = sb.path("alterado-b.pdf");
    std::fs::write(&broken_b, &b).unwrap();

    for (file, broken) in [
        (
            &broken_a,
            &["firma.especialista-calidad", "firma.coord-infraestructura"][..],
        ),
        (&broken_b, &["firma.coord-infraestructura"][..]),
    ] {
        let (ok, report) = verify_json(&sb, pki, s(file));
        assert!(!ok, "verify accepted {}: {report:#}", file.display());
        assert_eq!(report["ok"], false);
        for sig in signatures(&report) {
            let field = sig["field"].as_str().unwrap();
            let expected_intact = !broken.contains(&field);
            assert_eq!(
                sig["intact"],
                expected_intact,
                "{}: {sig:#}",
                file.display()
            );
        }
        // The human output names the broken signature(s) in its table.
        let run = sb.run(&["verify", s(file), "--trust", s(&pki.root_pem())]);
        assert_eq!(run.code(), Some(1), "NO VÁLIDO exits 1");
        assert!(run.stderr.contains("NO VÁLIDO"), "{}", run.stderr);
        for field in ["firma.especialista-calidad", "firma.coord-infraestructura"] {
            let row = table_row(&run.stdout, title_of(field));
            let expected = if broken.contains(&field) { "no" } else { "sí" };
            assert_eq!(row[3], expected, "Íntegra of {field}:\n{}", run.stdout);
        }
        // pdfsig and pyHanko agree.
        let (text, entries) = pdfsig(file);
        assert_eq!(entries.len(), 2, "{text}");
        for entry in &entries {
            let is_valid = entry.validation == "Signature is Valid.";
            assert_eq!(is_valid, !broken.contains(&entry.field.as_str()), "{text}");
        }
        let (text, report) = pyhanko(file, pki);
        for sig in report["signatures"].as_array().unwrap() {
            let field = sig["field"].as_str().unwrap();
            assert_eq!(sig["intact"], !broken.contains(&field), "{text}");
        }
    }
}

#[test]
fn a_later_update_that_changes_page_content_is_flagged_as_a_modification() {
    let sb = Sandbox::new();
    let pki = pki::shared();
    let signed = two_signature_acta(&sb);
    let bytes = std::fs::read(&signed).unwrap();

    // Page 1 becomes one red box: no text at all (a hand-made update).
    let mut forger = Forger::new(&bytes);
    let content_id = forger.page_content(1);
    let red_box = lopdf::Stream::new(
        lopdf::Dictionary::new(),
        b"q 1 0 0 rg 72 600 300 100 re f Q".to_vec(),
    );
    forger.append(&[(content_id, lopdf::Object::Stream(red_box))], &[], &[]);
    let tampered = forger.bytes;
    assert!(tampered.starts_with(&bytes));
    let file = sb.path("acta-alterada.pdf");
    std::fs::write(&file, &tampered).unwrap();

    // The hand-made update is a well-formed PDF that really changes the page.
    qpdf_check(&file);
    let page_text = |f: &Path| tool("pdftotext", &["-f", "1", "-l", "1", s(f), "-"]).1;
    assert!(!page_text(&signed).trim().is_empty());
    assert!(
        page_text(&file).trim().is_empty(),
        "the update did not replace page 1's content"
    );

    let (ok, report) = verify_json(&sb, pki, s(&file));
    assert!(!ok, "verify accepted a changed page: {report:#}");
    let sigs = signatures(&report);
    assert_eq!(sigs.len(), 2);
    for sig in sigs {
        assert_eq!(sig["intact"], true, "{sig:#}");
        assert_eq!(sig["valid"], true, "{sig:#}");
        assert_eq!(sig["modified_after"], true, "{sig:#}");
        assert!(
            sig["modifications"]
                .as_array()
                .is_some_and(|m| !m.is_empty()),
            "{sig:#}"
        );
    }
    let run = sb.run(&["verify", s(&file), "--trust", s(&pki.root_pem())]);
    assert!(!run.status.success());
    for field in ["firma.especialista-calidad", "firma.coord-infraestructura"] {
        assert_eq!(
            table_row(&run.stdout, title_of(field))[6],
            "sí",
            "{}",
            run.stdout
        );
    }

    // pyHanko: intact, but the modification is not allowed.
    let (text, report) = pyhanko(&file, pki);
    for sig in report["signatures"].as_array().unwrap() {
        assert_eq!(sig["intact"], true, "{text}");
        assert_eq!(sig["bottom_line"], false, "{text}");
        assert_ne!(sig["docmdp_ok"], true, "{text}");
        let level = sig["modification_level"].as_str().unwrap_or("OTHER");
        assert!(
            !["NONE", "LTA_UPDATES", "FORM_FILLING"].contains(&level),
            "{text}"
        );
    }
}

// ---------------------------------------------------------------- 4. stored documents

#[test]
fn stored_documents_are_signed_as_new_revisions_listed_exported_and_verified() {
    let sb = Sandbox::new();
    let pki = pki::shared();
    let number = sb.new_from_example(MEF);
    assert_eq!(number, "2026-001");
    let original = sb.path("original.pdf");
    sb.run(&["export", &number, "-o", s(&original)]).assert_ok();
    let original = std::fs::read(&original).unwrap();

    let sign_stored = |role: &str, file: &str| {
        sb.run_env(
            &[
                "sign",
                &number,
                "--role",
                role,
                "--p12",
                s(&pki.p12(file)),
                "--password-env",
                PASSWORD_VAR,
                "--json",
            ],
            &[(PASSWORD_VAR, PASSWORD)],
        )
    };
    let run = sign_stored("coord-arquitectura", "maria");
    run.assert_ok();
    let outcome = run.json();
    assert_eq!(outcome["revision"], 2, "{outcome:#}");
    assert_eq!(outcome["signer"], name_of("maria"));
    assert_eq!(outcome["next"], serde_json::json!(["coord-calidad"]));
    assert_eq!(outcome["complete"], false);

    let listing = |sb: &Sandbox| {
        let run = sb.run(&["list", "--json"]);
        run.assert_ok();
        let list = run.json();
        let doc = list
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["number"] == number.as_str())
            .cloned()
            .expect("the document is listed");
        doc
    };
    let doc = listing(&sb);
    assert_eq!(doc["revisions"], 2, "{doc:#}");
    let sigs = doc["signatures"].as_array().unwrap();
    let by_role = |role: &str| {
        sigs.iter()
            .find(|s| s["role"] == role)
            .unwrap_or_else(|| panic!("{role} missing from {doc:#}"))
            .clone()
    };
    assert_eq!(by_role("coord-arquitectura")["signed"], true);
    assert_eq!(by_role("coord-arquitectura")["signer"], name_of("maria"));
    for role in ["coord-calidad", "coord-computo"] {
        assert_eq!(by_role(role)["signed"], false, "{doc:#}");
        assert!(by_role(role)["signer"].is_null(), "{doc:#}");
    }

    // Export: the signed PDF, an incremental update of the stored original.
    let exported = sb.path("exportado.pdf");
    sb.run(&["export", &number, "-o", s(&exported)]).assert_ok();
    let exported_bytes = std::fs::read(&exported).unwrap();
    assert!(exported_bytes.starts_with(&original) && exported_bytes.len() > original.len());
    let expected = [("firma.coord-arquitectura".to_string(), name_of("maria"))];
    assert_all_validators_accept(&sb, pki, &exported, &expected);

    // verify DOC works on the stored document.
    let (ok, report) = verify_json(&sb, pki, &number);
    assert!(ok, "{report:#}");
    assert_eq!(report["number"], number.as_str());
    assert_eq!(report["template"], MEF);
    assert_eq!(signatures(&report).len(), 1);
    assert_eq!(
        report["unsigned_fields"],
        serde_json::json!([
            "firma.coord-calidad",
            "firma.coord-computo",
            "firma.operador-turno"
        ])
    );

    // Out of turn on a stored document: refused, no new revision.
    let run = sign_stored("coord-computo", "victor");
    let line = run.assert_fails();
    assert!(line.contains("(coord-calidad)"), "{line}");
    assert_eq!(listing(&sb)["revisions"], 2);

    // The next two roles complete it.
    sign_stored("coord-calidad", "carlos").assert_ok();
    let run = sign_stored("coord-computo", "victor");
    run.assert_ok();
    assert_eq!(run.json()["revision"], 4);
    assert_eq!(run.json()["complete"], true);
    let doc = listing(&sb);
    assert!(
        doc["signatures"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["role"] != "operador-turno")
            .all(|s| s["signed"] == true),
        "{doc:#}"
    );
    // Complete: only the operador de turno's optional V°B° (000, line 65) may follow.
    assert_eq!(
        doc["next"],
        serde_json::json!(["operador-turno"]),
        "{doc:#}"
    );
    let (ok, report) = verify_json(&sb, pki, &number);
    assert!(ok, "{report:#}");
    assert_eq!(signatures(&report).len(), 3);
}

// ---------------------------------------------------------------- 5. the password

#[test]
fn the_password_never_appears_in_output_nor_in_the_database() {
    let sb = Sandbox::new();
    let pki = pki::shared();
    let wrong = "Contraseña-Equivocada-7731";
    let mut outputs = String::new();
    let mut record = |run: Run| {
        outputs.push_str(&run.stdout);
        outputs.push_str(&run.stderr);
        run
    };

    let number = sb.new_from_example(MEF);
    let stored = |role: &str, file: &str, password: &str, json: bool| {
        let mut args = vec![
            "sign".to_string(),
            number.clone(),
            "--role".into(),
            role.into(),
            "--p12".into(),
            s(&pki.p12(file)).into(),
            "--password-env".into(),
            PASSWORD_VAR.into(),
        ];
        if json {
            args.push("--json".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sb.run_env(&args, &[(PASSWORD_VAR, password)])
    };
    assert!(!record(stored("coord-arquitectura", "maria", wrong, false))
        .status
        .success());
    record(stored("coord-arquitectura", "maria", PASSWORD, false)).assert_ok();
    record(stored("coord-calidad", "carlos", PASSWORD, true)).assert_ok();
    assert!(
        !record(stored("coord-computo", pki::EXPIRED.file, PASSWORD, false))
            .status
            .success()
    );
    assert!(!record(stored("coord-calidad", "carlos", PASSWORD, false))
        .status
        .success());
    record(sb.run(&["list", "--json"])).assert_ok();
    record(sb.run(&["list"])).assert_ok();
    record(sb.run(&["verify", &number, "--trust", s(&pki.root_pem())])).assert_ok();
    let exported = sb.path("exportado.pdf");
    record(sb.run(&["export", &number, "-o", s(&exported)])).assert_ok();
    record(sb.run(&["audit", "verify", "--json"])).assert_ok();

    // Files too.
    let blank = render(&sb, MEF, "anexo.pdf");
    let signed = sb.path("anexo-firmado.pdf");
    record(sign(
        &sb,
        &blank,
        &signed,
        "coord-arquitectura",
        &pki.p12("maria"),
    ))
    .assert_ok();
    assert!(!record(sign_with_password(
        &sb,
        &signed,
        &sb.path("otra.pdf"),
        "coord-calidad",
        &pki.p12("carlos"),
        wrong
    ))
    .status
    .success());

    for secret in [PASSWORD, wrong] {
        assert!(
            !outputs.contains(secret),
            "the password «{secret}» was printed:\n{outputs}"
        );
    }
    assert!(outputs.contains("contraseña incorrecta"), "{outputs}");

    // Every file of the database (and its journal, if any), and the PDFs.
    let mut checked = 0;
    for entry in std::fs::read_dir(sb.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.starts_with("actas.db") || name.ends_with(".pdf")) {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for secret in [PASSWORD, wrong] {
            for encoded in [
                secret.as_bytes().to_vec(),
                secret
                    .encode_utf16()
                    .flat_map(|u| u.to_be_bytes())
                    .collect::<Vec<u8>>(),
                secret
                    .encode_utf16()
                    .flat_map(|u| u.to_le_bytes())
                    .collect::<Vec<u8>>(),
            ] {
                assert!(
                    find(&bytes, &encoded, 0).is_none(),
                    "the password «{secret}» is stored in {name}"
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 3, "the database and the PDFs were checked");
    assert!(std::fs::metadata(&sb.db).unwrap().len() > 0);
}

#[test]
fn verify_trusts_the_roots_configured_in_the_database() {
    let sb = Sandbox::new();
    let pki = pki::shared();
    let signed = two_signature_acta(&sb);
    let trusted = |report: &Json| -> Vec<Json> {
        signatures(report)
            .iter()
            .map(|s| s["trusted"].clone())
            .collect()
    };
    // No database yet and no --trust: trust is not checked, so the
    // signatures can be no more than INDETERMINADO (exit 3).
    let run = sb.run(&["verify", s(&signed), "--json"]);
    assert_eq!(run.code(), Some(3), "{}", run.stderr);
    assert!(run.stderr.contains("INDETERMINADO"), "{}", run.stderr);
    let report: Json = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["verdict"], "INDETERMINADO");
    assert_eq!(trusted(&report), [Json::Null, Json::Null]);

    // The root imported in Configuración (the window) counts for the CLI too.
    let app = actas::app::App::open(
        &sb.db,
        &sb.templates,
        actas::clock::Clock::parse(pki::NOW).unwrap(),
    )
    .unwrap();
    app.import_trust_roots(&pki.root_pem()).unwrap();
    drop(app);
    let run = sb.run(&["verify", s(&signed), "--json"]);
    run.assert_ok();
    let report: Json = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["verdict"], "VALIDO");
    assert_eq!(trusted(&report), [Json::Bool(true), Json::Bool(true)]);
}
