//! Integration tests of the registers (issue 5) through the real `actas`
//! binary: licence masters written as messy workbooks here (rust_xlsxwriter)
//! with the expected counts computed while writing them, the .xls and .ods
//! fixtures of `tests/fixtures/registers/`, fatal files that import nothing,
//! re-imports, the summary for a chosen date, tape retention and custody,
//! and the forms generated from the backup, tape and maintenance registers
//! (checked with `qpdf --check` and `pdftotext`).

#[allow(dead_code)]
mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{Datelike, Days, NaiveDate};
use common::Sandbox;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::{json, Value as Json};

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/registers")
        .join(name)
}

/// `qpdf --check` passes on `pdf`.
fn assert_qpdf_ok(pdf: &Path) {
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(pdf)
        .output()
        .expect("qpdf is installed (scripts/install-deps.sh test)");
    assert!(
        out.status.success(),
        "qpdf --check failed on {}: {}{}",
        pdf.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs a form command with `-o pdf`: it succeeds and the PDF passes
/// `qpdf --check`. Returns what it printed and the PDF's text.
fn generate_form(sb: &Sandbox, args: &[&str], pdf: &Path) -> (String, String) {
    let mut args = args.to_vec();
    args.extend(["-o", s(pdf)]);
    let run = sb.run(&args);
    run.assert_ok();
    assert_qpdf_ok(pdf);
    (run.stdout.clone(), pdf_text(pdf))
}

/// `actas <command…> FILE --json`: the import report.
fn import_json(sb: &Sandbox, command: &[&str], file: &Path) -> Json {
    let mut args = command.to_vec();
    args.extend([s(file), "--json"]);
    sb.run(&args).json()
}

fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// ---------------------------------------------------------------- messy masters

const AS_OF: (i32, u32, u32) = (2026, 3, 15);

const OFFICES: [&str; 4] = [
    "Oficina de Tecnologías de la Información – OTI",
    "Dirección de Evaluación Ambiental para Proyectos de Infraestructura – DEIN",
    "Oficina de Administración – OA",
    "Dirección de Gestión Estratégica en Evaluación Ambiental – DGE",
];

const MONTHS_SHORT: [&str; 12] = [
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "set", "oct", "nov", "dic",
];

/// What a written master must import to.
#[derive(Debug, Default)]
struct Expected {
    /// (TERMINO, VALOR in cents) of each licence that imports: every row
    /// that names a software, with the unreadable cells empty.
    licences: Vec<(Option<NaiveDate>, Option<i64>)>,
    /// (sheet row, column) of each rejection: the rows without software.
    rejected: BTreeSet<(u32, String)>,
    /// (sheet row, column) of each warning: a cell left empty, an INICIO
    /// after TERMINO, a SALDO NETO that does not add up.
    warnings: BTreeSet<(u32, String)>,
    /// Rows whose SALDO NETO does not add up.
    saldo_warnings: usize,
    /// Licences under the vertically merged UBICACIÓN.
    merged_group: Vec<String>,
    /// Software of licences with an INICIO after TERMINO, and of licences
    /// with an unreadable VALOR, whose TERMINO is within 30 days of AS_OF.
    flagged_expiring: Vec<String>,
}

impl Expected {
    fn summary(&self, as_of: NaiveDate) -> Json {
        let days = |t: &NaiveDate| (*t - as_of).num_days();
        let within = |n: i64| {
            self.licences
                .iter()
                .filter(|(t, _)| t.is_some_and(|t| (0..=n).contains(&days(&t))))
                .count()
        };
        let cents: i64 = self.licences.iter().filter_map(|(_, v)| *v).sum();
        json!({
            "total": self.licences.len(),
            "expired": self
                .licences
                .iter()
                .filter(|(t, _)| t.is_some_and(|t| days(&t) < 0))
                .count(),
            "within_30": within(30),
            "within_60": within(60),
            "within_90": within(90),
            "valor_adquisicion_total": cents as f64 / 100.0,
        })
    }
}

fn soles_text(cents: i64) -> String {
    let units = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in units.chars().enumerate() {
        if i > 0 && (units.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("S/ {grouped}.{:02}", cents % 100)
}

fn excel_date(date: NaiveDate) -> ExcelDateTime {
    ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)
        .expect("date in Excel's range")
}

/// Writes a licence master with `n` licence rows and every irregularity the
/// issue lists; `shift` moves every TERMINO by that many days (a corrected
/// master). Returns what it must import to.
fn write_messy_master(path: &Path, n: usize, shift: i64) -> Expected {
    let as_of = d(AS_OF.0, AS_OF.1, AS_OF.2);
    let mut expected = Expected::default();
    let mut workbook = Workbook::new();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let title = Format::new().set_bold();

    // An extra sheet before the master: a summary with no licence header.
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name("Resumen").unwrap();
        sheet.write_string(0, 0, "RESUMEN POR UBICACIÓN").unwrap();
        sheet.write_string(2, 0, "UBICACIÓN").unwrap();
        sheet.write_string(2, 1, "TOTAL").unwrap();
        for (i, office) in OFFICES.iter().enumerate() {
            sheet.write_string(3 + i as u32, 0, *office).unwrap();
            sheet.write_number(3 + i as u32, 1, i as f64).unwrap();
        }
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name("Maestro 2026").unwrap();
    // Title rows, merged across the table.
    sheet
        .merge_range(
            0,
            0,
            0,
            15,
            "SENACE – OFICINA DE TECNOLOGÍAS DE LA INFORMACIÓN",
            &title,
        )
        .unwrap();
    sheet
        .merge_range(
            1,
            0,
            1,
            15,
            "ANEXO 01: MAESTRO DE LA OTI DE LICENCIAMIENTO",
            &title,
        )
        .unwrap();
    sheet
        .write_string(2, 0, "Actualizado al: 31/12/2025")
        .unwrap();
    // Header on sheet row 5, spelled as people do: case, accents, spaces, line breaks.
    let header = [
        "ÍTEM",
        "Reg.  SIAF",
        "orden",
        "Cantidad\nAdquirida",
        "Software y/o Licencia de Software",
        "TIPO DE LICENCIA",
        "Ubicacion",
        "Inicio",
        "Término",
        "Estimación vida útil (meses)",
        "Valor Adquisición S/",
        "Amortiz. Acumulada S/",
        "  Saldo Neto al 31.12.25 S/ ",
        "Estado",
        "Nota CCP",
        "MES",
    ];
    for (c, name) in header.iter().enumerate() {
        sheet.write_string(4, c as u16, *name).unwrap();
    }
    let mut row: u32 = 5;
    let mut valor_total: i64 = 0;
    let merged = 20..25;
    for i in 0..n {
        if i % 10 == 9 {
            row += 1; // a blank row
        }
        let sheet_row = row + 1;
        let termino = as_of
            .checked_add_signed(chrono::Duration::days((i as i64 * 7) % 400 - 100 + shift))
            .unwrap();
        // INICIO after TERMINO: kept, flagged, still tracked (row 16 ends in 12 days).
        let inverted = i == 16 || i % 71 == 20;
        let inicio = if inverted {
            termino.checked_add_days(Days::new(10)).unwrap()
        } else {
            termino.checked_sub_days(Days::new(365)).unwrap()
        };
        let valor = 10_000 + i as i64 * 137;
        let amortizacion = valor / 2;
        let saldo = if i % 13 == 5 {
            valor - amortizacion + 100
        } else {
            valor - amortizacion
        };
        let bad_termino = i % 97 == 50;
        let bad_valor = i % 89 == 40;
        let no_software = i % 83 == 30;
        let ubicacion = OFFICES[i % OFFICES.len()];

        sheet.write_number(row, 0, (i + 1) as f64).unwrap();
        sheet.write_number(row, 1, (1000 + i) as f64).unwrap();
        sheet
            .write_string(row, 2, format!("OC-{i:04}-2025"))
            .unwrap();
        sheet.write_number(row, 3, (1 + i % 20) as f64).unwrap();
        if !no_software {
            sheet
                .write_string(row, 4, format!("Software {i:05}"))
                .unwrap();
        }
        sheet.write_string(row, 5, "Suscripción anual").unwrap();
        if merged.contains(&i) {
            // UBICACIÓN merged down the rows of one office.
            if i == merged.start {
                sheet
                    .merge_range(
                        row,
                        6,
                        row + (merged.len() as u32 - 1),
                        6,
                        OFFICES[2],
                        &Format::new(),
                    )
                    .unwrap();
            }
            expected.merged_group.push(format!("Software {i:05}"));
        } else {
            sheet.write_string(row, 6, ubicacion).unwrap();
        }
        sheet
            .write_datetime_with_format(row, 7, excel_date(inicio), &date_format)
            .unwrap();
        if bad_termino {
            sheet.write_string(row, 8, "31/02/2026").unwrap();
        } else {
            let m = termino.month0() as usize;
            match i % 5 {
                0 => {
                    sheet
                        .write_datetime_with_format(row, 8, excel_date(termino), &date_format)
                        .unwrap();
                }
                1 => {
                    sheet
                        .write_string(row, 8, termino.format("%d/%m/%Y").to_string())
                        .unwrap();
                }
                2 => {
                    sheet
                        .write_string(
                            row,
                            8,
                            format!(
                                "{:02}-{}-{}",
                                termino.day(),
                                MONTHS_SHORT[m],
                                termino.year()
                            ),
                        )
                        .unwrap();
                }
                3 => {
                    sheet
                        .write_string(
                            row,
                            8,
                            format!(
                                "{} de {} de {}",
                                termino.day(),
                                actas::dates::MONTHS[m],
                                termino.year()
                            ),
                        )
                        .unwrap();
                }
                _ => {
                    // An Excel serial in a cell without a date format.
                    let serial = (termino - d(1899, 12, 30)).num_days();
                    sheet.write_number(row, 8, serial as f64).unwrap();
                }
            }
        }
        sheet.write_number(row, 9, 12).unwrap();
        if bad_valor {
            sheet.write_string(row, 10, "mil soles").unwrap();
        } else if i % 3 == 0 {
            sheet.write_number(row, 10, valor as f64 / 100.0).unwrap();
        } else {
            sheet.write_string(row, 10, soles_text(valor)).unwrap();
        }
        sheet
            .write_number(row, 11, amortizacion as f64 / 100.0)
            .unwrap();
        if i % 2 == 0 {
            sheet.write_number(row, 12, saldo as f64 / 100.0).unwrap();
        } else {
            sheet.write_string(row, 12, soles_text(saldo)).unwrap();
        }
        sheet.write_string(row, 13, "Activo").unwrap();
        sheet.write_string(row, 15, "Marzo").unwrap();

        let software = format!("Software {i:05}");
        if no_software {
            expected
                .rejected
                .insert((sheet_row, "SOFTWARE Y/O LICENCIA DE SOFTWARE".into()));
        } else {
            let mut warn = |column: &str| expected.warnings.insert((sheet_row, column.into()));
            if inverted && !bad_termino {
                warn("INICIO");
            }
            if bad_termino {
                warn("TERMINO");
            }
            if bad_valor {
                warn("VALOR ADQUISICION S/");
            }
            if i % 13 == 5 && !bad_valor {
                warn("SALDO NETO");
                expected.saldo_warnings += 1;
            }
            let kept_termino = (!bad_termino).then_some(termino);
            let kept_valor = (!bad_valor).then_some(valor);
            expected.licences.push((kept_termino, kept_valor));
            if let Some(v) = kept_valor {
                valor_total += v;
            }
            let days = (termino - as_of).num_days();
            if (inverted || bad_valor) && !bad_termino && (0..=30).contains(&days) {
                expected.flagged_expiring.push(software);
            }
        }
        row += 1;
    }
    // The TOTAL row, then the sheet's notes: one off to the side, two under
    // the table's first column (skipped, not reported).
    sheet.write_string(row, 0, "TOTAL").unwrap();
    sheet
        .write_number(row, 10, valor_total as f64 / 100.0)
        .unwrap();
    sheet
        .write_string(row + 2, 18, "Revisado: Jefe de la OTI")
        .unwrap();
    sheet
        .write_string(
            row + 2,
            0,
            "Fuente: SIAF-SP, reporte de bienes intangibles al 31/12/2025",
        )
        .unwrap();
    sheet
        .write_string(row + 3, 0, "Elaborado por: Especialista en SD")
        .unwrap();
    // An extra sheet after the master.
    {
        let lists = workbook.add_worksheet();
        lists.set_name("Listas").unwrap();
        lists.write_string(0, 0, "TIPO DE LICENCIA").unwrap();
        lists.write_string(1, 0, "Suscripción anual").unwrap();
    }
    workbook.save(path).unwrap();
    expected
}

/// Rows of `sheet` between the licence header and the TOTAL row that name a
/// software or have any other cell filled, as openpyxl (an independent
/// reader, `scripts/install-deps.sh test`) sees them.
fn openpyxl_licence_rows(path: &Path, sheet: &str) -> usize {
    let script = r#"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)[sys.argv[2]]
rows = list(ws.iter_rows(values_only=True))
header = next(i for i, r in enumerate(rows) if any(isinstance(c, str) and 'software' in c.lower() for c in r))
count = 0
for r in rows[header + 1:]:
    cells = [c for c in r[:16] if c not in (None, '')]
    if cells and isinstance(cells[0], str) and cells[0].strip().upper().startswith('TOTAL'):
        break
    if cells:
        count += 1
print(count)
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .arg(sheet)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "openpyxl (scripts/install-deps.sh test): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a count")
}

fn rejected_set(report: &Json) -> BTreeSet<(u32, String)> {
    problem_set(report, "rejected")
}

/// The (row, column) of every entry of `report[list]`, each with a reason.
fn problem_set(report: &Json, list: &str) -> BTreeSet<(u32, String)> {
    report[list]
        .as_array()
        .unwrap_or_else(|| panic!("{list} is an array: {report}"))
        .iter()
        .map(|r| {
            assert!(
                !r["reason"].as_str().unwrap_or_default().is_empty(),
                "a rejection without reason: {r}"
            );
            (
                r["row"].as_u64().expect("row") as u32,
                r["column"].as_str().expect("column").to_string(),
            )
        })
        .collect()
}

#[test]
fn messy_xlsx_master_imports_every_readable_row() {
    let sb = Sandbox::new();
    let path = sb.path("Maestro OTI 2026.xlsx");
    let expected = write_messy_master(&path, 300, 0);
    assert!(
        expected.rejected.len() >= 3 && expected.warnings.len() >= 20,
        "the workbook has rows without software and bad cells: {expected:?}"
    );

    let run = sb.run(&["licences", "import", s(&path), "--json"]);
    run.assert_ok();
    let report = run.json();
    let keys: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["imported", "updated", "warnings", "rejected"]);
    assert_eq!(report["imported"], expected.licences.len());
    assert_eq!(report["updated"], 0);
    // Exactly the planted cells and rows; nothing for the notes under TOTAL.
    assert_eq!(problem_set(&report, "warnings"), expected.warnings);
    assert_eq!(
        report["warnings"].as_array().unwrap().len(),
        expected.warnings.len()
    );
    assert_eq!(rejected_set(&report), expected.rejected);
    assert_eq!(
        report["rejected"].as_array().unwrap().len(),
        expected.rejected.len(),
        "each rejected row listed once"
    );
    // An independent reader agrees: every filled row between the header and
    // TOTAL is either imported or rejected, once.
    let oracle = openpyxl_licence_rows(&path, "Maestro 2026");
    assert_eq!(oracle, expected.licences.len() + expected.rejected.len());
    assert_eq!(
        report["imported"].as_u64().unwrap() as usize
            + report["rejected"].as_array().unwrap().len(),
        oracle,
        "openpyxl's row count"
    );

    // A licence with an INICIO after TERMINO or an unreadable VALOR is still
    // in the expiry list (one ending in 12 days, one in 3).
    assert!(expected.flagged_expiring.len() >= 2, "{expected:?}");
    let expiring = sb
        .run(&[
            "licences",
            "expiring",
            "--within",
            "30",
            "--as-of",
            "2026-03-15",
            "--json",
        ])
        .json();
    let listed: Vec<&str> = expiring["licences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["software"].as_str().unwrap())
        .collect();
    for software in &expected.flagged_expiring {
        assert!(
            listed.contains(&software.as_str()),
            "{software} missing: {listed:?}"
        );
    }
    let inverted = expiring["licences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["software"] == "Software 00016")
        .expect("the INICIO > TERMINO licence");
    assert_eq!(inverted["situacion"], "por vencer");
    assert_eq!(inverted["inicio"], Json::Null);
    assert_eq!(inverted["dias_restantes"], 12);

    // The summary, exact, for the chosen date.
    let as_of = d(AS_OF.0, AS_OF.1, AS_OF.2);
    let summary = sb.run(&["licences", "summary", "--as-of", "2026-03-15", "--json"]);
    summary.assert_ok();
    assert_eq!(summary.json(), expected.summary(as_of));
    // …and for another date.
    let summary = sb.run(&["licences", "summary", "--as-of", "2026-07-01", "--json"]);
    assert_eq!(summary.json(), expected.summary(d(2026, 7, 1)));

    // Human output: Spanish, with the warnings of SALDO NETO.
    let again = sb.run(&["licences", "import", s(&path)]);
    again.assert_ok();
    assert!(
        again
            .stdout
            .contains("hoja «Maestro 2026», encabezados en la fila 5"),
        "{}",
        again.stdout
    );
    assert!(
        again.stdout.contains("Filas rechazadas"),
        "{}",
        again.stdout
    );
    assert_eq!(
        again.stdout.matches("SALDO NETO S/").count(),
        expected.saldo_warnings,
        "{}",
        again.stdout
    );
    assert!(
        again
            .stdout
            .contains("1 fila de totales y 2 notas bajo el total"),
        "{}",
        again.stdout
    );
    assert!(!again.stdout.contains("Fuente"), "{}", again.stdout);

    // The merged UBICACIÓN reached every row under it.
    let list = sb.run(&["licences", "list", "--as-of", "2026-03-15", "--json"]);
    list.assert_ok();
    let list = list.json();
    for software in &expected.merged_group {
        let licence = list
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["software"] == software.as_str())
            .unwrap_or_else(|| panic!("{software} not imported"));
        assert_eq!(licence["ubicacion"], OFFICES[2], "{licence}");
    }
    let inconsistent = sb.run(&["licences", "list", "--inconsistent", "--json"]);
    assert_eq!(
        inconsistent.json().as_array().unwrap().len(),
        expected.saldo_warnings
    );

    // One import = one audit row, and the chain holds.
    let audit = sb.run(&["audit", "verify"]);
    audit.assert_ok();
    assert!(
        audit.stdout.contains("2 filas verificadas"),
        "{}",
        audit.stdout
    );
}

#[test]
fn reimport_updates_by_key_instead_of_duplicating() {
    let sb = Sandbox::new();
    let first = sb.path("maestro-enero.xlsx");
    let e1 = write_messy_master(&first, 120, 0);
    sb.run(&["licences", "import", s(&first)]).assert_ok();

    // The same master again: everything is an update.
    let report = import_json(&sb, &["licences", "import"], &first);
    assert_eq!(report["imported"], 0);
    assert_eq!(report["updated"], e1.licences.len());

    // A longer master whose TERMINO moved 30 days: old rows update, new ones insert.
    let second = sb.path("maestro-marzo.xlsx");
    let e2 = write_messy_master(&second, 160, 30);
    let report = import_json(&sb, &["licences", "import"], &second);
    assert_eq!(report["updated"], e1.licences.len());
    assert_eq!(
        report["imported"],
        e2.licences.len() - e1.licences.len(),
        "only the new keys are inserted"
    );
    let summary = sb
        .run(&["licences", "summary", "--as-of", "2026-03-15", "--json"])
        .json();
    assert_eq!(summary, e2.summary(d(2026, 3, 15)));
}

#[test]
fn xls_and_ods_masters_read_like_xlsx() {
    for name in ["maestro.xls", "maestro.ods"] {
        let sb = Sandbox::new();
        let run = sb.run(&["licences", "import", s(&fixture(name)), "--json"]);
        run.assert_ok();
        let report = run.json();
        assert_eq!(report["imported"], 5, "{name}: {report}");
        assert_eq!(rejected_set(&report), BTreeSet::new(), "{name}");
        assert_eq!(
            problem_set(&report, "warnings"),
            BTreeSet::from([(8, "SALDO NETO".to_string()), (10, "TERMINO".to_string())]),
            "{name}"
        );
        // AutoCAD LT (TERMINO 31/02/2026) counts in the total and the value,
        // not in the expiry counts.
        let summary = sb
            .run(&["licences", "summary", "--as-of", "2026-03-15", "--json"])
            .json();
        assert_eq!(
            summary,
            json!({
                "total": 5, "expired": 0, "within_30": 1, "within_60": 3, "within_90": 3,
                "valor_adquisicion_total": 132150.0
            }),
            "{name}"
        );
        let expiring = sb
            .run(&[
                "licences",
                "expiring",
                "--within",
                "30",
                "--as-of",
                "2026-03-15",
                "--json",
            ])
            .json();
        let list = expiring["licences"].as_array().unwrap();
        assert_eq!(list.len(), 1, "{name}");
        assert_eq!(list[0]["software"], "ArcGIS Pro");
        assert_eq!(list[0]["termino"], "2026-03-31");
        assert_eq!(list[0]["dias_restantes"], 16);
        // The perpetual licence never expires; SALDO NETO of Acrobat does not add up.
        let all = sb.run(&["licences", "list", "--json"]).json();
        let winrar = all
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["software"] == "WinRAR")
            .unwrap();
        assert_eq!(winrar["situacion"], "perpetua");
        assert!(winrar["termino"].is_null());
        let autocad = all
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["software"] == "AutoCAD LT")
            .unwrap();
        assert_eq!(autocad["situacion"], "sin término", "{name}");
        assert!(autocad["termino"].is_null());
        let bad = sb
            .run(&["licences", "list", "--inconsistent", "--json"])
            .json();
        assert_eq!(bad[0]["software"], "Adobe Acrobat Pro", "{name}");
    }
}

#[test]
fn unreadable_files_and_missing_headers_import_nothing() {
    let sb = Sandbox::new();
    let garbage = sb.path("roto.xlsx");
    std::fs::write(&garbage, b"esto no es un libro de Excel").unwrap();
    let line = sb.run(&["licences", "import", s(&garbage)]).assert_fails();
    assert!(
        line.contains("no se puede leer") && line.contains("roto.xlsx"),
        "{line}"
    );

    let no_header = sb.path("sin-encabezado.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Licencias").unwrap();
    sheet.write_string(1, 0, "Office").unwrap();
    sheet.write_string(1, 1, "31/12/2026").unwrap();
    workbook.save(&no_header).unwrap();
    let line = sb
        .run(&["licences", "import", s(&no_header), "--json"])
        .assert_fails();
    assert!(
        line.contains("no se encontró la fila de encabezados del maestro de licencias")
            && line.contains("SOFTWARE Y/O LICENCIA DE SOFTWARE, UBICACIÓN, TERMINO")
            && line.contains("«Sheet1»"),
        "{line}"
    );

    let missing = sb
        .run(&["licences", "import", s(&sb.path("no-existe.xlsx"))])
        .assert_fails();
    assert!(missing.contains("no existe"), "{missing}");

    // Nothing was stored: no licences, no import, no audit row.
    sb.assert_nothing_stored();

    let bad_date = sb
        .run(&["licences", "summary", "--as-of", "15/03/2026"])
        .assert_fails();
    assert!(bad_date.contains("se espera AAAA-MM-DD"), "{bad_date}");
}

#[test]
fn notice_pdf_groups_by_ubicacion() {
    let sb = Sandbox::new();
    sb.run(&["licences", "import", s(&fixture("maestro.xls"))])
        .assert_ok();
    let notice = [
        "licences",
        "notice",
        "--within",
        "60",
        "--as-of",
        "2026-03-15",
    ];
    let (_, text) = generate_form(&sb, &notice, &sb.path("notificacion.pdf"));
    assert!(text.contains("NOTIFICACIÓN DE LICENCIAS POR"), "{text}");
    // Groups in order of UBICACIÓN, each licence under its office.
    let dein = text.find("ArcGIS Pro").expect("ArcGIS listed");
    let oa = text.find("Adobe Acrobat Pro").expect("Acrobat listed");
    let oti = text.find("Microsoft 365 E3").expect("M365 listed");
    assert!(dein < oa && oa < oti, "not grouped by UBICACIÓN:\n{text}");
    assert!(text.contains("14/05/2026"), "{text}");
    assert!(
        text.contains("maestro.xls, importado el 15/03/2026"),
        "{text}"
    );
    assert!(!text.contains("AutoCAD"), "a rejected row was notified");

    // Saved as a numbered document too.
    let (saved, _) = generate_form(&sb, &[&notice[..], &["--new"]].concat(), &sb.path("n2.pdf"));
    assert!(saved.contains("guardado como 2026-001"), "{saved}");

    // Nothing to notify: a clear refusal, no file.
    let none = sb
        .run(&[
            "licences",
            "notice",
            "--within",
            "5",
            "--as-of",
            "2026-03-15",
            "-o",
            s(&sb.path("x.pdf")),
        ])
        .assert_fails();
    assert!(none.contains("no hay licencias"), "{none}");
    assert!(!sb.path("x.pdf").exists());
}

// ---------------------------------------------------------------- tapes and backups

const RUNS_CSV: &str = "\
Bitácora diaria de copias de respaldo;;;;;;;;
;;;;;;;;
Fecha;Servidor;Activo de información;Tipo de respaldo;Hora inicio;Hora fin;Resultado;Código de cinta;Observaciones
01/03/2022;SRV-ORA-PROD01;Base de datos DBSENACEPR;Completo;01:00;03:50;Exitoso;LTO7-0100;
07/03/2022;SRV-ORA-PROD01;Base de datos DBSENACEPR;Incremental;01:00;01:45;Exitoso;LTO7-0100;
08/03/2022;SRV-FS01;File server;Full;22:00;00:15;OK;LTO7-0101;Termina al día siguiente
20/03/2022;SRV-FS01;File server;Diferencial;22:00;23:10;Exitoso;LTO7-0101;
01/02/2026;SRV-ORA-PROD01;Base de datos DBSENACEPR;Completo;01:00;03:40;Exitoso;LTO7-0200;
02/02/2026;SRV-ALF-EVA01;Gestor Documental Alfresco – EVA;Incremental;03:00;03:52;Parcial;LTO7-0200;2 archivos bloqueados
03/02/2026;SRV-ALF-EVA01;Gestor Documental Alfresco – EVA;semanal;03:00;03:52;Exitoso;LTO7-0200;
10/03/2026;SRV-SQL-PROD02;Base de datos BDSIGA;Completo;02:00;03:35;Fallido;;Sin cinta: falla de la librería
TOTAL;;;;;;;;
";

const CUSTODY_CSV: &str = "\
Fecha,Movimiento,Código de cinta,Código de caja,Empresa de custodia,Guía de remisión,N° de precinto,Responsable,Observaciones
10/03/2022,Entrega,LTO7-0100,SEN-C001,Custodia Andina S.A.C.,EG07-0001,P-1001,Carlos Mendoza,
25/03/2022,Entrega a custodia,LTO7-0101,SEN-C001,Custodia Andina S.A.C.,EG07-0002,P-1002,Carlos Mendoza,
05/02/2026,Entrega,LTO7-0200,SEN-C050,Custodia Andina S.A.C.,EG07-0500,P-5001,Carlos Mendoza,
05/02/2026,Entrega,LTO7-0201,SEN-C050,Custodia Andina S.A.C.,EG07-0500,P-5001,Carlos Mendoza,
01/03/2026,Retiro,LTO7-0200,SEN-C050,Custodia Andina S.A.C.,,P-5001,,Recuperación HD-2026-004127
10/03/2026,Retiro,LTO7-0201,SEN-C050,Custodia Andina S.A.C.,,,,Recuperación HD-2026-004200
12/03/2026,Entrega,LTO7-0201,SEN-C050,Custodia Andina S.A.C.,EG07-0510,P-5002,Carlos Mendoza,Devuelta tras la recuperación
14/03/2026,Préstamo,LTO7-0999,SEN-C099,Custodia Andina S.A.C.,,,,
";

fn tapes_sandbox() -> Sandbox {
    let sb = Sandbox::new();
    std::fs::write(sb.path("respaldos.csv"), RUNS_CSV).unwrap();
    std::fs::write(sb.path("custodia.csv"), CUSTODY_CSV).unwrap();
    let runs = import_json(&sb, &["backups", "import"], &sb.path("respaldos.csv"));
    assert_eq!(runs["imported"], 7, "{runs}");
    assert_eq!(
        rejected_set(&runs),
        BTreeSet::from([(10, "Tipo de respaldo".to_string())]),
        "{runs}"
    );
    let custody = import_json(&sb, &["tapes", "import"], &sb.path("custodia.csv"));
    assert_eq!(custody["imported"], 7, "{custody}");
    assert_eq!(
        rejected_set(&custody),
        BTreeSet::from([(9, "Movimiento".to_string())]),
        "{custody}"
    );
    sb
}

fn codes(list: &Json) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|t| t["codigo_cinta"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn tape_retention_and_custody() {
    let sb = tapes_sandbox();
    // Four years from the last backup on the tape: LTO7-0100's is 07/03/2022.
    let eligible = sb
        .run(&["tapes", "eligible", "--as-of", "2026-03-15", "--json"])
        .json();
    assert_eq!(codes(&eligible), ["LTO7-0100"]);
    assert_eq!(eligible[0]["retencion_hasta"], "2026-03-07");
    let before = sb
        .run(&["tapes", "eligible", "--as-of", "2026-03-06", "--json"])
        .json();
    assert!(before.as_array().unwrap().is_empty());
    // LTO7-0101's last backup is 20/03/2022: eligible from 20/03/2026, not a day earlier.
    let on = sb
        .run(&["tapes", "eligible", "--as-of", "2026-03-20", "--json"])
        .json();
    assert_eq!(codes(&on), ["LTO7-0100", "LTO7-0101"]);

    // LTO7-0200 left custody on 01/03/2026 for a recovery and did not come back.
    let overdue = sb
        .run(&["tapes", "overdue", "--as-of", "2026-03-15", "--json"])
        .json();
    assert_eq!(codes(&overdue), ["LTO7-0200"]);
    assert_eq!(overdue[0]["dias_fuera"], 14);
    let lenient = sb
        .run(&[
            "tapes",
            "overdue",
            "--as-of",
            "2026-03-15",
            "--plazo-dias",
            "14",
            "--json",
        ])
        .json();
    assert!(lenient.as_array().unwrap().is_empty());

    let status = sb
        .run(&["tapes", "status", "--as-of", "2026-03-15", "--json"])
        .json();
    let state = |code: &str| {
        status
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["codigo_cinta"] == code)
            .unwrap_or_else(|| panic!("{code} missing"))["estado"]
            .clone()
    };
    assert_eq!(
        state("LTO7-0201"),
        "en custodia",
        "returned after its recovery"
    );
    assert_eq!(state("LTO7-0200"), "fuera de custodia");
    let human = sb.run(&["tapes", "status", "--as-of", "2026-03-15"]);
    human.assert_ok();
    assert!(
        human.stdout.contains("puede salir de custodia"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("atrasada: 14 días"),
        "{}",
        human.stdout
    );
}

#[test]
fn backup_log_and_tape_inventory_forms_from_the_registers() {
    let sb = tapes_sandbox();
    let (out, text) = generate_form(
        &sb,
        &[
            "backups",
            "form",
            "--from",
            "2026-02-01",
            "--to",
            "2026-03-31",
        ],
        &sb.path("bitacora.pdf"),
    );
    assert!(out.contains("(3 filas"), "{out}");
    assert!(text.contains("BITÁCORA DIARIA DE COPIA DE"), "{text}");
    assert!(
        text.contains("LTO7-0200") && text.contains("Parcial"),
        "{text}"
    );
    assert!(
        text.contains("01/02/2026") && text.contains("Fallido"),
        "{text}"
    );
    assert!(!text.contains("01/03/2022"), "a run outside the period");

    // The next-day end is kept: 22:00 → 00:15.
    let list = sb
        .run(&[
            "backups",
            "list",
            "--from",
            "2022-03-08",
            "--to",
            "2022-03-08",
            "--json",
        ])
        .json();
    assert_eq!(list[0]["inicio"], "2022-03-08T22:00:00");
    assert_eq!(list[0]["fin"], "2022-03-09T00:15:00");

    // Inventory of the tapes handed to custody in March 2022, saved with a number.
    let extra = sb.path("firmante.json");
    std::fs::write(
        &extra,
        r#"{"firma_especialista_is": {"nombre": "José Ñique Cárdenas", "cargo": "Especialista en IS"}}"#,
    )
    .unwrap();
    let (out, text) = generate_form(
        &sb,
        &[
            "tapes",
            "form",
            "--from",
            "2022-03-01",
            "--to",
            "2022-03-31",
            "--data",
            s(&extra),
            "--new",
        ],
        &sb.path("inventario.pdf"),
    );
    assert!(out.contains("guardado como 2026-001"), "{out}");
    assert!(
        text.contains("07/03/2026") && text.contains("20/03/2026"),
        "retention dates:\n{text}"
    );
    assert!(text.contains("EG07-0001; EG07-0002"), "{text}");
    assert!(text.contains("José Ñique Cárdenas"), "{text}");
    let list = sb.run(&["list", "--json"]).json();
    assert_eq!(list[0]["template"], "senace-inventario-cintas");

    let empty = sb
        .run(&[
            "backups",
            "form",
            "--from",
            "2025-01-01",
            "--to",
            "2025-01-31",
            "-o",
            s(&sb.path("v.pdf")),
        ])
        .assert_fails();
    assert!(empty.contains("no hay copias de respaldo"), "{empty}");
}

#[test]
fn recovery_and_restoration_forms() {
    let sb = Sandbox::new();
    let recoveries = sb.path("recuperaciones.json");
    std::fs::write(
        &recoveries,
        serde_json::to_string_pretty(&json!([{
            "Fecha de solicitud": "14/04/2026",
            "N° de ticket Helpdesk": "HD-2026-004127",
            "UUOO": "Dirección de Evaluación Ambiental para Proyectos de Infraestructura (DEIN)",
            "Nombre del solicitante": "María Fernanda Quispe Huamán",
            "Correo electrónico": "mquispe@senace.gob.pe",
            "Activo de información": "File server",
            "Servidor": "SRV-FS01",
            "Recursos a recuperar": "E:\\Compartido\\DEIN\\Expedientes 2026",
            "Fecha de respaldo": "28/03/2026",
            "Motivo": "Carpeta eliminada por error",
            "Destino": "E:\\Compartido\\DEIN\\Recuperado",
            "Fecha de autorización": "15/04/2026",
            "Código de cinta": "LTO7-0234",
            "Caja": "SEN-C015",
            "Fecha de recuperación": "15/04/2026 18:30",
            "Resultado": "Positivo",
            "Detalle": "Se restauraron 1 248 archivos.",
            "Especialista en IS": "José Ñique Cárdenas",
            "Fecha de notificación": "2026-04-15T19:05"
        }]))
        .unwrap(),
    )
    .unwrap();
    let report = import_json(&sb, &["backups", "recovery", "import"], &recoveries);
    assert_eq!(report["imported"], 1, "{report}");
    let (_, text) = generate_form(
        &sb,
        &["backups", "recovery", "form", "--ticket", "hd-2026-004127"],
        &sb.path("anexo05.pdf"),
    );
    assert!(
        text.contains("LTO7-0234") && text.contains("15/04/2026 18:30"),
        "{text}"
    );

    let restorations = sb.path("restauraciones.csv");
    std::fs::write(
        &restorations,
        "Solicitante,Fecha de back up,Servidor,Nombre de restauración,Files,Directorios,Peso del backup,Estado,Fecha de restauración\n\
         UUOO,01/01/2026,SRV-PROD-A,BK_SRV-PROD-A-Completa,31625,1957,824.000 MB,Completado,10/01/2026\n\
         OTI,01/01/2026,SRV-PROD-B,BK_SRV-PROD-B-Completa,35,19,5.224 GB,Completado,12/02/2026\n\
         DEIN,01/01/2026,SRV-PROD-C,BK_SRV-PROD-C-Completa,6276,1296,4.908 GB,Fallido,20/02/2026\n",
    )
    .unwrap();
    let report = import_json(&sb, &["backups", "restorations", "import"], &restorations);
    assert_eq!(report["imported"], 3, "{report}");
    let (out, text) = generate_form(
        &sb,
        &[
            "backups",
            "restorations",
            "form",
            "--from",
            "2026-02-01",
            "--to",
            "2026-02-28",
        ],
        &sb.path("anexo06.pdf"),
    );
    assert!(out.contains("(2 filas"), "{out}");
    assert!(
        text.contains("SRV-PROD-B") && text.contains("SRV-PROD-C"),
        "{text}"
    );
    assert!(!text.contains("SRV-PROD-A"), "outside the period:\n{text}");
}

// ---------------------------------------------------------------- maintenance

#[test]
fn maintenance_ficha_and_acta_from_the_register() {
    let sb = Sandbox::new();
    let path = sb.path("mantenimientos.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet
        .merge_range(
            0,
            0,
            0,
            10,
            "FICHA DE CONTROL DE MANTENIMIENTOS REALIZADOS",
            &Format::new(),
        )
        .unwrap();
    let header = [
        "N.º",
        "Tipo de Mantenimiento",
        "Fecha",
        "Servicio",
        "Proveedor",
        "Descripción del Servicio",
        "Documento",
        "Detalle del Servicio",
        "Equipos o bienes que participan",
        "Estado Final",
        "Observaciones",
        "Hora",
        "Usuario",
        "Órgano / Unidad",
        "Diagnóstico",
        "Bienes evaluados",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    let rows = [
        ["1", "Preventivo", "17/01/2026", "Revisión de UPS", "Energía Integral S.A.C.", "Limpieza y prueba de baterías", "OS 0042-2026", "Prueba de descarga de 20 min", "UPS APC 10 kVA", "Operativo", "Próxima revisión en julio", "", "", "", "", ""],
        ["2", "preventiva", "07-feb-2026", "Limpieza de PC", "OTI", "Limpieza interna", "Programa anual", "24 PC atendidas", "24 PC HP ProDesk", "Operativo", "", "", "", "", "", ""],
        ["3", "Correctivo", "19/02/2026", "Arreglo de impresora", "OTI", "Atasco de papel en la bandeja 2", "Ticket 512", "Cambio del rodillo de arrastre", "Impresora Kyocera", "Operativo", "Rodillo desgastado", "10:45", "Gabriela Núñez Villanueva", "DEIN", "Desgaste de pieza consumible", "Impresora multifuncional | Kyocera / M3655idn | 740899500031 | VCF3Z12345 | Rodillo desgastado\nMonitor LED | HP / P24 G4 | 740880500927 | CN41230XYZ | Sin fallas"],
        ["4", "Predictivo", "05/03/2026", "Cambio de disco", "Servicios Andinos", "", "", "", "", "", "", "", "", "", "", ""],
        ["5", "Correctivo", "02/05/2026", "Cambio de teclado", "OTI", "", "", "", "", "Operativo", "", "", "", "", "", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(3 + r as u32, c as u16, *value).unwrap();
            }
        }
    }
    workbook.save(&path).unwrap();
    let report = import_json(&sb, &["maintenance", "import"], &path);
    assert_eq!(report["imported"], 4, "{report}");
    assert_eq!(
        rejected_set(&report),
        BTreeSet::from([(7, "Tipo de Mantenimiento".to_string())])
    );

    let (out, text) = generate_form(
        &sb,
        &[
            "maintenance",
            "form",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "--periodo",
            "Enero – marzo 2026",
        ],
        &sb.path("ficha.pdf"),
    );
    assert!(out.contains("(3 filas"), "{out}");
    assert!(
        text.contains("Enero – marzo 2026") && text.contains("OS 0042-2026"),
        "{text}"
    );
    assert!(!text.contains("teclado"), "outside the period");

    // The register has no conclusions column: derived from «Estado Final».
    let (_, text) = generate_form(&sb, &["maintenance", "acta", "3"], &sb.path("acta.pdf"));
    assert!(text.contains("19/02/2026 10:45"), "{text}");
    assert!(
        text.contains("VCF3Z12345") && text.contains("CN41230XYZ"),
        "{text}"
    );
    assert!(
        text.contains("Estado final de los bienes: Operativo."),
        "{text}"
    );

    // Maintenance 1 lacks the acta's user: validation names the field.
    let line = sb
        .run(&["maintenance", "acta", "1", "-o", s(&sb.path("a1.pdf"))])
        .assert_fails();
    assert!(line.contains("senace-acta-mantenimiento"), "{line}");
}
