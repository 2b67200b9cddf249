import { fireEvent, screen } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { byName, renderForm } from '../test/harness';
import { conditionalSpec } from '../test/spec';

const type = (el: Element, value: string) => fireEvent.input(el, { target: { value } });
const choose = (el: Element, value: string) => fireEvent.change(el, { target: { value } });
const requiredMark = (container: Element, name: string) =>
  container.querySelector(`label[for="f-${CSS.escape(name)}"] .required`) !== null;

describe('form builder: secrets, times, addresses, computed and conditional fields', () => {
  it('types a secret in a hidden input that is shown only on request', () => {
    const { container, data } = renderForm(conditionalSpec);
    const secret = byName(container, 'token');
    expect(secret.type).toBe('password');
    expect(secret.getAttribute('autocomplete')).toBe('off');
    type(secret, 'ghp_Zt7QmS9vK2xW4pL8rN1c');
    expect(data().token).toBe('ghp_Zt7QmS9vK2xW4pL8rN1c');
    fireEvent.click(screen.getByTestId('toggle-secret-token'));
    expect(byName(container, 'token').type).toBe('text');
    fireEvent.click(screen.getByTestId('toggle-secret-token'));
    expect(byName(container, 'token').type).toBe('password');
  });

  it('keeps times and addresses as typed in the data', () => {
    const { container, data } = renderForm(conditionalSpec);
    type(byName(container, 'hora'), '20:30');
    type(byName(container, 'para'), 'Rosa Núñez <rnunez@mef.gob.pe>; computo@mef.gob.pe');
    expect(data()).toMatchObject({ hora: '20:30', para: 'Rosa Núñez <rnunez@mef.gob.pe>; computo@mef.gob.pe' });
  });

  it('marks a conditional field required, and shows a conditional text, as the data changes', () => {
    const { container } = renderForm(conditionalSpec);
    expect(requiredMark(container, 'tipo_otro')).toBe(false);
    expect(screen.queryByTestId('static-aviso')).toBeNull();
    choose(byName(container, 'tipo'), 'Otro');
    expect(requiredMark(container, 'tipo_otro')).toBe(true);
    expect(byName(container, 'tipo_otro').required).toBe(true);
    expect(screen.getByTestId('static-aviso').textContent).toContain('otro tipo');
    choose(byName(container, 'tipo'), 'Soporte');
    expect(requiredMark(container, 'tipo_otro')).toBe(false);
    expect(screen.queryByTestId('static-aviso')).toBeNull();
  });

  it('marks a column required row by row', () => {
    const { container } = renderForm(conditionalSpec);
    const observation = () => byName<HTMLTextAreaElement>(container, 'items[1].observacion');
    expect(observation().required).toBe(false);
    choose(byName(container, 'items[1].conforme'), 'false');
    expect(observation().required).toBe(true);
    choose(byName(container, 'items[1].conforme'), 'true');
    expect(observation().required).toBe(false);
  });

  it('shows a computed field from the last validation, never as an input', () => {
    const { container } = renderForm(conditionalSpec);
    expect(container.querySelector('[name="vence"]')).toBeNull();
    expect(screen.getByTestId('computed-vence').textContent).toContain('Se calcula');
  });

  it('shows the core’s computed value, flagged when the plazo is over', () => {
    renderForm(conditionalSpec, {
      computed: [{ id: 'vence', text: 'VENCIDO: el plazo de 6 días útiles venció el 09/04/2026' }],
    });
    const shown = screen.getByTestId('computed-vence');
    expect(shown.textContent).toContain('09/04/2026');
    expect(shown.classList.contains('alert')).toBe(true);
  });
});
