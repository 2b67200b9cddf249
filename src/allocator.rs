//! The memory allocator of every Actas program (`actas`, the window, the
//! benchmarks): mimalloc. An import of a licence master makes hundreds of
//! thousands of small allocations (one per cell text, per shared string, per
//! parsed field); with the system allocator a fifth of a 50,000-row import
//! went to `malloc`/`free` (measured with `perf` on `cargo bench --bench
//! licences`). This module only names the allocator; each binary installs it
//! with `#[global_allocator]`, since a library cannot.

/// The allocator to install: `#[global_allocator] static A: Allocator = Allocator;`.
pub use mimalloc::MiMalloc as Allocator;
