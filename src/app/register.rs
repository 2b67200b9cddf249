//! The shared register in the window: «Por firmar» (the documents waiting
//! for a signature, each with the person the document names for the role;
//! one person's queue when chosen) and «Importar PDF firmado» (a received
//! PDF back into the register). The rules are `Service::pending` and
//! `Service::import_file`; this module only shapes rows for the screen.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::documents::{row, DocumentRow};
use super::App;
use crate::error::ActasError;
use crate::service::{find_person, ImportedPdf, NamedSigner};

/// A row of «Por firmar».
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PendingRow {
    pub document: DocumentRow,
    /// The roles that may sign now, with whom the document names.
    pub waiting_for: Vec<WaitingFor>,
}

/// One role waiting, and for whom.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct WaitingFor {
    pub role: String,
    /// Empty when the document names nobody for the role.
    pub name: String,
}

impl From<NamedSigner> for WaitingFor {
    fn from(named: NamedSigner) -> Self {
        WaitingFor {
            role: named.role,
            name: named.name,
        }
    }
}

impl App {
    /// Documents waiting for a signature; with `person` (a people-register
    /// id or DNI), only those waiting for that person.
    pub fn pending(&self, person: Option<&str>) -> Result<Vec<PendingRow>, ActasError> {
        let service = self.service();
        let store = self.store();
        let people = store.people()?;
        let me = match person.map(str::trim).filter(|p| !p.is_empty()) {
            Some(who) => Some(find_person(&people, who).ok_or_else(|| {
                ActasError::Input(format!(
                    "no hay una persona registrada con id o DNI «{who}»"
                ))
            })?),
            None => None,
        };
        let pending = service.pending(&store, me)?;
        Ok(pending
            .into_iter()
            .rev()
            .map(|p| {
                let form_code = service
                    .catalogue
                    .get(&p.document.template)
                    .map(|t| t.form_code.clone())
                    .unwrap_or_default();
                PendingRow {
                    document: row(p.document, form_code),
                    waiting_for: p.waiting_for.into_iter().map(WaitingFor::from).collect(),
                }
            })
            .collect())
    }

    /// Imports a signed PDF from disk into the register.
    pub fn import_pdf(&self, path: &str) -> Result<ImportedPdf, ActasError> {
        let path = PathBuf::from(path.trim());
        if path.as_os_str().is_empty() {
            return Err(ActasError::Input(
                "elija el PDF firmado que desea importar".into(),
            ));
        }
        let service = self.service();
        let mut store = self.store();
        let roots = super::trust_root_certificates(&store)?;
        service.import_file(&mut store, &path, roots, &self.actor)
    }
}
