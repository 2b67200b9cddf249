//! Typed columns for the smaller registers (backups, custody, recoveries,
//! restorations, maintenance): each column has a kind, and a row becomes a
//! JSON object keyed by column id with ISO dates, `HH:MM` times, numbers and
//! the canonical spelling of choices — the shape the templates' data files
//! use, so a form's data is mostly the rows themselves.
//!
//! A required column must be in the header and filled in every row; a cell
//! that cannot be read rejects its row with the column and the reason. The
//! meaning of the rows (retention, periods) is `tapes` and `maintenance`.

use serde_json::{Map, Value as Json};

use super::excel::{parse_date, parse_datetime, parse_integer, parse_text, parse_time, Cell};
use super::table::{ColumnSpec, Table};
use super::Rejection;
use crate::dates::{iso_date, iso_datetime};

/// How a column's cells are read.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Text,
    Date,
    DateTime,
    /// `HH:MM`, or a full date-time when the cell has one (`2026-03-01T22:00`).
    TimeOrDateTime,
    Integer,
    /// `Sí`/`No` as JSON true/false.
    YesNo,
    /// One of the canonical options; each with the spellings accepted (folded).
    Choice(&'static [(&'static str, &'static [&'static str])]),
}

/// A column of a register: where to find it and how to read it.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub spec: ColumnSpec,
    pub kind: Kind,
}

pub const fn field(
    id: &'static str,
    label: &'static str,
    names: &'static [&'static str],
    required: bool,
    kind: Kind,
) -> Field {
    Field {
        spec: ColumnSpec {
            id,
            label,
            names,
            prefix: false,
            required,
        },
        kind,
    }
}

/// The specs of `fields`, for [`super::read_table`].
pub fn specs(fields: &[Field]) -> Vec<ColumnSpec> {
    fields.iter().map(|f| f.spec).collect()
}

/// A parsed row: its number and its values keyed by column id (empty cells left out).
#[derive(Debug, Clone, PartialEq)]
pub struct TypedRow {
    pub row: u32,
    pub values: Map<String, Json>,
}

/// Parses every row of `table` (read with [`specs`] of the same `fields`).
pub fn parse_rows(table: &Table, fields: &[Field]) -> (Vec<TypedRow>, Vec<Rejection>) {
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    for source in &table.rows {
        let mut values = Map::new();
        let mut problems = Vec::new();
        for (field, cell) in fields.iter().zip(&source.cells) {
            match parse_cell(field.kind, cell) {
                Ok(Some(value)) => {
                    values.insert(field.spec.id.to_string(), value);
                }
                Ok(None) if field.spec.required => problems.push(Rejection {
                    row: source.number,
                    column: field.spec.label.to_string(),
                    reason: "vacío (es obligatorio)".into(),
                }),
                Ok(None) => {}
                Err(reason) => problems.push(Rejection {
                    row: source.number,
                    column: field.spec.label.to_string(),
                    reason,
                }),
            }
        }
        if problems.is_empty() {
            rows.push(TypedRow {
                row: source.number,
                values,
            });
        } else {
            rejected.append(&mut problems);
        }
    }
    (rows, rejected)
}

fn parse_cell(kind: Kind, cell: &Cell) -> Result<Option<Json>, String> {
    Ok(match kind {
        Kind::Text => parse_text(cell).map(Json::String),
        Kind::Date => parse_date(cell)?.map(|d| Json::String(iso_date(d))),
        Kind::DateTime => parse_datetime(cell)?.map(|d| Json::String(iso_datetime(d))),
        Kind::TimeOrDateTime => match cell {
            Cell::DateTime(dt) => Some(Json::String(iso_datetime(*dt))),
            Cell::Text(t)
                if t.contains(['/', '-']) || t.chars().filter(|c| *c == ' ').count() > 2 =>
            {
                parse_datetime(cell)?.map(|d| Json::String(iso_datetime(d)))
            }
            Cell::Number(n) if *n >= 1.0 => {
                parse_datetime(cell)?.map(|d| Json::String(iso_datetime(d)))
            }
            other => parse_time(other)?.map(|t| Json::String(t.format("%H:%M").to_string())),
        },
        Kind::Integer => parse_integer(cell)?.map(Json::from),
        Kind::YesNo => match cell {
            Cell::Empty => None,
            Cell::Bool(b) => Some(Json::Bool(*b)),
            other => {
                let text = super::excel::fold(&other.shown());
                match text.as_str() {
                    "SI" | "S" | "X" | "VERDADERO" | "TRUE" | "1" | "YES" => Some(Json::Bool(true)),
                    "NO" | "N" | "FALSO" | "FALSE" | "0" => Some(Json::Bool(false)),
                    _ => return Err(format!("se espera Sí o No, no «{}»", other.shown())),
                }
            }
        },
        Kind::Choice(options) => match parse_text(cell) {
            None => None,
            Some(text) => {
                let folded = super::excel::fold(&text);
                let found = options.iter().find(|(canonical, aliases)| {
                    super::excel::fold(canonical) == folded
                        || aliases.iter().any(|a| super::excel::fold(a) == folded)
                });
                match found {
                    Some((canonical, _)) => Some(Json::String((*canonical).to_string())),
                    None => {
                        let list = options
                            .iter()
                            .map(|(c, _)| *c)
                            .collect::<Vec<_>>()
                            .join(", ");
                        return Err(format!(
                            "«{text}» no es una opción válida (se espera {list})"
                        ));
                    }
                }
            }
        },
    })
}

/// A string value of a typed row.
pub fn text<'a>(values: &'a Map<String, Json>, id: &str) -> Option<&'a str> {
    values.get(id).and_then(Json::as_str)
}
