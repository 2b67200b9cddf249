//! Tests of `verify` on real signed PDFs (fixtures made with pyHanko, see
//! `tests/fixtures/verify/README.md`) and on damaged copies of them.

use std::path::PathBuf;

use lopdf::{dictionary, Document, IncrementalDocument, Object, Stream};
use openssl::x509::X509;

use super::*;

/// Where each revision of `bytes` ends.
fn revision_ends(bytes: &[u8]) -> Vec<usize> {
    PdfFile::parse(bytes)
        .unwrap()
        .revisions()
        .iter()
        .map(|r| r.end)
        .collect()
}

fn trusted() -> VerifyOptions {
    VerifyOptions {
        trust_roots: root("root.pem"),
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests/fixtures/verify", name]
        .iter()
        .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn root(name: &str) -> Vec<X509> {
    X509::stack_from_pem(&fixture(name)).unwrap()
}

fn no_roots() -> VerifyOptions {
    VerifyOptions::default()
}

fn five() -> Vec<u8> {
    fixture("signed-5.pdf")
}

/// The first three revisions of the fixture: the rendered acta and two signatures.
fn two() -> Vec<u8> {
    let bytes = five();
    let ends = revision_ends(&bytes);
    assert_eq!(ends.len(), 6, "render + 5 signatures");
    bytes[..ends[2]].to_vec()
}

#[test]
fn two_signatures_are_intact_valid_and_unmodified() {
    let report = verify_pdf(&two(), &trusted()).unwrap();
    assert_eq!(report.revisions, 3);
    assert_eq!(report.template.as_deref(), Some("mef-anexo-11-1"));
    assert_eq!(report.unsigned_fields, vec!["firma.coord-computo"]);
    let fields: Vec<&str> = report.signatures.iter().map(|s| s.field.as_str()).collect();
    assert_eq!(fields, ["firma.coord-arquitectura", "firma.coord-calidad"]);
    for (i, s) in report.signatures.iter().enumerate() {
        assert!(s.intact && s.valid, "{s:#?}");
        assert!(!s.modified_after, "{s:#?}");
        assert!(s.pades_ok, "{s:#?}");
        assert!(s.cert_valid_at_signing, "{s:#?}");
        assert_eq!(s.trusted, Some(true));
        assert_eq!(s.verdict, Verdict::Valido, "{s:#?}");
        assert_eq!(s.revision, i + 2);
        assert_eq!(s.sub_filter, "ETSI.CAdES.detached");
        assert!(s.problems.is_empty(), "{s:#?}");
    }
    let first = &report.signatures[0];
    assert_eq!(first.role.as_deref(), Some("coord-arquitectura"));
    assert_eq!(first.signer.as_deref(), Some("Ana Núñez Pérez"));
    assert_eq!(
        first.signer_subject.as_deref(),
        Some("CN=Ana Núñez Pérez, O=Actas Pruebas, C=PE")
    );
    assert!(!first.covers_whole_file);
    assert!(report.signatures[1].covers_whole_file);
    assert_eq!(
        report.signatures[1].signer.as_deref(),
        Some("José Ibáñez Ruiz")
    );
    let time = first.signing_time.as_deref().unwrap();
    assert!(
        time.len() == "15/03/2026 10:00 +00:00".len() && time.as_bytes()[2] == b'/',
        "{time}"
    );
    assert!(first.signing_time_rfc3339.is_some());
    assert!(report.ok);
    assert_eq!(report.verdict, Verdict::Valido);
    let table = report.to_table();
    // Without the form's titles the role names the row, not the field.
    assert!(table.contains("\ncoord-calidad "), "{table}");
    assert!(!table.contains("firma.coord-calidad"), "{table}");
    assert!(table.contains("José Ibáñez Ruiz"), "{table}");
}

#[test]
fn without_trust_roots_the_verdict_is_indeterminate() {
    let report = verify_pdf(&two(), &no_roots()).unwrap();
    assert_eq!(report.verdict, Verdict::Indeterminado);
    assert!(!report.ok);
    for s in &report.signatures {
        assert!(s.intact && s.valid && !s.modified_after, "{s:#?}");
        assert_eq!(s.verdict, Verdict::Indeterminado);
        assert!(
            s.reasons.iter().any(|r| r.contains("raíces de confianza")),
            "{s:#?}"
        );
    }
    assert!(report.to_table().contains("Resultado: INDETERMINADO."));
}

#[test]
fn five_signatures_with_new_fields_and_pkcs7() {
    let report = verify_pdf(&five(), &trusted()).unwrap();
    assert_eq!(report.revisions, 6);
    assert_eq!(report.signatures.len(), 5);
    assert!(report.unsigned_fields.is_empty());
    for s in &report.signatures {
        assert!(s.intact && s.valid && !s.modified_after, "{s:#?}");
    }
    let last = &report.signatures[4];
    assert_eq!(last.field, "extra2");
    assert_eq!(last.role, None);
    assert_eq!(last.sub_filter, "adbe.pkcs7.detached");
    assert!(!last.pades_ok, "not PAdES");
    assert!(last.covers_whole_file);
    assert!(report.signatures[3].pades_ok);
    assert!(report.ok, "{}", report.to_table());
}

#[test]
fn trust_follows_the_given_roots() {
    let trusted = verify_pdf(
        &five(),
        &VerifyOptions {
            trust_roots: root("root.pem"),
        },
    )
    .unwrap();
    assert!(trusted.signatures.iter().all(|s| s.trusted == Some(true)));
    assert!(trusted.ok);

    let other = verify_pdf(
        &five(),
        &VerifyOptions {
            trust_roots: root("other-root.pem"),
        },
    )
    .unwrap();
    for s in &other.signatures {
        assert_eq!(s.trusted, Some(false), "{s:#?}");
        assert!(s.problems.iter().any(|p| p.contains("confiable")), "{s:#?}");
    }
    assert!(!other.ok);
    assert!(other.to_table().contains("| no"));
}

/// Byte offset of the first content stream of page `page` (1-based).
fn content_offset(bytes: &[u8], page: u32) -> usize {
    let doc = Document::load_mem(bytes).unwrap();
    let page_id = doc.get_pages()[&page];
    let content = doc.get_page_contents(page_id)[0];
    let Some(lopdf::xref::XrefEntry::Normal { offset, .. }) = doc.reference_table.get(content.0)
    else {
        panic!("content stream not at a plain offset")
    };
    let offset = *offset as usize;
    offset + reader::find(&bytes[offset..], b"stream").unwrap() + b"stream\n".len()
}

#[test]
fn a_flipped_byte_breaks_every_signature_covering_it() {
    let mut bytes = two();
    let at = content_offset(&bytes, 1) + 20;
    assert!(
        at < revision_ends(&bytes)[0],
        "inside the rendered revision"
    );
    bytes[at] ^= 0x01;
    let report = verify_pdf(&bytes, &no_roots()).unwrap();
    assert!(!report.ok);
    for s in &report.signatures {
        assert!(!s.intact, "{s:#?}");
        assert!(
            s.problems.iter().any(|p| p.contains("message-digest")),
            "{s:#?}"
        );
    }
    let table = report.to_table();
    assert!(
        table.contains("coord-arquitectura — NO VÁLIDO:\n  - "),
        "{table}"
    );
    assert!(table.contains("| no      |"), "{table}");
}

#[test]
fn a_flipped_byte_after_the_first_signature_breaks_only_the_second() {
    let mut bytes = two();
    let ends = revision_ends(&bytes);
    // /Reason of the second signature, in the third revision.
    let reason = reader::find(&bytes[ends[1]..], b"Coordinador de Calidad").unwrap() + ends[1];
    bytes[reason] = b'K';
    let report = verify_pdf(&bytes, &no_roots()).unwrap();
    let [first, second] = &report.signatures[..] else {
        panic!("{report:#?}")
    };
    assert!(first.intact && first.valid, "{first:#?}");
    assert!(!second.intact, "{second:#?}");
    assert!(!report.ok);
}

/// Appends an incremental update that replaces page 1's first content stream.
fn with_new_page_content(bytes: &[u8]) -> Vec<u8> {
    let prev = Document::load_mem(bytes).unwrap();
    let page_id = prev.get_pages()[&1];
    let content = prev.get_page_contents(page_id)[0];
    let mut update = IncrementalDocument::create_from(bytes.to_vec(), prev);
    update.new_document.objects.insert(
        content,
        Object::Stream(Stream::new(
            dictionary! {},
            b"BT /F1 24 Tf 100 700 Td (Aprobado por todos) Tj ET".to_vec(),
        )),
    );
    let mut out = Vec::new();
    update.save_to(&mut out).unwrap();
    out
}

#[test]
fn a_later_page_content_change_is_flagged() {
    let bytes = with_new_page_content(&two());
    let report = verify_pdf(&bytes, &no_roots()).unwrap();
    assert_eq!(report.revisions, 4);
    assert!(!report.ok);
    for s in &report.signatures {
        assert!(s.intact && s.valid, "{s:#?}");
        assert!(s.modified_after, "{s:#?}");
        assert!(!s.covers_whole_file);
        assert!(
            s.modifications
                .iter()
                .any(|m| m.starts_with("revisión 4: contenido de la página 1")
                    && m.contains("cambió el contenido del flujo")),
            "{s:#?}"
        );
        assert_eq!(s.verdict, Verdict::NoValido);
    }
    assert!(report.to_table().contains("contenido de la página 1"));
}

#[test]
fn later_signatures_are_not_modifications_but_a_new_annotation_is() {
    // Add a non-signature annotation to page 2 after all five signatures.
    let bytes = five();
    let prev = Document::load_mem(&bytes).unwrap();
    let page_id = prev.get_pages()[&2];
    let mut update = IncrementalDocument::create_from(bytes.clone(), prev);
    update.opt_clone_object_to_new_document(page_id).unwrap();
    let annot = update.new_document.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Text", "Rect" => vec![0.into(), 0.into(), 10.into(), 10.into()],
        "Contents" => Object::string_literal("nota"),
    });
    let page = update
        .new_document
        .get_object_mut(page_id)
        .and_then(Object::as_dict_mut)
        .unwrap();
    match page.get_mut(b"Annots") {
        Ok(Object::Array(list)) => list.push(Object::Reference(annot)),
        _ => page.set("Annots", vec![Object::Reference(annot)]),
    }
    let mut out = Vec::new();
    update.save_to(&mut out).unwrap();
    let report = verify_pdf(&out, &no_roots()).unwrap();
    assert!(report.signatures.iter().all(|s| s.modified_after));
    let mods = &report.signatures[4].modifications;
    assert!(
        mods.iter().any(|m| m.contains("página 2")
            && m.contains("se agregó una anotación")
            && m.contains("no es una firma de esta revisión")),
        "{mods:#?}"
    );
}

#[test]
fn an_empty_field_made_to_look_signed_is_flagged() {
    // Give the unsigned firma.coord-computo a visible "signature" without signing it.
    let bytes = two();
    let widget = {
        let file = PdfFile::parse(&bytes).unwrap();
        let tree = signatures::field_tree(file.last());
        let empty = tree
            .signature_fields
            .iter()
            .find(|f| f.value.is_none())
            .unwrap();
        empty.widgets[0]
    };
    let prev = Document::load_mem(&bytes).unwrap();
    let mut update = IncrementalDocument::create_from(bytes.clone(), prev);
    let look = update.new_document.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 100.into(), 40.into()] },
        b"BT /F1 10 Tf 2 20 Td (Firmado) Tj ET".to_vec(),
    ));
    update.opt_clone_object_to_new_document(widget).unwrap();
    update
        .new_document
        .get_object_mut(widget)
        .and_then(Object::as_dict_mut)
        .unwrap()
        .set("AP", dictionary! { "N" => Object::Reference(look) });
    let mut out = Vec::new();
    update.save_to(&mut out).unwrap();
    let report = verify_pdf(&out, &no_roots()).unwrap();
    assert!(!report.ok);
    for s in &report.signatures {
        assert!(
            s.modifications
                .iter()
                .any(|m| m.contains("campo «firma.coord-computo»") && m.contains("/AP")),
            "{s:#?}"
        );
    }
}

#[test]
fn an_approval_after_a_no_changes_certification_is_flagged() {
    let report = verify_pdf(&fixture("certified-p1.pdf"), &no_roots()).unwrap();
    let [certification, approval] = &report.signatures[..] else {
        panic!("{report:#?}")
    };
    assert_eq!(certification.field, "certificacion");
    assert_eq!(certification.certification, Some(1));
    assert!(certification.intact && certification.valid);
    assert!(certification.modified_after, "{certification:#?}");
    assert!(
        certification
            .modifications
            .iter()
            .any(|m| m.contains("DocMDP P=1")),
        "{certification:#?}"
    );
    assert_eq!(certification.verdict, Verdict::NoValido);
    assert_eq!(approval.certification, None);
    assert!(approval.intact && approval.valid && !approval.modified_after);
    assert!(!report.ok);
    assert_eq!(report.verdict, Verdict::NoValido);
}

#[test]
fn unreadable_inputs_are_spanish_errors() {
    let err = verify_pdf(b"hola, no soy un PDF", &no_roots()).unwrap_err();
    assert!(matches!(err, VerifyError::NotPdf));
    assert_eq!(err.to_string(), "no es un PDF (no empieza con %PDF-)");
    assert!(matches!(
        verify_pdf(b"", &no_roots()),
        Err(VerifyError::NotPdf)
    ));

    let bytes = two();
    let err = verify_pdf(&bytes[..bytes.len() / 2], &no_roots()).unwrap_err();
    assert!(matches!(err, VerifyError::Truncated(_)), "{err}");
    assert!(err.to_string().starts_with("el PDF está truncado"));

    for name in ["encrypted-open.pdf", "encrypted-password.pdf"] {
        let err = verify_pdf(&fixture(name), &no_roots()).unwrap_err();
        assert!(matches!(err, VerifyError::Encrypted), "{name}: {err}");
        assert!(err.to_string().contains("cifrado"));
    }

    let missing = std::path::Path::new("/nonexistent/acta.pdf");
    let err = verify_file(missing, &no_roots()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("no se puede leer /nonexistent/acta.pdf"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nota.pdf");
    std::fs::write(&path, "texto").unwrap();
    let err = verify_file(&path, &no_roots()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{}: no es un PDF (no empieza con %PDF-)", path.display())
    );
}

#[test]
fn a_pdf_cut_at_a_revision_boundary_is_an_earlier_revision() {
    let bytes = five();
    let ends = revision_ends(&bytes);
    let report = verify_pdf(&bytes[..ends[0]], &trusted()).unwrap();
    assert!(report.signatures.is_empty());
    assert_eq!(report.unsigned_fields.len(), 3);
    assert_eq!(
        report.verdict,
        Verdict::NoValido,
        "no signature is not valid"
    );
    assert!(report.to_table().contains("El documento no tiene firmas."));
}

#[test]
fn the_report_serialises_for_json() {
    let report = verify_pdf(&two(), &no_roots()).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["verdict"], "INDETERMINADO");
    assert_eq!(json["signatures"][1]["field"], "firma.coord-calidad");
    assert_eq!(json["signatures"][1]["role"], "coord-calidad");
    assert_eq!(json["signatures"][1]["trusted"], serde_json::Value::Null);
    assert!(json["signatures"][0]["signing_time_rfc3339"].is_string());
}

/// Small deterministic generator for the damage test.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn damaged_inputs_never_panic() {
    // ACTAS_FUZZ_ROUNDS=20000 for a longer run (release build recommended),
    // ACTAS_FUZZ_FILE=signed.pdf to damage another signed file.
    let rounds: usize = std::env::var("ACTAS_FUZZ_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(400);
    let original = match std::env::var("ACTAS_FUZZ_FILE") {
        Ok(path) => std::fs::read(path).unwrap(),
        Err(_) => two(),
    };
    let byte_ranges: Vec<usize> = (0..original.len())
        .filter(|i| original[*i..].starts_with(b"/ByteRange"))
        .collect();
    let mut rng = XorShift(0x5eed_ac7a5);
    let options = VerifyOptions {
        trust_roots: root("root.pem"),
    };
    for round in 0..rounds {
        let mut bytes = original.clone();
        match round % 4 {
            0 => {
                for _ in 0..1 + rng.below(8) {
                    let at = rng.below(bytes.len());
                    bytes[at] = rng.next() as u8;
                }
            }
            1 => bytes.truncate(rng.below(bytes.len())),
            2 => {
                // damage the structure: overwrite a run with PDF-ish tokens
                let at = rng.below(bytes.len());
                let token: &[u8] =
                    [&b" 0 R"[..], b"<<", b">>", b"[", b"endobj", b"999999999999"][rng.below(6)];
                for (i, b) in token.iter().enumerate() {
                    if let Some(slot) = bytes.get_mut(at + i) {
                        *slot = *b;
                    }
                }
            }
            _ => {
                // change a digit of a /ByteRange: gaps move, shrink, overlap
                let start = byte_ranges[rng.below(byte_ranges.len())] + b"/ByteRange".len();
                let digits: Vec<usize> = (start..start + 40)
                    .filter(|i| bytes[*i].is_ascii_digit())
                    .collect();
                let at = digits[rng.below(digits.len())];
                bytes[at] = b'0' + rng.below(10) as u8;
            }
        }
        // Ok or Err, never a panic (verify_pdf would turn one into Err, so check
        // the inner function directly).
        let _ = verify_inner(&bytes, &options);
    }
}
