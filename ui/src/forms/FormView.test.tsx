import { fireEvent, render, screen } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { FieldType, FormSpec } from '../api';
import { byName, renderForm } from '../test/harness';
import { FormView } from './FormView';
import { people, spec } from '../test/spec';

const type = (el: Element, value: string) => fireEvent.input(el, { target: { value } });
const choose = (el: Element, value: string) => fireEvent.change(el, { target: { value } });

describe('form builder: every field kind', () => {
  it('names every input by its data path and marks required fields', () => {
    const { container } = renderForm(spec, { people });
    for (const name of [
      'area',
      'detalle',
      'fecha',
      'ejecucion',
      'cantidad',
      'monto',
      'ambito',
      'sistemas',
      'urgente',
      'entregables[1].documento',
      'entregables[1].tipo',
      'entregables[1].entrega',
      'firma_calidad.nombre',
      'firma_calidad.cargo',
    ]) {
      expect(byName(container, name), name).toBeTruthy();
    }
    expect(byName(container, 'detalle').tagName).toBe('TEXTAREA');
    expect(byName<HTMLSelectElement>(container, 'ambito').tagName).toBe('SELECT');
    expect(container.querySelectorAll('input[type=checkbox][name="sistemas"]')).toHaveLength(3);
    expect(byName(container, 'area').required).toBe(true);
    expect(byName(container, 'detalle').required).toBe(false);
    // Labels are bound to their inputs.
    expect(screen.getByLabelText(/^Área/)).toBe(byName(container, 'area'));
    // Sections with number and title; level 2 is a subsection.
    expect(screen.getByRole('heading', { level: 3, name: /I\. DATOS/ })).toBeTruthy();
    expect(screen.getByRole('heading', { level: 4, name: /A\. Opciones/ })).toBeTruthy();
  });

  it('shows static text as printed text, not an input', () => {
    const { container } = renderForm(spec);
    expect(screen.getByTestId('static-nota').textContent).toContain('Texto fijo del procedimiento.');
    expect(container.querySelector('[name="nota"]')).toBeNull();
  });

  it('produces the core’s JSON as the user types (dates converted)', () => {
    const { container, data } = renderForm(spec);
    type(byName(container, 'area'), 'OGTI');
    type(byName(container, 'detalle'), 'línea 1\nlínea 2');
    type(byName(container, 'fecha'), '15/03/2026');
    type(byName(container, 'ejecucion'), '23/03/2026 20:30');
    type(byName(container, 'cantidad'), '3');
    type(byName(container, 'monto'), '1500,50');
    choose(byName(container, 'ambito'), 'Regional');
    choose(byName(container, 'urgente'), 'true');
    type(byName(container, 'entregables[1].documento'), 'Manual v1');
    choose(byName(container, 'entregables[1].tipo'), 'Manual');
    type(byName(container, 'entregables[1].entrega'), '01/04/2026');
    expect(data()).toEqual({
      area: 'OGTI',
      detalle: 'línea 1\nlínea 2',
      fecha: '2026-03-15',
      ejecucion: '2026-03-23T20:30',
      cantidad: 3,
      monto: 1500.5,
      ambito: 'Regional',
      urgente: true,
      entregables: [{ documento: 'Manual v1', tipo: 'Manual', entrega: '2026-04-01' }],
    });
    // What was typed stays on screen as typed.
    expect(byName(container, 'fecha').value).toBe('15/03/2026');
    expect(byName(container, 'monto').value).toBe('1500,50');
  });

  it('keeps an invalid date as typed in the data and on screen', () => {
    const { container, data } = renderForm(spec);
    type(byName(container, 'fecha'), '31/02/2026');
    expect(data().fecha).toBe('31/02/2026');
    expect(byName(container, 'fecha').value).toBe('31/02/2026');
  });

  it('removes a value when its text is emptied', () => {
    const { container, data } = renderForm(spec);
    type(byName(container, 'area'), 'x');
    type(byName(container, 'area'), '');
    expect('area' in data()).toBe(false);
  });

  it('shows data values in their display form (an opened draft)', () => {
    const { container } = renderForm(spec, {
      data: { fecha: '2026-03-15', ejecucion: '2026-03-23T20:30', urgente: false, sistemas: ['Otro'], monto: 12.5 },
    });
    expect(byName(container, 'fecha').value).toBe('15/03/2026');
    expect(byName(container, 'ejecucion').value).toBe('23/03/2026 20:30');
    expect(byName<HTMLSelectElement>(container, 'urgente').value).toBe('false');
    expect(byName(container, 'monto').value).toBe('12.5');
    const boxes = container.querySelectorAll<HTMLInputElement>('input[name="sistemas"]');
    expect([...boxes].map((b) => b.checked)).toEqual([false, false, true]);
  });

  it('yes/no: «Sí» → true, «No» → false, empty → no value', () => {
    const { container, data } = renderForm(spec);
    const select = byName<HTMLSelectElement>(container, 'urgente');
    expect([...select.options].map((o) => o.text)).toEqual(['— Elija —', 'Sí', 'No']);
    choose(select, 'false');
    expect(data().urgente).toBe(false);
    choose(select, '');
    expect('urgente' in data()).toBe(false);
  });

  it('choice has an empty option and the template’s options', () => {
    const { container, data } = renderForm(spec);
    const select = byName<HTMLSelectElement>(container, 'ambito');
    expect([...select.options].map((o) => o.value)).toEqual(['', 'Nacional', 'Regional']);
    choose(select, 'Nacional');
    expect(data().ambito).toBe('Nacional');
  });

  it('multichoice gives an array of the checked options, in the template’s order', () => {
    const { container, data } = renderForm(spec);
    const box = (v: string) => container.querySelector(`input[name="sistemas"][value="${v}"]`)!;
    fireEvent.click(box('Otro'));
    fireEvent.click(box('Linux'));
    expect(data().sistemas).toEqual(['Linux', 'Otro']);
    fireEvent.click(box('Linux'));
    fireEvent.click(box('Otro'));
    expect('sistemas' in data()).toBe(false);
  });

  it('tables add, remove and reorder rows within min/max', () => {
    const { container, data } = renderForm(spec);
    expect(data().entregables).toEqual([{}]);
    // The only row of a required table cannot be removed.
    expect(screen.getByTestId<HTMLButtonElement>('remove-row-entregables-1').disabled).toBe(true);
    type(byName(container, 'entregables[1].documento'), 'uno');
    fireEvent.click(screen.getByTestId('add-row-entregables'));
    type(byName(container, 'entregables[2].documento'), 'dos');
    fireEvent.click(screen.getByTestId('add-row-entregables'));
    type(byName(container, 'entregables[3].documento'), 'tres');
    // max_rows = 3
    expect(screen.getByTestId<HTMLButtonElement>('add-row-entregables').disabled).toBe(true);
    expect(data().entregables).toEqual([{ documento: 'uno' }, { documento: 'dos' }, { documento: 'tres' }]);

    fireEvent.click(screen.getByTestId('move-up-entregables-3'));
    expect(data().entregables).toEqual([{ documento: 'uno' }, { documento: 'tres' }, { documento: 'dos' }]);
    expect(byName(container, 'entregables[2].documento').value).toBe('tres');
    fireEvent.click(screen.getByTestId('move-down-entregables-1'));
    expect(data().entregables).toEqual([{ documento: 'tres' }, { documento: 'uno' }, { documento: 'dos' }]);
    expect(screen.getByTestId<HTMLButtonElement>('move-up-entregables-1').disabled).toBe(true);
    expect(screen.getByTestId<HTMLButtonElement>('move-down-entregables-3').disabled).toBe(true);

    fireEvent.click(screen.getByTestId('remove-row-entregables-2'));
    expect(data().entregables).toEqual([{ documento: 'tres' }, { documento: 'dos' }]);
    expect(byName(container, 'entregables[2].documento').value).toBe('dos');
    expect(container.querySelector('[name="entregables[3].documento"]')).toBeNull();
  });

  it('signer: two inputs and a people picker that fills nombre and cargo', () => {
    const { container, data } = renderForm(spec, { people });
    type(byName(container, 'firma_calidad.cargo'), 'Jefa');
    expect(data().firma_calidad).toEqual({ nombre: '', cargo: 'Jefa' });
    choose(screen.getByTestId('people-picker-firma_calidad'), '7');
    expect(data().firma_calidad).toEqual({ nombre: 'María Fernanda Quispe Ñahui', cargo: 'Coordinadora de Calidad' });
    expect(byName(container, 'firma_calidad.nombre').value).toBe('María Fernanda Quispe Ñahui');
    type(byName(container, 'firma_calidad.nombre'), '');
    type(byName(container, 'firma_calidad.cargo'), '');
    expect('firma_calidad' in data()).toBe(false);
  });

  it('puts each problem next to its field, with a count', () => {
    renderForm(spec, {
      data: { entregables: [{}, {}] },
      problems: [
        { path: 'fecha', message: 'fecha inválida "31/02/2026"' },
        { path: 'entregables[2].tipo', message: '«Tipo» es obligatorio' },
        { path: 'firma_calidad', message: '«Coordinador de Calidad» es obligatorio' },
      ],
    });
    expect(screen.getByTestId('error-fecha').textContent).toContain('fecha inválida');
    const cell = screen.getByTestId('error-entregables[2].tipo');
    expect(cell.textContent).toBe('«Tipo» es obligatorio');
    // The message sits in the same field as the input it is about.
    expect(cell.closest('.field')!.querySelector('[name="entregables[2].tipo"]')).toBeTruthy();
    expect(screen.getByTestId('error-firma_calidad')).toBeTruthy();
    expect(screen.queryByTestId('error-area')).toBeNull();
    expect(screen.getByTestId('problem-count').textContent).toContain('3 problemas');
    expect(screen.getByTestId('problem-count').dataset.count).toBe('3');
  });

  it('lists every problem by its label, and each entry jumps to its field', () => {
    const { container } = renderForm(spec, {
      data: { entregables: [{}, {}] },
      problems: [
        { path: 'fecha', message: 'fecha inválida «31/02»: escríbala como dd/mm/aaaa (por ejemplo 15/03/2026)' },
        { path: 'entregables[2].tipo', message: '«Tipo» es obligatorio' },
        { path: 'firma_calidad', message: '«Coordinador de Calidad» es obligatorio' },
        { path: 'desconocido', message: 'campo desconocido' },
      ],
    });
    const links = screen.getAllByTestId('problem-link');
    expect(links.map((l) => l.textContent)).toEqual([
      'Fecha',
      'Entregables, fila 2: Tipo',
      'Coordinador de Calidad',
    ]);
    const list = screen.getByTestId('problem-list');
    expect(list.querySelectorAll('li')).toHaveLength(4);
    expect(list.textContent).toContain('dd/mm/aaaa');
    expect(list.textContent).not.toContain('AAAA-MM-DD');
    // A problem that names no field is listed, without a link.
    expect(screen.getByTestId('problem-unplaced').textContent).toBe('desconocido');

    fireEvent.click(links[0]);
    expect(document.activeElement).toBe(byName(container, 'fecha'));
    fireEvent.click(links[1]);
    expect(document.activeElement).toBe(byName(container, 'entregables[2].tipo'));
    // A signer block: the first of its inputs.
    fireEvent.click(links[2]);
    expect(document.activeElement).toBe(byName(container, 'firma_calidad.nombre'));
  });

  it('says «Comprobando…» until the first validation, never a green «Sin problemas»', () => {
    const { rerender } = render(
      <FormView spec={spec} data={{}} onChange={() => {}} problems={[]} people={[]} checking />,
    );
    const count = screen.getByTestId('problem-count');
    expect(count.textContent).toBe('Comprobando…');
    expect(count.classList.contains('ok')).toBe(false);
    rerender(<FormView spec={spec} data={{}} onChange={() => {}} problems={[]} people={[]} />);
    expect(screen.getByTestId('problem-count').textContent).toBe('Sin problemas');
    expect(screen.getByTestId('problem-count').classList.contains('ok')).toBe(true);
  });
});

/** Every data path a spec's inputs should carry, with one row per table. */
function expectedNames(spec: FormSpec): string[] {
  const out: string[] = [];
  const visit = (path: string, t: FieldType, computed = false) => {
    if (computed) return;
    switch (t.kind) {
      case 'static':
        return;
      case 'signer':
        out.push(`${path}.nombre`, `${path}.cargo`);
        return;
      case 'table':
        for (const c of t.columns) visit(`${path}[1].${c.id}`, c.type);
        return;
      default:
        out.push(path);
    }
  };
  for (const s of spec.sections) for (const f of s.fields) visit(f.id, f.type, f.computed === true);
  return out;
}

const fixtures = import.meta.glob<FormSpec[]>('../api/fixtures/form-specs.json', {
  eager: true,
  import: 'default',
});
const realSpecs: FormSpec[] = Object.values(fixtures)[0] ?? [];

describe.skipIf(realSpecs.length === 0)('form builder: every real template of the catalogue', () => {
  it.each(realSpecs.map((s) => [s.id, s] as const))('%s renders an input for every field', (_id, real) => {
    const { container, data } = renderForm(real, { people });
    // Tables start with one row so their columns are on screen.
    for (const s of real.sections)
      for (const f of s.fields)
        if (f.type.kind === 'table' && !Array.isArray(data()[f.id])) fireEvent.click(screen.getByTestId(`add-row-${f.id}`));
    const names = expectedNames(real);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(container.querySelector(`[name="${CSS.escape(name)}"]`), name).toBeTruthy();
    for (const s of real.sections)
      for (const f of s.fields)
        if (f.type.kind === 'static' && f.when == null)
          expect(screen.getByTestId(`static-${f.id}`).textContent).toContain(f.type.text.trim().slice(0, 20));
        else if (f.computed) expect(screen.getByTestId(`computed-${f.id}`)).toBeTruthy();
  });
});
