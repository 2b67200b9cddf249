//! The bounds Actas puts on what it reads from outside, in one place, and
//! reading a file within one.
//!
//! Every reader of a user's or a stranger's file — registers, PDFs to sign,
//! certificates, bundles — checks its input against one of these bounds
//! *before* it allocates for it, and refuses with one Spanish line that
//! names the file and the limit ([`TooLarge`]). The bounds are generous for
//! an office's real files (a 50,000-row licence master is 6 MB; an acta a
//! few hundred KB; a certificate a few KB) and far below what would
//! exhaust a desktop's memory.
//!
//! Format-specific bounds live with their reader and are re-exported here
//! where a user may meet them: the bundle's ZIP limits
//! (`bundle::zip::Limits`), the spreadsheet cell limit
//! ([`SHEET_CELLS`]).

use std::io::Read;
use std::path::Path;

use crate::error::ActasError;

/// A register file (.xlsx, .xls, .ods, .csv, .json).
pub const REGISTER_FILE_BYTES: u64 = 256 << 20;
/// The cells of one sheet's used rectangle (a 50,000-row master with its
/// 16 columns is 800,000): what a workbook reader may hold in memory.
pub const SHEET_CELLS: u64 = 5_000_000;
/// The decompressed size of one part of an .xlsx/.ods (a sheet's XML, the
/// shared strings), and of all parts together.
pub const WORKBOOK_PART_BYTES: u64 = 512 << 20;
pub const WORKBOOK_TOTAL_BYTES: u64 = 1 << 30;
/// A PDF to sign.
pub const PDF_FILE_BYTES: u64 = 256 << 20;
/// What one stream of a PDF to sign may decompress to (object and
/// cross-reference streams are decoded while the PDF is read).
pub const PDF_STREAM_BYTES: usize = 64 << 20;
/// A PKCS#12 certificate file.
pub const P12_FILE_BYTES: u64 = 1 << 20;
/// PBKDF iterations a PKCS#12 may ask for (its MAC and its encryption):
/// real files use 2,048 to 600,000; more would keep the CPU busy for minutes.
pub const P12_ITERATIONS: u64 = 10_000_000;
/// An archive bundle to verify (held in memory while its entries are read).
pub const BUNDLE_FILE_BYTES: u64 = 1 << 30;
/// A JSON data file of a form.
pub const DATA_FILE_BYTES: u64 = 16 << 20;

/// An input over its bound, refused before it was read whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct TooLarge {
    /// The file or part, as messages name it («maestro.xlsx», «la hoja «Datos»»).
    pub what: String,
    pub size: u64,
    pub max: u64,
}

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (mut size, mut max) = (bytes(self.size), bytes(self.max));
        if size == max {
            // Rounded to the same MiB: the exact counts tell them apart.
            size = format!("{} bytes", group_thousands(self.size));
            max = format!("{} bytes", group_thousands(self.max));
        }
        write!(f, "{} ocupa {size}; el máximo admitido es {max}", self.what)
    }
}

/// `1 234 567 bytes`, `12,5 MiB`: sizes as people read them.
pub fn bytes(n: u64) -> String {
    const MIB: u64 = 1 << 20;
    if n >= 10 * MIB {
        let tenths = (n * 10 + MIB / 2) / MIB;
        if tenths % 10 == 0 {
            format!("{} MiB", tenths / 10)
        } else {
            format!("{},{} MiB", tenths / 10, tenths % 10)
        }
    } else {
        format!("{} bytes", group_thousands(n))
    }
}

/// `5 000 000`: thousands separated by a space, as Spanish style books ask.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

/// Reads `path` whole when it holds at most `max` bytes: the size is checked
/// before reading, and the read stops one byte past `max` whatever the
/// file claims (a pipe, a file growing meanwhile).
pub fn read_file(path: &Path, max: u64) -> Result<Vec<u8>, ActasError> {
    let fail = |e: std::io::Error| ActasError::Read {
        path: path.to_path_buf(),
        reason: crate::files::describe_io(&e),
    };
    let too_large = |size: u64| ActasError::Read {
        path: path.to_path_buf(),
        reason: TooLarge {
            what: "el archivo".into(),
            size,
            max,
        }
        .to_string(),
    };
    let file = std::fs::File::open(path).map_err(fail)?;
    let declared = file.metadata().map_err(fail)?.len();
    if declared > max {
        return Err(too_large(declared));
    }
    let mut bytes = Vec::with_capacity(declared as usize);
    file.take(max + 1).read_to_end(&mut bytes).map_err(fail)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_print_for_people() {
        assert_eq!(bytes(512), "512 bytes");
        assert_eq!(bytes(1_234_567), "1 234 567 bytes");
        assert_eq!(bytes(256 << 20), "256 MiB");
        assert_eq!(bytes((25 << 20) + (1 << 19)), "25,5 MiB");
        assert_eq!(group_thousands(5_000_000), "5 000 000");
    }

    #[test]
    fn a_file_over_its_bound_is_refused_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grande.csv");
        std::fs::write(&path, vec![b'x'; 2000]).unwrap();
        assert_eq!(read_file(&path, 2000).unwrap().len(), 2000);
        let err = read_file(&path, 1999).unwrap_err().to_string();
        assert!(err.contains("grande.csv"), "{err}");
        assert!(
            err.contains("ocupa 2 000 bytes; el máximo admitido es 1 999 bytes"),
            "{err}"
        );
        let missing = read_file(&dir.path().join("no.csv"), 10).unwrap_err();
        assert!(missing.to_string().contains("no existe"), "{missing}");
    }
}
