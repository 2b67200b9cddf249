//! What guides a coordinator through the window: the first-start checklist
//! (`service::checklist`), «Duplicar» and «Anular» on a stored document
//! (`service::lifecycle`), and correcting, deactivating and reactivating
//! people. Each method is one call into the service or the store; the rules
//! live there.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{App, DraftInfo};
use crate::error::ActasError;
use crate::service::Checklist;
use crate::store::{NewPerson, Person};

/// «Anular» a stored document.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AnnulRequest {
    pub reference: String,
    /// Required: why it is annulled (kept and audited).
    pub reason: String,
}

/// Correct a person's details.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct UpdatePersonRequest {
    #[ts(type = "number")]
    pub id: i64,
    pub person: NewPerson,
}

/// Deactivate (not offered as a signer any more) or reactivate a person.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PersonActiveRequest {
    #[ts(type = "number")]
    pub id: i64,
    pub active: bool,
}

impl App {
    /// The first-start checklist, from the store's state.
    pub fn checklist(&self) -> Result<Checklist, ActasError> {
        crate::service::first_start_checklist(&self.store())
    }

    /// A new draft of `reference`'s form with its data (dates, numbers and
    /// secrets left empty), ready to open in the editor.
    pub fn duplicate_document(&self, reference: &str) -> Result<DraftInfo, ActasError> {
        let draft = {
            let service = self.service();
            let mut store = self.store();
            service.duplicate(&mut store, reference)?
        };
        Ok(self.draft_info(&draft))
    }

    /// Annuls a stored document; it stays listed, marked «anulado».
    pub fn annul_document(&self, request: &AnnulRequest) -> Result<(), ActasError> {
        let service = self.service();
        let mut store = self.store();
        service.annul(&mut store, &request.reference, &request.reason, &self.actor)?;
        Ok(())
    }

    pub fn update_person(&self, request: &UpdatePersonRequest) -> Result<Person, ActasError> {
        let now = self.service().clock.now();
        Ok(self
            .store()
            .update_person(request.id, &request.person, now)?)
    }

    pub fn set_person_active(&self, request: &PersonActiveRequest) -> Result<Person, ActasError> {
        let now = self.service().clock.now();
        Ok(self
            .store()
            .set_person_active(request.id, request.active, now)?)
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use serde_json::Value;

    use super::super::{CreateRequest, DocumentFilter, StatusFilter};
    use super::*;
    use crate::clock::Clock;
    use crate::sign::certificate::test_pki::{self, PASSWORD};

    fn templates() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")
    }

    fn open(dir: &Path) -> App {
        App::open(
            &dir.join("actas.db"),
            &templates(),
            Clock::parse(test_pki::NOW).unwrap(),
        )
        .unwrap()
    }

    fn create(app: &App, id: &str) -> String {
        let text = std::fs::read_to_string(templates().join(format!("examples/{id}.json")));
        let data: Value = serde_json::from_str(&text.unwrap()).unwrap();
        app.create_document(&CreateRequest {
            template_id: id.into(),
            data,
            draft_id: None,
        })
        .unwrap()
        .reference
    }

    #[test]
    fn duplicate_opens_as_a_draft_and_annul_marks_the_row() {
        let dir = tempfile::tempdir().unwrap();
        let app = open(dir.path());
        let acta = create(&app, "senace-acta-instalacion");

        let draft = app.duplicate_document(&acta).unwrap();
        assert_eq!(draft.template_id, "senace-acta-instalacion");
        let view = app.open_draft(draft.id).unwrap();
        assert_eq!(view.data["denominacion_software"], "EVA");
        assert!(view.data.get("fecha_hora").is_none());

        let refused = app
            .annul_document(&AnnulRequest {
                reference: acta.clone(),
                reason: " ".into(),
            })
            .unwrap_err();
        assert!(refused.to_string().contains("falta el motivo"), "{refused}");
        app.annul_document(&AnnulRequest {
            reference: acta.clone(),
            reason: "Registrado dos veces".into(),
        })
        .unwrap();
        let rows = app.documents(&DocumentFilter::default()).unwrap();
        assert_eq!(rows.len(), 1, "kept");
        assert_eq!(rows[0].status, "anulado");
        assert!(!rows[0].complete);
        assert!(
            rows[0].signatures.iter().all(|s| !s.next),
            "nobody signs next"
        );
        let only = |status| {
            app.documents(&DocumentFilter {
                status,
                ..Default::default()
            })
            .unwrap()
            .len()
        };
        assert_eq!(only(StatusFilter::Anulado), 1);
        assert_eq!(
            only(StatusFilter::SinFirmas),
            0,
            "an annulled document waits for nobody"
        );

        // The window cannot sign it either.
        let pki = test_pki::generate(&dir.path().join("pki"));
        let err = app
            .sign_document(&super::super::SignDocumentRequest {
                substitute: None,
                reference: acta.clone(),
                role: "especialista-calidad".into(),
                key: crate::app::tests::p12_key(
                    pki.p12("maria").display().to_string(),
                    PASSWORD.into(),
                ),
                location: String::new(),
            })
            .unwrap_err();
        assert!(err.to_string().contains("está anulado"), "{err}");
    }

    #[test]
    fn the_list_searches_the_documents_data() {
        let dir = tempfile::tempdir().unwrap();
        let app = open(dir.path());
        let acta = create(&app, "senace-acta-instalacion");
        let anexo = create(&app, "mef-anexo-11-1");
        let find = |text: &str| -> Vec<String> {
            app.documents(&DocumentFilter {
                text: text.into(),
                ..Default::default()
            })
            .unwrap()
            .into_iter()
            .map(|r| r.reference)
            .collect()
        };
        // The system the acta installs, and a person it names.
        assert_eq!(find("gabriela nuñez villanueva"), [acta.as_str()]);
        assert_eq!(find("HD-2026-00871"), [acta.as_str()]);
        assert!(find("nadie-se-llama-asi").is_empty());
        assert_eq!(find("2026").len(), 2);
        assert!(find("2026").contains(&anexo));
    }

    #[test]
    fn people_are_corrected_and_deactivated_through_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let app = open(dir.path());
        assert!(!app.checklist().unwrap().complete);
        let person = NewPerson {
            given_names: "Carlos".into(),
            paternal_surname: "Mendoza".into(),
            maternal_surname: String::new(),
            cargo: "Coordinador".into(),
            area: String::new(),
            email: String::new(),
            dni: String::new(),
        };
        let added = app.add_person(&person).unwrap();
        let mut fixed = person.clone();
        fixed.area = "OTI".into();
        let saved = app
            .update_person(&UpdatePersonRequest {
                id: added.id,
                person: fixed,
            })
            .unwrap();
        assert_eq!(saved.area, "OTI");
        let off = app
            .set_person_active(&PersonActiveRequest {
                id: added.id,
                active: false,
            })
            .unwrap();
        assert!(!off.active);
        assert_eq!(app.people().unwrap().len(), 1);
        let list = app.checklist().unwrap();
        assert!(!list.items.iter().find(|i| i.id == "personas").unwrap().done);
    }
}
