//! The desktop window's operations: one method per Tauri command, with the
//! request and response types the window exchanges (exported to TypeScript
//! by ts-rs into `ui/src/api/bindings/`, see [`bindings`]).
//!
//! [`App`] is the state the shell builds once at start-up: the catalogue and
//! clock ([`Service`]), the open store and the office settings. Its methods
//! compose `service`, `store`, `sign` and `verify`; they hold no rules of
//! their own beyond shaping data for the screens (filters, dd/mm/aaaa
//! texts). It does not know Tauri: the shell in `src-tauri/` only adapts
//! each method to a command, and the tests call these methods directly.
//!
//! Errors are [`ActasError`]; the shell passes their one-line Spanish
//! `Display` to the window. Passwords arrive in requests, are used for the
//! call and zeroized when the request is dropped; they are never stored,
//! logged or returned.

pub mod bindings;
mod documents;
mod exporting;
pub(crate) mod forms;
mod guidance;
mod licences;
mod register;
mod settings;
mod signing;
mod verification;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard};

use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::Clock;
use crate::error::ActasError;
use crate::service::Service;
use crate::store::Store;

pub use documents::{
    DocumentFilter, DocumentPage, DocumentRow, SignatureState, StatusFilter, MAX_PAGE_ROWS,
    PAGE_ROWS,
};
pub use exporting::{export_file_name, plain_file_name, BundleRequest, BundleResult};
pub use forms::{
    ColumnSpec, ComputedValue, ConditionSpec, CreateRequest, DraftInfo, DraftView, EmailRequest,
    FieldSpec, FieldType, FormSpec, FormSummary, PreviewRequest, RowConditionSpec,
    SaveDraftRequest, SectionSpec, SignerSpec, ValidateRequest, Validation,
};
pub use guidance::{AnnulRequest, PersonActiveRequest, UpdatePersonRequest};
pub use licences::{
    LicenceImport, LicenceOverview, LicenceQuery, LicenceRow, NoticeRequest, RejectedRow,
};
pub use register::{PendingRow, WaitingFor};
pub use settings::{Profile, TrustRootInfo};
pub use signing::{
    CertificateInfo, CertificateRequest, KeyChoice, RoleState, SignDocumentRequest,
    SignFileRequest, SigningTarget, TargetRequest, TokensRequest,
};
pub use verification::{trust_root_certificates, ExportReportRequest, VerifyRequest, VerifyView};

/// The actor recorded in the store for what is done from the window: the
/// operating-system user, or «escritorio».
pub fn desktop_actor() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "escritorio".into())
}

/// The database the desktop and the CLI use when none is named:
/// `ACTAS_DB`, else `actas.db` in the user's data directory
/// (`~/.local/share/actas/` on Linux).
pub fn default_database_path() -> Result<PathBuf, ActasError> {
    if let Some(path) = std::env::var_os("ACTAS_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let dirs = directories::ProjectDirs::from("pe", "Actas", "actas").ok_or_else(|| {
        ActasError::Other("no se encontró el directorio de datos del usuario; indique la base de datos en ACTAS_DB".into())
    })?;
    Ok(dirs.data_dir().join("actas.db"))
}

/// A PDF handed to the window (preview, stored revision), base64-encoded.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PdfFile {
    /// A name to save it under, e.g. `2026-001.pdf`.
    pub name: String,
    pub base64: String,
    pub bytes: u32,
}

impl PdfFile {
    fn new(name: String, pdf: &[u8]) -> PdfFile {
        PdfFile {
            name,
            base64: base64::engine::general_purpose::STANDARD.encode(pdf),
            bytes: pdf.len() as u32,
        }
    }
}

/// Where the window's data lives and who it is.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AppInfo {
    pub database: String,
    pub templates: String,
    pub version: String,
}

/// The desktop's state: built once, shared by every command.
pub struct App {
    service: RwLock<Service>,
    store: Mutex<Store>,
    templates_dir: PathBuf,
    actor: String,
}

impl App {
    /// Opens (creating if needed) the database at `db` and the templates of
    /// `templates`, and applies the saved entity profile to the catalogue.
    pub fn open(db: &Path, templates: &Path, clock: Clock) -> Result<App, ActasError> {
        let store = Store::open(db)?;
        let service = Service::open(templates, clock)?;
        let app = App {
            service: RwLock::new(service),
            store: Mutex::new(store),
            templates_dir: templates.to_path_buf(),
            actor: desktop_actor(),
        };
        app.apply_profile()?;
        Ok(app)
    }

    pub fn info(&self) -> AppInfo {
        AppInfo {
            database: self.store().path().display().to_string(),
            templates: self.templates_dir.display().to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    fn service(&self) -> RwLockReadGuard<'_, Service> {
        self.service.read().unwrap_or_else(|e| e.into_inner())
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reloads the catalogue from disk with the saved profile applied.
    fn reload_catalogue(&self) -> Result<(), ActasError> {
        let catalogue = crate::template::load_catalogue(&self.templates_dir)?;
        let mut service = self.service.write().unwrap_or_else(|e| e.into_inner());
        service.catalogue = catalogue;
        Ok(())
    }
}

/// Applies an entity profile to every template of a catalogue: the header
/// prints the office's own entity and office when they are set.
#[cfg(test)]
pub(crate) mod tests;
