//! The Documentos screen: every stored document with its signing status per
//! role, filtered by text, form, status and date, a page at a time (the
//! newest first, with the number that pass the filter); and a stored
//! revision's PDF for the preview. Listing itself is `Service::list_where`
//! and `Service::list_page`; this module only filters, pages and shapes rows
//! (dates dd/mm/aaaa).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{App, PdfFile};
use crate::dates;
use crate::error::ActasError;
use crate::service::{DocumentListing, Service};

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
    /// Annulled (kept, closed to signatures).
    Anulado,
}

/// The Documentos screen's filter; empty fields do not filter.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct DocumentFilter {
    /// Words found in the number, form, title, the document's data (system,
    /// people named) or a signer's name (case and accents ignored).
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
    /// Paging ([`App::documents_page`]): rows skipped, newest first (none
    /// when absent) …
    #[serde(default)]
    #[ts(optional)]
    pub offset: Option<u32>,
    /// … and rows per page (default [`PAGE_ROWS`], at most [`MAX_PAGE_ROWS`]).
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// Rows of a page of the Documentos screen unless the filter says otherwise.
pub const PAGE_ROWS: u32 = 50;
/// The most rows a page may ask for.
pub const MAX_PAGE_ROWS: u32 = 1_000;

/// One page of the Documentos screen.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DocumentPage {
    pub rows: Vec<DocumentRow>,
    /// Documents that pass the filter, on every page.
    pub total: u32,
    /// The filter's offset: `rows[0]` is document `offset + 1` of `total`.
    pub offset: u32,
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
        let service = self.service();
        // The form and the words run in the store; status and dates here.
        let query = crate::store::DocumentFilter {
            text: Some(filter.text.clone()),
            template_id: filter.template.clone().filter(|t| !t.is_empty()),
            ..Default::default()
        };
        let listings = service.list_where(&self.store(), &query)?;
        let mut rows: Vec<DocumentRow> = rows(&service, listings)
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
            .collect();
        rows.reverse();
        Ok(rows)
    }

    /// One page of [`App::documents`]: `filter.limit` rows from
    /// `filter.offset`, and how many pass the filter. With only a form
    /// filter (the screen's usual state) the page is read from the database
    /// alone — count, page, the page's signatures — so it does not grow with
    /// the register; words, status or dates filter the whole list first.
    pub fn documents_page(&self, filter: &DocumentFilter) -> Result<DocumentPage, ActasError> {
        let limit = filter.limit.unwrap_or(PAGE_ROWS).clamp(1, MAX_PAGE_ROWS);
        let offset = filter.offset.unwrap_or(0);
        let blank = |t: &Option<String>| t.as_deref().is_none_or(|t| t.trim().is_empty());
        let by_form_only = filter.text.trim().is_empty()
            && filter.status == StatusFilter::Todos
            && blank(&filter.from)
            && blank(&filter.to);
        if by_form_only {
            let query = crate::store::DocumentFilter {
                template_id: filter.template.clone().filter(|t| !t.is_empty()),
                limit: Some(limit),
                offset: Some(offset),
                newest_first: true,
                ..Default::default()
            };
            let service = self.service();
            let (listings, total) = service.list_page(&self.store(), &query)?;
            return Ok(DocumentPage {
                rows: rows(&service, listings).collect(),
                total: u32::try_from(total).unwrap_or(u32::MAX),
                offset,
            });
        }
        let all = self.documents(filter)?;
        Ok(DocumentPage {
            total: u32::try_from(all.len()).unwrap_or(u32::MAX),
            rows: all
                .into_iter()
                .skip(offset as usize)
                .take(limit as usize)
                .collect(),
            offset,
        })
    }

    /// The latest revision of a stored document.
    pub fn document_pdf(&self, reference: &str) -> Result<PdfFile, ActasError> {
        let revision = self.store().latest_revision(reference)?;
        let name = format!("{}.pdf", reference.replace('/', "-"));
        Ok(PdfFile::new(name, &revision.pdf))
    }
}

/// The screen's rows of `listings`, with each form's code.
fn rows<'a>(
    service: &'a Service,
    listings: Vec<DocumentListing>,
) -> impl Iterator<Item = DocumentRow> + 'a {
    listings.into_iter().map(|d| {
        let form_code = service
            .catalogue
            .get(&d.template)
            .map(|t| t.form_code.clone())
            .unwrap_or_default();
        row(d, form_code)
    })
}

pub(super) fn row(d: DocumentListing, form_code: String) -> DocumentRow {
    // An annulled document waits for nobody, yet it is not complete.
    let complete =
        d.status != crate::store::STATUS_ANNULLED && !d.signatures.is_empty() && d.next.is_empty();
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
        date: dates::format_rfc3339_date(&d.created_at),
        status: d.status,
        revisions: d.revisions,
    }
}

fn status_matches(filter: StatusFilter, row: &DocumentRow) -> bool {
    let signed = row.signatures.iter().filter(|s| s.signed).count();
    let annulled = row.status == crate::store::STATUS_ANNULLED;
    match filter {
        StatusFilter::Todos => true,
        StatusFilter::Anulado => annulled,
        _ if annulled => false,
        StatusFilter::SinFirmas => signed == 0,
        StatusFilter::EnFirma => signed > 0 && !row.complete,
        StatusFilter::Firmado => row.complete,
    }
}

fn parse_filter_date(text: Option<&str>, which: &str) -> Result<Option<NaiveDate>, ActasError> {
    dates::parse_optional_day(text, &format!("la fecha «{which}» del filtro"))
        .map_err(ActasError::Other)
}

/// The day of a row's `date` (dd/mm/aaaa).
fn day_of(human: &str) -> Option<NaiveDate> {
    dates::parse_day_first(human).ok()
}
