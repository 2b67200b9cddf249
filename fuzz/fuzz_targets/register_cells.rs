//! Fuzz target `register_cells`: the check `actas_fuzz::register_cells` (see `fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas_fuzz::register_cells(data));
