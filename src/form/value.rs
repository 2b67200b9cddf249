//! Typed values of a validated document and how they print.
//!
//! JSON data is parsed into these once, by `form::validate`; rendering and the
//! procedure rules read only typed values. Dates print dd/mm/aaaa, money
//! `S/ 1,234.50`, yes/no `Sí`/`No`, a secret `•••• 1234` (its clear text
//! only through [`Value::reveal`]). Nothing here checks requiredness or rules.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;

/// A field's value after validation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Empty,
    Text(String),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Time(NaiveTime),
    /// A secret's clear text: never printed by [`Value::display`].
    #[serde(serialize_with = "masked")]
    Secret(String),
    Number {
        value: f64,
        decimals: u8,
    },
    Money(f64),
    Choice(String),
    MultiChoice(Vec<String>),
    YesNo(bool),
    Table(Vec<Row>),
    Signer(SignerData),
}

/// One table row: column id → value.
pub type Row = BTreeMap<String, Value>;

/// Who is expected to sign a block (printed under the signature line).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SignerData {
    pub nombre: String,
    pub cargo: String,
}

impl Value {
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) | Value::Choice(s) | Value::Secret(s) => s.trim().is_empty(),
            Value::MultiChoice(v) => v.is_empty(),
            Value::Table(rows) => rows.is_empty(),
            Value::Signer(s) => s.nombre.trim().is_empty(),
            _ => false,
        }
    }

    /// The value as printed in the PDF (choices print their own boxes; this
    /// gives the chosen option's text). A secret prints masked.
    pub fn display(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) | Value::Choice(s) => s.clone(),
            Value::Secret(s) => mask(s),
            Value::Date(d) => format_date(*d),
            Value::DateTime(dt) => format_datetime(*dt),
            Value::Time(t) => t.format("%H:%M").to_string(),
            Value::Number { value, decimals } => format_number(*value, *decimals, false),
            Value::Money(m) => format!("S/ {}", format_number(*m, 2, true)),
            Value::MultiChoice(v) => v.join(", "),
            Value::YesNo(true) => "Sí".to_string(),
            Value::YesNo(false) => "No".to_string(),
            Value::Table(rows) => format!("{} filas", rows.len()),
            Value::Signer(s) => s.nombre.clone(),
        }
    }

    /// As [`Value::display`], but a secret in clear (for the restricted copy).
    pub fn reveal(&self) -> String {
        match self {
            Value::Secret(s) => s.clone(),
            other => other.display(),
        }
    }
}

/// `•••• 7f3a`: four bullets and the last four characters; a secret of
/// eight characters or fewer shows none of them.
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.trim().chars().collect();
    if chars.len() <= 8 {
        return "••••••••".to_string();
    }
    let last: String = chars[chars.len() - 4..].iter().collect();
    format!("•••• {last}")
}

fn masked<S: serde::Serializer>(secret: &str, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&mask(secret))
}

/// `15/03/2026`.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// `15/03/2026 20:30`.
pub fn format_datetime(at: NaiveDateTime) -> String {
    at.format("%d/%m/%Y %H:%M").to_string()
}

/// Fixed decimals, `.` as decimal point and, with `grouping`, `,` between thousands
/// (the usage of Peruvian public-sector forms: `S/ 1,234.50`).
pub fn format_number(value: f64, decimals: u8, grouping: bool) -> String {
    let text = format!("{:.*}", decimals as usize, value.abs());
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text.clone(), None),
    };
    let int_part = if grouping {
        let digits: Vec<char> = int_part.chars().collect();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(*c);
        }
        out
    } else {
        int_part
    };
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    match frac_part {
        Some(f) => format!("{sign}{int_part}.{f}"),
        None => format!("{sign}{int_part}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_prints_peruvian_style() {
        assert_eq!(Value::Money(1234.5).display(), "S/ 1,234.50");
        assert_eq!(Value::Money(1_234_567.0).display(), "S/ 1,234,567.00");
        assert_eq!(Value::Money(12.0).display(), "S/ 12.00");
        assert_eq!(Value::Money(-5.5).display(), "S/ -5.50");
    }

    #[test]
    fn dates_print_dd_mm_yyyy() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(Value::Date(d).display(), "05/03/2026");
        let dt = d.and_hms_opt(20, 30, 0).unwrap();
        assert_eq!(Value::DateTime(dt).display(), "05/03/2026 20:30");
    }

    #[test]
    fn numbers_keep_their_decimals() {
        assert_eq!(
            Value::Number {
                value: 3.0,
                decimals: 0
            }
            .display(),
            "3"
        );
        assert_eq!(
            Value::Number {
                value: 2.456,
                decimals: 2
            }
            .display(),
            "2.46"
        );
        assert_eq!(Value::YesNo(true).display(), "Sí");
    }

    #[test]
    fn secrets_print_masked_and_serialize_masked() {
        let token = Value::Secret("ghp_4f9Q2LmZ7xT1a8Kd".into());
        assert_eq!(token.display(), "•••• a8Kd");
        assert_eq!(token.reveal(), "ghp_4f9Q2LmZ7xT1a8Kd");
        assert_eq!(serde_json::to_string(&token).unwrap(), "\"•••• a8Kd\"");
        assert_eq!(Value::Secret("clave123".into()).display(), "••••••••");
    }
}
