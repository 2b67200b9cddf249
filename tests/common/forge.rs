//! A forger's toolkit for the verification tests: appends hand-written
//! incremental updates to a signed PDF — objects serialised here, a
//! cross-reference table with whatever offsets the attack wants, a trailer
//! with `/Prev` — so each attack class of docs/verification.md can be
//! produced exactly, including the ones a well-behaved writer (lopdf's
//! incremental writer skips `/Type /XRef` objects, for instance) never makes.

#![allow(dead_code)] // not every test crate uses every helper

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object, ObjectId};

/// A signed PDF and what a forger needs to know about it.
pub struct Forger {
    pub bytes: Vec<u8>,
    /// The document as lopdf reads it (the last revision).
    pub doc: Document,
    /// The signed file's last cross-reference section: the new `/Prev`.
    prev: usize,
    /// The highest object number written so far (for `/Size`).
    highest: u32,
}

/// What an appended update wrote: where each object is, where its table is.
pub struct Written {
    pub offsets: BTreeMap<u32, usize>,
    pub xref: usize,
}

impl Forger {
    pub fn new(bytes: &[u8]) -> Forger {
        let doc = Document::load_mem(bytes).expect("a readable PDF");
        Forger {
            bytes: bytes.to_vec(),
            highest: doc.max_id,
            doc,
            prev: last_xref(bytes),
        }
    }

    /// The offset the signed file's last `startxref` gives.
    pub fn last_xref(&self) -> usize {
        self.prev
    }

    /// A fresh object number (the `n`-th after the document's highest).
    pub fn new_id(&mut self, n: u32) -> ObjectId {
        let id = self.doc.max_id + n;
        self.highest = self.highest.max(id);
        (id, 0)
    }

    pub fn object(&self, id: ObjectId) -> Object {
        self.doc.get_object(id).expect("object").clone()
    }

    pub fn dict(&self, id: ObjectId) -> Dictionary {
        self.object(id).as_dict().expect("a dictionary").clone()
    }

    pub fn catalog_id(&self) -> ObjectId {
        self.doc
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .unwrap()
    }

    pub fn page(&self, number: u32) -> ObjectId {
        self.doc.get_pages()[&number]
    }

    /// The first content stream of page `number`.
    pub fn page_content(&self, number: u32) -> ObjectId {
        self.doc.get_page_contents(self.page(number))[0]
    }

    /// The AcroForm dictionary (wherever it lives) and its id when indirect.
    pub fn acroform(&self) -> (Option<ObjectId>, Dictionary) {
        match self.dict(self.catalog_id()).get(b"AcroForm").unwrap() {
            Object::Reference(id) => (Some(*id), self.dict(*id)),
            Object::Dictionary(d) => (None, d.clone()),
            _ => panic!("AcroForm"),
        }
    }

    /// The signature field `firma.<role>` (its object id: field and widget are one).
    pub fn field(&self, role: &str) -> ObjectId {
        let (_, form) = self.acroform();
        let mut stack: Vec<ObjectId> = form
            .get(b"Fields")
            .and_then(Object::as_array)
            .unwrap()
            .iter()
            .filter_map(|o| o.as_reference().ok())
            .collect();
        while let Some(id) = stack.pop() {
            let d = self.dict(id);
            if d.get(b"T").and_then(Object::as_str).ok() == Some(role.as_bytes()) {
                return id;
            }
            if let Ok(kids) = d.get(b"Kids").and_then(Object::as_array) {
                stack.extend(kids.iter().filter_map(|o| o.as_reference().ok()));
            }
        }
        panic!("no field {role}")
    }

    /// Appends `objects` and a table declaring them (and `free` objects as
    /// freed), with the last trailer plus `trailer` changes and `/Prev`.
    pub fn append(
        &mut self,
        objects: &[(ObjectId, Object)],
        free: &[u32],
        trailer: &[(&str, Object)],
    ) -> Written {
        if !self.bytes.ends_with(b"\n") {
            self.bytes.push(b'\n');
        }
        let mut offsets = BTreeMap::new();
        for (id, object) in objects {
            self.highest = self.highest.max(id.0);
            offsets.insert(id.0, self.bytes.len());
            self.bytes
                .extend_from_slice(format!("{} {} obj\n", id.0, id.1).as_bytes());
            write_object(&mut self.bytes, object);
            self.bytes.extend_from_slice(b"\nendobj\n");
        }
        let xref = self.bytes.len();
        let mut table = String::from("xref\n");
        let mut rows: Vec<(u32, String)> = offsets
            .iter()
            .map(|(n, off)| (*n, format!("{off:010} 00000 n \n")))
            .collect();
        rows.extend(
            free.iter()
                .map(|n| (*n, "0000000000 00001 f \n".to_string())),
        );
        rows.sort();
        for (n, row) in rows {
            table.push_str(&format!("{n} 1\n{row}"));
        }
        self.bytes.extend_from_slice(table.as_bytes());
        self.trailer(xref, trailer);
        Written { offsets, xref }
    }

    /// `trailer << … >> startxref <xref> %%EOF`, from the last trailer.
    pub fn trailer(&mut self, xref: usize, changes: &[(&str, Object)]) {
        let mut dict = Dictionary::new();
        for key in [&b"Root"[..], b"Info", b"ID"] {
            if let Ok(value) = self.doc.trailer.get(key) {
                dict.set(key, value.clone());
            }
        }
        dict.set("Size", i64::from(self.highest + 1));
        dict.set("Prev", self.last_xref() as i64);
        for (key, value) in changes {
            dict.set(key.as_bytes(), value.clone());
        }
        self.bytes.extend_from_slice(b"trailer\n");
        write_object(&mut self.bytes, &Object::Dictionary(dict));
        self.bytes
            .extend_from_slice(format!("\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    }
}

/// The offset the last `startxref` of `bytes` gives.
fn last_xref(bytes: &[u8]) -> usize {
    let text = &bytes[bytes.len().saturating_sub(64)..];
    let at = text
        .windows(9)
        .rposition(|w| w == b"startxref")
        .expect("startxref");
    let digits: String = text[at + 9..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|b| *b as char)
        .collect();
    digits.parse().expect("startxref offset")
}

/// PDF syntax for a value (strings in hex, so no escaping is needed).
pub fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(format!("{r:.4}").as_bytes()),
        Object::Name(n) => {
            out.push(b'/');
            for b in n {
                if b.is_ascii_alphanumeric() || b"-_.".contains(b) {
                    out.push(*b);
                } else {
                    out.extend_from_slice(format!("#{b:02X}").as_bytes());
                }
            }
        }
        Object::String(s, _) => {
            out.push(b'<');
            for b in s {
                out.extend_from_slice(format!("{b:02X}").as_bytes());
            }
            out.push(b'>');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => write_dict(out, d),
        Object::Stream(s) => {
            let mut dict = s.dict.clone();
            dict.set("Length", s.content.len() as i64);
            write_dict(out, &dict);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&s.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference(id) => out.extend_from_slice(format!("{} {} R", id.0, id.1).as_bytes()),
    }
}

fn write_dict(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        write_object(out, &Object::Name(key.clone()));
        out.push(b' ');
        write_object(out, value);
        out.push(b' ');
    }
    out.extend_from_slice(b">>");
}
