//! The hostile and messy inputs that once crashed, aborted or overflowed,
//! through the real `actas` binary: each gives one Spanish line naming the
//! file and the limit (and stores nothing), or imports correctly. Inputs
//! the fuzzer keeps are under `fuzz/regressions/`; the bounds are
//! `actas::limits`.

#[allow(dead_code)] // the helpers other test files use
mod common;

use std::path::{Path, PathBuf};

use common::{s, Sandbox};
use serde_json::Value as Json;

fn regression(target: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target)
        .join(name)
}

/// One cell in A1 and one in XFD1048576: calamine would have allocated 17
/// billion cells and the process aborted.
#[test]
fn a_sheet_spanning_a1_to_xfd1048576_is_refused_before_allocating() {
    let sb = Sandbox::new();
    let file = regression("register_xlsx", "a1-xfd1048576.xlsx");
    let line = sb.run(&["licences", "import", s(&file)]).assert_fails();
    assert!(line.contains("a1-xfd1048576.xlsx"), "{line}");
    assert!(
        line.contains("la hoja «Hoja1» ocupa de A1 a XFD1048576 (17 179 869 184 celdas); el máximo admitido es 5 000 000 celdas"),
        "{line}"
    );
    assert!(line.ends_with("no se importó nada"), "{line}");
    sb.assert_nothing_stored();
}

/// A row repeated a million times with a hundred filled cells.
#[test]
fn an_ods_repeating_rows_past_the_cell_limit_is_refused() {
    let sb = Sandbox::new();
    let file = regression("register_ods", "rows-repeated.ods");
    let line = sb.run(&["maintenance", "import", s(&file)]).assert_fails();
    assert!(line.contains("rows-repeated.ods"), "{line}");
    assert!(
        line.contains("(100 000 000 celdas); el máximo admitido es 5 000 000 celdas"),
        "{line}"
    );
}

/// `15/03/2024<NBSP>22:30` used to panic («byte index is not a char
/// boundary»); it is a date-time like any other.
#[test]
fn a_date_time_with_a_non_breaking_space_imports() {
    let sb = Sandbox::new();
    let csv = "Fecha;Servidor;Activo de información;Tipo de respaldo;Hora inicio;Hora fin;Resultado\n\
               15/03/2024;SRV-1;Base de datos;Completo;15/03/2024\u{a0}22:30;16/03/2024\u{202f}01:10;Exitoso\n";
    let file = sb.path("respaldos.csv");
    std::fs::write(&file, csv).unwrap();
    let run = sb.run(&["backups", "import", s(&file), "--json"]);
    run.assert_ok();
    let report: Json = run.json();
    assert_eq!(report["imported"], 1, "{report}");
    let runs = sb
        .run(&[
            "backups",
            "list",
            "--from",
            "2024-03-15",
            "--to",
            "2024-03-15",
            "--json",
        ])
        .json();
    assert_eq!(runs[0]["inicio"], "2024-03-15T22:30:00", "{runs}");
    assert_eq!(runs[0]["fin"], "2024-03-16T01:10:00", "{runs}");
}

/// `92233720368547758.99` used to overflow `i64`; now that cell is left
/// empty with a warning, and its licence is kept like the others.
#[test]
fn an_amount_past_the_limit_empties_its_cell_only() {
    let sb = Sandbox::new();
    let csv = "SOFTWARE,UBICACIÓN,TERMINO,VALOR ADQUISICION S/\n\
               Office,OTI,31/12/2026,\"S/ 1,234.50\"\n\
               AutoCAD,OTI,31/12/2026,92233720368547758.99\n";
    let file = sb.path("maestro.csv");
    std::fs::write(&file, csv).unwrap();
    let report = sb.run(&["licences", "import", s(&file), "--json"]).json();
    assert_eq!(report["imported"], 2, "{report}");
    assert_eq!(report["rejected"], serde_json::json!([]), "{report}");
    let warned = &report["warnings"][0];
    assert_eq!(warned["row"], 3, "{report}");
    assert_eq!(warned["column"], "VALOR ADQUISICION S/", "{report}");
    assert!(
        warned["reason"]
            .as_str()
            .unwrap()
            .starts_with("importe fuera de rango «92233720368547758.99»"),
        "{report}"
    );
}

/// Typed arguments: an impossible date or an endless window is an argument
/// error (exit 2), in Spanish, before anything runs.
#[test]
fn impossible_dates_and_windows_are_argument_errors() {
    let sb = Sandbox::new();
    for (args, expected) in [
        (
            &[
                "bundle",
                "export",
                "--from",
                "2026-13-01",
                "-o",
                "x.zip",
                "--p12",
                "x.p12",
            ][..],
            "--from <AAAA-MM-DD>: fecha inválida «2026-13-01» (se espera AAAA-MM-DD)",
        ),
        (
            &["licences", "expiring", "--within", "4000000000"][..],
            "no es un número de días entre 0 y 36500",
        ),
        (
            &[
                "backups",
                "form",
                "--from",
                "2026-02-30",
                "--to",
                "2026-03-01",
                "-o",
                "x.pdf",
            ][..],
            "fecha inválida «2026-02-30»",
        ),
        (
            &[
                "bundle",
                "export",
                "--status",
                "archivado",
                "-o",
                "x.zip",
                "--p12",
                "x.p12",
            ][..],
            "«archivado» no es un valor admitido (valores: borrador, en-firma, firmado)",
        ),
    ] {
        let run = sb.run(args);
        let line = run.assert_fails();
        assert_eq!(run.code(), Some(2), "{args:?}: {line}");
        assert!(line.starts_with("actas: argumentos inválidos: "), "{line}");
        assert!(line.contains(expected), "{args:?}: {line}");
    }
    assert!(!sb.db.exists(), "an argument error created the database");
}
