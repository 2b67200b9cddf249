import { describe, expect, it } from 'vitest';
import { spec } from '../test/spec';
import { anchorPaths, placeProblems, ruleProblems } from './problems';

describe('placing problems by path', () => {
  const data = { entregables: [{}, {}] };
  const anchors = anchorPaths(spec, data);

  it('has a slot for every field, row cell and signer part', () => {
    expect(anchors.has('area')).toBe(true);
    expect(anchors.has('entregables[2].tipo')).toBe(true);
    expect(anchors.has('entregables[3].tipo')).toBe(false);
    expect(anchors.has('firma_calidad.nombre')).toBe(true);
    expect(anchors.has('nota')).toBe(false); // static text holds no data
  });

  it('puts each problem at its path, or at the nearest field on screen', () => {
    const placed = placeProblems(
      [
        { path: 'fecha', message: 'fecha inválida' },
        { path: 'entregables[2].tipo', message: '«Tipo» es obligatorio' },
        { path: 'entregables[5].tipo', message: 'columna rara' },
        { path: 'desconocido', message: 'campo desconocido en la plantilla «demo»' },
      ],
      anchors,
    );
    expect(placed.byPath.get('fecha')).toEqual(['fecha inválida']);
    expect(placed.byPath.get('entregables[2].tipo')).toEqual(['«Tipo» es obligatorio']);
    expect(placed.byPath.get('entregables')).toEqual(['entregables[5].tipo: columna rara']);
    expect(placed.unplaced.map((p) => p.path)).toEqual(['desconocido']);
  });

  it('picks out the procedure rules’ problems', () => {
    const rules = ruleProblems([
      { path: 'ejecucion', message: 'regla MEF 6.4: el pase…' },
      { path: 'area', message: '«Área» es obligatorio' },
    ]);
    expect(rules.map((p) => p.path)).toEqual(['ejecucion']);
  });
});
