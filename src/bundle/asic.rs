//! The ASiC-E container layout (ETSI EN 319 162-1, extended form) over
//! the ZIP layer: which entries go where, writing them in that order, and
//! opening a container safely — every entry checked ([`zip::read_index`])
//! before any is read, and entries read only into memory.
//!
//! Layout: `mimetype` first, stored, without extra field, holding exactly
//! `application/vnd.etsi.asic-e+zip` (so tools can sniff it at byte 38);
//! the data objects at the root; `META-INF/ASiCManifest.xml` listing them
//! with their digests; `META-INF/signature.p7s`, the CAdES detached
//! signature of that manifest.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::zip::{self, Entry, Limits, Method, ZipError, ZipWriter};

/// The first entry's name and content.
pub const MIMETYPE_ENTRY: &str = "mimetype";
pub const MIMETYPE: &str = "application/vnd.etsi.asic-e+zip";
pub const META_INF: &str = "META-INF/";
/// The ASiC manifest: what the seal signs.
pub const MANIFEST_ENTRY: &str = "META-INF/ASiCManifest.xml";
/// The seal: CAdES detached signature of [`MANIFEST_ENTRY`].
pub const SIGNATURE_ENTRY: &str = "META-INF/signature.p7s";
/// Media type of [`SIGNATURE_ENTRY`] in the manifest's `SigReference`.
pub const SIGNATURE_MIME: &str = "application/x-pkcs7-signature";

/// A file to put in a container.
#[derive(Debug, Clone)]
pub struct ContainerFile<'a> {
    pub name: String,
    pub data: &'a [u8],
    pub method: Method,
}

/// Writes a container: `mimetype` first, then `files` in their order
/// (compressed on all cores).
pub fn write_container(
    files: &[ContainerFile],
    modified: NaiveDateTime,
) -> Result<Vec<u8>, ZipError> {
    let prepared =
        super::parallel_map(files, |f| zip::prepare(&f.name, f.data, f.method, modified));
    let size: usize = files
        .iter()
        .map(|f| f.data.len() + 2 * f.name.len() + 80)
        .sum();
    let mut zip = ZipWriter::with_capacity(size + 256);
    zip.add(
        MIMETYPE_ENTRY,
        MIMETYPE.as_bytes(),
        Method::Stored,
        modified,
    )?;
    for entry in prepared {
        zip.add_prepared(entry?)?;
    }
    zip.finish()
}

/// An opened container: its bytes and its checked index.
#[derive(Debug)]
pub struct Container<'a> {
    bytes: &'a [u8],
    entries: Vec<Entry>,
    /// Entry index by name (names are unique once opened).
    by_name: HashMap<String, usize>,
}

impl<'a> Container<'a> {
    /// Parses and checks every entry (names, duplicates, sizes, ratios,
    /// overlaps) without decompressing any: an unsafe container is refused
    /// as a whole before anything is read.
    pub fn open(bytes: &'a [u8], limits: &Limits) -> Result<Container<'a>, ZipError> {
        let entries = zip::read_index(bytes, limits)?;
        let by_name = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.name.clone(), i))
            .collect();
        Ok(Container {
            bytes,
            entries,
            by_name,
        })
    }

    /// Every entry, in central-directory order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.by_name.get(name).map(|&i| &self.entries[i])
    }

    /// The files (no folders, no `mimetype`).
    pub fn files(&self) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(|e| !e.is_dir && e.name != MIMETYPE_ENTRY)
    }

    /// One entry's bytes, in memory.
    pub fn read(&self, entry: &Entry) -> Result<Vec<u8>, ZipError> {
        zip::read_entry(self.bytes, entry)
    }

    /// Departures from the ASiC-E layout, one Spanish sentence each.
    pub fn layout_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        match self.entries.first() {
            Some(first) if first.name == MIMETYPE_ENTRY && first.header_offset == 0 => {
                if first.method != Method::Stored {
                    problems.push(
                        "«mimetype» está comprimido; ASiC-E exige guardarlo sin compresión".into(),
                    );
                }
                if first.local_extra_len != 0 {
                    problems.push(
                        "«mimetype» tiene un campo extra en su cabecera; ASiC-E no lo admite"
                            .into(),
                    );
                }
                match self.read(first) {
                    Ok(content) if content == MIMETYPE.as_bytes() => {}
                    Ok(content) => problems.push(format!(
                        "«mimetype» dice «{}» en lugar de «{MIMETYPE}»",
                        String::from_utf8_lossy(&content).trim()
                    )),
                    Err(e) => problems.push(e.to_string()),
                }
            }
            _ if self.entry(MIMETYPE_ENTRY).is_some() => problems.push(
                "«mimetype» no es la primera entrada del contenedor (ETSI EN 319 162-1)".into(),
            ),
            _ => problems.push("falta la entrada «mimetype» del contenedor ASiC-E".into()),
        }
        for required in [MANIFEST_ENTRY, SIGNATURE_ENTRY] {
            if self.entry(required).is_none() {
                problems.push(format!("falta el archivo {required}"));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 3, 15)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap()
    }

    #[test]
    fn written_container_has_the_layout() {
        let bytes = write_container(
            &[
                ContainerFile {
                    name: "a.pdf".into(),
                    data: b"%PDF",
                    method: Method::Deflated,
                },
                ContainerFile {
                    name: MANIFEST_ENTRY.into(),
                    data: b"<x/>",
                    method: Method::Deflated,
                },
                ContainerFile {
                    name: SIGNATURE_ENTRY.into(),
                    data: b"\x30\x00",
                    method: Method::Stored,
                },
            ],
            at(),
        )
        .unwrap();
        let container = Container::open(&bytes, &Limits::default()).unwrap();
        assert!(container.layout_problems().is_empty());
        let files: Vec<&str> = container.files().map(|e| e.name.as_str()).collect();
        assert_eq!(files, ["a.pdf", MANIFEST_ENTRY, SIGNATURE_ENTRY]);
    }

    #[test]
    fn missing_or_misplaced_mimetype_is_a_layout_problem() {
        let mut zip = ZipWriter::new();
        zip.add("a.pdf", b"%PDF", Method::Stored, at()).unwrap();
        zip.add(MIMETYPE_ENTRY, MIMETYPE.as_bytes(), Method::Stored, at())
            .unwrap();
        let bytes = zip.finish().unwrap();
        let container = Container::open(&bytes, &Limits::default()).unwrap();
        let problems = container.layout_problems();
        assert!(
            problems[0].contains("no es la primera entrada"),
            "{problems:?}"
        );
        assert!(problems.iter().any(|p| p.contains(MANIFEST_ENTRY)));

        let mut zip = ZipWriter::new();
        zip.add(MIMETYPE_ENTRY, MIMETYPE.as_bytes(), Method::Deflated, at())
            .unwrap();
        let bytes = zip.finish().unwrap();
        let problems = Container::open(&bytes, &Limits::default())
            .unwrap()
            .layout_problems();
        assert!(problems[0].contains("comprimido"), "{problems:?}");
    }
}
