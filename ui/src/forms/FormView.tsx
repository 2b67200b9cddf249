/**
 * A whole form built from its `FormSpec`: numbered sections (level 2 =
 * subsection), every field through the field builder, each problem of the
 * last validation next to its field, and above the form their count and
 * the list of every problem — each entry named by its field's label and a
 * button that brings that field into view and focuses it. Until the first
 * validation has answered, the count says «Comprobando…», never a green
 * «Sin problemas». Conditional required marks and conditional texts follow
 * the data as it is typed.
 */
import { useMemo } from 'preact/hooks';
import type { ComputedValue, FormSpec, Person, Problem } from '../api';
import { holds, requiredNow } from './conditions';
import { FieldInput, type FieldContext } from './FieldInput';
import { getAt, setAt, type FormData } from './paths';
import { anchorOf, anchorPaths, jumpToField, placeProblems, problemLabel } from './problems';

export type FormViewProps = {
  spec: FormSpec;
  data: FormData;
  /** Receives an update of the data (so quick successive edits compose). */
  onChange: (update: (previous: FormData) => FormData) => void;
  problems: Problem[];
  people: Person[];
  /** Computed fields' values from the last validation. */
  computed?: ComputedValue[];
  /** The data has not been validated yet: no verdict to show. */
  checking?: boolean;
};

export function problemCountText(n: number): string {
  if (n === 0) return 'Sin problemas';
  return n === 1 ? '1 problema por corregir' : `${n} problemas por corregir`;
}

export function FormView({ spec, data, onChange, problems, people, computed = [], checking = false }: FormViewProps) {
  const anchors = useMemo(() => anchorPaths(spec, data), [spec, data]);
  const placed = useMemo(() => placeProblems(problems, anchors), [problems, anchors]);
  const ctx: FieldContext = {
    set: (path, value) => onChange((previous) => setAt(previous, path, value)),
    errors: placed.byPath,
    people,
    computed: new Map(computed.map((c) => [c.id, c.text])),
  };
  const get = (id: string) => getAt(data, id);
  return (
    <div class="form-view">
      <div
        class={`problem-summary ${checking && problems.length === 0 ? 'checking' : problems.length === 0 ? 'ok' : 'bad'}`}
        data-testid="problem-count"
        data-count={problems.length}
        data-checking={checking && problems.length === 0 ? 'true' : undefined}
        aria-live="polite"
      >
        {checking && problems.length === 0 ? 'Comprobando…' : problemCountText(problems.length)}
        {problems.length > 0 && (
          <ol class="problem-list" data-testid="problem-list">
            {problems.map((p, i) => {
              const anchor = anchorOf(p.path, anchors);
              return (
                <li key={`${i}-${p.path}-${p.message}`}>
                  {anchor !== null ? (
                    <button
                      type="button"
                      class="link problem-link"
                      data-testid="problem-link"
                      data-path={p.path}
                      onClick={() => jumpToField(anchor)}
                    >
                      {problemLabel(spec, p.path)}
                    </button>
                  ) : (
                    <code data-testid="problem-unplaced">{p.path}</code>
                  )}
                  : {p.message}
                </li>
              );
            })}
          </ol>
        )}
      </div>
      {spec.sections.map((section, i) => {
        const Heading = section.level >= 2 ? 'h4' : 'h3';
        return (
          <section key={i} class={`form-section level-${section.level}`}>
            {(section.number || section.title) && (
              <Heading>
                {section.number && <span class="section-number">{section.number}. </span>}
                {section.title}
              </Heading>
            )}
            {section.fields
              .filter((field) => field.when == null || holds(field.when, get))
              .map((field) => (
                <FieldInput
                  key={field.id}
                  id={field.id}
                  label={field.label}
                  required={requiredNow(field, get)}
                  hint={field.hint}
                  type={field.type}
                  path={field.id}
                  value={getAt(data, field.id)}
                  ctx={ctx}
                  computed={field.computed}
                />
              ))}
          </section>
        );
      })}
    </div>
  );
}
