//! The database schema as an ordered list of migrations, and the code that
//! brings a database up to date.
//!
//! `PRAGMA user_version` is the number of migrations applied; each step runs
//! in its own `BEGIN IMMEDIATE` transaction together with the version bump,
//! so a crash or a concurrent open never leaves a half-applied step.
//! `PRAGMA application_id` marks the file as Actas's, so the store refuses to
//! write into somebody else's SQLite database. A database newer than
//! [`SCHEMA_VERSION`] is refused (never downgraded).
//!
//! Migrations are append-only: a released step is never edited, a change is a
//! new step at the end. This module does not open connections or set
//! connection pragmas; that is [`super::Store::open`].

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::error::{on_sqlite as on, sqlite_error, StoreError};

/// `PRAGMA application_id` of an Actas database: "ACTA" in ASCII.
pub const APPLICATION_ID: i32 = 0x4143_5441;

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Migration `i` takes the database from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    V1,
    REGISTERS,
    DESKTOP,
    SHARED_REGISTER,
    GUIDANCE,
    IMPORT_REPORTS,
];

/// Version 1: numbering, documents, revisions, people, audit log.
///
/// Documents are never deleted, and once saved only their `status` changes.
/// Revisions and audit rows are append-only; triggers refuse UPDATE and
/// DELETE, so even a hand-written SQL statement cannot rewrite history
/// without first dropping a trigger (which `verify_audit` then exposes).
/// A correlative only moves forward one by one, so no number is skipped or
/// reused (a failed save rolls its increment back).
const V1: &str = r#"
PRAGMA application_id = 1094931521;

CREATE TABLE correlatives (
    series   TEXT    NOT NULL CHECK (series <> ''),
    year     INTEGER NOT NULL CHECK (year BETWEEN 1000 AND 9999),
    last_seq INTEGER NOT NULL CHECK (last_seq >= 1),
    PRIMARY KEY (series, year)
) STRICT;

CREATE TRIGGER correlatives_one_by_one BEFORE UPDATE ON correlatives
WHEN NEW.series IS NOT OLD.series OR NEW.year IS NOT OLD.year
  OR NEW.last_seq IS NOT OLD.last_seq + 1
BEGIN
    SELECT RAISE(ABORT, 'un correlativo solo avanza de uno en uno');
END;

CREATE TRIGGER correlatives_no_delete BEFORE DELETE ON correlatives
BEGIN
    SELECT RAISE(ABORT, 'los correlativos no se borran');
END;

CREATE TABLE documents (
    id               INTEGER PRIMARY KEY,
    series           TEXT    NOT NULL,
    year             INTEGER NOT NULL,
    seq              INTEGER NOT NULL CHECK (seq >= 1),
    number           TEXT    NOT NULL,
    template_id      TEXT    NOT NULL,
    template_version TEXT    NOT NULL,
    title            TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status <> ''),
    data             TEXT    NOT NULL CHECK (json_valid(data)),
    created_at       TEXT    NOT NULL,
    created_ms       INTEGER NOT NULL,
    created_by       TEXT    NOT NULL,
    UNIQUE (series, year, seq),
    UNIQUE (series, number),
    FOREIGN KEY (series, year) REFERENCES correlatives (series, year)
) STRICT;

CREATE INDEX documents_by_number ON documents (number);
CREATE INDEX documents_by_created ON documents (created_ms, id);

CREATE TRIGGER documents_only_status_changes
BEFORE UPDATE OF id, series, year, seq, number, template_id, template_version, title,
                 data, created_at, created_ms, created_by ON documents
BEGIN
    SELECT RAISE(ABORT, 'de un documento guardado solo cambia el estado');
END;

CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
BEGIN
    SELECT RAISE(ABORT, 'los documentos no se borran');
END;

CREATE TABLE revisions (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    revision    INTEGER NOT NULL CHECK (revision >= 1),
    pdf         BLOB    NOT NULL,
    sha256      TEXT    NOT NULL CHECK (length(sha256) = 64),
    status      TEXT    NOT NULL,
    note        TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    created_ms  INTEGER NOT NULL,
    UNIQUE (document_id, revision)
) STRICT;

CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions
BEGIN
    SELECT RAISE(ABORT, 'las revisiones no se modifican: se añade una nueva');
END;

CREATE TRIGGER revisions_no_delete BEFORE DELETE ON revisions
BEGIN
    SELECT RAISE(ABORT, 'las revisiones no se borran');
END;

CREATE TABLE people (
    id               INTEGER PRIMARY KEY,
    given_names      TEXT NOT NULL CHECK (given_names <> ''),
    paternal_surname TEXT NOT NULL CHECK (paternal_surname <> ''),
    maternal_surname TEXT NOT NULL,
    cargo            TEXT NOT NULL,
    area             TEXT NOT NULL,
    email            TEXT NOT NULL,
    created_at       TEXT NOT NULL
) STRICT;

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'el registro de auditoría no se modifica');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'el registro de auditoría no se borra');
END;

-- Rows are appended at the end of the chain only: the next id, linked to the
-- hash of the last row (64 zeros for the first).
CREATE TRIGGER audit_log_append_at_end BEFORE INSERT ON audit_log
WHEN NEW.id IS NOT (SELECT ifnull(max(id), 0) + 1 FROM audit_log)
  OR NEW.prev_hash IS NOT ifnull((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1),
                                 '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
    SELECT RAISE(ABORT, 'el registro de auditoría solo crece al final de la cadena');
END;
"#;

/// Registers (issue 5, `store::registers`): one row per imported file
/// (name, SHA-256, counts; never rewritten once its counts are set), the
/// licence master (unique by its key: REG SIAF + ORDEN + SOFTWARE +
/// UBICACIÓN, folded) and the rows of the backup, custody, recovery,
/// restoration and maintenance registers (JSON, unique per register and key).
const REGISTERS: &str = r#"
CREATE TABLE register_imports (
    id         INTEGER PRIMARY KEY,
    register   TEXT    NOT NULL CHECK (register <> ''),
    file_name  TEXT    NOT NULL,
    sha256     TEXT    NOT NULL CHECK (length(sha256) = 64),
    sheet      TEXT,
    header_row INTEGER,
    imported   INTEGER NOT NULL CHECK (imported >= 0),
    updated    INTEGER NOT NULL CHECK (updated >= 0),
    rejected   INTEGER NOT NULL CHECK (rejected >= 0),
    actor      TEXT    NOT NULL,
    at         TEXT    NOT NULL
) STRICT;

-- Counts are set once, by the import's own transaction (from 0, 0).
CREATE TRIGGER register_imports_counts_once BEFORE UPDATE ON register_imports
WHEN NEW.id IS NOT OLD.id OR NEW.register IS NOT OLD.register
  OR NEW.file_name IS NOT OLD.file_name OR NEW.sha256 IS NOT OLD.sha256
  OR NEW.sheet IS NOT OLD.sheet OR NEW.header_row IS NOT OLD.header_row
  OR NEW.rejected IS NOT OLD.rejected OR NEW.actor IS NOT OLD.actor OR NEW.at IS NOT OLD.at
  OR OLD.imported <> 0 OR OLD.updated <> 0
BEGIN
    SELECT RAISE(ABORT, 'una importación registrada no se modifica');
END;

CREATE TRIGGER register_imports_no_delete BEFORE DELETE ON register_imports
BEGIN
    SELECT RAISE(ABORT, 'las importaciones registradas no se borran');
END;

CREATE TABLE licences (
    id                 INTEGER PRIMARY KEY,
    key                TEXT    NOT NULL UNIQUE,
    item               TEXT,
    reg_siaf           TEXT,
    orden              TEXT,
    cantidad           INTEGER CHECK (cantidad IS NULL OR cantidad >= 0),
    software           TEXT    NOT NULL CHECK (software <> ''),
    tipo               TEXT,
    ubicacion          TEXT    NOT NULL,
    inicio             TEXT,
    termino            TEXT,   -- NULL: perpetual
    vida_util_meses    REAL,
    valor_cents        INTEGER CHECK (valor_cents IS NULL OR valor_cents >= 0),
    amortizacion_cents INTEGER CHECK (amortizacion_cents IS NULL OR amortizacion_cents >= 0),
    saldo_cents        INTEGER,
    saldo_al           TEXT,
    estado             TEXT,
    nota_ccp           TEXT,
    mes                TEXT,
    source_row         INTEGER NOT NULL,
    import_id          INTEGER NOT NULL REFERENCES register_imports (id),
    first_import_id    INTEGER NOT NULL REFERENCES register_imports (id),
    CHECK (inicio IS NULL OR termino IS NULL OR inicio <= termino)
) STRICT;

CREATE TABLE register_entries (
    id         INTEGER PRIMARY KEY,
    register   TEXT    NOT NULL CHECK (register <> ''),
    key        TEXT    NOT NULL,
    fecha      TEXT,
    data       TEXT    NOT NULL CHECK (json_valid(data)),
    source_row INTEGER NOT NULL,
    import_id  INTEGER NOT NULL REFERENCES register_imports (id),
    UNIQUE (register, key)
) STRICT;

CREATE INDEX register_entries_by_date ON register_entries (register, fecha);
"#;

/// Desktop (issue 4, `store::drafts` and `store::settings`): form drafts the
/// window autosaves (deleted once the document is created), the office's
/// settings (entity profile, default signature location) as key/value text,
/// and the trust roots the verifier accepts besides `--trust`.
const DESKTOP: &str = r#"
CREATE TABLE drafts (
    id          INTEGER PRIMARY KEY,
    template_id TEXT    NOT NULL CHECK (template_id <> ''),
    data        TEXT    NOT NULL CHECK (json_valid(data)),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
) STRICT;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY CHECK (key <> ''),
    value TEXT NOT NULL
) STRICT;

CREATE TABLE trust_roots (
    id        INTEGER PRIMARY KEY,
    sha256    TEXT    NOT NULL UNIQUE CHECK (length(sha256) = 64),
    subject   TEXT    NOT NULL,
    not_after TEXT    NOT NULL,
    der       BLOB    NOT NULL,
    added_at  TEXT    NOT NULL
) STRICT;
"#;

/// The office's shared register: each person's DNI (the certificate's
/// serialNumber) and the roles they sign (`template_id` empty: that role in
/// every form), the audit checkpoints — the chain's head signed with the
/// office seal, so trimming the log is noticed — and indexes for the
/// window's filters. PostgreSQL has the same step ([`SHARED_REGISTER_PG`]).
const SHARED_REGISTER: &str = r#"
ALTER TABLE people ADD COLUMN dni TEXT NOT NULL DEFAULT '';

CREATE TABLE person_roles (
    person_id   INTEGER NOT NULL REFERENCES people (id),
    template_id TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role <> ''),
    PRIMARY KEY (person_id, template_id, role)
) STRICT;

CREATE TABLE audit_checkpoints (
    id        INTEGER PRIMARY KEY,
    audit_id  INTEGER NOT NULL CHECK (audit_id >= 0),
    head_hash TEXT    NOT NULL CHECK (length(head_hash) = 64),
    at        TEXT    NOT NULL,
    signer    TEXT    NOT NULL,
    signature BLOB    NOT NULL
) STRICT;

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'los puntos de control no se modifican');
END;

CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'los puntos de control no se borran');
END;

CREATE INDEX documents_by_status ON documents (status, created_ms);
CREATE INDEX documents_by_template ON documents (template_id, created_ms);
"#;

/// [`SHARED_REGISTER`] in PostgreSQL's dialect (`schema_pg`'s second step).
pub(crate) const SHARED_REGISTER_PG: &str = r#"
ALTER TABLE people ADD COLUMN dni TEXT NOT NULL DEFAULT '';

CREATE TABLE person_roles (
    person_id   BIGINT NOT NULL REFERENCES people (id),
    template_id TEXT   NOT NULL,
    role        TEXT   NOT NULL CHECK (role <> ''),
    PRIMARY KEY (person_id, template_id, role)
);

CREATE TABLE audit_checkpoints (
    id        BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    audit_id  BIGINT NOT NULL CHECK (audit_id >= 0),
    head_hash TEXT   NOT NULL CHECK (length(head_hash) = 64),
    at        TEXT   NOT NULL,
    signer    TEXT   NOT NULL,
    signature BYTEA  NOT NULL
);
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints FOR EACH ROW
EXECUTE FUNCTION actas_refuse('los puntos de control no se modifican');
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints FOR EACH ROW
EXECUTE FUNCTION actas_refuse('los puntos de control no se borran');
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
EXECUTE FUNCTION actas_refuse('los puntos de control no se borran');

CREATE INDEX documents_by_status ON documents (status, created_ms);
CREATE INDEX documents_by_template ON documents (template_id, created_ms);
"#;

/// Import reports (docs/registers.md, «Imports»): each import keeps its
/// warnings and rejected rows (`register_import_notes`, append-only like the
/// import itself), and a licence says whether it never expires (`perpetua`)
/// — TERMINO may now be empty because the master's cell was unreadable, which
/// is not the same. PostgreSQL has the same step ([`IMPORT_REPORTS_PG`]).
const IMPORT_REPORTS: &str = r#"
ALTER TABLE licences ADD COLUMN perpetua INTEGER NOT NULL DEFAULT 0 CHECK (perpetua IN (0, 1));
UPDATE licences SET perpetua = 1 WHERE termino IS NULL;

CREATE TABLE register_import_notes (
    import_id    INTEGER NOT NULL REFERENCES register_imports (id),
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    kind         TEXT    NOT NULL CHECK (kind IN ('advertencia', 'rechazo')),
    source_row   INTEGER NOT NULL,
    column_label TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    PRIMARY KEY (import_id, seq)
) STRICT;

CREATE TRIGGER register_import_notes_no_update BEFORE UPDATE ON register_import_notes
BEGIN
    SELECT RAISE(ABORT, 'el informe de una importación no se modifica');
END;

CREATE TRIGGER register_import_notes_no_delete BEFORE DELETE ON register_import_notes
BEGIN
    SELECT RAISE(ABORT, 'el informe de una importación no se borra');
END;
"#;

/// [`IMPORT_REPORTS`] in PostgreSQL's dialect (`schema_pg`'s step after [`GUIDANCE_PG`]).
pub(crate) const IMPORT_REPORTS_PG: &str = r#"
ALTER TABLE licences ADD COLUMN perpetua BIGINT NOT NULL DEFAULT 0 CHECK (perpetua IN (0, 1));
UPDATE licences SET perpetua = 1 WHERE termino IS NULL;

CREATE TABLE register_import_notes (
    import_id    BIGINT NOT NULL REFERENCES register_imports (id),
    seq          BIGINT NOT NULL CHECK (seq >= 1),
    kind         TEXT   NOT NULL CHECK (kind IN ('advertencia', 'rechazo')),
    source_row   BIGINT NOT NULL,
    column_label TEXT   NOT NULL,
    reason       TEXT   NOT NULL,
    PRIMARY KEY (import_id, seq)
);
CREATE TRIGGER register_import_notes_no_update BEFORE UPDATE ON register_import_notes FOR EACH ROW
EXECUTE FUNCTION actas_refuse('el informe de una importación no se modifica');
CREATE TRIGGER register_import_notes_no_delete BEFORE DELETE ON register_import_notes FOR EACH ROW
EXECUTE FUNCTION actas_refuse('el informe de una importación no se borra');
CREATE TRIGGER register_import_notes_no_truncate BEFORE TRUNCATE ON register_import_notes
EXECUTE FUNCTION actas_refuse('el informe de una importación no se borra');
"#;

/// People who no longer sign are deactivated, never deleted (`active` 0:
/// not offered as signers, still named on their old documents); a
/// document's annulment (its reason, who and when) is kept beside it,
/// append-only, while the document's status becomes `anulado`.
/// PostgreSQL has the same step ([`GUIDANCE_PG`]).
const GUIDANCE: &str = r#"
ALTER TABLE people ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));

CREATE TABLE annulments (
    document_id INTEGER PRIMARY KEY REFERENCES documents (id),
    reason      TEXT    NOT NULL CHECK (trim(reason) <> ''),
    actor       TEXT    NOT NULL,
    at          TEXT    NOT NULL
) STRICT;

CREATE TRIGGER annulments_no_update BEFORE UPDATE ON annulments
BEGIN
    SELECT RAISE(ABORT, 'una anulación no se modifica');
END;

CREATE TRIGGER annulments_no_delete BEFORE DELETE ON annulments
BEGIN
    SELECT RAISE(ABORT, 'una anulación no se borra');
END;
"#;

/// [`GUIDANCE`] in PostgreSQL's dialect (`schema_pg`'s third step).
pub(crate) const GUIDANCE_PG: &str = r#"
ALTER TABLE people ADD COLUMN active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1));

CREATE TABLE annulments (
    document_id BIGINT PRIMARY KEY REFERENCES documents (id),
    reason      TEXT   NOT NULL CHECK (trim(reason) <> ''),
    actor       TEXT   NOT NULL,
    at          TEXT   NOT NULL
);
CREATE TRIGGER annulments_no_update BEFORE UPDATE ON annulments FOR EACH ROW
EXECUTE FUNCTION actas_refuse('una anulación no se modifica');
CREATE TRIGGER annulments_no_delete BEFORE DELETE ON annulments FOR EACH ROW
EXECUTE FUNCTION actas_refuse('una anulación no se borra');
CREATE TRIGGER annulments_no_truncate BEFORE TRUNCATE ON annulments
EXECUTE FUNCTION actas_refuse('una anulación no se borra');
"#;

/// Refuses files that are not (and cannot become) an Actas database:
/// another application's SQLite file, or one from a newer Actas.
/// Reads only; a new, empty file passes.
pub(crate) fn check_identity(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let read = on(path, "leer la cabecera de la base de datos");
    // One snapshot: another process may be creating the schema meanwhile,
    // and a mix of before and after would look like a foreign database.
    let snapshot = conn.unchecked_transaction().map_err(&read)?;
    let conn: &Connection = &snapshot;
    let application_id: i32 = conn
        .pragma_query_value(None, "application_id", |row| row.get(0))
        .map_err(&read)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(&read)?;
    if application_id != 0 && application_id != APPLICATION_ID {
        return Err(StoreError::NotActas {
            path: path.to_path_buf(),
            reason: format!("pertenece a otra aplicación (application_id {application_id:#010x})"),
        });
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
            known: SCHEMA_VERSION,
        });
    }
    if application_id == 0 {
        let objects: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
            .map_err(&read)?;
        if version != 0 || objects != 0 {
            return Err(StoreError::NotActas {
                path: path.to_path_buf(),
                reason: "es una base de datos SQLite de otra aplicación".into(),
            });
        }
    }
    Ok(())
}

/// Applies the migrations this database lacks, each in its own immediate
/// transaction. Safe against a concurrent `migrate` on the same file: the
/// version is re-read under the write lock and a step already applied by the
/// other process is skipped.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    if user_version(conn, path)? == SCHEMA_VERSION {
        // Up to date: do not take the write lock on every open.
        return Ok(());
    }
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let target = index as i64 + 1;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(on(path, "migrar la base de datos"))?;
        let current = user_version(&tx, path)?;
        if current > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: current,
                known: SCHEMA_VERSION,
            });
        }
        if current >= target {
            continue;
        }
        // Busy, damaged file …: their own message; anything else names the step.
        let failed = |err: rusqlite::Error| match sqlite_error(path, "migrar", err) {
            StoreError::Sqlite { reason, .. } => StoreError::Migration {
                path: path.to_path_buf(),
                version: target,
                reason,
            },
            other => other,
        };
        tx.execute_batch(sql).map_err(failed)?;
        tx.pragma_update(None, "user_version", target)
            .map_err(failed)?;
        tx.commit().map_err(failed)?;
    }
    Ok(())
}

/// The number of migrations applied to the database.
pub(crate) fn user_version(conn: &Connection, path: &Path) -> Result<i64, StoreError> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(on(path, "leer la versión del esquema"))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn new_database_gets_every_migration() {
        let dir = tempfile::tempdir().unwrap();
        let store = open_in(&dir);
        assert_eq!(
            user_version(store.sqlite(), store.path()).unwrap(),
            SCHEMA_VERSION
        );
        let id: i32 = store
            .sqlite()
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .unwrap();
        assert_eq!(id, APPLICATION_ID);
    }

    #[test]
    fn reopening_migrates_idempotently() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("actas.db");
        {
            let mut store = super::super::Store::open(&path).unwrap();
            create(&mut store, "s", 2026);
        }
        for _ in 0..3 {
            let store = super::super::Store::open(&path).unwrap();
            assert_eq!(user_version(store.sqlite(), &path).unwrap(), SCHEMA_VERSION);
            assert_eq!(store.list_documents().unwrap().len(), 1);
        }
    }

    #[test]
    fn newer_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("actas.db");
        {
            let store = super::super::Store::open(&path).unwrap();
            store
                .sqlite()
                .pragma_update(None, "user_version", SCHEMA_VERSION + 5)
                .unwrap();
        }
        let err = super::super::Store::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::TooNew { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains("más nueva") && text.contains("actualice Actas"),
            "{text}"
        );
        assert!(text.contains(&path.display().to_string()), "{text}");
    }

    #[test]
    fn other_sqlite_database_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE t (x); PRAGMA user_version = 1;")
                .unwrap();
        }
        let err = super::super::Store::open(&path).unwrap_err();
        assert!(
            err.to_string().ends_with(
                "no es una base de datos de Actas válida: es una base de datos SQLite de otra aplicación"
            ),
            "{err}"
        );
        let conn = Connection::open(&path).unwrap();
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 1);
    }

    #[test]
    fn garbage_file_is_not_an_actas_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.db");
        std::fs::write(&path, vec![b'x'; 4096]).unwrap();
        let err = super::super::Store::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::NotActas { .. }), "{err:?}");
        assert!(
            err.to_string()
                .contains("no es una base de datos de Actas válida"),
            "{err}"
        );
    }
}
