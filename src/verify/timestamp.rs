//! Validation of RFC 3161 time-stamp tokens in PDF signatures: the
//! signature time-stamp of a CAdES signature (an unsigned attribute whose
//! messageImprint covers the SignerInfo's signature value, PAdES B-T) and
//! the document time-stamp (`/SubFilter /ETSI.RFC3161`, whose imprint
//! covers the ByteRange bytes, PAdES B-LTA). A token is trusted when its
//! imprint matches, its CMS signature verifies, the TSA's certificate has
//! the timeStamping extended key usage, and it chains to the trust roots
//! at genTime (or at a later, itself trusted, archive time-stamp's time).
//!
//! How it plugs into the verdict (for `verify/mod.rs`):
//! - signing time = [`earliest_trusted`] of the signature's tokens; the
//!   signer's chain is checked at that time (`verify::cms::verify_chain`
//!   with `at` = it). Without a trusted token the signing time is the
//!   claimed `/M`, and the result is INDETERMINADO when the signer's
//!   certificate is not valid now (the claim cannot be relied on).
//! - a token present but not trusted (imprint, signature, EKU) is NO
//!   VÁLIDO; a token whose TSA chain is not trusted is INDETERMINADO.
//! - LTV documents verify offline after expiry: check each document
//!   time-stamp's TSA chain at the next document time-stamp's genTime (the
//!   last one at "now"), and the signatures' chains and revocation data
//!   (`verify/revocation.rs`, from the DSS) at their signing time.
//!
//! It does not: read the PDF (the caller passes the token and the covered
//! bytes), or check revocation (`verify/revocation.rs`).

use chrono::{DateTime, Utc};
use openssl::hash::{hash, MessageDigest};
use openssl::x509::{X509ExtendedKeyUsage, X509};

use crate::asn1::{self, oid};
use crate::sign::certificate::one_line_name;
use crate::timestamp::{cms_parts, read_token};
use crate::verify::cms::{verify_chain, verify_detached, ChainStatus};

/// What was found in one time-stamp token.
#[derive(Debug, Clone)]
pub struct TimestampValidation {
    /// genTime.
    pub time: DateTime<Utc>,
    /// The TSA's certificate subject, one line ("" when absent).
    pub tsa: String,
    pub tsa_certificate: Option<X509>,
    /// The messageImprint is the hash of the covered bytes.
    pub imprint_matches: bool,
    /// The token's CMS signature verifies over TSTInfo.
    pub signature_valid: bool,
    /// The TSA's certificate has the timeStamping extended key usage.
    pub time_stamping_usage: bool,
    /// The TSA's chain against the roots, at genTime or the given time.
    pub chain: ChainStatus,
    /// One Spanish sentence per problem.
    pub problems: Vec<String>,
}

impl TimestampValidation {
    /// The token proves its time: it may set the signing time.
    pub fn trusted(&self) -> bool {
        self.intact() && self.chain == ChainStatus::Trusted
    }

    /// Imprint, signature and key usage are right (whatever the trust).
    pub fn intact(&self) -> bool {
        self.imprint_matches && self.signature_valid && self.time_stamping_usage
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TimestampCheckError {
    #[error("el sello de tiempo está mal formado: {0}")]
    Malformed(String),
}

/// Validates `token` over `covered` (a signature value, or the
/// concatenated ByteRange of a document time-stamp). `certificates`
/// completes the TSA's chain (e.g. the DSS's); `chain_at` checks the chain
/// at a later time than genTime (an archive time-stamp's).
pub fn validate_token(
    token: &[u8],
    covered: &[u8],
    roots: &[X509],
    certificates: &[X509],
    chain_at: Option<DateTime<Utc>>,
) -> Result<TimestampValidation, TimestampCheckError> {
    let info = read_token(token).map_err(|e| TimestampCheckError::Malformed(e.to_string()))?;
    let mut problems = Vec::new();

    let md = imprint_digest(&info.hash_algorithm);
    let imprint_matches = md
        .and_then(|md| hash(md, covered).ok())
        .is_some_and(|d| d.as_ref() == info.message_imprint.as_slice());
    if md.is_none() {
        problems.push("el sello de tiempo usa un algoritmo de resumen no admitido".into());
    } else if !imprint_matches {
        problems.push("el sello de tiempo no corresponde a lo firmado (messageImprint)".into());
    }

    let report = verify_detached(token, &info.der)
        .map_err(|e| TimestampCheckError::Malformed(e.to_string()))?;
    let signature_valid = report.signature_valid && report.digest_matches;
    if !signature_valid {
        problems.push("la firma de la autoridad de sellado no es válida".into());
    }
    let tsa_certificate = report.signer.clone();
    let time_stamping_usage = tsa_certificate.as_ref().is_some_and(|c| {
        c.extended_key_usage()
            .is_some_and(|eku| eku.contains(X509ExtendedKeyUsage::TIMESTAMP))
    });
    if tsa_certificate.is_none() {
        problems.push("el sello de tiempo no incluye el certificado de la autoridad".into());
    } else if !time_stamping_usage {
        problems.push(
            "el certificado de la autoridad de sellado no tiene el uso extendido timeStamping"
                .into(),
        );
    }
    let mut pool = report.certificates.clone();
    pool.extend(certificates.iter().cloned());
    let chain = match &tsa_certificate {
        Some(cert) => verify_chain(cert, &pool, roots, chain_at.unwrap_or(info.gen_time)),
        None => ChainStatus::Untrusted {
            reason: "sin certificado de la autoridad de sellado".into(),
        },
    };
    if let ChainStatus::Untrusted { reason } = &chain {
        problems.push(format!("autoridad de sellado no confiable: {reason}"));
    }
    Ok(TimestampValidation {
        time: info.gen_time,
        tsa: tsa_certificate
            .as_ref()
            .map(|c| one_line_name(c.subject_name()))
            .unwrap_or_default(),
        tsa_certificate,
        imprint_matches,
        signature_valid,
        time_stamping_usage,
        chain,
        problems,
    })
}

/// Every signature time-stamp of a CAdES signature (`/Contents` DER),
/// each validated over the signature value it must cover.
pub fn signature_timestamps(
    cms: &[u8],
    roots: &[X509],
    certificates: &[X509],
    chain_at: Option<DateTime<Utc>>,
) -> Result<Vec<TimestampValidation>, TimestampCheckError> {
    let parts = cms_parts(cms).map_err(|e| TimestampCheckError::Malformed(e.to_string()))?;
    parts
        .timestamp_tokens
        .iter()
        .map(|token| validate_token(token, &parts.signature, roots, certificates, chain_at))
        .collect()
}

/// The earliest time a trusted token proves: the signing time.
pub fn earliest_trusted(validations: &[TimestampValidation]) -> Option<DateTime<Utc>> {
    validations
        .iter()
        .filter(|v| v.trusted())
        .map(|v| v.time)
        .min()
}

fn imprint_digest(oid_content: &[u8]) -> Option<MessageDigest> {
    type Entry = (&'static [u64], fn() -> MessageDigest);
    let table: [Entry; 4] = [
        (oid::SHA256, MessageDigest::sha256),
        (oid::SHA384, MessageDigest::sha384),
        (oid::SHA512, MessageDigest::sha512),
        (oid::SHA1, MessageDigest::sha1),
    ];
    table
        .iter()
        .find(|(arcs, _)| asn1::oid_content(arcs) == oid_content)
        .map(|(_, md)| md())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{Http, NetError, NetOptions};
    use crate::test_services::Services;
    use crate::timestamp::{TimeStamper, TimestampError, TsaClient};

    fn client(url: &str) -> TsaClient {
        TsaClient::new(url, Http::new(&NetOptions::default()).unwrap(), None)
    }

    #[test]
    fn tokens_from_openssl_ts_are_trusted_and_bound_to_what_they_cover() {
        let services = Services::start();
        let roots = [services.pki.root.clone()];
        let signature_value = b"valor de la firma RSA del acta 2026-001";
        let digest = openssl::sha::sha256(signature_value);
        for url in [services.tsa_url(), services.fast_tsa_url()] {
            let token = client(&url).stamp(&digest).unwrap();
            let v = validate_token(&token.der, signature_value, &roots, &[], None).unwrap();
            assert!(v.trusted(), "{url}: {:?}", v.problems);
            assert!(
                v.tsa.contains("Actas Prueba Sellado de Tiempo"),
                "{}",
                v.tsa
            );
            assert!((Utc::now() - v.time).num_seconds().abs() < 120);

            // Another signature value: the imprint does not match.
            let v = validate_token(&token.der, b"otra firma", &roots, &[], None).unwrap();
            assert!(!v.imprint_matches && !v.trusted());
            assert!(v.problems[0].contains("messageImprint"), "{:?}", v.problems);

            // Untrusted roots: intact but not trusted.
            let other = crate::sign::certificate::test_pki::shared().root.clone();
            let v = validate_token(&token.der, signature_value, &[other], &[], None).unwrap();
            assert!(v.intact() && !v.trusted());
            assert!(matches!(v.chain, ChainStatus::Untrusted { .. }));

            // A flipped byte in the TSA's signature value.
            let mut bad = token.der.clone();
            let n = bad.len();
            bad[n - 3] ^= 0x10;
            let v = validate_token(&bad, signature_value, &roots, &[], None).unwrap();
            assert!(!v.signature_valid && !v.trusted());
        }
        assert!(validate_token(b"basura", b"x", &roots, &[], None).is_err());
    }

    #[test]
    fn a_signer_certificate_without_time_stamping_usage_is_not_a_tsa() {
        // A "token" signed by an ordinary signer: openssl ts -reply with
        // María's certificate refuses it, so build it with openssl cms
        // over a real TSTInfo and check our verdict on it.
        let services = Services::start();
        let roots = [services.pki.root.clone()];
        let token = client(&services.tsa_url())
            .stamp(&openssl::sha::sha256(b"x"))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let maria = services.pki.identity("maria");
        std::fs::write(dir.path().join("tst.der"), &token.info.der).unwrap();
        std::fs::write(dir.path().join("cert.pem"), maria.cert.to_pem().unwrap()).unwrap();
        std::fs::write(
            dir.path().join("key.pem"),
            maria.key.private_key_to_pem_pkcs8().unwrap(),
        )
        .unwrap();
        let out = std::process::Command::new("openssl")
            .current_dir(dir.path())
            .args([
                "cms",
                "-sign",
                "-binary",
                "-nodetach",
                "-outform",
                "DER",
                "-md",
                "sha256",
                "-econtent_type",
                "1.2.840.113549.1.9.16.1.4",
                "-signer",
                "cert.pem",
                "-inkey",
                "key.pem",
                "-in",
                "tst.der",
                "-out",
                "falso.der",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let fake = std::fs::read(dir.path().join("falso.der")).unwrap();
        let v = validate_token(
            &fake,
            b"x",
            &roots,
            std::slice::from_ref(&services.pki.intermediate),
            None,
        )
        .unwrap();
        assert!(v.imprint_matches && v.signature_valid, "{:?}", v.problems);
        assert!(!v.time_stamping_usage && !v.trusted());
        assert!(v.problems.iter().any(|p| p.contains("timeStamping")));
    }

    #[test]
    fn the_tsa_client_sends_basic_auth_and_names_the_url_on_failure() {
        let services = Services::start();
        let url = services.tsa_auth_url();
        let digest = openssl::sha::sha256(b"x");
        let err = client(&url).stamp(&digest).unwrap_err();
        assert!(
            matches!(
                err,
                TimestampError::Net(NetError::Status { status: 401, .. })
            ),
            "{err}"
        );
        let auth = crate::net::BasicAuth {
            user: crate::test_services::TSA_USER.into(),
            password: crate::test_services::TSA_PASSWORD.into(),
        };
        let with_auth =
            TsaClient::new(&url, Http::new(&NetOptions::default()).unwrap(), Some(auth));
        with_auth.stamp(&digest).unwrap();
        let text = format!("{with_auth:?}");
        assert!(!text.contains(crate::test_services::TSA_PASSWORD), "{text}");
        drop(services);
        let err = client(&url).stamp(&digest).unwrap_err();
        assert!(
            err.to_string().contains(&url) && err.to_string().contains("conexión rechazada"),
            "{err}"
        );
    }
}
