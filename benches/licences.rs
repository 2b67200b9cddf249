//! Licence master import at scale (goal: a 50,000-row master in under 1 s
//! and at least 5× openpyxl reading the same file, release build). The
//! master is generated once per run with rust_xlsxwriter the way offices
//! write it — a merged title row, the seed's 16 columns, INICIO and TERMINO
//! as Excel dates or as text in five spellings (`15/03/2024`,
//! `15-mar-2024`, `15 de marzo de 2024`, `2024-03-15`, `15.03.24`),
//! amounts as numbers or as text (`S/ 1,234.50`, `S/. 1234,50`,
//! `1,234.50`), quantities as numbers or text — into
//! `$TMPDIR/actas-licences-50000.xlsx`, which `benches/openpyxl_baseline.py`
//! then reads as the baseline.
//!
//! Measured: `import` (read + parse + one SQLite transaction into a fresh
//! database, as `actas licences import` does) and `read_parse` (calamine and
//! row parsing only). Under `cargo test --all-targets` (no `--bench`) the
//! master has 2,000 rows, so the test run stays quick.
//!
//! Before criterion, when `python3 -c 'import openpyxl'` works (and not
//! under `cargo test`), the same run times `benches/openpyxl_baseline.py` on
//! the same file (best of 3) against the best of 3 imports in this process
//! (wall and CPU time) and the best of 3 runs of the `actas licences import`
//! command, and prints `openpyxl: X s; actas import: Y s; ratio ×Z` lines.

use std::path::{Path, PathBuf};

use actas::clock::Clock;
use actas::registers::licences::{parse_master, LICENCE_COLUMNS};
use actas::registers::read_table;
use actas::service::Service;
use actas::store::Store;
use actas::template::load_catalogue;
use chrono::{Datelike, NaiveDate};
use criterion::{criterion_group, Criterion};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const OFFICES: [&str; 6] = ["OTI", "DEIN", "DEAR", "OA", "OPP", "GG"];
const MONTHS: [&str; 12] = [
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "set", "oct", "nov", "dic",
];

/// A date as an office types it: one of five spellings, by `style`.
fn date_text(d: NaiveDate, style: usize) -> String {
    match style % 5 {
        0 => format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()),
        1 => format!(
            "{:02}-{}-{}",
            d.day(),
            MONTHS[d.month0() as usize],
            d.year()
        ),
        2 => format!(
            "{} de {} de {}",
            d.day(),
            actas::dates::MONTHS[d.month0() as usize],
            d.year()
        ),
        3 => format!("{}-{:02}-{:02}", d.year(), d.month(), d.day()),
        _ => format!("{:02}.{:02}.{:02}", d.day(), d.month(), d.year() % 100),
    }
}

/// `1,234.50`: soles with thousands separators.
fn soles_text(value: f64) -> String {
    actas::registers::excel::format_cents((value * 100.0).round() as i64)
}

fn rows() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        50_000
    } else {
        2_000
    }
}

/// Writes the master once and returns its path.
fn master(rows: usize) -> PathBuf {
    let path = std::env::temp_dir().join(format!("actas-licences-{rows}.xlsx"));
    let mut workbook = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let sheet = workbook.add_worksheet();
    sheet
        .merge_range(
            0,
            0,
            0,
            15,
            "MAESTRO DE LA OTI DE LICENCIAMIENTO",
            &Format::new(),
        )
        .expect("title");
    let header = [
        "ITEM",
        "REG SIAF",
        "ORDEN",
        "CANTIDAD ADQUIRIDA",
        "SOFTWARE Y/O LICENCIA DE SOFTWARE",
        "TIPO DE LICENCIA",
        "UBICACIÓN",
        "INICIO",
        "TERMINO",
        "ESTIMACION VIDA UTIL (MESES)",
        "VALOR ADQUISICION S/",
        "AMORTIZ. ACUMULADA S/",
        "SALDO NETO AL 31.12.25 S/",
        "ESTADO",
        "NOTA CCP",
        "Mes",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).expect("header");
    }
    let base = NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
    for i in 0..rows {
        let r = 3 + i as u32;
        let inicio = base + chrono::Days::new((i % 700) as u64);
        let termino = inicio + chrono::Days::new(365);
        let valor = 1_000.0 + (i % 5_000) as f64 * 1.25;
        let amort = (valor / 3.0 * 100.0).round() / 100.0;
        sheet.write_number(r, 0, (i + 1) as f64).expect("cell");
        sheet.write_number(r, 1, (10_000 + i) as f64).expect("cell");
        sheet
            .write_string(r, 2, format!("OC-{i:06}"))
            .expect("cell");
        if i % 7 == 0 {
            sheet
                .write_string(r, 3, (1 + i % 50).to_string())
                .expect("cell");
        } else {
            sheet.write_number(r, 3, (1 + i % 50) as f64).expect("cell");
        }
        sheet
            .write_string(r, 4, format!("Licencia de software {i}"))
            .expect("cell");
        sheet.write_string(r, 5, "Suscripción anual").expect("cell");
        sheet
            .write_string(r, 6, OFFICES[i % OFFICES.len()])
            .expect("cell");
        let excel = |d: NaiveDate| {
            ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).expect("date")
        };
        // INICIO and TERMINO: an Excel date one row in three, else text.
        for (col, day, shift) in [(7u16, inicio, 0usize), (8, termino, 2)] {
            if (i + shift) % 3 == 0 {
                sheet
                    .write_datetime_with_format(r, col, excel(day), &date)
                    .expect("cell");
            } else {
                sheet
                    .write_string(r, col, date_text(day, i / 3 + shift))
                    .expect("cell");
            }
        }
        sheet.write_number(r, 9, 12).expect("cell");
        match i % 4 {
            0 => sheet.write_string(r, 10, format!("S/ {}", soles_text(valor))),
            1 => sheet.write_string(
                r,
                10,
                format!("S/. {}", format!("{valor:.2}").replace('.', ",")),
            ),
            _ => sheet.write_number(r, 10, valor),
        }
        .expect("cell");
        if i % 5 == 0 {
            sheet.write_string(r, 11, soles_text(amort)).expect("cell");
        } else {
            sheet.write_number(r, 11, amort).expect("cell");
        }
        sheet.write_number(r, 12, valor - amort).expect("cell");
        sheet.write_string(r, 13, "Activo").expect("cell");
        sheet.write_string(r, 15, "Diciembre").expect("cell");
    }
    workbook.save(&path).expect("master written");
    path
}

fn bench_import(c: &mut Criterion) {
    let rows = rows();
    let path = master(rows);
    eprintln!("maestro de prueba: {} ({rows} filas)", path.display());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let service = Service::new(
        load_catalogue(&root.join("templates")).expect("templates"),
        Clock::parse("2026-03-15T10:00:00-05:00").expect("clock"),
    );
    let bytes = std::fs::read(&path).expect("master readable");

    if std::env::var_os("ACTAS_BENCH_PHASES").is_some() {
        phases(&bytes);
    }
    let mut group = c.benchmark_group("licences");
    group.sample_size(10);
    group.bench_function(format!("read_parse_{rows}"), |b| {
        b.iter(|| {
            let table = read_table("m.xlsx", &bytes, &LICENCE_COLUMNS).expect("table");
            let parsed = parse_master(&table);
            assert_eq!(parsed.licences.len(), rows);
            parsed
        })
    });
    group.bench_function(format!("import_{rows}"), |b| {
        b.iter_with_setup(
            || tempfile::tempdir().expect("temporary folder"),
            |dir| {
                let mut store = Store::open(&dir.path().join("actas.db")).expect("store");
                let report = service
                    .import_licences(&mut store, &path, "bench")
                    .expect("import");
                assert_eq!(report.imported, rows);
                assert!(report.rejected.is_empty());
                dir
            },
        )
    });
    group.finish();
}

/// CPU time of this process (user + system) from `/proc/self/stat`, in
/// clock ticks of 10 ms: on a busy machine it says what an import costs
/// when wall time is stretched by other processes.
fn cpu_ms() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // Fields 14 and 15 of the line (utime, stime) are 11 and 12 after «)».
    (tick(11) + tick(12)) * 10
}

/// `ACTAS_BENCH_PHASES=1`: prints where an import's time goes (wall and
/// CPU), five times.
fn phases(bytes: &[u8]) {
    use actas::store::registers::ImportMeta;
    for _ in 0..5 {
        let (t, c) = (std::time::Instant::now(), cpu_ms());
        {
            use calamine::Reader;
            let mut workbook: calamine::Xlsx<_> =
                calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
            let range = workbook.worksheet_range("Sheet1").expect("sheet");
            assert!(range.height() > 0);
        }
        let (calamine, calamine_cpu) = (t.elapsed(), cpu_ms() - c);
        let (t, c) = (std::time::Instant::now(), cpu_ms());
        let table = read_table("m.xlsx", bytes, &LICENCE_COLUMNS).expect("table");
        let (read, read_cpu) = (t.elapsed(), cpu_ms() - c);
        let (t, c) = (std::time::Instant::now(), cpu_ms());
        let parsed = parse_master(&table);
        let (parse, parse_cpu) = (t.elapsed(), cpu_ms() - c);
        let dir = tempfile::tempdir().expect("temporary folder");
        let mut store = Store::open(&dir.path().join("actas.db")).expect("store");
        let at = Clock::parse("2026-03-15T10:00:00-05:00")
            .expect("clock")
            .now();
        let sha = actas::store::sha256_hex(bytes);
        let (t, c) = (std::time::Instant::now(), cpu_ms());
        store
            .import_keyed_licences(
                &ImportMeta {
                    register: "licencias",
                    file_name: "m.xlsx",
                    sha256: &sha,
                    sheet: None,
                    header_row: Some(3),
                    rejected: parsed.rejected.len(),
                    warnings: &parsed.warnings,
                    rejections: &parsed.rejected,
                    actor: "bench",
                    at: &at,
                },
                &parsed.licences,
                &parsed.keys,
            )
            .expect("stored");
        eprintln!(
            "calamine alone {calamine:.0?} (cpu {calamine_cpu} ms); read_table {read:.0?} (cpu {read_cpu} ms), parse {parse:.0?} (cpu {parse_cpu} ms), \
             store {:.0?} (cpu {} ms), {} licences",
            t.elapsed(),
            cpu_ms() - c,
            parsed.licences.len()
        );
    }
}

/// The openpyxl baseline on the same master, against the best of three
/// imports, printed as one line.
fn openpyxl_comparison() {
    let rows = rows();
    if rows != 50_000 {
        return;
    }
    let has_openpyxl = std::process::Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_openpyxl {
        eprintln!("openpyxl: no disponible (pip install openpyxl==3.1.5); sin comparación");
        return;
    }
    let path = master(rows);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let service = Service::new(
        load_catalogue(&root.join("templates")).expect("templates"),
        Clock::parse("2026-03-15T10:00:00-05:00").expect("clock"),
    );
    // Best of three imports: wall time, and CPU time of this process
    // (all threads) — the import's cost on one core.
    let (mut actas, mut actas_cpu) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..3 {
        let dir = tempfile::tempdir().expect("temporary folder");
        let (start, cpu) = (std::time::Instant::now(), cpu_ms());
        let mut store = Store::open(&dir.path().join("actas.db")).expect("store");
        let report = service
            .import_licences(&mut store, &path, "bench")
            .expect("import");
        actas = actas.min(start.elapsed().as_secs_f64());
        actas_cpu = actas_cpu.min((cpu_ms() - cpu) as f64 / 1000.0);
        assert_eq!(report.imported, rows);
    }
    let command = best_command_import(root, &path);
    let script = root.join("benches/openpyxl_baseline.py");
    let start = std::time::Instant::now();
    let output = std::process::Command::new("python3")
        .arg(&script)
        .arg(&path)
        .arg("3")
        .output()
        .expect("python3 runs");
    let wall = start.elapsed().as_secs_f64() / 3.0;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        eprintln!(
            "openpyxl: el script falló: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        return;
    }
    // «mejor de 3: 4.321 s» and «cpu mejor de 3: 4.100 s».
    let seconds = |prefix: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .and_then(|l| l.trim_end_matches(" s").trim().parse::<f64>().ok())
    };
    let openpyxl = seconds("mejor de 3: ").unwrap_or(wall);
    let openpyxl_cpu = seconds("cpu mejor de 3: ").unwrap_or(openpyxl);
    println!(
        "openpyxl: {openpyxl:.3} s; actas import: {actas:.3} s; ratio ×{:.1} (pared, mejor de 3)",
        openpyxl / actas
    );
    println!(
        "openpyxl: {openpyxl_cpu:.3} s CPU; actas import: {actas_cpu:.3} s CPU; ratio ×{:.1} (un núcleo)",
        openpyxl_cpu / actas_cpu
    );
    println!(
        "openpyxl: {openpyxl:.3} s; `actas licences import` (el comando, proceso nuevo): {command:.3} s; ratio ×{:.1} (pared, mejor de 3)",
        openpyxl / command
    );
}

/// Best of three runs of the `actas licences import` command itself, each
/// into a fresh database: what a user waits for, process start included.
fn best_command_import(root: &Path, master: &Path) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let dir = tempfile::tempdir().expect("temporary folder");
        let start = std::time::Instant::now();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_actas"))
            .arg("--templates")
            .arg(root.join("templates"))
            .arg("--db")
            .arg(dir.path().join("actas.db"))
            .args(["licences", "import"])
            .arg(master)
            .env("ACTAS_NOW", "2026-03-15T10:00:00-05:00")
            .env("ACTAS_USUARIO", "bench")
            .output()
            .expect("actas runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        best = best.min(start.elapsed().as_secs_f64());
    }
    best
}

/// The allocator the `actas` binary installs, so the figures are the
/// command's.
#[global_allocator]
static ALLOCATOR: actas::allocator::Allocator = actas::allocator::Allocator;

criterion_group!(benches, bench_import);

fn main() {
    // First, while the process is as fresh as the command's: after
    // criterion's hundred imports the same import measured up to half as
    // slow again (freed memory the system had taken back).
    openpyxl_comparison();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
