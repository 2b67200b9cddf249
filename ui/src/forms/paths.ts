/**
 * Data paths in the core's convention — `area_solicitante`,
 * `entregables[2].tipo` (table rows count from 1), `firma_x.nombre` — and
 * immutable reads and writes of the form data by path.
 */

export type Segment = string | number;
export type FormData = Record<string, unknown>;

/** `entregables` + row index 0 + `tipo` → `entregables[1].tipo`. */
export function rowPath(tableId: string, index: number): string {
  return `${tableId}[${index + 1}]`;
}

export function joinPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/** `entregables[2].tipo` → ['entregables', 1, 'tipo'] (array indexes from 0). */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1] !== '') out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]) - 1);
  }
  return out;
}

/** The parent of a path: `a[2].b` → `a[2]` → `a` → null. */
export function parentPath(path: string): string | null {
  const dot = path.lastIndexOf('.');
  const bracket = path.lastIndexOf('[');
  const cut = Math.max(dot, bracket);
  return cut > 0 ? path.slice(0, cut) : null;
}

export function getAt(data: unknown, path: string): unknown {
  let here: unknown = data;
  for (const seg of parsePath(path)) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<string | number, unknown>)[seg];
  }
  return here;
}

function setIn(container: unknown, segs: Segment[], value: unknown): unknown {
  const [head, ...rest] = segs;
  if (typeof head === 'number') {
    const arr = Array.isArray(container) ? [...container] : [];
    arr[head] = rest.length === 0 ? value : setIn(arr[head], rest, value);
    if (rest.length === 0 && value === undefined) arr[head] = {};
    return arr;
  }
  const obj: Record<string, unknown> =
    container !== null && typeof container === 'object' && !Array.isArray(container)
      ? { ...(container as Record<string, unknown>) }
      : {};
  const next = rest.length === 0 ? value : setIn(obj[head], rest, value);
  if (next === undefined) delete obj[head];
  else obj[head] = next;
  return obj;
}

/** A copy of `data` with the value at `path` replaced; `undefined` removes the key. */
export function setAt(data: FormData, path: string, value: unknown): FormData {
  return setIn(data, parsePath(path), value) as FormData;
}
