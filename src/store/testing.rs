//! Test support shared by the unit and integration tests: a fresh,
//! empty PostgreSQL database per test on the throwaway server that
//! `scripts/test.sh` starts (`scripts/pg-test-cluster.sh`), named by
//! `ACTAS_TEST_POSTGRES` (an administrator's URL, e.g.
//! `postgres://postgres@127.0.0.1:54329/postgres`).
//!
//! Without that variable the PostgreSQL half of a test is skipped with a
//! line on stderr — except under CI (`CI` set), where it fails: the suite
//! must never pass on SQLite alone there. Not for production use.

use std::sync::atomic::{AtomicU32, Ordering};

/// The variable naming the test server.
pub const TEST_SERVER_VAR: &str = "ACTAS_TEST_POSTGRES";

/// A URL of a new, empty database on the test server; `None` (after saying
/// so) when no server is configured outside CI. Panics in CI without one.
pub fn fresh_postgres_url(test: &str) -> Option<String> {
    let admin = match std::env::var(TEST_SERVER_VAR) {
        Ok(url) if !url.is_empty() => url,
        _ => {
            if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
                panic!("{TEST_SERVER_VAR} no está definida: en CI las pruebas de PostgreSQL no se omiten");
            }
            eprintln!("{test}: PostgreSQL omitido ({TEST_SERVER_VAR} no está definida)");
            return None;
        }
    };
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "actas_t{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let mut client = postgres::Client::connect(&admin, postgres::NoTls)
        .unwrap_or_else(|e| panic!("no se puede conectar con {admin}: {e}"));
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap_or_else(|e| panic!("no se puede crear la base {name}: {e}"));
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    Some(format!("{base}/{name}"))
}
