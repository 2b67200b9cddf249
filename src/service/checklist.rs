//! The first-start checklist: what an office sets up before its first acta,
//! read from the store's state each time (nothing is stored about the list
//! itself), so an item is done exactly when what it asks for exists.
//!
//! 1. **Perfil de la entidad** — entity and office saved (printed in every
//!    header).
//! 2. **Personas** — at least one active person in the directory (the
//!    signers the forms offer).
//! 3. **Certificado raíz** — at least one trusted root (without it every
//!    verification is INDETERMINADO).
//! 4. **Módulo del token** — the PKCS#11 module for signing with a
//!    cryptographic token. Optional: an office that signs with PKCS#12 files
//!    never needs it, so it never holds the list open. It counts as done
//!    when the setting [`TOKEN_MODULE_SETTING`] holds a path.
//!
//! Each item names the screen and section where it is done; the window
//! links there. This module only reads.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ActasError;
use crate::store::Store;

/// The setting that holds the PKCS#11 module's path (e.g.
/// `/usr/lib/softhsm/libsofthsm2.so`): the key the signature settings use
/// for signing with a token (`firma.modulo_pkcs11`).
pub const TOKEN_MODULE_SETTING: &str = "firma.modulo_pkcs11";

/// One item of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChecklistItem {
    /// `perfil`, `personas`, `raiz`, `token`.
    pub id: String,
    pub title: String,
    /// What is missing, or what was found once done.
    pub detail: String,
    pub done: bool,
    /// An optional item never keeps the list open.
    pub optional: bool,
    /// The window's screen where it is done (`configuracion`).
    pub screen: String,
    /// The section of that screen (an element id).
    pub section: String,
}

/// The checklist and whether every required item is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Checklist {
    pub items: Vec<ChecklistItem>,
    /// Every required item is done: the window stops showing the list.
    pub complete: bool,
}

/// The checklist for the office whose database is `store`.
pub fn first_start_checklist(store: &Store) -> Result<Checklist, ActasError> {
    let profile = super::read_profile(store)?;
    let people = store.people()?;
    let active = people.iter().filter(|p| p.active).count();
    let roots = store.trust_roots()?;
    let module = store
        .setting(TOKEN_MODULE_SETTING)?
        .filter(|m| !m.trim().is_empty());

    let item = |id: &str, title: &str, detail: String, done: bool, optional: bool| ChecklistItem {
        id: id.into(),
        title: title.into(),
        detail,
        done,
        optional,
        screen: "configuracion".into(),
        section: format!("cfg-{id}"),
    };
    let profile_done = !profile.entidad.trim().is_empty() && !profile.oficina.trim().is_empty();
    let items = vec![
        item(
            "perfil",
            "Perfil de la entidad",
            if profile_done {
                format!("{} — {}", profile.entidad.trim(), profile.oficina.trim())
            } else {
                "Escriba la entidad y la oficina que se imprimen en cada encabezado.".into()
            },
            profile_done,
            false,
        ),
        item(
            "personas",
            "Personas",
            match active {
                0 if people.is_empty() => {
                    "Registre a las personas que llenan y firman los documentos.".into()
                }
                0 => {
                    "Todas las personas están desactivadas: active o registre al menos una.".into()
                }
                1 => "1 persona activa.".into(),
                n => format!("{n} personas activas."),
            },
            active > 0,
            false,
        ),
        item(
            "raiz",
            "Certificado raíz",
            match roots.len() {
                0 => "Importe el certificado raíz de la entidad certificadora: sin él, toda \
                      verificación queda INDETERMINADA."
                    .into(),
                1 => "1 certificado raíz de confianza.".into(),
                n => format!("{n} certificados raíz de confianza."),
            },
            !roots.is_empty(),
            false,
        ),
        item(
            "token",
            "Módulo del token (opcional)",
            match &module {
                Some(path) => format!("Módulo PKCS#11: {path}"),
                None => "Solo si firma con un token criptográfico: indique su módulo PKCS#11. \
                         Con archivos .p12 no hace falta."
                    .into(),
            },
            module.is_some(),
            true,
        ),
    ];
    let complete = items.iter().all(|i| i.done || i.optional);
    Ok(Checklist { items, complete })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewPerson, NewTrustRoot};
    use chrono::DateTime;

    #[test]
    fn each_item_is_done_when_its_state_exists() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("actas.db")).unwrap();
        let at = DateTime::parse_from_rfc3339("2026-03-15T10:00:00-05:00").unwrap();
        let done = |store: &Store| -> Vec<(String, bool)> {
            first_start_checklist(store)
                .unwrap()
                .items
                .into_iter()
                .map(|i| (i.id, i.done))
                .collect()
        };
        let fresh = first_start_checklist(&store).unwrap();
        assert!(!fresh.complete);
        assert!(fresh.items.iter().all(|i| !i.done));
        assert_eq!(
            fresh
                .items
                .iter()
                .map(|i| i.id.as_str())
                .collect::<Vec<_>>(),
            ["perfil", "personas", "raiz", "token"]
        );
        assert!(fresh.items.iter().all(|i| i.screen == "configuracion"));

        // An entity without an office is not a profile yet.
        super::super::save_profile(
            &mut store,
            &super::super::Profile {
                entidad: "Senace".into(),
                oficina: " ".into(),
                ubicacion: String::new(),
            },
            at,
        )
        .unwrap();
        assert!(!done(&store)[0].1);
        super::super::save_profile(
            &mut store,
            &super::super::Profile {
                entidad: "Senace".into(),
                oficina: "OTI".into(),
                ubicacion: String::new(),
            },
            at,
        )
        .unwrap();
        assert!(done(&store)[0].1);

        let person = store
            .add_person(
                &NewPerson {
                    given_names: "Carlos".into(),
                    paternal_surname: "Mendoza".into(),
                    maternal_surname: String::new(),
                    cargo: String::new(),
                    area: String::new(),
                    email: String::new(),
                    dni: String::new(),
                },
                at,
            )
            .unwrap();
        assert!(done(&store)[1].1);
        // A deactivated person does not count.
        store.set_person_active(person.id, false, at).unwrap();
        let list = first_start_checklist(&store).unwrap();
        assert!(!list.items[1].done);
        assert!(
            list.items[1].detail.contains("desactivadas"),
            "{:?}",
            list.items[1]
        );
        store.set_person_active(person.id, true, at).unwrap();

        store
            .add_trust_root(
                &NewTrustRoot {
                    sha256: &"a".repeat(64),
                    subject: "CN=Raíz",
                    not_after: "2030-01-01T00:00:00+00:00",
                    der: &b"der"[..],
                },
                at,
            )
            .unwrap();
        let list = first_start_checklist(&store).unwrap();
        assert_eq!(
            list.items.iter().map(|i| i.done).collect::<Vec<_>>(),
            [true, true, true, false]
        );
        // The token module is optional: the list is complete without it.
        assert!(list.complete);
        store
            .set_settings(
                &[(TOKEN_MODULE_SETTING, "/usr/lib/softhsm/libsofthsm2.so")],
                at,
            )
            .unwrap();
        let list = first_start_checklist(&store).unwrap();
        assert!(list.items[3].done);
        assert!(list.items[3].detail.contains("libsofthsm2.so"));
    }
}
