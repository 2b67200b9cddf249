//! Fuzz target `register_ods`: the check `actas_fuzz::register_ods` (see `fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas_fuzz::register_ods(data));
