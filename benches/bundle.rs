//! Exports and verifies a bundle of 1,000 signed actas (issue 6 goal: under
//! 10 s each, release build), through the same service calls as
//! `actas bundle export` / `actas bundle verify`: read the latest revisions
//! from SQLite, verify every PDF, write the manifests and the report, seal,
//! zip, write atomically; then open, check, hash and re-verify everything.
//!
//! Setup, outside the measurement: the test PKI, one Anexo 11.1 rendered
//! once and signed in-process by its three roles 1,000 times (each copy at
//! its own second, so every PDF differs), stored as 1,000 documents, and one
//! bundle for the verification bench.

#[path = "../tests/common/pki.rs"]
mod pki;

use std::path::Path;
use std::time::{Duration, Instant};

use actas::clock::Clock;
use actas::service::{BundleExportRequest, BundleSelection, Service};
use actas::sign::certificate::load_pkcs12;
use actas::sign::cms::CmsSigner;
use actas::sign::{sign_pdf, PreparedPdf, SignOptions};
use actas::store::{NewDocument, Store, StoreError};
use chrono::Datelike;
use criterion::{criterion_group, criterion_main, Criterion};

const DOCUMENTS: usize = 1000;
const TEMPLATE: &str = "mef-anexo-11-1";
/// The Anexo 11.1 roles, in signing order, and who signs.
const SIGNERS: [(&str, &str); 3] = [
    ("coord-arquitectura", "maria"),
    ("coord-calidad", "carlos"),
    ("coord-computo", "victor"),
];

fn bundle(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temporary folder");
    let pki = pki::generate(&dir.path().join("pki"));
    let clock = Clock::parse(pki::NOW).expect("fixed clock");
    let now = clock.now();
    let service = Service::open(&root.join("templates"), clock).expect("templates load");
    let template = service.catalogue.require(TEMPLATE).expect("template");

    let setup = Instant::now();
    let data: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root.join(format!("templates/examples/{TEMPLATE}.json")))
            .expect("example exists"),
    )
    .expect("example is JSON");
    let rendered = service
        .render(TEMPLATE, &data, Some("2026-001"))
        .expect("renders")
        .pdf;
    let signers: Vec<_> = SIGNERS
        .iter()
        .map(|(role, who)| {
            let identity = load_pkcs12(&pki.p12(who), pki::PASSWORD, now).expect("p12");
            let cms = CmsSigner::new(&identity).expect("signer");
            (*role, cms)
        })
        .collect();
    let db = dir.path().join("actas.db");
    let mut store = Store::open(&db).expect("store");
    for i in 0..DOCUMENTS {
        let at = now + chrono::Duration::seconds(i as i64);
        let mut pdf = rendered.clone();
        for (role, cms) in &signers {
            let prepared = PreparedPdf::parse(pdf).expect("parses");
            let options = SignOptions {
                role: role.to_string(),
                reason: None,
                location: None,
                at,
            };
            pdf = sign_pdf(&prepared, Some(template), cms, &options).expect("signs");
        }
        let new = NewDocument {
            series: template.series.clone(),
            year: now.year(),
            template_id: template.id.clone(),
            template_version: template.format_version.clone(),
            title: template.title.clone(),
            status: "firmado".into(),
            data: data.clone(),
            actor: "bench".into(),
            at,
        };
        store
            .create_document(&new, |_| Ok::<_, StoreError>(pdf))
            .expect("stored");
    }
    let total: usize = service
        .list(&store)
        .expect("list")
        .iter()
        .map(|d| d.revisions as usize)
        .sum();
    assert_eq!(total, DOCUMENTS);
    eprintln!(
        "setup: {DOCUMENTS} actas firmadas ({} firmas c/u) y guardadas en {:.1} s",
        SIGNERS.len(),
        setup.elapsed().as_secs_f64()
    );

    let out = dir.path().join("paquete.zip");
    let request = BundleExportRequest {
        selection: BundleSelection {
            forms: vec![TEMPLATE.into()],
            ..BundleSelection::default()
        },
        p12: pki.p12("rosa"),
        password: pki::PASSWORD.into(),
        trust: Some(pki.root_pem()),
        output: out.clone(),
        ltv: false,
        tsa: None,
    };
    let outcome = service
        .export_bundle(&mut store, &request)
        .expect("exports");
    assert_eq!(outcome.documents.len(), DOCUMENTS);
    eprintln!(
        "paquete: {} entradas, {:.1} MB",
        outcome.entries.len(),
        outcome.bytes as f64 / 1e6
    );
    let report = service
        .verify_bundle_file(&out, Some(&pki.root_pem()))
        .expect("verifies");
    assert!(report.ok, "{:?}", report.problems.first());

    // Wall time depends on what else the machine runs; CPU time much less.
    // Both, once, so a figure can be quoted from a busy machine too.
    measure("export", || {
        service
            .export_bundle(&mut store, &request)
            .expect("exports");
    });
    measure("verify", || {
        service
            .verify_bundle_file(&out, Some(&pki.root_pem()))
            .expect("verifies");
    });

    let mut group = c.benchmark_group("bundle");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("export_1000_actas", |b| {
        b.iter(|| {
            service
                .export_bundle(&mut store, &request)
                .expect("exports")
        })
    });
    group.bench_function("verify_1000_actas", |b| {
        b.iter(|| {
            let report = service
                .verify_bundle_file(&out, Some(&pki.root_pem()))
                .expect("verifies");
            assert!(report.ok);
            report
        })
    });
    group.finish();
}

/// Runs `f` once and prints its wall-clock and CPU time.
fn measure(what: &str, f: impl FnOnce()) {
    let (wall, cpu) = (Instant::now(), cpu_seconds());
    f();
    let wall = wall.elapsed().as_secs_f64();
    match (cpu, cpu_seconds()) {
        (Some(before), Some(after)) => eprintln!(
            "{what} {DOCUMENTS}: {wall:.2} s de reloj, {:.2} s de CPU en {} núcleos",
            after - before,
            std::thread::available_parallelism().map_or(1, |n| n.get())
        ),
        _ => eprintln!("{what} {DOCUMENTS}: {wall:.2} s de reloj"),
    }
}

/// User + system CPU time of this process (all threads), from
/// `/proc/self/stat` (Linux; clock ticks of 1/100 s).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // After the command name: state is field 3, utime 14 and stime 15.
    let ticks = |i: usize| fields.get(i - 3)?.parse::<f64>().ok();
    Some((ticks(14)? + ticks(15)?) / 100.0)
}

criterion_group!(benches, bundle);
criterion_main!(benches);
