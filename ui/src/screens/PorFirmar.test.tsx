import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiMock, choosePath } from '../test/mockApi';

const api = vi.hoisted(() => ({}) as ReturnType<typeof import('../test/mockApi').apiMock>);
vi.mock('../api', () => api);

import { PorFirmar } from './PorFirmar';

const row = {
  document: {
    reference: '2026-001',
    number: '2026-001',
    template: 'mef-anexo-11-1',
    form_code: 'Anexo 11.1',
    title: 'Control de revisión del pase a producción',
    date: '15/03/2026',
    status: 'en firma (1 de 3)',
    complete: false,
    revisions: 2,
    signatures: [
      { role: 'coord-calidad', title: 'Coordinador de Calidad', signed: false, signer: null, next: true },
    ],
  },
  waiting_for: [{ role: 'coord-calidad', name: 'Carlos Alberto Mendoza Villanueva' }],
};

beforeEach(() => {
  Object.assign(api, apiMock());
  api.pending.mockResolvedValue([row]);
  api.people.mockResolvedValue([
    {
      id: 7,
      given_names: 'Carlos Alberto',
      paternal_surname: 'Mendoza',
      maternal_surname: 'Villanueva',
      cargo: '',
      area: '',
      email: '',
      dni: '40123456',
      roles: [],
    },
  ]);
});

describe('Por firmar', () => {
  it('lists the documents waiting, with the role and the person named, and filters by person', async () => {
    const navigate = vi.fn();
    render(<PorFirmar navigate={navigate} />);
    const rows = await screen.findAllByTestId('pending-row');
    expect(rows).toHaveLength(1);
    expect(rows[0].textContent).toContain('Coordinador de Calidad — Carlos Alberto Mendoza Villanueva');
    expect(api.pending).toHaveBeenCalledWith(null);
    await screen.findByText('Carlos Alberto Mendoza Villanueva', { selector: 'option' });
    fireEvent.change(screen.getByTestId('pending-person'), { target: { value: '7' } });
    await waitFor(() => expect(api.pending).toHaveBeenCalledWith('7'));
    fireEvent.click(screen.getByText('Firmar'));
    expect(navigate).toHaveBeenCalledWith({ screen: 'firmar', reference: '2026-001' });
  });

  it('imports a signed PDF and says what became of it', async () => {
    api.importPdf.mockResolvedValue({
      file: '/tmp/a.pdf',
      sha256: 'ab'.repeat(32),
      kind: 'revision',
      reference: '2026-001',
      revision: 3,
      status: 'en firma (2 de 3)',
      signatures: [],
    });
    render(<PorFirmar navigate={vi.fn()} />);
    await choosePath(api, 'import-path', '/tmp/a.pdf');
    fireEvent.click(screen.getByTestId('import-submit'));
    const result = await screen.findByTestId('import-result');
    expect(api.importPdf).toHaveBeenCalledWith('/tmp/a.pdf');
    expect(result.textContent).toContain('2026-001: registrado como nueva revisión (revisión 3');
  });

  it('shows the core message when an import is refused', async () => {
    api.importPdf.mockRejectedValue('otro.pdf: no es un PDF de Actas');
    render(<PorFirmar navigate={vi.fn()} />);
    await choosePath(api, 'import-path', 'otro.pdf');
    fireEvent.click(screen.getByTestId('import-submit'));
    await waitFor(() => expect(api.importPdf).toHaveBeenCalled());
    expect(screen.queryByTestId('import-result')).toBeNull();
  });
});
