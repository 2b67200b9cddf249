import { describe, expect, it } from 'vitest';
import type { ConditionSpec } from '../api';
import { holds, isEmpty, requiredNow } from './conditions';

const cond = (c: Partial<ConditionSpec> & { field: string }): ConditionSpec => ({
  values: [],
  row: [],
  negate: false,
  ...c,
});

describe('conditions', () => {
  it('a value, one of some values, yes/no, and negation', () => {
    const data: Record<string, unknown> = { canal: 'Presencial', registrado: false, nada: '  ' };
    const get = (id: string) => data[id];
    expect(holds(cond({ field: 'canal' }), get)).toBe(true);
    expect(holds(cond({ field: 'nada' }), get)).toBe(false);
    expect(holds(cond({ field: 'canal', values: ['Presencial'] }), get)).toBe(true);
    expect(holds(cond({ field: 'canal', values: ['Llamada telefónica'] }), get)).toBe(false);
    expect(holds(cond({ field: 'canal', values: ['Llamada telefónica'], negate: true }), get)).toBe(true);
    expect(holds(cond({ field: 'registrado', values: ['No'] }), get)).toBe(true);
    expect(holds(cond({ field: 'registrado', values: ['Sí'] }), get)).toBe(false);
  });

  it('a table row with the listed values in every column', () => {
    const minorOpen = cond({
      field: 'incidencias',
      row: [
        { column: 'severidad', values: ['Menor'] },
        { column: 'estado', values: ['Pendiente', 'En subsanación'] },
      ],
    });
    const get = (rows: unknown) => () => rows;
    expect(holds(minorOpen, get([{ severidad: 'Menor', estado: 'Cerrada' }]))).toBe(false);
    expect(holds(minorOpen, get([{ severidad: 'Mayor', estado: 'Pendiente' }, { severidad: 'Menor', estado: 'En subsanación' }]))).toBe(true);
    expect(holds(minorOpen, get(undefined))).toBe(false);
    expect(holds({ ...minorOpen, negate: true }, get(undefined))).toBe(true);
  });

  it('required now: always, or while the condition holds', () => {
    const field = { required: false, required_when: cond({ field: 'tipo', values: ['Otro'] }) };
    expect(requiredNow(field, () => 'Otro')).toBe(true);
    expect(requiredNow(field, () => 'Soporte')).toBe(false);
    expect(requiredNow({ required: true, required_when: null }, () => undefined)).toBe(true);
    expect(isEmpty({ nombre: '' })).toBe(true);
    expect(isEmpty([])).toBe(true);
    expect(isEmpty(0)).toBe(false);
  });
});
