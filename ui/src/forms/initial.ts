/**
 * The data a new form starts with: nothing typed, and each table with the
 * rows it needs at least (so the user sees where to type).
 */
import type { FormSpec } from '../api';
import type { FormData } from './paths';

export function minimumRows(type: { min_rows: number }, required: boolean): number {
  return required ? Math.max(1, type.min_rows) : type.min_rows;
}

export function initialData(spec: FormSpec): FormData {
  const data: FormData = {};
  for (const section of spec.sections) {
    for (const field of section.fields) {
      if (field.type.kind === 'table') {
        const rows = minimumRows(field.type, field.required);
        if (rows > 0) data[field.id] = Array.from({ length: rows }, () => ({}));
      }
    }
  }
  return data;
}
