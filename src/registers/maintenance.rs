//! The maintenance register (flow 2 «Mantenimiento preventivo-correctivo»,
//! seed 002, lines 1552–1598): one row per preventive or corrective
//! maintenance, with the eleven columns of the «Ficha de control de
//! mantenimientos realizados» (Anexo 2, line 1647) and, optionally, what the
//! «Acta de servicio de mantenimiento técnico» (Anexo 3, line 1651) needs
//! beyond them (hour, user, órgano / unidad, reason, Mesa de ayuda ticket,
//! the goods one by one, diagnosis, conclusions).
//!
//! The ficha of a period is the rows of that period; the acta of one
//! maintenance is built from its row (see [`acta_data`] for which column
//! goes where). No storage and no clock here.

use chrono::NaiveDate;
use serde_json::{json, Map, Value as Json};

use super::rows::{field, text, Field, Kind};

const TYPES: &[(&str, &[&str])] = &[
    ("Preventivo", &["preventiva", "prev", "p"]),
    ("Correctivo", &["correctiva", "corr", "c"]),
];

/// The register's columns: Anexo 2 in the seed's words, then the acta's extras.
pub const MAINTENANCE_FIELDS: [Field; 19] = [
    field(
        "numero",
        "N.º",
        &["N.º", "N°", "NRO", "NUMERO", "ITEM"],
        true,
        Kind::Integer,
    ),
    field(
        "tipo_mantenimiento",
        "Tipo de Mantenimiento",
        &["TIPO DE MANTENIMIENTO", "TIPO"],
        true,
        Kind::Choice(TYPES),
    ),
    field("fecha", "Fecha", &["FECHA"], true, Kind::Date),
    field("servicio", "Servicio", &["SERVICIO"], true, Kind::Text),
    field("proveedor", "Proveedor", &["PROVEEDOR"], false, Kind::Text),
    field(
        "descripcion_servicio",
        "Descripción del Servicio",
        &["DESCRIPCION DEL SERVICIO", "DESCRIPCION"],
        false,
        Kind::Text,
    ),
    field("documento", "Documento", &["DOCUMENTO"], false, Kind::Text),
    field(
        "detalle_servicio",
        "Detalle del Servicio",
        &["DETALLE DEL SERVICIO", "DETALLE"],
        false,
        Kind::Text,
    ),
    field(
        "equipos",
        "Equipos o bienes que participan",
        &["EQUIPOS O BIENES QUE PARTICIPAN", "EQUIPOS", "BIENES"],
        false,
        Kind::Text,
    ),
    field(
        "estado_final",
        "Estado Final",
        &["ESTADO FINAL", "ESTADO"],
        false,
        Kind::Text,
    ),
    field(
        "observaciones",
        "Observaciones",
        &["OBSERVACIONES", "OBSERVACION"],
        false,
        Kind::Text,
    ),
    // For the acta (Anexo 3); optional in the register.
    field(
        "hora",
        "Hora",
        &["HORA", "HORA DE ATENCION"],
        false,
        Kind::TimeOrDateTime,
    ),
    field("usuario", "Usuario", &["USUARIO"], false, Kind::Text),
    field(
        "organo_unidad",
        "Órgano / Unidad",
        &[
            "ORGANO / UNIDAD",
            "ORGANO/UNIDAD",
            "UNIDAD",
            "UUOO",
            "ORGANO UNIDAD",
        ],
        false,
        Kind::Text,
    ),
    field(
        "motivo_atencion",
        "Motivo atención",
        &["MOTIVO ATENCION", "MOTIVO DE ATENCION", "MOTIVO"],
        false,
        Kind::Text,
    ),
    field(
        "ticket_mesa_ayuda",
        "Ticket de Mesa de ayuda",
        &[
            "N° DE TICKET DE MESA DE AYUDA",
            "TICKET DE MESA DE AYUDA",
            "TICKET",
        ],
        false,
        Kind::Text,
    ),
    field(
        "bienes",
        "Bienes",
        &[
            "BIENES EVALUADOS",
            "BIENES INFORMATICOS",
            "DETALLE DE BIENES",
        ],
        false,
        Kind::Text,
    ),
    field(
        "diagnostico",
        "Diagnóstico",
        &["DIAGNOSTICO"],
        false,
        Kind::Text,
    ),
    field(
        "conclusiones",
        "Conclusiones",
        &["CONCLUSIONES", "CONCLUSION"],
        false,
        Kind::Text,
    ),
];

/// Columns of the ficha (Anexo 2), in its order.
const FICHA_COLUMNS: [&str; 11] = [
    "numero",
    "tipo_mantenimiento",
    "fecha",
    "servicio",
    "proveedor",
    "descripcion_servicio",
    "documento",
    "detalle_servicio",
    "equipos",
    "estado_final",
    "observaciones",
];

/// N.º + year of the date: numbers restart each year in a ficha.
pub fn key(values: &Map<String, Json>) -> String {
    let year = text(values, "fecha")
        .map(|f| &f[..4.min(f.len())])
        .unwrap_or("");
    let numero = values
        .get("numero")
        .map(|n| n.to_string())
        .unwrap_or_default();
    format!("{year}|{numero}")
}

/// The date of a maintenance row.
pub fn date(values: &Map<String, Json>) -> Option<NaiveDate> {
    text(values, "fecha").and_then(crate::dates::parse_iso_date)
}

/// Data of `senace-ficha-mantenimientos` for the rows of a period (already
/// filtered), by date and N.º; `periodo` is printed as given.
pub fn ficha_data(rows: &[Map<String, Json>], periodo: &str, elaborated: NaiveDate) -> Json {
    let mut sorted: Vec<&Map<String, Json>> = rows.iter().collect();
    sorted.sort_by_key(|r| (date(r), r.get("numero").and_then(Json::as_i64)));
    let mantenimientos: Vec<Json> = sorted
        .into_iter()
        .map(|r| {
            let mut row = Map::new();
            for column in FICHA_COLUMNS {
                if let Some(v) = r.get(column) {
                    row.insert(column.to_string(), v.clone());
                }
            }
            Json::Object(row)
        })
        .collect();
    json!({
        "periodo": periodo,
        "fecha_elaboracion": elaborated,
        "mantenimientos": mantenimientos,
    })
}

/// Data of `senace-acta-mantenimiento` from one maintenance row:
///
/// - FECHA Y HORA ← Fecha + Hora (00:00 without Hora);
/// - USUARIO, ÓRGANO / UNIDAD, N° de ticket ← their own columns;
/// - MOTIVO ATENCIÓN ← «Motivo atención», else «Descripción del Servicio»;
/// - Tipo de mantenimiento ← «Tipo de Mantenimiento»;
/// - the goods table ← «Bienes», one good per line (or `;`), its fields
///   separated by `|` in the table's order: Descripción | Marca / Modelo |
///   Cod. Patrimonial | Serie | Observación; without «Bienes», each line of
///   «Equipos o bienes que participan» is one good's description;
/// - Detalle del requerimiento ← «Detalle del Servicio»;
/// - 01 OBSERVACIÓN ← «Observaciones»; 02 DIAGNÓSTICO ← «Diagnóstico»;
///   03 CONCLUSIONES ← «Conclusiones», else «Estado final de los bienes: …».
///
/// A field the row lacks is left out, so validation names it.
pub fn acta_data(values: &Map<String, Json>) -> Json {
    let mut data = Map::new();
    let get = |id: &str| text(values, id).map(str::to_string);
    if let Some(fecha) = get("fecha") {
        let hora = get("hora")
            .map(|h| {
                if h.len() > 5 {
                    h[h.len() - 5..].to_string()
                } else {
                    h
                }
            })
            .unwrap_or_else(|| "00:00".into());
        data.insert("fecha_hora".into(), json!(format!("{fecha}T{hora}")));
    }
    for (to, from) in [
        ("usuario", "usuario"),
        ("organo_unidad", "organo_unidad"),
        ("ticket_mesa_ayuda", "ticket_mesa_ayuda"),
        ("tipo_mantenimiento", "tipo_mantenimiento"),
        ("detalle_servicio", "detalle_servicio"),
        ("observacion", "observaciones"),
        ("diagnostico", "diagnostico"),
    ] {
        if let Some(v) = get(from) {
            data.insert(to.into(), json!(v));
        }
    }
    if let Some(motivo) = get("motivo_atencion").or_else(|| get("descripcion_servicio")) {
        data.insert("motivo_atencion".into(), json!(motivo));
    }
    let conclusiones = get("conclusiones")
        .or_else(|| get("estado_final").map(|e| format!("Estado final de los bienes: {e}.")));
    if let Some(c) = conclusiones {
        data.insert("conclusiones".into(), json!(c));
    }
    let (source, structured) = match get("bienes") {
        Some(b) => (Some(b), true),
        None => (get("equipos"), false),
    };
    if let Some(source) = source {
        let bienes: Vec<Json> = source
            .split(['\n', ';'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .enumerate()
            .map(|(i, line)| {
                let parts: Vec<&str> = if structured {
                    line.split('|').map(str::trim).collect()
                } else {
                    vec![line]
                };
                let mut row = json!({ "nro": format!("{:02}", i + 1) });
                for (id, value) in [
                    "descripcion",
                    "marca_modelo",
                    "cod_patrimonial",
                    "serie",
                    "observacion",
                ]
                .iter()
                .zip(parts)
                {
                    if !value.is_empty() {
                        row[*id] = json!(value);
                    }
                }
                row
            })
            .collect();
        data.insert("bienes".into(), Json::Array(bienes));
    }
    Json::Object(data)
}

/// Whether a maintenance row has N.º `numero` (and, when given, is of `year`).
pub fn matches(values: &Map<String, Json>, numero: i64, year: Option<i32>) -> bool {
    values.get("numero").and_then(Json::as_i64) == Some(numero)
        && year.is_none_or(|y| date(values).is_some_and(|d| chrono::Datelike::year(&d) == y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acta_takes_goods_from_the_bienes_column() {
        let row: Map<String, Json> = serde_json::from_value(json!({
            "numero": 3,
            "tipo_mantenimiento": "Correctivo",
            "fecha": "2026-02-19",
            "hora": "10:45",
            "servicio": "Arreglo de impresora",
            "descripcion_servicio": "Atasco de papel",
            "bienes": "Impresora | Kyocera / M3655idn | 740899500031 | VCF3Z12345 | Rodillo gastado\nMonitor | HP / P24",
            "estado_final": "Operativo",
        }))
        .unwrap();
        let acta = acta_data(&row);
        assert_eq!(acta["fecha_hora"], "2026-02-19T10:45");
        assert_eq!(acta["motivo_atencion"], "Atasco de papel");
        assert_eq!(acta["bienes"][0]["serie"], "VCF3Z12345");
        assert_eq!(acta["bienes"][1]["nro"], "02");
        assert_eq!(acta["bienes"][1]["marca_modelo"], "HP / P24");
        assert_eq!(
            acta["conclusiones"],
            "Estado final de los bienes: Operativo."
        );
        assert_eq!(key(&row), "2026|3");
        assert!(matches(&row, 3, Some(2026)));
    }
}
