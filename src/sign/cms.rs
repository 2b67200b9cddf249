//! The CMS SignedData of a PAdES baseline signature (ETSI EN 319 142-1
//! §6.3, ETSI EN 319 122-1 CAdES), built by hand with `crate::asn1`:
//! detached (no encapsulated content), one SignerInfo identified by issuer
//! and serial, the signer's certificate and its chain, and exactly three
//! signed attributes — content-type (id-data), message-digest (SHA-256) and
//! ESS signing-certificate-v2 — with no signing-time (PAdES puts the time in
//! the signature dictionary's `/M`). For B-T, one unsigned attribute: the
//! RFC 3161 signature time-stamp token over the signature value (RFC 3161
//! appendix A, id-aa-signatureTimeStampToken).
//!
//! The raw signature comes from a [`SignatureKey`] (a `.p12` key in memory,
//! or a key on a PKCS#11 token); `CmsContentInfo::sign` is not used because
//! it always adds signing-time. Everything that does not depend on the
//! document is encoded once in `CmsSigner::new`, so `sign_digest` builds a
//! few hundred bytes of attributes, signs once and concatenates.
//!
//! It does not: know about PDF (the caller hashes the ByteRange and embeds
//! the result), talk to the TSA itself (a [`TimeStamper`] does), or check
//! the certificate (see `sign::certificate`).

use std::sync::Arc;

use openssl::x509::X509;

use crate::asn1::{self, oid, INTEGER, OCTET_STRING, SEQUENCE, SET};
use crate::sign::certificate::SigningIdentity;
use crate::sign::key::{KeyKind, SignatureKey, SoftwareKey};
use crate::timestamp::{TimeStampToken, TimeStamper, TimestampError};

/// Room kept in `/Contents` for a signature time-stamp token when no probe
/// of the TSA measured one (a token with a 3-certificate chain is ~5 KB).
pub const TIMESTAMP_RESERVE: usize = 12 * 1024;

/// Why a CMS could not be built. One Spanish line, never key material.
#[derive(Debug, thiserror::Error)]
pub enum CmsError {
    #[error("el certificado de {subject} no se puede leer para la firma CMS: {reason}")]
    Certificate { subject: String, reason: String },
    #[error("la clave de {subject} es de un tipo no admitido para firmar ({kind})")]
    UnsupportedKey { subject: String, kind: String },
    #[error("no se pudo firmar con la clave de {subject}: {reason}")]
    Signing { subject: String, reason: String },
    #[error(transparent)]
    Timestamp(#[from] TimestampError),
}

/// Builds PAdES CMS signatures for one identity. Create it once per
/// identity and call `sign_digest` for every document.
pub struct CmsSigner {
    key: Arc<dyn SignatureKey>,
    kind: KeyKind,
    subject: String,
    certificate: X509,
    chain: Vec<X509>,
    /// `[0] IMPLICIT CertificateSet`: the signer's certificate, then the chain.
    certificates: Vec<u8>,
    /// `INTEGER 1, IssuerAndSerialNumber, AlgorithmIdentifier sha256`:
    /// everything of the SignerInfo before the signed attributes.
    signer_info_head: Vec<u8>,
    /// `signatureAlgorithm` of the SignerInfo.
    signature_algorithm: Vec<u8>,
    /// The signing-certificate-v2 Attribute.
    signing_certificate_v2: Vec<u8>,
    /// The content-type Attribute (id-data).
    content_type: Vec<u8>,
    /// `INTEGER 1, SET { sha256 }, SEQUENCE { id-data }`: the SignedData
    /// fields before the certificates.
    signed_data_head: Vec<u8>,
    /// `OBJECT IDENTIFIER id-signedData`.
    content_info_type: Vec<u8>,
    /// Largest signature value the key can produce.
    max_signature_len: usize,
}

impl std::fmt::Debug for CmsSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CmsSigner")
            .field("subject", &self.subject)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// A signature and, at B-T, the token stamped on it.
#[derive(Debug, Clone)]
pub struct CmsSignature {
    pub der: Vec<u8>,
    pub timestamp: Option<TimeStampToken>,
}

impl CmsSigner {
    /// For a `.p12` identity (key in memory).
    pub fn new(identity: &SigningIdentity) -> Result<CmsSigner, CmsError> {
        let subject = identity.subject();
        let key =
            SoftwareKey::new(identity.key.clone()).ok_or_else(|| CmsError::UnsupportedKey {
                subject: subject.clone(),
                kind: format!("{:?}", identity.key.id()),
            })?;
        CmsSigner::with_key(&identity.certificate, &identity.chain, Arc::new(key))
    }

    /// For any key (e.g. one on a PKCS#11 token) and its certificate and chain.
    pub fn with_key(
        certificate: &X509,
        chain: &[X509],
        key: Arc<dyn SignatureKey>,
    ) -> Result<CmsSigner, CmsError> {
        let subject = crate::sign::certificate::one_line_name(certificate.subject_name());
        let cert_error = |reason: String| CmsError::Certificate {
            subject: subject.clone(),
            reason,
        };
        let kind = key.kind();

        let signer_der = certificate
            .to_der()
            .map_err(|e| cert_error(e.to_string()))?;
        let mut cert_ders = vec![signer_der.clone()];
        for cert in chain {
            cert_ders.push(cert.to_der().map_err(|e| cert_error(e.to_string()))?);
        }
        let cert_refs: Vec<&[u8]> = cert_ders.iter().map(|c| c.as_slice()).collect();
        // CertificateSet is a SET OF: DER sorts it. Validators find the
        // signer by issuer and serial, not by position.
        let mut sorted = cert_refs.clone();
        asn1::sort_set_of(&mut sorted);
        let certificates = asn1::constructed(asn1::context(0), &sorted);

        let ids =
            asn1::certificate_issuer_serial(&signer_der).map_err(|e| cert_error(e.to_string()))?;
        let serial = asn1::tlv(INTEGER, ids.serial);
        let issuer_and_serial = asn1::sequence(&[ids.issuer, &serial]);
        let sha256 = asn1::algorithm(oid::SHA256, None);

        let signer_info_head = [asn1::integer(1), issuer_and_serial, sha256.clone()].concat();
        let signature_algorithm = match kind {
            // PKCS#1 v1.5; the hash is the SignerInfo's digestAlgorithm
            // (RFC 3370 §3.2). NULL parameters are required for RSA.
            KeyKind::Rsa => asn1::algorithm(oid::RSA_ENCRYPTION, Some(&asn1::null())),
            // RFC 5753 / RFC 5758: no parameters.
            KeyKind::Ecdsa => asn1::algorithm(oid::ECDSA_WITH_SHA256, None),
        };

        // ESS signing-certificate-v2 (RFC 5035): one ESSCertIDv2 with the
        // default hashAlgorithm (SHA-256, so omitted), the certificate's
        // hash and IssuerSerial { GeneralNames { [4] directoryName }, serial }.
        let cert_hash = openssl::sha::sha256(&signer_der);
        let general_names = asn1::sequence(&[&asn1::explicit(4, ids.issuer)]);
        let issuer_serial = asn1::sequence(&[&general_names, &serial]);
        let ess_cert_id = asn1::sequence(&[&asn1::octet_string(&cert_hash), &issuer_serial]);
        let signing_certificate = asn1::sequence(&[&asn1::sequence(&[&ess_cert_id])]);
        let signing_certificate_v2 = attribute(oid::SIGNING_CERTIFICATE_V2, &signing_certificate);
        let content_type = attribute(oid::CONTENT_TYPE, &asn1::oid(oid::DATA));

        let signed_data_head = [
            asn1::integer(1),
            asn1::set_of(&[&sha256]),
            asn1::sequence(&[&asn1::oid(oid::DATA)]),
        ]
        .concat();

        Ok(CmsSigner {
            max_signature_len: key.max_signature_len(),
            key,
            kind,
            subject,
            certificate: certificate.clone(),
            chain: chain.to_vec(),
            certificates,
            signer_info_head,
            signature_algorithm,
            signing_certificate_v2,
            content_type,
            signed_data_head,
            content_info_type: asn1::oid(oid::SIGNED_DATA),
        })
    }

    /// The DER ContentInfo of a detached SignedData over content whose
    /// SHA-256 is `sha256_of_content` (B-B).
    pub fn sign_digest(&self, sha256_of_content: &[u8; 32]) -> Result<Vec<u8>, CmsError> {
        Ok(self.sign_digest_stamped(sha256_of_content, None)?.der)
    }

    /// Like [`sign_digest`](Self::sign_digest); with `tsa`, the signature
    /// value is time-stamped and the token added as an unsigned attribute
    /// (B-T).
    pub fn sign_digest_stamped(
        &self,
        sha256_of_content: &[u8; 32],
        tsa: Option<&dyn TimeStamper>,
    ) -> Result<CmsSignature, CmsError> {
        let attrs = self.signed_attributes(sha256_of_content);
        // The signature covers the attributes' DER with the SET OF tag
        // (RFC 5652 §5.4), though they are stored as [0] IMPLICIT.
        let mut to_sign = Vec::with_capacity(asn1::encoded_len(attrs.len()));
        asn1::push_tlv(&mut to_sign, SET, &attrs);
        let signature = self.sign(&to_sign)?;
        let timestamp = match tsa {
            Some(tsa) => Some(tsa.stamp(&openssl::sha::sha256(&signature))?),
            None => None,
        };
        let unsigned = timestamp
            .as_ref()
            .map(|t| attribute(oid::TIMESTAMP_TOKEN, &t.der));
        Ok(CmsSignature {
            der: self.assemble(&attrs, &signature, unsigned.as_deref()),
            timestamp,
        })
    }

    /// An upper bound of `sign_digest`'s output length, so the PDF side can
    /// reserve `/Contents` once.
    pub fn max_len(&self) -> usize {
        let attrs = self.signed_attributes(&[0xFF; 32]);
        let signature = vec![0xFF; self.max_signature_len];
        self.assemble(&attrs, &signature, None).len()
    }

    /// The signer's subject on one line.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The signer's certificate.
    pub fn certificate(&self) -> &X509 {
        &self.certificate
    }

    /// The certificates that came with it (issuer first, where known).
    pub fn chain(&self) -> &[X509] {
        &self.chain
    }

    /// Content of the signed attributes' SET OF, DER-sorted.
    fn signed_attributes(&self, digest: &[u8; 32]) -> Vec<u8> {
        let message_digest = attribute(oid::MESSAGE_DIGEST, &asn1::octet_string(digest));
        let mut attrs: [&[u8]; 3] = [
            &self.content_type,
            &message_digest,
            &self.signing_certificate_v2,
        ];
        asn1::sort_set_of(&mut attrs);
        attrs.concat()
    }

    fn sign(&self, data: &[u8]) -> Result<Vec<u8>, CmsError> {
        self.key
            .sign_sha256(data)
            .map_err(|reason| CmsError::Signing {
                subject: self.subject.clone(),
                reason,
            })
    }

    /// ContentInfo { id-signedData, [0] SignedData { …, certificates,
    /// SET { SignerInfo } } }, written in one pass with exact lengths;
    /// `unsigned` is the content of `[1] unsignedAttrs` (one Attribute).
    fn assemble(&self, attrs: &[u8], signature: &[u8], unsigned: Option<&[u8]>) -> Vec<u8> {
        let tagged_attrs_len = asn1::encoded_len(attrs.len());
        let signature_len = asn1::encoded_len(signature.len());
        let unsigned_len = unsigned.map_or(0, |u| asn1::encoded_len(u.len()));
        let signer_info_content = self.signer_info_head.len()
            + tagged_attrs_len
            + self.signature_algorithm.len()
            + signature_len
            + unsigned_len;
        let signer_info_len = asn1::encoded_len(signer_info_content);
        let signer_infos_len = asn1::encoded_len(signer_info_len);
        let signed_data_content =
            self.signed_data_head.len() + self.certificates.len() + signer_infos_len;
        let signed_data_len = asn1::encoded_len(signed_data_content);
        let explicit_len = asn1::encoded_len(signed_data_len);
        let content_info_content = self.content_info_type.len() + explicit_len;

        let mut out = Vec::with_capacity(asn1::encoded_len(content_info_content));
        asn1::push_header(&mut out, SEQUENCE, content_info_content);
        out.extend_from_slice(&self.content_info_type);
        asn1::push_header(&mut out, asn1::context(0), signed_data_len);
        asn1::push_header(&mut out, SEQUENCE, signed_data_content);
        out.extend_from_slice(&self.signed_data_head);
        out.extend_from_slice(&self.certificates);
        asn1::push_header(&mut out, SET, signer_info_len);
        asn1::push_header(&mut out, SEQUENCE, signer_info_content);
        out.extend_from_slice(&self.signer_info_head);
        asn1::push_tlv(&mut out, asn1::context(0), attrs);
        out.extend_from_slice(&self.signature_algorithm);
        asn1::push_tlv(&mut out, OCTET_STRING, signature);
        if let Some(unsigned) = unsigned {
            asn1::push_tlv(&mut out, asn1::context(1), unsigned);
        }
        debug_assert_eq!(out.len(), out.capacity());
        out
    }
}

/// Attribute ::= SEQUENCE { attrType OID, attrValues SET OF { value } }.
fn attribute(arcs: &[u64], value: &[u8]) -> Vec<u8> {
    asn1::sequence(&[&asn1::oid(arcs), &asn1::tlv(SET, value)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::certificate::{load_pkcs12, test_pki, SigningIdentity};
    use crate::verify::cms::verify_detached;
    use chrono::DateTime;
    use std::path::Path;
    use std::process::Command;

    fn identity(name: &str) -> SigningIdentity {
        let pki = test_pki::shared();
        let at = DateTime::parse_from_rfc3339(test_pki::NOW).unwrap();
        load_pkcs12(&pki.p12(name), test_pki::PASSWORD, at).unwrap()
    }

    fn sign(identity: &SigningIdentity, content: &[u8]) -> Vec<u8> {
        let signer = CmsSigner::new(identity).unwrap();
        let der = signer.sign_digest(&openssl::sha::sha256(content)).unwrap();
        assert!(
            der.len() <= signer.max_len(),
            "{} > {}",
            der.len(),
            signer.max_len()
        );
        der
    }

    fn openssl(args: &[&str]) -> (bool, String) {
        let out = Command::new("openssl")
            .args(args)
            .output()
            .expect("openssl CLI");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    }

    fn check_with_openssl_cli(name: &str) {
        let pki = test_pki::shared();
        let dir = tempfile::tempdir().unwrap();
        let content = "Acta de instalación Nº 2026-001 — firma de prueba ñ".repeat(50);
        let der = sign(&identity(name), content.as_bytes());
        let cms = write(dir.path(), "firma.der", &der);
        let data = write(dir.path(), "contenido.bin", content.as_bytes());
        let root = pki.root_pem().to_string_lossy().into_owned();

        let (ok, text) = openssl(&[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            &cms,
            "-content",
            &data,
            "-CAfile",
            &root,
            "-out",
            "/dev/null",
        ]);
        assert!(ok && text.contains("Verification successful"), "{text}");

        let (ok, text) = openssl(&["cms", "-cmsout", "-print", "-inform", "DER", "-in", &cms]);
        assert!(ok, "{text}");
        for expected in [
            "contentType: pkcs7-signedData",
            "eContentType: pkcs7-data",
            "eContent: <ABSENT>",
        ] {
            assert!(text.contains(expected), "missing «{expected}» in:\n{text}");
        }
        // Exactly the three signed attributes, in DER order, and nothing unsigned.
        let signed = text
            .split("signedAttrs:")
            .nth(1)
            .and_then(|s| s.split("signatureAlgorithm:").next())
            .expect("signedAttrs section");
        let objects: Vec<&str> = signed
            .lines()
            .filter_map(|l| l.trim().strip_prefix("object: "))
            .collect();
        assert_eq!(
            objects,
            [
                "contentType (1.2.840.113549.1.9.3)",
                "messageDigest (1.2.840.113549.1.9.4)",
                "id-smime-aa-signingCertificateV2 (1.2.840.113549.1.9.16.2.47)"
            ],
            "{text}"
        );
        let unsigned = text.split("unsignedAttrs:").nth(1).expect("unsignedAttrs");
        assert!(unsigned.trim_start().starts_with("<ABSENT>"), "{text}");
        assert!(!text.contains("signingTime"), "{text}");

        // OpenSSL re-encodes it to the same bytes: the output is canonical DER.
        let again = dir.path().join("de-nuevo.der");
        let again_s = again.to_string_lossy().into_owned();
        let (ok, text) = openssl(&[
            "cms", "-cmsout", "-inform", "DER", "-in", &cms, "-outform", "DER", "-out", &again_s,
        ]);
        assert!(ok, "{text}");
        assert_eq!(std::fs::read(&again).unwrap(), der);

        // Tampered content fails the real verifier too.
        let other = write(dir.path(), "otro.bin", b"otro contenido");
        let (ok, _) = openssl(&[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            &cms,
            "-content",
            &other,
            "-CAfile",
            &root,
            "-out",
            "/dev/null",
        ]);
        assert!(!ok);
    }

    #[test]
    fn rsa_signature_verifies_with_openssl_cms() {
        check_with_openssl_cli("maria");
    }

    #[test]
    fn ecdsa_signature_verifies_with_openssl_cms() {
        check_with_openssl_cli("ecdsa");
    }

    #[test]
    fn legacy_p12_identity_signs() {
        check_with_openssl_cli("legado");
    }

    #[test]
    fn output_is_our_structure_and_verifies_in_process() {
        for name in ["carlos", "ecdsa"] {
            let id = identity(name);
            let content = b"%PDF-1.7 contenido firmado";
            let der = sign(&id, content);
            let report = verify_detached(&der, content).unwrap();
            assert!(
                report.digest_matches && report.signature_valid,
                "{report:?}"
            );
            assert!(report.content_type_is_data);
            assert!(report.has_signing_certificate_v2 && report.signing_certificate_matches);
            assert!(!report.has_signing_time);
            assert_eq!(report.digest_algorithm, "SHA-256");
            assert_eq!(
                report.signed_attributes,
                ["content-type", "message-digest", "signing-certificate-v2"]
            );
            assert!(report.problems.is_empty(), "{:?}", report.problems);
            let signer = report.signer.unwrap();
            assert_eq!(signer.to_der().unwrap(), id.certificate.to_der().unwrap());
            assert_eq!(report.certificates.len(), 1 + id.chain.len());
        }
    }

    #[test]
    fn signed_attributes_are_der_sorted() {
        let signer = CmsSigner::new(&identity("victor")).unwrap();
        for digest in [[0u8; 32], [0xFF; 32], [0x31; 32]] {
            let attrs = signer.signed_attributes(&digest);
            let items: Vec<&[u8]> = asn1::Reader::new(&attrs).map(|t| t.unwrap().raw).collect();
            assert_eq!(items.len(), 3);
            let mut sorted = items.clone();
            asn1::sort_set_of(&mut sorted);
            assert_eq!(items, sorted);
        }
    }

    #[test]
    fn max_len_bounds_every_output_and_is_tight() {
        for name in ["rosa", "ecdsa"] {
            let id = identity(name);
            let signer = CmsSigner::new(&id).unwrap();
            let max = signer.max_len();
            for i in 0..20u8 {
                let der = signer.sign_digest(&[i; 32]).unwrap();
                assert!(der.len() <= max);
                assert!(max - der.len() < 16, "{name}: {} vs {max}", der.len());
            }
        }
    }
}
