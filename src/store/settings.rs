//! The office's settings and the trust roots the verifier accepts.
//!
//! Settings are key/value text (entity profile, default signature location):
//! the store neither knows nor checks their meaning. Trust roots are kept as
//! the certificate's DER with its subject, expiry and SHA-256, which the
//! caller works out (the store does not parse certificates). Changing either
//! appends an audit row: which root an office trusts decides which
//! signatures it accepts, so it must be traceable. Secrets never go here.

use chrono::{DateTime, FixedOffset};

use super::audit::{self, Entry};
use super::db::{args, DbError, Tx};
use super::error::{on, StoreError};
use super::{sha256_hex, Store, SYSTEM_ACTOR};

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
        self.read("leer la configuración", |tx, path| {
            let read = on(path, "leer la configuración");
            tx.query_opt("SELECT value FROM settings WHERE key = ?1", args![key])
                .map_err(&read)?
                .map(|row| row.get(0))
                .transpose()
                .map_err(&read)
        })
    }

    /// Sets every `(key, value)` in one transaction with one audit row
    /// naming the keys and the SHA-256 of each value (not the values), so
    /// `audit verify` notices a value changed without it.
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
                        args![key, value],
                    )
                    .map_err(save)?;
                }
                let keys: Vec<&str> = values.iter().map(|(k, _)| *k).collect();
                let hashes: serde_json::Map<String, serde_json::Value> = values
                    .iter()
                    .map(|(k, v)| (k.to_string(), sha256_hex(v.as_bytes()).into()))
                    .collect();
                Ok((
                    (),
                    "configuración".into(),
                    serde_json::json!({ "keys": keys, "values": hashes }),
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
                let id: i64 = tx
                    .scalar(
                        "INSERT INTO trust_roots (sha256, subject, not_after, der, added_at)
                         VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                        args![
                            root.sha256,
                            root.subject,
                            root.not_after,
                            root.der,
                            &at.to_rfc3339()
                        ],
                    )
                    .map_err(save)?;
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
        self.read("leer los certificados raíz", |tx, path| {
            let read = on(path, "leer los certificados raíz");
            tx.query(
                "SELECT id, sha256, subject, not_after, der, added_at FROM trust_roots ORDER BY id",
                &[],
            )
            .map_err(&read)?
            .into_iter()
            .map(|mut row| {
                Ok(TrustRoot {
                    id: row.get(0)?,
                    sha256: row.get(1)?,
                    subject: row.get(2)?,
                    not_after: row.get(3)?,
                    der: row.take(4)?,
                    added_at: row.get(5)?,
                })
            })
            .collect::<Result<Vec<_>, DbError>>()
            .map_err(&read)
        })
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
                    .query_opt("SELECT subject FROM trust_roots WHERE id = ?1", args![id])
                    .map_err(save)?
                    .map(|row| row.get(0))
                    .transpose()
                    .map_err(save)?;
                let Some(subject) = subject else {
                    return Err(StoreError::Invalid {
                        context: "no se puede quitar el certificado raíz",
                        reason: format!("no hay un certificado raíz con id {id}"),
                    });
                };
                tx.execute("DELETE FROM trust_roots WHERE id = ?1", args![id])
                    .map_err(save)?;
                Ok((
                    (),
                    id.to_string(),
                    serde_json::json!({ "subject": subject }),
                ))
            },
        )
    }

    /// One audited change: `change` runs inside a write transaction and
    /// returns its result with the audit row's subject and detail; the row
    /// is appended and everything commits together (or nothing does).
    fn audited_write<T>(
        &mut self,
        action: &'static str,
        doing: &'static str,
        at: DateTime<FixedOffset>,
        change: impl FnOnce(
            &mut Tx<'_>,
            &dyn Fn(DbError) -> StoreError,
        ) -> Result<(T, String, serde_json::Value), StoreError>,
    ) -> Result<T, StoreError> {
        self.write(doing, |tx, path| {
            let save = on(path, doing);
            let (result, subject, detail) = change(tx, &save)?;
            audit::append(
                tx,
                path,
                Entry {
                    at: &at,
                    actor: SYSTEM_ACTOR,
                    action,
                    subject: &subject,
                    detail,
                },
            )?;
            Ok(result)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn settings_and_trust_roots_round_trip_with_audit(db: TestDb) {
        let mut store = db.open();
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

    on_both_engines!(settings_and_trust_roots_round_trip_with_audit,);
}
