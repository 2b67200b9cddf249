//! The licence master («Maestro de la OTI de licenciamiento», seed 002,
//! Anexo 01, line 1645): its columns, how a row becomes a [`Licence`], and
//! the key that identifies a licence across re-imports.
//!
//! Columns, in the seed's words: ITEM, REG SIAF, ORDEN, CANTIDAD ADQUIRIDA,
//! SOFTWARE Y/O LICENCIA DE SOFTWARE, TIPO DE LICENCIA, UBICACIÓN, INICIO,
//! TERMINO, ESTIMACION VIDA UTIL (MESES), VALOR ADQUISICION S/, AMORTIZ.
//! ACUMULADA S/, SALDO NETO AL dd.mm.aa S/, ESTADO, NOTA CCP, Mes. The header
//! row must name SOFTWARE, UBICACIÓN and TERMINO; the rest may be missing.
//!
//! No licence is lost to a bad cell: every row that names a software is a
//! licence. A date, amount or quantity that cannot be read (or an amount
//! below zero) is left empty and reported as a **warning** with its row,
//! column and reason; an empty or unreadable TERMINO leaves the licence out
//! of the expiry counts until it is fixed (warned, never taken as
//! perpetual); an INICIO after TERMINO is emptied (warned) and TERMINO kept.
//! Only a row without a software is **rejected**, once. Below the TOTAL row
//! the sheet's notes («Fuente: SIAF-SP…», «Elaborado por…») are skipped. A
//! TERMINO of «PERPETUA» (or «INDEFINIDA», «SIN VENCIMIENTO») is a licence
//! that never expires. SALDO NETO that differs from VALOR − AMORTIZACIÓN by
//! more than one cent is a warning too.
//!
//! The key: REG SIAF + ORDEN + SOFTWARE + UBICACIÓN, each folded (upper
//! case, no accents, single spaces). ITEM is left out on purpose: it is the
//! sheet's running number and changes when a row is inserted above. Two
//! rows of one file with the same key are both kept: the later one is
//! stored as `key#2` (`#3`…) and warned.
//!
//! This module parses; it neither stores (`store::registers`) nor computes
//! expiry (`expiry`).

use chrono::NaiveDate;
use serde::Serialize;

use super::excel::{
    fold, format_cents, parse_amount, parse_date, parse_decimal, parse_integer, parse_text, Cell,
};
use super::table::{ColumnSpec, SourceRow, Table};
use super::{Rejection, Warning};
use crate::dates::{format_date, parse_day_first};

/// Column indexes into [`LICENCE_COLUMNS`].
mod col {
    pub const ITEM: usize = 0;
    pub const REG_SIAF: usize = 1;
    pub const ORDEN: usize = 2;
    pub const CANTIDAD: usize = 3;
    pub const SOFTWARE: usize = 4;
    pub const TIPO: usize = 5;
    pub const UBICACION: usize = 6;
    pub const INICIO: usize = 7;
    pub const TERMINO: usize = 8;
    pub const VIDA_UTIL: usize = 9;
    pub const VALOR: usize = 10;
    pub const AMORTIZACION: usize = 11;
    pub const SALDO: usize = 12;
    pub const ESTADO: usize = 13;
    pub const NOTA_CCP: usize = 14;
    pub const MES: usize = 15;
}

const fn spec(
    id: &'static str,
    label: &'static str,
    names: &'static [&'static str],
    prefix: bool,
    required: bool,
) -> ColumnSpec {
    ColumnSpec {
        id,
        label,
        names,
        prefix,
        required,
    }
}

/// The master's columns (seed 002, line 1645), with the variants offices write.
pub const LICENCE_COLUMNS: [ColumnSpec; 16] = [
    spec(
        "item",
        "ITEM",
        &["ITEM", "N°", "Nº", "NRO", "N"],
        false,
        false,
    ),
    spec(
        "reg_siaf",
        "REG SIAF",
        &["REG SIAF", "REGISTRO SIAF", "SIAF", "EXP SIAF"],
        false,
        false,
    ),
    spec(
        "orden",
        "ORDEN",
        &[
            "ORDEN",
            "N° ORDEN",
            "ORDEN DE COMPRA",
            "ORDEN DE SERVICIO",
            "O/C",
            "O/S",
        ],
        false,
        false,
    ),
    spec(
        "cantidad",
        "CANTIDAD ADQUIRIDA",
        &["CANTIDAD ADQUIRIDA", "CANTIDAD", "CANT"],
        false,
        false,
    ),
    spec(
        "software",
        "SOFTWARE Y/O LICENCIA DE SOFTWARE",
        &[
            "SOFTWARE Y/O LICENCIA DE SOFTWARE",
            "SOFTWARE Y/O LICENCIA",
            "SOFTWARE",
            "LICENCIA DE SOFTWARE",
        ],
        false,
        true,
    ),
    spec(
        "tipo",
        "TIPO DE LICENCIA",
        &["TIPO DE LICENCIA", "TIPO"],
        false,
        false,
    ),
    spec(
        "ubicacion",
        "UBICACIÓN",
        &["UBICACIÓN", "UBICACION", "ÁREA", "UUOO"],
        false,
        true,
    ),
    spec(
        "inicio",
        "INICIO",
        &["INICIO", "FECHA INICIO", "FECHA DE INICIO"],
        false,
        false,
    ),
    spec(
        "termino",
        "TERMINO",
        &[
            "TERMINO",
            "FECHA TERMINO",
            "FECHA DE TERMINO",
            "FIN",
            "VENCIMIENTO",
            "FECHA DE VENCIMIENTO",
        ],
        false,
        true,
    ),
    spec(
        "vida_util",
        "ESTIMACION VIDA UTIL (MESES)",
        &["ESTIMACION VIDA UTIL", "VIDA UTIL"],
        true,
        false,
    ),
    spec(
        "valor",
        "VALOR ADQUISICION S/",
        &["VALOR ADQUISICION", "VALOR DE ADQUISICION"],
        true,
        false,
    ),
    spec(
        "amortizacion",
        "AMORTIZ. ACUMULADA S/",
        &[
            "AMORTIZ ACUMULADA",
            "AMORTIZACION ACUMULADA",
            "AMORTIZACION",
        ],
        true,
        false,
    ),
    spec("saldo", "SALDO NETO", &["SALDO NETO"], true, false),
    spec("estado", "ESTADO", &["ESTADO"], false, false),
    spec("nota_ccp", "NOTA CCP", &["NOTA CCP", "CCP"], false, false),
    spec("mes", "Mes", &["MES"], false, false),
];

/// TERMINO values that mean «never expires».
const PERPETUAL: [&str; 7] = [
    "PERPETUA",
    "PERPETUO",
    "INDEFINIDA",
    "INDEFINIDO",
    "SIN VENCIMIENTO",
    "NO VENCE",
    "PERMANENTE",
];

/// One licence of the master, as read from one row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Licence {
    pub item: Option<String>,
    pub reg_siaf: Option<String>,
    pub orden: Option<String>,
    pub cantidad: Option<i64>,
    pub software: String,
    pub tipo: Option<String>,
    /// Empty when the row names none.
    pub ubicacion: String,
    pub inicio: Option<NaiveDate>,
    /// None: perpetual (see `perpetual`) or not readable (no expiry known).
    pub termino: Option<NaiveDate>,
    /// TERMINO says the licence never expires («PERPETUA»).
    pub perpetual: bool,
    pub vida_util_meses: Option<f64>,
    pub valor_cents: Option<i64>,
    pub amortizacion_cents: Option<i64>,
    pub saldo_cents: Option<i64>,
    /// The date of «SALDO NETO AL dd.mm.aa», from the header.
    pub saldo_al: Option<NaiveDate>,
    pub estado: Option<String>,
    pub nota_ccp: Option<String>,
    pub mes: Option<String>,
    /// The row it was read from.
    pub row: u32,
}

impl Licence {
    /// REG SIAF + ORDEN + SOFTWARE + UBICACIÓN, folded (see the module doc).
    pub fn key(&self) -> String {
        let mut key = String::with_capacity(64);
        for (i, part) in [
            self.reg_siaf.as_deref().unwrap_or(""),
            self.orden.as_deref().unwrap_or(""),
            &self.software,
            &self.ubicacion,
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                key.push('|');
            }
            key.push_str(&fold(part));
        }
        key
    }

    /// Whether SALDO NETO = VALOR − AMORTIZACIÓN (within a cent); None when
    /// one of the three is missing.
    pub fn saldo_consistente(&self) -> Option<bool> {
        match (self.valor_cents, self.amortizacion_cents, self.saldo_cents) {
            // i128: values read back from a database are not bounded like parsed ones.
            (Some(v), Some(a), Some(s)) => {
                Some((i128::from(s) - (i128::from(v) - i128::from(a))).abs() <= 1)
            }
            _ => None,
        }
    }
}

/// The licences read from a table, the rows rejected and the warnings.
#[derive(Debug, Clone, Default)]
pub struct ParsedMaster {
    pub licences: Vec<Licence>,
    /// `keys[i]` is the store key of `licences[i]`: [`Licence::key`], with
    /// `#2`, `#3`… appended to the second and later rows of one file that
    /// share it (see [`parse_master`]).
    pub keys: Vec<String>,
    /// One entry per row without a licence (no software), in row order.
    pub rejected: Vec<Rejection>,
    /// One entry per cell left empty or worth a look, in row order.
    pub warnings: Vec<Warning>,
    /// Rows below the TOTAL row that are notes (sources, signatures), skipped.
    pub notes: usize,
}

impl ParsedMaster {
    /// Rows imported with at least one warning (a row is counted once).
    pub fn rows_with_warnings(&self) -> usize {
        distinct_rows(&self.warnings)
    }
}

/// How many different rows `problems` name (each row counted once).
pub fn distinct_rows(problems: &[Rejection]) -> usize {
    let mut rows: Vec<u32> = problems.iter().map(|p| p.row).collect();
    rows.sort_unstable();
    rows.dedup();
    rows.len()
}

/// Parses every row of a licence master table.
///
/// Every row that names a software is a licence: a cell that cannot be read
/// is left empty and reported as a warning (so a bad amount never hides a
/// licence from the expiry counts). A row without a software is rejected,
/// unless it lies below the TOTAL row, where it is a note and is skipped.
/// Two rows of one file with the same key are two licences: the later one
/// is stored under the key with `#2` (`#3`…) appended, with a warning.
pub fn parse_master(table: &Table) -> ParsedMaster {
    let saldo_al = table.headers[col::SALDO]
        .as_deref()
        .and_then(saldo_date_from_header);
    let mut parsed = ParsedMaster::default();
    // key → (first row, rows seen with it)
    let mut seen: std::collections::HashMap<String, (u32, u32)> =
        std::collections::HashMap::with_capacity(table.rows.len());
    let outcomes = parse_rows(&table.rows, saldo_al, table.total_row);
    for (row, outcome) in table.rows.iter().zip(outcomes) {
        match outcome {
            RowOutcome::Note => parsed.notes += 1,
            RowOutcome::Rejected(rejection) => parsed.rejected.push(rejection),
            RowOutcome::Licence(licence, key, mut warnings) => {
                let key = match seen.get_mut(&key) {
                    Some((first, count)) => {
                        *count += 1;
                        warnings.push(Warning {
                            row: row.number,
                            column: LICENCE_COLUMNS[col::SOFTWARE].label.into(),
                            reason: format!(
                                "misma REG SIAF, ORDEN, SOFTWARE y UBICACIÓN que la fila {first}: se importó como otra licencia"
                            ),
                        });
                        format!("{key}#{count}")
                    }
                    None => {
                        seen.insert(key.clone(), (row.number, 1));
                        key
                    }
                };
                if licence.saldo_consistente() == Some(false) {
                    let (v, a, s) = (
                        licence.valor_cents.unwrap_or_default(),
                        licence.amortizacion_cents.unwrap_or_default(),
                        licence.saldo_cents.unwrap_or_default(),
                    );
                    warnings.push(Warning {
                        row: row.number,
                        column: LICENCE_COLUMNS[col::SALDO].label.into(),
                        reason: format!(
                            "SALDO NETO S/ {} no es VALOR ADQUISICION − AMORTIZ. ACUMULADA (S/ {} − S/ {} = S/ {})",
                            format_cents(s),
                            format_cents(v),
                            format_cents(a),
                            format_cents(v.saturating_sub(a))
                        ),
                    });
                }
                parsed.warnings.append(&mut warnings);
                parsed.licences.push(*licence);
                parsed.keys.push(key);
            }
        }
    }
    parsed
}

/// What one row of the master is.
enum RowOutcome {
    /// A licence, its key and the warnings about its cells.
    Licence(Box<Licence>, String, Vec<Warning>),
    /// No software: not a licence.
    Rejected(Rejection),
    /// A note below the TOTAL row.
    Note,
}

/// Rows below this are parsed on one thread.
const PARALLEL_ROWS: usize = 4_096;

/// Parses the rows in order; a big master is split in two halves parsed on
/// two threads (rows are independent until the duplicate check, which stays
/// sequential in [`parse_master`]).
fn parse_rows(
    rows: &[SourceRow],
    saldo_al: Option<NaiveDate>,
    footer: Option<u32>,
) -> Vec<RowOutcome> {
    let one = |row: &SourceRow| parse_row(row, saldo_al, footer);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if rows.len() < PARALLEL_ROWS || threads < 2 {
        return rows.iter().map(one).collect();
    }
    let (first, second) = rows.split_at(rows.len() / 2);
    std::thread::scope(|scope| {
        let later = scope.spawn(|| second.iter().map(one).collect::<Vec<_>>());
        let mut results: Vec<RowOutcome> = first.iter().map(one).collect();
        match later.join() {
            Ok(mut rest) => results.append(&mut rest),
            // The parser does not panic on any input; should it, parse here.
            Err(_) => results.extend(second.iter().map(one)),
        }
        results
    })
}

/// «SALDO NETO AL 31.12.23 S/» → 2023-12-31; the template's «dd.mm.aa» → None.
fn saldo_date_from_header(header: &str) -> Option<NaiveDate> {
    let folded = fold(header);
    let after = folded.split_once(" AL ")?.1;
    let token = after.split_whitespace().next()?;
    parse_day_first(token).ok()
}

/// The columns that, next to a software, make a row below the TOTAL row a
/// licence rather than a note.
const LICENCE_EVIDENCE: [usize; 5] = [
    col::REG_SIAF,
    col::ORDEN,
    col::UBICACION,
    col::INICIO,
    col::TERMINO,
];

/// How a cell that could not be read is reported.
fn emptied(reason: String) -> String {
    format!("{reason}; la celda se dejó vacía")
}

fn parse_row(row: &SourceRow, saldo_al: Option<NaiveDate>, footer: Option<u32>) -> RowOutcome {
    let cell = |i: usize| &row.cells[i];
    let below_total = footer.is_some_and(|t| row.number > t);
    let software = parse_text(cell(col::SOFTWARE));
    let Some(software) = software else {
        if below_total {
            return RowOutcome::Note;
        }
        return RowOutcome::Rejected(Rejection {
            row: row.number,
            column: LICENCE_COLUMNS[col::SOFTWARE].label.into(),
            reason: "vacío: una fila sin software no es una licencia; no se importó".into(),
        });
    };
    if below_total && LICENCE_EVIDENCE.iter().all(|&i| cell(i).is_empty()) {
        // «Fuente: …» typed in the software column under the totals.
        return RowOutcome::Note;
    }
    let mut warnings = Vec::new();
    let mut warn = |i: usize, reason: String| {
        warnings.push(Warning {
            row: row.number,
            column: LICENCE_COLUMNS[i].label.into(),
            reason,
        })
    };
    let date = |i: usize, warn: &mut dyn FnMut(usize, String)| match parse_date(cell(i)) {
        Ok(d) => d,
        Err(reason) => {
            warn(i, emptied(reason));
            None
        }
    };
    let mut inicio = date(col::INICIO, &mut warn);
    // A date typed as text starts with a digit; «PERPETUA» and friends with a letter.
    let perpetual = matches!(cell(col::TERMINO), Cell::Text(t)
        if t.starts_with(char::is_alphabetic) && PERPETUAL.contains(&fold(t).as_str()));
    let termino = if perpetual {
        None
    } else if cell(col::TERMINO).is_empty() {
        warn(
            col::TERMINO,
            "vacío: la licencia no entra en el control de vencimientos hasta que se escriba la fecha de término (dd/mm/aaaa) o «PERPETUA»".into(),
        );
        None
    } else {
        match parse_date(cell(col::TERMINO)) {
            Ok(d) => d,
            Err(reason) => {
                warn(
                    col::TERMINO,
                    format!(
                        "{reason}; la celda se dejó vacía y la licencia no entra en el control de vencimientos hasta que se corrija"
                    ),
                );
                None
            }
        }
    };
    if let (Some(i), Some(t)) = (inicio, termino) {
        if i > t {
            warn(
                col::INICIO,
                format!(
                    "el INICIO ({}) es posterior al TERMINO ({}): se dejó vacío el INICIO y se conserva el TERMINO para el control de vencimientos",
                    format_date(i),
                    format_date(t)
                ),
            );
            inicio = None;
        }
    }
    let mut amount = |i: usize| match parse_amount(cell(i)) {
        Ok(Some(cents)) if cents < 0 && i != col::SALDO => {
            warn(i, emptied("el importe no puede ser negativo".into()));
            None
        }
        Ok(v) => v,
        Err(reason) => {
            warn(i, emptied(reason));
            None
        }
    };
    let valor_cents = amount(col::VALOR);
    let amortizacion_cents = amount(col::AMORTIZACION);
    let saldo_cents = amount(col::SALDO);
    let cantidad = match parse_integer(cell(col::CANTIDAD)) {
        Ok(Some(n)) if n < 0 => {
            warn(
                col::CANTIDAD,
                emptied("la cantidad no puede ser negativa".into()),
            );
            None
        }
        Ok(n) => n,
        Err(reason) => {
            warn(col::CANTIDAD, emptied(reason));
            None
        }
    };
    let vida_util_meses = match parse_decimal(cell(col::VIDA_UTIL)) {
        Ok(v) => v,
        Err(reason) => {
            warn(col::VIDA_UTIL, emptied(reason));
            None
        }
    };
    let mes = match cell(col::MES) {
        // A month typed as a date cell (mar-24): kept as mm/aaaa.
        Cell::DateTime(dt) => Some(dt.format("%m/%Y").to_string()),
        other => parse_text(other),
    };
    let licence = Licence {
        item: parse_text(cell(col::ITEM)),
        reg_siaf: parse_text(cell(col::REG_SIAF)),
        orden: parse_text(cell(col::ORDEN)),
        cantidad,
        software,
        tipo: parse_text(cell(col::TIPO)),
        ubicacion: parse_text(cell(col::UBICACION)).unwrap_or_default(),
        inicio,
        termino,
        perpetual,
        vida_util_meses,
        valor_cents,
        amortizacion_cents,
        saldo_cents,
        saldo_al,
        estado: parse_text(cell(col::ESTADO)),
        nota_ccp: parse_text(cell(col::NOTA_CCP)),
        mes,
        row: row.number,
    };
    let key = licence.key();
    RowOutcome::Licence(Box::new(licence), key, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(number: u32, values: &[(usize, Cell)]) -> SourceRow {
        let mut cells = vec![Cell::Empty; LICENCE_COLUMNS.len()];
        for (i, c) in values {
            cells[*i] = c.clone();
        }
        SourceRow { number, cells }
    }

    fn table(rows: Vec<SourceRow>) -> Table {
        let mut headers = vec![None; LICENCE_COLUMNS.len()];
        headers[col::SALDO] = Some("SALDO NETO AL 31.12.25 S/".to_string());
        Table {
            sheet: None,
            header_row: 1,
            headers,
            rows,
            blank_rows: 0,
            total_rows: 0,
            total_row: None,
        }
    }

    fn problems(list: &[Rejection]) -> Vec<(u32, &str)> {
        list.iter().map(|r| (r.row, r.column.as_str())).collect()
    }

    #[test]
    fn big_masters_parse_in_two_halves_in_row_order() {
        let n = PARALLEL_ROWS + 1_000;
        let rows: Vec<SourceRow> = (0..n)
            .map(|i| {
                // Row n−1 repeats row 0 (across the halves); row 10 lacks
                // TERMINO; row 20 lacks SOFTWARE.
                let software = if i == n - 1 { 0 } else { i };
                let mut values = vec![(col::UBICACION, Cell::text("OTI"))];
                if i != 20 {
                    values.push((col::SOFTWARE, Cell::text(&format!("S{software}"))));
                }
                if i != 10 {
                    values.push((col::TERMINO, Cell::Number(46_000.0 + i as f64)));
                }
                row(i as u32 + 2, &values)
            })
            .collect();
        let parsed = parse_master(&table(rows));
        assert_eq!(parsed.licences.len(), n - 1);
        assert!(parsed.licences.windows(2).all(|w| w[0].row < w[1].row));
        assert_eq!(parsed.keys.len(), parsed.licences.len());
        assert_eq!(
            parsed.keys.last().unwrap(),
            &format!("{}#2", parsed.keys[0])
        );
        assert_eq!(
            problems(&parsed.rejected),
            [(22, "SOFTWARE Y/O LICENCIA DE SOFTWARE")]
        );
        assert_eq!(
            problems(&parsed.warnings),
            [
                (12, "TERMINO"),
                (n as u32 + 1, "SOFTWARE Y/O LICENCIA DE SOFTWARE")
            ]
        );
    }

    #[test]
    fn a_bad_cell_empties_that_cell_and_keeps_the_licence() {
        let parsed = parse_master(&table(vec![
            row(
                2,
                &[
                    (col::SOFTWARE, Cell::text("Microsoft 365 E3")),
                    (col::UBICACION, Cell::text("OTI")),
                    (col::TERMINO, Cell::text("15-mar-2026")),
                    (col::VALOR, Cell::text("S/ 1,000.00")),
                    (col::AMORTIZACION, Cell::Number(400.0)),
                    (col::SALDO, Cell::Number(500.0)),
                ],
            ),
            row(
                3,
                &[
                    (col::SOFTWARE, Cell::text("AutoCAD")),
                    (col::TERMINO, Cell::text("31/02/2026")),
                    (col::CANTIDAD, Cell::text("dos")),
                    (col::VALOR, Cell::text("mil soles")),
                ],
            ),
            row(
                4,
                &[
                    (col::SOFTWARE, Cell::text("WinRAR")),
                    (col::TERMINO, Cell::text("Perpetua")),
                ],
            ),
            row(
                5,
                &[
                    (col::SOFTWARE, Cell::text("microsoft 365  e3")),
                    (col::UBICACION, Cell::text("oti")),
                    (col::TERMINO, Cell::text("15/03/2026")),
                ],
            ),
            row(
                6,
                &[
                    (col::SOFTWARE, Cell::text("Veeam")),
                    (col::INICIO, Cell::text("01/06/2026")),
                    (col::TERMINO, Cell::text("20/03/2026")),
                    (col::VALOR, Cell::Number(-5.0)),
                ],
            ),
            row(
                7,
                &[
                    (col::ORDEN, Cell::text("OC-9")),
                    (col::TERMINO, Cell::text("x")),
                ],
            ),
        ]));
        assert_eq!(parsed.licences.len(), 5);
        let first = &parsed.licences[0];
        assert_eq!(first.termino, NaiveDate::from_ymd_opt(2026, 3, 15));
        assert_eq!(first.saldo_al, NaiveDate::from_ymd_opt(2025, 12, 31));
        assert_eq!(first.saldo_consistente(), Some(false));
        let autocad = &parsed.licences[1];
        assert_eq!((autocad.termino, autocad.perpetual), (None, false));
        assert_eq!((autocad.cantidad, autocad.valor_cents), (None, None));
        assert_eq!(
            (parsed.licences[2].termino, parsed.licences[2].perpetual),
            (None, true)
        );
        let veeam = &parsed.licences[4];
        assert_eq!(veeam.inicio, None);
        assert_eq!(veeam.termino, NaiveDate::from_ymd_opt(2026, 3, 20));
        assert_eq!(veeam.valor_cents, None);
        assert_eq!(parsed.keys[3], format!("{}#2", parsed.keys[0]));
        assert_eq!(
            problems(&parsed.warnings),
            [
                (2, "SALDO NETO"),
                (3, "TERMINO"),
                (3, "VALOR ADQUISICION S/"),
                (3, "CANTIDAD ADQUIRIDA"),
                (5, "SOFTWARE Y/O LICENCIA DE SOFTWARE"),
                (6, "INICIO"),
                (6, "VALOR ADQUISICION S/"),
            ]
        );
        assert!(parsed.warnings[1]
            .reason
            .contains("control de vencimientos"));
        assert!(parsed.warnings[2]
            .reason
            .ends_with("la celda se dejó vacía"));
        assert_eq!(
            problems(&parsed.rejected),
            [(7, "SOFTWARE Y/O LICENCIA DE SOFTWARE")]
        );
        assert_eq!(parsed.rows_with_warnings(), 4);
        assert_eq!(saldo_date_from_header("SALDO NETO AL dd.mm.aa S/"), None);
    }

    #[test]
    fn notes_below_the_total_row_are_skipped_not_rejected() {
        let licence = |n: u32, name: &str| {
            row(
                n,
                &[
                    (col::SOFTWARE, Cell::text(name)),
                    (col::UBICACION, Cell::text("OTI")),
                    (col::TERMINO, Cell::text("31/12/2026")),
                ],
            )
        };
        let mut t = table(vec![
            licence(2, "A"),
            row(3, &[(col::ITEM, Cell::text("sin software"))]),
            // TOTAL on row 4.
            row(5, &[(col::ITEM, Cell::text("Fuente: SIAF-SP"))]),
            row(6, &[(col::SOFTWARE, Cell::text("Elaborado por: OTI"))]),
            licence(7, "B, anotada bajo el total"),
        ]);
        t.total_row = Some(4);
        let parsed = parse_master(&t);
        assert_eq!(parsed.notes, 2);
        assert_eq!(
            problems(&parsed.rejected),
            [(3, "SOFTWARE Y/O LICENCIA DE SOFTWARE")]
        );
        let rows: Vec<u32> = parsed.licences.iter().map(|l| l.row).collect();
        assert_eq!(rows, [2, 7]);
        // Without the TOTAL row the same note is a row without a licence.
        t.total_row = None;
        let parsed = parse_master(&t);
        assert_eq!(parsed.notes, 0);
        assert_eq!(parsed.rejected.len(), 2);
        assert_eq!(parsed.licences.len(), 3);
    }
}
