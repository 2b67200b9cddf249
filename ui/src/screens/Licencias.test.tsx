import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiMock, choosePath } from '../test/mockApi';

const api = vi.hoisted(() => ({}) as ReturnType<typeof import('../test/mockApi').apiMock>);
vi.mock('../api', () => api);
// pdf.js does not run under jsdom: the viewer shows which PDF it was given.
vi.mock('../components/PdfViewer', () => ({
  PdfViewer: ({ base64 }: { base64: string }) => <div data-testid="pdf-viewer">{base64}</div>,
}));

import { Licencias, licenceQuery, situationClass, soles } from './Licencias';

const report = (over: object = {}) => ({
  file_name: 'licencias.xlsx',
  sha256: 'cd'.repeat(32),
  at: '15/03/2026 10:00',
  actor: 'ana',
  imported: 12,
  updated: 3,
  rows_with_warnings: 1,
  rows_rejected: 1,
  rejected: [{ row: 7, column: 'SOFTWARE Y/O LICENCIA DE SOFTWARE', reason: 'vacío' }],
  warnings: [
    { row: 9, column: 'SALDO NETO', reason: 'no cuadra con VALOR − AMORTIZACIÓN' },
    { row: 9, column: 'TERMINO', reason: 'fecha no válida; la celda se dejó vacía' },
  ],
  ...over,
});

const licence = (over: object) => ({
  software: 'Microsoft Office 365',
  tipo: 'Suscripción',
  ubicacion: 'Sede central',
  reg_siaf: '1234',
  orden: 'OC-2025-77',
  termino: '20/04/2026',
  dias_restantes: 36,
  situacion: 'por vencer',
  saldo_consistente: true,
  fila: 5,
  ...over,
});

const overview = {
  as_of: '15/03/2026',
  total: 42,
  expired: 3,
  within_30: 2,
  within_60: 5,
  within_90: 9,
  valor_adquisicion_total: 12345.67,
  rows: [
    licence({ software: 'AutoCAD', termino: '01/03/2026', dias_restantes: -14, situacion: 'vencida', saldo_consistente: false, fila: 9, tipo: null, orden: null }),
    licence({}),
  ],
};

beforeEach(() => {
  Object.assign(api, apiMock());
  api.licences.mockResolvedValue(overview);
});

describe('Licencias', () => {
  it('shows the summary and one row per licence with its situation chip', async () => {
    render(<Licencias navigate={vi.fn()} />);
    const rows = await screen.findAllByTestId('lic-row');
    expect(api.licences).toHaveBeenCalledWith({ as_of: null, within: 90, include_expired: true });
    const summary = screen.getByTestId('lic-summary');
    expect(screen.getByTestId('lic-total').textContent).toContain('42');
    expect(screen.getByTestId('lic-expired').textContent).toBe('3Vencidas');
    expect(screen.getByTestId('lic-within-90').textContent).toContain('9');
    expect(summary.textContent).toContain('S/ 12,345.67');
    expect(rows).toHaveLength(2);
    const chip = (row: HTMLElement) => row.querySelector<HTMLElement>('[data-testid="lic-situacion"]')!;
    expect(chip(rows[0]).dataset.state).toBe('vencida');
    expect(chip(rows[1]).dataset.state).toBe('por-vencer');
    expect(rows[0].textContent).toContain('1234 / —');
    expect(rows[0].querySelector('[data-testid="lic-saldo-warn"]')!.getAttribute('title')).toBe(
      'SALDO NETO no cuadra con VALOR − AMORTIZACIÓN',
    );
    expect(rows[1].querySelector('[data-testid="lic-saldo-warn"]')).toBeNull();
  });

  it('sends the cut-off date as AAAA-MM-DD with the days and the expired switch', async () => {
    render(<Licencias navigate={vi.fn()} />);
    await screen.findAllByTestId('lic-row');
    fireEvent.input(screen.getByTestId('lic-as-of'), { target: { value: '1/3/2026' } });
    fireEvent.input(screen.getByTestId('lic-within'), { target: { value: '30' } });
    fireEvent.click(screen.getByTestId('lic-include-expired'));
    await waitFor(() =>
      expect(api.licences).toHaveBeenLastCalledWith({ as_of: '2026-03-01', within: 30, include_expired: false }),
    );
  });

  it('builds no query from a date that is not dd/mm/aaaa', () => {
    expect(licenceQuery('', '90', true)).toEqual({ as_of: null, within: 90, include_expired: true });
    expect(licenceQuery(' 15/03/2026 ', '60', false)).toEqual({ as_of: '2026-03-15', within: 60, include_expired: false });
    expect(licenceQuery('31/02/2026', '90', true)).toBeNull();
    expect(licenceQuery('15/03/2026', '', true)).toBeNull();
    expect(soles(0)).toBe('S/ 0.00');
  });

  it('imports a master, shows the counts and rejected rows, and refreshes', async () => {
    let finish: (value: unknown) => void = () => {};
    api.importLicences.mockReturnValue(new Promise((resolve) => (finish = resolve)));
    render(<Licencias navigate={vi.fn()} />);
    await screen.findAllByTestId('lic-row');
    const calls = api.licences.mock.calls.length;
    await choosePath(api, 'lic-import-path', '/tmp/licencias.xlsx');
    fireEvent.click(screen.getByTestId('lic-import'));
    expect(await screen.findByTestId('lic-progress')).toBeTruthy();
    expect(screen.getByTestId('lic-import')).toHaveProperty('disabled', true);
    finish(report());
    const result = await screen.findByTestId('lic-import-result');
    expect(api.importLicences).toHaveBeenCalledWith('/tmp/licencias.xlsx');
    // Rows, not problems: row 9 has two warnings and counts once.
    const imported = screen.getByTestId('lic-count-imported');
    expect(imported.textContent).toBe('15 filas importadas (12 nuevas, 3 actualizadas)');
    expect(imported.className).toContain('ok');
    const warned = screen.getByTestId('lic-count-warned');
    expect([warned.dataset.count, warned.className]).toEqual(['1', 'outcome warn']);
    const rejected = screen.getByTestId('lic-count-rejected');
    expect([rejected.textContent, rejected.className]).toEqual(['1 fila rechazada', 'outcome bad']);
    expect(result.textContent).toContain('2 celdas en 1 fila');
    expect(screen.getByTestId('lic-rejected').textContent).toBe('Fila 7, columna SOFTWARE Y/O LICENCIA DE SOFTWARE: vacío');
    const warnings = [...screen.getByTestId('lic-warnings').querySelectorAll('li')].map((li) => [li.dataset.row, li.dataset.column]);
    expect(warnings).toEqual([
      ['9', 'SALDO NETO'],
      ['9', 'TERMINO'],
    ]);
    expect(screen.queryByTestId('lic-progress')).toBeNull();
    await waitFor(() => expect(api.licences.mock.calls.length).toBe(calls + 1));
  });

  it('shows an import error plainly', async () => {
    api.importLicences.mockRejectedValue('No se encontró la fila de encabezados en licencias.csv');
    render(<Licencias navigate={vi.fn()} />);
    await choosePath(api, 'lic-import-path', '/tmp/licencias.csv');
    fireEvent.click(screen.getByTestId('lic-import'));
    expect((await screen.findByTestId('lic-import-error')).textContent).toBe(
      'No se encontró la fila de encabezados en licencias.csv',
    );
    expect(screen.queryByTestId('lic-import-result')).toBeNull();
  });

  it('a clean import is green only, with nothing amber or red', async () => {
    api.importLicences.mockResolvedValue(report({ rows_with_warnings: 0, rows_rejected: 0, warnings: [], rejected: [] }));
    render(<Licencias navigate={vi.fn()} />);
    await choosePath(api, 'lic-import-path', '/tmp/licencias.xlsx');
    fireEvent.click(screen.getByTestId('lic-import'));
    await screen.findByTestId('lic-import-result');
    expect(screen.getByTestId('lic-count-warned').className).toBe('outcome none');
    expect(screen.getByTestId('lic-count-rejected').className).toBe('outcome none');
    expect(screen.queryByTestId('lic-warnings')).toBeNull();
    expect(screen.queryByTestId('lic-rejected')).toBeNull();
  });

  it('shows the last import kept by the core and exports it as CSV', async () => {
    api.lastLicenceImport.mockResolvedValue(report());
    api.exportLicenceReport.mockResolvedValue('/tmp/informe.csv');
    render(<Licencias navigate={vi.fn()} />);
    expect((await screen.findByTestId('lic-count-imported')).textContent).toContain('15 filas importadas');
    expect(screen.getByTestId('lic-report-export')).toHaveProperty('disabled', true);
    await choosePath(api, 'lic-report-path', '/tmp/informe.csv');
    fireEvent.click(screen.getByTestId('lic-report-export'));
    expect((await screen.findByTestId('lic-report-exported')).textContent).toBe('Guardado en /tmp/informe.csv');
    expect(api.exportLicenceReport).toHaveBeenCalledWith('/tmp/informe.csv');
  });

  it('previews the notice, asks who signs, and only then numbers it', async () => {
    api.people.mockResolvedValue([
      { id: 4, given_names: 'Karina', paternal_surname: 'Paredes', maternal_surname: 'Ochoa', cargo: 'Especialista II', area: '', email: '', dni: '', roles: [] },
    ]);
    api.licenceNoticePreview.mockImplementation(async (request: { signer: number | null }) => ({
      name: 'borrador.pdf',
      base64: request.signer === null ? 'SIN-FIRMANTE' : `FIRMA-${request.signer}`,
    }));
    api.createLicenceNotice.mockResolvedValue('2026-014');
    const navigate = vi.fn();
    render(<Licencias navigate={navigate} />);
    await screen.findAllByTestId('lic-row');
    fireEvent.input(screen.getByTestId('lic-as-of'), { target: { value: '15/03/2026' } });
    fireEvent.click(screen.getByTestId('lic-notice'));
    const query = { as_of: '2026-03-15', within: 90, include_expired: true };
    expect((await screen.findByTestId('pdf-viewer')).textContent).toBe('SIN-FIRMANTE');
    expect(api.licenceNoticePreview).toHaveBeenCalledWith({ query, signer: null });
    expect(api.createLicenceNotice).not.toHaveBeenCalled();
    expect(screen.getByTestId('lic-notice-confirm')).toHaveProperty('disabled', true);
    await waitFor(() => expect(screen.getByTestId('lic-notice-signer').textContent).toContain('Karina Paredes Ochoa — Especialista II'));
    fireEvent.change(screen.getByTestId('lic-notice-signer'), { target: { value: '4' } });
    await waitFor(() => expect(screen.getByTestId('pdf-viewer').textContent).toBe('FIRMA-4'));
    fireEvent.click(screen.getByTestId('lic-notice-confirm'));
    const result = await screen.findByTestId('lic-notice-result');
    expect(api.createLicenceNotice).toHaveBeenCalledWith({ query, signer: 4 });
    expect(result.textContent).toContain('Notificación N.° 2026-014 guardada');
    expect(screen.queryByTestId('lic-notice-draft')).toBeNull();
    fireEvent.click(screen.getByTestId('lic-notice-preview'));
    expect(navigate).toHaveBeenCalledWith({
      screen: 'preview',
      source: { kind: 'document', reference: '2026-014' },
      back: { screen: 'licencias' },
    });
    fireEvent.click(screen.getByTestId('lic-notice-sign'));
    expect(navigate).toHaveBeenLastCalledWith({ screen: 'firmar', reference: '2026-014' });
  });

  it('names the chip of a licence without a readable TERMINO without accents', () => {
    expect(situationClass('sin término')).toBe('sin-termino');
    expect(situationClass('por vencer')).toBe('por-vencer');
  });
});
