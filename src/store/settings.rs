//! The office's settings and the trust roots the verifier accepts.
//!
//! Settings are key/value text (entity profile, default signature location):
//! the store neither knows nor checks their meaning. Trust roots are kept as
//! the certificate's DER with its subject, expiry and SHA-256, which the
//! caller works out (the store does not parse certificates). Changing either
//! appends an audit row: which root an office trusts decides which
//! signatures it accepts, so it must be traceable. Secrets never go here.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};

use super::audit::{self, Entry};
use super::error::{on, StoreError};
use super::{Store, SYSTEM_ACTOR};

/// Audit actions of this module.
pub const ACTION_SETTINGS_UPDATE: &str = "settings.update";
pub const ACTION_TRUST_ROOT_ADD: &str = "trust_root.add";
pub const ACTION_TRUST_ROOT_REMOVE: &str = "trust_root.remove";

/// A trusted root certificate, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustRoot {
    pub id: i64,
    pub sha256: String,
    pub subject: String,
    /// RFC 3339.
    pub not_after: String,
    pub der: Vec<u8>,
    pub added_at: String,
}

/// A root to add: the caller has parsed the certificate.
#[derive(Debug, Clone)]
pub struct NewTrustRoot<'a> {
    pub sha256: &'a str,
    pub subject: &'a str,
    pub not_after: &'a str,
    pub der: &'a [u8],
}

impl Store {
    /// The value of setting `key`, if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()
            .map_err(on(self.path.as_path(), "leer la configuración"))
    }

    /// Sets every `(key, value)` in one transaction with one audit row
    /// naming the keys (not the values).
    pub fn set_settings(
        &mut self,
        values: &[(&str, &str)],
        at: DateTime<FixedOffset>,
    ) -> Result<(), StoreError> {
        self.audited_write(
            ACTION_SETTINGS_UPDATE,
            "guardar la configuración",
            at,
            |tx, save| {
                for (key, value) in values {
                    tx.execute(
                        "INSERT INTO settings (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        params![key, value],
                    )
                    .map_err(save)?;
                }
                let keys: Vec<&str> = values.iter().map(|(k, _)| *k).collect();
                Ok((
                    (),
                    "configuración".into(),
                    serde_json::json!({ "keys": keys }),
                ))
            },
        )
    }

    /// Adds a trust root; adding one already present (same SHA-256) returns it unchanged.
    pub fn add_trust_root(
        &mut self,
        root: &NewTrustRoot<'_>,
        at: DateTime<FixedOffset>,
    ) -> Result<TrustRoot, StoreError> {
        if let Some(existing) = self
            .trust_roots()?
            .into_iter()
            .find(|r| r.sha256 == root.sha256)
        {
            return Ok(existing);
        }
        let id = self.audited_write(
            ACTION_TRUST_ROOT_ADD,
            "guardar el certificado raíz",
            at,
            |tx, save| {
                tx.execute(
                    "INSERT INTO trust_roots (sha256, subject, not_after, der, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        root.sha256,
                        root.subject,
                        root.not_after,
                        root.der,
                        at.to_rfc3339()
                    ],
                )
                .map_err(save)?;
                let id = tx.last_insert_rowid();
                let detail = serde_json::json!({ "subject": root.subject, "sha256": root.sha256 });
                Ok((id, id.to_string(), detail))
            },
        )?;
        self.trust_roots()?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| StoreError::Inconsistent {
                path: self.path.clone(),
                reason: format!("el certificado raíz {id} no se encuentra tras guardarlo"),
            })
    }

    /// Every trust root, in the order they were added.
    pub fn trust_roots(&self) -> Result<Vec<TrustRoot>, StoreError> {
        let read = on(self.path.as_path(), "leer los certificados raíz");
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, sha256, subject, not_after, der, added_at FROM trust_roots ORDER BY id",
            )
            .map_err(&read)?;
        let rows = stmt
            .query_map([], |row| {
                Ok(TrustRoot {
                    id: row.get(0)?,
                    sha256: row.get(1)?,
                    subject: row.get(2)?,
                    not_after: row.get(3)?,
                    der: row.get(4)?,
                    added_at: row.get(5)?,
                })
            })
            .map_err(&read)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(&read)
    }

    /// Removes trust root `id`, with its audit row.
    pub fn remove_trust_root(
        &mut self,
        id: i64,
        at: DateTime<FixedOffset>,
    ) -> Result<(), StoreError> {
        self.audited_write(
            ACTION_TRUST_ROOT_REMOVE,
            "quitar el certificado raíz",
            at,
            |tx, save| {
                let subject: Option<String> = tx
                    .query_row(
                        "SELECT subject FROM trust_roots WHERE id = ?1",
                        [id],
                        |row| row.get(0),
                    )
                    .optional()
                    .map_err(save)?;
                let Some(subject) = subject else {
                    return Err(StoreError::Invalid {
                        context: "no se puede quitar el certificado raíz",
                        reason: format!("no hay un certificado raíz con id {id}"),
                    });
                };
                tx.execute("DELETE FROM trust_roots WHERE id = ?1", [id])
                    .map_err(save)?;
                Ok((
                    (),
                    id.to_string(),
                    serde_json::json!({ "subject": subject }),
                ))
            },
        )
    }

    /// One audited change: `change` runs inside an immediate transaction and
    /// returns its result with the audit row's subject and detail; the row
    /// is appended and everything commits together (or nothing does).
    fn audited_write<T>(
        &mut self,
        action: &'static str,
        doing: &'static str,
        at: DateTime<FixedOffset>,
        change: impl FnOnce(
            &Transaction<'_>,
            &dyn Fn(rusqlite::Error) -> StoreError,
        ) -> Result<(T, String, serde_json::Value), StoreError>,
    ) -> Result<T, StoreError> {
        let path = self.path.as_path();
        let save = on(path, doing);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&save)?;
        let (result, subject, detail) = change(&tx, &save)?;
        audit::append(
            &tx,
            path,
            Entry {
                at: &at,
                actor: SYSTEM_ACTOR,
                action,
                subject: &subject,
                detail,
            },
        )?;
        tx.commit().map_err(&save)?;
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn settings_and_trust_roots_round_trip_with_audit() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = open_in(&dir);
        assert_eq!(store.setting("entidad").unwrap(), None);
        store
            .set_settings(&[("entidad", "Senace"), ("ubicacion", "Lima, Perú")], at())
            .unwrap();
        store.set_settings(&[("entidad", "MEF")], at()).unwrap();
        assert_eq!(store.setting("entidad").unwrap().as_deref(), Some("MEF"));
        assert_eq!(
            store.setting("ubicacion").unwrap().as_deref(),
            Some("Lima, Perú")
        );

        let sha = "ab".repeat(32);
        let root = NewTrustRoot {
            sha256: &sha,
            subject: "CN=Raíz de prueba",
            not_after: "2036-01-01T00:00:00+00:00",
            der: b"\x30\x03\x02\x01\x01",
        };
        let added = store.add_trust_root(&root, at()).unwrap();
        let again = store.add_trust_root(&root, at()).unwrap();
        assert_eq!(added, again);
        assert_eq!(store.trust_roots().unwrap().len(), 1);
        store.remove_trust_root(added.id, at()).unwrap();
        assert!(store.trust_roots().unwrap().is_empty());
        assert!(store.remove_trust_root(added.id, at()).is_err());
        let report = store.verify_audit().unwrap();
        assert!(report.is_intact(), "{:?}", report.problems);
        assert_eq!(report.rows, 4);
    }
}
