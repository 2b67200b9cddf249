//! The private key behind a signature, as `sign::cms` needs it: sign bytes
//! with SHA-256 (RSA PKCS#1 v1.5, or ECDSA giving a DER Ecdsa-Sig-Value)
//! and say how long a signature can be. A key loaded from a `.p12`
//! ([`SoftwareKey`]) and a key that never leaves a PKCS#11 token
//! (`sign::pkcs11::TokenKey`) are interchangeable behind [`SignatureKey`].
//!
//! It does not: load keys or check certificates (`certificate`, `pkcs11`).

use openssl::hash::MessageDigest;
use openssl::pkey::{Id, PKey, Private};
use openssl::sign::Signer;

/// Which signature algorithm a key implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Rsa,
    Ecdsa,
}

/// A signing key; implementations never expose the key material.
pub trait SignatureKey: Send + Sync {
    fn kind(&self) -> KeyKind;
    /// Upper bound of a signature's length in bytes (DER for ECDSA).
    fn max_signature_len(&self) -> usize;
    /// SHA-256 of `data`, signed. The error is one Spanish line.
    fn sign_sha256(&self, data: &[u8]) -> Result<Vec<u8>, String>;
}

/// A key held in memory (from a PKCS#12 file).
pub struct SoftwareKey {
    key: PKey<Private>,
    kind: KeyKind,
}

impl SoftwareKey {
    /// None for key types CMS signing does not support here.
    pub fn new(key: PKey<Private>) -> Option<SoftwareKey> {
        let kind = match key.id() {
            Id::RSA => KeyKind::Rsa,
            Id::EC => KeyKind::Ecdsa,
            _ => return None,
        };
        Some(SoftwareKey { key, kind })
    }
}

impl SignatureKey for SoftwareKey {
    fn kind(&self) -> KeyKind {
        self.kind
    }

    fn max_signature_len(&self) -> usize {
        self.key.size()
    }

    fn sign_sha256(&self, data: &[u8]) -> Result<Vec<u8>, String> {
        // RSA defaults to PKCS#1 v1.5 padding; ECDSA yields the DER
        // Ecdsa-Sig-Value CMS expects.
        let mut signer =
            Signer::new(MessageDigest::sha256(), &self.key).map_err(|e| e.to_string())?;
        signer.sign_oneshot_to_vec(data).map_err(|e| e.to_string())
    }
}

/// DigestInfo for SHA-256 (RFC 8017 §9.2 note 1): what a raw RSA PKCS#1
/// v1.5 mechanism signs when the hashing is done outside the token.
pub fn sha256_digest_info(digest: &[u8; 32]) -> Vec<u8> {
    const PREFIX: [u8; 19] = [
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0x04, 0x20,
    ];
    [&PREFIX[..], &digest[..]].concat()
}

/// A raw ECDSA signature `r || s` (PKCS#11 CKM_ECDSA output) as DER
/// Ecdsa-Sig-Value.
pub fn ecdsa_raw_to_der(raw: &[u8]) -> Result<Vec<u8>, String> {
    if raw.is_empty() || raw.len() % 2 != 0 {
        return Err(format!(
            "firma ECDSA de longitud inesperada ({} bytes)",
            raw.len()
        ));
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let r = openssl::bn::BigNum::from_slice(r).map_err(|e| e.to_string())?;
    let s = openssl::bn::BigNum::from_slice(s).map_err(|e| e.to_string())?;
    openssl::ecdsa::EcdsaSig::from_private_components(r, s)
        .and_then(|sig| sig.to_der())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::nid::Nid;

    #[test]
    fn digest_info_and_raw_ecdsa_round_trip_through_openssl() {
        // RSA: a raw PKCS#1 signature of the DigestInfo equals Signer's.
        let rsa = openssl::rsa::Rsa::generate(2048).unwrap();
        let key = PKey::from_rsa(rsa.clone()).unwrap();
        let data = b"atributos firmados";
        let soft = SoftwareKey::new(key).unwrap();
        let expected = soft.sign_sha256(data).unwrap();
        let info = sha256_digest_info(&openssl::sha::sha256(data));
        let mut raw = vec![0u8; rsa.size() as usize];
        let n = rsa
            .private_encrypt(&info, &mut raw, openssl::rsa::Padding::PKCS1)
            .unwrap();
        assert_eq!(&raw[..n], expected.as_slice());

        // ECDSA: r || s converted to DER verifies.
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let ec = EcKey::generate(&group).unwrap();
        let digest = openssl::sha::sha256(data);
        let sig = openssl::ecdsa::EcdsaSig::sign(&digest, &ec).unwrap();
        let mut rs = sig.r().to_vec_padded(32).unwrap();
        rs.extend(sig.s().to_vec_padded(32).unwrap());
        let der = ecdsa_raw_to_der(&rs).unwrap();
        let public = PKey::from_ec_key(ec).unwrap();
        let mut v = openssl::sign::Verifier::new(MessageDigest::sha256(), &public).unwrap();
        assert!(v.verify_oneshot(&der, data).unwrap());
        assert!(ecdsa_raw_to_der(&[1, 2, 3]).is_err());
    }
}
