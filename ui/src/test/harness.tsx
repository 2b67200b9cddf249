/** Renders a FormView holding its own data, and exposes the latest data to tests. */
import { render } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import type { ComputedValue, FormSpec, Person, Problem } from '../api';
import { FormView } from '../forms/FormView';
import { initialData } from '../forms/initial';
import type { FormData } from '../forms/paths';

export function renderForm(
  spec: FormSpec,
  options: { people?: Person[]; problems?: Problem[]; data?: FormData; computed?: ComputedValue[] } = {},
) {
  const box: { data: FormData } = { data: options.data ?? initialData(spec) };
  function Harness() {
    const [data, setData] = useState<FormData>(box.data);
    box.data = data;
    return (
      <FormView
        spec={spec}
        data={data}
        onChange={(update) => setData(update)}
        problems={options.problems ?? []}
        people={options.people ?? []}
        computed={options.computed}
      />
    );
  }
  const view = render(<Harness />);
  return { ...view, data: () => box.data };
}

/** The element with `name` (the first one for checkbox groups). */
export function byName<T extends Element = HTMLInputElement>(container: Element, name: string): T {
  const el = container.querySelector(`[name="${CSS.escape(name)}"]`);
  if (!el) throw new Error(`no input named ${name}`);
  return el as unknown as T;
}
