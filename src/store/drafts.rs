//! Form drafts: what the desktop window autosaves while a coordinator fills
//! a form, so nothing typed is lost when the window closes.
//!
//! A draft is scratch work, not a record: it has no number, it is not in the
//! audit log, and it is deleted once its document is created. The data is
//! kept as the JSON the form editor holds (possibly invalid); validating it
//! is `form`'s job, not the store's.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde_json::Value as Json;

use super::db::{args, DbError, Row};
use super::error::{on, StoreError};
use super::Store;

/// A saved draft.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub id: i64,
    pub template_id: String,
    pub data: Json,
    pub created_at: String,
    pub updated_at: String,
}

impl Store {
    /// Saves `data` as draft `id` (updating it) or as a new draft when `id`
    /// is `None` or no longer exists; returns the saved draft.
    pub fn save_draft(
        &mut self,
        id: Option<i64>,
        template_id: &str,
        data: &Json,
        at: DateTime<FixedOffset>,
    ) -> Result<Draft, StoreError> {
        if template_id.trim().is_empty() {
            return Err(StoreError::Invalid {
                context: "no se puede guardar el borrador",
                reason: "falta el formulario".into(),
            });
        }
        let text = data.to_string();
        let now = at.to_rfc3339();
        let id = self.write("guardar el borrador", |tx, path| {
            let save = on(path, "guardar el borrador");
            let updated = match id {
                Some(id) => tx
                    .execute(
                        "UPDATE drafts SET template_id = ?2, data = ?3, updated_at = ?4 WHERE id = ?1",
                        args![id, template_id, &text, &now],
                    )
                    .map_err(&save)?,
                None => 0,
            };
            match (id, updated) {
                (Some(id), 1) => Ok(id),
                _ => tx
                    .scalar(
                        "INSERT INTO drafts (template_id, data, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?3) RETURNING id",
                        args![template_id, &text, &now],
                    )
                    .map_err(&save),
            }
        })?;
        self.draft(id)
    }

    /// The draft `id`.
    pub fn draft(&self, id: i64) -> Result<Draft, StoreError> {
        self.read("leer el borrador", |tx, path| {
            let read = on(path, "leer el borrador");
            let row = tx
                .query_opt(
                    "SELECT id, template_id, data, created_at, updated_at FROM drafts WHERE id = ?1",
                    args![id],
                )
                .map_err(&read)?;
            let Some(row) = row else {
                return Err(StoreError::Invalid {
                    context: "no se puede abrir el borrador",
                    reason: format!("el borrador {id} no existe"),
                });
            };
            draft_row(&row, path).map_err(|e| e.unwrap_or_else(&read))
        })
    }

    /// Every draft, the most recently edited first.
    pub fn drafts(&self) -> Result<Vec<Draft>, StoreError> {
        self.read("leer los borradores", |tx, path| {
            let read = on(path, "leer los borradores");
            tx.query(
                "SELECT id, template_id, data, created_at, updated_at FROM drafts
                 ORDER BY updated_at DESC, id DESC",
                &[],
            )
            .map_err(&read)?
            .iter()
            .map(|row| draft_row(row, path).map_err(|e| e.unwrap_or_else(&read)))
            .collect()
        })
    }

    /// Deletes draft `id` (no error when it is already gone).
    pub fn delete_draft(&mut self, id: i64) -> Result<(), StoreError> {
        self.write("borrar el borrador", |tx, path| {
            tx.execute("DELETE FROM drafts WHERE id = ?1", args![id])
                .map_err(on(path, "borrar el borrador"))?;
            Ok(())
        })
    }
}

/// A draft row; `Err(Ok(_))` when its data is not JSON, `Err(Err(_))` on a column error.
fn draft_row(row: &Row, path: &Path) -> Result<Draft, Result<StoreError, DbError>> {
    let id: i64 = row.get(0).map_err(Err)?;
    let data: String = row.get(2).map_err(Err)?;
    let data = serde_json::from_str(&data).map_err(|e| {
        Ok(StoreError::Inconsistent {
            path: path.to_path_buf(),
            reason: format!("el borrador {id} no es JSON válido: {e}"),
        })
    })?;
    Ok(Draft {
        id,
        template_id: row.get(1).map_err(Err)?,
        data,
        created_at: row.get(3).map_err(Err)?,
        updated_at: row.get(4).map_err(Err)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    fn drafts_are_saved_updated_listed_and_deleted(db: TestDb) {
        let mut store = db.open();
        let first = store
            .save_draft(None, "mef-anexo-11-1", &json!({"sistema": "SIAF"}), at())
            .unwrap();
        let second = store
            .save_draft(None, "senace-acta-instalacion", &json!({}), at())
            .unwrap();
        assert_ne!(first.id, second.id);
        let edited = store
            .save_draft(
                Some(first.id),
                "mef-anexo-11-1",
                &json!({"sistema": "SIGA"}),
                at(),
            )
            .unwrap();
        assert_eq!(edited.id, first.id);
        assert_eq!(edited.data, json!({"sistema": "SIGA"}));
        assert_eq!(store.drafts().unwrap().len(), 2);
        store.delete_draft(first.id).unwrap();
        store.delete_draft(first.id).unwrap();
        assert_eq!(store.drafts().unwrap().len(), 1);
        assert!(store
            .draft(first.id)
            .unwrap_err()
            .to_string()
            .contains("no existe"));
        // Saving over a deleted draft makes a new one rather than failing.
        let again = store
            .save_draft(Some(first.id), "mef-anexo-11-1", &json!({}), at())
            .unwrap();
        assert_ne!(again.id, first.id);
    }

    on_both_engines!(drafts_are_saved_updated_listed_and_deleted,);
}
