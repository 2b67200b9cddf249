//! The Documentos screen: every stored document with its signing status per
//! role, filtered by text, form, status and date; and a stored revision's
//! PDF for the preview. Listing itself is `Service::list`; this module only
//! filters and shapes rows (dates dd/mm/aaaa).

use chrono::{DateTime, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{App, PdfFile};
use crate::error::ActasError;
use crate::form::usuario::normalize;
use crate::service::DocumentListing;

/// Which documents by signing status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    #[default]
    Todos,
    /// No role has signed yet.
    SinFirmas,
    /// Some roles signed, some required ones missing.
    EnFirma,
    /// Every required role has signed.
    Firmado,
}

/// The Documentos screen's filter; empty fields do not filter.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct DocumentFilter {
    /// Words found in the number, form, title or a signer's name (case and accents ignored).
    #[serde(default)]
    pub text: String,
    /// A template id.
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub status: StatusFilter,
    /// Created on or after, `AAAA-MM-DD`.
    #[serde(default)]
    pub from: Option<String>,
    /// Created on or before, `AAAA-MM-DD`.
    #[serde(default)]
    pub to: Option<String>,
}

/// One role's state on a document.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SignatureState {
    pub role: String,
    pub title: String,
    pub signed: bool,
    pub signer: Option<String>,
    /// May sign now.
    pub next: bool,
}

/// A row of the Documentos screen.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DocumentRow {
    pub reference: String,
    pub number: String,
    pub template: String,
    pub form_code: String,
    pub title: String,
    /// dd/mm/aaaa.
    pub date: String,
    pub status: String,
    pub complete: bool,
    pub revisions: u32,
    pub signatures: Vec<SignatureState>,
}

impl App {
    /// Stored documents matching `filter`, newest first.
    pub fn documents(&self, filter: &DocumentFilter) -> Result<Vec<DocumentRow>, ActasError> {
        let from = parse_filter_date(filter.from.as_deref(), "desde")?;
        let to = parse_filter_date(filter.to.as_deref(), "hasta")?;
        let words: Vec<String> = normalize(&filter.text)
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let service = self.service();
        // The form filter runs in the database; status, dates and words here.
        let query = crate::store::DocumentFilter {
            template_id: filter.template.clone().filter(|t| !t.is_empty()),
            ..Default::default()
        };
        let listings = service.list_where(&self.store(), &query)?;
        let mut rows: Vec<DocumentRow> = listings
            .into_iter()
            .map(|d| {
                let form_code = service
                    .catalogue
                    .get(&d.template)
                    .map(|t| t.form_code.clone())
                    .unwrap_or_default();
                row(d, form_code)
            })
            .filter(|r| {
                filter
                    .template
                    .as_deref()
                    .is_none_or(|t| t.is_empty() || r.template == t)
            })
            .filter(|r| status_matches(filter.status, r))
            .filter(|r| {
                let day = day_of(&r.date);
                from.is_none_or(|f| day.is_some_and(|d| d >= f))
                    && to.is_none_or(|t| day.is_some_and(|d| d <= t))
            })
            .filter(|r| {
                let haystack = normalize(&searchable(r));
                words.iter().all(|w| haystack.contains(w.as_str()))
            })
            .collect();
        rows.reverse();
        Ok(rows)
    }

    /// The latest revision of a stored document.
    pub fn document_pdf(&self, reference: &str) -> Result<PdfFile, ActasError> {
        let revision = self.store().latest_revision(reference)?;
        let name = format!("{}.pdf", reference.replace('/', "-"));
        Ok(PdfFile::new(name, &revision.pdf))
    }
}

pub(super) fn row(d: DocumentListing, form_code: String) -> DocumentRow {
    let complete = !d.signatures.is_empty() && d.next.is_empty();
    DocumentRow {
        signatures: d
            .signatures
            .into_iter()
            .map(|s| SignatureState {
                next: d.next.contains(&s.role),
                role: s.role,
                title: s.title,
                signed: s.signed,
                signer: s.signer,
            })
            .collect(),
        complete,
        reference: d.reference,
        number: d.number,
        template: d.template,
        form_code,
        title: d.title,
        date: human_date(&d.created_at),
        status: d.status,
        revisions: d.revisions,
    }
}

fn status_matches(filter: StatusFilter, row: &DocumentRow) -> bool {
    let signed = row.signatures.iter().filter(|s| s.signed).count();
    match filter {
        StatusFilter::Todos => true,
        StatusFilter::SinFirmas => signed == 0,
        StatusFilter::EnFirma => signed > 0 && !row.complete,
        StatusFilter::Firmado => row.complete,
    }
}

fn searchable(row: &DocumentRow) -> String {
    let mut text = format!(
        "{} {} {} {} {}",
        row.reference, row.number, row.form_code, row.title, row.template
    );
    for s in &row.signatures {
        if let Some(who) = &s.signer {
            text.push(' ');
            text.push_str(who);
        }
    }
    text
}

fn parse_filter_date(text: Option<&str>, which: &str) -> Result<Option<NaiveDate>, ActasError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                ActasError::Other(format!("la fecha «{which}» del filtro no es válida: {t}"))
            }),
    }
}

fn day_of(human: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(human, "%d/%m/%Y").ok()
}

/// `2026-03-15T10:00:00-05:00` → `15/03/2026` (the text itself when it is not RFC 3339).
pub fn human_date(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// `2026-03-15T10:00:00-05:00` → `15/03/2026 10:00`.
pub fn human_datetime(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}
