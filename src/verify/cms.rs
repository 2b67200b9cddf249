//! Verification of the CMS inside any PDF signature (`adbe.pkcs7.detached`
//! and `ETSI.CAdES.detached`, ours or another product's): which certificate
//! signed, whether the message-digest attribute matches the signed bytes,
//! whether the signature over the signed attributes verifies (RSA PKCS#1
//! v1.5, RSA-PSS, ECDSA, Ed25519), which PAdES-relevant attributes are there,
//! and whether the signer's certificate chains to trusted roots at a given
//! time. Malformed CMS is an error; everything else is a finding in the
//! report, so a caller can show all of it.
//!
//! It does not: read PDF (the caller passes the DER from `/Contents`,
//! trailing zero padding allowed, and the ByteRange bytes), check
//! revocation (CRL/OCSP), validate timestamps, or decide a PAdES profile
//! (it reports the facts; the PDF layer judges them by `/SubFilter`).

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use openssl::hash::{hash, MessageDigest};
use openssl::pkey::{PKey, Public};
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Verifier};
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::{X509VerifyFlags, X509VerifyParam};
use openssl::x509::{X509Name, X509Ref, X509StoreContext, X509};

use crate::asn1::{self, oid, Asn1Error, Tlv, INTEGER, OBJECT_IDENTIFIER, SEQUENCE, SET};
use crate::sign::certificate::one_line_name;

/// What was found in one CMS signature.
#[derive(Debug, Clone)]
pub struct CmsReport {
    /// The certificate the SignerInfo points to, if the CMS carries it.
    pub signer: Option<X509>,
    /// Every certificate the CMS carries, in its order.
    pub certificates: Vec<X509>,
    /// "SHA-256", "SHA-1", … (the dotted OID when unknown).
    pub digest_algorithm: String,
    /// "RSA PKCS#1 v1.5", "RSA-PSS", "ECDSA", "Ed25519" (or the OID).
    pub signature_algorithm: String,
    /// The message-digest attribute equals the digest of the signed
    /// content (without signed attributes: the signature verifies over it).
    pub digest_matches: bool,
    /// The signature over the signed attributes verifies with the signer's
    /// public key.
    pub signature_valid: bool,
    pub has_signing_time: bool,
    /// The signing-time attribute's value, when present and readable.
    pub signing_time: Option<DateTime<Utc>>,
    pub has_signing_certificate_v2: bool,
    /// An ESS signing-certificate (v2, or v1) attribute names the signer's
    /// certificate (hash, and issuer/serial when given).
    pub signing_certificate_matches: bool,
    /// The content-type attribute (or, without signed attributes, the
    /// encapsulated content type) is id-data.
    pub content_type_is_data: bool,
    /// Names of the signed attributes in their order ("content-type",
    /// "message-digest", "signing-certificate-v2", "signing-time", or the
    /// dotted OID of others).
    pub signed_attributes: Vec<String>,
    /// An RFC 3161 signature timestamp is among the unsigned attributes.
    pub has_timestamp: bool,
    /// MD5 or SHA-1 in the digest or the signature algorithm: not accepted
    /// for new signatures (the verdict fails them).
    pub weak_algorithm: bool,
    /// No encapsulated content (the signed bytes are outside the CMS).
    pub detached: bool,
    /// Number of SignerInfos (only the first is verified).
    pub signer_count: usize,
    /// What is wrong or doubtful, one Spanish sentence each.
    pub problems: Vec<String>,
}

/// A CMS that cannot be read at all, or trust roots that cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CmsError {
    #[error("la firma CMS está mal formada ({part}): {source}")]
    Malformed {
        part: &'static str,
        #[source]
        source: Asn1Error,
    },
    #[error("la firma no es un CMS SignedData (tipo de contenido {oid})")]
    NotSignedData { oid: String },
    #[error("la firma CMS no contiene ningún firmante (SignerInfo)")]
    NoSigner,
    #[error("no se pueden leer las raíces de confianza {path}: {reason}")]
    TrustRoots { path: String, reason: String },
}

/// Whether a certificate chains to the trusted roots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainStatus {
    Trusted,
    /// Why not, one Spanish sentence naming the certificate.
    Untrusted {
        reason: String,
    },
    /// No roots were configured, so trust was not checked.
    NoRoots,
}

fn malformed(part: &'static str) -> impl Fn(Asn1Error) -> CmsError {
    move |source| CmsError::Malformed { part, source }
}

/// Certificates parsed once, keyed by their DER: the signatures of one PDF
/// carry the same intermediate (often the same signer) again and again, and
/// parsing a certificate is the costliest step of reading a CMS. Keep one
/// per verification, not per process (it grows with what it sees).
#[derive(Default)]
pub struct CertificateCache {
    parsed: HashMap<Vec<u8>, X509>,
}

impl CertificateCache {
    /// The certificate of `der`, parsed on first sight (a shared handle after).
    fn parse(&mut self, der: &[u8]) -> Option<X509> {
        if let Some(cert) = self.parsed.get(der) {
            return Some(cert.clone());
        }
        let cert = X509::from_der(der).ok()?;
        self.parsed.insert(der.to_vec(), cert.clone());
        Some(cert)
    }
}

/// Verifies a detached CMS SignedData over `content` (the PDF's ByteRange
/// ranges concatenated). Returns Err only when the DER cannot be parsed.
pub fn verify_detached(cms_der: &[u8], content: &[u8]) -> Result<CmsReport, CmsError> {
    verify_detached_with(cms_der, content, &mut CertificateCache::default())
}

/// [`verify_detached`], taking certificates already parsed from `cache`.
pub fn verify_detached_with(
    cms_der: &[u8],
    content: &[u8],
    cache: &mut CertificateCache,
) -> Result<CmsReport, CmsError> {
    let mut problems = Vec::new();

    // ContentInfo — possibly followed by the zero padding of /Contents.
    let (top, rest) = asn1::parse_one(cms_der).map_err(malformed("ContentInfo"))?;
    if rest.iter().any(|&b| b != 0) {
        problems.push("hay datos distintos de cero después de la estructura CMS".to_string());
    }
    let mut ci = top
        .expect(SEQUENCE, "ContentInfo")
        .map_err(malformed("ContentInfo"))?
        .children();
    let content_type = ci
        .expect(OBJECT_IDENTIFIER, "contentType")
        .map_err(malformed("ContentInfo"))?;
    if !content_type.is_oid(oid::SIGNED_DATA) {
        return Err(CmsError::NotSignedData {
            oid: content_type
                .oid_string()
                .unwrap_or_else(|_| "ilegible".into()),
        });
    }
    let explicit = ci
        .expect(asn1::context(0), "[0] content")
        .map_err(malformed("ContentInfo"))?;

    // SignedData
    let part = malformed("SignedData");
    let signed_data = explicit
        .children()
        .expect(SEQUENCE, "SignedData")
        .map_err(&part)?;
    let mut sd = signed_data.children();
    sd.expect(INTEGER, "version").map_err(&part)?;
    sd.expect(SET, "digestAlgorithms").map_err(&part)?;
    let encap = sd.expect(SEQUENCE, "encapContentInfo").map_err(&part)?;
    let mut enc = encap.children();
    let econtent_type = enc
        .expect(OBJECT_IDENTIFIER, "eContentType")
        .map_err(&part)?;
    let econtent = match enc.optional(asn1::context(0)).map_err(&part)? {
        Some(wrapper) => Some(
            wrapper
                .children()
                .read()
                .and_then(|t| t.octets())
                .map_err(&part)?
                .into_owned(),
        ),
        None => None,
    };
    let certificate_set = sd.optional(asn1::context(0)).map_err(&part)?;
    sd.optional(asn1::context(1)).map_err(&part)?; // CRLs
    let signer_infos = sd.expect(SET, "signerInfos").map_err(&part)?;

    // Certificates, with their DER as carried (the ESS hash is over it).
    let mut certs: Vec<(X509, &[u8])> = Vec::new();
    if let Some(set) = certificate_set {
        for item in set.children() {
            let item = item.map_err(malformed("certificates"))?;
            if item.tag != SEQUENCE {
                continue; // attribute or other certificate formats
            }
            match cache.parse(item.raw) {
                Some(cert) => certs.push((cert, item.raw)),
                None => problems.push(format!(
                    "un certificado del CMS no se puede leer (byte {})",
                    item.offset
                )),
            }
        }
    }

    // SignerInfo (the first; PDF signatures carry exactly one).
    let part = malformed("SignerInfo");
    let infos: Vec<Tlv> = signer_infos
        .children()
        .collect::<Result<_, _>>()
        .map_err(&part)?;
    let signer_count = infos.len();
    let info = *infos.first().ok_or(CmsError::NoSigner)?;
    if signer_count > 1 {
        problems.push(format!(
            "el CMS tiene {signer_count} firmantes; solo se verifica el primero"
        ));
    }
    let mut si = info
        .expect(SEQUENCE, "SignerInfo")
        .map_err(&part)?
        .children();
    si.expect(INTEGER, "version").map_err(&part)?;
    let sid = si.read().map_err(&part)?;
    let digest_alg = si.expect(SEQUENCE, "digestAlgorithm").map_err(&part)?;
    let signed_attrs = si.optional(asn1::context(0)).map_err(&part)?;
    let signature_alg = si.expect(SEQUENCE, "signatureAlgorithm").map_err(&part)?;
    let signature = si
        .read()
        .and_then(|t| t.octets())
        .map_err(&part)?
        .into_owned();
    let unsigned_attrs = si.optional(asn1::context(1)).map_err(&part)?;

    let signer_index = find_signer(&sid, &certs).map_err(&part)?;
    if signer_index.is_none() {
        problems.push("el CMS no incluye el certificado del firmante".to_string());
    }

    let digest_oid = first_oid(&digest_alg).map_err(&part)?;
    let digest = digest_by_oid(&digest_oid);
    let digest_algorithm = digest
        .map(|(name, _)| name.to_string())
        .unwrap_or_else(|| oid_text(&digest_oid));
    match digest {
        None => problems.push(format!(
            "algoritmo de resumen no admitido: {digest_algorithm}"
        )),
        Some(("MD5", _)) => problems.push("el algoritmo de resumen MD5 no es seguro".into()),
        Some(("SHA-1", _)) => {
            problems.push("el algoritmo de resumen SHA-1 ya no se considera seguro".into())
        }
        _ => {}
    }
    let digest_md = digest.map(|(_, md)| md);

    // What the signature is about: the bytes outside (detached), or the
    // encapsulated content (adbe.pkcs7.sha1 puts the SHA-1 of the ranges there).
    let detached = econtent.is_none();
    let (signed_content, content_covered): (&[u8], bool) = match &econtent {
        None => (content, true),
        Some(inner) => {
            let covered = inner.as_slice() == content
                || inner.as_slice() == openssl::sha::sha1(content).as_slice();
            if !covered {
                problems.push(
                    "el contenido encapsulado en el CMS no corresponde al contenido firmado"
                        .to_string(),
                );
            }
            (inner.as_slice(), covered)
        }
    };

    let mut report = CmsReport {
        signer: signer_index.map(|i| certs[i].0.clone()),
        certificates: certs.iter().map(|(c, _)| c.clone()).collect(),
        digest_algorithm,
        signature_algorithm: String::new(),
        digest_matches: false,
        signature_valid: false,
        has_signing_time: false,
        signing_time: None,
        has_signing_certificate_v2: false,
        signing_certificate_matches: false,
        content_type_is_data: false,
        signed_attributes: Vec::new(),
        has_timestamp: false,
        weak_algorithm: matches!(digest, Some(("MD5" | "SHA-1", _))) || {
            let sig_oid = first_oid(&signature_alg).unwrap_or_default();
            [oid::SHA1_WITH_RSA, oid::ECDSA_WITH_SHA1, oid::MD5_WITH_RSA]
                .iter()
                .any(|o| sig_oid == asn1::oid_content(o))
        },
        detached,
        signer_count,
        problems: Vec::new(),
    };

    if let Some(unsigned) = unsigned_attrs {
        for attr in unsigned.children() {
            let attr = attr.map_err(malformed("atributos no firmados"))?;
            let attr_type = attr
                .children()
                .expect(OBJECT_IDENTIFIER, "attrType")
                .map_err(malformed("atributos no firmados"))?;
            if attr_type.is_oid(oid::TIMESTAMP_TOKEN) {
                report.has_timestamp = true;
            }
        }
    }

    // Signed attributes.
    let data_to_verify: Vec<u8>;
    match signed_attrs {
        Some(attrs) => {
            let found = read_signed_attributes(&attrs, &mut report, &mut problems)?;
            if let Some(expected) = found.message_digest {
                if let Some(md) = digest_md {
                    let actual = hash(md, signed_content).map(|d| d.to_vec());
                    report.digest_matches = content_covered && actual.is_ok_and(|d| d == expected);
                    if !report.digest_matches && content_covered {
                        problems.push(
                            "el atributo message-digest no coincide con el contenido firmado"
                                .into(),
                        );
                    }
                }
            } else {
                problems.push("falta el atributo firmado message-digest".into());
            }
            if let Some(ct) = &found.content_type {
                if ct.as_slice() != econtent_type.value {
                    problems.push(
                        "el atributo content-type no coincide con el tipo del contenido".into(),
                    );
                }
            } else {
                problems.push("falta el atributo firmado content-type".into());
            }
            if let (Some(ess), Some(i)) = (&found.signing_certificate, signer_index) {
                report.signing_certificate_matches = ess_matches(ess, certs[i].1);
                if !report.signing_certificate_matches {
                    problems.push(
                        "el atributo signing-certificate no corresponde al certificado del firmante"
                            .into(),
                    );
                }
            }
            // The signature covers the attributes' DER with the SET OF tag
            // (RFC 5652 §5.4), stored as [0] IMPLICIT.
            let mut data = attrs.raw.to_vec();
            data[0] = SET;
            data_to_verify = data;
        }
        None => {
            report.content_type_is_data = econtent_type.is_oid(oid::DATA);
            data_to_verify = signed_content.to_vec();
        }
    }

    // The signature.
    let public_key = signer_index.and_then(|i| certs[i].0.public_key().ok());
    match check_signature(
        public_key.as_ref(),
        &signature_alg,
        digest_md,
        &data_to_verify,
        &signature,
    ) {
        Ok((name, valid)) => {
            report.signature_algorithm = name;
            report.signature_valid = valid;
        }
        Err((name, problem)) => {
            report.signature_algorithm = name;
            problems.push(problem);
        }
    }
    if !report.signature_valid && public_key.is_some() {
        problems
            .push("la firma criptográfica no es válida para el certificado del firmante".into());
    }
    if signed_attrs.is_none() {
        // Without attributes the signature itself is the integrity check.
        report.digest_matches = report.signature_valid && content_covered;
    }

    report.problems = problems;
    Ok(report)
}

/// Signed attributes the report needs beyond flags.
struct FoundAttributes {
    message_digest: Option<Vec<u8>>,
    /// Content octets of the content-type OID.
    content_type: Option<Vec<u8>>,
    signing_certificate: Option<EssCertId>,
}

/// The first ESSCertID(v2) of a signing-certificate attribute.
struct EssCertId {
    digest: MessageDigest,
    hash: Vec<u8>,
    /// IssuerSerial: the directoryName's Name DER and the serial content.
    issuer_serial: Option<(Option<Vec<u8>>, Vec<u8>)>,
}

fn read_signed_attributes(
    attrs: &Tlv,
    report: &mut CmsReport,
    problems: &mut Vec<String>,
) -> Result<FoundAttributes, CmsError> {
    let part = malformed("atributos firmados");
    let mut found = FoundAttributes {
        message_digest: None,
        content_type: None,
        signing_certificate: None,
    };
    let mut seen: Vec<String> = Vec::new();
    for attr in attrs.children() {
        let attr = attr
            .map_err(&part)?
            .expect(SEQUENCE, "Attribute")
            .map_err(&part)?;
        let mut a = attr.children();
        let attr_type = a.expect(OBJECT_IDENTIFIER, "attrType").map_err(&part)?;
        let values = a.expect(SET, "attrValues").map_err(&part)?;
        let first = values.children().next().transpose().map_err(&part)?;
        let name = attribute_name(&attr_type);
        if seen.contains(&name) {
            problems.push(format!("el atributo firmado {name} aparece más de una vez"));
        }
        seen.push(name.clone());
        report.signed_attributes.push(name);

        let Some(value) = first else {
            problems.push(format!(
                "el atributo firmado {} no tiene valor",
                attribute_name(&attr_type)
            ));
            continue;
        };
        if attr_type.is_oid(oid::CONTENT_TYPE) {
            let value = value
                .expect(OBJECT_IDENTIFIER, "content-type")
                .map_err(&part)?;
            report.content_type_is_data = value.is_oid(oid::DATA);
            found.content_type = Some(value.value.to_vec());
        } else if attr_type.is_oid(oid::MESSAGE_DIGEST) {
            found.message_digest = Some(value.octets().map_err(&part)?.into_owned());
        } else if attr_type.is_oid(oid::SIGNING_TIME) {
            report.has_signing_time = true;
            report.signing_time = parse_time(&value);
        } else if attr_type.is_oid(oid::SIGNING_CERTIFICATE_V2) {
            report.has_signing_certificate_v2 = true;
            found.signing_certificate = Some(read_ess(&value, true).map_err(&part)?);
        } else if attr_type.is_oid(oid::SIGNING_CERTIFICATE) && found.signing_certificate.is_none()
        {
            found.signing_certificate = Some(read_ess(&value, false).map_err(&part)?);
        }
    }
    Ok(found)
}

/// SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2), … }
fn read_ess(value: &Tlv, v2: bool) -> Result<EssCertId, Asn1Error> {
    let certs = value
        .expect(SEQUENCE, "SigningCertificate")?
        .children()
        .expect(SEQUENCE, "certs")?;
    let first = certs.children().expect(SEQUENCE, "ESSCertID")?;
    let mut r = first.children();
    let mut digest = if v2 {
        MessageDigest::sha256()
    } else {
        MessageDigest::sha1()
    };
    if v2 {
        if let Some(alg) = r.optional(SEQUENCE)? {
            let id = first_oid(&alg)?;
            digest = digest_by_oid(&id)
                .map(|(_, md)| md)
                .ok_or(Asn1Error::Invalid {
                    what: "hashAlgorithm de ESSCertIDv2",
                    offset: alg.offset,
                })?;
        }
    }
    let hash_value = r.expect(asn1::OCTET_STRING, "certHash")?.value.to_vec();
    let issuer_serial = match r.optional(SEQUENCE)? {
        Some(is) => {
            let mut i = is.children();
            let names = i.expect(SEQUENCE, "GeneralNames")?;
            let directory = names
                .children()
                .find_map(|n| n.ok().filter(|n| n.tag == asn1::context(4)))
                .and_then(|n| n.children().read().ok())
                .map(|name| name.raw.to_vec());
            let serial = i.expect(INTEGER, "serialNumber")?.value.to_vec();
            Some((directory, serial))
        }
        None => None,
    };
    Ok(EssCertId {
        digest,
        hash: hash_value,
        issuer_serial,
    })
}

fn ess_matches(ess: &EssCertId, signer_der: &[u8]) -> bool {
    let Ok(actual) = hash(ess.digest, signer_der) else {
        return false;
    };
    if actual.as_ref() != ess.hash.as_slice() {
        return false;
    }
    match &ess.issuer_serial {
        None => true,
        Some((issuer, serial)) => {
            let Ok(ids) = asn1::certificate_issuer_serial(signer_der) else {
                return false;
            };
            ids.serial == serial.as_slice()
                && issuer
                    .as_deref()
                    .is_none_or(|name| names_equal(name, ids.issuer))
        }
    }
}

/// Name equality: same bytes, or equal by OpenSSL's canonical comparison.
fn names_equal(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    match (X509Name::from_der(a), X509Name::from_der(b)) {
        (Ok(x), Ok(y)) => x.try_cmp(&y).is_ok_and(|o| o.is_eq()),
        _ => false,
    }
}

/// Index of the certificate the SignerIdentifier names.
fn find_signer(sid: &Tlv, certs: &[(X509, &[u8])]) -> Result<Option<usize>, Asn1Error> {
    match sid.tag {
        SEQUENCE => {
            let mut r = sid.children();
            let issuer = r.expect(SEQUENCE, "issuer")?;
            let serial = r.expect(INTEGER, "serialNumber")?;
            Ok(certs.iter().position(|(_, der)| {
                asn1::certificate_issuer_serial(der).is_ok_and(|ids| {
                    ids.serial == serial.value && names_equal(ids.issuer, issuer.raw)
                })
            }))
        }
        t if t == asn1::context_primitive(0) => Ok(certs.iter().position(|(cert, _)| {
            cert.subject_key_id()
                .is_some_and(|ski| ski.as_slice() == sid.value)
        })),
        other => Err(Asn1Error::Unexpected {
            expected: "SignerIdentifier",
            found: other,
            offset: sid.offset,
        }),
    }
}

/// Verifies `signature` over `data`; Ok((algorithm name, valid)) or
/// Err((algorithm name, problem)) when it cannot even be attempted.
fn check_signature(
    key: Option<&PKey<Public>>,
    algorithm: &Tlv,
    digest: Option<MessageDigest>,
    data: &[u8],
    signature: &[u8],
) -> Result<(String, bool), (String, String)> {
    let id = first_oid(algorithm).map_err(|e| ("?".to_string(), e.to_string()))?;
    let oid_name = oid_text(&id);
    let unsupported = || {
        (
            oid_name.clone(),
            format!("algoritmo de firma no admitido: {oid_name}"),
        )
    };
    let needs_digest = |name: &str| match digest {
        Some(md) => Ok(md),
        None => Err((
            name.to_string(),
            "no se puede verificar la firma sin un algoritmo de resumen conocido".to_string(),
        )),
    };
    enum Scheme {
        Pkcs1(MessageDigest),
        Pss(MessageDigest, MessageDigest, i32),
        Ecdsa(MessageDigest),
        Ed25519,
    }
    let is = |o: &[u64]| id == asn1::oid_content(o);
    let (name, scheme) = if is(oid::RSA_ENCRYPTION) {
        let md = needs_digest("RSA PKCS#1 v1.5")?;
        ("RSA PKCS#1 v1.5", Scheme::Pkcs1(md))
    } else if is(oid::SHA256_WITH_RSA) {
        ("RSA PKCS#1 v1.5", Scheme::Pkcs1(MessageDigest::sha256()))
    } else if is(oid::SHA384_WITH_RSA) {
        ("RSA PKCS#1 v1.5", Scheme::Pkcs1(MessageDigest::sha384()))
    } else if is(oid::SHA512_WITH_RSA) {
        ("RSA PKCS#1 v1.5", Scheme::Pkcs1(MessageDigest::sha512()))
    } else if is(oid::SHA224_WITH_RSA) {
        ("RSA PKCS#1 v1.5", Scheme::Pkcs1(MessageDigest::sha224()))
    } else if is(oid::SHA1_WITH_RSA) {
        ("RSA PKCS#1 v1.5", Scheme::Pkcs1(MessageDigest::sha1()))
    } else if is(oid::RSASSA_PSS) {
        let (md, mgf, salt) = pss_parameters(algorithm).map_err(|e| {
            (
                "RSA-PSS".to_string(),
                format!("parámetros RSA-PSS no válidos: {e}"),
            )
        })?;
        ("RSA-PSS", Scheme::Pss(md, mgf, salt))
    } else if is(oid::EC_PUBLIC_KEY) {
        let md = needs_digest("ECDSA")?;
        ("ECDSA", Scheme::Ecdsa(md))
    } else if is(oid::ECDSA_WITH_SHA256) {
        ("ECDSA", Scheme::Ecdsa(MessageDigest::sha256()))
    } else if is(oid::ECDSA_WITH_SHA384) {
        ("ECDSA", Scheme::Ecdsa(MessageDigest::sha384()))
    } else if is(oid::ECDSA_WITH_SHA512) {
        ("ECDSA", Scheme::Ecdsa(MessageDigest::sha512()))
    } else if is(oid::ECDSA_WITH_SHA224) {
        ("ECDSA", Scheme::Ecdsa(MessageDigest::sha224()))
    } else if is(oid::ECDSA_WITH_SHA1) {
        ("ECDSA", Scheme::Ecdsa(MessageDigest::sha1()))
    } else if is(oid::ED25519) {
        ("Ed25519", Scheme::Ed25519)
    } else {
        return Err(unsupported());
    };
    let Some(key) = key else {
        return Err((
            name.to_string(),
            "no se puede verificar la firma: falta la clave pública del firmante".to_string(),
        ));
    };
    let result = (|| -> Result<bool, openssl::error::ErrorStack> {
        let mut verifier = match scheme {
            Scheme::Pkcs1(md) | Scheme::Ecdsa(md) => Verifier::new(md, key)?,
            Scheme::Pss(md, mgf, salt) => {
                let mut v = Verifier::new(md, key)?;
                v.set_rsa_padding(Padding::PKCS1_PSS)?;
                v.set_rsa_mgf1_md(mgf)?;
                v.set_rsa_pss_saltlen(RsaPssSaltlen::custom(salt))?;
                v
            }
            Scheme::Ed25519 => Verifier::new_without_digest(key)?,
        };
        verifier.verify_oneshot(signature, data)
    })();
    // A key of the wrong type or a malformed signature value is simply an
    // invalid signature.
    Ok((name.to_string(), result.unwrap_or(false)))
}

/// RSASSA-PSS-params (RFC 4055): hash, MGF1 hash, salt length, with the
/// SHA-1 / MGF1-SHA-1 / 20 defaults.
fn pss_parameters(algorithm: &Tlv) -> Result<(MessageDigest, MessageDigest, i32), Asn1Error> {
    let mut md = MessageDigest::sha1();
    let mut mgf = MessageDigest::sha1();
    let mut salt = 20i32;
    let mut r = algorithm.children();
    r.expect(OBJECT_IDENTIFIER, "algorithm")?;
    let Some(params) = r.optional(SEQUENCE)? else {
        return Ok((md, mgf, salt));
    };
    let unknown = |t: &Tlv| Asn1Error::Invalid {
        what: "algoritmo de resumen de RSA-PSS",
        offset: t.offset,
    };
    for field in params.children() {
        let field = field?;
        let inner = field.children().read()?;
        match field.tag {
            t if t == asn1::context(0) => {
                let id = first_oid(&inner)?;
                md = digest_by_oid(&id).map(|(_, m)| m).ok_or(unknown(&inner))?;
            }
            t if t == asn1::context(1) => {
                let mut m = inner.children();
                m.expect(OBJECT_IDENTIFIER, "MGF")?;
                let mgf_hash = m.expect(SEQUENCE, "MGF1 hash")?;
                let id = first_oid(&mgf_hash)?;
                mgf = digest_by_oid(&id)
                    .map(|(_, m)| m)
                    .ok_or(unknown(&mgf_hash))?;
            }
            t if t == asn1::context(2) => {
                salt = i32::try_from(inner.small_int()?).map_err(|_| Asn1Error::Invalid {
                    what: "saltLength",
                    offset: inner.offset,
                })?;
            }
            _ => {}
        }
    }
    Ok((md, mgf, salt))
}

/// Content octets of the OID that opens an AlgorithmIdentifier.
fn first_oid(algorithm: &Tlv) -> Result<Vec<u8>, Asn1Error> {
    let id = algorithm
        .children()
        .expect(OBJECT_IDENTIFIER, "algorithm")?;
    Ok(id.value.to_vec())
}

/// Digest algorithm name and implementation by OID content octets. Also
/// accepts the "sha…WithRSAEncryption" OIDs some signers put there.
fn digest_by_oid(content: &[u8]) -> Option<(&'static str, MessageDigest)> {
    type Entry = (&'static [u64], &'static str, fn() -> MessageDigest);
    const TABLE: [Entry; 16] = [
        (oid::SHA256, "SHA-256", MessageDigest::sha256),
        (oid::SHA384, "SHA-384", MessageDigest::sha384),
        (oid::SHA512, "SHA-512", MessageDigest::sha512),
        (oid::SHA224, "SHA-224", MessageDigest::sha224),
        (oid::SHA1, "SHA-1", MessageDigest::sha1),
        (oid::SHA3_256, "SHA3-256", MessageDigest::sha3_256),
        (oid::SHA3_384, "SHA3-384", MessageDigest::sha3_384),
        (oid::SHA3_512, "SHA3-512", MessageDigest::sha3_512),
        (oid::MD5, "MD5", MessageDigest::md5),
        (oid::SHA256_WITH_RSA, "SHA-256", MessageDigest::sha256),
        (oid::SHA384_WITH_RSA, "SHA-384", MessageDigest::sha384),
        (oid::SHA512_WITH_RSA, "SHA-512", MessageDigest::sha512),
        (oid::SHA1_WITH_RSA, "SHA-1", MessageDigest::sha1),
        (oid::ECDSA_WITH_SHA256, "SHA-256", MessageDigest::sha256),
        (oid::ECDSA_WITH_SHA384, "SHA-384", MessageDigest::sha384),
        (oid::ECDSA_WITH_SHA512, "SHA-512", MessageDigest::sha512),
    ];
    TABLE
        .iter()
        .find(|(arcs, _, _)| asn1::oid_content(arcs) == content)
        .map(|(_, name, md)| (*name, md()))
}

fn oid_text(content: &[u8]) -> String {
    asn1::decode_oid(content).unwrap_or_else(|| "OID ilegible".into())
}

fn attribute_name(attr_type: &Tlv) -> String {
    let known: [(&[u64], &str); 6] = [
        (oid::CONTENT_TYPE, "content-type"),
        (oid::MESSAGE_DIGEST, "message-digest"),
        (oid::SIGNING_CERTIFICATE_V2, "signing-certificate-v2"),
        (oid::SIGNING_CERTIFICATE, "signing-certificate"),
        (oid::SIGNING_TIME, "signing-time"),
        (oid::TIMESTAMP_TOKEN, "signature-time-stamp"),
    ];
    known
        .iter()
        .find(|(arcs, _)| attr_type.is_oid(arcs))
        .map(|(_, name)| name.to_string())
        .unwrap_or_else(|| oid_text(attr_type.value))
}

/// UTCTime or GeneralizedTime in UTC ("Z"); None for other forms.
fn parse_time(value: &Tlv) -> Option<DateTime<Utc>> {
    let text = std::str::from_utf8(value.value).ok()?;
    let text = text.strip_suffix('Z')?;
    let naive = match value.tag {
        0x17 => {
            // UTCTime: two-digit year, 50–99 → 19xx (RFC 5280 §4.1.2.5.1).
            let yy: i32 = text.get(..2)?.parse().ok()?;
            let century = if yy >= 50 { "19" } else { "20" };
            NaiveDateTime::parse_from_str(&format!("{century}{text}"), "%Y%m%d%H%M%S").ok()?
        }
        0x18 => {
            let whole = text.split('.').next()?;
            NaiveDateTime::parse_from_str(whole, "%Y%m%d%H%M%S").ok()?
        }
        _ => return None,
    };
    Utc.from_local_datetime(&naive).single()
}

/// Builds the chain signer → `intermediates` → one of `roots`, checked at
/// `at`: every certificate in it, the signer's included, must have been
/// valid then. A root may also be an intermediate CA the user trusts.
pub fn verify_chain(
    signer: &X509,
    intermediates: &[X509],
    roots: &[X509],
    at: DateTime<Utc>,
) -> ChainStatus {
    if roots.is_empty() {
        return ChainStatus::NoRoots;
    }
    match check_chain(signer, intermediates, roots, at) {
        Ok(None) => ChainStatus::Trusted,
        Ok(Some(reason)) => ChainStatus::Untrusted { reason },
        Err(e) => ChainStatus::Untrusted {
            reason: format!("no se pudo validar la cadena de certificados ({e})"),
        },
    }
}

fn check_chain(
    signer: &X509,
    intermediates: &[X509],
    roots: &[X509],
    at: DateTime<Utc>,
) -> Result<Option<String>, openssl::error::ErrorStack> {
    let mut store = X509StoreBuilder::new()?;
    for root in roots {
        store.add_cert(root.clone())?;
    }
    let mut param = X509VerifyParam::new()?;
    param.set_time(at.timestamp() as _);
    // Trust exactly what the user configured, even an intermediate CA.
    param.set_flags(X509VerifyFlags::PARTIAL_CHAIN)?;
    store.set_param(&param)?;
    let store = store.build();
    let mut chain = Stack::new()?;
    for cert in intermediates {
        chain.push(cert.clone())?;
    }
    let mut context = X509StoreContext::new()?;
    context.init(&store, signer, &chain, |ctx| {
        if ctx.verify_cert()? {
            return Ok(None);
        }
        let subject = ctx
            .current_cert()
            .map(|c| one_line_name(c.subject_name()))
            .unwrap_or_else(|| one_line_name(signer.subject_name()));
        Ok(Some(describe_chain_error(
            ctx.error().as_raw(),
            ctx.error().error_string(),
            &subject,
            ctx.current_cert(),
        )))
    })
}

fn describe_chain_error(
    code: i32,
    openssl_text: &str,
    subject: &str,
    cert: Option<&X509Ref>,
) -> String {
    use openssl_sys as ffi;
    let issuer = cert
        .map(|c| one_line_name(c.issuer_name()))
        .unwrap_or_default();
    match code {
        ffi::X509_V_ERR_CERT_HAS_EXPIRED => {
            format!("el certificado {subject} estaba vencido en la fecha de la firma")
        }
        ffi::X509_V_ERR_CERT_NOT_YET_VALID => {
            format!("el certificado {subject} aún no era válido en la fecha de la firma")
        }
        ffi::X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT => format!(
            "el certificado {subject} es autofirmado y no está entre las raíces de confianza"
        ),
        ffi::X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN => format!(
            "la cadena termina en la raíz {subject}, que no está entre las raíces de confianza"
        ),
        ffi::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT
        | ffi::X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
        | ffi::X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE => format!(
            "no se encontró el emisor {issuer} del certificado {subject} entre los certificados de confianza"
        ),
        ffi::X509_V_ERR_CERT_SIGNATURE_FAILURE => {
            format!("la firma del emisor en el certificado {subject} no es válida")
        }
        ffi::X509_V_ERR_INVALID_CA | ffi::X509_V_ERR_KEYUSAGE_NO_CERTSIGN => {
            format!("el certificado {subject} no es una autoridad certificadora válida")
        }
        ffi::X509_V_ERR_PATH_LENGTH_EXCEEDED => {
            format!("la cadena de {subject} excede la longitud permitida")
        }
        _ => format!("la cadena de certificados de {subject} no es de confianza ({openssl_text})"),
    }
}

/// Reads trust roots from a PEM file (one or many certificates), or a DER
/// / .cer file with one certificate.
pub fn load_trust_roots(path: &Path) -> Result<Vec<X509>, CmsError> {
    let fail = |reason: String| CmsError::TrustRoots {
        path: path.display().to_string(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| fail(crate::files::describe_io(&e)))?;
    let is_pem = bytes.windows(11).any(|w| w == b"-----BEGIN ");
    let certs = if is_pem {
        X509::stack_from_pem(&bytes)
            .map_err(|_| fail("contiene un certificado PEM ilegible".into()))?
    } else {
        vec![X509::from_der(&bytes).map_err(|_| fail("no es un certificado PEM ni DER".into()))?]
    };
    if certs.is_empty() {
        return Err(fail("no contiene certificados".into()));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::certificate::{load_pkcs12, test_pki, SigningIdentity};
    use crate::sign::cms::CmsSigner;
    use std::process::Command;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(test_pki::NOW)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn identity(name: &str) -> SigningIdentity {
        let pki = test_pki::shared();
        let at = DateTime::parse_from_rfc3339(test_pki::NOW).unwrap();
        load_pkcs12(&pki.p12(name), test_pki::PASSWORD, at).unwrap()
    }

    fn our_signature(name: &str, content: &[u8]) -> Vec<u8> {
        CmsSigner::new(&identity(name))
            .unwrap()
            .sign_digest(&openssl::sha::sha256(content))
            .unwrap()
    }

    const CONTENT: &[u8] = b"%PDF-1.7\n... rangos firmados del acta 2026-001 ...";

    #[test]
    fn our_signature_is_valid_even_with_zero_padding() {
        let mut der = our_signature("maria", CONTENT);
        der.extend(vec![0u8; 4096]);
        let report = verify_detached(&der, CONTENT).unwrap();
        assert!(
            report.digest_matches && report.signature_valid,
            "{report:?}"
        );
        assert!(report.detached && report.signer_count == 1);
        assert_eq!(report.signature_algorithm, "RSA PKCS#1 v1.5");
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert!(!report.has_timestamp && report.signing_time.is_none());
    }

    #[test]
    fn tampered_content_breaks_the_digest_only() {
        let der = our_signature("maria", CONTENT);
        let mut changed = CONTENT.to_vec();
        changed[10] ^= 1;
        let report = verify_detached(&der, &changed).unwrap();
        assert!(!report.digest_matches);
        assert!(report.signature_valid);
        assert!(report
            .problems
            .contains(&"el atributo message-digest no coincide con el contenido firmado".into()));
    }

    #[test]
    fn tampered_signature_is_invalid() {
        for name in ["maria", "ecdsa"] {
            let mut der = our_signature(name, CONTENT);
            // The signature value is the last element of the structure.
            let n = der.len();
            der[n - 5] ^= 0x40;
            let report = verify_detached(&der, CONTENT).unwrap();
            assert!(report.digest_matches, "{name}");
            assert!(!report.signature_valid, "{name}");
            assert!(report.problems.iter().any(|p| p.contains("no es válida")));
        }
    }

    #[test]
    fn malformed_cms_is_an_error_naming_the_part() {
        let der = our_signature("carlos", CONTENT);
        let err = verify_detached(&der[..der.len() / 2], CONTENT).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "la firma CMS está mal formada (ContentInfo): estructura ASN.1 truncada"
            ),
            "{err}"
        );
        let err = verify_detached(b"", CONTENT).unwrap_err();
        assert!(matches!(err, CmsError::Malformed { .. }));
        let not_signed = asn1::sequence(&[&asn1::oid(oid::DATA)]);
        let err = verify_detached(&not_signed, CONTENT).unwrap_err();
        assert_eq!(
            err.to_string(),
            "la firma no es un CMS SignedData (tipo de contenido 1.2.840.113549.1.7.1)"
        );
        // Random bytes never panic.
        let mut seed = 7u32;
        for len in [1usize, 2, 5, 40, 300] {
            let junk: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (seed >> 16) as u8
                })
                .collect();
            let _ = verify_detached(&junk, CONTENT);
        }
        // Truncating at every byte never panics either.
        for cut in (0..der.len()).step_by(7) {
            let _ = verify_detached(&der[..cut], CONTENT);
        }
    }

    /// Signs CONTENT with the openssl CLI; returns the DER.
    fn openssl_cms_sign(name: &str, extra: &[&str]) -> Vec<u8> {
        let id = identity(name);
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("cert.pem");
        let key = dir.path().join("key.pem");
        let chain = dir.path().join("chain.pem");
        let data = dir.path().join("data.bin");
        let out = dir.path().join("out.der");
        std::fs::write(&cert, id.certificate.to_pem().unwrap()).unwrap();
        std::fs::write(&key, id.key.private_key_to_pem_pkcs8().unwrap()).unwrap();
        let chain_pem: Vec<u8> = id.chain.iter().flat_map(|c| c.to_pem().unwrap()).collect();
        std::fs::write(&chain, chain_pem).unwrap();
        std::fs::write(&data, CONTENT).unwrap();
        let mut cmd = Command::new("openssl");
        cmd.args([
            "cms", "-sign", "-binary", "-outform", "DER", "-md", "sha256",
        ])
        .arg("-signer")
        .arg(&cert)
        .arg("-inkey")
        .arg(&key)
        .arg("-certfile")
        .arg(&chain)
        .arg("-in")
        .arg(&data)
        .arg("-out")
        .arg(&out)
        .args(extra);
        let result = cmd.output().unwrap();
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        std::fs::read(&out).unwrap()
    }

    #[test]
    fn openssl_cli_signature_with_signing_time_is_valid() {
        let der = openssl_cms_sign("carlos", &[]);
        let report = verify_detached(&der, CONTENT).unwrap();
        assert!(
            report.digest_matches && report.signature_valid,
            "{report:?}"
        );
        assert!(report.has_signing_time);
        let when = report.signing_time.expect("signing time parsed");
        assert!((Utc::now() - when).num_minutes().abs() < 10);
        assert!(!report.has_signing_certificate_v2);
        assert!(report.content_type_is_data);
        assert!(report.detached);
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        let signer = report.signer.unwrap();
        assert_eq!(
            signer.to_der().unwrap(),
            identity("carlos").certificate.to_der().unwrap()
        );
    }

    #[test]
    fn openssl_cli_cades_signature_names_its_certificate() {
        let der = openssl_cms_sign("rosa", &["-cades"]);
        let report = verify_detached(&der, CONTENT).unwrap();
        assert!(report.signature_valid && report.digest_matches);
        assert!(report.has_signing_certificate_v2 && report.signing_certificate_matches);
    }

    #[test]
    fn rsa_pss_and_sha384_and_skid_signatures_verify() {
        let pss = openssl_cms_sign("victor", &["-keyopt", "rsa_padding_mode:pss"]);
        let report = verify_detached(&pss, CONTENT).unwrap();
        assert_eq!(report.signature_algorithm, "RSA-PSS");
        assert!(
            report.signature_valid && report.digest_matches,
            "{report:?}"
        );

        let sha384 = openssl_cms_sign("ecdsa", &["-md", "sha384", "-keyid"]);
        let report = verify_detached(&sha384, CONTENT).unwrap();
        assert_eq!(report.digest_algorithm, "SHA-384");
        assert_eq!(report.signature_algorithm, "ECDSA");
        assert!(report.signer.is_some(), "signer found by subject key id");
        assert!(
            report.signature_valid && report.digest_matches,
            "{report:?}"
        );
    }

    #[test]
    fn openssl_cli_attached_signature_is_reported_not_detached() {
        let der = openssl_cms_sign("eduardo", &["-nodetach"]);
        let report = verify_detached(&der, CONTENT).unwrap();
        assert!(!report.detached);
        assert!(report.digest_matches && report.signature_valid);
        let report = verify_detached(&der, b"otro").unwrap();
        assert!(!report.digest_matches);
    }

    #[test]
    fn chain_is_trusted_for_real_signers() {
        let pki = test_pki::shared();
        for name in ["maria", "ecdsa", "legado"] {
            let report = verify_detached(&our_signature(name, CONTENT), CONTENT).unwrap();
            let signer = report.signer.clone().unwrap();
            let status = verify_chain(
                &signer,
                &report.certificates,
                std::slice::from_ref(&pki.root),
                now(),
            );
            assert_eq!(status, ChainStatus::Trusted, "{name}");
        }
    }

    #[test]
    fn impostor_wrong_roots_and_no_roots_are_not_trusted() {
        let pki = test_pki::shared();
        let impostor = pki.identity("impostor");
        let real = identity("maria");
        assert_eq!(
            impostor.cert.subject_name().to_der().unwrap(),
            real.certificate.subject_name().to_der().unwrap()
        );
        let report = verify_detached(&our_signature("impostor", CONTENT), CONTENT).unwrap();
        assert!(report.signature_valid && report.digest_matches);
        let status = verify_chain(
            report.signer.as_ref().unwrap(),
            &report.certificates,
            std::slice::from_ref(&pki.root),
            now(),
        );
        let ChainStatus::Untrusted { reason } = status else {
            panic!("impostor trusted: {status:?}");
        };
        assert!(
            reason.contains("autofirmado") && reason.contains("María Fernanda Quispe Ñahui"),
            "{reason}"
        );

        let status = verify_chain(
            &real.certificate,
            &real.chain,
            std::slice::from_ref(&pki.other_root),
            now(),
        );
        let ChainStatus::Untrusted { reason } = status else {
            panic!("trusted with the wrong root: {status:?}");
        };
        assert!(
            reason.contains("no está entre las raíces de confianza"),
            "{reason}"
        );

        // Without the intermediate the chain cannot be built.
        let status = verify_chain(
            &real.certificate,
            &[],
            std::slice::from_ref(&pki.root),
            now(),
        );
        assert!(
            matches!(status, ChainStatus::Untrusted { ref reason } if reason.contains("no se encontró el emisor")),
            "{status:?}"
        );

        assert_eq!(
            verify_chain(&real.certificate, &real.chain, &[], now()),
            ChainStatus::NoRoots
        );
    }

    #[test]
    fn chain_is_checked_at_the_signing_time() {
        let pki = test_pki::shared();
        let expired = pki.identity("vencido");
        let chain = [pki.intermediate.clone()];
        let roots = [pki.root.clone()];
        let status = verify_chain(&expired.cert, &chain, &roots, now());
        assert!(
            matches!(status, ChainStatus::Untrusted { ref reason } if reason.contains("estaba vencido") && reason.contains("Jorge Luis")),
            "{status:?}"
        );
        let during = DateTime::parse_from_rfc3339("2024-06-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            verify_chain(&expired.cert, &chain, &roots, during),
            ChainStatus::Trusted
        );
        let future = pki.identity("futuro");
        let status = verify_chain(&future.cert, &chain, &roots, now());
        assert!(
            matches!(status, ChainStatus::Untrusted { ref reason } if reason.contains("aún no era válido")),
            "{status:?}"
        );
    }

    #[test]
    fn trust_roots_load_from_pem_der_and_fail_clearly() {
        let pki = test_pki::shared();
        let roots = load_trust_roots(&pki.root_pem()).unwrap();
        assert_eq!(roots.len(), 1);
        let dir = tempfile::tempdir().unwrap();
        let both = dir.path().join("raices.pem");
        let mut pem = pki.root.to_pem().unwrap();
        pem.extend(pki.other_root.to_pem().unwrap());
        std::fs::write(&both, pem).unwrap();
        assert_eq!(load_trust_roots(&both).unwrap().len(), 2);
        let der = dir.path().join("raiz.cer");
        std::fs::write(&der, pki.root.to_der().unwrap()).unwrap();
        assert_eq!(load_trust_roots(&der).unwrap().len(), 1);

        let junk = dir.path().join("basura.pem");
        std::fs::write(&junk, b"no es un certificado").unwrap();
        let err = load_trust_roots(&junk).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "no se pueden leer las raíces de confianza {}: no es un certificado PEM ni DER",
                junk.display()
            )
        );
        let missing = dir.path().join("no-existe.pem");
        let err = load_trust_roots(&missing).unwrap_err();
        assert!(err.to_string().contains("no existe"), "{err}");
    }
}
