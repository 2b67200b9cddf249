import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiMock } from '../test/mockApi';

const api = vi.hoisted(() => ({}) as ReturnType<typeof import('../test/mockApi').apiMock>);
vi.mock('../api', () => api);

import { Documentos, PAGE_SIZE } from './Documentos';

const row = {
  reference: '2026-001',
  number: '2026-001',
  template: 'mef-anexo-11-1',
  form_code: 'Anexo 11.1',
  title: 'Control de revisión del pase a producción',
  date: '15/03/2026',
  status: 'en firma',
  complete: false,
  revisions: 2,
  signatures: [
    { role: 'coord-arquitectura', title: 'Arquitectura', signed: true, signer: 'Carlos Mendoza', next: false },
    { role: 'coord-calidad', title: 'Calidad', signed: false, signer: null, next: true },
    { role: 'coord-computo', title: 'Cómputo', signed: false, signer: null, next: false },
  ],
};

beforeEach(() => {
  Object.assign(api, apiMock());
  api.documentsPage.mockResolvedValue({ rows: [row], total: 1, offset: 0 });
  api.drafts.mockResolvedValue([{ id: 3, template_id: 'x', title: 'Acta de instalación', updated: '14/03/2026 09:00' }]);
});

describe('Documentos', () => {
  it('lists documents with a chip per role and announces the window ready once', async () => {
    const navigate = vi.fn();
    render(<Documentos navigate={navigate} openDraft={vi.fn()} />);
    const tr = await screen.findByTestId('doc-row');
    expect(tr.dataset.reference).toBe('2026-001');
    expect(tr.textContent).toContain('15/03/2026');
    const chips = [...tr.querySelectorAll<HTMLElement>('.chip')].map((c) => [c.dataset.state, c.textContent]);
    expect(chips).toEqual([
      ['signed', 'Arquitectura: ✓ Carlos Mendoza'],
      ['next', 'Calidad: siguiente'],
      ['pending', 'Cómputo: pendiente'],
    ]);
    await waitFor(() => expect(api.windowReady).toHaveBeenCalledTimes(1));
    fireEvent.click(screen.getByText('Firmar', { selector: 'button' }));
    expect(navigate).toHaveBeenCalledWith({ screen: 'firmar', reference: '2026-001' });
  });

  it('sends dd/mm/aaaa filter dates as AAAA-MM-DD, and the status', async () => {
    render(<Documentos navigate={vi.fn()} openDraft={vi.fn()} />);
    await screen.findByTestId('doc-row');
    fireEvent.input(screen.getByTestId('doc-filter-from'), { target: { value: '01/03/2026' } });
    fireEvent.change(screen.getByTestId('doc-filter-status'), { target: { value: 'en_firma' } });
    await waitFor(() =>
      expect(api.documentsPage).toHaveBeenLastCalledWith({
        text: '',
        template: null,
        status: 'en_firma',
        from: '2026-03-01',
        to: null,
        offset: 0,
        limit: PAGE_SIZE,
      }),
    );
  });

  it('loads a page, shows the total and appends the next page with «Cargar más»', async () => {
    const numbered = (n: number) => ({ ...row, reference: `2026-${n}`, number: `2026-${n}` });
    const first = Array.from({ length: PAGE_SIZE }, (_, i) => numbered(120 - i));
    const second = Array.from({ length: PAGE_SIZE }, (_, i) => numbered(70 - i));
    api.documentsPage
      .mockResolvedValueOnce({ rows: first, total: 120, offset: 0 })
      .mockResolvedValueOnce({ rows: second, total: 120, offset: PAGE_SIZE });
    render(<Documentos navigate={vi.fn()} openDraft={vi.fn()} />);
    await waitFor(() => expect(screen.getAllByTestId('doc-row')).toHaveLength(PAGE_SIZE));
    expect(screen.getByTestId('doc-count').textContent).toBe(`Mostrando ${PAGE_SIZE} de 120 documentos`);
    fireEvent.click(screen.getByTestId('doc-load-more'));
    await waitFor(() => expect(screen.getAllByTestId('doc-row')).toHaveLength(2 * PAGE_SIZE));
    expect(api.documentsPage).toHaveBeenLastCalledWith(expect.objectContaining({ offset: PAGE_SIZE, limit: PAGE_SIZE }));
    expect(screen.getAllByTestId('doc-row')[PAGE_SIZE].dataset.reference).toBe('2026-70');
    expect(screen.getByTestId('doc-count').textContent).toBe(`Mostrando ${2 * PAGE_SIZE} de 120 documentos`);
    // The last page is not complete; once every document shows, no button.
    api.documentsPage.mockResolvedValueOnce({ rows: [numbered(20)], total: 2 * PAGE_SIZE + 1, offset: 2 * PAGE_SIZE });
    fireEvent.click(screen.getByTestId('doc-load-more'));
    await waitFor(() => expect(screen.getAllByTestId('doc-row')).toHaveLength(2 * PAGE_SIZE + 1));
    expect(screen.queryByTestId('doc-load-more')).toBeNull();
  });

  it('reopens and deletes drafts (asking first)', async () => {
    const openDraft = vi.fn();
    api.deleteDraft.mockResolvedValue(undefined);
    render(<Documentos navigate={vi.fn()} openDraft={openDraft} />);
    fireEvent.click(await screen.findByTestId('draft-open'));
    expect(openDraft).toHaveBeenCalledWith(3);
    fireEvent.click(screen.getByTestId('draft-delete'));
    expect(api.deleteDraft).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('draft-delete'));
    await waitFor(() => expect(api.deleteDraft).toHaveBeenCalledWith(3));
  });

  it('duplicates a document into a new draft and opens it', async () => {
    const openDraft = vi.fn();
    api.duplicateDocument.mockResolvedValue({ id: 9, template_id: 'mef-anexo-11-1', title: 'Anexo', updated: '15/03/2026 10:00' });
    render(<Documentos navigate={vi.fn()} openDraft={openDraft} />);
    fireEvent.click(await screen.findByTestId('doc-duplicate'));
    await waitFor(() => expect(openDraft).toHaveBeenCalledWith(9));
    expect(api.duplicateDocument).toHaveBeenCalledWith('2026-001');
  });

  it('annuls only with a reason, then lists the document as «Anulado»', async () => {
    render(<Documentos navigate={vi.fn()} openDraft={vi.fn()} />);
    fireEvent.click(await screen.findByTestId('doc-annul'));
    const confirm = screen.getByTestId<HTMLButtonElement>('annul-confirm');
    expect(confirm.disabled).toBe(true);
    fireEvent.input(screen.getByTestId('annul-reason'), { target: { value: '   ' } });
    expect(confirm.disabled).toBe(true);
    fireEvent.input(screen.getByTestId('annul-reason'), { target: { value: 'Duplicado por error' } });
    const annulled = { ...row, status: 'anulado', complete: false, signatures: row.signatures.map((s) => ({ ...s, next: false })) };
    api.documentsPage.mockResolvedValue({ rows: [annulled], total: 1, offset: 0 });
    fireEvent.click(confirm);
    await waitFor(() =>
      expect(api.annulDocument).toHaveBeenCalledWith({ reference: '2026-001', reason: 'Duplicado por error' }),
    );
    await waitFor(() => expect(screen.getByTestId('doc-status').textContent).toBe('Anulado'));
    expect(screen.queryByTestId('doc-annul')).toBeNull();
    expect(screen.getByTestId<HTMLButtonElement>('doc-sign').disabled).toBe(true);
    // The signatures it lacks will never come: not «pendiente».
    const chips = [...document.querySelectorAll<HTMLElement>('.chip')].map((c) => [c.dataset.state, c.textContent]);
    expect(chips).toEqual([
      ['signed', 'Arquitectura: ✓ Carlos Mendoza'],
      ['void', 'Calidad: no se firmará'],
      ['void', 'Cómputo: no se firmará'],
    ]);
  });
});
