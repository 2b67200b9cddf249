//! Certificates and keys on PKCS#11 tokens — the DNIe, cryptographic USB
//! tokens, SoftHSM2 — through the maintained `cryptoki` crate: list the
//! tokens of a module and their certificates (subject, issuer, validity,
//! DNI), and open one certificate with its private key for signing. The
//! key never leaves the token: [`TokenKey`] asks the token to sign
//! (CKM_RSA_PKCS over the SHA-256 DigestInfo, or CKM_ECDSA over the
//! SHA-256 hash; both computed here, which every token supports).
//!
//! The certificate is checked like a `.p12`'s (`certificate`: validity at
//! the signing time, key usage, key type). The PIN is used for the login
//! and dropped (cryptoki zeroizes it); it is never stored, logged or put in
//! a message. It does not: change PINs, write objects, or build chains
//! beyond the certificates the token holds.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, FixedOffset};
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use openssl::nid::Nid;
use openssl::x509::X509;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::certificate::{
    asn1_time_to_utc, check_signing_certificate, common_name, one_line_name, serial_hex,
    CertificateError,
};
use super::key::{ecdsa_raw_to_der, sha256_digest_info, KeyKind, SignatureKey};

/// Where Linux distributions install the usual PKCS#11 modules (offered in
/// Configuración; the first that exists is suggested).
pub const COMMON_MODULES: [&str; 6] = [
    "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
    "/usr/lib/opensc-pkcs11.so",
    "/usr/lib/x86_64-linux-gnu/libdnie.so",
    "/usr/lib/libpkcs11-dnie.so",
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
];

/// The common module paths present on this machine.
pub fn installed_modules() -> Vec<String> {
    COMMON_MODULES
        .iter()
        .filter(|p| Path::new(p).exists())
        .map(|p| p.to_string())
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("no se puede cargar el módulo PKCS#11 {module}: {reason}")]
    Module { module: String, reason: String },
    #[error("no hay ningún token conectado al módulo {module}")]
    NoToken { module: String },
    #[error("no hay un token con la etiqueta «{label}»; tokens: {available}")]
    TokenNotFound { label: String, available: String },
    #[error("hay {count} tokens conectados ({available}): indique cuál con --token")]
    AmbiguousToken { count: usize, available: String },
    #[error("PIN incorrecto para el token «{token}»")]
    WrongPin { token: String },
    #[error("el PIN del token «{token}» está bloqueado")]
    PinLocked { token: String },
    #[error("el token «{token}» no tiene {what}")]
    NoCertificate { token: String, what: String },
    #[error("el token «{token}» tiene {count} certificados con clave ({available}): indique uno con --key o --cert")]
    AmbiguousCertificate {
        token: String,
        count: usize,
        available: String,
    },
    #[error("el token «{token}» no tiene la clave privada del certificado {subject}")]
    NoKey { token: String, subject: String },
    #[error("error del token «{token}»: {reason}")]
    Device { token: String, reason: String },
    #[error(transparent)]
    Certificate(#[from] CertificateError),
}

/// Which certificate of which token.
#[derive(Debug, Clone, Default)]
pub struct TokenSelection {
    pub module: PathBuf,
    /// The token's label; optional when one token is connected.
    pub token: Option<String>,
    /// The key's (and certificate's) CKA_LABEL.
    pub key_label: Option<String>,
    /// The certificate's serial number, hex (any case, `:` allowed).
    pub cert_serial: Option<String>,
}

/// A certificate on a token, as `actas tokens list` shows it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TokenCertificate {
    pub token: String,
    pub label: String,
    /// CKA_ID, hex.
    pub id: String,
    pub name: String,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    /// dd/mm/aaaa.
    pub valid_from: String,
    pub valid_until: String,
    /// The DNI in the subject's serialNumber (Peru's DNIe: `PNOPE-…`).
    pub dni: Option<String>,
    /// Whether the token holds its private key (it can sign).
    pub has_key: bool,
}

/// A token and its certificates.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TokenListing {
    pub label: String,
    pub manufacturer: String,
    pub model: String,
    pub serial: String,
    pub certificates: Vec<TokenCertificate>,
}

/// Every token of `module` and its certificates (no PIN needed:
/// certificates are public objects).
pub fn list_tokens(module: &Path) -> Result<Vec<TokenListing>, TokenError> {
    let ctx = context(module)?;
    let slots = ctx
        .get_slots_with_token()
        .map_err(|e| module_error(module, e))?;
    let mut out = Vec::new();
    for slot in slots {
        let info = ctx
            .get_token_info(slot)
            .map_err(|e| module_error(module, e))?;
        if !info.token_initialized() {
            continue;
        }
        let label = info.label().trim().to_string();
        let session = ctx.open_ro_session(slot).map_err(|e| device(&label, e))?;
        let certificates = certificates(&session, &label)?;
        out.push(TokenListing {
            label,
            manufacturer: info.manufacturer_id().trim().to_string(),
            model: info.model().trim().to_string(),
            serial: info.serial_number().trim().to_string(),
            certificates: certificates.into_iter().map(|(c, _, _)| c).collect(),
        });
    }
    Ok(out)
}

/// A certificate and its key on a token, logged in and ready to sign.
pub struct TokenIdentity {
    pub certificate: X509,
    /// The token's other certificates that chain the signer's upwards.
    pub chain: Vec<X509>,
    pub key: Arc<TokenKey>,
    pub token: String,
}

impl std::fmt::Debug for TokenIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenIdentity")
            .field("subject", &one_line_name(self.certificate.subject_name()))
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

/// Logs in with `pin` and opens the selected certificate and its private
/// key; the certificate is checked for signing at `at`.
pub fn open_identity(
    selection: &TokenSelection,
    pin: &str,
    at: DateTime<FixedOffset>,
) -> Result<TokenIdentity, TokenError> {
    let module = &selection.module;
    let ctx = context(module)?;
    let (slot, label) = pick_token(&ctx, module, selection.token.as_deref())?;
    let session = ctx.open_ro_session(slot).map_err(|e| device(&label, e))?;
    let secret = AuthPin::from(pin.to_string());
    match session.login(UserType::User, Some(&secret)) {
        Ok(()) => {}
        Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
        Err(CkError::Pkcs11(RvError::PinIncorrect | RvError::PinLenRange, _)) => {
            return Err(TokenError::WrongPin { token: label })
        }
        Err(CkError::Pkcs11(RvError::PinLocked, _)) => {
            return Err(TokenError::PinLocked { token: label })
        }
        Err(e) => return Err(device(&label, e)),
    }
    drop(secret);

    let all = certificates(&session, &label)?;
    let wanted_serial = selection
        .cert_serial
        .as_deref()
        .map(|s| s.replace(':', "").trim_start_matches('0').to_uppercase());
    let candidates: Vec<&(TokenCertificate, X509, Vec<u8>)> = all
        .iter()
        .filter(|(c, _, _)| c.has_key)
        .filter(|(c, _, _)| selection.key_label.as_deref().is_none_or(|l| c.label == l))
        .filter(|(c, _, _)| {
            wanted_serial
                .as_deref()
                .is_none_or(|s| c.serial.trim_start_matches('0') == s)
        })
        .collect();
    let (info, certificate, id) = match candidates.as_slice() {
        [one] => (*one).clone(),
        [] => {
            let what = match (&selection.key_label, &selection.cert_serial) {
                (Some(l), _) => format!("un certificado con clave y etiqueta «{l}»"),
                (None, Some(s)) => format!("un certificado con clave y número de serie {s}"),
                _ => "ningún certificado con su clave privada".to_string(),
            };
            return Err(TokenError::NoCertificate { token: label, what });
        }
        many => {
            return Err(TokenError::AmbiguousCertificate {
                token: label,
                count: many.len(),
                available: many
                    .iter()
                    .map(|(c, _, _)| format!("«{}» serie {}", c.label, c.serial))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
        }
    };
    check_signing_certificate(&certificate, at)?;

    let keys = session
        .find_objects(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Id(id.clone()),
        ])
        .map_err(|e| device(&label, e))?;
    let Some(&key) = keys.first() else {
        return Err(TokenError::NoKey {
            token: label,
            subject: info.subject,
        });
    };
    let public = certificate
        .public_key()
        .map_err(|e| device_text(&label, e.to_string()))?;
    let kind = match public.id() {
        openssl::pkey::Id::RSA => KeyKind::Rsa,
        _ => KeyKind::Ecdsa,
    };
    // DER ECDSA: two INTEGERs of the curve's size, each maybe one byte longer.
    let max_len = match kind {
        KeyKind::Rsa => public.size(),
        KeyKind::Ecdsa => public.size() + 8,
    };
    let others: Vec<X509> = all
        .iter()
        .map(|(_, c, _)| c.clone())
        .filter(|c| c.to_der().ok() != certificate.to_der().ok())
        .collect();
    let chain = chain_from(&certificate, &others);
    Ok(TokenIdentity {
        certificate,
        chain,
        key: Arc::new(TokenKey {
            session: Mutex::new(session),
            key,
            kind,
            max_len,
            token: label.clone(),
        }),
        token: label,
    })
}

/// A private key that stays on its token; signing is a PKCS#11 call.
pub struct TokenKey {
    session: Mutex<Session>,
    key: ObjectHandle,
    kind: KeyKind,
    max_len: usize,
    token: String,
}

impl SignatureKey for TokenKey {
    fn kind(&self) -> KeyKind {
        self.kind
    }

    fn max_signature_len(&self) -> usize {
        self.max_len
    }

    fn sign_sha256(&self, data: &[u8]) -> Result<Vec<u8>, String> {
        let digest = openssl::sha::sha256(data);
        let session = self.session.lock().unwrap_or_else(|e| e.into_inner());
        let fail = |e: CkError| format!("el token «{}» no firmó: {}", self.token, describe(&e));
        match self.kind {
            KeyKind::Rsa => session
                .sign(&Mechanism::RsaPkcs, self.key, &sha256_digest_info(&digest))
                .map_err(fail),
            KeyKind::Ecdsa => {
                let raw = session
                    .sign(&Mechanism::Ecdsa, self.key, &digest)
                    .map_err(fail)?;
                ecdsa_raw_to_der(&raw)
            }
        }
    }
}

/// One initialised context per module for the whole process: PKCS#11
/// modules may be initialised once, and finalising one would end every
/// other user's session.
fn context(module: &Path) -> Result<Pkcs11, TokenError> {
    static MODULES: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    let mut modules = MODULES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(ctx) = modules.get(module) {
        return Ok(ctx.clone());
    }
    if !module.is_file() {
        return Err(TokenError::Module {
            module: module.display().to_string(),
            reason: "el archivo no existe".into(),
        });
    }
    let ctx = Pkcs11::new(module).map_err(|e| module_error(module, e))?;
    match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(module_error(module, e)),
    }
    modules.insert(module.to_path_buf(), ctx.clone());
    Ok(ctx)
}

fn pick_token(
    ctx: &Pkcs11,
    module: &Path,
    wanted: Option<&str>,
) -> Result<(Slot, String), TokenError> {
    let slots = ctx
        .get_slots_with_token()
        .map_err(|e| module_error(module, e))?;
    let mut tokens = Vec::new();
    for slot in slots {
        let info = ctx
            .get_token_info(slot)
            .map_err(|e| module_error(module, e))?;
        if info.token_initialized() {
            tokens.push((slot, info.label().trim().to_string()));
        }
    }
    let available = || {
        tokens
            .iter()
            .map(|(_, l)| format!("«{l}»"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match wanted {
        Some(label) => tokens
            .iter()
            .find(|(_, l)| l == label.trim())
            .cloned()
            .ok_or_else(|| TokenError::TokenNotFound {
                label: label.to_string(),
                available: if tokens.is_empty() {
                    "ninguno".into()
                } else {
                    available()
                },
            }),
        None => match tokens.len() {
            0 => Err(TokenError::NoToken {
                module: module.display().to_string(),
            }),
            1 => Ok(tokens[0].clone()),
            n => Err(TokenError::AmbiguousToken {
                count: n,
                available: available(),
            }),
        },
    }
}

/// The token's certificates, with their DER and CKA_ID.
fn certificates(
    session: &Session,
    token: &str,
) -> Result<Vec<(TokenCertificate, X509, Vec<u8>)>, TokenError> {
    let handles = session
        .find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)])
        .map_err(|e| device(token, e))?;
    let key_ids: Vec<Vec<u8>> = session
        .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])
        .unwrap_or_default()
        .into_iter()
        .filter_map(|k| object_id(session, k))
        .collect();
    // A logged-out session may not see private keys: public keys with the
    // same CKA_ID say a key pair is there too.
    let public_ids: Vec<Vec<u8>> = session
        .find_objects(&[Attribute::Class(ObjectClass::PUBLIC_KEY)])
        .unwrap_or_default()
        .into_iter()
        .filter_map(|k| object_id(session, k))
        .collect();
    let mut out = Vec::new();
    for handle in handles {
        let attrs = session
            .get_attributes(
                handle,
                &[
                    AttributeType::Value,
                    AttributeType::Label,
                    AttributeType::Id,
                ],
            )
            .map_err(|e| device(token, e))?;
        let mut der = None;
        let mut label = String::new();
        let mut id = Vec::new();
        for attr in attrs {
            match attr {
                Attribute::Value(v) => der = Some(v),
                Attribute::Label(l) => label = String::from_utf8_lossy(&l).trim().to_string(),
                Attribute::Id(i) => id = i,
                _ => {}
            }
        }
        let Some(cert) = der.and_then(|d| X509::from_der(&d).ok()) else {
            continue;
        };
        let day = |t| asn1_time_to_utc(t).format("%d/%m/%Y").to_string();
        let has_key = key_ids.contains(&id) || public_ids.contains(&id);
        out.push((
            TokenCertificate {
                token: token.to_string(),
                label,
                id: id.iter().map(|b| format!("{b:02x}")).collect(),
                name: common_name(cert.subject_name())
                    .unwrap_or_else(|| one_line_name(cert.subject_name())),
                subject: one_line_name(cert.subject_name()),
                issuer: one_line_name(cert.issuer_name()),
                serial: serial_hex(&cert),
                valid_from: day(cert.not_before()),
                valid_until: day(cert.not_after()),
                dni: dni(&cert),
                has_key,
            },
            cert,
            id,
        ));
    }
    Ok(out)
}

fn object_id(session: &Session, handle: ObjectHandle) -> Option<Vec<u8>> {
    session
        .get_attributes(handle, &[AttributeType::Id])
        .ok()?
        .into_iter()
        .find_map(|a| match a {
            Attribute::Id(id) => Some(id),
            _ => None,
        })
}

/// The DNI in the subject's serialNumber: Peru's DNIe writes `PNOPE-<8
/// digits>`; other issuers `DNI <digits>` or the bare number.
pub fn dni(cert: &X509) -> Option<String> {
    let value = cert
        .subject_name()
        .entries_by_nid(Nid::SERIALNUMBER)
        .next()?
        .data()
        .to_string()
        .ok()?;
    let digits: String = value
        .rsplit(['-', ' ', ':'])
        .next()
        .unwrap_or(&value)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    (digits.len() >= 8).then_some(digits)
}

/// From `cert` upwards through `others`, as far as they reach.
fn chain_from(cert: &X509, others: &[X509]) -> Vec<X509> {
    let mut chain: Vec<X509> = Vec::new();
    let mut current = cert.clone();
    while let Some(issuer) = crate::revocation::find_issuer(&current, others) {
        if chain
            .iter()
            .any(|c| c.to_der().ok() == issuer.to_der().ok())
            || crate::revocation::is_self_signed(&current)
        {
            break;
        }
        chain.push(issuer.clone());
        current = issuer.clone();
    }
    chain
}

fn describe(e: &CkError) -> String {
    match e {
        CkError::Pkcs11(rv, _) => format!("{rv:?}"),
        CkError::LibraryLoading(l) => l.to_string(),
        other => other.to_string(),
    }
}

fn module_error(module: &Path, e: CkError) -> TokenError {
    TokenError::Module {
        module: module.display().to_string(),
        reason: describe(&e),
    }
}

fn device(token: &str, e: CkError) -> TokenError {
    device_text(token, describe(&e))
}

fn device_text(token: &str, reason: String) -> TokenError {
    TokenError::Device {
        token: token.to_string(),
        reason,
    }
}
