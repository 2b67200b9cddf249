//! Fuzz target `register_json`: the check `actas_fuzz::register_json` (see `fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas_fuzz::register_json(data));
