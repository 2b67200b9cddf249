//! The office profile — entity and office printed in every header, the
//! default signature location — kept in the store's settings and applied
//! the same way by both front doors, so the CLI and the window render the
//! same PDF from the same data. The window edits it (Configuración); this
//! module reads, saves and applies it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Service;
use crate::error::ActasError;
use crate::store::Store;
use crate::template::Catalogue;

const KEY_ENTITY: &str = "perfil.entidad";
const KEY_OFFICE: &str = "perfil.oficina";
const KEY_LOCATION: &str = "firma.ubicacion";

/// The office's profile; empty values keep each template's own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Profile {
    /// Printed as the entity in every header.
    pub entidad: String,
    /// Printed as the office in every header.
    pub oficina: String,
    /// The signature's `/Location` unless the signer types another.
    pub ubicacion: String,
}

/// The profile saved in `store`.
pub fn read_profile(store: &Store) -> Result<Profile, ActasError> {
    let get = |key| -> Result<String, ActasError> { Ok(store.setting(key)?.unwrap_or_default()) };
    Ok(Profile {
        entidad: get(KEY_ENTITY)?,
        oficina: get(KEY_OFFICE)?,
        ubicacion: get(KEY_LOCATION)?,
    })
}

/// Saves `profile` (trimmed) in `store`, audited.
pub fn save_profile(
    store: &mut Store,
    profile: &Profile,
    at: chrono::DateTime<chrono::FixedOffset>,
) -> Result<(), ActasError> {
    store.set_settings(
        &[
            (KEY_ENTITY, profile.entidad.trim()),
            (KEY_OFFICE, profile.oficina.trim()),
            (KEY_LOCATION, profile.ubicacion.trim()),
        ],
        at,
    )?;
    Ok(())
}

/// Prints the profile's entity and office in every template's header.
pub fn apply_profile_to(catalogue: &mut Catalogue, profile: &Profile) {
    for template in &mut catalogue.templates {
        if !profile.entidad.trim().is_empty() {
            template.entity = profile.entidad.trim().to_string();
        }
        if !profile.oficina.trim().is_empty() {
            template.office = profile.oficina.trim().to_string();
        }
    }
}

impl Service {
    /// Applies the profile saved in `store` to this service's templates;
    /// returns it (its location is the signatures' default).
    pub fn apply_profile(&mut self, store: &Store) -> Result<Profile, ActasError> {
        let profile = read_profile(store)?;
        apply_profile_to(&mut self.catalogue, &profile);
        Ok(profile)
    }
}
