//! A stored document after it was saved: «Duplicar» starts a new draft of
//! the same form from its data (the next Anexo of a series is mostly the
//! previous one), and «Anular» closes it with a reason.
//!
//! A duplicate keeps what usually repeats — the system, the people and
//! signers, the tables' rows — and leaves empty what belongs to one
//! document only: every date, date-time and hour (in tables too), the
//! reference numbers it quotes (fields `numero` / `numero_…`), the values a
//! rule computes and the secrets (tokens are issued per request). The draft
//! is validated like any other when it becomes a document, with a new
//! correlative.
//!
//! An annulled document is kept with all its revisions and marked
//! `anulado`; the store records the reason and audits it, and refuses any
//! further revision (see `store::annulments`). Neither operation renders or
//! signs anything.

use serde_json::{Map, Value as Json};

use super::Service;
use crate::error::ActasError;
use crate::store::{Annulment, Draft, Store, STATUS_ANNULLED};
use crate::template::{FieldKind, Template};

impl Service {
    /// Saves a new draft of `reference`'s form with its data, less what
    /// belongs to that document only ([`duplicate_data`]).
    pub fn duplicate(&self, store: &mut Store, reference: &str) -> Result<Draft, ActasError> {
        let record = store.document(reference)?;
        let template = self
            .catalogue
            .get_or_load(&record.template_id)?
            .ok_or_else(|| {
                ActasError::Other(format!(
                    "no se puede duplicar {reference}: su formulario «{}» no está en el catálogo",
                    record.template_id
                ))
            })?;
        let data = duplicate_data(&template, &record.data);
        Ok(store.save_draft(None, &record.template_id, &data, self.clock.now())?)
    }

    /// Annuls `reference` for `reason` (required), recorded as `actor`.
    pub fn annul(
        &self,
        store: &mut Store,
        reference: &str,
        reason: &str,
        actor: &str,
    ) -> Result<Annulment, ActasError> {
        Ok(store.annul_document(reference, reason, actor, self.clock.now())?)
    }

    /// Refuses to go on with an annulled document (before a certificate is
    /// even opened).
    pub fn refuse_if_annulled(&self, store: &Store, reference: &str) -> Result<(), ActasError> {
        if store.document(reference)?.status == STATUS_ANNULLED {
            let reason = store
                .annulment(reference)?
                .map(|a| format!(" ({})", a.reason))
                .unwrap_or_default();
            return Err(ActasError::Refused(format!(
                "el documento {reference} está anulado{reason}: ya no admite firmas"
            )));
        }
        Ok(())
    }
}

/// `data` with the values of one document only left out: dates, date-times
/// and hours (in tables too), reference numbers (`numero`, `numero_…`),
/// computed values and secrets. Keys the template does not know are
/// dropped too; the rest is kept as it is.
pub fn duplicate_data(template: &Template, data: &Json) -> Json {
    let Some(source) = data.as_object() else {
        return Json::Object(Map::new());
    };
    let mut out = Map::new();
    for field in template.fields() {
        if field.computed || is_reference_number(&field.id) {
            continue;
        }
        let Some(value) = source.get(&field.id) else {
            continue;
        };
        match &field.kind {
            kind if one_document_only(kind) => {}
            FieldKind::Table { columns, .. } => {
                let rows = value
                    .as_array()
                    .map(|rows| {
                        rows.iter()
                            .map(|row| {
                                let mut kept = Map::new();
                                for column in columns {
                                    if one_document_only(&column.kind)
                                        || is_reference_number(&column.id)
                                    {
                                        continue;
                                    }
                                    if let Some(cell) = row.get(&column.id) {
                                        kept.insert(column.id.clone(), cell.clone());
                                    }
                                }
                                Json::Object(kept)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                out.insert(field.id.clone(), Json::Array(rows));
            }
            _ => {
                out.insert(field.id.clone(), value.clone());
            }
        }
    }
    Json::Object(out)
}

fn one_document_only(kind: &FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::Date | FieldKind::DateTime | FieldKind::Time | FieldKind::Secret { .. }
    )
}

/// `numero`, `numero_instalacion`, `numero_help_desk`…: the number of this
/// request, installation or ticket, which the next document will not share.
fn is_reference_number(id: &str) -> bool {
    id == "numero" || id.starts_with("numero_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::load_catalogue;
    use serde_json::json;
    use std::path::Path;

    #[test]
    fn a_duplicate_keeps_what_repeats_and_clears_dates_numbers_and_secrets() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let catalogue = load_catalogue(&dir).unwrap();
        let template = catalogue.get("senace-acta-instalacion").unwrap();
        let example: Json = serde_json::from_str(
            &std::fs::read_to_string(dir.join("examples/senace-acta-instalacion.json")).unwrap(),
        )
        .unwrap();
        let copy = duplicate_data(template, &example);
        let copy = copy.as_object().unwrap();
        let mut kept = 0;
        for field in template.fields() {
            let original = example.get(&field.id);
            let duplicated = copy.get(&field.id);
            match &field.kind {
                FieldKind::Date | FieldKind::DateTime | FieldKind::Time => {
                    assert_eq!(duplicated, None, "{} is a date: cleared", field.id)
                }
                _ if is_reference_number(&field.id) => {
                    assert_eq!(duplicated, None, "{} is a number: cleared", field.id)
                }
                FieldKind::Table { columns, .. } => {
                    for row in duplicated.and_then(|r| r.as_array()).into_iter().flatten() {
                        for column in columns {
                            if matches!(column.kind, FieldKind::Date | FieldKind::DateTime) {
                                assert!(row.get(&column.id).is_none(), "{}", column.id);
                            }
                        }
                    }
                }
                _ if original.is_some() => {
                    assert_eq!(duplicated, original, "{} is kept", field.id);
                    kept += 1;
                }
                _ => {}
            }
        }
        assert!(kept >= 5, "most of the form is kept ({kept} fields)");
        assert!(
            example.get("numero_instalacion").is_some(),
            "the example has one"
        );
        assert!(copy.get("numero_instalacion").is_none());
        assert_eq!(
            copy.get("denominacion_software"),
            example.get("denominacion_software")
        );
    }

    #[test]
    fn not_an_object_gives_an_empty_draft() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let catalogue = load_catalogue(&dir).unwrap();
        let template = catalogue.get("senace-acta-instalacion").unwrap();
        assert_eq!(duplicate_data(template, &json!([1, 2])), json!({}));
    }
}
