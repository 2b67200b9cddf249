//! Fuzz target `asic_manifest`: the check `actas_fuzz::asic_manifest` (see `fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas_fuzz::asic_manifest(data));
