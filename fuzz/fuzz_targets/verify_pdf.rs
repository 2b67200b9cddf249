//! Fuzz target `verify_pdf`: the check `actas_fuzz::verify_pdf` (see `fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas_fuzz::verify_pdf(data));
