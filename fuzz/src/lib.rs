//! What each fuzz target checks, as plain functions of bytes, so the same
//! code runs under libFuzzer (`fuzz/fuzz_targets/*.rs`, one line each) and
//! in the normal test suite (`tests/fuzz_regressions.rs` includes this
//! file and replays every seed and every input that once crashed).
//!
//! A check passes when the function returns: every input must give a
//! result or an error, never a panic, an abort or unbounded memory (the
//! fuzzer runs with `-rss_limit_mb=1024`). The round-trip targets also
//! assert what must hold (parse ∘ write = identity, read ∘ write =
//! identity). Structured inputs are drawn from the raw bytes by [`Bytes`],
//! so neither side needs the `arbitrary` crate.
//!
//! It only calls `actas`' public API; it adds no behaviour.
//! `verify_pdf` trusts the test root of `tests/fixtures/verify/`, so a
//! mutated signed acta can still reach VÁLIDO and meet the oracle.

use actas::asn1;
use actas::bundle::asic::Container;
use actas::bundle::manifest::{AsicManifest, DataObjectReference, SigReference, SHA256_URI};
use actas::bundle::zip::{read_entry, read_index, Limits};
use actas::bundle::{verify_bundle, BundleVerifyOptions};
use actas::registers::excel::{self, Cell};
use actas::registers::licences::{parse_master, LICENCE_COLUMNS};
use actas::registers::rows::{parse_rows, specs, Field};
use actas::registers::{maintenance, read_table, tapes};
use actas::verify::reader::{self, PdfFile, MAX_REVISIONS};
use actas::verify::signatures::{check_byte_range, field_tree};
use actas::verify::{Verdict, VerifyOptions, VerifyReport};
use lopdf::Object;

/// A target's check: returns on every input, or panics.
pub type Check = fn(&[u8]);

/// Every target: its name (the file in `fuzz/fuzz_targets/`) and its check.
pub const TARGETS: &[(&str, Check)] = &[
    ("register_cells", register_cells),
    ("register_csv", register_csv),
    ("register_json", register_json),
    ("register_xlsx", register_xlsx),
    ("register_xls", register_xls),
    ("register_ods", register_ods),
    ("zip_reader", zip_reader),
    ("bundle_verify", bundle_verify),
    ("asic_manifest", asic_manifest),
    ("asn1_round_trip", asn1_round_trip),
    ("verify_reader", verify_reader),
    ("verify_pdf", verify_pdf),
];

/// The check of the target called `name`.
pub fn check(name: &str) -> Option<Check> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

// ---------------------------------------------------------------- registers

/// Every cell parser of the registers, on the input as a text cell and as
/// the number its first bytes make.
pub fn register_cells(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut cells = vec![Cell::text(&text)];
    if let Some(bytes) = data.get(..8) {
        let mut n = [0u8; 8];
        n.copy_from_slice(bytes);
        cells.push(Cell::Number(f64::from_le_bytes(n)));
    }
    for cell in &cells {
        let _ = excel::parse_date(cell);
        let _ = excel::parse_datetime(cell);
        let _ = excel::parse_time(cell);
        let _ = excel::parse_amount(cell);
        let _ = excel::parse_integer(cell);
        let _ = excel::parse_decimal(cell);
        let _ = excel::parse_text(cell);
        let _ = cell.shown();
    }
    let _ = actas::dates::parse_day_first_datetime(&text);
    let _ = actas::dates::parse_iso_date_or_datetime(&text);
    let _ = excel::header_key(&text);
    let _ = excel::fold(&text);
    if let Ok(Some(cents)) = excel::parse_amount_text(&text) {
        // A parsed amount is within bounds and prints.
        assert!(cents.abs() <= excel::MAX_AMOUNT_CENTS, "{text:?} → {cents}");
        let _ = excel::format_cents(cents);
    }
}

/// Every register read from `bytes` as the file `name`: the licence master
/// and the typed registers, then what is built from their rows.
fn every_register(name: &str, bytes: &[u8]) {
    if let Ok(table) = read_table(name, bytes, &LICENCE_COLUMNS) {
        let parsed = parse_master(&table);
        assert_eq!(parsed.licences.len(), parsed.keys.len());
    }
    let registers: [&[Field]; 5] = [
        &tapes::RUN_FIELDS,
        &tapes::CUSTODY_FIELDS,
        &tapes::RECOVERY_FIELDS,
        &tapes::RESTORATION_FIELDS,
        &maintenance::MAINTENANCE_FIELDS,
    ];
    for (i, fields) in registers.into_iter().enumerate() {
        let Ok(table) = read_table(name, bytes, &specs(fields)) else {
            continue;
        };
        let (rows, _) = parse_rows(&table, fields);
        match i {
            0 => drop(tapes::backup_runs(rows)),
            1 => drop(tapes::movements(rows)),
            _ => {}
        }
    }
}

pub fn register_csv(data: &[u8]) {
    every_register("registro.csv", data);
}

pub fn register_json(data: &[u8]) {
    every_register("registro.json", data);
}

pub fn register_xlsx(data: &[u8]) {
    every_register("registro.xlsx", data);
}

pub fn register_xls(data: &[u8]) {
    every_register("registro.xls", data);
}

pub fn register_ods(data: &[u8]) {
    every_register("registro.ods", data);
}

// ---------------------------------------------------------------- bundles

/// The strict ZIP reader, and every entry it accepts read back.
pub fn zip_reader(data: &[u8]) {
    let limits = Limits::default();
    if let Ok(entries) = read_index(data, &limits) {
        for entry in &entries {
            let _ = read_entry(data, entry);
        }
        if let Ok(container) = Container::open(data, &limits) {
            let _ = container.layout_problems();
        }
    }
}

/// `bundle verify` on the bytes, without trust roots.
pub fn bundle_verify(data: &[u8]) {
    let options = BundleVerifyOptions {
        trust_roots: Vec::new(),
        limits: Limits::default(),
        now: chrono::DateTime::parse_from_rfc3339("2026-03-15T10:00:00-05:00")
            .expect("a fixed time"),
    };
    let _ = verify_bundle(data, &options);
}

/// The ASiC manifest: whatever parses writes back to the same manifest,
/// and a manifest drawn from the bytes survives write → parse.
pub fn asic_manifest(data: &[u8]) {
    if let Ok(manifest) = AsicManifest::parse(data) {
        let again = AsicManifest::parse(manifest.to_xml().as_bytes());
        assert_eq!(again.as_ref(), Ok(&manifest), "parse ∘ write ≠ identity");
    }
    let mut bytes = Bytes(data);
    let mut drawn = AsicManifest {
        sig_reference: None,
        objects: Vec::new(),
    };
    if bytes.flag() {
        drawn.sig_reference = Some(SigReference {
            uri: bytes.name(),
            mime_type: bytes.flag().then(|| bytes.name()),
        });
    }
    while !bytes.is_empty() && drawn.objects.len() < 64 {
        let digest_len = 1 + bytes.byte() as usize % 64;
        drawn.objects.push(DataObjectReference {
            uri: bytes.name(),
            mime_type: bytes.flag().then(|| bytes.name()),
            digest_algorithm: if bytes.flag() {
                SHA256_URI.to_string()
            } else {
                bytes.name()
            },
            digest: (0..digest_len).map(|_| bytes.byte()).collect(),
        });
    }
    let xml = drawn.to_xml();
    assert_eq!(
        AsicManifest::parse(xml.as_bytes()),
        Ok(drawn),
        "write → parse lost something:\n{xml}"
    );
}

// ---------------------------------------------------------------- verification

/// Streams decoded per input by [`verify_reader`] (each is bounded by the
/// reader; this bounds their number, so one input stays fast).
const DECODED_STREAMS: usize = 16;

/// The verifier's revision reader on any bytes: it reads a structure or
/// refuses, within its limits; every revision lies inside the file, in
/// order; every view can be walked (pages, fields, signature byte ranges)
/// and its page contents decoded.
pub fn verify_reader(data: &[u8]) {
    let Ok(file) = PdfFile::parse(data) else {
        return;
    };
    let revisions = file.revisions();
    assert!(
        revisions.len() <= MAX_REVISIONS,
        "{} revisions",
        revisions.len()
    );
    for (i, revision) in revisions.iter().enumerate() {
        assert_eq!(revision.number, i + 1, "revisions numbered in order");
        assert!(
            revision.eof <= data.len() && revision.end <= data.len(),
            "revision {} ends past the file",
            revision.number
        );
    }
    let mut decoded = 0;
    for k in 1..=revisions.len() {
        let view = file.view(k);
        let _ = view.info();
        let tree = field_tree(view);
        for field in &tree.signature_fields {
            if let Some(Object::Reference(id)) = &field.value {
                if let Some(sig) = view.dict_of(*id) {
                    let _ = check_byte_range(data, sig);
                }
            }
        }
        for page in view.pages() {
            let contents = view.dict_of(page).and_then(|p| p.get(b"Contents").ok());
            let ids: Vec<_> = match contents {
                Some(Object::Reference(id)) => vec![*id],
                Some(Object::Array(items)) => {
                    items.iter().filter_map(|o| o.as_reference().ok()).collect()
                }
                _ => Vec::new(),
            };
            for id in ids {
                if decoded == DECODED_STREAMS {
                    return;
                }
                if let Some(Object::Stream(stream)) = view.get(id) {
                    decoded += 1;
                    let _ = reader::decode(view, stream);
                }
            }
        }
    }
}

/// The test root that issued every signer of the seeds
/// (`tests/fixtures/verify/`).
fn verify_roots() -> Vec<openssl::x509::X509> {
    static ROOTS: std::sync::OnceLock<Vec<openssl::x509::X509>> = std::sync::OnceLock::new();
    ROOTS
        .get_or_init(|| {
            let pem = include_bytes!("../../tests/fixtures/verify/root.pem");
            openssl::x509::X509::stack_from_pem(pem).expect("the test root")
        })
        .clone()
}

/// The whole verification of any bytes, trusting the seeds' root; a
/// VÁLIDO verdict must hold up ([`valid_verdict_holds`]).
pub fn verify_pdf(data: &[u8]) {
    let options = VerifyOptions {
        trust_roots: verify_roots(),
    };
    if let Ok(report) = actas::verify::verify_pdf(data, &options) {
        valid_verdict_holds(data, &report);
    }
}

/// The oracle of `verify_pdf`, read from the bytes independently of the
/// verdict: when the report says VÁLIDO, it names no forgery and no
/// structural doubt, it has signatures and each is VÁLIDO, and each
/// signature's dictionary (the `/V` of its field in its revision) has a
/// byte range that covers the file from byte 0 to the end of that
/// revision, leaving out exactly its own `/Contents`.
pub fn valid_verdict_holds(data: &[u8], report: &VerifyReport) {
    assert_eq!(report.ok, report.verdict == Verdict::Valido);
    if report.verdict != Verdict::Valido {
        return;
    }
    assert!(report.forgeries.is_empty(), "VÁLIDO with forgeries");
    assert!(report.structure_problems.is_empty(), "VÁLIDO with doubts");
    assert!(!report.signatures.is_empty(), "VÁLIDO without signatures");
    let file = PdfFile::parse(data).expect("a VÁLIDO file reads");
    for signature in &report.signatures {
        assert!(signature.ok(), "{}: not VÁLIDO", signature.field);
        assert!((1..=file.revisions().len()).contains(&signature.revision));
        let view = file.view(signature.revision);
        let sig = field_tree(view)
            .signature_fields
            .iter()
            .filter(|f| f.name == signature.field)
            .find_map(|f| match &f.value {
                Some(Object::Reference(id)) => view.dict_of(*id),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{}: no signature in its field", signature.field));
        let range = check_byte_range(data, sig)
            .unwrap_or_else(|e| panic!("{}: VÁLIDO with {e}", signature.field));
        assert_eq!(
            file.revision_ending_at(range.end()).map(|r| r.number),
            Some(signature.revision),
            "{}: the signed bytes end elsewhere than its revision",
            signature.field
        );
    }
}

// ---------------------------------------------------------------- ASN.1

/// A DER tree drawn from the bytes, written with `asn1`'s writer and read
/// back with its reader: writing what was read gives the same DER (the
/// reader recovers every tag, length and value the writer put). Then the
/// raw bytes are walked whole, as a CMS reader would.
pub fn asn1_round_trip(data: &[u8]) {
    let mut bytes = Bytes(data);
    let tree = Node::draw(&mut bytes, 0);
    let der = tree.write();
    let (tlv, rest) = asn1::parse_one(&der).expect("written DER reads back");
    assert!(rest.is_empty());
    assert_eq!(
        Node::read(&tlv).write(),
        der,
        "write ∘ read ∘ write ≠ write for {tree:?}"
    );
    walk(asn1::Reader::new(data), 0);
}

/// A DER element as the writer makes it.
#[derive(Debug, Clone)]
enum Node {
    Integer(i64),
    Unsigned(Vec<u8>),
    Oid(Vec<u64>),
    Octets(Vec<u8>),
    Null,
    Sequence(Vec<Node>),
    /// SET OF (the writer sorts it).
    Set(Vec<Node>),
    Explicit(u8, Box<Node>),
}

impl Node {
    fn draw(bytes: &mut Bytes, depth: usize) -> Node {
        let kinds = if depth >= 12 { 5 } else { 8 };
        match bytes.byte() % kinds {
            0 => Node::Integer(i64::from_le_bytes(bytes.array())),
            1 => {
                let len = bytes.byte() as usize % 24;
                Node::Unsigned((0..len).map(|_| bytes.byte()).collect())
            }
            2 => {
                let first = u64::from(bytes.byte() % 3);
                let second = if first < 2 {
                    u64::from(bytes.byte() % 40)
                } else {
                    u64::from_le_bytes(bytes.array()) >> 8
                };
                let mut arcs = vec![first, second];
                for _ in 0..bytes.byte() % 8 {
                    arcs.push(u64::from_le_bytes(bytes.array()) >> 4);
                }
                Node::Oid(arcs)
            }
            3 => {
                let len = bytes.byte() as usize * 3;
                Node::Octets(bytes.take(len).to_vec())
            }
            4 => Node::Null,
            5 | 6 => {
                let n = bytes.byte() % 6;
                let children = (0..n).map(|_| Node::draw(bytes, depth + 1)).collect();
                if bytes.flag() {
                    Node::Sequence(children)
                } else {
                    Node::Set(children)
                }
            }
            _ => Node::Explicit(bytes.byte() % 31, Box::new(Node::draw(bytes, depth + 1))),
        }
    }

    fn write(&self) -> Vec<u8> {
        match self {
            Node::Integer(v) => asn1::integer(*v),
            Node::Unsigned(m) => asn1::integer_unsigned(m),
            Node::Oid(arcs) => asn1::oid(arcs),
            Node::Octets(b) => asn1::octet_string(b),
            Node::Null => asn1::null(),
            Node::Sequence(children) => {
                let parts: Vec<Vec<u8>> = children.iter().map(Node::write).collect();
                asn1::sequence(&parts.iter().map(Vec::as_slice).collect::<Vec<_>>())
            }
            Node::Set(children) => {
                let parts: Vec<Vec<u8>> = children.iter().map(Node::write).collect();
                asn1::set_of(&parts.iter().map(Vec::as_slice).collect::<Vec<_>>())
            }
            Node::Explicit(n, inner) => asn1::explicit(*n, &inner.write()),
        }
    }

    fn read(tlv: &asn1::Tlv) -> Node {
        let children = |tlv: &asn1::Tlv| -> Vec<Node> {
            tlv.children()
                .map(|c| Node::read(&c.expect("child reads back")))
                .collect()
        };
        match tlv.tag {
            asn1::INTEGER => {
                let magnitude = tlv.unsigned_bytes();
                match (tlv.small_int(), magnitude) {
                    // Written by `integer`: fits in i64 and is minimal.
                    (Ok(v), _) if asn1::integer(v) == tlv.raw => Node::Integer(v),
                    (_, Ok(m)) => Node::Unsigned(m.to_vec()),
                    other => panic!("INTEGER read back as {other:?}"),
                }
            }
            asn1::OBJECT_IDENTIFIER => Node::Oid(
                tlv.oid_string()
                    .expect("OID reads back")
                    .split('.')
                    .map(|a| a.parse().expect("arc"))
                    .collect(),
            ),
            asn1::OCTET_STRING => Node::Octets(tlv.value.to_vec()),
            asn1::NULL => Node::Null,
            asn1::SEQUENCE => Node::Sequence(children(tlv)),
            asn1::SET => Node::Set(children(tlv)),
            tag if tag & 0xE0 == 0xA0 => {
                let inner = children(tlv);
                assert_eq!(inner.len(), 1, "EXPLICIT holds one element");
                Node::Explicit(tag & 0x1F, Box::new(inner[0].clone()))
            }
            tag => panic!("unexpected tag 0x{tag:02X}"),
        }
    }
}

/// Reads every element and its content, as a CMS reader would.
fn walk(mut reader: asn1::Reader, depth: usize) {
    while !reader.is_empty() {
        let Ok(tlv) = reader.read() else { return };
        let _ = tlv.oid_string();
        let _ = tlv.small_int();
        let _ = tlv.unsigned_bytes();
        let _ = tlv.octets();
        if tlv.is_constructed() && depth < 80 {
            walk(tlv.children(), depth + 1);
        }
    }
    let _ = asn1::certificate_issuer_serial(reader.remaining());
}

// ---------------------------------------------------------------- input

/// Draws values from fuzz input; past its end every value is zero/empty.
pub struct Bytes<'a>(pub &'a [u8]);

impl<'a> Bytes<'a> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    pub fn flag(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    pub fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for b in &mut out {
            *b = self.byte();
        }
        out
    }

    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head
    }

    /// Up to `max` bytes as text (any Unicode the bytes make).
    pub fn text(&mut self, max: usize) -> String {
        let n = self.byte() as usize % (max + 1);
        String::from_utf8_lossy(self.take(n)).into_owned()
    }

    /// A name or attribute a manifest may hold: non-empty, no control
    /// characters (XML cannot carry them).
    pub fn name(&mut self) -> String {
        let text: String = self.text(60).chars().filter(|c| !c.is_control()).collect();
        if text.is_empty() {
            "a.pdf".into()
        } else {
            text
        }
    }
}
