//! The Actas desktop shell: opens the window, builds the core's [`App`]
//! state once, and exposes each of its operations as a Tauri command.
//!
//! Every command (`commands.rs`) is a one-line adapter onto an `actas::app::App` method;
//! errors reach the window as the core's one-line Spanish message. Commands
//! run off the main thread (`async`), so signing or rendering never freezes
//! the window. No logic lives here: the core's tests cover it, and
//! `tests/commands.rs` calls every command through Tauri's IPC without a
//! window. Files reach the core only through the tokens of `grants.rs`.

mod commands;
pub mod grants;

use std::path::PathBuf;

use actas::app::{default_database_path, App};
use actas::clock::Clock;
use actas::error::ActasError;
use commands::*;
pub use commands::{STARTED, STARTUP_PROBE_ENV};
use tauri::Manager;

/// Registers every command on a builder (the app and the tests share it).
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        app_info,
        forms,
        form_spec,
        validate_form,
        preview_form,
        save_draft,
        drafts,
        open_draft,
        delete_draft,
        create_document,
        documents,
        documents_page,
        document_pdf,
        pending,
        import_pdf,
        inspect_certificate,
        signing_target,
        sign_document,
        sign_file,
        tokens,
        signature_settings,
        save_signature_settings,
        suggested_modules,
        verify,
        export_verification,
        profile,
        save_profile,
        office_days,
        save_office_days,
        generate_email,
        trust_roots,
        import_trust_roots,
        remove_trust_root,
        people,
        add_person,
        licences,
        import_licences,
        create_licence_notice,
        licence_notice_preview,
        last_licence_import,
        export_licence_report,
        window_ready,
        checklist,
        duplicate_document,
        annul_document,
        update_person,
        set_person_active,
        choose_file,
        choose_save_path,
        export_name,
        export_document,
        print_document,
        export_bundle,
    ])
}

/// The templates: `ACTAS_TEMPLATES`, else those installed with the package
/// (Tauri's resource folder), else the source tree's.
fn templates_dir(resources: Option<PathBuf>) -> PathBuf {
    if std::env::var_os(actas::template::TEMPLATES_ENV).is_some_and(|v| !v.is_empty()) {
        return actas::template::Catalogue::default_dir();
    }
    resources
        .map(|dir| dir.join("templates"))
        .filter(|dir| dir.is_dir())
        .unwrap_or_else(actas::template::Catalogue::default_dir)
}

/// Opens the state: the database (`ACTAS_DB` or the user's data folder) and the templates.
pub fn open_state(resources: Option<PathBuf>) -> Result<App, ActasError> {
    let db = default_database_path()?;
    let clock = Clock::from_env().map_err(ActasError::Other)?;
    App::open(&db, &templates_dir(resources), clock)
}

/// Runs the desktop application until its window closes.
pub fn run() {
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let state = open_state(app.path().resource_dir().ok()).map_err(|e| {
                eprintln!("actas-desktop: {e}");
                Box::<dyn std::error::Error>::from(e.to_string())
            })?;
            app.manage(state);
            app.manage(grants::Grants::from_env());
            Ok(())
        })
        .on_window_event(|window, event| {
            // A file dropped on the window counts as chosen (to read).
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                let grants = window.state::<grants::Grants>();
                let dropped: Vec<grants::Grant> = paths
                    .iter()
                    .map(|p| grants.issue(p.clone(), grants::Access::Read))
                    .collect();
                let _ = tauri::Emitter::emit(window, grants::DROPPED_EVENT, dropped);
            }
        });
    if let Err(e) = with_commands(builder).run(tauri::generate_context!()) {
        eprintln!("actas-desktop: no se pudo abrir la ventana: {e}");
        std::process::exit(1);
    }
}
