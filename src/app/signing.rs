//! The Firmar screen: which role signs next in a stored document or a PDF
//! from disk, the certificate shown before confirming, and the signature
//! itself (`Service::sign_stored` / `Service::sign_file`: order enforced,
//! certificate checked before anything is written, new revision or new
//! file). The key is a `.p12` («Archivo .p12») or a certificate on a
//! PKCS#11 token («Token / DNIe», the module from Configuración). The
//! password or PIN lives only in the request.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroize;

use super::App;
use crate::error::ActasError;
use crate::service::{next_roles, KeySource, SignOutcome, SignRequest, SignatureSettings};
use crate::sign::certificate::load_pkcs12;
use crate::sign::pkcs11::{list_tokens, TokenListing, TokenSelection};
use crate::sign::Level;

/// A .p12/.pfx and its password.
#[derive(Clone, Serialize, Deserialize, TS)]
pub struct CertificateRequest {
    pub p12_path: String,
    pub password: String,
}

impl std::fmt::Debug for CertificateRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateRequest")
            .field("p12_path", &self.p12_path)
            .field("password", &"***")
            .finish()
    }
}

/// The certificate as the signer checks it before confirming.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CertificateInfo {
    pub name: String,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    /// dd/mm/aaaa hh:mm (UTC).
    pub valid_from: String,
    pub valid_until: String,
}

/// What to sign: a stored document (`reference`) or a PDF on disk (`path`).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TargetRequest {
    pub reference: Option<String>,
    pub path: Option<String>,
}

/// A role of the document and where it stands.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RoleState {
    pub role: String,
    pub title: String,
    pub signed: bool,
    pub signer: Option<String>,
    pub next: bool,
}

/// The document about to be signed.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SigningTarget {
    pub template: Option<String>,
    pub title: Option<String>,
    pub number: Option<String>,
    /// In signing order; empty for a PDF not made by Actas (then any empty field may be signed).
    pub roles: Vec<RoleState>,
    /// Empty signature fields of a PDF not made by Actas (`firma.<role>` or others).
    pub open_fields: Vec<String>,
}

/// The signing key as the Firmar screen chooses it.
#[derive(Clone, Default, Serialize, Deserialize, TS)]
pub struct KeyChoice {
    /// `p12` («Archivo .p12») or `token` («Token / DNIe»).
    pub source: String,
    pub p12_path: String,
    /// The `.p12` password, or the token's PIN.
    pub password: String,
    /// The token's label (empty: the only one connected).
    pub token: String,
    /// The certificate's serial on the token (empty: the only one with a key).
    pub cert_serial: String,
    /// `B-B` … `B-LTA`; empty: Configuración's default.
    pub level: String,
}

impl std::fmt::Debug for KeyChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyChoice")
            .field("source", &self.source)
            .field("p12_path", &self.p12_path)
            .field("password", &"***")
            .field("token", &self.token)
            .field("level", &self.level)
            .finish()
    }
}

#[derive(Clone, Serialize, Deserialize, TS)]
pub struct SignDocumentRequest {
    pub reference: String,
    pub role: String,
    pub key: KeyChoice,
    /// Empty: the profile's default location.
    pub location: String,
    /// Signs in place of the person the document names for the role.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub substitute: Option<bool>,
}

#[derive(Clone, Serialize, Deserialize, TS)]
pub struct SignFileRequest {
    pub input: String,
    /// Must differ from `input`: the original is never modified.
    pub output: String,
    pub role: String,
    pub key: KeyChoice,
    pub location: String,
}

/// Which tokens to list: the module (empty: Configuración's).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TokensRequest {
    pub module: String,
}

/// The password (or PIN) is wiped from memory when a request is dropped
/// (its copy in the service's `KeySource` too), right after the one call it
/// serves.
macro_rules! zeroize_password_on_drop {
    ($($request:ty),*) => {$(
        impl Drop for $request {
            fn drop(&mut self) {
                self.password.zeroize();
            }
        }
    )*};
}
zeroize_password_on_drop!(CertificateRequest, KeyChoice);

impl App {
    /// Loads and checks the certificate (password, validity now, key usage, key).
    pub fn inspect_certificate(
        &self,
        request: &CertificateRequest,
    ) -> Result<CertificateInfo, ActasError> {
        let now = self.service().clock.now();
        let identity = load_pkcs12(
            PathBuf::from(&request.p12_path).as_path(),
            &request.password,
            now,
        )
        .map_err(crate::sign::SignError::from)?;
        let human = |t: chrono::DateTime<chrono::Utc>| {
            format!("{} UTC", crate::dates::format_datetime(t.naive_utc()))
        };
        Ok(CertificateInfo {
            name: identity.common_name(),
            subject: identity.subject(),
            issuer: identity.issuer_common_name(),
            serial: identity.serial_hex(),
            valid_from: human(identity.not_before()),
            valid_until: human(identity.not_after()),
        })
    }

    /// The document's roles and which may sign now.
    pub fn signing_target(&self, request: &TargetRequest) -> Result<SigningTarget, ActasError> {
        let pdf = match (&request.reference, &request.path) {
            (Some(reference), _) if !reference.trim().is_empty() => {
                self.store().latest_revision(reference.trim())?.pdf
            }
            (_, Some(path)) if !path.trim().is_empty() => crate::limits::read_file(
                PathBuf::from(path.trim()).as_path(),
                crate::limits::PDF_FILE_BYTES,
            )?,
            _ => {
                return Err(ActasError::Other(
                    "indique un documento o un archivo PDF".into(),
                ))
            }
        };
        let report = self.verify_with_store_roots(&pdf)?;
        let service = self.service();
        let template = report
            .template
            .as_deref()
            .and_then(|id| service.catalogue.get(id));
        let signed: Vec<(String, Option<String>)> = report
            .signatures
            .iter()
            .filter_map(|s| Some((s.role.clone()?, s.signer.clone())))
            .collect();
        let signed_roles: Vec<String> = signed.iter().map(|(r, _)| r.clone()).collect();
        let roles = match template {
            Some(t) => {
                let next = next_roles(t, &signed_roles);
                t.signers
                    .iter()
                    .map(|s| {
                        let by = signed.iter().find(|(r, _)| *r == s.role);
                        RoleState {
                            role: s.role.clone(),
                            title: s.title.clone(),
                            signed: by.is_some(),
                            signer: by.and_then(|(_, who)| who.clone()),
                            next: next.contains(&s.role),
                        }
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        Ok(SigningTarget {
            title: template.map(|t| t.title.clone()),
            template: report.template.clone(),
            number: report.number.clone(),
            roles,
            open_fields: report.unsigned_fields.clone(),
        })
    }

    /// The tokens of the module (the request's, else Configuración's) and
    /// their certificates.
    pub fn tokens(&self, request: &TokensRequest) -> Result<Vec<TokenListing>, ActasError> {
        let module = self.token_module(&request.module)?;
        list_tokens(&module).map_err(|e| ActasError::Sign(e.into()))
    }

    fn token_module(&self, typed: &str) -> Result<PathBuf, ActasError> {
        let module = match typed.trim() {
            "" => self.signature_settings()?.pkcs11_module,
            typed => typed.to_string(),
        };
        if module.trim().is_empty() {
            return Err(ActasError::Other(
                "indique el módulo PKCS#11 del token en Configuración".into(),
            ));
        }
        Ok(PathBuf::from(module.trim()))
    }

    /// Signs a stored document's latest revision; saves the new revision.
    pub fn sign_document(&self, request: &SignDocumentRequest) -> Result<SignOutcome, ActasError> {
        let mut sign = self.sign_request(&request.role, &request.key, &request.location)?;
        sign.substitute = request.substitute.unwrap_or(false);
        let service = self.service();
        let mut store = self.store();
        service.sign_stored(&mut store, request.reference.trim(), &sign, &self.actor)
    }

    /// Signs a PDF from disk into a new file.
    pub fn sign_file(&self, request: &SignFileRequest) -> Result<SignOutcome, ActasError> {
        let sign = self.sign_request(&request.role, &request.key, &request.location)?;
        self.service().sign_file(
            PathBuf::from(request.input.trim()).as_path(),
            PathBuf::from(request.output.trim()).as_path(),
            &sign,
        )
    }

    fn sign_request(
        &self,
        role: &str,
        key: &KeyChoice,
        location: &str,
    ) -> Result<SignRequest, ActasError> {
        if role.trim().is_empty() {
            return Err(ActasError::Other("elija el rol con el que firma".into()));
        }
        let settings: SignatureSettings = self.signature_settings()?;
        let source = match key.source.trim() {
            "token" => KeySource::Token {
                selection: TokenSelection {
                    module: self.token_module("")?,
                    token: Some(key.token.trim().to_string()).filter(|t| !t.is_empty()),
                    key_label: None,
                    cert_serial: Some(key.cert_serial.trim().to_string()).filter(|t| !t.is_empty()),
                },
                pin: key.password.clone(),
            },
            _ => {
                if key.p12_path.trim().is_empty() {
                    return Err(ActasError::Other(
                        "elija el archivo del certificado (.p12 o .pfx)".into(),
                    ));
                }
                KeySource::P12 {
                    path: PathBuf::from(key.p12_path.trim()),
                    password: key.password.clone(),
                }
            }
        };
        let level = match key.level.trim() {
            "" => None,
            text => Some(text.parse::<Level>().map_err(ActasError::Other)?),
        };
        let location = match location.trim() {
            "" => self.profile()?.ubicacion,
            typed => typed.to_string(),
        };
        Ok(SignRequest {
            role: role.trim().to_string(),
            key: source,
            reason: None,
            location: (!location.is_empty()).then_some(location),
            level,
            tsa: None,
            settings,
            substitute: false,
        })
    }
}
