//! Signing and verifying as the user does it: a PDF file (written to a new
//! file, atomically, the input untouched) or a stored document (saved as a
//! new revision). The key is a `.p12` or a certificate on a PKCS#11 token;
//! the level is B-B to B-LTA ([`SignatureSettings`] gives the defaults and
//! the TSA, timeout and proxy). The certificate is loaded and checked, and
//! every network exchange (TSA, OCSP, CRL) done, before anything is
//! written; passwords and PINs are only passed through, never stored or
//! logged. Also the archivist's re-sealing ([`Service::extend_ltv_bytes`]).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::queue::{certificate_holder, holder_matches, mismatch_message, named_signer};
use super::Service;
use crate::error::ActasError;
use crate::files;
use crate::net::{BasicAuth, Http, NetOptions};
use crate::revocation::Fetcher;
use crate::sign::certificate::load_pkcs12;
use crate::sign::cms::CmsSigner;
use crate::sign::ltv::{self, LtvOptions, LtvSummary};
use crate::sign::pkcs11::{open_identity, TokenSelection};
use crate::sign::{sign_pdf_stamped, Level, PreparedPdf, SignError, SignOptions};
use crate::store::{NewRevision, RevisionInfo, Store, StoreError, ACTION_DOCUMENT_REVISE};
use crate::template::Template;
use crate::timestamp::TsaClient;

/// Prefix of a revision note that records a signature: `firma:<role>:<signer>`.
pub const SIGNATURE_NOTE_PREFIX: &str = "firma:";
/// Revision note of a re-sealing (`actas ltv`).
pub const LTV_NOTE: &str = "sello-ltv";

/// Where the signing key is. Secrets live only in memory for the call.
#[derive(Clone)]
pub enum KeySource {
    P12 {
        path: PathBuf,
        password: String,
    },
    Token {
        selection: TokenSelection,
        pin: String,
    },
}

impl KeySource {
    /// Opens the key (the `.p12` with its password, or the token with its
    /// PIN) and checks the certificate at `now`, as signing does.
    fn signer(&self, now: chrono::DateTime<chrono::FixedOffset>) -> Result<CmsSigner, ActasError> {
        let signer = match self {
            KeySource::P12 { path, password } => {
                let identity = load_pkcs12(path, password, now).map_err(SignError::from)?;
                CmsSigner::new(&identity).map_err(SignError::from)?
            }
            KeySource::Token { selection, pin } => {
                let identity = open_identity(selection, pin, now).map_err(SignError::from)?;
                CmsSigner::with_key(&identity.certificate, &identity.chain, identity.key.clone())
                    .map_err(SignError::from)?
            }
        };
        Ok(signer)
    }
}

impl Drop for KeySource {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        match self {
            KeySource::P12 { password, .. } => password.zeroize(),
            KeySource::Token { pin, .. } => pin.zeroize(),
        }
    }
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::P12 { path, .. } => f
                .debug_struct("P12")
                .field("path", path)
                .field("password", &"***")
                .finish(),
            KeySource::Token { selection, .. } => f
                .debug_struct("Token")
                .field("selection", selection)
                .field("pin", &"***")
                .finish(),
        }
    }
}

/// The office's signature settings (Configuración): default level, TSA,
/// network timeout and proxy, PKCS#11 module. Empty means "not set".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct SignatureSettings {
    /// `B-B`, `B-T`, `B-LT`, `B-LTA`, or empty (B-T with a TSA, else B-B).
    pub level: String,
    /// RFC 3161 time-stamp authority (http:// or https://).
    pub tsa_url: String,
    /// Seconds for each TSA/OCSP/CRL exchange; 0 = 20 s.
    pub timeout_seconds: u32,
    /// `http://host:port`; empty = the environment's `HTTPS_PROXY`/`HTTP_PROXY`.
    pub proxy: String,
    /// The PKCS#11 module of the office's tokens (e.g. OpenSC's).
    pub pkcs11_module: String,
}

/// Settings keys (the store's `settings` table).
const KEY_LEVEL: &str = "firma.nivel";
const KEY_TSA: &str = "firma.tsa";
const KEY_TIMEOUT: &str = "red.tiempo_espera_s";
const KEY_PROXY: &str = "red.proxy";
const KEY_PKCS11: &str = "firma.modulo_pkcs11";

impl SignatureSettings {
    /// The office's settings from the store (defaults where unset).
    pub fn load(store: &Store) -> Result<SignatureSettings, ActasError> {
        let get =
            |key| -> Result<String, ActasError> { Ok(store.setting(key)?.unwrap_or_default()) };
        Ok(SignatureSettings {
            level: get(KEY_LEVEL)?,
            tsa_url: get(KEY_TSA)?,
            timeout_seconds: get(KEY_TIMEOUT)?.trim().parse().unwrap_or(0),
            proxy: get(KEY_PROXY)?,
            pkcs11_module: get(KEY_PKCS11)?,
        })
    }

    /// Checks and saves the settings (audited by the store).
    pub fn save(
        &self,
        store: &mut Store,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> Result<(), ActasError> {
        let level = match self.level.trim() {
            "" => String::new(),
            text => text
                .parse::<Level>()
                .map_err(ActasError::Other)?
                .to_string(),
        };
        for (what, url) in [
            ("del servicio de sellado de tiempo", &self.tsa_url),
            ("del proxy", &self.proxy),
        ] {
            let url = url.trim();
            let lower = url.to_ascii_lowercase();
            let allowed = ["http://", "https://", "socks5://"];
            if !(url.is_empty() || allowed.iter().any(|p| lower.starts_with(p))) {
                return Err(ActasError::Other(format!(
                    "la dirección {what} «{url}» no es válida: debe empezar con http:// o https://"
                )));
            }
        }
        if crate::net::redact(self.proxy.trim()) != self.proxy.trim() {
            return Err(ActasError::Other(
                "el proxy no puede llevar usuario ni contraseña en la dirección (no se guardan secretos): use la variable de entorno HTTPS_PROXY".into(),
            ));
        }
        if self.timeout_seconds > 600 {
            return Err(ActasError::Other(
                "el tiempo de espera de red debe ser de 600 segundos o menos".into(),
            ));
        }
        let timeout = if self.timeout_seconds == 0 {
            String::new()
        } else {
            self.timeout_seconds.to_string()
        };
        store.set_settings(
            &[
                (KEY_LEVEL, level.as_str()),
                (KEY_TSA, self.tsa_url.trim()),
                (KEY_TIMEOUT, timeout.as_str()),
                (KEY_PROXY, self.proxy.trim()),
                (KEY_PKCS11, self.pkcs11_module.trim()),
            ],
            now,
        )?;
        Ok(())
    }

    /// The level and TSA for one signature: the request's, else these
    /// settings' (a TSA makes B-T the default). A level that needs a TSA
    /// without one is an error.
    pub fn resolve(
        &self,
        level: Option<Level>,
        tsa: Option<&str>,
    ) -> Result<(Level, Option<String>), ActasError> {
        let tsa = tsa
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .or(Some(self.tsa_url.trim()).filter(|t| !t.is_empty()))
            .map(str::to_string);
        let configured = match self.level.trim() {
            "" => None,
            text => Some(text.parse::<Level>().map_err(ActasError::Other)?),
        };
        let level = level.unwrap_or_else(|| Level::default_for(configured, tsa.is_some()));
        if level.needs_tsa() && tsa.is_none() {
            return Err(ActasError::Other(format!(
                "el nivel {level} necesita un servicio de sellado de tiempo: indique --tsa URL o configúrelo en Configuración"
            )));
        }
        Ok((level, tsa))
    }

    pub fn net_options(&self) -> NetOptions {
        NetOptions {
            timeout: match self.timeout_seconds {
                0 => NetOptions::default().timeout,
                s => Duration::from_secs(u64::from(s)),
            },
            proxy: Some(self.proxy.trim().to_string()).filter(|p| !p.is_empty()),
        }
    }
}

/// Who signs, with what, at which level, and how it is labelled.
#[derive(Debug, Clone)]
pub struct SignRequest {
    pub role: String,
    pub key: KeySource,
    pub reason: Option<String>,
    pub location: Option<String>,
    /// None: from `settings`.
    pub level: Option<Level>,
    /// None: from `settings`.
    pub tsa: Option<String>,
    pub settings: SignatureSettings,
    /// Signs in place of the person the document names for the role (the
    /// holder check is then recorded in the audit log instead of refusing).
    pub substitute: bool,
}

/// What happened, for the user.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SignOutcome {
    pub role: String,
    pub signer: String,
    /// Roles that may sign next (their predecessors have all signed).
    pub next: Vec<String>,
    pub complete: bool,
    /// The stored revision, when a stored document was signed.
    pub revision: Option<u32>,
    pub status: String,
    /// `B-B` … `B-LTA`.
    pub level: String,
    /// The TSA's time, dd/mm/aaaa hh:mm:ss UTC (B-T and above).
    pub timestamp: Option<String>,
}

/// What a re-sealing added.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LtvOutcome {
    pub signatures: usize,
    pub certificates: usize,
    pub ocsp_responses: usize,
    pub crls: usize,
    /// The document time-stamp's time, dd/mm/aaaa hh:mm:ss UTC.
    pub timestamp: Option<String>,
    /// Certificates found revoked, one line each.
    pub revoked: Vec<String>,
    pub revision: Option<u32>,
}

fn utc_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%d/%m/%Y %H:%M:%S UTC").to_string()
}

impl Service {
    /// Signs `pdf` for `request.role`; returns the signed bytes and the outcome.
    pub fn sign_bytes(
        &self,
        pdf: Vec<u8>,
        request: &SignRequest,
    ) -> Result<(Vec<u8>, SignOutcome), ActasError> {
        let now = self.clock.now();
        let (level, tsa_url) = request
            .settings
            .resolve(request.level, request.tsa.as_deref())?;
        let prepared = PreparedPdf::parse(pdf)?;
        let template = match prepared.template.as_deref() {
            Some(id) => self.catalogue.get_or_load(id)?,
            None => None,
        };
        let template = template.as_deref();
        if let Some(t) = template {
            crate::sign::check_signing_order(t, &request.role, &prepared.signed_roles())?;
        }
        let signer = request.key.signer(now)?;
        let http = Http::new(&request.settings.net_options())
            .map_err(|e| ActasError::Other(e.to_string()))?;
        let tsa = tsa_url
            .as_deref()
            .map(|url| TsaClient::new(url, http.clone(), BasicAuth::tsa_from_env()));
        let options = SignOptions {
            role: request.role.clone(),
            reason: request.reason.clone(),
            location: request.location.clone(),
            at: now,
        };
        let stamper = tsa
            .as_ref()
            .map(|t| t as &dyn crate::timestamp::TimeStamper);
        let signed = sign_pdf_stamped(&prepared, template, &signer, &options, stamper)?;
        let mut bytes = signed.pdf;
        if level >= Level::BLT {
            let fetcher = Fetcher::new(http);
            let prepared = PreparedPdf::parse(bytes)?;
            let (extended, _) = ltv::extend(
                &prepared,
                &LtvOptions {
                    fetcher: &fetcher,
                    tsa: if level == Level::BLTA { stamper } else { None },
                    refuse_revoked: Some(signer.certificate()),
                },
            )?;
            bytes = extended;
        }
        let mut roles = prepared.signed_roles();
        roles.push(request.role.clone());
        let (next, complete) = progress(template, &roles);
        let status = status_text(template, &roles, complete);
        let certificate = signer.certificate();
        Ok((
            bytes,
            SignOutcome {
                role: request.role.clone(),
                signer: crate::sign::certificate::common_name(certificate.subject_name())
                    .unwrap_or_else(|| signer.subject().to_string()),
                next,
                complete,
                revision: None,
                status,
                level: level.to_string(),
                timestamp: signed.timestamp.map(|t| utc_text(t.info.gen_time)),
            },
        ))
    }

    /// Signs the file `input` into `output` (a different path, written atomically).
    pub fn sign_file(
        &self,
        input: &Path,
        output: &Path,
        request: &SignRequest,
    ) -> Result<SignOutcome, ActasError> {
        if same_file(input, output) {
            return Err(ActasError::Other(format!(
                "la salida {} es el mismo archivo que la entrada: el original no se modifica, indique otro nombre",
                output.display()
            )));
        }
        let bytes = crate::limits::read_file(input, crate::limits::PDF_FILE_BYTES)?;
        let (signed, outcome) = self
            .sign_bytes(bytes, request)
            .map_err(|e| in_file(e, input))?;
        files::write_atomic(output, &signed)?;
        Ok(outcome)
    }

    /// Signs the latest revision of a stored document and saves a new
    /// revision, as an optimistic update: if another workstation added a
    /// revision meanwhile, the signature is made again on the new one when
    /// the role may still sign (order, field empty), else refused naming
    /// who signed the role first. The certificate's holder must be the
    /// person the document names for the role unless `request.substitute`.
    pub fn sign_stored(
        &self,
        store: &mut Store,
        reference: &str,
        request: &SignRequest,
        actor: &str,
    ) -> Result<SignOutcome, ActasError> {
        self.refuse_if_annulled(store, reference)?;
        let substitute_for = self.check_holder(store, reference, request)?;
        for _ in 0..SIGN_ATTEMPTS {
            if let Some((signer, revision)) = signed_by(&store.revisions(reference)?, &request.role)
            {
                return Err(ActasError::Refused(format!(
                    "el rol «{}» del documento {reference} ya lo firmó {signer} (revisión \
                     {revision})",
                    request.role
                )));
            }
            let latest = store.latest_revision(reference)?;
            let (signed, mut outcome) = self.sign_bytes(latest.pdf, request)?;
            let note = format!("{SIGNATURE_NOTE_PREFIX}{}:{}", outcome.role, outcome.signer);
            let saved = store.add_revision_on(
                reference,
                Some(latest.revision),
                &NewRevision {
                    pdf: &signed,
                    status: &outcome.status,
                    note: &note,
                    actor,
                    at: self.clock.now(),
                    action: ACTION_DOCUMENT_REVISE,
                    file_sha256: None,
                    substitute_for: substitute_for.clone(),
                },
            );
            match saved {
                Ok(info) => {
                    outcome.revision = Some(info.revision);
                    return Ok(outcome);
                }
                // Another revision landed: read it and sign again on top.
                Err(StoreError::Stale { .. }) => continue,
                Err(other) => return Err(other.into()),
            }
        }
        Err(StoreError::Busy {
            path: store.path().to_path_buf(),
        }
        .into())
    }

    /// Adds the DSS and a new document time-stamp to a signed PDF (PAdES
    /// B-LTA; the archivist's re-sealing). A revoked certificate is
    /// reported, not refused: it may have been revoked after signing.
    pub fn extend_ltv_bytes(
        &self,
        pdf: Vec<u8>,
        tsa: Option<&str>,
        settings: &SignatureSettings,
    ) -> Result<(Vec<u8>, LtvOutcome), ActasError> {
        let tsa_url = tsa
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .or(Some(settings.tsa_url.trim()).filter(|t| !t.is_empty()))
            .ok_or_else(|| {
                ActasError::Other(
                    "el sello de archivo necesita un servicio de sellado de tiempo: indique --tsa URL o configúrelo en Configuración".into(),
                )
            })?;
        let http =
            Http::new(&settings.net_options()).map_err(|e| ActasError::Other(e.to_string()))?;
        let tsa = TsaClient::new(tsa_url, http.clone(), BasicAuth::tsa_from_env());
        let fetcher = Fetcher::new(http);
        let prepared = PreparedPdf::parse(pdf)?;
        let (bytes, summary) = ltv::extend(
            &prepared,
            &LtvOptions {
                fetcher: &fetcher,
                tsa: Some(&tsa),
                refuse_revoked: None,
            },
        )?;
        Ok((bytes, ltv_outcome(summary)))
    }

    /// Re-seals a stored document: a new revision with the DSS and a document time-stamp.
    pub fn extend_ltv_stored(
        &self,
        store: &mut Store,
        reference: &str,
        tsa: Option<&str>,
        settings: &SignatureSettings,
        actor: &str,
    ) -> Result<LtvOutcome, ActasError> {
        let latest = store.latest_revision(reference)?;
        let status = store.document(reference)?.status;
        let (bytes, mut outcome) = self.extend_ltv_bytes(latest.pdf, tsa, settings)?;
        let info = store.add_revision(
            reference,
            &bytes,
            &status,
            LTV_NOTE,
            actor,
            self.clock.now(),
        )?;
        outcome.revision = Some(info.revision);
        Ok(outcome)
    }

    /// Re-seals a PDF file into `output` (the same path is allowed: the
    /// update only appends, atomically).
    pub fn extend_ltv_file(
        &self,
        input: &Path,
        output: &Path,
        tsa: Option<&str>,
        settings: &SignatureSettings,
    ) -> Result<LtvOutcome, ActasError> {
        let bytes = files::read(input)?;
        let (extended, outcome) = self
            .extend_ltv_bytes(bytes, tsa, settings)
            .map_err(|e| in_file(e, input))?;
        files::write_atomic(output, &extended)?;
        Ok(outcome)
    }

    /// The holder check: `Ok(Some(name))` when signing as substitute for
    /// `name`, `Ok(None)` when the holder is the person named (or the
    /// document names nobody for the role).
    fn check_holder(
        &self,
        store: &Store,
        reference: &str,
        request: &SignRequest,
    ) -> Result<Option<String>, ActasError> {
        let record = store.document(reference)?;
        let Some(template) = self.catalogue.get_or_load(&record.template_id)? else {
            return Ok(None);
        };
        let people = store.people()?;
        let Some(named) = named_signer(&template, &record.data, &request.role, &people) else {
            return Ok(None);
        };
        let signer = request.key.signer(self.clock.now())?;
        let (dni, name) = certificate_holder(signer.certificate());
        if holder_matches(&named, dni.as_deref(), &name) {
            return Ok(None);
        }
        if request.substitute {
            return Ok(Some(named.name));
        }
        Err(ActasError::Input(mismatch_message(
            &named,
            dni.as_deref(),
            &name,
        )))
    }
}

fn ltv_outcome(summary: LtvSummary) -> LtvOutcome {
    LtvOutcome {
        signatures: summary.signatures,
        certificates: summary.certificates,
        ocsp_responses: summary.ocsp_responses,
        crls: summary.crls,
        timestamp: summary.doc_timestamp.map(utc_text),
        revoked: summary.revoked,
        revision: None,
    }
}

/// How many times a stored signature is re-made on a newer revision before
/// the store counts as busy.
const SIGN_ATTEMPTS: usize = 5;

/// Who signed `role` and in which revision, from the revision notes
/// (`firma:<role>:<signer>`, several joined by «; »).
pub(super) fn signed_by(revisions: &[RevisionInfo], role: &str) -> Option<(String, u32)> {
    revisions.iter().find_map(|r| {
        signature_notes(&r.note)
            .find(|(signed, _)| *signed == role)
            .map(|(_, signer)| (signer.to_string(), r.revision))
    })
}

/// The (role, signer) pairs a revision note records.
pub(super) fn signature_notes(note: &str) -> impl Iterator<Item = (&str, &str)> {
    note.split("; ")
        .filter_map(|part| part.strip_prefix(SIGNATURE_NOTE_PREFIX)?.split_once(':'))
}

/// Roles that may sign now, and whether every required role has signed.
pub(super) fn progress(template: Option<&Template>, signed: &[String]) -> (Vec<String>, bool) {
    let Some(t) = template else {
        return (Vec::new(), false);
    };
    let complete = t
        .signers
        .iter()
        .filter(|s| s.required)
        .all(|s| signed.contains(&s.role));
    (next_roles(t, signed), complete)
}

/// Roles not yet signed whose predecessors have all signed.
pub fn next_roles(template: &Template, signed: &[String]) -> Vec<String> {
    template
        .signers
        .iter()
        .filter(|s| !signed.contains(&s.role) && s.after.iter().all(|dep| signed.contains(dep)))
        .map(|s| s.role.clone())
        .collect()
}

pub(super) fn status_text(
    template: Option<&Template>,
    signed: &[String],
    complete: bool,
) -> String {
    match template {
        Some(_) if complete => "firmado".into(),
        Some(t) => format!("en firma ({} de {})", signed.len(), t.signers.len()),
        None => format!(
            "{} {}",
            signed.len(),
            if signed.len() == 1 { "firma" } else { "firmas" }
        ),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Names the input file in PDF errors (which otherwise don't know it).
fn in_file(error: ActasError, input: &Path) -> ActasError {
    match error {
        ActasError::Sign(crate::sign::SignError::NotPdf { reason }) => ActasError::Other(format!(
            "{}: el archivo no es un PDF legible ({reason})",
            input.display()
        )),
        other => other,
    }
}
