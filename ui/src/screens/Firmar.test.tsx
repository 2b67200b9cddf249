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
    const base = { signer: 'Ana', revision: 3, status: '' };
    expect(outcomeText({ ...base, role: 'coord-calidad', next: ['coord-computo'], complete: false }, roles)).toBe(
      'Firmado por Ana como Calidad; siguiente: Cómputo.',
    );
    expect(outcomeText({ ...base, role: 'coord-computo', next: [], complete: true }, roles)).toBe(
      'Firmado por Ana como Cómputo. Documento firmado por todos.',
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
      p12_path: '/tmp/ana.p12',
      password: 'secreta',
      location: '',
      substitute: false,
    });
    expect(screen.getByTestId<HTMLInputElement>('p12-password').value).toBe('');
    expect(api.signingTarget).toHaveBeenCalledTimes(2);
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
