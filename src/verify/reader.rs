//! A PDF file as its revisions, read the one way a conforming viewer reads
//! it (ISO 32000-1 §7.5): from the last `startxref`, each cross-reference
//! section (table or stream) back through `/Prev`, every object at the
//! place its section says, and a view of the document as it stood at the
//! end of each revision.
//!
//! Verification must see the document the signer and the viewer see, so
//! this reader recovers from nothing: where readers could disagree it
//! records a structural problem (in Spanish) instead of guessing —
//! a cross-reference entry whose bytes hold another object, a `/Prev`
//! chain that loops or points forward, revisions that overlap, an update
//! whose objects lie in earlier bytes, a hybrid-reference update
//! (`/XRefStm`), bytes in an update that no table declares, data after the
//! last `%%EOF`. Only a file that has no readable structure at all is an
//! error. Every object is parsed once (`cos`), however many revisions
//! share it, and every limit is checked before allocating.
//!
//! It does not: decrypt (an `/Encrypt` trailer is an error), repair, or
//! decide whether a difference between revisions is allowed (`changes`).

use std::collections::{HashMap, HashSet};

use lopdf::{Dictionary, Object, ObjectId, Stream};

use super::cos::{self, Parser};

/// Acrobat looks for the header within the first 1024 bytes and for `%%EOF` within the last 1024.
const HEADER_WINDOW: usize = 1024;
/// Revisions (cross-reference sections) accepted in one file.
pub const MAX_REVISIONS: usize = 1000;
/// Entries accepted in all cross-reference sections together.
const MAX_ENTRIES: usize = 4_000_000;
/// Largest decoded cross-reference or object stream.
const MAX_STREAM_DECODED: usize = 64 * 1024 * 1024;
/// Decoded bytes of all such streams of one file together.
const MAX_TOTAL_DECODED: usize = 256 * 1024 * 1024;

/// The input has no readable PDF structure at all. One Spanish line each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("no es un PDF (no empieza con %PDF-)")]
    NotPdf,
    #[error("el PDF está truncado o incompleto ({0})")]
    Truncated(String),
    #[error("el PDF está dañado y no se puede leer ({0})")]
    Malformed(String),
    #[error("el PDF está cifrado; no se verifican documentos cifrados")]
    Encrypted,
}

/// Where a cross-reference entry says an object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Free,
    InFile { offset: usize, generation: u16 },
    InStream { stream: u32, index: u32 },
}

/// One cross-reference section and the bytes it closes.
#[derive(Debug, Clone)]
pub struct Revision {
    /// 1-based, oldest first.
    pub number: usize,
    /// First byte of the revision (the end of the previous one).
    pub start: usize,
    /// Just after this revision's `%%EOF`.
    pub eof: usize,
    /// After the end-of-line that follows `%%EOF`: where the next revision starts.
    pub end: usize,
    /// Where its cross-reference section starts (`startxref`).
    pub xref_offset: usize,
    /// The section is a cross-reference stream (else a table).
    pub xref_stream: bool,
    pub trailer: Dictionary,
    /// Objects this section declares (in use or freed), with their slot.
    slots: HashMap<u32, Slot>,
}

/// What a section declares for an object number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Free,
    /// Declared but unreadable (a structural problem was recorded): null.
    Broken,
    Object {
        generation: u16,
        index: usize,
    },
}

impl Revision {
    /// Object numbers this revision declares (new, changed or freed).
    pub fn declared(&self) -> impl Iterator<Item = u32> + '_ {
        self.slots.keys().copied()
    }

    /// Whether this revision's section declares object `number`.
    pub fn declares(&self, number: u32) -> bool {
        self.slots.contains_key(&number)
    }
}

/// The whole file: its revisions, every object read once, and the
/// structural problems found.
pub struct PdfFile<'a> {
    bytes: &'a [u8],
    revisions: Vec<Revision>,
    objects: Vec<Object>,
    /// Where each object's bytes are in the file (none inside object streams).
    spans: Vec<Option<(usize, usize)>>,
    problems: Vec<String>,
}

/// The document as it stood at the end of one revision.
#[derive(Clone, Copy)]
pub struct View<'f> {
    file: &'f PdfFile<'f>,
    revision: usize,
}

/// A decoded object stream: its data, its directory of (object, offset)
/// and `/First`, where the objects begin.
struct ObjectStream {
    data: Vec<u8>,
    directory: Vec<(u32, usize)>,
    first: usize,
}

/// Object streams decoded so far in one revision, by object number.
type Decoded = HashMap<u32, Result<ObjectStream, String>>;

/// One parsed cross-reference section before it becomes a revision.
struct Section {
    offset: usize,
    stream: bool,
    entries: Vec<(u32, Entry)>,
    trailer: Dictionary,
    /// After the trailer dictionary or the stream's `endobj`.
    body_end: usize,
}

impl<'a> PdfFile<'a> {
    /// Reads the structure of `bytes`. Errors only when there is none to
    /// read; everything doubtful is in [`PdfFile::problems`].
    pub fn parse(bytes: &'a [u8]) -> Result<PdfFile<'a>, ReadError> {
        let head = &bytes[..bytes.len().min(HEADER_WINDOW)];
        if find(head, b"%PDF-").is_none() {
            return Err(ReadError::NotPdf);
        }
        let tail_from = bytes.len().saturating_sub(HEADER_WINDOW);
        let Some(eof_at) = rfind(&bytes[tail_from..], b"%%EOF").map(|p| p + tail_from) else {
            return Err(ReadError::Truncated("falta el marcador final %%EOF".into()));
        };
        let Some(startxref_at) =
            rfind(&bytes[tail_from..eof_at], b"startxref").map(|p| p + tail_from)
        else {
            return Err(ReadError::Truncated("falta startxref".into()));
        };
        let mut file = PdfFile {
            bytes,
            revisions: Vec::new(),
            objects: Vec::new(),
            spans: Vec::new(),
            problems: Vec::new(),
        };
        let last_offset = {
            let mut p = Parser::new(bytes, startxref_at + b"startxref".len());
            let offset = p
                .unsigned()
                .map_err(|_| ReadError::Truncated("startxref no indica una posición".into()))?;
            p.skip_spaces();
            if p.pos != eof_at {
                return Err(ReadError::Truncated(
                    "startxref no va seguido de %%EOF".into(),
                ));
            }
            usize::try_from(offset)
                .ok()
                .filter(|o| *o < bytes.len())
                .ok_or_else(|| ReadError::Malformed("startxref apunta fuera del archivo".into()))?
        };
        let file_eof = eof_at + b"%%EOF".len();
        if !bytes[file_eof..].iter().all(|b| b.is_ascii_whitespace()) {
            file.problems.push(format!(
                "hay datos después del último %%EOF (byte {file_eof}), fuera de toda revisión"
            ));
        }

        let sections = file.read_chain(last_offset)?;
        file.build_revisions(sections, file_eof)?;
        let last = file.revisions.last().expect("at least one section");
        if file.revisions.iter().any(|r| r.trailer.has(b"Encrypt")) {
            return Err(ReadError::Encrypted);
        }
        let why = if !matches!(last.trailer.get(b"Root"), Ok(Object::Reference(_))) {
            Some("no tiene catálogo (/Root)")
        } else if file.last().root().is_none() {
            Some("el catálogo (/Root) no es un diccionario legible")
        } else {
            None
        };
        match why {
            // What broke the structure explains why the catalog is missing.
            Some(why) if !file.problems.is_empty() => Err(ReadError::Malformed(format!(
                "{why}: {}",
                file.problems.join("; ")
            ))),
            Some(why) => Err(ReadError::Malformed(why.into())),
            None => Ok(file),
        }
    }

    /// The cross-reference sections from the newest back through `/Prev`,
    /// returned oldest first. A loop or a forward `/Prev` stops the chain
    /// with a problem (the sections after it are not read).
    fn read_chain(&mut self, last_offset: usize) -> Result<Vec<Section>, ReadError> {
        let mut sections: Vec<Section> = Vec::new();
        let mut offset = last_offset;
        let mut entries = 0usize;
        loop {
            let section = match read_section(self.bytes, offset, MAX_ENTRIES - entries) {
                Ok(section) => section,
                Err(reason) if sections.is_empty() => {
                    return Err(ReadError::Malformed(format!(
                        "la tabla de referencias cruzadas en el byte {offset} no se puede leer: {reason}"
                    )))
                }
                Err(reason) => {
                    self.problems.push(format!(
                        "la sección de referencias cruzadas anterior (byte {offset}, /Prev) no se puede leer: {reason}"
                    ));
                    break;
                }
            };
            entries += section.entries.len();
            let prev = section.trailer.get(b"Prev").ok().cloned();
            sections.push(section);
            let Some(prev) = prev else { break };
            let prev = match prev {
                Object::Integer(p) => usize::try_from(p).ok(),
                _ => None,
            };
            match prev {
                Some(p) if p < offset => offset = p,
                Some(p) => {
                    self.problems.push(format!(
                        "la cadena /Prev de referencias cruzadas no retrocede (byte {offset} → {p}): \
                         un bucle o una estructura que los lectores leen de formas distintas"
                    ));
                    break;
                }
                None => {
                    self.problems
                        .push("/Prev de una sección de referencias cruzadas no es válido".into());
                    break;
                }
            }
            if sections.len() >= MAX_REVISIONS {
                return Err(ReadError::Malformed(format!(
                    "tiene más de {MAX_REVISIONS} revisiones"
                )));
            }
        }
        sections.reverse();
        Ok(sections)
    }

    /// Turns the sections (oldest first) into revisions: boundaries, the
    /// objects each declares read and checked, hybrid sections merged.
    fn build_revisions(
        &mut self,
        sections: Vec<Section>,
        file_eof: usize,
    ) -> Result<(), ReadError> {
        let count = sections.len();
        let mut start = 0usize;
        for (i, section) in sections.into_iter().enumerate() {
            let number = i + 1;
            let (eof, end) = if number == count {
                (file_eof, self.bytes.len())
            } else {
                match revision_end(self.bytes, &section) {
                    Some(bounds) => bounds,
                    None => {
                        self.problems.push(format!(
                            "la revisión {number} no termina con «startxref {} %%EOF» después de su tabla de referencias",
                            section.offset
                        ));
                        (section.body_end, section.body_end)
                    }
                }
            };
            if section.offset < start {
                self.problems.push(format!(
                    "la tabla de referencias de la revisión {number} (byte {}) está dentro de la revisión anterior",
                    section.offset
                ));
            }
            let mut entries = section.entries.clone();
            if let Ok(xref_stm) = section.trailer.get(b"XRefStm") {
                // A hybrid-reference section (§7.5.8.4): readers of PDF 1.4
                // see only the table, later readers also the stream.
                if number > 1 {
                    self.problems.push(format!(
                        "la revisión {number} es una actualización híbrida (/XRefStm): \
                         lectores distintos verían documentos distintos"
                    ));
                } else {
                    self.merge_hybrid(number, xref_stm, &mut entries);
                }
            }
            let trailer = section.trailer.clone();
            self.revisions.push(Revision {
                number,
                start,
                eof,
                end,
                xref_offset: section.offset,
                xref_stream: section.stream,
                trailer,
                slots: HashMap::new(),
            });
            self.read_objects(number, &entries, &section);
            start = end;
        }
        Ok(())
    }

    /// Adds the entries of a first revision's `/XRefStm` that the table
    /// does not have; the same object in both at different places is a problem.
    fn merge_hybrid(&mut self, number: usize, xref_stm: &Object, entries: &mut Vec<(u32, Entry)>) {
        let Some(offset) = xref_stm.as_i64().ok().and_then(|o| usize::try_from(o).ok()) else {
            self.problems.push(format!(
                "/XRefStm de la revisión {number} no es una posición"
            ));
            return;
        };
        match read_section(self.bytes, offset, MAX_ENTRIES) {
            Ok(stream) if stream.stream => {
                // Lookup order (§7.5.8.4): the table, then the stream for what
                // the table lacks or marks free, then /Prev.
                let table: HashMap<u32, Entry> = entries.iter().copied().collect();
                for (n, entry) in stream.entries {
                    match table.get(&n) {
                        None => entries.push((n, entry)),
                        Some(Entry::Free) => {
                            entries.retain(|(m, _)| *m != n);
                            entries.push((n, entry));
                        }
                        Some(existing) if *existing == entry => {}
                        Some(_) => self.problems.push(format!(
                            "el objeto {n} está en un lugar según la tabla y en otro según /XRefStm"
                        )),
                    }
                }
            }
            Ok(_) | Err(_) => self.problems.push(format!(
                "/XRefStm de la revisión {number} no apunta a un flujo de referencias cruzadas legible"
            )),
        }
    }

    /// Reads and checks every object revision `number` declares.
    fn read_objects(&mut self, number: usize, entries: &[(u32, Entry)], section: &Section) {
        let (start, section_offset) = {
            let r = &self.revisions[number - 1];
            (r.start, r.xref_offset)
        };
        let first = number == 1;
        // Objects first, then the compressed ones (their stream must be read).
        let pending: HashMap<u32, Entry> = entries.iter().copied().collect();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut by_offset: HashMap<usize, u32> = HashMap::new();
        let mut compressed: Vec<(u32, u32, u32)> = Vec::new();
        for &(n, entry) in entries {
            match entry {
                Entry::Free => {
                    self.revisions[number - 1].slots.insert(n, Slot::Free);
                }
                Entry::InStream { stream, index } => compressed.push((n, stream, index)),
                Entry::InFile { offset, generation } => {
                    // An update's objects lie in its own bytes: before its
                    // table (an xref stream may be its own entry).
                    let inside = if first {
                        offset < self.revisions[0].end
                    } else {
                        offset >= start && offset <= section_offset
                    };
                    if !inside {
                        self.problems.push(format!(
                            "la revisión {number} dice que el objeto {n} está en el byte {offset}, fuera de los bytes de esa revisión"
                        ));
                        self.revisions[number - 1].slots.insert(n, Slot::Broken);
                        continue;
                    }
                    let slot = match self.read_at(number, &pending, offset, (n, generation)) {
                        Ok((index, end)) => {
                            if by_offset.insert(offset, n).is_some() {
                                self.problems.push(format!(
                                    "la revisión {number} declara dos objetos en el byte {offset}"
                                ));
                            }
                            spans.push((offset, end));
                            Slot::Object { generation, index }
                        }
                        Err(e) => {
                            self.problems.push(format!(
                                "revisión {number}: la tabla de referencias dice que el objeto {n} está en el byte {offset}, pero {}",
                                e.what
                            ));
                            Slot::Broken
                        }
                    };
                    self.revisions[number - 1].slots.insert(n, slot);
                }
            }
        }
        let mut decoded: Decoded = HashMap::new();
        for (n, stream, index) in compressed {
            let slot = match self.read_compressed(number, n, stream, index, &mut decoded) {
                Ok(index) => Slot::Object {
                    generation: 0,
                    index,
                },
                Err(reason) => {
                    self.problems.push(format!(
                        "revisión {number}: el objeto {n} (en el flujo de objetos {stream}): {reason}"
                    ));
                    Slot::Broken
                }
            };
            self.revisions[number - 1].slots.insert(n, slot);
        }
        if !first {
            // A cross-reference stream is usually one of the objects it declares.
            if !spans.iter().any(|(start, _)| *start == section.offset) {
                spans.push((section.offset, section.body_end));
            }
            self.check_gaps(number, spans);
        }
    }

    /// Parses the object that must be `id` at `offset`; a stream's
    /// indirect `/Length` is looked up in this revision's section
    /// (`pending`) and then in the earlier revisions. Returns the object's
    /// arena index and where it ends.
    fn read_at(
        &mut self,
        number: usize,
        pending: &HashMap<u32, Entry>,
        offset: usize,
        id: ObjectId,
    ) -> Result<(usize, usize), cos::SyntaxError> {
        let read = {
            let this: &PdfFile = self;
            let mut length_of = |length_id: ObjectId| this.length_value(number, pending, length_id);
            cos::indirect_object(this.bytes, offset, id, &mut length_of)?
        };
        self.objects.push(read.object);
        self.spans.push(Some((offset, read.end)));
        Ok((self.objects.len() - 1, read.end))
    }

    /// An indirect `/Length`: an integer object of revision `number`.
    fn length_value(
        &self,
        number: usize,
        pending: &HashMap<u32, Entry>,
        id: ObjectId,
    ) -> Option<i64> {
        if let Some(entry) = pending.get(&id.0) {
            let Entry::InFile { offset, generation } = *entry else {
                return None;
            };
            if generation != id.1 {
                return None;
            }
            let mut none = |_| None;
            return cos::indirect_object(self.bytes, offset, id, &mut none)
                .ok()?
                .object
                .as_i64()
                .ok();
        }
        let view = self.view(number.saturating_sub(1).max(1));
        if number == 1 {
            return None;
        }
        view.get(id)?.as_i64().ok()
    }

    /// Object `n`, the `index`-th of object stream `stream`, which must be
    /// declared by the same revision.
    fn read_compressed(
        &mut self,
        number: usize,
        n: u32,
        stream: u32,
        index: u32,
        decoded: &mut Decoded,
    ) -> Result<usize, String> {
        let ObjectStream {
            data,
            directory,
            first,
        } = match decoded
            .entry(stream)
            .or_insert_with(|| self.decode_object_stream(number, stream))
        {
            Ok(entry) => entry,
            Err(reason) => return Err(reason.clone()),
        };
        let &(found, at) = directory
            .get(index as usize)
            .ok_or_else(|| format!("el flujo no tiene la posición {index}"))?;
        if found != n {
            return Err(format!(
                "en la posición {index} del flujo está el objeto {found}, no el {n}"
            ));
        }
        let start = first
            .checked_add(at)
            .filter(|s| *s < data.len())
            .ok_or("la posición del objeto está fuera del flujo")?;
        let mut p = Parser::new(data, start);
        let object = p.object(0).map_err(|e| e.what)?;
        if p.keyword(b"stream") {
            return Err("un flujo dentro de un flujo de objetos".into());
        }
        self.objects.push(object);
        self.spans.push(None);
        Ok(self.objects.len() - 1)
    }

    /// Decodes object stream `stream` (declared, in the file, by revision
    /// `number`): its data, its directory of (object, offset) and `/First`.
    fn decode_object_stream(&self, number: usize, stream: u32) -> Result<ObjectStream, String> {
        let index = match self.revisions[number - 1].slots.get(&stream) {
            Some(Slot::Object {
                index,
                generation: 0,
            }) => *index,
            _ => {
                return Err("su flujo de objetos no está declarado en la misma revisión".to_string())
            }
        };
        let Object::Stream(objstm) = &self.objects[index] else {
            return Err("el contenedor no es un flujo".into());
        };
        let view = self.view(number);
        let count = objstm
            .dict
            .get(b"N")
            .ok()
            .and_then(|o| view.resolve(o))
            .and_then(|o| o.as_i64().ok())
            .and_then(|n| usize::try_from(n).ok())
            .ok_or("falta /N")?;
        let first = objstm
            .dict
            .get(b"First")
            .ok()
            .and_then(|o| view.resolve(o))
            .and_then(|o| o.as_i64().ok())
            .and_then(|n| usize::try_from(n).ok())
            .ok_or("falta /First")?;
        let data = decode(view, objstm)?;
        if count > data.len() / 2 + 1 {
            return Err("/N es mayor que lo que el flujo contiene".into());
        }
        let mut p = Parser::new(&data, 0);
        let mut directory = Vec::with_capacity(count);
        for _ in 0..count {
            let n = p.unsigned().map_err(|e| e.what)?;
            let at = p.unsigned().map_err(|e| e.what)?;
            let n = u32::try_from(n).map_err(|_| "número de objeto fuera de rango")?;
            let at = usize::try_from(at).map_err(|_| "posición fuera de rango")?;
            directory.push((n, at));
        }
        if p.pos > first {
            return Err("el directorio del flujo de objetos pasa de /First".into());
        }
        Ok(ObjectStream {
            data,
            directory,
            first,
        })
    }

    /// In an incremental update, every byte is an object the section
    /// declares, the section itself, its `startxref`/`%%EOF`, white-space
    /// or a comment: nothing a repairing reader could pick up instead.
    fn check_gaps(&mut self, number: usize, mut spans: Vec<(usize, usize)>) {
        let (start, end) = {
            let r = &self.revisions[number - 1];
            (r.start, r.eof)
        };
        spans.sort_unstable();
        let mut at = start;
        let mut gaps = Vec::new();
        for (from, to) in spans.iter().copied().chain(std::iter::once((end, end))) {
            if from < at {
                self.problems.push(format!(
                    "revisión {number}: dos objetos se solapan en el byte {from}"
                ));
                at = at.max(to);
                continue;
            }
            gaps.push((at, from));
            at = to;
        }
        for (from, to) in gaps {
            if let Some(stray) = stray_bytes(&self.bytes[from..to.min(self.bytes.len())]) {
                let tail = &self.bytes[from..to];
                // The trailer part: `startxref n %%EOF` closes the revision.
                if to == end && is_startxref_tail(tail) {
                    continue;
                }
                self.problems.push(format!(
                    "revisión {number}: hay bytes que ninguna tabla de referencias declara (byte {})",
                    from + stray
                ));
                break;
            }
        }
    }

    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Oldest first; `revisions()[k - 1]` is revision `k`.
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// Structural problems, each a Spanish sentence. Any of them makes the
    /// file's signatures unverifiable as the viewer would show them.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// The document at the end of revision `number` (1-based).
    pub fn view(&self, number: usize) -> View<'_> {
        View {
            file: self,
            revision: number.clamp(1, self.revisions.len()),
        }
    }

    /// The document as a viewer shows it: the last revision.
    pub fn last(&self) -> View<'_> {
        self.view(self.revisions.len())
    }

    /// The revision a signed range ending at `end` covers: `end` lies
    /// between its `%%EOF` and the end of the line after it.
    pub fn revision_ending_at(&self, end: usize) -> Option<&Revision> {
        self.revisions
            .iter()
            .find(|r| end >= r.eof && end <= r.end.max(r.eof))
    }
}

impl<'f> View<'f> {
    /// 1-based revision number.
    pub fn number(&self) -> usize {
        self.revision
    }

    pub fn revision(&self) -> &'f Revision {
        &self.file.revisions[self.revision - 1]
    }

    pub fn trailer(&self) -> &'f Dictionary {
        &self.revision().trailer
    }

    fn slot(&self, number: u32) -> Option<Slot> {
        self.file.revisions[..self.revision]
            .iter()
            .rev()
            .find_map(|r| r.slots.get(&number).copied())
    }

    /// Object `id` in this revision; `None` when absent, freed, unreadable
    /// or of another generation (a reference to it reads as null).
    pub fn get(&self, id: ObjectId) -> Option<&'f Object> {
        match self.slot(id.0)? {
            Slot::Object { generation, index } if generation == id.1 => {
                self.file.objects.get(index)
            }
            _ => None,
        }
    }

    /// Where object `id` was read from: equal in two views when the later
    /// revision did not declare it again.
    pub fn location(&self, id: ObjectId) -> Option<usize> {
        match self.slot(id.0)? {
            Slot::Object { generation, index } if generation == id.1 => Some(index),
            _ => None,
        }
    }

    /// Where object `id`'s bytes are in the file (`n g obj` to `endobj`);
    /// `None` inside an object stream.
    pub fn span(&self, id: ObjectId) -> Option<(usize, usize)> {
        self.file.spans.get(self.location(id)?).copied().flatten()
    }

    /// The object a value is or refers to (one level; null for a dangling reference).
    pub fn resolve(&self, object: &'f Object) -> Option<&'f Object> {
        match object {
            Object::Reference(id) => self.get(*id),
            other => Some(other),
        }
    }

    /// The dictionary a value is or refers to (a stream's dictionary too).
    pub fn dict(&self, object: Option<&'f Object>) -> Option<&'f Dictionary> {
        match self.resolve(object?)? {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }

    /// Object `id` as a dictionary (a stream's dictionary too).
    pub fn dict_of(&self, id: ObjectId) -> Option<&'f Dictionary> {
        match self.get(id)? {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }

    /// The array a value is or refers to.
    pub fn array(&self, object: Option<&'f Object>) -> Option<&'f [Object]> {
        match self.resolve(object?)? {
            Object::Array(items) => Some(items),
            _ => None,
        }
    }

    /// `key` of `dict`, resolved.
    pub fn get_key(&self, dict: &'f Dictionary, key: &[u8]) -> Option<&'f Object> {
        self.resolve(dict.get(key).ok()?)
    }

    pub fn root_id(&self) -> Option<ObjectId> {
        self.trailer().get(b"Root").ok()?.as_reference().ok()
    }

    /// The catalog.
    pub fn root(&self) -> Option<&'f Dictionary> {
        self.dict(self.trailer().get(b"Root").ok())
    }

    /// The Info dictionary.
    pub fn info(&self) -> Option<&'f Dictionary> {
        self.dict(self.trailer().get(b"Info").ok())
    }

    /// The pages in order (page tree walked without recursion; a node seen
    /// twice is not walked twice).
    pub fn pages(&self) -> Vec<ObjectId> {
        let mut out = Vec::new();
        let Some(root) = self.root() else { return out };
        let Ok(Object::Reference(top)) = root.get(b"Pages") else {
            return out;
        };
        let mut seen = HashSet::new();
        let mut stack = vec![*top];
        while let Some(id) = stack.pop() {
            if !seen.insert(id) || seen.len() > 1_000_000 {
                continue;
            }
            let Some(node) = self.dict_of(id) else {
                continue;
            };
            match self.array(node.get(b"Kids").ok()) {
                Some(kids) if !node.has_type(b"Page") => {
                    stack.extend(kids.iter().rev().filter_map(|k| k.as_reference().ok()));
                }
                _ => out.push(id),
            }
        }
        out
    }
}

/// Decodes a stream of this file (filters and parameters resolved one level), bounded.
pub fn decode(view: View<'_>, stream: &Stream) -> Result<Vec<u8>, String> {
    let mut dict = stream.dict.clone();
    for key in [&b"Filter"[..], b"DecodeParms"] {
        if let Ok(Object::Reference(id)) = stream.dict.get(key) {
            match view.get(*id) {
                Some(value) => dict.set(key, value.clone()),
                None => {
                    dict.remove(key);
                }
            }
        }
    }
    let copy = Stream {
        dict,
        content: stream.content.clone(),
        allows_compression: true,
        start_position: None,
    };
    let limit = MAX_STREAM_DECODED.min(MAX_TOTAL_DECODED);
    copy.decompressed_content_with_limit(limit)
        .map_err(|e| format!("no se puede descomprimir ({e})"))
}

/// Reads the cross-reference section at `offset`: a table `xref … trailer`
/// or a cross-reference stream object.
fn read_section(bytes: &[u8], offset: usize, max_entries: usize) -> Result<Section, String> {
    if bytes.get(offset..offset + 4) == Some(b"xref") {
        read_table(bytes, offset, max_entries)
    } else {
        read_xref_stream(bytes, offset, max_entries)
    }
}

fn read_table(bytes: &[u8], offset: usize, max_entries: usize) -> Result<Section, String> {
    let mut p = Parser::new(bytes, offset);
    if !p.keyword(b"xref") {
        return Err("no empieza con «xref»".into());
    }
    let mut entries = Vec::new();
    loop {
        if p.keyword(b"trailer") {
            break;
        }
        let first = p.unsigned().map_err(|e| e.to_string())?;
        let count = p.unsigned().map_err(|e| e.to_string())?;
        let count = usize::try_from(count).map_err(|_| "subsección demasiado grande")?;
        // Each entry takes at least 18 bytes: a count the file can't hold is a lie.
        if count > (bytes.len() - p.pos) / 18 + 1 || entries.len() + count > max_entries {
            return Err(format!("subsección de {count} entradas imposible"));
        }
        for i in 0..count {
            let at = p.unsigned().map_err(|e| e.to_string())?;
            let generation = p.unsigned().map_err(|e| e.to_string())?;
            let number = first
                .checked_add(i as u64)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or("número de objeto fuera de rango")?;
            let entry = if p.keyword(b"n") {
                Entry::InFile {
                    offset: usize::try_from(at).map_err(|_| "posición fuera de rango")?,
                    generation: u16::try_from(generation)
                        .map_err(|_| "generación fuera de rango")?,
                }
            } else if p.keyword(b"f") {
                Entry::Free
            } else {
                return Err(p.error("entrada sin «n» ni «f»").to_string());
            };
            // Object 0 is the head of the free list, never an object.
            if number != 0 {
                entries.push((number, entry));
            }
        }
    }
    let trailer = match p.object(0).map_err(|e| e.to_string())? {
        Object::Dictionary(d) => d,
        _ => return Err("el trailer no es un diccionario".into()),
    };
    let mut seen = HashSet::new();
    if entries.iter().any(|(n, _)| !seen.insert(*n)) {
        return Err("la tabla declara el mismo objeto dos veces".into());
    }
    Ok(Section {
        offset,
        stream: false,
        entries,
        trailer,
        body_end: p.pos,
    })
}

fn read_xref_stream(bytes: &[u8], offset: usize, max_entries: usize) -> Result<Section, String> {
    let mut p = Parser::new(bytes, offset);
    let number = p
        .unsigned()
        .map_err(|_| "no hay «xref» ni un objeto en esa posición")?;
    let generation = p.unsigned().map_err(|e| e.to_string())?;
    let id = (
        u32::try_from(number).map_err(|_| "número fuera de rango")?,
        u16::try_from(generation).map_err(|_| "generación fuera de rango")?,
    );
    // A cross-reference stream's entries are all direct (§7.5.8.2).
    let mut direct_only = |_| None;
    let read = cos::indirect_object(bytes, offset, id, &mut direct_only).map_err(|e| e.what)?;
    let Object::Stream(stream) = read.object else {
        return Err("no es un flujo de referencias cruzadas".into());
    };
    if !stream.dict.has_type(b"XRef") {
        return Err("el objeto no es de tipo /XRef".into());
    }
    let widths: Vec<usize> = stream
        .dict
        .get(b"W")
        .and_then(Object::as_array)
        .map_err(|_| "falta /W")?
        .iter()
        .map(|w| w.as_i64().ok().and_then(|w| usize::try_from(w).ok()))
        .collect::<Option<_>>()
        .ok_or("/W no son enteros")?;
    let [w0, w1, w2] = widths[..] else {
        return Err("/W no tiene tres valores".into());
    };
    if w0 > 4 || w1 > 8 || w2 > 8 {
        return Err("/W con anchos imposibles".into());
    }
    let size = stream
        .dict
        .get(b"Size")
        .and_then(Object::as_i64)
        .map_err(|_| "falta /Size")?;
    let index: Vec<i64> = match stream.dict.get(b"Index") {
        Ok(Object::Array(items)) => items
            .iter()
            .map(|i| i.as_i64().ok())
            .collect::<Option<_>>()
            .ok_or("/Index no son enteros")?,
        Ok(_) => return Err("/Index no es un arreglo".into()),
        Err(_) => vec![0, size],
    };
    if index.len() % 2 != 0 {
        return Err("/Index tiene un número impar de valores".into());
    }
    let data = stream
        .decompressed_content_with_limit(MAX_STREAM_DECODED)
        .map_err(|e| format!("no se puede descomprimir ({e})"))?;
    let row = w0 + w1 + w2;
    if row == 0 {
        return Err("/W suma cero".into());
    }
    let rows = data.len() / row;
    let mut entries = Vec::new();
    let mut r = 0usize;
    for pair in index.chunks_exact(2) {
        let (first, count) = (pair[0], pair[1]);
        let (Ok(first), Ok(count)) = (u32::try_from(first), usize::try_from(count)) else {
            return Err("/Index fuera de rango".into());
        };
        if r + count > rows || entries.len() + count > max_entries {
            return Err("el flujo tiene menos entradas de las que dice /Index".into());
        }
        for i in 0..count {
            let line = &data[r * row..(r + 1) * row];
            r += 1;
            let field = |from: usize, width: usize| -> u64 {
                line[from..from + width]
                    .iter()
                    .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
            };
            let kind = if w0 == 0 { 1 } else { field(0, w0) };
            let (a, b) = (field(w0, w1), field(w0 + w1, w2));
            let number = first
                .checked_add(u32::try_from(i).map_err(|_| "fuera de rango")?)
                .ok_or("número de objeto fuera de rango")?;
            let entry = match kind {
                0 => Entry::Free,
                1 => Entry::InFile {
                    offset: usize::try_from(a).map_err(|_| "posición fuera de rango")?,
                    generation: u16::try_from(b).map_err(|_| "generación fuera de rango")?,
                },
                2 => Entry::InStream {
                    stream: u32::try_from(a).map_err(|_| "flujo fuera de rango")?,
                    index: u32::try_from(b).map_err(|_| "índice fuera de rango")?,
                },
                // Other types read as null references (§7.5.8.3).
                _ => continue,
            };
            if number != 0 {
                entries.push((number, entry));
            }
        }
    }
    let mut seen = HashSet::new();
    if entries.iter().any(|(n, _)| !seen.insert(*n)) {
        return Err("el flujo declara el mismo objeto dos veces".into());
    }
    let mut trailer = stream.dict.clone();
    for key in [
        &b"Length"[..],
        b"Filter",
        b"DecodeParms",
        b"W",
        b"Index",
        b"Type",
    ] {
        trailer.remove(key);
    }
    Ok(Section {
        offset,
        stream: true,
        entries,
        trailer,
        body_end: read.end,
    })
}

/// `startxref <offset> %%EOF` right after a section, then an end-of-line:
/// (just after `%%EOF`, after the end-of-line).
fn revision_end(bytes: &[u8], section: &Section) -> Option<(usize, usize)> {
    let mut p = Parser::new(bytes, section.body_end);
    if !p.keyword(b"startxref") {
        return None;
    }
    let offset = p.unsigned().ok()?;
    if usize::try_from(offset).ok()? != section.offset || !p.eof_marker() {
        return None;
    }
    let eof = p.pos;
    let end = match (bytes.get(eof), bytes.get(eof + 1)) {
        (Some(b'\r'), Some(b'\n')) => eof + 2,
        (Some(b'\r' | b'\n'), _) => eof + 1,
        _ => eof,
    };
    Some((eof, end))
}

/// The position of the first byte that is neither white-space nor part of a comment.
fn stray_bytes(bytes: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' => i += 1,
            b'%' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            _ => return Some(i),
        }
    }
    None
}

fn is_startxref_tail(bytes: &[u8]) -> bool {
    let mut p = Parser::new(bytes, 0);
    p.keyword(b"startxref") && p.unsigned().is_ok() && p.eof_marker() && {
        p.skip_spaces();
        p.pos == bytes.len()
    }
}

/// First position of `needle` (non-empty) in `haystack`.
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests;
