//! What a bundle says about itself, in three forms:
//!
//! - `META-INF/ASiCManifest.xml` (ETSI EN 319 162-1, namespace
//!   `http://uri.etsi.org/02918/v1.2.1#`): one `SigReference` naming the
//!   seal and one `DataObjectReference` per file with its `ds:DigestMethod`
//!   and base64 `ds:DigestValue`. The seal signs exactly these bytes.
//!   [`AsicManifest::parse`] reads it back with namespaces resolved (any
//!   prefixes), refusing DTDs, so a hand-edited or foreign manifest is read
//!   by meaning, not by spelling.
//! - `manifiesto.json` ([`Manifiesto`]): for people's tools — every
//!   document's number, form, title, file, SHA-256, and each signature's
//!   role, signer, time and status as verified at export. Keys are English
//!   like `actas list --json`; values are Spanish.
//! - `manifiesto.csv`: the same, one row per signature, for a spreadsheet
//!   (RFC 4180: comma, double quotes, CRLF; UTF-8).

use serde::{Deserialize, Serialize};
use xmlparser::{ElementEnd, Token, Tokenizer};

/// The ASiC namespace of EN 319 162-1 v1.1.1.
pub const ASIC_NS: &str = "http://uri.etsi.org/02918/v1.2.1#";
/// XML Signature.
pub const DS_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
pub const SHA256_URI: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
pub const SHA384_URI: &str = "http://www.w3.org/2001/04/xmldsig-more#sha384";
pub const SHA512_URI: &str = "http://www.w3.org/2001/04/xmlenc#sha512";
/// `format` of every `manifiesto.json` this version writes.
pub const MANIFIESTO_FORMAT: &str = "actas-paquete/1";

/// `<asic:SigReference>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigReference {
    pub uri: String,
    pub mime_type: Option<String>,
}

/// `<asic:DataObjectReference>`: one sealed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataObjectReference {
    /// The entry name (the URI, percent-decoded).
    pub uri: String,
    pub mime_type: Option<String>,
    /// The `Algorithm` URI of `ds:DigestMethod`.
    pub digest_algorithm: String,
    pub digest: Vec<u8>,
}

/// The ASiC manifest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AsicManifest {
    pub sig_reference: Option<SigReference>,
    pub objects: Vec<DataObjectReference>,
}

impl AsicManifest {
    /// The XML, UTF-8, one element per line.
    pub fn to_xml(&self) -> String {
        let mut xml = String::with_capacity(300 + self.objects.len() * 300);
        xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
        xml.push_str(&format!(
            "<asic:ASiCManifest xmlns:asic=\"{ASIC_NS}\" xmlns:ds=\"{DS_NS}\">\n"
        ));
        if let Some(sig) = &self.sig_reference {
            xml.push_str(&format!(
                "  <asic:SigReference URI=\"{}\"",
                attr(&uri_encode(&sig.uri))
            ));
            if let Some(mime) = &sig.mime_type {
                xml.push_str(&format!(" MimeType=\"{}\"", attr(mime)));
            }
            xml.push_str("/>\n");
        }
        for object in &self.objects {
            xml.push_str(&format!(
                "  <asic:DataObjectReference URI=\"{}\"",
                attr(&uri_encode(&object.uri))
            ));
            if let Some(mime) = &object.mime_type {
                xml.push_str(&format!(" MimeType=\"{}\"", attr(mime)));
            }
            xml.push_str(">\n");
            xml.push_str(&format!(
                "    <ds:DigestMethod Algorithm=\"{}\"/>\n",
                attr(&object.digest_algorithm)
            ));
            xml.push_str(&format!(
                "    <ds:DigestValue>{}</ds:DigestValue>\n",
                openssl::base64::encode_block(&object.digest)
            ));
            xml.push_str("  </asic:DataObjectReference>\n");
        }
        xml.push_str("</asic:ASiCManifest>\n");
        xml
    }

    /// Reads a manifest; the error is one Spanish phrase.
    pub fn parse(bytes: &[u8]) -> Result<AsicManifest, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "no está en UTF-8".to_string())?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Parser::default().run(text)
    }
}

/// One element being read: its qualified name and attributes, until its
/// start tag closes.
#[derive(Default)]
struct Pending<'a> {
    prefix: &'a str,
    local: &'a str,
    attributes: Vec<(&'a str, &'a str, &'a str)>,
}

#[derive(Default)]
struct Parser {
    /// Namespace declarations per open element: (prefix, uri); "" is the default.
    scopes: Vec<Vec<(String, String)>>,
    /// Resolved names of the open elements.
    path: Vec<(String, String)>,
    /// Their names as written (prefix, local), to match closing tags.
    written: Vec<(String, String)>,
    manifest: AsicManifest,
    root_seen: bool,
    /// The data object being read.
    object: Option<DataObjectReference>,
    digest_text: Option<String>,
}

impl Parser {
    fn run(mut self, text: &str) -> Result<AsicManifest, String> {
        let mut pending: Option<Pending> = None;
        for token in Tokenizer::from(text) {
            let token = token.map_err(|e| format!("XML mal formado ({e})"))?;
            match token {
                Token::DtdStart { .. }
                | Token::EmptyDtd { .. }
                | Token::EntityDeclaration { .. } => {
                    return Err("contiene una declaración DTD, que no se admite".into())
                }
                Token::ElementStart { prefix, local, .. } => {
                    pending = Some(Pending {
                        prefix: prefix.as_str(),
                        local: local.as_str(),
                        attributes: Vec::new(),
                    });
                }
                Token::Attribute {
                    prefix,
                    local,
                    value,
                    ..
                } => {
                    if let Some(p) = pending.as_mut() {
                        p.attributes
                            .push((prefix.as_str(), local.as_str(), value.as_str()));
                    }
                }
                Token::ElementEnd { end, .. } => match end {
                    ElementEnd::Open | ElementEnd::Empty => {
                        let element = pending.take().ok_or("etiqueta sin abrir")?;
                        self.open(element)?;
                        if matches!(end, ElementEnd::Empty) {
                            self.close()?;
                        }
                    }
                    ElementEnd::Close(prefix, local) => {
                        let open = self
                            .written
                            .last()
                            .ok_or("etiqueta de cierre sin apertura")?;
                        if open.0 != prefix.as_str() || open.1 != local.as_str() {
                            return Err(format!(
                                "la etiqueta «{}» se cierra con «{}»",
                                open.1,
                                local.as_str()
                            ));
                        }
                        self.close()?;
                    }
                },
                Token::Text { text } => {
                    if let Some(digest) = self.digest_text.as_mut() {
                        digest.push_str(&unescape(text.as_str())?);
                    }
                }
                Token::Cdata { text, .. } => {
                    if let Some(digest) = self.digest_text.as_mut() {
                        digest.push_str(text.as_str());
                    }
                }
                _ => {}
            }
        }
        if !self.root_seen {
            return Err("no tiene el elemento asic:ASiCManifest".into());
        }
        if !self.path.is_empty() {
            return Err("el XML termina sin cerrar sus elementos".into());
        }
        Ok(self.manifest)
    }

    fn resolve(&self, prefix: &str) -> Option<&str> {
        if prefix == "xml" {
            return Some("http://www.w3.org/XML/1998/namespace");
        }
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter())
            .find(|(p, _)| p == prefix)
            .map(|(_, uri)| uri.as_str())
    }

    fn open(&mut self, element: Pending) -> Result<(), String> {
        let mut scope = Vec::new();
        let mut plain = Vec::new();
        for (prefix, local, value) in &element.attributes {
            let value = unescape(value)?;
            match (*prefix, *local) {
                ("xmlns", p) => scope.push((p.to_string(), value)),
                ("", "xmlns") => scope.push((String::new(), value)),
                ("", name) => plain.push((name.to_string(), value)),
                _ => {}
            }
        }
        self.scopes.push(scope);
        let ns = match self.resolve(element.prefix) {
            Some(uri) => uri.to_string(),
            None if element.prefix.is_empty() => String::new(),
            None => return Err(format!("el prefijo «{}» no está declarado", element.prefix)),
        };
        let name = (ns, element.local.to_string());
        let get = |key: &str| plain.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let depth = self.path.len();
        let is = |ns: &str, local: &str| name.0 == ns && name.1 == local;
        match depth {
            0 => {
                if !is(ASIC_NS, "ASiCManifest") {
                    return Err(format!(
                        "el elemento raíz es «{}» y no asic:ASiCManifest del espacio {ASIC_NS}",
                        element.local
                    ));
                }
                if self.root_seen {
                    return Err("tiene más de un elemento raíz".into());
                }
                self.root_seen = true;
            }
            1 if is(ASIC_NS, "SigReference") => {
                if self.manifest.sig_reference.is_some() {
                    return Err("tiene más de un SigReference".into());
                }
                let uri = get("URI").ok_or("SigReference no tiene URI")?;
                self.manifest.sig_reference = Some(SigReference {
                    uri: uri_decode(&uri)?,
                    mime_type: get("MimeType"),
                });
            }
            1 if is(ASIC_NS, "DataObjectReference") => {
                let uri = get("URI").ok_or("un DataObjectReference no tiene URI")?;
                self.object = Some(DataObjectReference {
                    uri: uri_decode(&uri)?,
                    mime_type: get("MimeType"),
                    digest_algorithm: String::new(),
                    digest: Vec::new(),
                });
            }
            2 if self.object.is_some() && is(DS_NS, "DigestMethod") => {
                let algorithm = get("Algorithm").ok_or("ds:DigestMethod no tiene Algorithm")?;
                if let Some(object) = self.object.as_mut() {
                    object.digest_algorithm = algorithm;
                }
            }
            2 if self.object.is_some() && is(DS_NS, "DigestValue") => {
                self.digest_text = Some(String::new());
            }
            _ => {}
        }
        self.path.push(name);
        self.written
            .push((element.prefix.to_string(), element.local.to_string()));
        Ok(())
    }

    fn close(&mut self) -> Result<(), String> {
        let (ns, local) = self.path.pop().ok_or("etiqueta de cierre sin apertura")?;
        self.written.pop();
        self.scopes.pop();
        let depth = self.path.len();
        if depth == 2 && ns == DS_NS && local == "DigestValue" {
            if let (Some(text), Some(object)) = (self.digest_text.take(), self.object.as_mut()) {
                let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                object.digest = openssl::base64::decode_block(&compact).map_err(|_| {
                    format!("el DigestValue de «{}» no es base64 válido", object.uri)
                })?;
            }
        }
        if depth == 1 && ns == ASIC_NS && local == "DataObjectReference" {
            if let Some(object) = self.object.take() {
                if object.digest_algorithm.is_empty() || object.digest.is_empty() {
                    return Err(format!(
                        "el DataObjectReference de «{}» no tiene DigestMethod y DigestValue",
                        object.uri
                    ));
                }
                self.manifest.objects.push(object);
            }
        }
        Ok(())
    }
}

/// The digest of `data` with the algorithm named by `uri`, or `None` for
/// an algorithm not accepted (SHA-1 and MD5 are not).
pub fn digest(uri: &str, data: &[u8]) -> Option<Vec<u8>> {
    match uri {
        SHA256_URI => Some(openssl::sha::sha256(data).to_vec()),
        SHA384_URI => Some(openssl::sha::sha384(data).to_vec()),
        SHA512_URI => Some(openssl::sha::sha512(data).to_vec()),
        _ => None,
    }
}

/// XML attribute value escaping.
fn attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Resolves the five predefined entities and character references.
fn unescape(text: &str) -> Result<String, String> {
    if !text.contains('&') {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after
            .find(';')
            .ok_or_else(|| format!("referencia sin «;» en «{text}»"))?;
        let name = &after[..end];
        let c = match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = name.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = name.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| format!("referencia desconocida «&{name};»"))?
            }
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Percent-encodes what a relative URI may not hold as is.
pub fn uri_encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn uri_decode(uri: &str) -> Result<String, String> {
    let bytes = uri.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = uri
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("la URI «{uri}» tiene un «%» inválido"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("la URI «{uri}» no es UTF-8"))
}

/// `manifiesto.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifiesto {
    /// [`MANIFIESTO_FORMAT`].
    pub format: String,
    /// The bundle's identifier (see `bundle_id`), also printed on the report.
    pub bundle: String,
    /// When it was exported and sealed, RFC 3339.
    pub exported_at: String,
    pub sealed_by: SealInfo,
    pub documents: Vec<DocumentEntry>,
    /// The audit chain's head sealed with the same certificate when the
    /// bundle was exported (`store::checkpoint`): a copy outside the
    /// database, so a trimmed log is noticed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_checkpoint: Option<crate::store::Checkpoint>,
}

/// Who sealed the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealInfo {
    pub name: String,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
}

/// One archived document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentEntry {
    /// `AAAA-NNN`.
    pub number: String,
    /// How `actas` names it (`2026-001` or `serie/2026-001`).
    pub reference: String,
    pub series: String,
    /// Template id (the form).
    pub template: String,
    pub form_code: String,
    pub title: String,
    /// The document's status in the store at export.
    pub status: String,
    /// The stored revision archived (the latest).
    pub revision: u32,
    /// Its entry in the bundle.
    pub file: String,
    pub sha256: String,
    pub size: u64,
    pub signatures: Vec<SignatureEntry>,
}

/// One signature of a document, as verified at export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureEntry {
    pub field: String,
    pub role: Option<String>,
    /// The role as the template prints it.
    #[serde(default)]
    pub role_title: Option<String>,
    pub signer: Option<String>,
    /// `/M`, RFC 3339.
    pub time: Option<String>,
    /// «válida», «válida y confiable», «no confiable», «alterada», …
    pub status: String,
    pub intact: bool,
    pub valid: bool,
    /// `None` when exported without trust roots.
    pub trusted: Option<bool>,
}

impl Manifiesto {
    /// Pretty JSON with a final newline.
    pub fn to_json(&self) -> Vec<u8> {
        // A struct of strings, numbers and booleans always serialises.
        let mut json = serde_json::to_vec_pretty(self).unwrap_or_default();
        json.push(b'\n');
        json
    }

    /// One row per signature (a document without signatures gets one row
    /// with the signature columns empty).
    pub fn to_csv(&self) -> Vec<u8> {
        const HEADER: [&str; 15] = [
            "numero",
            "serie",
            "formulario",
            "codigo",
            "titulo",
            "estado_documento",
            "revision",
            "archivo",
            "sha256",
            "firma",
            "rol",
            "firmante",
            "fecha_firma",
            "estado_firma",
            "campo",
        ];
        let mut out = String::new();
        push_csv_row(&mut out, HEADER.iter().map(|h| h.to_string()));
        for doc in &self.documents {
            let head = [
                doc.number.clone(),
                doc.series.clone(),
                doc.template.clone(),
                doc.form_code.clone(),
                doc.title.clone(),
                doc.status.clone(),
                doc.revision.to_string(),
                doc.file.clone(),
                doc.sha256.clone(),
            ];
            if doc.signatures.is_empty() {
                push_csv_row(
                    &mut out,
                    head.iter()
                        .cloned()
                        .chain(std::iter::repeat_n(String::new(), 6)),
                );
            }
            for (i, s) in doc.signatures.iter().enumerate() {
                let tail = [
                    (i + 1).to_string(),
                    s.role.clone().unwrap_or_default(),
                    s.signer.clone().unwrap_or_default(),
                    s.time.clone().unwrap_or_default(),
                    s.status.clone(),
                    s.field.clone(),
                ];
                push_csv_row(&mut out, head.iter().cloned().chain(tail));
            }
        }
        out.into_bytes()
    }
}

fn push_csv_row(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        // A cell a spreadsheet would run as a formula (a certificate's
        // name is not ours to trust) is prefixed with «'», as OWASP advises.
        let cell = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{cell}")
        } else {
            cell
        };
        if cell.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&cell);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> AsicManifest {
        AsicManifest {
            sig_reference: Some(SigReference {
                uri: "META-INF/signature.p7s".into(),
                mime_type: Some("application/x-pkcs7-signature".into()),
            }),
            objects: vec![
                DataObjectReference {
                    uri: "2026-001_mef-anexo-11-1.pdf".into(),
                    mime_type: Some("application/pdf".into()),
                    digest_algorithm: SHA256_URI.into(),
                    digest: openssl::sha::sha256(b"uno").to_vec(),
                },
                DataObjectReference {
                    uri: "año & <raro>.csv".into(),
                    mime_type: Some("text/csv".into()),
                    digest_algorithm: SHA256_URI.into(),
                    digest: openssl::sha::sha256(b"dos").to_vec(),
                },
            ],
        }
    }

    #[test]
    fn xml_round_trips() {
        let manifest = sample();
        let xml = manifest.to_xml();
        assert!(xml.contains("xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\""));
        assert!(xml.contains(
            "<asic:SigReference URI=\"META-INF/signature.p7s\" MimeType=\"application/x-pkcs7-signature\"/>"
        ));
        assert!(
            xml.contains("URI=\"a%C3%B1o%20%26%20%3Craro%3E.csv\""),
            "{xml}"
        );
        assert_eq!(AsicManifest::parse(xml.as_bytes()).unwrap(), manifest);
    }

    #[test]
    fn other_prefixes_and_default_namespace_read_the_same() {
        let digest = openssl::base64::encode_block(&openssl::sha::sha256(b"uno"));
        let xml = format!(
            r#"<?xml version="1.0"?>
<!-- hecho a mano -->
<ASiCManifest xmlns="{ASIC_NS}" xmlns:x="{DS_NS}">
  <SigReference URI="META-INF/signature.p7s"/>
  <DataObjectReference URI="2026-001_mef-anexo-11-1.pdf" MimeType="application/pdf">
    <x:DigestMethod Algorithm="{SHA256_URI}"></x:DigestMethod>
    <x:DigestValue>
      {digest}
    </x:DigestValue>
  </DataObjectReference>
  <ASiCManifestExtensions/>
</ASiCManifest>"#
        );
        let parsed = AsicManifest::parse(xml.as_bytes()).unwrap();
        assert_eq!(parsed.objects.len(), 1);
        assert_eq!(parsed.objects[0], sample().objects[0]);
        assert_eq!(parsed.sig_reference.unwrap().mime_type, None);
    }

    #[test]
    fn wrong_namespace_dtd_and_bad_digest_are_refused() {
        let wrong = r#"<a:ASiCManifest xmlns:a="http://example.com/"/>"#;
        assert!(AsicManifest::parse(wrong.as_bytes())
            .unwrap_err()
            .contains("asic:ASiCManifest"));
        let dtd = format!(
            "<!DOCTYPE x [<!ENTITY a \"b\">]><asic:ASiCManifest xmlns:asic=\"{ASIC_NS}\"/>"
        );
        assert!(AsicManifest::parse(dtd.as_bytes())
            .unwrap_err()
            .contains("DTD"));
        let bad = sample()
            .to_xml()
            .replace("</ds:DigestValue>", "!!</ds:DigestValue>");
        assert!(AsicManifest::parse(bad.as_bytes())
            .unwrap_err()
            .contains("base64"));
        assert!(AsicManifest::parse(b"<asic:ASiCManifest").is_err());
    }

    #[test]
    fn csv_quotes_and_has_a_row_per_signature() {
        let entry = |role: &str| SignatureEntry {
            field: format!("firma.{role}"),
            role: Some(role.into()),
            role_title: None,
            signer: Some("Quispe, María".into()),
            time: Some("2026-03-15T10:00:00-05:00".into()),
            status: "válida".into(),
            intact: true,
            valid: true,
            trusted: None,
        };
        let mut m = Manifiesto {
            audit_checkpoint: None,
            format: MANIFIESTO_FORMAT.into(),
            bundle: "X".into(),
            exported_at: "2026-03-15T10:00:00-05:00".into(),
            sealed_by: SealInfo {
                name: "A".into(),
                subject: "CN=A".into(),
                issuer: "CN=B".into(),
                serial: "01".into(),
            },
            documents: vec![DocumentEntry {
                number: "2026-001".into(),
                reference: "2026-001".into(),
                series: "general".into(),
                template: "mef-anexo-11-1".into(),
                form_code: "Anexo 11.1".into(),
                title: "Control \"pase\"".into(),
                status: "firmado".into(),
                revision: 3,
                file: "2026-001_mef-anexo-11-1.pdf".into(),
                sha256: "ab".into(),
                size: 10,
                signatures: vec![entry("a"), entry("b")],
            }],
        };
        m.documents[0].signatures[1].signer = Some("=HYPERLINK(\"x\")".into());
        let csv = String::from_utf8(m.to_csv()).unwrap();
        assert!(csv.contains(",\"'=HYPERLINK(\"\"x\"\")\","), "{csv}");
        let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].contains("\"Control \"\"pase\"\"\""), "{csv}");
        assert!(lines[1].contains(",\"Quispe, María\","), "{csv}");
        let back: Manifiesto = serde_json::from_slice(&m.to_json()).unwrap();
        assert_eq!(back, m);
    }
}
