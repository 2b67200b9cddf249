//! Registers: the licence master imported from Excel, with its expiry
//! notices, and the backup, tape-custody, recovery, restoration and
//! maintenance registers whose rows feed the catalogue's forms; and the MEF
//! support statistics computed from stored attention records ([`support`]).
//!
//! The flow is file → [`table`] (opened within bounds by [`workbook`]; find the header, skip titles, blanks and
//! totals) → cells parsed by [`excel`] → typed rows of one register
//! ([`licences`], [`tapes`], [`maintenance`]) with the rows that could not be
//! read reported, never guessed → the store (`store::registers`, one
//! transaction per import) → reports ([`expiry`], tape status) and form data
//! for the existing templates. Everything here is pure: no file system, no
//! database, no clock; `service::registers` composes it with those.
//! The registers and their columns are described in `docs/registers.md`.

pub mod excel;
pub mod expiry;
pub mod licences;
pub mod maintenance;
pub mod report;
pub mod rows;
pub mod support;
pub mod table;
pub mod tapes;
pub mod workbook;

use serde::Serialize;

pub use table::{read_table, ColumnSpec, ReadError, SourceRow, Table};

/// A row that was not imported: its row number as the user sees it, the
/// column (the register's own words) and the reason, in Spanish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    pub row: u32,
    pub column: String,
    pub reason: String,
}

/// Something worth a look in a row that was imported anyway (a cell left
/// empty because it could not be read, a SALDO NETO that does not add up).
pub type Warning = Rejection;

/// The registers an import can feed; the name is stored with each import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Register {
    Licences,
    BackupRuns,
    Custody,
    Recoveries,
    Restorations,
    Maintenance,
}

impl Register {
    /// The name stored in `register_imports.register` and `register_entries.register`.
    pub fn name(self) -> &'static str {
        match self {
            Register::Licences => "licencias",
            Register::BackupRuns => "respaldos",
            Register::Custody => "custodia",
            Register::Recoveries => "recuperaciones",
            Register::Restorations => "restauraciones",
            Register::Maintenance => "mantenimientos",
        }
    }

    /// How messages name it.
    pub fn title(self) -> &'static str {
        match self {
            Register::Licences => "maestro de licencias",
            Register::BackupRuns => "bitácora de copias de respaldo",
            Register::Custody => "registro de custodia de cintas",
            Register::Recoveries => "registro de recuperaciones",
            Register::Restorations => "bitácora de restauraciones",
            Register::Maintenance => "registro de mantenimientos",
        }
    }
}

/// The required columns of a spec, for the «no header» message.
pub fn required_labels(specs: &[ColumnSpec]) -> String {
    specs
        .iter()
        .filter(|s| s.required)
        .map(|s| s.label)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The one-line Spanish message of a fatal read error of `file`.
pub fn describe_read_error(
    file: &str,
    register: Register,
    specs: &[ColumnSpec],
    error: &ReadError,
) -> String {
    match error {
        ReadError::Unreadable(reason) => format!("no se puede leer {file}: {reason}"),
        ReadError::Limit(reason) => format!("{file}: {reason}; no se importó nada"),
        ReadError::NoHeader { sheets } => {
            let where_ = if sheets.is_empty() {
                String::new()
            } else {
                format!(
                    " (hojas revisadas: {})",
                    sheets
                        .iter()
                        .map(|s| format!("«{s}»"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            format!(
                "{file}: no se encontró la fila de encabezados del {} (se buscan las columnas {}){where_}; no se importó nada",
                register.title(),
                required_labels(specs)
            )
        }
    }
}
