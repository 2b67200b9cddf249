//! Form drafts: what the desktop window autosaves while a coordinator fills
//! a form, so nothing typed is lost when the window closes.
//!
//! A draft is scratch work, not a record: it has no number, it is not in the
//! audit log, and it is deleted once its document is created. The data is
//! kept as the JSON the form editor holds (possibly invalid); validating it
//! is `form`'s job, not the store's.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, OptionalExtension};
use serde_json::Value as Json;

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
        let save = on(self.path.as_path(), "guardar el borrador");
        let text = data.to_string();
        let now = at.to_rfc3339();
        let updated = match id {
            Some(id) => self
                .conn
                .execute(
                    "UPDATE drafts SET template_id = ?2, data = ?3, updated_at = ?4 WHERE id = ?1",
                    params![id, template_id, text, now],
                )
                .map_err(&save)?,
            None => 0,
        };
        let id = match (id, updated) {
            (Some(id), 1) => id,
            _ => {
                self.conn
                    .execute(
                        "INSERT INTO drafts (template_id, data, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?3)",
                        params![template_id, text, now],
                    )
                    .map_err(&save)?;
                self.conn.last_insert_rowid()
            }
        };
        self.draft(id)
    }

    /// The draft `id`.
    pub fn draft(&self, id: i64) -> Result<Draft, StoreError> {
        let read = on(self.path.as_path(), "leer el borrador");
        let row = self
            .conn
            .query_row(
                "SELECT id, template_id, data, created_at, updated_at FROM drafts WHERE id = ?1",
                [id],
                |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                    ))
                },
            )
            .optional()
            .map_err(&read)?;
        let Some((id, template_id, data, created_at, updated_at)) = row else {
            return Err(StoreError::Invalid {
                context: "no se puede abrir el borrador",
                reason: format!("el borrador {id} no existe"),
            });
        };
        let data = serde_json::from_str(&data).map_err(|e| StoreError::Inconsistent {
            path: self.path.clone(),
            reason: format!("el borrador {id} no es JSON válido: {e}"),
        })?;
        Ok(Draft {
            id,
            template_id,
            data,
            created_at,
            updated_at,
        })
    }

    /// Every draft, the most recently edited first.
    pub fn drafts(&self) -> Result<Vec<Draft>, StoreError> {
        let read = on(self.path.as_path(), "leer los borradores");
        let ids: Vec<i64> = self
            .conn
            .prepare("SELECT id FROM drafts ORDER BY updated_at DESC, id DESC")
            .and_then(|mut stmt| {
                stmt.query_map([], |row| row.get(0))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(&read)?;
        ids.into_iter().map(|id| self.draft(id)).collect()
    }

    /// Deletes draft `id` (no error when it is already gone).
    pub fn delete_draft(&mut self, id: i64) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM drafts WHERE id = ?1", [id])
            .map_err(on(self.path.as_path(), "borrar el borrador"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    #[test]
    fn drafts_are_saved_updated_listed_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = open_in(&dir);
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
}
