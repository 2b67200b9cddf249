//! An import's report as a CSV file a coordinator opens in Excel: one line
//! per warning (a row imported with a cell left empty or worth a look) and
//! per rejected row, in row order, with the row as Excel shows it, the
//! column in the register's own words and the reason in Spanish.
//!
//! Written with the `csv` crate (quoting of commas, quotes and line breaks),
//! UTF-8 with a byte-order mark so Excel shows the accents. Pure: the bytes
//! are written by the caller (`app::licences`, atomically).

use super::{Rejection, Warning};

/// The header line's columns.
pub const HEADER: [&str; 4] = ["Fila", "Columna", "Resultado", "Motivo"];

/// How a line's outcome reads.
pub const WARNED: &str = "Importada con advertencia";
pub const REJECTED: &str = "Rechazada";

/// The CSV bytes of a report: header, then the warnings and the rejected
/// rows merged by row (a row's warnings before its rejection).
pub fn to_csv(warnings: &[Warning], rejected: &[Rejection]) -> Vec<u8> {
    let mut lines: Vec<(&Rejection, &str)> = warnings
        .iter()
        .map(|w| (w, WARNED))
        .chain(rejected.iter().map(|r| (r, REJECTED)))
        .collect();
    // Stable: within a row, the order the import listed them.
    lines.sort_by_key(|(r, _)| r.row);
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        // Writing into a Vec cannot fail.
        let _ = writer.write_record(HEADER);
        for (r, outcome) in lines {
            let row = r.row.to_string();
            let _ = writer.write_record([row.as_str(), &r.column, outcome, &r.reason]);
        }
        let _ = writer.flush();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(row: u32, column: &str, reason: &str) -> Rejection {
        Rejection {
            row,
            column: column.into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn rows_in_order_quoted_and_readable_back() {
        let warnings = [
            note(
                9,
                "TERMINO",
                "fecha no válida «31/02/2026»; la celda se dejó vacía",
            ),
            note(
                5,
                "VALOR ADQUISICION S/",
                "se espera un importe, no «mil, \"aprox\"»",
            ),
        ];
        let rejected = [note(7, "SOFTWARE Y/O LICENCIA DE SOFTWARE", "vacío")];
        let bytes = to_csv(&warnings, &rejected);
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        assert_eq!(reader.headers().unwrap(), HEADER.as_slice());
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0][..3], ["5", "VALOR ADQUISICION S/", WARNED]);
        assert_eq!(rows[0][3], "se espera un importe, no «mil, \"aprox\"»");
        assert_eq!(
            rows[1][..3],
            ["7", "SOFTWARE Y/O LICENCIA DE SOFTWARE", REJECTED]
        );
        assert_eq!(rows[2][0], "9");
        let empty = to_csv(&[], &[]);
        assert_eq!(&empty[3..], b"Fila,Columna,Resultado,Motivo\r\n");
    }
}
