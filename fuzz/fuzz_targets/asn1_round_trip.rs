//! Fuzz target `asn1_round_trip`: the check `actas_fuzz::asn1_round_trip` (see `fuzz/src/lib.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| actas_fuzz::asn1_round_trip(data));
