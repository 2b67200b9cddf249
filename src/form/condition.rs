//! Evaluating a template's [`Condition`] on validated values («required
//! when another field has a value», «printed only when…») and stating it in
//! Spanish for the problem it causes. The template loader has already
//! checked that the condition names a field and values that exist.

use super::value::Value;
use crate::template::Condition;

/// Whether `condition` holds; `get` returns a field's value (or, inside a
/// table row, a sibling column's).
pub fn holds<'v>(condition: &Condition, get: impl Fn(&str) -> &'v Value) -> bool {
    let value = get(&condition.field);
    let test = match value {
        Value::Table(rows) if !condition.row.is_empty() => rows.iter().any(|row| {
            condition.row.iter().all(|(column, values)| {
                row.get(column)
                    .is_some_and(|cell| values.iter().any(|v| matches(cell, v)))
            })
        }),
        _ if condition.values.is_empty() => !value.is_empty(),
        _ => condition.values.iter().any(|v| matches(value, v)),
    };
    test != condition.negate
}

/// Whether a value is `wanted` as a template writes it (an option, `Sí`/`No`, a text).
fn matches(value: &Value, wanted: &str) -> bool {
    match value {
        Value::MultiChoice(chosen) => chosen.iter().any(|c| c == wanted),
        Value::YesNo(b) => wanted == if *b { "Sí" } else { "No" },
        Value::Empty => false,
        other => other.display().trim() == wanted.trim(),
    }
}

/// `cuando «Resultado» es «Atendido» o «Rechazado»`; `label` names a field
/// (or `tabla.columna`) as printed.
pub fn describe(condition: &Condition, label: impl Fn(&str) -> String) -> String {
    let field = format!("«{}»", label(&condition.field));
    let alternatives = |values: &[String]| {
        let quoted: Vec<String> = values.iter().map(|v| format!("«{v}»")).collect();
        match quoted.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} o {last}", rest.join(", ")),
            _ => quoted.join(""),
        }
    };
    let (yes, no) = if !condition.row.is_empty() {
        let parts: Vec<String> = condition
            .row
            .iter()
            .map(|(column, values)| {
                format!(
                    "«{}» {}",
                    label(&format!("{}.{column}", condition.field)),
                    alternatives(values)
                )
            })
            .collect();
        let with = parts.join(" y ");
        (
            format!("tiene una fila con {with}"),
            format!("no tiene ninguna fila con {with}"),
        )
    } else if condition.values.is_empty() {
        ("tiene un valor".to_string(), "está vacío".to_string())
    } else {
        let values = alternatives(&condition.values);
        (format!("es {values}"), format!("no es {values}"))
    };
    format!("cuando {field} {}", if condition.negate { no } else { yes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::Row;

    fn cond(field: &str, values: &[&str], row: &[(&str, &[&str])], negate: bool) -> Condition {
        Condition {
            field: field.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
            row: row
                .iter()
                .map(|(c, vs)| (c.to_string(), vs.iter().map(|v| v.to_string()).collect()))
                .collect(),
            negate,
        }
    }

    #[test]
    fn values_rows_and_negation() {
        let choice = Value::Choice("Presencial".into());
        let get = |_: &str| &choice;
        assert!(holds(&cond("canal", &["Presencial"], &[], false), get));
        assert!(!holds(
            &cond("canal", &["Llamada telefónica"], &[], false),
            get
        ));
        assert!(holds(
            &cond("canal", &["Llamada telefónica"], &[], true),
            get
        ));
        assert!(holds(&cond("canal", &[], &[], false), get));
        let empty = Value::Empty;
        assert!(!holds(&cond("canal", &[], &[], false), |_| &empty));

        let mut pending = Row::new();
        pending.insert("severidad".into(), Value::Choice("Menor".into()));
        pending.insert("estado".into(), Value::Choice("Pendiente".into()));
        let mut closed = Row::new();
        closed.insert("severidad".into(), Value::Choice("Menor".into()));
        closed.insert("estado".into(), Value::Choice("Cerrada".into()));
        let open_minor = cond(
            "incidencias",
            &[],
            &[
                ("severidad", &["Menor"]),
                ("estado", &["Pendiente", "En subsanación"]),
            ],
            false,
        );
        let table = Value::Table(vec![closed.clone(), pending]);
        assert!(holds(&open_minor, |_| &table));
        let table = Value::Table(vec![closed]);
        assert!(!holds(&open_minor, |_| &table));
        let yes = Value::YesNo(false);
        assert!(holds(&cond("corregido", &["No"], &[], false), |_| &yes));
    }

    #[test]
    fn conditions_read_as_spanish() {
        let label = |id: &str| match id {
            "incidencias" => "Incidencias reportadas".to_string(),
            "incidencias.severidad" => "SEVERIDAD".to_string(),
            "incidencias.estado" => "ESTADO".to_string(),
            other => other.to_string(),
        };
        let c = cond(
            "incidencias",
            &[],
            &[
                ("severidad", &["Menor"]),
                ("estado", &["Pendiente", "En subsanación"]),
            ],
            false,
        );
        assert_eq!(
            describe(&c, label),
            "cuando «Incidencias reportadas» tiene una fila con «SEVERIDAD» «Menor» y «ESTADO» «Pendiente» o «En subsanación»"
        );
        assert_eq!(
            describe(&cond("canal", &["Presencial"], &[], false), |s| s
                .to_string()),
            "cuando «canal» es «Presencial»"
        );
    }
}
