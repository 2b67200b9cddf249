//! The form editor's side of the window: the catalogue as the editor needs
//! it ([`FormSpec`], built from a template so the window never hard-codes a
//! form), validation while typing, drafts, preview and creating the
//! document.
//!
//! Data travels as the same JSON the CLI takes (`templates/examples/*.json`):
//! dates `AAAA-MM-DD`, date-times `AAAA-MM-DDTHH:MM`, Sí/No as booleans; the
//! window shows and reads dates as dd/mm/aaaa and converts. Validation is
//! `form::validate`, the same the CLI applies, rules included; it also
//! returns the computed fields (deadlines, alerts) so the editor shows them.
//! Secret fields reach the store sealed (drafts included) and come back to
//! the editor opened; an e-mail form also writes its `.eml`.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ts_rs::TS;

use super::{App, PdfFile};
use crate::error::ActasError;
use crate::form::Problem;
use crate::secrets::{self, OfficeKey};
use crate::service::DocumentListing;
use crate::template::{Column, Condition, Field, FieldKind, Rule, Template};

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
    /// The form is also an e-mail: the editor offers «Generar correo».
    pub email: bool,
    /// `PE`, `BO` or `MX`: the calendar of its deadlines.
    pub country: String,
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
    /// Required only while this holds (the editor marks it live).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub required_when: Option<ConditionSpec>,
    /// A static text shown only while this holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub when: Option<ConditionSpec>,
    /// Filled by a rule: shown, not typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub computed: Option<bool>,
}

/// A template's condition (`docs/templates.md`, «Campos condicionales»):
/// `field` has a value (or one of `values`; or, for a table, a row whose
/// columns hold the listed values), negated with `negate`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ConditionSpec {
    pub field: String,
    pub values: Vec<String>,
    pub row: Vec<RowConditionSpec>,
    pub negate: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RowConditionSpec {
    pub column: String,
    pub values: Vec<String>,
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
    /// `HH:MM`.
    Time,
    /// Typed hidden; stored sealed; printed masked.
    Secret {
        max_length: Option<u32>,
    },
    /// One or more addresses separated by `;`.
    Email,
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
    /// Required only while this holds (`field` names a column of the same row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional = nullable)]
    pub required_when: Option<ConditionSpec>,
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
    /// The computed fields' values as printed (deadlines, alerts).
    pub computed: Vec<ComputedValue>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ComputedValue {
    pub id: String,
    pub text: String,
}

/// «Generar correo»: the form's data, where to write the `.eml`, and an
/// optional PDF to attach.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct EmailRequest {
    pub template_id: String,
    #[ts(type = "Record<string, unknown>")]
    pub data: Json,
    pub output: String,
    pub attachment: Option<String>,
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

    /// Checks `data` as creating the document would (the directory's people,
    /// the office's days), and gives the computed fields' values.
    pub fn validate(&self, request: &ValidateRequest) -> Result<Validation, ActasError> {
        let service = self.service();
        let context = service.validation_context(Some(&self.store()))?;
        match service.validate(&request.template_id, &request.data, &context) {
            Ok((template, form)) => Ok(Validation {
                ok: true,
                problems: Vec::new(),
                computed: form
                    .computed(template)
                    .into_iter()
                    .map(|(id, text)| ComputedValue { id, text })
                    .collect(),
            }),
            Err(ActasError::Invalid { problems, .. }) => Ok(Validation {
                ok: false,
                problems: problems.0,
                computed: Vec::new(),
            }),
            Err(other) => Err(other),
        }
    }

    /// Renders the data unnumbered («BORRADOR» has no number yet).
    pub fn preview(&self, request: &PreviewRequest) -> Result<PdfFile, ActasError> {
        let rendered = self.service().render_in(
            Some(&self.store()),
            &request.template_id,
            &request.data,
            None,
        )?;
        Ok(PdfFile::new(
            format!("{}-borrador.pdf", request.template_id),
            &rendered.pdf,
        ))
    }

    /// Writes the form's e-mail (`.eml`) to `request.output`; returns the path.
    pub fn generate_email(&self, request: &EmailRequest) -> Result<String, ActasError> {
        let eml = self.service().render_email(
            Some(&self.store()),
            &request.template_id,
            &request.data,
            None,
            request.attachment.as_deref().map(Path::new),
        )?;
        let output = Path::new(&request.output);
        crate::files::write_atomic(output, &eml)?;
        Ok(output.display().to_string())
    }

    /// Saves a draft; its secrets are sealed with the office's key first.
    pub fn save_draft(&self, request: &SaveDraftRequest) -> Result<DraftInfo, ActasError> {
        let data = {
            let service = self.service();
            let template = service.catalogue.require(&request.template_id)?;
            let mut data = request.data.clone();
            if secrets::has_clear(template, &data) {
                secrets::seal_data(template, &mut data, &OfficeKey::load_default()?)?;
            }
            data
        };
        let now = self.service().clock.now();
        let draft = self
            .store()
            .save_draft(request.id, &request.template_id, &data, now)?;
        Ok(self.draft_info(&draft))
    }

    pub fn drafts(&self) -> Result<Vec<DraftInfo>, ActasError> {
        let drafts = self.store().drafts()?;
        Ok(drafts.iter().map(|d| self.draft_info(d)).collect())
    }

    /// A draft, its secrets opened for the editor.
    pub fn open_draft(&self, id: i64) -> Result<DraftView, ActasError> {
        let draft = self.store().draft(id)?;
        let mut data = draft.data.clone();
        if let Some(template) = self.service().catalogue.get(&draft.template_id) {
            if secrets::has_sealed(template, &data) {
                secrets::open_data(template, &mut data, &OfficeKey::load_default()?)?;
            }
        }
        Ok(DraftView {
            info: self.draft_info(&draft),
            data,
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

    pub(super) fn draft_info(&self, draft: &crate::store::Draft) -> DraftInfo {
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
        email: template.email.is_some(),
        country: template.country.code().to_string(),
    }
}

fn condition_spec(condition: &Condition) -> ConditionSpec {
    ConditionSpec {
        field: condition.field.clone(),
        values: condition.values.clone(),
        row: condition
            .row
            .iter()
            .map(|(column, values)| RowConditionSpec {
                column: column.clone(),
                values: values.clone(),
            })
            .collect(),
        negate: condition.negate,
    }
}

fn field_spec(field: &Field) -> FieldSpec {
    FieldSpec {
        id: field.id.clone(),
        label: field.label.clone(),
        required: field.required,
        hint: field.hint.clone(),
        kind: field_type(&field.kind),
        required_when: field.required_when.as_ref().map(condition_spec),
        when: field.when.as_ref().map(condition_spec),
        computed: field.computed.then_some(true),
    }
}

fn column_spec(column: &Column) -> ColumnSpec {
    ColumnSpec {
        id: column.id.clone(),
        label: column.label.clone(),
        required: column.required,
        kind: field_type(&column.kind),
        required_when: column.required_when.as_ref().map(condition_spec),
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
        FieldKind::Time => FieldType::Time,
        FieldKind::Secret { max_length } => FieldType::Secret {
            max_length: length(max_length),
        },
        FieldKind::Email => FieldType::Email,
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
            "MEF 6.4: entre {} y {} debe haber al menos 7 días (7 × 24 horas; 72 horas si el pase es urgente), y la ejecución se programa a partir de las 20:00 horas (la ventana puede pasar la medianoche).",
            label(request),
            label(execution)
        ),
        Rule::BusinessDeadline(rule) => format!(
            "Plazo: {} vence {} {} después de {} (calendario de {}, sin fines de semana, feriados ni días no laborables de la oficina){}.",
            label(&rule.due),
            rule.days,
            if rule.days == 1 { "día útil" } else { "días útiles" },
            label(&rule.from),
            template.country.name(),
            match &rule.when {
                Some(when) => format!(
                    "; se aplica {}",
                    crate::form::condition::describe(when, |id| template
                        .field(id)
                        .map(|f| f.label.clone())
                        .unwrap_or_else(|| id.to_string()))
                ),
                None => String::new(),
            }
        ),
        Rule::SigUrgentSkips { urgent } => format!(
            "PSDT-13: si {} es «Sí», la publicación es urgente y este correo no se envía.",
            label(urgent)
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
