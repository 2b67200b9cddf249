//! What changed after a signature: the revision the signature covers is
//! compared with the final document object by object (by value, so a writer
//! that re-serialises an unchanged object is not flagged), and every object
//! that was added, changed or removed is classified as allowed or not.
//!
//! Allowed after a signature (PAdES / ISO 32000-1 §12.8.2 practice, the same
//! ground pyHanko's diff analysis stands on):
//! - signature dictionaries added by later signatures (not after a
//!   certification with DocMDP P=1, which forbids them);
//! - signature fields and their widgets that were empty and only gained
//!   `/V`, `/AP`, `/F`, `/DA` — the appearance only together with the
//!   signature — and new signature fields; a signed field never changes;
//! - anything reachable only from signature widgets' `/AP`, the AcroForm
//!   `/DR`, the catalog's `/DSS`, `/Extensions`, `/Perms`, `/Metadata`, or
//!   the Info dictionary (appearance streams, their fonts, validation data)
//!   — but not the appearance of a field that was already signed;
//! - the catalog differing only in `/AcroForm /Extensions /DSS /Perms /Metadata`;
//! - the AcroForm differing only in `/SigFlags`, `/DR` and `/Fields` (the
//!   same fields plus new signature fields);
//! - a page differing only in `/Annots` gaining signature widgets;
//! - cross-reference and object streams, and unreachable new objects.
//!
//! Anything else — pages, content streams, fonts or resources the pages use
//! (even when a signature appearance uses them too), other fields,
//! annotations, objects removed — is a disallowed modification. DocMDP P=3
//! (annotations allowed) is judged like P=2, so stricter than it asks.

use std::collections::{HashMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::signatures::{catalog, resolve_array, resolve_dict, signature_fields};

/// Keys a signature field or widget may gain when it is signed.
const SIG_FIELD_KEYS: &[&[u8]] = &[b"V", b"AP", b"F", b"DA"];
/// Catalog keys a signing (or DSS-adding) update may change.
const CATALOG_KEYS: &[&[u8]] = &[b"AcroForm", b"Extensions", b"DSS", b"Perms", b"Metadata"];
/// AcroForm keys a signing update may change.
const ACROFORM_KEYS: &[&[u8]] = &[b"SigFlags", b"DR", b"Fields"];
/// Deeper object nesting than this compares as different (the parser stops at 100).
const MAX_DEPTH: usize = 128;

/// What one revision of a document is made of, as far as change analysis
/// cares. Built once per loaded revision.
pub struct Structure {
    root: Option<ObjectId>,
    info: Option<ObjectId>,
    acroform: Option<ObjectId>,
    fields_array: Option<ObjectId>,
    /// Signature fields and their widgets.
    sig_fields: HashSet<ObjectId>,
    /// Signature dictionaries (`/V` of signature fields).
    sig_values: HashSet<ObjectId>,
    /// Signature fields that have a value, and their widgets.
    signed: HashSet<ObjectId>,
    /// Indirect `/Annots` arrays of pages.
    annots_arrays: HashSet<ObjectId>,
    /// Objects the document's content depends on: reachable from the
    /// catalog without passing through signature values and appearances,
    /// `/DR`, `/DSS`, `/Extensions`, `/Perms`, `/Metadata`.
    protected: HashSet<ObjectId>,
    /// Objects reachable from the appearance of a field that is signed.
    frozen: HashSet<ObjectId>,
    /// Readable names for objects: «contenido de página 1».
    names: HashMap<ObjectId, String>,
}

impl Structure {
    pub fn new(doc: &Document) -> Structure {
        let root = doc.trailer.get(b"Root").and_then(Object::as_reference).ok();
        let info = doc.trailer.get(b"Info").and_then(Object::as_reference).ok();
        let catalog_dict = catalog(doc);
        let acroform = catalog_dict
            .and_then(|c| c.get(b"AcroForm").ok())
            .and_then(|o| o.as_reference().ok());
        let acroform_dict = catalog_dict.and_then(|c| resolve_dict(doc, c.get(b"AcroForm").ok()));
        let fields_array = acroform_dict
            .and_then(|a| a.get(b"Fields").ok())
            .and_then(|o| o.as_reference().ok());

        let mut names: HashMap<ObjectId, String> = HashMap::new();
        let mut sig_fields = HashSet::new();
        let mut sig_values = HashSet::new();
        let mut signed_widgets = Vec::new();
        let mut signed = HashSet::new();
        for field in signature_fields(doc) {
            let label = format!("campo de firma «{}»", field.name);
            for id in field.field_id.iter().chain(&field.widgets) {
                sig_fields.insert(*id);
                names.insert(*id, label.clone());
            }
            if let Some(value) = &field.value {
                if let Some(id) = value.id {
                    sig_values.insert(id);
                    names.insert(id, format!("firma del campo «{}»", field.name));
                }
                signed_widgets.extend(field.widgets.iter().copied());
                signed.extend(field.field_id.iter().chain(&field.widgets).copied());
            }
        }
        // Widgets in page /Annots whose parent is a signature field (a field
        // tree the AcroForm lost track of still signs the same way).
        let pages: Vec<(u32, ObjectId)> = doc.get_pages().into_iter().collect();
        let mut annots_arrays = HashSet::new();
        for (number, page_id) in &pages {
            names.insert(*page_id, format!("página {number}"));
            let Ok(page) = doc.get_dictionary(*page_id) else {
                continue;
            };
            for content in references(page.get(b"Contents").ok(), doc) {
                names
                    .entry(content)
                    .or_insert_with(|| format!("contenido de página {number}"));
            }
            if let Ok(Object::Reference(id)) = page.get(b"Resources") {
                names
                    .entry(*id)
                    .or_insert_with(|| format!("recursos de página {number}"));
            }
            if let Ok(Object::Reference(id)) = page.get(b"Annots") {
                annots_arrays.insert(*id);
                names
                    .entry(*id)
                    .or_insert_with(|| format!("anotaciones de página {number}"));
            }
            for annot in resolve_array(doc, page.get(b"Annots").ok()).map_or(&[][..], |a| a) {
                let Ok(id) = annot.as_reference() else {
                    continue;
                };
                if !sig_fields.contains(&id) && is_sig_widget(doc, id) {
                    sig_fields.insert(id);
                }
                names
                    .entry(id)
                    .or_insert_with(|| format!("anotación de página {number}"));
            }
        }
        if let Some(id) = root {
            names.insert(id, "catálogo del documento".into());
        }
        if let Some(id) = acroform {
            names.insert(id, "formulario (AcroForm)".into());
        }
        if let Some(id) = fields_array {
            names.insert(id, "lista de campos del formulario".into());
        }
        if let Some(id) = info {
            names.insert(id, "diccionario Info".into());
        }

        let protected = protected_objects(doc, root, acroform, &sig_fields);
        let frozen = reachable(
            doc,
            signed_widgets.iter().filter_map(|w| {
                doc.get_dictionary(*w)
                    .ok()
                    .and_then(|d| d.get(b"AP").ok())
                    .cloned()
            }),
        );
        Structure {
            root,
            info,
            acroform,
            fields_array,
            sig_fields,
            sig_values,
            signed,
            annots_arrays,
            protected,
            frozen,
            names,
        }
    }

    fn name(&self, id: ObjectId, object: Option<&Object>) -> String {
        if let Some(name) = self.names.get(&id) {
            return name.clone();
        }
        let Some(object) = object else {
            return "objeto".into();
        };
        let dict = match object {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        };
        let name_of = |key: &[u8]| {
            dict.and_then(|d| d.get(key).ok())
                .and_then(|o| o.as_name().ok())
        };
        match (name_of(b"Type"), name_of(b"Subtype")) {
            (Some(b"Font"), _) | (Some(b"FontDescriptor"), _) => "fuente".into(),
            (Some(b"Pages"), _) => "árbol de páginas".into(),
            (Some(b"Annot"), _) => "anotación".into(),
            (_, Some(b"Image")) => "imagen".into(),
            (_, Some(b"Form")) => "objeto gráfico (XObject)".into(),
            (Some(t), _) => format!("/{}", String::from_utf8_lossy(t)),
            _ => match object {
                Object::Stream(_) => "flujo".into(),
                Object::Dictionary(_) => "diccionario".into(),
                Object::Array(_) => "arreglo".into(),
                _ => "valor".into(),
            },
        }
    }
}

/// The disallowed changes from `old` (a signed revision) to `new` (the
/// final document), in Spanish, one per object. Empty when only allowed
/// changes happened.
///
/// `no_more_signatures`: the signature is a certification with DocMDP P=1
/// (ISO 32000-1 §12.8.2.2), so even a later approval signature is a
/// disallowed change (document timestamps and DSS stay allowed).
pub fn disallowed_changes(
    old: &Document,
    old_structure: &Structure,
    new: &Document,
    new_structure: &Structure,
    no_more_signatures: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    let describe = |id: ObjectId, object: Option<&Object>| {
        let name = if new_structure.names.contains_key(&id) {
            new_structure.name(id, object)
        } else {
            old_structure.name(id, object)
        };
        format!("objeto {} ({name})", id.0)
    };
    let mut diff = Diff {
        old,
        old_s: old_structure,
        new,
        new_s: new_structure,
        no_more_signatures,
        acroform_checked: false,
    };
    for (id, object) in &new.objects {
        let before = old.objects.get(id);
        if before.is_some_and(|b| same(b, object, 0)) {
            continue;
        }
        let verdict = diff.classify(*id, before, object);
        if let Err(detail) = verdict {
            let what = if before.is_some() {
                "cambió"
            } else {
                "se agregó"
            };
            let detail = if detail.is_empty() {
                String::new()
            } else {
                format!(": {detail}")
            };
            out.push(format!(
                "{} {what} después de la firma{detail}",
                describe(*id, Some(object))
            ));
        }
    }
    for (id, object) in &old.objects {
        if new.objects.contains_key(id) || is_bookkeeping(object) {
            continue;
        }
        if old_structure.protected.contains(id) || old_structure.frozen.contains(id) {
            out.push(format!(
                "{} se eliminó después de la firma",
                describe(*id, Some(object))
            ));
        }
    }
    out
}

/// One comparison: a signed revision against the final document.
struct Diff<'a> {
    old: &'a Document,
    old_s: &'a Structure,
    new: &'a Document,
    new_s: &'a Structure,
    no_more_signatures: bool,
    acroform_checked: bool,
}

impl Diff<'_> {
    /// Ok when the change to object `id` is allowed; Err with a detail (maybe empty) when not.
    fn classify(
        &mut self,
        id: ObjectId,
        before: Option<&Object>,
        after: &Object,
    ) -> Result<(), String> {
        let (old, old_s, new, new_s) = (self.old, self.old_s, self.new, self.new_s);
        if is_bookkeeping(after) || Some(id) == new_s.info || Some(id) == old_s.info {
            return Ok(());
        }
        if before.is_some() && old_s.frozen.contains(&id) {
            return Err("la apariencia de una firma anterior cambió".into());
        }
        if new_s.sig_values.contains(&id) || is_sig_dict(after) {
            let approval = after.as_dict().is_ok_and(|d| !d.has_type(b"DocTimeStamp"));
            return match before {
                Some(_) => Err("una firma existente fue reemplazada".into()),
                None if self.no_more_signatures && approval => Err(
                    "la firma de certificación (DocMDP P=1) no admite firmas posteriores".into(),
                ),
                None => Ok(()),
            };
        }
        if new_s.sig_fields.contains(&id) {
            return match before {
                None => Ok(()),
                Some(before) => sig_field_change(
                    before,
                    after,
                    old_s.signed.contains(&id),
                    new_s.signed.contains(&id),
                ),
            };
        }
        if Some(id) == new_s.root {
            let old_catalog = catalog(old).ok_or("el documento anterior no tenía catálogo")?;
            let new_catalog = after
                .as_dict()
                .map_err(|_| "el catálogo no es un diccionario")?;
            only_keys_differ(old_catalog, new_catalog, CATALOG_KEYS)?;
            return if differs(
                old_catalog.get(b"AcroForm").ok(),
                new_catalog.get(b"AcroForm").ok(),
            ) {
                check_acroform(old, new, new_s, &mut self.acroform_checked)
            } else {
                Ok(())
            };
        }
        if Some(id) == new_s.acroform || Some(id) == new_s.fields_array {
            return check_acroform(old, new, new_s, &mut self.acroform_checked);
        }
        if new_s.annots_arrays.contains(&id) {
            let before = before
                .and_then(|b| b.as_array().ok())
                .map_or(&[][..], |a| a);
            let after = after.as_array().map_err(|_| "no es un arreglo")?;
            return only_sig_widgets_added(before, after, new_s);
        }
        let protected = new_s.protected.contains(&id) || old_s.protected.contains(&id);
        if !protected {
            // Reachable only from appearances, form resources, DSS, metadata, or from nothing.
            return Ok(());
        }
        if let (Some(Object::Dictionary(b)), Object::Dictionary(a)) = (before, after) {
            if a.has_type(b"Page") {
                only_keys_differ(b, a, &[b"Annots"])?;
                let before_annots =
                    resolve_array(old, b.get(b"Annots").ok()).map_or(&[][..], |x| x);
                let after_annots = resolve_array(new, a.get(b"Annots").ok()).map_or(&[][..], |x| x);
                return only_sig_widgets_added(before_annots, after_annots, new_s);
            }
            return Err(changed_keys(b, a));
        }
        Err(String::new())
    }
}

/// The AcroForm may change only in `/SigFlags`, `/DR` and `/Fields`, and
/// `/Fields` only by gaining signature fields. Checked once per pair of
/// revisions however many of its objects changed.
fn check_acroform(
    old: &Document,
    new: &Document,
    new_s: &Structure,
    checked: &mut bool,
) -> Result<(), String> {
    if *checked {
        return Ok(());
    }
    *checked = true;
    let empty = Dictionary::new();
    let old_form = catalog(old)
        .and_then(|c| resolve_dict(old, c.get(b"AcroForm").ok()))
        .unwrap_or(&empty);
    let new_form = catalog(new)
        .and_then(|c| resolve_dict(new, c.get(b"AcroForm").ok()))
        .unwrap_or(&empty);
    only_keys_differ(old_form, new_form, ACROFORM_KEYS)
        .map_err(|e| format!("formulario (AcroForm): {e}"))?;
    let old_fields = resolve_array(old, old_form.get(b"Fields").ok()).map_or(&[][..], |a| a);
    let new_fields = resolve_array(new, new_form.get(b"Fields").ok()).map_or(&[][..], |a| a);
    let old_set: HashSet<ObjectId> = old_fields
        .iter()
        .filter_map(|f| f.as_reference().ok())
        .collect();
    let new_set: HashSet<ObjectId> = new_fields
        .iter()
        .filter_map(|f| f.as_reference().ok())
        .collect();
    if old_set.difference(&new_set).next().is_some() {
        return Err("se quitaron campos del formulario".into());
    }
    if new_set
        .difference(&old_set)
        .any(|f| !is_sig_field_tree(new, *f, new_s))
    {
        return Err("se agregaron campos que no son de firma".into());
    }
    Ok(())
}

/// A field added to `/Fields`: a signature field, or a parent whose
/// terminal fields are all signature fields.
fn is_sig_field_tree(doc: &Document, id: ObjectId, s: &Structure) -> bool {
    if s.sig_fields.contains(&id) {
        return true;
    }
    let kids = doc
        .get_dictionary(id)
        .ok()
        .and_then(|d| resolve_array(doc, d.get(b"Kids").ok()));
    match kids {
        Some(kids) if !kids.is_empty() => kids
            .iter()
            .all(|k| k.as_reference().is_ok_and(|k| s.sig_fields.contains(&k))),
        _ => false,
    }
}

fn only_sig_widgets_added(
    before: &[Object],
    after: &[Object],
    s: &Structure,
) -> Result<(), String> {
    let old: HashSet<ObjectId> = before
        .iter()
        .filter_map(|o| o.as_reference().ok())
        .collect();
    let new: HashSet<ObjectId> = after.iter().filter_map(|o| o.as_reference().ok()).collect();
    let direct = |list: &[Object]| list.iter().filter(|o| o.as_reference().is_err()).count();
    if old.difference(&new).next().is_some() || direct(before) != direct(after) {
        return Err("se quitaron o cambiaron anotaciones".into());
    }
    if new.difference(&old).any(|a| !s.sig_fields.contains(a)) {
        return Err("se agregaron anotaciones que no son campos de firma".into());
    }
    Ok(())
}

/// An empty signature field (or its widget) being signed: only `/V`,
/// `/AP`, `/F`, `/DA` change, and the appearance only together with the
/// signature (an empty field made to look signed is a forgery). A field
/// that was already signed does not change at all.
fn sig_field_change(
    before: &Object,
    after: &Object,
    was_signed: bool,
    is_signed: bool,
) -> Result<(), String> {
    let (Ok(b), Ok(a)) = (before.as_dict(), after.as_dict()) else {
        return Err(String::new());
    };
    let had_value = b.get(b"V").is_ok_and(|v| !matches!(v, Object::Null));
    if was_signed || had_value {
        return Err("el campo ya estaba firmado y cambió".into());
    }
    only_keys_differ(b, a, SIG_FIELD_KEYS)?;
    if !is_signed && differs(b.get(b"AP").ok(), a.get(b"AP").ok()) {
        return Err("la apariencia de un campo de firma vacío cambió sin firmarlo".into());
    }
    Ok(())
}

/// Err listing the differing keys when any key outside `allowed` differs.
fn only_keys_differ(
    before: &Dictionary,
    after: &Dictionary,
    allowed: &[&[u8]],
) -> Result<(), String> {
    let mut bad: Vec<String> = Vec::new();
    for key in keys(before, after) {
        if allowed.contains(&key) {
            continue;
        }
        if differs(before.get(key).ok(), after.get(key).ok()) {
            bad.push(format!("/{}", String::from_utf8_lossy(key)));
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!("cambió {}", bad.join(" ")))
    }
}

fn changed_keys(before: &Dictionary, after: &Dictionary) -> String {
    only_keys_differ(before, after, &[])
        .err()
        .unwrap_or_default()
}

fn keys<'a>(a: &'a Dictionary, b: &'a Dictionary) -> Vec<&'a [u8]> {
    let mut keys: Vec<&[u8]> = a.iter().map(|(k, _)| k.as_slice()).collect();
    for (k, _) in b.iter() {
        if !a.has(k) {
            keys.push(k);
        }
    }
    keys
}

fn differs(a: Option<&Object>, b: Option<&Object>) -> bool {
    match (a, b) {
        (None, None) => false,
        (Some(a), Some(b)) => !same(a, b, 0),
        _ => true,
    }
}

/// Equality by value: dictionaries as maps, strings whatever their
/// notation, integers and reals by number, streams by dictionary and bytes.
fn same(a: &Object, b: &Object, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match (a, b) {
        (Object::Null, Object::Null) => true,
        (Object::Boolean(x), Object::Boolean(y)) => x == y,
        (Object::Integer(x), Object::Integer(y)) => x == y,
        (Object::Real(x), Object::Real(y)) => x == y,
        (Object::Integer(x), Object::Real(y)) | (Object::Real(y), Object::Integer(x)) => {
            (*x as f64) == f64::from(*y)
        }
        (Object::Name(x), Object::Name(y)) => x == y,
        (Object::String(x, _), Object::String(y, _)) => x == y,
        (Object::Reference(x), Object::Reference(y)) => x == y,
        (Object::Array(x), Object::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y, depth + 1))
        }
        (Object::Dictionary(x), Object::Dictionary(y)) => same_dict(x, y, depth),
        (Object::Stream(x), Object::Stream(y)) => {
            x.content == y.content && same_dict(&x.dict, &y.dict, depth)
        }
        _ => false,
    }
}

fn same_dict(x: &Dictionary, y: &Dictionary, depth: usize) -> bool {
    x.len() == y.len()
        && x.iter()
            .all(|(k, v)| y.get(k).is_ok_and(|w| same(v, w, depth + 1)))
}

/// Cross-reference and object streams: containers, not content.
fn is_bookkeeping(object: &Object) -> bool {
    matches!(object, Object::Stream(s) if s.dict.has_type(b"XRef") || s.dict.has_type(b"ObjStm"))
}

fn is_sig_dict(object: &Object) -> bool {
    object.as_dict().is_ok_and(|d| {
        matches!(
            d.get(b"Type").and_then(Object::as_name),
            Ok(b"Sig" | b"DocTimeStamp")
        ) && d.has(b"ByteRange")
    })
}

/// A widget annotation of a signature field (own or inherited `/FT /Sig`).
fn is_sig_widget(doc: &Document, id: ObjectId) -> bool {
    let mut current = doc.get_dictionary(id).ok();
    for _ in 0..16 {
        let Some(dict) = current else { return false };
        if let Ok(ft) = dict.get(b"FT").and_then(Object::as_name) {
            return ft == b"Sig";
        }
        current = dict
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|p| doc.get_dictionary(p))
            .ok();
    }
    false
}

/// Object ids an object refers to directly (an array of references or one).
fn references(object: Option<&Object>, doc: &Document) -> Vec<ObjectId> {
    match object {
        Some(Object::Reference(id)) => {
            let mut out = vec![*id];
            if let Ok(Object::Array(items)) = doc.get_object(*id) {
                out.extend(items.iter().filter_map(|o| o.as_reference().ok()));
            }
            out
        }
        Some(Object::Array(items)) => items.iter().filter_map(|o| o.as_reference().ok()).collect(),
        _ => Vec::new(),
    }
}

/// Everything the document's content depends on, walked iteratively from
/// the catalog, not entering the places later signatures may write to.
fn protected_objects(
    doc: &Document,
    root: Option<ObjectId>,
    acroform: Option<ObjectId>,
    sig_fields: &HashSet<ObjectId>,
) -> HashSet<ObjectId> {
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut stack: Vec<&Object> = Vec::new();
    let Some(root) = root else { return seen };
    let mut pending: Vec<ObjectId> = vec![root];
    while let Some(id) = pending.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Ok(object) = doc.get_object(id) else {
            continue;
        };
        let skip: &[&[u8]] = if id == root {
            &[b"DSS", b"Extensions", b"Perms", b"Metadata"]
        } else if Some(id) == acroform {
            &[b"DR"]
        } else if sig_fields.contains(&id) {
            &[b"V", b"AP"]
        } else {
            &[]
        };
        let dict = match object {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        };
        match dict {
            Some(dict) => {
                for (key, value) in dict.iter() {
                    if skip.contains(&key.as_slice()) {
                        continue;
                    }
                    if id == root && key == b"AcroForm" {
                        // An inline AcroForm: its /DR is not content either.
                        if let Object::Dictionary(form) = value {
                            stack.extend(
                                form.iter()
                                    .filter(|(k, _)| k.as_slice() != b"DR")
                                    .map(|(_, v)| v),
                            );
                            continue;
                        }
                    }
                    stack.push(value);
                }
            }
            None => stack.push(object),
        }
        // Direct objects nested in this one: collect their references.
        while let Some(value) = stack.pop() {
            match value {
                Object::Reference(r) => pending.push(*r),
                Object::Array(items) => stack.extend(items),
                Object::Dictionary(d) => stack.extend(d.iter().map(|(_, v)| v)),
                Object::Stream(s) => stack.extend(s.dict.iter().map(|(_, v)| v)),
                _ => {}
            }
        }
    }
    seen
}

/// Every object reachable from the given starting values.
fn reachable(doc: &Document, starts: impl Iterator<Item = Object>) -> HashSet<ObjectId> {
    let starts: Vec<Object> = starts.collect();
    let mut seen = HashSet::new();
    let mut stack: Vec<&Object> = starts.iter().collect();
    while let Some(value) = stack.pop() {
        match value {
            Object::Reference(r) if seen.insert(*r) => {
                if let Ok(object) = doc.get_object(*r) {
                    stack.push(object);
                }
            }
            Object::Array(items) => stack.extend(items),
            Object::Dictionary(d) => stack.extend(d.iter().map(|(_, v)| v)),
            Object::Stream(s) => stack.extend(s.dict.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, StringFormat};

    #[test]
    fn equality_by_value() {
        let a = Object::Dictionary(dictionary! { "A" => 1, "B" => Object::string_literal("x") });
        let b = Object::Dictionary(dictionary! {
            "B" => Object::String(b"x".to_vec(), StringFormat::Hexadecimal),
            "A" => Object::Real(1.0),
        });
        assert!(same(&a, &b, 0));
        let c = Object::Dictionary(dictionary! { "A" => 2, "B" => Object::string_literal("x") });
        assert!(!same(&a, &c, 0));
        assert!(!same(&Object::Integer(1), &Object::Name(b"1".to_vec()), 0));
    }

    #[test]
    fn sig_field_may_only_be_filled() {
        let field = |extra: Dictionary| {
            let mut d = dictionary! { "FT" => "Sig", "T" => Object::string_literal("a") };
            for (k, v) in extra.iter() {
                d.set(k.clone(), v.clone());
            }
            Object::Dictionary(d)
        };
        let empty = field(dictionary! {});
        let signed =
            field(dictionary! { "V" => Object::Reference((9, 0)), "AP" => dictionary! {} });
        assert!(sig_field_change(&empty, &signed, false, true).is_ok());
        let renamed = field(dictionary! { "T" => Object::string_literal("b") });
        assert!(sig_field_change(&empty, &renamed, false, false).is_err());
        let resigned =
            field(dictionary! { "V" => Object::Reference((10, 0)), "AP" => dictionary! {} });
        assert!(sig_field_change(&signed, &resigned, true, true).is_err());
        // a signed widget (its field holds /V) must not change either
        let hidden = field(dictionary! { "F" => 2 });
        assert!(sig_field_change(&empty, &hidden, true, true).is_err());
        // an empty field made to look signed
        let painted =
            field(dictionary! { "AP" => dictionary! { "N" => Object::Reference((11, 0)) } });
        assert!(sig_field_change(&empty, &painted, false, false).is_err());
    }
}
