//! The Tauri commands: each one a one-line adapter onto an
//! `actas::app::App` method, run off the main thread (`async`); errors
//! become the core's one-line Spanish message. (They live in their own
//! module because Tauri's glue cannot export commands from the crate root.)
//!
//! Where a request names a file, the window sends the token a file dialog
//! returned (`grants.rs`), never a path: each command resolves it with
//! `Grants::read`/`Grants::write` before the core sees a path.
//!
//! «Imprimir» opens the PDF with the system's viewer (`xdg-open`): WebKitGTK
//! has no PDF viewer of its own (a PDF in an iframe is not drawn, and
//! `window.print()` prints the window's HTML, not the document), so the
//! system viewer is the one route that prints the real file, with the
//! printers and options the user knows.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use actas::app::*;
use actas::error::ActasError;
use actas::service::{DocumentListing, ImportedPdf, SignOutcome, SignatureSettings};
use actas::sign::pkcs11::TokenListing;
use actas::store::{NewPerson, Person};
use tauri::{AppHandle, Runtime, State};

use crate::grants::{FileKind, Grant, Grants};

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
pub fn import_pdf(
    app: State<'_, App>,
    grants: State<'_, Grants>,
    path: String,
) -> Reply<ImportedPdf> {
    let path = grants.read(&path)?;
    app.import_pdf(&path.display().to_string()).map_err(message)
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
pub fn documents_page(app: State<'_, App>, filter: DocumentFilter) -> Reply<DocumentPage> {
    app.documents_page(&filter).map_err(message)
}

#[tauri::command(async)]
pub fn document_pdf(app: State<'_, App>, reference: String) -> Reply<PdfFile> {
    app.document_pdf(&reference).map_err(message)
}

#[tauri::command(async)]
pub fn inspect_certificate(
    app: State<'_, App>,
    grants: State<'_, Grants>,
    mut request: CertificateRequest,
) -> Reply<CertificateInfo> {
    request.p12_path = shown(grants.read(&request.p12_path)?);
    app.inspect_certificate(&request).map_err(message)
}

#[tauri::command(async)]
pub fn signing_target(
    app: State<'_, App>,
    grants: State<'_, Grants>,
    mut request: TargetRequest,
) -> Reply<SigningTarget> {
    request.path = grants.read_optional(request.path.as_deref())?.map(shown);
    app.signing_target(&request).map_err(message)
}

#[tauri::command(async)]
pub fn sign_document(
    app: State<'_, App>,
    grants: State<'_, Grants>,
    mut request: SignDocumentRequest,
) -> Reply<SignOutcome> {
    granted_key(&grants, &mut request.key)?;
    app.sign_document(&request).map_err(message)
}

#[tauri::command(async)]
pub fn sign_file(
    app: State<'_, App>,
    grants: State<'_, Grants>,
    mut request: SignFileRequest,
) -> Reply<SignOutcome> {
    request.input = shown(grants.read(&request.input)?);
    request.output = shown(grants.write(&request.output)?);
    granted_key(&grants, &mut request.key)?;
    app.sign_file(&request).map_err(message)
}

#[tauri::command(async)]
pub fn verify(
    app: State<'_, App>,
    grants: State<'_, Grants>,
    mut request: VerifyRequest,
) -> Reply<VerifyView> {
    request.path = grants.read_optional(request.path.as_deref())?.map(shown);
    app.verify(&request).map_err(message)
}

#[tauri::command(async)]
pub fn export_verification(
    app: State<'_, App>,
    grants: State<'_, Grants>,
    mut request: ExportReportRequest,
) -> Reply<String> {
    request.output = shown(grants.write(&request.output)?);
    request.target.path = grants
        .read_optional(request.target.path.as_deref())?
        .map(shown);
    app.export_verification(&request).map_err(message)
}

#[tauri::command(async)]
pub fn tokens(
    app: State<'_, App>,
    grants: State<'_, Grants>,
    mut request: TokensRequest,
) -> Reply<Vec<TokenListing>> {
    request.module = granted_module(&grants, &app, &request.module)?;
    app.tokens(&request).map_err(message)
}

/// The key's `.p12` comes from the dialog; a token's module as [`granted_module`].
fn granted_key(grants: &Grants, key: &mut KeyChoice) -> Result<(), String> {
    if key.source.trim() == "token" {
        key.p12_path.clear();
    } else {
        key.p12_path = shown(grants.read(&key.p12_path)?);
    }
    Ok(())
}

/// A PKCS#11 module is a library the process loads: only one of the
/// well-known modules installed here, or a file the user chose in the
/// dialog (empty: Configuración's).
fn granted_module(grants: &Grants, app: &App, module: &str) -> Result<String, String> {
    let module = module.trim();
    if module.is_empty() || app.suggested_modules().iter().any(|m| m == module) {
        return Ok(module.to_string());
    }
    Ok(shown(grants.read(module)?))
}

#[tauri::command(async)]
pub fn signature_settings(app: State<'_, App>) -> Reply<SignatureSettings> {
    app.signature_settings().map_err(message)
}

#[tauri::command(async)]
pub fn save_signature_settings(
    app: State<'_, App>,
    grants: State<'_, Grants>,
    mut settings: SignatureSettings,
) -> Reply<SignatureSettings> {
    settings.pkcs11_module = granted_module(&grants, &app, &settings.pkcs11_module)?;
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
pub fn generate_email(
    app: State<'_, App>,
    grants: State<'_, Grants>,
    mut request: EmailRequest,
) -> Reply<String> {
    request.output = shown(grants.write(&request.output)?);
    request.attachment = grants
        .read_optional(request.attachment.as_deref())?
        .map(shown);
    app.generate_email(&request).map_err(message)
}

#[tauri::command(async)]
pub fn trust_roots(app: State<'_, App>) -> Reply<Vec<TrustRootInfo>> {
    app.trust_roots().map_err(message)
}

#[tauri::command(async)]
pub fn import_trust_roots(
    app: State<'_, App>,
    grants: State<'_, Grants>,
    path: String,
) -> Reply<Vec<TrustRootInfo>> {
    app.import_trust_roots(&grants.read(&path)?)
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
pub fn import_licences(
    app: State<'_, App>,
    grants: State<'_, Grants>,
    path: String,
) -> Reply<LicenceImport> {
    app.import_licences(&shown(grants.read(&path)?))
        .map_err(message)
}

#[tauri::command(async)]
pub fn create_licence_notice(app: State<'_, App>, request: NoticeRequest) -> Reply<String> {
    app.create_licence_notice(&request).map_err(message)
}

#[tauri::command(async)]
pub fn licence_notice_preview(app: State<'_, App>, request: NoticeRequest) -> Reply<PdfFile> {
    app.licence_notice_preview(&request).map_err(message)
}

#[tauri::command(async)]
pub fn last_licence_import(app: State<'_, App>) -> Reply<Option<LicenceImport>> {
    app.last_licence_import().map_err(message)
}

#[tauri::command(async)]
pub fn export_licence_report(
    app: State<'_, App>,
    grants: State<'_, Grants>,
    path: String,
) -> Reply<String> {
    app.export_licence_report(&shown(grants.write(&path)?))
        .map_err(message)
}

/// A resolved path as the core's string-typed requests carry it.
fn shown(path: PathBuf) -> String {
    path.display().to_string()
}

/// «Elegir…»: the system's open dialog, run by the backend; the answer's token.
#[tauri::command(async)]
pub fn choose_file<R: Runtime>(
    handle: AppHandle<R>,
    grants: State<'_, Grants>,
    kind: FileKind,
    title: String,
) -> Reply<Option<Grant>> {
    grants.choose_file(&handle, kind, &title)
}

/// «Guardar como…»: the system's save dialog in the user's Documents folder
/// with `suggested` as the name; the answer's token.
#[tauri::command(async)]
pub fn choose_save_path<R: Runtime>(
    handle: AppHandle<R>,
    grants: State<'_, Grants>,
    kind: FileKind,
    title: String,
    suggested: String,
) -> Reply<Option<Grant>> {
    grants.choose_save_path(&handle, kind, &title, &suggested)
}

/// The name a stored document is exported under: `<número>-<formulario>.pdf`.
#[tauri::command(async)]
pub fn export_name(app: State<'_, App>, reference: String) -> Reply<String> {
    app.export_name(&reference).map_err(message)
}

/// «Exportar PDF»: the latest revision written where the user chose.
#[tauri::command(async)]
pub fn export_document(
    app: State<'_, App>,
    grants: State<'_, Grants>,
    reference: String,
    output: String,
) -> Reply<String> {
    app.export_document(&reference, &grants.write(&output)?)
        .map_err(message)
}

/// «Imprimir»: a copy in the application's own folder, opened with the
/// system's PDF viewer, whose «Imprimir» offers the printers. Returns the copy.
#[tauri::command(async)]
pub fn print_document<R: Runtime>(
    handle: AppHandle<R>,
    app: State<'_, App>,
    grants: State<'_, Grants>,
    reference: String,
) -> Reply<String> {
    let copy = app
        .print_copy(&reference, &crate::grants::print_folder(&handle)?)
        .map_err(message)?;
    grants.open_with_system(&copy)?;
    Ok(shown(copy))
}

/// «Exportar paquete»: the listed documents' archive bundle, sealed by the archivist.
#[tauri::command(async)]
pub fn export_bundle(
    app: State<'_, App>,
    grants: State<'_, Grants>,
    mut request: BundleRequest,
) -> Reply<BundleResult> {
    request.p12_path = shown(grants.read(&request.p12_path)?);
    request.output = shown(grants.write(&request.output)?);
    app.export_bundle(&request).map_err(message)
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

#[tauri::command(async)]
pub fn checklist(app: State<'_, App>) -> Reply<actas::service::Checklist> {
    app.checklist().map_err(message)
}

#[tauri::command(async)]
pub fn duplicate_document(app: State<'_, App>, reference: String) -> Reply<DraftInfo> {
    app.duplicate_document(&reference).map_err(message)
}

#[tauri::command(async)]
pub fn annul_document(app: State<'_, App>, request: AnnulRequest) -> Reply<()> {
    app.annul_document(&request).map_err(message)
}

#[tauri::command(async)]
pub fn update_person(app: State<'_, App>, request: UpdatePersonRequest) -> Reply<Person> {
    app.update_person(&request).map_err(message)
}

#[tauri::command(async)]
pub fn set_person_active(app: State<'_, App>, request: PersonActiveRequest) -> Reply<Person> {
    app.set_person_active(&request).map_err(message)
}
