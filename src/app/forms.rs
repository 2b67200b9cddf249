//! The form editor's side of the window: the catalogue as the editor needs
//! it ([`FormSpec`], built from a template so the window never hard-codes a
//! form), validation while typing, drafts, preview and creating the
//! document.
//!
//! Data travels as the same JSON the CLI takes (`templates/examples/*.json`):
//! dates `AAAA-MM-DD`, date-times `AAAA-MM-DDTHH:MM`, Sí/No as booleans; the
//! window shows and reads dates as dd/mm/aaaa and converts. Validation is
//! `form::validate`, the same the CLI applies, rules included.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use super::{App, PdfFile};
use crate::error::ActasError;
use crate::form::{PersonName, Problem};
use crate::service::DocumentListing;
use crate::template::{Column, Field, FieldKind, Rule, Template};

/// A form of the catalogue, as the list of forms shows it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct FormSummary {
    pub id: String,
    pub title: String,
    pub form_code: String,
    pub entity: String,
}

/// Everything the editor needs to build a form.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct FormSpec {
    pub id: String,
    pub title: String,
    pub form_code: String,
    pub entity: String,
    pub office: String,
    pub sections: Vec<SectionSpec>,
    /// In signing order.
    pub signers: Vec<SignerSpec>,
    /// The procedure rules the form applies, in Spanish, shown before saving.
    pub rules: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SectionSpec {
    pub number: String,
    pub title: String,
    pub level: u8,
    pub fields: Vec<FieldSpec>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct FieldSpec {
    pub id: String,
    pub label: String,
    pub required: bool,
    pub hint: Option<String>,
    #[serde(rename = "type")]
    #[ts(rename = "type")]
    pub kind: FieldType,
}

/// A field's kind and its parameters (the template's `kind`).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum FieldType {
    Text {
        max_length: Option<u32>,
    },
    Multiline {
        max_length: Option<u32>,
    },
    Date,
    DateTime,
    Number {
        min: Option<f64>,
        max: Option<f64>,
        decimals: u8,
    },
    Money {
        min: Option<f64>,
        max: Option<f64>,
    },
    Choice {
        options: Vec<String>,
    },
    MultiChoice {
        options: Vec<String>,
    },
    YesNo,
    Table {
        columns: Vec<ColumnSpec>,
        min_rows: u32,
        max_rows: Option<u32>,
    },
    /// Printed text, not an input.
    Static {
        text: String,
    },
    /// Name and cargo of the person who signs as `role`.
    Signer {
        role: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ColumnSpec {
    pub id: String,
    pub label: String,
    pub required: bool,
    #[serde(rename = "type")]
    #[ts(rename = "type")]
    pub kind: FieldType,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SignerSpec {
    pub role: String,
    pub title: String,
    pub after: Vec<String>,
}

/// Data to check, or to preview.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ValidateRequest {
    pub template_id: String,
    #[ts(type = "Record<string, unknown>")]
    pub data: Json,
}

pub type PreviewRequest = ValidateRequest;

/// The outcome of checking a form: every problem with its field path
/// (`entregables[2].tipo`, rows from 1).
#[derive(Debug, Clone, Serialize, TS)]
pub struct Validation {
    pub ok: bool,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SaveDraftRequest {
    /// `None` for a new draft.
    #[ts(type = "number | null")]
    pub id: Option<i64>,
    pub template_id: String,
    #[ts(type = "Record<string, unknown>")]
    pub data: Json,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DraftInfo {
    #[ts(type = "number")]
    pub id: i64,
    pub template_id: String,
    pub title: String,
    /// dd/mm/aaaa hh:mm.
    pub updated: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DraftView {
    pub info: DraftInfo,
    #[ts(type = "Record<string, unknown>")]
    pub data: Json,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CreateRequest {
    pub template_id: String,
    #[ts(type = "Record<string, unknown>")]
    pub data: Json,
    /// The draft to delete once the document is stored.
    #[ts(type = "number | null")]
    pub draft_id: Option<i64>,
}

impl App {
    /// Every form of the catalogue.
    pub fn forms(&self) -> Vec<FormSummary> {
        self.service()
            .catalogue
            .templates
            .iter()
            .map(|t| FormSummary {
                id: t.id.clone(),
                title: t.title.clone(),
                form_code: t.form_code.clone(),
                entity: t.entity.clone(),
            })
            .collect()
    }

    /// The editor's description of form `template_id`.
    pub fn form_spec(&self, template_id: &str) -> Result<FormSpec, ActasError> {
        let service = self.service();
        Ok(form_spec(service.catalogue.require(template_id)?))
    }

    /// Checks `data` as creating the document would, with the directory's people.
    pub fn validate(&self, request: &ValidateRequest) -> Result<Validation, ActasError> {
        let people = self.people_names()?;
        match self
            .service()
            .validate(&request.template_id, &request.data, &people)
        {
            Ok(_) => Ok(Validation {
                ok: true,
                problems: Vec::new(),
            }),
            Err(ActasError::Invalid { problems, .. }) => Ok(Validation {
                ok: false,
                problems: problems.0,
            }),
            Err(other) => Err(other),
        }
    }

    /// Renders the data unnumbered («BORRADOR» has no number yet).
    pub fn preview(&self, request: &PreviewRequest) -> Result<PdfFile, ActasError> {
        let rendered = self
            .service()
            .render(&request.template_id, &request.data, None)?;
        Ok(PdfFile::new(
            format!("{}-borrador.pdf", request.template_id),
            &rendered.pdf,
        ))
    }

    pub fn save_draft(&self, request: &SaveDraftRequest) -> Result<DraftInfo, ActasError> {
        self.service().catalogue.require(&request.template_id)?;
        let now = self.service().clock.now();
        let draft =
            self.store()
                .save_draft(request.id, &request.template_id, &request.data, now)?;
        Ok(self.draft_info(&draft))
    }

    pub fn drafts(&self) -> Result<Vec<DraftInfo>, ActasError> {
        let drafts = self.store().drafts()?;
        Ok(drafts.iter().map(|d| self.draft_info(d)).collect())
    }

    pub fn open_draft(&self, id: i64) -> Result<DraftView, ActasError> {
        let draft = self.store().draft(id)?;
        Ok(DraftView {
            info: self.draft_info(&draft),
            data: draft.data,
        })
    }

    pub fn delete_draft(&self, id: i64) -> Result<(), ActasError> {
        Ok(self.store().delete_draft(id)?)
    }

    /// Validates, numbers, renders and stores the document; deletes its draft.
    pub fn create_document(&self, request: &CreateRequest) -> Result<DocumentListing, ActasError> {
        let service = self.service();
        let mut store = self.store();
        let stored = service.create(
            &mut store,
            &request.template_id,
            request.data.clone(),
            &self.actor,
        )?;
        if let Some(id) = request.draft_id {
            store.delete_draft(id)?;
        }
        let series = &service.catalogue.require(&request.template_id)?.series;
        let reference = crate::service::document_reference(series, &stored.number);
        service
            .list(&store)?
            .into_iter()
            .find(|d| d.reference == reference)
            .ok_or_else(|| ActasError::Other(format!("el documento {reference} no se encuentra")))
    }

    fn draft_info(&self, draft: &crate::store::Draft) -> DraftInfo {
        let title = self
            .service()
            .catalogue
            .get(&draft.template_id)
            .map(|t| t.title.clone())
            .unwrap_or_else(|| draft.template_id.clone());
        DraftInfo {
            id: draft.id,
            template_id: draft.template_id.clone(),
            title,
            updated: crate::dates::format_rfc3339_datetime(&draft.updated_at),
        }
    }

    pub(super) fn people_names(&self) -> Result<Vec<PersonName>, ActasError> {
        Ok(self
            .store()
            .people()?
            .into_iter()
            .map(|p| PersonName {
                given_names: p.given_names,
                paternal_surname: p.paternal_surname,
                maternal_surname: p.maternal_surname,
            })
            .collect())
    }
}

/// The editor's description of a template.
pub fn form_spec(template: &Template) -> FormSpec {
    FormSpec {
        id: template.id.clone(),
        title: template.title.clone(),
        form_code: template.form_code.clone(),
        entity: template.entity.clone(),
        office: template.office.clone(),
        sections: template
            .sections
            .iter()
            .map(|s| SectionSpec {
                number: s.number.clone(),
                title: s.title.clone(),
                level: s.level,
                fields: s.fields.iter().map(field_spec).collect(),
            })
            .collect(),
        signers: template
            .signers
            .iter()
            .map(|s| SignerSpec {
                role: s.role.clone(),
                title: s.title.clone(),
                after: s.after.clone(),
            })
            .collect(),
        rules: template
            .rules
            .iter()
            .map(|r| describe_rule(template, r))
            .collect(),
    }
}

fn field_spec(field: &Field) -> FieldSpec {
    FieldSpec {
        id: field.id.clone(),
        label: field.label.clone(),
        required: field.required,
        hint: field.hint.clone(),
        kind: field_type(&field.kind),
    }
}

fn column_spec(column: &Column) -> ColumnSpec {
    ColumnSpec {
        id: column.id.clone(),
        label: column.label.clone(),
        required: column.required,
        kind: field_type(&column.kind),
    }
}

fn field_type(kind: &FieldKind) -> FieldType {
    let length = |n: &Option<usize>| n.map(|n| n as u32);
    match kind {
        FieldKind::Text { max_length } => FieldType::Text {
            max_length: length(max_length),
        },
        FieldKind::Multiline { max_length } => FieldType::Multiline {
            max_length: length(max_length),
        },
        FieldKind::Date => FieldType::Date,
        FieldKind::DateTime => FieldType::DateTime,
        FieldKind::Number { min, max, decimals } => FieldType::Number {
            min: *min,
            max: *max,
            decimals: *decimals,
        },
        FieldKind::Money { min, max } => FieldType::Money {
            min: *min,
            max: *max,
        },
        FieldKind::Choice { options } => FieldType::Choice {
            options: options.clone(),
        },
        FieldKind::MultiChoice { options } => FieldType::MultiChoice {
            options: options.clone(),
        },
        FieldKind::YesNo => FieldType::YesNo,
        FieldKind::Table {
            columns,
            min_rows,
            max_rows,
        } => FieldType::Table {
            columns: columns.iter().map(column_spec).collect(),
            min_rows: *min_rows as u32,
            max_rows: max_rows.map(|n| n as u32),
        },
        FieldKind::Static { text } => FieldType::Static { text: text.clone() },
        FieldKind::Signer { role } => FieldType::Signer { role: role.clone() },
    }
}

/// A rule as the editor states it before saving.
fn describe_rule(template: &Template, rule: &Rule) -> String {
    let label = |id: &str| {
        template
            .field(id)
            .map(|f| format!("«{}»", f.label))
            .unwrap_or_else(|| id.to_string())
    };
    match rule {
        Rule::MefPaseDeadlines {
            request, execution, ..
        } => format!(
            "MEF 6.4: entre {} y {} debe haber al menos 7 días calendario (72 horas si el pase es urgente), y la ejecución se programa a partir de las 20:00 horas.",
            label(request),
            label(execution)
        ),
        Rule::SenaceCorrelative { fields } => format!(
            "Senace: los correlativos ({}) se escriben AAAA-NNN, p. ej. 2020-036.",
            fields.iter().map(|f| label(f)).collect::<Vec<_>>().join(", ")
        ),
        Rule::SenaceInstallSubject { field, .. } => format!(
            "Senace (S.04, anexo 01): {} sigue la convención PRODUCCIÓN.<Sistema>.<AAAA/MM/DD>.INSTALACIÓN-<Año>-<Nro>.<USUARIO>.",
            label(field)
        ),
    }
}
