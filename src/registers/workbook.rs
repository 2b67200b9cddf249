//! Opening a workbook (.xlsx, .xlsm, .xlsb, .xls, .ods) with calamine
//! without letting the file decide how much memory is taken.
//!
//! calamine holds a sheet as the rectangle that spans its cells: one cell
//! in A1 and one in XFD1048576 ask for 17 billion cells; an .xls
//! DIMENSIONS record reserves its rectangle up front; an .ods repeats rows
//! and columns as often as its attributes say. An allocation that large
//! aborts the process, which no `Result` or `catch_unwind` can turn into a
//! message. So each format is measured **before** calamine allocates:
//!
//! - zip packages (.xlsx, .xlsm, .xlsb, .ods): every part's declared size,
//!   which the `zip` crate enforces while inflating, within
//!   [`limits::WORKBOOK_PART_BYTES`] and the parts together within
//!   [`limits::WORKBOOK_TOTAL_BYTES`];
//! - .xlsx and .xlsb: cells are streamed one at a time (calamine's cells
//!   readers) and counted; the rectangle is checked before it is built;
//! - .xls: the BIFF records of the `Workbook` stream (opened with the `cfb`
//!   crate) are walked for their DIMENSIONS and cell positions, because
//!   calamine parses every sheet of an .xls while opening it;
//! - .ods: `content.xml` is streamed with `quick-xml` to size every table
//!   as calamine will expand it, because calamine also reads every table
//!   while opening.
//!
//! Every refusal is a [`ReadError::Limit`] naming the sheet, the cells and
//! the limit. What remains are calamine's parsers trusting a damaged file's
//! offsets and lengths (an .xls sheet said to start past the end of its
//! stream, a record shorter than its type): they panic. [`catch_damaged`]
//! turns such a panic, and only inside a workbook read, into «el libro está
//! dañado»; since memory was bounded first, nothing can abort.
//! Finding the header and reading values is `table`'s and `excel`'s work,
//! not this module's.

use std::cell::Cell as Flag;
use std::io::{Cursor, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

use calamine::{open_workbook_from_rs, Cell as SheetCell, DataRef, Range, Sheets, Xls, Xlsb, Xlsx};

use super::table::ReadError;
use crate::limits::{self, group_thousands, TooLarge, SHEET_CELLS};

/// A workbook read from memory.
pub type Workbook<'b> = Sheets<Cursor<&'b [u8]>>;

thread_local! {
    /// Set while this thread runs a workbook read under [`catch_damaged`].
    static GUARDED: Flag<bool> = const { Flag::new(false) };
}

/// Runs `read` (calamine on a workbook's bytes); a panic inside it is a
/// damaged workbook, reported as unreadable. The panic hook is wrapped once
/// so that such a panic prints nothing — any other panic, anywhere, still
/// goes to the hook that was there before.
pub fn catch_damaged<T>(read: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    static QUIET_INSIDE: Once = Once::new();
    QUIET_INSIDE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Flag::get) {
                previous(info);
            }
        }));
    });
    let was = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(read));
    GUARDED.with(|g| g.set(was));
    result.unwrap_or_else(|_| {
        Err(unreadable(
            "el libro está dañado: su estructura no se puede leer",
        ))
    })
}

/// Opens `bytes` as a workbook of the kind `extension` names (or guessed
/// from its content when empty), after the checks of its format.
pub fn open<'b>(bytes: &'b [u8], extension: &str) -> Result<Workbook<'b>, ReadError> {
    let kind = match extension {
        "xlsx" | "xlsm" | "xlsb" | "xls" | "xla" | "ods" => extension.to_string(),
        _ => sniff(bytes),
    };
    match kind.as_str() {
        "xlsx" | "xlsm" | "xlsb" => check_package(bytes)?,
        "ods" => {
            check_package(bytes)?;
            check_ods(bytes)?;
        }
        "xls" | "xla" => check_xls(bytes)?,
        _ => {}
    }
    let cursor = Cursor::new(bytes);
    let opened: Result<Workbook<'b>, String> = match kind.as_str() {
        "xlsx" | "xlsm" => open_workbook_from_rs::<Xlsx<_>, _>(cursor)
            .map(Sheets::Xlsx)
            .map_err(|e| e.to_string()),
        "xls" | "xla" => open_workbook_from_rs::<Xls<_>, _>(cursor)
            .map(Sheets::Xls)
            .map_err(|e| e.to_string()),
        "xlsb" => open_workbook_from_rs::<Xlsb<_>, _>(cursor)
            .map(Sheets::Xlsb)
            .map_err(|e| e.to_string()),
        "ods" => open_workbook_from_rs::<calamine::Ods<_>, _>(cursor)
            .map(Sheets::Ods)
            .map_err(|e| e.to_string()),
        _ => Err("formato desconocido".into()),
    };
    opened.map_err(|reason| unreadable(&reason))
}

fn unreadable(reason: &str) -> ReadError {
    ReadError::Unreadable(format!(
        "no es un libro de Excel (.xlsx, .xls) ni de OpenDocument (.ods) legible ({})",
        reason.lines().next().unwrap_or_default().trim()
    ))
}

/// The format of a workbook without a telling extension: a zip package is
/// .xlsx unless it says it is .ods or .xlsb; a compound file is .xls.
fn sniff(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return "xls".into();
    }
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return String::new();
    };
    let names: Vec<String> = archive
        .file_names()
        .flatten()
        .map(|n| n.into_owned())
        .collect();
    let has = |name: &str| names.iter().any(|n| n == name);
    if has("content.xml") && has("mimetype") {
        "ods".into()
    } else if names
        .iter()
        .any(|n| n.ends_with(".bin") && n.starts_with("xl/"))
    {
        "xlsb".into()
    } else {
        "xlsx".into()
    }
}

/// A zip package's parts: each, and all together, within the limits.
fn check_package(bytes: &[u8]) -> Result<(), ReadError> {
    let archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e.to_string()))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_data(i)
            .map_err(|e| unreadable(&e.to_string()))?;
        let size = entry.size();
        if size > limits::WORKBOOK_PART_BYTES {
            return Err(ReadError::Limit(
                TooLarge {
                    what: format!(
                        "la parte «{}» del libro, descomprimida,",
                        entry.name().unwrap_or_default()
                    ),
                    size,
                    max: limits::WORKBOOK_PART_BYTES,
                }
                .to_string(),
            ));
        }
        total = total.saturating_add(size);
    }
    if total > limits::WORKBOOK_TOTAL_BYTES {
        return Err(ReadError::Limit(
            TooLarge {
                what: "el libro descomprimido".into(),
                size: total,
                max: limits::WORKBOOK_TOTAL_BYTES,
            }
            .to_string(),
        ));
    }
    Ok(())
}

/// `A1`, `XFD1048576`: a 0-based (row, column) as a spreadsheet names it.
pub fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col as u64 + 1;
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        letters.into_iter().collect::<String>(),
        row as u64 + 1
    )
}

/// The refusal of a rectangle of cells.
fn too_many_cells(where_: &str, first: (u32, u32), last: (u32, u32), cells: u64) -> ReadError {
    ReadError::Limit(format!(
        "{where_} ocupa de {} a {} ({} celdas); el máximo admitido es {} celdas",
        cell_name(first.0, first.1),
        cell_name(last.0, last.1),
        group_thousands(cells),
        group_thousands(SHEET_CELLS)
    ))
}

/// The rectangle spanning the positions seen so far.
#[derive(Debug, Clone, Copy)]
struct Span {
    first: (u32, u32),
    last: (u32, u32),
}

impl Span {
    fn new() -> Span {
        Span {
            first: (u32::MAX, u32::MAX),
            last: (0, 0),
        }
    }

    fn include(&mut self, row: u32, col: u32) {
        self.first = (self.first.0.min(row), self.first.1.min(col));
        self.last = (self.last.0.max(row), self.last.1.max(col));
    }

    fn is_empty(&self) -> bool {
        self.first.0 > self.last.0
    }

    fn cells(&self) -> u64 {
        if self.is_empty() {
            0
        } else {
            (u64::from(self.last.0 - self.first.0) + 1)
                .saturating_mul(u64::from(self.last.1 - self.first.1) + 1)
        }
    }
}

/// The used cells of one sheet of an .xlsx, streamed and bounded; `None`
/// for a sheet that is not a worksheet (a chart) or cannot be read.
pub fn xlsx_range<'a>(
    xlsx: &'a mut Xlsx<Cursor<&[u8]>>,
    sheet: &str,
) -> Result<Option<Range<DataRef<'a>>>, ReadError> {
    let Ok(mut reader) = xlsx.worksheet_cells_reader(sheet) else {
        return Ok(None);
    };
    collect_cells(sheet, || reader.next_cell().map_err(|e| e.to_string()))
}

/// The same for an .xlsb.
pub fn xlsb_range<'a>(
    xlsb: &'a mut Xlsb<Cursor<&[u8]>>,
    sheet: &str,
) -> Result<Option<Range<DataRef<'a>>>, ReadError> {
    let Ok(mut reader) = xlsb.worksheet_cells_reader(sheet) else {
        return Ok(None);
    };
    collect_cells(sheet, || reader.next_cell().map_err(|e| e.to_string()))
}

/// Collects the non-empty cells `next` yields, refusing the sheet as soon
/// as their rectangle passes [`SHEET_CELLS`]; `None` when a cell cannot
/// be read (a damaged sheet is skipped like a chart).
fn collect_cells<'a>(
    sheet: &str,
    mut next: impl FnMut() -> Result<Option<SheetCell<DataRef<'a>>>, String>,
) -> Result<Option<Range<DataRef<'a>>>, ReadError> {
    let mut cells = Vec::new();
    let mut span = Span::new();
    loop {
        let cell = match next() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(_) => return Ok(None),
        };
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (row, col) = cell.get_position();
        span.include(row, col);
        if span.cells() > SHEET_CELLS {
            return Err(too_many_cells(
                &format!("la hoja «{sheet}»"),
                span.first,
                span.last,
                span.cells(),
            ));
        }
        cells.push(cell);
    }
    Ok(Some(Range::from_sparse(cells)))
}

// ---------------------------------------------------------------- .xls

/// BIFF record types whose first four bytes are the cell's row and column.
const BIFF_CELLS: [u16; 7] = [
    0x0203, // Number
    0x0204, // Label
    0x00D6, // RString
    0x0205, // BoolErr
    0x027E, // RK
    0x00FD, // LabelSst
    0x0006, // Formula
];
const BIFF_MULRK: u16 = 0x00BD;
const BIFF_DIMENSIONS: u16 = 0x0200;
const BIFF_BOF: u16 = 0x0809;
const BIFF_EOF: u16 = 0x000A;
/// Rows and columns of a BIFF8 sheet.
const BIFF_ROWS: u64 = 65_536;
const BIFF_COLUMNS: u64 = 256;

/// Walks the `Workbook` (or `Book`) stream of an .xls: every sheet's
/// DIMENSIONS within the format's rows and columns, and the cells of all
/// sheets — which calamine builds while opening — within [`SHEET_CELLS`].
/// A compound file the `cfb` crate finds damaged is refused here: calamine's
/// own reader can panic on one (a sector past the end of a truncated file).
fn check_xls(bytes: &[u8]) -> Result<(), ReadError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|_| unreadable("su archivo compuesto está dañado"))?;
    let mut stream = Vec::new();
    let s = file
        .open_stream("/Workbook")
        .or_else(|_| file.open_stream("/Book"))
        .map_err(|_| unreadable("no tiene el flujo Workbook de un libro .xls"))?;
    if s.len() > limits::REGISTER_FILE_BYTES {
        return Err(unreadable("el flujo Workbook es mayor que el archivo"));
    }
    s.take(limits::REGISTER_FILE_BYTES)
        .read_to_end(&mut stream)
        .map_err(|e| unreadable(&e.to_string()))?;

    let mut spans: Vec<Span> = Vec::new();
    let mut at = 0usize;
    while let Some(header) = stream.get(at..at + 4) {
        let typ = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let Some(data) = stream.get(at + 4..at + 4 + len) else {
            break;
        };
        at += 4 + len;
        let u16_at = |i: usize| data.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        let u32_at = |i: usize| {
            data.get(i..i + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        let span = |spans: &mut Vec<Span>| -> usize {
            if spans.is_empty() {
                spans.push(Span::new());
            }
            spans.len() - 1
        };
        match typ {
            BIFF_BOF => spans.push(Span::new()),
            BIFF_EOF => {}
            BIFF_DIMENSIONS => {
                // calamine reserves (last − first) rows × columns from this
                // record, subtracting without a check: first ≥ last wraps
                // to billions of rows in a release build.
                let (first_row, last_row, first_col, last_col) = match len {
                    10 => (
                        u64::from(u16_at(0).unwrap_or(0)),
                        u64::from(u16_at(2).unwrap_or(0)),
                        u64::from(u16_at(4).unwrap_or(0)),
                        u64::from(u16_at(6).unwrap_or(0)),
                    ),
                    14 | 16 => (
                        u64::from(u32_at(0).unwrap_or(0)),
                        u64::from(u32_at(4).unwrap_or(0)),
                        u64::from(u16_at(8).unwrap_or(0)),
                        u64::from(u16_at(10).unwrap_or(0)),
                    ),
                    _ => (0, 0, 0, 0),
                };
                let first_col = if first_col > 0xFF || last_col < first_col {
                    0
                } else {
                    first_col
                };
                let (rows, cols) = if last_row >= 1 && last_col >= 1 {
                    (last_row.saturating_sub(first_row), last_col - first_col)
                } else {
                    (1, 1)
                };
                if last_row >= 1 && last_col >= 1 && first_row >= last_row {
                    return Err(unreadable(
                        "un registro DIMENSIONS con la primera fila después de la última",
                    ));
                }
                if rows > BIFF_ROWS || cols > BIFF_COLUMNS {
                    return Err(ReadError::Limit(format!(
                        "una hoja declara {} filas y {} columnas; una hoja .xls tiene como máximo {} filas y {} columnas",
                        group_thousands(rows),
                        group_thousands(cols),
                        group_thousands(BIFF_ROWS),
                        BIFF_COLUMNS
                    )));
                }
            }
            BIFF_MULRK => {
                let (Some(row), Some(first), Some(last)) =
                    (u16_at(0), u16_at(2), len.checked_sub(2).and_then(u16_at))
                else {
                    continue;
                };
                if last < first {
                    return Err(unreadable("un registro MULRK con columnas invertidas"));
                }
                let i = span(&mut spans);
                spans[i].include(u32::from(row), u32::from(first));
                spans[i].include(u32::from(row), u32::from(last));
            }
            t if BIFF_CELLS.contains(&t) => {
                if let (Some(row), Some(col)) = (u16_at(0), u16_at(2)) {
                    let i = span(&mut spans);
                    spans[i].include(u32::from(row), u32::from(col));
                }
            }
            _ => {}
        }
    }
    let total: u64 = spans.iter().map(Span::cells).sum();
    if total > SHEET_CELLS {
        let widest = spans
            .iter()
            .copied()
            .max_by_key(Span::cells)
            .unwrap_or_else(Span::new);
        return Err(too_many_cells(
            "el libro (todas sus hojas)",
            widest.first,
            widest.last,
            total,
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------- .ods

/// Rows and columns calamine keeps of an .ods table.
const ODS_ROWS: u64 = 1_048_576;
const ODS_COLUMNS: u64 = 16_384;

/// Streams `content.xml` and sizes every table the way calamine expands
/// it: rows and cells repeated as their `number-*-repeated` say, up to the
/// last row and column holding something. The tables together must stay
/// within [`SHEET_CELLS`].
fn check_ods(bytes: &[u8]) -> Result<(), ReadError> {
    use quick_xml::events::Event;

    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e.to_string()))?;
    let Ok(content) = archive.by_name("content.xml") else {
        return Ok(());
    };
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let mut buf = Vec::new();
    let repeat = |e: &quick_xml::events::BytesStart, name: &str, max: u64| -> u64 {
        e.try_get_attribute(name)
            .ok()
            .flatten()
            .and_then(|a| a.value.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .clamp(1, max)
    };

    let mut total: u64 = 0;
    // The table being read: rows so far, last row and widest column with something.
    let (mut rows, mut used_rows, mut used_cols) = (0u64, 0u64, 0u64);
    // The row being read: its repeat, columns so far, last column with something.
    let (mut row_repeat, mut cols, mut row_used) = (1u64, 0u64, 0u64);
    // The cell being read: its repeat, and whether it holds something.
    let (mut cell_repeat, mut cell_used, mut in_cell) = (1u64, false, false);
    loop {
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| unreadable(&e.to_string()))?;
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            match e.name().as_ref() {
                "table:table" => (rows, used_rows, used_cols) = (0, 0, 0),
                "table:table-row" => {
                    row_repeat = repeat(e, "table:number-rows-repeated", ODS_ROWS);
                    (cols, row_used) = (0, 0);
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    cell_repeat = repeat(e, "table:number-columns-repeated", ODS_COLUMNS);
                    cell_used = e.attributes().flatten().any(|a| {
                        a.key.as_ref().starts_with("office:") || a.key.as_ref() == "table:formula"
                    });
                    in_cell = !empty;
                    if empty {
                        close_cell(&mut cols, &mut row_used, cell_repeat, cell_used);
                    }
                }
                _ if in_cell => cell_used = true,
                _ => {}
            }
        }
        match event {
            Event::Text(_) if in_cell => cell_used = true,
            Event::End(e) => match e.name().as_ref() {
                "table:table-cell" | "table:covered-table-cell" => {
                    in_cell = false;
                    close_cell(&mut cols, &mut row_used, cell_repeat, cell_used);
                }
                "table:table-row" => {
                    rows = (rows + row_repeat).min(ODS_ROWS);
                    if row_used > 0 {
                        used_rows = rows;
                        used_cols = used_cols.max(row_used);
                    }
                    if total.saturating_add(used_rows * used_cols) > SHEET_CELLS {
                        return Err(too_many_cells(
                            "una tabla del libro",
                            (0, 0),
                            (
                                used_rows.saturating_sub(1) as u32,
                                used_cols.saturating_sub(1) as u32,
                            ),
                            total + used_rows * used_cols,
                        ));
                    }
                }
                "table:table" => {
                    total += used_rows * used_cols;
                    (rows, used_rows, used_cols) = (0, 0, 0);
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

/// Ends a cell of an .ods row: the row grows by its repeat, and its last
/// used column moves when it holds something.
fn close_cell(cols: &mut u64, row_used: &mut u64, repeat: u64, used: bool) {
    *cols = (*cols + repeat).min(ODS_COLUMNS);
    if used {
        *row_used = *cols;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/registers")
            .join(name);
        std::fs::read(path).unwrap()
    }

    /// Where the `nth` BIFF record of `typ` with `len` bytes of data starts.
    fn record(bytes: &[u8], typ: u16, len: u16, nth: usize) -> usize {
        let mut header = typ.to_le_bytes().to_vec();
        header.extend_from_slice(&len.to_le_bytes());
        (0..bytes.len() - 4)
            .filter(|&i| bytes[i..i + 4] == header[..])
            .nth(nth)
            .expect("record present")
    }

    #[test]
    fn a_panic_inside_a_workbook_read_is_a_damaged_workbook() {
        let err = catch_damaged::<()>(|| {
            let v: Vec<u8> = Vec::new();
            let i = v.len() + 3;
            let _ = v[i];
            Ok(())
        })
        .expect_err("refused");
        assert_eq!(
            err,
            ReadError::Unreadable(
                "no es un libro de Excel (.xlsx, .xls) ni de OpenDocument (.ods) legible (el libro está dañado: su estructura no se puede leer)".into()
            )
        );
        assert!(!GUARDED.with(Flag::get));
        assert_eq!(catch_damaged(|| Ok(7)), Ok(7));
    }

    #[test]
    fn an_honest_xls_opens() {
        let bytes = fixture("maestro.xls");
        check_xls(&bytes).unwrap();
        assert!(open(&bytes, "xls").is_ok());
    }

    /// A DIMENSIONS record claiming 2³¹ rows: calamine would reserve them.
    #[test]
    fn an_xls_claiming_more_rows_than_the_format_has_is_refused() {
        let mut bytes = fixture("maestro.xls");
        let at = record(&bytes, BIFF_DIMENSIONS, 14, 0);
        bytes[at + 8..at + 12].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
        let err = open(&bytes, "xls").err().expect("refused");
        let ReadError::Limit(reason) = err else {
            panic!("{err:?}")
        };
        assert!(
            reason.contains("declara 2 147 483 647 filas") && reason.contains("65 536 filas"),
            "{reason}"
        );
    }

    /// One cell of the master's sheet moved to IV65536: the sheet's
    /// rectangle passes the limit. (The first text cell is alone on the
    /// cover sheet; the second is the master's title.)
    #[test]
    fn an_xls_cell_far_away_is_refused() {
        let mut bytes = fixture("maestro.xls");
        let at = record(&bytes, 0x00FD, 10, 1);
        bytes[at + 4..at + 8].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0x00]);
        let err = open(&bytes, "xls").err().expect("refused");
        let ReadError::Limit(reason) = err else {
            panic!("{err:?}")
        };
        assert!(reason.contains("a IV65536"), "{reason}");
        assert!(
            reason.contains("el máximo admitido es 5 000 000 celdas"),
            "{reason}"
        );
    }

    #[test]
    fn cell_names_are_spreadsheet_names() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(9, 25), "Z10");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
        assert_eq!(cell_name(u32::MAX, u32::MAX), "MWLQKWV4294967296");
    }

    #[test]
    fn spans_count_their_rectangle() {
        let mut s = Span::new();
        assert_eq!(s.cells(), 0);
        s.include(0, 0);
        assert_eq!(s.cells(), 1);
        s.include(1_048_575, 16_383);
        assert_eq!(s.cells(), 17_179_869_184);
        s.include(u32::MAX, u32::MAX);
        assert_eq!(s.cells(), u64::MAX);
    }
}
