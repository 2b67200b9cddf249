//! The procedure rules a template may declare (DESIGN §2), applied to
//! validated values. Each violation names the rule and its source.
//!
//! - MEF 000 §6.4 (line 35): a pase request at least 7 calendar days before
//!   execution, 72 hours when urgent; execution at or after 20:00.
//! - Senace correlatives `AAAA-NNN` (e.g. `2020-036`).
//! - Senace installation-request subject (002, 1097–1107).

use chrono::{NaiveDateTime, NaiveTime, Timelike};

use super::usuario::{normalize, usuario, PersonName};
use super::{FormData, Problem, ValidationContext, Value};
use crate::template::{Rule, Template};

pub(super) fn apply(
    template: &Template,
    form: &mut FormData,
    context: &ValidationContext,
    problems: &mut Vec<Problem>,
) {
    for rule in &template.rules {
        match rule {
            Rule::MefPaseDeadlines {
                request,
                execution,
                urgent,
            } => {
                mef_deadlines(form, request, execution, urgent, problems);
            }
            Rule::SenaceCorrelative { fields } => {
                for id in fields {
                    if let Value::Text(text) = form.get(id) {
                        if !text.trim().is_empty() && !is_correlative(text.trim()) {
                            problems.push(Problem {
                                path: id.clone(),
                                message: format!(
                                    "regla Senace de correlativos: «{}» no tiene la forma AAAA-NNN (por ejemplo 2020-036)",
                                    text.trim()
                                ),
                            });
                        }
                    }
                }
            }
            Rule::SenaceInstallSubject {
                field,
                system,
                date,
                number,
                requester,
            } => {
                install_subject(
                    form,
                    context,
                    [field, system, date, number, requester],
                    problems,
                );
            }
        }
    }
}

/// `AAAA-NNN`: a plausible year, a dash, three or more digits, not zero.
pub fn is_correlative(text: &str) -> bool {
    let Some((year, seq)) = text.split_once('-') else {
        return false;
    };
    let year_ok = year.len() == 4
        && year
            .parse::<u32>()
            .is_ok_and(|y| (1990..=2100).contains(&y));
    let seq_ok = seq.len() >= 3
        && seq.chars().all(|c| c.is_ascii_digit())
        && seq.parse::<u32>().is_ok_and(|n| n > 0);
    year_ok && seq_ok
}

fn as_datetime(value: &Value) -> Option<NaiveDateTime> {
    match value {
        Value::DateTime(dt) => Some(*dt),
        Value::Date(d) => Some(d.and_time(NaiveTime::MIN)),
        _ => None,
    }
}

fn mef_deadlines(
    form: &FormData,
    request: &str,
    execution: &str,
    urgent: &str,
    problems: &mut Vec<Problem>,
) {
    let (Some(requested), Some(executed)) = (
        as_datetime(form.get(request)),
        as_datetime(form.get(execution)),
    ) else {
        return;
    };
    let is_urgent = matches!(form.get(urgent), Value::YesNo(true));
    if is_urgent {
        let hours = (executed - requested).num_minutes() as f64 / 60.0;
        if hours < 72.0 {
            problems.push(Problem {
                path: execution.into(),
                message: format!(
                    "regla MEF 6.4: un pase urgente debe solicitarse con al menos 72 horas de anticipación (solicitud {}, ejecución {}: {:.0} horas)",
                    super::value::format_datetime(requested),
                    super::value::format_datetime(executed),
                    hours.floor()
                ),
            });
        }
    } else {
        let days = (executed.date() - requested.date()).num_days();
        if days < 7 {
            problems.push(Problem {
                path: execution.into(),
                message: format!(
                    "regla MEF 6.4: el pase a producción debe solicitarse con al menos 7 días calendario de anticipación (solicitud {}, ejecución {}: {days} {}), o marcarse como urgente (mínimo 72 horas)",
                    super::value::format_date(requested.date()),
                    super::value::format_date(executed.date()),
                    if days == 1 { "día" } else { "días" }
                ),
            });
        }
    }
    if executed.hour() < 20 {
        problems.push(Problem {
            path: execution.into(),
            message: format!(
                "regla MEF 6.4: la ejecución del pase a producción debe programarse a partir de las 20:00 horas (está a las {})",
                executed.format("%H:%M")
            ),
        });
    }
}

/// Builds (or checks) `PRODUCCIÓN.<Sistema>.<AAAA/MM/DD>.INSTALACIÓN-<Año>-<Nro>.<USUARIO>`.
fn install_subject(
    form: &mut FormData,
    context: &ValidationContext,
    ids: [&String; 5],
    problems: &mut Vec<Problem>,
) {
    let [field, system, date, number, requester] = ids;
    let system_text = form.get(system).display();
    let number_text = form.get(number).display();
    let requester_text = form.get(requester).display();
    let Some(requested) = as_datetime(form.get(date)) else {
        return;
    };
    if system_text.trim().is_empty()
        || requester_text.trim().is_empty()
        || !is_correlative(number_text.trim())
    {
        return;
    }
    let wanted = normalize(&requester_text);
    let person = context
        .people
        .iter()
        .find(|p| normalize(&p.full_name()) == wanted)
        .cloned()
        .unwrap_or_else(|| PersonName::from_full_name(&requester_text));
    let expected = format!(
        "PRODUCCIÓN.{}.{}.INSTALACIÓN-{}.{}",
        system_text.trim(),
        requested.format("%Y/%m/%d"),
        number_text.trim(),
        usuario(&person, &context.people)
    );
    match form.get(field) {
        value if value.is_empty() => form.set(field, Value::Text(expected)),
        Value::Text(given) if given.trim() == expected => {}
        other => problems.push(Problem {
            path: field.clone(),
            message: format!(
                "regla Senace (S.04, anexo 01): el asunto «{}» no sigue la convención (se espera «{expected}»)",
                other.display().trim()
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{validate, ValidationContext};
    use crate::template::load_template_str;
    use serde_json::json;
    use std::path::Path;

    const TEMPLATE: &str = r#"
id = "reglas"
title = "Reglas"
entity = "E"
office = "O"
form_code = "F"
format_version = "01"
seed = { file = "x", line = 1 }
[[sections]]
title = "S"
[[sections.fields]]
id = "solicitud"
label = "Solicitud"
kind = "datetime"
[[sections.fields]]
id = "ejecucion"
label = "Ejecución"
kind = "datetime"
[[sections.fields]]
id = "urgente"
label = "Urgente"
kind = "yesno"
[[sections.fields]]
id = "sistema"
label = "Sistema"
kind = "text"
[[sections.fields]]
id = "fecha"
label = "Fecha"
kind = "date"
[[sections.fields]]
id = "numero"
label = "N°"
kind = "text"
[[sections.fields]]
id = "solicitante"
label = "Solicitante"
kind = "text"
[[sections.fields]]
id = "asunto"
label = "Asunto"
kind = "text"
[[rules]]
kind = "mef-plazos-pase"
request = "solicitud"
execution = "ejecucion"
urgent = "urgente"
[[rules]]
kind = "senace-correlativo"
fields = ["numero"]
[[rules]]
kind = "senace-asunto-instalacion"
field = "asunto"
system = "sistema"
date = "fecha"
number = "numero"
requester = "solicitante"
"#;

    fn check(data: serde_json::Value, people: &[&str]) -> Result<FormData, Vec<Problem>> {
        let template = load_template_str(TEMPLATE, Path::new("reglas.toml")).unwrap();
        let context = ValidationContext {
            people: people
                .iter()
                .map(|p| PersonName::from_full_name(p))
                .collect(),
        };
        validate(&template, &data, &context).map_err(|p| p.0)
    }

    #[test]
    fn seven_days_before_at_night_passes() {
        assert!(check(json!({"solicitud": "2026-03-01T09:00", "ejecucion": "2026-03-08T20:00", "urgente": false}), &[]).is_ok());
    }

    #[test]
    fn six_days_fails_naming_the_rule() {
        let problems = check(json!({"solicitud": "2026-03-02T09:00", "ejecucion": "2026-03-08T21:00", "urgente": false}), &[]).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "ejecucion");
        assert!(
            problems[0].message.contains("regla MEF 6.4") && problems[0].message.contains("7 días"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn urgent_needs_72_hours() {
        assert!(check(json!({"solicitud": "2026-03-05T20:00", "ejecucion": "2026-03-08T20:00", "urgente": true}), &[]).is_ok());
        let problems = check(json!({"solicitud": "2026-03-06T09:00", "ejecucion": "2026-03-08T20:00", "urgente": true}), &[]).unwrap_err();
        assert!(
            problems[0].message.contains("72 horas"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn execution_before_eight_pm_fails() {
        let problems = check(json!({"solicitud": "2026-03-01T09:00", "ejecucion": "2026-03-10T19:59", "urgente": false}), &[]).unwrap_err();
        assert!(
            problems[0].message.contains("a partir de las 20:00"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn correlative_format() {
        assert!(check(json!({"numero": "2020-036"}), &[]).is_ok());
        let problems = check(json!({"numero": "2020-36"}), &[]).unwrap_err();
        assert!(problems[0].message.contains("AAAA-NNN"));
        assert!(
            !is_correlative("20-0036")
                && !is_correlative("2026-000")
                && is_correlative("2026-1234")
        );
    }

    fn subject_data(asunto: &str) -> serde_json::Value {
        json!({"sistema": "EVA", "fecha": "2020-02-06", "numero": "2020-036", "solicitante": "Eduardo Salvatierra Pérez", "asunto": asunto})
    }

    #[test]
    fn subject_is_derived_when_empty() {
        let form = check(subject_data(""), &[]).unwrap();
        assert_eq!(
            form.get("asunto").display(),
            "PRODUCCIÓN.EVA.2020/02/06.INSTALACIÓN-2020-036.ESALVATIERRA"
        );
    }

    #[test]
    fn wrong_subject_fails_with_the_expected_one() {
        let problems = check(
            subject_data("PRODUCCION.EVA.2020/02/06.PASE-2020-036.ESALVATIERRA"),
            &[],
        )
        .unwrap_err();
        assert!(problems[0]
            .message
            .contains("se espera «PRODUCCIÓN.EVA.2020/02/06.INSTALACIÓN-2020-036.ESALVATIERRA»"));
    }

    #[test]
    fn subject_disambiguates_among_registered_people() {
        let people = [
            "Eduardo José Salvatierra Pérez",
            "Enrique Salvatierra Rojas",
        ];
        let data = json!({"sistema": "EVA", "fecha": "2020-02-06", "numero": "2020-036", "solicitante": "eduardo josé salvatierra pérez", "asunto": ""});
        let form = check(data, &people).unwrap();
        assert!(form.get("asunto").display().ends_with(".EJSALVATIERRA"));
    }
}
