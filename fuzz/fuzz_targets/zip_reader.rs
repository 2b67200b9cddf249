//! Fuzz target `zip_reader`: the check `actas_fuzz::zip_reader` (see `fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas_fuzz::zip_reader(data));
