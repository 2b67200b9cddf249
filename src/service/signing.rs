//! Signing and verifying as the user does it: a PDF file (written to a new
//! file, atomically, the input untouched) or a stored document (saved as a
//! new revision). The certificate is loaded and checked before anything is
//! written; the password is only passed through, never stored or logged.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use super::queue::{certificate_holder, holder_matches, mismatch_message, named_signer};
use super::Service;
use crate::error::ActasError;
use crate::files;
use crate::sign::certificate::load_pkcs12;
use crate::sign::cms::CmsSigner;
use crate::sign::{sign_pdf, PreparedPdf, SignOptions};
use crate::store::{NewRevision, RevisionInfo, Store, StoreError, ACTION_DOCUMENT_REVISE};
use crate::template::Template;

/// Prefix of a revision note that records a signature: `firma:<role>:<signer>`.
pub const SIGNATURE_NOTE_PREFIX: &str = "firma:";

/// Who signs, with what, and how it is labelled.
#[derive(Clone)]
pub struct SignRequest {
    pub role: String,
    pub p12: PathBuf,
    /// Only held in memory for the call.
    pub password: String,
    pub reason: Option<String>,
    pub location: Option<String>,
    /// Signs in place of the person the document names for the role (the
    /// holder check is then recorded in the audit log instead of refusing).
    pub substitute: bool,
}

impl Drop for SignRequest {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.password);
    }
}

impl std::fmt::Debug for SignRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignRequest")
            .field("role", &self.role)
            .field("p12", &self.p12)
            .field("password", &"***")
            .finish()
    }
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
}

impl Service {
    /// Signs `pdf` for `request.role`; returns the signed bytes and the outcome.
    pub fn sign_bytes(
        &self,
        pdf: Vec<u8>,
        request: &SignRequest,
    ) -> Result<(Vec<u8>, SignOutcome), ActasError> {
        let now = self.clock.now();
        let prepared = PreparedPdf::parse(pdf)?;
        let template = match prepared.template.as_deref() {
            Some(id) => self.catalogue.get_or_load(id)?,
            None => None,
        };
        let template = template.as_deref();
        if let Some(t) = template {
            crate::sign::check_signing_order(t, &request.role, &prepared.signed_roles())?;
        }
        let identity = load_pkcs12(&request.p12, &request.password, now)
            .map_err(crate::sign::SignError::from)?;
        let signer = CmsSigner::new(&identity).map_err(crate::sign::SignError::from)?;
        let options = SignOptions {
            role: request.role.clone(),
            reason: request.reason.clone(),
            location: request.location.clone(),
            at: now,
        };
        let signed = sign_pdf(&prepared, template, &identity, &signer, &options)?;
        let mut roles = prepared.signed_roles();
        roles.push(request.role.clone());
        let (next, complete) = progress(template, &roles);
        let status = status_text(template, &roles, complete);
        Ok((
            signed,
            SignOutcome {
                role: request.role.clone(),
                signer: identity.common_name(),
                next,
                complete,
                revision: None,
                status,
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
        let bytes = files::read(input)?;
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
        let identity = load_pkcs12(&request.p12, &request.password, self.clock.now())
            .map_err(crate::sign::SignError::from)?;
        let (dni, name) = certificate_holder(&identity.certificate);
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
