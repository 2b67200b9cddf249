//! Fuzz target `register_csv`: the check `actas_fuzz::register_csv` (see `fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas_fuzz::register_csv(data));
