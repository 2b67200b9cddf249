//! Actas's persistent state: the documents and their correlative numbers,
//! every revision of every PDF, the people who sign, the registers, the
//! settings and trust roots, and a hash-chained audit log — in one SQLite
//! file (the default) or in a PostgreSQL database that every workstation of
//! an office shares (`postgres://user@host:port/db`, see `pg.rs`).
//!
//! [`Store::open`] creates the SQLite file if needed, sets the connection up
//! (WAL, foreign keys, a 30 s busy timeout, `synchronous = FULL`: a commit
//! the command reported survives a power cut, see docs/architecture.md) and
//! applies the migrations in [`schema`]; on PostgreSQL it connects and
//! applies `schema_pg`. Both engines run the same SQL through `db::Tx`.
//! Every write is one transaction that also appends its audit row, so the
//! log and the data cannot disagree. Writers are serialised: SQLite's
//! `BEGIN IMMEDIATE`, PostgreSQL's transaction-scoped advisory lock; both
//! wait up to [`BUSY_TIMEOUT`].
//!
//! The store keeps bytes and facts; it does not render, sign or verify PDFs,
//! and it does not know templates beyond their id and version.
//!
//! Document numbers are `AAAA-NNN` per (series, year). Since each template
//! may have its own series, the same number may exist in two series; every
//! method taking a number accepts `2026-001` when it is unambiguous and
//! `serie/2026-001` always.

mod annulments;
mod audit;
mod checkpoint;
pub(crate) mod db;
mod documents;
mod drafts;
mod error;
mod people;
mod pg;
pub mod registers;
pub mod schema;
mod schema_pg;
mod search;
mod settings;
#[doc(hidden)]
pub mod testing;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, TransactionBehavior};
use sha2::{Digest, Sha256};

pub use db::Engine;
use db::Tx;
pub use pg::is_postgres_url;

pub use annulments::{Annulment, ACTION_DOCUMENT_ANNUL, STATUS_ANNULLED};
pub use audit::{
    row_hash, AuditProblem, AuditReport, ACTION_DOCUMENT_CREATE, ACTION_DOCUMENT_IMPORT,
    ACTION_DOCUMENT_RECEIVE, ACTION_DOCUMENT_REVISE, ACTION_PERSON_ADD, GENESIS_HASH,
};
pub use checkpoint::{Checkpoint, ACTION_AUDIT_CHECKPOINT};
pub use documents::{
    format_number, DocumentFilter, DocumentRecord, DocumentSummary, NewDocument, NewRevision,
    Revision, RevisionInfo, StoredDocument,
};
pub use drafts::Draft;
pub use error::StoreError;
pub use people::{
    NewPerson, Person, PersonRole, ACTION_PERSON_ACTIVE, ACTION_PERSON_ROLE, ACTION_PERSON_UPDATE,
    SYSTEM_ACTOR,
};
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
pub struct Store {
    conn: Conn,
    /// The SQLite file, or the server's address without password.
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// The connection of either engine. The PostgreSQL client needs `&mut` even
/// to read; the store's reads take `&self`, hence the `RefCell` (a store is
/// used by one thread at a time, like a SQLite connection).
enum Conn {
    Sqlite(Connection),
    Pg(RefCell<postgres::Client>),
}

impl Store {
    /// Opens the database at `path` — a SQLite file, created with its folder
    /// when missing, or a `postgres://` / `postgresql://` address — and
    /// brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(url) = path.to_str().filter(|p| is_postgres_url(p)) {
            let (client, server) = pg::open(url)?;
            return Ok(Store {
                conn: Conn::Pg(RefCell::new(client)),
                path: PathBuf::from(server),
            });
        }
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
        let setup = error::on_sqlite(path, "configurar la conexión");
        conn.busy_timeout(BUSY_TIMEOUT).map_err(&setup)?;
        // Read-only checks before anything writes to the file.
        schema::check_identity(&conn, path)?;
        enable_wal(&conn, path)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(&setup)?;
        // FULL: in WAL mode every commit syncs the WAL before it returns,
        // so a document, number or audit row the command reported as saved
        // survives a power cut (NORMAL may lose the last commits).
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(&setup)?;
        schema::migrate(&mut conn, path)?;
        Ok(Store {
            conn: Conn::Sqlite(conn),
            path: path.to_path_buf(),
        })
    }

    /// The database file, or the PostgreSQL server's address (no password).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The engine this store runs on.
    pub fn engine(&self) -> Engine {
        match self.conn {
            Conn::Sqlite(_) => Engine::Sqlite,
            Conn::Pg(_) => Engine::Postgres,
        }
    }

    /// Sets SQLite pragmas for this connection (no-op on PostgreSQL).
    pub(crate) fn sqlite_pragmas(&self, pragmas: &[(&str, &str)]) -> Result<(), StoreError> {
        if let Conn::Sqlite(conn) = &self.conn {
            for (name, value) in pragmas {
                conn.execute_batch(&format!("PRAGMA {name} = {value}"))
                    .map_err(error::on_sqlite(&self.path, "configurar la conexión"))?;
            }
        }
        Ok(())
    }

    /// Runs `read` in one read-only transaction: a consistent snapshot
    /// even while other processes write.
    pub(crate) fn read<T>(
        &self,
        action: &'static str,
        read: impl FnOnce(&mut Tx<'_>, &Path) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let path = self.path.as_path();
        let fail = error::on(path, action);
        match &self.conn {
            Conn::Sqlite(conn) => {
                let tx = conn.unchecked_transaction().map_err(|e| fail(e.into()))?;
                let mut tx = Tx::Sqlite(tx);
                read(&mut tx, path)
            }
            Conn::Pg(client) => {
                let mut client = client.borrow_mut();
                let tx = client
                    .build_transaction()
                    .isolation_level(postgres::IsolationLevel::RepeatableRead)
                    .read_only(true)
                    .start()
                    .map_err(|e| fail(e.into()))?;
                let mut tx = Tx::Pg(tx);
                read(&mut tx, path)
            }
        }
    }

    /// Runs `change` in one write transaction, serialised with every other
    /// writer of the database, and commits it when `change` succeeds.
    pub(crate) fn write<T, E: From<StoreError>>(
        &mut self,
        action: &'static str,
        change: impl FnOnce(&mut Tx<'_>, &Path) -> Result<T, E>,
    ) -> Result<T, E> {
        let path = self.path.as_path();
        let fail = error::on(path, action);
        let mut tx = match &mut self.conn {
            Conn::Sqlite(conn) => Tx::Sqlite(
                conn.transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(|e| fail(e.into()))?,
            ),
            Conn::Pg(client) => {
                let mut tx = Tx::Pg(client.get_mut().transaction().map_err(|e| fail(e.into()))?);
                tx.execute(pg::WRITER_LOCK_SQL, &[]).map_err(&fail)?;
                tx
            }
        };
        let result = change(&mut tx, path)?;
        tx.commit().map_err(&fail)?;
        Ok(result)
    }

    #[cfg(test)]
    fn set_busy_timeout(&self, timeout: Duration) {
        match &self.conn {
            Conn::Sqlite(conn) => conn.busy_timeout(timeout).unwrap(),
            Conn::Pg(client) => client
                .borrow_mut()
                .batch_execute(&format!("SET lock_timeout = {}", timeout.as_millis()))
                .unwrap(),
        }
    }

    /// Runs raw SQL outside the store's operations (tests that tamper with
    /// the database the way a person with SQL access could).
    #[cfg(test)]
    pub(crate) fn raw_execute(&mut self, sql: &str) -> Result<u64, String> {
        let mut tx = match &mut self.conn {
            Conn::Sqlite(conn) => Tx::Sqlite(conn.transaction().map_err(|e| e.to_string())?),
            Conn::Pg(client) => Tx::Pg(client.get_mut().transaction().map_err(|e| e.to_string())?),
        };
        let n = tx.execute(sql, &[]).map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
        Ok(n)
    }

    /// The SQLite connection (tests of the file format).
    #[cfg(test)]
    pub(crate) fn sqlite(&self) -> &Connection {
        match &self.conn {
            Conn::Sqlite(conn) => conn,
            Conn::Pg(_) => panic!("not a SQLite store"),
        }
    }

    /// Drops a refusing trigger, as someone with SQL access could (tests).
    #[cfg(test)]
    pub(crate) fn drop_trigger(&mut self, table: &str, trigger: &str) {
        let sql = match self.engine() {
            Engine::Sqlite => format!("DROP TRIGGER {trigger}"),
            Engine::Postgres => format!("DROP TRIGGER {trigger} ON {table}"),
        };
        self.raw_execute(&sql).unwrap();
    }

    /// One text column of one row, for tests.
    #[cfg(test)]
    pub(crate) fn raw_text(&self, sql: &str) -> String {
        self.read("leer", |tx, path| {
            tx.scalar(sql, &[]).map_err(error::on(path, "leer"))
        })
        .unwrap()
    }

    /// `SELECT count(*) …` and the like, for tests.
    #[cfg(test)]
    pub(crate) fn raw_i64(&self, sql: &str) -> i64 {
        self.read("leer", |tx, path| {
            tx.scalar(sql, &[]).map_err(error::on(path, "leer"))
        })
        .unwrap()
    }
}

/// Switches the file to WAL (a persistent setting: a no-op once done).
///
/// The switch needs an exclusive lock and SQLite does not always wait for it
/// through the busy handler (two processes opening a new file at once), so
/// it is retried here for up to [`BUSY_TIMEOUT`].
fn enable_wal(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let setup = error::on_sqlite(path, "activar el modo WAL");
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

    /// One test's database on one engine: a SQLite file in a temporary
    /// folder, or a fresh database on the test PostgreSQL server.
    pub struct TestDb {
        _dir: tempfile::TempDir,
        pub location: PathBuf,
    }

    impl TestDb {
        /// `None` when PostgreSQL is asked for and no test server is
        /// configured (outside CI; see `store::testing`).
        pub fn new(engine: Engine, test: &str) -> Option<TestDb> {
            let dir = tempfile::tempdir().unwrap();
            let location = match engine {
                Engine::Sqlite => dir.path().join("actas.db"),
                Engine::Postgres => PathBuf::from(super::testing::fresh_postgres_url(test)?),
            };
            Some(TestDb {
                _dir: dir,
                location,
            })
        }

        pub fn open(&self) -> Store {
            Store::open(&self.location).unwrap()
        }
    }

    /// Runs each listed `fn name(db: TestDb)` once on SQLite and once on
    /// PostgreSQL, as `sqlite::name` and `postgres::name`.
    macro_rules! on_both_engines {
        ($($name:ident),* $(,)?) => {
            mod sqlite {
                $(#[test]
                fn $name() {
                    let db = crate::store::test_support::TestDb::new(
                        crate::store::Engine::Sqlite, stringify!($name)).unwrap();
                    super::$name(db);
                })*
            }
            mod postgres {
                $(#[test]
                fn $name() {
                    if let Some(db) = crate::store::test_support::TestDb::new(
                        crate::store::Engine::Postgres, stringify!($name)) {
                        super::$name(db);
                    }
                })*
            }
        };
    }
    pub(crate) use on_both_engines;

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
            dni: String::new(),
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
            .sqlite()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = store
            .sqlite()
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let sync: i64 = store
            .sqlite()
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "FULL");
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
        let holder = open_in(&dir);
        let mut waiter = open_in(&dir);
        waiter.set_busy_timeout(Duration::from_millis(50));
        holder.sqlite().execute_batch("BEGIN IMMEDIATE").unwrap();
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
        holder.sqlite().execute_batch("ROLLBACK").unwrap();
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
