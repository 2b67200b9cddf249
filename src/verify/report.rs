//! What `verify` tells: one [`SignatureReport`] per signature and a
//! [`VerifyReport`] for the document, serialisable for `--json`, the
//! verdict of each (VÁLIDO / NO VÁLIDO / INDETERMINADO, as the national
//! validators answer, ETSI EN 319 102-1) with its reasons, and the Spanish
//! table the CLI prints. Nothing here reads a PDF.

use serde::Serialize;
use ts_rs::TS;

/// The answer for a signature or a document (ETSI EN 319 102-1 §5.1.3:
/// TOTAL-PASSED, TOTAL-FAILED, INDETERMINATE).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord, TS)]
pub enum Verdict {
    #[serde(rename = "VALIDO")]
    Valido,
    #[serde(rename = "INDETERMINADO")]
    Indeterminado,
    #[serde(rename = "NO_VALIDO")]
    NoValido,
}

impl Verdict {
    /// As people read it: «VÁLIDO», «NO VÁLIDO», «INDETERMINADO».
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Valido => "VÁLIDO",
            Verdict::NoValido => "NO VÁLIDO",
            Verdict::Indeterminado => "INDETERMINADO",
        }
    }

    /// The exit status of `actas verify` (docs/verification.md): 0 valid,
    /// 1 not valid, 3 indeterminate (2 is unusable input).
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Valido => 0,
            Verdict::NoValido => 1,
            Verdict::Indeterminado => 3,
        }
    }
}

/// The verification of one PDF: every signature in it, in signing order.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
pub struct VerifyReport {
    /// The document's verdict: NO VÁLIDO when any signature is, when the
    /// file has no signature, a structural doubt or a forged field;
    /// INDETERMINADO when some signature is (e.g. no trust roots); else VÁLIDO.
    pub verdict: Verdict,
    /// Why the document is not VÁLIDO, one Spanish sentence each.
    pub reasons: Vec<String>,
    pub signatures: Vec<SignatureReport>,
    /// Signature fields with no signature yet (fully qualified names).
    pub unsigned_fields: Vec<String>,
    /// The Actas template id (`/ActasTemplate` in the Info dictionary), if any.
    pub template: Option<String>,
    /// The Actas document number (`/ActasNumber`), if any.
    pub number: Option<String>,
    /// How many revisions (original + incremental updates) the file has.
    pub revisions: usize,
    /// Trust roots were given or configured, so chains were checked.
    pub trust_checked: bool,
    /// Doubts about the file's structure (readers could see different documents).
    pub structure_problems: Vec<String>,
    /// Fields that show a signature that is not theirs, a certification out of place.
    pub forgeries: Vec<String>,
    /// Complete or pending, for an Actas form (filled by the service from
    /// the template; `None` for a PDF of no known form).
    pub completeness: Option<Completeness>,
    /// `verdict` is VÁLIDO.
    pub ok: bool,
}

/// Whether every required role of the form has signed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
pub struct Completeness {
    pub complete: bool,
    /// The required roles with no signature yet, in signing order.
    pub pending: Vec<PendingSignature>,
}

/// A required role that has not signed yet.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
pub struct PendingSignature {
    pub role: String,
    /// As printed on the form: «Coordinador Cómputo».
    pub title: String,
    /// Who the document names for it, when known.
    pub name: Option<String>,
}

impl PendingSignature {
    /// «Coordinador Cómputo (Víctor Raúl Chávez Paredes)».
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{} ({name})", self.title),
            None => self.title.clone(),
        }
    }
}

/// One signature: what it covers, whether it holds, and what came after it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
pub struct SignatureReport {
    /// Fully qualified field name, e.g. `firma.coord-calidad`.
    pub field: String,
    /// `coord-calidad` when the field is `firma.<role>` (an Actas field),
    /// the field the signature is bound to.
    pub role: Option<String>,
    /// The role as printed on the form («Coordinador de Calidad»), when the
    /// form is known (filled by the service).
    pub role_title: Option<String>,
    /// A document time-stamp (`/DocTimeStamp`), not a person's signature.
    pub timestamp: bool,
    /// The signer certificate's common name (its subject when it has none),
    /// or the dictionary's `/Name` when no certificate could be read.
    pub signer: Option<String>,
    /// The signer certificate's subject, one line (`CN=…, O=…, C=…`).
    pub signer_subject: Option<String>,
    /// Issuer of the signer certificate, one line.
    pub issuer: Option<String>,
    /// Serial number of the signer certificate, hexadecimal.
    pub serial: Option<String>,
    /// `/M` as people read it: `15/03/2026 10:00 -05:00`.
    pub signing_time: Option<String>,
    /// `/M` as RFC 3339, for machines.
    pub signing_time_rfc3339: Option<String>,
    /// The time a trusted RFC 3161 time-stamp proves, `dd/mm/aaaa hh:mm:ss
    /// UTC`: the signature time-stamp's (PAdES B-T and above) or, for a
    /// document time-stamp, its own. Validity, trust and revocation are
    /// then judged at this time instead of the claimed `/M`.
    pub proven_time: Option<String>,
    pub reason: Option<String>,
    pub location: Option<String>,
    /// `/SubFilter`, e.g. `ETSI.CAdES.detached`.
    pub sub_filter: String,
    /// DocMDP level (1 no changes, 2 form filling and signing, 3 also
    /// annotations) when this is a certification signature.
    pub certification: Option<u8>,
    /// ByteRange well formed (4 integers from 0, its gap exactly the
    /// `/Contents` hex string with `<` `>`, inside the file) and the CMS
    /// message digest equals the digest of those ranges.
    pub intact: bool,
    /// The CMS signature value verifies with the signer's public key.
    pub valid: bool,
    /// The chain reaches one of the given roots; `None` without roots.
    pub trusted: Option<bool>,
    /// The signer certificate was within its validity period at `/M`.
    pub cert_valid_at_signing: bool,
    /// The certificate allows signing documents (key usage digitalSignature
    /// or nonRepudiation; no extended key usage that excludes it).
    pub signer_use_ok: bool,
    /// Neither MD5 nor SHA-1 in the digest or signature algorithm.
    pub strong_algorithms: bool,
    /// An ESS signing-certificate attribute names another certificate.
    pub signing_certificate_mismatch: bool,
    /// `ETSI.CAdES.detached` with the PAdES B-B attributes: no signing-time,
    /// signing-certificate-v2 present and matching, content-type id-data.
    /// False for other sub-filters (they are not PAdES).
    pub pades_ok: bool,
    /// The 1-based revision whose end the signature's ByteRange reaches.
    pub revision: usize,
    /// The signature covers the whole file (nothing was appended after it).
    pub covers_whole_file: bool,
    /// Something other than later signatures, their fields and appearances,
    /// form resources, DSS, metadata or the Info dictionary changed after it.
    pub modified_after: bool,
    /// What changed after the signature and is not allowed, in Spanish.
    pub modifications: Vec<String>,
    /// Anything else wrong with this signature, in Spanish.
    pub problems: Vec<String>,
    pub verdict: Verdict,
    /// Why it is not VÁLIDO, one Spanish sentence each.
    pub reasons: Vec<String>,
    /// Failures the time-stamp and revocation checks found (NO VÁLIDO);
    /// they reach the user through `reasons`.
    #[serde(skip)]
    #[ts(skip)]
    pub failures: Vec<String>,
    /// Doubts the time-stamp checks found (INDETERMINADO), likewise.
    #[serde(skip)]
    #[ts(skip)]
    pub doubts: Vec<String>,
}

/// Sub-filters verified as a detached CMS signature.
const CMS_SUB_FILTERS: &[&str] = &["ETSI.CAdES.detached", "adbe.pkcs7.detached"];
/// The reason a signature is INDETERMINADO when no trust root was given.
pub const NO_ROOTS_REASON: &str =
    "no hay raíces de confianza configuradas: no se comprobó quién emitió el certificado";
/// The sub-filter of a document time-stamp (PAdES B-LTA).
pub const DOC_TIMESTAMP_SUB_FILTER: &str = "ETSI.RFC3161";

impl SignatureReport {
    /// This signature is VÁLIDO.
    pub fn ok(&self) -> bool {
        self.verdict == Verdict::Valido
    }

    /// The role as people read it: its printed title when the form is
    /// known, else the role, else the field (a PDF not made by Actas).
    /// The window, the CLI table and the report PDF all name it so.
    pub fn role_label(&self) -> &str {
        self.role_title
            .as_deref()
            .or(self.role.as_deref())
            .unwrap_or(&self.field)
    }

    /// The «Modificada después» column: a byte changed inside the signed
    /// range is a change too, not only a later revision.
    pub fn changed_after(&self) -> bool {
        self.modified_after || !self.intact
    }

    /// Sets `verdict` and `reasons` from the facts. `structure_doubt`: the
    /// file's structure can be read in more than one way; `roots_given`:
    /// trust roots were given or configured.
    pub fn judge(&mut self, structure_doubt: bool, roots_given: bool) {
        let mut failed: Vec<String> = Vec::new();
        let mut doubtful: Vec<String> = Vec::new();
        if structure_doubt {
            failed.push(
                "la estructura del archivo se puede leer de más de una forma: no se sabe qué documento firmó"
                    .into(),
            );
        }
        let doc_timestamp = self.sub_filter == DOC_TIMESTAMP_SUB_FILTER;
        if !CMS_SUB_FILTERS.contains(&self.sub_filter.as_str()) && !doc_timestamp {
            doubtful.push(format!(
                "el formato de firma /{} no se puede verificar aquí",
                self.sub_filter
            ));
        } else {
            if !self.intact {
                failed.push(if doc_timestamp {
                    "los bytes sellados no corresponden al sello de tiempo: el documento fue alterado o el sello está dañado".into()
                } else {
                    "los bytes firmados no corresponden a la firma: el documento fue alterado o la firma está dañada".into()
                });
            }
            if !self.valid {
                failed.push(if doc_timestamp {
                    "la firma de la autoridad de sellado no verifica".into()
                } else {
                    "el valor de la firma no verifica con el certificado del firmante".into()
                });
            }
            if self.signer_subject.is_some() {
                if !self.cert_valid_at_signing {
                    failed.push(if doc_timestamp {
                        "el certificado de la autoridad de sellado no estaba vigente en la fecha del sello".into()
                    } else {
                        "el certificado del firmante no estaba vigente en la fecha de la firma".into()
                    });
                }
                if !self.signer_use_ok {
                    failed.push(if doc_timestamp {
                        "el certificado de la autoridad de sellado no tiene el uso timeStamping"
                            .into()
                    } else {
                        "el certificado del firmante no está autorizado para firmar documentos"
                            .into()
                    });
                }
            }
            if self.intact && !self.strong_algorithms {
                failed.push("usa un algoritmo inseguro (MD5 o SHA-1)".into());
            }
            if self.signing_certificate_mismatch {
                failed.push(
                    "el atributo signing-certificate no corresponde al certificado del firmante"
                        .into(),
                );
            }
            if self.sub_filter == CMS_SUB_FILTERS[0]
                && !self.pades_ok
                && !self.signing_certificate_mismatch
                && self.intact
            {
                doubtful.push("no cumple el formato PAdES B-B".into());
            }
        }
        failed.extend(self.failures.iter().cloned());
        doubtful.extend(self.doubts.iter().cloned());
        if self.modified_after {
            // The first change, without its «revisión N: » prefix, says what.
            let first = self.modifications.first().map(|m| {
                m.strip_prefix("revisión ")
                    .and_then(|rest| rest.split_once(": "))
                    .map_or(m.as_str(), |(_, what)| what)
            });
            let more = match self.modifications.len() {
                0 | 1 => String::new(),
                2 => " (y 1 cambio más)".into(),
                n => format!(" (y {} cambios más)", n - 1),
            };
            failed.push(match first {
                Some(first) => format!("el documento cambió después de esta firma: {first}{more}"),
                None => "el documento cambió después de esta firma".into(),
            });
        }
        if !roots_given {
            doubtful.push(NO_ROOTS_REASON.into());
        } else if self.trusted != Some(true) {
            doubtful.push("la cadena de certificados no llega a una raíz de confianza".into());
        }
        self.verdict = if !failed.is_empty() {
            Verdict::NoValido
        } else if !doubtful.is_empty() {
            Verdict::Indeterminado
        } else {
            Verdict::Valido
        };
        failed.extend(doubtful);
        self.reasons = failed;
    }
}

impl VerifyReport {
    /// Sets the document's `verdict`, `reasons` and `ok` from its
    /// signatures (each already judged) and its structure.
    pub fn judge(&mut self) {
        let mut reasons = Vec::new();
        let mut verdict = Verdict::Valido;
        // The structure first: it explains everything after it.
        if !self.structure_problems.is_empty() {
            verdict = Verdict::NoValido;
            reasons.extend(self.structure_problems.iter().cloned());
        }
        if !self.forgeries.is_empty() {
            verdict = Verdict::NoValido;
            reasons.extend(self.forgeries.iter().cloned());
        }
        if self.signatures.is_empty() {
            verdict = Verdict::NoValido;
            reasons.push("el documento no tiene firmas".to_string());
        }
        for s in &self.signatures {
            verdict = verdict.max(s.verdict);
            if s.verdict != Verdict::Valido {
                let who = s.signer.as_deref().unwrap_or("firmante desconocido");
                reasons.push(format!(
                    "la firma de {who} ({}) es {}: {}",
                    s.role_label(),
                    s.verdict.label(),
                    s.reasons.join("; ")
                ));
            }
        }
        self.verdict = verdict;
        self.reasons = reasons;
        self.ok = verdict == Verdict::Valido;
    }

    /// Whether the acta is complete, or who must still sign; `None` when
    /// the form is not known.
    pub fn status_line(&self) -> Option<String> {
        let completeness = self.completeness.as_ref()?;
        if completeness.complete {
            return Some("Estado del acta: completa (firmaron todos los roles requeridos).".into());
        }
        let who: Vec<String> = completeness
            .pending
            .iter()
            .map(PendingSignature::label)
            .collect();
        Some(format!(
            "Estado del acta: pendiente; falta la firma de {}.",
            who.join(", ")
        ))
    }

    /// Spanish table for people: one row per signature, then the details
    /// (problems and modifications) and a closing verdict line.
    pub fn to_table(&self) -> String {
        let headers = [
            "Rol",
            "Firmante",
            "Fecha",
            "Íntegra",
            "Válida",
            "Confiable",
            "Modificada después",
            "Veredicto",
        ];
        let rows: Vec<[String; 8]> = self
            .signatures
            .iter()
            .map(|s| {
                [
                    s.role_label().to_string(),
                    s.signer.clone().unwrap_or_else(|| "—".into()),
                    match (&s.proven_time, &s.signing_time) {
                        (Some(proven), _) => format!("{proven} (sello de tiempo)"),
                        (None, Some(claimed)) => claimed.clone(),
                        (None, None) => "—".into(),
                    },
                    yes_no(s.intact).into(),
                    yes_no(s.valid).into(),
                    s.trusted.map_or("no comprobado", yes_no).into(),
                    yes_no(s.changed_after()).into(),
                    s.verdict.label().into(),
                ]
            })
            .collect();
        let mut widths = headers.map(width);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(cell));
            }
        }

        let mut out = String::new();
        let mut head = Vec::new();
        if let Some(template) = &self.template {
            head.push(format!("plantilla {template}"));
        }
        if let Some(number) = &self.number {
            head.push(format!("número {number}"));
        }
        head.push(format!(
            "{} {}",
            self.revisions,
            if self.revisions == 1 {
                "revisión"
            } else {
                "revisiones"
            }
        ));
        out.push_str(&format!("Documento: {}\n", head.join(", ")));
        if self.signatures.is_empty() {
            out.push_str("El documento no tiene firmas.\n");
        } else {
            push_row(&mut out, &headers.map(String::from), &widths);
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            out.push_str(rule.join("-+-").trim_end());
            out.push('\n');
            for row in &rows {
                push_row(&mut out, row, &widths);
            }
        }
        for s in &self.signatures {
            if s.problems.is_empty() && s.modifications.is_empty() && s.reasons.is_empty() {
                continue;
            }
            out.push_str(&format!("\n{} — {}:\n", s.role_label(), s.verdict.label()));
            for line in s.reasons.iter().chain(&s.problems).chain(&s.modifications) {
                out.push_str(&format!("  - {line}\n"));
            }
        }
        if !self.structure_problems.is_empty() || !self.forgeries.is_empty() {
            out.push_str("\nDocumento:\n");
            for line in self.structure_problems.iter().chain(&self.forgeries) {
                out.push_str(&format!("  - {line}\n"));
            }
        }
        if !self.unsigned_fields.is_empty() && self.completeness.is_none() {
            out.push_str(&format!(
                "\nCampos de firma sin firmar: {}\n",
                self.unsigned_fields.join(", ")
            ));
        }
        out.push('\n');
        out.push_str(&format!("Resultado: {}", self.verdict.label()));
        let status = self.status_line();
        match self.verdict {
            Verdict::Valido => out.push_str(
                " — todas las firmas son íntegras, válidas y de confianza, sin cambios no permitidos.\n",
            ),
            _ => {
                out.push_str(".\n");
                for reason in &self.reasons {
                    out.push_str(&format!("  - {reason}\n"));
                }
            }
        }
        if let Some(status) = status {
            out.push_str(&status);
            out.push('\n');
        }
        out
    }
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "sí"
    } else {
        "no"
    }
}

fn width(text: impl AsRef<str>) -> usize {
    text.as_ref().chars().count()
}

fn push_row(out: &mut String, cells: &[String; 8], widths: &[usize; 8]) {
    let padded: Vec<String> = cells
        .iter()
        .zip(widths)
        .map(|(cell, w)| format!("{cell}{}", " ".repeat(w.saturating_sub(width(cell)))))
        .collect();
    out.push_str(padded.join(" | ").trim_end());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signature(field: &str, ok: bool) -> SignatureReport {
        let mut s = SignatureReport {
            field: field.into(),
            role: field.strip_prefix("firma.").map(String::from),
            role_title: None,
            timestamp: false,
            signer: Some("José Ibáñez Ruiz".into()),
            signer_subject: Some("CN=José Ibáñez Ruiz".into()),
            issuer: None,
            serial: None,
            signing_time: Some("15/03/2026 10:00 -05:00".into()),
            signing_time_rfc3339: Some("2026-03-15T10:00:00-05:00".into()),
            proven_time: None,
            reason: None,
            location: None,
            sub_filter: "ETSI.CAdES.detached".into(),
            certification: None,
            intact: ok,
            valid: true,
            trusted: Some(true),
            cert_valid_at_signing: true,
            signer_use_ok: true,
            strong_algorithms: true,
            signing_certificate_mismatch: false,
            pades_ok: true,
            revision: 2,
            covers_whole_file: true,
            modified_after: false,
            modifications: vec![],
            problems: if ok {
                vec![]
            } else {
                vec!["el resumen no coincide".into()]
            },
            verdict: Verdict::Indeterminado,
            reasons: vec![],
            failures: vec![],
            doubts: vec![],
        };
        s.judge(false, true);
        s
    }

    fn report(signatures: Vec<SignatureReport>) -> VerifyReport {
        let mut report = VerifyReport {
            verdict: Verdict::Indeterminado,
            reasons: vec![],
            signatures,
            unsigned_fields: vec!["firma.coord-computo".into()],
            template: Some("mef-anexo-11-1".into()),
            number: Some("2026-001".into()),
            revisions: 3,
            trust_checked: true,
            structure_problems: vec![],
            forgeries: vec![],
            completeness: None,
            ok: false,
        };
        report.judge();
        report
    }

    #[test]
    fn table_is_spanish_and_aligned() {
        let report = report(vec![
            signature("firma.coord-calidad", true),
            signature("otro", false),
        ]);
        assert_eq!(report.verdict, Verdict::NoValido);
        let table = report.to_table();
        assert!(table.lines().any(|l| l.starts_with("Rol ")), "{table}");
        assert!(
            !table.contains("firma.coord-calidad"),
            "role, not field: {table}"
        );
        assert!(table.contains("Modificada después"), "{table}");
        assert!(table.contains("plantilla mef-anexo-11-1, número 2026-001, 3 revisiones"));
        assert!(table.contains("el resumen no coincide"));
        assert!(table.contains("Campos de firma sin firmar: firma.coord-computo"));
        let mut known = report.clone();
        known.completeness = Some(Completeness {
            complete: false,
            pending: vec![PendingSignature {
                role: "coord-computo".into(),
                title: "Coordinador Cómputo".into(),
                name: Some("Víctor Chávez".into()),
            }],
        });
        let table = known.to_table();
        assert!(!table.contains("firma.coord-computo"), "{table}");
        assert!(
            table.contains("Coordinador Cómputo (Víctor Chávez)"),
            "{table}"
        );
        let lines: Vec<&str> = table.lines().collect();
        let header = lines.iter().position(|l| l.starts_with("Rol ")).unwrap();
        // columns line up: the "|" separators sit at the same char positions
        let bars = |l: &str| -> Vec<usize> {
            l.chars()
                .enumerate()
                .filter(|(_, c)| *c == '|')
                .map(|(i, _)| i)
                .collect()
        };
        assert_eq!(bars(lines[header]), bars(lines[header + 2]));
        assert!(lines[header + 2].contains("| sí "), "{table}");
        assert!(lines[header + 3].contains("| no "), "{table}");
        assert!(lines[header + 3].ends_with("NO VÁLIDO"), "{table}");
        assert!(table.contains("Resultado: NO VÁLIDO."), "{table}");
    }

    #[test]
    fn each_check_decides_the_verdict() {
        let valid = signature("firma.a", true);
        assert_eq!(valid.verdict, Verdict::Valido, "{:?}", valid.reasons);
        assert!(valid.ok());
        let judged = |change: &dyn Fn(&mut SignatureReport), roots: bool| {
            let mut s = signature("firma.a", true);
            change(&mut s);
            s.judge(false, roots);
            s.verdict
        };
        use Verdict::*;
        assert_eq!(judged(&|_| {}, false), Indeterminado, "no trust roots");
        assert_eq!(judged(&|s| s.trusted = Some(false), true), Indeterminado);
        assert_eq!(judged(&|s| s.modified_after = true, true), NoValido);
        assert_eq!(judged(&|s| s.valid = false, true), NoValido);
        assert_eq!(judged(&|s| s.intact = false, true), NoValido);
        assert_eq!(judged(&|s| s.cert_valid_at_signing = false, true), NoValido);
        assert_eq!(judged(&|s| s.signer_use_ok = false, true), NoValido);
        assert_eq!(judged(&|s| s.strong_algorithms = false, true), NoValido);
        assert_eq!(
            judged(&|s| s.signing_certificate_mismatch = true, true),
            NoValido
        );
        assert_eq!(judged(&|s| s.pades_ok = false, true), Indeterminado);
        assert_eq!(
            judged(&|s| s.sub_filter = "adbe.x509.rsa_sha1".into(), true),
            Indeterminado
        );
        // a failure wins over a doubt
        assert_eq!(judged(&|s| s.modified_after = true, false), NoValido);
        let mut s = signature("firma.a", true);
        s.judge(true, true);
        assert_eq!(s.verdict, NoValido, "structural doubt");
    }

    #[test]
    fn the_document_takes_the_worst_and_needs_a_signature() {
        assert_eq!(report(vec![]).verdict, Verdict::NoValido);
        assert!(report(vec![]).reasons[0].contains("no tiene firmas"));
        assert_eq!(
            report(vec![signature("firma.a", true)]).verdict,
            Verdict::Valido
        );
        let mut doubtful = signature("firma.b", true);
        doubtful.judge(false, false);
        let mixed = report(vec![signature("firma.a", true), doubtful]);
        assert_eq!(mixed.verdict, Verdict::Indeterminado);
        assert!(!mixed.ok);
        let mut forged = report(vec![signature("firma.a", true)]);
        forged
            .forgeries
            .push("el campo «firma.c» recibió una firma copiada".into());
        forged.judge();
        assert_eq!(forged.verdict, Verdict::NoValido);
        assert_eq!(Verdict::Valido.exit_code(), 0);
        assert_eq!(Verdict::NoValido.exit_code(), 1);
        assert_eq!(Verdict::Indeterminado.exit_code(), 3);
    }
}
