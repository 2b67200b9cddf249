//! Fuzz target `verify_reader`: the check `actas_fuzz::verify_reader` (see `fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas_fuzz::verify_reader(data));
