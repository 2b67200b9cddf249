//! The Licencias screen: the licence master's summary and the licences
//! expired or about to expire as of a date, importing the master from
//! Excel, and the «notificación de licencias por vencer» stored as a
//! document (then previewed, signed and verified like any other).
//! Reading, expiry and the notice's data are `service::registers`; this
//! module shapes rows for the screen (dates dd/mm/aaaa, Spanish labels).

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::App;
use crate::dates;
use crate::error::ActasError;
use crate::registers::expiry::LicenceStatus;

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

/// What an import did (the CLI's JSON contract, plus the file's identity).
#[derive(Debug, Clone, Serialize, TS)]
pub struct LicenceImport {
    pub file_name: String,
    pub sha256: String,
    pub imported: u32,
    pub updated: u32,
    pub rejected: Vec<RejectedRow>,
    /// Rows imported with a SALDO NETO that does not add up.
    pub warnings: Vec<RejectedRow>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RejectedRow {
    pub row: u32,
    pub column: String,
    pub reason: String,
}

/// Which licences the notice lists.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NoticeRequest {
    pub query: LicenceQuery,
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

    /// Imports the licence master at `path` (one transaction; bad rows reported).
    pub fn import_licences(&self, path: &str) -> Result<LicenceImport, ActasError> {
        let service = self.service();
        let mut store = self.store();
        let report = service.import_licences(
            &mut store,
            PathBuf::from(path.trim()).as_path(),
            &self.actor,
        )?;
        let rows = |list: &[crate::registers::Rejection]| {
            list.iter()
                .map(|r| RejectedRow {
                    row: r.row,
                    column: r.column.clone(),
                    reason: r.reason.clone(),
                })
                .collect()
        };
        Ok(LicenceImport {
            file_name: report.file_name.clone(),
            sha256: report.sha256.clone(),
            imported: report.imported as u32,
            updated: report.updated as u32,
            rejected: rows(&report.rejected),
            warnings: rows(&report.warnings),
        })
    }

    /// Stores the «notificación de licencias por vencer» as a new document
    /// (numbered, ready to preview and sign); returns its reference.
    pub fn create_licence_notice(&self, request: &NoticeRequest) -> Result<String, ActasError> {
        let query = &request.query;
        let as_of = self.as_of(query)?;
        let service = self.service();
        let form = service.licence_notice(
            &self.store(),
            as_of,
            i64::from(query.within),
            query.include_expired,
        )?;
        let template = service.catalogue.require(form.template)?;
        let stored = service.create(
            &mut self.store(),
            form.template,
            form.data.clone(),
            &self.actor,
        )?;
        Ok(crate::service::document_reference(
            &template.series,
            &stored.number,
        ))
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
