//! Sealing the audit log: a checkpoint of the chain's head signed with the
//! office seal (the archivist's PKCS#12), through the same CMS signer that
//! seals bundles. `store::checkpoint` keeps and checks checkpoints; this
//! module only loads the certificate and signs.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::Service;
use crate::error::ActasError;
use crate::sign::certificate::load_pkcs12;
use crate::sign::cms::CmsSigner;
use crate::store::{Checkpoint, Store};

impl Service {
    /// Adds a checkpoint of the audit chain's head sealed with `p12`.
    pub fn seal_audit(
        &self,
        store: &mut Store,
        p12: &Path,
        password: &str,
    ) -> Result<Checkpoint, ActasError> {
        let identity =
            load_pkcs12(p12, password, self.clock.now()).map_err(crate::sign::SignError::from)?;
        let signer = CmsSigner::new(&identity).map_err(crate::sign::SignError::from)?;
        seal_with(store, &signer, self.clock.now())
    }
}

/// Adds a checkpoint sealed by `signer` (bundle export reuses its signer).
pub(super) fn seal_with(
    store: &mut Store,
    signer: &CmsSigner,
    at: chrono::DateTime<chrono::FixedOffset>,
) -> Result<Checkpoint, ActasError> {
    store.add_checkpoint(at, |content| -> Result<_, ActasError> {
        let digest: [u8; 32] = Sha256::digest(content).into();
        let signature = signer
            .sign_digest(&digest)
            .map_err(crate::sign::SignError::from)?;
        Ok((signature, signer.subject().to_string()))
    })
}
