//! The register tables: the licence master (`licences`, one typed row per
//! licence, unique by its key), the rows of the smaller registers
//! (`register_entries`: backups, custody, recoveries, restorations,
//! maintenance — typed in Rust, kept as JSON with their key and date), and
//! `register_imports`, one row per imported file with its name and SHA-256.
//!
//! An import is one write transaction: the import row, every
//! insert or update by key, and the audit row (`register.import`) commit
//! together or not at all. Rows missing from a later file are kept (the
//! register is the union of what was imported); a row whose key comes back
//! is updated in place. This module stores and reads; it does not parse
//! files nor compute expiry or retention (`crate::registers`).

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;
use serde_json::Value as Json;

use super::audit::{self, Entry};
use super::db::{args, DbError, Engine, Param, Tx};
use super::error::{on, StoreError};
use super::Store;
use crate::registers::licences::Licence;
use crate::registers::Rejection;

/// Audit action of an import into a register.
pub const ACTION_REGISTER_IMPORT: &str = "register.import";

/// What an import records about its file.
#[derive(Debug, Clone)]
pub struct ImportMeta<'a> {
    /// `licencias`, `respaldos`, … (`crate::registers::Register::name`).
    pub register: &'a str,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub sheet: Option<&'a str>,
    pub header_row: Option<u32>,
    /// Rows rejected (each counted once).
    pub rejected: usize,
    /// The import's report, kept with it: the warnings about imported rows
    /// and the rejected rows ([`Store::import_notes`]).
    pub warnings: &'a [Rejection],
    pub rejections: &'a [Rejection],
    pub actor: &'a str,
    pub at: &'a DateTime<FixedOffset>,
}

/// Rows new to the register and rows updated by key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub import_id: i64,
    pub imported: usize,
    pub updated: usize,
}

/// A row of one of the smaller registers, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterEntry {
    pub key: String,
    /// The date the row is filed under (periods filter on it).
    pub fecha: Option<NaiveDate>,
    pub data: Json,
    pub row: u32,
}

/// An import as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportInfo {
    pub id: i64,
    pub register: String,
    pub file_name: String,
    pub sha256: String,
    pub sheet: Option<String>,
    pub header_row: Option<u32>,
    pub imported: usize,
    pub updated: usize,
    pub rejected: usize,
    pub actor: String,
    pub at: String,
}

impl Store {
    /// Stores the licences of one master file: inserts new keys, updates
    /// known ones, records the import and its audit row, in one transaction.
    pub fn import_licences(
        &mut self,
        meta: &ImportMeta<'_>,
        licences: &[Licence],
    ) -> Result<ImportCounts, StoreError> {
        let keys: Vec<String> = licences.iter().map(Licence::key).collect();
        self.import_keyed_licences(meta, licences, &keys)
    }

    /// [`Store::import_licences`] with each licence's [`Licence::key`]
    /// already computed (`keys[i]` is the key of `licences[i]`; parsing
    /// computes them for its duplicate check).
    ///
    /// Every row goes through a multi-row `INSERT … ON CONFLICT(key) DO
    /// UPDATE`: the key's unique index finds a known licence as it inserts,
    /// so there is no lookup per row. A key repeated within one call is
    /// inserted by its first row and updated by the later ones (PostgreSQL
    /// refuses to touch one row twice in one statement, so there such a
    /// batch is cut before the repeat). New rows are the growth of the
    /// table; the rest were updates.
    pub fn import_keyed_licences(
        &mut self,
        meta: &ImportMeta<'_>,
        licences: &[Licence],
        keys: &[String],
    ) -> Result<ImportCounts, StoreError> {
        if keys.len() != licences.len() {
            return Err(StoreError::Inconsistent {
                path: self.path.clone(),
                reason: format!(
                    "{} claves para {} licencias al importar el maestro",
                    keys.len(),
                    licences.len()
                ),
            });
        }
        // A 50,000-row master is ~15 MB of pages: a 64 MiB page cache keeps
        // the transaction from spilling to the WAL before it commits; the
        // index sorter stays in memory.
        self.sqlite_pragmas(&[("cache_size", "-65536"), ("temp_store", "MEMORY")])?;
        let engine = self.engine();
        self.write("importar el maestro de licencias", |tx, path| {
            let save = on(path, "importar el maestro de licencias");
            let import_id = insert_import(tx, meta).map_err(&save)?;
            let count = |tx: &mut Tx<'_>| tx.scalar::<i64>("SELECT count(*) FROM licences", &[]);
            let before = count(tx).map_err(&save)?;
            let rows: Vec<(&String, &Licence)> = keys.iter().zip(licences).collect();
            for batch in batches(&rows, engine) {
                upsert_batch(tx, batch, import_id).map_err(&save)?;
            }
            let imported = (count(tx).map_err(&save)? - before).max(0) as usize;
            let updated = licences.len() - imported.min(licences.len());
            finish_import(tx, path, meta, import_id, imported, updated)?;
            Ok(ImportCounts {
                import_id,
                imported,
                updated,
            })
        })
    }

    /// Every licence of the master, in the order of their rows.
    pub fn licences(&self) -> Result<Vec<Licence>, StoreError> {
        self.read("leer el maestro de licencias", |tx, path| {
            let read = on(path, "leer el maestro de licencias");
            let date =
                |s: Option<String>| s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
            tx.query(
                "SELECT item, reg_siaf, orden, cantidad, software, tipo, ubicacion, inicio,
                        termino, vida_util_meses, valor_cents, amortizacion_cents, saldo_cents,
                        saldo_al, estado, nota_ccp, mes, source_row, perpetua
                 FROM licences ORDER BY source_row, id",
                &[],
            )
            .map_err(&read)?
            .iter()
            .map(|r| {
                Ok(Licence {
                    item: r.get(0)?,
                    reg_siaf: r.get(1)?,
                    orden: r.get(2)?,
                    cantidad: r.get(3)?,
                    software: r.get(4)?,
                    tipo: r.get(5)?,
                    ubicacion: r.get(6)?,
                    inicio: date(r.get(7)?),
                    termino: date(r.get(8)?),
                    perpetual: r.get::<i64>(18)? != 0,
                    vida_util_meses: r.get(9)?,
                    valor_cents: r.get(10)?,
                    amortizacion_cents: r.get(11)?,
                    saldo_cents: r.get(12)?,
                    saldo_al: date(r.get(13)?),
                    estado: r.get(14)?,
                    nota_ccp: r.get(15)?,
                    mes: r.get(16)?,
                    row: r.get(17)?,
                })
            })
            .collect::<Result<Vec<_>, DbError>>()
            .map_err(&read)
        })
    }

    /// Stores the rows of one file of a smaller register, by key, in one transaction.
    pub fn import_entries(
        &mut self,
        meta: &ImportMeta<'_>,
        entries: &[RegisterEntry],
    ) -> Result<ImportCounts, StoreError> {
        self.write("importar el registro", |tx, path| {
            let save = on(path, "importar el registro");
            let import_id = insert_import(tx, meta).map_err(&save)?;
            let (mut imported, mut updated) = (0, 0);
            for e in entries {
                let fecha = iso(e.fecha);
                let data = e.data.to_string();
                let existing: Option<i64> = tx
                    .query_opt(
                        "SELECT id FROM register_entries WHERE register = ?1 AND key = ?2",
                        args![meta.register, &e.key],
                    )
                    .map_err(&save)?
                    .map(|r| r.get(0))
                    .transpose()
                    .map_err(&save)?;
                match existing {
                    Some(id) => {
                        tx.execute(
                            "UPDATE register_entries SET fecha = ?2, data = ?3, source_row = ?4,
                                    import_id = ?5
                             WHERE id = ?1",
                            args![id, &fecha, &data, e.row, import_id],
                        )
                        .map_err(&save)?;
                        updated += 1;
                    }
                    None => {
                        tx.execute(
                            "INSERT INTO register_entries (register, key, fecha, data, source_row,
                                                           import_id)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            args![meta.register, &e.key, &fecha, &data, e.row, import_id],
                        )
                        .map_err(&save)?;
                        imported += 1;
                    }
                }
            }
            finish_import(tx, path, meta, import_id, imported, updated)?;
            Ok(ImportCounts {
                import_id,
                imported,
                updated,
            })
        })
    }

    /// The rows of a smaller register (as stored), by date then row.
    pub fn entries(&self, register: &str) -> Result<Vec<Json>, StoreError> {
        self.read("leer el registro", |tx, path| {
            let read = on(path, "leer el registro");
            let mut out = Vec::new();
            for row in tx
                .query(
                    "SELECT data FROM register_entries WHERE register = ?1
                     ORDER BY fecha NULLS FIRST, source_row, id",
                    args![register],
                )
                .map_err(&read)?
            {
                let text: String = row.get(0).map_err(&read)?;
                let value = serde_json::from_str(&text).map_err(|e| StoreError::Inconsistent {
                    path: path.to_path_buf(),
                    reason: format!("una fila del registro {register} no es JSON válido: {e}"),
                })?;
                out.push(value);
            }
            Ok(out)
        })
    }

    /// The last import into a register, if any.
    pub fn last_import(&self, register: &str) -> Result<Option<ImportInfo>, StoreError> {
        self.read("leer las importaciones", |tx, path| {
            let read = on(path, "leer las importaciones");
            tx.query_opt(
                "SELECT id, register, file_name, sha256, sheet, header_row, imported, updated,
                        rejected, actor, at
                 FROM register_imports WHERE register = ?1 ORDER BY id DESC LIMIT 1",
                args![register],
            )
            .map_err(&read)?
            .map(|r| {
                Ok(ImportInfo {
                    id: r.get(0)?,
                    register: r.get(1)?,
                    file_name: r.get(2)?,
                    sha256: r.get(3)?,
                    sheet: r.get(4)?,
                    header_row: r.get(5)?,
                    imported: r.get::<i64>(6)? as usize,
                    updated: r.get::<i64>(7)? as usize,
                    rejected: r.get::<i64>(8)? as usize,
                    actor: r.get(9)?,
                    at: r.get(10)?,
                })
            })
            .transpose()
            .map_err(&read)
        })
    }

    /// The report kept with an import: its warnings and its rejected rows,
    /// each in the order the import listed them.
    pub fn import_notes(&self, import_id: i64) -> Result<ImportNotes, StoreError> {
        self.read("leer el informe de la importación", |tx, path| {
            let read = on(path, "leer el informe de la importación");
            let mut notes = ImportNotes::default();
            for row in tx
                .query(
                    "SELECT kind, source_row, column_label, reason FROM register_import_notes
                     WHERE import_id = ?1 ORDER BY seq",
                    args![import_id],
                )
                .map_err(&read)?
            {
                let kind: String = row.get(0).map_err(&read)?;
                let note = Rejection {
                    row: row.get(1).map_err(&read)?,
                    column: row.get(2).map_err(&read)?,
                    reason: row.get(3).map_err(&read)?,
                };
                if kind == NOTE_REJECTED {
                    notes.rejected.push(note);
                } else {
                    notes.warnings.push(note);
                }
            }
            Ok(notes)
        })
    }
}

/// An import's report as kept ([`Store::import_notes`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportNotes {
    pub warnings: Vec<Rejection>,
    pub rejected: Vec<Rejection>,
}

/// Rows per multi-row upsert of licences (22 parameters each: 7,700 per
/// statement, below SQLite's limit of 32,766 and PostgreSQL's of 65,535).
const INSERT_BATCH: usize = 350;

/// The upsert batches: [`INSERT_BATCH`] rows each; on PostgreSQL a batch
/// also ends before a key it already holds.
fn batches<'r, 'a>(
    rows: &'r [(&'a String, &'a Licence)],
    engine: Engine,
) -> Vec<&'r [(&'a String, &'a Licence)]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut seen = std::collections::HashSet::new();
    for (i, (key, _)) in rows.iter().enumerate() {
        let full = i - start == INSERT_BATCH;
        let repeat = engine == Engine::Postgres && seen.contains(key);
        if full || repeat {
            out.push(&rows[start..i]);
            start = i;
            seen.clear();
        }
        seen.insert(*key);
    }
    if start < rows.len() {
        out.push(&rows[start..]);
    }
    out
}

/// Inserts licences, or updates those whose key is already stored, in one statement.
fn upsert_batch(
    tx: &mut Tx<'_>,
    rows: &[(&String, &Licence)],
    import_id: i64,
) -> Result<(), DbError> {
    if rows.is_empty() {
        return Ok(());
    }
    let placeholders = vec!["(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"; rows.len()].join(",");
    let sql = format!(
        "INSERT INTO licences (key, item, reg_siaf, orden, cantidad, software, tipo, ubicacion,
            inicio, termino, vida_util_meses, valor_cents, amortizacion_cents, saldo_cents,
            saldo_al, estado, nota_ccp, mes, source_row, import_id, first_import_id, perpetua)
         VALUES {placeholders}
         ON CONFLICT (key) DO UPDATE SET item = excluded.item, reg_siaf = excluded.reg_siaf,
            orden = excluded.orden, cantidad = excluded.cantidad, software = excluded.software,
            tipo = excluded.tipo, ubicacion = excluded.ubicacion, inicio = excluded.inicio,
            termino = excluded.termino, vida_util_meses = excluded.vida_util_meses,
            valor_cents = excluded.valor_cents, amortizacion_cents = excluded.amortizacion_cents,
            saldo_cents = excluded.saldo_cents, saldo_al = excluded.saldo_al,
            estado = excluded.estado, nota_ccp = excluded.nota_ccp, mes = excluded.mes,
            source_row = excluded.source_row, import_id = excluded.import_id,
            perpetua = excluded.perpetua"
    );
    let dates: Vec<[Option<IsoDate>; 3]> = rows
        .iter()
        .map(|(_, l)| [l.inicio, l.termino, l.saldo_al].map(|d| d.map(IsoDate::new)))
        .collect();
    let mut values: Vec<Param<'_>> = Vec::with_capacity(rows.len() * 22);
    for ((key, l), [inicio, termino, saldo_al]) in rows.iter().zip(&dates) {
        fn date(d: &Option<IsoDate>) -> Param<'_> {
            match d {
                Some(d) => Param::Text(d.as_str()),
                None => Param::Null,
            }
        }
        values.extend_from_slice(&[
            Param::from(*key),
            Param::from(&l.item),
            Param::from(&l.reg_siaf),
            Param::from(&l.orden),
            Param::from(&l.cantidad),
            Param::from(&l.software),
            Param::from(&l.tipo),
            Param::from(&l.ubicacion),
            date(inicio),
            date(termino),
            Param::from(&l.vida_util_meses),
            Param::from(&l.valor_cents),
            Param::from(&l.amortizacion_cents),
            Param::from(&l.saldo_cents),
            date(saldo_al),
            Param::from(&l.estado),
            Param::from(&l.nota_ccp),
            Param::from(&l.mes),
            Param::from(l.row),
            Param::from(import_id),
            Param::from(import_id),
            Param::Int(i64::from(l.perpetual)),
        ]);
    }
    tx.execute(&sql, &values)?;
    Ok(())
}

/// A date as `AAAA-MM-DD` text, bound without allocating (a big import binds 150,000).
#[derive(Debug, Clone, Copy)]
struct IsoDate([u8; 10]);

impl IsoDate {
    fn new(date: NaiveDate) -> IsoDate {
        use chrono::Datelike;
        let (y, m, d) = (date.year().clamp(0, 9999) as u32, date.month(), date.day());
        let digit = |n: u32| b'0' + (n % 10) as u8;
        IsoDate([
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(d / 10),
            digit(d),
        ])
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits and dashes are ever written.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

/// `AAAA-MM-DD` ([`IsoDate`] as an owned string, for the smaller registers).
fn iso(date: Option<NaiveDate>) -> Option<String> {
    date.map(|d| IsoDate::new(d).as_str().to_string())
}

fn insert_import(tx: &mut Tx<'_>, meta: &ImportMeta<'_>) -> Result<i64, DbError> {
    let import_id: i64 = tx.scalar(
        "INSERT INTO register_imports (register, file_name, sha256, sheet, header_row,
                                       imported, updated, rejected, actor, at)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, ?6, ?7, ?8) RETURNING id",
        args![
            meta.register,
            meta.file_name,
            meta.sha256,
            meta.sheet,
            meta.header_row,
            meta.rejected as i64,
            meta.actor,
            &meta.at.to_rfc3339()
        ],
    )?;
    insert_notes(tx, import_id, meta)?;
    Ok(import_id)
}

/// Rows per multi-row insert of an import's notes (6 parameters each).
const NOTES_BATCH: usize = 500;

/// The import's warnings then its rejected rows, numbered from 1.
fn insert_notes(tx: &mut Tx<'_>, import_id: i64, meta: &ImportMeta<'_>) -> Result<(), DbError> {
    let notes: Vec<(&str, &Rejection)> = meta
        .warnings
        .iter()
        .map(|w| (NOTE_WARNING, w))
        .chain(meta.rejections.iter().map(|r| (NOTE_REJECTED, r)))
        .collect();
    for (b, batch) in notes.chunks(NOTES_BATCH).enumerate() {
        let placeholders = vec!["(?,?,?,?,?,?)"; batch.len()].join(",");
        let mut values: Vec<Param<'_>> = Vec::with_capacity(batch.len() * 6);
        for (i, (kind, note)) in batch.iter().enumerate() {
            values.extend_from_slice(&[
                Param::Int(import_id),
                Param::Int((b * NOTES_BATCH + i + 1) as i64),
                Param::Text(kind),
                Param::from(note.row),
                Param::Text(&note.column),
                Param::Text(&note.reason),
            ]);
        }
        tx.execute(
            &format!(
                "INSERT INTO register_import_notes (import_id, seq, kind, source_row,
                                                    column_label, reason)
                 VALUES {placeholders}"
            ),
            &values,
        )?;
    }
    Ok(())
}

/// `register_import_notes.kind` of a warning and of a rejected row.
const NOTE_WARNING: &str = "advertencia";
const NOTE_REJECTED: &str = "rechazo";

/// Sets the import's counts (once: the trigger allows only that) and appends the audit row.
fn finish_import(
    tx: &mut Tx<'_>,
    path: &std::path::Path,
    meta: &ImportMeta<'_>,
    import_id: i64,
    imported: usize,
    updated: usize,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE register_imports SET imported = ?2, updated = ?3 WHERE id = ?1",
        args![import_id, imported as i64, updated as i64],
    )
    .map_err(on(path, "registrar la importación"))?;
    audit::append(
        tx,
        path,
        Entry {
            at: meta.at,
            actor: meta.actor,
            action: ACTION_REGISTER_IMPORT,
            subject: meta.register,
            detail: serde_json::json!({
                "import_id": import_id,
                "file_name": meta.file_name,
                "sha256": meta.sha256,
                "sheet": meta.sheet,
                "imported": imported,
                "updated": updated,
                "rejected": meta.rejected,
            }),
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn licence(software: &str, termino: &str) -> Licence {
        Licence {
            item: Some("1".into()),
            reg_siaf: Some("1234".into()),
            orden: Some("OC-1".into()),
            cantidad: Some(5),
            software: software.into(),
            tipo: None,
            ubicacion: "OTI".into(),
            inicio: None,
            termino: NaiveDate::parse_from_str(termino, "%Y-%m-%d").ok(),
            perpetual: termino.is_empty(),
            vida_util_meses: Some(12.0),
            valor_cents: Some(150_000),
            amortizacion_cents: Some(50_000),
            saldo_cents: Some(100_000),
            saldo_al: None,
            estado: Some("Activo".into()),
            nota_ccp: None,
            mes: None,
            row: 7,
        }
    }

    fn meta<'a>(at: &'a DateTime<FixedOffset>) -> ImportMeta<'a> {
        ImportMeta {
            register: "licencias",
            file_name: "maestro.xlsx",
            sha256: "ab".repeat(32).leak(),
            sheet: Some("2026"),
            header_row: Some(4),
            rejected: 1,
            warnings: &[],
            rejections: &[],
            actor: "ana.quispe",
            at,
        }
    }

    fn reimport_updates_by_key_and_is_audited(db: TestDb) {
        let mut store = db.open();
        let at = at();
        let first = store
            .import_licences(
                &meta(&at),
                &[licence("Office", "2026-12-31"), licence("Autocad", "")],
            )
            .unwrap();
        assert_eq!((first.imported, first.updated), (2, 0));
        let second = store
            .import_licences(&meta(&at), &[licence("Office", "2027-12-31")])
            .unwrap();
        assert_eq!((second.imported, second.updated), (0, 1));
        let all = store.licences().unwrap();
        assert_eq!(all.len(), 2);
        assert!(all
            .iter()
            .any(|l| l.termino == NaiveDate::from_ymd_opt(2027, 12, 31)));
        assert!(all.iter().any(|l| l.termino.is_none()));
        let last = store.last_import("licencias").unwrap().unwrap();
        assert_eq!(
            (last.id, last.updated, last.rejected),
            (second.import_id, 1, 1)
        );
        let report = store.verify_audit().unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.rows, 2);
    }

    #[test]
    fn iso_dates() {
        assert_eq!(
            iso(NaiveDate::from_ymd_opt(2026, 3, 5)).as_deref(),
            Some("2026-03-05")
        );
        assert_eq!(
            iso(NaiveDate::from_ymd_opt(987, 12, 31)).as_deref(),
            Some("0987-12-31")
        );
        assert_eq!(iso(None), None);
    }

    fn batches_and_repeated_keys_in_one_call(db: TestDb) {
        let mut store = db.open();
        let at = at();
        // 150 licences: two full batches and a short one; the last repeats the first.
        let mut list: Vec<Licence> = (0..149)
            .map(|i| licence(&format!("S{i}"), "2026-12-31"))
            .collect();
        list.push(licence("S0", "2030-01-01"));
        let counts = store.import_licences(&meta(&at), &list).unwrap();
        assert_eq!((counts.imported, counts.updated), (149, 1));
        let all = store.licences().unwrap();
        assert_eq!(all.len(), 149);
        let s0 = all.iter().find(|l| l.software == "S0").unwrap();
        assert_eq!(s0.termino, NaiveDate::from_ymd_opt(2030, 1, 1));
    }

    fn entries_update_by_key(db: TestDb) {
        let mut store = db.open();
        let at = at();
        let mut m = meta(&at);
        m.register = "respaldos";
        let entry = |v: i64| RegisterEntry {
            key: "k".into(),
            fecha: NaiveDate::from_ymd_opt(2026, 3, 1),
            data: serde_json::json!({ "v": v }),
            row: 2,
        };
        store.import_entries(&m, &[entry(1)]).unwrap();
        let c = store.import_entries(&m, &[entry(2)]).unwrap();
        assert_eq!((c.imported, c.updated), (0, 1));
        assert_eq!(
            store.entries("respaldos").unwrap(),
            [serde_json::json!({"v": 2})]
        );
        assert!(store.entries("mantenimientos").unwrap().is_empty());
    }

    on_both_engines!(
        reimport_updates_by_key_and_is_audited,
        batches_and_repeated_keys_in_one_call,
        entries_update_by_key,
    );
}
