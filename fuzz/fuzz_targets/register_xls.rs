//! Fuzz target `register_xls`: the check `actas_fuzz::register_xls` (see `fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas_fuzz::register_xls(data));
