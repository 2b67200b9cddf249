import { describe, expect, it } from 'vitest';
import { getAt, parentPath, parsePath, setAt } from './paths';

describe('data paths', () => {
  it('parses the core convention (rows from 1)', () => {
    expect(parsePath('area_solicitante')).toEqual(['area_solicitante']);
    expect(parsePath('entregables[2].tipo')).toEqual(['entregables', 1, 'tipo']);
    expect(parsePath('firma_x.nombre')).toEqual(['firma_x', 'nombre']);
  });
  it('walks up to the parent', () => {
    expect(parentPath('entregables[2].tipo')).toBe('entregables[2]');
    expect(parentPath('entregables[2]')).toBe('entregables');
    expect(parentPath('entregables')).toBeNull();
  });
  it('reads and writes immutably, removing keys set to undefined', () => {
    const data = { a: 'x', t: [{ c: 1 }, { c: 2 }] };
    const next = setAt(data, 't[2].c', 3);
    expect(getAt(next, 't[2].c')).toBe(3);
    expect(data.t[1].c).toBe(2);
    expect(setAt(next, 'a', undefined)).toEqual({ t: [{ c: 1 }, { c: 3 }] });
    expect(setAt({}, 's.nombre', 'Ana')).toEqual({ s: { nombre: 'Ana' } });
  });
});
