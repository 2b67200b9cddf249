/**
 * A mock of the `src/api` module (the window's only boundary) for screen
 * tests: every command is a `vi.fn`; `errorMessage` is the real one.
 */
import { vi } from 'vitest';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fn = (result?: unknown) => vi.fn<(...args: any[]) => any>(async () => result);

export function apiMock() {
  return {
    errorMessage: (e: unknown) => (typeof e === 'string' ? e : e instanceof Error ? e.message : String(e)),
    appInfo: fn(),
    forms: fn([]),
    formSpec: fn(),
    validateForm: fn({ ok: true, problems: [] }),
    previewForm: fn(),
    saveDraft: fn(),
    drafts: fn([]),
    openDraft: fn(),
    deleteDraft: fn(),
    createDocument: fn(),
    documents: fn([]),
    documentPdf: fn(),
    pending: fn([]),
    importPdf: fn(),
    inspectCertificate: fn(),
    signingTarget: fn(),
    signDocument: fn(),
    signFile: fn(),
    tokens: fn([]),
    signatureSettings: fn({ level: '', tsa_url: '', timeout_seconds: 0, proxy: '', pkcs11_module: '' }),
    saveSignatureSettings: fn(),
    suggestedModules: fn([]),
    verify: fn(),
    exportVerification: fn(),
    profile: fn(({ entidad: '', oficina: '', ubicacion: 'Lima' })),
    saveProfile: fn(),
    officeDays: fn(''),
    saveOfficeDays: fn(''),
    generateEmail: fn(''),
    trustRoots: fn([]),
    importTrustRoots: fn(),
    removeTrustRoot: fn(),
    people: fn([]),
    addPerson: fn(),
    licences: fn(),
    importLicences: fn(),
    createLicenceNotice: fn(),
    windowReady: fn(undefined),
    chooseFile: fn(null),
    chooseSavePath: fn(null),
    onFilesDropped: fn(() => {}),
  };
}
