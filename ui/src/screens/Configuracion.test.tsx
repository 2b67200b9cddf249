import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiMock } from '../test/mockApi';

const api = vi.hoisted(() => ({}) as ReturnType<typeof import('../test/mockApi').apiMock>);
vi.mock('../api', () => api);

import { Configuracion } from './Configuracion';

beforeEach(() => {
  Object.assign(api, apiMock());
});

describe('Configuración: the office’s own non-working days', () => {
  it('shows the saved days and saves the edited ones', async () => {
    api.officeDays.mockResolvedValue('07/04/2026 Aniversario de la entidad');
    api.saveOfficeDays.mockImplementation(async (text: string) => text.trim());
    render(<Configuracion />);
    const box = () => screen.getByTestId<HTMLTextAreaElement>('office-days');
    await waitFor(() => expect(box().value).toBe('07/04/2026 Aniversario de la entidad'));
    fireEvent.input(box(), { target: { value: '07/04/2026 Aniversario de la entidad\n02/01/2026 Día no laborable ' } });
    fireEvent.click(screen.getByTestId('office-days-save'));
    await waitFor(() => expect(api.saveOfficeDays).toHaveBeenCalledTimes(1));
    expect(api.saveOfficeDays.mock.calls[0][0]).toContain('02/01/2026 Día no laborable');
    await waitFor(() => expect(box().value).toBe('07/04/2026 Aniversario de la entidad\n02/01/2026 Día no laborable'));
  });

  it('keeps what was typed when the core refuses a line', async () => {
    api.saveOfficeDays.mockRejectedValue('días no laborables de la oficina: línea 1: fecha inválida «31/02/2026»');
    render(<Configuracion />);
    // Let the saved days (none) load before typing.
    await waitFor(() => expect(api.officeDays).toHaveBeenCalled());
    await new Promise((resolve) => setTimeout(resolve, 0));
    const box = screen.getByTestId<HTMLTextAreaElement>('office-days');
    fireEvent.input(box, { target: { value: '31/02/2026 Nada' } });
    fireEvent.click(screen.getByTestId('office-days-save'));
    await waitFor(() => expect(api.saveOfficeDays).toHaveBeenCalled());
    expect(screen.getByTestId<HTMLTextAreaElement>('office-days').value).toBe('31/02/2026 Nada');
  });
});

describe('Configuración: people are corrected and deactivated, never deleted', () => {
  const carlos = {
    id: 4,
    given_names: 'Carlos',
    paternal_surname: 'Mendoza',
    maternal_surname: '',
    cargo: 'Coordinador',
    area: 'OTI',
    email: '',
    dni: '',
    roles: [],
    active: true,
  };

  it('edits a person in the same form and saves the correction', async () => {
    api.people.mockResolvedValue([carlos]);
    api.updatePerson.mockImplementation(async (r: { id: number; person: typeof carlos }) => ({ ...carlos, ...r.person }));
    render(<Configuracion />);
    fireEvent.click(await screen.findByTestId('person-edit'));
    expect(screen.getByTestId<HTMLInputElement>('person-given').value).toBe('Carlos');
    expect(screen.getByTestId('person-add').textContent).toBe('Guardar cambios');
    fireEvent.input(screen.getByTestId('person-cargo'), { target: { value: 'Coordinador de Calidad' } });
    fireEvent.click(screen.getByTestId('person-add'));
    await waitFor(() => expect(api.updatePerson).toHaveBeenCalledTimes(1));
    expect(api.updatePerson.mock.calls[0][0]).toMatchObject({ id: 4, person: { cargo: 'Coordinador de Calidad' } });
    expect(api.addPerson).not.toHaveBeenCalled();
    await waitFor(() => expect(screen.getByTestId('person-row').textContent).toContain('Coordinador de Calidad'));
    expect(screen.getByTestId('person-add').textContent).toBe('Agregar persona');
  });

  it('deactivates and reactivates; the row stays', async () => {
    api.people.mockResolvedValue([carlos]);
    api.setPersonActive.mockImplementation(async (r: { id: number; active: boolean }) => ({ ...carlos, active: r.active }));
    render(<Configuracion />);
    fireEvent.click(await screen.findByTestId('person-deactivate'));
    await waitFor(() => expect(screen.getByTestId('person-row').dataset.active).toBe('false'));
    expect(api.setPersonActive).toHaveBeenCalledWith({ id: 4, active: false });
    expect(screen.getByTestId('person-row').textContent).toContain('(desactivada)');
    fireEvent.click(screen.getByTestId('person-activate'));
    await waitFor(() => expect(screen.getByTestId('person-row').dataset.active).toBe('true'));
  });
});
