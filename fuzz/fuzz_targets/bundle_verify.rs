//! Fuzz target `bundle_verify`: the check `actas_fuzz::bundle_verify` (see `fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas_fuzz::bundle_verify(data));
