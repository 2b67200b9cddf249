//! What a bundle says about itself, in three forms:
//!
//! - `META-INF/ASiCManifest.xml` (ETSI EN 319 162-1, namespace
//!   `http://uri.etsi.org/02918/v1.2.1#`): one `SigReference` naming the
//!   seal and one `DataObjectReference` per file with its `ds:DigestMethod`
//!   and base64 `ds:DigestValue`. The seal signs exactly these bytes.
//!   [`AsicManifest::parse`] reads it back with namespaces resolved (any
//!   prefixes), refusing DTDs, so a hand-edited or foreign manifest is read
//!   by meaning, not by spelling. Both directions go through `quick-xml`
//!   (escaping, namespaces) and `percent-encoding` (URIs).
//! - `manifiesto.json` ([`Manifiesto`]): for people's tools — every
//!   document's number, form, title, file, SHA-256, and each signature's
//!   role, signer, time and status as verified at export. Keys are English
//!   like `actas list --json`; values are Spanish.
//! - `manifiesto.csv`: the same, one row per signature, for a spreadsheet
//!   (RFC 4180: comma, double quotes, CRLF; UTF-8).

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use quick_xml::events::{BytesDecl, BytesStart, BytesText, Event};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::{NsReader, Writer, XmlVersion};
use serde::{Deserialize, Serialize};

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
    /// The XML, UTF-8, one element per line (written with `quick-xml`).
    pub fn to_xml(&self) -> String {
        let mut xml = Writer::new_with_indent(Vec::new(), b' ', 2);
        // Writing into a Vec cannot fail.
        let _ = self.write_xml(&mut xml);
        let mut text = String::from_utf8(xml.into_inner()).unwrap_or_default();
        text.push('\n');
        text
    }

    fn write_xml(&self, xml: &mut Writer<Vec<u8>>) -> std::io::Result<()> {
        xml.write_event(Event::Decl(BytesDecl::new(
            "1.0",
            Some("UTF-8"),
            Some("yes"),
        )))?;
        xml.create_element("asic:ASiCManifest")
            .with_attributes([("xmlns:asic", ASIC_NS), ("xmlns:ds", DS_NS)])
            .write_inner_content(|xml| {
                if let Some(sig) = &self.sig_reference {
                    let uri = uri_encode(&sig.uri);
                    let mut element = xml
                        .create_element("asic:SigReference")
                        .with_attribute(("URI", uri.as_str()));
                    if let Some(mime) = &sig.mime_type {
                        element = element.with_attribute(("MimeType", mime.as_str()));
                    }
                    element.write_empty()?;
                }
                for object in &self.objects {
                    let uri = uri_encode(&object.uri);
                    let mut element = xml
                        .create_element("asic:DataObjectReference")
                        .with_attribute(("URI", uri.as_str()));
                    if let Some(mime) = &object.mime_type {
                        element = element.with_attribute(("MimeType", mime.as_str()));
                    }
                    element.write_inner_content(|xml| {
                        xml.create_element("ds:DigestMethod")
                            .with_attribute(("Algorithm", object.digest_algorithm.as_str()))
                            .write_empty()?;
                        xml.create_element("ds:DigestValue")
                            .write_text_content(BytesText::new(&openssl::base64::encode_block(
                                &object.digest,
                            )))?;
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    }

    /// Reads a manifest with namespaces resolved (any prefixes); the error
    /// is one Spanish phrase.
    pub fn parse(bytes: &[u8]) -> Result<AsicManifest, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "no está en UTF-8".to_string())?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = NsReader::from_str(text);
        let mut parser = Parser::default();
        loop {
            let (ns, event) = reader
                .read_resolved_event()
                .map_err(|e| format!("XML mal formado ({e})"))?;
            let ns = match ns {
                ResolveResult::Bound(Namespace(uri)) => uri.to_string(),
                ResolveResult::Unbound => String::new(),
                ResolveResult::Unknown(prefix) => {
                    return Err(format!("el prefijo «{}» no está declarado", prefix))
                }
            };
            match event {
                Event::DocType(_) => {
                    return Err("contiene una declaración DTD, que no se admite".into())
                }
                Event::Start(e) => parser.open(&ns, &e)?,
                Event::Empty(e) => {
                    parser.open(&ns, &e)?;
                    parser.close()?;
                }
                Event::End(_) => parser.close()?,
                Event::Text(t) => parser.text(&t.xml10_content()),
                Event::CData(t) => parser.text(&t),
                Event::GeneralRef(r) => {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => quick_xml::escape::resolve_predefined_entity(&r)
                            .map(str::to_string)
                            .ok_or_else(|| format!("referencia desconocida «&{};»", &*r))?,
                    };
                    parser.text(&c);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        parser.finish()
    }
}

/// Builds the manifest from resolved elements as they open and close.
#[derive(Default)]
struct Parser {
    /// Resolved names (namespace, local) of the open elements.
    path: Vec<(String, String)>,
    manifest: AsicManifest,
    root_seen: bool,
    /// The data object being read.
    object: Option<DataObjectReference>,
    digest_text: Option<String>,
}

impl Parser {
    fn open(&mut self, ns: &str, element: &BytesStart) -> Result<(), String> {
        let local = element.local_name().as_ref().to_string();
        let mut plain = Vec::new();
        for attribute in element.attributes() {
            let attribute = attribute.map_err(|e| format!("XML mal formado ({e})"))?;
            // Only unprefixed attributes carry meaning here (URI, MimeType, Algorithm).
            if attribute.key.prefix().is_none() {
                let value = attribute
                    .normalized_value(XmlVersion::Implicit1_0)
                    .map_err(|e| format!("XML mal formado ({e})"))?;
                plain.push((attribute.key.as_ref().to_string(), value.into_owned()));
            }
        }
        let get = |key: &str| plain.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let is = |want_ns: &str, want: &str| ns == want_ns && local == want;
        match self.path.len() {
            0 => {
                if !is(ASIC_NS, "ASiCManifest") {
                    return Err(format!(
                        "el elemento raíz es «{local}» y no asic:ASiCManifest del espacio {ASIC_NS}"
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
        self.path.push((ns.to_string(), local));
        Ok(())
    }

    fn text(&mut self, text: &str) {
        if let Some(digest) = self.digest_text.as_mut() {
            digest.push_str(text);
        }
    }

    fn close(&mut self) -> Result<(), String> {
        let (ns, local) = self.path.pop().ok_or("etiqueta de cierre sin apertura")?;
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

    fn finish(self) -> Result<AsicManifest, String> {
        if !self.root_seen {
            return Err("no tiene el elemento asic:ASiCManifest".into());
        }
        if !self.path.is_empty() {
            return Err("el XML termina sin cerrar sus elementos".into());
        }
        Ok(self.manifest)
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

/// What a relative URI may hold as is (RFC 3986 unreserved, and `/`);
/// everything else is percent-encoded.
const URI_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes what a relative URI may not hold as is.
pub fn uri_encode(name: &str) -> String {
    utf8_percent_encode(name, URI_KEEP).to_string()
}

fn uri_decode(uri: &str) -> Result<String, String> {
    percent_decode_str(uri)
        .decode_utf8()
        .map(|name| name.into_owned())
        .map_err(|_| format!("la URI «{uri}» no es UTF-8"))
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
        let mut out = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        // Writing into a Vec cannot fail.
        let mut row = |cells: Vec<String>| {
            let _ = out.write_record(cells.iter().map(|c| spreadsheet_safe(c).into_owned()));
        };
        row(HEADER.iter().map(|h| h.to_string()).collect());
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
                row(head
                    .iter()
                    .cloned()
                    .chain(std::iter::repeat_n(String::new(), 6))
                    .collect());
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
                row(head.iter().cloned().chain(tail).collect());
            }
        }
        out.into_inner().unwrap_or_default()
    }
}

/// A cell a spreadsheet would run as a formula (a certificate's name is
/// not ours to trust) gets a leading «'», as OWASP advises.
fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
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
