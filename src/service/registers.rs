//! The register operations a user performs — import a file into a register,
//! the licence summary and expiry lists, the notice of licences about to
//! expire, the tape status, and the catalogue's forms generated from the
//! rows of a period — composed from `registers` (parsing and computing),
//! `store` (one transaction per import) and the existing render / create
//! pipeline. The CLI and the desktop call these and only print the results.
//!
//! It does not parse cells (`registers::excel`) nor lay out PDFs (`render`):
//! a form is the JSON data of an existing template, validated like any
//! data file, so the template decides the form.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::dates::format_date;
use crate::error::ActasError;
use crate::files;
use crate::form::Value;
use crate::registers::excel::fold;
use crate::registers::expiry::{self, LicenceStatus, NoticeSource, Summary};
use crate::registers::licences::{parse_master, LICENCE_COLUMNS};
use crate::registers::rows::{self, parse_rows, Field, TypedRow};
use crate::registers::tapes::{self, BackupRun, Movement, TapeStatus};
use crate::registers::{
    describe_read_error, maintenance, read_table, support, Register, Rejection, Warning,
};
use crate::store::registers::{ImportMeta, RegisterEntry};
use crate::store::{sha256_hex, Store};

use super::{document_reference, Service};

/// Template of the «notificación de licencias por vencer».
pub const LICENCE_NOTICE_TEMPLATE: &str = "senace-licencias-por-vencer";

/// The MEF support statistics (004 §3.6) and the records they count.
pub const SUPPORT_STATS_TEMPLATE: &str = "mef-estadisticas-soporte";
pub const SUPPORT_ATTENTION_TEMPLATE: &str = "mef-atencion-soporte";
pub const SUPPORT_OFICIO_TEMPLATE: &str = "mef-oficio-soporte";

/// The outcome of an import. Its JSON is the contract
/// `{"imported": n, "updated": n, "warnings": [{"row", "column", "reason"}],
/// "rejected": [{"row", "column", "reason"}]}` (docs/registers.md); the rest
/// is for people.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub imported: usize,
    pub updated: usize,
    /// About rows that were imported (a cell left empty, a SALDO that does
    /// not add up…): one entry per cell.
    pub warnings: Vec<Warning>,
    pub rejected: Vec<Rejection>,
    #[serde(skip)]
    pub register: &'static str,
    #[serde(skip)]
    pub file_name: String,
    #[serde(skip)]
    pub sha256: String,
    #[serde(skip)]
    pub sheet: Option<String>,
    #[serde(skip)]
    pub header_row: u32,
    #[serde(skip)]
    pub blank_rows: usize,
    #[serde(skip)]
    pub total_rows: usize,
    /// Notes below the TOTAL row, skipped (licence master only).
    #[serde(skip)]
    pub note_rows: usize,
}

/// A form generated from a register: its template and data.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedForm {
    pub template: &'static str,
    pub data: Json,
    /// Rows of the register it shows.
    pub rows: usize,
}

/// What [`Service::emit_form`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmittedForm {
    pub output: PathBuf,
    pub pages: Option<usize>,
    /// The reference of the stored document, when it was saved.
    pub number: Option<String>,
}

/// The forms generated from the backup, tape and maintenance registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormRequest {
    /// Anexo 03, bitácora diaria: the backup runs of a period.
    BackupLog { from: NaiveDate, to: NaiveDate },
    /// Anexo 04, inventario de cintas: the tapes handed to custody in a period.
    TapeInventory { from: NaiveDate, to: NaiveDate },
    /// Anexo 05, one recovery request by its Helpdesk ticket.
    Recovery { ticket: String },
    /// Anexo 06, bitácora de restauración: the restorations of a period.
    RestorationLog { from: NaiveDate, to: NaiveDate },
    /// Ficha de control de mantenimientos realizados for a period.
    MaintenanceLog {
        from: NaiveDate,
        to: NaiveDate,
        periodo: Option<String>,
    },
    /// Acta de servicio de mantenimiento técnico of one maintenance.
    MaintenanceActa { numero: i64, year: Option<i32> },
    /// MEF support statistics of a period, from the stored attention and oficio records.
    SupportStatistics { from: NaiveDate, to: NaiveDate },
}

fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn fields_of(register: Register) -> &'static [Field] {
    match register {
        Register::BackupRuns => &tapes::RUN_FIELDS,
        Register::Custody => &tapes::CUSTODY_FIELDS,
        Register::Recoveries => &tapes::RECOVERY_FIELDS,
        Register::Restorations => &tapes::RESTORATION_FIELDS,
        Register::Maintenance => &maintenance::MAINTENANCE_FIELDS,
        Register::Licences => &[],
    }
}

impl Service {
    /// Today, from the service's clock.
    pub fn today(&self) -> NaiveDate {
        self.clock.now().date_naive()
    }

    /// Imports a licence master (.xlsx, .xls, .ods, .csv or .json): every
    /// readable row inserted or updated by key, one transaction with the
    /// import record and its audit row. An unreadable file or one without
    /// the header imports nothing.
    pub fn import_licences(
        &self,
        store: &mut Store,
        path: &Path,
        actor: &str,
    ) -> Result<ImportReport, ActasError> {
        let bytes = crate::limits::read_file(path, crate::limits::REGISTER_FILE_BYTES)?;
        let name = file_label(path);
        let table = read_table(&name, &bytes, &LICENCE_COLUMNS).map_err(|e| {
            ActasError::Other(describe_read_error(
                &path.display().to_string(),
                Register::Licences,
                &LICENCE_COLUMNS,
                &e,
            ))
        })?;
        let parsed = parse_master(&table);
        let sha256 = sha256_hex(&bytes);
        let at = self.clock.now();
        let counts = store.import_keyed_licences(
            &ImportMeta {
                register: Register::Licences.name(),
                file_name: &name,
                sha256: &sha256,
                sheet: table.sheet.as_deref(),
                header_row: Some(table.header_row),
                rejected: parsed.rejected.len(),
                warnings: &parsed.warnings,
                rejections: &parsed.rejected,
                actor,
                at: &at,
            },
            &parsed.licences,
            &parsed.keys,
        )?;
        Ok(ImportReport {
            imported: counts.imported,
            updated: counts.updated,
            rejected: parsed.rejected,
            warnings: parsed.warnings,
            register: Register::Licences.title(),
            file_name: name,
            sha256,
            sheet: table.sheet,
            header_row: table.header_row,
            blank_rows: table.blank_rows,
            total_rows: table.total_rows,
            note_rows: parsed.notes,
        })
    }

    /// `actas licences summary` as of a date.
    pub fn licence_summary(&self, store: &Store, as_of: NaiveDate) -> Result<Summary, ActasError> {
        Ok(expiry::summarize(&store.licences()?, as_of))
    }

    /// Licences expiring within `within` days of `as_of` (and the expired ones when asked).
    pub fn expiring_licences(
        &self,
        store: &Store,
        as_of: NaiveDate,
        within: i64,
        include_expired: bool,
    ) -> Result<Vec<LicenceStatus>, ActasError> {
        Ok(expiry::expiring(
            &store.licences()?,
            as_of,
            within,
            include_expired,
        ))
    }

    /// Every licence with its situation as of a date (por vencer = within `within` days).
    pub fn licence_list(
        &self,
        store: &Store,
        as_of: NaiveDate,
        within: i64,
    ) -> Result<Vec<LicenceStatus>, ActasError> {
        Ok(store
            .licences()?
            .iter()
            .map(|l| expiry::status(l, as_of, within))
            .collect())
    }

    /// The «notificación de licencias por vencer» data: the licences of
    /// [`Service::expiring_licences`] grouped by UBICACIÓN, with the master
    /// file it comes from. Refused when no licence qualifies.
    pub fn licence_notice(
        &self,
        store: &Store,
        as_of: NaiveDate,
        within: i64,
        include_expired: bool,
    ) -> Result<GeneratedForm, ActasError> {
        let entries = self.expiring_licences(store, as_of, within, include_expired)?;
        if entries.is_empty() {
            return Err(ActasError::Other(format!(
                "no hay licencias {}que venzan entre el {} y el {}: no se generó la notificación",
                if include_expired { "vencidas ni " } else { "" },
                format_date(as_of),
                format_date(crate::dates::days_after(as_of, within))
            )));
        }
        let source = store.last_import(Register::Licences.name())?.and_then(|i| {
            let imported_on = chrono::DateTime::parse_from_rfc3339(&i.at)
                .ok()?
                .date_naive();
            Some(NoticeSource {
                file_name: i.file_name,
                imported_on,
                sha256: i.sha256,
            })
        });
        Ok(GeneratedForm {
            template: LICENCE_NOTICE_TEMPLATE,
            rows: entries.len(),
            data: expiry::notice_data(&entries, as_of, within, source.as_ref()),
        })
    }

    /// Imports a file into one of the smaller registers (CSV, JSON or a workbook).
    pub fn import_register(
        &self,
        store: &mut Store,
        register: Register,
        path: &Path,
        actor: &str,
    ) -> Result<ImportReport, ActasError> {
        let fields = fields_of(register);
        let specs = rows::specs(fields);
        let bytes = crate::limits::read_file(path, crate::limits::REGISTER_FILE_BYTES)?;
        let name = file_label(path);
        let table = read_table(&name, &bytes, &specs).map_err(|e| {
            ActasError::Other(describe_read_error(
                &path.display().to_string(),
                register,
                &specs,
                &e,
            ))
        })?;
        let (typed, mut rejected) = parse_rows(&table, fields);
        let mut entries = entries_of(register, typed, &mut rejected);
        // A key twice in one file: the first row wins, the others are reported.
        let mut seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        entries.retain(|e| match seen.get(&e.key) {
            Some(first) => {
                rejected.push(Rejection {
                    row: e.row,
                    column: specs.first().map(|s| s.label).unwrap_or("").to_string(),
                    reason: format!("la fila se repite: misma clave que la fila {first}"),
                });
                false
            }
            None => {
                seen.insert(e.key.clone(), e.row);
                true
            }
        });
        rejected.sort_by_key(|r| r.row);
        let sha256 = sha256_hex(&bytes);
        let at = self.clock.now();
        let counts = store.import_entries(
            &ImportMeta {
                register: register.name(),
                file_name: &name,
                sha256: &sha256,
                sheet: table.sheet.as_deref(),
                header_row: Some(table.header_row),
                rejected: rejected.len(),
                warnings: &[],
                rejections: &rejected,
                actor,
                at: &at,
            },
            &entries,
        )?;
        Ok(ImportReport {
            imported: counts.imported,
            updated: counts.updated,
            rejected,
            warnings: Vec::new(),
            register: register.title(),
            file_name: name,
            sha256,
            sheet: table.sheet,
            header_row: table.header_row,
            blank_rows: table.blank_rows,
            total_rows: table.total_rows,
            note_rows: 0,
        })
    }

    /// The backup runs stored, typed.
    pub fn backup_runs(&self, store: &Store) -> Result<Vec<BackupRun>, ActasError> {
        typed_entries(store, Register::BackupRuns)
    }

    /// The custody movements stored, typed.
    pub fn custody_movements(&self, store: &Store) -> Result<Vec<Movement>, ActasError> {
        typed_entries(store, Register::Custody)
    }

    /// Every tape as of a date (`return_days`: allowed days out of custody).
    pub fn tape_statuses(
        &self,
        store: &Store,
        as_of: NaiveDate,
        return_days: i64,
    ) -> Result<Vec<TapeStatus>, ActasError> {
        Ok(tapes::tape_statuses(
            &self.backup_runs(store)?,
            &self.custody_movements(store)?,
            as_of,
            return_days,
        ))
    }

    /// The data of a form generated from the registers.
    pub fn register_form(
        &self,
        store: &Store,
        request: &FormRequest,
    ) -> Result<GeneratedForm, ActasError> {
        let period = |from: &NaiveDate, to: &NaiveDate| -> Result<(), ActasError> {
            if from > to {
                Err(ActasError::Other(format!(
                    "el periodo empieza ({}) después de terminar ({})",
                    format_date(*from),
                    format_date(*to)
                )))
            } else {
                Ok(())
            }
        };
        let none_in = |what: &str, from: &NaiveDate, to: &NaiveDate| {
            ActasError::Other(format!(
                "no hay {what} entre el {} y el {}: no se generó el formato",
                format_date(*from),
                format_date(*to)
            ))
        };
        match request {
            FormRequest::BackupLog { from, to } => {
                period(from, to)?;
                let runs = self.backup_runs(store)?;
                let selected = tapes::runs_in(&runs, *from, *to);
                if selected.is_empty() {
                    return Err(none_in("copias de respaldo registradas", from, to));
                }
                Ok(GeneratedForm {
                    template: "senace-bitacora-respaldo",
                    rows: selected.len(),
                    data: tapes::backup_log_data(&selected, *from, *to),
                })
            }
            FormRequest::TapeInventory { from, to } => {
                period(from, to)?;
                let runs = self.backup_runs(store)?;
                let moves = self.custody_movements(store)?;
                let data = tapes::inventory_data(&runs, &moves, *from, *to)
                    .ok_or_else(|| none_in("entregas de cintas a custodia", from, to))?;
                let rows = data["cintas"].as_array().map_or(0, Vec::len);
                Ok(GeneratedForm {
                    template: "senace-inventario-cintas",
                    rows,
                    data,
                })
            }
            FormRequest::Recovery { ticket } => {
                let wanted = fold(ticket);
                let row = raw_entries(store, Register::Recoveries)?
                    .into_iter()
                    .find(|r| tapes::recovery_key(r) == wanted)
                    .ok_or_else(|| {
                        ActasError::Other(format!(
                            "no hay una solicitud de recuperación con el ticket «{ticket}» en el registro"
                        ))
                    })?;
                Ok(GeneratedForm {
                    template: "senace-recuperacion-respaldo",
                    rows: 1,
                    data: tapes::recovery_data(&row),
                })
            }
            FormRequest::RestorationLog { from, to } => {
                period(from, to)?;
                let rows: Vec<Map<String, Json>> = raw_entries(store, Register::Restorations)?
                    .into_iter()
                    .filter(|r| {
                        tapes::restoration_date(r).is_some_and(|d| tapes::in_period(d, *from, *to))
                    })
                    .collect();
                if rows.is_empty() {
                    return Err(none_in("restauraciones registradas", from, to));
                }
                Ok(GeneratedForm {
                    template: "senace-bitacora-restauracion",
                    rows: rows.len(),
                    data: tapes::restoration_log_data(&rows, *from, *to, self.today()),
                })
            }
            FormRequest::MaintenanceLog { from, to, periodo } => {
                period(from, to)?;
                let rows: Vec<Map<String, Json>> = raw_entries(store, Register::Maintenance)?
                    .into_iter()
                    .filter(|r| {
                        maintenance::date(r).is_some_and(|d| tapes::in_period(d, *from, *to))
                    })
                    .collect();
                if rows.is_empty() {
                    return Err(none_in("mantenimientos registrados", from, to));
                }
                let periodo = periodo.clone().unwrap_or_else(|| {
                    format!("Del {} al {}", format_date(*from), format_date(*to))
                });
                Ok(GeneratedForm {
                    template: "senace-ficha-mantenimientos",
                    rows: rows.len(),
                    data: maintenance::ficha_data(&rows, &periodo, self.today()),
                })
            }
            FormRequest::SupportStatistics { from, to } => {
                period(from, to)?;
                let (attentions, oficios) = self.support_records(store)?;
                let data = support::statistics_data(&attentions, &oficios, *from, *to);
                let rows = data["total_atenciones"].as_u64().unwrap_or(0) as usize
                    + data["total_oficios"].as_u64().unwrap_or(0) as usize;
                if rows == 0 {
                    return Err(none_in(
                        "atenciones ni oficios de soporte guardados",
                        from,
                        to,
                    ));
                }
                Ok(GeneratedForm {
                    template: SUPPORT_STATS_TEMPLATE,
                    rows,
                    data,
                })
            }
            FormRequest::MaintenanceActa { numero, year } => {
                let found: Vec<Map<String, Json>> = raw_entries(store, Register::Maintenance)?
                    .into_iter()
                    .filter(|r| maintenance::matches(r, *numero, *year))
                    .collect();
                match found.as_slice() {
                    [row] => Ok(GeneratedForm {
                        template: "senace-acta-mantenimiento",
                        rows: 1,
                        data: maintenance::acta_data(row),
                    }),
                    [] => Err(ActasError::Other(format!(
                        "no hay un mantenimiento N.º {numero}{} en el registro",
                        year.map(|y| format!(" de {y}")).unwrap_or_default()
                    ))),
                    _ => Err(ActasError::Other(format!(
                        "hay {} mantenimientos N.º {numero} (de años distintos): indique también el año",
                        found.len()
                    ))),
                }
            }
        }
    }

    /// The stored attention and oficio records, read through their templates
    /// (an oficio's deadline alerts are computed as when it was saved). A
    /// record that no longer validates is reported, not skipped.
    fn support_records(
        &self,
        store: &Store,
    ) -> Result<(Vec<support::Attention>, Vec<support::Oficio>), ActasError> {
        let context = self.validation_context(Some(store))?;
        let mut attentions = Vec::new();
        let mut oficios = Vec::new();
        for doc in store.list_documents()? {
            let template = doc.template_id.as_str();
            if template != SUPPORT_ATTENTION_TEMPLATE && template != SUPPORT_OFICIO_TEMPLATE {
                continue;
            }
            let reference = document_reference(&doc.series, &doc.number);
            let record = store.document(&reference)?;
            let (_, form) = self
                .validate(template, &record.data, &context)
                .map_err(|e| {
                    ActasError::Other(format!(
                        "el documento {reference} ({template}) no se puede leer para las estadísticas: {e}"
                    ))
                })?;
            let text = |id: &str| form.get(id).display();
            let optional = |id: &str| Some(text(id)).filter(|t| !t.trim().is_empty());
            let date = |id: &str| match form.get(id) {
                Value::Date(d) => Some(*d),
                Value::DateTime(dt) => Some(dt.date()),
                _ => None,
            };
            if template == SUPPORT_ATTENTION_TEMPLATE {
                let Some(day) = date("fecha_hora") else {
                    continue;
                };
                attentions.push(support::Attention {
                    date: day,
                    canal: text("canal"),
                    tipo: text("tipo"),
                    sistema: text("sistema"),
                    tipo_solucion: optional("tipo_solucion"),
                    derivado_a: optional("derivado_a"),
                });
            } else {
                let Some(day) = date("fecha_escalamiento") else {
                    continue;
                };
                let late = ["alerta_busqueda", "alerta_cierre"].iter().any(|id| {
                    text(id).starts_with("FUERA DE PLAZO") || text(id).starts_with("VENCIDO")
                });
                oficios.push(support::Oficio {
                    date: day,
                    resultado: text("resultado"),
                    late,
                });
            }
        }
        Ok((attentions, oficios))
    }

    /// Writes a generated form: merges `extra` (fields to add or replace, e.g.
    /// the signers' names) over its data, then renders it to `output`, or —
    /// with `save` — stores it as a new numbered document and writes that.
    pub fn emit_form(
        &self,
        store: Option<&mut Store>,
        form: &GeneratedForm,
        extra: Option<&Json>,
        output: &Path,
        actor: &str,
    ) -> Result<EmittedForm, ActasError> {
        let mut data = form.data.clone();
        if let Some(extra) = extra {
            let Some(extra) = extra.as_object() else {
                return Err(ActasError::Other(
                    "los datos adicionales deben ser un objeto JSON con un valor por campo".into(),
                ));
            };
            if let Some(object) = data.as_object_mut() {
                for (k, v) in extra {
                    object.insert(k.clone(), v.clone());
                }
            }
        }
        match store {
            Some(store) => {
                let series = self.catalogue.require(form.template)?.series.clone();
                let stored = self.create(store, form.template, data, actor)?;
                let reference = document_reference(&series, &stored.number);
                let revision = store.latest_revision(&reference)?;
                files::write_atomic(output, &revision.pdf)?;
                Ok(EmittedForm {
                    output: output.to_path_buf(),
                    pages: None,
                    number: Some(reference),
                })
            }
            None => {
                let rendered = self.render(form.template, &data, None)?;
                files::write_atomic(output, &rendered.pdf)?;
                Ok(EmittedForm {
                    output: output.to_path_buf(),
                    pages: Some(rendered.pages),
                    number: None,
                })
            }
        }
    }
}

/// Typed rows → rows to store, with each register's key and date.
fn entries_of(
    register: Register,
    typed: Vec<TypedRow>,
    rejected: &mut Vec<Rejection>,
) -> Vec<RegisterEntry> {
    match register {
        Register::BackupRuns => {
            let (runs, mut bad) = tapes::backup_runs(typed);
            rejected.append(&mut bad);
            runs.into_iter()
                .map(|(row, run)| RegisterEntry {
                    key: run.key(),
                    fecha: Some(run.fecha),
                    data: to_json(&run),
                    row,
                })
                .collect()
        }
        Register::Custody => {
            let (moves, mut bad) = tapes::movements(typed);
            rejected.append(&mut bad);
            moves
                .into_iter()
                .map(|(row, m)| RegisterEntry {
                    key: m.key(),
                    fecha: Some(m.fecha),
                    data: to_json(&m),
                    row,
                })
                .collect()
        }
        Register::Recoveries => typed
            .into_iter()
            .map(|t| RegisterEntry {
                key: tapes::recovery_key(&t.values),
                fecha: rows::text(&t.values, "fecha_solicitud")
                    .and_then(crate::dates::parse_iso_date),
                data: Json::Object(t.values),
                row: t.row,
            })
            .collect(),
        Register::Restorations => typed
            .into_iter()
            .map(|t| RegisterEntry {
                key: tapes::restoration_key(&t.values),
                fecha: tapes::restoration_date(&t.values),
                data: Json::Object(t.values),
                row: t.row,
            })
            .collect(),
        Register::Maintenance => typed
            .into_iter()
            .map(|t| RegisterEntry {
                key: maintenance::key(&t.values),
                fecha: maintenance::date(&t.values),
                data: Json::Object(t.values),
                row: t.row,
            })
            .collect(),
        Register::Licences => Vec::new(),
    }
}

/// A typed row as stored (its own serde shape; these structs always serialise).
fn to_json<T: Serialize>(value: &T) -> Json {
    serde_json::to_value(value).unwrap_or(Json::Null)
}

fn raw_entries(store: &Store, register: Register) -> Result<Vec<Map<String, Json>>, ActasError> {
    Ok(store
        .entries(register.name())?
        .into_iter()
        .filter_map(|v| match v {
            Json::Object(map) => Some(map),
            _ => None,
        })
        .collect())
}

fn typed_entries<T: serde::de::DeserializeOwned>(
    store: &Store,
    register: Register,
) -> Result<Vec<T>, ActasError> {
    store
        .entries(register.name())?
        .into_iter()
        .map(|v| {
            serde_json::from_value(v).map_err(|e| {
                ActasError::Other(format!(
                    "la base de datos {} tiene una fila del {} ilegible: {e}",
                    store.path().display(),
                    register.title()
                ))
            })
        })
        .collect()
}
