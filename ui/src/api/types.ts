/**
 * The contract types the window exchanges with the core, generated from
 * the Rust types by ts-rs into `./bindings/` (one file per type; never edit
 * them by hand). This file only gathers them for `import type … from '../api'`.
 */

export type { AppInfo } from './bindings/AppInfo';
export type { BundleRequest } from './bindings/BundleRequest';
export type { BundleResult } from './bindings/BundleResult';
export type { CertificateInfo } from './bindings/CertificateInfo';
export type { CertificateRequest } from './bindings/CertificateRequest';
export type { ColumnSpec } from './bindings/ColumnSpec';
export type { ComputedValue } from './bindings/ComputedValue';
export type { ConditionSpec } from './bindings/ConditionSpec';
export type { CreateRequest } from './bindings/CreateRequest';
export type { DocumentFilter } from './bindings/DocumentFilter';
export type { DocumentListing } from './bindings/DocumentListing';
export type { DocumentPage } from './bindings/DocumentPage';
export type { DocumentRow } from './bindings/DocumentRow';
export type { DraftInfo } from './bindings/DraftInfo';
export type { DraftView } from './bindings/DraftView';
export type { EmailRequest } from './bindings/EmailRequest';
export type { ExportReportRequest } from './bindings/ExportReportRequest';
export type { FieldSpec } from './bindings/FieldSpec';
export type { FieldType } from './bindings/FieldType';
export type { FormSpec } from './bindings/FormSpec';
export type { FormSummary } from './bindings/FormSummary';
export type { NewPerson } from './bindings/NewPerson';
export type { PdfFile } from './bindings/PdfFile';
export type { Person } from './bindings/Person';
export type { Problem } from './bindings/Problem';
export type { Profile } from './bindings/Profile';
export type { RoleState } from './bindings/RoleState';
export type { RowConditionSpec } from './bindings/RowConditionSpec';
export type { SaveDraftRequest } from './bindings/SaveDraftRequest';
export type { SectionSpec } from './bindings/SectionSpec';
export type { SignDocumentRequest } from './bindings/SignDocumentRequest';
export type { SignFileRequest } from './bindings/SignFileRequest';
export type { SignOutcome } from './bindings/SignOutcome';
export type { KeyChoice } from './bindings/KeyChoice';
export type { SignatureSettings } from './bindings/SignatureSettings';
export type { TokenCertificate } from './bindings/TokenCertificate';
export type { TokenListing } from './bindings/TokenListing';
export type { TokensRequest } from './bindings/TokensRequest';
export type { SignatureReport } from './bindings/SignatureReport';
export type { SignatureState } from './bindings/SignatureState';
export type { SignatureStatus } from './bindings/SignatureStatus';
export type { SignerSpec } from './bindings/SignerSpec';
export type { SigningTarget } from './bindings/SigningTarget';
export type { StatusFilter } from './bindings/StatusFilter';
export type { TargetRequest } from './bindings/TargetRequest';
export type { TrustRootInfo } from './bindings/TrustRootInfo';
export type { Verdict } from './bindings/Verdict';
export type { ValidateRequest } from './bindings/ValidateRequest';
export type { Validation } from './bindings/Validation';
export type { VerifyReport } from './bindings/VerifyReport';
export type { VerifyRequest } from './bindings/VerifyRequest';
export type { VerifyView } from './bindings/VerifyView';

export type { LicenceImport } from './bindings/LicenceImport';
export type { LicenceOverview } from './bindings/LicenceOverview';
export type { LicenceQuery } from './bindings/LicenceQuery';
export type { LicenceRow } from './bindings/LicenceRow';
export type { NoticeRequest } from './bindings/NoticeRequest';
export type { RejectedRow } from './bindings/RejectedRow';

export type { ImportKind } from './bindings/ImportKind';
export type { ImportedPdf } from './bindings/ImportedPdf';
export type { PendingRow } from './bindings/PendingRow';
export type { WaitingFor } from './bindings/WaitingFor';
export type { PersonRole } from './bindings/PersonRole';

export type { AnnulRequest } from './bindings/AnnulRequest';
export type { Checklist } from './bindings/Checklist';
export type { ChecklistItem } from './bindings/ChecklistItem';
export type { PersonActiveRequest } from './bindings/PersonActiveRequest';
export type { UpdatePersonRequest } from './bindings/UpdatePersonRequest';
