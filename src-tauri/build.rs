//! Tauri's build step: reads `tauri.conf.json` and the capabilities, and
//! embeds the built window (`../ui/dist`, made by `npm run build` in `ui/`).
fn main() {
    tauri_build::build()
}
