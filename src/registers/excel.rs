//! Reading the values of real office spreadsheets: one cell at a time, as
//! people actually type them.
//!
//! A [`Cell`] is what a workbook, a CSV file or a JSON row holds, already
//! unwrapped from its container (calamine, text, JSON). The parsers here turn
//! a cell into a date, an amount in cents, a whole number or a text, and say
//! in Spanish why when they cannot:
//!
//! - dates: Excel serials (formatted or not), ISO text, `15/03/2024`,
//!   `15-03-24`, `15.03.2024`, `15-mar-2024`, `15 de marzo de 2024`,
//!   `15/MAR/24` (Spanish month names and abbreviations, `setiembre` and
//!   `septiembre`, and the English abbreviations Excel prints). Day first:
//!   `03/15/2024` is refused, not guessed (Peruvian offices write dd/mm/aaaa);
//! - amounts: numbers, or text such as `S/ 1,234.50`, `S/. 1234,5`,
//!   `1.234,50`, `(150.00)`; another currency (`US$`, `$`, `€`) is refused;
//! - header names: compared after removing case, accents, spaces and
//!   punctuation ([`header_key`]).
//!
//! It does not know which column means what; that is each register's column
//! list (`licences`, `tapes`, `maintenance`).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::dates;
use unicode_normalization::UnicodeNormalization;

/// A cell's value as read from any source.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date or date-time cell (Excel and ODS dates).
    DateTime(NaiveDateTime),
    /// A time of day without a date (Excel time cells, ODS durations).
    Time(NaiveTime),
    /// A formula error such as `#N/A`.
    Error(String),
}

impl Cell {
    /// A text cell, trimmed; blank text is [`Cell::Empty`].
    pub fn text(s: &str) -> Cell {
        let t = s.trim();
        if t.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(t.to_string())
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The cell as the user sees it, for messages and text columns.
    pub fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) | Cell::Error(s) => s.clone(),
            Cell::Number(n) => format_plain_number(*n),
            Cell::Bool(b) => if *b { "VERDADERO" } else { "FALSO" }.to_string(),
            Cell::DateTime(dt) => {
                if dt.time() == NaiveTime::MIN {
                    dt.format("%d/%m/%Y").to_string()
                } else {
                    dt.format("%d/%m/%Y %H:%M").to_string()
                }
            }
            Cell::Time(t) => t.format("%H:%M").to_string(),
        }
    }
}

/// `1234` for whole numbers, `12.5` otherwise (no trailing `.0`, no exponent
/// for the sizes a register holds).
pub fn format_plain_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Converts a calamine cell.
pub fn from_calamine(data: &calamine::Data) -> Cell {
    use calamine::Data;
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::text(s),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            if dt.is_duration() || (0.0..1.0).contains(&serial) {
                // A time of day (or a duration shorter than a day).
                let seconds = (serial.fract() * 86_400.0).round() as u32 % 86_400;
                NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0)
                    .map(Cell::Time)
                    .unwrap_or(Cell::Number(serial))
            } else {
                dt.as_datetime()
                    .map(Cell::DateTime)
                    .unwrap_or(Cell::Number(serial))
            }
        }
        Data::DateTimeIso(s) => dates::parse_iso_date_or_datetime(s)
            .map(Cell::DateTime)
            .or_else(|| dates::parse_time_of_day(s).map(Cell::Time))
            .unwrap_or_else(|| Cell::text(s)),
        Data::DurationIso(s) => parse_iso_duration(s)
            .map(Cell::Time)
            .unwrap_or_else(|| Cell::text(s)),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

/// Converts a JSON value of a data file row.
pub fn from_json(value: &serde_json::Value) -> Cell {
    use serde_json::Value;
    match value {
        Value::Null => Cell::Empty,
        Value::Bool(b) => Cell::Bool(*b),
        Value::Number(n) => n.as_f64().map(Cell::Number).unwrap_or(Cell::Empty),
        Value::String(s) => Cell::text(s),
        other => Cell::Text(other.to_string()),
    }
}

// ---------------------------------------------------------------- text

/// Upper case, without accents (ñ stays Ñ), single spaces: how keys and
/// groups compare (`Oficina de  Tecnologías` = `OFICINA DE TECNOLOGIAS`).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for ch in s.trim().chars() {
        if ch.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        push_folded(&mut out, ch);
    }
    out
}

fn push_folded(out: &mut String, ch: char) {
    if ch.is_ascii() {
        out.push(ch.to_ascii_uppercase());
        return;
    }
    if ch == 'ñ' || ch == 'Ñ' {
        out.push('Ñ');
        return;
    }
    for c in ch.nfd() {
        if !('\u{300}'..='\u{36f}').contains(&c) {
            out.extend(c.to_uppercase());
        }
    }
}

/// A header name reduced to its letters and digits, upper case, without
/// accents: `Amortiz. Acumulada  S/` → `AMORTIZACUMULADAS`.
pub fn header_key(s: &str) -> String {
    let mut folded = String::with_capacity(s.len());
    for ch in s.chars() {
        push_folded(&mut folded, ch);
    }
    folded
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == 'Ñ')
        .collect()
}

/// A text column: the cell as shown, `None` when empty.
pub fn parse_text(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Empty => None,
        // Built by `Cell::text`: already trimmed and not blank.
        Cell::Text(s) => Some(s.clone()),
        other => {
            let s = other.shown();
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_string())
        }
    }
}

// ---------------------------------------------------------------- dates

/// Excel's day 0 (the 1900 system, with its leap-year bug already past).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default()
}

/// Serial numbers accepted as dates in a date column: 1 Jan 1960 to 31 Dec 2199.
const SERIAL_RANGE: std::ops::RangeInclusive<f64> = 21_916.0..=109_938.0;

/// A date column. `Ok(None)` for an empty cell.
pub fn parse_date(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::DateTime(dt) => Ok(Some(dt.date())),
        Cell::Number(n) if SERIAL_RANGE.contains(n) => {
            Ok(excel_epoch().checked_add_days(chrono::Days::new(n.floor() as u64)))
        }
        Cell::Number(n) => Err(format!(
            "el número {} no es una fecha (se espera dd/mm/aaaa)",
            format_plain_number(*n)
        )),
        Cell::Text(s) => dates::parse_day_first(s).map(Some),
        Cell::Time(_) => Err("es una hora, no una fecha".into()),
        Cell::Bool(_) => Err("es un valor lógico, no una fecha".into()),
        Cell::Error(e) => Err(format!("la celda tiene un error de fórmula ({e})")),
    }
}

/// A date-time column; a date alone is midnight. `Ok(None)` for an empty cell.
pub fn parse_datetime(cell: &Cell) -> Result<Option<NaiveDateTime>, String> {
    match cell {
        Cell::DateTime(dt) => Ok(Some(*dt)),
        Cell::Number(n) if SERIAL_RANGE.contains(n) => {
            let day = excel_epoch().checked_add_days(chrono::Days::new(n.floor() as u64));
            let seconds = (n.fract() * 86_400.0).round() as u32 % 86_400;
            Ok(day.and_then(|d| {
                NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0).map(|t| d.and_time(t))
            }))
        }
        // «15/03/2024 22:30», «15-mar-2024 10:05 p. m.»
        Cell::Text(s) => dates::parse_day_first_datetime(s).map(Some),
        other => parse_date(other).map(|d| d.map(|d| d.and_time(NaiveTime::MIN))),
    }
}

/// A time-of-day column (`01:00`, `1:00 a. m.`, an Excel time). `Ok(None)` when empty.
pub fn parse_time(cell: &Cell) -> Result<Option<NaiveTime>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Time(t) => Ok(Some(*t)),
        Cell::DateTime(dt) => Ok(Some(dt.time())),
        Cell::Number(n) if (0.0..1.0).contains(n) => {
            Ok(NaiveTime::from_num_seconds_from_midnight_opt(
                (n * 86_400.0).round() as u32 % 86_400,
                0,
            ))
        }
        Cell::Text(s) => dates::parse_time_of_day(s)
            .map(Some)
            .ok_or_else(|| format!("hora no reconocida «{s}» (se espera HH:MM)")),
        other => Err(format!(
            "hora no reconocida «{}» (se espera HH:MM)",
            other.shown()
        )),
    }
}

/// `PT01H30M00S` (how ODS stores a time cell).
fn parse_iso_duration(s: &str) -> Option<NaiveTime> {
    let rest = s.trim().strip_prefix("PT")?;
    let (mut h, mut m, mut sec) = (0u32, 0u32, 0f64);
    let mut number = String::new();
    for ch in rest.chars() {
        match ch {
            'H' => h = number.parse().ok()?,
            'M' => m = number.parse().ok()?,
            'S' => sec = number.parse().ok()?,
            _ => {
                number.push(ch);
                continue;
            }
        }
        number.clear();
    }
    NaiveTime::from_hms_opt(h % 24, m, sec as u32)
}

// ---------------------------------------------------------------- numbers

/// An amount in soles, in cents. `Ok(None)` for an empty cell (or a lone `-`,
/// which is how accounting formats print zero… as text).
pub fn parse_amount(cell: &Cell) -> Result<Option<i64>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) => {
            let cents = (n * 100.0).round();
            if cents.is_finite() && cents.abs() <= MAX_AMOUNT_CENTS as f64 {
                Ok(Some(cents as i64))
            } else {
                Err(out_of_range(&format_plain_number(*n)))
            }
        }
        Cell::Text(s) => parse_amount_text(s),
        Cell::Error(e) => Err(format!("la celda tiene un error de fórmula ({e})")),
        other => Err(format!(
            "importe no reconocido «{}» (se espera un número, p. ej. S/ 1,234.50)",
            other.shown()
        )),
    }
}

/// `S/ 1,234.50`, `S/. 1234,5`, `1.234,50`, `(150.00)`, `-150`.
pub fn parse_amount_text(s: &str) -> Result<Option<i64>, String> {
    let original = s.trim();
    let unknown =
        || format!("importe no reconocido «{original}» (se espera un número, p. ej. S/ 1,234.50)");
    let lower = original.to_lowercase();
    for foreign in ["us$", "usd", "$", "€", "eur"] {
        if lower.contains(foreign) {
            return Err(format!(
                "importe en otra moneda «{original}»: el registro se lleva en soles (S/)"
            ));
        }
    }
    let mut text: String = lower
        .replace("s/.", "")
        .replace("s/", "")
        .replace("pen", "")
        .replace("soles", "")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}' && *c != '\'')
        .collect();
    if text.is_empty() || text == "-" || text == "—" {
        return Ok(None);
    }
    let mut negative = false;
    if text.starts_with('(') && text.ends_with(')') {
        negative = true;
        text = text[1..text.len() - 1].to_string();
    }
    if let Some(rest) = text.strip_prefix('-') {
        negative = !negative;
        text = rest.to_string();
    }
    if text.is_empty()
        || !text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(unknown());
    }
    let last_dot = text.rfind('.');
    let last_comma = text.rfind(',');
    let decimal = match (last_dot, last_comma) {
        (Some(d), Some(c)) => Some(d.max(c)),
        (Some(d), None) => {
            // «1.234.567» groups thousands; «1234.5» is a decimal point.
            if text.matches('.').count() > 1 {
                None
            } else {
                Some(d)
            }
        }
        (None, Some(c)) => {
            // «1,234» and «1,234,567» group thousands (Peru); «1234,5» is a decimal comma.
            let groups_of_three = text.split(',').skip(1).all(|g| g.len() == 3);
            if text.matches(',').count() > 1 || groups_of_three {
                None
            } else {
                Some(c)
            }
        }
        (None, None) => None,
    };
    let (int_part, frac_part) = match decimal {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text.as_str(), ""),
    };
    // Thousands separators: one kind, other than the decimal one, in groups of three.
    let separators: Vec<char> = int_part.chars().filter(|c| !c.is_ascii_digit()).collect();
    if let Some(&sep) = separators.first() {
        let decimal_char = decimal.and_then(|i| text[i..].chars().next());
        let mut groups = int_part.split(sep);
        let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
        if separators.iter().any(|c| *c != sep)
            || decimal_char == Some(sep)
            || !first_ok
            || !groups.all(|g| g.len() == 3)
        {
            return Err(unknown());
        }
    }
    let int_digits: String = int_part.chars().filter(|c| c.is_ascii_digit()).collect();
    if frac_part.contains(['.', ',']) || (int_digits.is_empty() && frac_part.is_empty()) {
        return Err(unknown());
    }
    let digits = int_digits.trim_start_matches('0');
    // More digits than the largest amount has: refused before any arithmetic.
    if digits.len() > MAX_AMOUNT_DIGITS {
        return Err(out_of_range(original));
    }
    let units: i64 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| unknown())?
    };
    let mut cents = units * 100;
    if !frac_part.is_empty() {
        // Round to cents: «1234.567» → 1234.57.
        let padded = format!("{frac_part:0<3}");
        let first_three: i64 = padded[..3].parse().map_err(|_| unknown())?;
        cents += (first_three + 5) / 10;
    }
    if cents > MAX_AMOUNT_CENTS {
        return Err(out_of_range(original));
    }
    Ok(Some(if negative { -cents } else { cents }))
}

/// The largest amount a register holds, in cents: S/ 999,999,999,999.99 —
/// far above any public entity's purchase, and small enough that the sums
/// of millions of rows stay exact in `i64` and `f64`.
pub const MAX_AMOUNT_CENTS: i64 = 99_999_999_999_999;
/// Digits of the whole part of [`MAX_AMOUNT_CENTS`] in soles.
const MAX_AMOUNT_DIGITS: usize = 12;

fn out_of_range(shown: &str) -> String {
    format!(
        "importe fuera de rango «{shown}» (el máximo admitido es S/ {})",
        format_cents(MAX_AMOUNT_CENTS)
    )
}

/// Whole numbers a register holds (quantities, counts) stay below this.
const MAX_INTEGER: u64 = 1_000_000_000_000_000;

/// A whole number column (quantities, counts). `Ok(None)` when empty.
pub fn parse_integer(cell: &Cell) -> Result<Option<i64>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < MAX_INTEGER as f64 => Ok(Some(*n as i64)),
        Cell::Number(n) => Err(format!(
            "se espera un número entero, no {}",
            format_plain_number(*n)
        )),
        Cell::Text(s) => {
            let cleaned: String = s
                .chars()
                .filter(|c| !c.is_whitespace() && *c != ',' && *c != '\u{a0}')
                .collect();
            cleaned
                .parse::<i64>()
                .ok()
                .filter(|n| n.unsigned_abs() < MAX_INTEGER)
                .map(Some)
                .ok_or_else(|| format!("se espera un número entero, no «{s}»"))
        }
        other => Err(format!(
            "se espera un número entero, no «{}»",
            other.shown()
        )),
    }
}

/// A decimal number column (months of useful life). `Ok(None)` when empty.
pub fn parse_decimal(cell: &Cell) -> Result<Option<f64>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) => Ok(Some(*n)),
        Cell::Text(s) => {
            let t = s.trim().replace(',', ".");
            t.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(Some)
                .ok_or_else(|| format!("se espera un número, no «{s}»"))
        }
        other => Err(format!("se espera un número, no «{}»", other.shown())),
    }
}

/// `1,234.50` (no currency sign) from cents.
pub fn format_cents(cents: i64) -> String {
    let negative = cents < 0;
    let abs = cents.unsigned_abs();
    let units = (abs / 100).to_string();
    let mut grouped = String::with_capacity(units.len() + units.len() / 3);
    for (i, ch) in units.chars().enumerate() {
        if i > 0 && (units.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!(
        "{}{grouped}.{:02}",
        if negative { "-" } else { "" },
        abs % 100
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn text_dates_are_read_day_first() {
        assert_eq!(
            parse_date(&Cell::text("15-mar-2024")),
            Ok(Some(d(2024, 3, 15)))
        );
        let err = parse_date(&Cell::text("03/15/2024")).unwrap_err();
        assert!(err.contains("el mes 15 no existe"), "{err}");
        assert!(parse_date(&Cell::Number(12.0)).is_err());
        assert_eq!(parse_date(&Cell::Empty), Ok(None));
    }

    #[test]
    fn excel_serials_are_dates() {
        assert_eq!(parse_date(&Cell::Number(45366.0)), Ok(Some(d(2024, 3, 15))));
        assert_eq!(
            parse_datetime(&Cell::Number(45366.5)),
            Ok(Some(d(2024, 3, 15).and_hms_opt(12, 0, 0).unwrap()))
        );
    }

    #[test]
    fn datetimes_and_times() {
        assert_eq!(
            parse_datetime(&Cell::text("15/03/2024 22:30")),
            Ok(Some(d(2024, 3, 15).and_hms_opt(22, 30, 0).unwrap()))
        );
        assert_eq!(
            parse_datetime(&Cell::text("2024-03-15T01:05")),
            Ok(Some(d(2024, 3, 15).and_hms_opt(1, 5, 0).unwrap()))
        );
        assert_eq!(
            parse_time(&Cell::text("10:30 p. m.")),
            Ok(NaiveTime::from_hms_opt(22, 30, 0))
        );
        assert_eq!(
            parse_time(&Cell::Number(0.5)),
            Ok(NaiveTime::from_hms_opt(12, 0, 0))
        );
        assert_eq!(
            parse_iso_duration("PT01H30M00S"),
            NaiveTime::from_hms_opt(1, 30, 0)
        );
    }

    #[test]
    fn amounts_as_people_type_them() {
        let cases = [
            ("S/ 1,234.50", 123_450),
            ("S/. 1,234.50", 123_450),
            ("S/1234.5", 123_450),
            ("1.234,50", 123_450),
            ("1 234,50", 123_450),
            ("1234,5", 123_450),
            ("1,234", 123_400),
            ("1,234,567.891", 123_456_789),
            ("1.234.567", 123_456_700),
            ("(150.00)", -15_000),
            ("-150", -15_000),
            ("0.005", 1),
            ("S/ 0.00", 0),
        ];
        for (text, cents) in cases {
            assert_eq!(parse_amount_text(text), Ok(Some(cents)), "{text}");
        }
        assert_eq!(parse_amount_text("-"), Ok(None));
        assert_eq!(parse_amount(&Cell::Number(1234.5)), Ok(Some(123_450)));
        let err = parse_amount_text("US$ 1,200.00").unwrap_err();
        assert!(err.contains("otra moneda"), "{err}");
        let err = parse_amount_text("mil soles").unwrap_err();
        assert!(err.starts_with("importe no reconocido"), "{err}");
        assert!(parse_amount_text("1.2.3,4,5").is_err());
    }

    /// `92233720368547758.99` used to overflow `i64` while adding the cents.
    #[test]
    fn huge_amounts_are_refused_not_wrapped() {
        for text in [
            "92233720368547758.99",
            "92,233,720,368,547,758.99",
            "-92233720368547758.99",
            "1000000000000",
            "99999999999999999999999999999999",
        ] {
            let err = parse_amount_text(text).unwrap_err();
            assert!(err.starts_with("importe fuera de rango"), "{text}: {err}");
            assert!(err.contains("999,999,999,999.99"), "{err}");
        }
        assert_eq!(
            parse_amount_text("999,999,999,999.99"),
            Ok(Some(MAX_AMOUNT_CENTS))
        );
        assert_eq!(
            parse_amount_text("999999999999.999"),
            Err(out_of_range("999999999999.999"))
        );
        assert_eq!(parse_amount_text("000000000000000001.5"), Ok(Some(150)));
        for n in [f64::MAX, -1e300, f64::NAN, f64::INFINITY, 1e12] {
            assert!(parse_amount(&Cell::Number(n)).is_err(), "{n}");
        }
        assert_eq!(
            parse_amount(&Cell::Number(-1e11)),
            Ok(Some(-10_000_000_000_000))
        );
    }

    #[test]
    fn headers_compare_without_case_accents_spaces_or_punctuation() {
        assert_eq!(
            header_key("  Amortiz.  Acumulada\nS/ "),
            "AMORTIZACUMULADAS"
        );
        assert_eq!(header_key("UBICACIÓN"), header_key("ubicacion"));
        assert_eq!(header_key("Término"), "TERMINO");
        assert_eq!(
            fold("  Oficina de   Tecnologías "),
            "OFICINA DE TECNOLOGIAS"
        );
        assert_eq!(fold("Año"), "AÑO");
    }

    #[test]
    fn cents_print_with_thousands() {
        assert_eq!(format_cents(123_450), "1,234.50");
        assert_eq!(format_cents(5), "0.05");
        assert_eq!(format_cents(-100_000_000), "-1,000,000.00");
        assert_eq!(format_plain_number(12.0), "12");
        assert_eq!(format_plain_number(12.5), "12.5");
    }
}
