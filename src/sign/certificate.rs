//! The signer's certificate and key, loaded from a PKCS#12 file and checked
//! before anything is signed (DESIGN §3): wrong password, unreadable file,
//! missing or mismatched key, expired or not-yet-valid certificate, key usage
//! without digitalSignature or nonRepudiation, and unsupported key types are
//! refused with one Spanish line. Modern (AES/PBKDF2) and legacy (RC2/3DES)
//! PKCS#12 both load; OpenSSL 3's "legacy" provider is loaded only when a
//! file needs it.
//!
//! It does not: build CMS (`sign::cms`), validate the chain against trust
//! roots (`verify::cms::verify_chain`), or talk to PKCS#11 tokens
//! (`sign::pkcs11`, which checks its certificates with
//! [`check_signing_certificate`]). The password is never stored, logged or
//! put in a message.

use std::path::Path;
use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use openssl::asn1::{Asn1Time, Asn1TimeRef};
use openssl::error::ErrorStack;
use openssl::nid::Nid;
use openssl::pkcs12::{ParsedPkcs12_2, Pkcs12};
use openssl::pkey::{HasPublic, Id, PKey, PKeyRef, Private};
use openssl::x509::{X509KeyUsage, X509NameRef, X509Ref, X509};

/// Smallest RSA modulus accepted for signing (ETSI TS 119 312 recommends
/// at least 2048 bits; national CAs issue 2048).
pub const MIN_RSA_BITS: u32 = 2048;

/// A certificate and its private key, ready to sign.
pub struct SigningIdentity {
    pub key: PKey<Private>,
    pub certificate: X509,
    /// The other certificates of the PKCS#12 (the signer's excluded),
    /// ordered from the signer's issuer upwards where they form a chain.
    pub chain: Vec<X509>,
}

impl std::fmt::Debug for SigningIdentity {
    // Never print the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningIdentity")
            .field("subject", &self.subject())
            .field("serial", &self.serial_hex())
            .field("chain", &self.chain.len())
            .finish_non_exhaustive()
    }
}

impl SigningIdentity {
    /// Subject CN (e.g. "María Fernanda Quispe Ñahui"); the one-line
    /// subject if there is no CN.
    pub fn common_name(&self) -> String {
        holder_name(&self.certificate)
    }

    /// The subject on one line, most specific first (RFC 4514 order), e.g.
    /// "CN=María Quispe Ñahui, O=Senace, C=PE".
    pub fn subject(&self) -> String {
        one_line_name(self.certificate.subject_name())
    }

    /// Issuer CN; the one-line issuer if there is no CN.
    pub fn issuer_common_name(&self) -> String {
        common_name(self.certificate.issuer_name())
            .unwrap_or_else(|| one_line_name(self.certificate.issuer_name()))
    }

    /// Serial number in upper-case hex without separators.
    pub fn serial_hex(&self) -> String {
        serial_hex(&self.certificate)
    }

    pub fn not_before(&self) -> DateTime<Utc> {
        asn1_time_to_utc(self.certificate.not_before())
    }

    pub fn not_after(&self) -> DateTime<Utc> {
        asn1_time_to_utc(self.certificate.not_after())
    }
}

/// Why a PKCS#12 cannot be used to sign. Each prints as one Spanish line
/// that names the file by its name (not its folder) and the certificate by
/// its holder (the subject's CN, not the whole DN); none contains the
/// password.
#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    #[error("no se puede leer el certificado {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("contraseña incorrecta para el certificado {path}")]
    WrongPassword { path: String },
    #[error("el archivo {path} no contiene la clave privada del firmante")]
    NoPrivateKey { path: String },
    #[error("el archivo {path} no contiene el certificado del firmante")]
    NoCertificate { path: String },
    #[error("la clave privada de {path} no corresponde al certificado de {holder}")]
    KeyMismatch { path: String, holder: String },
    #[error("el certificado de {holder} venció el {not_after}")]
    Expired { holder: String, not_after: String },
    #[error("el certificado de {holder} aún no es válido: rige desde el {not_before}")]
    NotYetValid { holder: String, not_before: String },
    #[error(
        "el certificado de {holder} no permite firmar: su uso de clave no incluye firma digital ni no repudio"
    )]
    KeyUsage { holder: String },
    #[error("el certificado de {holder} tiene una clave {kind}, no admitida para firmar (se admiten RSA de 2048 bits o más y ECDSA P-256 o P-384)")]
    UnsupportedKey { holder: String, kind: String },
}

/// Loads and checks a PKCS#12 file for signing at `at`.
pub fn load_pkcs12(
    path: &Path,
    password: &str,
    at: DateTime<FixedOffset>,
) -> Result<SigningIdentity, CertificateError> {
    let origin = file_label(path);
    let bytes = crate::limits::read_file(path, crate::limits::P12_FILE_BYTES).map_err(|e| {
        CertificateError::Unreadable {
            path: origin.clone(),
            reason: match e {
                crate::error::ActasError::Read { reason, .. } => reason,
                other => other.to_string(),
            },
        }
    })?;
    load_pkcs12_bytes(&bytes, &origin, password, at)
}

/// Loads and checks PKCS#12 bytes for signing at `at`; `origin` names them
/// in messages (a path, or e.g. "el almacén").
pub fn load_pkcs12_bytes(
    bytes: &[u8],
    origin: &str,
    password: &str,
    at: DateTime<FixedOffset>,
) -> Result<SigningIdentity, CertificateError> {
    let path = || origin.to_string();
    // No PKCS#12 password can contain NUL (and the openssl crate would
    // panic on one).
    if password.contains('\0') {
        return Err(CertificateError::WrongPassword { path: path() });
    }
    let iterations = pkcs12_iterations(bytes, 0);
    if iterations > crate::limits::P12_ITERATIONS {
        return Err(CertificateError::Unreadable {
            path: path(),
            reason: format!(
                "pide {} iteraciones para derivar sus claves; el máximo admitido es {}",
                crate::limits::group_thousands(iterations),
                crate::limits::group_thousands(crate::limits::P12_ITERATIONS)
            ),
        });
    }
    let pkcs12 = Pkcs12::from_der(bytes).map_err(|_| CertificateError::Unreadable {
        path: path(),
        reason: "no es un archivo PKCS#12 (.p12/.pfx) válido".into(),
    })?;
    let parsed = parse_with_legacy_fallback(&pkcs12, password).map_err(|e| classify(e, origin))?;

    let key = parsed
        .pkey
        .ok_or_else(|| CertificateError::NoPrivateKey { path: path() })?;
    let mut others: Vec<X509> = parsed
        .ca
        .map(|stack| stack.into_iter().collect())
        .unwrap_or_default();
    let certificate = match parsed.cert {
        Some(cert) => cert,
        None => {
            // OpenSSL picks the certificate matching the key; when none
            // matches, every certificate ends up among the "CA" ones.
            match others.iter().position(|c| matches_key(c, &key)) {
                Some(i) => others.remove(i),
                None if others.is_empty() => {
                    return Err(CertificateError::NoCertificate { path: path() })
                }
                None => {
                    return Err(CertificateError::KeyMismatch {
                        path: path(),
                        holder: holder_name(&others[0]),
                    })
                }
            }
        }
    };
    let holder = holder_name(&certificate);
    if !matches_key(&certificate, &key) {
        return Err(CertificateError::KeyMismatch {
            path: path(),
            holder,
        });
    }
    check_key_kind(&key, &holder)?;
    check_validity(&certificate, &holder, at)?;
    check_key_usage(&certificate, &holder)?;

    let chain = order_chain(&certificate, others);
    Ok(SigningIdentity {
        key,
        certificate,
        chain,
    })
}

/// The largest iteration count a PKCS#12 asks for. Its MAC data, PBKDF2
/// parameters (RFC 8018 A.2) and PKCS#12 PBE parameters (RFC 7292 C) all
/// hold a salt OCTET STRING followed by the count INTEGER, so every such
/// pair counts; the encrypted and authenticated contents are OCTET STRINGs
/// holding DER, walked too (at most `MAX_NESTING` deep). OpenSSL would
/// otherwise run whatever count the file names before failing or not.
fn pkcs12_iterations(der: &[u8], nesting: usize) -> u64 {
    elements_iterations(crate::asn1::Reader::new(der), nesting)
}

/// [`pkcs12_iterations`] over a run of elements (and their content).
fn elements_iterations(elements: crate::asn1::Reader, nesting: usize) -> u64 {
    use crate::asn1::{INTEGER, OCTET_STRING};
    const MAX_NESTING: usize = 6;
    let mut highest = 0;
    let mut after_salt = false;
    for tlv in elements {
        let Ok(tlv) = tlv else { break };
        let here = match tlv.tag {
            INTEGER if after_salt => match tlv.unsigned_bytes() {
                Ok(magnitude) if magnitude.len() <= 8 => magnitude
                    .iter()
                    .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
                Ok(_) => u64::MAX,
                Err(_) => 0,
            },
            OCTET_STRING if nesting < MAX_NESTING => pkcs12_iterations(tlv.value, nesting + 1),
            _ if tlv.is_constructed() => elements_iterations(tlv.children(), nesting),
            _ => 0,
        };
        highest = highest.max(here);
        after_salt = tlv.tag == OCTET_STRING;
    }
    highest
}

/// Parses with the providers already loaded; if that fails for any reason
/// other than the MAC (the password), loads "legacy" (and "default") once
/// and tries again: RC2/3DES files fail only at decryption.
fn parse_with_legacy_fallback(
    pkcs12: &Pkcs12,
    password: &str,
) -> Result<ParsedPkcs12_2, ErrorStack> {
    match pkcs12.parse2(password) {
        Ok(parsed) => Ok(parsed),
        Err(e) if is_mac_failure(&e) => Err(e),
        Err(e) => {
            if load_legacy_provider() {
                pkcs12.parse2(password)
            } else {
                Err(e)
            }
        }
    }
}

/// Loads OpenSSL 3's "legacy" and "default" providers into the default
/// library context, once per process; whether "legacy" is available.
fn load_legacy_provider() -> bool {
    static LOADED: OnceLock<bool> = OnceLock::new();
    *LOADED.get_or_init(|| {
        use openssl::provider::Provider;
        // Loading any provider explicitly stops OpenSSL from loading
        // "default" implicitly, so keep it loaded too. The handles are
        // leaked on purpose: the providers stay for the whole process.
        let default = Provider::try_load(None, "default", true);
        let legacy = Provider::try_load(None, "legacy", true);
        let ok = legacy.is_ok();
        if let Ok(p) = default {
            std::mem::forget(p);
        }
        if let Ok(p) = legacy {
            std::mem::forget(p);
        }
        ok
    })
}

fn is_mac_failure(e: &ErrorStack) -> bool {
    e.errors().iter().any(|err| {
        err.reason()
            .is_some_and(|r| r.contains("mac verify failure"))
    })
}

fn classify(e: ErrorStack, origin: &str) -> CertificateError {
    let decrypt_failed = e.errors().iter().any(|err| {
        err.reason().is_some_and(|r| {
            r.contains("mac verify failure")
                || r.contains("bad decrypt")
                || r.contains("cipherfinal")
        })
    });
    let path = origin.to_string();
    if decrypt_failed {
        CertificateError::WrongPassword { path }
    } else if !load_legacy_provider() {
        CertificateError::Unreadable {
            path,
            reason: "usa un cifrado heredado (RC2/3DES) y el proveedor «legacy» de OpenSSL no está instalado".into(),
        }
    } else {
        let detail = e
            .errors()
            .first()
            .and_then(|err| err.reason())
            .unwrap_or("error desconocido");
        CertificateError::Unreadable {
            path,
            reason: format!("no se pudo descifrar el PKCS#12 ({detail})"),
        }
    }
}

fn matches_key(cert: &X509Ref, key: &PKeyRef<Private>) -> bool {
    cert.public_key().is_ok_and(|public| public.public_eq(key))
}

/// The checks every signing certificate passes, wherever its key lives (a
/// `.p12`, a PKCS#11 token): validity at `at`, key usage, key type.
pub fn check_signing_certificate(
    cert: &X509Ref,
    at: DateTime<FixedOffset>,
) -> Result<(), CertificateError> {
    let holder = holder_name(cert);
    let public = cert
        .public_key()
        .map_err(|_| CertificateError::UnsupportedKey {
            holder: holder.clone(),
            kind: "ilegible".into(),
        })?;
    check_key_kind(&public, &holder)?;
    check_validity(cert, &holder, at)?;
    check_key_usage(cert, &holder)
}

fn check_key_kind<T: HasPublic>(key: &PKeyRef<T>, holder: &str) -> Result<(), CertificateError> {
    let unsupported = |kind: String| CertificateError::UnsupportedKey {
        holder: holder.to_string(),
        kind,
    };
    match key.id() {
        Id::RSA => {
            if key.bits() < MIN_RSA_BITS {
                return Err(unsupported(format!("RSA de {} bits", key.bits())));
            }
            Ok(())
        }
        Id::EC => {
            let curve = key
                .ec_key()
                .ok()
                .and_then(|ec| ec.group().curve_name())
                .ok_or_else(|| unsupported("EC de curva desconocida".into()))?;
            if curve == Nid::X9_62_PRIME256V1 || curve == Nid::SECP384R1 {
                Ok(())
            } else {
                let name = curve.short_name().unwrap_or("desconocida");
                Err(unsupported(format!("EC de curva {name}")))
            }
        }
        Id::RSA_PSS => Err(unsupported("RSA-PSS".into())),
        Id::ED25519 => Err(unsupported("Ed25519".into())),
        Id::ED448 => Err(unsupported("Ed448".into())),
        Id::DSA => Err(unsupported("DSA".into())),
        other => Err(unsupported(format!("de tipo {}", other.as_raw()))),
    }
}

fn check_validity(
    cert: &X509Ref,
    holder: &str,
    at: DateTime<FixedOffset>,
) -> Result<(), CertificateError> {
    let not_before = asn1_time_to_utc(cert.not_before());
    let not_after = asn1_time_to_utc(cert.not_after());
    let day = |t: DateTime<Utc>| t.with_timezone(at.offset()).format("%d/%m/%Y").to_string();
    if at < not_before {
        return Err(CertificateError::NotYetValid {
            holder: holder.to_string(),
            not_before: day(not_before),
        });
    }
    if at > not_after {
        return Err(CertificateError::Expired {
            holder: holder.to_string(),
            not_after: day(not_after),
        });
    }
    Ok(())
}

fn check_key_usage(cert: &X509Ref, holder: &str) -> Result<(), CertificateError> {
    // An absent keyUsage extension means "unrestricted" (RFC 5280 §4.2.1.3).
    match cert.key_usage() {
        None => Ok(()),
        Some(usage)
            if usage
                .intersects(X509KeyUsage::DIGITAL_SIGNATURE | X509KeyUsage::NON_REPUDIATION) =>
        {
            Ok(())
        }
        Some(_) => Err(CertificateError::KeyUsage {
            holder: holder.to_string(),
        }),
    }
}

/// Orders the PKCS#12's other certificates from the signer's issuer
/// upwards; certificates outside that path keep their order at the end.
fn order_chain(signer: &X509Ref, mut rest: Vec<X509>) -> Vec<X509> {
    let mut ordered = Vec::with_capacity(rest.len());
    let mut current: X509 = signer.to_owned();
    loop {
        if is_self_signed(&current) {
            break;
        }
        let Some(i) = rest
            .iter()
            .position(|c| c.issued(&current) == openssl::x509::X509VerifyResult::OK)
        else {
            break;
        };
        let issuer = rest.remove(i);
        current = issuer.clone();
        ordered.push(issuer);
    }
    ordered.extend(rest);
    ordered
}

fn is_self_signed(cert: &X509Ref) -> bool {
    cert.issued(cert) == openssl::x509::X509VerifyResult::OK
}

/// The first CN of a name, as UTF-8.
/// The certificate's holder as people read it: the subject's CN (the
/// whole one-line subject only when there is no CN).
pub fn holder_name(cert: &X509Ref) -> String {
    common_name(cert.subject_name()).unwrap_or_else(|| one_line_name(cert.subject_name()))
}

/// A certificate file as messages name it: its file name, not the folders
/// it sits in.
pub fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

pub fn common_name(name: &X509NameRef) -> Option<String> {
    name.entries_by_nid(Nid::COMMONNAME)
        .next()
        .and_then(|e| e.data().to_string().ok())
}

/// A name on one line, most specific first (RFC 4514 order and escaping),
/// with UTF-8 values: "CN=María Quispe Ñahui, O=Senace, C=PE".
pub fn one_line_name(name: &X509NameRef) -> String {
    let mut parts: Vec<String> = name
        .entries()
        .map(|entry| {
            let nid = entry.object().nid();
            let key = match nid.short_name() {
                Ok(short) if nid != Nid::UNDEF => short.to_string(),
                _ => entry.object().to_string(),
            };
            let value = entry.data().to_string().unwrap_or_else(|_| "?".into());
            format!("{key}={}", escape_rdn_value(&value))
        })
        .collect();
    parts.reverse();
    parts.join(", ")
}

fn escape_rdn_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, ch) in value.chars().enumerate() {
        let edge = (i == 0 && (ch == ' ' || ch == '#')) || (i == last && ch == ' ');
        if edge || matches!(ch, ',' | '+' | '"' | '\\' | '<' | '>' | ';') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// A certificate's serial in upper-case hex without separators.
pub fn serial_hex(cert: &X509Ref) -> String {
    cert.serial_number()
        .to_bn()
        .and_then(|bn| bn.to_hex_str().map(|s| s.to_string()))
        .map(|s| s.to_uppercase())
        .unwrap_or_default()
}

/// An ASN.1 time as a UTC instant (via its distance from the Unix epoch).
pub fn asn1_time_to_utc(time: &Asn1TimeRef) -> DateTime<Utc> {
    let epoch = Asn1Time::from_unix(0).ok();
    let diff = epoch.as_ref().and_then(|e| e.diff(time).ok());
    let seconds = diff
        .map(|d| d.days as i64 * 86_400 + d.secs as i64)
        .unwrap_or(0);
    Utc.timestamp_opt(seconds, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

#[cfg(test)]
#[path = "../../tests/common/pki.rs"]
pub(crate) mod test_pki;

#[cfg(test)]
mod tests {
    use super::test_pki::{self, PASSWORD};
    use super::*;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    fn now() -> DateTime<FixedOffset> {
        at(test_pki::NOW)
    }

    fn load(name: &str) -> Result<SigningIdentity, CertificateError> {
        let pki = test_pki::shared();
        load_pkcs12(&pki.p12(name), PASSWORD, now())
    }

    /// A PKCS#12 whose MAC asks for two billion PBKDF iterations would keep
    /// OpenSSL busy for minutes: refused by reading its DER first. Its
    /// encrypted contents' counts are found too.
    #[test]
    fn a_pkcs12_asking_for_billions_of_iterations_is_refused_first() {
        use crate::asn1;
        let pki = test_pki::shared();
        for name in ["maria", "legado"] {
            let bytes = std::fs::read(pki.p12(name)).unwrap();
            // Honest files ask for their usual counts (2,048 in OpenSSL 3).
            let honest = pkcs12_iterations(&bytes, 0);
            assert!((1..=600_000).contains(&honest), "{name}: {honest}");
            // PFX ::= SEQUENCE { version, authSafe, macData { mac, macSalt, iterations } }
            let (pfx, _) = asn1::parse_one(&bytes).unwrap();
            let parts: Vec<_> = pfx.children().map(Result::unwrap).collect();
            let mac: Vec<_> = parts[2].children().map(Result::unwrap).collect();
            let mac_data = asn1::sequence(&[mac[0].raw, mac[1].raw, &asn1::integer(2_000_000_000)]);
            let hostile = asn1::sequence(&[parts[0].raw, parts[1].raw, &mac_data]);
            let started = std::time::Instant::now();
            let err = load_pkcs12_bytes(&hostile, "costosa.p12", PASSWORD, now()).unwrap_err();
            assert!(started.elapsed() < std::time::Duration::from_secs(5));
            let text = err.to_string();
            assert!(text.contains("costosa.p12"), "{text}");
            assert!(
                text.contains("pide 2 000 000 000 iteraciones para derivar sus claves; el máximo admitido es 10 000 000"),
                "{text}"
            );
        }
    }

    #[test]
    fn loads_a_modern_p12_with_its_chain() {
        let id = load("maria").unwrap();
        assert_eq!(id.common_name(), "María Fernanda Quispe Ñahui");
        assert_eq!(
            id.subject(),
            "CN=María Fernanda Quispe Ñahui, title=Coordinadora de Arquitectura y Construcción, O=Actas Pruebas, C=PE"
        );
        assert_eq!(id.issuer_common_name(), "Actas Prueba Intermedia");
        assert_eq!(id.chain.len(), 2);
        assert_eq!(
            common_name(id.chain[0].subject_name()).as_deref(),
            Some("Actas Prueba Intermedia")
        );
        assert_eq!(
            common_name(id.chain[1].subject_name()).as_deref(),
            Some("Actas Prueba Raíz")
        );
        let serial = id.serial_hex();
        assert!(!serial.is_empty());
        assert!(serial
            .chars()
            .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c)));
        assert!(id.not_before() < now() && now() < id.not_after());
        assert_eq!(
            id.not_after().format("%Y-%m-%d").to_string(),
            test_pki::VALID_UNTIL_DAY
        );
        // The key never shows in Debug.
        let debug = format!("{id:?}");
        assert!(debug.contains("María") && !debug.contains("PRIVATE"));
    }

    #[test]
    fn loads_a_legacy_rc2_3des_p12() {
        let id = load("legado").unwrap();
        assert_eq!(id.common_name(), "Julio César Huamán Rivas");
        assert!(!id.chain.is_empty());
    }

    #[test]
    fn loads_an_ecdsa_p256_p12() {
        let id = load("ecdsa").unwrap();
        assert_eq!(id.key.id(), Id::EC);
    }

    #[test]
    fn wrong_password_is_named_without_the_password() {
        let pki = test_pki::shared();
        for name in ["maria", "legado"] {
            let path = pki.p12(name);
            let err = load_pkcs12(&path, "clave-equivocada", now()).unwrap_err();
            assert!(
                matches!(err, CertificateError::WrongPassword { .. }),
                "{err:?}"
            );
            let msg = err.to_string();
            assert_eq!(
                msg,
                format!(
                    "contraseña incorrecta para el certificado {}",
                    path.file_name().unwrap().to_string_lossy()
                )
            );
            let folder = path.parent().unwrap().display().to_string();
            assert!(!msg.contains(&folder), "no folders: {msg}");
            assert!(!msg.contains("clave-equivocada"));
        }
    }

    #[test]
    fn password_with_nul_is_wrong_not_a_panic() {
        let pki = test_pki::shared();
        let err = load_pkcs12(&pki.p12("maria"), "clave\0prueba", now()).unwrap_err();
        assert!(
            matches!(err, CertificateError::WrongPassword { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn expired_certificate_is_refused() {
        let err = load("vencido").unwrap_err();
        assert!(matches!(err, CertificateError::Expired { .. }), "{err:?}");
        let msg = err.to_string();
        assert_eq!(
            msg,
            format!(
                "el certificado de Jorge Luis Ramírez Torres venció el {}",
                test_pki::EXPIRED_UNTIL_DDMMYYYY
            ),
            "the holder's name, not the DN"
        );
    }

    #[test]
    fn not_yet_valid_certificate_is_refused() {
        let err = load("futuro").unwrap_err();
        assert!(
            matches!(err, CertificateError::NotYetValid { .. }),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(
            msg.contains("Ana Lucía Torres Benavides")
                && msg.contains("aún no es válido")
                && msg.ends_with(&format!("rige desde el {}", test_pki::FUTURE_FROM_DDMMYYYY)),
            "{msg}"
        );
        // The same file is fine once its validity starts.
        let pki = test_pki::shared();
        load_pkcs12(
            &pki.p12("futuro"),
            PASSWORD,
            at("2031-06-01T12:00:00-05:00"),
        )
        .unwrap();
    }

    #[test]
    fn key_usage_without_signature_is_refused() {
        let err = load("uso-indebido").unwrap_err();
        assert!(matches!(err, CertificateError::KeyUsage { .. }), "{err:?}");
        assert!(err
            .to_string()
            .contains("no permite firmar: su uso de clave no incluye firma digital ni no repudio"));
    }

    #[test]
    fn garbage_and_missing_files_are_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let garbage = dir.path().join("basura.p12");
        std::fs::write(&garbage, b"esto no es un PKCS#12").unwrap();
        let err = load_pkcs12(&garbage, PASSWORD, now()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no se puede leer el certificado basura.p12: no es un archivo PKCS#12 (.p12/.pfx) válido"
        );
        let missing = dir.path().join("no-existe.p12");
        let err = load_pkcs12(&missing, PASSWORD, now()).unwrap_err();
        assert!(matches!(err, CertificateError::Unreadable { .. }));
        assert!(err.to_string().contains("no existe"), "{err}");
    }

    #[test]
    fn key_not_matching_the_certificate_is_refused() {
        let pki = test_pki::shared();
        let bytes = pki.mismatched_p12();
        let err = load_pkcs12_bytes(&bytes, "mezcla.p12", PASSWORD, now()).unwrap_err();
        assert!(
            matches!(err, CertificateError::KeyMismatch { .. }),
            "{err:?}"
        );
        assert!(err
            .to_string()
            .starts_with("la clave privada de mezcla.p12 no corresponde al certificado de Carlos"));
    }

    #[test]
    fn p12_without_key_is_refused() {
        let pki = test_pki::shared();
        let bytes = pki.certificate_only_p12();
        let err = load_pkcs12_bytes(&bytes, "solo-cert.p12", PASSWORD, now()).unwrap_err();
        assert!(
            matches!(err, CertificateError::NoPrivateKey { .. }),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "el archivo solo-cert.p12 no contiene la clave privada del firmante"
        );
    }

    #[test]
    fn every_test_signer_loads() {
        let pki = test_pki::shared();
        for person in test_pki::SIGNERS {
            let id = load_pkcs12(&pki.p12(person.file), PASSWORD, now()).unwrap();
            assert_eq!(id.common_name(), person.name);
        }
    }

    #[test]
    fn rdn_values_are_escaped() {
        assert_eq!(escape_rdn_value("Pérez, Juan"), "Pérez\\, Juan");
        assert_eq!(escape_rdn_value(" a "), "\\ a\\ ");
    }
}
