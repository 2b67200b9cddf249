//! The people who fill and sign documents: names as the procedures print
//! them (given names, paternal and maternal surname), cargo, área and e-mail.
//!
//! Adding a person appends an audit row (name, cargo and área; not the
//! e-mail). This module does not derive user names (ESALVATIERRA) or decide
//! who may sign what; that belongs to `form` and the templates.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::audit::{self, Entry, ACTION_PERSON_ADD};
use super::error::{on, StoreError};
use super::Store;

/// The actor recorded for changes whose caller names none (adding a person).
pub const SYSTEM_ACTOR: &str = "actas";

/// A person to register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewPerson {
    pub given_names: String,
    pub paternal_surname: String,
    /// May be empty (not everybody has one).
    pub maternal_surname: String,
    pub cargo: String,
    pub area: String,
    /// May be empty.
    pub email: String,
}

/// A registered person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Person {
    pub id: i64,
    pub given_names: String,
    pub paternal_surname: String,
    pub maternal_surname: String,
    pub cargo: String,
    pub area: String,
    pub email: String,
}

impl NewPerson {
    /// Trimmed copy, or the reason it is refused.
    fn cleaned(&self) -> Result<NewPerson, StoreError> {
        let person = NewPerson {
            given_names: self.given_names.trim().to_string(),
            paternal_surname: self.paternal_surname.trim().to_string(),
            maternal_surname: self.maternal_surname.trim().to_string(),
            cargo: self.cargo.trim().to_string(),
            area: self.area.trim().to_string(),
            email: self.email.trim().to_string(),
        };
        let refuse = |reason: String| {
            Err(StoreError::Invalid {
                context: "no se puede registrar a la persona",
                reason,
            })
        };
        if person.given_names.is_empty() {
            return refuse("faltan los nombres".into());
        }
        if person.paternal_surname.is_empty() {
            return refuse("falta el apellido paterno".into());
        }
        let email_ok = person.email.is_empty()
            || (person.email.split('@').count() == 2
                && !person.email.starts_with('@')
                && !person.email.ends_with('@')
                && !person.email.contains(char::is_whitespace));
        if !email_ok {
            return refuse(format!("el correo «{}» no es válido", person.email));
        }
        Ok(person)
    }

    /// «Nombres Paterno Materno».
    fn full_name(&self) -> String {
        [
            &self.given_names,
            &self.paternal_surname,
            &self.maternal_surname,
        ]
        .iter()
        .filter(|part| !part.is_empty())
        .map(|part| part.as_str())
        .collect::<Vec<_>>()
        .join(" ")
    }
}

impl Store {
    /// Registers a person (values trimmed) and appends the audit row, in one
    /// transaction. The audit actor is [`SYSTEM_ACTOR`].
    pub fn add_person(
        &mut self,
        person: &NewPerson,
        at: DateTime<FixedOffset>,
    ) -> Result<Person, StoreError> {
        let person = person.cleaned()?;
        let path = self.path.as_path();
        let save = on(path, "registrar a la persona");
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&save)?;
        tx.execute(
            "INSERT INTO people (given_names, paternal_surname, maternal_surname, cargo, area,
                                 email, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                person.given_names,
                person.paternal_surname,
                person.maternal_surname,
                person.cargo,
                person.area,
                person.email,
                at.to_rfc3339()
            ],
        )
        .map_err(&save)?;
        let id = tx.last_insert_rowid();
        audit::append(
            &tx,
            path,
            Entry {
                at: &at,
                actor: SYSTEM_ACTOR,
                action: ACTION_PERSON_ADD,
                subject: &id.to_string(),
                detail: serde_json::json!({
                    "name": person.full_name(),
                    "cargo": person.cargo,
                    "area": person.area,
                }),
            },
        )?;
        tx.commit().map_err(&save)?;
        Ok(Person {
            id,
            given_names: person.given_names,
            paternal_surname: person.paternal_surname,
            maternal_surname: person.maternal_surname,
            cargo: person.cargo,
            area: person.area,
            email: person.email,
        })
    }

    /// Everyone registered, in the order they were added.
    pub fn people(&self) -> Result<Vec<Person>, StoreError> {
        let read = on(self.path.as_path(), "leer las personas");
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, given_names, paternal_surname, maternal_surname, cargo, area, email
                 FROM people ORDER BY id",
            )
            .map_err(&read)?;
        let rows = stmt
            .query_map([], |row| {
                Ok(Person {
                    id: row.get(0)?,
                    given_names: row.get(1)?,
                    paternal_surname: row.get(2)?,
                    maternal_surname: row.get(3)?,
                    cargo: row.get(4)?,
                    area: row.get(5)?,
                    email: row.get(6)?,
                })
            })
            .map_err(&read)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(&read)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn people_are_stored_trimmed_in_order_with_audit() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = open_in(&dir);
        let mut first = person();
        first.given_names = "  Edgar Martín ".into();
        let added = store.add_person(&first, at()).unwrap();
        assert_eq!(added.id, 1);
        assert_eq!(added.given_names, "Edgar Martín");
        let mut second = person();
        second.given_names = "Rosa".into();
        second.maternal_surname = String::new();
        second.email = String::new();
        store.add_person(&second, at()).unwrap();

        let people = store.people().unwrap();
        assert_eq!(people.len(), 2);
        assert_eq!(people[0], added);
        assert_eq!(people[1].given_names, "Rosa");

        let (actor, subject, detail): (String, String, String) = store
            .conn
            .query_row(
                "SELECT actor, subject, detail FROM audit_log WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(actor, SYSTEM_ACTOR);
        assert_eq!(subject, "1");
        assert!(
            detail.contains("Edgar Martín Salvatierra Núñez"),
            "{detail}"
        );
        assert!(!detail.contains('@'), "no e-mail in the log: {detail}");
        assert!(store.verify_audit().unwrap().is_intact());
    }

    #[test]
    fn incomplete_person_is_refused_in_spanish() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = open_in(&dir);
        let mut nobody = person();
        nobody.paternal_surname = " ".into();
        let err = store.add_person(&nobody, at()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no se puede registrar a la persona: falta el apellido paterno"
        );
        let mut bad_mail = person();
        bad_mail.email = "esalvatierra".into();
        let err = store.add_person(&bad_mail, at()).unwrap_err();
        assert!(err.to_string().contains("correo «esalvatierra»"), "{err}");
        assert!(store.people().unwrap().is_empty());
    }
}
