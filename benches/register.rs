//! Benchmarks of the shared register (figures, not timed tests):
//!
//! 1. 1,000 documents created by 4 concurrent processes on one database,
//!    PostgreSQL and SQLite side by side: documents per second, and a check
//!    that the numbers are 2026-0001…1000 with no duplicate and no gap.
//!    Each process is this binary again (`ACTAS_BENCH_WORKER`), creating
//!    its documents through `Store::create_document` with a 30 KB PDF, so
//!    the figure is the register's (numbering, revision, audit row,
//!    commit), not rendering's.
//! 2. Listing 100,000 stored documents as the window does: the first page
//!    of the Documentos screen through `App::documents_page` (what the
//!    window calls; target < 100 ms), the whole list (`App::documents`,
//!    `Service::list_where`, with and without its form filter) and the
//!    store's filtered query with a page limit.
//!
//! `cargo bench --bench register`; the PostgreSQL half needs
//! `ACTAS_TEST_POSTGRES` (see `scripts/pg-test-cluster.sh`) and is skipped
//! without it. Under `cargo test --all-targets` (no `--bench`) it runs a
//! small version (40 documents, 1,000 listed) as a smoke test.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use actas::clock::Clock;
use actas::service::Service;
use actas::store::{DocumentFilter, NewDocument, Store, StoreError};

const PROCESSES: usize = 4;

/// (documents created, documents listed): the benchmark's or the smoke test's.
fn sizes() -> (usize, i64) {
    if std::env::args().any(|a| a == "--bench") {
        (1_000, 100_000)
    } else {
        (40, 1_000)
    }
}

fn main() {
    if let Ok(db) = std::env::var("ACTAS_BENCH_WORKER") {
        let count = std::env::var("ACTAS_BENCH_COUNT")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        worker(Path::new(&db), count);
        return;
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    let sqlite = dir.path().join("actas.db");
    let postgres = std::env::var("ACTAS_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
        .and_then(|_| actas::store::testing::fresh_postgres_url("bench"));

    let (documents, listed) = sizes();
    println!("== {documents} documentos creados por {PROCESSES} procesos a la vez");
    let sqlite_rate = concurrent_creation(&sqlite, documents);
    println!("SQLite      {sqlite_rate:>8.1} documentos/s");
    match &postgres {
        Some(url) => {
            let rate = concurrent_creation(Path::new(url), documents);
            println!("PostgreSQL  {rate:>8.1} documentos/s");
        }
        None => println!("PostgreSQL  omitido (ACTAS_TEST_POSTGRES no está definida)"),
    }

    println!("== listar {listed} documentos guardados");
    let listing_db = dir.path().join("listado.db");
    listing(&listing_db, "SQLite", listed);
    if let Some(url) = postgres
        .as_deref()
        .and_then(|_| actas::store::testing::fresh_postgres_url("bench-list"))
    {
        listing(Path::new(&url), "PostgreSQL", listed);
    }
}

/// Creates `count` documents, printing each number.
fn worker(db: &Path, count: usize) {
    let mut store = Store::open(db).expect("open the register");
    let pdf = vec![b'%'; 30 * 1024];
    for _ in 0..count {
        let new = new_document("mef-anexo-11-1");
        let stored = store
            .create_document(&new, |_| Ok::<_, StoreError>(pdf.clone()))
            .expect("create");
        println!("{}", stored.number);
    }
}

fn new_document(template: &str) -> NewDocument {
    NewDocument {
        series: "general".into(),
        year: 2026,
        template_id: template.into(),
        template_version: "1".into(),
        title: "Documento de prueba".into(),
        status: "pendiente de firma".into(),
        data: serde_json::json!({}),
        actor: "bench".into(),
        at: chrono::DateTime::parse_from_rfc3339("2026-03-15T10:00:00-05:00").unwrap(),
    }
}

/// Runs the workers on `db`; checks the numbers; returns documents/s.
fn concurrent_creation(db: &Path, documents: usize) -> f64 {
    // Create the schema first, so the workers measure documents only.
    drop(Store::open(db).expect("open the register"));
    let exe = std::env::current_exe().expect("this binary");
    let started = Instant::now();
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(&exe)
                .env("ACTAS_BENCH_WORKER", db)
                .env("ACTAS_BENCH_COUNT", (documents / PROCESSES).to_string())
                .output_spawn()
        })
        .collect();
    let mut numbers: Vec<String> = Vec::new();
    for child in children {
        let out = child.wait_with_output().expect("worker");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        numbers.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_string),
        );
    }
    let elapsed = started.elapsed();
    numbers.sort();
    let expected: Vec<String> = (1..=documents as i64)
        .map(|n| actas::store::format_number(2026, n))
        .collect();
    let mut expected_sorted = expected.clone();
    expected_sorted.sort();
    assert_eq!(numbers, expected_sorted, "duplicate or missing numbers");
    println!(
        "  {} números distintos, sin huecos ({:.2?})",
        numbers.len(),
        elapsed
    );
    documents as f64 / elapsed.as_secs_f64()
}

trait SpawnPiped {
    fn output_spawn(&mut self) -> std::process::Child;
}

impl SpawnPiped for Command {
    fn output_spawn(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start worker")
    }
}

/// Fills `db` with `listed` documents in one statement, then times the
/// window's listing.
fn listing(db: &Path, engine: &str, listed: i64) {
    drop(Store::open(db).expect("open"));
    let templates = [
        "mef-anexo-11-1",
        "senace-acta-instalacion",
        "senace-plan-pruebas",
    ];
    let fill = format!(
        "INSERT INTO correlatives (series, year, last_seq) VALUES ('general', 2026, {listed});
         INSERT INTO documents (series, year, seq, number, template_id, template_version, title,
                                status, data, created_at, created_ms, created_by)
         SELECT 'general', 2026, g, '2026-' || g,
                CASE g % 3 WHEN 0 THEN '{}' WHEN 1 THEN '{}' ELSE '{}' END, '1',
                'Documento ' || g,
                CASE g % 4 WHEN 0 THEN 'firmado' ELSE 'pendiente de firma' END,
                '{{}}', '2026-03-15T10:00:00-05:00', 1773586800000 + g, 'bench'
         FROM {} ;
         INSERT INTO revisions (document_id, revision, pdf, sha256, status, note, actor,
                                created_at, created_ms)
         SELECT id, 1, {}, '{}', status, '', 'bench', created_at, created_ms FROM documents;",
        templates[0],
        templates[1],
        templates[2],
        match engine {
            "SQLite" => format!(
                "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {listed}) SELECT g FROM s)"
            ),
            _ => format!("generate_series(1, {listed}) AS g"),
        },
        match engine {
            "SQLite" => "X'25504446'",
            _ => "'\\x25504446'::bytea",
        },
        "0".repeat(64),
    );
    let started = Instant::now();
    match engine {
        "SQLite" => rusqlite::Connection::open(db)
            .and_then(|c| c.execute_batch(&fill))
            .expect("fill"),
        _ => postgres::Client::connect(&db.to_string_lossy(), postgres::NoTls)
            .and_then(|mut c| c.batch_execute(&fill))
            .expect("fill"),
    }
    println!(
        "{engine}: {listed} documentos cargados en {:.2?}",
        started.elapsed()
    );
    let store = Store::open(db).expect("open");
    let service = Service::open(Path::new("templates"), Clock::System).expect("templates");
    let time = |what: &str, run: &dyn Fn() -> usize| {
        run();
        let mut times: Vec<Duration> = (0..5)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(run());
                t.elapsed()
            })
            .collect();
        times.sort();
        println!(
            "  {what:<58} mediana {:>8.1} ms ({} filas)",
            times[2].as_secs_f64() * 1e3,
            run()
        );
    };
    if engine == "SQLite" {
        // The window's own entry point, on the same database.
        let app = actas::app::App::open(db, Path::new("templates"), Clock::System).expect("app");
        time("ventana: primera página (App::documents_page)", &|| {
            app.documents_page(&actas::app::DocumentFilter::default())
                .unwrap()
                .rows
                .len()
        });
        time(
            "ventana: página a mitad del listado (App::documents_page)",
            &|| {
                app.documents_page(&actas::app::DocumentFilter {
                    offset: Some(50_000.min(listed as u32 / 2)),
                    ..Default::default()
                })
                .unwrap()
                .rows
                .len()
            },
        );
        time("ventana: todo el listado (App::documents)", &|| {
            app.documents(&actas::app::DocumentFilter::default())
                .unwrap()
                .len()
        });
    }
    time("ventana: todos (Service::list_where)", &|| {
        service
            .list_where(&store, &DocumentFilter::default())
            .unwrap()
            .len()
    });
    time(
        "ventana: filtro de formulario (Service::list_where)",
        &|| {
            let filter = DocumentFilter {
                template_id: Some(templates[1].into()),
                ..Default::default()
            };
            service.list_where(&store, &filter).unwrap().len()
        },
    );
    time("registro: formulario + estado, 500 más recientes", &|| {
        let filter = DocumentFilter {
            template_id: Some(templates[0].into()),
            status: Some("firmado".into()),
            limit: Some(500),
            ..Default::default()
        };
        store.list_documents_where(&filter).unwrap().len()
    });
}
