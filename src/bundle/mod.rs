//! The archive bundle (issue 6): signed documents exported together in one
//! ASiC-E container (ETSI EN 319 162-1), sealed by the archivist, and its
//! independent verification on any machine.
//!
//! ```text
//! documents (latest revisions) ──export──▶ verify each PDF ──▶ manifiesto.json/.csv
//!                                                           └─▶ reporte-verificacion.pdf (render)
//!   ASiCManifest.xml (SHA-256 of every file) ──CmsSigner──▶ META-INF/signature.p7s
//!   mimetype + files + META-INF ──zip──▶ BUNDLE.zip (written atomically by the caller)
//!
//! BUNDLE.zip ──asic::Container::open (every entry checked, nothing read)──▶ layout
//!   ──▶ seal over the manifest (CMS, chain) ──▶ each file's digest ──▶ each PDF's signatures
//!   ──▶ BundleReport (missing / extra / altered files by name)
//! ```
//!
//! Split by concern: `zip` is the file format, `asic` the container layout
//! and its safe opening, `manifest` what the bundle says about itself,
//! `report` the Spanish PDF, `export` and `verify` the two workflows. Both
//! are pure functions of bytes in, bytes or a report out: the store, files
//! and the clock are the caller's (`service::bundle`).

pub mod asic;
pub mod export;
pub mod manifest;
pub mod report;
pub mod verify;
pub mod zip;

use crate::verify::SignatureReport;

pub use export::{build_bundle, ExportDocument, ExportOptions, ExportedBundle, Seal};
pub use verify::{
    verify_bundle, BundleReport, BundleVerifyOptions, DocumentCheck, FileCheck, FileStatus,
    SealCheck,
};

/// The machine-readable manifest of the documents.
pub const MANIFIESTO_JSON: &str = "manifiesto.json";
/// The same, for a spreadsheet.
pub const MANIFIESTO_CSV: &str = "manifiesto.csv";
/// The Spanish verification report.
pub const REPORT_PDF: &str = "reporte-verificacion.pdf";

/// Why a bundle cannot be made, or a container cannot even be opened. One
/// Spanish line each. (A container that opens but does not verify is not an
/// error: it is a [`BundleReport`] with problems.)
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The container is refused as a whole, before anything is extracted.
    #[error("{}", describe_container_error(.0))]
    Container(zip::ZipError),
    #[error("no hay documentos que archivar")]
    Empty,
    #[error("el documento {reference} no tiene firmas: el paquete archiva documentos firmados")]
    Unsigned { reference: String },
    #[error("el documento {reference} no se puede archivar: {reason}")]
    Document { reference: String, reason: String },
    #[error("no se pudo sellar el manifiesto: {0}")]
    Seal(#[from] crate::sign::cms::CmsError),
    #[error("no se pudo generar reporte-verificacion.pdf: {0}")]
    Report(String),
    #[error("no se pudo armar el contenedor: {0}")]
    Write(zip::ZipError),
}

fn describe_container_error(error: &zip::ZipError) -> String {
    use zip::ZipError::*;
    match error {
        NotZip | Malformed(_) => format!("el paquete no es un contenedor ZIP legible: {error}"),
        _ => format!("el paquete fue rechazado sin extraer nada: {error}"),
    }
}

/// A signature's status as people read it, for the manifests and reports.
pub fn signature_status(s: &SignatureReport) -> String {
    if !s.intact {
        "alterada".into()
    } else if !s.valid {
        "no válida".into()
    } else if s.modified_after {
        "documento modificado después de la firma".into()
    } else {
        match s.trusted {
            Some(true) => "válida y confiable".into(),
            Some(false) => "válida, pero no confiable".into(),
            None => "válida".into(),
        }
    }
}

/// The bundle's identifier: the first 64 bits of the SHA-256 of its
/// documents' names and digests, as `XXXX-XXXX-XXXX-XXXX`. Printed on the
/// report and written in `manifiesto.json`, so the three name each other.
pub fn bundle_id<'a>(files: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut hasher = openssl::sha::Sha256::new();
    for (name, sha256) in files {
        hasher.update(name.as_bytes());
        hasher.update(b"\0");
        hasher.update(sha256.as_bytes());
        hasher.update(b"\n");
    }
    let digest = hasher.finish();
    digest[..8]
        .chunks(2)
        .map(|pair| format!("{:02X}{:02X}", pair[0], pair[1]))
        .collect::<Vec<_>>()
        .join("-")
}

/// `f` over every item on all cores, results in order. Verifying a PDF is
/// independent of the others, and most of a bundle's time.
pub(crate) fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    parallel_map_within(items, |_| 0, 0, f)
}

/// [`parallel_map`] with memory in mind: an item weighs `weight(item)`
/// bytes while `f` runs on it, and the items in flight together never
/// weigh more than `budget` (an item heavier than the whole budget runs
/// alone). Reading a bundle's entries this way keeps their decompressed
/// bytes bounded however many cores or entries there are.
pub(crate) fn parallel_map_within<T: Sync, R: Send>(
    items: &[T],
    weight: impl Fn(&T) -> u64 + Sync,
    budget: u64,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    use std::sync::{Condvar, Mutex as Lock};
    let in_flight = Lock::new(0u64);
    let freed = Condvar::new();
    let f = |item: &T| {
        let w = weight(item).min(budget);
        if w == 0 {
            return f(item);
        }
        {
            let Ok(mut used) = in_flight.lock() else {
                return f(item);
            };
            while *used > 0 && *used + w > budget {
                used = match freed.wait(used) {
                    Ok(used) => used,
                    Err(_) => return f(item),
                };
            }
            *used += w;
        }
        let result = f(item);
        if let Ok(mut used) = in_flight.lock() {
            *used -= w;
        }
        freed.notify_all();
        result
    };
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let result = f(item);
                if let Ok(mut slots) = results.lock() {
                    slots[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.expect("every item is mapped once"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_map_keeps_order() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled = parallel_map(&items, |x| x * 2);
        assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        assert!(parallel_map(&[] as &[u32], |x| *x).is_empty());
    }

    #[test]
    fn bundle_id_is_stable_and_grouped() {
        let a = bundle_id([("a.pdf", "00"), ("b.pdf", "11")].into_iter());
        assert_eq!(a, bundle_id([("a.pdf", "00"), ("b.pdf", "11")].into_iter()));
        assert_ne!(a, bundle_id([("a.pdf", "00"), ("b.pdf", "12")].into_iter()));
        assert_eq!(a.len(), 19);
        assert_eq!(a.matches('-').count(), 3);
    }
}
