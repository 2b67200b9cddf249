//! The fuzz targets' checks (`fuzz/src/lib.rs`) in the normal test suite:
//! every seed of `fuzz/seeds/<target>/` and every input that once crashed
//! a target, kept in `fuzz/regressions/<target>/`, must pass its target's
//! check — so a crash the fuzzer found stays fixed without nightly or
//! libFuzzer. `scripts/fuzz.sh` runs the fuzzers themselves.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod checks;

use std::path::Path;

/// Runs the check of every target on every file under `dir/<target>/`;
/// returns how many files were checked.
fn replay(dir: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut checked = 0;
    let Ok(targets) = std::fs::read_dir(&root) else {
        return 0;
    };
    for target in targets.flatten() {
        let name = target.file_name().to_string_lossy().into_owned();
        // A target whose check lives elsewhere replays in its own tests.
        let Some(check) = checks::check(&name) else {
            continue;
        };
        let mut files: Vec<_> = std::fs::read_dir(target.path())
            .unwrap()
            .flatten()
            .map(|f| f.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for file in files {
            let bytes = std::fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| check(&bytes));
            assert!(
                outcome.is_ok(),
                "{} fails the check of {name}",
                file.display()
            );
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_seed_passes_its_target() {
    let checked = replay("fuzz/seeds");
    assert!(checked >= checks::TARGETS.len(), "only {checked} seeds");
}

#[test]
fn every_crash_found_by_fuzzing_stays_fixed() {
    replay("fuzz/regressions");
}

/// Every check has its target file (the fuzz script runs what is in
/// fuzz/fuzz_targets/), and its seeds.
#[test]
fn every_check_has_a_target_and_seeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for (name, _) in checks::TARGETS {
        assert!(
            root.join(format!("fuzz_targets/{name}.rs")).is_file(),
            "fuzz/fuzz_targets/{name}.rs is missing"
        );
        let seeds = std::fs::read_dir(root.join(format!("seeds/{name}")))
            .map(|d| d.count())
            .unwrap_or(0);
        assert!(seeds > 0, "fuzz/seeds/{name}/ has no seed");
    }
}

/// The `verify_pdf` oracle is not idle: its signed seeds verify VÁLIDO
/// against the test root, and a report that lies about them fails it —
/// a signature said to end in another revision, a forgery left in, a
/// signature that is not in the file.
#[test]
fn the_verify_pdf_oracle_holds_for_valid_seeds_and_catches_a_false_report() {
    use actas::verify::{verify_pdf, Verdict, VerifyOptions};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/verify_pdf");
    let root =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/verify/root.pem"))
            .unwrap();
    let options = VerifyOptions {
        trust_roots: openssl::x509::X509::stack_from_pem(&root).unwrap(),
    };
    let mut valid = 0;
    for name in ["firmado-5.pdf", "firmado-2.pdf"] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let report = verify_pdf(&bytes, &options).expect("a PDF");
        assert_eq!(
            report.verdict,
            Verdict::Valido,
            "{name}: {:?}",
            report.reasons
        );
        checks::valid_verdict_holds(&bytes, &report);
        valid += 1;

        let fails = |report: &actas::verify::VerifyReport| {
            std::panic::catch_unwind(|| checks::valid_verdict_holds(&bytes, report)).is_err()
        };
        let mut wrong_revision = report.clone();
        wrong_revision.signatures[0].revision += 1;
        assert!(fails(&wrong_revision), "{name}: another revision");
        let mut forged = report.clone();
        forged
            .forgeries
            .push("firma.x muestra una firma ajena".into());
        assert!(fails(&forged), "{name}: a forgery");
        let mut absent = report.clone();
        absent.signatures[0].field = "firma.nadie".into();
        assert!(fails(&absent), "{name}: a field with no signature");
    }
    assert_eq!(valid, 2);
}
