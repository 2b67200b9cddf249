//! Finding a register's table in a file: a workbook (.xlsx, .xlsm, .xls,
//! .xlsb, .ods, read with calamine), a CSV export, or a JSON array of rows.
//!
//! Office files carry title rows, logos and merged cells above the table,
//! extra sheets (summaries, lists) and notes below it. [`read_table`] looks
//! in each sheet, in workbook order, for the first row whose cells name
//! every required column of the register (names compared without case,
//! accents, spaces or punctuation; a heading split over two rows — a merged
//! «VIGENCIA» over «INICIO» and «TERMINO» — is read as one), and takes the
//! rows below it. Values merged down a column (a «UBICACIÓN» merged over the
//! rows of that office) are copied to every row of the merge. Blank rows and
//! TOTAL / SUBTOTAL rows are skipped and counted.
//!
//! It returns cells, not values: what a cell means (a date, an amount) is
//! decided by the register that asked ([`super::licences`] and friends).

use calamine::{Data, DataRef, Range, Reader, Sheets};

use super::excel::{fold, from_calamine, from_json, header_key, Cell};
use super::workbook::{self, Workbook};
use crate::limits::{self, group_thousands, TooLarge, SHEET_CELLS};

/// Rows searched for the header at the top of each sheet …
const HEADER_SEARCH_ROWS: usize = 60;
/// … and columns, from the left: a register's columns start well before.
const HEADER_SEARCH_COLUMNS: usize = 1024;

/// One column a register reads.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    /// Internal id (`termino`).
    pub id: &'static str,
    /// The name used in messages: the seed's words (`TERMINO`).
    pub label: &'static str,
    /// Accepted header names; compared with [`header_key`].
    pub names: &'static [&'static str],
    /// Also accept headers that begin with one of the names
    /// (`SALDO NETO AL 31.12.23 S/` for `SALDO NETO`).
    pub prefix: bool,
    /// The header row must have this column.
    pub required: bool,
}

/// The table found in a file.
#[derive(Debug, Clone)]
pub struct Table {
    /// The sheet it was found in (None for CSV and JSON).
    pub sheet: Option<String>,
    /// Row number of the header as the user sees it (1 = first row; 0 for JSON).
    pub header_row: u32,
    /// The header text found for each column of the spec (None: column absent).
    pub headers: Vec<Option<String>>,
    pub rows: Vec<SourceRow>,
    pub blank_rows: usize,
    pub total_rows: usize,
    /// The row number of the last TOTAL / SUBTOTAL row: what lies below it
    /// is the sheet's footer (sources, signatures), not data.
    pub total_row: Option<u32>,
}

/// A data row: one cell per column of the spec (empty for absent columns).
#[derive(Debug, Clone)]
pub struct SourceRow {
    /// Row number as the user sees it: the sheet row (from 1), the CSV record
    /// (the header counts), or the position in a JSON array (from 1).
    pub number: u32,
    pub cells: Vec<Cell>,
}

/// Why a file gives no table at all (nothing is imported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Not a workbook, CSV or JSON that can be read.
    Unreadable(String),
    /// No row names the required columns; the sheets looked at.
    NoHeader { sheets: Vec<String> },
    /// Over one of the bounds of `limits`: the whole reason, in Spanish.
    Limit(String),
}

/// A JSON register: its whole tree is held in memory, several times the
/// size of its text, so it is bounded tighter than the other formats.
const JSON_FILE_BYTES: u64 = 32 << 20;

/// Reads `bytes` (the content of `file_name`) and finds the table of `specs`.
/// Every format is read within the bounds of [`crate::limits`] (file size,
/// cells of a sheet), refused with [`ReadError::Limit`] before the reader
/// allocates for more.
pub fn read_table(file_name: &str, bytes: &[u8], specs: &[ColumnSpec]) -> Result<Table, ReadError> {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let kind = match extension.as_str() {
        "csv" | "tsv" | "txt" => Kind::Csv,
        "json" => Kind::Json,
        "xlsx" | "xlsm" | "xlsb" | "xls" | "xla" | "ods" => Kind::Workbook,
        _ if bytes.starts_with(b"PK") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) => {
            Kind::Workbook
        }
        _ if bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'[' || *b == b'{') =>
        {
            Kind::Json
        }
        _ => Kind::Csv,
    };
    let max = match kind {
        Kind::Json => JSON_FILE_BYTES,
        _ => limits::REGISTER_FILE_BYTES,
    };
    if bytes.len() as u64 > max {
        return Err(ReadError::Limit(
            TooLarge {
                what: "el archivo".into(),
                size: bytes.len() as u64,
                max,
            }
            .to_string(),
        ));
    }
    match kind {
        Kind::Csv => read_csv(bytes, specs),
        Kind::Json => read_json(bytes, specs),
        Kind::Workbook => workbook::catch_damaged(|| read_workbook(bytes, &extension, specs)),
    }
}

/// How a register file is read.
#[derive(Clone, Copy)]
enum Kind {
    Csv,
    Json,
    Workbook,
}

// ---------------------------------------------------------------- grids

/// A rectangular source of cells, indexed from its first row and column.
trait Grid {
    fn height(&self) -> usize;
    fn width(&self) -> usize;
    fn cell(&self, row: usize, col: usize) -> Cell;
    /// Whether the cell is non-empty, without converting it.
    fn has_value(&self, row: usize, col: usize) -> bool;
    /// The row number the user sees for grid row `row`.
    fn row_number(&self, row: usize) -> u32;
}

/// A calamine cell type: owned (`Data`, every reader) or borrowing the
/// shared strings (`DataRef`, the .xlsx fast path).
trait SheetCell {
    fn to_cell(&self) -> Cell;
    fn has_value(&self) -> bool;
}

impl SheetCell for Data {
    fn to_cell(&self) -> Cell {
        from_calamine(self)
    }
    fn has_value(&self) -> bool {
        match self {
            Data::Empty => false,
            Data::String(s) => !s.trim().is_empty(),
            _ => true,
        }
    }
}

impl SheetCell for DataRef<'_> {
    fn to_cell(&self) -> Cell {
        match self {
            DataRef::SharedString(s) => Cell::text(s),
            DataRef::String(s) => Cell::text(s),
            DataRef::Int(i) => Cell::Number(*i as f64),
            DataRef::Float(f) => Cell::Number(*f),
            DataRef::Bool(b) => Cell::Bool(*b),
            DataRef::DateTime(dt) => from_calamine(&Data::DateTime(*dt)),
            DataRef::DateTimeIso(s) => from_calamine(&Data::DateTimeIso(s.clone())),
            DataRef::DurationIso(s) => from_calamine(&Data::DurationIso(s.clone())),
            DataRef::Error(e) => from_calamine(&Data::Error(e.clone())),
            DataRef::Empty => Cell::Empty,
        }
    }
    fn has_value(&self) -> bool {
        match self {
            DataRef::Empty => false,
            DataRef::String(s) => !s.trim().is_empty(),
            DataRef::SharedString(s) => !s.trim().is_empty(),
            _ => true,
        }
    }
}

struct SheetGrid<'a, T> {
    range: &'a Range<T>,
    /// Absolute (row, col) of the range's first cell.
    origin: (u32, u32),
}

impl<T: SheetCell + calamine::CellType> Grid for SheetGrid<'_, T> {
    fn height(&self) -> usize {
        self.range.height()
    }
    fn width(&self) -> usize {
        self.range.width()
    }
    fn cell(&self, row: usize, col: usize) -> Cell {
        self.range
            .get((row, col))
            .map(SheetCell::to_cell)
            .unwrap_or(Cell::Empty)
    }
    fn has_value(&self, row: usize, col: usize) -> bool {
        self.range.get((row, col)).is_some_and(SheetCell::has_value)
    }
    fn row_number(&self, row: usize) -> u32 {
        self.origin.0 + row as u32 + 1
    }
}

/// CSV records or JSON rows as text/number cells.
struct CellGrid {
    rows: Vec<Vec<Cell>>,
    width: usize,
    /// Added to the 0-based row index to get the user's row number.
    number_offset: u32,
}

impl Grid for CellGrid {
    fn height(&self) -> usize {
        self.rows.len()
    }
    fn width(&self) -> usize {
        self.width
    }
    fn cell(&self, row: usize, col: usize) -> Cell {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .cloned()
            .unwrap_or(Cell::Empty)
    }
    fn has_value(&self, row: usize, col: usize) -> bool {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .is_some_and(|c| !c.is_empty())
    }
    fn row_number(&self, row: usize) -> u32 {
        row as u32 + self.number_offset
    }
}

// ---------------------------------------------------------------- header

/// Where the header is and which grid column holds each spec.
struct Header {
    row: usize,
    columns: Vec<Option<usize>>,
    texts: Vec<Option<String>>,
}

/// Whether a header cell's key names the column of `spec`, whose accepted
/// names were reduced to `names` with [`header_key`].
fn spec_matches(spec: &ColumnSpec, names: &[String], key: &str) -> bool {
    !key.is_empty()
        && names
            .iter()
            .any(|name| key == name || (spec.prefix && key.starts_with(name.as_str())))
}

fn find_header(grid: &dyn Grid, specs: &[ColumnSpec]) -> Option<Header> {
    let names: Vec<Vec<String>> = specs
        .iter()
        .map(|spec| spec.names.iter().map(|n| header_key(n)).collect())
        .collect();
    let rows = grid.height().min(HEADER_SEARCH_ROWS);
    let width = grid.width().min(HEADER_SEARCH_COLUMNS);
    for row in 0..rows {
        let mut columns: Vec<Option<usize>> = vec![None; specs.len()];
        let mut texts: Vec<Option<String>> = vec![None; specs.len()];
        for col in 0..width {
            let here = grid.cell(row, col).shown();
            let above = if row > 0 {
                grid.cell(row - 1, col).shown()
            } else {
                String::new()
            };
            // The cell itself; the heading above it joined with it (a
            // two-row heading); the heading above when this one is empty.
            let mut candidates = vec![here.clone()];
            if !above.is_empty() && !here.is_empty() {
                candidates.push(format!("{above} {here}"));
            }
            if here.is_empty() && !above.is_empty() {
                candidates.push(above);
            }
            'candidates: for text in candidates {
                let key = header_key(&text);
                for (i, spec) in specs.iter().enumerate() {
                    if columns[i].is_none() && spec_matches(spec, &names[i], &key) {
                        columns[i] = Some(col);
                        texts[i] = Some(text.split_whitespace().collect::<Vec<_>>().join(" "));
                        break 'candidates;
                    }
                }
            }
        }
        let found = columns.iter().filter(|c| c.is_some()).count();
        let required_ok = specs
            .iter()
            .zip(&columns)
            .all(|(spec, col)| !spec.required || col.is_some());
        if required_ok && found >= 2 {
            return Some(Header {
                row,
                columns,
                texts,
            });
        }
    }
    None
}

/// A total line: its first non-empty cell is a text starting with TOTAL or SUBTOTAL.
fn is_total_row(grid: &dyn Grid, row: usize) -> bool {
    for col in 0..grid.width() {
        if grid.has_value(row, col) {
            return match grid.cell(row, col) {
                Cell::Text(t) => {
                    let f = fold(&t);
                    f.starts_with("TOTAL")
                        || f.starts_with("SUBTOTAL")
                        || f.starts_with("SUB TOTAL")
                }
                _ => false,
            };
        }
    }
    false
}

/// Vertical merges below the header: (first row, last row, column), grid-relative.
type Merge = (usize, usize, usize);

fn rows_of(grid: &dyn Grid, header: &Header, sheet: Option<String>, merges: &[Merge]) -> Table {
    let mut rows = Vec::new();
    let (mut blank_rows, mut total_rows) = (0, 0);
    let mut total_row = None;
    // Values merged down a column: (column → (last row, value)).
    let mut fill: Vec<Option<(usize, Cell)>> = vec![None; header.columns.len()];
    for row in header.row + 1..grid.height() {
        for (spec_index, col) in header.columns.iter().enumerate() {
            let Some(col) = col else { continue };
            if let Some(&(first, last, _)) = merges
                .iter()
                .find(|(first, last, c)| c == col && *first == row && last > first)
            {
                fill[spec_index] = Some((last, grid.cell(first, *col)));
            }
        }
        let cells: Vec<Cell> = header
            .columns
            .iter()
            .enumerate()
            .map(|(i, col)| match (col, &fill[i]) {
                (Some(_), Some((last, value))) if row <= *last => value.clone(),
                (Some(col), _) => grid.cell(row, *col),
                (None, _) => Cell::Empty,
            })
            .collect();
        if cells.iter().all(Cell::is_empty) {
            // Blank within the table's columns (a note off to the side is ignored too).
            if (0..grid.width()).any(|c| grid.has_value(row, c)) && is_total_row(grid, row) {
                total_rows += 1;
                total_row = Some(grid.row_number(row));
            } else {
                blank_rows += 1;
            }
            continue;
        }
        if is_total_row(grid, row) {
            total_rows += 1;
            total_row = Some(grid.row_number(row));
            continue;
        }
        rows.push(SourceRow {
            number: grid.row_number(row),
            cells,
        });
    }
    Table {
        sheet,
        header_row: grid.row_number(header.row),
        headers: header.texts.clone(),
        rows,
        blank_rows,
        total_rows,
        total_row,
    }
}

// ---------------------------------------------------------------- workbooks

fn read_workbook(bytes: &[u8], extension: &str, specs: &[ColumnSpec]) -> Result<Table, ReadError> {
    let mut book = workbook::open(bytes, extension)?;
    let names = book.sheet_names();
    for name in &names {
        let sheet = Some(name.clone());
        let table = match &mut book {
            // Cells that borrow the shared strings (no copy of every text cell).
            Sheets::Xlsx(xlsx) => match workbook::xlsx_range(xlsx, name)? {
                Some(range) => table_of(&range, specs, sheet),
                None => continue,
            },
            Sheets::Xlsb(xlsb) => match workbook::xlsb_range(xlsb, name)? {
                Some(range) => table_of(&range, specs, sheet),
                None => continue,
            },
            // .xls and .ods were read, within bounds, when opened.
            other => match other.worksheet_range(name) {
                Ok(range) => table_of(&range, specs, sheet),
                // A chart sheet or a damaged one: look at the others.
                Err(_) => continue,
            },
        };
        let Some((table, header)) = table else {
            continue;
        };
        // Reading the merges parses the sheet a second time: only worth it
        // when a column has gaps a merge could fill.
        if has_gaps(&table) {
            if let Some(merged) = with_merges(&mut book, name, &header)? {
                return Ok(merged);
            }
        }
        return Ok(table);
    }
    Err(ReadError::NoHeader { sheets: names })
}

/// The table of `specs` in one sheet's cells, with where its header is.
fn table_of<T: SheetCell + calamine::CellType>(
    range: &Range<T>,
    specs: &[ColumnSpec],
    sheet: Option<String>,
) -> Option<(Table, Header)> {
    let grid = SheetGrid {
        range,
        origin: range.start().unwrap_or((0, 0)),
    };
    let header = find_header(&grid, specs)?;
    let table = rows_of(&grid, &header, sheet, &[]);
    Some((table, header))
}

/// The table read again with the sheet's vertical merges filled in, when
/// it has some (only .xlsx and .xls report merges through calamine).
fn with_merges(
    book: &mut Workbook,
    name: &str,
    header: &Header,
) -> Result<Option<Table>, ReadError> {
    let sheet = Some(name.to_string());
    let table = match book {
        Sheets::Xlsx(xlsx) => {
            let merged = xlsx.merge_cells_by_sheet_name(name).unwrap_or_default();
            let Some(range) = workbook::xlsx_range(xlsx, name)? else {
                return Ok(None);
            };
            merged_rows(&range, &merged, header, sheet)
        }
        Sheets::Xls(xls) => {
            let merged = xls.merge_cells_by_sheet_name(name).unwrap_or_default();
            let Ok(range) = xls.worksheet_range(name) else {
                return Ok(None);
            };
            merged_rows(&range, &merged, header, sheet)
        }
        _ => None,
    };
    Ok(table)
}

/// The rows below `header` with the vertical merges among `merged` filled
/// in; `None` when there are none.
fn merged_rows<T: SheetCell + calamine::CellType>(
    range: &Range<T>,
    merged: &[calamine::Dimensions],
    header: &Header,
    sheet: Option<String>,
) -> Option<Table> {
    let origin = range.start().unwrap_or((0, 0));
    let merges = vertical_merges(merged, origin, header.row);
    if merges.is_empty() {
        return None;
    }
    let grid = SheetGrid { range, origin };
    Some(rows_of(&grid, header, sheet, &merges))
}

/// Whether some column is filled in some rows and empty in others.
fn has_gaps(table: &Table) -> bool {
    let width = table.headers.len();
    (0..width).any(|c| {
        let filled = table.rows.iter().filter(|r| !r.cells[c].is_empty()).count();
        filled > 0 && filled < table.rows.len()
    })
}

/// Merged regions spanning several rows below the header, grid-relative.
fn vertical_merges(
    dims: &[calamine::Dimensions],
    origin: (u32, u32),
    header_row: usize,
) -> Vec<Merge> {
    dims.iter()
        .filter(|d| d.end.0 > d.start.0 && d.start.0 >= origin.0 && d.start.1 >= origin.1)
        .map(|d| {
            (
                (d.start.0 - origin.0) as usize,
                (d.end.0 - origin.0) as usize,
                (d.start.1 - origin.1) as usize,
            )
        })
        .filter(|(first, _, _)| *first > header_row)
        .collect()
}

// ---------------------------------------------------------------- CSV

fn read_csv(bytes: &[u8], specs: &[ColumnSpec]) -> Result<Table, ReadError> {
    let text = decode_text(bytes);
    if text.contains('\0') {
        return Err(ReadError::Unreadable(
            "no es un archivo de texto CSV ni una hoja de cálculo legible".into(),
        ));
    }
    for delimiter in [b',', b';', b'\t'] {
        let grid = csv_grid(&text, delimiter)?;
        if let Some(header) = find_header(&grid, specs) {
            return Ok(rows_of(&grid, &header, None, &[]));
        }
    }
    Err(ReadError::NoHeader { sheets: Vec::new() })
}

/// UTF-8 (with or without BOM), else Windows-1252 — what Excel's «CSV» saves
/// on a Spanish Windows.
fn decode_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// RFC 4180 records (quoted fields may hold the delimiter, quotes and
/// newlines; rows may differ in length), read with the `csv` crate, as
/// cells; refused past [`SHEET_CELLS`].
fn csv_grid(text: &str, delimiter: u8) -> Result<CellGrid, ReadError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut budget = CellBudget::default();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            // Only invalid UTF-8 fails, and the text is already UTF-8.
            Err(e) => return Err(ReadError::Unreadable(format!("CSV ilegible ({e})"))),
        }
        budget.row(record.len())?;
        rows.push(record.iter().map(Cell::text).collect());
    }
    Ok(CellGrid {
        width: budget.width,
        rows,
        number_offset: 1,
    })
}

/// Counts the rows and columns of a CSV or JSON table as they are read:
/// its rectangle (which the header search and the blank-row check walk)
/// must stay within [`SHEET_CELLS`].
#[derive(Default)]
struct CellBudget {
    rows: u64,
    width: usize,
}

impl CellBudget {
    fn row(&mut self, len: usize) -> Result<(), ReadError> {
        self.rows += 1;
        self.width = self.width.max(len);
        let cells = self.rows.saturating_mul(self.width as u64);
        if cells > SHEET_CELLS {
            return Err(ReadError::Limit(format!(
                "la tabla ocupa {} filas de hasta {} columnas ({} celdas); el máximo admitido es {} celdas",
                group_thousands(self.rows),
                group_thousands(self.width as u64),
                group_thousands(cells),
                group_thousands(SHEET_CELLS)
            )));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- JSON

fn read_json(bytes: &[u8], specs: &[ColumnSpec]) -> Result<Table, ReadError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        ReadError::Unreadable(format!(
            "JSON inválido en la línea {}, columna {}",
            e.line(),
            e.column()
        ))
    })?;
    let rows = match &value {
        serde_json::Value::Array(rows) => rows,
        serde_json::Value::Object(map) => match ["filas", "rows", "registros"]
            .iter()
            .find_map(|k| map.get(*k).and_then(|v| v.as_array()))
        {
            Some(rows) => rows,
            None => {
                return Err(ReadError::Unreadable(
                    "el JSON debe ser una lista de filas (objetos) o un objeto con «filas»".into(),
                ))
            }
        },
        _ => {
            return Err(ReadError::Unreadable(
                "el JSON debe ser una lista de filas (objetos)".into(),
            ))
        }
    };
    // Every key of every row, in order of first appearance.
    let mut keys: Vec<&String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in rows {
        if let Some(object) = row.as_object() {
            for key in object.keys() {
                if seen.insert(key) {
                    keys.push(key);
                }
            }
        }
    }
    let mut budget = CellBudget::default();
    budget.row(keys.len())?;
    let mut grid_rows = vec![keys.iter().map(|k| Cell::text(k)).collect::<Vec<_>>()];
    for row in rows {
        budget.row(keys.len())?;
        let object = row.as_object();
        grid_rows.push(
            keys.iter()
                .map(|k| {
                    object
                        .and_then(|o| o.get(k.as_str()))
                        .map(from_json)
                        .unwrap_or(Cell::Empty)
                })
                .collect(),
        );
    }
    let grid = CellGrid {
        width: keys.len(),
        rows: grid_rows,
        number_offset: 0,
    };
    match find_header(&grid, specs) {
        Some(header) => Ok(rows_of(&grid, &header, None, &[])),
        None => Err(ReadError::NoHeader { sheets: Vec::new() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: [ColumnSpec; 3] = [
        ColumnSpec {
            id: "software",
            label: "SOFTWARE",
            names: &["SOFTWARE Y/O LICENCIA DE SOFTWARE", "SOFTWARE"],
            prefix: false,
            required: true,
        },
        ColumnSpec {
            id: "termino",
            label: "TERMINO",
            names: &["TERMINO"],
            prefix: false,
            required: true,
        },
        ColumnSpec {
            id: "saldo",
            label: "SALDO NETO",
            names: &["SALDO NETO"],
            prefix: true,
            required: false,
        },
    ];

    #[test]
    fn csv_with_title_rows_semicolons_and_quotes() {
        let text = "Maestro de licencias;;\n;;\n\"Software y/o licencia de software\";Término;Saldo neto al 31.12.23 S/\n\"Office; 365\";15/03/2026;\"S/ 1,234.50\"\n;;\nTOTAL;;1234.50\n";
        let table = read_table("m.csv", text.as_bytes(), &SPECS).unwrap();
        assert_eq!(table.header_row, 3);
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].number, 4);
        assert_eq!(table.rows[0].cells[0], Cell::text("Office; 365"));
        assert_eq!(
            table.headers[2].as_deref(),
            Some("Saldo neto al 31.12.23 S/")
        );
        assert_eq!((table.blank_rows, table.total_rows), (1, 1));
    }

    #[test]
    fn windows_1252_csv_is_decoded() {
        let bytes = b"SOFTWARE,T\xc9RMINO\nAutoCAD,01/01/2027\n";
        let table = read_table("m.csv", bytes, &SPECS).unwrap();
        assert_eq!(table.headers[1].as_deref(), Some("TÉRMINO"));
    }

    #[test]
    fn json_rows_are_numbered_from_one() {
        let json =
            br#"[{"software": "A", "termino": "2026-01-01"}, {"software": "B", "termino": "x"}]"#;
        let table = read_table("m.json", json, &SPECS).unwrap();
        assert_eq!(
            table.rows.iter().map(|r| r.number).collect::<Vec<_>>(),
            [1, 2]
        );
    }

    #[test]
    fn missing_header_and_garbage_are_fatal() {
        let err = read_table("m.csv", b"a,b\n1,2\n", &SPECS).unwrap_err();
        assert_eq!(err, ReadError::NoHeader { sheets: vec![] });
        let err = read_table("m.xlsx", b"not a zip", &SPECS).unwrap_err();
        assert!(matches!(err, ReadError::Unreadable(_)), "{err:?}");
    }
}
