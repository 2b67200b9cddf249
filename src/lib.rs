//! Actas core: templates → form data → PDF → store. No GUI code; the `actas`
//! CLI and the desktop shell are thin front doors onto these modules.
//! See `docs/architecture.md` for the pipeline.

pub mod allocator;
pub mod app;
pub mod asn1;
pub mod bundle;
pub mod calendar;
pub mod clock;
pub mod dates;
pub mod error;
pub mod files;
pub mod form;
pub mod limits;
pub mod net;
pub mod registers;
pub mod render;
pub mod revocation;
pub mod secrets;
pub mod service;
pub mod sign;
pub mod store;
pub mod template;
pub mod timestamp;
pub mod verify;

// The test PKI and services of `tests/common/`, for unit tests too
// (`services.rs` finds the PKI as its sibling `pki`).
#[cfg(test)]
pub(crate) use sign::certificate::test_pki as pki;
#[cfg(test)]
#[path = "../tests/common/services.rs"]
pub(crate) mod test_services;
