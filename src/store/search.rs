//! Searching stored documents by what is in them, not only by number and
//! title: every text of the document's data (the system's name, the people
//! named in it, the observations…), its form, and the signers its revisions
//! record. Words are compared without case or accents; a document matches
//! when every word is found.
//!
//! The other filters (form, status, dates) run in SQL; the words are
//! matched here, in Rust, so both engines (SQLite and PostgreSQL) find
//! exactly the same documents — neither's `lower()` folds accents. An
//! office keeps thousands of documents, not millions; reading their data
//! once per search is well within the window's budget.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::db::Param;
use super::documents::{summary_row, where_clause, DocumentFilter, DocumentSummary};
use super::error::{on, StoreError};
use super::Store;
use crate::form::usuario::normalize;

/// The summary's columns (as `documents::SUMMARY_SELECT`), then the data
/// and the id.
const SEARCH_SELECT: &str = "SELECT d.number, d.series, d.template_id, d.template_version,
        d.title, d.status, d.created_at,
        (SELECT count(*) FROM revisions r WHERE r.document_id = d.id), d.data, d.id
    FROM documents d";

/// The words of a search text, normalised (upper case, no accents).
pub(super) fn search_words(text: &str) -> Vec<String> {
    normalize(text)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

impl Store {
    /// [`Store::list_documents_where`] with `words` from `filter.text`.
    pub(super) fn search_documents(
        &self,
        filter: &DocumentFilter,
        words: &[String],
    ) -> Result<Vec<DocumentSummary>, StoreError> {
        self.read("buscar los documentos", |tx, path| {
            let read = on(path, "buscar los documentos");
            let mut notes: HashMap<i64, String> = HashMap::new();
            for row in tx
                .query(
                    "SELECT document_id, note FROM revisions WHERE note <> '' ORDER BY id",
                    &[],
                )
                .map_err(&read)?
            {
                let id: i64 = row.get(0).map_err(&read)?;
                let note: String = row.get(1).map_err(&read)?;
                let text = notes.entry(id).or_default();
                text.push(' ');
                text.push_str(&note);
            }
            let mut params: Vec<Param<'_>> = Vec::new();
            let sql = format!(
                "{SEARCH_SELECT}{} ORDER BY d.created_ms, d.id",
                where_clause(filter, &mut params)
            );
            let mut found = Vec::new();
            for row in tx.query(&sql, &params).map_err(&read)? {
                let summary = summary_row(&row).map_err(&read)?;
                let data: String = row.get(8).map_err(&read)?;
                let id: i64 = row.get(9).map_err(&read)?;
                let mut haystack = format!(
                    "{} {} {} {} {}",
                    summary.series,
                    summary.number,
                    summary.title,
                    summary.template_id,
                    notes.get(&id).map(String::as_str).unwrap_or("")
                );
                if let Ok(json) = serde_json::from_str::<Json>(&data) {
                    collect_texts(&json, &mut haystack);
                }
                let haystack = normalize(&haystack);
                if words.iter().all(|w| haystack.contains(w.as_str())) {
                    found.push(summary);
                }
                if filter.limit.is_some_and(|l| found.len() >= l as usize) {
                    break;
                }
            }
            Ok(found)
        })
    }
}

/// Appends every string (and number) of `json` to `out`, keys excluded.
fn collect_texts(json: &Json, out: &mut String) {
    match json {
        Json::String(s) => {
            out.push(' ');
            out.push_str(s);
        }
        Json::Number(n) => {
            out.push(' ');
            out.push_str(&n.to_string());
        }
        Json::Array(items) => items.iter().for_each(|item| collect_texts(item, out)),
        Json::Object(map) => map.values().for_each(|value| collect_texts(value, out)),
        Json::Bool(_) | Json::Null => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn create_with(store: &mut Store, title: &str, data: Json) -> String {
        let mut new = new_doc("general", 2026);
        new.title = title.into();
        new.data = data;
        store
            .create_document(&new, |number| {
                Ok::<_, StoreError>(format!("%PDF-1.7 {number}").into_bytes())
            })
            .unwrap()
            .number
    }

    fn search(store: &Store, text: &str) -> Vec<String> {
        store
            .list_documents_where(&DocumentFilter {
                text: Some(text.into()),
                ..Default::default()
            })
            .unwrap()
            .into_iter()
            .map(|d| d.number)
            .collect()
    }

    fn finds_documents_by_their_data_and_signers(db: TestDb) {
        let mut store = db.open();
        let siged = create_with(
            &mut store,
            "Acta de instalación",
            serde_json::json!({"sistema": "SIGED", "firmantes": [
                {"nombre": "María Fernanda Quispe Ñahui", "cargo": "Coordinadora"}]}),
        );
        let eva = create_with(
            &mut store,
            "Acta de instalación",
            serde_json::json!({"sistema": "EVA", "responsable": {"nombre": "Carlos Mendoza"}}),
        );
        // The system name, whatever the case; a person named in the data,
        // without accents; two words must both match.
        assert_eq!(search(&store, "siged"), vec![siged.clone()]);
        assert_eq!(search(&store, "quispe nahui"), vec![siged.clone()]);
        assert_eq!(search(&store, "mendoza"), vec![eva.clone()]);
        assert!(search(&store, "mendoza siged").is_empty());
        assert_eq!(search(&store, "instalación").len(), 2);
        // Keys are not content: «sistema» is in both documents' keys only.
        assert!(search(&store, "responsable").is_empty());
        assert!(search(&store, "nadie").is_empty());
        // A signer recorded by a revision is found too.
        store
            .add_revision(
                &eva,
                b"%PDF-1.7 firmado",
                "en firma",
                "firma:jefe:Rosa Elena Paredes",
                "ana",
                at(),
            )
            .unwrap();
        assert_eq!(search(&store, "paredes"), vec![eva.clone()]);
        // The other filters still apply.
        let none = store
            .list_documents_where(&DocumentFilter {
                text: Some("siged".into()),
                template_id: Some("otra-plantilla".into()),
                ..Default::default()
            })
            .unwrap();
        assert!(none.is_empty());
        // An empty text does not filter.
        assert_eq!(search(&store, "  ").len(), 2);
    }

    on_both_engines!(finds_documents_by_their_data_and_signers);
}
