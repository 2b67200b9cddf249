//! Dates as Actas reads and prints them, in one place.
//!
//! - **ISO** — how data files, the command line, the window and the store
//!   carry dates: [`parse_iso_date`] (`2026-03-15`), [`parse_iso_datetime`]
//!   (`2026-03-15T20:30`, seconds and a space instead of `T` accepted),
//!   [`iso_date`] / [`iso_datetime`] to write them back.
//! - **Office text** — how people type dates in spreadsheets, day first
//!   ([`parse_day_first`]): `15/03/2024`, `15-03-24`, `15.03.2024`,
//!   `15-mar-2024`, `15 de marzo de 2024`, `lunes, 15 de marzo de 2024`,
//!   `marzo 15, 2024`, `2024/03/15`; Spanish month names and abbreviations
//!   (`setiembre` and `septiembre`) and the English abbreviations Excel
//!   prints. `03/15/2024` is refused, not guessed (offices in Peru write
//!   dd/mm/aaaa). Times of day: [`parse_time_of_day`] (`22:30`,
//!   `10:30 p. m.`); a date and a time: [`parse_day_first_datetime`].
//! - **Output** — dd/mm/aaaa as every human output prints dates
//!   ([`format_date`], [`format_datetime`]) and the long Spanish form
//!   ([`format_long_date`]: `15 de marzo de 2026`).
//! - **Arguments** — [`day_arg`], a clap `value_parser` for `AAAA-MM-DD`
//!   options, so `--from 2026-13-01` is an argument error (exit 2).
//!
//! Errors are one Spanish phrase that quotes the text. Pure functions of
//! text: no clock, no time zones (`clock`), no spreadsheet cells
//! (`registers::excel` turns a cell into a serial or a text first).

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

/// Spanish month names, January first, as printed in long dates.
pub const MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// `AAAA-MM-DD` (surrounding blanks ignored).
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// `AAAA-MM-DDTHH:MM`, with optional seconds (and fraction), `T` or a space.
pub fn parse_iso_datetime(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
}

/// An ISO date-time, or an ISO date at midnight.
pub fn parse_iso_date_or_datetime(text: &str) -> Option<NaiveDateTime> {
    parse_iso_datetime(text).or_else(|| parse_iso_date(text).map(|d| d.and_time(NaiveTime::MIN)))
}

/// `2026-03-15`.
pub fn iso_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// `2026-03-15T20:30`.
pub fn iso_datetime(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M").to_string()
}

/// `15/03/2026`.
pub fn format_date(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

/// `15/03/2026 20:30`.
pub fn format_datetime(at: NaiveDateTime) -> String {
    at.format("%d/%m/%Y %H:%M").to_string()
}

/// An RFC 3339 timestamp (`2026-03-15T10:00:00-05:00`) as `15/03/2026`, in
/// its own offset; the text itself when it is not RFC 3339.
pub fn format_rfc3339_date(text: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| format_date(t.date_naive()))
        .unwrap_or_else(|_| text.to_string())
}

/// An RFC 3339 timestamp as `15/03/2026 10:00`, in its own offset.
pub fn format_rfc3339_datetime(text: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| format_datetime(t.naive_local()))
        .unwrap_or_else(|_| text.to_string())
}

/// `15/03/2026 10:00 -05:00`: a moment with its offset, as reports print it.
pub fn format_moment(at: &chrono::DateTime<chrono::FixedOffset>) -> String {
    at.format("%d/%m/%Y %H:%M %:z").to_string()
}

/// An RFC 3339 timestamp as [`format_moment`] prints it; the text itself
/// when it is not RFC 3339.
pub fn format_rfc3339_moment(text: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| format_moment(&t))
        .unwrap_or_else(|_| text.to_string())
}

/// `15 de marzo de 2026`.
pub fn format_long_date(date: NaiveDate) -> String {
    format!(
        "{} de {} de {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// `date` plus `days` (none when negative), the last representable day
/// when that would overflow: a window of «the next N days» never panics.
pub fn days_after(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_days(chrono::Days::new(days.max(0) as u64))
        .unwrap_or(NaiveDate::MAX)
}

/// A day given as an `AAAA-MM-DD` option: the clap `value_parser` of every
/// date argument, so a wrong date is an argument error.
pub fn day_arg(text: &str) -> Result<NaiveDate, String> {
    parse_iso_date(text)
        .ok_or_else(|| format!("fecha inválida «{}» (se espera AAAA-MM-DD)", text.trim()))
}

/// An optional `AAAA-MM-DD` typed in the window: blank is none; `what`
/// names the field in the error.
pub fn parse_optional_day(text: Option<&str>, what: &str) -> Result<Option<NaiveDate>, String> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => day_arg(t).map(Some).map_err(|e| format!("{what}: {e}")),
    }
}

/// Month number of a Spanish (or English, as Excel prints it) month name or
/// abbreviation, lower case without accents (`mar`, `marzo`, `set.`).
pub fn month_number(word: &str) -> Option<u32> {
    let month = match word.trim_end_matches('.') {
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

/// Lower case, accents removed (ñ kept), every kind of blank a plain space.
fn simplify(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_whitespace() {
            out.push(' ');
        } else if ch == 'ñ' || ch == 'Ñ' {
            out.push('ñ');
        } else if ch.is_ascii() {
            out.push(ch.to_ascii_lowercase());
        } else {
            for c in ch.nfd() {
                if !('\u{300}'..='\u{36f}').contains(&c) {
                    out.extend(c.to_lowercase());
                }
            }
        }
    }
    out
}

/// A date typed as text, day first; ISO `AAAA-MM-DD` too.
pub fn parse_day_first(text: &str) -> Result<NaiveDate, String> {
    let original = text.trim();
    let unknown =
        || format!("fecha no reconocida «{original}» (se espera dd/mm/aaaa, p. ej. 15/03/2024)");
    if let Some(d) = parse_iso_date(original) {
        return Ok(d);
    }
    let lower = simplify(original);
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
        let month = number(tokens[1]).or_else(|| month_number(tokens[1]));
        (tokens[0], month, number(tokens[2]))
    } else if let Some(month) = month_number(tokens[0]) {
        // «marzo 15, 2024»
        (tokens[2], Some(month), number(tokens[1]))
    } else {
        let month = number(tokens[1]).or_else(|| month_number(tokens[1]));
        (tokens[2], month, number(tokens[0]))
    };
    let (Some(month), Some(day), Some(year)) = (month, day, number(year_text)) else {
        return Err(unknown());
    };
    let year = match year_text.len() {
        4 => year as i32,
        // Two-digit years: 00–69 are 2000–2069, 70–99 are 1970–1999.
        2 if year < 70 => 2000 + year as i32,
        2 => 1900 + year as i32,
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

/// `22:30`, `22:30:15`, `10:30 p. m.`, `10:30 PM`, `12:05 a.m.`.
pub fn parse_time_of_day(text: &str) -> Option<NaiveTime> {
    let lower = simplify(text).replace(['.', ' '], "");
    let (clock, pm, am) = if let Some(c) = lower.strip_suffix("pm") {
        (c, true, false)
    } else if let Some(c) = lower.strip_suffix("am") {
        (c, false, true)
    } else {
        (lower.as_str(), false, false)
    };
    let mut parts = clock.split(':');
    let mut h: u32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let sec: u32 = match parts.next() {
        Some(p) => p.parse::<f64>().ok().filter(|s| (0.0..60.0).contains(s))? as u32,
        None => 0,
    };
    if parts.next().is_some() || ((am || pm) && h > 12) {
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

/// A date and an optional time typed as text: ISO, or a day-first date
/// followed by a time (`15/03/2024 22:30`, `15-mar-2024 10:05 p. m.`).
pub fn parse_day_first_datetime(text: &str) -> Result<NaiveDateTime, String> {
    let text = text.trim();
    if let Some(at) = parse_iso_datetime(text) {
        return Ok(at);
    }
    let (date_part, time_part) = split_time(text);
    let date = parse_day_first(date_part)?;
    let time = match time_part {
        Some(t) => parse_time_of_day(t)
            .ok_or_else(|| format!("hora no reconocida «{}» (se espera HH:MM)", t.trim()))?,
        None => NaiveTime::MIN,
    };
    Ok(date.and_time(time))
}

/// Splits «15/03/2024 22:30» into the date and the time: the time starts at
/// the token holding the first colon (after a blank of any kind, or a `T`).
fn split_time(text: &str) -> (&str, Option<&str>) {
    let Some(colon) = text.find(':') else {
        return (text, None);
    };
    let start = text[..colon]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace() || *c == 'T')
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    (&text[..start], Some(&text[start..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn iso_dates_and_datetimes() {
        assert_eq!(parse_iso_date(" 2026-03-15 "), Some(d(2026, 3, 15)));
        assert_eq!(parse_iso_date("2026-13-01"), None);
        assert_eq!(parse_iso_date("15/03/2026"), None);
        let at = d(2026, 3, 15).and_hms_opt(20, 30, 0).unwrap();
        for text in [
            "2026-03-15T20:30",
            "2026-03-15 20:30",
            "2026-03-15T20:30:00",
            "2026-03-15T20:30:00.000",
        ] {
            assert_eq!(parse_iso_datetime(text), Some(at), "{text}");
        }
        assert_eq!(
            parse_iso_date_or_datetime("2026-03-15"),
            Some(d(2026, 3, 15).and_time(NaiveTime::MIN))
        );
        assert_eq!(iso_date(d(2026, 3, 5)), "2026-03-05");
        assert_eq!(iso_datetime(at), "2026-03-15T20:30");
    }

    #[test]
    fn output_is_day_first() {
        assert_eq!(format_date(d(2026, 3, 5)), "05/03/2026");
        assert_eq!(
            format_datetime(d(2026, 3, 5).and_hms_opt(9, 7, 0).unwrap()),
            "05/03/2026 09:07"
        );
        assert_eq!(format_long_date(d(2026, 9, 1)), "1 de septiembre de 2026");
        assert_eq!(
            format_rfc3339_date("2026-03-15T23:30:00-05:00"),
            "15/03/2026"
        );
        assert_eq!(
            format_rfc3339_datetime("2026-03-15T23:30:00-05:00"),
            "15/03/2026 23:30"
        );
        assert_eq!(format_rfc3339_date("ayer"), "ayer");
        assert_eq!(
            format_rfc3339_moment("2026-03-15T10:00:00-05:00"),
            "15/03/2026 10:00 -05:00"
        );
    }

    #[test]
    fn day_arg_refuses_impossible_dates_in_spanish() {
        assert_eq!(day_arg("2026-03-15"), Ok(d(2026, 3, 15)));
        assert_eq!(
            day_arg("2026-13-01").unwrap_err(),
            "fecha inválida «2026-13-01» (se espera AAAA-MM-DD)"
        );
        assert!(day_arg("15/03/2026").is_err());
        assert_eq!(parse_optional_day(Some("  "), "desde"), Ok(None));
        assert_eq!(parse_optional_day(None, "desde"), Ok(None));
        assert_eq!(
            parse_optional_day(Some("2026-02-30"), "desde").unwrap_err(),
            "desde: fecha inválida «2026-02-30» (se espera AAAA-MM-DD)"
        );
    }

    #[test]
    fn days_after_saturates() {
        assert_eq!(days_after(d(2026, 3, 15), 17), d(2026, 4, 1));
        assert_eq!(days_after(d(2026, 3, 15), -5), d(2026, 3, 15));
        assert_eq!(days_after(d(2026, 3, 15), i64::MAX), NaiveDate::MAX);
        assert_eq!(days_after(d(2026, 3, 15), u32::MAX as i64), NaiveDate::MAX);
    }

    #[test]
    fn dates_as_people_type_them() {
        let cases = [
            ("15/03/2024", d(2024, 3, 15)),
            ("15-03-2024", d(2024, 3, 15)),
            ("15.03.24", d(2024, 3, 15)),
            ("5/3/2024", d(2024, 3, 5)),
            ("2024-03-15", d(2024, 3, 15)),
            ("2024/03/15", d(2024, 3, 15)),
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
            ("15\u{a0}de\u{a0}marzo\u{a0}de\u{a0}2024", d(2024, 3, 15)),
            ("miércoles, 1 de enero de 2025", d(2025, 1, 1)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_day_first(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn impossible_or_ambiguous_dates_are_refused_in_spanish() {
        let err = parse_day_first("03/15/2024").unwrap_err();
        assert!(err.contains("el mes 15 no existe"), "{err}");
        let err = parse_day_first("31/02/2024").unwrap_err();
        assert!(err.contains("el día 31 no existe"), "{err}");
        let err = parse_day_first("pronto").unwrap_err();
        assert!(err.starts_with("fecha no reconocida «pronto»"), "{err}");
        assert!(parse_day_first("15-foo-2024").is_err());
        assert!(parse_day_first("15/03/12024").is_err());
    }

    #[test]
    fn times_and_datetimes() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_time_of_day("22:30"), t(22, 30));
        assert_eq!(parse_time_of_day("10:30 p. m."), t(22, 30));
        assert_eq!(parse_time_of_day("12:05 a.m."), t(0, 5));
        assert_eq!(parse_time_of_day("12:05 PM"), t(12, 5));
        assert_eq!(parse_time_of_day("25:00"), None);
        assert_eq!(parse_time_of_day("4294967295:00 pm"), None);
        assert_eq!(parse_time_of_day("13:00 pm"), None);
        assert_eq!(
            parse_day_first_datetime("15/03/2024 22:30"),
            Ok(d(2024, 3, 15).and_hms_opt(22, 30, 0).unwrap())
        );
        assert_eq!(
            parse_day_first_datetime("2024-03-15T01:05"),
            Ok(d(2024, 3, 15).and_hms_opt(1, 5, 0).unwrap())
        );
        assert_eq!(
            parse_day_first_datetime("15-mar-2024 10:05 p. m."),
            Ok(d(2024, 3, 15).and_hms_opt(22, 5, 0).unwrap())
        );
        let err = parse_day_first_datetime("15/03/2024 25:99").unwrap_err();
        assert!(err.starts_with("hora no reconocida «25:99»"), "{err}");
    }

    /// A non-breaking space (or any multi-byte blank) before the time used
    /// to split the text inside a character and panic.
    #[test]
    fn multibyte_blanks_before_the_time_do_not_panic() {
        for blank in ['\u{a0}', '\u{202f}', '\u{2003}', '\u{3000}'] {
            let text = format!("15/03/2024{blank}22:30");
            assert_eq!(
                parse_day_first_datetime(&text),
                Ok(d(2024, 3, 15).and_hms_opt(22, 30, 0).unwrap()),
                "{text:?}"
            );
        }
        assert!(parse_day_first_datetime("ñ:ñ").is_err());
        assert!(parse_day_first_datetime("\u{a0}:").is_err());
    }
}
