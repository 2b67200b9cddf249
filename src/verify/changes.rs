//! What changed from one revision to the next, and whether it was allowed:
//! the binding of new signatures to their fields, and a fail-closed
//! comparison of the two revisions as object graphs (see
//! `docs/verification.md`).
//!
//! The comparison walks both revisions together from the trailer's `/Root`
//! along the same semantic paths (catalog → pages → content, resources,
//! annotations; catalog → AcroForm → fields → widgets), so a change is
//! found wherever the viewer would render or act on it, whatever the
//! object claims to be (`/Type` labels are never trusted to skip a
//! comparison). An object's rule comes from its place in the structure:
//! the page tree, the field tree, the pages' `/Annots`. Allowed, exactly:
//!
//! - a signature value added to a field that was empty, bound in this
//!   revision (its `/V`, its widgets' `/AP`), and new signature fields
//!   created and signed in this revision — invisible ones always, visible
//!   ones only without a certification (a new visible widget after a
//!   certification is the «sneaky signature» attack);
//! - `/AcroForm`: `/SigFlags`, new `/DR` resources (existing ones stay);
//! - the catalog's `/DSS` and `/Extensions`, and `/Perms` when the
//!   certification that it names is bound in this revision;
//! - the Info dictionary and the catalog's XMP `/Metadata` stream (never
//!   rendered; never read for the report after the first signature);
//! - with a certification of DocMDP P=2 or 3, filling other fields (`/V`,
//!   `/AP`, `/AS`); with P=3, also annotations (ISO 32000-1 §12.8.2.2);
//! - anything no path from `/Root` reaches (cross-reference and object
//!   streams, unused objects).
//!
//! Everything else is a modification, named by where the viewer meets it
//! («página 1 › /Contents (objeto 7): cambió el contenido del flujo»).
//! It does not: verify signatures' cryptography (`cms`) or read the file
//! (`reader`).

use std::collections::{HashMap, HashSet, VecDeque};

use lopdf::{Dictionary, Object, ObjectId};

use super::reader::View;
use super::signatures::{docmdp_level, FieldTree};

/// Comparisons (objects and values) one step may cost before the document
/// is called too complex to compare (fail closed).
const MAX_WORK: usize = 2_000_000;

/// What may change after the signatures so far (ISO 32000-1 §12.8.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// No certification: only later signatures (and DSS, timestamps, Info).
    Approvals,
    /// A certification signature with DocMDP `/P` 1, 2 or 3.
    Certified(u8),
}

impl Permission {
    fn form_filling(self) -> bool {
        matches!(self, Permission::Certified(2 | 3))
    }
    fn annotations(self) -> bool {
        self == Permission::Certified(3)
    }
}

/// A signature that counts: the field whose `/V` first pointed to its
/// dictionary, in the same revision its `/ByteRange` ends in.
#[derive(Debug, Clone)]
pub struct Binding {
    pub field: ObjectId,
    pub field_name: String,
    pub value: ObjectId,
    /// The revision it signs (1-based).
    pub revision: usize,
    pub widgets: Vec<ObjectId>,
    /// A certification: the DocMDP level, and `/Perms /DocMDP` names it.
    pub certification: Option<u8>,
    /// A document time-stamp (`/Type /DocTimeStamp` or `ETSI.RFC3161`).
    pub timestamp: bool,
}

/// The signatures revision `new` binds: empty signature fields of `old`
/// (or fields new in `new`) whose `/V` now points at a signature
/// dictionary that `new` itself declares and whose `/ByteRange` ends at
/// `new`'s end with its gap inside that dictionary's own bytes. Returns
/// them, and a sentence for each field that gained a value that does not
/// meet that (a copied or misplaced signature).
pub fn bindings(
    old: Option<(View<'_>, &FieldTree)>,
    new: View<'_>,
    new_tree: &FieldTree,
) -> (Vec<Binding>, Vec<String>) {
    let revision = new.revision();
    let mut out: Vec<Binding> = Vec::new();
    let mut problems = Vec::new();
    let mut claimed: HashMap<ObjectId, String> = HashMap::new();
    for field in &new_tree.signature_fields {
        let Some(value) = &field.value else { continue };
        let before = old.and_then(|(_, tree)| {
            tree.signature_fields
                .iter()
                .find(|f| f.id == field.id)
                .map(|f| f.value.clone())
        });
        if let Some(Some(previous)) = &before {
            // Already had a value: unchanged, or a change `compare` names.
            let _ = previous;
            continue;
        }
        let Object::Reference(sig_id) = value else {
            problems.push(format!(
                "el campo «{}» tiene una firma que no es un objeto propio",
                field.name
            ));
            continue;
        };
        let Some(sig) = new.get(*sig_id).and_then(|o| o.as_dict().ok()) else {
            problems.push(format!(
                "el campo «{}» apunta a una firma que no existe (objeto {})",
                field.name, sig_id.0
            ));
            continue;
        };
        let declared_here = revision.declares(sig_id.0);
        let ends_here = raw_end(sig).is_some_and(|end| end >= revision.eof && end <= revision.end);
        let gap_inside = gap(sig).is_some_and(|(from, to)| {
            new.span(*sig_id)
                .is_some_and(|(start, end)| from > start && to < end)
        });
        if !(declared_here && ends_here && gap_inside) {
            let why = if !declared_here {
                "es la firma de otra revisión (copiada)"
            } else if !ends_here {
                "no firma la revisión en que apareció"
            } else {
                "su /ByteRange no apunta a su propio /Contents"
            };
            problems.push(format!(
                "revisión {}: el campo «{}» recibió una firma que {why}",
                revision.number, field.name
            ));
            continue;
        }
        if let Some(other) = claimed.insert(*sig_id, field.name.clone()) {
            problems.push(format!(
                "revisión {}: la misma firma (objeto {}) aparece en los campos «{other}» y «{}»",
                revision.number, sig_id.0, field.name
            ));
            out.retain(|b| b.value != *sig_id);
            continue;
        }
        let certification = docmdp_level(new, sig).filter(|_| {
            new.root()
                .and_then(|root| new.dict(root.get(b"Perms").ok()))
                .and_then(|perms| perms.get(b"DocMDP").ok())
                == Some(&Object::Reference(*sig_id))
        });
        let timestamp = sig.has_type(b"DocTimeStamp")
            || sig.get(b"SubFilter").and_then(Object::as_name).ok() == Some(b"ETSI.RFC3161");
        out.push(Binding {
            field: field.id,
            field_name: field.name.clone(),
            value: *sig_id,
            revision: revision.number,
            widgets: field.widgets.clone(),
            certification,
            timestamp,
        });
    }
    (out, problems)
}

/// Offset where a signature's signed bytes end (`c + d` of `/ByteRange [a b c d]`).
pub fn raw_end(sig: &Dictionary) -> Option<usize> {
    let [_, _, c, d] = byte_range(sig)?;
    c.checked_add(d)
}

/// The gap of `/ByteRange [0 b c d]`: bytes `b..c`.
fn gap(sig: &Dictionary) -> Option<(usize, usize)> {
    let [_, b, c, _] = byte_range(sig)?;
    Some((b, c))
}

fn byte_range(sig: &Dictionary) -> Option<[usize; 4]> {
    let values = sig.get(b"ByteRange").ok()?.as_array().ok()?;
    let mut out = [0usize; 4];
    if values.len() != 4 {
        return None;
    }
    for (slot, value) in out.iter_mut().zip(values) {
        *slot = usize::try_from(value.as_i64().ok()?).ok()?;
    }
    Some(out)
}

/// The disallowed changes from revision `old` to the next one, `new`, in
/// Spanish; empty when every change is allowed. `bindings` are the
/// signatures `new` binds; `permission` what the signatures before allow.
pub fn compare(
    old: (View<'_>, &FieldTree),
    new: (View<'_>, &FieldTree),
    bindings: &[Binding],
    permission: Permission,
) -> Vec<String> {
    let (old_view, old_tree) = old;
    let (new_view, new_tree) = new;
    let mut walker = Walker {
        old: old_view,
        new: new_view,
        roles: HashMap::new(),
        labels: HashMap::new(),
        fields: HashMap::new(),
        permission,
        signing: HashMap::new(),
        new_fields: HashSet::new(),
        certifying: None,
        queue: VecDeque::new(),
        current: None,
        memo: HashSet::new(),
        findings: Vec::new(),
        work: 0,
    };
    walker.learn_structure(old_view, old_tree);
    walker.learn_structure(new_view, new_tree);
    let old_fields: HashSet<ObjectId> = old_tree.nodes.iter().map(|n| n.id).collect();
    for binding in bindings {
        for id in std::iter::once(binding.field).chain(binding.widgets.iter().copied()) {
            walker.signing.insert(id, binding.value);
        }
        if binding.certification.is_some() {
            walker.certifying = Some(binding.value);
        }
        if permission == Permission::Certified(1) && !binding.timestamp {
            walker.findings.push(format!(
                "la certificación (DocMDP P=1) no admite más firmas, pero se firmó «{}»",
                binding.field_name
            ));
        }
        if !old_fields.contains(&binding.field) {
            let visible = binding
                .widgets
                .iter()
                .any(|w| new_view.dict_of(*w).is_some_and(is_visible));
            if visible && (binding.timestamp || permission != Permission::Approvals) {
                walker.findings.push(format!(
                    "se agregó el campo de firma visible «{}» después de la certificación: su apariencia puede cubrir contenido firmado",
                    binding.field_name
                ));
            }
            walker.new_fields.insert(binding.field);
            walker.new_fields.extend(binding.widgets.iter().copied());
        }
    }
    walker.run();
    walker.findings
}

/// A widget's appearance can be seen: a rectangle with area, not hidden.
fn is_visible(widget: &Dictionary) -> bool {
    let flags = widget.get(b"F").and_then(Object::as_i64).unwrap_or(0);
    // Hidden (bit 2) or NoView (bit 6), ISO 32000-1 table 165.
    if flags & (2 | 32) != 0 {
        return false;
    }
    let rect: Vec<f32> = widget
        .get(b"Rect")
        .and_then(Object::as_array)
        .map(|r| r.iter().filter_map(|v| v.as_float().ok()).collect())
        .unwrap_or_default();
    match rect[..] {
        [x1, y1, x2, y2] => (x2 - x1).abs() > 0.0 && (y2 - y1).abs() > 0.0,
        _ => false,
    }
}

/// What an object is, by its place in the document's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Catalog,
    AcroForm,
    FieldsArray,
    Resources,
    Field,
    PageNode,
    AnnotsArray,
    Annotation,
}

struct Task {
    old: ObjectId,
    new: ObjectId,
    at: String,
}

struct Walker<'f> {
    old: View<'f>,
    new: View<'f>,
    roles: HashMap<ObjectId, Role>,
    /// Readable names: «página 1», «campo «firma.x»».
    labels: HashMap<ObjectId, String>,
    /// Field and widget ids: (is a signature field, qualified name).
    fields: HashMap<ObjectId, (bool, String)>,
    permission: Permission,
    /// Fields and widgets being signed in this revision → their signature.
    signing: HashMap<ObjectId, ObjectId>,
    /// Fields (and widgets) created and signed in this revision.
    new_fields: HashSet<ObjectId>,
    /// The certification signature bound in this revision, if any.
    certifying: Option<ObjectId>,
    /// Breadth first, so an object shared by pages is named after the first one.
    queue: VecDeque<Task>,
    /// The object being compared (named in findings).
    current: Option<ObjectId>,
    memo: HashSet<(ObjectId, ObjectId)>,
    findings: Vec<String>,
    work: usize,
}

impl<'f> Walker<'f> {
    /// Roles and names of the objects of one revision.
    fn learn_structure(&mut self, view: View<'f>, tree: &FieldTree) {
        let set = |roles: &mut HashMap<ObjectId, Role>, id: ObjectId, role: Role| {
            roles.entry(id).or_insert(role);
        };
        if let Some(id) = view.root_id() {
            set(&mut self.roles, id, Role::Catalog);
            self.labels.insert(id, "catálogo".into());
        }
        let catalog = view.root();
        if let Some(Object::Reference(id)) = catalog.and_then(|c| c.get(b"AcroForm").ok()) {
            set(&mut self.roles, *id, Role::AcroForm);
            self.labels.insert(*id, "formulario (AcroForm)".into());
        }
        if let Some(form) = catalog.and_then(|c| view.dict(c.get(b"AcroForm").ok())) {
            if let Ok(Object::Reference(id)) = form.get(b"Fields") {
                set(&mut self.roles, *id, Role::FieldsArray);
                self.labels.insert(*id, "lista de campos".into());
            }
            if let Ok(Object::Reference(id)) = form.get(b"DR") {
                set(&mut self.roles, *id, Role::Resources);
                self.labels
                    .insert(*id, "recursos del formulario (/DR)".into());
            }
        }
        for node in &tree.nodes {
            self.roles.insert(node.id, Role::Field);
            self.fields
                .insert(node.id, (node.signature, node.name.clone()));
            self.labels
                .insert(node.id, format!("campo «{}»", node.name));
        }
        // The page tree: every node reached from /Pages through /Kids.
        if let Some(Object::Reference(top)) = catalog.and_then(|c| c.get(b"Pages").ok()) {
            let mut stack = vec![*top];
            let mut seen = HashSet::new();
            while let Some(id) = stack.pop() {
                if !seen.insert(id) || seen.len() > 1_000_000 {
                    continue;
                }
                set(&mut self.roles, id, Role::PageNode);
                if let Some(kids) = view
                    .dict_of(id)
                    .and_then(|node| view.array(node.get(b"Kids").ok()))
                {
                    stack.extend(kids.iter().filter_map(|k| k.as_reference().ok()));
                }
            }
            self.labels
                .entry(*top)
                .or_insert_with(|| "árbol de páginas".into());
        }
        for (index, page_id) in view.pages().into_iter().enumerate() {
            let number = index + 1;
            self.labels.insert(page_id, format!("página {number}"));
            let Some(page) = view.dict_of(page_id) else {
                continue;
            };
            let contents: Vec<ObjectId> = match page.get(b"Contents") {
                Ok(Object::Reference(id)) => std::iter::once(*id)
                    .chain(
                        view.array(Some(&Object::Reference(*id)))
                            .unwrap_or(&[])
                            .iter()
                            .filter_map(|o| o.as_reference().ok()),
                    )
                    .collect(),
                Ok(Object::Array(items)) => {
                    items.iter().filter_map(|o| o.as_reference().ok()).collect()
                }
                _ => Vec::new(),
            };
            for id in contents {
                self.labels
                    .entry(id)
                    .or_insert_with(|| format!("contenido de la página {number}"));
            }
            if let Ok(Object::Reference(id)) = page.get(b"Annots") {
                set(&mut self.roles, *id, Role::AnnotsArray);
                self.labels
                    .insert(*id, format!("anotaciones de la página {number}"));
            }
            for annot in view.array(page.get(b"Annots").ok()).unwrap_or(&[]) {
                if let Object::Reference(id) = annot {
                    set(&mut self.roles, *id, Role::Annotation);
                    self.labels
                        .entry(*id)
                        .or_insert_with(|| format!("anotación de la página {number}"));
                }
            }
        }
    }

    fn run(&mut self) {
        let (old_root, new_root) = (self.old.root_id(), self.new.root_id());
        match (old_root, new_root) {
            (Some(a), Some(b)) if a == b => self.push(a, b, "catálogo".into()),
            _ => self
                .findings
                .push("el catálogo del documento (/Root) fue reemplazado".into()),
        }
        while let Some(task) = self.queue.pop_front() {
            self.work += 1;
            if self.work > MAX_WORK {
                self.findings.push(
                    "el documento es demasiado complejo para compararlo con la revisión firmada"
                        .into(),
                );
                return;
            }
            self.task(task);
        }
    }

    fn push(&mut self, old: ObjectId, new: ObjectId, at: String) {
        if self.memo.insert((old, new)) {
            self.queue.push_back(Task { old, new, at });
        }
    }

    /// A finding at `at` (a place in the current object), naming the object.
    fn find(&mut self, at: &str, what: impl std::fmt::Display) {
        let object = self
            .current
            .map(|id| format!(" (objeto {})", id.0))
            .unwrap_or_default();
        self.findings.push(format!("{at}{object}: {what}"));
    }

    /// «página 1», «contenido de la página 1», or the path that led here.
    fn place(&self, id: ObjectId, at: &str) -> String {
        self.labels
            .get(&id)
            .cloned()
            .unwrap_or_else(|| at.to_string())
    }

    fn task(&mut self, Task { old, new, at }: Task) {
        let role = (old == new)
            .then(|| self.roles.get(&old).copied())
            .flatten();
        let place = self.place(new, &at);
        self.current = Some(new);
        let (o, n) = (self.old.get(old), self.new.get(new));
        let (o, n) = match (o, n) {
            (None, None) => return,
            (Some(_), None) => return self.find(&place, "se eliminó"),
            (None, Some(_)) => {
                return self.find(&place, "apareció un objeto donde no había ninguno")
            }
            (Some(o), Some(n)) => (o, n),
        };
        // Unchanged bytes and no rule of its own: only what it points to can differ.
        if role.is_none() && old == new && self.old.location(old) == self.new.location(new) {
            self.children(n, &place);
            return;
        }
        let dicts = (dict_of(o), dict_of(n));
        match (role, dicts) {
            (Some(Role::Catalog), (Some(o), Some(n))) => self.catalog(o, n, &place),
            (Some(Role::AcroForm), (Some(o), Some(n))) => self.acroform(o, n, &place),
            (Some(Role::Resources), (Some(o), Some(n))) => self.additive(o, n, &place),
            (Some(Role::Field), (Some(o), Some(n))) => self.field(new, o, n, &place),
            (Some(Role::PageNode), (Some(o), Some(n))) => self.page(o, n, &place),
            (Some(Role::Annotation), (Some(o), Some(n))) => self.annotation(o, n, &place),
            (Some(Role::FieldsArray), _) => match (o.as_array(), n.as_array()) {
                (Ok(o), Ok(n)) => self.fields_array(o, n, &place),
                _ => self.find(&place, "dejó de ser una lista"),
            },
            (Some(Role::AnnotsArray), _) => match (o.as_array(), n.as_array()) {
                (Ok(o), Ok(n)) => self.annots(o, n, &place),
                _ => self.find(&place, "dejó de ser una lista"),
            },
            _ => {
                if let Some(what) = self.diff(o, n, &place, 0) {
                    self.find(&place, what);
                }
            }
        }
    }

    /// Queues what an unchanged object points to.
    fn children(&mut self, object: &Object, at: &str) {
        let mut stack = vec![object];
        while let Some(value) = stack.pop() {
            match value {
                Object::Reference(id) => self.push(*id, *id, at.to_string()),
                Object::Array(items) => stack.extend(items),
                Object::Dictionary(d) => stack.extend(d.iter().map(|(_, v)| v)),
                Object::Stream(s) => stack.extend(s.dict.iter().map(|(_, v)| v)),
                _ => {}
            }
        }
    }

    /// The first difference between two values, compared strictly (the
    /// objects they reference are queued and compared on their own).
    fn diff(&mut self, o: &Object, n: &Object, at: &str, depth: usize) -> Option<String> {
        self.work += 1;
        if depth > super::cos::MAX_DEPTH + 2 {
            return Some("estructura demasiado profunda para compararla".into());
        }
        match (o, n) {
            (Object::Reference(a), Object::Reference(b)) => {
                self.push(*a, *b, at.to_string());
                None
            }
            (Object::Dictionary(x), Object::Dictionary(y)) => self.diff_dict(x, y, at, depth, &[]),
            (Object::Array(x), Object::Array(y)) => {
                if x.len() != y.len() {
                    return Some(format!(
                        "la lista cambió de {} a {} elementos",
                        x.len(),
                        y.len()
                    ));
                }
                x.iter().zip(y).enumerate().find_map(|(i, (p, q))| {
                    self.diff(p, q, &format!("{at}[{i}]"), depth + 1)
                        .map(|what| format!("[{i}] {what}"))
                })
            }
            (Object::Stream(x), Object::Stream(y)) => {
                if x.content != y.content {
                    return Some("cambió el contenido del flujo".to_string());
                }
                self.diff_dict(&x.dict, &y.dict, at, depth, &[])
            }
            _ if same_scalar(o, n) => None,
            _ => Some(format!("cambió de {} a {}", show(o), show(n))),
        }
    }

    fn diff_dict(
        &mut self,
        x: &Dictionary,
        y: &Dictionary,
        at: &str,
        depth: usize,
        skip: &[&[u8]],
    ) -> Option<String> {
        for key in keys(x, y) {
            if skip.contains(&key) {
                continue;
            }
            let name = String::from_utf8_lossy(key);
            match (x.get(key).ok(), y.get(key).ok()) {
                (None, Some(_)) => return Some(format!("se agregó /{name}")),
                (Some(_), None) => return Some(format!("se quitó /{name}")),
                (Some(p), Some(q)) => {
                    if let Some(what) = self.diff(p, q, &format!("{at} › /{name}"), depth + 1) {
                        return Some(match (p, q) {
                            (Object::Dictionary(_), Object::Dictionary(_))
                            | (Object::Array(_), Object::Array(_)) => format!("/{name} › {what}"),
                            _ => format!("/{name} {what}"),
                        });
                    }
                }
                (None, None) => {}
            }
        }
        None
    }

    /// Compares `key` of two dictionaries strictly, reporting a difference.
    fn strict_key(&mut self, o: &Dictionary, n: &Dictionary, key: &[u8], at: &str) {
        let name = String::from_utf8_lossy(key);
        let what = match (o.get(key).ok(), n.get(key).ok()) {
            (None, None) => None,
            (None, Some(_)) => Some(format!("se agregó /{name}")),
            (Some(_), None) => Some(format!("se quitó /{name}")),
            (Some(p), Some(q)) => self
                .diff(p, q, &format!("{at} › /{name}"), 1)
                .map(|what| format!("/{name} {what}")),
        };
        if let Some(what) = what {
            self.find(at, what);
        }
    }

    /// Only the object itself, never what it points to: `/P`, `/Parent`,
    /// `/Popup`, `/IRT` point back up the structure, which is compared
    /// from the top.
    fn identity_key(&mut self, o: &Dictionary, n: &Dictionary, key: &[u8], at: &str) {
        match (o.get(key).ok(), n.get(key).ok()) {
            (Some(Object::Reference(a)), Some(Object::Reference(b))) if a == b => {}
            (None, None) => {}
            _ => self.find(at, format!("cambió /{}", String::from_utf8_lossy(key))),
        }
    }

    fn catalog(&mut self, o: &'f Dictionary, n: &'f Dictionary, at: &str) {
        for key in keys(o, n) {
            match key {
                b"AcroForm" => {
                    let (p, q) = (o.get(key).ok(), n.get(key).ok());
                    self.acroform_value(p, q, at);
                }
                // Validation data and extension levels: not content.
                b"DSS" | b"Extensions" => {}
                b"Perms" => self.perms(o, n, at),
                b"Metadata" => self.metadata(n, at),
                _ => self.strict_key(o, n, key, at),
            }
        }
    }

    /// The XMP metadata stream may be updated (writers refresh its
    /// modification date, as they do `/Info`); it is never rendered. What
    /// replaces it must still be an XML metadata stream.
    fn metadata(&mut self, n: &Dictionary, at: &str) {
        let Some(value) = n.get(b"Metadata").ok() else {
            return;
        };
        let is_xmp = self
            .new
            .dict(Some(value))
            .is_some_and(|d| d.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"XML"));
        if !is_xmp {
            self.find(at, "/Metadata dejó de ser un flujo de metadatos XML");
        }
    }

    /// `/Perms` may appear only with the certification it names.
    fn perms(&mut self, o: &Dictionary, n: &Dictionary, at: &str) {
        let (p, q) = (o.get(b"Perms").ok(), n.get(b"Perms").ok());
        if p == q {
            if let Some(value) = p {
                let _ = self.diff(value, value, at, 1);
            }
            return;
        }
        let names_certification = p.is_none()
            && self.certifying.is_some_and(|sig| {
                self.new.dict(q).and_then(|perms| perms.get(b"DocMDP").ok())
                    == Some(&Object::Reference(sig))
            });
        if !names_certification {
            self.find(at, "cambió /Perms (permisos del documento)");
        }
    }

    fn acroform_value(&mut self, o: Option<&'f Object>, n: Option<&'f Object>, at: &str) {
        if let (Some(Object::Reference(a)), Some(Object::Reference(b))) = (o, n) {
            if a == b {
                self.push(*a, *b, "formulario (AcroForm)".into());
                return;
            }
        }
        let empty = Dictionary::new();
        let old = o.and_then(|o| self.old.dict(Some(o)));
        let Some(new) = n.and_then(|n| self.new.dict(Some(n))) else {
            if old.is_some() {
                self.find(at, "se quitó el formulario (/AcroForm)");
            }
            return;
        };
        let old = old.unwrap_or(&empty);
        // Borrow checker: `empty` lives here; compare now.
        let old: Dictionary = old.clone();
        self.acroform(&old, new, &format!("{at} › /AcroForm"));
    }

    fn acroform(&mut self, o: &Dictionary, n: &'f Dictionary, at: &str) {
        for key in keys(o, n) {
            match key {
                b"Fields" => {
                    let (p, q) = (o.get(key).ok().cloned(), n.get(key).ok());
                    match (&p, q) {
                        (Some(Object::Reference(a)), Some(Object::Reference(b))) if a == b => {
                            self.push(*a, *b, "lista de campos".into())
                        }
                        _ => {
                            let old: Vec<Object> = p
                                .as_ref()
                                .and_then(|p| self.old.array(Some(p)))
                                .map(<[Object]>::to_vec)
                                .unwrap_or_default();
                            let new = q.and_then(|q| self.new.array(Some(q))).unwrap_or(&[]);
                            self.fields_array(&old, new, &format!("{at} › /Fields"));
                        }
                    }
                }
                b"SigFlags" => {}
                b"DR" => {
                    let old = o
                        .get(key)
                        .ok()
                        .and_then(|p| self.old.dict(Some(p)))
                        .cloned();
                    let new = n.get(key).ok().and_then(|q| self.new.dict(Some(q)));
                    match (old, new) {
                        (_, None) if o.has(key) => self.find(at, "se quitó /DR"),
                        (old, Some(new)) => {
                            let old = old.unwrap_or_default();
                            self.additive(&old, new, &format!("{at} › /DR"))
                        }
                        _ => {}
                    }
                }
                _ => self.strict_key(o, n, key, at),
            }
        }
    }

    /// Form resources may gain entries; the ones there stay as they were.
    fn additive(&mut self, o: &Dictionary, n: &Dictionary, at: &str) {
        for (key, old_value) in o.iter() {
            let name = String::from_utf8_lossy(key);
            let Ok(new_value) = n.get(key) else {
                self.find(at, format!("se quitó /{name}"));
                continue;
            };
            let inner = (
                self.old.dict(Some(old_value)).cloned(),
                self.new.dict(Some(new_value)).cloned(),
            );
            match inner {
                (Some(p), Some(q)) if !matches!(old_value, Object::Stream(_)) => {
                    for (k, v) in p.iter() {
                        let where_ = format!("{at} › /{name} › /{}", String::from_utf8_lossy(k));
                        match q.get(k) {
                            Ok(w) => {
                                if let Some(what) = self.diff(v, w, &where_, 2) {
                                    self.find(&where_, what);
                                }
                            }
                            Err(_) => self.find(&where_, "se quitó"),
                        }
                    }
                }
                _ => {
                    let where_ = format!("{at} › /{name}");
                    if let Some(what) = self.diff(old_value, new_value, &where_, 1) {
                        self.find(&where_, what);
                    }
                }
            }
        }
    }

    /// The root fields: the same ones in the same order, plus fields
    /// created and signed in this revision.
    fn fields_array(&mut self, o: &[Object], n: &[Object], at: &str) {
        if n.len() < o.len() {
            self.find(at, "se quitaron campos del formulario");
            return;
        }
        for (i, (p, q)) in o.iter().zip(n).enumerate() {
            if let Some(what) = self.diff(p, q, &format!("{at}[{i}]"), 1) {
                self.find(at, what);
            }
        }
        for extra in &n[o.len()..] {
            self.new_entry(extra, at, "un campo");
        }
    }

    /// An entry added to `/Fields`, `/Kids` or `/Annots`: allowed only for a
    /// signature field (or its widget) created and signed in this revision.
    fn new_entry(&mut self, entry: &Object, at: &str, what: &str) {
        match entry {
            Object::Reference(id) if self.new_fields.contains(id) => {}
            Object::Reference(id) => {
                let name = self
                    .fields
                    .get(id)
                    .map(|(_, name)| format!(" «{name}»"))
                    .unwrap_or_default();
                self.find(
                    at,
                    format!(
                        "se agregó {what}{name} (objeto {}) que no es una firma de esta revisión",
                        id.0
                    ),
                );
            }
            _ => self.find(at, format!("se agregó {what} sin objeto propio")),
        }
    }

    fn field(&mut self, id: ObjectId, o: &Dictionary, n: &Dictionary, at: &str) {
        let (signature, name) = self
            .fields
            .get(&id)
            .cloned()
            .unwrap_or((false, String::new()));
        let signing = self.signing.get(&id).copied();
        let fillable = !signature && self.permission.form_filling();
        for key in keys(o, n) {
            match key {
                b"Kids" => {
                    let old = o.get(key).ok().and_then(|p| self.old.array(Some(p)));
                    let new = n.get(key).ok().and_then(|q| self.new.array(Some(q)));
                    let (old, new) = (old.unwrap_or(&[]).to_vec(), new.unwrap_or(&[]));
                    if new.len() < old.len() {
                        self.find(at, "se quitaron elementos de /Kids");
                        continue;
                    }
                    for (i, (p, q)) in old.iter().zip(new).enumerate() {
                        if let Some(what) = self.diff(p, q, &format!("{at} › /Kids[{i}]"), 1) {
                            self.find(at, what);
                        }
                    }
                    for extra in &new[old.len()..] {
                        self.new_entry(extra, at, "un campo");
                    }
                }
                b"Parent" | b"P" => self.identity_key(o, n, key, at),
                b"V" if signature => match (o.get(key).ok(), n.get(key).ok()) {
                    (None, Some(Object::Reference(value))) if signing == Some(*value) => {}
                    (Some(p), Some(q)) if p == q => {
                        if let Object::Reference(value) = p {
                            self.push(*value, *value, format!("firma del campo «{name}»"));
                        }
                    }
                    (None, Some(_)) => {
                        self.find(at, "recibió un valor de firma que no firma esta revisión")
                    }
                    _ => self.find(at, "cambió su firma"),
                },
                b"V" | b"AS" if fillable => {}
                b"AP" if signing.is_some() || fillable => {}
                _ => self.strict_key(o, n, key, at),
            }
        }
    }

    fn page(&mut self, o: &Dictionary, n: &Dictionary, at: &str) {
        for key in keys(o, n) {
            match key {
                b"Annots" => {
                    let (p, q) = (o.get(key).ok(), n.get(key).ok());
                    if let (Some(Object::Reference(a)), Some(Object::Reference(b))) = (p, q) {
                        if a == b {
                            self.push(*a, *b, format!("{at} › /Annots"));
                            continue;
                        }
                    }
                    let old = p
                        .and_then(|p| self.old.array(Some(p)))
                        .unwrap_or(&[])
                        .to_vec();
                    let new = q.and_then(|q| self.new.array(Some(q))).unwrap_or(&[]);
                    self.annots(&old, new, &format!("{at} › /Annots"));
                }
                b"Parent" => self.identity_key(o, n, key, at),
                _ => self.strict_key(o, n, key, at),
            }
        }
    }

    /// A page's annotations: the same ones in the same order, plus the
    /// widgets of signature fields created in this revision; with DocMDP
    /// P=3, annotations that are not form fields may also come and go.
    fn annots(&mut self, o: &[Object], n: &[Object], at: &str) {
        let free_annotation = |walker: &Self, item: &Object| {
            walker.permission.annotations()
                && matches!(item, Object::Reference(id)
                    if walker.roles.get(id) == Some(&Role::Annotation))
        };
        let old: Vec<&Object> = o.iter().filter(|i| !free_annotation(self, i)).collect();
        let mut new: Vec<&Object> = Vec::new();
        for item in n {
            if free_annotation(self, item) {
                continue;
            }
            match item {
                Object::Reference(id) if self.new_fields.contains(id) && !o.contains(item) => {}
                _ => new.push(item),
            }
        }
        let old_set: Vec<&Object> = old.clone();
        for added in new.iter().filter(|i| !old_set.contains(i)) {
            self.new_entry(added, at, "una anotación");
        }
        for removed in old.iter().filter(|i| !new.contains(i)) {
            self.find(at, format!("se quitó una anotación ({})", show(removed)));
        }
        if old.len() == new.len() {
            for (i, (p, q)) in old.iter().zip(&new).enumerate() {
                if let Some(what) = self.diff(p, q, &format!("{at}[{i}]"), 1) {
                    self.find(at, what);
                }
            }
        }
    }

    fn annotation(&mut self, o: &Dictionary, n: &Dictionary, at: &str) {
        if self.permission.annotations() {
            return;
        }
        for key in keys(o, n) {
            match key {
                b"P" | b"Parent" | b"Popup" | b"IRT" => self.identity_key(o, n, key, at),
                _ => self.strict_key(o, n, key, at),
            }
        }
    }
}

fn dict_of(object: &Object) -> Option<&Dictionary> {
    match object {
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

/// Every key of either dictionary, in a stable order.
fn keys<'a>(a: &'a Dictionary, b: &'a Dictionary) -> Vec<&'a [u8]> {
    let mut keys: Vec<&[u8]> = a.iter().map(|(k, _)| k.as_slice()).collect();
    keys.extend(b.iter().map(|(k, _)| k.as_slice()).filter(|k| !a.has(k)));
    keys
}

/// Scalars by value: strings whatever their notation, numbers by number.
fn same_scalar(a: &Object, b: &Object) -> bool {
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
        _ => false,
    }
}

/// A short rendering of a value for a message.
fn show(object: &Object) -> String {
    match object {
        Object::Null => "null".into(),
        Object::Boolean(b) => b.to_string(),
        Object::Integer(i) => i.to_string(),
        Object::Real(r) => r.to_string(),
        Object::Name(n) => format!("/{}", String::from_utf8_lossy(n)),
        Object::String(s, _) if s.len() <= 40 => {
            format!("«{}»", String::from_utf8_lossy(s))
        }
        Object::String(..) => "una cadena".into(),
        Object::Reference(id) => format!("objeto {}", id.0),
        Object::Array(_) => "una lista".into(),
        Object::Dictionary(_) => "un diccionario".into(),
        Object::Stream(_) => "un flujo".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    #[test]
    fn visibility_of_widgets() {
        let rect = |r: [f32; 4]| r.iter().map(|v| Object::Real(*v)).collect::<Vec<_>>();
        assert!(is_visible(
            &dictionary! { "Rect" => rect([0.0, 0.0, 10.0, 10.0]) }
        ));
        assert!(!is_visible(
            &dictionary! { "Rect" => rect([0.0, 0.0, 0.0, 0.0]) }
        ));
        assert!(!is_visible(
            &dictionary! { "Rect" => rect([5.0, 5.0, 5.0, 9.0]) }
        ));
        assert!(!is_visible(
            &dictionary! { "Rect" => rect([0.0, 0.0, 10.0, 10.0]), "F" => 2 }
        ));
        assert!(!is_visible(
            &dictionary! { "Rect" => rect([0.0, 0.0, 10.0, 10.0]), "F" => 32 }
        ));
        assert!(!is_visible(&dictionary! {}));
    }

    #[test]
    fn scalars_compare_by_value() {
        assert!(same_scalar(&Object::Integer(1), &Object::Real(1.0)));
        assert!(!same_scalar(
            &Object::Integer(1),
            &Object::Name(b"1".to_vec())
        ));
        assert!(same_scalar(
            &Object::String(b"x".to_vec(), lopdf::StringFormat::Literal),
            &Object::String(b"x".to_vec(), lopdf::StringFormat::Hexadecimal)
        ));
    }
}
