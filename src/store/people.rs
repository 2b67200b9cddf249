//! The people who fill and sign documents: names as the procedures print
//! them (given names, paternal and maternal surname), cargo, área and e-mail.
//!
//! Adding or changing a person appends an audit row (name, cargo and área;
//! not the e-mail). People are never deleted: one who no longer signs is
//! deactivated (not offered as a signer, still named on the documents that
//! name them) and may be reactivated. This module does not derive user
//! names (ESALVATIERRA) or decide who may sign what; that belongs to `form`
//! and the templates.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::audit::{self, Entry, ACTION_PERSON_ADD};
use super::db::{args, DbError, Tx};
use super::error::{on, StoreError};
use super::Store;

/// Audit action of a role assigned to a person.
pub const ACTION_PERSON_ROLE: &str = "person.role";

/// Audit action of a person's details corrected.
pub const ACTION_PERSON_UPDATE: &str = "person.update";

/// Audit action of a person deactivated or reactivated.
pub const ACTION_PERSON_ACTIVE: &str = "person.active";

/// A role a person signs: in one form (`template_id`) or in every form
/// that has it (`template_id` empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PersonRole {
    pub template_id: String,
    pub role: String,
}

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
    /// The DNI as certificates carry it in serialNumber (digits); may be empty.
    #[serde(default)]
    pub dni: String,
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
    pub dni: String,
    /// The roles this person signs.
    pub roles: Vec<PersonRole>,
    /// False once deactivated: not offered as a signer any more.
    pub active: bool,
}

impl Person {
    /// «Nombres Paterno Materno».
    pub fn full_name(&self) -> String {
        full_name(
            &self.given_names,
            &self.paternal_surname,
            &self.maternal_surname,
        )
    }
}

/// «Nombres Paterno Materno», skipping empty parts.
fn full_name(given_names: &str, paternal: &str, maternal: &str) -> String {
    [given_names, paternal, maternal]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
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
            dni: self.dni.trim().to_string(),
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
        if !person.dni.chars().all(|c| c.is_ascii_alphanumeric()) {
            return refuse(format!(
                "el DNI «{}» solo lleva letras y cifras",
                person.dni
            ));
        }
        Ok(person)
    }

    /// «Nombres Paterno Materno».
    fn full_name(&self) -> String {
        full_name(
            &self.given_names,
            &self.paternal_surname,
            &self.maternal_surname,
        )
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
        self.write("registrar a la persona", |tx, path| {
            let save = on(path, "registrar a la persona");
            let id: i64 = tx
                .scalar(
                    "INSERT INTO people (given_names, paternal_surname, maternal_surname, cargo,
                                         area, email, dni, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
                    args![
                        &person.given_names,
                        &person.paternal_surname,
                        &person.maternal_surname,
                        &person.cargo,
                        &person.area,
                        &person.email,
                        &person.dni,
                        &at.to_rfc3339()
                    ],
                )
                .map_err(&save)?;
            audit_person(tx, path, ACTION_PERSON_ADD, id, &person, &at)?;
            Ok(Person {
                id,
                given_names: person.given_names.clone(),
                paternal_surname: person.paternal_surname.clone(),
                maternal_surname: person.maternal_surname.clone(),
                cargo: person.cargo.clone(),
                area: person.area.clone(),
                email: person.email.clone(),
                dni: person.dni.clone(),
                roles: Vec::new(),
                active: true,
            })
        })
    }

    /// Corrects person `id`'s details (values trimmed and checked as when
    /// adding), with its audit row; their roles and state stay.
    pub fn update_person(
        &mut self,
        id: i64,
        person: &NewPerson,
        at: DateTime<FixedOffset>,
    ) -> Result<Person, StoreError> {
        let person = person.cleaned()?;
        self.write("modificar a la persona", |tx, path| {
            let save = on(path, "modificar a la persona");
            let changed = tx
                .execute(
                    "UPDATE people SET given_names = ?1, paternal_surname = ?2,
                            maternal_surname = ?3, cargo = ?4, area = ?5, email = ?6, dni = ?7
                     WHERE id = ?8",
                    args![
                        &person.given_names,
                        &person.paternal_surname,
                        &person.maternal_surname,
                        &person.cargo,
                        &person.area,
                        &person.email,
                        &person.dni,
                        id
                    ],
                )
                .map_err(&save)?;
            if changed == 0 {
                return Err(no_such_person("no se puede modificar a la persona", id));
            }
            audit_person(tx, path, ACTION_PERSON_UPDATE, id, &person, &at)?;
            Ok(())
        })?;
        self.person(id)
    }

    /// Deactivates (`active` false) or reactivates person `id`, with its
    /// audit row; nothing changes (and nothing is logged) when they already
    /// are in that state.
    pub fn set_person_active(
        &mut self,
        id: i64,
        active: bool,
        at: DateTime<FixedOffset>,
    ) -> Result<Person, StoreError> {
        let context = if active {
            "no se puede reactivar a la persona"
        } else {
            "no se puede desactivar a la persona"
        };
        self.write("cambiar el estado de la persona", |tx, path| {
            let save = on(path, "cambiar el estado de la persona");
            let Some(row) = tx
                .query_opt("SELECT active FROM people WHERE id = ?1", args![id])
                .map_err(&save)?
            else {
                return Err(no_such_person(context, id));
            };
            let current: i64 = row.get(0).map_err(&save)?;
            if (current == 1) == active {
                return Ok(());
            }
            tx.execute(
                "UPDATE people SET active = ?1 WHERE id = ?2",
                args![i64::from(active), id],
            )
            .map_err(&save)?;
            audit::append(
                tx,
                path,
                Entry {
                    at: &at,
                    actor: SYSTEM_ACTOR,
                    action: ACTION_PERSON_ACTIVE,
                    subject: &id.to_string(),
                    detail: serde_json::json!({ "active": active }),
                },
            )?;
            Ok(())
        })?;
        self.person(id)
    }

    /// Person `id` with their roles.
    pub fn person(&self, id: i64) -> Result<Person, StoreError> {
        self.people()?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| no_such_person("no se encuentra a la persona", id))
    }

    /// Everyone registered, in the order they were added, with their roles.
    pub fn people(&self) -> Result<Vec<Person>, StoreError> {
        self.read("leer las personas", |tx, path| {
            let read = on(path, "leer las personas");
            let mut people = tx
                .query(
                    "SELECT id, given_names, paternal_surname, maternal_surname, cargo, area,
                            email, dni, active
                     FROM people ORDER BY id",
                    &[],
                )
                .map_err(&read)?
                .iter()
                .map(|row| {
                    Ok(Person {
                        id: row.get(0)?,
                        given_names: row.get(1)?,
                        paternal_surname: row.get(2)?,
                        maternal_surname: row.get(3)?,
                        cargo: row.get(4)?,
                        area: row.get(5)?,
                        email: row.get(6)?,
                        dni: row.get(7)?,
                        roles: Vec::new(),
                        active: row.get::<i64>(8)? == 1,
                    })
                })
                .collect::<Result<Vec<_>, DbError>>()
                .map_err(&read)?;
            for row in tx
                .query(
                    "SELECT person_id, template_id, role FROM person_roles
                     ORDER BY person_id, template_id, role",
                    &[],
                )
                .map_err(&read)?
            {
                let id: i64 = row.get(0).map_err(&read)?;
                let role = PersonRole {
                    template_id: row.get(1).map_err(&read)?,
                    role: row.get(2).map_err(&read)?,
                };
                if let Some(person) = people.iter_mut().find(|p| p.id == id) {
                    person.roles.push(role);
                }
            }
            Ok(people)
        })
    }

    /// Records that person `id` signs `role` (in template `template_id`, or
    /// in every form when it is empty), with its audit row. Adding a role
    /// the person already has changes nothing.
    pub fn assign_role(
        &mut self,
        id: i64,
        role: &PersonRole,
        at: DateTime<FixedOffset>,
    ) -> Result<(), StoreError> {
        let role_id = role.role.trim();
        if role_id.is_empty() {
            return Err(StoreError::Invalid {
                context: "no se puede asignar el rol",
                reason: "falta el rol".into(),
            });
        }
        let template = role.template_id.trim();
        self.write("asignar el rol", |tx, path| {
            let save = on(path, "asignar el rol");
            if tx
                .query_opt("SELECT id FROM people WHERE id = ?1", args![id])
                .map_err(&save)?
                .is_none()
            {
                return Err(StoreError::Invalid {
                    context: "no se puede asignar el rol",
                    reason: format!("no hay una persona con id {id}"),
                });
            }
            let added = tx
                .execute(
                    "INSERT INTO person_roles (person_id, template_id, role) VALUES (?1, ?2, ?3)
                     ON CONFLICT (person_id, template_id, role) DO NOTHING",
                    args![id, template, role_id],
                )
                .map_err(&save)?;
            if added > 0 {
                audit::append(
                    tx,
                    path,
                    Entry {
                        at: &at,
                        actor: SYSTEM_ACTOR,
                        action: ACTION_PERSON_ROLE,
                        subject: &id.to_string(),
                        detail: serde_json::json!({ "template_id": template, "role": role_id }),
                    },
                )?;
            }
            Ok(())
        })
    }
}

/// The audit row of a person added or corrected: who, and in which post.
fn audit_person(
    tx: &mut Tx<'_>,
    path: &Path,
    action: &'static str,
    id: i64,
    person: &NewPerson,
    at: &DateTime<FixedOffset>,
) -> Result<(), StoreError> {
    audit::append(
        tx,
        path,
        Entry {
            at,
            actor: SYSTEM_ACTOR,
            action,
            subject: &id.to_string(),
            detail: serde_json::json!({
                "name": person.full_name(),
                "cargo": person.cargo,
                "area": person.area,
            }),
        },
    )?;
    Ok(())
}

fn no_such_person(context: &'static str, id: i64) -> StoreError {
    StoreError::Invalid {
        context,
        reason: format!("no hay una persona con id {id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn people_are_stored_trimmed_in_order_with_audit(db: TestDb) {
        let mut store = db.open();
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

        let (actor, subject, detail) = (
            store.raw_text("SELECT actor FROM audit_log WHERE id = 1"),
            store.raw_text("SELECT subject FROM audit_log WHERE id = 1"),
            store.raw_text("SELECT detail FROM audit_log WHERE id = 1"),
        );
        assert_eq!(actor, SYSTEM_ACTOR);
        assert_eq!(subject, "1");
        assert!(
            detail.contains("Edgar Martín Salvatierra Núñez"),
            "{detail}"
        );
        assert!(!detail.contains('@'), "no e-mail in the log: {detail}");
        assert!(store.verify_audit().unwrap().is_intact());
    }

    fn incomplete_person_is_refused_in_spanish(db: TestDb) {
        let mut store = db.open();
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

    fn people_are_corrected_and_deactivated_never_deleted(db: TestDb) {
        let mut store = db.open();
        let added = store.add_person(&person(), at()).unwrap();
        assert!(added.active);
        store
            .assign_role(
                added.id,
                &PersonRole {
                    template_id: String::new(),
                    role: "especialista-calidad".into(),
                },
                at(),
            )
            .unwrap();

        let mut fixed = person();
        fixed.cargo = " Coordinador de Calidad ".into();
        let updated = store.update_person(added.id, &fixed, at()).unwrap();
        assert_eq!(updated.cargo, "Coordinador de Calidad");
        assert_eq!(updated.roles.len(), 1, "roles stay");
        // The same checks as when adding.
        let mut blank = person();
        blank.given_names = "  ".into();
        let err = store.update_person(added.id, &blank, at()).unwrap_err();
        assert!(err.to_string().contains("faltan los nombres"), "{err}");
        let err = store.update_person(99, &fixed, at()).unwrap_err();
        assert!(
            err.to_string().contains("no hay una persona con id 99"),
            "{err}"
        );

        let off = store.set_person_active(added.id, false, at()).unwrap();
        assert!(!off.active);
        // Still there, still with their roles.
        let people = store.people().unwrap();
        assert_eq!(people.len(), 1);
        assert!(!people[0].active);
        assert_eq!(people[0].roles.len(), 1);
        let rows = store.raw_i64("SELECT count(*) FROM audit_log");
        store.set_person_active(added.id, false, at()).unwrap();
        assert_eq!(
            store.raw_i64("SELECT count(*) FROM audit_log"),
            rows,
            "no-op, no row"
        );
        assert!(
            store
                .set_person_active(added.id, true, at())
                .unwrap()
                .active
        );
        assert_eq!(
            store.raw_text("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1"),
            ACTION_PERSON_ACTIVE
        );
        assert!(store.verify_audit().unwrap().is_intact());
    }

    on_both_engines!(
        people_are_stored_trimmed_in_order_with_audit,
        incomplete_person_is_refused_in_spanish,
        people_are_corrected_and_deactivated_never_deleted,
    );
}
