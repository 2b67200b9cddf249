//! Actas's persistent state: one SQLite file holding the documents and their
//! correlative numbers, every revision of every PDF, the people who sign, and
//! a hash-chained audit log.
//!
//! [`Store::open`] creates the file if needed, sets the connection up (WAL,
//! foreign keys, a 30 s busy timeout, `synchronous = NORMAL`) and applies the
//! migrations in [`schema`]. Every write is one transaction that also appends
//! its audit row, so the log and the data cannot disagree. Several processes
//! may share the file: writes take the lock with `BEGIN IMMEDIATE` and wait
//! for each other up to the busy timeout.
//!
//! The store keeps bytes and facts; it does not render, sign or verify PDFs,
//! and it does not know templates beyond their id and version.
//!
//! Document numbers are `AAAA-NNN` per (series, year). Since each template
//! may have its own series, the same number may exist in two series; every
//! method taking a number accepts `2026-001` when it is unambiguous and
//! `serie/2026-001` always.

mod audit;
mod documents;
mod drafts;
mod error;
mod people;
pub mod registers;
pub mod schema;
mod settings;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use sha2::{Digest, Sha256};

pub use audit::{
    row_hash, AuditProblem, AuditReport, ACTION_DOCUMENT_CREATE, ACTION_DOCUMENT_REVISE,
    ACTION_PERSON_ADD, GENESIS_HASH,
};
pub use documents::{
    format_number, DocumentRecord, DocumentSummary, NewDocument, Revision, RevisionInfo,
    StoredDocument,
};
pub use drafts::Draft;
pub use error::StoreError;
pub use people::{NewPerson, Person, SYSTEM_ACTOR};
pub use settings::{
    NewTrustRoot, TrustRoot, ACTION_SETTINGS_UPDATE, ACTION_TRUST_ROOT_ADD,
    ACTION_TRUST_ROOT_REMOVE,
};

/// How long a write waits for another process's lock before giving up with
/// [`StoreError::Busy`].
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The office-wide correlative register: the series every template numbers
/// in unless it declares its own. A plain `AAAA-NNN` names a document here.
pub const REGISTER_SERIES: &str = "general";

/// An open Actas database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens the database at `path`, creating its folder and the file when
    /// missing, and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|err| StoreError::CreateDir {
                dir: dir.to_path_buf(),
                reason: error::one_line(&err.to_string()),
            })?;
        }
        let mut conn = Connection::open(path).map_err(|err| {
            match error::sqlite_error(path, "abrir", err) {
                StoreError::Sqlite { reason, .. } => StoreError::Open {
                    path: path.to_path_buf(),
                    reason,
                },
                other => other,
            }
        })?;
        let setup = error::on(path, "configurar la conexión");
        conn.busy_timeout(BUSY_TIMEOUT).map_err(&setup)?;
        // Read-only checks before anything writes to the file.
        schema::check_identity(&conn, path)?;
        enable_wal(&conn, path)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(&setup)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(&setup)?;
        schema::migrate(&mut conn, path)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    #[cfg(test)]
    fn set_busy_timeout(&self, timeout: Duration) {
        self.conn.busy_timeout(timeout).unwrap();
    }
}

/// Switches the file to WAL (a persistent setting: a no-op once done).
///
/// The switch needs an exclusive lock and SQLite does not always wait for it
/// through the busy handler (two processes opening a new file at once), so
/// it is retried here for up to [`BUSY_TIMEOUT`].
fn enable_wal(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let setup = error::on(path, "activar el modo WAL");
    let deadline = Instant::now() + BUSY_TIMEOUT;
    loop {
        let mode = conn
            .pragma_query_value(None, "journal_mode", |row| row.get::<_, String>(0))
            .and_then(|mode| {
                if mode.eq_ignore_ascii_case("wal") {
                    Ok(mode)
                } else {
                    conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
                }
            });
        match mode {
            Ok(mode) if mode.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(mode) => {
                return Err(StoreError::Open {
                    path: path.to_path_buf(),
                    reason: format!("no admite el modo WAL (modo {mode})"),
                })
            }
            Err(err) if error::is_busy(&err) && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(err) => return Err(setup(err)),
        }
    }
}

/// SHA-256 of `bytes` as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Helpers shared by the store's tests.
    use super::*;
    use chrono::{DateTime, FixedOffset};

    pub fn open_in(dir: &tempfile::TempDir) -> Store {
        Store::open(&dir.path().join("actas.db")).unwrap()
    }

    pub fn at() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-03-15T10:00:00-05:00").unwrap()
    }

    pub fn new_doc(series: &str, year: i32) -> NewDocument {
        NewDocument {
            series: series.into(),
            year,
            template_id: "senace-acta-instalacion".into(),
            template_version: "01".into(),
            title: "Acta de instalación de software".into(),
            status: "borrador".into(),
            data: serde_json::json!({"sistema": "SIGED", "fecha": "2026-03-15"}),
            actor: "ana.quispe".into(),
            at: at(),
        }
    }

    /// Creates a document whose PDF names its number; returns the number.
    pub fn create(store: &mut Store, series: &str, year: i32) -> String {
        store
            .create_document(&new_doc(series, year), |number| {
                Ok::<_, StoreError>(format!("%PDF-1.7 {number}").into_bytes())
            })
            .unwrap()
            .number
    }

    pub fn person() -> NewPerson {
        NewPerson {
            given_names: "Edgar Martín".into(),
            paternal_surname: "Salvatierra".into(),
            maternal_surname: "Núñez".into(),
            cargo: "Especialista en Calidad de Software".into(),
            area: "Oficina de Tecnologías de la Información".into(),
            email: "esalvatierra@example.gob.pe".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn open_creates_folders_and_sets_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a").join("b").join("actas.db");
        let store = Store::open(&path).unwrap();
        assert!(path.is_file());
        assert_eq!(store.path(), path);
        let mode: String = store
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = store
            .conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let sync: i64 = store
            .conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 1, "NORMAL");
    }

    #[test]
    fn unopenable_path_says_so() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the file should be.
        let path = dir.path().join("actas.db");
        std::fs::create_dir(&path).unwrap();
        let err = Store::open(&path).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with(&format!(
                "no se puede abrir la base de datos {}",
                path.display()
            )),
            "{text}"
        );
        assert!(!text.contains('\n'));
    }

    #[test]
    fn folder_that_cannot_be_created_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("archivo");
        std::fs::write(&file, b"x").unwrap();
        let err = Store::open(&file.join("actas.db")).unwrap_err();
        assert!(
            err.to_string().starts_with("no se puede crear la carpeta"),
            "{err}"
        );
    }

    #[test]
    fn locked_database_is_reported_as_busy() {
        let dir = tempfile::tempdir().unwrap();
        let mut holder = open_in(&dir);
        let mut waiter = open_in(&dir);
        waiter.set_busy_timeout(Duration::from_millis(50));
        let tx = holder
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .unwrap();
        let err = waiter.add_person(&person(), at()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "la base de datos {} está bloqueada por otro proceso",
                dir.path().join("actas.db").display()
            )
        );
        let err = waiter
            .create_document(&new_doc("s", 2026), |_| Ok::<_, StoreError>(vec![1]))
            .unwrap_err();
        assert!(matches!(err, StoreError::Busy { .. }), "{err:?}");
        drop(tx);
        // Reads are not blocked by a writer in WAL mode, and nothing was consumed.
        assert!(waiter.list_documents().unwrap().is_empty());
        assert_eq!(create(&mut waiter, "s", 2026), "2026-001");
    }

    #[test]
    fn sha256_hex_is_lowercase_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
