//! Expiry of the licence master as of a date: the summary counts, the list of
//! licences expiring (and expired), and the data of the «notificación de
//! licencias por vencer» (template `senace-licencias-por-vencer`), grouped
//! by UBICACIÓN — seed 002, activities 14–15 and 31–32 (lines 1516–1522,
//! 1546–1547): the OTI checks the master periodically and notifies each
//! órgano or unidad orgánica that a licence is about to expire.
//!
//! Dates: TERMINO is the last day a licence is valid. As of day D a licence
//! is expired when TERMINO < D; it expires «within N days» when
//! D ≤ TERMINO ≤ D + N (inclusive, so TERMINO = D counts with 0 days left).
//! A perpetual licence (no TERMINO) is never expired nor expiring; neither
//! is one whose TERMINO could not be read («sin término»: the import warned
//! about it), which the summary leaves out of its expiry counts but not out
//! of `total` and the value.
//!
//! Pure functions of the licences and the date; nothing is read or stored here.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{json, Value as Json};

use super::excel::fold;
use super::licences::Licence;
use crate::dates::format_date;

/// `actas licences summary --json` (contract).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub total: usize,
    pub expired: usize,
    pub within_30: usize,
    pub within_60: usize,
    pub within_90: usize,
    /// Sum of VALOR ADQUISICION S/ over every licence, in soles.
    pub valor_adquisicion_total: f64,
}

/// The summary of `licences` as of `as_of`.
pub fn summarize(licences: &[Licence], as_of: NaiveDate) -> Summary {
    let mut summary = Summary {
        total: licences.len(),
        expired: 0,
        within_30: 0,
        within_60: 0,
        within_90: 0,
        valor_adquisicion_total: 0.0,
    };
    let mut cents: i64 = 0;
    for licence in licences {
        cents = cents.saturating_add(licence.valor_cents.unwrap_or(0));
        match days_left(licence, as_of) {
            Some(days) if days < 0 => summary.expired += 1,
            Some(days) => {
                summary.within_30 += usize::from(days <= 30);
                summary.within_60 += usize::from(days <= 60);
                summary.within_90 += usize::from(days <= 90);
            }
            None => {}
        }
    }
    summary.valor_adquisicion_total = cents_to_soles(cents);
    summary
}

/// Days from `as_of` to TERMINO (negative: expired); None for a perpetual licence.
pub fn days_left(licence: &Licence, as_of: NaiveDate) -> Option<i64> {
    licence.termino.map(|t| (t - as_of).num_days())
}

/// Soles from cents, exact to the cent in JSON (`1234.5`).
pub fn cents_to_soles(cents: i64) -> f64 {
    // Dividing the exact integer once gives the nearest f64 to the decimal.
    cents as f64 / 100.0
}

/// Where a licence stands as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Situation {
    #[serde(rename = "vencida")]
    Expired,
    #[serde(rename = "por vencer")]
    Expiring,
    #[serde(rename = "vigente")]
    Valid,
    #[serde(rename = "perpetua")]
    Perpetual,
    /// TERMINO empty or unreadable in the master: no expiry known.
    #[serde(rename = "sin término")]
    NoEnd,
}

impl Situation {
    pub fn label(self) -> &'static str {
        match self {
            Situation::Expired => "vencida",
            Situation::Expiring => "por vencer",
            Situation::Valid => "vigente",
            Situation::Perpetual => "perpetua",
            Situation::NoEnd => "sin término",
        }
    }
}

/// A licence with its situation as of a date, as `licences expiring --json`
/// and `licences list --json` print it (dates ISO, amounts in soles).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LicenceStatus {
    pub item: Option<String>,
    pub reg_siaf: Option<String>,
    pub orden: Option<String>,
    pub cantidad: Option<i64>,
    pub software: String,
    pub tipo: Option<String>,
    pub ubicacion: String,
    pub inicio: Option<NaiveDate>,
    pub termino: Option<NaiveDate>,
    pub vida_util_meses: Option<f64>,
    pub valor_adquisicion: Option<f64>,
    pub amortizacion_acumulada: Option<f64>,
    pub saldo_neto: Option<f64>,
    pub saldo_al: Option<NaiveDate>,
    pub estado: Option<String>,
    pub nota_ccp: Option<String>,
    pub mes: Option<String>,
    /// Days from the as-of date to TERMINO (negative when expired; None: perpetual).
    pub dias_restantes: Option<i64>,
    pub situacion: Situation,
    /// SALDO NETO = VALOR − AMORTIZACIÓN? None when one of them is missing.
    pub saldo_consistente: Option<bool>,
    /// The row of the master it was last read from.
    pub fila: u32,
}

/// The situation of one licence as of `as_of`, «por vencer» meaning within `within` days.
pub fn status(licence: &Licence, as_of: NaiveDate, within: i64) -> LicenceStatus {
    let days = days_left(licence, as_of);
    let situacion = match days {
        None if licence.perpetual => Situation::Perpetual,
        None => Situation::NoEnd,
        Some(d) if d < 0 => Situation::Expired,
        Some(d) if d <= within => Situation::Expiring,
        Some(_) => Situation::Valid,
    };
    LicenceStatus {
        item: licence.item.clone(),
        reg_siaf: licence.reg_siaf.clone(),
        orden: licence.orden.clone(),
        cantidad: licence.cantidad,
        software: licence.software.clone(),
        tipo: licence.tipo.clone(),
        ubicacion: licence.ubicacion.clone(),
        inicio: licence.inicio,
        termino: licence.termino,
        vida_util_meses: licence.vida_util_meses,
        valor_adquisicion: licence.valor_cents.map(cents_to_soles),
        amortizacion_acumulada: licence.amortizacion_cents.map(cents_to_soles),
        saldo_neto: licence.saldo_cents.map(cents_to_soles),
        saldo_al: licence.saldo_al,
        estado: licence.estado.clone(),
        nota_ccp: licence.nota_ccp.clone(),
        mes: licence.mes.clone(),
        dias_restantes: days,
        situacion,
        saldo_consistente: licence.saldo_consistente(),
        fila: licence.row,
    }
}

/// Licences expiring within `within` days of `as_of` (and the expired ones
/// when `include_expired`), ordered by UBICACIÓN, TERMINO and software.
pub fn expiring(
    licences: &[Licence],
    as_of: NaiveDate,
    within: i64,
    include_expired: bool,
) -> Vec<LicenceStatus> {
    let mut list: Vec<LicenceStatus> = licences
        .iter()
        .map(|l| status(l, as_of, within))
        .filter(|s| {
            s.situacion == Situation::Expiring
                || (include_expired && s.situacion == Situation::Expired)
        })
        .collect();
    list.sort_by_key(|s| (fold(&s.ubicacion), s.termino, fold(&s.software)));
    list
}

/// What the notice says about where its data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeSource {
    /// The master file last imported, and when (dd/mm/aaaa).
    pub file_name: String,
    pub imported_on: NaiveDate,
    pub sha256: String,
}

/// The name a notice prints for a licence without UBICACIÓN.
pub const NO_LOCATION: &str = "(sin ubicación)";

/// The data file of template `senace-licencias-por-vencer` for `entries`
/// (from [`expiring`]), grouped by UBICACIÓN.
pub fn notice_data(
    entries: &[LicenceStatus],
    as_of: NaiveDate,
    within: i64,
    source: Option<&NoticeSource>,
) -> Json {
    let until = crate::dates::days_after(as_of, within);
    // Groups in the order of `entries` (already by folded UBICACIÓN).
    let mut groups: BTreeMap<String, (String, Vec<&LicenceStatus>)> = BTreeMap::new();
    for entry in entries {
        let name = if entry.ubicacion.trim().is_empty() {
            NO_LOCATION.to_string()
        } else {
            entry.ubicacion.clone()
        };
        groups
            .entry(fold(&name))
            .or_insert_with(|| (name, Vec::new()))
            .1
            .push(entry);
    }
    let mut resumen = Vec::new();
    let mut licencias = Vec::new();
    for (name, group) in groups.values() {
        let expired = group
            .iter()
            .filter(|e| e.situacion == Situation::Expired)
            .count();
        let first = group.iter().filter_map(|e| e.termino).min();
        let valor: i64 = group
            .iter()
            .filter_map(|e| e.valor_adquisicion)
            .map(|v| (v * 100.0).round() as i64)
            .fold(0i64, i64::saturating_add);
        let mut row = json!({
            "ubicacion": name,
            "licencias": group.len(),
            "por_vencer": group.len() - expired,
            "vencidas": expired,
            "valor": cents_to_soles(valor),
        });
        if let Some(first) = first {
            row["primer_vencimiento"] = json!(first);
        }
        resumen.push(row);
        for e in group {
            let orden = match (&e.reg_siaf, &e.orden) {
                (Some(s), Some(o)) => format!("{o} (SIAF {s})"),
                (None, Some(o)) => o.clone(),
                (Some(s), None) => format!("SIAF {s}"),
                (None, None) => String::new(),
            };
            let mut row = json!({
                "ubicacion": name,
                "software": e.software,
                "tipo": e.tipo.clone().unwrap_or_default(),
                "orden": orden,
                "termino": e.termino,
                "dias": e.dias_restantes,
            });
            if let Some(c) = e.cantidad {
                row["cantidad"] = json!(c);
            }
            if let Some(v) = e.valor_adquisicion {
                row["valor"] = json!(v);
            }
            licencias.push(row);
        }
    }
    let destinatarios = groups
        .values()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let mut data = json!({
        "fecha_notificacion": as_of,
        "plazo_dias": within,
        "vencen_hasta": until,
        "destinatarios": destinatarios,
        "resumen": resumen,
        "licencias": licencias,
    });
    if let Some(source) = source {
        data["maestro"] = json!(format!(
            "{}, importado el {} (SHA-256 {}…)",
            source.file_name,
            format_date(source.imported_on),
            &source.sha256[..source.sha256.len().min(16)]
        ));
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    fn licence(
        software: &str,
        ubicacion: &str,
        termino: Option<(i32, u32, u32)>,
        valor: i64,
    ) -> Licence {
        Licence {
            item: None,
            reg_siaf: None,
            orden: None,
            cantidad: Some(1),
            software: software.into(),
            tipo: None,
            ubicacion: ubicacion.into(),
            inicio: None,
            termino: termino.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
            perpetual: termino.is_none(),
            vida_util_meses: None,
            valor_cents: Some(valor),
            amortizacion_cents: None,
            saldo_cents: None,
            saldo_al: None,
            estado: None,
            nota_ccp: None,
            mes: None,
            row: 1,
        }
    }

    #[test]
    fn boundaries_are_inclusive_and_expired_is_strictly_before() {
        let as_of = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
        let licences = [
            licence("ayer", "OTI", Some((2026, 3, 14)), 100),
            licence("hoy", "OTI", Some((2026, 3, 15)), 100),
            licence("30", "OTI", Some((2026, 4, 14)), 100),
            licence("31", "OTI", Some((2026, 4, 15)), 100),
            licence("90", "DEIN", Some((2026, 6, 13)), 100),
            licence("91", "DEIN", Some((2026, 6, 14)), 100),
            licence("perpetua", "DEIN", None, 5),
        ];
        let summary = summarize(&licences, as_of);
        assert_eq!(
            summary,
            Summary {
                total: 7,
                expired: 1,
                within_30: 2,
                within_60: 3,
                within_90: 4,
                valor_adquisicion_total: 6.05,
            }
        );
        let list = expiring(&licences, as_of, 30, true);
        let names: Vec<&str> = list.iter().map(|s| s.software.as_str()).collect();
        assert_eq!(names, ["ayer", "hoy", "30"]);
        let data = notice_data(&list, as_of, 30, None);
        assert_eq!(data["vencen_hasta"], "2026-04-14");
        assert_eq!(data["resumen"][0]["vencidas"], 1);
        assert_eq!(data["licencias"][1]["dias"], 0);
    }
}
