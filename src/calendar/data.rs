//! The calendar data files: `calendarios/<pais>.toml` (a country's weekend,
//! national holidays and the days decreed non-working) and
//! `calendarios/oficina.toml` (the office's own non-working days), both in
//! the templates folder so an office edits them without recompiling. The
//! national files are also compiled in, so a templates folder without
//! `calendarios/` still gets the law's holidays. The format is in
//! `docs/templates.md` («Calendarios»). Errors name the file and the line,
//! as a template's do.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Weekday};
use serde::Deserialize;
use toml::Spanned;

use super::{Calendar, Country, Holiday, HolidayRule, OfficeDay};
use crate::template::{line_of, TemplateError};

/// A calendar file that cannot be used: the same error as a template's
/// (the calendars live in the templates folder), naming file and line.
pub type CalendarError = TemplateError;

/// The office's own non-working days, beside the national files.
pub const OFFICE_FILE: &str = "oficina.toml";

/// The national files shipped with the program (the same text as in `templates/calendarios/`).
const SHIPPED: [(Country, &str); 3] = [
    (
        Country::PE,
        include_str!("../../templates/calendarios/pe.toml"),
    ),
    (
        Country::BO,
        include_str!("../../templates/calendarios/bo.toml"),
    ),
    (
        Country::MX,
        include_str!("../../templates/calendarios/mx.toml"),
    ),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCountry {
    pais: Spanned<String>,
    fuente: String,
    fin_de_semana: Spanned<Vec<String>>,
    #[serde(default)]
    domingo_pasa_a_lunes: bool,
    #[serde(default)]
    feriados: Vec<Spanned<RawHoliday>>,
    #[serde(default)]
    no_laborables: Vec<Spanned<RawDay>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    nombre: String,
    fecha: Option<String>,
    pascua: Option<i64>,
    mes: Option<u32>,
    dia_semana: Option<String>,
    ordinal: Option<u32>,
    desde: Option<i32>,
    cada: Option<i32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDay {
    fecha: String,
    nombre: String,
    pais: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffice {
    #[serde(default)]
    no_laborables: Vec<Spanned<RawDay>>,
}

struct Reader<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Reader<'_> {
    fn err(&self, offset: usize, message: impl Into<String>) -> CalendarError {
        TemplateError::Invalid {
            path: self.path.to_path_buf(),
            line: line_of(self.text, offset),
            message: message.into(),
        }
    }

    fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, CalendarError> {
        toml::from_str(self.text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            let message = e.message().trim();
            let message = match message.strip_prefix("unknown field ") {
                Some(rest) => format!(
                    "clave desconocida «{}» (ver docs/templates.md, «Calendarios»)",
                    rest.split(',').next().unwrap_or(rest).trim_matches('`')
                ),
                None => format!("TOML inválido: {message}"),
            };
            self.err(offset, message)
        })
    }

    fn day(&self, raw: Spanned<RawDay>) -> Result<(Option<Country>, OfficeDay), CalendarError> {
        let at = raw.span().start;
        let raw = raw.into_inner();
        let date = parse_day(&raw.fecha).ok_or_else(|| {
            self.err(
                at,
                format!("fecha inválida «{}»: se espera AAAA-MM-DD", raw.fecha),
            )
        })?;
        let country = match raw.pais.as_deref() {
            None => None,
            Some(p) => Some(
                Country::parse(p)
                    .ok_or_else(|| self.err(at, format!("país desconocido «{p}» (PE, BO o MX)")))?,
            ),
        };
        if raw.nombre.trim().is_empty() {
            return Err(self.err(at, "cada día no laborable necesita «nombre»"));
        }
        Ok((
            country,
            OfficeDay {
                date,
                name: raw.nombre.trim().to_string(),
            },
        ))
    }

    fn country(&self, expected: Country) -> Result<Calendar, CalendarError> {
        let raw: RawCountry = self.parse()?;
        let pais_at = raw.pais.span().start;
        if Country::parse(raw.pais.get_ref()) != Some(expected) {
            return Err(self.err(
                pais_at,
                format!(
                    "el archivo es del país «{}» pero se esperaba {}",
                    raw.pais.get_ref(),
                    expected.code()
                ),
            ));
        }
        let weekend_at = raw.fin_de_semana.span().start;
        let mut weekend = Vec::new();
        for name in raw.fin_de_semana.into_inner() {
            weekend.push(weekday(&name).ok_or_else(|| {
                self.err(weekend_at, format!("día de la semana desconocido «{name}»"))
            })?);
        }
        let mut holidays = Vec::with_capacity(raw.feriados.len());
        for spanned in raw.feriados {
            let at = spanned.span().start;
            let h = spanned.into_inner();
            let rule = match (&h.fecha, h.pascua, h.mes, &h.dia_semana, h.ordinal) {
                (Some(fecha), None, None, None, None) => {
                    let (month, day) = fecha
                        .split_once('-')
                        .and_then(|(m, d)| Some((m.parse().ok()?, d.parse().ok()?)))
                        .filter(|(m, d)| NaiveDate::from_ymd_opt(2024, *m, *d).is_some())
                        .ok_or_else(|| {
                            self.err(at, format!("fecha de feriado inválida «{fecha}»: se espera MM-DD"))
                        })?;
                    HolidayRule::Fixed { month, day }
                }
                (None, Some(offset), None, None, None) => HolidayRule::Easter { offset },
                (None, None, Some(month), Some(name), Some(nth)) if (1..=12).contains(&month) && (1..=5).contains(&nth) => {
                    HolidayRule::NthWeekday {
                        month,
                        weekday: weekday(name).ok_or_else(|| {
                            self.err(at, format!("día de la semana desconocido «{name}»"))
                        })?,
                        nth,
                    }
                }
                _ => {
                    return Err(self.err(
                        at,
                        format!(
                            "el feriado «{}» debe tener «fecha» (MM-DD), o «pascua» (días desde el Domingo de Pascua), o «mes», «dia_semana» y «ordinal» (1 a 5)",
                            h.nombre
                        ),
                    ))
                }
            };
            if h.cada.is_some() && h.desde.is_none() {
                return Err(self.err(
                    at,
                    format!("el feriado «{}» usa «cada» sin «desde»", h.nombre),
                ));
            }
            holidays.push(Holiday {
                name: h.nombre,
                rule,
                since: h.desde,
                every: h.cada,
            });
        }
        let mut days_off = std::collections::BTreeMap::new();
        for raw_day in raw.no_laborables {
            let (_, day) = self.day(raw_day)?;
            days_off.insert(day.date, day.name);
        }
        Ok(Calendar {
            country: expected,
            source: raw.fuente,
            weekend,
            holidays,
            sunday_moves_to_monday: raw.domingo_pasa_a_lunes,
            days_off,
        })
    }
}

/// `AAAA-MM-DD` or `dd/mm/aaaa`.
fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .ok()
}

fn weekday(name: &str) -> Option<Weekday> {
    match crate::form::usuario::normalize(name).trim() {
        "LUNES" => Some(Weekday::Mon),
        "MARTES" => Some(Weekday::Tue),
        "MIERCOLES" => Some(Weekday::Wed),
        "JUEVES" => Some(Weekday::Thu),
        "VIERNES" => Some(Weekday::Fri),
        "SABADO" => Some(Weekday::Sat),
        "DOMINGO" => Some(Weekday::Sun),
        _ => None,
    }
}

/// `country`'s calendar: `<dir>/<pais>.toml` when it exists, else the copy
/// shipped with the program.
pub fn load_calendar(dir: Option<&Path>, country: Country) -> Result<Calendar, CalendarError> {
    let name = format!("{}.toml", country.code().to_lowercase());
    if let Some(dir) = dir {
        let path = dir.join(&name);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                return Reader {
                    text: &text,
                    path: &path,
                }
                .country(country)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(TemplateError::Io {
                    path,
                    reason: e.to_string(),
                })
            }
        }
    }
    let text = SHIPPED
        .iter()
        .find(|(c, _)| *c == country)
        .map(|(_, t)| *t)
        .expect("every country ships a calendar");
    let path = PathBuf::from("templates/calendarios").join(name);
    Reader { text, path: &path }.country(country)
}

/// The office's days of `<dir>/oficina.toml` (none when there is no such file).
pub(super) fn load_office_file(
    dir: &Path,
) -> Result<Vec<(Option<Country>, OfficeDay)>, CalendarError> {
    let path = dir.join(OFFICE_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(TemplateError::Io {
                path,
                reason: e.to_string(),
            })
        }
    };
    let reader = Reader {
        text: &text,
        path: &path,
    };
    let raw: RawOffice = reader.parse()?;
    raw.no_laborables
        .into_iter()
        .map(|d| reader.day(d))
        .collect()
}

/// The office's days as typed in Configuración: one a line,
/// `dd/mm/aaaa Motivo` (or `AAAA-MM-DD Motivo`); blank lines and lines
/// starting with `#` are ignored. The error names the line.
pub fn parse_office_days(text: &str) -> Result<Vec<OfficeDay>, String> {
    let mut days = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (date, name) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let date = parse_day(date).ok_or_else(|| {
            format!(
                "línea {}: fecha inválida «{date}» (se espera dd/mm/aaaa seguida del motivo)",
                i + 1
            )
        })?;
        let name = name.trim().trim_start_matches(['-', '–', ':']).trim();
        if name.is_empty() {
            return Err(format!(
                "línea {}: falta el motivo del día no laborable",
                i + 1
            ));
        }
        days.push(OfficeDay {
            date,
            name: name.to_string(),
        });
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_files_load() {
        for country in Country::ALL {
            let cal = load_calendar(None, country).unwrap();
            assert!(cal.holidays.len() >= 8, "{country}: {}", cal.holidays.len());
            assert!(!cal.source.is_empty());
        }
    }

    #[test]
    fn a_file_in_the_folder_replaces_the_shipped_one_and_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pe.toml"),
            "pais = \"PE\"\nfuente = \"prueba\"\nfin_de_semana = [\"domingo\"]\n[[feriados]]\nnombre = \"Solo uno\"\nfecha = \"02-30\"\n",
        )
        .unwrap();
        let err = load_calendar(Some(dir.path()), Country::PE)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("pe.toml:4:") && err.contains("«02-30»"),
            "{err}"
        );
        std::fs::write(
            dir.path().join("pe.toml"),
            "pais = \"PE\"\nfuente = \"prueba\"\nfin_de_semana = [\"domingo\"]\n[[feriados]]\nnombre = \"Solo uno\"\nfecha = \"03-02\"\n",
        )
        .unwrap();
        let cal = load_calendar(Some(dir.path()), Country::PE).unwrap();
        assert_eq!(cal.weekend, [Weekday::Sun]);
        assert_eq!(cal.holidays.len(), 1);
        // Another country still comes from the shipped copy.
        assert!(
            load_calendar(Some(dir.path()), Country::BO)
                .unwrap()
                .holidays
                .len()
                > 1
        );
    }

    #[test]
    fn a_file_of_another_country_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mx.toml"),
            "pais = \"PE\"\nfuente = \"x\"\nfin_de_semana = []\n",
        )
        .unwrap();
        let err = load_calendar(Some(dir.path()), Country::MX)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("mx.toml:1:") && err.contains("se esperaba MX"),
            "{err}"
        );
    }

    #[test]
    fn office_days_come_from_the_file_and_from_configuration_text() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(OFFICE_FILE),
            "[[no_laborables]]\nfecha = \"2026-04-07\"\nnombre = \"Aniversario\"\npais = \"PE\"\n\n[[no_laborables]]\nfecha = \"07/05/2026\"\nnombre = \"Corte de energía\"\n",
        )
        .unwrap();
        let days = load_office_file(dir.path()).unwrap();
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].0, Some(Country::PE));
        assert_eq!(days[1].0, None);
        std::fs::write(
            dir.path().join(OFFICE_FILE),
            "[[no_laborables]]\nfecha = \"ayer\"\nnombre = \"x\"\n",
        )
        .unwrap();
        let err = load_office_file(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("oficina.toml:1:") && err.contains("«ayer»"),
            "{err}"
        );

        let typed = parse_office_days(
            "# días de la oficina\n07/04/2026 Aniversario\n\n2026-05-07 – Corte de energía\n",
        )
        .unwrap();
        assert_eq!(typed.len(), 2);
        assert_eq!(typed[1].name, "Corte de energía");
        let err = parse_office_days("07/04/2026 Aniversario\n31/02/2026 Nada").unwrap_err();
        assert!(
            err.starts_with("línea 2: fecha inválida «31/02/2026»"),
            "{err}"
        );
        let err = parse_office_days("07/04/2026").unwrap_err();
        assert!(err.contains("falta el motivo"), "{err}");
    }
}
