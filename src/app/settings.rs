//! The Configuración screen: the entity profile (entity and office printed
//! in every header, default signature location), the signature settings
//! (level, TSA, timeout, proxy, PKCS#11 module with the usual Linux paths
//! suggested), the office's own non-working days (for the plazos in días
//! útiles), the trust roots the verifier accepts, and the people
//! directory. Values are kept in the store
//! (`store::settings`, `store::people`); certificates are parsed here.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::App;
use crate::error::ActasError;
use crate::service::SignatureSettings;
use crate::service::OFFICE_DAYS_SETTING;
use crate::sign::certificate::{asn1_time_to_utc, one_line_name};
use crate::store::{NewPerson, NewTrustRoot, Person};
use crate::verify::cms::load_trust_roots;

pub use crate::service::Profile;

/// A trusted root as the screen lists it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TrustRootInfo {
    #[ts(type = "number")]
    pub id: i64,
    pub subject: String,
    /// dd/mm/aaaa.
    pub valid_until: String,
    pub sha256: String,
}

impl App {
    pub fn profile(&self) -> Result<Profile, ActasError> {
        crate::service::read_profile(&self.store())
    }

    /// Saves the profile and applies it to the forms' headers at once.
    pub fn save_profile(&self, profile: &Profile) -> Result<Profile, ActasError> {
        let now = self.service().clock.now();
        crate::service::save_profile(&mut self.store(), profile, now)?;
        self.reload_catalogue()?;
        self.apply_profile()?;
        self.profile()
    }

    /// Applies the saved profile to the loaded catalogue.
    pub(super) fn apply_profile(&self) -> Result<(), ActasError> {
        // The store's lock is released before the service's is taken.
        let profile = self.profile()?;
        let mut service = self.service.write().unwrap_or_else(|e| e.into_inner());
        crate::service::apply_profile_to(&mut service.catalogue, &profile);
        Ok(())
    }

    /// The office's non-working days as typed: `dd/mm/aaaa Motivo`, one a line.
    pub fn office_days(&self) -> Result<String, ActasError> {
        Ok(self
            .store()
            .setting(OFFICE_DAYS_SETTING)?
            .unwrap_or_default())
    }

    /// Saves the office's non-working days after checking every line (the
    /// error names the line); returns them as saved.
    pub fn save_office_days(&self, text: &str) -> Result<String, ActasError> {
        crate::calendar::parse_office_days(text)
            .map_err(|e| ActasError::Other(format!("días no laborables de la oficina: {e}")))?;
        let now = self.service().clock.now();
        self.store()
            .set_settings(&[(OFFICE_DAYS_SETTING, text.trim())], now)?;
        self.office_days()
    }

    pub fn trust_roots(&self) -> Result<Vec<TrustRootInfo>, ActasError> {
        Ok(self
            .store()
            .trust_roots()?
            .into_iter()
            .map(|r| TrustRootInfo {
                id: r.id,
                subject: r.subject,
                valid_until: crate::dates::format_rfc3339_date(&r.not_after),
                sha256: r.sha256,
            })
            .collect())
    }

    /// Imports every certificate of a PEM, DER or CER file as a trust root.
    pub fn import_trust_roots(&self, path: &Path) -> Result<Vec<TrustRootInfo>, ActasError> {
        let certs = load_trust_roots(path).map_err(|e| ActasError::Other(e.to_string()))?;
        let now = self.service().clock.now();
        {
            let mut store = self.store();
            for cert in &certs {
                let der = cert.to_der().map_err(|_| {
                    ActasError::Other(format!(
                        "{}: un certificado no se puede leer",
                        path.display()
                    ))
                })?;
                let sha256 = crate::store::sha256_hex(&der);
                let subject = one_line_name(cert.subject_name());
                let not_after = asn1_time_to_utc(cert.not_after()).to_rfc3339();
                store.add_trust_root(
                    &NewTrustRoot {
                        sha256: &sha256,
                        subject: &subject,
                        not_after: &not_after,
                        der: &der,
                    },
                    now,
                )?;
            }
        }
        self.trust_roots()
    }

    pub fn remove_trust_root(&self, id: i64) -> Result<Vec<TrustRootInfo>, ActasError> {
        let now = self.service().clock.now();
        self.store().remove_trust_root(id, now)?;
        self.trust_roots()
    }

    /// Level, TSA, network and PKCS#11 module settings.
    pub fn signature_settings(&self) -> Result<SignatureSettings, ActasError> {
        SignatureSettings::load(&self.store())
    }

    pub fn save_signature_settings(
        &self,
        settings: &SignatureSettings,
    ) -> Result<SignatureSettings, ActasError> {
        let now = self.service().clock.now();
        settings.save(&mut self.store(), now)?;
        self.signature_settings()
    }

    /// The usual PKCS#11 modules found on this machine (to suggest).
    pub fn suggested_modules(&self) -> Vec<String> {
        crate::sign::pkcs11::installed_modules()
    }

    pub fn people(&self) -> Result<Vec<Person>, ActasError> {
        Ok(self.store().people()?)
    }

    pub fn add_person(&self, person: &NewPerson) -> Result<Person, ActasError> {
        let now = self.service().clock.now();
        Ok(self.store().add_person(person, now)?)
    }
}
