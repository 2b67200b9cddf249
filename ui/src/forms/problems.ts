/**
 * Places the core's problems next to their fields: each problem goes to the
 * field whose data path it names, or to the nearest enclosing field that is
 * on screen (`entregables[3]` → the table `entregables`); what names no
 * field at all (an unknown key) is left for the summary.
 */
import type { FieldType, FormSpec, Problem } from '../api';
import { getAt, joinPath, parentPath, rowPath } from './paths';

/** Every path that has an error slot on screen for `spec` with `data`. */
export function anchorPaths(spec: FormSpec, data: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const visit = (path: string, type: FieldType) => {
    if (type.kind === 'static') return;
    out.add(path);
    if (type.kind === 'signer') {
      out.add(joinPath(path, 'nombre'));
      out.add(joinPath(path, 'cargo'));
    }
    if (type.kind === 'table') {
      const rows = getAt(data, path);
      const count = Array.isArray(rows) ? rows.length : 0;
      for (let i = 0; i < count; i++) {
        const row = rowPath(path, i);
        out.add(row);
        for (const column of type.columns) visit(joinPath(row, column.id), column.type);
      }
    }
  };
  for (const section of spec.sections) {
    for (const field of section.fields) visit(field.id, field.type);
  }
  return out;
}

export type PlacedProblems = {
  /** Messages by the path of the slot they are shown in. */
  byPath: Map<string, string[]>;
  /** Problems with no field on screen. */
  unplaced: Problem[];
};

export function placeProblems(problems: Problem[], anchors: Set<string>): PlacedProblems {
  const byPath = new Map<string, string[]>();
  const unplaced: Problem[] = [];
  for (const problem of problems) {
    let path: string | null = problem.path;
    while (path !== null && !anchors.has(path)) path = parentPath(path);
    if (path === null) {
      unplaced.push(problem);
      continue;
    }
    const prefix = path === problem.path ? '' : `${problem.path}: `;
    const list = byPath.get(path) ?? [];
    list.push(prefix + problem.message);
    byPath.set(path, list);
  }
  return { byPath, unplaced };
}

/** Problems from the procedure rules (their messages start with «regla»). */
export function ruleProblems(problems: Problem[]): Problem[] {
  return problems.filter((p) => /^regla\b/i.test(p.message.trim()));
}
