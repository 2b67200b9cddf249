//! The operations a user performs — list templates, render, create a stored
//! document, list, export, verify the audit chain — composed from
//! `template`, `form`, `render` and `store`. The CLI and the desktop shell
//! call these and only format their results; no logic lives in the front doors.

mod audit;
mod bundle;
mod checklist;
mod import;
mod lifecycle;
mod profile;
mod queue;
mod registers;
mod signing;
mod verification;

use std::path::Path;

use chrono::Datelike;
use serde::Serialize;
use serde_json::Value as Json;
use ts_rs::TS;

use crate::calendar::{Calendars, Country, Deadline};
use crate::clock::Clock;
use crate::error::ActasError;
use crate::files;
use crate::form::{self, FormData, PersonName, ValidationContext};
use crate::render::{render_eml, render_pdf, EmailOptions, RenderOptions, Rendered};
use crate::secrets::{self, OfficeKey};
use crate::store::{DocumentSummary, NewDocument, Store, StoredDocument};
use crate::template::{Catalogue, Template, DEFAULT_SERIES};

pub use bundle::{BundleExportOutcome, BundleExportRequest, BundleSelection};
pub use checklist::{first_start_checklist, Checklist, ChecklistItem, TOKEN_MODULE_SETTING};
pub use import::{accepted, ImportKind, ImportedPdf, RECEIVED_SERIES_PREFIX};
pub use lifecycle::duplicate_data;
pub use profile::{apply_profile_to, read_profile, save_profile, Profile};
pub use queue::{
    certificate_holder, find_person, holder_matches, named_signer, NamedSigner, PendingSignature,
};
pub use registers::{
    EmittedForm, FormRequest, GeneratedForm, ImportReport, LICENCE_NOTICE_TEMPLATE,
    SUPPORT_ATTENTION_TEMPLATE, SUPPORT_OFICIO_TEMPLATE, SUPPORT_STATS_TEMPLATE,
};
pub use signing::{
    next_roles, KeySource, LtvOutcome, SignOutcome, SignRequest, SignatureSettings, LTV_NOTE,
    SIGNATURE_NOTE_PREFIX,
};

/// Status of a stored document no role has signed yet.
pub const STATUS_PENDING: &str = "pendiente de firma";

/// Setting (Configuración) with the office's own non-working days, one a
/// line: `dd/mm/aaaa Motivo` (see `calendar::parse_office_days`).
pub const OFFICE_DAYS_SETTING: &str = "calendario.no_laborables";

/// The folder of the calendar files, inside the templates folder.
pub const CALENDARS_DIR: &str = "calendarios";

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
    /// An e-mail form: it renders an `.eml` too, and nobody signs it.
    pub email: bool,
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
                email: t.email.is_some(),
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

    /// The calendars of días útiles: the national files of
    /// `<templates>/calendarios` (or the copies shipped with the program),
    /// the office's `oficina.toml`, and — given a store — the office's days
    /// typed in Configuración.
    pub fn calendars(&self, store: Option<&Store>) -> Result<Calendars, ActasError> {
        let typed = match store {
            Some(store) => office_days(store)?,
            None => Vec::new(),
        };
        let typed: Vec<_> = typed.into_iter().map(|d| (None, d)).collect();
        Ok(Calendars::load(
            Some(&self.catalogue.dir.join(CALENDARS_DIR)),
            &typed,
        )?)
    }

    /// What validation consults: today (the clock), the calendars, and —
    /// given a store — its people (Senace USUARIO) and the office's days.
    pub fn validation_context(
        &self,
        store: Option<&Store>,
    ) -> Result<ValidationContext, ActasError> {
        let people = match store {
            Some(store) => store
                .people()?
                .into_iter()
                .map(|p| PersonName {
                    given_names: p.given_names,
                    paternal_surname: p.paternal_surname,
                    maternal_surname: p.maternal_surname,
                })
                .collect(),
            None => Vec::new(),
        };
        Ok(ValidationContext {
            people,
            today: Some(self.clock.now().date_naive()),
            calendars: self.calendars(store)?,
        })
    }

    /// Validates `data` against the template. Sealed secrets (from a draft
    /// or a stored document) are opened with the office's key first.
    pub fn validate(
        &self,
        template_id: &str,
        data: &Json,
        context: &ValidationContext,
    ) -> Result<(&Template, FormData), ActasError> {
        let template = self.catalogue.require(template_id)?;
        let data = open_secrets(template, data)?;
        let form =
            form::validate(template, &data, context).map_err(|problems| ActasError::Invalid {
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
        self.render_in(None, template_id, data, number)
    }

    /// As [`Service::render`], validating with the store's people and office days.
    pub fn render_in(
        &self,
        store: Option<&Store>,
        template_id: &str,
        data: &Json,
        number: Option<&str>,
    ) -> Result<Rendered, ActasError> {
        let context = self.validation_context(store)?;
        let (template, form) = self.validate(template_id, data, &context)?;
        Ok(render_pdf(
            template,
            &form,
            &RenderOptions {
                number: number.map(str::to_string),
                now: self.clock.now(),
            },
        )?)
    }

    /// The RFC 5322 message (`.eml`) of an e-mail template, with `attachment`
    /// (a PDF: the related acta) when given.
    pub fn render_email(
        &self,
        store: Option<&Store>,
        template_id: &str,
        data: &Json,
        number: Option<&str>,
        attachment: Option<&Path>,
    ) -> Result<Vec<u8>, ActasError> {
        let context = self.validation_context(store)?;
        let (template, form) = self.validate(template_id, data, &context)?;
        let attachment = match attachment {
            Some(path) => {
                let bytes = files::read(path)?;
                if !bytes.starts_with(b"%PDF-") {
                    return Err(ActasError::Other(format!(
                        "{}: el adjunto no es un PDF",
                        path.display()
                    )));
                }
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "adjunto.pdf".into());
                Some((name, bytes))
            }
            None => None,
        };
        Ok(render_eml(
            template,
            &form,
            &EmailOptions {
                number: number.map(str::to_string),
                now: self.clock.now(),
                attachment,
            },
        )?)
    }

    /// The due date of `days` días útiles counted from `from` in `country`
    /// (the office's days of the store included when given).
    pub fn plazo(
        &self,
        store: Option<&Store>,
        from: chrono::NaiveDate,
        days: u32,
        country: Country,
    ) -> Result<Deadline, ActasError> {
        let calendars = self.calendars(store)?;
        let calendar = calendars
            .get(country)
            .ok_or_else(|| ActasError::Other(format!("no hay calendario de {}", country.name())))?;
        calendar.add_business_days(from, days).ok_or_else(|| {
            ActasError::Other(format!(
                "el calendario de {} no tiene {days} días útiles en los diez años siguientes al {}",
                country.name(),
                from.format("%d/%m/%Y")
            ))
        })
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
        let context = self.validation_context(Some(store))?;
        let (template, form) = self.validate(template_id, &data, &context)?;
        // Secrets are kept sealed with the office's key (never in clear in the store).
        let mut data = data;
        if secrets::has_clear(template, &data) {
            let key = OfficeKey::load_default()?;
            secrets::seal_data(template, &mut data, &key)?;
        }
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

/// The office's own non-working days saved in Configuración.
pub fn office_days(store: &Store) -> Result<Vec<crate::calendar::OfficeDay>, ActasError> {
    let text = store.setting(OFFICE_DAYS_SETTING)?.unwrap_or_default();
    crate::calendar::parse_office_days(&text).map_err(|e| {
        ActasError::Other(format!(
            "Configuración, días no laborables de la oficina: {e}"
        ))
    })
}

/// `data` with its sealed secrets opened (the same data when there are none).
fn open_secrets<'d>(
    template: &Template,
    data: &'d Json,
) -> Result<std::borrow::Cow<'d, Json>, ActasError> {
    if !secrets::has_sealed(template, data) {
        return Ok(std::borrow::Cow::Borrowed(data));
    }
    let key = OfficeKey::load_default()?;
    let mut opened = data.clone();
    secrets::open_data(template, &mut opened, &key)?;
    Ok(std::borrow::Cow::Owned(opened))
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
        self.list_where(store, &crate::store::DocumentFilter::default())
    }

    /// The stored documents that pass `filter`, with their signatures: two
    /// queries whatever the number of documents.
    pub fn list_where(
        &self,
        store: &Store,
        filter: &crate::store::DocumentFilter,
    ) -> Result<Vec<DocumentListing>, ActasError> {
        let notes = store.revision_notes()?;
        Ok(self.listings(store.list_documents_where(filter)?, notes))
    }

    /// One page of [`Service::list_where`] (`filter.limit` rows from
    /// `filter.offset`) and how many documents pass the filter: the
    /// signatures are read for the page's documents only, so a page costs
    /// the same with 100 or 100,000 documents stored.
    pub fn list_page(
        &self,
        store: &Store,
        filter: &crate::store::DocumentFilter,
    ) -> Result<(Vec<DocumentListing>, u64), ActasError> {
        let total = store.count_documents_where(filter)?;
        let docs = store.list_documents_where(filter)?;
        let numbers: Vec<&str> = docs.iter().map(|d| d.number.as_str()).collect();
        let notes = store.revision_notes_of(&numbers)?;
        Ok((self.listings(docs, notes), total))
    }

    /// The listings of `docs` with the signatures recorded in `notes`
    /// (series, number, revision note).
    fn listings(
        &self,
        docs: Vec<DocumentSummary>,
        notes: Vec<(String, String, String)>,
    ) -> Vec<DocumentListing> {
        let mut signed: std::collections::HashMap<(String, String), Vec<(String, String)>> =
            std::collections::HashMap::new();
        for (series, number, note) in notes {
            // Each signature is recorded in its revision's note: `firma:<role>:<signer>`
            // (an imported revision may record several, joined by «; »).
            let entry = signed.entry((series, number)).or_default();
            entry.extend(
                signing::signature_notes(&note)
                    .map(|(role, signer)| (role.to_string(), signer.to_string())),
            );
        }
        docs.into_iter()
            .map(|d| {
                let roles = signed
                    .remove(&(d.series.clone(), d.number.clone()))
                    .unwrap_or_default();
                self.listing(d, &roles)
            })
            .collect()
    }

    fn listing(&self, doc: DocumentSummary, signed: &[(String, String)]) -> DocumentListing {
        let reference = document_reference(&doc.series, &doc.number);
        let template = self.catalogue.get(&doc.template_id);
        let signatures = template
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
        // An annulled document waits for nobody.
        let next = template
            .filter(|_| doc.status != crate::store::STATUS_ANNULLED)
            .map(|t| signing::next_roles(t, &signed_roles))
            .unwrap_or_default();
        DocumentListing {
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
        }
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
    let bytes = crate::limits::read_file(path, crate::limits::DATA_FILE_BYTES)?;
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
