//! What `verify` tells: one [`SignatureReport`] per signature and a
//! [`VerifyReport`] for the document, serialisable for `--json`, and the
//! Spanish table the CLI prints. Nothing here reads a PDF.

use serde::Serialize;
use ts_rs::TS;

/// The verification of one PDF: every signature in it, in file order.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
pub struct VerifyReport {
    pub signatures: Vec<SignatureReport>,
    /// Signature fields with no signature yet (fully qualified names).
    pub unsigned_fields: Vec<String>,
    /// The Actas template id (`/ActasTemplate` in the Info dictionary), if any.
    pub template: Option<String>,
    /// The Actas document number (`/ActasNumber`), if any.
    pub number: Option<String>,
    /// How many revisions (original + incremental updates) the file has.
    pub revisions: usize,
    /// Every signature is intact and valid (and trusted when roots were
    /// given) and no disallowed change follows any of them. True for a file
    /// without signatures: callers that require one check `signatures`.
    pub ok: bool,
}

/// One signature: what it covers, whether it holds, and what came after it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
pub struct SignatureReport {
    /// Fully qualified field name, e.g. `firma.coord-calidad`.
    pub field: String,
    /// `coord-calidad` when the field is `firma.<role>` (an Actas field).
    pub role: Option<String>,
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
}

impl SignatureReport {
    /// This signature alone passes: intact, valid, trusted when roots were
    /// given, and nothing disallowed changed after it.
    pub fn ok(&self) -> bool {
        self.intact && self.valid && self.trusted != Some(false) && !self.modified_after
    }
}

impl VerifyReport {
    /// Spanish table for people: one row per signature, then the details
    /// (problems and modifications) and a closing verdict line.
    pub fn to_table(&self) -> String {
        let headers = [
            "Campo/Rol",
            "Firmante",
            "Fecha",
            "Íntegra",
            "Válida",
            "Confiable",
            "Modificada después",
        ];
        let rows: Vec<[String; 7]> = self
            .signatures
            .iter()
            .map(|s| {
                [
                    s.field.clone(),
                    s.signer.clone().unwrap_or_else(|| "—".into()),
                    s.signing_time.clone().unwrap_or_else(|| "—".into()),
                    yes_no(s.intact).into(),
                    yes_no(s.valid).into(),
                    s.trusted.map_or("—", yes_no).into(),
                    yes_no(s.modified_after).into(),
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
            if s.problems.is_empty() && s.modifications.is_empty() {
                continue;
            }
            out.push_str(&format!("\n{}:\n", s.field));
            for line in s.problems.iter().chain(&s.modifications) {
                out.push_str(&format!("  - {line}\n"));
            }
        }
        if !self.unsigned_fields.is_empty() {
            out.push_str(&format!(
                "\nCampos de firma sin firmar: {}\n",
                self.unsigned_fields.join(", ")
            ));
        }
        out.push('\n');
        out.push_str(if self.ok {
            "Resultado: todas las firmas son íntegras y válidas, sin cambios no permitidos.\n"
        } else {
            "Resultado: hay firmas que no son íntegras, válidas o confiables, o cambios no permitidos.\n"
        });
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

fn push_row(out: &mut String, cells: &[String; 7], widths: &[usize; 7]) {
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
        SignatureReport {
            field: field.into(),
            role: field.strip_prefix("firma.").map(String::from),
            signer: Some("José Ibáñez Ruiz".into()),
            signer_subject: None,
            issuer: None,
            serial: None,
            signing_time: Some("15/03/2026 10:00 -05:00".into()),
            signing_time_rfc3339: Some("2026-03-15T10:00:00-05:00".into()),
            reason: None,
            location: None,
            sub_filter: "ETSI.CAdES.detached".into(),
            certification: None,
            intact: ok,
            valid: true,
            trusted: None,
            cert_valid_at_signing: true,
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
        }
    }

    #[test]
    fn table_is_spanish_and_aligned() {
        let report = VerifyReport {
            signatures: vec![
                signature("firma.coord-calidad", true),
                signature("otro", false),
            ],
            unsigned_fields: vec!["firma.coord-computo".into()],
            template: Some("mef-anexo-11-1".into()),
            number: Some("2026-001".into()),
            revisions: 3,
            ok: false,
        };
        let table = report.to_table();
        assert!(table.contains("Campo/Rol"), "{table}");
        assert!(table.contains("Modificada después"), "{table}");
        assert!(table.contains("plantilla mef-anexo-11-1, número 2026-001, 3 revisiones"));
        assert!(table.contains("el resumen no coincide"));
        assert!(table.contains("Campos de firma sin firmar: firma.coord-computo"));
        let lines: Vec<&str> = table.lines().collect();
        let header = lines
            .iter()
            .position(|l| l.starts_with("Campo/Rol"))
            .unwrap();
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
        assert!(table.trim_end().ends_with("o cambios no permitidos."));
    }

    #[test]
    fn signature_ok_needs_every_check() {
        let mut s = signature("firma.a", true);
        assert!(s.ok());
        s.trusted = Some(false);
        assert!(!s.ok());
        s.trusted = None;
        s.modified_after = true;
        assert!(!s.ok());
    }
}
