//! Signatures that last (PAdES B-T, B-LT, B-LTA, re-sealing) and keys on
//! tokens (PKCS#11), end to end with the real `actas` binary and real
//! services started here on loopback (`common::services`: `openssl ts
//! -reply` behind HTTP, `openssl ocsp -port`, CRLs from `openssl ca
//! -gencrl`) and a real SoftHSM2 token. The independent oracles: pyHanko
//! (`tests/validators/pyhanko_validate.py`, with `--ltv` its AdES
//! long-term validation, offline), poppler's `pdfsig` and `qpdf --check`.
//!
//! `actas verify` judges each file too: VÁLIDO with the proven signing
//! time, document time-stamps as rows, and the inputs that must fail it (a
//! broken signature time-stamp, a document time-stamp from a TSA the office
//! does not trust, a signer revoked before signing).

#[allow(dead_code)] // helpers shared with the other test crates
mod common;

use std::path::Path;

use common::oracles::{qpdf_check, tool};
use common::services::{Services, TSA_PASSWORD, TSA_USER};
use common::softhsm::{Entry, SoftToken};
use common::{render, s, Run, Sandbox};
use serde_json::Value as Json;

const PASSWORD_VAR: &str = "ACTAS_CLAVE_PRUEBA";
const INSTALACION: &str = "senace-acta-instalacion";
/// The acta de instalación's roles in signing order, and who signs each.
const INSTALACION_SIGNERS: [(&str, &str); 4] = [
    ("especialista-calidad", "eduardo"),
    ("coord-infraestructura", "rosa"),
    ("especialista-bd", "victor"),
    ("especialista-infraestructura", "carlos"),
];

/// `actas sign IN -o OUT --role ROLE --p12 <LTV pki>/<who>.p12 …extra`.
fn sign(
    sb: &Sandbox,
    services: &Services,
    input: &Path,
    out: &Path,
    role: &str,
    who: &str,
    extra: &[&str],
) -> Run {
    let p12 = services.pki.p12(who);
    let mut args = vec![
        "sign",
        s(input),
        "-o",
        s(out),
        "--role",
        role,
        "--p12",
        s(&p12),
        "--password-env",
        PASSWORD_VAR,
    ];
    args.extend_from_slice(extra);
    sb.run_env(&args, &[(PASSWORD_VAR, common::pki::PASSWORD)])
}

/// `actas verify FILE --trust ROOT --json`: the exit code and the report.
fn actas_verify(sb: &Sandbox, file: &Path, root: &Path) -> (Option<i32>, Json) {
    let run = sb.run(&["verify", s(file), "--trust", s(root), "--json"]);
    (run.code(), run.json())
}

/// `actas verify` says VÁLIDO: `signatures` people's signatures, each with
/// its proven (time-stamped) time when `stamped`, and `doc_stamps`
/// document time-stamps.
fn assert_actas_valid(
    sb: &Sandbox,
    file: &Path,
    root: &Path,
    signatures: usize,
    doc_stamps: usize,
    stamped: bool,
) {
    let (code, report) = actas_verify(sb, file, root);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["verdict"], "VALIDO", "{report:#}");
    let all = report["signatures"].as_array().unwrap();
    let (stamps, people): (Vec<&Json>, Vec<&Json>) =
        all.iter().partition(|s| s["timestamp"] == true);
    assert_eq!(people.len(), signatures, "{report:#}");
    assert_eq!(stamps.len(), doc_stamps, "{report:#}");
    for sig in &people {
        assert_eq!(sig["proven_time"].is_string(), stamped, "{sig:#}");
    }
    for stamp in &stamps {
        assert_eq!(stamp["sub_filter"], "ETSI.RFC3161", "{stamp:#}");
        assert_eq!(stamp["trusted"], true, "{stamp:#}");
        assert!(stamp["proven_time"].is_string(), "{stamp:#}");
    }
}

/// pyHanko on FILE trusting `roots`; `extra` e.g. `--ltv`, `--moment …`.
fn pyhanko(file: &Path, roots: &[&Path], extra: &[&str]) -> Json {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validators/pyhanko_validate.py");
    let mut args = vec![s(&script).to_string(), s(file).to_string()];
    for root in roots {
        args.push("--trust".into());
        args.push(s(root).into());
    }
    args.extend(extra.iter().map(|a| a.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ok, stdout, stderr) = tool("python3", &refs);
    assert!(ok, "pyHanko validator failed:\n{stderr}");
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("pyHanko output is not JSON ({e}): {stdout}"))
}

/// pdfsig: every CAdES signature "Signature is Valid."; returns the text.
fn pdfsig_valid(file: &Path, expected: usize) -> String {
    let (_, stdout, stderr) = tool("pdfsig", &[s(file)]);
    let text = format!("{stdout}{stderr}");
    let valid = text
        .matches("Signature Validation: Signature is Valid.")
        .count();
    assert!(
        valid >= expected,
        "pdfsig found {valid} valid signatures, expected {expected}:\n{text}"
    );
    text
}

/// The CAdES signatures and the document time-stamps pyHanko found.
fn split(report: &Json) -> (Vec<&Json>, Vec<&Json>) {
    let all = report["signatures"].as_array().expect("signatures");
    all.iter().partition(|e| e["doc_timestamp"] != true)
}

fn assert_pyhanko_accepts(
    report: &Json,
    signatures: usize,
    doc_timestamps: usize,
    timestamped: bool,
) {
    let (sigs, docts) = split(report);
    assert_eq!(sigs.len(), signatures, "{report:#}");
    assert_eq!(docts.len(), doc_timestamps, "{report:#}");
    for sig in &sigs {
        for key in ["intact", "valid", "trusted", "bottom_line"] {
            assert_eq!(sig[key], true, "{key}: {sig:#}");
        }
        if timestamped {
            assert_eq!(
                sig["timestamp_trusted"], true,
                "signature time-stamp: {sig:#}"
            );
        }
    }
    for ts in &docts {
        assert_eq!(ts["intact"], true, "{ts:#}");
        assert_eq!(ts["valid"], true, "{ts:#}");
    }
}

fn assert_ltv_ok(report: &Json) {
    let (sigs, _) = split(report);
    for sig in sigs {
        assert_eq!(sig["ltv"]["ok"], true, "pyHanko LTV validation: {sig:#}");
    }
}

#[test]
fn every_level_validates_in_pyhanko_pdfsig_and_qpdf() {
    let services = Services::start();
    let sb = Sandbox::new();
    let root = services.root_pem();
    let input = render(&sb, INSTALACION, "acta.pdf");
    let (role, who) = INSTALACION_SIGNERS[0];
    let tsa = services.tsa_url();

    for level in ["B-T", "B-LT", "B-LTA"] {
        let out = sb.path(&format!("acta-{level}.pdf"));
        let run = sign(
            &sb,
            &services,
            &input,
            &out,
            role,
            who,
            &["--level", level, "--tsa", &tsa, "--json"],
        );
        run.assert_ok();
        let outcome = run.json();
        assert_eq!(outcome["level"], level);
        // The stamp and /M carry the TSA's time, in the office's zone
        // (ACTAS_NOW's): /M is the TSA's answer to a probe asked just
        // before signing, so it may be a second or two before the token's.
        let stamped = outcome["timestamp"].as_str().expect("TSA time");
        let at = chrono::NaiveDateTime::parse_from_str(stamped, "%d/%m/%Y %H:%M:%S UTC").unwrap();
        let bytes = std::fs::read(&out).unwrap();
        let found = (0..=5).any(|early| {
            let local = (at - chrono::Duration::seconds(early))
                .and_utc()
                .with_timezone(&chrono::FixedOffset::west_opt(5 * 3600).unwrap());
            let m = format!("/M (D:{}-05'00')", local.format("%Y%m%d%H%M%S"));
            bytes.windows(m.len()).any(|w| w == m.as_bytes())
        });
        assert!(found, "{level}: /M is not the TSA's time ({stamped})");
        assert_eq!(
            bytes.windows(4).any(|w| w == b"/DSS"),
            level != "B-T",
            "{level}"
        );
        assert_eq!(
            bytes.windows(13).any(|w| w == b"/DocTimeStamp"),
            level == "B-LTA",
            "{level}"
        );

        qpdf_check(&out);
        pdfsig_valid(&out, 1);
        assert_actas_valid(&sb, &out, &root, 1, usize::from(level == "B-LTA"), true);
        let report = pyhanko(&out, &[&root], &[]);
        assert_pyhanko_accepts(&report, 1, usize::from(level == "B-LTA"), true);
        let report = pyhanko(&out, &[&root], &["--ltv"]);
        if level == "B-T" {
            // Without a DSS there is nothing to validate offline with: the oracle says no.
            let (sigs, _) = split(&report);
            assert_eq!(sigs[0]["ltv"]["ok"], false, "{report:#}");
        } else {
            assert_ltv_ok(&report);
        }
        if level == "B-LTA" {
            // Nine years on, the signer's certificate (until 2030) has
            // expired; the archive time-stamp and the DSS still prove it.
            let report = pyhanko(
                &out,
                &[&root],
                &["--ltv", "--moment", "2035-06-01T12:00:00+00:00"],
            );
            assert_ltv_ok(&report);
        }
    }

    // Four signatures in turn, each B-LTA: every one stays valid.
    let mut current = input.clone();
    for (i, (role, who)) in INSTALACION_SIGNERS.iter().enumerate() {
        let out = sb.path(&format!("acta-{i}.pdf"));
        sign(
            &sb,
            &services,
            &current,
            &out,
            role,
            who,
            &["--level", "B-LTA", "--tsa", &tsa],
        )
        .assert_ok();
        current = out;
    }
    qpdf_check(&current);
    pdfsig_valid(&current, 4);
    assert_actas_valid(&sb, &current, &root, 4, 4, true);
    // A byte changed inside the last document time-stamp's range: NO VÁLIDO.
    let mut bytes = std::fs::read(&current).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    let broken = sb.path("alterado.pdf");
    std::fs::write(&broken, &bytes).unwrap();
    let (code, report) = actas_verify(&sb, &broken, &root);
    assert_eq!(code, Some(1), "{report:#}");
    let report = pyhanko(&current, &[&root], &["--ltv"]);
    assert_pyhanko_accepts(&report, 4, 4, true);
    assert_ltv_ok(&report);
}

#[test]
fn ltv_reseals_stored_documents_and_files() {
    let services = Services::start();
    let sb = Sandbox::new();
    let root = services.root_pem();
    let tsa = services.tsa_url();
    let doc = sb.new_from_example(INSTALACION);
    for (role, who) in &INSTALACION_SIGNERS[..2] {
        let p12 = services.pki.p12(who);
        sb.run_env(
            &[
                "sign",
                &doc,
                "--role",
                role,
                "--p12",
                s(&p12),
                "--password-env",
                PASSWORD_VAR,
                "--level",
                "B-T",
                "--tsa",
                &tsa,
            ],
            &[(PASSWORD_VAR, common::pki::PASSWORD)],
        )
        .assert_ok();
    }
    // The archivist re-seals twice (e.g. years apart).
    for _ in 0..2 {
        let run = sb.run(&["ltv", &doc, "--tsa", &tsa, "--json"]);
        run.assert_ok();
        let outcome = run.json();
        assert!(outcome["signatures"].as_u64().unwrap() >= 2, "{outcome:#}");
        assert!(outcome["timestamp"].is_string(), "{outcome:#}");
        assert!(outcome["revoked"].as_array().unwrap().is_empty());
    }
    let out = sb.path("resellado.pdf");
    sb.run(&["export", &doc, "-o", s(&out)]).assert_ok();
    qpdf_check(&out);
    pdfsig_valid(&out, 2);
    let report = pyhanko(&out, &[&root], &["--ltv"]);
    assert_pyhanko_accepts(&report, 2, 2, true);
    assert_ltv_ok(&report);
    let list = sb.run(&["list", "--json"]).json();
    assert_eq!(list[0]["revisions"], 5, "{list:#}");

    // A file is re-sealed in place (only appended to) or into -o.
    let copy = sb.path("copia.pdf");
    std::fs::copy(&out, &copy).unwrap();
    let before = std::fs::read(&copy).unwrap();
    let run = sb.run(&["ltv", s(&copy), "--tsa", &tsa]);
    run.assert_ok();
    assert!(
        run.stdout.contains("sello de tiempo de documento"),
        "{}",
        run.stdout
    );
    let after = std::fs::read(&copy).unwrap();
    assert!(after.len() > before.len() && after.starts_with(&before));
    let report = pyhanko(&copy, &[&root], &["--ltv"]);
    assert_pyhanko_accepts(&report, 2, 3, true);

    // Nothing signed: nothing to preserve.
    let blank = render(&sb, INSTALACION, "blanco.pdf");
    let err = sb.run(&["ltv", s(&blank), "--tsa", &tsa]).assert_fails();
    assert!(err.contains("no tiene firmas"), "{err}");
}

#[test]
fn bundle_export_reseals_every_document_before_sealing() {
    let services = Services::start();
    let sb = Sandbox::new();
    let tsa = services.tsa_url();
    let doc = sb.new_from_example(INSTALACION);
    let (role, who) = INSTALACION_SIGNERS[0];
    let p12 = services.pki.p12(who);
    let env = [(PASSWORD_VAR, common::pki::PASSWORD)];
    sb.run_env(
        &[
            "sign",
            &doc,
            "--role",
            role,
            "--p12",
            s(&p12),
            "--password-env",
            PASSWORD_VAR,
            "--level",
            "B-T",
            "--tsa",
            &tsa,
        ],
        &env,
    )
    .assert_ok();
    let bundle = sb.path("archivo.zip");
    let seal = services.pki.p12("rosa");
    // Only a VÁLIDO document is archived: the roots the signatures chain to.
    let root = services.root_pem();
    sb.run_env(
        &[
            "bundle",
            "export",
            &doc,
            "-o",
            s(&bundle),
            "--p12",
            s(&seal),
            "--password-env",
            PASSWORD_VAR,
            "--ltv",
            "--tsa",
            &tsa,
            "--trust",
            s(&root),
        ],
        &env,
    )
    .assert_ok();
    // The archive re-verifies with its re-sealed documents.
    sb.run(&["bundle", "verify", s(&bundle), "--trust", s(&root)])
        .assert_ok();
    let dir = sb.path("desempacado");
    let (ok, _, err) = tool("unzip", &["-q", s(&bundle), "-d", s(&dir)]);
    assert!(ok, "{err}");
    let pdf = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "pdf") && !s(p).contains("reporte"))
        .expect("the document in the bundle");
    let report = pyhanko(&pdf, &[&services.root_pem()], &["--ltv"]);
    assert_pyhanko_accepts(&report, 1, 1, true);
    assert_ltv_ok(&report);
    // The store keeps its revision; only the exported copy was re-sealed.
    let list = sb.run(&["list", "--json"]).json();
    assert_eq!(list[0]["revisions"], 2, "{list:#}");
    // --tsa without --ltv is a usage error.
    let err = sb
        .run_env(
            &[
                "bundle",
                "export",
                &doc,
                "-o",
                s(&bundle),
                "--p12",
                s(&seal),
                "--password-env",
                PASSWORD_VAR,
                "--tsa",
                &tsa,
            ],
            &env,
        )
        .assert_fails();
    assert!(err.contains("argumentos inválidos"), "{err}");
}

/// The one signature's `/Contents` with the signature time-stamp token's
/// `genTime` moved by ten seconds: the signer's own signature and the
/// document hash still hold (the token is an unsigned attribute, outside
/// what either covers); only the token's own signature breaks.
fn alter_signature_timestamp(bytes: &[u8]) -> Vec<u8> {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    // The long hex string after a /Contents (page /Contents are references).
    let mut from = 0;
    let (start, end) = loop {
        let at = from + find(&bytes[from..], b"/Contents").expect("a signature /Contents");
        let open = at
            + 9
            + bytes[at + 9..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        if bytes[open] == b'<' {
            let close = open + bytes[open..].iter().position(|&b| b == b'>').unwrap();
            if close - open > 1_000 {
                break (open + 1, close);
            }
        }
        from = at + 9;
    };
    let hex = std::str::from_utf8(&bytes[start..end]).unwrap();
    let mut der: Vec<u8> = (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    // id-smime-aa-timeStampToken (1.2.840.113549.1.9.16.2.14), then the
    // first GeneralizedTime inside the token: the TSTInfo's genTime.
    let oid = [
        0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x02, 0x0E,
    ];
    let token = find(&der, &oid).expect("a signature time-stamp token");
    let gen_time = (token..der.len() - 17)
        .find(|&i| {
            der[i] == 0x18 && der[i + 1] >= 15 && der[i + 2..i + 16].iter().all(u8::is_ascii_digit)
        })
        .expect("the token's genTime");
    let tens_of_seconds = gen_time + 2 + 12;
    der[tens_of_seconds] = if der[tens_of_seconds] == b'0' {
        b'1'
    } else {
        b'0'
    };
    let upper = hex.bytes().any(|b| b.is_ascii_uppercase());
    let mut altered = bytes[..start].to_vec();
    for b in der {
        let pair = if upper {
            format!("{b:02X}")
        } else {
            format!("{b:02x}")
        };
        altered.extend_from_slice(pair.as_bytes());
    }
    altered.extend_from_slice(&bytes[end..]);
    assert_eq!(altered.len(), bytes.len());
    altered
}

/// The acta de instalación with its first signature at level B-T (the
/// time-stamp from `services`' TSA): `firmado-b-t.pdf`.
fn first_signature_b_t(sb: &Sandbox, services: &Services) -> std::path::PathBuf {
    let input = render(sb, INSTALACION, "acta.pdf");
    let (role, who) = INSTALACION_SIGNERS[0];
    let out = sb.path("firmado-b-t.pdf");
    let tsa = services.tsa_url();
    sign(
        sb,
        services,
        &input,
        &out,
        role,
        who,
        &["--level", "B-T", "--tsa", &tsa],
    )
    .assert_ok();
    out
}

#[test]
fn an_altered_signature_time_stamp_is_not_valid() {
    let services = Services::start();
    let sb = Sandbox::new();
    let root = services.root_pem();
    let out = first_signature_b_t(&sb, &services);
    assert_actas_valid(&sb, &out, &root, 1, 0, true);

    let altered = sb.path("sello-alterado.pdf");
    std::fs::write(
        &altered,
        alter_signature_timestamp(&std::fs::read(&out).unwrap()),
    )
    .unwrap();
    qpdf_check(&altered);
    let (code, report) = actas_verify(&sb, &altered, &root);
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(report["verdict"], "NO_VALIDO", "{report:#}");
    let signature = &report["signatures"][0];
    // The signature itself still holds: only its time-stamp is broken.
    assert_eq!(signature["intact"], true, "{signature:#}");
    assert_eq!(signature["valid"], true, "{signature:#}");
    assert!(signature["proven_time"].is_null(), "{signature:#}");
    assert!(
        signature["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains("sello de tiempo de la firma")),
        "{signature:#}"
    );
    // The oracle agrees the time-stamp does not hold.
    let report = pyhanko(&altered, &[&root], &[]);
    let (sigs, _) = split(&report);
    assert_ne!(sigs[0]["timestamp_trusted"], true, "{report:#}");
    assert_ne!(sigs[0]["bottom_line"], true, "{report:#}");
}

/// Two PEM roots in one file, as `--trust` reads a bundle of roots.
fn roots_file(sb: &Sandbox, roots: &[&Path]) -> std::path::PathBuf {
    let path = sb.path("raices.pem");
    let pem: Vec<u8> = roots
        .iter()
        .flat_map(|r| std::fs::read(r).unwrap())
        .collect();
    std::fs::write(&path, pem).unwrap();
    path
}

#[test]
fn a_document_time_stamp_from_an_untrusted_tsa_is_indeterminate() {
    let office = Services::start();
    let stranger = Services::start_for_another_office();
    let sb = Sandbox::new();
    let root = office.root_pem();
    let out = first_signature_b_t(&sb, &office);
    // Re-sealed with a TSA whose root the office does not trust.
    sb.run(&["ltv", s(&out), "--tsa", &stranger.tsa_url()])
        .assert_ok();

    let (code, report) = actas_verify(&sb, &out, &root);
    assert_eq!(code, Some(3), "{report:#}");
    assert_eq!(report["verdict"], "INDETERMINADO", "{report:#}");
    let (stamps, people): (Vec<&Json>, Vec<&Json>) = report["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .partition(|s| s["timestamp"] == true);
    assert_eq!(people.len(), 1, "{report:#}");
    assert_eq!(people[0]["verdict"], "VALIDO", "{report:#}");
    assert_eq!(stamps.len(), 1, "{report:#}");
    assert_eq!(stamps[0]["verdict"], "INDETERMINADO", "{report:#}");
    assert_eq!(stamps[0]["trusted"], false, "{report:#}");
    // The oracle: not trusted either, yet intact.
    let report = pyhanko(&out, &[&root], &[]);
    let (_, docts) = split(&report);
    assert_eq!(docts.len(), 1, "{report:#}");
    assert_eq!(docts[0]["intact"], true, "{report:#}");
    assert_ne!(docts[0]["trusted"], true, "{report:#}");

    // Trusting the stranger's root too, the same file is VÁLIDO.
    let both = roots_file(&sb, &[&root, &stranger.root_pem()]);
    assert_actas_valid(&sb, &out, &both, 1, 1, true);
}

#[test]
fn a_revoked_signer_gets_no_long_term_signature_and_nothing_is_written() {
    let services = Services::start();
    let sb = Sandbox::new();
    let input = render(&sb, INSTALACION, "acta.pdf");
    let (role, _) = INSTALACION_SIGNERS[0];
    let tsa = services.tsa_url();
    // Before the revocation: fine.
    let ok = sb.path("antes.pdf");
    sign(
        &sb,
        &services,
        &input,
        &ok,
        role,
        "revocable",
        &["--level", "B-LT", "--tsa", &tsa],
    )
    .assert_ok();
    // Its DSS holds a good OCSP answer given after the time-stamped signing time.
    assert_actas_valid(&sb, &ok, &services.root_pem(), 1, 0, true);
    services.revoke("revocable", "260101120000Z");
    let out = sb.path("despues.pdf");
    let err = sign(
        &sb,
        &services,
        &input,
        &out,
        role,
        "revocable",
        &["--level", "B-LT", "--tsa", &tsa],
    )
    .assert_fails();
    assert!(
        err.contains("Luis Alberto Revilla Campos")
            && err.contains("está revocado desde el 01/01/2026"),
        "{err}"
    );
    assert!(!out.exists());
    // The earlier B-LT file, re-sealed now: the revocation is reported, not hidden.
    let run = sb.run(&["ltv", s(&ok), "--tsa", &tsa]);
    run.assert_ok();
    assert!(
        run.stdout
            .contains("Aviso: certificado revocado: CN=Luis Alberto Revilla Campos"),
        "{}",
        run.stdout
    );
    // The re-sealed file carries the revocation, dated before the
    // time-stamp that proves when it was signed: NO VÁLIDO.
    let (code, report) = actas_verify(&sb, &ok, &services.root_pem());
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(report["verdict"], "NO_VALIDO", "{report:#}");
    let reasons = report["reasons"].to_string();
    assert!(
        reasons.contains("fue revocado el 01/01/2026") && reasons.contains("antes de la firma"),
        "{reasons}"
    );
}

#[test]
fn network_failures_name_the_url_and_write_nothing() {
    let services = Services::start();
    let sb = Sandbox::new();
    let input = render(&sb, INSTALACION, "acta.pdf");
    let (role, who) = INSTALACION_SIGNERS[0];
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = format!("http://127.0.0.1:{port}/tsa");
    let out = sb.path("firmado.pdf");
    let err = sign(
        &sb,
        &services,
        &input,
        &out,
        role,
        who,
        &["--level", "B-T", "--tsa", &down],
    )
    .assert_fails();
    assert_eq!(
        err,
        format!("actas: el servicio de sellado de tiempo: no se pudo consultar {down}: conexión rechazada")
    );
    assert!(!out.exists());
    assert_eq!(sb.entries(""), ["acta.pdf"]);

    // A level that needs a TSA without one.
    let err = sign(
        &sb,
        &services,
        &input,
        &out,
        role,
        who,
        &["--level", "B-LTA"],
    )
    .assert_fails();
    assert!(
        err.contains("necesita un servicio de sellado de tiempo"),
        "{err}"
    );
    let err = sb
        .run(&["sign", s(&input), "-o", s(&out), "--role", role])
        .assert_fails();
    assert!(err.contains("argumentos inválidos"), "{err}");
}

#[test]
fn tsa_credentials_come_from_the_environment_and_are_never_shown() {
    let services = Services::start();
    let sb = Sandbox::new();
    let input = render(&sb, INSTALACION, "acta.pdf");
    let (role, who) = INSTALACION_SIGNERS[0];
    let url = services.tsa_auth_url();
    let out = sb.path("firmado.pdf");
    let p12 = services.pki.p12(who);
    let args = [
        "sign",
        s(&input),
        "-o",
        s(&out),
        "--role",
        role,
        "--p12",
        s(&p12),
        "--password-env",
        PASSWORD_VAR,
        "--tsa",
        &url,
    ];
    let err = sb
        .run_env(&args, &[(PASSWORD_VAR, common::pki::PASSWORD)])
        .assert_fails();
    assert!(
        err.contains("estado HTTP 401") && err.contains(&url),
        "{err}"
    );
    let run = sb.run_env(
        &args,
        &[
            (PASSWORD_VAR, common::pki::PASSWORD),
            ("ACTAS_TSA_USUARIO", TSA_USER),
            ("ACTAS_TSA_CLAVE", TSA_PASSWORD),
        ],
    );
    run.assert_ok();
    assert!(run.stdout.contains("PAdES B-T"), "{}", run.stdout);
    for text in [&run.stdout, &run.stderr] {
        assert!(!text.contains(TSA_PASSWORD));
    }
    let bytes = std::fs::read(&out).unwrap();
    assert!(!bytes
        .windows(TSA_PASSWORD.len())
        .any(|w| w == TSA_PASSWORD.as_bytes()));
}

// ─────────────────────────────── PKCS#11 ───────────────────────────────

const SOFTHSM: &str = common::softhsm::MODULE;
const TOKEN: &str = "DNIe Prueba";
const PIN: &str = "654321";
const PIN_VAR: &str = "ACTAS_PIN_PRUEBA";
const DNI: &str = "45678912";

/// María's key with a DNIe-like certificate (`firma`), Gabriela's ECDSA
/// key and certificate (`firma-ec`), and the intermediate (no key).
fn dnie_token() -> SoftToken {
    let pki = common::pki::shared();
    let dnie = common::pki::dnie_certificate(DNI);
    SoftToken::create(
        TOKEN,
        PIN,
        &[
            Entry {
                id: "01",
                label: "firma",
                key: Some(&pki.identity("maria").key),
                cert: &dnie,
            },
            Entry {
                id: "02",
                label: "intermedia",
                key: None,
                cert: &pki.intermediate,
            },
            Entry {
                id: "03",
                label: "firma-ec",
                key: Some(&pki.identity("ecdsa").key),
                cert: &pki.identity("ecdsa").cert,
            },
        ],
    )
}

#[test]
fn a_softhsm2_token_lists_and_signs_with_rsa_and_ecdsa_keys() {
    let token = dnie_token();
    let sb = Sandbox::new();
    let conf = token.conf.to_str().unwrap();
    let env = [("SOFTHSM2_CONF", conf), (PIN_VAR, PIN)];

    let run = sb.run_env(&["tokens", "list", "--pkcs11", SOFTHSM, "--json"], &env);
    run.assert_ok();
    let list = run.json();
    let certs = list[0]["certificates"].as_array().unwrap();
    assert_eq!(list[0]["label"], TOKEN, "{list:#}");
    assert_eq!(certs.len(), 3, "{list:#}");
    let firma = certs.iter().find(|c| c["label"] == "firma").unwrap();
    assert_eq!(firma["dni"], DNI);
    assert_eq!(firma["name"], "María Fernanda Quispe Ñahui");
    assert_eq!(firma["has_key"], true);
    assert_eq!(firma["valid_until"], "31/12/2030");
    assert!(firma["issuer"]
        .as_str()
        .unwrap()
        .contains("Actas Prueba Intermedia"));
    let inter = certs.iter().find(|c| c["label"] == "intermedia").unwrap();
    assert_eq!(inter["has_key"], false);
    let text = sb.run_env(&["tokens", "list", "--pkcs11", SOFTHSM], &env);
    text.assert_ok();
    assert!(
        text.stdout.contains(&format!("DNI {DNI}")) && text.stdout.contains("(sin clave privada)"),
        "{}",
        text.stdout
    );

    let input = render(&sb, INSTALACION, "acta.pdf");
    let pki = common::pki::shared();
    let mut current = input.clone();
    for (i, (key, role)) in [
        ("firma", "especialista-calidad"),
        ("firma-ec", "coord-infraestructura"),
    ]
    .iter()
    .enumerate()
    {
        let out = sb.path(&format!("token-{i}.pdf"));
        let run = sb.run_env(
            &[
                "sign",
                s(&current),
                "-o",
                s(&out),
                "--role",
                role,
                "--pkcs11",
                SOFTHSM,
                "--token",
                TOKEN,
                "--key",
                key,
                "--pin-env",
                PIN_VAR,
            ],
            &env,
        );
        run.assert_ok();
        assert!(!run.stdout.contains(PIN) && !run.stderr.contains(PIN));
        current = out;
    }
    qpdf_check(&current);
    pdfsig_valid(&current, 2);
    let report = pyhanko(&current, &[&pki.root_pem()], &["--moment", common::NOW]);
    assert_pyhanko_accepts(&report, 2, 0, false);
    let (sigs, _) = split(&report);
    assert_eq!(sigs[0]["signer"], "María Fernanda Quispe Ñahui");
    assert_eq!(sigs[1]["signer"], "Gabriela Sofía Ríos Castillo");

    // Wrong PIN, several keys without --key, an unknown token: clear, nothing written.
    let out = sb.path("no.pdf");
    let base = [
        "sign",
        s(&input),
        "-o",
        s(&out),
        "--role",
        "especialista-calidad",
        "--pkcs11",
        SOFTHSM,
        "--pin-env",
        PIN_VAR,
    ];
    let err = sb
        .run_env(&base, &[("SOFTHSM2_CONF", conf), (PIN_VAR, "000000")])
        .assert_fails();
    assert_eq!(
        err,
        format!("actas: PIN incorrecto para el token «{TOKEN}»")
    );
    let err = sb.run_env(&base, &env).assert_fails();
    assert!(
        err.contains("2 certificados con clave") && err.contains("--key"),
        "{err}"
    );
    let mut other = base.to_vec();
    other.extend(["--token", "Otro"]);
    let err = sb.run_env(&other, &env).assert_fails();
    assert!(
        err.contains("no hay un token con la etiqueta «Otro»") && err.contains(TOKEN),
        "{err}"
    );
    assert!(!out.exists());
}
