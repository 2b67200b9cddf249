/**
 * The window's only door to the core: one typed function per Tauri command
 * (names and argument names as `src-tauri/src/lib.rs` registers them), the
 * file dialogs and the drag-and-drop listener. Nothing outside `src/api/`
 * imports `@tauri-apps/*`.
 *
 * A failing command rejects with the core's one-line Spanish message;
 * [`errorMessage`] turns whatever was thrown into that text.
 *
 * Files: the window never sends a path. The backend runs the file dialogs
 * (`chooseFile`, `chooseSavePath`) and answers with a [`Grant`] whose
 * opaque `token` is what every file-taking command receives
 * (src-tauri/src/grants.rs, docs/desktop.md).
 */
import { invoke } from '@tauri-apps/api/core';
import type {
  AnnulRequest,
  AppInfo,
  Checklist,
  BundleRequest,
  BundleResult,
  CertificateInfo,
  CertificateRequest,
  CreateRequest,
  DocumentFilter,
  DocumentPage,
  DocumentListing,
  DocumentRow,
  DraftInfo,
  DraftView,
  EmailRequest,
  ExportReportRequest,
  FormSpec,
  FormSummary,
  ImportedPdf,
  LicenceImport,
  LicenceOverview,
  LicenceQuery,
  NewPerson,
  NoticeRequest,
  PendingRow,
  PdfFile,
  Person,
  PersonActiveRequest,
  Profile,
  SaveDraftRequest,
  SignDocumentRequest,
  SignFileRequest,
  SignOutcome,
  SignatureSettings,
  SigningTarget,
  TargetRequest,
  TokenListing,
  TokensRequest,
  TrustRootInfo,
  UpdatePersonRequest,
  ValidateRequest,
  Validation,
  VerifyRequest,
  VerifyView,
} from './types';

export type * from './types';

export const appInfo = () => invoke<AppInfo>('app_info');
export const forms = () => invoke<FormSummary[]>('forms');
export const formSpec = (id: string) => invoke<FormSpec>('form_spec', { id });
export const validateForm = (request: ValidateRequest) =>
  invoke<Validation>('validate_form', { request });
export const previewForm = (request: ValidateRequest) =>
  invoke<PdfFile>('preview_form', { request });
export const saveDraft = (request: SaveDraftRequest) => invoke<DraftInfo>('save_draft', { request });
export const drafts = () => invoke<DraftInfo[]>('drafts');
export const openDraft = (id: number) => invoke<DraftView>('open_draft', { id });
export const deleteDraft = (id: number) => invoke<void>('delete_draft', { id });
export const createDocument = (request: CreateRequest) =>
  invoke<DocumentListing>('create_document', { request });
export const documents = (filter: DocumentFilter) => invoke<DocumentRow[]>('documents', { filter });
export const documentsPage = (filter: DocumentFilter) => invoke<DocumentPage>('documents_page', { filter });
export const documentPdf = (reference: string) => invoke<PdfFile>('document_pdf', { reference });
export const pending = (person: string | null) => invoke<PendingRow[]>('pending', { person });
export const importPdf = (path: string) => invoke<ImportedPdf>('import_pdf', { path });
export const inspectCertificate = (request: CertificateRequest) =>
  invoke<CertificateInfo>('inspect_certificate', { request });
export const signingTarget = (request: TargetRequest) =>
  invoke<SigningTarget>('signing_target', { request });
export const signDocument = (request: SignDocumentRequest) =>
  invoke<SignOutcome>('sign_document', { request });
export const signFile = (request: SignFileRequest) => invoke<SignOutcome>('sign_file', { request });
export const tokens = (request: TokensRequest) => invoke<TokenListing[]>('tokens', { request });
export const signatureSettings = () => invoke<SignatureSettings>('signature_settings');
export const saveSignatureSettings = (settings: SignatureSettings) =>
  invoke<SignatureSettings>('save_signature_settings', { settings });
export const suggestedModules = () => invoke<string[]>('suggested_modules');
export const verify = (request: VerifyRequest) => invoke<VerifyView>('verify', { request });
export const exportVerification = (request: ExportReportRequest) =>
  invoke<string>('export_verification', { request });
export const profile = () => invoke<Profile>('profile');
export const saveProfile = (value: Profile) => invoke<Profile>('save_profile', { profile: value });
export const officeDays = () => invoke<string>('office_days');
export const saveOfficeDays = (text: string) => invoke<string>('save_office_days', { text });
export const generateEmail = (request: EmailRequest) => invoke<string>('generate_email', { request });
export const trustRoots = () => invoke<TrustRootInfo[]>('trust_roots');
export const importTrustRoots = (path: string) =>
  invoke<TrustRootInfo[]>('import_trust_roots', { path });
export const removeTrustRoot = (id: number) => invoke<TrustRootInfo[]>('remove_trust_root', { id });
export const people = () => invoke<Person[]>('people');
export const addPerson = (person: NewPerson) => invoke<Person>('add_person', { person });
export const licences = (query: LicenceQuery) => invoke<LicenceOverview>('licences', { query });
export const importLicences = (path: string) => invoke<LicenceImport>('import_licences', { path });
export const createLicenceNotice = (request: NoticeRequest) =>
  invoke<string>('create_licence_notice', { request });
export const licenceNoticePreview = (request: NoticeRequest) =>
  invoke<PdfFile>('licence_notice_preview', { request });
export const lastLicenceImport = () => invoke<LicenceImport | null>('last_licence_import');
export const exportLicenceReport = (path: string) => invoke<string>('export_licence_report', { path });
export const windowReady = () => invoke<void>('window_ready');
export const checklist = () => invoke<Checklist>('checklist');
export const duplicateDocument = (reference: string) =>
  invoke<DraftInfo>('duplicate_document', { reference });
export const annulDocument = (request: AnnulRequest) => invoke<void>('annul_document', { request });
export const updatePerson = (request: UpdatePersonRequest) =>
  invoke<Person>('update_person', { request });
export const setPersonActive = (request: PersonActiveRequest) =>
  invoke<Person>('set_person_active', { request });
export const exportName = (reference: string) => invoke<string>('export_name', { reference });
/** «Exportar PDF»: writes the document where the save token points; returns the path. */
export const exportDocument = (reference: string, output: string) =>
  invoke<string>('export_document', { reference, output });
/** «Imprimir»: opens a copy with the system's PDF viewer; returns the copy's path. */
export const printDocument = (reference: string) => invoke<string>('print_document', { reference });
export const exportBundle = (request: BundleRequest) => invoke<BundleResult>('export_bundle', { request });

/** The text to show for a rejected command (the core sends a plain string). */
export function errorMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The kinds of file the dialogs filter for. */
export type FileKind = 'pdf' | 'p12' | 'cert' | 'sheet' | 'eml' | 'zip' | 'csv';

/** A file the user chose: `token` stands for it in every command. */
export type Grant = { token: string; name: string; path: string };

/** Grants seen in this run, to show a token's file (name and folder). */
const granted = new Map<string, Grant>();
const remember = (grant: Grant | null) => {
  if (grant) granted.set(grant.token, grant);
  return grant;
};

/** The file a token stands for, when this window was told. */
export const chosenFile = (token: string): Grant | null => granted.get(token) ?? null;

/** Asks for one existing file (the backend runs the dialog); `null` when the user cancels. */
export async function chooseFile(kind: FileKind, title: string): Promise<Grant | null> {
  return remember(await invoke<Grant | null>('choose_file', { kind, title }));
}

/**
 * Asks where to write a file, starting in the user's Documents folder with
 * `suggested` as its name; `null` when the user cancels.
 */
export async function chooseSavePath(kind: FileKind, title: string, suggested = ''): Promise<Grant | null> {
  return remember(await invoke<Grant | null>('choose_save_path', { kind, title, suggested }));
}

/**
 * Calls `onDrop` with the grants of files dropped on the window (the
 * backend issues them); returns the function that stops listening (a no-op
 * outside Tauri).
 */
export async function onFilesDropped(onDrop: (files: Grant[]) => void): Promise<() => void> {
  try {
    const { listen } = await import('@tauri-apps/api/event');
    return await listen<Grant[]>('archivos-soltados', (event) => onDrop(event.payload.map((g) => remember(g)!)));
  } catch {
    return () => {};
  }
}
