//! A document's data: parsing JSON against its template, checking every
//! field, and applying the procedure rules.
//!
//! [`validate`] returns either the typed [`FormData`] or *every* problem at
//! once, each with its field path (`sistema`, `entregables[2].tipo`) and a
//! Spanish message. It does not lay out or store anything.

pub mod address;
pub mod condition;
mod rules;
pub mod usuario;
pub mod value;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;
use serde_json::Value as Json;
use ts_rs::TS;

use crate::calendar::{load_calendar, Calendar, Calendars, Country};
use crate::template::{Column, FieldKind, Template};
pub use usuario::PersonName;
pub use value::{Row, SignerData, Value};

/// One thing wrong with a document's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Problem {
    /// Field path: `sistema`, `entregables[2].tipo` (rows count from 1).
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// All the problems of a document. Printed as one line (DESIGN §4: an
/// error is a one-line reason): the count, then every problem joined by «; ».
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(
            f,
            "los datos tienen {n} {}",
            if n == 1 { "problema" } else { "problemas" }
        )?;
        for (i, p) in self.0.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// What validation may consult besides the data: the people registered in
/// the store (for the Senace USUARIO disambiguation), today (for deadline
/// alerts) and the calendars of días útiles.
#[derive(Debug, Clone, Default)]
pub struct ValidationContext {
    pub people: Vec<PersonName>,
    /// Today, from the service's clock; `None`: deadlines are computed but
    /// not compared with today.
    pub today: Option<NaiveDate>,
    /// National calendars with the office's days; a country missing here
    /// uses the calendar shipped with the program.
    pub calendars: Calendars,
}

impl ValidationContext {
    /// `country`'s calendar (the shipped one when none was loaded).
    pub fn calendar(&self, country: Country) -> Option<Cow<'_, Calendar>> {
        match self.calendars.get(country) {
            Some(c) => Some(Cow::Borrowed(c)),
            None => load_calendar(None, country).ok().map(Cow::Owned),
        }
    }
}

/// A document's validated values, keyed by field id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormData {
    values: HashMap<String, Value>,
}

impl FormData {
    pub fn get(&self, id: &str) -> &Value {
        self.values.get(id).unwrap_or(&Value::Empty)
    }

    fn set(&mut self, id: &str, value: Value) {
        self.values.insert(id.to_string(), value);
    }

    /// The values of the template's computed fields (deadlines, alerts) as
    /// printed, in print order: what the editor shows beside the inputs.
    pub fn computed(&self, template: &Template) -> Vec<(String, String)> {
        template
            .fields()
            .filter(|f| f.computed)
            .map(|f| (f.id.clone(), self.get(&f.id).display()))
            .filter(|(_, text)| !text.is_empty())
            .collect()
    }
}

/// Parses `data` (a JSON object keyed by field id) against `template`,
/// checking types, required fields, choices, table rows and the template's
/// procedure rules. Returns every problem found, not only the first.
pub fn validate(
    template: &Template,
    data: &Json,
    context: &ValidationContext,
) -> Result<FormData, Problems> {
    let mut problems = Vec::new();
    let mut unreadable: Vec<&str> = Vec::new();
    let mut form = FormData::default();
    let Some(object) = data.as_object() else {
        return Err(Problems(vec![Problem {
            path: "(documento)".into(),
            message: "los datos deben ser un objeto JSON con un valor por campo".into(),
        }]));
    };
    for key in object.keys() {
        if !template.field(key).is_some_and(|f| f.kind.holds_data()) {
            problems.push(Problem {
                path: key.clone(),
                message: format!("campo desconocido en la plantilla «{}»", template.id),
            });
        }
    }
    for field in template.fields().filter(|f| f.kind.holds_data()) {
        let json = object.get(&field.id).unwrap_or(&Json::Null);
        let before = problems.len();
        let value = match &field.kind {
            FieldKind::Table {
                columns,
                min_rows,
                max_rows,
            } => parse_table(
                &field.id,
                columns,
                *min_rows,
                *max_rows,
                field.required,
                json,
                &mut problems,
            ),
            kind => parse_value(&field.id, kind, json, &mut problems),
        };
        // A value that failed to parse is already reported; «es obligatorio» would repeat it.
        if field.required
            && value.is_empty()
            && problems.len() == before
            && !matches!(field.kind, FieldKind::Table { .. })
        {
            problems.push(Problem {
                path: field.id.clone(),
                message: format!("«{}» es obligatorio", field.label),
            });
        }
        if problems.len() > before {
            unreadable.push(field.id.as_str());
        }
        form.set(&field.id, value);
    }
    // Fields required while another has a value: once every value is known.
    for field in template.fields() {
        let Some(when) = &field.required_when else {
            continue;
        };
        if unreadable.contains(&field.id.as_str()) || !form.get(&field.id).is_empty() {
            continue;
        }
        if condition::holds(when, |id| form.get(id)) {
            problems.push(Problem {
                path: field.id.clone(),
                message: format!(
                    "«{}» es obligatorio {}",
                    field.label,
                    condition::describe(when, |id| template_label(template, id))
                ),
            });
        }
    }
    rules::apply(template, &mut form, context, &mut problems);
    if problems.is_empty() {
        Ok(form)
    } else {
        Err(Problems(problems))
    }
}

fn parse_table(
    id: &str,
    columns: &[Column],
    min_rows: usize,
    max_rows: Option<usize>,
    required: bool,
    json: &Json,
    problems: &mut Vec<Problem>,
) -> Value {
    let rows = match json {
        Json::Null => &[][..],
        Json::Array(rows) => rows.as_slice(),
        _ => {
            problems.push(Problem {
                path: id.into(),
                message: "se espera una lista de filas".into(),
            });
            return Value::Empty;
        }
    };
    let min = if required { min_rows.max(1) } else { min_rows };
    if rows.len() < min {
        problems.push(Problem {
            path: id.into(),
            message: format!(
                "la tabla necesita al menos {min} {} (tiene {})",
                if min == 1 { "fila" } else { "filas" },
                rows.len()
            ),
        });
    }
    if let Some(max) = max_rows {
        if rows.len() > max {
            problems.push(Problem {
                path: id.into(),
                message: format!(
                    "la tabla admite como máximo {max} filas (tiene {})",
                    rows.len()
                ),
            });
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let row_path = format!("{id}[{}]", i + 1);
        let Some(cells) = row.as_object() else {
            problems.push(Problem {
                path: row_path,
                message: "cada fila debe ser un objeto con un valor por columna".into(),
            });
            continue;
        };
        for key in cells.keys() {
            if !columns.iter().any(|c| &c.id == key) {
                problems.push(Problem {
                    path: format!("{row_path}.{key}"),
                    message: "columna desconocida".into(),
                });
            }
        }
        let mut parsed = Row::new();
        for column in columns {
            let path = format!("{row_path}.{}", column.id);
            let before = problems.len();
            let value = parse_value(
                &path,
                &column.kind,
                cells.get(&column.id).unwrap_or(&Json::Null),
                problems,
            );
            if column.required && value.is_empty() && problems.len() == before {
                problems.push(Problem {
                    path,
                    message: format!("«{}» es obligatorio", column.label),
                });
            }
            parsed.insert(column.id.clone(), value);
        }
        for column in columns {
            let Some(when) = &column.required_when else {
                continue;
            };
            let path = format!("{row_path}.{}", column.id);
            let missing = parsed.get(&column.id).is_none_or(Value::is_empty);
            let reported = problems.iter().any(|p| p.path == path);
            if missing
                && !reported
                && condition::holds(when, |id| parsed.get(id).unwrap_or(&Value::Empty))
            {
                let label = |id: &str| {
                    columns
                        .iter()
                        .find(|c| c.id == id)
                        .map(|c| c.label.clone())
                        .unwrap_or_else(|| id.to_string())
                };
                problems.push(Problem {
                    path,
                    message: format!(
                        "«{}» es obligatorio {}",
                        column.label,
                        condition::describe(when, label)
                    ),
                });
            }
        }
        out.push(parsed);
    }
    Value::Table(out)
}

fn parse_value(path: &str, kind: &FieldKind, json: &Json, problems: &mut Vec<Problem>) -> Value {
    if json.is_null() {
        return Value::Empty;
    }
    let mut problem = |message: String| {
        problems.push(Problem {
            path: path.to_string(),
            message,
        });
        Value::Empty
    };
    match kind {
        FieldKind::Text { max_length } | FieldKind::Multiline { max_length } => match json.as_str()
        {
            Some(s) => match max_length {
                Some(max) if s.chars().count() > *max => problem(format!(
                    "admite como máximo {max} caracteres (tiene {})",
                    s.chars().count()
                )),
                _ => Value::Text(s.to_string()),
            },
            None => problem("se espera un texto".into()),
        },
        // The messages speak the format the window shows and the PDF
        // prints (dd/mm/aaaa); data files may also use ISO 8601.
        FieldKind::Date => match json.as_str().and_then(parse_date) {
            Some(d) => Value::Date(d),
            None => problem(format!(
                "fecha inválida {}: escríbala como dd/mm/aaaa (por ejemplo 15/03/2026)",
                quoted(json)
            )),
        },
        FieldKind::DateTime => match json.as_str().and_then(parse_datetime) {
            Some(dt) => Value::DateTime(dt),
            None => problem(format!(
                "fecha y hora inválida {}: escríbala como dd/mm/aaaa hh:mm (por ejemplo 15/03/2026 20:30)",
                quoted(json)
            )),
        },
        FieldKind::Time => match json.as_str().and_then(parse_time) {
            Some(t) => Value::Time(t),
            None => problem(format!(
                "hora inválida {json}: se espera HH:MM (00:00 a 23:59)"
            )),
        },
        // The value never appears in a message: it is a secret.
        FieldKind::Secret { max_length } => match json.as_str() {
            Some(s) => match max_length {
                Some(max) if s.chars().count() > *max => {
                    problem(format!("el secreto admite como máximo {max} caracteres"))
                }
                _ if s.contains(['\n', '\r']) => {
                    problem("el secreto debe escribirse en una sola línea".into())
                }
                _ => Value::Secret(s.trim().to_string()),
            },
            None => problem("se espera un texto (el secreto)".into()),
        },
        FieldKind::Email => match json.as_str() {
            Some(s) => match address::parse_list(s) {
                Ok(list) if list.is_empty() => Value::Empty,
                Ok(_) => Value::Text(s.trim().to_string()),
                Err(message) => problem(message),
            },
            None => problem("se espera un texto con direcciones de correo".into()),
        },
        FieldKind::Number { min, max, decimals } => match json.as_f64() {
            Some(n) => match check_range(n, *min, *max) {
                Ok(()) => Value::Number {
                    value: n,
                    decimals: *decimals,
                },
                Err(message) => problem(message),
            },
            None => problem(format!("se espera un número, no {json}")),
        },
        FieldKind::Money { min, max } => match json.as_f64() {
            Some(n) => match check_range(n, *min, *max) {
                Ok(()) => Value::Money(n),
                Err(message) => problem(message),
            },
            None => problem(format!("se espera un monto numérico en soles, no {json}")),
        },
        FieldKind::Choice { options } => match json.as_str() {
            Some(s) if options.iter().any(|o| o == s) => Value::Choice(s.to_string()),
            Some("") => Value::Empty,
            _ => problem(format!(
                "opción inválida {json} (las opciones son: {})",
                options.join(" | ")
            )),
        },
        FieldKind::MultiChoice { options } => match json.as_array() {
            Some(items) => {
                let mut chosen = Vec::new();
                for item in items {
                    match item.as_str() {
                        Some(s) if options.iter().any(|o| o == s) => chosen.push(s.to_string()),
                        _ => {
                            return problem(format!(
                                "opción inválida {item} (las opciones son: {})",
                                options.join(" | ")
                            ))
                        }
                    }
                }
                Value::MultiChoice(chosen)
            }
            None => problem("se espera una lista de opciones".into()),
        },
        FieldKind::YesNo => match json.as_bool() {
            Some(b) => Value::YesNo(b),
            None => problem(format!("se espera true (Sí) o false (No), no {json}")),
        },
        FieldKind::Signer { .. } => match json {
            Json::Object(map) => {
                let text = |key: &str| {
                    map.get(key)
                        .and_then(Json::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                Value::Signer(SignerData {
                    nombre: text("nombre"),
                    cargo: text("cargo"),
                })
            }
            _ => problem("se espera un objeto {\"nombre\": …, \"cargo\": …}".into()),
        },
        FieldKind::Table { .. } | FieldKind::Static { .. } => Value::Empty,
    }
}

/// `20:30` (or `20:30:00`).
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let text = text.trim();
    NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .ok()
}

/// The printed label of field `id` (or of column `tabla.columna`), or the id itself.
fn template_label(template: &Template, id: &str) -> String {
    if let Some((table, column)) = id.split_once('.') {
        if let Some(FieldKind::Table { columns, .. }) = template.field(table).map(|f| &f.kind) {
            if let Some(c) = columns.iter().find(|c| c.id == column) {
                return c.label.clone();
            }
        }
    }
    template
        .field(id)
        .map(|f| f.label.clone())
        .unwrap_or_else(|| id.to_string())
}

/// `2026-03-15T20:30` or with seconds; a space instead of `T` is accepted,
/// and so is the printed form `15/03/2026 20:30`.
pub fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%d/%m/%Y %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
}

/// `2026-03-15`, or the printed form `15/03/2026`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    ["%Y-%m-%d", "%d/%m/%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
}

/// A JSON value in a message: a string between «», anything else as JSON.
fn quoted(json: &Json) -> String {
    match json.as_str() {
        Some(s) => format!("«{s}»"),
        None => json.to_string(),
    }
}

fn check_range(n: f64, min: Option<f64>, max: Option<f64>) -> Result<(), String> {
    if !n.is_finite() {
        return Err("número inválido".into());
    }
    if let Some(min) = min {
        if n < min {
            return Err(format!("debe ser como mínimo {min} (es {n})"));
        }
    }
    if let Some(max) = max {
        if n > max {
            return Err(format!("debe ser como máximo {max} (es {n})"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::load_template_str;
    use serde_json::json;
    use std::path::Path;

    const TEMPLATE: &str = r#"
id = "demo"
title = "Demo"
entity = "E"
office = "O"
form_code = "F"
format_version = "01"
seed = { file = "x", line = 1 }
[[sections]]
title = "S"
[[sections.fields]]
id = "sistema"
label = "Sistema"
kind = "text"
required = true
[[sections.fields]]
id = "fecha"
label = "Fecha"
kind = "date"
[[sections.fields]]
id = "tipo"
label = "Tipo"
kind = "choice"
options = ["Web", "Cliente/Servidor"]
[[sections.fields]]
id = "monto"
label = "Monto"
kind = "money"
[[sections.fields]]
id = "items"
label = "Items"
kind = "table"
required = true
max_rows = 2
[[sections.fields.columns]]
id = "nombre"
label = "Nombre"
kind = "text"
required = true
[[sections.fields.columns]]
id = "cantidad"
label = "Cantidad"
kind = "number"
"#;

    fn template() -> Template {
        load_template_str(TEMPLATE, Path::new("demo.toml")).unwrap()
    }

    #[test]
    fn good_data_validates_to_typed_values() {
        let data = json!({"sistema": "EVA", "fecha": "2026-03-15", "tipo": "Web", "monto": 1500.5,
            "items": [{"nombre": "a", "cantidad": 2}]});
        let form = validate(&template(), &data, &ValidationContext::default()).unwrap();
        assert_eq!(form.get("fecha").display(), "15/03/2026");
        assert_eq!(form.get("monto").display(), "S/ 1,500.50");
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let data = json!({"fecha": "31/02/2026", "tipo": "Movil", "monto": "mucho", "otro": 1,
            "items": [{"cantidad": "dos"}, {"nombre": "b"}, {"nombre": "c"}]});
        let problems = validate(&template(), &data, &ValidationContext::default())
            .unwrap_err()
            .0;
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        for expected in [
            "otro",
            "sistema",
            "fecha",
            "tipo",
            "monto",
            "items",
            "items[1].nombre",
            "items[1].cantidad",
        ] {
            assert!(paths.contains(&expected), "missing {expected} in {paths:?}");
        }
        let tipo = problems.iter().find(|p| p.path == "tipo").unwrap();
        assert!(
            tipo.message.contains("Web | Cliente/Servidor"),
            "{}",
            tipo.message
        );
        assert!(problems
            .iter()
            .any(|p| p.message.contains("como máximo 2 filas")));
    }

    #[test]
    fn dates_speak_the_printed_format() {
        // What the window shows and the PDF prints is also accepted in data.
        let data = json!({"sistema": "EVA", "fecha": "15/03/2026", "tipo": "Web", "monto": 1,
            "items": [{"nombre": "a", "cantidad": 2}]});
        let form = validate(&template(), &data, &ValidationContext::default()).unwrap();
        assert_eq!(form.get("fecha").display(), "15/03/2026");
        assert_eq!(
            parse_datetime("15/03/2026 20:30"),
            parse_datetime("2026-03-15T20:30")
        );
        // A bad one is explained in that format, never as AAAA-MM-DD.
        let data = json!({"sistema": "EVA", "fecha": "15/03", "tipo": "Web", "monto": 1,
            "items": [{"nombre": "a", "cantidad": 2}]});
        let problems = validate(&template(), &data, &ValidationContext::default())
            .unwrap_err()
            .0;
        assert_eq!(
            problems[0].message,
            "fecha inválida «15/03»: escríbala como dd/mm/aaaa (por ejemplo 15/03/2026)"
        );
        let mut problems = Vec::new();
        parse_value(
            "inicio",
            &FieldKind::DateTime,
            &json!("15/03/2026 8"),
            &mut problems,
        );
        assert!(
            problems[0].message.contains("dd/mm/aaaa hh:mm")
                && !problems[0].message.contains("AAAA"),
            "{problems:?}"
        );
    }

    #[test]
    fn an_unreadable_required_value_is_reported_once() {
        let data = json!({"sistema": 5, "items": [{"nombre": ["a"], "cantidad": 1}]});
        let problems = validate(&template(), &data, &ValidationContext::default())
            .unwrap_err()
            .0;
        for path in ["sistema", "items[1].nombre"] {
            let found: Vec<&Problem> = problems.iter().filter(|p| p.path == path).collect();
            assert_eq!(found.len(), 1, "{path}: {found:?}");
            assert!(
                !found[0].message.contains("obligatorio"),
                "{path}: {found:?}"
            );
        }
        // Missing, it is still required.
        let data = json!({"items": [{"cantidad": 1}]});
        let problems = validate(&template(), &data, &ValidationContext::default())
            .unwrap_err()
            .0;
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems
            .iter()
            .all(|p| p.message.ends_with("es obligatorio")));
    }

    #[test]
    fn problems_print_as_one_line() {
        let problems = Problems(vec![
            Problem {
                path: "sistema".into(),
                message: "«Sistema» es obligatorio".into(),
            },
            Problem {
                path: "items[2].cantidad".into(),
                message: "se espera un número".into(),
            },
        ]);
        assert_eq!(
            problems.to_string(),
            "los datos tienen 2 problemas: sistema: «Sistema» es obligatorio; items[2].cantidad: se espera un número"
        );
    }

    #[test]
    fn required_table_needs_a_row() {
        let data = json!({"sistema": "EVA", "items": []});
        let problems = validate(&template(), &data, &ValidationContext::default())
            .unwrap_err()
            .0;
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("al menos 1 fila"));
    }
}
