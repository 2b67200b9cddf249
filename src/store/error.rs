//! The store's one error type, [`StoreError`], and the mapping from SQLite
//! and PostgreSQL failures onto it.
//!
//! Every message is one line in Spanish that names what failed and where
//! (the database path or the server's address without password, the
//! document number). It does not decide how the CLI
//! or the desktop shell show the error; they print `Display` as it is.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

use super::db::{pg_message, DbError};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The folder that should hold the database could not be created.
    #[error("no se puede crear la carpeta {} de la base de datos: {reason}", dir.display())]
    CreateDir { dir: PathBuf, reason: String },

    /// The database file could not be opened or created.
    #[error("no se puede abrir la base de datos {}: {reason}", path.display())]
    Open { path: PathBuf, reason: String },

    /// Another process (or connection) holds the lock longer than the busy timeout.
    #[error("la base de datos {} está bloqueada por otro proceso", path.display())]
    Busy { path: PathBuf },

    /// The file is not SQLite, is damaged, or is a SQLite database of another application.
    #[error("{} no es una base de datos de Actas válida: {reason}", path.display())]
    NotActas { path: PathBuf, reason: String },

    /// The database was written by a newer Actas, with migrations this build does not know.
    #[error(
        "la base de datos {} es de una versión más nueva de Actas (esquema {found}; esta versión \
         conoce hasta el {known}): actualice Actas",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },

    /// A migration step failed; the step was rolled back.
    #[error("no se pudo migrar la base de datos {} al esquema {version}: {reason}", path.display())]
    Migration {
        path: PathBuf,
        version: i64,
        reason: String,
    },

    /// No document has this number.
    #[error("documento {number} no encontrado")]
    DocumentNotFound { number: String },

    /// A bare number (`2026-001`) matches documents of several series.
    #[error(
        "el número {number} corresponde a varios documentos (series {series}); indique la serie, \
         p. ej. «{example}»"
    )]
    AmbiguousNumber {
        number: String,
        /// The series, comma separated.
        series: String,
        /// A qualified number the user can type (`serie/2026-001`).
        example: String,
    },

    /// The caller passed data the store refuses (empty series, a year that is not AAAA …).
    #[error("{context}: {reason}")]
    Invalid {
        context: &'static str,
        reason: String,
    },

    /// What is stored breaks an invariant the store relies on (found while reading).
    #[error("la base de datos {} tiene datos inconsistentes: {reason}", path.display())]
    Inconsistent { path: PathBuf, reason: String },

    /// The PostgreSQL server is down, unreachable, or refused the login.
    #[error("no se puede conectar con el servidor PostgreSQL {server}: {reason}")]
    Unreachable { server: String, reason: String },

    /// An optimistic update found a newer revision than the one it was based on.
    #[error(
        "el documento {number} recibió la revisión {latest} mientras se trabajaba sobre la {base}"
    )]
    Stale {
        number: String,
        base: u32,
        latest: u32,
    },

    /// Another workstation changed the document since this one read it,
    /// and the change cannot be re-applied on top.
    #[error("{0}")]
    Conflict(String),

    /// Any other database failure, with what the store was doing.
    #[error("error de la base de datos {} al {action}: {reason}", path.display())]
    Sqlite {
        path: PathBuf,
        action: &'static str,
        reason: String,
    },
}

/// Maps a SQLite error met while doing `action` (an infinitive in Spanish,
/// «guardar el documento») on the database at `path`.
pub(crate) fn sqlite_error(path: &Path, action: &'static str, err: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    if let rusqlite::Error::SqliteFailure(failure, _) = &err {
        match failure.code {
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                return StoreError::Busy { path };
            }
            ErrorCode::NotADatabase => {
                return StoreError::NotActas {
                    path,
                    reason: "el archivo no es una base de datos SQLite".into(),
                };
            }
            ErrorCode::DatabaseCorrupt => {
                return StoreError::NotActas {
                    path,
                    reason: "el archivo está dañado".into(),
                };
            }
            ErrorCode::CannotOpen => {
                return StoreError::Open {
                    path,
                    reason: one_line(&err.to_string()),
                };
            }
            _ => {}
        }
    }
    StoreError::Sqlite {
        path,
        action,
        reason: one_line(&err.to_string()),
    }
}

/// Maps a failure of either engine met while doing `action`.
pub(crate) fn db_error(path: &Path, action: &'static str, err: DbError) -> StoreError {
    match err {
        DbError::Sqlite(err) => sqlite_error(path, action, err),
        DbError::Pg(err) => pg_error(path, action, &err),
        DbError::Type { .. } => StoreError::Inconsistent {
            path: path.to_path_buf(),
            reason: format!("al {action}: {err}"),
        },
    }
}

/// A PostgreSQL failure: a lost connection names the server; lock waits
/// and serialization failures are [`StoreError::Busy`].
pub(crate) fn pg_error(path: &Path, action: &'static str, err: &postgres::Error) -> StoreError {
    use postgres::error::SqlState;
    let reason = one_line(&pg_message(err));
    if err.is_closed() || err.as_db_error().is_none() && err.code().is_none() {
        return StoreError::Unreachable {
            server: path.display().to_string(),
            reason,
        };
    }
    match err.code() {
        Some(code)
            if *code == SqlState::T_R_SERIALIZATION_FAILURE
                || *code == SqlState::T_R_DEADLOCK_DETECTED
                || *code == SqlState::LOCK_NOT_AVAILABLE
                || *code == SqlState::QUERY_CANCELED =>
        {
            StoreError::Busy {
                path: path.to_path_buf(),
            }
        }
        _ => StoreError::Sqlite {
            path: path.to_path_buf(),
            action,
            reason,
        },
    }
}

/// SQLITE_BUSY or SQLITE_LOCKED: someone else holds the lock.
pub(crate) fn is_busy(err: &rusqlite::Error) -> bool {
    matches!(
        err,
        rusqlite::Error::SqliteFailure(failure, _)
            if matches!(failure.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// `map_err` adapter: `.map_err(on(path, "leer los documentos"))`.
pub(crate) fn on<'a>(path: &'a Path, action: &'static str) -> impl Fn(DbError) -> StoreError + 'a {
    move |err| db_error(path, action, err)
}

/// [`on`] for code that speaks rusqlite directly (SQLite set-up and migrations).
pub(crate) fn on_sqlite<'a>(
    path: &'a Path,
    action: &'static str,
) -> impl Fn(rusqlite::Error) -> StoreError + 'a {
    move |err| sqlite_error(path, action, err)
}

/// Messages from SQLite or the OS may span lines; ours are one line.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line_spanish() {
        let busy = StoreError::Busy {
            path: PathBuf::from("/x/actas.db"),
        };
        assert_eq!(
            busy.to_string(),
            "la base de datos /x/actas.db está bloqueada por otro proceso"
        );
        let missing = StoreError::DocumentNotFound {
            number: "2026-009".into(),
        };
        assert_eq!(missing.to_string(), "documento 2026-009 no encontrado");
        let open = StoreError::Open {
            path: PathBuf::from("/x/y.db"),
            reason: one_line("unable to open\n database file"),
        };
        assert_eq!(
            open.to_string(),
            "no se puede abrir la base de datos /x/y.db: unable to open database file"
        );
    }
}
