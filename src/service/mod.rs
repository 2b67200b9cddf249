//! The operations a user performs — list templates, render, create a stored
//! document, list, export, verify the audit chain — composed from
//! `template`, `form`, `render` and `store`. The CLI and the desktop shell
//! call these and only format their results; no logic lives in the front doors.

mod bundle;
mod registers;
mod signing;

use std::path::Path;

use chrono::Datelike;
use serde::Serialize;
use serde_json::Value as Json;
use ts_rs::TS;

use crate::clock::Clock;
use crate::error::ActasError;
use crate::files;
use crate::form::{self, FormData, PersonName, ValidationContext};
use crate::render::{render_pdf, RenderOptions, Rendered};
use crate::store::{DocumentSummary, NewDocument, Store, StoredDocument};
use crate::template::{Catalogue, Template, DEFAULT_SERIES};

pub use bundle::{parse_day, BundleExportOutcome, BundleExportRequest, BundleSelection};
pub use registers::{
    EmittedForm, FormRequest, GeneratedForm, ImportReport, LICENCE_NOTICE_TEMPLATE,
};
pub use signing::{
    next_roles, KeySource, LtvOutcome, SignOutcome, SignRequest, SignatureSettings, LTV_NOTE,
    SIGNATURE_NOTE_PREFIX,
};

/// Status of a stored document no role has signed yet.
pub const STATUS_PENDING: &str = "pendiente de firma";

/// The catalogue and the clock every operation shares.
pub struct Service {
    pub catalogue: Catalogue,
    pub clock: Clock,
}

/// A template as listed to users.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateSummary {
    pub id: String,
    pub title: String,
    pub entity: String,
    pub form_code: String,
    pub format_version: String,
    pub seed: String,
    pub signers: Vec<SignerSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignerSummary {
    pub role: String,
    pub title: String,
    pub after: Vec<String>,
}

/// A stored document as `actas list --json` prints it (contract).
#[derive(Debug, Clone, Serialize, TS)]
pub struct DocumentListing {
    /// What `export` and `sign` take: the number, or `series/number` outside the register.
    pub reference: String,
    pub number: String,
    pub series: String,
    pub template: String,
    pub title: String,
    pub status: String,
    pub created_at: String,
    pub revisions: u32,
    pub signatures: Vec<SignatureStatus>,
    /// Roles that may sign now (every role they follow has signed).
    pub next: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SignatureStatus {
    pub role: String,
    pub title: String,
    pub signed: bool,
    /// The signer's name, once signed.
    pub signer: Option<String>,
}

impl Service {
    pub fn new(catalogue: Catalogue, clock: Clock) -> Service {
        Service { catalogue, clock }
    }

    /// Loads the templates of `dir` (see `Catalogue::default_dir`).
    pub fn open(dir: &Path, clock: Clock) -> Result<Service, ActasError> {
        Ok(Service::new(crate::template::load_catalogue(dir)?, clock))
    }

    /// For signing and verifying only: reads no template until a PDF names
    /// one ([`Catalogue::deferred`]), so one process per signature stays cheap.
    pub fn open_deferred(dir: &Path, clock: Clock) -> Service {
        Service::new(Catalogue::deferred(dir), clock)
    }

    pub fn templates(&self) -> Vec<TemplateSummary> {
        self.catalogue
            .templates
            .iter()
            .map(|t| TemplateSummary {
                id: t.id.clone(),
                title: t.title.clone(),
                entity: t.entity.clone(),
                form_code: t.form_code.clone(),
                format_version: t.format_version.clone(),
                seed: format!("{}:{}", t.seed.file, t.seed.line),
                signers: t
                    .signers
                    .iter()
                    .map(|s| SignerSummary {
                        role: s.role.clone(),
                        title: s.title.clone(),
                        after: s.after.clone(),
                    })
                    .collect(),
            })
            .collect()
    }

    /// Validates `data` against the template, with the store's people when given.
    pub fn validate(
        &self,
        template_id: &str,
        data: &Json,
        people: &[PersonName],
    ) -> Result<(&Template, FormData), ActasError> {
        let template = self.catalogue.require(template_id)?;
        let context = ValidationContext {
            people: people.to_vec(),
        };
        let form =
            form::validate(template, data, &context).map_err(|problems| ActasError::Invalid {
                template: template.id.clone(),
                problems,
            })?;
        Ok((template, form))
    }

    /// Stateless render: validate and lay out, without storing or numbering.
    pub fn render(
        &self,
        template_id: &str,
        data: &Json,
        number: Option<&str>,
    ) -> Result<Rendered, ActasError> {
        let (template, form) = self.validate(template_id, data, &[])?;
        Ok(render_pdf(
            template,
            &form,
            &RenderOptions {
                number: number.map(str::to_string),
                now: self.clock.now(),
            },
        )?)
    }

    /// Validates, numbers, renders and stores a new document in one
    /// transaction: a document that fails validation or rendering consumes no number.
    pub fn create(
        &self,
        store: &mut Store,
        template_id: &str,
        data: Json,
        actor: &str,
    ) -> Result<StoredDocument, ActasError> {
        let people: Vec<PersonName> = store
            .people()?
            .into_iter()
            .map(|p| PersonName {
                given_names: p.given_names,
                paternal_surname: p.paternal_surname,
                maternal_surname: p.maternal_surname,
            })
            .collect();
        let (template, form) = self.validate(template_id, &data, &people)?;
        let now = self.clock.now();
        let new = NewDocument {
            series: template.series.clone(),
            year: now.year(),
            template_id: template.id.clone(),
            template_version: template.format_version.clone(),
            title: template.title.clone(),
            status: STATUS_PENDING.into(),
            data,
            actor: actor.to_string(),
            at: now,
        };
        let stored =
            store.create_document(&new, |number: &str| -> Result<Vec<u8>, ActasError> {
                let options = RenderOptions {
                    number: Some(number.to_string()),
                    now,
                };
                Ok(render_pdf(template, &form, &options)?.pdf)
            })?;
        Ok(stored)
    }
}

/// How commands name a stored document: the plain number in the office-wide
/// register (unique in the store), `series/number` in a template's own series
/// (whose numbers may repeat those of the register).
pub fn document_reference(series: &str, number: &str) -> String {
    if series == DEFAULT_SERIES {
        number.to_string()
    } else {
        format!("{series}/{number}")
    }
}

impl Service {
    pub fn list(&self, store: &Store) -> Result<Vec<DocumentListing>, ActasError> {
        store
            .list_documents()?
            .into_iter()
            .map(|d| self.listing(store, d))
            .collect()
    }

    fn listing(&self, store: &Store, doc: DocumentSummary) -> Result<DocumentListing, ActasError> {
        let reference = document_reference(&doc.series, &doc.number);
        // Each signature is recorded in its revision's note: `firma:<role>:<signer>`.
        let signed: Vec<(String, String)> = store
            .revisions(&reference)?
            .into_iter()
            .filter_map(|r| {
                let rest = r.note.strip_prefix(SIGNATURE_NOTE_PREFIX)?;
                let (role, signer) = rest.split_once(':')?;
                Some((role.to_string(), signer.to_string()))
            })
            .collect();
        let signatures = self
            .catalogue
            .get(&doc.template_id)
            .map(|t| {
                t.signers
                    .iter()
                    .map(|s| {
                        let by = signed
                            .iter()
                            .find(|(role, _)| *role == s.role)
                            .map(|(_, who)| who.clone());
                        SignatureStatus {
                            role: s.role.clone(),
                            title: s.title.clone(),
                            signed: by.is_some(),
                            signer: by,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let signed_roles: Vec<String> = signed.iter().map(|(role, _)| role.clone()).collect();
        let next = self
            .catalogue
            .get(&doc.template_id)
            .map(|t| signing::next_roles(t, &signed_roles))
            .unwrap_or_default();
        Ok(DocumentListing {
            next,
            reference,
            number: doc.number,
            series: doc.series,
            template: doc.template_id,
            title: doc.title,
            status: doc.status,
            created_at: doc.created_at,
            revisions: doc.revisions,
            signatures,
        })
    }

    /// Writes the latest revision of a stored document to `out`, atomically.
    pub fn export(&self, store: &Store, number: &str, out: &Path) -> Result<u32, ActasError> {
        let revision = store.latest_revision(number)?;
        files::write_atomic(out, &revision.pdf)?;
        Ok(revision.revision)
    }
}

/// Reads a JSON data file, reporting syntax errors with line and column.
pub fn read_data_file(path: &Path) -> Result<Json, ActasError> {
    let bytes = files::read(path)?;
    serde_json::from_slice(&bytes).map_err(|e| ActasError::Json {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        reason: describe_json_error(&e),
    })
}

fn describe_json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let text = e.to_string();
    let detail = text.split(" at line").next().unwrap_or(&text);
    match e.classify() {
        Category::Eof => "el archivo termina antes de cerrar el JSON".into(),
        Category::Io => format!("error de lectura: {detail}"),
        Category::Syntax | Category::Data => translate_json_detail(detail),
    }
}

/// serde_json speaks English; the common syntax errors in Spanish.
fn translate_json_detail(detail: &str) -> String {
    const KNOWN: [(&str, &str); 10] = [
        ("expected `,` or `}`", "falta «,» o «}»"),
        ("expected `,` or `]`", "falta «,» o «]»"),
        ("expected `:`", "falta «:» después de la clave"),
        ("expected value", "se esperaba un valor"),
        ("expected ident", "palabra no válida (¿true, false o null?)"),
        ("trailing comma", "coma sobrante"),
        ("key must be a string", "la clave debe ir entre comillas"),
        (
            "control character",
            "carácter de control dentro de un texto",
        ),
        ("invalid escape", "secuencia de escape inválida"),
        (
            "trailing characters",
            "hay texto después del final del JSON",
        ),
    ];
    KNOWN
        .iter()
        .find(|(english, _)| detail.starts_with(english))
        .map(|(_, spanish)| format!("error de sintaxis: {spanish}"))
        .unwrap_or_else(|| format!("error de sintaxis ({detail})"))
}
