import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiMock, choosePath } from '../test/mockApi';

const api = vi.hoisted(() => ({}) as ReturnType<typeof import('../test/mockApi').apiMock>);
vi.mock('../api', () => api);

import { Firmar, outcomeText, roleOptions } from './Firmar';

const roles = [
  { role: 'coord-arquitectura', title: 'Arquitectura', signed: true, signer: 'Carlos', next: false },
  { role: 'coord-calidad', title: 'Calidad', signed: false, signer: null, next: true },
  { role: 'coord-computo', title: 'Cómputo', signed: false, signer: null, next: false },
];
const target = { template: 'mef', title: 'Control', number: '2026-001', roles, open_fields: [] };

beforeEach(() => {
  Object.assign(api, apiMock());
  api.signingTarget.mockResolvedValue(target);
});

describe('Firmar', () => {
  it('offers only the roles that may sign now; foreign PDFs list their open fields', () => {
    expect(roleOptions(target).map((o) => [o.value, o.enabled])).toEqual([
      ['coord-arquitectura', false],
      ['coord-calidad', true],
      ['coord-computo', false],
    ]);
    const foreign = { template: null, title: null, number: null, roles: [], open_fields: ['firma.jefe', 'Signature1'] };
    expect(roleOptions(foreign).map((o) => o.value)).toEqual(['jefe', 'Signature1']);
  });

  it('words the outcome', () => {
    const base = { signer: 'Ana', revision: 3, status: '', level: 'B-B', timestamp: null };
    expect(outcomeText({ ...base, role: 'coord-calidad', next: ['coord-computo'], complete: false }, roles)).toBe(
      'Firmado por Ana como Calidad; siguiente: Cómputo.',
    );
    expect(outcomeText({ ...base, role: 'coord-computo', next: [], complete: true }, roles)).toBe(
      'Firmado por Ana como Cómputo. Firmaron todos los roles requeridos.',
    );
    expect(
      outcomeText(
        { ...base, role: 'coord-computo', next: [], complete: true, level: 'B-LTA', timestamp: '06/12/2026 03:20:11 UTC' },
        roles,
      ),
    ).toBe(
      'Firmado por Ana como Cómputo. Firmaron todos los roles requeridos. Firma PAdES B-LTA, sello de tiempo 06/12/2026 03:20:11 UTC.',
    );
  });

  it('signs after the certificate was inspected, then clears the password', async () => {
    api.inspectCertificate.mockResolvedValue({
      name: 'Ana Torres',
      subject: 'CN=Ana Torres',
      issuer: 'CA Prueba',
      serial: '0A',
      valid_from: '01/01/2026 00:00 UTC',
      valid_until: '01/01/2027 00:00 UTC',
    });
    api.signDocument.mockResolvedValue({
      role: 'coord-calidad',
      signer: 'Ana Torres',
      next: ['coord-computo'],
      complete: false,
      revision: 3,
      status: 'en firma',
      level: 'B-B',
      timestamp: null,
    });
    render(<Firmar initialReference="2026-001" />);
    await waitFor(() => expect(screen.getByTestId<HTMLSelectElement>('sign-role').value).toBe('coord-calidad'));
    expect(api.signingTarget).toHaveBeenCalledWith({ reference: '2026-001', path: null });
    const confirm = screen.getByTestId<HTMLButtonElement>('confirm-sign');
    await choosePath(api, 'p12-path', '/tmp/ana.p12');
    fireEvent.input(screen.getByTestId('p12-password'), { target: { value: 'secreta' } });
    expect(confirm.disabled).toBe(true);
    fireEvent.click(screen.getByTestId('inspect-cert'));
    await waitFor(() =>
      expect(screen.getByTestId('cert-info').textContent).toContain(
        'válido del 01/01/2026 00:00 UTC al 01/01/2027 00:00 UTC',
      ),
    );
    expect(confirm.disabled).toBe(false);
    fireEvent.click(confirm);
    await waitFor(() =>
      expect(screen.getByTestId('sign-result').textContent).toBe('Firmado por Ana Torres como Calidad; siguiente: Cómputo.'),
    );
    expect(api.signDocument).toHaveBeenCalledWith({
      reference: '2026-001',
      role: 'coord-calidad',
      key: { source: 'p12', p12_path: '/tmp/ana.p12', password: 'secreta', token: '', cert_serial: '', level: '' },
      location: '',
      substitute: false,
    });
    expect(screen.getByTestId<HTMLInputElement>('p12-password').value).toBe('');
    expect(api.signingTarget).toHaveBeenCalledTimes(2);
  });

  it('signs with a certificate found on the token and its PIN, at the chosen level', async () => {
    api.tokens.mockResolvedValue([
      {
        label: 'DNIe',
        manufacturer: 'RENIEC',
        model: 'DNIe',
        serial: '1',
        certificates: [
          {
            token: 'DNIe',
            label: 'firma',
            id: '01',
            name: 'Ana Torres',
            subject: 'CN=Ana Torres',
            issuer: 'CN=ECEP',
            serial: '0A1B',
            valid_from: '01/01/2026',
            valid_until: '01/01/2029',
            dni: '45678912',
            has_key: true,
          },
        ],
      },
    ]);
    api.signDocument.mockResolvedValue({
      role: 'coord-calidad',
      signer: 'Ana Torres',
      next: [],
      complete: false,
      revision: 3,
      status: 'en firma',
      level: 'B-T',
      timestamp: '06/12/2026 03:20:11 UTC',
    });
    render(<Firmar initialReference="2026-001" />);
    await waitFor(() => expect(screen.getByTestId<HTMLSelectElement>('sign-role').value).toBe('coord-calidad'));
    fireEvent.click(screen.getByTestId('key-source-token'));
    fireEvent.click(screen.getByTestId('find-tokens'));
    await waitFor(() =>
      expect(screen.getByTestId<HTMLSelectElement>('token-cert').textContent).toContain(
        'Ana Torres — DNI 45678912 — DNIe — vence el 01/01/2029',
      ),
    );
    expect(api.tokens).toHaveBeenCalledWith({ module: '' });
    const confirm = screen.getByTestId<HTMLButtonElement>('confirm-sign');
    expect(confirm.disabled).toBe(true);
    fireEvent.input(screen.getByTestId('token-pin'), { target: { value: '654321' } });
    fireEvent.change(screen.getByTestId('sign-level'), { target: { value: 'B-T' } });
    expect(confirm.disabled).toBe(false);
    fireEvent.click(confirm);
    await waitFor(() => expect(screen.getByTestId('sign-result').textContent).toContain('sello de tiempo'));
    expect(api.signDocument).toHaveBeenCalledWith({
      reference: '2026-001',
      role: 'coord-calidad',
      key: { source: 'token', p12_path: '', password: '654321', token: 'DNIe', cert_serial: '0A1B', level: 'B-T' },
      location: '',
      substitute: false,
    });
    expect(screen.getByTestId<HTMLInputElement>('token-pin').value).toBe('');
  });

  it('shows the core’s message when the certificate is refused', async () => {
    api.inspectCertificate.mockRejectedValue('la contraseña del certificado no es correcta');
    render(<Firmar initialReference="2026-001" />);
    await choosePath(api, 'p12-path', '/tmp/ana.p12');
    fireEvent.click(screen.getByTestId('inspect-cert'));
    await waitFor(() =>
      expect(screen.getByTestId('sign-error').textContent).toBe('la contraseña del certificado no es correcta'),
    );
    expect(screen.getByTestId<HTMLButtonElement>('confirm-sign').disabled).toBe(true);
  });
});
