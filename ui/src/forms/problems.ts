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

/**
 * How the list of problems names a path: the field's label as the form
 * shows it (`Entregables, fila 2: Tipo`), not the data path; the path
 * itself when the form has no such field.
 */
export function problemLabel(spec: FormSpec, path: string): string {
  const m = /^([^.[]+)(?:\[(\d+)\])?(?:\.(.+))?$/.exec(path);
  if (!m) return path;
  const [, id, row, rest] = m;
  const field = spec.sections.flatMap((s) => s.fields).find((f) => f.id === id);
  if (!field) return path;
  if (field.type.kind === 'table' && row !== undefined) {
    const column = rest ? field.type.columns.find((c) => c.id === rest) : undefined;
    return `${field.label}, fila ${row}${column ? `: ${column.label}` : rest ? `: ${rest}` : ''}`;
  }
  if (field.type.kind === 'signer' && rest) {
    return `${field.label} (${rest === 'nombre' ? 'nombre' : rest === 'cargo' ? 'cargo' : rest})`;
  }
  return field.label;
}

/** The slot on screen a problem of `path` belongs to (or null). */
export function anchorOf(path: string, anchors: Set<string>): string | null {
  let here: string | null = path;
  while (here !== null && !anchors.has(here)) here = parentPath(here);
  return here;
}

/**
 * Brings the field of `path` into view and puts the cursor in it: its own
 * input (`id="f-<path>"` or `name=<path>`), else the first input of the
 * block that shows its error (a table, a signer). Whether it found one.
 */
export function jumpToField(path: string, root: ParentNode = document): boolean {
  const byId = root.querySelector<HTMLElement>(`[id="${CSS.escape(`f-${path}`)}"]`);
  const byName = root.querySelector<HTMLElement>(`[name="${CSS.escape(path)}"]`);
  let target: HTMLElement | null = byId ?? byName;
  if (!target) {
    const error = root.querySelector<HTMLElement>(`[data-testid="${CSS.escape(`error-${path}`)}"]`);
    const block = error?.closest<HTMLElement>('.field') ?? error ?? null;
    target =
      block?.querySelector<HTMLElement>('input, select, textarea, button') ?? block ?? null;
  }
  if (!target) return false;
  target.scrollIntoView?.({ block: 'center', behavior: 'smooth' });
  target.focus({ preventScroll: true });
  return true;
}
