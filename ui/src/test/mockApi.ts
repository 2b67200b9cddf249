/**
 * A mock of the `src/api` module (the window's only boundary) for screen
 * tests: every command is a `vi.fn`; `errorMessage` is the real one.
 */
import { expect, vi } from 'vitest';

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
    documentsPage: fn({ rows: [], total: 0, offset: 0 }),
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
    licenceNoticePreview: fn(),
    lastLicenceImport: fn(null),
    exportLicenceReport: fn(),
    windowReady: fn(undefined),
    checklist: fn({ items: [], complete: true }),
    duplicateDocument: fn(),
    annulDocument: fn(undefined),
    updatePerson: fn(),
    setPersonActive: fn(),
    exportName: fn('2026-001-Anexo-11.1.pdf'),
    exportDocument: fn(''),
    printDocument: fn(''),
    exportBundle: fn(),
    chooseFile: fn(null),
    chooseSavePath: fn(null),
    chosenFile: vi.fn((token: string) => (token ? { token, name: token.split('/').pop(), path: token } : null)),
    onFilesDropped: fn(() => {}),
  };
}

/** The grant the mocked dialogs answer with: in tests the token is the path itself. */
export const grant = (path: string) => ({ token: path, name: path.split('/').pop() ?? path, path });

/**
 * Chooses `path` in the `PathInput` whose test id is `testid`, as the user
 * would: the (mocked) dialog answers once with its grant.
 */
export async function choosePath(api: ReturnType<typeof apiMock>, testid: string, path: string) {
  const { fireEvent, screen, waitFor } = await import('@testing-library/preact');
  api.chooseFile.mockResolvedValueOnce(grant(path));
  api.chooseSavePath.mockResolvedValueOnce(grant(path));
  fireEvent.click(screen.getByTestId(`${testid}-choose`));
  await waitFor(() => expect(screen.getByTestId<HTMLInputElement>(testid).value).toBe(path));
  api.chooseFile.mockReset();
  api.chooseSavePath.mockReset();
  api.chooseFile.mockResolvedValue(null);
  api.chooseSavePath.mockResolvedValue(null);
}
