import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiMock, grant } from '../test/mockApi';
import { conditionalSpec, people, spec } from '../test/spec';

const api = vi.hoisted(() => ({}) as ReturnType<typeof import('../test/mockApi').apiMock>);
vi.mock('../api', () => api);

import { Nuevo } from './Nuevo';

const byName = (name: string) => document.querySelector<HTMLInputElement>(`[name="${CSS.escape(name)}"]`)!;

beforeEach(() => {
  Object.assign(api, apiMock());
  api.forms.mockResolvedValue([{ id: 'demo', title: spec.title, form_code: spec.form_code, entity: spec.entity }]);
  api.formSpec.mockResolvedValue(spec);
  api.people.mockResolvedValue(people);
});

async function openDemo(navigate = vi.fn()) {
  render(<Nuevo hidden={false} navigate={navigate} openRequest={null} />);
  await waitFor(() => expect(screen.getByTestId('form-select').querySelectorAll('option')).toHaveLength(2));
  fireEvent.change(screen.getByTestId('form-select'), { target: { value: 'demo' } });
  await waitFor(() => expect(byName('area')).toBeTruthy());
  return navigate;
}

describe('Nuevo', () => {
  it('shows every problem of an empty form from the start, never «Sin problemas»', async () => {
    let answer: (v: unknown) => void = () => {};
    api.validateForm.mockImplementation(
      () =>
        new Promise((resolve) => {
          answer = resolve;
        }),
    );
    await openDemo();
    // Before the core answers: no verdict yet.
    expect(screen.getByTestId('problem-count').textContent).toBe('Comprobando…');
    await waitFor(() => expect(api.validateForm).toHaveBeenCalledTimes(1));
    answer({
      ok: false,
      problems: [
        { path: 'area', message: '«Área» es obligatorio' },
        { path: 'fecha', message: '«Fecha» es obligatorio' },
      ],
      computed: [],
    });
    // Nothing typed, and the problems are there, listed and next to their fields.
    await waitFor(() => expect(screen.getByTestId('problem-count').textContent).toContain('2 problemas'));
    expect(screen.getByTestId('problem-count').textContent).not.toContain('Sin problemas');
    expect(screen.getAllByTestId('problem-link').map((l) => l.textContent)).toEqual(['Área', 'Fecha']);
    expect(screen.getByTestId('error-area')).toBeTruthy();
    expect(screen.getByTestId<HTMLButtonElement>('save-document').disabled).toBe(true);
  });

  it('offers only active people as signers', async () => {
    api.people.mockResolvedValue([
      ...people,
      { ...people[0], id: 8, given_names: 'Jorge', paternal_surname: 'Baja', active: false },
    ]);
    await openDemo();
    await waitFor(() =>
      expect(screen.getByTestId('people-picker-firma_calidad').textContent).toContain('Quispe'),
    );
    expect(screen.getByTestId('people-picker-firma_calidad').textContent).not.toContain('Baja');
  });

  it('validates while typing (debounced) and shows each problem next to its field', async () => {
    api.validateForm.mockImplementation(async (request: { data: Record<string, unknown> }) =>
      request.data.fecha === '2026-02-31' || request.data.fecha === '31/02/2026'
        ? { ok: false, problems: [{ path: 'fecha', message: 'fecha inválida "31/02/2026"' }] }
        : { ok: true, problems: [] },
    );
    await openDemo();
    api.validateForm.mockClear();
    fireEvent.input(byName('fecha'), { target: { value: '31/02/20' } });
    fireEvent.input(byName('fecha'), { target: { value: '31/02/202' } });
    fireEvent.input(byName('fecha'), { target: { value: '31/02/2026' } });
    await waitFor(() => expect(screen.getByTestId('error-fecha').textContent).toContain('fecha inválida'));
    // One call for the burst of typing, with the data as typed.
    expect(api.validateForm).toHaveBeenCalledTimes(1);
    expect(api.validateForm.mock.calls[0][0]).toMatchObject({ template_id: 'demo', data: { fecha: '31/02/2026' } });
    expect(screen.getByTestId<HTMLButtonElement>('save-document').disabled).toBe(true);
    expect(screen.getByTestId('problem-count').textContent).toContain('1 problema');

    fireEvent.input(byName('fecha'), { target: { value: '28/02/2026' } });
    await waitFor(() => expect(screen.queryByTestId('error-fecha')).toBeNull());
    expect(api.validateForm.mock.lastCall![0].data.fecha).toBe('2026-02-28');
  });

  it('shows the rules and their problems above the save button', async () => {
    api.validateForm.mockResolvedValue({
      ok: false,
      problems: [{ path: 'ejecucion', message: 'regla MEF 6.4: la ejecución debe programarse a partir de las 20:00 horas' }],
    });
    await openDemo();
    fireEvent.input(byName('ejecucion'), { target: { value: '23/03/2026 10:00' } });
    await waitFor(() => expect(screen.getByTestId('rule-problems').textContent).toContain('20:00'));
    expect(screen.getByTestId('rules').textContent).toContain('MEF 6.4: entre «Solicitud»');
    expect(screen.getByTestId('error-ejecucion')).toBeTruthy();
  });

  it('autosaves a draft once typing stops and keeps its id', async () => {
    api.saveDraft.mockImplementation(async (r: { id: number | null }) => ({
      id: r.id ?? 41,
      template_id: 'demo',
      title: 'Acta',
      updated: '15/03/2026 10:32',
    }));
    await openDemo();
    fireEvent.input(byName('area'), { target: { value: 'OGTI' } });
    await waitFor(() => expect(screen.getByTestId('draft-status').textContent).toBe('Borrador guardado 10:32'), {
      timeout: 3000,
    });
    expect(api.saveDraft).toHaveBeenCalledTimes(1);
    expect(api.saveDraft.mock.calls[0][0]).toMatchObject({ id: null, template_id: 'demo', data: { area: 'OGTI' } });
    fireEvent.input(byName('area'), { target: { value: 'OGTI-OSI' } });
    await waitFor(() => expect(api.saveDraft).toHaveBeenCalledTimes(2), { timeout: 3000 });
    expect(api.saveDraft.mock.calls[1][0]).toMatchObject({ id: 41, data: { area: 'OGTI-OSI' } });
  });

  it('creates the document with the draft id and offers to sign it', async () => {
    api.saveDraft.mockResolvedValue({ id: 9, template_id: 'demo', title: 'Acta', updated: '15/03/2026 10:32' });
    api.createDocument.mockResolvedValue({ reference: '2026-004', title: 'Acta de prueba' });
    const navigate = await openDemo();
    fireEvent.input(byName('area'), { target: { value: 'OGTI' } });
    await waitFor(() => expect(api.saveDraft).toHaveBeenCalled(), { timeout: 3000 });
    await waitFor(() => expect(screen.getByTestId<HTMLButtonElement>('save-document').disabled).toBe(false));
    fireEvent.click(screen.getByTestId('save-document'));
    await waitFor(() => expect(screen.getByTestId('created-reference').textContent).toBe('2026-004'));
    expect(api.createDocument).toHaveBeenCalledWith({
      template_id: 'demo',
      data: { area: 'OGTI', entregables: [{}] },
      draft_id: 9,
    });
    fireEvent.click(screen.getByTestId('created-sign'));
    expect(navigate).toHaveBeenCalledWith({ screen: 'firmar', reference: '2026-004' });
  });

  it('refuses to create while the core reports problems', async () => {
    api.validateForm.mockResolvedValue({ ok: false, problems: [{ path: 'area', message: '«Área» es obligatorio' }] });
    await openDemo();
    await waitFor(() => expect(screen.getByTestId<HTMLButtonElement>('save-document').disabled).toBe(true));
    expect(api.createDocument).not.toHaveBeenCalled();
  });

  it('offers «Generar correo» only for e-mail forms, with the chosen path and attachment', async () => {
    await openDemo();
    expect(screen.queryByTestId('generate-email')).toBeNull();

    api.forms.mockResolvedValue([{ id: 'condicional', title: 'Solicitud', form_code: 'F-02', entity: 'Entidad' }]);
    api.formSpec.mockResolvedValue(conditionalSpec);
    api.chooseFile.mockResolvedValue(grant('/tmp/actas/acta-2026-014.pdf'));
    api.chooseSavePath.mockResolvedValue(grant('/tmp/actas/solicitud.eml'));
    api.generateEmail.mockResolvedValue('/tmp/actas/solicitud.eml');
    cleanup();
    render(<Nuevo hidden={false} navigate={vi.fn()} openRequest={null} />);
    await waitFor(() => expect(screen.getByTestId('form-select').querySelectorAll('option')).toHaveLength(2));
    fireEvent.change(screen.getByTestId('form-select'), { target: { value: 'condicional' } });
    await waitFor(() => expect(screen.getByTestId('generate-email')).toBeTruthy());
    fireEvent.input(byName('token'), { target: { value: 'secreto-de-prueba-1234' } });
    fireEvent.click(screen.getByTestId('email-attach'));
    await waitFor(() => expect(screen.getByTestId('email-attachment').textContent).toContain('acta-2026-014.pdf'));
    await waitFor(() => expect(screen.getByTestId<HTMLButtonElement>('generate-email').disabled).toBe(false));
    fireEvent.click(screen.getByTestId('generate-email'));
    await waitFor(() => expect(api.generateEmail).toHaveBeenCalled());
    expect(api.chooseSavePath.mock.calls[0][0]).toBe('eml');
    expect(api.generateEmail.mock.calls[0][0]).toMatchObject({
      template_id: 'condicional',
      output: '/tmp/actas/solicitud.eml',
      attachment: '/tmp/actas/acta-2026-014.pdf',
      data: { token: 'secreto-de-prueba-1234' },
    });
  });
});
