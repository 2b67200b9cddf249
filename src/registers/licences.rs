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
//! A row is rejected (with its row number, column and reason) when its
//! software is empty, its TERMINO is empty or unreadable, INICIO is after
//! TERMINO, or any present date, amount or quantity cannot be read. A
//! TERMINO of «PERPETUA» (or «INDEFINIDA», «SIN VENCIMIENTO») is a licence
//! that never expires. SALDO NETO that differs from VALOR − AMORTIZACIÓN by
//! more than one cent is a warning, not a rejection.
//!
//! The key: REG SIAF + ORDEN + SOFTWARE + UBICACIÓN, each folded (upper
//! case, no accents, single spaces). ITEM is left out on purpose: it is the
//! sheet's running number and changes when a row is inserted above. Two
//! rows of one file with the same key: the second is rejected.
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
    /// None: perpetual (never expires).
    pub termino: Option<NaiveDate>,
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
    /// `keys[i]` is `licences[i].key()`, computed once for the duplicate
    /// check and reused by the store.
    pub keys: Vec<String>,
    pub rejected: Vec<Rejection>,
    pub warnings: Vec<Warning>,
}

/// Parses every row of a licence master table.
pub fn parse_master(table: &Table) -> ParsedMaster {
    let saldo_al = table.headers[col::SALDO]
        .as_deref()
        .and_then(saldo_date_from_header);
    let (outcomes, keys): (Vec<_>, Vec<String>) = parse_rows(&table.rows, saldo_al)
        .into_iter()
        .map(|result| match result {
            Ok((licence, key)) => (Ok(licence), key),
            Err(problems) => (Err(problems), String::new()),
        })
        .unzip();
    let mut parsed = ParsedMaster::default();
    let mut accepted = vec![false; keys.len()];
    {
        // Borrows the keys: the accepted ones are moved out afterwards.
        let mut seen: std::collections::HashMap<&str, u32> =
            std::collections::HashMap::with_capacity(table.rows.len());
        for (i, (row, outcome)) in table.rows.iter().zip(outcomes).enumerate() {
            match outcome {
                Ok(licence) => {
                    if let Some(first) = seen.get(keys[i].as_str()) {
                        parsed.rejected.push(Rejection {
                            row: row.number,
                            column: LICENCE_COLUMNS[col::SOFTWARE].label.into(),
                            reason: format!(
                                "la licencia se repite: misma REG SIAF, ORDEN, SOFTWARE y UBICACIÓN que la fila {first}"
                            ),
                        });
                        continue;
                    }
                    seen.insert(&keys[i], row.number);
                    accepted[i] = true;
                    if licence.saldo_consistente() == Some(false) {
                        let (v, a, s) = (
                            licence.valor_cents.unwrap_or_default(),
                            licence.amortizacion_cents.unwrap_or_default(),
                            licence.saldo_cents.unwrap_or_default(),
                        );
                        parsed.warnings.push(Warning {
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
                    parsed.licences.push(licence);
                }
                Err(mut problems) => parsed.rejected.append(&mut problems),
            }
        }
    }
    parsed.keys = keys
        .into_iter()
        .zip(accepted)
        .filter_map(|(key, ok)| ok.then_some(key))
        .collect();
    parsed
}

/// A parsed row and its key, or the row's problems.
type RowResult = Result<(Licence, String), Vec<Rejection>>;

/// Rows below this are parsed on one thread.
const PARALLEL_ROWS: usize = 4_096;

/// Parses the rows in order; a big master is split in two halves parsed on
/// two threads (rows are independent until the duplicate check, which stays
/// sequential in [`parse_master`]).
fn parse_rows(rows: &[SourceRow], saldo_al: Option<NaiveDate>) -> Vec<RowResult> {
    let one = |row: &SourceRow| -> RowResult {
        parse_row(row, saldo_al).map(|licence| {
            let key = licence.key();
            (licence, key)
        })
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if rows.len() < PARALLEL_ROWS || threads < 2 {
        return rows.iter().map(one).collect();
    }
    let (first, second) = rows.split_at(rows.len() / 2);
    std::thread::scope(|scope| {
        let later = scope.spawn(|| second.iter().map(one).collect::<Vec<_>>());
        let mut results: Vec<RowResult> = first.iter().map(one).collect();
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

fn parse_row(row: &SourceRow, saldo_al: Option<NaiveDate>) -> Result<Licence, Vec<Rejection>> {
    let mut problems = Vec::new();
    let cell = |i: usize| &row.cells[i];
    let mut reject = |i: usize, reason: String| {
        problems.push(Rejection {
            row: row.number,
            column: LICENCE_COLUMNS[i].label.into(),
            reason,
        })
    };
    let software = parse_text(cell(col::SOFTWARE));
    if software.is_none() {
        reject(
            col::SOFTWARE,
            "vacío: cada licencia debe nombrar su software".into(),
        );
    }
    let date = |i: usize, reject: &mut dyn FnMut(usize, String)| match parse_date(cell(i)) {
        Ok(d) => d,
        Err(reason) => {
            reject(i, reason);
            None
        }
    };
    let inicio = date(col::INICIO, &mut reject);
    // A date typed as text starts with a digit; «PERPETUA» and friends with a letter.
    let perpetual = matches!(cell(col::TERMINO), Cell::Text(t)
        if t.starts_with(char::is_alphabetic) && PERPETUAL.contains(&fold(t).as_str()));
    let termino = if perpetual {
        None
    } else if cell(col::TERMINO).is_empty() {
        reject(
            col::TERMINO,
            "vacío: escriba la fecha de término (dd/mm/aaaa) o «PERPETUA»".into(),
        );
        None
    } else {
        date(col::TERMINO, &mut reject)
    };
    if let (Some(i), Some(t)) = (inicio, termino) {
        if i > t {
            reject(
                col::INICIO,
                format!(
                    "el INICIO ({}) es posterior al TERMINO ({})",
                    format_date(i),
                    format_date(t)
                ),
            );
        }
    }
    let mut amount = |i: usize| match parse_amount(cell(i)) {
        Ok(Some(cents)) if cents < 0 && i != col::SALDO => {
            reject(i, "el importe no puede ser negativo".into());
            None
        }
        Ok(v) => v,
        Err(reason) => {
            reject(i, reason);
            None
        }
    };
    let valor_cents = amount(col::VALOR);
    let amortizacion_cents = amount(col::AMORTIZACION);
    let saldo_cents = amount(col::SALDO);
    let cantidad = match parse_integer(cell(col::CANTIDAD)) {
        Ok(Some(n)) if n < 0 => {
            reject(col::CANTIDAD, "la cantidad no puede ser negativa".into());
            None
        }
        Ok(n) => n,
        Err(reason) => {
            reject(col::CANTIDAD, reason);
            None
        }
    };
    let vida_util_meses = match parse_decimal(cell(col::VIDA_UTIL)) {
        Ok(v) => v,
        Err(reason) => {
            reject(col::VIDA_UTIL, reason);
            None
        }
    };
    let mes = match cell(col::MES) {
        // A month typed as a date cell (mar-24): kept as mm/aaaa.
        Cell::DateTime(dt) => Some(dt.format("%m/%Y").to_string()),
        other => parse_text(other),
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Licence {
        item: parse_text(cell(col::ITEM)),
        reg_siaf: parse_text(cell(col::REG_SIAF)),
        orden: parse_text(cell(col::ORDEN)),
        cantidad,
        software: software.unwrap_or_default(),
        tipo: parse_text(cell(col::TIPO)),
        ubicacion: parse_text(cell(col::UBICACION)).unwrap_or_default(),
        inicio,
        termino,
        vida_util_meses,
        valor_cents,
        amortizacion_cents,
        saldo_cents,
        saldo_al,
        estado: parse_text(cell(col::ESTADO)),
        nota_ccp: parse_text(cell(col::NOTA_CCP)),
        mes,
        row: row.number,
    })
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
        }
    }

    #[test]
    fn big_masters_parse_in_two_halves_in_row_order() {
        let n = PARALLEL_ROWS + 1_000;
        let rows: Vec<SourceRow> = (0..n)
            .map(|i| {
                // Row n−1 repeats row 0 (across the halves); row 10 lacks TERMINO.
                let software = if i == n - 1 { 0 } else { i };
                let mut values = vec![
                    (col::SOFTWARE, Cell::text(&format!("S{software}"))),
                    (col::UBICACION, Cell::text("OTI")),
                ];
                if i != 10 {
                    values.push((col::TERMINO, Cell::Number(46_000.0 + i as f64)));
                }
                row(i as u32 + 2, &values)
            })
            .collect();
        let parsed = parse_master(&table(rows));
        assert_eq!(parsed.licences.len(), n - 2);
        assert!(parsed.licences.windows(2).all(|w| w[0].row < w[1].row));
        assert!(parsed
            .licences
            .iter()
            .zip(&parsed.keys)
            .all(|(l, k)| l.key() == *k));
        let rejected: Vec<(u32, &str)> = parsed
            .rejected
            .iter()
            .map(|r| (r.row, r.column.as_str()))
            .collect();
        assert_eq!(
            rejected,
            [
                (12, "TERMINO"),
                (n as u32 + 1, "SOFTWARE Y/O LICENCIA DE SOFTWARE")
            ]
        );
    }

    #[test]
    fn a_good_row_a_bad_row_a_perpetual_one_and_a_duplicate() {
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
        ]));
        assert_eq!(parsed.licences.len(), 2);
        let first = &parsed.licences[0];
        assert_eq!(first.termino, NaiveDate::from_ymd_opt(2026, 3, 15));
        assert_eq!(first.saldo_al, NaiveDate::from_ymd_opt(2025, 12, 31));
        assert_eq!(first.saldo_consistente(), Some(false));
        assert_eq!(parsed.licences[1].termino, None);
        let rejected: Vec<(u32, &str)> = parsed
            .rejected
            .iter()
            .map(|r| (r.row, r.column.as_str()))
            .collect();
        assert_eq!(
            rejected,
            [
                (3, "TERMINO"),
                (3, "CANTIDAD ADQUIRIDA"),
                (5, "SOFTWARE Y/O LICENCIA DE SOFTWARE")
            ]
        );
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].row, 2);
        assert_eq!(saldo_date_from_header("SALDO NETO AL dd.mm.aa S/"), None);
    }
}
