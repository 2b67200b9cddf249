//! Audit checkpoints: the head of the audit chain (last row id and hash)
//! signed with the office seal — the archivist's certificate, the one that
//! seals bundles — so that deleting the last rows of the log, which leaves a
//! valid shorter chain, is noticed; and the checks of `audit verify` that
//! compare the tables with what the log says (document status, settings,
//! trust roots), so a change made directly in SQL without its audit row is
//! noticed too.
//!
//! A checkpoint signs the UTF-8 text [`Checkpoint::content`]
//! (`actas-audit-checkpoint-v1`, the row id, its hash and the instant, one
//! per line) with a detached CAdES signature; anyone can check it with
//! `openssl cms -verify -binary -inform DER -content <text>`. Checkpoints are
//! kept in `audit_checkpoints` (no update, no delete), recorded by their own
//! audit row, and carried in every bundle (`bundle::export`) so a copy lives
//! outside the database. This module does not load certificates; the caller
//! passes a signing function (`sign::cms::CmsSigner`).

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use openssl::cms::{CMSOptions, CmsContentInfo};
use serde::{Deserialize, Serialize};

use super::audit::{self, AuditProblem, Entry, Logged};
use super::db::{args, DbError, Row, Tx};
use super::error::{on, StoreError};
use super::{sha256_hex, Store, SYSTEM_ACTOR};

/// Audit action of a checkpoint.
pub const ACTION_AUDIT_CHECKPOINT: &str = "audit.checkpoint";

/// The chain's head as sealed by the office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub id: i64,
    /// The last audit row covered (0: the empty log).
    pub audit_id: i64,
    /// That row's hash.
    pub head_hash: String,
    /// RFC 3339.
    pub at: String,
    /// The seal's certificate subject.
    pub signer: String,
    /// DER CMS (detached) over [`Checkpoint::content`], base64 in JSON.
    #[serde(with = "base64_bytes")]
    pub signature: Vec<u8>,
}

impl Checkpoint {
    /// The signed text.
    pub fn content(&self) -> String {
        content(self.audit_id, &self.head_hash, &self.at)
    }

    /// Checks the CMS signature over [`Checkpoint::content`] (integrity and
    /// the signer's key; trust in the seal is the bundle verifier's job).
    pub fn signature_holds(&self) -> bool {
        let Ok(mut cms) = CmsContentInfo::from_der(&self.signature) else {
            return false;
        };
        let flags = CMSOptions::BINARY | CMSOptions::NO_SIGNER_CERT_VERIFY;
        cms.verify(None, None, Some(self.content().as_bytes()), None, flags)
            .is_ok()
    }
}

fn content(audit_id: i64, head_hash: &str, at: &str) -> String {
    format!("actas-audit-checkpoint-v1\n{audit_id}\n{head_hash}\n{at}\n")
}

impl Store {
    /// Seals the chain's current head: `seal(content)` returns the DER CMS
    /// signature and the signer's subject. The checkpoint and its audit row
    /// are written in one transaction. When nothing was logged since the
    /// last checkpoint (its own audit row is the head), that checkpoint is
    /// returned instead: the same head is not sealed twice, and two exports
    /// of the same documents stay byte-identical.
    pub fn add_checkpoint<E: From<StoreError>>(
        &mut self,
        at: DateTime<FixedOffset>,
        seal: impl FnOnce(&[u8]) -> Result<(Vec<u8>, String), E>,
    ) -> Result<Checkpoint, E> {
        self.write("sellar el registro de auditoría", |tx, path| {
            let save = on(path, "sellar el registro de auditoría");
            let last = tx
                .query_opt(
                    "SELECT action, subject FROM audit_log ORDER BY id DESC LIMIT 1",
                    &[],
                )
                .map_err(&save)?;
            if let Some(row) = last {
                let action: String = row.get(0).map_err(&save)?;
                let subject: String = row.get(1).map_err(&save)?;
                if action == ACTION_AUDIT_CHECKPOINT {
                    let existing = read_checkpoints(tx).map_err(&save)?;
                    if let Some(found) = existing.into_iter().find(|c| c.id.to_string() == subject)
                    {
                        return Ok(found);
                    }
                }
            }
            let head = tx
                .query_opt(
                    "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
                    &[],
                )
                .map_err(&save)?;
            let (audit_id, head_hash) = match head {
                Some(row) => (
                    row.get::<i64>(0).map_err(&save)?,
                    row.get::<String>(1).map_err(&save)?,
                ),
                None => (0, audit::GENESIS_HASH.to_string()),
            };
            let at_text = at.to_rfc3339();
            let (signature, signer) = seal(content(audit_id, &head_hash, &at_text).as_bytes())?;
            let id: i64 = tx
                .scalar(
                    "INSERT INTO audit_checkpoints (audit_id, head_hash, at, signer, signature)
                     VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                    args![audit_id, &head_hash, &at_text, &signer, &signature],
                )
                .map_err(&save)?;
            audit::append(
                tx,
                path,
                Entry {
                    at: &at,
                    actor: SYSTEM_ACTOR,
                    action: ACTION_AUDIT_CHECKPOINT,
                    subject: &id.to_string(),
                    detail: serde_json::json!({
                        "audit_id": audit_id,
                        "head_hash": head_hash,
                        "signer": signer,
                    }),
                },
            )?;
            Ok(Checkpoint {
                id,
                audit_id,
                head_hash,
                at: at_text,
                signer,
                signature,
            })
        })
    }

    /// Every checkpoint, oldest first.
    pub fn checkpoints(&self) -> Result<Vec<Checkpoint>, StoreError> {
        self.read("leer los puntos de control", |tx, path| {
            read_checkpoints(tx).map_err(on(path, "leer los puntos de control"))
        })
    }
}

fn read_checkpoints(tx: &mut Tx<'_>) -> Result<Vec<Checkpoint>, DbError> {
    tx.query(
        "SELECT id, audit_id, head_hash, at, signer, signature FROM audit_checkpoints ORDER BY id",
        &[],
    )?
    .into_iter()
    .map(|mut row: Row| {
        Ok(Checkpoint {
            id: row.get(0)?,
            audit_id: row.get(1)?,
            head_hash: row.get(2)?,
            at: row.get(3)?,
            signer: row.get(4)?,
            signature: row.take(5)?,
        })
    })
    .collect()
}

/// The checks of `audit verify` beyond the chain itself: every checkpoint
/// still matches the chain (rows after one were not deleted) and its
/// signature holds; document status, settings and trust roots are what
/// their last audit rows say. `head` is the chain's last (id, hash).
pub(crate) fn check_state(
    tx: &mut Tx<'_>,
    path: &Path,
    logged: &Logged,
    head: (i64, String),
    problems: &mut Vec<AuditProblem>,
) -> Result<(), StoreError> {
    let read = on(path, "verificar el registro de auditoría");
    let mut problem = |reason: String| problems.push(AuditProblem { row_id: 0, reason });
    for checkpoint in read_checkpoints(tx).map_err(&read)? {
        let id = checkpoint.id;
        if checkpoint.audit_id > head.0 {
            problem(format!(
                "faltan los registros {} a {} posteriores al punto de control {id} sellado por \
                 {} el {} (la cadena termina en el {})",
                head.0 + 1,
                checkpoint.audit_id,
                checkpoint.signer,
                checkpoint.at,
                head.0
            ));
        } else if checkpoint.audit_id > 0
            && logged.hashes.get(&checkpoint.audit_id) != Some(&checkpoint.head_hash)
        {
            problem(format!(
                "el registro {} no coincide con el punto de control {id} (la cadena fue reescrita)",
                checkpoint.audit_id
            ));
        }
        if !checkpoint.signature_holds() {
            problem(format!(
                "la firma del punto de control {id} no es válida para su contenido"
            ));
        }
    }
    let documents = tx
        .query(
            "SELECT series, number, status FROM documents ORDER BY id",
            &[],
        )
        .map_err(&read)?;
    for row in documents {
        let (series, number, status): (String, String, String) = (
            row.get(0).map_err(&read)?,
            row.get(1).map_err(&read)?,
            row.get(2).map_err(&read)?,
        );
        match logged.status.get(&(series.clone(), number.clone())) {
            Some(audited) if *audited == status => {}
            Some(audited) => problem(format!(
                "el estado del documento {series}/{number} es «{status}» pero su último registro \
                 de auditoría dice «{audited}» (cambió sin registro)"
            )),
            // A document without any audit row is reported by its revisions.
            None => {}
        }
    }
    for row in tx
        .query("SELECT key, value FROM settings ORDER BY key", &[])
        .map_err(&read)?
    {
        let (key, value): (String, String) =
            (row.get(0).map_err(&read)?, row.get(1).map_err(&read)?);
        match logged.settings.get(&key) {
            None => problem(format!("el ajuste «{key}» no tiene registro de auditoría")),
            Some(Some(sha)) if *sha != sha256_hex(value.as_bytes()) => problem(format!(
                "el ajuste «{key}» cambió sin registro de auditoría"
            )),
            Some(_) => {}
        }
    }
    let mut roots_seen = std::collections::HashSet::new();
    for row in tx
        .query("SELECT id, subject FROM trust_roots ORDER BY id", &[])
        .map_err(&read)?
    {
        let (id, subject): (i64, String) = (row.get(0).map_err(&read)?, row.get(1).map_err(&read)?);
        roots_seen.insert(id.to_string());
        if !logged.trust_roots.contains(&id.to_string()) {
            problem(format!(
                "el certificado raíz {id} ({subject}) no tiene registro de auditoría"
            ));
        }
    }
    let mut removed: Vec<&String> = logged
        .trust_roots
        .iter()
        .filter(|id| !roots_seen.contains(*id))
        .collect();
    removed.sort();
    for id in removed {
        problem(format!(
            "el certificado raíz {id} fue quitado sin registro de auditoría"
        ));
    }
    Ok(())
}

mod base64_bytes {
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use openssl::pkey::{PKey, Private};
    use openssl::x509::X509;

    /// A throwaway seal: a self-signed certificate and its key.
    fn seal_identity() -> (X509, PKey<Private>) {
        use openssl::{asn1::Asn1Time, hash::MessageDigest, rsa::Rsa, x509::X509NameBuilder};
        let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
        let mut name = X509NameBuilder::new().unwrap();
        name.append_entry_by_text("CN", "Archivo de prueba")
            .unwrap();
        let name = name.build();
        let mut cert = X509::builder().unwrap();
        cert.set_version(2).unwrap();
        cert.set_subject_name(&name).unwrap();
        cert.set_issuer_name(&name).unwrap();
        cert.set_pubkey(&key).unwrap();
        cert.set_not_before(&Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        cert.set_not_after(&Asn1Time::days_from_now(30).unwrap())
            .unwrap();
        cert.sign(&key, MessageDigest::sha256()).unwrap();
        (cert.build(), key)
    }

    fn seal(store: &mut Store) -> Checkpoint {
        let (cert, key) = seal_identity();
        store
            .add_checkpoint(at(), |content| {
                let flags = CMSOptions::DETACHED | CMSOptions::BINARY;
                let cms = CmsContentInfo::sign(Some(&cert), Some(&key), None, Some(content), flags)
                    .unwrap();
                Ok::<_, StoreError>((cms.to_der().unwrap(), "CN=Archivo de prueba".into()))
            })
            .unwrap()
    }

    fn reasons(store: &Store) -> Vec<String> {
        store
            .verify_audit()
            .unwrap()
            .problems
            .into_iter()
            .map(|p| p.reason)
            .collect()
    }

    fn a_trimmed_log_is_caught_by_the_checkpoint(db: TestDb) {
        let mut store = db.open();
        for _ in 0..3 {
            create(&mut store, "s", 2026);
        }
        let checkpoint = seal(&mut store);
        assert_eq!(checkpoint.audit_id, 3);
        assert!(checkpoint.signature_holds());
        assert_eq!(store.checkpoints().unwrap(), vec![checkpoint.clone()]);
        assert!(reasons(&store).is_empty(), "{:?}", reasons(&store));

        // Deleting the last rows leaves a valid, shorter chain; the
        // revisions check flags the documents, and the checkpoint the rows.
        store.drop_trigger("audit_log", "audit_log_no_delete");
        store
            .raw_execute("DELETE FROM audit_log WHERE id >= 3")
            .unwrap();
        let found = reasons(&store);
        assert!(
            found
                .iter()
                .any(|r| r.contains("faltan los registros 3 a 3 posteriores al punto de control")),
            "{found:?}"
        );
        // A forged signature does not hold.
        let mut forged = checkpoint.clone();
        forged.head_hash = "0".repeat(64);
        assert!(!forged.signature_holds());
    }

    fn changes_without_their_audit_row_are_reported(db: TestDb) {
        let mut store = db.open();
        let number = create(&mut store, "s", 2026);
        store.set_settings(&[("entidad", "Senace")], at()).unwrap();
        assert!(reasons(&store).is_empty(), "{:?}", reasons(&store));
        store
            .raw_execute("UPDATE settings SET value = 'Otra' WHERE key = 'entidad'")
            .unwrap();
        store
            .raw_execute("INSERT INTO settings (key, value) VALUES ('ubicacion', 'Lima')")
            .unwrap();
        store
            .raw_execute(&format!(
                "UPDATE documents SET status = 'firmado' WHERE number = '{number}'"
            ))
            .unwrap();
        store
            .raw_execute(
                "INSERT INTO trust_roots (sha256, subject, not_after, der, added_at)
                 SELECT 'abababababababababababababababababababababababababababababababab',
                        'CN=Intrusa', '2036', pdf, 'x' FROM revisions LIMIT 1",
            )
            .unwrap();
        let found = reasons(&store);
        for expected in [
            "el ajuste «entidad» cambió sin registro de auditoría",
            "el ajuste «ubicacion» no tiene registro de auditoría",
            "el estado del documento s/2026-001 es «firmado»",
            "(CN=Intrusa) no tiene registro de auditoría",
        ] {
            assert!(
                found.iter().any(|r| r.contains(expected)),
                "{expected}: {found:?}"
            );
        }
    }

    on_both_engines!(
        a_trimmed_log_is_caught_by_the_checkpoint,
        changes_without_their_audit_row_are_reported,
    );
}
