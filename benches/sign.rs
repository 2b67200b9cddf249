//! Signing and verifying speed (issue 3, "Performance"), RSA-2048 from the
//! test PKI (`tests/common/pki.rs`):
//! - `sign/in_process`: a ~100 KB PDF (the bitácora de respaldo with its
//!   table padded) parsed once, signed over and over with a prebuilt
//!   `CmsSigner` — goal ≥ 500 signatures/s on one core;
//! - `verify/informe_5_firmas`: `verify_pdf` of the informe de pruebas
//!   signed by its 5 roles, trusting the test root — goal < 10 ms;
//! - `sign/per_process`: one `actas sign` process per file (release
//!   binary) — goal ≥ 50/s;
//! - `sign/batch_1000_on_2_threads`: 1,000 signatures from the prepared PDF
//!   on 2 threads of 500 — goal < 3 s wall time;
//! - `levels/b_t_in_process_local_tsa`: the same PDF signed at PAdES B-T
//!   with a TSA on loopback (`tests/common/services.rs`: OpenSSL's TS
//!   responder in-process behind HTTP) — goal ≥ 200 signatures/s;
//! - `levels/b_lta_extension_5_firmas`: DSS (OCSP from `openssl ocsp
//!   -port`, CRL over HTTP) plus a document time-stamp added to the informe
//!   signed by 5 roles at B-T — goal < 50 ms.
//!
//! With `cargo bench --bench sign` it then prints a summary measured with
//! plain loops (50 sequential processes for the per-process figure) and,
//! when pyHanko is installed, runs `benches/pyhanko_baseline.py` on the
//! same files and prints the ratios. The files stay in
//! `$CARGO_TARGET_TMPDIR/sign-bench/` for running the baseline by hand.
//! Under `cargo test` every benchmark runs once and the summary is skipped.

#[path = "../tests/common/pki.rs"]
mod pki;
#[path = "../tests/common/services.rs"]
mod services;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use actas::clock::Clock;
use actas::net::{Http, NetOptions};
use actas::revocation::Fetcher;
use actas::service::Service;
use actas::sign::certificate::{load_pkcs12, SigningIdentity};
use actas::sign::cms::CmsSigner;
use actas::sign::ltv::{self, LtvOptions};
use actas::sign::{sign_pdf, sign_pdf_stamped, PreparedPdf, SignOptions};
use actas::template::Template;
use actas::timestamp::{TimeStamper, TsaClient};
use actas::verify::{verify_pdf, VerifyOptions};
use chrono::{DateTime, FixedOffset};
use criterion::{Criterion, Throughput};

const NOW: &str = "2026-03-15T10:00:00-05:00";
const BITACORA: &str = "senace-bitacora-respaldo";
const INFORME: &str = "senace-informe-pruebas";
/// The informe de pruebas's 5 roles in signing order, and who signs each.
const INFORME_SIGNERS: [(&str, &str); 5] = [
    ("coord-infraestructura", "rosa"),
    ("especialista-calidad", "eduardo"),
    ("coord-proyectos", "maria"),
    ("responsable-area-usuaria", "carlos"),
    ("especialista-area-usuaria", "victor"),
];
const TARGET_SIZE: usize = 100 * 1024;

struct Fixture {
    dir: PathBuf,
    pki: pki::Pki,
    service: Service,
    now: DateTime<FixedOffset>,
    /// The ~100 KB bitácora, unsigned.
    big: PathBuf,
    /// The informe de pruebas with 5 signatures.
    informe: PathBuf,
}

impl Fixture {
    fn template(&self, id: &str) -> &Template {
        self.service.catalogue.get(id).expect("template exists")
    }

    fn identity(&self, file: &str) -> SigningIdentity {
        load_pkcs12(&self.pki.p12(file), pki::PASSWORD, self.now).expect("test p12 loads")
    }

    fn options(&self, role: &str) -> SignOptions {
        SignOptions {
            role: role.into(),
            reason: None,
            location: Some("Lima, Perú".into()),
            at: self.now,
        }
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn example(id: &str) -> serde_json::Value {
    let path = root().join("templates/examples").join(format!("{id}.json"));
    serde_json::from_slice(&std::fs::read(path).expect("example")).expect("example is JSON")
}

fn fixture() -> Fixture {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sign-bench");
    std::fs::create_dir_all(&dir).expect("bench folder");
    let pki = pki::generate(&dir.join("pki"));
    let clock = Clock::parse(NOW).expect("fixed clock");
    let service = Service::open(&root().join("templates"), clock).expect("templates load");
    let mut fixture = Fixture {
        dir: dir.clone(),
        pki,
        now: clock.now(),
        service,
        big: dir.join("bitacora-100k.pdf"),
        informe: dir.join("informe-5-firmas.pdf"),
    };

    // The bitácora with its table padded (rows of the example repeated)
    // until the PDF reaches 100 KB.
    let mut data = example(BITACORA);
    let rows = data["registros"].as_array().expect("rows").clone();
    let big = loop {
        let pdf = fixture
            .service
            .render(BITACORA, &data, Some("2026-014"))
            .expect("bitácora renders")
            .pdf;
        if pdf.len() >= TARGET_SIZE {
            break pdf;
        }
        let table = data["registros"].as_array_mut().expect("rows");
        table.extend(rows.iter().take(8).cloned());
    };
    std::fs::write(&fixture.big, &big).expect("write the 100 KB PDF");

    // The informe de pruebas signed by its 5 roles, in process.
    let mut pdf = fixture
        .service
        .render(INFORME, &example(INFORME), Some("2026-015"))
        .expect("informe renders")
        .pdf;
    for (role, file) in INFORME_SIGNERS {
        let identity = fixture.identity(file);
        let signer = CmsSigner::new(&identity).expect("signer");
        let prepared = PreparedPdf::parse(pdf).expect("parses");
        pdf = sign_pdf(
            &prepared,
            Some(fixture.template(INFORME)),
            &signer,
            &fixture.options(role),
        )
        .expect("signs");
    }
    std::fs::write(&fixture.informe, &pdf).expect("write the informe");
    fixture.dir = dir;
    fixture
}

/// The trust services and files of the level benchmarks.
struct Levels {
    services: services::Services,
    tsa: TsaClient,
    fetcher: Fetcher,
    /// María's LTV certificate (publishes OCSP and CRL URLs).
    signer: CmsSigner,
    /// The informe de pruebas signed by its 5 roles at B-T.
    informe_bt: Vec<u8>,
}

fn levels_fixture(fixture: &Fixture) -> Levels {
    let services = services::Services::start();
    let http = Http::new(&NetOptions::default()).expect("HTTP client");
    let tsa = TsaClient::new(&services.fast_tsa_url(), http.clone(), None);
    let fetcher = Fetcher::new(http);
    let ltv_identity = |file: &str| {
        load_pkcs12(&services.pki.p12(file), pki::PASSWORD, fixture.now).expect("LTV p12 loads")
    };
    let signer = CmsSigner::new(&ltv_identity("maria")).expect("signer");
    let mut pdf = fixture
        .service
        .render(INFORME, &example(INFORME), Some("2026-016"))
        .expect("informe renders")
        .pdf;
    for (role, file) in INFORME_SIGNERS {
        let signer = CmsSigner::new(&ltv_identity(file)).expect("signer");
        let prepared = PreparedPdf::parse(pdf).expect("parses");
        pdf = sign_pdf_stamped(
            &prepared,
            Some(fixture.template(INFORME)),
            &signer,
            &fixture.options(role),
            Some(&tsa),
        )
        .expect("signs at B-T")
        .pdf;
    }
    std::fs::write(fixture.dir.join("informe-5-firmas-bt.pdf"), &pdf).expect("write");
    // For pyHanko's baseline: the LTV signer and root.
    let ltv_dir = fixture.dir.join("pki-ltv");
    std::fs::create_dir_all(&ltv_dir).expect("folder");
    std::fs::copy(services.pki.p12("maria"), ltv_dir.join("maria.p12")).expect("copy");
    std::fs::copy(services.root_pem(), ltv_dir.join("raiz-ltv.pem")).expect("copy");
    Levels {
        services,
        tsa,
        fetcher,
        signer,
        informe_bt: pdf,
    }
}

/// One B-LTA extension of the 5-signature informe (parse included).
fn extend_lta(levels: &Levels) -> usize {
    let prepared = PreparedPdf::parse(levels.informe_bt.clone()).expect("parses");
    let (bytes, summary) = ltv::extend(
        &prepared,
        &LtvOptions {
            fetcher: &levels.fetcher,
            tsa: Some(&levels.tsa as &dyn TimeStamper),
            refuse_revoked: None,
        },
    )
    .expect("extends");
    assert!(summary.signatures == 5 && summary.doc_timestamp.is_some());
    bytes.len()
}

fn level_benches(c: &mut Criterion, fixture: &Fixture, levels: &Levels) {
    let template = fixture.template(BITACORA);
    let options = fixture.options("especialista-is");
    let prepared =
        PreparedPdf::parse(std::fs::read(&fixture.big).expect("big PDF")).expect("parses");
    let tsa: &dyn TimeStamper = &levels.tsa;
    let mut group = c.benchmark_group("levels");
    group.throughput(Throughput::Elements(1));
    group.bench_function("b_t_in_process_local_tsa", |b| {
        b.iter(|| {
            sign_pdf_stamped(
                &prepared,
                Some(template),
                &levels.signer,
                &options,
                Some(tsa),
            )
            .expect("signs")
        })
    });
    group.sample_size(20);
    group.bench_function("b_lta_extension_5_firmas", |b| {
        b.iter(|| extend_lta(levels))
    });
    group.finish();
}

/// Plain-loop figures of the level benchmarks: (B-T signatures/s, B-LTA ms).
fn level_summary(fixture: &Fixture, levels: &Levels) -> (f64, f64) {
    let template = fixture.template(BITACORA);
    let options = fixture.options("especialista-is");
    let prepared =
        PreparedPdf::parse(std::fs::read(&fixture.big).expect("big PDF")).expect("parses");
    let tsa: &dyn TimeStamper = &levels.tsa;
    let n = 400;
    let t = Instant::now();
    for _ in 0..n {
        sign_pdf_stamped(
            &prepared,
            Some(template),
            &levels.signer,
            &options,
            Some(tsa),
        )
        .expect("signs");
    }
    let bt_rate = n as f64 / t.elapsed().as_secs_f64();
    let m = 40;
    let t = Instant::now();
    for _ in 0..m {
        extend_lta(levels);
    }
    let lta_ms = t.elapsed().as_secs_f64() * 1000.0 / m as f64;
    (bt_rate, lta_ms)
}

fn trust(fixture: &Fixture) -> VerifyOptions {
    VerifyOptions {
        trust_roots: vec![fixture.pki.root.clone()],
    }
}

/// `actas sign BIG -o OUT --role especialista-is …`, one process.
fn sign_process(fixture: &Fixture, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_actas"))
        .arg("--templates")
        .arg(root().join("templates"))
        .arg("sign")
        .arg(&fixture.big)
        .arg("-o")
        .arg(out)
        .args(["--role", "especialista-is", "--p12"])
        .arg(fixture.pki.p12("maria"))
        .args(["--password-env", "ACTAS_BENCH_CLAVE"])
        .env("ACTAS_BENCH_CLAVE", pki::PASSWORD)
        .env("ACTAS_NOW", NOW)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("actas runs");
    assert!(status.success(), "actas sign failed");
}

/// 1,000 signatures of the prepared PDF on 2 threads (500 each).
fn batch(
    prepared: &PreparedPdf,
    template: &Template,
    signer: &CmsSigner,
    options: &SignOptions,
) -> usize {
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    (0..500)
                        .map(|_| {
                            sign_pdf(prepared, Some(template), signer, options)
                                .expect("signs")
                                .len()
                        })
                        .sum::<usize>()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("worker")).sum()
    })
}

fn benches(c: &mut Criterion, fixture: &Fixture) {
    let template = fixture.template(BITACORA);
    let identity = fixture.identity("maria");
    let signer = CmsSigner::new(&identity).expect("signer");
    let options = fixture.options("especialista-is");
    let bytes = std::fs::read(&fixture.big).expect("big PDF");
    let prepared = PreparedPdf::parse(bytes.clone()).expect("parses");

    let mut group = c.benchmark_group("sign");
    group.throughput(Throughput::Elements(1));
    group.bench_function("in_process_rsa2048_100k", |b| {
        b.iter(|| sign_pdf(&prepared, Some(template), &signer, &options).expect("signs"))
    });
    group.bench_function("parse_and_sign_100k", |b| {
        b.iter(|| {
            let prepared = PreparedPdf::parse(bytes.clone()).expect("parses");
            sign_pdf(&prepared, Some(template), &signer, &options).expect("signs")
        })
    });
    let out = fixture.dir.join("firmado-por-proceso.pdf");
    group.sample_size(20);
    group.bench_function("per_process", |b| b.iter(|| sign_process(fixture, &out)));
    group.sample_size(10);
    group.throughput(Throughput::Elements(1000));
    group.bench_function("batch_1000_on_2_threads", |b| {
        b.iter(|| batch(&prepared, template, &signer, &options))
    });
    group.finish();

    let informe = std::fs::read(&fixture.informe).expect("informe");
    let trust = trust(fixture);
    let report = verify_pdf(&informe, &trust).expect("verifies");
    assert!(report.ok && report.signatures.len() == 5, "{report:?}");
    let mut group = c.benchmark_group("verify");
    group.throughput(Throughput::Elements(1));
    group.bench_function("informe_5_firmas", |b| {
        b.iter(|| verify_pdf(&informe, &trust).expect("verifies"))
    });
    group.finish();
}

/// Plain-loop figures for the note, and pyHanko's on the same files.
fn summary(fixture: &Fixture, levels: &Levels) {
    let template = fixture.template(BITACORA);
    let identity = fixture.identity("maria");
    let signer = CmsSigner::new(&identity).expect("signer");
    let options = fixture.options("especialista-is");
    let bytes = std::fs::read(&fixture.big).expect("big PDF");
    let size = bytes.len();
    let prepared = PreparedPdf::parse(bytes).expect("parses");
    let rate = |n: usize, d: Duration| n as f64 / d.as_secs_f64();

    let n = 2000;
    let t = Instant::now();
    for _ in 0..n {
        sign_pdf(&prepared, Some(template), &signer, &options).expect("signs");
    }
    let in_process = rate(n, t.elapsed());

    let informe = std::fs::read(&fixture.informe).expect("informe");
    let trust = trust(fixture);
    let n_verify = 200;
    let t = Instant::now();
    for _ in 0..n_verify {
        verify_pdf(&informe, &trust).expect("verifies");
    }
    let verify_ms = t.elapsed().as_secs_f64() * 1000.0 / n_verify as f64;

    let n_proc = 50;
    let t = Instant::now();
    for i in 0..n_proc {
        sign_process(fixture, &fixture.dir.join(format!("proceso-{i}.pdf")));
    }
    let per_process = rate(n_proc, t.elapsed());
    for i in 0..n_proc {
        let _ = std::fs::remove_file(fixture.dir.join(format!("proceso-{i}.pdf")));
    }

    let t = Instant::now();
    batch(&prepared, template, &signer, &options);
    let batch_s = t.elapsed().as_secs_f64();

    println!(
        "\n== resumen (RSA-2048; PDF de {:.1} KB; 2 núcleos)",
        size as f64 / 1024.0
    );
    println!("firma en proceso, 1 núcleo:   {in_process:8.1} firmas/s (meta ≥ 500)");
    println!("firma, un proceso por archivo: {per_process:8.1} firmas/s (meta ≥ 50; {n_proc} procesos seguidos)");
    println!("lote de 1000 en 2 hilos:      {batch_s:8.3} s (meta < 3 s)");
    println!("verificar 5 firmas:           {verify_ms:8.3} ms (meta < 10 ms)");
    let (bt_rate, lta_ms) = level_summary(fixture, levels);
    println!("firma B-T con TSA local:      {bt_rate:8.1} firmas/s (meta ≥ 200)");
    println!("extensión B-LTA, 5 firmas:    {lta_ms:8.1} ms (meta < 50 ms)");

    let script = root().join("benches/pyhanko_baseline.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(&fixture.dir)
        .arg("--tsa")
        .arg(levels.services.fast_tsa_url())
        .arg("--json")
        .output();
    match out {
        Ok(out) if out.status.success() => {
            let baseline: serde_json::Value =
                serde_json::from_slice(&out.stdout).expect("baseline prints JSON");
            let py_sign = baseline["sign_per_s"].as_f64().unwrap_or(f64::NAN);
            let py_verify_ms = baseline["verify_ms"].as_f64().unwrap_or(f64::NAN);
            println!(
                "pyHanko {}: firma {py_sign:.1}/s, verificar 5 firmas {py_verify_ms:.1} ms",
                baseline["pyhanko"].as_str().unwrap_or("?")
            );
            println!(
                "razón Actas/pyHanko: firma en proceso ×{:.0}, un proceso por archivo ×{:.1}, verificación ×{:.0}",
                in_process / py_sign,
                per_process / py_sign,
                py_verify_ms / verify_ms
            );
            let py_bt = baseline["bt_sign_per_s"].as_f64().unwrap_or(f64::NAN);
            let py_lta = baseline["lta_extend_ms"].as_f64().unwrap_or(f64::NAN);
            println!(
                "pyHanko con la misma TSA: firma B-T {py_bt:.1}/s, extensión B-LTA de 5 firmas {py_lta:.1} ms; razón ×{:.0} y ×{:.0}",
                bt_rate / py_bt,
                py_lta / lta_ms
            );
        }
        Ok(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let lines: Vec<&str> = stderr
                .lines()
                .filter(|l| !l.contains("client_session"))
                .collect();
            println!(
                "(sin línea base de pyHanko: {})",
                lines[lines.len().saturating_sub(3)..].join(" | ")
            )
        }
        Err(e) => println!("(sin línea base de pyHanko: python3 no disponible: {e})"),
    }
    println!("archivos: {}", fixture.dir.display());
}

fn main() {
    let fixture = fixture();
    let levels = levels_fixture(&fixture);
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion, &fixture);
    level_benches(&mut criterion, &fixture, &levels);
    criterion.final_summary();
    // `cargo bench` passes --bench; `cargo test --benches` doesn't.
    if std::env::args().any(|a| a == "--bench") {
        summary(&fixture, &levels);
    }
}
