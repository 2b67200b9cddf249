import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiMock } from '../test/mockApi';

const api = vi.hoisted(() => ({}) as ReturnType<typeof import('../test/mockApi').apiMock>);
vi.mock('../api', () => api);

import { FirstStart } from './FirstStart';

const item = (id: string, done: boolean, optional = false) => ({
  id,
  title: id,
  detail: `detalle de ${id}`,
  done,
  optional,
  screen: 'configuracion',
  section: `cfg-${id}`,
});

beforeEach(() => {
  Object.assign(api, apiMock());
});

describe('first-start checklist', () => {
  it('shows each item with its state and links to where it is done', async () => {
    api.checklist.mockResolvedValue({
      items: [item('perfil', true), item('personas', false), item('raiz', false), item('token', false, true)],
      complete: false,
    });
    const navigate = vi.fn();
    render(<FirstStart navigate={navigate} />);
    await screen.findByTestId('checklist');
    expect(screen.getByTestId('checklist-perfil').dataset.done).toBe('true');
    expect(screen.getByTestId('checklist-personas').dataset.done).toBe('false');
    // The optional token does not count among the missing steps.
    expect(screen.getByTestId('checklist').textContent).toContain('Faltan 2 pasos');
    fireEvent.click(screen.getByTestId('checklist-go-raiz'));
    expect(navigate).toHaveBeenCalledWith({ screen: 'configuracion', section: 'cfg-raiz' });
  });

  it('is gone once every required item is done', async () => {
    api.checklist.mockResolvedValue({
      items: [item('perfil', true), item('personas', true), item('raiz', true), item('token', false, true)],
      complete: true,
    });
    render(<FirstStart navigate={vi.fn()} />);
    await waitFor(() => expect(api.checklist).toHaveBeenCalled());
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(screen.queryByTestId('checklist')).toBeNull();
  });
});
