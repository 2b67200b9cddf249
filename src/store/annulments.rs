//! Annulling a stored document: it is kept with every revision, its status
//! becomes [`STATUS_ANNULLED`], the reason (with who and when) is kept in
//! the append-only `annulments` table and the audit log gets a
//! `document.annul` row — all in one transaction. An annulled document
//! takes no further revision (no signature, no received copy); see
//! `Store::add_revision_on`. Its PDFs are untouched, so verifying a copy
//! gives the same verdict as before.
//!
//! This module does not decide who may annul; the front doors record the
//! actor they are given.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::audit::{self, Entry};
use super::db::{args, DbError};
use super::documents::find_document;
use super::error::{on, StoreError};
use super::Store;

/// Audit action of an annulment.
pub const ACTION_DOCUMENT_ANNUL: &str = "document.annul";

/// The status of an annulled document.
pub const STATUS_ANNULLED: &str = "anulado";

/// Why, by whom and when a document was annulled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Annulment {
    pub reason: String,
    pub actor: String,
    /// RFC 3339.
    pub at: String,
}

impl Store {
    /// Annuls the document `number` (`2026-001` or `serie/2026-001`) for
    /// `reason`. Refused without a reason, and for a document already
    /// annulled.
    pub fn annul_document(
        &mut self,
        number: &str,
        reason: &str,
        actor: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<Annulment, StoreError> {
        let reason = reason.trim();
        let refuse = |reason: String| StoreError::Invalid {
            context: "no se puede anular el documento",
            reason,
        };
        if reason.is_empty() {
            return Err(refuse("falta el motivo de la anulación".into()));
        }
        if reason.contains(['\n', '\r']) {
            return Err(refuse("el motivo debe escribirse en una sola línea".into()));
        }
        if actor.trim().is_empty() {
            return Err(refuse("falta quién lo anula".into()));
        }
        self.write("anular el documento", |tx, path| {
            let save = on(path, "anular el documento");
            let id = find_document(tx, path, number)?;
            let row = tx
                .query_one(
                    "SELECT series, number, status FROM documents WHERE id = ?1",
                    args![id],
                )
                .map_err(&save)?;
            let series: String = row.get(0).map_err(&save)?;
            let plain_number: String = row.get(1).map_err(&save)?;
            let status: String = row.get(2).map_err(&save)?;
            if status == STATUS_ANNULLED {
                return Err(refuse(format!("el documento {number} ya está anulado")));
            }
            let at_text = at.to_rfc3339();
            tx.execute(
                "INSERT INTO annulments (document_id, reason, actor, at) VALUES (?1, ?2, ?3, ?4)",
                args![id, reason, actor, &at_text],
            )
            .map_err(&save)?;
            tx.execute(
                "UPDATE documents SET status = ?1 WHERE id = ?2",
                args![STATUS_ANNULLED, id],
            )
            .map_err(&save)?;
            audit::append(
                tx,
                path,
                Entry {
                    at: &at,
                    actor,
                    action: ACTION_DOCUMENT_ANNUL,
                    subject: &plain_number,
                    detail: serde_json::json!({
                        "series": series,
                        "previous_status": status,
                        "reason": reason,
                    }),
                },
            )?;
            Ok(Annulment {
                reason: reason.to_string(),
                actor: actor.to_string(),
                at: at_text,
            })
        })
    }

    /// The annulment of document `number`, if it was annulled.
    pub fn annulment(&self, number: &str) -> Result<Option<Annulment>, StoreError> {
        self.read("leer la anulación", |tx, path| {
            let id = find_document(tx, path, number)?;
            let read = on(path, "leer la anulación");
            let row = tx
                .query_opt(
                    "SELECT reason, actor, at FROM annulments WHERE document_id = ?1",
                    args![id],
                )
                .map_err(&read)?;
            row.map(|row| -> Result<Annulment, DbError> {
                Ok(Annulment {
                    reason: row.get(0)?,
                    actor: row.get(1)?,
                    at: row.get(2)?,
                })
            })
            .transpose()
            .map_err(&read)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn annulled_document_is_kept_marked_audited_and_closed(db: TestDb) {
        let mut store = db.open();
        let number = create(&mut store, "general", 2026);
        let before = store.latest_revision(&number).unwrap();

        // No reason, no annulment.
        for blank in ["", "   "] {
            let err = store
                .annul_document(&number, blank, "ana", at())
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                "no se puede anular el documento: falta el motivo de la anulación"
            );
        }
        assert_ne!(store.document(&number).unwrap().status, STATUS_ANNULLED);
        assert_eq!(store.annulment(&number).unwrap(), None);

        let done = store
            .annul_document(&number, " Duplicado por error ", "ana", at())
            .unwrap();
        assert_eq!(done.reason, "Duplicado por error");
        assert_eq!(store.document(&number).unwrap().status, STATUS_ANNULLED);
        assert_eq!(store.annulment(&number).unwrap(), Some(done));
        // Kept: the same revision, the same bytes.
        assert_eq!(store.latest_revision(&number).unwrap(), before);
        assert_eq!(store.list_documents().unwrap().len(), 1);

        // Audited in the chain, with the reason.
        assert_eq!(
            store.raw_text("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1"),
            ACTION_DOCUMENT_ANNUL
        );
        assert!(store
            .raw_text("SELECT detail FROM audit_log ORDER BY id DESC LIMIT 1")
            .contains("Duplicado por error"));
        assert!(store.verify_audit().unwrap().is_intact());

        // Closed: no second annulment, no new revision.
        let err = store
            .annul_document(&number, "otra vez", "ana", at())
            .unwrap_err();
        assert!(err.to_string().contains("ya está anulado"), "{err}");
        let err = store
            .add_revision(
                &number,
                b"%PDF-1.7 firmado",
                "firmado",
                "firma:x:y",
                "ana",
                at(),
            )
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("no se puede añadir la revisión: el documento {number} está anulado")
        );
        assert_eq!(store.document(&number).unwrap().revisions, 1);

        // The table refuses a rewrite even by hand.
        assert!(store
            .raw_execute("UPDATE annulments SET reason = 'otro'")
            .is_err());
        assert!(store.raw_execute("DELETE FROM annulments").is_err());
    }

    fn unknown_document_cannot_be_annulled(db: TestDb) {
        let mut store = db.open();
        let err = store
            .annul_document("2026-999", "motivo", "ana", at())
            .unwrap_err();
        assert!(err.to_string().contains("2026-999"), "{err}");
    }

    on_both_engines!(
        annulled_document_is_kept_marked_audited_and_closed,
        unknown_document_cannot_be_annulled,
    );
}
