//! RFC 3161 time stamps as a client sees them: the request (SHA-256
//! message imprint, a random nonce, certReq so the token carries the TSA's
//! certificate), the response (PKIStatus, the token) and the token's
//! TSTInfo (policy, imprint, serial, genTime, nonce). [`TsaClient`] asks
//! a TSA over HTTP (`net`); [`TimeStamper`] is what signing needs from it.
//!
//! Written with `crate::asn1` because neither the openssl crate nor
//! openssl-sys expose the TS_* API. It checks what a client must before
//! embedding a token (status granted, imprint and nonce echoed, the
//! token's CMS signature by the certificate it names); trusting the TSA
//! (chain, EKU timeStamping at genTime) is the verifier's job
//! (`verify/timestamp.rs`).

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

use crate::asn1::{self, oid, Asn1Error, Tlv, INTEGER, OBJECT_IDENTIFIER, OCTET_STRING, SEQUENCE};
use crate::net::{BasicAuth, Http, NetError};

/// id-ct-TSTInfo (RFC 3161 §2.4.2).
pub const TST_INFO_OID: &[u64] = &[1, 2, 840, 113549, 1, 9, 16, 1, 4];

/// A time-stamp token and what it says.
#[derive(Debug, Clone)]
pub struct TimeStampToken {
    /// The token: a CMS ContentInfo (SignedData over TSTInfo), DER.
    pub der: Vec<u8>,
    pub info: TstInfo,
}

/// The fields of TSTInfo that matter here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TstInfo {
    /// The TSA's policy, dotted.
    pub policy: String,
    /// Content octets of the imprint's hash algorithm OID.
    pub hash_algorithm: Vec<u8>,
    pub message_imprint: Vec<u8>,
    /// Serial number, as hex.
    pub serial: String,
    pub gen_time: DateTime<Utc>,
    /// Nonce magnitude bytes, when present.
    pub nonce: Option<Vec<u8>>,
    /// The DER of TSTInfo (what the token's signature covers).
    pub der: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum TimestampError {
    #[error("el servicio de sellado de tiempo: {0}")]
    Net(#[from] NetError),
    #[error(
        "el servicio de sellado de tiempo {url} rechazó la solicitud (estado {status}{detail})"
    )]
    Rejected {
        url: String,
        status: i64,
        detail: String,
    },
    #[error("la respuesta del servicio de sellado de tiempo {url} no es válida: {reason}")]
    BadResponse { url: String, reason: String },
    #[error("el sello de tiempo no es válido: {reason}")]
    BadToken { reason: String },
}

/// What signing needs from a time-stamp authority.
pub trait TimeStamper: Send + Sync {
    /// A token whose message imprint is `sha256`.
    fn stamp(&self, sha256: &[u8; 32]) -> Result<TimeStampToken, TimestampError>;
    /// The TSA's URL, for messages.
    fn url(&self) -> &str;
}

/// An RFC 3161 TSA reached over HTTP.
#[derive(Debug, Clone)]
pub struct TsaClient {
    url: String,
    http: Http,
    auth: Option<BasicAuth>,
}

impl TsaClient {
    pub fn new(url: &str, http: Http, auth: Option<BasicAuth>) -> TsaClient {
        TsaClient {
            url: url.trim().to_string(),
            http,
            auth,
        }
    }
}

impl TimeStamper for TsaClient {
    fn stamp(&self, sha256: &[u8; 32]) -> Result<TimeStampToken, TimestampError> {
        let mut nonce = [0u8; 12];
        openssl::rand::rand_bytes(&mut nonce).map_err(|e| TimestampError::BadResponse {
            url: self.url.clone(),
            reason: e.to_string(),
        })?;
        nonce[0] &= 0x7F;
        nonce[0] |= 0x01;
        let request = request_der(sha256, &nonce);
        let answer = self.http.post(
            &self.url,
            "application/timestamp-query",
            "application/timestamp-reply",
            &request,
            self.auth.as_ref(),
        )?;
        parse_response(&answer, &self.url, sha256, &nonce)
    }

    fn url(&self) -> &str {
        &self.url
    }
}

/// TimeStampReq { v1, MessageImprint { sha256, digest }, nonce, certReq TRUE }.
pub fn request_der(sha256: &[u8; 32], nonce: &[u8]) -> Vec<u8> {
    let imprint = asn1::sequence(&[
        &asn1::algorithm(oid::SHA256, Some(&asn1::null())),
        &asn1::octet_string(sha256),
    ]);
    asn1::sequence(&[
        &asn1::integer(1),
        &imprint,
        &asn1::integer_unsigned(nonce),
        &[asn1::BOOLEAN, 1, 0xFF],
    ])
}

/// Reads a TimeStampResp: the status must be granted (0) or
/// grantedWithMods (1), and the token's imprint and nonce must be ours.
pub fn parse_response(
    der: &[u8],
    url: &str,
    sha256: &[u8; 32],
    nonce: &[u8],
) -> Result<TimeStampToken, TimestampError> {
    let bad = |reason: String| TimestampError::BadResponse {
        url: url.to_string(),
        reason,
    };
    let (top, _) = asn1::parse_one(der).map_err(|e| bad(e.to_string()))?;
    let mut r = top
        .expect(SEQUENCE, "TimeStampResp")
        .map_err(|e| bad(e.to_string()))?
        .children();
    let status_info = r
        .expect(SEQUENCE, "PKIStatusInfo")
        .map_err(|e| bad(e.to_string()))?;
    let mut s = status_info.children();
    let status = s
        .expect(INTEGER, "PKIStatus")
        .and_then(|t| t.small_int())
        .map_err(|e| bad(e.to_string()))?;
    if status != 0 && status != 1 {
        let text: Vec<String> = s
            .optional(SEQUENCE)
            .ok()
            .flatten()
            .map(|free| {
                free.children()
                    .filter_map(|t| t.ok())
                    .filter_map(|t| String::from_utf8(t.value.to_vec()).ok())
                    .collect()
            })
            .unwrap_or_default();
        return Err(TimestampError::Rejected {
            url: url.to_string(),
            status,
            detail: if text.is_empty() {
                String::new()
            } else {
                format!(": {}", text.join("; "))
            },
        });
    }
    let token = r
        .expect(SEQUENCE, "TimeStampToken")
        .map_err(|_| bad("no contiene el sello (TimeStampToken)".into()))?;
    let token = token.raw.to_vec();
    let info = read_token(&token).map_err(|e| bad(e.to_string()))?;
    if info.hash_algorithm != asn1::oid_content(oid::SHA256) || info.message_imprint != sha256 {
        return Err(bad(
            "el sello no corresponde a lo enviado (message imprint distinto)".into(),
        ));
    }
    if info.nonce.as_deref() != Some(trim_zeros(nonce)) {
        return Err(bad("el sello no devuelve el nonce enviado".into()));
    }
    let stamp = TimeStampToken { der: token, info };
    check_token_signature(&stamp).map_err(|e| bad(e.to_string()))?;
    Ok(stamp)
}

fn trim_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// The TSTInfo inside a token (ContentInfo → SignedData → encapContentInfo).
pub fn read_token(token: &[u8]) -> Result<TstInfo, Asn1Error> {
    let (top, _) = asn1::parse_one(token)?;
    let mut ci = top.expect(SEQUENCE, "ContentInfo")?.children();
    let kind = ci.expect(OBJECT_IDENTIFIER, "contentType")?;
    if !kind.is_oid(oid::SIGNED_DATA) {
        return Err(Asn1Error::Invalid {
            what: "ContentInfo (no es SignedData)",
            offset: kind.offset,
        });
    }
    let sd = ci
        .expect(asn1::context(0), "[0] content")?
        .children()
        .expect(SEQUENCE, "SignedData")?;
    let mut sd = sd.children();
    sd.expect(INTEGER, "version")?;
    sd.expect(asn1::SET, "digestAlgorithms")?;
    let encap = sd.expect(SEQUENCE, "encapContentInfo")?;
    let mut e = encap.children();
    let ctype = e.expect(OBJECT_IDENTIFIER, "eContentType")?;
    if !ctype.is_oid(TST_INFO_OID) {
        return Err(Asn1Error::Invalid {
            what: "eContentType (no es TSTInfo)",
            offset: ctype.offset,
        });
    }
    let wrapper = e.expect(asn1::context(0), "[0] eContent")?;
    let octets = wrapper.children().read()?.octets()?.into_owned();
    parse_tst_info(&octets)
}

/// TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber,
/// genTime, accuracy?, ordering?, nonce?, tsa [0]?, extensions [1]? }
pub fn parse_tst_info(der: &[u8]) -> Result<TstInfo, Asn1Error> {
    let (top, _) = asn1::parse_one(der)?;
    let top = top.expect(SEQUENCE, "TSTInfo")?;
    let mut r = top.children();
    r.expect(INTEGER, "version")?;
    let policy = r.expect(OBJECT_IDENTIFIER, "policy")?.oid_string()?;
    let imprint = r.expect(SEQUENCE, "messageImprint")?;
    let mut i = imprint.children();
    let algorithm = i.expect(SEQUENCE, "hashAlgorithm")?;
    let hash_algorithm = algorithm
        .children()
        .expect(OBJECT_IDENTIFIER, "algorithm")?
        .value
        .to_vec();
    let message_imprint = i.expect(OCTET_STRING, "hashedMessage")?.value.to_vec();
    let serial = r.expect(INTEGER, "serialNumber")?;
    let serial = serial
        .value
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<String>();
    let time = r.expect(0x18, "genTime")?;
    let gen_time = generalized_time(&time).ok_or(Asn1Error::Invalid {
        what: "genTime",
        offset: time.offset,
    })?;
    let mut nonce = None;
    while let Some(tag) = r.peek_tag() {
        let item = r.read()?;
        if tag == INTEGER {
            nonce = Some(item.unsigned_bytes()?.to_vec());
        }
    }
    Ok(TstInfo {
        policy,
        hash_algorithm,
        message_imprint,
        serial,
        gen_time,
        nonce,
        der: top.raw.to_vec(),
    })
}

/// GeneralizedTime `YYYYMMDDHHMMSS[.fff]Z`, as RFC 3161 requires.
pub fn generalized_time(value: &Tlv) -> Option<DateTime<Utc>> {
    let text = std::str::from_utf8(value.value).ok()?.strip_suffix('Z')?;
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    let naive = NaiveDateTime::parse_from_str(whole, "%Y%m%d%H%M%S").ok()?;
    let nanos: u32 = if fraction.is_empty() {
        0
    } else {
        let digits: String = fraction.chars().take(9).collect();
        let scale = 10u32.pow(9 - digits.len() as u32);
        digits.parse::<u32>().ok()? * scale
    };
    Utc.from_local_datetime(&naive)
        .single()?
        .checked_add_signed(chrono::Duration::nanoseconds(nanos.into()))
}

/// The token's CMS signature is valid, its message-digest covers TSTInfo,
/// and it names the certificate that signed (ESS signing-certificate).
pub fn check_token_signature(token: &TimeStampToken) -> Result<(), TimestampError> {
    let report = crate::verify::cms::verify_detached(&token.der, &token.info.der).map_err(|e| {
        TimestampError::BadToken {
            reason: e.to_string(),
        }
    })?;
    if report.signer.is_none() {
        return Err(TimestampError::BadToken {
            reason: "no incluye el certificado de la autoridad de sellado".into(),
        });
    }
    if !(report.signature_valid && report.digest_matches) {
        return Err(TimestampError::BadToken {
            reason: report
                .problems
                .first()
                .cloned()
                .unwrap_or_else(|| "la firma del sello no es válida".into()),
        });
    }
    Ok(())
}

/// What long-term validation needs from a CMS SignedData (a signature or
/// a time-stamp token): its certificates, the first SignerInfo's signature
/// value (a signature time-stamp's imprint covers it) and the signature
/// time-stamp tokens among its unsigned attributes.
#[derive(Debug, Clone, Default)]
pub struct CmsParts {
    /// DER of each certificate the SignedData carries.
    pub certificates: Vec<Vec<u8>>,
    pub signature: Vec<u8>,
    pub timestamp_tokens: Vec<Vec<u8>>,
}

/// Reads [`CmsParts`] from a DER ContentInfo (trailing zero padding, as
/// in a PDF's `/Contents`, allowed).
pub fn cms_parts(der: &[u8]) -> Result<CmsParts, Asn1Error> {
    let (top, _) = asn1::parse_one(der)?;
    let mut ci = top.expect(SEQUENCE, "ContentInfo")?.children();
    ci.expect(OBJECT_IDENTIFIER, "contentType")?;
    let sd = ci
        .expect(asn1::context(0), "[0] content")?
        .children()
        .expect(SEQUENCE, "SignedData")?;
    let mut sd = sd.children();
    sd.expect(INTEGER, "version")?;
    sd.expect(asn1::SET, "digestAlgorithms")?;
    sd.expect(SEQUENCE, "encapContentInfo")?;
    let mut parts = CmsParts::default();
    if let Some(set) = sd.optional(asn1::context(0))? {
        for cert in set.children() {
            let cert = cert?;
            if cert.tag == SEQUENCE {
                parts.certificates.push(cert.raw.to_vec());
            }
        }
    }
    sd.optional(asn1::context(1))?;
    let infos = sd.expect(asn1::SET, "signerInfos")?;
    let Some(info) = infos.children().next().transpose()? else {
        return Ok(parts);
    };
    let mut si = info.expect(SEQUENCE, "SignerInfo")?.children();
    si.expect(INTEGER, "version")?;
    si.read()?; // sid
    si.expect(SEQUENCE, "digestAlgorithm")?;
    si.optional(asn1::context(0))?;
    si.expect(SEQUENCE, "signatureAlgorithm")?;
    parts.signature = si.read()?.octets()?.into_owned();
    if let Some(unsigned) = si.optional(asn1::context(1))? {
        for attr in unsigned.children() {
            let mut a = attr?.expect(SEQUENCE, "Attribute")?.children();
            let kind = a.expect(OBJECT_IDENTIFIER, "attrType")?;
            let values = a.expect(asn1::SET, "attrValues")?;
            if kind.is_oid(oid::TIMESTAMP_TOKEN) {
                for value in values.children() {
                    parts.timestamp_tokens.push(value?.raw.to_vec());
                }
            }
        }
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_is_what_openssl_ts_reads() {
        let digest = openssl::sha::sha256(b"valor de firma");
        let der = request_der(&digest, &[0x01, 0x02, 0x03]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.tsq");
        std::fs::write(&path, &der).unwrap();
        let out = std::process::Command::new("openssl")
            .args(["ts", "-query", "-in"])
            .arg(&path)
            .arg("-text")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("Hash Algorithm: sha256"), "{text}");
        assert!(text.contains("Nonce: 0x010203"), "{text}");
        assert!(text.contains("Certificate required: yes"), "{text}");
    }

    #[test]
    fn generalized_times_with_fractions() {
        let t = asn1::tlv(0x18, b"20260315150000.25Z");
        let (tlv, _) = asn1::parse_one(&t).unwrap();
        let at = generalized_time(&tlv).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-03-15T15:00:00.250+00:00");
        let t = asn1::tlv(0x18, b"20260315150000+0100");
        let (tlv, _) = asn1::parse_one(&t).unwrap();
        assert!(generalized_time(&tlv).is_none());
    }

    #[test]
    fn rejected_and_garbage_responses_are_errors() {
        // PKIStatusInfo { rejection (2), "bad alg" }
        let free = asn1::sequence(&[&asn1::tlv(0x0C, b"bad alg")]);
        let resp = asn1::sequence(&[&asn1::sequence(&[&asn1::integer(2), &free])]);
        let err = parse_response(&resp, "http://tsa", &[0; 32], &[1]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "el servicio de sellado de tiempo http://tsa rechazó la solicitud (estado 2: bad alg)"
        );
        let err = parse_response(b"<html>", "http://tsa", &[0; 32], &[1]).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("la respuesta del servicio de sellado de tiempo http://tsa no es válida"));
    }
}
