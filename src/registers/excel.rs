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

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
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
        Data::DateTimeIso(s) => parse_iso_datetime(s)
            .map(Cell::DateTime)
            .or_else(|| parse_time_text(s).map(Cell::Time))
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
        Cell::Text(s) => parse_date_text(s).map(Some),
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
        Cell::Text(s) => {
            let s = s.trim();
            if let Some(dt) = parse_iso_datetime(s) {
                return Ok(Some(dt));
            }
            // «15/03/2024 22:30», «15-mar-2024 10:05 p. m.»
            let (date_part, time_part) = split_time(s);
            let date = parse_date_text(date_part)?;
            let time = match time_part {
                Some(t) => parse_time_text(t).ok_or_else(|| {
                    format!("hora no reconocida «{}» (se espera HH:MM)", t.trim())
                })?,
                None => NaiveTime::MIN,
            };
            Ok(Some(date.and_time(time)))
        }
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
        Cell::Text(s) => parse_time_text(s)
            .map(Some)
            .ok_or_else(|| format!("hora no reconocida «{s}» (se espera HH:MM)")),
        other => Err(format!(
            "hora no reconocida «{}» (se espera HH:MM)",
            other.shown()
        )),
    }
}

/// Splits «15/03/2024 22:30» into the date and the time (the part from the
/// first token holding a colon).
fn split_time(s: &str) -> (&str, Option<&str>) {
    match s.find(':') {
        Some(colon) => {
            let start = s[..colon]
                .rfind(|c: char| c.is_whitespace() || c == 'T')
                .map(|i| i + 1)
                .unwrap_or(0);
            (&s[..start], Some(&s[start..]))
        }
        None => (s, None),
    }
}

fn parse_iso_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, format) {
            return Some(dt);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(NaiveTime::MIN))
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

/// `22:30`, `22:30:15`, `10:30 p. m.`, `10:30 PM`.
fn parse_time_text(s: &str) -> Option<NaiveTime> {
    let lower = fold(s).to_lowercase().replace(['.', ' '], "");
    let (clock, pm, am) = if let Some(c) = lower.strip_suffix("pm") {
        (c, true, false)
    } else if let Some(c) = lower.strip_suffix("am") {
        (c, false, true)
    } else {
        (lower.as_str(), false, false)
    };
    let mut parts = clock.split(':');
    let mut h: u32 = parts.next()?.trim().parse().ok()?;
    let m: u32 = parts.next()?.trim().parse().ok()?;
    let sec: u32 = match parts.next() {
        Some(p) => p.trim().parse::<f64>().ok()? as u32,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    if pm && h < 12 {
        h += 12;
    }
    if am && h == 12 {
        h = 0;
    }
    NaiveTime::from_hms_opt(h, m, sec)
}

/// Month number of a Spanish (or English, as Excel prints it) month name or abbreviation.
fn month_from_name(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.');
    let month = match w {
        "ene" | "enero" | "jan" | "january" => 1,
        "feb" | "febrero" | "february" => 2,
        "mar" | "marzo" | "march" => 3,
        "abr" | "abril" | "apr" | "april" => 4,
        "may" | "mayo" => 5,
        "jun" | "junio" | "june" => 6,
        "jul" | "julio" | "july" => 7,
        "ago" | "agosto" | "aug" | "august" => 8,
        "set" | "sep" | "sept" | "setiembre" | "septiembre" | "september" => 9,
        "oct" | "octubre" | "october" => 10,
        "nov" | "noviembre" | "november" => 11,
        "dic" | "diciembre" | "dec" | "december" => 12,
        _ => return None,
    };
    Some(month)
}

/// Weekday names that may precede a date («lunes, 15 de marzo de 2024»);
/// «mar» is left out: it is March.
const WEEKDAYS: [&str; 13] = [
    "lunes",
    "martes",
    "miercoles",
    "jueves",
    "viernes",
    "sabado",
    "domingo",
    "lun",
    "mie",
    "jue",
    "vie",
    "sab",
    "dom",
];

/// A date typed as text, day first.
pub fn parse_date_text(s: &str) -> Result<NaiveDate, String> {
    let original = s.trim();
    let unknown =
        || format!("fecha no reconocida «{original}» (se espera dd/mm/aaaa, p. ej. 15/03/2024)");
    if let Ok(d) = NaiveDate::parse_from_str(original, "%Y-%m-%d") {
        return Ok(d);
    }
    let lower = fold(original).to_lowercase();
    let mut tokens: Vec<&str> = lower
        .split(['/', '-', '.', ' ', ','])
        .filter(|t| !t.is_empty() && *t != "de" && *t != "del")
        .collect();
    // «lunes, 15 de marzo de 2024»
    if tokens.len() == 4 && WEEKDAYS.contains(&tokens[0]) {
        tokens.remove(0);
    }
    if tokens.len() != 3 {
        return Err(unknown());
    }
    let number = |t: &str| -> Option<u32> {
        (t.len() <= 4 && t.chars().all(|c| c.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let (year_text, month, day) = if tokens[0].len() == 4 && number(tokens[0]).is_some() {
        // 2024/03/15, 2024-mar-15
        let month = number(tokens[1]).or_else(|| month_from_name(tokens[1]));
        (tokens[0], month, number(tokens[2]))
    } else if let Some(month) = month_from_name(tokens[0]) {
        // «marzo 15, 2024»
        (tokens[2], Some(month), number(tokens[1]))
    } else {
        let month = number(tokens[1]).or_else(|| month_from_name(tokens[1]));
        (tokens[2], month, number(tokens[0]))
    };
    let (Some(month), Some(day), Some(year)) = (month, day, number(year_text)) else {
        return Err(unknown());
    };
    let year = match year_text.len() {
        4 => year as i32,
        2 => {
            // Two-digit years: 00–69 are 2000–2069, 70–99 are 1970–1999.
            if year < 70 {
                2000 + year as i32
            } else {
                1900 + year as i32
            }
        }
        _ => return Err(unknown()),
    };
    if !(1..=12).contains(&month) {
        return Err(format!(
            "fecha no válida «{original}»: el mes {month} no existe (se espera dd/mm/aaaa)"
        ));
    }
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| format!("fecha no válida «{original}»: el día {day} no existe en ese mes"))
}

// ---------------------------------------------------------------- numbers

/// An amount in soles, in cents. `Ok(None)` for an empty cell (or a lone `-`,
/// which is how accounting formats print zero… as text).
pub fn parse_amount(cell: &Cell) -> Result<Option<i64>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) => {
            if n.is_finite() {
                Ok(Some((n * 100.0).round() as i64))
            } else {
                Err("importe no válido".into())
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
    let units: i64 = if int_digits.is_empty() {
        0
    } else {
        int_digits.parse().map_err(|_| unknown())?
    };
    let mut cents = units.checked_mul(100).ok_or_else(unknown)?;
    if !frac_part.is_empty() {
        // Round to cents: «1234.567» → 1234.57.
        let padded = format!("{frac_part:0<3}");
        let first_three: i64 = padded[..3].parse().map_err(|_| unknown())?;
        cents += (first_three + 5) / 10;
    }
    Ok(Some(if negative { -cents } else { cents }))
}

/// A whole number column (quantities, counts). `Ok(None)` when empty.
pub fn parse_integer(cell: &Cell) -> Result<Option<i64>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Ok(Some(*n as i64)),
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
                .map(Some)
                .map_err(|_| format!("se espera un número entero, no «{s}»"))
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

/// dd/mm/aaaa, as every human output of Actas prints dates.
pub fn format_date(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
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
    fn dates_as_people_type_them() {
        let cases = [
            ("15/03/2024", d(2024, 3, 15)),
            ("15-03-2024", d(2024, 3, 15)),
            ("15.03.24", d(2024, 3, 15)),
            ("5/3/2024", d(2024, 3, 5)),
            ("2024-03-15", d(2024, 3, 15)),
            ("15-mar-2024", d(2024, 3, 15)),
            ("15-MAR-24", d(2024, 3, 15)),
            ("15/Mar./2024", d(2024, 3, 15)),
            ("15 de marzo de 2024", d(2024, 3, 15)),
            ("lunes, 15 de marzo de 2024", d(2024, 3, 15)),
            ("1 setiembre 2025", d(2025, 9, 1)),
            ("1-sept-2025", d(2025, 9, 1)),
            ("31 DICIEMBRE 2026", d(2026, 12, 31)),
            ("3-Aug-2024", d(2024, 8, 3)),
            ("marzo 15, 2024", d(2024, 3, 15)),
            ("  15 / 03 / 2024 ", d(2024, 3, 15)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_date_text(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn impossible_or_ambiguous_dates_are_refused_in_spanish() {
        let err = parse_date_text("03/15/2024").unwrap_err();
        assert!(err.contains("el mes 15 no existe"), "{err}");
        let err = parse_date_text("31/02/2024").unwrap_err();
        assert!(err.contains("el día 31 no existe"), "{err}");
        let err = parse_date_text("pronto").unwrap_err();
        assert!(err.starts_with("fecha no reconocida «pronto»"), "{err}");
        assert!(parse_date_text("15-foo-2024").is_err());
        assert!(parse_date(&Cell::Number(12.0)).is_err());
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
