//! `actas-desktop`: the Actas window. See `lib.rs`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[global_allocator]
static ALLOCATOR: actas::allocator::Allocator = actas::allocator::Allocator;

fn main() {
    let _ = actas_desktop::STARTED.set(std::time::Instant::now());
    actas_desktop::run()
}
