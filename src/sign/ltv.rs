//! Long-term validation material added to an already signed PDF, as one
//! incremental update (earlier bytes untouched, so every signature stays
//! intact): the Document Security Store (ISO 32000-2 §12.8.4.3, ETSI EN
//! 319 142-1 §5.4) with every certificate of the signers' and the TSAs'
//! chains and their revocation data (OCSP from the AIA, else the CRL from
//! the CRL distribution point), a `/VRI` entry per signature that has none
//! yet (key: SHA-1 of its `/Contents`, upper-case hex; existing entries are
//! never changed) — PAdES B-LT — and, with a TSA, a
//! document time-stamp (`/DocTimeStamp`, `ETSI.RFC3161`) in a new invisible
//! signature field in the same update — B-LTA, and the archivist's
//! re-sealing (`actas ltv`).
//!
//! What the update adds or changes (for the change analysis of the
//! verifier): new stream objects (certificates, OCSP responses, CRLs), the
//! `/DSS` dictionary (new, or the old one merged and rewritten in place),
//! the catalog (`/DSS`, `/Extensions`), the AcroForm (`/SigFlags`, with a
//! time-stamp also `/Fields` plus one field), and with a time-stamp the
//! first page (`/Annots` plus one widget; the array object when `/Annots`
//! is indirect), the new field/widget and its `/DocTimeStamp` dictionary.
//!
//! Nothing is written when any fetch fails: the error names the URL. It
//! does not: validate signatures (`verify`), or fetch issuers' certificates
//! from AIA caIssuers (chains come from the signatures, the tokens, the
//! existing DSS and the TSA's answer).

use std::collections::{BTreeMap, HashMap, HashSet};

use lopdf::{dictionary, Dictionary, Object, ObjectId, Stream};
use openssl::x509::X509;

use super::{incremental, resolve_dict, PreparedPdf, SignError, UpdateBuilder};
use crate::revocation::{self, Evidence, Fetcher, RevocationError, Status};
use crate::sign::certificate::one_line_name;
use crate::timestamp::{cms_parts, TimeStamper};

/// Name prefix of the fields that hold document time-stamps.
pub const DOC_TIMESTAMP_FIELD: &str = "sello-tiempo";

#[derive(Debug, thiserror::Error)]
pub enum LtvError {
    #[error("el documento no tiene firmas: no hay nada que preservar")]
    Unsigned,
    #[error(transparent)]
    Revocation(#[from] RevocationError),
    #[error("el certificado {subject} está revocado desde el {at}: no se agregan datos de validación a largo plazo")]
    Revoked { subject: String, at: String },
    #[error("la firma del campo {field} no se puede leer: {reason}")]
    Unreadable { field: String, reason: String },
}

/// What was added.
#[derive(Debug, Clone, Default)]
pub struct LtvSummary {
    pub certificates: usize,
    pub ocsp_responses: usize,
    pub crls: usize,
    /// Signatures and time-stamps the DSS covers.
    pub signatures: usize,
    /// The document time-stamp's time, when one was added.
    pub doc_timestamp: Option<chrono::DateTime<chrono::Utc>>,
    /// Certificates found revoked (other than `refuse_revoked`), one line each.
    pub revoked: Vec<String>,
}

/// How [`extend`] behaves.
pub struct LtvOptions<'a> {
    pub fetcher: &'a Fetcher,
    /// Adds a document time-stamp from this TSA (B-LTA, re-sealing).
    pub tsa: Option<&'a dyn TimeStamper>,
    /// This certificate (the one signing right now) found revoked is an
    /// error; any other revoked certificate is a note (re-sealing an archive
    /// whose signers were revoked after they signed).
    pub refuse_revoked: Option<&'a X509>,
}

/// A signature already in the PDF: its field and its CMS.
struct Existing {
    field: String,
    contents: Vec<u8>,
}

/// Adds the DSS (and a document time-stamp with `options.tsa`) to `pdf`.
pub fn extend(pdf: &PreparedPdf, options: &LtvOptions) -> Result<(Vec<u8>, LtvSummary), SignError> {
    let doc = &pdf.doc;
    let existing = signatures(pdf);
    if existing.is_empty() {
        return Err(LtvError::Unsigned.into());
    }

    // Every certificate the document carries, and which belong to which signature.
    let mut pool = Pool::default();
    let mut per_signature: Vec<(Vec<u8>, Vec<usize>)> = Vec::new();
    for sig in &existing {
        let parts = cms_parts(&sig.contents).map_err(|e| LtvError::Unreadable {
            field: sig.field.clone(),
            reason: e.to_string(),
        })?;
        let mut mine: Vec<usize> = parts
            .certificates
            .iter()
            .filter_map(|d| pool.add(d))
            .collect();
        for token in &parts.timestamp_tokens {
            if let Ok(token_parts) = cms_parts(token) {
                mine.extend(token_parts.certificates.iter().filter_map(|d| pool.add(d)));
            }
        }
        per_signature.push((openssl::sha::sha1(&sig.contents).to_vec(), mine));
    }
    let dss = existing_dss(doc);
    for der in &dss.certs {
        pool.add(der);
    }
    // The archive TSA: asked first, for its chain (so the DSS covers the
    // new time-stamp too) and the size of its tokens.
    let probe = match options.tsa {
        Some(tsa) => {
            let token = tsa.stamp(&openssl::sha::sha256(&pdf.bytes))?;
            if let Ok(parts) = cms_parts(&token.der) {
                for der in &parts.certificates {
                    pool.add(der);
                }
            }
            Some(token)
        }
        None => None,
    };

    // Revocation data for every certificate that has an issuer here.
    let mut summary = LtvSummary::default();
    let mut evidence_of: HashMap<usize, Vec<Evidence>> = HashMap::new();
    let mut i = 0;
    while i < pool.certs.len() {
        let cert = pool.certs[i].clone();
        i += 1;
        if revocation::is_self_signed(&cert) {
            continue;
        }
        let Some(issuer) = revocation::find_issuer(&cert, &pool.certs).cloned() else {
            continue;
        };
        let Some(checked) = options
            .fetcher
            .fetch(&cert, &issuer)
            .map_err(LtvError::from)?
        else {
            continue;
        };
        if let Status::Revoked { at } = checked.status {
            let subject = one_line_name(cert.subject_name());
            let at = at.format("%d/%m/%Y").to_string();
            let refused = options
                .refuse_revoked
                .is_some_and(|r| r.to_der().ok() == cert.to_der().ok());
            if refused {
                return Err(LtvError::Revoked { subject, at }.into());
            }
            summary
                .revoked
                .push(format!("{subject} (revocado desde el {at})"));
        }
        if let Evidence::Ocsp(der) = &checked.evidence {
            for c in revocation::ocsp_certificates(der) {
                pool.add(&c);
            }
        }
        evidence_of.entry(i - 1).or_default().push(checked.evidence);
    }

    // The update.
    let mut update = UpdateBuilder::new(pdf);
    let mut streams = StreamSet::new(&dss);
    let cert_refs: Vec<ObjectId> = pool
        .ders
        .iter()
        .map(|der| streams.add(&mut update, Kind::Cert, der))
        .collect();
    let mut evidence_refs: HashMap<usize, (Vec<ObjectId>, Vec<ObjectId>)> = HashMap::new();
    for (index, list) in &evidence_of {
        for item in list {
            let entry = evidence_refs.entry(*index).or_default();
            match item {
                Evidence::Ocsp(der) => entry.0.push(streams.add(&mut update, Kind::Ocsp, der)),
                Evidence::Crl(der) => entry.1.push(streams.add(&mut update, Kind::Crl, der)),
            }
        }
    }
    // Existing VRI entries stay as they are (a later update may add keys,
    // not change them); signatures without one get theirs.
    let mut vri = dss.vri.clone();
    for (sha1, certs) in &per_signature {
        let key: String = sha1.iter().map(|b| format!("{b:02X}")).collect();
        if vri.contains_key(&key) {
            continue;
        }
        let mut chain: Vec<usize> = Vec::new();
        for &c in certs {
            let mut current = Some(c);
            while let Some(index) = current {
                if chain.contains(&index) {
                    break;
                }
                chain.push(index);
                current = revocation::find_issuer(&pool.certs[index], &pool.certs)
                    .and_then(|issuer| pool.index_of(issuer))
                    .filter(|next| *next != index);
            }
        }
        // (OCSP responses, CRLs) of the chain's certificates.
        let (mut ocsp, mut crl) = (Vec::new(), Vec::new());
        for (ocsps, crls) in chain.iter().filter_map(|i| evidence_refs.get(i)) {
            ocsp.extend(ocsps.iter().map(|id| Object::Reference(*id)));
            crl.extend(crls.iter().map(|id| Object::Reference(*id)));
        }
        let mut entry = dictionary! {
            "Cert" => chain.iter().map(|i| Object::Reference(cert_refs[*i])).collect::<Vec<_>>(),
        };
        if !ocsp.is_empty() {
            entry.set("OCSP", ocsp);
        }
        if !crl.is_empty() {
            entry.set("CRL", crl);
        }
        vri.insert(key, entry);
    }
    summary.signatures = per_signature.len();
    summary.certificates = streams.added[0];
    summary.ocsp_responses = streams.added[1];
    summary.crls = streams.added[2];

    let mut dss_dict = dictionary! { "Type" => "DSS" };
    for (key, list) in [
        ("Certs", &streams.all[0]),
        ("OCSPs", &streams.all[1]),
        ("CRLs", &streams.all[2]),
    ] {
        if !list.is_empty() {
            dss_dict.set(
                key,
                list.iter()
                    .map(|id| Object::Reference(*id))
                    .collect::<Vec<_>>(),
            );
        }
    }
    let mut vri_dict = Dictionary::new();
    for (key, entry) in vri {
        vri_dict.set(key.into_bytes(), entry);
    }
    dss_dict.set("VRI", vri_dict);
    let dss_id = dss.id.unwrap_or_else(|| update.new_id());
    update.objects.push((dss_id, Object::Dictionary(dss_dict)));

    let Some(tsa) = options.tsa else {
        update.catalog(None, None, |catalog, _| {
            catalog.set("DSS", Object::Reference(dss_id))
        })?;
        let bytes = incremental::write_update(&pdf.bytes, &update.finish(None, 0));
        return Ok((bytes, summary));
    };

    // The document time-stamp: a new invisible field on the first page.
    let sig_id = update.new_id();
    let field_id = update.new_id();
    let page_id = *doc
        .get_pages()
        .values()
        .next()
        .ok_or_else(|| SignError::NotPdf {
            reason: "no tiene páginas".into(),
        })?;
    let name = next_field_name(pdf);
    let field = dictionary! {
        "Type" => "Annot",
        "Subtype" => "Widget",
        "FT" => "Sig",
        "T" => Object::string_literal(name),
        "F" => 132,
        "Rect" => vec![0.into(), 0.into(), 0.into(), 0.into()],
        "P" => Object::Reference(page_id),
        "V" => Object::Reference(sig_id),
    };
    update.objects.push((field_id, Object::Dictionary(field)));
    add_to_annots(&mut update, page_id, field_id)?;
    let mut fields_array: Option<(ObjectId, Vec<Object>)> = None;
    update.catalog(None, None, |catalog, form| {
        catalog.set("DSS", Object::Reference(dss_id));
        match form.get(b"Fields") {
            Ok(Object::Reference(id)) => {
                let mut list = doc
                    .get_object(*id)
                    .and_then(Object::as_array)
                    .cloned()
                    .unwrap_or_default();
                list.push(Object::Reference(field_id));
                fields_array = Some((*id, list));
            }
            Ok(Object::Array(list)) => {
                let mut list = list.clone();
                list.push(Object::Reference(field_id));
                form.set("Fields", list);
            }
            _ => form.set("Fields", vec![Object::Reference(field_id)]),
        }
    })?;
    if let Some((id, list)) = fields_array {
        update.objects.push((id, Object::Array(list)));
    }
    let sig = dictionary! {
        "Type" => "DocTimeStamp",
        "Filter" => "Adobe.PPKLite",
        "SubFilter" => "ETSI.RFC3161",
    };
    let room = probe.as_ref().map_or(16 * 1024, |t| t.der.len() + 512);
    let write = update.finish(Some((sig_id, sig)), room);
    let mut time = None;
    let bytes = incremental::write_signed_update(
        &pdf.bytes,
        &write,
        |digest| {
            let token = tsa.stamp(digest)?;
            time = Some(token.info.gen_time);
            Ok(token.der)
        },
        |needed, reserved| SignError::ContentsTooSmall { needed, reserved },
    )?;
    summary.doc_timestamp = time;
    Ok((bytes, summary))
}

/// `sello-tiempo-N`, the first N not taken.
fn next_field_name(pdf: &PreparedPdf) -> String {
    (1..)
        .map(|n| format!("{DOC_TIMESTAMP_FIELD}-{n}"))
        .find(|name| pdf.field(name).is_none())
        .unwrap_or_else(|| DOC_TIMESTAMP_FIELD.to_string())
}

/// The page's `/Annots` with one more widget.
fn add_to_annots(
    update: &mut UpdateBuilder,
    page_id: ObjectId,
    widget: ObjectId,
) -> Result<(), SignError> {
    let doc = update.doc;
    let mut page = doc
        .get_dictionary(page_id)
        .map_err(UpdateBuilder::not_pdf)?
        .clone();
    match page.get(b"Annots") {
        Ok(Object::Reference(id)) => {
            let mut list = doc
                .get_object(*id)
                .and_then(Object::as_array)
                .cloned()
                .unwrap_or_default();
            list.push(Object::Reference(widget));
            update.objects.push((*id, Object::Array(list)));
            return Ok(());
        }
        Ok(Object::Array(list)) => {
            let mut list = list.clone();
            list.push(Object::Reference(widget));
            page.set("Annots", list);
        }
        _ => page.set("Annots", vec![Object::Reference(widget)]),
    }
    update.objects.push((page_id, Object::Dictionary(page)));
    Ok(())
}

/// Every filled signature field's `/Contents` (signatures and time-stamps).
fn signatures(pdf: &PreparedPdf) -> Vec<Existing> {
    let doc = &pdf.doc;
    pdf.fields
        .iter()
        .filter(|f| f.signed)
        .filter_map(|f| {
            let field = doc.get_dictionary(f.field).ok()?;
            let value = resolve_dict(doc, field.get(b"V").ok()?)?;
            let contents = value.get(b"Contents").ok()?.as_str().ok()?.to_vec();
            Some(Existing {
                field: f.name.clone(),
                contents,
            })
        })
        .collect()
}

/// The document's DSS as it is: its object, stream contents and VRI.
#[derive(Default)]
struct Dss {
    id: Option<ObjectId>,
    certs: Vec<Vec<u8>>,
    /// (kind, content hash) → the existing stream.
    streams: Vec<(Kind, [u8; 32], ObjectId)>,
    vri: BTreeMap<String, Dictionary>,
}

fn existing_dss(doc: &lopdf::Document) -> Dss {
    let mut dss = Dss::default();
    let Ok(catalog) = doc.catalog() else {
        return dss;
    };
    let Ok(entry) = catalog.get(b"DSS") else {
        return dss;
    };
    dss.id = entry.as_reference().ok();
    let Some(dict) = resolve_dict(doc, entry) else {
        return dss;
    };
    for (key, kind) in [
        (&b"Certs"[..], Kind::Cert),
        (b"OCSPs", Kind::Ocsp),
        (b"CRLs", Kind::Crl),
    ] {
        let list = dict
            .get(key)
            .ok()
            .and_then(|o| match o {
                Object::Reference(id) => doc.get_object(*id).ok(),
                other => Some(other),
            })
            .and_then(|o| o.as_array().ok())
            .cloned()
            .unwrap_or_default();
        for item in list {
            let Ok(id) = item.as_reference() else {
                continue;
            };
            let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
                continue;
            };
            let content = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            if kind == Kind::Cert {
                dss.certs.push(content.clone());
            }
            dss.streams.push((kind, openssl::sha::sha256(&content), id));
        }
    }
    if let Some(vri) = dict.get(b"VRI").ok().and_then(|v| resolve_dict(doc, v)) {
        for (key, value) in vri.iter() {
            if let Some(entry) = resolve_dict(doc, value) {
                dss.vri
                    .insert(String::from_utf8_lossy(key).to_uppercase(), entry.clone());
            }
        }
    }
    dss
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Cert,
    Ocsp,
    Crl,
}

/// The DSS's streams: the existing ones, plus new ones added once each.
struct StreamSet {
    known: HashMap<(u8, [u8; 32]), ObjectId>,
    /// Certs, OCSPs, CRLs in DSS order.
    all: [Vec<ObjectId>; 3],
    added: [usize; 3],
}

impl StreamSet {
    fn new(dss: &Dss) -> StreamSet {
        let mut set = StreamSet {
            known: HashMap::new(),
            all: [Vec::new(), Vec::new(), Vec::new()],
            added: [0; 3],
        };
        for (kind, hash, id) in &dss.streams {
            if set.known.insert((*kind as u8, *hash), *id).is_none() {
                set.all[*kind as usize].push(*id);
            }
        }
        set
    }

    fn add(&mut self, update: &mut UpdateBuilder, kind: Kind, der: &[u8]) -> ObjectId {
        let key = (kind as u8, openssl::sha::sha256(der));
        if let Some(id) = self.known.get(&key) {
            return *id;
        }
        let id = update.new_id();
        update.objects.push((
            id,
            Object::Stream(Stream::new(Dictionary::new(), der.to_vec())),
        ));
        self.known.insert(key, id);
        self.all[kind as usize].push(id);
        self.added[kind as usize] += 1;
        id
    }
}

/// Certificates by DER, each parsed once.
#[derive(Default)]
struct Pool {
    ders: Vec<Vec<u8>>,
    certs: Vec<X509>,
    seen: HashSet<[u8; 32]>,
}

impl Pool {
    /// Adds a certificate; its index (also when it was there already).
    fn add(&mut self, der: &[u8]) -> Option<usize> {
        let hash = openssl::sha::sha256(der);
        if !self.seen.insert(hash) {
            return self.ders.iter().position(|d| d == der);
        }
        let cert = X509::from_der(der).ok()?;
        self.ders.push(der.to_vec());
        self.certs.push(cert);
        Some(self.certs.len() - 1)
    }

    fn index_of(&self, cert: &X509) -> Option<usize> {
        let der = cert.to_der().ok()?;
        self.ders.iter().position(|d| *d == der)
    }
}
