//! The procedure rules a template may declare (DESIGN §2), applied to
//! validated values. Each violation names the rule and its source.
//!
//! - MEF 000 §6.4 (line 35): a pase request at least 7 × 24 hours before
//!   execution, 72 hours when urgent; execution in the night that starts at
//!   20:00 (the window may run past midnight).
//! - Senace correlatives `AAAA-NNN` (e.g. `2020-036`).
//! - Senace installation-request subject (002, 1097–1107).
//! - Deadlines in días útiles (MEF 004 §3.5, lines 54 and 72).
//! - SIG PSDT-13: an urgent publication skips the e-mails (001, lines 77 and 80).

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::usuario::{normalize, usuario, PersonName};
use super::value::{format_date, format_datetime};
use super::{condition, FormData, Problem, ValidationContext, Value};
use crate::template::{BusinessDeadline, Rule, Template};

/// The night a pase may run in starts at 20:00 (000, line 35) and, as
/// designed here (the seed fixes only the start), ends at 06:00 the next
/// morning: an execution may start after midnight and a window may cross it.
const NIGHT_STARTS: NaiveTime = match NaiveTime::from_hms_opt(20, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};
const NIGHT_ENDS: NaiveTime = match NaiveTime::from_hms_opt(6, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

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
                execution_end,
                urgent,
            } => {
                mef_deadlines(
                    form,
                    [request, execution, urgent],
                    execution_end.as_deref(),
                    problems,
                );
            }
            Rule::BusinessDeadline(rule) => {
                business_deadline(template, form, context, rule, problems);
            }
            Rule::SigUrgentSkips { urgent } => {
                if matches!(form.get(urgent), Value::YesNo(true)) {
                    problems.push(Problem {
                        path: urgent.clone(),
                        message: "procedimiento PSDT-13 (actividades 2 y 5): una publicación urgente no lleva este correo; pasa directamente a preparar el servidor y publicar".into(),
                    });
                }
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

/// `6 días y 20 horas`, `3 días`, `71 horas` — elapsed time as people say it.
fn elapsed_text(elapsed: Duration) -> String {
    let minutes = elapsed.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    let unit = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(unit(days, "día", "días"));
    }
    if hours > 0 {
        parts.push(unit(hours, "hora", "horas"));
    }
    if mins > 0 || parts.is_empty() {
        parts.push(unit(mins, "minuto", "minutos"));
    }
    match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} y {last}", rest.join(", ")),
        _ => parts.join(""),
    }
}

/// MEF 000 §6.4: the anticipation counts elapsed time (a request at 23:59
/// of day 1 is not 7 days before 20:00 of day 8), and the execution runs in
/// the night from 20:00 to [`NIGHT_ENDS`].
fn mef_deadlines(
    form: &FormData,
    [request, execution, urgent]: [&String; 3],
    execution_end: Option<&str>,
    problems: &mut Vec<Problem>,
) {
    let (Some(requested), Some(executed)) = (
        as_datetime(form.get(request)),
        as_datetime(form.get(execution)),
    ) else {
        return;
    };
    let elapsed = executed - requested;
    let is_urgent = matches!(form.get(urgent), Value::YesNo(true));
    let (needed, rule_text) = if is_urgent {
        (
            Duration::hours(72),
            "un pase urgente debe solicitarse con al menos 72 horas de anticipación".to_string(),
        )
    } else {
        (
            Duration::days(7),
            "el pase a producción debe solicitarse con al menos 7 días (7 × 24 horas) de anticipación".to_string(),
        )
    };
    if elapsed < needed {
        problems.push(Problem {
            path: execution.clone(),
            message: format!(
                "regla MEF 6.4: {rule_text} (solicitud {}, ejecución {}: {}){}",
                format_datetime(requested),
                format_datetime(executed),
                if elapsed < Duration::zero() {
                    "la ejecución es anterior a la solicitud".to_string()
                } else {
                    format!("median {}", elapsed_text(elapsed))
                },
                if is_urgent {
                    ""
                } else {
                    ", o marcarse como urgente (mínimo 72 horas)"
                }
            ),
        });
    }
    let start = executed.time();
    if start < NIGHT_STARTS && start >= NIGHT_ENDS {
        problems.push(Problem {
            path: execution.clone(),
            message: format!(
                "regla MEF 6.4: la ejecución del pase a producción debe programarse a partir de las 20:00 horas, en la noche que puede pasar la medianoche hasta las {} (está a las {})",
                NIGHT_ENDS.format("%H:%M"),
                executed.format("%H:%M")
            ),
        });
        return;
    }
    let Some(end_id) = execution_end else { return };
    let Some(ended) = as_datetime(form.get(end_id)) else {
        return;
    };
    // The night the execution starts in ends at 06:00 of the next morning
    // (or of the same day for a start after midnight).
    let night_end_day = if start >= NIGHT_STARTS {
        executed.date() + Duration::days(1)
    } else {
        executed.date()
    };
    let night_end = night_end_day.and_time(NIGHT_ENDS);
    if ended <= executed {
        problems.push(Problem {
            path: end_id.to_string(),
            message: format!(
                "regla MEF 6.4: el fin de la ejecución ({}) debe ser posterior a su inicio ({})",
                format_datetime(ended),
                format_datetime(executed)
            ),
        });
    } else if ended > night_end {
        problems.push(Problem {
            path: end_id.to_string(),
            message: format!(
                "regla MEF 6.4: la ventana de ejecución que empieza el {} debe terminar a más tardar el {} (termina el {})",
                format_datetime(executed),
                format_datetime(night_end),
                format_datetime(ended)
            ),
        });
    }
}

fn as_date(value: &Value) -> Option<NaiveDate> {
    match value {
        Value::Date(d) => Some(*d),
        Value::DateTime(dt) => Some(dt.date()),
        _ => None,
    }
}

/// A deadline in días útiles: fills `due` (and `flag`), checks `done`.
fn business_deadline(
    template: &Template,
    form: &mut FormData,
    context: &ValidationContext,
    rule: &BusinessDeadline,
    problems: &mut Vec<Problem>,
) {
    let label = |id: &str| {
        template
            .field(id)
            .map(|f| f.label.clone())
            .unwrap_or_else(|| id.to_string())
    };
    if let Some(flag) = &rule.flag {
        if !form.get(flag).is_empty() {
            problems.push(Problem {
                path: flag.clone(),
                message: format!(
                    "«{}» lo escribe la regla de plazos: déjelo vacío",
                    label(flag)
                ),
            });
            return;
        }
    }
    if let Some(when) = &rule.when {
        if !condition::holds(when, |id| form.get(id)) {
            if !form.get(&rule.due).is_empty() {
                problems.push(Problem {
                    path: rule.due.clone(),
                    message: format!(
                        "«{}» no corresponde {}: déjelo vacío",
                        label(&rule.due),
                        condition::describe(
                            &crate::template::Condition {
                                negate: !when.negate,
                                ..when.clone()
                            },
                            label
                        )
                    ),
                });
            }
            return;
        }
    }
    let Some(start) = as_date(form.get(&rule.from)) else {
        return;
    };
    let days = rule.days;
    let plazo = format!(
        "{days} {} desde el {}",
        if days == 1 {
            "día útil"
        } else {
            "días útiles"
        },
        format_date(start)
    );
    let Some(deadline) = context
        .calendar(template.country)
        .and_then(|c| c.add_business_days(start, days))
    else {
        problems.push(Problem {
            path: rule.due.clone(),
            message: format!(
                "no se puede calcular el plazo de {plazo}: el calendario de {} no tiene días útiles",
                template.country.name()
            ),
        });
        return;
    };
    let due = deadline.vence;
    match form.get(&rule.due) {
        Value::Empty => form.set(&rule.due, Value::Date(due)),
        Value::Date(given) if *given == due => {}
        other => {
            problems.push(Problem {
                path: rule.due.clone(),
                message: format!(
                    "«{}» se calcula: es el {} ({plazo}, calendario de {}), no el {}; déjelo vacío",
                    label(&rule.due),
                    format_date(due),
                    template.country.name(),
                    other.display()
                ),
            });
            return;
        }
    }
    let done = rule.done.as_deref().and_then(|id| as_date(form.get(id)));
    let alert = match done {
        Some(done) if rule.not_before && done < due => {
            problems.push(Problem {
                path: rule.done.clone().unwrap_or_default(),
                message: format!(
                    "«{}» ({}) no puede ser anterior al {}: el plazo de {plazo} debe cumplirse completo (MEF, Soporte técnico §3.5.3)",
                    label(rule.done.as_deref().unwrap_or_default()),
                    format_date(done),
                    format_date(due)
                ),
            });
            return;
        }
        Some(done) if done > due => format!(
            "FUERA DE PLAZO: vencía el {} ({plazo}); se registró el {}",
            format_date(due),
            format_date(done)
        ),
        Some(done) => format!(
            "Dentro del plazo: registrado el {}, vencía el {}",
            format_date(done),
            format_date(due)
        ),
        None => match context.today {
            Some(today) if today > due => format!(
                "VENCIDO: el plazo de {plazo} venció el {} (hoy {})",
                format_date(due),
                format_date(today)
            ),
            Some(_) => format!("En plazo: vence el {} ({plazo})", format_date(due)),
            None => format!("Vence el {} ({plazo})", format_date(due)),
        },
    };
    if let Some(flag) = &rule.flag {
        form.set(flag, Value::Text(alert));
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
    // The seed writes the system as it is known, upper case (PRODUCCIÓN.EVA…, line 1107).
    let expected = format!(
        "PRODUCCIÓN.{}.{}.INSTALACIÓN-{}.{}",
        system_text.trim().to_uppercase(),
        requested.format("%Y/%m/%d"),
        number_text.trim(),
        usuario(&person, &context.people)
    );
    match form.get(field) {
        value if value.is_empty() => form.set(field, Value::Text(expected)),
        // Case and accents are not part of the convention: «Producción.Eva…» is the same subject.
        Value::Text(given) if normalize(given) == normalize(&expected) => {}
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
id = "fin"
label = "Fin de la ejecución"
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
execution_end = "fin"
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
            ..Default::default()
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
    fn seven_days_are_seven_times_24_hours_of_elapsed_time() {
        // 23:59 of day 1 is not 7 days before 20:00 of day 8 (6 days, 20 hours, 1 minute).
        let problems = check(json!({"solicitud": "2026-03-01T23:59", "ejecucion": "2026-03-08T20:00", "urgente": false}), &[]).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].message.contains("7 × 24 horas")
                && problems[0].message.contains("6 días, 20 horas y 1 minuto"),
            "{}",
            problems[0].message
        );
        // Exactly 7 × 24 hours is enough.
        assert!(check(json!({"solicitud": "2026-03-01T20:00", "ejecucion": "2026-03-08T20:00", "urgente": false}), &[]).is_ok());
        // An execution before its request is named as such.
        let problems = check(json!({"solicitud": "2026-03-10T09:00", "ejecucion": "2026-03-08T21:00", "urgente": true}), &[]).unwrap_err();
        assert!(
            problems[0].message.contains("anterior a la solicitud"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn the_execution_window_may_run_past_midnight_within_the_night() {
        let ok = |start: &str, end: &str| {
            check(
                json!({"solicitud": "2026-03-01T09:00", "ejecucion": start, "fin": end, "urgente": false}),
                &[],
            )
        };
        assert!(ok("2026-03-10T22:00", "2026-03-11T02:30").is_ok());
        // A start after midnight belongs to the night that began at 20:00.
        assert!(ok("2026-03-11T00:30", "2026-03-11T03:00").is_ok());
        let problems = ok("2026-03-10T22:00", "2026-03-11T07:15").unwrap_err();
        assert_eq!(problems[0].path, "fin");
        assert!(
            problems[0]
                .message
                .contains("a más tardar el 11/03/2026 06:00"),
            "{}",
            problems[0].message
        );
        let problems = ok("2026-03-10T22:00", "2026-03-10T21:00").unwrap_err();
        assert!(
            problems[0].message.contains("posterior a su inicio"),
            "{}",
            problems[0].message
        );
        // 06:00 or later is daytime again.
        let problems = ok("2026-03-11T06:30", "2026-03-11T07:00").unwrap_err();
        assert!(
            problems[0].message.contains("a partir de las 20:00"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn the_subject_ignores_case_and_accents_and_derives_the_system_upper_case() {
        let form = check(
            json!({"sistema": "eva", "fecha": "2020-02-06", "numero": "2020-036", "solicitante": "Eduardo Salvatierra Pérez", "asunto": ""}),
            &[],
        )
        .unwrap();
        assert_eq!(
            form.get("asunto").display(),
            "PRODUCCIÓN.EVA.2020/02/06.INSTALACIÓN-2020-036.ESALVATIERRA"
        );
        assert!(check(
            subject_data("Produccion.Eva.2020/02/06.Instalacion-2020-036.esalvatierra"),
            &[]
        )
        .is_ok());
        assert!(check(
            subject_data("produccion.eva.2020/02/06.instalación-2020-037.esalvatierra"),
            &[]
        )
        .is_err());
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
