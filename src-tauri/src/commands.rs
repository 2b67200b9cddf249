//! The Tauri commands: each one a one-line adapter onto an
//! `actas::app::App` method, run off the main thread (`async`); errors
//! become the core's one-line Spanish message. (They live in their own
//! module because Tauri's glue cannot export commands from the crate root.)

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use actas::app::*;
use actas::error::ActasError;
use actas::service::{DocumentListing, ImportedPdf, SignOutcome, SignatureSettings};
use actas::sign::pkcs11::TokenListing;
use actas::store::{NewPerson, Person};
use tauri::{AppHandle, Runtime, State};

type Reply<T> = Result<T, String>;

fn message(error: ActasError) -> String {
    error.to_string()
}

#[tauri::command(async)]
pub fn app_info(app: State<'_, App>) -> AppInfo {
    app.info()
}

#[tauri::command(async)]
pub fn pending(app: State<'_, App>, person: Option<String>) -> Reply<Vec<PendingRow>> {
    app.pending(person.as_deref()).map_err(message)
}

#[tauri::command(async)]
pub fn import_pdf(app: State<'_, App>, path: String) -> Reply<ImportedPdf> {
    app.import_pdf(&path).map_err(message)
}

#[tauri::command(async)]
pub fn forms(app: State<'_, App>) -> Vec<FormSummary> {
    app.forms()
}

#[tauri::command(async)]
pub fn form_spec(app: State<'_, App>, id: String) -> Reply<FormSpec> {
    app.form_spec(&id).map_err(message)
}

#[tauri::command(async)]
pub fn validate_form(app: State<'_, App>, request: ValidateRequest) -> Reply<Validation> {
    app.validate(&request).map_err(message)
}

#[tauri::command(async)]
pub fn preview_form(app: State<'_, App>, request: ValidateRequest) -> Reply<PdfFile> {
    app.preview(&request).map_err(message)
}

#[tauri::command(async)]
pub fn save_draft(app: State<'_, App>, request: SaveDraftRequest) -> Reply<DraftInfo> {
    app.save_draft(&request).map_err(message)
}

#[tauri::command(async)]
pub fn drafts(app: State<'_, App>) -> Reply<Vec<DraftInfo>> {
    app.drafts().map_err(message)
}

#[tauri::command(async)]
pub fn open_draft(app: State<'_, App>, id: i64) -> Reply<DraftView> {
    app.open_draft(id).map_err(message)
}

#[tauri::command(async)]
pub fn delete_draft(app: State<'_, App>, id: i64) -> Reply<()> {
    app.delete_draft(id).map_err(message)
}

#[tauri::command(async)]
pub fn create_document(app: State<'_, App>, request: CreateRequest) -> Reply<DocumentListing> {
    app.create_document(&request).map_err(message)
}

#[tauri::command(async)]
pub fn documents(app: State<'_, App>, filter: DocumentFilter) -> Reply<Vec<DocumentRow>> {
    app.documents(&filter).map_err(message)
}

#[tauri::command(async)]
pub fn document_pdf(app: State<'_, App>, reference: String) -> Reply<PdfFile> {
    app.document_pdf(&reference).map_err(message)
}

#[tauri::command(async)]
pub fn inspect_certificate(
    app: State<'_, App>,
    request: CertificateRequest,
) -> Reply<CertificateInfo> {
    app.inspect_certificate(&request).map_err(message)
}

#[tauri::command(async)]
pub fn signing_target(app: State<'_, App>, request: TargetRequest) -> Reply<SigningTarget> {
    app.signing_target(&request).map_err(message)
}

#[tauri::command(async)]
pub fn sign_document(app: State<'_, App>, request: SignDocumentRequest) -> Reply<SignOutcome> {
    app.sign_document(&request).map_err(message)
}

#[tauri::command(async)]
pub fn sign_file(app: State<'_, App>, request: SignFileRequest) -> Reply<SignOutcome> {
    app.sign_file(&request).map_err(message)
}

#[tauri::command(async)]
pub fn verify(app: State<'_, App>, request: VerifyRequest) -> Reply<VerifyView> {
    app.verify(&request).map_err(message)
}

#[tauri::command(async)]
pub fn export_verification(app: State<'_, App>, request: ExportReportRequest) -> Reply<String> {
    app.export_verification(&request).map_err(message)
}

#[tauri::command(async)]
pub fn tokens(app: State<'_, App>, request: TokensRequest) -> Reply<Vec<TokenListing>> {
    app.tokens(&request).map_err(message)
}

#[tauri::command(async)]
pub fn signature_settings(app: State<'_, App>) -> Reply<SignatureSettings> {
    app.signature_settings().map_err(message)
}

#[tauri::command(async)]
pub fn save_signature_settings(
    app: State<'_, App>,
    settings: SignatureSettings,
) -> Reply<SignatureSettings> {
    app.save_signature_settings(&settings).map_err(message)
}

#[tauri::command(async)]
pub fn suggested_modules(app: State<'_, App>) -> Vec<String> {
    app.suggested_modules()
}

#[tauri::command(async)]
pub fn profile(app: State<'_, App>) -> Reply<Profile> {
    app.profile().map_err(message)
}

#[tauri::command(async)]
pub fn save_profile(app: State<'_, App>, profile: Profile) -> Reply<Profile> {
    app.save_profile(&profile).map_err(message)
}

#[tauri::command(async)]
pub fn office_days(app: State<'_, App>) -> Reply<String> {
    app.office_days().map_err(message)
}

#[tauri::command(async)]
pub fn save_office_days(app: State<'_, App>, text: String) -> Reply<String> {
    app.save_office_days(&text).map_err(message)
}

#[tauri::command(async)]
pub fn generate_email(app: State<'_, App>, request: EmailRequest) -> Reply<String> {
    app.generate_email(&request).map_err(message)
}

#[tauri::command(async)]
pub fn trust_roots(app: State<'_, App>) -> Reply<Vec<TrustRootInfo>> {
    app.trust_roots().map_err(message)
}

#[tauri::command(async)]
pub fn import_trust_roots(app: State<'_, App>, path: String) -> Reply<Vec<TrustRootInfo>> {
    app.import_trust_roots(PathBuf::from(path).as_path())
        .map_err(message)
}

#[tauri::command(async)]
pub fn remove_trust_root(app: State<'_, App>, id: i64) -> Reply<Vec<TrustRootInfo>> {
    app.remove_trust_root(id).map_err(message)
}

#[tauri::command(async)]
pub fn people(app: State<'_, App>) -> Reply<Vec<Person>> {
    app.people().map_err(message)
}

#[tauri::command(async)]
pub fn add_person(app: State<'_, App>, person: NewPerson) -> Reply<Person> {
    app.add_person(&person).map_err(message)
}

#[tauri::command(async)]
pub fn licences(app: State<'_, App>, query: LicenceQuery) -> Reply<LicenceOverview> {
    app.licences(&query).map_err(message)
}

#[tauri::command(async)]
pub fn import_licences(app: State<'_, App>, path: String) -> Reply<LicenceImport> {
    app.import_licences(&path).map_err(message)
}

#[tauri::command(async)]
pub fn create_licence_notice(app: State<'_, App>, request: NoticeRequest) -> Reply<String> {
    app.create_licence_notice(&request).map_err(message)
}

/// When the process started (set first thing in `main`).
pub static STARTED: OnceLock<Instant> = OnceLock::new();

/// Environment variable: when set, the first `window_ready` prints the
/// start-up time in milliseconds to stdout and exits (the start-up bench).
pub const STARTUP_PROBE_ENV: &str = "ACTAS_STARTUP_PROBE";

/// Called by the window once the Documentos screen is interactive.
#[tauri::command]
pub fn window_ready<R: Runtime>(handle: AppHandle<R>) {
    if std::env::var_os(STARTUP_PROBE_ENV).is_some() {
        let elapsed = STARTED.get().map(|t| t.elapsed().as_secs_f64() * 1000.0);
        println!("arranque_ms {:.1}", elapsed.unwrap_or(f64::NAN));
        handle.exit(0);
    }
}
