/**
 * A template's conditions evaluated on the editor's data, so the window
 * shows live what the core will require (`required_when`) and which
 * conditional texts print (`when`). It mirrors `src/form/condition.rs`:
 * the field has a value, or one of `values` (an option, «Sí»/«No», a
 * text), or — for a table — some row whose columns hold the listed values;
 * `negate` inverts it. The core's validation stays the judge.
 */
import type { ConditionSpec } from '../api';

/** Whether a data value counts as «no value» (as the core's `Value::is_empty`). */
export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') {
    const nombre = (value as Record<string, unknown>).nombre;
    return nombre === undefined || String(nombre).trim() === '';
  }
  return false;
}

function matches(value: unknown, wanted: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return wanted === (value ? 'Sí' : 'No');
  if (Array.isArray(value)) return value.some((v) => String(v) === wanted);
  return String(value).trim() === wanted.trim();
}

/** Whether `condition` holds; `get` reads a field (or a sibling column) by id. */
export function holds(condition: ConditionSpec, get: (id: string) => unknown): boolean {
  const value = get(condition.field);
  let test: boolean;
  if (condition.row.length > 0) {
    const rows = Array.isArray(value) ? value : [];
    test = rows.some(
      (row) =>
        row !== null &&
        typeof row === 'object' &&
        condition.row.every((c) =>
          c.values.some((v) => matches((row as Record<string, unknown>)[c.column], v)),
        ),
    );
  } else if (condition.values.length === 0) {
    test = !isEmpty(value);
  } else {
    test = condition.values.some((v) => matches(value, v));
  }
  return test !== condition.negate;
}

/** Required now: always, or while its condition holds. */
export function requiredNow(
  field: { required: boolean; required_when?: ConditionSpec | null },
  get: (id: string) => unknown,
): boolean {
  return field.required || (field.required_when != null && holds(field.required_when, get));
}
