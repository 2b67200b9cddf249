//! The MEF support statistics (004 §3.6, line 74): «cuadros estadísticos de
//! incidencias reportadas y las atenciones realizadas en un periodo», as
//! the data of `mef-estadisticas-soporte`, from the attention records
//! (`mef-atencion-soporte`) and oficio records (`mef-oficio-soporte`) of
//! the period. Pure: `service::registers` reads the stored documents,
//! validates them (which computes each oficio's deadline alerts) and hands
//! the relevant values here. The analysis of causes is the specialist's
//! and is not generated.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{json, Value as Json};

/// What the statistics read from one attention record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attention {
    pub date: NaiveDate,
    pub canal: String,
    /// Consulta, Requerimiento or Incidencia.
    pub tipo: String,
    pub sistema: String,
    pub tipo_solucion: Option<String>,
    pub derivado_a: Option<String>,
}

/// What the statistics read from one oficio record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oficio {
    /// The escalation date the plazos count from.
    pub date: NaiveDate,
    pub resultado: String,
    /// A deadline alert says «FUERA DE PLAZO» or «VENCIDO».
    pub late: bool,
}

/// The incident type of an attention.
pub const INCIDENT: &str = "Incidencia";

fn percent(part: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / total as f64).round() / 10.0
    }
}

/// Counts by key, most frequent first (ties by name).
fn ranked<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for key in keys {
        *counts.entry(key).or_default() += 1;
    }
    let mut ranked: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(k, n)| (k.to_string(), n))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked
}

/// The form data of the period `from..=to` (records outside it are left out).
pub fn statistics_data(
    attentions: &[Attention],
    oficios: &[Oficio],
    from: NaiveDate,
    to: NaiveDate,
) -> Json {
    let attentions: Vec<&Attention> = attentions
        .iter()
        .filter(|a| a.date >= from && a.date <= to)
        .collect();
    let oficios: Vec<&Oficio> = oficios
        .iter()
        .filter(|o| o.date >= from && o.date <= to)
        .collect();
    let total = attentions.len();
    let incidents = attentions.iter().filter(|a| a.tipo == INCIDENT).count();
    let share = |rows: Vec<(String, usize)>, key: &str| -> Json {
        Json::Array(
            rows.into_iter()
                .map(|(name, n)| json!({ key: name, "atenciones": n, "porcentaje": percent(n, total) }))
                .collect(),
        )
    };
    let por_sistema: Vec<Json> = ranked(attentions.iter().map(|a| a.sistema.as_str()))
        .into_iter()
        .map(|(sistema, n)| {
            let incidencias = attentions
                .iter()
                .filter(|a| a.sistema == sistema && a.tipo == INCIDENT)
                .count();
            json!({"sistema": sistema, "atenciones": n, "incidencias": incidencias})
        })
        .collect();
    let por_solucion: Vec<Json> =
        ranked(attentions.iter().filter_map(|a| a.tipo_solucion.as_deref()))
            .into_iter()
            .map(|(tipo, n)| json!({"tipo_solucion": tipo, "atenciones": n}))
            .collect();
    let derivaciones: Vec<Json> = ranked(attentions.iter().filter_map(|a| a.derivado_a.as_deref()))
        .into_iter()
        .map(|(area, n)| json!({"area": area, "atenciones": n}))
        .collect();
    let por_oficio: Vec<Json> = ranked(oficios.iter().map(|o| o.resultado.as_str()))
        .into_iter()
        .map(|(resultado, n)| {
            let late = oficios
                .iter()
                .filter(|o| o.resultado == resultado && o.late)
                .count();
            json!({"resultado": resultado, "oficios": n, "fuera_de_plazo": late})
        })
        .collect();
    json!({
        "desde": from.format("%Y-%m-%d").to_string(),
        "hasta": to.format("%Y-%m-%d").to_string(),
        "total_atenciones": total,
        "total_incidencias": incidents,
        "total_oficios": oficios.len(),
        "por_canal": share(ranked(attentions.iter().map(|a| a.canal.as_str())), "canal"),
        "por_tipo": share(ranked(attentions.iter().map(|a| a.tipo.as_str())), "tipo"),
        "por_sistema": por_sistema,
        "por_solucion": por_solucion,
        "derivaciones": derivaciones,
        "oficios": por_oficio,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn attention(date: &str, canal: &str, tipo: &str, sistema: &str) -> Attention {
        Attention {
            date: d(date),
            canal: canal.into(),
            tipo: tipo.into(),
            sistema: sistema.into(),
            tipo_solucion: (tipo != INCIDENT).then(|| "Orientación funcional".to_string()),
            derivado_a: (tipo == INCIDENT).then(|| "Área de Control de Calidad".to_string()),
        }
    }

    #[test]
    fn counts_shares_and_the_period() {
        let attentions = [
            attention("2026-02-02", "Presencial", "Incidencia", "SIAF-SP"),
            attention("2026-02-03", "Llamada telefónica", "Consulta", "SIAF-SP"),
            attention("2026-02-27", "Llamada telefónica", "Consulta", "SIGA"),
            // Outside the period: not counted.
            attention("2026-03-01", "Presencial", "Incidencia", "SIGA"),
        ];
        let oficios = [
            Oficio {
                date: d("2026-02-05"),
                resultado: "Atendido".into(),
                late: true,
            },
            Oficio {
                date: d("2026-02-06"),
                resultado: "Atendido".into(),
                late: false,
            },
            Oficio {
                date: d("2026-01-30"),
                resultado: "Rechazado".into(),
                late: false,
            },
        ];
        let data = statistics_data(&attentions, &oficios, d("2026-02-01"), d("2026-02-28"));
        assert_eq!(data["total_atenciones"], 3);
        assert_eq!(data["total_incidencias"], 1);
        assert_eq!(data["total_oficios"], 2);
        assert_eq!(
            data["por_canal"][0],
            json!({"canal": "Llamada telefónica", "atenciones": 2, "porcentaje": 66.7})
        );
        assert_eq!(data["por_canal"][1]["porcentaje"], 33.3);
        assert_eq!(
            data["por_sistema"][0],
            json!({"sistema": "SIAF-SP", "atenciones": 2, "incidencias": 1})
        );
        assert_eq!(
            data["derivaciones"],
            json!([{"area": "Área de Control de Calidad", "atenciones": 1}])
        );
        assert_eq!(
            data["oficios"],
            json!([{"resultado": "Atendido", "oficios": 2, "fuera_de_plazo": 1}])
        );
        let empty = statistics_data(&[], &[], d("2026-02-01"), d("2026-02-28"));
        assert_eq!(empty["total_atenciones"], 0);
        assert_eq!(empty["por_canal"], json!([]));
    }
}
