//! Verifying a bundle anywhere, with nothing but its bytes (and trust
//! roots): the container is opened safely (a zip-slip name, a duplicate, a
//! bomb refuses it whole, before anything is read), then
//!
//! 1. the ASiC-E layout (`mimetype` first and stored, manifest and seal present);
//! 2. the seal: the CAdES signature in `META-INF/signature.p7s` over the exact
//!    bytes of `META-INF/ASiCManifest.xml`, its certificate valid when the
//!    bundle was sealed and, with roots, chaining to one of them;
//! 3. every file listed in the manifest: present, and its digest equal;
//!    every other file is an unsealed addition;
//! 4. every PDF's signatures, re-verified (`verify::verify_pdf`);
//! 5. `manifiesto.json` agrees with what was sealed.
//!
//! Entries are read into memory only; nothing is written anywhere. A bad
//! finding is a line in [`BundleReport::problems`] naming its file, never an
//! error: the only errors are a container that cannot be opened or is
//! refused.

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset, Utc};
use openssl::x509::X509;
use serde::Serialize;

use super::asic::{self, Container, MANIFEST_ENTRY, SIGNATURE_ENTRY};
use super::export::signature_entry;
use super::manifest::{self, AsicManifest, Manifiesto, SignatureEntry, MANIFIESTO_FORMAT};
use super::zip::Limits;
use super::{parallel_map_within, BundleError, MANIFIESTO_CSV, MANIFIESTO_JSON, REPORT_PDF};

/// Decompressed bytes of entries being verified at once.
const READ_BUDGET: u64 = 512 << 20;
use crate::sign::certificate::{common_name, one_line_name, serial_hex};
use crate::verify::cms::{verify_chain, verify_detached, ChainStatus};
use crate::verify::{verify_pdf, Verdict, VerifyOptions};

/// How to verify.
#[derive(Debug, Clone)]
pub struct BundleVerifyOptions {
    /// Trusted roots for the seal and every signature; with none, trust is
    /// not checked (and `trusted` is `None`).
    pub trust_roots: Vec<X509>,
    pub limits: Limits,
    /// "Now", for the seal's certificate when `manifiesto.json` does not say
    /// when the bundle was sealed.
    pub now: DateTime<FixedOffset>,
}

/// The verdict on one bundle.
#[derive(Debug, Clone, Serialize)]
pub struct BundleReport {
    /// The identifier in `manifiesto.json`, when readable.
    pub bundle: Option<String>,
    /// When it was sealed, per `manifiesto.json` (RFC 3339).
    pub exported_at: Option<String>,
    pub seal: SealCheck,
    /// Every file: those listed in the manifest, then unlisted ones.
    pub files: Vec<FileCheck>,
    /// The archived PDFs (the report excluded), in manifest order.
    pub documents: Vec<DocumentCheck>,
    /// Everything wrong, one Spanish line each, naming its file.
    pub problems: Vec<String>,
    /// No problems: layout, seal (trusted when roots were given), every
    /// file and every signature hold.
    pub ok: bool,
}

/// The archivist's seal over the manifest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SealCheck {
    pub signer: Option<String>,
    pub subject: Option<String>,
    pub issuer: Option<String>,
    pub serial: Option<String>,
    /// The signed digest equals the manifest's.
    pub intact: bool,
    /// The signature value verifies with the certificate's key.
    pub valid: bool,
    /// The certificate was valid when the bundle was sealed.
    pub cert_valid: bool,
    /// Chains to a given root; `None` without roots.
    pub trusted: Option<bool>,
}

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// Present, digest equal to the manifest's.
    Ok,
    /// Present, but its bytes differ from what was sealed.
    Altered,
    /// Listed in the manifest, not in the container.
    Missing,
    /// In the container, not listed in the manifest.
    Extra,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileCheck {
    pub name: String,
    pub status: FileStatus,
    pub sha256: Option<String>,
}

/// One archived PDF, re-verified.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentCheck {
    pub file: String,
    /// From the PDF's own metadata.
    pub number: Option<String>,
    pub template: Option<String>,
    pub signatures: Vec<SignatureEntry>,
    pub ok: bool,
}

/// Verifies the container in `bytes`.
pub fn verify_bundle(
    bytes: &[u8],
    options: &BundleVerifyOptions,
) -> Result<BundleReport, BundleError> {
    let container = Container::open(bytes, &options.limits).map_err(BundleError::Container)?;
    let mut problems = container.layout_problems();
    // The seal's findings go right after the layout's: it anchors the rest.
    let seal_at = problems.len();

    // The manifest, by its exact bytes.
    let manifest_bytes = container.entry(MANIFEST_ENTRY).and_then(|entry| {
        container
            .read(entry)
            .map_err(|e| problems.push(format!("{MANIFEST_ENTRY}: {e}")))
            .ok()
    });
    let manifest = manifest_bytes.as_deref().and_then(|b| {
        AsicManifest::parse(b)
            .map_err(|e| problems.push(format!("{MANIFEST_ENTRY} no se puede leer: {e}")))
            .ok()
    });
    if let Some(m) = &manifest {
        match &m.sig_reference {
            Some(sig) if sig.uri == SIGNATURE_ENTRY => {
                // MimeType is optional in the schema; when given it must be CMS.
                if let Some(mime) = sig.mime_type.as_deref() {
                    if !mime.contains("pkcs7-signature") {
                        problems.push(format!(
                            "{MANIFEST_ENTRY}: el SigReference declara MimeType=\"{mime}\" y no {}",
                            asic::SIGNATURE_MIME
                        ));
                    }
                }
            }
            Some(sig) => problems.push(format!(
                "{MANIFEST_ENTRY}: el SigReference apunta a «{}» y no a {SIGNATURE_ENTRY}",
                sig.uri
            )),
            None => problems.push(format!("{MANIFEST_ENTRY} no tiene SigReference")),
        }
    }

    // Every listed file: present, digest equal; PDFs re-verified. On all cores.
    let objects = manifest
        .as_ref()
        .map(|m| m.objects.as_slice())
        .unwrap_or(&[]);
    let mut listed = HashSet::new();
    for object in objects {
        if !listed.insert(object.uri.as_str()) {
            problems.push(format!(
                "{MANIFEST_ENTRY} lista dos veces el archivo {}",
                object.uri
            ));
        }
    }
    let verify_options = VerifyOptions {
        trust_roots: options.trust_roots.clone(),
    };
    // Entries are read and verified a few at a time: the decompressed
    // bytes in memory stay within READ_BUDGET whatever the bundle declares.
    let checks = parallel_map_within(
        objects,
        |object| container.entry(&object.uri).map_or(0, |e| e.size),
        READ_BUDGET,
        |object| check_object(&container, object, &verify_options),
    );

    let mut files = Vec::with_capacity(objects.len() + 2);
    let mut documents = Vec::new();
    let mut manifiesto: Option<Manifiesto> = None;
    for (object, check) in objects.iter().zip(checks) {
        problems.extend(check.problems);
        files.push(FileCheck {
            name: object.uri.clone(),
            status: check.status,
            sha256: check.sha256,
        });
        if let Some(doc) = check.document {
            documents.push(doc);
        }
        if object.uri == MANIFIESTO_JSON && check.status == FileStatus::Ok {
            match check
                .bytes
                .as_deref()
                .map(serde_json::from_slice::<Manifiesto>)
            {
                Some(Ok(m)) => {
                    if let Some(checkpoint) = &m.audit_checkpoint {
                        if !checkpoint.signature_holds() {
                            problems.push(format!(
                                "el punto de control de auditoría de {MANIFIESTO_JSON} no está \
                                 sellado correctamente"
                            ));
                        }
                    }
                    manifiesto = Some(m);
                }
                Some(Err(e)) => {
                    problems.push(format!("{MANIFIESTO_JSON} no se puede leer: {e}"));
                }
                None => {}
            }
        }
    }
    if manifest.is_some() {
        for required in [MANIFIESTO_JSON, MANIFIESTO_CSV, REPORT_PDF] {
            if !listed.contains(required) {
                problems.push(format!(
                    "{MANIFEST_ENTRY} no sella el archivo {required} que todo paquete de Actas incluye"
                ));
            }
        }
    }
    for entry in container.files() {
        if entry.name != MANIFEST_ENTRY
            && entry.name != SIGNATURE_ENTRY
            && !listed.contains(entry.name.as_str())
        {
            problems.push(format!(
                "archivo adicional no sellado: {} no figura en {MANIFEST_ENTRY}",
                entry.name
            ));
            files.push(FileCheck {
                name: entry.name.clone(),
                status: FileStatus::Extra,
                sha256: None,
            });
        }
    }

    // What manifiesto.json says, against what was sealed and found.
    if let Some(m) = &manifiesto {
        if m.format != MANIFIESTO_FORMAT {
            problems.push(format!(
                "{MANIFIESTO_JSON}: formato «{}» desconocido (se espera {MANIFIESTO_FORMAT})",
                m.format
            ));
        }
        for doc in &m.documents {
            if !listed.contains(doc.file.as_str()) {
                problems.push(format!(
                    "{MANIFIESTO_JSON} lista el documento {} ({}) que el manifiesto no sella",
                    doc.reference, doc.file
                ));
            }
            if let Some(found) = documents.iter().find(|d| d.file == doc.file) {
                let then: Vec<&str> = doc.signatures.iter().map(|s| s.field.as_str()).collect();
                let now: Vec<&str> = found.signatures.iter().map(|s| s.field.as_str()).collect();
                if then != now {
                    problems.push(format!(
                        "{}: tiene las firmas {} y {MANIFIESTO_JSON} registra {}",
                        doc.file,
                        now.join(", "),
                        then.join(", ")
                    ));
                }
            }
        }
        for found in &documents {
            if !m.documents.iter().any(|d| d.file == found.file) {
                problems.push(format!(
                    "{}: no figura entre los documentos de {MANIFIESTO_JSON}",
                    found.file
                ));
            }
        }
    }

    // The seal, at the time the bundle says it was sealed.
    let sealed_at = manifiesto
        .as_ref()
        .and_then(|m| DateTime::parse_from_rfc3339(&m.exported_at).ok())
        .unwrap_or(options.now);
    let mut seal_problems = Vec::new();
    let seal = check_seal(
        &container,
        manifest_bytes.as_deref(),
        &options.trust_roots,
        sealed_at,
        &mut seal_problems,
    );
    problems.splice(seal_at..seal_at, seal_problems);

    Ok(BundleReport {
        bundle: manifiesto.as_ref().map(|m| m.bundle.clone()),
        exported_at: manifiesto.as_ref().map(|m| m.exported_at.clone()),
        ok: problems.is_empty(),
        seal,
        files,
        documents,
        problems,
    })
}

/// One listed file, checked.
struct ObjectCheck {
    status: FileStatus,
    sha256: Option<String>,
    problems: Vec<String>,
    document: Option<DocumentCheck>,
    /// Kept only for `manifiesto.json`.
    bytes: Option<Vec<u8>>,
}

fn check_object(
    container: &Container,
    object: &manifest::DataObjectReference,
    verify_options: &VerifyOptions,
) -> ObjectCheck {
    let name = object.uri.as_str();
    let mut check = ObjectCheck {
        status: FileStatus::Ok,
        sha256: None,
        problems: Vec::new(),
        document: None,
        bytes: None,
    };
    let Some(entry) = container.entry(name).filter(|e| !e.is_dir) else {
        check.status = FileStatus::Missing;
        check.problems.push(format!(
            "falta el archivo {name}, sellado en {MANIFEST_ENTRY}"
        ));
        return check;
    };
    let data = match container.read(entry) {
        Ok(data) => data,
        Err(e) => {
            check.status = FileStatus::Altered;
            check.problems.push(format!("{name} fue alterado: {e}"));
            return check;
        }
    };
    check.sha256 = Some(crate::store::sha256_hex(&data));
    match manifest::digest(&object.digest_algorithm, &data) {
        None => {
            check.status = FileStatus::Altered;
            check.problems.push(format!(
                "{name}: el manifiesto usa el algoritmo de resumen {}, que no se admite",
                object.digest_algorithm
            ));
            return check;
        }
        Some(digest) if digest != object.digest => {
            check.status = FileStatus::Altered;
            check.problems.push(format!(
                "{name} fue alterado: su resumen no coincide con el sellado en {MANIFEST_ENTRY}"
            ));
            return check;
        }
        Some(_) => {}
    }
    let is_pdf = name.to_ascii_lowercase().ends_with(".pdf")
        || object.mime_type.as_deref() == Some("application/pdf");
    if is_pdf && name != REPORT_PDF {
        match verify_pdf(&data, verify_options) {
            Ok(report) => {
                // Without trust roots only the trust can be open (INDETERMINADO);
                // with them, nothing but VÁLIDO passes.
                let acceptable = match report.verdict {
                    Verdict::Valido => true,
                    Verdict::Indeterminado => verify_options.trust_roots.is_empty(),
                    Verdict::NoValido => false,
                };
                if !acceptable {
                    check.problems.push(format!(
                        "{name}: su verificación es {}: {}",
                        report.verdict.label(),
                        report.reasons.join("; ")
                    ));
                }
                let titles = Default::default();
                check.document = Some(DocumentCheck {
                    file: name.to_string(),
                    number: report.number.clone(),
                    template: report.template.clone(),
                    signatures: report
                        .signatures
                        .iter()
                        .map(|s| signature_entry(s, &titles))
                        .collect(),
                    ok: acceptable,
                });
            }
            Err(e) => check
                .problems
                .push(format!("{name}: el PDF no se puede verificar ({e})")),
        }
    }
    if name == MANIFIESTO_JSON {
        check.bytes = Some(data);
    }
    check
}

fn check_seal(
    container: &Container,
    manifest: Option<&[u8]>,
    roots: &[X509],
    sealed_at: DateTime<FixedOffset>,
    problems: &mut Vec<String>,
) -> SealCheck {
    let mut seal = SealCheck::default();
    let Some(entry) = container.entry(SIGNATURE_ENTRY) else {
        return seal; // (a layout problem already)
    };
    let Some(manifest) = manifest else {
        problems.push(format!(
            "{SIGNATURE_ENTRY}: no hay manifiesto legible que verificar"
        ));
        return seal;
    };
    let der = match container.read(entry) {
        Ok(der) => der,
        Err(e) => {
            problems.push(format!("{SIGNATURE_ENTRY} fue alterado: {e}"));
            return seal;
        }
    };
    let cms = match verify_detached(&der, manifest) {
        Ok(cms) => cms,
        Err(e) => {
            problems.push(format!("{SIGNATURE_ENTRY}: el sello no se puede leer: {e}"));
            return seal;
        }
    };
    seal.intact = cms.digest_matches;
    seal.valid = cms.signature_valid;
    if !cms.digest_matches {
        problems.push(format!(
            "{MANIFEST_ENTRY} fue modificado después de sellarlo: no coincide con el resumen firmado en {SIGNATURE_ENTRY}"
        ));
    } else if !cms.signature_valid {
        problems.push(format!(
            "{SIGNATURE_ENTRY}: la firma del sello no verifica con la clave de su certificado"
        ));
    }
    if !cms.detached {
        problems.push(format!(
            "{SIGNATURE_ENTRY}: el sello no es una firma separada (contiene datos)"
        ));
    }
    let Some(cert) = &cms.signer else {
        problems.push(format!(
            "{SIGNATURE_ENTRY}: el sello no contiene el certificado de quien lo firmó"
        ));
        if !roots.is_empty() {
            seal.trusted = Some(false);
        }
        return seal;
    };
    seal.signer = Some(
        common_name(cert.subject_name()).unwrap_or_else(|| one_line_name(cert.subject_name())),
    );
    seal.subject = Some(one_line_name(cert.subject_name()));
    seal.issuer = Some(one_line_name(cert.issuer_name()));
    seal.serial = Some(serial_hex(cert));
    let at: DateTime<Utc> = sealed_at.with_timezone(&Utc);
    seal.cert_valid = crate::sign::certificate::asn1_time_to_utc(cert.not_before()) <= at
        && at <= crate::sign::certificate::asn1_time_to_utc(cert.not_after());
    if !seal.cert_valid {
        problems.push(format!(
            "{SIGNATURE_ENTRY}: el certificado del sello ({}) no estaba vigente al sellar ({})",
            seal.subject.as_deref().unwrap_or_default(),
            super::report::human_time(&sealed_at.to_rfc3339())
        ));
    }
    if !roots.is_empty() {
        let der = cert.to_der().unwrap_or_default();
        let intermediates: Vec<X509> = cms
            .certificates
            .iter()
            .filter(|c| c.to_der().unwrap_or_default() != der)
            .cloned()
            .collect();
        seal.trusted = match verify_chain(cert, &intermediates, roots, at) {
            ChainStatus::Trusted => Some(true),
            ChainStatus::Untrusted { reason } => {
                problems.push(format!(
                    "{SIGNATURE_ENTRY}: el sello no es de confianza: {reason}"
                ));
                Some(false)
            }
            ChainStatus::NoRoots => None,
        };
    }
    seal
}

impl BundleReport {
    /// The Spanish summary the CLI prints.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let count = |status| self.files.iter().filter(|f| f.status == status).count();
        out.push_str(&format!(
            "Paquete: {}{}\n",
            self.bundle.as_deref().unwrap_or("(sin identificador)"),
            self.exported_at
                .as_deref()
                .map(|t| format!(", sellado el {}", super::report::human_time(t)))
                .unwrap_or_default()
        ));
        let seal = &self.seal;
        let verdict = if seal.intact && seal.valid {
            match seal.trusted {
                Some(true) => "íntegro, válido y de confianza",
                Some(false) => "íntegro y válido, pero NO es de confianza",
                None => "íntegro y válido (confianza no comprobada: use --trust)",
            }
        } else {
            "NO verifica"
        };
        out.push_str(&format!(
            "Sello: {}{} — {verdict}\n",
            seal.signer.as_deref().unwrap_or("(desconocido)"),
            seal.issuer
                .as_deref()
                .map(|i| format!(" (emisor {i})"))
                .unwrap_or_default()
        ));
        out.push_str(&format!(
            "Archivos: {} íntegros, {} alterados, {} faltantes, {} adicionales\n",
            count(FileStatus::Ok),
            count(FileStatus::Altered),
            count(FileStatus::Missing),
            count(FileStatus::Extra)
        ));
        for f in self.files.iter().filter(|f| f.status != FileStatus::Ok) {
            let label = match f.status {
                FileStatus::Altered => "ALTERADO",
                FileStatus::Missing => "FALTA",
                FileStatus::Extra => "ADICIONAL",
                FileStatus::Ok => "",
            };
            out.push_str(&format!("  {label:<10} {}\n", f.name));
        }
        if !self.documents.is_empty() {
            out.push_str("Documentos:\n");
            for d in &self.documents {
                let n = d.signatures.len();
                out.push_str(&format!(
                    "  {:<10} {:<28} {n} {} — {}\n",
                    d.number.as_deref().unwrap_or("—"),
                    d.template.as_deref().unwrap_or("—"),
                    if n == 1 { "firma" } else { "firmas" },
                    if d.ok { "conforme" } else { "NO conforme" }
                ));
            }
        }
        if !self.problems.is_empty() {
            out.push_str("Problemas:\n");
            for p in &self.problems {
                out.push_str(&format!("  - {p}\n"));
            }
        }
        out.push_str(if self.ok {
            "Resultado: el paquete es conforme: sello, archivos y firmas verificados.\n"
        } else {
            "Resultado: el paquete NO es conforme.\n"
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::Path;

    use chrono::DateTime;

    use super::*;
    use crate::bundle::export::{build_bundle, ExportDocument, ExportOptions, Seal};
    use crate::form::{validate, ValidationContext};
    use crate::render::{render_pdf, RenderOptions};
    use crate::sign::certificate::{load_pkcs12, test_pki};
    use crate::sign::cms::CmsSigner;
    use crate::sign::{sign_pdf, PreparedPdf, SignOptions};
    use crate::template::load_catalogue;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(test_pki::NOW).unwrap()
    }

    /// The Anexo 11.1 example, rendered and signed by its first role.
    fn signed_acta() -> ExportDocument {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let catalogue = load_catalogue(&root.join("templates")).unwrap();
        let template = catalogue.require("mef-anexo-11-1").unwrap();
        let data: serde_json::Value = serde_json::from_slice(
            &std::fs::read(root.join("templates/examples/mef-anexo-11-1.json")).unwrap(),
        )
        .unwrap();
        let form = validate(template, &data, &ValidationContext::default()).unwrap();
        let options = RenderOptions {
            number: Some("2026-007".into()),
            now: now(),
        };
        let pdf = render_pdf(template, &form, &options).unwrap().pdf;
        let pki = test_pki::shared();
        let identity = load_pkcs12(&pki.p12("maria"), test_pki::PASSWORD, now()).unwrap();
        let signer = CmsSigner::new(&identity).unwrap();
        let sign = SignOptions {
            role: "coord-arquitectura".into(),
            reason: None,
            location: None,
            at: now(),
        };
        let prepared = PreparedPdf::parse(pdf).unwrap();
        let pdf = sign_pdf(&prepared, Some(template), &signer, &sign).unwrap();
        ExportDocument {
            reference: "2026-007".into(),
            number: "2026-007".into(),
            series: "general".into(),
            template: template.id.clone(),
            form_code: template.form_code.clone(),
            title: template.title.clone(),
            status: "en firma (1 de 3)".into(),
            revision: 2,
            entity: Some(template.entity.clone()),
            office: Some(template.office.clone()),
            role_titles: HashMap::new(),
            pdf,
        }
    }

    fn export(documents: &[ExportDocument]) -> Result<Vec<u8>, BundleError> {
        let pki = test_pki::shared();
        let identity = load_pkcs12(&pki.p12("rosa"), test_pki::PASSWORD, now()).unwrap();
        let signer = CmsSigner::new(&identity).unwrap();
        let seal = Seal {
            identity: &identity,
            signer: &signer,
        };
        let options = ExportOptions {
            at: now(),
            trust_roots: vec![pki.root.clone()],
            checkpoint: None,
        };
        build_bundle(documents, &seal, &options).map(|b| b.bytes)
    }

    fn options(trusted: bool) -> BundleVerifyOptions {
        let root = test_pki::shared().root.clone();
        BundleVerifyOptions {
            trust_roots: if trusted { vec![root] } else { Vec::new() },
            limits: Limits::default(),
            now: now(),
        }
    }

    #[test]
    fn export_then_verify_in_process() {
        let bytes = export(&[signed_acta()]).unwrap();
        let report = verify_bundle(&bytes, &options(true)).unwrap();
        assert!(report.ok, "{:?}", report.problems);
        assert_eq!(report.seal.trusted, Some(true));
        assert!(report.seal.cert_valid);
        assert_eq!(report.documents.len(), 1);
        assert_eq!(report.documents[0].number.as_deref(), Some("2026-007"));
        assert_eq!(report.exported_at.as_deref(), Some(test_pki::NOW));
        assert!(report.files.iter().all(|f| f.status == FileStatus::Ok));
        assert!(report.to_text().contains("el paquete es conforme"));
    }

    #[test]
    fn export_refuses_a_document_whose_signature_does_not_hold() {
        let mut doc = signed_acta();
        // A byte of the first revision (inside the signed range).
        doc.pdf[2000] ^= 0x01;
        let err = export(&[doc]).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with(
                "el documento 2026-007 no se puede archivar: su verificación es NO VÁLIDO: la firma de"
            ) && text.contains("(coord-arquitectura)"),
            "{text}"
        );
        assert!(matches!(export(&[]), Err(BundleError::Empty)));
    }

    #[test]
    fn a_foreign_container_without_actas_files_is_reported() {
        use crate::bundle::asic::{write_container, ContainerFile};
        use crate::bundle::manifest::{DataObjectReference, SigReference, SHA256_URI};
        use crate::bundle::zip::Method;
        let data = b"datos";
        let manifest = AsicManifest {
            sig_reference: Some(SigReference {
                uri: SIGNATURE_ENTRY.into(),
                mime_type: Some(asic::SIGNATURE_MIME.into()),
            }),
            objects: vec![DataObjectReference {
                uri: "datos.txt".into(),
                mime_type: None,
                digest_algorithm: SHA256_URI.into(),
                digest: openssl::sha::sha256(data).to_vec(),
            }],
        }
        .to_xml();
        let pki = test_pki::shared();
        let identity = load_pkcs12(&pki.p12("rosa"), test_pki::PASSWORD, now()).unwrap();
        let seal = CmsSigner::new(&identity)
            .unwrap()
            .sign_digest(&openssl::sha::sha256(manifest.as_bytes()))
            .unwrap();
        let file = |name: &str| ContainerFile {
            name: name.into(),
            data: &[],
            method: Method::Deflated,
        };
        let files = [
            ContainerFile {
                data,
                ..file("datos.txt")
            },
            ContainerFile {
                data: manifest.as_bytes(),
                ..file(MANIFEST_ENTRY)
            },
            ContainerFile {
                data: &seal,
                ..file(SIGNATURE_ENTRY)
            },
        ];
        let bytes = write_container(&files, now().naive_local()).unwrap();
        let report = verify_bundle(&bytes, &options(true)).unwrap();
        assert!(report.seal.intact && report.seal.valid, "{report:?}");
        assert_eq!(report.seal.trusted, Some(true));
        assert_eq!(report.problems.len(), 3, "{:?}", report.problems);
        assert!(report
            .problems
            .iter()
            .all(|p| p.contains("que todo paquete de Actas incluye")));
        assert!(report.problems[0].contains(MANIFIESTO_JSON));
    }
}
