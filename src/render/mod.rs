//! Rendering: a template and its validated data → a PDF (A4, embedded
//! subset font, document info, one empty signature field per signer role).
//!
//! [`render_pdf`] is a pure function of its inputs: the clock comes in
//! [`RenderOptions`], so the same input renders the same bytes. Layout lives
//! in `layout`, PDF syntax in `pdf`, fonts in `fonts`; an e-mail template's
//! RFC 5322 message (`.eml`) is `email`.

pub mod email;
pub mod fonts;
pub mod layout;
pub(crate) mod pdf;

use chrono::{DateTime, FixedOffset};

use crate::form::FormData;
use crate::template::Template;
pub use email::{render_eml, EmailOptions};
pub use layout::SignatureSlot;
pub use pdf::SIGNATURE_PARENT_FIELD;

/// What a render needs besides the template and the data.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The document's correlative (`2026-001`), or `None` for a draft.
    pub number: Option<String>,
    /// The instant written as creation date.
    pub now: DateTime<FixedOffset>,
}

/// A rendered document.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// One per signer role, in the order printed.
    pub slots: Vec<SignatureSlot>,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("no se pudo generar el PDF de «{template}»: {reason}")]
    Pdf { template: String, reason: String },
    #[error("no se pudo generar el correo de «{template}»: {reason}")]
    Email { template: String, reason: String },
}

/// Lays out and writes the PDF of one document.
pub fn render_pdf(
    template: &Template,
    form: &FormData,
    options: &RenderOptions,
) -> Result<Rendered, RenderError> {
    let header = layout::HeaderInfo {
        number: options.number.as_deref(),
    };
    let layout = layout::layout_document(template, form, &header);
    let number_text = options.number.as_deref().unwrap_or("sin numerar");
    let info = pdf::PdfInfo {
        title: format!("{} — N° {number_text}", template.title),
        subject: format!(
            "{} {} — N° {number_text}",
            template.form_code, template.title
        ),
        keywords: format!(
            "actas; plantilla={}; número={number_text}; código={}",
            template.id, template.form_code
        ),
        template_id: template.id.clone(),
        template_version: template.format_version.clone(),
        number: options.number.clone(),
        date: pdf_date(options.now),
    };
    let pdf = pdf::write_pdf(&layout, &info).map_err(|reason| RenderError::Pdf {
        template: template.id.clone(),
        reason,
    })?;
    Ok(Rendered {
        pdf,
        pages: layout.pages.len(),
        slots: layout.slots,
    })
}

/// `D:20260315100000-05'00'`.
pub(crate) fn pdf_date(at: DateTime<FixedOffset>) -> String {
    let offset = at.offset().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.abs();
    format!(
        "D:{}{sign}{:02}'{:02}'",
        at.format("%Y%m%d%H%M%S"),
        offset / 3600,
        (offset % 3600) / 60
    )
}
