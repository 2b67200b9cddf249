//! Documents, their correlative numbers and their revisions.
//!
//! A document is created with its first revision (the rendered PDF) in one
//! write transaction (serialised with every other writer, on either engine) that also takes the next correlative of its
//! (series, year) and appends the audit row. Because the number is taken
//! under the write lock and the transaction is rolled back when rendering
//! fails, numbers are unique across processes, never reused and never
//! skipped (Senace numbering: correlatives per year printed `AAAA-NNN`).
//! The render callback runs while the write lock is held, so other writers
//! wait for it (up to the busy timeout): keep it to rendering.
//!
//! Later revisions (each signature, for instance) are added, never
//! overwritten; a document's data, template and number never change, only
//! its status. This module does not render or sign anything.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::audit::{
    self, Entry, ACTION_DOCUMENT_CREATE, ACTION_DOCUMENT_RECEIVE, ACTION_DOCUMENT_REVISE,
};
use super::db::{args, DbError, Param, Row, Tx};
use super::error::{on, StoreError};
use super::search::search_words;
use super::{sha256_hex, Store};

/// What the caller knows of a document before it has a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewDocument {
    /// Correlative series (by default the template id); no `/`.
    pub series: String,
    /// The year of the correlative, four digits.
    pub year: i32,
    pub template_id: String,
    pub template_version: String,
    /// Goes to the audit log: no secrets.
    pub title: String,
    pub status: String,
    /// The form data. Kept with the document, never copied to the audit log.
    pub data: serde_json::Value,
    /// Who saves it, as recorded in the audit log.
    pub actor: String,
    pub at: DateTime<FixedOffset>,
}

/// What [`Store::create_document`] saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredDocument {
    /// `AAAA-NNN`.
    pub number: String,
    pub revision: u32,
    pub sha256: String,
}

/// A document as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentSummary {
    /// `AAAA-NNN`, unique within its series.
    pub number: String,
    pub series: String,
    pub template_id: String,
    pub template_version: String,
    pub title: String,
    pub status: String,
    /// RFC 3339, with the offset it was saved with.
    pub created_at: String,
    pub revisions: u32,
}

/// A document with its data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentRecord {
    pub number: String,
    pub series: String,
    pub template_id: String,
    pub template_version: String,
    pub title: String,
    pub status: String,
    pub created_at: String,
    pub revisions: u32,
    pub data: serde_json::Value,
}

/// One stored PDF of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub revision: u32,
    #[serde(skip)]
    pub pdf: Vec<u8>,
    pub sha256: String,
    pub created_at: String,
    pub note: String,
}

/// A revision without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevisionInfo {
    pub revision: u32,
    pub sha256: String,
    pub created_at: String,
    pub note: String,
}

/// `AAAA-NNN`: the year and the correlative zero-padded to three digits
/// (more digits past 999), as Senace prints them (`2020-036`).
pub fn format_number(year: i32, seq: i64) -> String {
    format!("{year:04}-{seq:03}")
}

impl NewDocument {
    fn check(&self) -> Result<(), StoreError> {
        let refuse = |reason: String| {
            Err(StoreError::Invalid {
                context: "no se puede guardar el documento",
                reason,
            })
        };
        check_series(&self.series).or_else(refuse)?;
        if !(1000..=9999).contains(&self.year) {
            return refuse(format!("el año {} no tiene cuatro cifras", self.year));
        }
        for (value, what) in [
            (&self.template_id, "la plantilla"),
            (&self.template_version, "la versión de la plantilla"),
            (&self.status, "el estado"),
            (&self.actor, "quién lo guarda"),
        ] {
            if value.trim().is_empty() {
                return refuse(format!("falta {what}"));
            }
        }
        Ok(())
    }
}

fn check_series(series: &str) -> Result<(), String> {
    if series.trim().is_empty() {
        Err("falta la serie del correlativo".into())
    } else if series.contains('/') || series.chars().any(char::is_control) {
        Err(format!(
            "la serie «{series}» no puede contener «/» ni caracteres de control"
        ))
    } else {
        Ok(())
    }
}

impl Store {
    /// Hands out the next correlative of (series, year) inside the same
    /// write transaction that saves the document; calls `render(&number)`
    /// (number `AAAA-NNN`) to get the PDF bytes; inserts the document,
    /// revision 1 (bytes and SHA-256) and an audit row; commits. If `render`
    /// fails, everything is rolled back and the number is not consumed: the
    /// next save gets it.
    pub fn create_document<E: From<StoreError>>(
        &mut self,
        new: &NewDocument,
        render: impl FnOnce(&str) -> Result<Vec<u8>, E>,
    ) -> Result<StoredDocument, E> {
        new.check()?;
        self.write("guardar el documento", |tx, path| {
            let seq: i64 = tx
                .scalar(
                    "INSERT INTO correlatives (series, year, last_seq) VALUES (?1, ?2, 1)
                     ON CONFLICT (series, year) DO UPDATE SET last_seq = correlatives.last_seq + 1
                     RETURNING last_seq",
                    args![&new.series, new.year],
                )
                .map_err(on(path, "tomar el correlativo"))?;
            let number = format_number(new.year, seq);
            // Returning early drops the transaction: the correlative rolls back.
            let pdf = render(&number)?;
            let stored = insert_document(
                tx,
                path,
                new,
                seq,
                &number,
                &pdf,
                ACTION_DOCUMENT_CREATE,
                None,
            )?;
            Ok(stored)
        })
    }

    /// Stores a document received from elsewhere (a PDF whose number no
    /// document of this register has), with the number it carries, as its
    /// revision 1, audited as `document.receive` with the file's SHA-256.
    /// Its series is its own (no correlative of this office is taken); the
    /// caller names it (`recibido-<serie>`).
    pub fn receive_document(
        &mut self,
        new: &NewDocument,
        number: &str,
        pdf: &[u8],
    ) -> Result<StoredDocument, StoreError> {
        new.check()?;
        let seq = number
            .split_once('-')
            .and_then(|(year, seq)| (year.parse::<i32>().ok() == Some(new.year)).then_some(seq))
            .and_then(|seq| seq.parse::<i64>().ok())
            .filter(|seq| *seq >= 1)
            .ok_or_else(|| StoreError::Invalid {
                context: "no se puede registrar el documento recibido",
                reason: format!(
                    "el número «{number}» no tiene la forma AAAA-NNN del año {}",
                    new.year
                ),
            })?;
        self.write("registrar el documento recibido", |tx, path| {
            let save = on(path, "registrar el documento recibido");
            // The series' correlative row only anchors the foreign key; a
            // received series never hands out numbers.
            tx.execute(
                "INSERT INTO correlatives (series, year, last_seq) VALUES (?1, ?2, ?3)
                 ON CONFLICT (series, year) DO NOTHING",
                args![&new.series, new.year, seq],
            )
            .map_err(&save)?;
            let taken: Option<Row> = tx
                .query_opt(
                    "SELECT number FROM documents WHERE series = ?1 AND (number = ?2 OR (year = ?3 AND seq = ?4))",
                    args![&new.series, number, new.year, seq],
                )
                .map_err(&save)?;
            if taken.is_some() {
                return Err(StoreError::Conflict(format!(
                    "el documento {}/{number} ya está registrado",
                    new.series
                )));
            }
            insert_document(tx, path, new, seq, number, pdf, ACTION_DOCUMENT_RECEIVE, Some(sha256_hex(pdf)))
        })
    }

    /// Every document, oldest first (by creation instant, then by id).
    pub fn list_documents(&self) -> Result<Vec<DocumentSummary>, StoreError> {
        self.list_documents_where(&DocumentFilter::default())
    }

    /// The documents that pass `filter`, oldest first; the window's query.
    pub fn list_documents_where(
        &self,
        filter: &DocumentFilter,
    ) -> Result<Vec<DocumentSummary>, StoreError> {
        let words = search_words(filter.text.as_deref().unwrap_or(""));
        if !words.is_empty() {
            return self.search_documents(filter, &words);
        }
        self.read("leer los documentos", |tx, path| {
            let read = on(path, "leer los documentos");
            let (mut sql, mut params) = filtered(SUMMARY_SELECT, filter);
            sql.push_str(if filter.newest_first {
                " ORDER BY d.created_ms DESC, d.id DESC"
            } else {
                " ORDER BY d.created_ms, d.id"
            });
            if filter.limit.is_some() || filter.offset.is_some() {
                // SQLite needs a LIMIT before an OFFSET: «no limit» is the largest.
                params.push(Param::Int(filter.limit.map_or(i64::MAX, i64::from)));
                sql.push_str(&format!(" LIMIT ?{}", params.len()));
                params.push(Param::Int(i64::from(filter.offset.unwrap_or(0))));
                sql.push_str(&format!(" OFFSET ?{}", params.len()));
            }
            let rows = tx.query(&sql, &params).map_err(&read)?;
            rows.iter()
                .map(|row| summary_row(row).map_err(&read))
                .collect()
        })
    }

    /// How many documents pass `filter` (its limit and offset ignored).
    pub fn count_documents_where(&self, filter: &DocumentFilter) -> Result<u64, StoreError> {
        self.read("contar los documentos", |tx, path| {
            let (sql, params) = filtered("SELECT count(*) FROM documents d", filter);
            let count: i64 = tx
                .scalar(&sql, &params)
                .map_err(on(path, "contar los documentos"))?;
            Ok(count.max(0) as u64)
        })
    }

    /// The document with this number (`2026-001` or `serie/2026-001`).
    pub fn document(&self, number: &str) -> Result<DocumentRecord, StoreError> {
        self.read("leer el documento", |tx, path| {
            let id = find_document(tx, path, number)?;
            let read = on(path, "leer el documento");
            let row = tx
                .query_one(&format!("{SUMMARY_SELECT_DATA} WHERE d.id = ?1"), args![id])
                .map_err(&read)?;
            let summary = summary_row(&row).map_err(&read)?;
            let data: String = row.get(8).map_err(&read)?;
            let data = serde_json::from_str(&data).map_err(|err| StoreError::Inconsistent {
                path: path.to_path_buf(),
                reason: format!("los datos del documento {number} no son JSON válido: {err}"),
            })?;
            Ok(DocumentRecord {
                number: summary.number,
                series: summary.series,
                template_id: summary.template_id,
                template_version: summary.template_version,
                title: summary.title,
                status: summary.status,
                created_at: summary.created_at,
                revisions: summary.revisions,
                data,
            })
        })
    }

    /// The newest revision of the document, with its PDF.
    pub fn latest_revision(&self, number: &str) -> Result<Revision, StoreError> {
        self.read("leer la revisión", |tx, path| {
            let id = find_document(tx, path, number)?;
            latest_in(tx, path, id, number)
        })
    }

    /// Every revision of the document with its PDF, first to last.
    pub fn revisions_with_pdf(&self, number: &str) -> Result<Vec<Revision>, StoreError> {
        self.read("leer las revisiones", |tx, path| {
            let id = find_document(tx, path, number)?;
            let read = on(path, "leer las revisiones");
            let rows = tx
                .query(
                    "SELECT revision, pdf, sha256, created_at, note FROM revisions
                     WHERE document_id = ?1 ORDER BY revision",
                    args![id],
                )
                .map_err(&read)?;
            rows.into_iter()
                .map(|row| revision_row(row).map_err(&read))
                .collect()
        })
    }

    /// The non-empty notes of every revision, as (series, number, note), in
    /// revision order: what listings read the signatures from, in one query.
    pub fn revision_notes(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        self.read("leer las revisiones", |tx, path| {
            let read = on(path, "leer las revisiones");
            tx.query(
                "SELECT d.series, d.number, r.note FROM revisions r
                 JOIN documents d ON d.id = r.document_id
                 WHERE r.note <> '' ORDER BY r.document_id, r.revision",
                &[],
            )
            .map_err(&read)?
            .iter()
            .map(|row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .collect::<Result<Vec<_>, DbError>>()
            .map_err(&read)
        })
    }

    /// [`Store::revision_notes`] of the documents with these numbers only
    /// (a page of the window's list), in one query.
    pub fn revision_notes_of(
        &self,
        numbers: &[&str],
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        if numbers.is_empty() {
            return Ok(Vec::new());
        }
        self.read("leer las revisiones", |tx, path| {
            let read = on(path, "leer las revisiones");
            let placeholders = (1..=numbers.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(",");
            let params: Vec<Param<'_>> = numbers.iter().map(|n| Param::Text(n)).collect();
            tx.query(
                &format!(
                    "SELECT d.series, d.number, r.note FROM revisions r
                     JOIN documents d ON d.id = r.document_id
                     WHERE r.note <> '' AND d.number IN ({placeholders})
                     ORDER BY r.document_id, r.revision"
                ),
                &params,
            )
            .map_err(&read)?
            .iter()
            .map(|row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .collect::<Result<Vec<_>, DbError>>()
            .map_err(&read)
        })
    }

    /// Every revision of the document, first to last, without the PDFs.
    pub fn revisions(&self, number: &str) -> Result<Vec<RevisionInfo>, StoreError> {
        self.read("leer las revisiones", |tx, path| {
            let read = on(path, "leer las revisiones");
            let id = find_document(tx, path, number)?;
            let rows = tx
                .query(
                    "SELECT revision, sha256, created_at, note FROM revisions
                     WHERE document_id = ?1 ORDER BY revision",
                    args![id],
                )
                .map_err(&read)?;
            rows.iter()
                .map(|row| {
                    Ok(RevisionInfo {
                        revision: row.get(0)?,
                        sha256: row.get(1)?,
                        created_at: row.get(2)?,
                        note: row.get(3)?,
                    })
                })
                .collect::<Result<Vec<_>, DbError>>()
                .map_err(&read)
        })
    }

    /// Adds the next revision of the document (never overwriting one), sets
    /// its status and appends the audit row, in one transaction. `note`,
    /// `status` and `actor` go to the audit log: no secrets.
    pub fn add_revision(
        &mut self,
        number: &str,
        pdf: &[u8],
        status: &str,
        note: &str,
        actor: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<RevisionInfo, StoreError> {
        self.add_revision_on(
            number,
            None,
            &NewRevision {
                pdf,
                status,
                note,
                actor,
                at,
                action: ACTION_DOCUMENT_REVISE,
                file_sha256: None,
                substitute_for: None,
            },
        )
    }

    /// [`Store::add_revision`] as an optimistic update: when `base` is given
    /// and the document's latest revision is no longer `base` (another
    /// workstation added one meanwhile), nothing is written and
    /// [`StoreError::Stale`] says which revision is now the latest.
    pub fn add_revision_on(
        &mut self,
        number: &str,
        base: Option<u32>,
        new: &NewRevision<'_>,
    ) -> Result<RevisionInfo, StoreError> {
        let refuse = |reason: String| StoreError::Invalid {
            context: "no se puede añadir la revisión",
            reason,
        };
        if new.pdf.is_empty() {
            return Err(refuse(format!("el PDF del documento {number} está vacío")));
        }
        if new.status.trim().is_empty() {
            return Err(refuse("falta el estado".into()));
        }
        if new.actor.trim().is_empty() {
            return Err(refuse("falta quién la añade".into()));
        }
        self.write("añadir la revisión", |tx, path| {
            let save = on(path, "añadir la revisión");
            let id = find_document(tx, path, number)?;
            let row = tx
                .query_one(
                    "SELECT d.series, d.number, coalesce(max(r.revision), 0), d.status
                     FROM documents d LEFT JOIN revisions r ON r.document_id = d.id
                     WHERE d.id = ?1 GROUP BY d.id, d.series, d.number, d.status",
                    args![id],
                )
                .map_err(&save)?;
            let series: String = row.get(0).map_err(&save)?;
            let plain_number: String = row.get(1).map_err(&save)?;
            let latest: i64 = row.get(2).map_err(&save)?;
            let status: String = row.get(3).map_err(&save)?;
            // An annulled document is closed: nobody signs it any further.
            if status == super::STATUS_ANNULLED {
                return Err(refuse(format!("el documento {number} está anulado")));
            }
            if let Some(base) = base {
                if i64::from(base) != latest {
                    return Err(StoreError::Stale {
                        number: number.to_string(),
                        base,
                        latest: u32::try_from(latest).unwrap_or(u32::MAX),
                    });
                }
            }
            let revision = latest + 1;
            let sha256 = sha256_hex(new.pdf);
            insert_revision(
                tx, path, id, revision, new.pdf, &sha256, new.status, new.note, new.actor, &new.at,
            )?;
            tx.execute(
                "UPDATE documents SET status = ?1 WHERE id = ?2",
                args![new.status, id],
            )
            .map_err(&save)?;
            let mut detail = serde_json::json!({
                "series": series,
                "revision": revision,
                "sha256": sha256,
                "status": new.status,
                "note": new.note,
            });
            if let Some(file) = &new.file_sha256 {
                detail["file_sha256"] = serde_json::Value::from(file.as_str());
            }
            if let Some(named) = &new.substitute_for {
                detail["suplente_de"] = serde_json::Value::from(named.as_str());
            }
            audit::append(
                tx,
                path,
                Entry {
                    at: &new.at,
                    actor: new.actor,
                    action: new.action,
                    subject: &plain_number,
                    detail,
                },
            )?;
            Ok(RevisionInfo {
                revision: to_u32(path, revision, "número de revisión")?,
                sha256,
                created_at: new.at.to_rfc3339(),
                note: new.note.to_string(),
            })
        })
    }
}

/// A revision to add ([`Store::add_revision_on`]).
#[derive(Debug, Clone)]
pub struct NewRevision<'a> {
    pub pdf: &'a [u8],
    /// The document's status once added. Goes to the audit log: no secrets.
    pub status: &'a str,
    pub note: &'a str,
    pub actor: &'a str,
    pub at: DateTime<FixedOffset>,
    /// `document.revise`, or `document.import` for a received signed PDF.
    pub action: &'static str,
    /// The imported file's SHA-256, recorded in the audit row.
    pub file_sha256: Option<String>,
    /// The person named for the role when a substitute signed, recorded in
    /// the audit row.
    pub substitute_for: Option<String>,
}

/// Which documents [`Store::list_documents_where`] returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentFilter {
    /// Words that must all appear (case and accents ignored) in the
    /// document's number, title, form, data (system name, the people named
    /// in it…) or the signers its revisions record.
    pub text: Option<String>,
    pub template_id: Option<String>,
    pub status: Option<String>,
    /// Created at or after this instant (milliseconds since 1970, UTC).
    pub from_ms: Option<i64>,
    /// Created before this instant.
    pub to_ms: Option<i64>,
    pub limit: Option<u32>,
    /// Rows skipped before the first one returned (paging, with `limit`).
    pub offset: Option<u32>,
    /// Newest first (the window's order) instead of oldest first.
    pub newest_first: bool,
}

/// ` WHERE …` for every field of `filter` but `text` and `limit`, pushing
/// their values onto `params`.
pub(super) fn where_clause<'a>(filter: &'a DocumentFilter, params: &mut Vec<Param<'a>>) -> String {
    let mut sql = String::from(" WHERE 1 = 1");
    if let Some(template) = &filter.template_id {
        params.push(Param::Text(template));
        sql.push_str(&format!(" AND d.template_id = ?{}", params.len()));
    }
    if let Some(status) = &filter.status {
        params.push(Param::Text(status));
        sql.push_str(&format!(" AND d.status = ?{}", params.len()));
    }
    if let Some(from) = filter.from_ms {
        params.push(Param::Int(from));
        sql.push_str(&format!(" AND d.created_ms >= ?{}", params.len()));
    }
    if let Some(to) = filter.to_ms {
        params.push(Param::Int(to));
        sql.push_str(&format!(" AND d.created_ms < ?{}", params.len()));
    }
    sql
}

/// Inserts a document and its revision 1 with the audit row `action`.
#[allow(clippy::too_many_arguments)]
fn insert_document(
    tx: &mut Tx<'_>,
    path: &Path,
    new: &NewDocument,
    seq: i64,
    number: &str,
    pdf: &[u8],
    action: &'static str,
    file_sha256: Option<String>,
) -> Result<StoredDocument, StoreError> {
    if pdf.is_empty() {
        return Err(StoreError::Invalid {
            context: "no se puede guardar el documento",
            reason: format!("el PDF del documento {number} está vacío"),
        });
    }
    let save = on(path, "guardar el documento");
    let sha256 = sha256_hex(pdf);
    let created_at = new.at.to_rfc3339();
    let data = new.data.to_string();
    let document_id: i64 = tx
        .scalar(
            "INSERT INTO documents (series, year, seq, number, template_id, template_version,
                                    title, status, data, created_at, created_ms, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
            args![
                &new.series,
                new.year,
                seq,
                number,
                &new.template_id,
                &new.template_version,
                &new.title,
                &new.status,
                &data,
                &created_at,
                new.at.timestamp_millis(),
                &new.actor
            ],
        )
        .map_err(&save)?;
    insert_revision(
        tx,
        path,
        document_id,
        1,
        pdf,
        &sha256,
        &new.status,
        "",
        &new.actor,
        &new.at,
    )?;
    let mut detail = serde_json::json!({
        "series": new.series,
        "year": new.year,
        "template_id": new.template_id,
        "template_version": new.template_version,
        "title": new.title,
        "status": new.status,
        "revision": 1,
        "sha256": sha256,
    });
    if let Some(file) = file_sha256 {
        detail["file_sha256"] = serde_json::Value::from(file);
    }
    audit::append(
        tx,
        path,
        Entry {
            at: &new.at,
            actor: &new.actor,
            action,
            subject: number,
            detail,
        },
    )?;
    Ok(StoredDocument {
        number: number.to_string(),
        revision: 1,
        sha256,
    })
}

#[allow(clippy::too_many_arguments)]
fn insert_revision(
    tx: &mut Tx<'_>,
    path: &Path,
    document_id: i64,
    revision: i64,
    pdf: &[u8],
    sha256: &str,
    status: &str,
    note: &str,
    actor: &str,
    at: &DateTime<FixedOffset>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO revisions (document_id, revision, pdf, sha256, status, note, actor,
                                created_at, created_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        args![
            document_id,
            revision,
            pdf,
            sha256,
            status,
            note,
            actor,
            &at.to_rfc3339(),
            at.timestamp_millis()
        ],
    )
    .map_err(on(path, "guardar la revisión"))?;
    Ok(())
}

/// The newest revision of document `id`.
fn latest_in(tx: &mut Tx<'_>, path: &Path, id: i64, number: &str) -> Result<Revision, StoreError> {
    let read = on(path, "leer la revisión");
    let row = tx
        .query_opt(
            "SELECT revision, pdf, sha256, created_at, note FROM revisions
             WHERE document_id = ?1 ORDER BY revision DESC LIMIT 1",
            args![id],
        )
        .map_err(&read)?;
    let Some(row) = row else {
        return Err(StoreError::Inconsistent {
            path: path.to_path_buf(),
            reason: format!("el documento {number} no tiene revisiones"),
        });
    };
    revision_row(row).map_err(read)
}

fn revision_row(mut row: Row) -> Result<Revision, DbError> {
    Ok(Revision {
        revision: row.get(0)?,
        pdf: row.take(1)?,
        sha256: row.get(2)?,
        created_at: row.get(3)?,
        note: row.get(4)?,
    })
}

/// Finds a document by `serie/AAAA-NNN`, or by plain `AAAA-NNN`: in the
/// office-wide register ([`super::REGISTER_SERIES`]) first, else in the one
/// other series that has it; returns its row id.
pub(crate) fn find_document(tx: &mut Tx<'_>, path: &Path, key: &str) -> Result<i64, StoreError> {
    let read = on(path, "buscar el documento");
    let not_found = || StoreError::DocumentNotFound {
        number: key.to_string(),
    };
    let by_series = "SELECT id FROM documents WHERE series = ?1 AND number = ?2";
    if let Some((series, number)) = key.rsplit_once('/') {
        return tx
            .query_opt(by_series, args![series, number])
            .map_err(&read)?
            .map(|row| row.get(0))
            .transpose()
            .map_err(&read)?
            .ok_or_else(not_found);
    }
    if let Some(row) = tx
        .query_opt(by_series, args![super::REGISTER_SERIES, key])
        .map_err(&read)?
    {
        return row.get(0).map_err(&read);
    }
    let matches = tx
        .query(
            "SELECT id, series FROM documents WHERE number = ?1 ORDER BY series",
            args![key],
        )
        .map_err(&read)?
        .iter()
        .map(|row| Ok((row.get::<i64>(0)?, row.get::<String>(1)?)))
        .collect::<Result<Vec<_>, DbError>>()
        .map_err(&read)?;
    match matches.as_slice() {
        [] => Err(not_found()),
        [(id, _)] => Ok(*id),
        [(_, first), ..] => Err(StoreError::AmbiguousNumber {
            number: key.to_string(),
            example: format!("{first}/{key}"),
            series: matches
                .iter()
                .map(|(_, series)| series.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// `select` with the WHERE clause of `filter` (template, status, dates) and
/// its parameters.
fn filtered<'f>(select: &str, filter: &'f DocumentFilter) -> (String, Vec<Param<'f>>) {
    let mut params: Vec<Param<'f>> = Vec::new();
    let sql = format!("{select}{}", where_clause(filter, &mut params));
    (sql, params)
}

const SUMMARY_SELECT: &str = "SELECT d.number, d.series, d.template_id, d.template_version,
        d.title, d.status, d.created_at,
        (SELECT count(*) FROM revisions r WHERE r.document_id = d.id)
    FROM documents d";

const SUMMARY_SELECT_DATA: &str = "SELECT d.number, d.series, d.template_id, d.template_version,
        d.title, d.status, d.created_at,
        (SELECT count(*) FROM revisions r WHERE r.document_id = d.id), d.data
    FROM documents d";

pub(super) fn summary_row(row: &Row) -> Result<DocumentSummary, DbError> {
    Ok(DocumentSummary {
        number: row.get(0)?,
        series: row.get(1)?,
        template_id: row.get(2)?,
        template_version: row.get(3)?,
        title: row.get(4)?,
        status: row.get(5)?,
        created_at: row.get(6)?,
        revisions: row.get(7)?,
    })
}

fn to_u32(path: &Path, value: i64, what: &str) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::Inconsistent {
        path: path.to_path_buf(),
        reason: format!("{what} fuera de rango: {value}"),
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn numbers_are_sequential_per_series_and_year(db: TestDb) {
        let mut store = db.open();
        assert_eq!(create(&mut store, "instalacion", 2026), "2026-001");
        assert_eq!(create(&mut store, "instalacion", 2026), "2026-002");
        assert_eq!(create(&mut store, "instalacion", 2026), "2026-003");
        // A new year restarts at 001.
        assert_eq!(create(&mut store, "instalacion", 2027), "2027-001");
        assert_eq!(create(&mut store, "instalacion", 2026), "2026-004");
        // Another series has its own correlatives.
        assert_eq!(create(&mut store, "aceptacion", 2026), "2026-001");
        assert_eq!(create(&mut store, "aceptacion", 2026), "2026-002");
        assert_eq!(create(&mut store, "instalacion", 2027), "2027-002");
        assert_eq!(store.list_documents().unwrap().len(), 8);
    }

    #[test]
    fn number_format_pads_to_three_and_grows_past_999() {
        assert_eq!(format_number(2020, 36), "2020-036");
        assert_eq!(format_number(2026, 999), "2026-999");
        assert_eq!(format_number(2026, 1000), "2026-1000");
    }

    fn render_receives_the_number_and_its_bytes_are_stored(db: TestDb) {
        let mut store = db.open();
        let mut seen = String::new();
        let stored = store
            .create_document(&new_doc("s", 2026), |number| {
                seen = number.to_string();
                Ok::<_, StoreError>(b"%PDF-1.7 uno".to_vec())
            })
            .unwrap();
        assert_eq!(seen, "2026-001");
        assert_eq!(stored.number, "2026-001");
        assert_eq!(stored.revision, 1);
        assert_eq!(stored.sha256, sha256_hex(b"%PDF-1.7 uno"));
        let latest = store.latest_revision("2026-001").unwrap();
        assert_eq!(latest.pdf, b"%PDF-1.7 uno");
        assert_eq!(latest.revision, 1);
        assert_eq!(latest.sha256, stored.sha256);
        assert_eq!(latest.created_at, "2026-03-15T10:00:00-05:00");

        let record = store.document("2026-001").unwrap();
        assert_eq!(record.data, new_doc("s", 2026).data);
        assert_eq!(record.status, "borrador");
        assert_eq!(record.revisions, 1);
        assert_eq!(record.template_id, "senace-acta-instalacion");
    }

    /// What a caller's own error type looks like.
    #[derive(Debug)]
    enum RenderError {
        Layout,
        Store(StoreError),
    }

    impl From<StoreError> for RenderError {
        fn from(err: StoreError) -> Self {
            RenderError::Store(err)
        }
    }

    fn count(store: &Store, table: &str) -> i64 {
        store.raw_i64(&format!("SELECT count(*) FROM {table}"))
    }

    fn failed_render_consumes_no_number_and_leaves_no_rows(db: TestDb) {
        let mut store = db.open();
        assert_eq!(create(&mut store, "s", 2026), "2026-001");
        let before: Vec<i64> = ["documents", "revisions", "audit_log", "correlatives"]
            .iter()
            .map(|t| count(&store, t))
            .collect();
        let err = store
            .create_document(&new_doc("s", 2026), |number| {
                assert_eq!(number, "2026-002");
                Err(RenderError::Layout)
            })
            .unwrap_err();
        assert!(matches!(err, RenderError::Layout));
        // A brand-new (series, year) must not leave its correlative row behind either.
        let err = store
            .create_document(&new_doc("otra", 2030), |_| Err(RenderError::Layout))
            .unwrap_err();
        assert!(matches!(err, RenderError::Layout));
        let after: Vec<i64> = ["documents", "revisions", "audit_log", "correlatives"]
            .iter()
            .map(|t| count(&store, t))
            .collect();
        assert_eq!(before, after);
        // The store's own refusals reach the caller through its error type.
        let err = store
            .create_document(&new_doc("", 2026), |_| Ok::<_, RenderError>(vec![1]))
            .unwrap_err();
        assert!(
            matches!(&err, RenderError::Store(StoreError::Invalid { .. })),
            "{err:?}"
        );
        assert_eq!(create(&mut store, "s", 2026), "2026-002");
        assert_eq!(create(&mut store, "otra", 2030), "2030-001");
        assert!(store.verify_audit().unwrap().is_intact());
    }

    fn empty_pdf_is_refused_and_consumes_nothing(db: TestDb) {
        let mut store = db.open();
        let err = store
            .create_document(&new_doc("s", 2026), |_| Ok::<_, StoreError>(Vec::new()))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no se puede guardar el documento: el PDF del documento 2026-001 está vacío"
        );
        assert_eq!(create(&mut store, "s", 2026), "2026-001");
    }

    fn invalid_new_document_is_refused_in_spanish(db: TestDb) {
        let mut store = db.open();
        let mut doc = new_doc("s", 26);
        let err = store
            .create_document(&doc, |_| Ok::<_, StoreError>(vec![1]))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no se puede guardar el documento: el año 26 no tiene cuatro cifras"
        );
        doc.year = 2026;
        doc.series = "a/b".into();
        let err = store
            .create_document(&doc, |_| Ok::<_, StoreError>(vec![1]))
            .unwrap_err();
        assert!(err.to_string().contains("no puede contener «/»"), "{err}");
    }

    fn revisions_are_added_never_overwritten(db: TestDb) {
        let mut store = db.open();
        let number = create(&mut store, "s", 2026);
        let later = at() + chrono::Duration::hours(2);
        let info = store
            .add_revision(
                &number,
                b"%PDF-1.7 firmado",
                "firmado",
                "firma de calidad",
                "luis",
                later,
            )
            .unwrap();
        assert_eq!(info.revision, 2);
        assert_eq!(info.created_at, "2026-03-15T12:00:00-05:00");
        let all = store.revisions(&number).unwrap();
        assert_eq!(
            all.iter().map(|r| r.revision).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(all[0].sha256, sha256_hex(b"%PDF-1.7 2026-001"));
        assert_eq!(all[1].note, "firma de calidad");
        assert_eq!(
            store.latest_revision(&number).unwrap().pdf,
            b"%PDF-1.7 firmado"
        );
        assert_eq!(store.document(&number).unwrap().status, "firmado");
        assert_eq!(store.list_documents().unwrap()[0].revisions, 2);

        let update = store
            .raw_execute("UPDATE revisions SET pdf = substr(pdf, 1, 1) WHERE revision = 1")
            .unwrap_err();
        assert!(update.to_string().contains("no se modifican"), "{update}");
        let delete = store.raw_execute("DELETE FROM revisions").unwrap_err();
        assert!(delete.to_string().contains("no se borran"), "{delete}");
        let rewrite = store
            .raw_execute("UPDATE documents SET data = '{}'")
            .unwrap_err();
        assert!(
            rewrite.to_string().contains("solo cambia el estado"),
            "{rewrite}"
        );
        let skip = store
            .raw_execute("UPDATE correlatives SET last_seq = last_seq + 5")
            .unwrap_err();
        assert!(skip.to_string().contains("de uno en uno"), "{skip}");
        assert!(store.verify_audit().unwrap().is_intact());
    }

    fn unknown_number_is_not_found(db: TestDb) {
        let mut store = db.open();
        create(&mut store, "s", 2026);
        let err = store.document("2026-009").unwrap_err();
        assert_eq!(err.to_string(), "documento 2026-009 no encontrado");
        assert!(matches!(
            store.latest_revision("2026-009"),
            Err(StoreError::DocumentNotFound { .. })
        ));
        assert!(matches!(
            store.add_revision("x/2026-001", b"%", "firmado", "", "ana", at()),
            Err(StoreError::DocumentNotFound { .. })
        ));
    }

    fn same_number_in_two_series_needs_the_series(db: TestDb) {
        let mut store = db.open();
        create(&mut store, "instalacion", 2026);
        create(&mut store, "aceptacion", 2026);
        let err = store.document("2026-001").unwrap_err();
        assert_eq!(
            err.to_string(),
            "el número 2026-001 corresponde a varios documentos (series aceptacion, \
             instalacion); indique la serie, p. ej. «aceptacion/2026-001»"
        );
        assert_eq!(
            store.document("instalacion/2026-001").unwrap().series,
            "instalacion"
        );
        store
            .add_revision("aceptacion/2026-001", b"%PDF-x", "firmado", "", "ana", at())
            .unwrap();
        assert_eq!(store.revisions("aceptacion/2026-001").unwrap().len(), 2);
        assert_eq!(store.revisions("instalacion/2026-001").unwrap().len(), 1);
        assert!(store.verify_audit().unwrap().is_intact());
    }

    fn list_is_ordered_by_creation_instant_then_id(db: TestDb) {
        let mut store = db.open();
        let mut late = new_doc("s", 2026);
        // 16:00 in Lima is 21:00 UTC; 20:00 at UTC+0 is earlier in time.
        late.at = DateTime::parse_from_rfc3339("2026-03-15T16:00:00-05:00").unwrap();
        let mut early = new_doc("s", 2026);
        early.at = DateTime::parse_from_rfc3339("2026-03-15T20:00:00+00:00").unwrap();
        let render = |n: &str| Ok::<_, StoreError>(n.as_bytes().to_vec());
        store.create_document(&late, render).unwrap();
        store.create_document(&early, render).unwrap();
        store.create_document(&early, render).unwrap();
        let numbers: Vec<String> = store
            .list_documents()
            .unwrap()
            .into_iter()
            .map(|d| d.number)
            .collect();
        assert_eq!(numbers, ["2026-002", "2026-003", "2026-001"]);
    }

    fn two_stores_on_one_file_get_distinct_gap_free_numbers(db: TestDb) {
        let path = db.location.clone();
        let workers: Vec<_> = (0..2)
            .map(|worker| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut store = Store::open(&path).unwrap();
                    (0..50)
                        .map(|i| {
                            let mut doc = new_doc("s", 2026);
                            doc.actor = format!("hilo-{worker}");
                            store
                                .create_document(&doc, |number| {
                                    if i % 7 == 0 {
                                        std::thread::yield_now();
                                    }
                                    Ok::<_, StoreError>(number.as_bytes().to_vec())
                                })
                                .unwrap()
                                .number
                        })
                        .collect::<Vec<String>>()
                })
            })
            .collect();
        let mut numbers: Vec<String> = workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap())
            .collect();
        numbers.sort();
        let expected: Vec<String> = (1..=100).map(|seq| format_number(2026, seq)).collect();
        assert_eq!(numbers, expected);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.list_documents().unwrap().len(), 100);
        let report = store.verify_audit().unwrap();
        assert_eq!(report.rows, 100);
        assert!(report.is_intact(), "{:?}", report.problems);
    }

    on_both_engines!(
        numbers_are_sequential_per_series_and_year,
        render_receives_the_number_and_its_bytes_are_stored,
        failed_render_consumes_no_number_and_leaves_no_rows,
        empty_pdf_is_refused_and_consumes_nothing,
        invalid_new_document_is_refused_in_spanish,
        revisions_are_added_never_overwritten,
        unknown_number_is_not_found,
        same_number_in_two_series_needs_the_series,
        list_is_ordered_by_creation_instant_then_id,
        two_stores_on_one_file_get_distinct_gap_free_numbers,
    );
}
