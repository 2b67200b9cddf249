//! Business days (días útiles): which days are not working days in Peru,
//! Bolivia and Mexico, and the date a deadline of N business days falls on.
//!
//! A [`Calendar`] is one country's weekend, its national holidays (fixed
//! dates, Easter-relative days such as Holy Thursday and Good Friday, «the
//! n-th Monday of a month»), the days decreed non-working for a given year,
//! and the office's own non-working days. The national part is data, read
//! from `calendarios/<pais>.toml` beside the templates (see `data`), so an
//! office corrects a holiday without recompiling; the office's days come
//! from Configuración or `calendarios/oficina.toml`. Nothing here reads the
//! clock or the store: callers pass the days in.
//!
//! The count follows MEF 004 §3.5 (line 54): a plazo of N días útiles
//! counted from a date ends on the N-th working day *after* it (from Monday
//! 30/03/2026 in Peru, 6 días útiles end on Thursday 09/04/2026: Holy
//! Thursday, Good Friday and the weekend are skipped).

mod data;

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;

pub use data::{load_calendar, parse_office_days, CalendarError, OFFICE_FILE};

/// The countries whose procedures Actas serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Country {
    /// Perú (MEF, Senace).
    PE,
    /// Bolivia (AGETIC).
    BO,
    /// México (SIG).
    MX,
}

impl Country {
    pub const ALL: [Country; 3] = [Country::PE, Country::BO, Country::MX];

    /// `PE`, `BO`, `MX`.
    pub fn code(self) -> &'static str {
        match self {
            Country::PE => "PE",
            Country::BO => "BO",
            Country::MX => "MX",
        }
    }

    /// `Perú`, `Bolivia`, `México`.
    pub fn name(self) -> &'static str {
        match self {
            Country::PE => "Perú",
            Country::BO => "Bolivia",
            Country::MX => "México",
        }
    }

    /// Reads `PE`/`pe`/`Perú`/`peru` (and the same for the others).
    pub fn parse(text: &str) -> Option<Country> {
        let folded = crate::form::usuario::normalize(text);
        match folded.trim() {
            "PE" | "PERU" => Some(Country::PE),
            "BO" | "BOLIVIA" => Some(Country::BO),
            "MX" | "MEXICO" => Some(Country::MX),
            _ => None,
        }
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How a national holiday falls in a year.
#[derive(Debug, Clone, PartialEq)]
pub enum HolidayRule {
    /// The same day every year (`fecha = "07-28"`).
    Fixed { month: u32, day: u32 },
    /// Days from Easter Sunday (`pascua = -2`: Good Friday).
    Easter { offset: i64 },
    /// The `nth` weekday of a month (`mes = 3, dia_semana = "lunes", ordinal = 3`).
    NthWeekday {
        month: u32,
        weekday: Weekday,
        nth: u32,
    },
}

/// A national holiday and the years it applies to.
#[derive(Debug, Clone, PartialEq)]
pub struct Holiday {
    pub name: String,
    pub rule: HolidayRule,
    /// First year it applies (a holiday created by a later law).
    pub since: Option<i32>,
    /// Only every `every` years counted from `since` (Mexico's change of
    /// federal government, every six years).
    pub every: Option<i32>,
}

impl Holiday {
    /// The date it falls on in `year`, if it applies that year.
    pub fn date_in(&self, year: i32) -> Option<NaiveDate> {
        if self.since.is_some_and(|since| year < since) {
            return None;
        }
        if let (Some(every), Some(since)) = (self.every, self.since) {
            if every > 0 && (year - since) % every != 0 {
                return None;
            }
        }
        match &self.rule {
            HolidayRule::Fixed { month, day } => NaiveDate::from_ymd_opt(year, *month, *day),
            HolidayRule::Easter { offset } => {
                easter(year).map(|sunday| sunday + Duration::days(*offset))
            }
            HolidayRule::NthWeekday {
                month,
                weekday,
                nth,
            } => NaiveDate::from_weekday_of_month_opt(year, *month, *weekday, *nth as u8),
        }
    }
}

/// Easter Sunday of `year` (Gregorian computus, `computus` crate).
pub fn easter(year: i32) -> Option<NaiveDate> {
    computus::gregorian_naive(year).ok()
}

/// A day the office does not work although it is not a national holiday:
/// a day decreed non-working for the public sector, or the office's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficeDay {
    pub date: NaiveDate,
    pub name: String,
}

/// Why a day does not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "tipo", content = "motivo", rename_all = "snake_case")]
pub enum NonWorking {
    /// Saturday or Sunday (or the country's weekend).
    FinDeSemana,
    /// A national holiday, by name.
    Feriado(String),
    /// A day decreed non-working, or the office's own, by name.
    NoLaborable(String),
}

impl fmt::Display for NonWorking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NonWorking::FinDeSemana => f.write_str("fin de semana"),
            NonWorking::Feriado(name) => write!(f, "feriado: {name}"),
            NonWorking::NoLaborable(name) => write!(f, "no laborable: {name}"),
        }
    }
}

/// One country's working calendar, with the office's days added.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub country: Country,
    /// Where the national part comes from (law), as the data file says.
    pub source: String,
    pub weekend: Vec<Weekday>,
    pub holidays: Vec<Holiday>,
    /// A holiday that falls on a Sunday moves to the Monday (Bolivia).
    pub sunday_moves_to_monday: bool,
    /// Dated non-working days (decreed ones and the office's), by date.
    pub days_off: BTreeMap<NaiveDate, String>,
}

/// A computed deadline: where it starts, how many days, where it ends, and
/// the days that were skipped on the way (weekends left out of the list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub pais: Country,
    pub desde: NaiveDate,
    pub dias_utiles: u32,
    pub vence: NaiveDate,
    /// Holidays and non-working days skipped between `desde` and `vence`.
    pub omitidos: Vec<SkippedDay>,
    /// Weekend days skipped.
    pub fines_de_semana: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedDay {
    pub fecha: NaiveDate,
    pub motivo: String,
}

/// Business days are counted up to this many calendar days ahead: a data
/// file that made every day non-working must not loop forever.
const MAX_SPAN_DAYS: i64 = 3660;

impl Calendar {
    /// Adds dated non-working days (the office's own); an existing date keeps its first name.
    pub fn with_days_off(mut self, days: &[OfficeDay]) -> Calendar {
        for day in days {
            self.days_off
                .entry(day.date)
                .or_insert_with(|| day.name.clone());
        }
        self
    }

    /// The holidays of `year`, by date (moved ones on the day they are kept).
    pub fn holidays_of(&self, year: i32) -> BTreeMap<NaiveDate, String> {
        let mut out = BTreeMap::new();
        for holiday in &self.holidays {
            if let Some(mut date) = holiday.date_in(year) {
                if self.sunday_moves_to_monday && date.weekday() == Weekday::Sun {
                    date += Duration::days(1);
                }
                out.entry(date).or_insert_with(|| holiday.name.clone());
            }
        }
        out
    }

    /// Why `date` is not a working day, or `None` when it is one.
    pub fn non_working(&self, date: NaiveDate) -> Option<NonWorking> {
        if let Some(name) = self.holidays_of(date.year()).remove(&date) {
            return Some(NonWorking::Feriado(name));
        }
        if let Some(name) = self.days_off.get(&date) {
            return Some(NonWorking::NoLaborable(name.clone()));
        }
        if self.weekend.contains(&date.weekday()) {
            return Some(NonWorking::FinDeSemana);
        }
        None
    }

    /// The `days`-th working day after `from` (`from` itself is not
    /// counted; zero days gives `from`). `None` when no such day exists
    /// within ten years (a calendar without working days).
    pub fn add_business_days(&self, from: NaiveDate, days: u32) -> Option<Deadline> {
        let mut deadline = Deadline {
            pais: self.country,
            desde: from,
            dias_utiles: days,
            vence: from,
            omitidos: Vec::new(),
            fines_de_semana: 0,
        };
        let mut counted = 0;
        let mut date = from;
        let limit = from + Duration::days(MAX_SPAN_DAYS);
        // The holidays of the years crossed are computed once each.
        let mut year_cache: Option<(i32, BTreeMap<NaiveDate, String>)> = None;
        while counted < days {
            date = date.succ_opt()?;
            if date > limit {
                return None;
            }
            if year_cache.as_ref().is_none_or(|(y, _)| *y != date.year()) {
                year_cache = Some((date.year(), self.holidays_of(date.year())));
            }
            let holidays = &year_cache.as_ref().expect("just filled").1;
            if let Some(name) = holidays.get(&date) {
                deadline.omitidos.push(SkippedDay {
                    fecha: date,
                    motivo: name.clone(),
                });
            } else if let Some(name) = self.days_off.get(&date) {
                deadline.omitidos.push(SkippedDay {
                    fecha: date,
                    motivo: name.clone(),
                });
            } else if self.weekend.contains(&date.weekday()) {
                deadline.fines_de_semana += 1;
            } else {
                counted += 1;
            }
        }
        deadline.vence = date;
        Some(deadline)
    }
}

/// The calendars of every country, loaded once (national data plus the
/// office's days) and handed to validation and the `plazo` command.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calendars {
    calendars: Vec<Calendar>,
}

impl Calendars {
    pub fn new(calendars: Vec<Calendar>) -> Calendars {
        Calendars { calendars }
    }

    /// Every country's calendar from `dir` (`<templates>/calendarios`), the
    /// copy shipped inside the program for a country without a file, and
    /// the office's days of `oficina.toml` plus `office_days`.
    pub fn load(
        dir: Option<&std::path::Path>,
        office_days: &[(Option<Country>, OfficeDay)],
    ) -> Result<Calendars, CalendarError> {
        let file_days = match dir {
            Some(dir) => data::load_office_file(dir)?,
            None => Vec::new(),
        };
        let mut calendars = Vec::with_capacity(Country::ALL.len());
        for country in Country::ALL {
            let own: Vec<OfficeDay> = file_days
                .iter()
                .chain(office_days.iter())
                .filter(|(c, _)| c.is_none_or(|c| c == country))
                .map(|(_, d)| d.clone())
                .collect();
            calendars.push(load_calendar(dir, country)?.with_days_off(&own));
        }
        Ok(Calendars { calendars })
    }

    pub fn get(&self, country: Country) -> Option<&Calendar> {
        self.calendars.iter().find(|c| c.country == country)
    }
}

/// `jueves 09/04/2026`.
pub fn weekday_date(date: NaiveDate) -> String {
    let name = match date.weekday() {
        Weekday::Mon => "lunes",
        Weekday::Tue => "martes",
        Weekday::Wed => "miércoles",
        Weekday::Thu => "jueves",
        Weekday::Fri => "viernes",
        Weekday::Sat => "sábado",
        Weekday::Sun => "domingo",
    };
    format!("{name} {}", date.format("%d/%m/%Y"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn peru() -> Calendar {
        load_calendar(None, Country::PE).unwrap()
    }

    #[test]
    fn easter_dates_are_known_ones() {
        // Independent oracle: the published dates of Easter Sunday.
        for (year, sunday) in [
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2038, "2038-04-25"),
        ] {
            assert_eq!(easter(year), Some(d(sunday)), "{year}");
        }
    }

    #[test]
    fn the_seed_example_skips_holy_week_and_the_weekend() {
        let deadline = peru().add_business_days(d("2026-03-30"), 6).unwrap();
        assert_eq!(deadline.vence, d("2026-04-09"));
        let skipped: Vec<&str> = deadline
            .omitidos
            .iter()
            .map(|s| s.motivo.as_str())
            .collect();
        assert_eq!(skipped, ["Jueves Santo", "Viernes Santo"]);
        assert_eq!(deadline.fines_de_semana, 2);
    }

    #[test]
    fn zero_days_is_the_start_and_a_holiday_start_counts_from_the_next_day() {
        let cal = peru();
        assert_eq!(
            cal.add_business_days(d("2026-04-03"), 0).unwrap().vence,
            d("2026-04-03")
        );
        assert_eq!(
            cal.add_business_days(d("2026-04-03"), 1).unwrap().vence,
            d("2026-04-06")
        );
    }

    #[test]
    fn office_days_are_skipped_with_their_name() {
        let cal = peru().with_days_off(&[OfficeDay {
            date: d("2026-04-07"),
            name: "Aniversario de la entidad".into(),
        }]);
        let deadline = cal.add_business_days(d("2026-03-30"), 6).unwrap();
        assert_eq!(deadline.vence, d("2026-04-10"));
        assert_eq!(
            cal.non_working(d("2026-04-07")),
            Some(NonWorking::NoLaborable("Aniversario de la entidad".into()))
        );
    }

    #[test]
    fn a_calendar_without_working_days_gives_no_deadline() {
        let mut cal = peru();
        cal.weekend = vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ];
        assert!(cal.add_business_days(d("2026-01-01"), 1).is_none());
    }

    #[test]
    fn bolivia_moves_a_sunday_holiday_to_monday_and_has_carnival() {
        let cal = load_calendar(None, Country::BO).unwrap();
        // 2026: Carnival Monday and Tuesday are 16 and 17 February (Easter 5 April − 48/−47).
        assert!(matches!(
            cal.non_working(d("2026-02-16")),
            Some(NonWorking::Feriado(_))
        ));
        assert!(matches!(
            cal.non_working(d("2026-02-17")),
            Some(NonWorking::Feriado(_))
        ));
        // 2025: 2 November (Todos Santos) was a Sunday: kept on Monday the 3rd.
        assert!(matches!(
            cal.non_working(d("2025-11-03")),
            Some(NonWorking::Feriado(_))
        ));
    }

    #[test]
    fn mexico_counts_mondays_of_the_month_and_the_six_yearly_holiday() {
        let cal = load_calendar(None, Country::MX).unwrap();
        // First Monday of February 2026 is the 2nd; third Monday of March the 16th.
        assert!(matches!(
            cal.non_working(d("2026-02-02")),
            Some(NonWorking::Feriado(_))
        ));
        assert!(matches!(
            cal.non_working(d("2026-03-16")),
            Some(NonWorking::Feriado(_))
        ));
        // 1 October: change of federal government in 2024 and 2030, not 2026.
        assert!(matches!(
            cal.non_working(d("2030-10-01")),
            Some(NonWorking::Feriado(_))
        ));
        assert_eq!(cal.non_working(d("2026-10-01")), None);
    }

    #[test]
    fn country_names_parse() {
        assert_eq!(Country::parse("pe"), Some(Country::PE));
        assert_eq!(Country::parse("México"), Some(Country::MX));
        assert_eq!(Country::parse("Chile"), None);
    }
}
