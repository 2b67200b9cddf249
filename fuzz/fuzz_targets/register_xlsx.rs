//! Fuzz target `register_xlsx`: the check `actas_fuzz::register_xlsx` (see `fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas_fuzz::register_xlsx(data));
