//! The audit log: an append-only, hash-chained record of every change the
//! store makes, and its verification.
//!
//! Each row is `(id, at, actor, action, subject, detail, prev_hash, hash)`.
//! Ids are 1, 2, 3 … without gaps. `prev_hash` is the previous row's `hash`
//! (64 zeros for row 1) and `hash` is the SHA-256, lowercase hex, of the
//! compact UTF-8 JSON array `[id, at, actor, action, subject, detail,
//! prev_hash]` (`id` a JSON number, the rest JSON strings as `serde_json`
//! writes them), so anyone can recompute it outside Actas. Triggers refuse
//! UPDATE and DELETE and any insert that is not the next link of the chain.
//!
//! Rows are written only by the store's own operations, in the same
//! transaction as the change they record. `detail` is a small JSON object
//! built by the store from what the caller passed (series, revision, SHA-256,
//! status, note, title; a person's name, cargo and área). Form data is never
//! copied into the log, and the store does not inspect what it is given: a
//! caller must not pass secrets (tokens, passwords) as a title, note, status
//! or actor, because they would be kept here for good.
//!
//! [`Store::verify_audit`] recomputes the chain and also checks that every
//! stored revision and person has its audit row and that every PDF still
//! matches its SHA-256, so removing the last rows of the log or swapping a
//! PDF does not go unnoticed. It does not protect against someone who
//! rewrites the whole database consistently; that needs the chain head kept
//! elsewhere (a signed export, for instance).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::db::{args, DbError, Tx};
use super::error::{on, StoreError};
use super::{sha256_hex, Store};

/// `prev_hash` of the first row.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Action codes written by the store.
pub const ACTION_DOCUMENT_CREATE: &str = "document.create";
pub const ACTION_DOCUMENT_REVISE: &str = "document.revise";
pub const ACTION_PERSON_ADD: &str = "person.add";
/// A document received from elsewhere, stored with the number it carries.
pub const ACTION_DOCUMENT_RECEIVE: &str = "document.receive";
/// A signed PDF imported as the next revision of a stored document.
pub const ACTION_DOCUMENT_IMPORT: &str = "document.import";

/// The outcome of [`Store::verify_audit`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// Audit rows read.
    pub rows: u64,
    /// Everything found wrong; empty means the chain is intact.
    pub problems: Vec<AuditProblem>,
}

impl AuditReport {
    /// True when nothing is wrong.
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// One thing wrong with the audit log or with what it vouches for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditProblem {
    /// The audit row concerned; 0 when the problem is not in one row (a
    /// revision or person whose audit row is missing, a PDF that changed).
    pub row_id: i64,
    /// What is wrong, in Spanish.
    pub reason: String,
}

/// A row to append; the id and hashes are worked out by [`append`].
pub(crate) struct Entry<'a> {
    pub at: &'a DateTime<FixedOffset>,
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: serde_json::Value,
}

/// Appends `entry` at the end of the chain. Call inside the write
/// transaction of the change it records.
pub(crate) fn append(tx: &mut Tx<'_>, path: &Path, entry: Entry<'_>) -> Result<i64, StoreError> {
    let write = on(path, "escribir el registro de auditoría");
    let last: Option<(i64, String)> = tx
        .query_opt(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
            &[],
        )
        .map_err(&write)?
        .map(|row| Ok::<_, DbError>((row.get(0)?, row.get(1)?)))
        .transpose()
        .map_err(&write)?;
    let (id, prev_hash) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS_HASH.to_string()),
    };
    let at = entry.at.to_rfc3339();
    let detail = entry.detail.to_string();
    let hash = row_hash(
        id,
        &at,
        entry.actor,
        entry.action,
        entry.subject,
        &detail,
        &prev_hash,
    );
    tx.execute(
        "INSERT INTO audit_log (id, at, actor, action, subject, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        args![
            id,
            &at,
            entry.actor,
            entry.action,
            entry.subject,
            &detail,
            &prev_hash,
            &hash
        ],
    )
    .map_err(&write)?;
    Ok(id)
}

/// The hash of one row (see the module documentation for the canonical form).
pub fn row_hash(
    id: i64,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
    prev_hash: &str,
) -> String {
    let canonical = serde_json::json!([id, at, actor, action, subject, detail, prev_hash]);
    sha256_hex(canonical.to_string().as_bytes())
}

/// What a document audit row vouches for: (series, number, revision, sha256).
type RevisionKey = (String, String, i64, String);

impl Store {
    /// Recomputes every hash of the audit log, checks every `prev_hash` link
    /// and that ids run 1, 2, 3 … (a deleted row leaves a gap), then checks
    /// that each revision and person has its audit row and that each PDF
    /// still matches its SHA-256. Problems are reported, not raised; an `Err`
    /// means the database could not be read.
    pub fn verify_audit(&self) -> Result<AuditReport, StoreError> {
        self.read("verificar el registro de auditoría", |tx, path| {
            let read = on(path, "verificar el registro de auditoría");
            let mut problems = Vec::new();
            let mut rows = 0u64;
            let mut logged = Logged::default();
            let log = tx
                .query(
                    "SELECT id, at, actor, action, subject, detail, prev_hash, hash
                     FROM audit_log ORDER BY id",
                    &[],
                )
                .map_err(&read)?;
            let mut expected_id = 1i64;
            let mut expected_prev = GENESIS_HASH.to_string();
            for row in &log {
                rows += 1;
                let id: i64 = row.get(0).map_err(&read)?;
                let at: String = row.get(1).map_err(&read)?;
                let actor: String = row.get(2).map_err(&read)?;
                let action: String = row.get(3).map_err(&read)?;
                let subject: String = row.get(4).map_err(&read)?;
                let detail: String = row.get(5).map_err(&read)?;
                let prev_hash: String = row.get(6).map_err(&read)?;
                let hash: String = row.get(7).map_err(&read)?;

                if id != expected_id {
                    let reason = if id > expected_id + 1 {
                        format!(
                            "faltan los registros {expected_id} a {} (fueron borrados)",
                            id - 1
                        )
                    } else if id > expected_id {
                        format!("falta el registro {expected_id} (fue borrado)")
                    } else {
                        format!("número de registro fuera de orden (se esperaba {expected_id})")
                    };
                    problems.push(AuditProblem { row_id: id, reason });
                } else if prev_hash != expected_prev {
                    problems.push(AuditProblem {
                        row_id: id,
                        reason: if id == 1 {
                            "el primer registro no empieza la cadena (hash anterior distinto de ceros)"
                                .into()
                        } else {
                            format!(
                                "el hash anterior no coincide con el del registro {}",
                                id - 1
                            )
                        },
                    });
                }
                let recomputed = row_hash(id, &at, &actor, &action, &subject, &detail, &prev_hash);
                if recomputed != hash {
                    problems.push(AuditProblem {
                        row_id: id,
                        reason: "el contenido del registro fue modificado (su hash no coincide)"
                            .into(),
                    });
                }
                logged.note(&action, &subject, &detail);
                logged.hashes.insert(id, hash.clone());
                expected_id = id + 1;
                expected_prev = hash;
            }
            let head = (expected_id - 1, expected_prev);
            check_revisions(tx, path, &logged.revisions, &mut problems)?;
            check_people(tx, path, &logged.people, &mut problems)?;
            super::checkpoint::check_state(tx, path, &logged, head, &mut problems)?;
            Ok(AuditReport { rows, problems })
        })
    }
}

/// What the audit log vouches for, gathered while the chain is read, to
/// cross-check the tables against it.
#[derive(Debug, Default)]
pub(crate) struct Logged {
    /// Every revision an audit row records.
    pub revisions: HashSet<RevisionKey>,
    /// Ids of the people added.
    pub people: HashSet<String>,
    /// (series, number) → the status its last audit row set.
    pub status: HashMap<(String, String), String>,
    /// Setting key → SHA-256 of the value its last audit row set (`None`
    /// when the row predates values being recorded).
    pub settings: HashMap<String, Option<String>>,
    /// Ids of the trust roots added and not removed.
    pub trust_roots: HashSet<String>,
    /// Every row's hash by id (checkpoints name one).
    pub hashes: HashMap<i64, String>,
}

impl Logged {
    /// Remembers what one audit row vouches for.
    fn note(&mut self, action: &str, subject: &str, detail: &str) {
        let Ok(detail) = serde_json::from_str::<serde_json::Value>(detail) else {
            return;
        };
        let text = |key: &str| detail.get(key).and_then(|v| v.as_str());
        match action {
            ACTION_DOCUMENT_CREATE
            | ACTION_DOCUMENT_REVISE
            | ACTION_DOCUMENT_RECEIVE
            | ACTION_DOCUMENT_IMPORT => {
                let revision = detail.get("revision").and_then(|v| v.as_i64());
                if let (Some(series), Some(revision), Some(sha256)) =
                    (text("series"), revision, text("sha256"))
                {
                    self.revisions.insert((
                        series.to_string(),
                        subject.to_string(),
                        revision,
                        sha256.to_string(),
                    ));
                    if let Some(status) = text("status") {
                        self.status
                            .insert((series.to_string(), subject.to_string()), status.into());
                    }
                }
            }
            super::ACTION_DOCUMENT_ANNUL => {
                if let Some(series) = text("series") {
                    self.status.insert(
                        (series.to_string(), subject.to_string()),
                        super::STATUS_ANNULLED.into(),
                    );
                }
            }
            ACTION_PERSON_ADD => {
                self.people.insert(subject.to_string());
            }
            super::ACTION_SETTINGS_UPDATE => {
                let values = detail.get("values").and_then(|v| v.as_object());
                for key in detail
                    .get("keys")
                    .and_then(|v| v.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|k| k.as_str())
                {
                    let sha = values
                        .and_then(|v| v.get(key))
                        .and_then(|v| v.as_str())
                        .map(str::to_string);
                    self.settings.insert(key.to_string(), sha);
                }
            }
            super::ACTION_TRUST_ROOT_ADD => {
                self.trust_roots.insert(subject.to_string());
            }
            super::ACTION_TRUST_ROOT_REMOVE => {
                self.trust_roots.remove(subject);
            }
            _ => {}
        }
    }
}

/// Revisions read per query while checking their PDFs (bounded memory).
const REVISION_BATCH: i64 = 64;

/// Every revision must be vouched for by an audit row and still hash to its SHA-256.
fn check_revisions(
    tx: &mut Tx<'_>,
    path: &Path,
    logged: &HashSet<RevisionKey>,
    problems: &mut Vec<AuditProblem>,
) -> Result<(), StoreError> {
    let read = on(path, "verificar las revisiones");
    let mut after = 0i64;
    loop {
        let batch = tx
            .query(
                "SELECT r.id, d.series, d.number, r.revision, r.sha256, r.pdf
                 FROM revisions r JOIN documents d ON d.id = r.document_id
                 WHERE r.id > ?1 ORDER BY r.id LIMIT ?2",
                args![after, REVISION_BATCH],
            )
            .map_err(&read)?;
        if batch.is_empty() {
            return Ok(());
        }
        for mut row in batch {
            after = row.get(0).map_err(&read)?;
            let series: String = row.get(1).map_err(&read)?;
            let number: String = row.get(2).map_err(&read)?;
            let revision: i64 = row.get(3).map_err(&read)?;
            let sha256: String = row.get(4).map_err(&read)?;
            let pdf: Vec<u8> = row.take(5).map_err(|err| StoreError::Inconsistent {
                path: path.to_path_buf(),
                reason: format!(
                    "la revisión {revision} del documento {number} no es un PDF: {err}"
                ),
            })?;
            if sha256_hex(&pdf) != sha256 {
                problems.push(AuditProblem {
                    row_id: 0,
                    reason: format!(
                        "el PDF de la revisión {revision} del documento {series}/{number} fue \
                         alterado (no coincide con su SHA-256)"
                    ),
                });
            }
            let key = (series, number, revision, sha256);
            if !logged.contains(&key) {
                let (series, number, revision, _) = key;
                problems.push(AuditProblem {
                    row_id: 0,
                    reason: format!(
                        "la revisión {revision} del documento {series}/{number} no tiene su \
                         registro de auditoría"
                    ),
                });
            }
        }
    }
}

/// Every person must be vouched for by an audit row.
fn check_people(
    tx: &mut Tx<'_>,
    path: &Path,
    logged: &HashSet<String>,
    problems: &mut Vec<AuditProblem>,
) -> Result<(), StoreError> {
    let read = on(path, "verificar las personas");
    for row in tx
        .query("SELECT id FROM people ORDER BY id", &[])
        .map_err(&read)?
    {
        let id: i64 = row.get(0).map_err(&read)?;
        if !logged.contains(&id.to_string()) {
            problems.push(AuditProblem {
                row_id: 0,
                reason: format!("la persona {id} no tiene su registro de auditoría"),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn genesis_is_64_zeros() {
        assert_eq!(GENESIS_HASH.len(), 64);
        assert!(GENESIS_HASH.bytes().all(|b| b == b'0'));
    }

    #[test]
    fn hash_is_over_the_documented_canonical_form() {
        let canonical = r#"[1,"2026-03-15T10:00:00-05:00","ana","person.add","1","{}","0000000000000000000000000000000000000000000000000000000000000000"]"#;
        assert_eq!(
            row_hash(
                1,
                "2026-03-15T10:00:00-05:00",
                "ana",
                "person.add",
                "1",
                "{}",
                GENESIS_HASH
            ),
            sha256_hex(canonical.as_bytes())
        );
    }

    fn chain_of_a_busy_store_verifies(db: TestDb) {
        let mut store = db.open();
        let empty = store.verify_audit().unwrap();
        assert_eq!(empty.rows, 0);
        assert!(empty.is_intact());
        populate(&mut store);
        let report = store.verify_audit().unwrap();
        assert_eq!(report.rows, 5);
        assert!(report.is_intact(), "{:?}", report.problems);
    }

    /// Three documents, a revision and a person: audit rows 1..=5.
    fn populate(store: &mut Store) {
        create(store, "s", 2026);
        create(store, "s", 2026);
        let number = create(store, "s", 2026);
        store
            .add_revision(&number, b"%PDF-2", "firmado", "firma 1", "ana", at())
            .unwrap();
        store.add_person(&person(), at()).unwrap();
    }

    fn audit_rows_cannot_be_updated_or_deleted(db: TestDb) {
        let mut store = db.open();
        populate(&mut store);
        let update = store
            .raw_execute("UPDATE audit_log SET actor = 'x' WHERE id = 1")
            .unwrap_err();
        assert!(update.to_string().contains("no se modifica"), "{update}");
        let delete = store
            .raw_execute("DELETE FROM audit_log WHERE id = 5")
            .unwrap_err();
        assert!(delete.to_string().contains("no se borra"), "{delete}");
        let forged = store
            .raw_execute("INSERT INTO audit_log VALUES (9, 'a', 'b', 'c', 'd', '{}', 'x', 'y')")
            .unwrap_err();
        assert!(
            forged.to_string().contains("al final de la cadena"),
            "{forged}"
        );
    }

    fn hand_edited_row_is_reported_with_its_id(db: TestDb) {
        let mut store = db.open();
        populate(&mut store);
        store.drop_trigger("audit_log", "audit_log_no_update");
        store
            .raw_execute("UPDATE audit_log SET detail = '{\"note\":\"otra cosa\"}' WHERE id = 2")
            .unwrap();
        let report = store.verify_audit().unwrap();
        assert_eq!(report.rows, 5);
        let rows: Vec<i64> = report.problems.iter().map(|p| p.row_id).collect();
        // Row 2 no longer hashes right; and revision 1 of document 2 lost its voucher.
        assert!(rows.contains(&2), "{:?}", report.problems);
        assert!(report
            .problems
            .iter()
            .any(|p| p.row_id == 2 && p.reason.contains("fue modificado")));
        assert!(!rows.contains(&3), "{:?}", report.problems);
    }

    fn deleted_row_is_detected(db: TestDb) {
        let mut store = db.open();
        populate(&mut store);
        store.drop_trigger("audit_log", "audit_log_no_delete");
        store
            .raw_execute("DELETE FROM audit_log WHERE id = 3")
            .unwrap();
        let report = store.verify_audit().unwrap();
        assert_eq!(report.rows, 4);
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.row_id == 4 && p.reason.contains("falta el registro 3")),
            "{:?}",
            report.problems
        );
        assert!(report
            .problems
            .iter()
            .any(|p| p.row_id == 0 && p.reason.contains("s/2026-003")));
    }

    fn truncated_tail_is_detected(db: TestDb) {
        let mut store = db.open();
        populate(&mut store);
        store.drop_trigger("audit_log", "audit_log_no_delete");
        store
            .raw_execute("DELETE FROM audit_log WHERE id >= 4")
            .unwrap();
        let report = store.verify_audit().unwrap();
        let reasons: Vec<&str> = report.problems.iter().map(|p| p.reason.as_str()).collect();
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("revisión 2 del documento s/2026-003")),
            "{reasons:?}"
        );
        assert!(
            reasons.iter().any(|r| r.contains("la persona 1")),
            "{reasons:?}"
        );
    }

    fn swapped_pdf_is_detected(db: TestDb) {
        let mut store = db.open();
        populate(&mut store);
        store.drop_trigger("revisions", "revisions_no_update");
        store
            .raw_execute(
                "UPDATE revisions SET pdf = substr(pdf, 1, 1) WHERE revision = 1 AND document_id = 1",
            )
            .unwrap();
        let report = store.verify_audit().unwrap();
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.reason.contains("s/2026-001 fue alterado")),
            "{:?}",
            report.problems
        );
    }

    on_both_engines!(
        chain_of_a_busy_store_verifies,
        audit_rows_cannot_be_updated_or_deleted,
        hand_edited_row_is_reported_with_its_id,
        deleted_row_is_detected,
        truncated_tail_is_detected,
        swapped_pdf_is_detected,
    );
}
