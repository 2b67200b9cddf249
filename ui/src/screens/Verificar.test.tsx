import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiMock, grant } from '../test/mockApi';

const api = vi.hoisted(() => ({}) as ReturnType<typeof import('../test/mockApi').apiMock>);
vi.mock('../api', () => api);

import { Verificar } from './Verificar';

const signature = (over: object) => ({
  field: 'firma.coord-calidad',
  role: 'coord-calidad',
  signer: 'Ana Torres',
  signer_subject: null,
  issuer: 'CA',
  serial: '0A',
  signing_time: '15/03/2026 10:00 -05:00',
  signing_time_rfc3339: null,
  proven_time: null,
  reason: null,
  location: null,
  sub_filter: 'ETSI.CAdES.detached',
  certification: null,
  intact: true,
  valid: true,
  trusted: null,
  cert_valid_at_signing: true,
  pades_ok: true,
  revision: 2,
  covers_whole_file: true,
  modified_after: false,
  modifications: [],
  problems: [],
  timestamp: false,
  role_title: 'Coordinador de Calidad',
  signer_use_ok: true,
  strong_algorithms: true,
  signing_certificate_mismatch: false,
  verdict: 'INDETERMINADO',
  reasons: ['no hay raíces de confianza configuradas: no se comprobó quién emitió el certificado'],
  ...over,
});

beforeEach(() => {
  Object.assign(api, apiMock());
  api.verify.mockResolvedValue({
    source: '2026-001',
    sha256: 'ab'.repeat(32),
    trust_roots: 0,
    verdict: 'NO VÁLIDO: la firma de Ana Torres (Coordinador de Cómputo) es NO VÁLIDO',
    report: {
      signatures: [
        signature({}),
        signature({
          field: 'firma.coord-computo',
          role: 'coord-computo',
          role_title: 'Coordinador de Cómputo',
          intact: false,
          modified_after: true,
          modifications: ['se cambió el contenido de la página 1'],
          verdict: 'NO_VALIDO',
          reasons: ['el documento cambió después de esta firma (1 cambio no permitido)'],
        }),
      ],
      verdict: 'NO_VALIDO',
      reasons: [
        'la firma de Ana Torres (Coordinador de Calidad) es INDETERMINADO: no hay raíces de confianza configuradas',
        'la firma de Ana Torres (Coordinador de Cómputo) es NO VÁLIDO: el documento cambió después de esta firma',
      ],
      trust_checked: false,
      structure_problems: [],
      forgeries: [],
      completeness: { complete: false, pending: [{ role: 'jefe', title: 'Jefe de la Oficina', name: 'Rosa Díaz' }] },
      unsigned_fields: [],
      template: 'mef',
      number: '2026-001',
      revisions: 3,
      ok: false,
    },
  });
});

describe('Verificar', () => {
  it('shows the verdict and one row per signature with coloured checks', async () => {
    render(<Verificar initialReference="2026-001" />);
    await waitFor(() => expect(screen.getByTestId('verdict').textContent).toContain('NO VÁLIDO'));
    expect(screen.getByTestId('verdict').className).toContain('bad');
    expect(screen.getByTestId('verdict-reasons').textContent).toContain('INDETERMINADO');
    expect(screen.getByTestId('acta-status').textContent).toBe('Acta pendiente: falta la firma de Jefe de la Oficina (Rosa Díaz).');
    expect(screen.getAllByTestId('sig-row')[0].textContent).toContain('Coordinador de Calidad');
    // Role titles, never the form's field ids.
    expect(screen.getByTestId('screen-verificar').textContent).not.toMatch(/firma\.|coord-/);
    expect(api.verify).toHaveBeenCalledWith({ reference: '2026-001', path: null });
    const rows = screen.getAllByTestId('sig-row');
    expect(rows).toHaveLength(2);
    const ok = (row: HTMLElement, id: string) => row.querySelector<HTMLElement>(`[data-testid="${id}"]`)!.dataset.ok;
    expect(['sig-intact', 'sig-valid', 'sig-modified'].map((id) => ok(rows[0], id))).toEqual(['true', 'true', 'true']);
    expect(rows[0].querySelector('[data-testid="sig-trusted"]')!.textContent).toBe('no comprobado');
    expect(ok(rows[1], 'sig-intact')).toBe('false');
    expect(ok(rows[1], 'sig-modified')).toBe('false');
    expect(screen.getAllByTestId('sig-verdict').map((c) => c.textContent)).toEqual(['INDETERMINADO', 'NO VÁLIDO']);
    expect(screen.getAllByTestId('sig-problems')[1].textContent).toContain('se cambió el contenido');
  });

  it('paints a verdict without trust roots amber', async () => {
    api.verify.mockResolvedValue({
      source: 'x.pdf',
      sha256: 'cd'.repeat(32),
      trust_roots: 0,
      verdict: 'INDETERMINADO: no hay certificados raíz configurados',
      report: {
        signatures: [signature({})],
        unsigned_fields: [],
        template: null,
        number: null,
        revisions: 2,
        ok: false,
        verdict: 'INDETERMINADO',
        reasons: ['la firma de Ana Torres es INDETERMINADO'],
        trust_checked: false,
        structure_problems: [],
        forgeries: [],
        completeness: null,
      },
    });
    render(<Verificar initialReference="2026-001" />);
    await waitFor(() => expect(screen.getByTestId('verdict').className).toContain('warn'));
    expect(screen.queryByTestId('acta-status')).toBeNull();
  });

  it('exports the report and shows where it was written', async () => {
    api.exportVerification.mockResolvedValue('/tmp/reporte.pdf');
    render(<Verificar initialReference="2026-001" />);
    await screen.findByTestId('verdict');
    api.chooseSavePath.mockResolvedValueOnce(grant('/tmp/reporte.pdf'));
    fireEvent.click(screen.getByTestId('export-report'));
    await waitFor(() => expect(screen.getByTestId('export-result').textContent).toBe('/tmp/reporte.pdf'));
    expect(api.exportVerification).toHaveBeenCalledWith({
      target: { reference: '2026-001', path: null },
      output: '/tmp/reporte.pdf',
    });
  });
});

describe('commonName', () => {
  it('names the issuer by its CN, or keeps what has none', async () => {
    const { commonName } = await import('./Verificar');
    expect(commonName('CN=Actas Prueba Intermedia, O=Actas Pruebas, C=PE')).toBe('Actas Prueba Intermedia');
    expect(commonName('O=Sin nombre, C=PE')).toBe('O=Sin nombre, C=PE');
  });
});
