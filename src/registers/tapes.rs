//! Backup and tape registers of the flow «generación de copias de respaldo y
//! recuperación de la información» (seed 002, lines 1832–1866):
//!
//! - backup runs — the bitácora diaria (Anexo 03, activity 5): server,
//!   information asset, type (completo / incremental / diferencial), start,
//!   end, result, tape code;
//! - custody movements — tapes (in their boxes) handed to the custody
//!   company (activity 7, «entrega»), taken back for a recovery (activities
//!   13–14, «retiro») and withdrawn for good when their retention ends
//!   («liberación»);
//! - recovery requests (Anexo 05, activities 8–19) and restorations
//!   (Anexo 06, activity 16).
//!
//! Retention: four years (lines 1770 and 1951) from the last backup written
//! on the tape: `retención hasta = último respaldo + 4 años`; as of that day
//! a tape in custody may leave it. A tape taken out for a recovery is
//! overdue back after a number of days (7 by default; the procedure sets no
//! figure, activities 18–19 only say it goes back).
//!
//! Rows become the data files of `senace-bitacora-respaldo`,
//! `senace-inventario-cintas`, `senace-recuperacion-respaldo` and
//! `senace-bitacora-restauracion`. No storage and no clock here.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Months, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as Json};

use super::excel::fold;
use super::rows::{field, text, Field, Kind, TypedRow};
use super::Rejection;
use crate::dates::{self, format_date};

/// Retention of a tape in custody (seed 002, lines 1770 and 1951).
pub const RETENTION_YEARS: u32 = 4;

/// Days a tape taken out of custody may stay at the OTI before it is overdue back.
pub const DEFAULT_RETURN_DAYS: i64 = 7;

const BACKUP_TYPES: &[(&str, &[&str])] = &[
    ("Completo", &["completa", "full", "total", "normal", "c"]),
    ("Incremental", &["inc", "incr", "i"]),
    ("Diferencial", &["differential", "dif", "diff", "d"]),
];

const RESULTS: &[(&str, &[&str])] = &[
    (
        "Exitoso",
        &[
            "éxito",
            "exito",
            "ok",
            "success",
            "completado",
            "conforme",
            "correcto",
        ],
    ),
    (
        "Fallido",
        &[
            "fallo",
            "falló",
            "error",
            "failed",
            "no conforme",
            "fallida",
        ],
    ),
    (
        "Parcial",
        &[
            "partial",
            "advertencia",
            "warning",
            "completado con advertencias",
            "parcialmente",
        ],
    ),
];

const MOVEMENTS: &[(&str, &[&str])] = &[
    (
        "entrega",
        &[
            "entrega a custodia",
            "envío",
            "envio",
            "salida a custodia",
            "a custodia",
            "devolución a custodia",
            "devolucion a custodia",
        ],
    ),
    (
        "retiro",
        &[
            "retiro de custodia",
            "recepción",
            "recepcion",
            "ingreso a la oti",
            "retiro para recuperación",
            "retiro para recuperacion",
        ],
    ),
    (
        "liberación",
        &[
            "liberacion",
            "baja",
            "fin de retención",
            "fin de retencion",
            "retiro definitivo",
        ],
    ),
];

/// Columns of the backup runs register (bitácora diaria, Anexo 03).
pub const RUN_FIELDS: [Field; 9] = [
    field(
        "fecha",
        "Fecha",
        &["FECHA", "FECHA DE RESPALDO", "DATE"],
        false,
        Kind::Date,
    ),
    field(
        "servidor",
        "Servidor",
        &["SERVIDOR", "SERVER"],
        true,
        Kind::Text,
    ),
    field(
        "activo",
        "Activo de información",
        &["ACTIVO DE INFORMACION", "ACTIVO", "ASSET"],
        true,
        Kind::Text,
    ),
    field(
        "tipo_respaldo",
        "Tipo de respaldo",
        &["TIPO DE RESPALDO", "TIPO", "TIPO DE COPIA", "TYPE"],
        true,
        Kind::Choice(BACKUP_TYPES),
    ),
    field(
        "hora_inicio",
        "Hora inicio",
        &["HORA INICIO", "INICIO", "HORA DE INICIO", "START"],
        true,
        Kind::TimeOrDateTime,
    ),
    field(
        "hora_fin",
        "Hora fin",
        &["HORA FIN", "FIN", "HORA DE FIN", "TERMINO", "END"],
        true,
        Kind::TimeOrDateTime,
    ),
    field(
        "resultado",
        "Resultado",
        &["RESULTADO", "ESTADO", "RESULT"],
        true,
        Kind::Choice(RESULTS),
    ),
    field(
        "codigo_cinta",
        "Código de cinta",
        &["CODIGO DE CINTA", "CINTA", "TAPE"],
        false,
        Kind::Text,
    ),
    field(
        "observaciones",
        "Observaciones",
        &["OBSERVACIONES", "OBSERVACION", "NOTES"],
        false,
        Kind::Text,
    ),
];

/// Columns of the custody movements register (one row per tape and movement).
pub const CUSTODY_FIELDS: [Field; 11] = [
    field(
        "fecha",
        "Fecha",
        &["FECHA", "FECHA DE MOVIMIENTO", "DATE"],
        true,
        Kind::Date,
    ),
    field(
        "movimiento",
        "Movimiento",
        &["MOVIMIENTO", "TIPO DE MOVIMIENTO", "TIPO"],
        true,
        Kind::Choice(MOVEMENTS),
    ),
    field(
        "codigo_cinta",
        "Código de cinta",
        &["CODIGO DE CINTA", "CINTA", "TAPE"],
        true,
        Kind::Text,
    ),
    field(
        "codigo_caja",
        "Código de caja",
        &["CODIGO DE CAJA", "CAJA", "BOX", "CAJA DE SEGURIDAD"],
        false,
        Kind::Text,
    ),
    field(
        "empresa",
        "Empresa de custodia",
        &["EMPRESA DE CUSTODIA", "EMPRESA DE RESGUARDO", "EMPRESA"],
        false,
        Kind::Text,
    ),
    field(
        "guia_remision",
        "Guía de remisión",
        &["GUIA DE REMISION", "N° DE GUIA DE REMISION", "GUIA"],
        false,
        Kind::Text,
    ),
    field(
        "precinto",
        "N° de precinto",
        &["N° DE PRECINTO", "PRECINTO"],
        false,
        Kind::Text,
    ),
    field(
        "responsable",
        "Responsable",
        &["RESPONSABLE DE RECEPCION", "RESPONSABLE"],
        false,
        Kind::Text,
    ),
    field(
        "fecha_respaldo",
        "Fecha de respaldo",
        &[
            "FECHA DE RESPALDO",
            "ULTIMO RESPALDO",
            "FECHA DEL ULTIMO RESPALDO",
        ],
        false,
        Kind::Date,
    ),
    field(
        "contenido",
        "Contenido",
        &[
            "CONTENIDO",
            "CONTENIDO / ACTIVO DE INFORMACION",
            "ACTIVO DE INFORMACION",
        ],
        false,
        Kind::Text,
    ),
    field(
        "observaciones",
        "Observaciones",
        &["OBSERVACIONES", "OBSERVACION", "MOTIVO"],
        false,
        Kind::Text,
    ),
];

/// Columns of the recovery requests register: the fields of Anexo 05
/// (`senace-recuperacion-respaldo`) by their printed labels or ids.
pub const RECOVERY_FIELDS: [Field; 26] = [
    field(
        "fecha_solicitud",
        "Fecha de solicitud",
        &["FECHA DE SOLICITUD", "FECHA SOLICITUD"],
        true,
        Kind::Date,
    ),
    field(
        "ticket_helpdesk",
        "N° de ticket Helpdesk",
        &[
            "N° DE TICKET HELPDESK",
            "TICKET HELPDESK",
            "TICKET",
            "TICKET_HELPDESK",
        ],
        true,
        Kind::Text,
    ),
    field(
        "uuoo",
        "Órgano o unidad orgánica (UUOO)",
        &[
            "ORGANO O UNIDAD ORGANICA (UUOO)",
            "UUOO",
            "ORGANO O UNIDAD ORGANICA",
        ],
        true,
        Kind::Text,
    ),
    field(
        "solicitante",
        "Nombre del solicitante",
        &["NOMBRE DEL SOLICITANTE", "SOLICITANTE"],
        false,
        Kind::Text,
    ),
    field(
        "correo_solicitante",
        "Correo electrónico",
        &["CORREO ELECTRONICO", "CORREO", "CORREO_SOLICITANTE"],
        false,
        Kind::Text,
    ),
    field(
        "telefono_solicitante",
        "Teléfono y/o extensión",
        &["TELEFONO Y/O EXTENSION", "TELEFONO", "TELEFONO_SOLICITANTE"],
        false,
        Kind::Text,
    ),
    field(
        "activo",
        "Activo de información",
        &["ACTIVO DE INFORMACION", "ACTIVO"],
        false,
        Kind::Text,
    ),
    field("servidor", "Servidor", &["SERVIDOR"], false, Kind::Text),
    field(
        "recursos",
        "Recursos a recuperar",
        &[
            "RUTA DE CARPETA, ARCHIVOS O NOMBRES DE RECURSOS A RECUPERAR",
            "RECURSOS A RECUPERAR",
            "RECURSOS",
            "RUTA",
        ],
        false,
        Kind::Text,
    ),
    field(
        "fecha_respaldo",
        "Fecha de la copia de respaldo a recuperar",
        &[
            "FECHA DE LA COPIA DE RESPALDO A RECUPERAR",
            "FECHA DE RESPALDO",
            "FECHA_RESPALDO",
        ],
        false,
        Kind::Date,
    ),
    field(
        "motivo",
        "Motivo de la solicitud",
        &["MOTIVO DE LA SOLICITUD", "MOTIVO"],
        false,
        Kind::Text,
    ),
    field(
        "destino",
        "Ubicación de entrega",
        &[
            "UBICACION DONDE SE ENTREGARA LA INFORMACION RECUPERADA",
            "DESTINO",
            "UBICACION DE ENTREGA",
        ],
        false,
        Kind::Text,
    ),
    field(
        "fecha_autorizacion",
        "Fecha de autorización",
        &["FECHA DE AUTORIZACION", "FECHA_AUTORIZACION"],
        false,
        Kind::Date,
    ),
    field(
        "existe_cinta",
        "¿Existe cinta?",
        &[
            "¿EXISTE CINTA DE RESPALDO GENERADO EN LA FECHA SOLICITADA?",
            "EXISTE CINTA",
            "EXISTE_CINTA",
        ],
        false,
        Kind::YesNo,
    ),
    field(
        "codigo_cinta",
        "Código de cinta",
        &[
            "CODIGO DE CINTA DE ALMACENAMIENTO",
            "CODIGO DE CINTA",
            "CINTA",
        ],
        false,
        Kind::Text,
    ),
    field(
        "codigo_caja",
        "N° de caja de seguridad",
        &["N° DE CAJA DE SEGURIDAD", "CAJA", "CODIGO DE CAJA"],
        false,
        Kind::Text,
    ),
    field(
        "empresa_resguardo",
        "Empresa de resguardo",
        &["EMPRESA DE RESGUARDO", "EMPRESA"],
        false,
        Kind::Text,
    ),
    field(
        "solicitud_emergencia",
        "Solicitud del servicio de emergencia",
        &[
            "SOLICITUD DEL SERVICIO DE EMERGENCIA",
            "SOLICITUD EMERGENCIA",
            "SOLICITUD_EMERGENCIA",
        ],
        false,
        Kind::DateTime,
    ),
    field(
        "recepcion_caja",
        "Recepción de la caja",
        &["RECEPCION DE LA CAJA", "RECEPCION CAJA", "RECEPCION_CAJA"],
        false,
        Kind::DateTime,
    ),
    field(
        "precinto",
        "N° de precinto",
        &["N° DE PRECINTO DE SEGURIDAD", "N° DE PRECINTO", "PRECINTO"],
        false,
        Kind::Text,
    ),
    field(
        "fecha_recuperacion",
        "Fecha y hora de la recuperación",
        &[
            "FECHA Y HORA DE EJECUCION DE LA RECUPERACION",
            "FECHA DE RECUPERACION",
            "FECHA_RECUPERACION",
        ],
        false,
        Kind::DateTime,
    ),
    field(
        "resultado",
        "Resultado",
        &["RESULTADO DE LA RECUPERACION", "RESULTADO"],
        false,
        Kind::Choice(&[
            ("Positivo", &["exitoso", "ok", "conforme"]),
            ("Negativo", &["fallido", "error", "no conforme"]),
        ]),
    ),
    field(
        "detalle_resultado",
        "Detalle",
        &[
            "DETALLE DE LA INFORMACION RECUPERADA / OBSERVACIONES",
            "DETALLE",
            "OBSERVACIONES",
            "DETALLE_RESULTADO",
        ],
        false,
        Kind::Text,
    ),
    field(
        "especialista_is",
        "Especialista en IS",
        &[
            "ESPECIALISTA EN IS QUE EJECUTO LA RECUPERACION",
            "ESPECIALISTA EN IS",
            "ESPECIALISTA",
            "ESPECIALISTA_IS",
        ],
        false,
        Kind::Text,
    ),
    field(
        "fecha_notificacion",
        "Notificación a la UUOO",
        &[
            "FECHA Y HORA DE NOTIFICACION A LA UUOO",
            "FECHA DE NOTIFICACION",
            "FECHA_NOTIFICACION",
        ],
        false,
        Kind::DateTime,
    ),
    field(
        "fecha_devolucion",
        "Fecha de devolución de la caja",
        &[
            "FECHA DE DEVOLUCION DE LA CAJA A LA EMPRESA DE RESGUARDO PARA SU CUSTODIA",
            "FECHA DE DEVOLUCION",
            "FECHA_DEVOLUCION",
        ],
        false,
        Kind::Date,
    ),
];

/// Columns of the restorations register: Anexo 06 in the seed's words
/// (line 1966), plus the date the restoration was run.
pub const RESTORATION_FIELDS: [Field; 9] = [
    field(
        "fecha_restauracion",
        "Fecha de restauración",
        &["FECHA DE RESTAURACION", "FECHA RESTAURACION", "FECHA"],
        false,
        Kind::Date,
    ),
    field(
        "solicitante",
        "Solicitante",
        &["SOLICITANTE"],
        true,
        Kind::Text,
    ),
    field(
        "fecha_backup",
        "Fecha de back up",
        &["FECHA DE BACK UP", "FECHA DE BACKUP", "FECHA_BACKUP"],
        true,
        Kind::Date,
    ),
    field("servidor", "Servidor", &["SERVIDOR"], true, Kind::Text),
    field(
        "nombre_restauracion",
        "Nombre de restauración",
        &["NOMBRE DE RESTAURACION", "NOMBRE_RESTAURACION"],
        true,
        Kind::Text,
    ),
    field(
        "files",
        "Files",
        &["FILES", "ARCHIVOS"],
        false,
        Kind::Integer,
    ),
    field(
        "directorios",
        "Directorios",
        &["DIRECTORIOS"],
        false,
        Kind::Integer,
    ),
    field(
        "peso_backup",
        "Peso del backup",
        &["PESO DEL BACKUP", "PESO DEL BACK UP", "PESO", "PESO_BACKUP"],
        false,
        Kind::Text,
    ),
    field(
        "estado",
        "Estado",
        &["ESTADO"],
        true,
        Kind::Choice(&[
            ("Completado", &["completo", "ok", "exitoso", "positivo"]),
            (
                "Completado con advertencias",
                &["advertencias", "parcial", "con advertencias"],
            ),
            ("Fallido", &["error", "fallo", "negativo"]),
        ]),
    ),
];

// ---------------------------------------------------------------- typed rows

/// A backup run (one line of the bitácora diaria).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupRun {
    pub fecha: NaiveDate,
    pub servidor: String,
    pub activo: String,
    pub tipo_respaldo: String,
    pub inicio: NaiveDateTime,
    pub fin: NaiveDateTime,
    pub resultado: String,
    pub codigo_cinta: Option<String>,
    pub observaciones: Option<String>,
}

impl BackupRun {
    /// Server + asset + start: one run of one job.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}",
            fold(&self.servidor),
            fold(&self.activo),
            self.inicio.format("%Y-%m-%dT%H:%M")
        )
    }
}

/// Builds the runs from typed rows: a start or end given as a time is on the
/// row's date; an end earlier than the start is on the next day.
pub fn backup_runs(rows: Vec<TypedRow>) -> (Vec<(u32, BackupRun)>, Vec<Rejection>) {
    let mut runs = Vec::new();
    let mut rejected = Vec::new();
    for row in rows {
        let v = &row.values;
        let fecha = text(v, "fecha").and_then(dates::parse_iso_date);
        let moment = |id: &str, day: Option<NaiveDate>| -> Option<NaiveDateTime> {
            let s = text(v, id)?;
            dates::parse_iso_datetime(s)
                .or_else(|| Some(day?.and_time(NaiveTime::parse_from_str(s, "%H:%M").ok()?)))
        };
        let Some(inicio) = moment("hora_inicio", fecha) else {
            rejected.push(Rejection {
                row: row.row,
                column: "Fecha".into(),
                reason: "vacía: la hora de inicio no lleva fecha y la fila no tiene Fecha".into(),
            });
            continue;
        };
        let fecha = fecha.unwrap_or(inicio.date());
        let Some(mut fin) = moment("hora_fin", Some(fecha)) else {
            rejected.push(Rejection {
                row: row.row,
                column: "Hora fin".into(),
                reason: "no se pudo leer".into(),
            });
            continue;
        };
        if fin < inicio && text(v, "hora_fin").is_some_and(|s| s.len() == 5) {
            // «22:00 → 00:15»: the end is on the next day.
            fin += chrono::Duration::days(1);
        }
        if fin < inicio {
            rejected.push(Rejection {
                row: row.row,
                column: "Hora fin".into(),
                reason: "el fin es anterior al inicio".into(),
            });
            continue;
        }
        let owned = |id: &str| text(v, id).map(str::to_string);
        runs.push((
            row.row,
            BackupRun {
                fecha,
                servidor: owned("servidor").unwrap_or_default(),
                activo: owned("activo").unwrap_or_default(),
                tipo_respaldo: owned("tipo_respaldo").unwrap_or_default(),
                inicio,
                fin,
                resultado: owned("resultado").unwrap_or_default(),
                codigo_cinta: owned("codigo_cinta"),
                observaciones: owned("observaciones"),
            },
        ));
    }
    (runs, rejected)
}

/// A tape handed to, taken from, or released by the custody company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Movement {
    pub fecha: NaiveDate,
    /// `entrega`, `retiro` or `liberación`.
    pub movimiento: String,
    pub codigo_cinta: String,
    pub codigo_caja: Option<String>,
    pub empresa: Option<String>,
    pub guia_remision: Option<String>,
    pub precinto: Option<String>,
    pub responsable: Option<String>,
    pub fecha_respaldo: Option<NaiveDate>,
    pub contenido: Option<String>,
    pub observaciones: Option<String>,
}

impl Movement {
    /// Tape + date + movement.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}",
            fold(&self.codigo_cinta),
            self.fecha,
            fold(&self.movimiento)
        )
    }
}

/// Typed custody rows as movements (their JSON is the movement's own shape).
pub fn movements(rows: Vec<TypedRow>) -> (Vec<(u32, Movement)>, Vec<Rejection>) {
    let mut out = Vec::new();
    let mut rejected = Vec::new();
    for row in rows {
        match serde_json::from_value::<Movement>(Json::Object(row.values)) {
            Ok(m) => out.push((row.row, m)),
            Err(e) => rejected.push(Rejection {
                row: row.row,
                column: "Fecha".into(),
                reason: format!("fila incompleta ({e})"),
            }),
        }
    }
    (out, rejected)
}

/// The key of a recovery request: its Helpdesk ticket, folded.
pub fn recovery_key(values: &Map<String, Json>) -> String {
    fold(text(values, "ticket_helpdesk").unwrap_or_default())
}

/// The key of a restoration: server + restoration name + backup date + run date.
pub fn restoration_key(values: &Map<String, Json>) -> String {
    format!(
        "{}|{}|{}|{}",
        fold(text(values, "servidor").unwrap_or_default()),
        fold(text(values, "nombre_restauracion").unwrap_or_default()),
        text(values, "fecha_backup").unwrap_or_default(),
        text(values, "fecha_restauracion").unwrap_or_default()
    )
}

/// The date a restoration is filed under: when it ran, else the backup's date.
pub fn restoration_date(values: &Map<String, Json>) -> Option<NaiveDate> {
    text(values, "fecha_restauracion")
        .or_else(|| text(values, "fecha_backup"))
        .and_then(dates::parse_iso_date)
}

// ---------------------------------------------------------------- retention

/// The last day of retention of a tape whose last backup is `last_backup`.
pub fn retention_until(last_backup: NaiveDate) -> NaiveDate {
    // 29 Feb + 4 years is 29 Feb again, except across a century rule (then 28 Feb).
    last_backup
        .checked_add_months(Months::new(12 * RETENTION_YEARS))
        .unwrap_or(last_backup)
}

/// Where a tape is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TapeState {
    /// Written (in the bitácora) but never handed to the custody company.
    #[serde(rename = "sin entregar")]
    NotDelivered,
    #[serde(rename = "en custodia")]
    InCustody,
    /// Taken back to the OTI (for a recovery) and not yet returned.
    #[serde(rename = "fuera de custodia")]
    OutOfCustody,
    /// Withdrawn for good.
    #[serde(rename = "liberada")]
    Released,
}

impl TapeState {
    pub fn label(self) -> &'static str {
        match self {
            TapeState::NotDelivered => "sin entregar",
            TapeState::InCustody => "en custodia",
            TapeState::OutOfCustody => "fuera de custodia",
            TapeState::Released => "liberada",
        }
    }
}

/// A tape as of a date (`actas tapes status --json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TapeStatus {
    pub codigo_cinta: String,
    pub codigo_caja: Option<String>,
    pub estado: TapeState,
    pub primer_respaldo: Option<NaiveDate>,
    pub ultimo_respaldo: Option<NaiveDate>,
    /// Last day of the four-year retention (None without a backup date).
    pub retencion_hasta: Option<NaiveDate>,
    pub empresa: Option<String>,
    /// Date of the last movement (up to the as-of date).
    pub ultimo_movimiento: Option<NaiveDate>,
    /// In custody and the retention is over: may leave custody.
    pub puede_salir: bool,
    /// Out of custody longer than the allowed days.
    pub atrasada: bool,
    /// Days out of custody (only while out).
    pub dias_fuera: Option<i64>,
    /// Anomalies worth a look, in Spanish.
    pub observaciones: Vec<String>,
}

/// The state of every tape named by the runs or the movements, as of
/// `as_of` (later rows are ignored), sorted by tape code.
pub fn tape_statuses(
    runs: &[BackupRun],
    movements: &[Movement],
    as_of: NaiveDate,
    return_days: i64,
) -> Vec<TapeStatus> {
    let mut backups: BTreeMap<String, (String, NaiveDate, NaiveDate)> = BTreeMap::new();
    for run in runs.iter().filter(|r| r.fecha <= as_of) {
        let Some(code) = run.codigo_cinta.as_deref().filter(|c| !c.trim().is_empty()) else {
            continue;
        };
        let entry = backups
            .entry(fold(code))
            .or_insert_with(|| (code.trim().to_string(), run.fecha, run.fecha));
        entry.1 = entry.1.min(run.fecha);
        entry.2 = entry.2.max(run.fecha);
    }
    let mut by_tape: BTreeMap<String, Vec<&Movement>> = BTreeMap::new();
    for m in movements.iter().filter(|m| m.fecha <= as_of) {
        by_tape.entry(fold(&m.codigo_cinta)).or_default().push(m);
    }
    let codes: BTreeSet<&String> = backups.keys().chain(by_tape.keys()).collect();
    let mut out = Vec::new();
    for code in codes {
        let mut moves: Vec<&Movement> = by_tape.get(code).cloned().unwrap_or_default();
        moves.sort_by_key(|m| (m.fecha, movement_order(&m.movimiento)));
        let from_runs = backups.get(code);
        let declared = moves.iter().filter_map(|m| m.fecha_respaldo).max();
        let ultimo_respaldo = match (from_runs.map(|b| b.2), declared) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let primer_respaldo = from_runs.map(|b| b.1).or(declared);
        let retencion_hasta = ultimo_respaldo.map(retention_until);
        let last = moves.last().copied();
        let estado = match last.map(|m| m.movimiento.as_str()) {
            None => TapeState::NotDelivered,
            Some("entrega") => TapeState::InCustody,
            Some("retiro") => TapeState::OutOfCustody,
            Some(_) => TapeState::Released,
        };
        let mut observaciones = Vec::new();
        if ultimo_respaldo.is_none() {
            observaciones
                .push("sin fecha de respaldo: no se puede calcular la retención".to_string());
        }
        if let (TapeState::Released, Some(until), Some(m)) = (estado, retencion_hasta, last) {
            if m.fecha < until {
                observaciones.push(format!(
                    "liberada el {} antes de cumplir la retención (hasta {})",
                    format_date(m.fecha),
                    format_date(until)
                ));
            }
        }
        if moves.first().is_some_and(|m| m.movimiento == "retiro") {
            observaciones.push("retirada de custodia sin entrega registrada".to_string());
        }
        let dias_fuera = match (estado, last) {
            (TapeState::OutOfCustody, Some(m)) => Some((as_of - m.fecha).num_days()),
            _ => None,
        };
        let display_code = from_runs
            .map(|b| b.0.clone())
            .or_else(|| last.map(|m| m.codigo_cinta.trim().to_string()))
            .unwrap_or_else(|| code.clone());
        out.push(TapeStatus {
            codigo_cinta: display_code,
            codigo_caja: moves.iter().rev().find_map(|m| m.codigo_caja.clone()),
            estado,
            primer_respaldo,
            ultimo_respaldo,
            retencion_hasta,
            empresa: moves.iter().rev().find_map(|m| m.empresa.clone()),
            ultimo_movimiento: last.map(|m| m.fecha),
            puede_salir: estado == TapeState::InCustody
                && retencion_hasta.is_some_and(|until| as_of >= until),
            atrasada: dias_fuera.is_some_and(|d| d > return_days),
            dias_fuera,
            observaciones,
        });
    }
    out
}

/// Same-day movements apply in the order they happen: out, back, released.
fn movement_order(movement: &str) -> u8 {
    match movement {
        "retiro" => 0,
        "entrega" => 1,
        _ => 2,
    }
}

// ---------------------------------------------------------------- forms

/// The runs of a period, by start.
pub fn runs_in(runs: &[BackupRun], from: NaiveDate, to: NaiveDate) -> Vec<&BackupRun> {
    let mut list: Vec<&BackupRun> = runs
        .iter()
        .filter(|r| r.fecha >= from && r.fecha <= to)
        .collect();
    list.sort_by_key(|r| (r.inicio, fold(&r.servidor)));
    list
}

/// Data of `senace-bitacora-respaldo` (Anexo 03) for the runs of a period.
pub fn backup_log_data(runs: &[&BackupRun], from: NaiveDate, to: NaiveDate) -> Json {
    let registros: Vec<Json> = runs
        .iter()
        .map(|r| {
            let fin = if r.fin.date() == r.inicio.date()
                || r.fin.date() == r.inicio.date().succ_opt().unwrap_or(r.fin.date())
            {
                r.fin.format("%H:%M").to_string()
            } else {
                r.fin.format("%d/%m %H:%M").to_string()
            };
            let mut row = json!({
                "fecha": r.fecha,
                "servidor": r.servidor,
                "activo": r.activo,
                "tipo_respaldo": r.tipo_respaldo,
                "hora_inicio": r.inicio.format("%H:%M").to_string(),
                "hora_fin": fin,
                "resultado": r.resultado,
                // The column is required; a failed run may have written no tape.
                "codigo_cinta": r.codigo_cinta.clone().unwrap_or_else(|| "—".into()),
            });
            if let Some(o) = &r.observaciones {
                row["observaciones"] = json!(o);
            }
            row
        })
        .collect();
    json!({
        "periodo_desde": from,
        "periodo_hasta": to,
        "registros": registros,
    })
}

/// Data of `senace-inventario-cintas` (Anexo 04) for the tapes handed to
/// custody between `from` and `to`.
pub fn inventory_data(
    runs: &[BackupRun],
    movements: &[Movement],
    from: NaiveDate,
    to: NaiveDate,
) -> Option<Json> {
    let mut delivered: Vec<&Movement> = movements
        .iter()
        .filter(|m| m.movimiento == "entrega" && m.fecha >= from && m.fecha <= to)
        .collect();
    if delivered.is_empty() {
        return None;
    }
    delivered.sort_by_key(|m| (m.fecha, m.codigo_caja.clone(), fold(&m.codigo_cinta)));
    let mut first_backup: Option<NaiveDate> = None;
    let mut last_backup: Option<NaiveDate> = None;
    let mut cintas = Vec::new();
    for m in &delivered {
        let tape_runs: Vec<&BackupRun> = runs
            .iter()
            .filter(|r| {
                r.fecha <= m.fecha
                    && r.codigo_cinta.as_deref().map(fold) == Some(fold(&m.codigo_cinta))
            })
            .collect();
        let run_first = tape_runs.iter().map(|r| r.fecha).min();
        let run_last = tape_runs.iter().map(|r| r.fecha).max();
        let ultimo = match (run_last, m.fecha_respaldo) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        for d in [run_first.or(ultimo), ultimo].into_iter().flatten() {
            first_backup = Some(first_backup.map_or(d, |f| f.min(d)));
            last_backup = Some(last_backup.map_or(d, |l| l.max(d)));
        }
        let contenido = m.contenido.clone().unwrap_or_else(|| {
            let mut assets: Vec<String> = Vec::new();
            for r in &tape_runs {
                if !assets.iter().any(|a| fold(a) == fold(&r.activo)) {
                    assets.push(r.activo.clone());
                }
            }
            match (run_first, run_last) {
                (Some(a), Some(b)) => format!(
                    "Respaldos del {} al {}: {}.",
                    format_date(a),
                    format_date(b),
                    assets.join(", ")
                ),
                _ => String::new(),
            }
        });
        let mut row = json!({
            "codigo_caja": m.codigo_caja.clone().unwrap_or_default(),
            "codigo_cinta": m.codigo_cinta,
            "contenido": contenido,
            "fecha_entrega_custodia": m.fecha,
            "empresa_custodia": m.empresa.clone().unwrap_or_default(),
            "precinto": m.precinto.clone().unwrap_or_default(),
            "observaciones": m.observaciones.clone().unwrap_or_default(),
        });
        if let Some(u) = ultimo {
            row["fecha_respaldo"] = json!(u);
            row["retencion_hasta"] = json!(retention_until(u));
        }
        cintas.push(row);
    }
    let distinct = |f: &dyn Fn(&Movement) -> Option<String>| -> String {
        let mut seen: Vec<String> = Vec::new();
        for m in &delivered {
            if let Some(v) = f(m).filter(|v| !v.trim().is_empty()) {
                if !seen.iter().any(|s| fold(s) == fold(&v)) {
                    seen.push(v);
                }
            }
        }
        seen.join("; ")
    };
    let boxes: BTreeSet<String> = delivered
        .iter()
        .map(|m| {
            m.codigo_caja
                .as_deref()
                .map(fold)
                .unwrap_or_else(|| format!("sin caja {}", fold(&m.codigo_cinta)))
        })
        .collect();
    let mut data = json!({
        "periodo_desde": first_backup.unwrap_or(from),
        "periodo_hasta": last_backup.unwrap_or(to),
        "fecha_entrega": delivered.iter().map(|m| m.fecha).max(),
        "cantidad_cajas": boxes.len(),
        "cintas": cintas,
    });
    for (key, value) in [
        ("empresa_resguardo", distinct(&|m| m.empresa.clone())),
        ("guia_remision", distinct(&|m| m.guia_remision.clone())),
        (
            "responsable_recepcion",
            distinct(&|m| m.responsable.clone()),
        ),
    ] {
        if !value.is_empty() {
            data[key] = json!(value);
        }
    }
    Some(data)
}

/// Data of `senace-recuperacion-respaldo` (Anexo 05) from one recovery row:
/// the register's columns are the template's fields; «¿Existe cinta…?» is
/// taken from the row, else «Sí» when a tape code is given.
pub fn recovery_data(values: &Map<String, Json>) -> Json {
    let mut data = values.clone();
    if !data.contains_key("existe_cinta") {
        data.insert(
            "existe_cinta".into(),
            Json::Bool(text(values, "codigo_cinta").is_some()),
        );
    }
    Json::Object(data)
}

/// Data of `senace-bitacora-restauracion` (Anexo 06) for the restorations of
/// a period (rows as stored), updated on `updated`.
pub fn restoration_log_data(
    rows: &[Map<String, Json>],
    from: NaiveDate,
    to: NaiveDate,
    updated: NaiveDate,
) -> Json {
    let mut sorted: Vec<&Map<String, Json>> = rows.iter().collect();
    sorted.sort_by_key(|r| (restoration_date(r), text(r, "servidor").map(fold)));
    let restauraciones: Vec<Json> = sorted
        .into_iter()
        .map(|r| {
            let mut row = r.clone();
            // The form's columns are the seed's; the run date only files the row.
            row.remove("fecha_restauracion");
            Json::Object(row)
        })
        .collect();
    json!({
        "periodo_desde": from,
        "periodo_hasta": to,
        "restauraciones": restauraciones,
        "fecha_ultima_actualizacion": updated,
    })
}

/// Whether `date` falls in the period (inclusive).
pub fn in_period(date: NaiveDate, from: NaiveDate, to: NaiveDate) -> bool {
    date >= from && date <= to
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn run(fecha: NaiveDate, tape: &str) -> BackupRun {
        BackupRun {
            fecha,
            servidor: "SRV".into(),
            activo: "BD".into(),
            tipo_respaldo: "Completo".into(),
            inicio: fecha.and_hms_opt(1, 0, 0).unwrap(),
            fin: fecha.and_hms_opt(2, 0, 0).unwrap(),
            resultado: "Exitoso".into(),
            codigo_cinta: Some(tape.into()),
            observaciones: None,
        }
    }

    fn mov(fecha: NaiveDate, kind: &str, tape: &str) -> Movement {
        Movement {
            fecha,
            movimiento: kind.into(),
            codigo_cinta: tape.into(),
            codigo_caja: Some("C1".into()),
            empresa: Some("Custodia S.A.".into()),
            guia_remision: None,
            precinto: None,
            responsable: None,
            fecha_respaldo: None,
            contenido: None,
            observaciones: None,
        }
    }

    #[test]
    fn retention_is_four_years_from_the_last_backup() {
        assert_eq!(retention_until(d(2022, 3, 7)), d(2026, 3, 7));
        assert_eq!(retention_until(d(2024, 2, 29)), d(2028, 2, 29));
        assert_eq!(retention_until(d(2096, 2, 29)), d(2100, 2, 28));
        let runs = [run(d(2022, 3, 1), "T1"), run(d(2022, 3, 7), "T1")];
        let moves = [mov(d(2022, 3, 10), "entrega", "t1")];
        let before = tape_statuses(&runs, &moves, d(2026, 3, 6), 7);
        assert_eq!(before[0].retencion_hasta, Some(d(2026, 3, 7)));
        assert!(!before[0].puede_salir);
        let on = tape_statuses(&runs, &moves, d(2026, 3, 7), 7);
        assert!(on[0].puede_salir);
        assert_eq!(on[0].primer_respaldo, Some(d(2022, 3, 1)));
    }

    #[test]
    fn tapes_out_for_a_recovery_are_overdue_after_the_allowed_days() {
        let runs = [run(d(2026, 1, 5), "T2"), run(d(2026, 1, 6), "T3")];
        let moves = [
            mov(d(2026, 1, 10), "entrega", "T2"),
            mov(d(2026, 4, 1), "retiro", "T2"),
        ];
        let list = tape_statuses(&runs, &moves, d(2026, 4, 8), 7);
        assert_eq!(list[0].estado, TapeState::OutOfCustody);
        assert!(!list[0].atrasada, "7 days is not late yet");
        let list = tape_statuses(&runs, &moves, d(2026, 4, 9), 7);
        assert!(list[0].atrasada);
        assert_eq!(list[0].dias_fuera, Some(8));
        assert_eq!(list[1].estado, TapeState::NotDelivered);
        // Before the withdrawal, it was in custody.
        let list = tape_statuses(&runs, &moves, d(2026, 3, 31), 7);
        assert_eq!(list[0].estado, TapeState::InCustody);
    }

    #[test]
    fn early_release_is_flagged() {
        let runs = [run(d(2024, 1, 5), "T4")];
        let moves = [
            mov(d(2024, 1, 10), "entrega", "T4"),
            mov(d(2025, 1, 10), "liberación", "T4"),
        ];
        let list = tape_statuses(&runs, &moves, d(2025, 2, 1), 7);
        assert_eq!(list[0].estado, TapeState::Released);
        assert!(list[0].observaciones[0].contains("antes de cumplir la retención"));
    }
}
