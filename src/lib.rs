//! Actas core: templates → form data → PDF → store. No GUI code; the `actas`
//! CLI and the desktop shell are thin front doors onto these modules.
//! See `docs/architecture.md` for the pipeline.

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
pub mod registers;
pub mod render;
pub mod secrets;
pub mod service;
pub mod sign;
pub mod store;
pub mod template;
pub mod verify;
