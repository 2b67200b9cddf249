//! Connecting to the office's PostgreSQL register: the address
//! (`postgres://user@host:port/db`, also `postgresql://`, libpq's URL form),
//! the password (only from `PGPASSWORD` or the password file, never from the
//! address, so it is never logged or stored), TLS, and the session settings
//! every connection gets.
//!
//! TLS follows libpq's `sslmode`: `disable` is plain TCP; `prefer` (the
//! default) and `require` encrypt with OpenSSL; the server's certificate is
//! verified against `PGSSLROOTCERT` (with the host name) when that variable
//! names a file, and not verified otherwise, as libpq does for `require`.
//!
//! The password file is libpq's (`PGPASSFILE`, else `~/.pgpass`: lines
//! `host:port:database:user:password`, `*` matches anything, `\:` and `\\`
//! escape); like libpq it is ignored when group or others may read it. No
//! maintained Rust crate reads it, hence the few lines here.
//!
//! This module does not run queries of Actas's tables; the schema is
//! `schema_pg`, the queries `db::Tx`.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};

use super::error::{one_line, StoreError};
use super::schema_pg;
use super::BUSY_TIMEOUT;

/// Every write transaction takes this lock first: writers of one database
/// run one after the other, as on SQLite, so correlatives and the audit
/// chain are extended by one writer at a time. The key is "ACTAS" in ASCII.
pub(crate) const WRITER_LOCK_SQL: &str = "SELECT pg_advisory_xact_lock(280180921427)";

/// How long connecting may take before the server counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// True for the addresses [`super::Store::open`] sends to PostgreSQL.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// Connects, checks that the database is (or can become) Actas's and
/// brings its schema up to date. Returns the client and the server's
/// address as shown in messages (`postgres://user@host:port/db`).
pub(crate) fn open(url: &str) -> Result<(Client, String), StoreError> {
    let mut config = Config::from_str(url).map_err(|err| StoreError::Open {
        path: PathBuf::from(redact(url)),
        reason: format!("la dirección no es válida ({})", one_line(&err.to_string())),
    })?;
    let server = display(&config);
    if config.get_password().is_some() {
        return Err(StoreError::Open {
            path: PathBuf::from(server),
            reason: "la contraseña no va en la dirección: use la variable PGPASSWORD o el \
                     archivo ~/.pgpass"
                .into(),
        });
    }
    if config.get_user().is_none() {
        let user = std::env::var("PGUSER")
            .ok()
            .filter(|u| !u.is_empty())
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "postgres".into());
        config.user(&user);
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if let Some(password) = password_for(&config) {
        config.password(password);
    }
    config.application_name("actas");
    let server = display(&config);
    let unreachable = |err: postgres::Error| StoreError::Unreachable {
        server: server.clone(),
        reason: one_line(&super::db::pg_message(&err)),
    };
    let mut client = match config.get_ssl_mode() {
        SslMode::Disable => config.connect(NoTls).map_err(unreachable)?,
        _ => config.connect(tls()?).map_err(|err| {
            if super::db::pg_message(&err).contains("certificate verify failed") {
                StoreError::Unreachable {
                    server: server.clone(),
                    reason: UNVERIFIED_SERVER.into(),
                }
            } else {
                unreachable(err)
            }
        })?,
    };
    // Waits for another writer's lock are bounded like SQLite's busy timeout.
    client
        .batch_execute(&format!(
            "SET lock_timeout = {}; SET client_min_messages = warning",
            BUSY_TIMEOUT.as_millis()
        ))
        .map_err(unreachable)?;
    schema_pg::check_and_migrate(&mut client, &server)?;
    Ok((client, server))
}

/// Why a server whose certificate did not verify is refused (OpenSSL says
/// only «certificate verify failed»).
const UNVERIFIED_SERVER: &str = "su certificado TLS no lo emitió una autoridad de PGSSLROOTCERT o no corresponde a la dirección del servidor";

/// OpenSSL for `prefer`/`require`; verifying the server only against `PGSSLROOTCERT`.
fn tls() -> Result<postgres_openssl::MakeTlsConnector, StoreError> {
    use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode};
    let fail = |reason: String| StoreError::Open {
        path: PathBuf::from("TLS"),
        reason,
    };
    let mut builder =
        SslConnector::builder(SslMethod::tls()).map_err(|e| fail(one_line(&e.to_string())))?;
    match std::env::var_os("PGSSLROOTCERT").filter(|p| !p.is_empty()) {
        Some(root) => builder.set_ca_file(&root).map_err(|e| {
            fail(format!(
                "no se puede leer PGSSLROOTCERT {}: {}",
                PathBuf::from(&root).display(),
                one_line(&e.to_string())
            ))
        })?,
        None => builder.set_verify(SslVerifyMode::NONE),
    }
    Ok(postgres_openssl::MakeTlsConnector::new(builder.build()))
}

/// `postgres://user@host:port/db`: what messages show of the address.
fn display(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(host)) => host.clone(),
        Some(Host::Unix(dir)) => dir.display().to_string(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config
        .get_user()
        .map(|u| format!("{u}@"))
        .unwrap_or_default();
    let db = config.get_dbname().unwrap_or("");
    format!("postgres://{user}{host}:{port}/{db}")
}

/// The address without anything between `://` and `@` after a `:` (a password).
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}@{host}")
        }
        None => url.to_string(),
    }
}

/// `PGPASSWORD`, else the matching line of the password file.
fn password_for(config: &Config) -> Option<Vec<u8>> {
    if let Some(password) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty()) {
        return Some(password.into_encoded_bytes());
    }
    let file = std::env::var_os("PGPASSFILE")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|d| d.home_dir().join(".pgpass")))?;
    let text = read_private(&file)?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(host)) => host.clone(),
        _ => "localhost".into(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let db = config.get_dbname().unwrap_or("");
    let user = config.get_user().unwrap_or("");
    pgpass_lookup(&text, [&host, &port, db, user]).map(String::into_bytes)
}

/// The file's text, unless group or others may read it (libpq's rule).
fn read_private(file: &std::path::Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(file).ok()?;
    if meta.permissions().mode() & 0o077 != 0 {
        return None;
    }
    std::fs::read_to_string(file).ok()
}

/// The password of the first line whose four fields match (`*` matches all).
fn pgpass_lookup(text: &str, wanted: [&str; 4]) -> Option<String> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = split_pgpass(line);
            if fields.len() != 5 {
                return None;
            }
            let matches = fields[..4]
                .iter()
                .zip(wanted)
                .all(|(field, want)| field == "*" || field == want);
            matches.then(|| fields[4].clone())
        })
}

fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => field.extend(chars.next()),
            ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_are_recognised() {
        assert!(is_postgres_url("postgres://ana@db.oti.local:5432/actas"));
        assert!(is_postgres_url("postgresql://ana@db/actas"));
        assert!(!is_postgres_url("/home/ana/actas.db"));
        assert!(!is_postgres_url("postgres.db"));
    }

    #[test]
    fn a_password_in_the_address_is_refused_and_not_repeated() {
        let err = open("postgres://ana:secreto@127.0.0.1:1/actas")
            .err()
            .unwrap();
        let text = err.to_string();
        assert!(text.contains("PGPASSWORD"), "{text}");
        assert!(!text.contains("secreto"), "{text}");
        assert_eq!(
            redact("postgres://ana:secreto@h:5/d"),
            "postgres://ana@h:5/d"
        );
    }

    #[test]
    fn unreachable_server_names_the_host_in_one_spanish_line() {
        // Port 1 on loopback: nothing listens there.
        let err = open("postgres://ana@127.0.0.1:1/actas").err().unwrap();
        let text = err.to_string();
        assert!(
            text.starts_with(
                "no se puede conectar con el servidor PostgreSQL postgres://ana@127.0.0.1:1/actas"
            ),
            "{text}"
        );
        assert!(!text.contains('\n'));
    }

    #[test]
    fn pgpass_lines_match_with_wildcards_and_escapes() {
        let text = "# comentario\n\
                    otro:5432:actas:ana:no\n\
                    db.oti:*:actas:ana:cla\\:ve\n\
                    *:*:*:*:comodin\n";
        assert_eq!(
            pgpass_lookup(text, ["db.oti", "5433", "actas", "ana"]).as_deref(),
            Some("cla:ve")
        );
        assert_eq!(
            pgpass_lookup(text, ["x", "1", "y", "z"]).as_deref(),
            Some("comodin")
        );
        assert_eq!(pgpass_lookup("a:b:c\n", ["a", "b", "c", "d"]), None);
    }

    #[test]
    fn a_password_file_others_can_read_is_ignored() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(&file, "*:*:*:*:x\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(read_private(&file), None);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(read_private(&file).as_deref(), Some("*:*:*:*:x\n"));
    }
}
