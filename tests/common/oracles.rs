//! The independent validators the tests hold Actas to: poppler's `pdfsig`,
//! pyHanko's validator (`tests/validators/pyhanko_validate.py`), `qpdf
//! --check` and `pdftotext`. A missing tool fails the test, it never skips
//! (`scripts/install-deps.sh test` installs them).

#![allow(dead_code)] // not every test crate uses every helper

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

use super::pki::Pki;
use super::NOW;

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// Runs a tool; a missing tool fails the test (it never skips).
pub fn tool(program: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is not available ({e}); run scripts/install-deps.sh test")
        });
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One signature as `pdfsig` reports it.
#[derive(Debug)]
pub struct PdfsigEntry {
    pub field: String,
    pub common_name: String,
    pub validation: String,
    pub total_document: bool,
    /// pdfsig lists empty signature fields too ("… is not signed.").
    pub unsigned: bool,
}

/// `pdfsig FILE`: the whole output and one entry per signature.
pub fn pdfsig(file: &Path) -> (String, Vec<PdfsigEntry>) {
    let (_, stdout, _) = tool("pdfsig", &[s(file)]);
    let mut entries: Vec<PdfsigEntry> = Vec::new();
    for line in stdout.lines() {
        let line = line.trim();
        if line.starts_with("Signature #") {
            entries.push(PdfsigEntry {
                field: String::new(),
                common_name: String::new(),
                validation: String::new(),
                total_document: false,
                unsigned: false,
            });
        } else if let Some(entry) = entries.last_mut() {
            if let Some(v) = line.strip_prefix("- Signature Field Name: ") {
                entry.field = v.to_string();
            } else if let Some(v) = line.strip_prefix("- Signer Certificate Common Name: ") {
                entry.common_name = v.to_string();
            } else if let Some(v) = line.strip_prefix("- Signature Validation: ") {
                entry.validation = v.to_string();
            } else if line == "- Total document signed" {
                entry.total_document = true;
            } else if line == "The signature form field is not signed." {
                entry.unsigned = true;
            }
        }
    }
    entries.retain(|e| !e.unsigned);
    (stdout, entries)
}

pub fn pyhanko_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validators/pyhanko_validate.py")
}

/// pyHanko's validator on FILE trusting the test root, at the signing clock.
pub fn pyhanko(file: &Path, pki: &Pki) -> (String, Json) {
    let script = pyhanko_script();
    let (ok, stdout, stderr) = tool(
        "python3",
        &[
            s(&script),
            s(file),
            "--trust",
            s(&pki.root_pem()),
            "--moment",
            NOW,
        ],
    );
    assert!(
        ok,
        "pyHanko validator failed (is pyHanko installed? scripts/install-deps.sh test):\n{stderr}"
    );
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("pyHanko output is not JSON ({e}): {stdout}"));
    (stdout, json)
}

pub fn qpdf_check(file: &Path) {
    let (ok, stdout, stderr) = tool("qpdf", &["--check", s(file)]);
    assert!(ok, "qpdf --check {}:\n{stdout}{stderr}", file.display());
}

/// pyHanko accepts every signature of FILE: intact, valid, trusted, no
/// disallowed modification (its own diff analysis), nothing suspicious.
pub fn pyhanko_accepts(report: &Json) -> bool {
    let Some(sigs) = report["signatures"].as_array() else {
        return false;
    };
    !sigs.is_empty()
        && sigs.iter().all(|sig| {
            ["intact", "valid", "trusted", "docmdp_ok", "bottom_line"]
                .iter()
                .all(|k| sig[*k] == true)
                && sig["suspicious"].is_null()
                && ["NONE", "LTA_UPDATES", "FORM_FILLING"]
                    .contains(&sig["modification_level"].as_str().unwrap_or("?"))
        })
}

/// The text of every page, as poppler extracts it.
pub fn pdftotext(file: &Path) -> String {
    let (ok, stdout, stderr) = tool("pdftotext", &["-layout", s(file), "-"]);
    assert!(ok, "pdftotext {}: {stderr}", file.display());
    stdout
}
