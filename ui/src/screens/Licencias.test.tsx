import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiMock, choosePath } from '../test/mockApi';

const api = vi.hoisted(() => ({}) as ReturnType<typeof import('../test/mockApi').apiMock>);
vi.mock('../api', () => api);

import { Licencias, licenceQuery, soles } from './Licencias';

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
    finish({
      file_name: 'licencias.xlsx',
      sha256: 'cd'.repeat(32),
      imported: 12,
      updated: 3,
      rejected: [{ row: 7, column: 'FECHA TÉRMINO', reason: 'no es una fecha' }],
      warnings: [{ row: 9, column: 'SALDO NETO', reason: 'no cuadra con VALOR − AMORTIZACIÓN' }],
    });
    const result = await screen.findByTestId('lic-import-result');
    expect(api.importLicences).toHaveBeenCalledWith('/tmp/licencias.xlsx');
    expect(result.textContent).toContain('12 importadas, 3 actualizadas');
    expect(screen.getByTestId('lic-rejected').textContent).toBe('Fila 7, columna FECHA TÉRMINO: no es una fecha');
    expect(screen.getByTestId('lic-warnings').textContent).toContain('Fila 9, columna SALDO NETO');
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

  it('generates the notice and opens it in the preview or for signing', async () => {
    api.createLicenceNotice.mockResolvedValue('2026-014');
    const navigate = vi.fn();
    render(<Licencias navigate={navigate} />);
    await screen.findAllByTestId('lic-row');
    fireEvent.input(screen.getByTestId('lic-as-of'), { target: { value: '15/03/2026' } });
    fireEvent.click(screen.getByTestId('lic-notice'));
    const result = await screen.findByTestId('lic-notice-result');
    expect(api.createLicenceNotice).toHaveBeenCalledWith({
      query: { as_of: '2026-03-15', within: 90, include_expired: true },
    });
    expect(result.textContent).toContain('Notificación N.° 2026-014 guardada');
    fireEvent.click(screen.getByTestId('lic-notice-preview'));
    expect(navigate).toHaveBeenCalledWith({
      screen: 'preview',
      source: { kind: 'document', reference: '2026-014' },
      back: { screen: 'licencias' },
    });
    fireEvent.click(screen.getByTestId('lic-notice-sign'));
    expect(navigate).toHaveBeenLastCalledWith({ screen: 'firmar', reference: '2026-014' });
  });
});
