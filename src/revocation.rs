//! Revocation data for one certificate: where it is published (OCSP in
//! the Authority Information Access, CRLs in the CRL distribution points),
//! fetching it (`net`, with the office's timeout and proxy), and reading
//! it — an OCSP response or a CRL checked against the certificate's issuer
//! (signature, responder authorised by that issuer, the entry for this
//! certificate) into a [`Status`]. Signing uses it to collect the DSS
//! (PAdES B-LT); the verifier (`verify/revocation.rs`) reads the same
//! data back from a document (offline: it fetches nothing).
//!
//! The OCSP and CRL structures are OpenSSL's (the openssl crate). It does
//! not: build chains, decide what a revocation means for a signature (the
//! verifier does, against the signing time), or cache anything.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use openssl::asn1::Asn1GeneralizedTimeRef;
use openssl::hash::MessageDigest;
use openssl::ocsp::{
    OcspCertId, OcspCertStatus, OcspFlag, OcspRequest, OcspResponse, OcspResponseStatus,
};
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::{X509VerifyFlags, X509VerifyParam};
use openssl::x509::{CrlStatus, X509Crl, X509Ref, X509};

use crate::net::{Http, NetError};
use crate::sign::certificate::{asn1_time_to_utc, one_line_name};

/// What the revocation data says about one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Good,
    Revoked { at: DateTime<Utc> },
}

/// One piece of revocation data, as published (DER).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    Ocsp(Vec<u8>),
    Crl(Vec<u8>),
}

/// A checked piece of evidence.
#[derive(Debug, Clone)]
pub struct Checked {
    pub status: Status,
    /// When the issuer (or its responder) vouched for it: the OCSP
    /// response's thisUpdate, or the CRL's thisUpdate.
    pub this_update: DateTime<Utc>,
    pub next_update: Option<DateTime<Utc>>,
    pub evidence: Evidence,
}

#[derive(Debug, thiserror::Error)]
pub enum RevocationError {
    #[error("no se pudo obtener el estado de revocación de {subject}: {source}")]
    Net {
        subject: String,
        #[source]
        source: NetError,
    },
    #[error("la respuesta OCSP de {url} para {subject} no es válida: {reason}")]
    BadOcsp {
        url: String,
        subject: String,
        reason: String,
    },
    #[error("la CRL de {url} para {subject} no es válida: {reason}")]
    BadCrl {
        url: String,
        subject: String,
        reason: String,
    },
}

/// The OCSP responder URLs a certificate names (AIA, id-ad-ocsp).
pub fn ocsp_urls(cert: &X509Ref) -> Vec<String> {
    cert.ocsp_responders()
        .map(|stack| stack.iter().map(|s| s.to_string()).collect())
        .unwrap_or_default()
}

/// The http(s) URLs of a certificate's CRL distribution points.
pub fn crl_urls(cert: &X509Ref) -> Vec<String> {
    let Some(points) = cert.crl_distribution_points() else {
        return Vec::new();
    };
    points
        .iter()
        .filter_map(|dp| dp.distpoint().and_then(|n| n.fullname()))
        .flat_map(|names| names.iter().filter_map(|n| n.uri().map(str::to_string)))
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .collect()
}

/// Fetches OCSP and CRLs over HTTP.
#[derive(Debug, Clone)]
pub struct Fetcher {
    http: Http,
}

impl Fetcher {
    pub fn new(http: Http) -> Fetcher {
        Fetcher { http }
    }

    /// The status of `cert`: from its OCSP responder when it names one,
    /// else from its CRL distribution points. None when it publishes
    /// neither. A failure names the URL; the next source is not tried
    /// after a network failure, so a run never silently degrades.
    pub fn fetch(
        &self,
        cert: &X509Ref,
        issuer: &X509Ref,
    ) -> Result<Option<Checked>, RevocationError> {
        let subject = one_line_name(cert.subject_name());
        if let Some(url) = ocsp_urls(cert).into_iter().next() {
            let request = ocsp_request(cert, issuer).map_err(|e| RevocationError::BadOcsp {
                url: url.clone(),
                subject: subject.clone(),
                reason: e.to_string(),
            })?;
            let der = self
                .http
                .post(
                    &url,
                    "application/ocsp-request",
                    "application/ocsp-response",
                    &request,
                    None,
                )
                .map_err(|source| RevocationError::Net {
                    subject: subject.clone(),
                    source,
                })?;
            return check_ocsp(&der, cert, issuer).map(Some).map_err(|reason| {
                RevocationError::BadOcsp {
                    url,
                    subject,
                    reason,
                }
            });
        }
        if let Some(url) = crl_urls(cert).into_iter().next() {
            let der = self.http.get(&url).map_err(|source| RevocationError::Net {
                subject: subject.clone(),
                source,
            })?;
            return check_crl(&der, cert, issuer).map(Some).map_err(|reason| {
                RevocationError::BadCrl {
                    url,
                    subject,
                    reason,
                }
            });
        }
        Ok(None)
    }
}

fn cert_id(cert: &X509Ref, issuer: &X509Ref) -> Result<OcspCertId, openssl::error::ErrorStack> {
    // SHA-1 CertIDs are what every responder answers (RFC 6960 §4.1.1).
    OcspCertId::from_cert(MessageDigest::sha1(), cert, issuer)
}

/// A DER OCSPRequest for `cert` (no nonce: responses are kept as evidence).
pub fn ocsp_request(
    cert: &X509Ref,
    issuer: &X509Ref,
) -> Result<Vec<u8>, openssl::error::ErrorStack> {
    let mut request = OcspRequest::new()?;
    request.add_id(cert_id(cert, issuer)?)?;
    request.to_der()
}

/// Reads an OCSP response about `cert`: successful, signed by `issuer` or
/// by a responder `issuer` delegated (EKU OCSPSigning), with an entry for
/// `cert`. The error is one Spanish phrase.
pub fn check_ocsp(der: &[u8], cert: &X509Ref, issuer: &X509Ref) -> Result<Checked, String> {
    let response =
        OcspResponse::from_der(der).map_err(|_| "no es una respuesta OCSP".to_string())?;
    if response.status() != OcspResponseStatus::SUCCESSFUL {
        return Err(format!(
            "el servicio respondió con el estado {}",
            response.status().as_raw()
        ));
    }
    let basic = response
        .basic()
        .map_err(|_| "la respuesta no es de tipo básico".to_string())?;
    let id = cert_id(cert, issuer).map_err(|e| e.to_string())?;
    let status = basic
        .find_status(&id)
        .ok_or_else(|| "no trae el estado de este certificado".to_string())?;
    let this_update =
        generalized_to_utc(status.this_update).ok_or_else(|| "thisUpdate ilegible".to_string())?;
    let next_update = status.next_update().and_then(generalized_to_utc);
    let state = match status.status {
        OcspCertStatus::GOOD => Status::Good,
        OcspCertStatus::REVOKED => Status::Revoked {
            at: status
                .revocation_time
                .and_then(generalized_to_utc)
                .unwrap_or(this_update),
        },
        _ => return Err("el responsable OCSP no conoce el certificado (estado «unknown»)".into()),
    };
    // The signature, by the issuer or a responder it certified, checked
    // at the time the response speaks for (the responder's certificate
    // may have expired since).
    let verified = (|| -> Result<bool, openssl::error::ErrorStack> {
        let mut store = X509StoreBuilder::new()?;
        store.add_cert(issuer.to_owned())?;
        let mut param = X509VerifyParam::new()?;
        param.set_time(this_update.timestamp() as _);
        param.set_flags(X509VerifyFlags::PARTIAL_CHAIN)?;
        store.set_param(&param)?;
        let store = store.build();
        let mut certs = Stack::new()?;
        certs.push(issuer.to_owned())?;
        Ok(basic.verify(&certs, &store, OcspFlag::empty()).is_ok())
    })()
    .unwrap_or(false);
    if !verified {
        return Err(format!(
            "no la firma {} ni un responsable OCSP autorizado por él",
            one_line_name(issuer.subject_name())
        ));
    }
    Ok(Checked {
        status: state,
        this_update,
        next_update,
        evidence: Evidence::Ocsp(der.to_vec()),
    })
}

/// Reads a CRL about `cert`: issued and signed by `issuer`, its entry for
/// `cert` if any.
pub fn check_crl(der: &[u8], cert: &X509Ref, issuer: &X509Ref) -> Result<Checked, String> {
    let crl = X509Crl::from_der(der).map_err(|_| "no es una CRL".to_string())?;
    let same_issuer = crl
        .issuer_name()
        .try_cmp(issuer.subject_name())
        .is_ok_and(|o| o.is_eq());
    let key = issuer.public_key().map_err(|e| e.to_string())?;
    if !same_issuer || !crl.verify(&key).unwrap_or(false) {
        return Err(format!(
            "no la emitió ni la firmó {}",
            one_line_name(issuer.subject_name())
        ));
    }
    let this_update = asn1_time_to_utc(crl.last_update());
    let next_update = crl.next_update().map(asn1_time_to_utc);
    let status = match crl.get_by_cert(&cert.to_owned()) {
        CrlStatus::Revoked(entry) => Status::Revoked {
            at: asn1_time_to_utc(entry.revocation_date()),
        },
        CrlStatus::NotRevoked | CrlStatus::RemoveFromCrl(_) => Status::Good,
    };
    Ok(Checked {
        status,
        this_update,
        next_update,
        evidence: Evidence::Crl(der.to_vec()),
    })
}

/// `Mar 15 10:00:00 2026 GMT` (OpenSSL's print form) as a UTC instant.
fn generalized_to_utc(time: &Asn1GeneralizedTimeRef) -> Option<DateTime<Utc>> {
    let text = time.to_string();
    let naive =
        NaiveDateTime::parse_from_str(text.trim_end_matches(" GMT"), "%b %e %H:%M:%S %Y").ok()?;
    Utc.from_local_datetime(&naive).single()
}

/// The certificate in `pool` that issued `cert` (signature checked), if any.
pub fn find_issuer<'a>(cert: &X509Ref, pool: &'a [X509]) -> Option<&'a X509> {
    pool.iter().find(|candidate| {
        candidate.issued(cert) == openssl::x509::X509VerifyResult::OK
            && candidate
                .public_key()
                .is_ok_and(|key| cert.verify(&key).unwrap_or(false))
    })
}

/// Whether `cert` is self-signed (a root: it has no revocation data).
pub fn is_self_signed(cert: &X509Ref) -> bool {
    cert.issued(cert) == openssl::x509::X509VerifyResult::OK
}

/// The certificates an OCSP response carries (its responder's, usually):
/// OCSPResponse → responseBytes → BasicOCSPResponse → certs [0].
pub fn ocsp_certificates(der: &[u8]) -> Vec<Vec<u8>> {
    use crate::asn1::{self, OCTET_STRING, SEQUENCE};
    let read = || -> Result<Vec<Vec<u8>>, crate::asn1::Asn1Error> {
        let (top, _) = asn1::parse_one(der)?;
        let mut r = top.expect(SEQUENCE, "OCSPResponse")?.children();
        r.read()?; // responseStatus
        let Some(bytes) = r.optional(asn1::context(0))? else {
            return Ok(Vec::new());
        };
        let mut rb = bytes
            .children()
            .expect(SEQUENCE, "ResponseBytes")?
            .children();
        rb.read()?; // responseType
        let basic = rb.expect(OCTET_STRING, "response")?;
        let (basic, _) = asn1::parse_one(basic.value)?;
        let mut b = basic.expect(SEQUENCE, "BasicOCSPResponse")?.children();
        b.read()?; // tbsResponseData
        b.read()?; // signatureAlgorithm
        b.read()?; // signature
        let Some(certs) = b.optional(asn1::context(0))? else {
            return Ok(Vec::new());
        };
        let list = certs.children().expect(SEQUENCE, "certs")?;
        list.children().map(|c| c.map(|c| c.raw.to_vec())).collect()
    };
    read().unwrap_or_default()
}
