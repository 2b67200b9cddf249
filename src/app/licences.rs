//! The Licencias screen: the licence master's summary and the licences
//! expired or about to expire as of a date, importing the master from
//! Excel with its report (kept with the import, shown again when the screen
//! comes back, exported as CSV), and the «notificación de licencias por
//! vencer»: previewed unnumbered with the signer chosen from the people
//! register, then stored as a document (previewed, signed and verified like
//! any other). Reading, expiry and the notice's data are
//! `service::registers`, the CSV is `registers::report`; this module shapes
//! rows for the screen (dates dd/mm/aaaa, Spanish labels).

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{App, PdfFile};
use crate::dates;
use crate::error::ActasError;
use crate::registers::expiry::LicenceStatus;
use crate::registers::licences::distinct_rows;
use crate::registers::{report, Register, Rejection};

/// Which licences to list.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct LicenceQuery {
    /// `AAAA-MM-DD`; empty or null: today.
    pub as_of: Option<String>,
    /// Days ahead that count as «por vencer».
    pub within: u32,
    /// Also list the expired ones.
    pub include_expired: bool,
}

/// The master's state as of a date.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LicenceOverview {
    /// dd/mm/aaaa.
    pub as_of: String,
    pub total: u32,
    pub expired: u32,
    pub within_30: u32,
    pub within_60: u32,
    pub within_90: u32,
    pub valor_adquisicion_total: f64,
    /// Expiring within `within` days (and expired when asked), soonest first.
    pub rows: Vec<LicenceRow>,
}

/// One licence as the screen lists it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LicenceRow {
    pub software: String,
    pub tipo: Option<String>,
    pub ubicacion: String,
    pub reg_siaf: Option<String>,
    pub orden: Option<String>,
    /// dd/mm/aaaa, or «Perpetua».
    pub termino: String,
    pub dias_restantes: Option<i32>,
    /// vencida, por vencer, vigente, perpetua.
    pub situacion: String,
    /// SALDO NETO = VALOR − AMORTIZACIÓN (null when a figure is missing).
    pub saldo_consistente: Option<bool>,
    /// The master's row it was read from.
    pub fila: u32,
}

/// What an import did (the CLI's JSON contract, plus the file's identity
/// and the counts of rows the screen shows).
#[derive(Debug, Clone, Serialize, TS)]
pub struct LicenceImport {
    pub file_name: String,
    pub sha256: String,
    /// When it was imported, dd/mm/aaaa hh:mm, and by whom.
    pub at: String,
    pub actor: String,
    /// Licences new to the register.
    pub imported: u32,
    /// Licences already in the register, updated.
    pub updated: u32,
    /// Imported rows with at least one warning (each row once).
    pub rows_with_warnings: u32,
    /// Rows rejected (each row once).
    pub rows_rejected: u32,
    /// One per cell left empty or worth a look, in row order.
    pub warnings: Vec<RejectedRow>,
    /// One per row without a licence.
    pub rejected: Vec<RejectedRow>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RejectedRow {
    pub row: u32,
    pub column: String,
    pub reason: String,
}

/// Which licences the notice lists, and who signs it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NoticeRequest {
    pub query: LicenceQuery,
    /// The person of the people register who signs (its «Nombre:» and
    /// «Cargo:»); required to store the notice, optional for its preview.
    #[serde(default)]
    pub signer: Option<i64>,
}

impl App {
    pub fn licences(&self, query: &LicenceQuery) -> Result<LicenceOverview, ActasError> {
        let service = self.service();
        let as_of = self.as_of(query)?;
        let store = self.store();
        let summary = service.licence_summary(&store, as_of)?;
        let rows = service.expiring_licences(
            &store,
            as_of,
            i64::from(query.within),
            query.include_expired,
        )?;
        Ok(LicenceOverview {
            as_of: dates::format_date(as_of),
            total: summary.total as u32,
            expired: summary.expired as u32,
            within_30: summary.within_30 as u32,
            within_60: summary.within_60 as u32,
            within_90: summary.within_90 as u32,
            valor_adquisicion_total: summary.valor_adquisicion_total,
            rows: rows.iter().map(licence_row).collect(),
        })
    }

    /// Imports the licence master at `path` (one transaction; its report is
    /// kept with the import).
    pub fn import_licences(&self, path: &str) -> Result<LicenceImport, ActasError> {
        let service = self.service();
        let mut store = self.store();
        let report = service.import_licences(
            &mut store,
            PathBuf::from(path.trim()).as_path(),
            &self.actor,
        )?;
        let at = service.clock.now();
        Ok(licence_import(
            report.file_name.clone(),
            report.sha256.clone(),
            at.format("%d/%m/%Y %H:%M").to_string(),
            self.actor.clone(),
            (report.imported, report.updated),
            &report.warnings,
            &report.rejected,
        ))
    }

    /// The last import of the licence master with its report, as kept in
    /// the register (None before the first import).
    pub fn last_licence_import(&self) -> Result<Option<LicenceImport>, ActasError> {
        let store = self.store();
        let Some(info) = store.last_import(Register::Licences.name())? else {
            return Ok(None);
        };
        let notes = store.import_notes(info.id)?;
        Ok(Some(licence_import(
            info.file_name,
            info.sha256,
            dates::format_rfc3339_datetime(&info.at),
            info.actor,
            (info.imported, info.updated),
            &notes.warnings,
            &notes.rejected,
        )))
    }

    /// Writes the last import's report as CSV (`registers::report`) to
    /// `path`, atomically; returns the path written.
    pub fn export_licence_report(&self, path: &str) -> Result<String, ActasError> {
        let path = PathBuf::from(path.trim());
        if path.as_os_str().is_empty() {
            return Err(ActasError::Other(
                "elija dónde guardar el informe (.csv)".into(),
            ));
        }
        let store = self.store();
        let Some(info) = store.last_import(Register::Licences.name())? else {
            return Err(ActasError::Other(
                "todavía no se importó el maestro de licencias: no hay informe que exportar".into(),
            ));
        };
        let notes = store.import_notes(info.id)?;
        crate::files::write_atomic(&path, &report::to_csv(&notes.warnings, &notes.rejected))?;
        Ok(path.display().to_string())
    }

    /// The notice rendered unnumbered («BORRADOR»), to look at before it
    /// takes a number.
    pub fn licence_notice_preview(&self, request: &NoticeRequest) -> Result<PdfFile, ActasError> {
        let (template, data) = self.licence_notice_data(request)?;
        let rendered = self
            .service()
            .render_in(Some(&self.store()), template, &data, None)?;
        Ok(PdfFile::new(
            format!("{template}-borrador.pdf"),
            &rendered.pdf,
        ))
    }

    /// Stores the «notificación de licencias por vencer» as a new document
    /// (numbered, ready to sign) signed by `request.signer`; returns its
    /// reference. Refused without a signer: the PDF's «Nombre:» would be blank.
    pub fn create_licence_notice(&self, request: &NoticeRequest) -> Result<String, ActasError> {
        if request.signer.is_none() {
            return Err(ActasError::Other(
                "elija quién firma la notificación (registro de personas) antes de generarla"
                    .into(),
            ));
        }
        let (template_id, data) = self.licence_notice_data(request)?;
        let service = self.service();
        let template = service.catalogue.require(template_id)?;
        let stored = service.create(&mut self.store(), template_id, data, &self.actor)?;
        Ok(crate::service::document_reference(
            &template.series,
            &stored.number,
        ))
    }

    /// The notice's template and data, with the chosen signer's name and
    /// position in its signature field.
    fn licence_notice_data(
        &self,
        request: &NoticeRequest,
    ) -> Result<(&'static str, serde_json::Value), ActasError> {
        let query = &request.query;
        let as_of = self.as_of(query)?;
        let service = self.service();
        let store = self.store();
        let mut form = service.licence_notice(
            &store,
            as_of,
            i64::from(query.within),
            query.include_expired,
        )?;
        if let Some(id) = request.signer {
            let person = store
                .people()?
                .into_iter()
                .find(|p| p.id == id)
                .ok_or_else(|| {
                    ActasError::Other(
                        "la persona elegida para firmar ya no está en el registro de personas"
                            .into(),
                    )
                })?;
            let template = service.catalogue.require(form.template)?;
            for field in template.fields() {
                if matches!(field.kind, crate::template::FieldKind::Signer { .. }) {
                    form.data[&field.id] = serde_json::json!({
                        "nombre": person.full_name(),
                        "cargo": person.cargo,
                    });
                }
            }
        }
        Ok((form.template, form.data))
    }

    fn as_of(&self, query: &LicenceQuery) -> Result<NaiveDate, ActasError> {
        match query
            .as_of
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            None => Ok(self.service().today()),
            Some(text) => dates::day_arg(text)
                .map_err(|e| ActasError::Other(format!("la fecha de corte: {e}"))),
        }
    }
}

fn licence_row(l: &LicenceStatus) -> LicenceRow {
    LicenceRow {
        software: l.software.clone(),
        tipo: l.tipo.clone(),
        ubicacion: l.ubicacion.clone(),
        reg_siaf: l.reg_siaf.clone(),
        orden: l.orden.clone(),
        termino: l
            .termino
            .map(dates::format_date)
            .unwrap_or_else(|| "Perpetua".into()),
        dias_restantes: l.dias_restantes.map(|d| d as i32),
        situacion: l.situacion.label().to_string(),
        saldo_consistente: l.saldo_consistente,
        fila: l.fila,
    }
}

/// The screen's view of an import and its report.
fn licence_import(
    file_name: String,
    sha256: String,
    at: String,
    actor: String,
    (imported, updated): (usize, usize),
    warnings: &[Rejection],
    rejected: &[Rejection],
) -> LicenceImport {
    let rows = |list: &[Rejection]| {
        list.iter()
            .map(|r| RejectedRow {
                row: r.row,
                column: r.column.clone(),
                reason: r.reason.clone(),
            })
            .collect()
    };
    LicenceImport {
        file_name,
        sha256,
        at,
        actor,
        imported: imported as u32,
        updated: updated as u32,
        rows_with_warnings: distinct_rows(warnings) as u32,
        rows_rejected: distinct_rows(rejected) as u32,
        warnings: rows(warnings),
        rejected: rows(rejected),
    }
}
