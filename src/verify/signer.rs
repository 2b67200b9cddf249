//! What a signer's certificate allows: signing documents needs key usage
//! digitalSignature or nonRepudiation (when the extension is present), and
//! an extended key usage, when present, that does not exclude it (RFC 5280
//! §4.2.1.3 and §4.2.1.12; ETSI EN 319 412-2 for qualified signatures).
//!
//! It does not: check validity dates, revocation or the chain (`cms` and
//! the verdict do).

use openssl::x509::{X509ExtendedKeyUsage, X509KeyUsage, X509Ref};

use crate::asn1::{self, OBJECT_IDENTIFIER, SEQUENCE};

/// Extended key usages that admit signing documents besides the ones
/// openssl knows (anyExtendedKeyUsage, emailProtection, clientAuth).
const DOCUMENT_SIGNING_EKUS: &[&[u64]] = &[
    // id-kp-documentSigning (RFC 9336)
    &[1, 3, 6, 1, 5, 5, 7, 3, 36],
    // Adobe Authentic Documents Trust
    &[1, 2, 840, 113583, 1, 1, 5],
    // Microsoft Document Signing
    &[1, 3, 6, 1, 4, 1, 311, 10, 3, 12],
];
/// id-ce-extKeyUsage.
const EXT_KEY_USAGE: &[u64] = &[2, 5, 29, 37];

/// Ok when `cert` may sign documents; else one Spanish sentence saying why not.
pub fn signing_use(cert: &X509Ref) -> Result<(), String> {
    if let Some(usage) = cert.key_usage() {
        if !usage.intersects(X509KeyUsage::DIGITAL_SIGNATURE | X509KeyUsage::NON_REPUDIATION) {
            return Err(
                "el certificado no tiene el uso de clave digitalSignature ni nonRepudiation".into(),
            );
        }
    }
    if let Some(extended) = cert.extended_key_usage() {
        let known = X509ExtendedKeyUsage::ANYEKU
            | X509ExtendedKeyUsage::SMIME
            | X509ExtendedKeyUsage::SSL_CLIENT;
        if !extended.intersects(known) && !has_document_signing_eku(cert) {
            return Err(
                "el uso extendido de clave del certificado no incluye la firma de documentos"
                    .into(),
            );
        }
    }
    Ok(())
}

/// Whether the extendedKeyUsage extension lists one of `DOCUMENT_SIGNING_EKUS`.
fn has_document_signing_eku(cert: &X509Ref) -> bool {
    let Ok(der) = cert.to_der() else { return false };
    extended_key_usages(&der).is_some_and(|oids| {
        oids.iter().any(|oid| {
            DOCUMENT_SIGNING_EKUS
                .iter()
                .any(|known| *oid == asn1::oid_content(known))
        })
    })
}

/// The OID contents listed in a certificate's extendedKeyUsage extension.
fn extended_key_usages(der: &[u8]) -> Option<Vec<Vec<u8>>> {
    let (cert, _) = asn1::parse_one(der).ok()?;
    let tbs = cert.children().read().ok()?.expect(SEQUENCE, "tbs").ok()?;
    // The extensions are the [3] EXPLICIT at the end of TBSCertificate.
    let extensions = tbs
        .children()
        .filter_map(Result::ok)
        .find(|t| t.tag == asn1::context(3))?;
    let list = extensions.children().read().ok()?;
    for extension in list.children().filter_map(Result::ok) {
        let mut parts = extension.children();
        let id = parts.expect(OBJECT_IDENTIFIER, "extnID").ok()?;
        if !id.is_oid(EXT_KEY_USAGE) {
            continue;
        }
        let mut value = parts.read().ok()?;
        if value.tag == asn1::BOOLEAN {
            value = parts.read().ok()?;
        }
        let octets = value.octets().ok()?;
        let (usages, _) = asn1::parse_one(&octets).ok()?;
        return Some(
            usages
                .children()
                .filter_map(Result::ok)
                .filter(|t| t.tag == OBJECT_IDENTIFIER)
                .map(|t| t.value.to_vec())
                .collect(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::asn1::Asn1Time;
    use openssl::bn::BigNum;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    use openssl::pkey::PKey;
    use openssl::x509::extension::{ExtendedKeyUsage, KeyUsage};
    use openssl::x509::{X509Name, X509};

    fn certificate(key_usage: Option<KeyUsage>, eku: Option<ExtendedKeyUsage>) -> X509 {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let key = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
        let mut name = X509Name::builder().unwrap();
        name.append_entry_by_text("CN", "Prueba").unwrap();
        let name = name.build();
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        b.set_serial_number(&BigNum::from_u32(1).unwrap().to_asn1_integer().unwrap())
            .unwrap();
        b.set_subject_name(&name).unwrap();
        b.set_issuer_name(&name).unwrap();
        b.set_pubkey(&key).unwrap();
        b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::days_from_now(30).unwrap())
            .unwrap();
        if let Some(ku) = key_usage {
            b.append_extension(ku.build().unwrap()).unwrap();
        }
        if let Some(eku) = eku {
            b.append_extension(eku.build().unwrap()).unwrap();
        }
        b.sign(&key, MessageDigest::sha256()).unwrap();
        b.build()
    }

    #[test]
    fn usages_that_allow_signing() {
        assert!(signing_use(&certificate(None, None)).is_ok());
        let mut ku = KeyUsage::new();
        ku.non_repudiation();
        assert!(signing_use(&certificate(Some(ku), None)).is_ok());
        let mut eku = ExtendedKeyUsage::new();
        eku.email_protection().client_auth();
        assert!(signing_use(&certificate(None, Some(eku))).is_ok());
        let mut eku = ExtendedKeyUsage::new();
        eku.other("1.3.6.1.5.5.7.3.36");
        assert!(signing_use(&certificate(None, Some(eku))).is_ok());
        let mut eku = ExtendedKeyUsage::new();
        eku.critical().other("1.2.840.113583.1.1.5");
        assert!(signing_use(&certificate(None, Some(eku))).is_ok());
    }

    #[test]
    fn usages_that_exclude_signing() {
        let mut ku = KeyUsage::new();
        ku.key_encipherment();
        let err = signing_use(&certificate(Some(ku), None)).unwrap_err();
        assert!(err.contains("digitalSignature"), "{err}");
        let mut eku = ExtendedKeyUsage::new();
        eku.server_auth();
        assert!(signing_use(&certificate(None, Some(eku))).is_err());
        let mut eku = ExtendedKeyUsage::new();
        eku.critical().time_stamping();
        assert!(signing_use(&certificate(None, Some(eku))).is_err());
        let mut eku = ExtendedKeyUsage::new();
        eku.other("1.2.3.4");
        assert!(signing_use(&certificate(None, Some(eku))).is_err());
    }
}
