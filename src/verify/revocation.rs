//! Revocation checking for the verifier: the status of one certificate of a
//! signature's chain, from the data embedded in the document first — the
//! DSS's `/OCSPs` and `/CRLs` ([`dss_sources`]), the CMS's own CRLs and
//! Adobe's revocationInfoArchival attribute ([`cms_sources`]) — and, only
//! when the caller passes a `crate::revocation::Fetcher` (the verifier
//! does not: it stays offline), from the certificate's OCSP responder or
//! CRL distribution point.
//! Each piece is checked against the issuer (`crate::revocation`).
//!
//! How it counts in the verdict (`verify/mod.rs`, docs/verification.md):
//! when the document carries revocation data, for the signer's
//! certificate and each intermediate of its chain, [`check`] then
//! [`judge`] at the signing time (the earliest trusted time-stamp,
//! `verify/timestamp.rs`; else `/M`):
//! - revoked before the signing time → NO VÁLIDO;
//! - revoked after it, or good by data issued at or after it → no effect
//!   (this is what lets LTV documents verify offline after expiry: the DSS
//!   data was fetched right after signing);
//! - no data, or only data older than the signing time → reported by
//!   [`judge`] as doubtful; the verifier does not lower a B-B signature's
//!   verdict for it (a B-B signature carries no revocation data by design).
//!
//! It does not: build chains, or decide the signing time.

use chrono::{DateTime, Utc};
use lopdf::Object;
use openssl::x509::{X509Ref, X509};

use crate::asn1::{self, OBJECT_IDENTIFIER, SEQUENCE};
use crate::revocation::{check_crl, check_ocsp, Checked, Evidence, Fetcher, Status};
use crate::verify::reader::View;

/// Adobe's id-adbe-revocationInfoArchival (a signed attribute).
const ADBE_REVOCATION: &[u64] = &[1, 2, 840, 113583, 1, 1, 8];

/// Revocation data found somewhere, DER.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub ocsps: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
}

impl Sources {
    pub fn extend(&mut self, other: Sources) {
        self.ocsps.extend(other.ocsps);
        self.crls.extend(other.crls);
    }
}

/// Where a status came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Embedded,
    Online,
}

/// The status of one certificate.
#[derive(Debug, Clone)]
pub enum RevocationCheck {
    Known {
        checked: Checked,
        origin: Origin,
    },
    /// No usable data; why, in Spanish.
    Unknown {
        reason: String,
    },
}

/// What a status means for a signature made at a given time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Valid,
    /// NO VÁLIDO, with the reason.
    Invalid(String),
    /// INDETERMINADO, with the reason.
    Indeterminate(String),
}

/// The DSS's OCSP responses and CRLs, and its certificates, as the
/// revision `view` shows them (the verifier reads the last one).
pub fn dss_sources(view: View<'_>) -> (Sources, Vec<X509>) {
    let mut sources = Sources::default();
    let mut certificates = Vec::new();
    let Some(dss) = view
        .root()
        .and_then(|root| view.dict(root.get(b"DSS").ok()))
    else {
        return (sources, certificates);
    };
    let streams = |key: &[u8]| -> Vec<Vec<u8>> {
        view.array(dss.get(key).ok())
            .unwrap_or_default()
            .iter()
            .filter_map(|item| match view.resolve(item)? {
                Object::Stream(s) => Some(
                    s.decompressed_content()
                        .unwrap_or_else(|_| s.content.clone()),
                ),
                _ => None,
            })
            .collect()
    };
    sources.ocsps = streams(b"OCSPs");
    sources.crls = streams(b"CRLs");
    certificates = streams(b"Certs")
        .iter()
        .filter_map(|der| X509::from_der(der).ok())
        .collect();
    (sources, certificates)
}

/// CRLs in the SignedData's `crls` field and the revocationInfoArchival
/// signed attribute (`{ crl [0] SEQUENCE OF CRL, ocsp [1] SEQUENCE OF
/// OCSPResponse, … }`) of a CMS signature.
pub fn cms_sources(cms: &[u8]) -> Sources {
    let mut sources = Sources::default();
    let _ = (|| -> Result<(), asn1::Asn1Error> {
        let (top, _) = asn1::parse_one(cms)?;
        let mut ci = top.expect(SEQUENCE, "ContentInfo")?.children();
        ci.read()?;
        let sd = ci.read()?.children().expect(SEQUENCE, "SignedData")?;
        let mut sd = sd.children();
        sd.read()?; // version
        sd.read()?; // digestAlgorithms
        sd.read()?; // encapContentInfo
        sd.optional(asn1::context(0))?;
        if let Some(crls) = sd.optional(asn1::context(1))? {
            for crl in crls.children() {
                let crl = crl?;
                if crl.tag == SEQUENCE {
                    sources.crls.push(crl.raw.to_vec());
                }
            }
        }
        let infos = sd.expect(asn1::SET, "signerInfos")?;
        let Some(info) = infos.children().next().transpose()? else {
            return Ok(());
        };
        let mut si = info.children();
        si.read()?;
        si.read()?;
        si.read()?;
        let Some(attrs) = si.optional(asn1::context(0))? else {
            return Ok(());
        };
        for attr in attrs.children() {
            let mut a = attr?.children();
            let kind = a.expect(OBJECT_IDENTIFIER, "attrType")?;
            if !kind.is_oid(ADBE_REVOCATION) {
                continue;
            }
            let values = a.read()?;
            for value in values.children() {
                for part in value?.children() {
                    let part = part?;
                    let list = part.children().read()?;
                    for item in list.children() {
                        let item = item?;
                        if part.tag == asn1::context(0) {
                            sources.crls.push(item.raw.to_vec());
                        } else if part.tag == asn1::context(1) {
                            sources.ocsps.push(item.raw.to_vec());
                        }
                    }
                }
            }
        }
        Ok(())
    })();
    sources
}

/// The status of `cert` (issued by `issuer`): embedded data first — a
/// revocation anywhere wins, else the latest good answer — then, with
/// `online`, the certificate's own OCSP/CRL service.
pub fn check(
    cert: &X509Ref,
    issuer: &X509Ref,
    sources: &Sources,
    online: Option<&Fetcher>,
) -> RevocationCheck {
    let mut found: Vec<Checked> = Vec::new();
    for der in &sources.ocsps {
        if let Ok(c) = check_ocsp(der, cert, issuer) {
            found.push(c);
        }
    }
    for der in &sources.crls {
        if let Ok(c) = check_crl(der, cert, issuer) {
            found.push(c);
        }
    }
    if let Some(revoked) = found
        .iter()
        .filter(|c| matches!(c.status, Status::Revoked { .. }))
        .min_by_key(|c| match c.status {
            Status::Revoked { at } => at,
            Status::Good => c.this_update,
        })
    {
        return RevocationCheck::Known {
            checked: revoked.clone(),
            origin: Origin::Embedded,
        };
    }
    if let Some(latest) = found.into_iter().max_by_key(|c| c.this_update) {
        return RevocationCheck::Known {
            checked: latest,
            origin: Origin::Embedded,
        };
    }
    match online.map(|f| f.fetch(cert, issuer)) {
        Some(Ok(Some(checked))) => RevocationCheck::Known {
            checked,
            origin: Origin::Online,
        },
        Some(Ok(None)) => RevocationCheck::Unknown {
            reason: "el certificado no publica datos de revocación (OCSP ni CRL)".into(),
        },
        Some(Err(e)) => RevocationCheck::Unknown {
            reason: e.to_string(),
        },
        None => RevocationCheck::Unknown {
            reason: "el documento no incluye datos de revocación".into(),
        },
    }
}

/// What `check`'s answer means for a signature made at `signing_time`.
pub fn judge(subject: &str, check: &RevocationCheck, signing_time: DateTime<Utc>) -> Effect {
    let day = |t: DateTime<Utc>| t.format("%d/%m/%Y %H:%M UTC").to_string();
    match check {
        RevocationCheck::Known { checked, .. } => match checked.status {
            Status::Revoked { at } if at <= signing_time => Effect::Invalid(format!(
                "el certificado {subject} fue revocado el {}, antes de la firma ({})",
                day(at),
                day(signing_time)
            )),
            Status::Revoked { .. } => Effect::Valid,
            Status::Good if checked.this_update >= signing_time => Effect::Valid,
            Status::Good => Effect::Indeterminate(format!(
                "los datos de revocación de {subject} son del {}, anteriores a la firma",
                day(checked.this_update)
            )),
        },
        RevocationCheck::Unknown { reason } => Effect::Indeterminate(format!(
            "estado de revocación de {subject} desconocido: {reason}"
        )),
    }
}

/// The evidence a known status rests on (to show or to keep).
pub fn evidence(check: &RevocationCheck) -> Option<&Evidence> {
    match check {
        RevocationCheck::Known { checked, .. } => Some(&checked.evidence),
        RevocationCheck::Unknown { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{Http, NetOptions};
    use crate::revocation::{crl_urls, ocsp_urls};
    use crate::test_services::Services;

    fn fetcher() -> Fetcher {
        Fetcher::new(Http::new(&NetOptions::default()).unwrap())
    }

    #[test]
    fn revoking_a_certificate_changes_its_ocsp_and_crl_status() {
        let services = Services::start();
        let pki = &services.pki;
        let cert = &pki.identity("revocable").cert;
        let issuer = &pki.intermediate;
        assert_eq!(ocsp_urls(cert).len(), 1);
        assert_eq!(crl_urls(cert).len(), 1);
        let http = Http::new(&NetOptions::default()).unwrap();
        let crl_url = &crl_urls(cert)[0];

        // Before: good by OCSP (what the fetcher uses) and by the CRL.
        let before = fetcher().fetch(cert, issuer).unwrap().unwrap();
        assert_eq!(before.status, Status::Good);
        assert!(matches!(before.evidence, Evidence::Ocsp(_)));
        let crl = check_crl(&http.get(crl_url).unwrap(), cert, issuer).unwrap();
        assert_eq!(crl.status, Status::Good);
        let now = Utc::now();
        let sources = Sources {
            ocsps: vec![match &before.evidence {
                Evidence::Ocsp(d) => d.clone(),
                _ => unreachable!(),
            }],
            crls: vec![],
        };
        let status = check(cert, issuer, &sources, None);
        assert_eq!(
            judge("X", &status, now - chrono::Duration::minutes(1)),
            Effect::Valid
        );

        // Revoked (as of 01/01/2026): both sources say so, with the date.
        services.revoke("revocable", "260101120000Z");
        let after = fetcher().fetch(cert, issuer).unwrap().unwrap();
        let Status::Revoked { at } = after.status else {
            panic!("OCSP still good: {:?}", after.status);
        };
        assert_eq!(at.to_rfc3339(), "2026-01-01T12:00:00+00:00");
        let crl = check_crl(&http.get(crl_url).unwrap(), cert, issuer).unwrap();
        assert_eq!(crl.status, Status::Revoked { at });

        // A signature timestamped after the revocation is not valid; one
        // timestamped before it stays valid.
        let status = check(
            cert,
            issuer,
            &Sources {
                ocsps: vec![],
                crls: vec![http.get(crl_url).unwrap()],
            },
            None,
        );
        let later = at + chrono::Duration::days(30);
        match judge("CN=Luis", &status, later) {
            Effect::Invalid(reason) => assert!(
                reason.starts_with("el certificado CN=Luis fue revocado el 01/01/2026 12:00 UTC"),
                "{reason}"
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            judge("X", &status, at - chrono::Duration::days(1)),
            Effect::Valid
        );

        // Other certificates of the same CA are still good.
        let good = fetcher()
            .fetch(&pki.identity("maria").cert, issuer)
            .unwrap()
            .unwrap();
        assert_eq!(good.status, Status::Good);
    }

    #[test]
    fn data_from_the_wrong_issuer_or_no_data_is_not_trusted() {
        let services = Services::start();
        let pki = &services.pki;
        let cert = &pki.identity("maria").cert;
        let checked = fetcher().fetch(cert, &pki.intermediate).unwrap().unwrap();
        let Evidence::Ocsp(der) = &checked.evidence else {
            panic!("expected OCSP")
        };
        // Checked against the wrong issuer: refused.
        let err = check_ocsp(der, cert, &pki.root).unwrap_err();
        assert!(!err.is_empty());
        let crl = Http::new(&NetOptions::default())
            .unwrap()
            .get(&crl_urls(cert)[0])
            .unwrap();
        assert!(check_crl(&crl, cert, &pki.root).is_err());
        // Nothing embedded and offline: unknown → INDETERMINADO.
        let status = check(cert, &pki.intermediate, &Sources::default(), None);
        assert!(matches!(
            judge("X", &status, Utc::now()),
            Effect::Indeterminate(ref r) if r.contains("no incluye datos de revocación")
        ));
        // Online: the responder answers.
        let status = check(
            cert,
            &pki.intermediate,
            &Sources::default(),
            Some(&fetcher()),
        );
        assert!(matches!(
            status,
            RevocationCheck::Known {
                origin: Origin::Online,
                ..
            }
        ));
        // Good data older than the signing time proves nothing about it.
        assert!(matches!(
            judge("X", &status, Utc::now() + chrono::Duration::days(1)),
            Effect::Indeterminate(_)
        ));
    }
}
