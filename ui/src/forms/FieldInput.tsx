/**
 * The field builder: one input per field kind, named by its data path
 * (`entregables[1].documento`, `firma_x.nombre`), with its problems right
 * below it (`data-testid="error-<path>"`). Tables build their cells with
 * this same builder, so a column may be of any kind. A secret is typed in
 * a hidden input; a computed field (a deadline, an alert) is shown, not
 * typed; a column required only in some rows is marked row by row.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { FieldType, Person } from '../api';
import { BoundText } from './BoundText';
import { requiredNow } from './conditions';
import {
  dateTimeToData,
  dateTimeToDisplay,
  dateToData,
  dateToDisplay,
  numberToData,
  numberToDisplay,
  textToData,
} from './convert';
import { minimumRows } from './initial';
import { joinPath, rowPath } from './paths';

export type FieldContext = {
  /** Sets the value at a data path (`undefined` removes it). */
  set: (path: string, value: unknown) => void;
  /** Problems by the path of the slot they are shown in. */
  errors: Map<string, string[]>;
  people: Person[];
  /** The computed fields' values from the last validation, by field id. */
  computed: Map<string, string>;
};

export type FieldProps = {
  id: string;
  label: string;
  required: boolean;
  hint?: string | null;
  type: FieldType;
  path: string;
  value: unknown;
  ctx: FieldContext;
  /** Inside a table row: a compact cell. */
  cell?: boolean;
  /** Filled by a rule: shown read-only. */
  computed?: boolean;
};

const domId = (path: string) => `f-${path}`;
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** The problems of one path, or nothing. */
export function FieldErrors({ path, errors }: { path: string; errors: Map<string, string[]> }) {
  const messages = errors.get(path);
  if (!messages || messages.length === 0) return null;
  return (
    <div class="field-error" data-testid={`error-${path}`} id={`${domId(path)}-error`} role="alert">
      {messages.map((m) => (
        <div key={m}>{m}</div>
      ))}
    </div>
  );
}

function Label({ path, label, required }: { path: string; label: string; required: boolean }) {
  return (
    <label class="field-label" for={domId(path)}>
      {label}
      {required && (
        <span class="required" title="Obligatorio" aria-label="obligatorio">
          {' '}
          *
        </span>
      )}
    </label>
  );
}

export function fullName(p: Person): string {
  return [p.given_names, p.paternal_surname, p.maternal_surname]
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join(' ');
}

export function FieldInput(props: FieldProps) {
  const { label, required, hint, type, path, ctx, cell } = props;
  if (props.computed) {
    const text = ctx.computed.get(path);
    return (
      <div class="field field-computed">
        <div class="field-label">{label}</div>
        <output class={`computed${text?.startsWith('VENCIDO') || text?.startsWith('FUERA') ? ' alert' : ''}`} data-testid={`computed-${path}`}>
          {text ?? 'Se calcula al completar los datos'}
        </output>
        {hint && <div class="hint">{hint}</div>}
        <FieldErrors path={path} errors={ctx.errors} />
      </div>
    );
  }
  if (type.kind === 'static') {
    return (
      <div class="field field-static" data-testid={`static-${path}`}>
        {!cell && label && <div class="field-label">{label}</div>}
        <p class="static-text">{type.text}</p>
      </div>
    );
  }
  const invalid = ctx.errors.has(path);
  const common = {
    id: domId(path),
    name: path,
    required,
    'aria-invalid': invalid ? ('true' as const) : undefined,
    'aria-describedby': invalid ? `${domId(path)}-error` : undefined,
  };
  let control: ComponentChildren;
  let labelled = true;
  switch (type.kind) {
    case 'text':
    case 'multiline':
      control = (
        <BoundText
          {...common}
          multiline={type.kind === 'multiline'}
          maxLength={type.max_length ?? undefined}
          value={props.value}
          toData={textToData}
          toDisplay={str}
          onValue={(v) => ctx.set(path, v)}
        />
      );
      break;
    case 'date':
      control = (
        <BoundText
          {...common}
          class="input-date"
          placeholder="dd/mm/aaaa"
          inputMode="numeric"
          value={props.value}
          toData={dateToData}
          toDisplay={dateToDisplay}
          onValue={(v) => ctx.set(path, v)}
        />
      );
      break;
    case 'time':
      control = (
        <BoundText
          {...common}
          class="input-time"
          placeholder="hh:mm"
          inputMode="numeric"
          value={props.value}
          toData={textToData}
          toDisplay={str}
          onValue={(v) => ctx.set(path, v)}
        />
      );
      break;
    case 'secret':
      control = <SecretInput {...common} value={str(props.value)} onValue={(v) => ctx.set(path, textToData(v))} />;
      break;
    case 'email':
      control = (
        <BoundText
          {...common}
          class="input-email"
          placeholder="Nombre <correo@dominio>; otro@dominio"
          value={props.value}
          toData={textToData}
          toDisplay={str}
          onValue={(v) => ctx.set(path, v)}
        />
      );
      break;
    case 'datetime':
      control = (
        <BoundText
          {...common}
          class="input-datetime"
          placeholder="dd/mm/aaaa hh:mm"
          value={props.value}
          toData={dateTimeToData}
          toDisplay={dateTimeToDisplay}
          onValue={(v) => ctx.set(path, v)}
        />
      );
      break;
    case 'number':
    case 'money':
      control = (
        <span class={type.kind === 'money' ? 'money' : undefined}>
          {type.kind === 'money' && <span class="money-prefix">S/</span>}
          <BoundText
            {...common}
            class="input-number"
            inputMode="decimal"
            value={props.value}
            toData={numberToData}
            toDisplay={numberToDisplay}
            onValue={(v) => ctx.set(path, v)}
          />
        </span>
      );
      break;
    case 'choice':
      control = (
        <select
          {...common}
          value={str(props.value)}
          onChange={(e) => ctx.set(path, textToData(e.currentTarget.value))}
        >
          <option value="">— Elija —</option>
          {type.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case 'yesno':
      control = (
        <select
          {...common}
          value={props.value === true ? 'true' : props.value === false ? 'false' : ''}
          onChange={(e) => {
            const v = e.currentTarget.value;
            ctx.set(path, v === 'true' ? true : v === 'false' ? false : undefined);
          }}
        >
          <option value="">— Elija —</option>
          <option value="true">Sí</option>
          <option value="false">No</option>
        </select>
      );
      break;
    case 'multichoice': {
      labelled = false;
      const chosen = Array.isArray(props.value) ? (props.value as unknown[]).map(String) : [];
      const toggle = (option: string, on: boolean) => {
        const next = type.options.filter((o) => (o === option ? on : chosen.includes(o)));
        ctx.set(path, next.length > 0 ? next : undefined);
      };
      control = (
        <fieldset class="multichoice" aria-invalid={common['aria-invalid']}>
          <legend class="field-label">
            {label}
            {required && <span class="required"> *</span>}
          </legend>
          {type.options.map((o, i) => (
            <label key={o} class="check">
              <input
                type="checkbox"
                id={i === 0 ? domId(path) : undefined}
                name={path}
                value={o}
                checked={chosen.includes(o)}
                onChange={(e) => toggle(o, e.currentTarget.checked)}
              />
              {o}
            </label>
          ))}
        </fieldset>
      );
      break;
    }
    case 'signer':
      labelled = false;
      control = <SignerInput {...props} />;
      break;
    case 'table':
      labelled = false;
      control = <TableInput {...props} type={type} />;
      break;
  }
  return (
    <div class={`field field-${type.kind}${invalid ? ' has-error' : ''}`}>
      {labelled && (cell ? <VisuallyHiddenLabel path={path} label={label} /> : <Label path={path} label={label} required={required} />)}
      {control}
      {hint && !cell && <div class="hint">{hint}</div>}
      <FieldErrors path={path} errors={ctx.errors} />
    </div>
  );
}

/** A secret: typed hidden (never autocompleted), shown only while the user asks. */
function SecretInput({
  value,
  onValue,
  ...attrs
}: {
  id: string;
  name: string;
  required: boolean;
  value: string;
  onValue: (v: string) => void;
  'aria-invalid'?: 'true';
  'aria-describedby'?: string;
}) {
  const [shown, setShown] = useState(false);
  return (
    <span class="secret">
      <input
        {...attrs}
        type={shown ? 'text' : 'password'}
        autocomplete="off"
        spellcheck={false}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
      <button
        type="button"
        class="icon"
        data-testid={`toggle-secret-${attrs.name}`}
        aria-pressed={shown}
        title={shown ? 'Ocultar' : 'Mostrar'}
        onClick={() => setShown(!shown)}
      >
        {shown ? 'Ocultar' : 'Mostrar'}
      </button>
    </span>
  );
}

function VisuallyHiddenLabel({ path, label }: { path: string; label: string }) {
  return (
    <label class="visually-hidden" for={domId(path)}>
      {label}
    </label>
  );
}

function SignerInput({ label, required, path, value, ctx, type }: FieldProps) {
  const current =
    value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const nombre = str(current.nombre);
  const cargo = str(current.cargo);
  const update = (next: { nombre: string; cargo: string }) =>
    ctx.set(path, next.nombre === '' && next.cargo === '' ? undefined : next);
  const pick = (id: string) => {
    const person = ctx.people.find((p) => String(p.id) === id);
    if (person) update({ nombre: fullName(person), cargo: person.cargo });
  };
  const nombrePath = joinPath(path, 'nombre');
  const cargoPath = joinPath(path, 'cargo');
  return (
    <fieldset class="signer">
      <legend class="field-label">
        {label}
        {required && <span class="required"> *</span>}
        {type.kind === 'signer' && <span class="role-tag">firma como {type.role}</span>}
      </legend>
      <div class="signer-grid">
        <div>
          <label for={domId(nombrePath)}>Nombre</label>
          <BoundText
            id={domId(nombrePath)}
            name={nombrePath}
            value={nombre}
            toData={(t) => t}
            toDisplay={str}
            onValue={(v) => update({ nombre: String(v), cargo })}
          />
          <FieldErrors path={nombrePath} errors={ctx.errors} />
        </div>
        <div>
          <label for={domId(cargoPath)}>Cargo</label>
          <BoundText
            id={domId(cargoPath)}
            name={cargoPath}
            value={cargo}
            toData={(t) => t}
            toDisplay={str}
            onValue={(v) => update({ nombre, cargo: String(v) })}
          />
          <FieldErrors path={cargoPath} errors={ctx.errors} />
        </div>
        <div>
          <label for={`${domId(path)}-people`}>Del directorio</label>
          <select
            id={`${domId(path)}-people`}
            data-testid={`people-picker-${path}`}
            value=""
            onChange={(e) => pick(e.currentTarget.value)}
            disabled={ctx.people.length === 0}
          >
            <option value="">
              {ctx.people.length === 0 ? 'Directorio vacío' : '— Elegir persona —'}
            </option>
            {ctx.people.map((p) => (
              <option key={p.id} value={String(p.id)}>
                {fullName(p)} — {p.cargo}
              </option>
            ))}
          </select>
        </div>
      </div>
    </fieldset>
  );
}

function TableInput({
  label,
  required,
  path,
  value,
  ctx,
  type,
}: FieldProps & { type: Extract<FieldType, { kind: 'table' }> }) {
  const rows: Record<string, unknown>[] = Array.isArray(value)
    ? (value as unknown[]).map((r) =>
        r !== null && typeof r === 'object' ? (r as Record<string, unknown>) : {},
      )
    : [];
  const min = minimumRows(type, required);
  const max = type.max_rows;
  const setRows = (next: Record<string, unknown>[]) => ctx.set(path, next.length > 0 ? next : undefined);
  const move = (from: number, to: number) => {
    const next = [...rows];
    const [row] = next.splice(from, 1);
    next.splice(to, 0, row);
    setRows(next);
  };
  return (
    <fieldset class="table-field">
      <legend class="field-label">
        {label}
        {required && <span class="required"> *</span>}
        <span class="row-count">
          {' '}
          ({rows.length} {rows.length === 1 ? 'fila' : 'filas'}
          {max !== null ? `, máximo ${max}` : ''})
        </span>
      </legend>
      <div class="table-scroll">
        <table class="rows">
          <thead>
            <tr>
              <th scope="col">N.°</th>
              {type.columns.map((c) => (
                <th scope="col" key={c.id}>
                  {c.label}
                  {c.required && <span class="required"> *</span>}
                </th>
              ))}
              <th scope="col">
                <span class="visually-hidden">Acciones</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => {
              const n = i + 1;
              const here = rowPath(path, i);
              return (
                <tr key={i} data-testid={`row-${path}-${n}`}>
                  <td class="row-number">
                    {n}
                    <FieldErrors path={here} errors={ctx.errors} />
                  </td>
                  {type.columns.map((c) => (
                    <td key={c.id}>
                      <FieldInput
                        id={c.id}
                        label={`${c.label} (fila ${n})`}
                        required={requiredNow(c, (id) => row[id])}
                        type={c.type}
                        path={joinPath(here, c.id)}
                        value={row[c.id]}
                        ctx={ctx}
                        cell
                      />
                    </td>
                  ))}
                  <td class="row-actions">
                    <button
                      type="button"
                      class="icon"
                      data-testid={`move-up-${path}-${n}`}
                      title="Subir fila"
                      aria-label={`Subir fila ${n}`}
                      disabled={i === 0}
                      onClick={() => move(i, i - 1)}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      class="icon"
                      data-testid={`move-down-${path}-${n}`}
                      title="Bajar fila"
                      aria-label={`Bajar fila ${n}`}
                      disabled={i === rows.length - 1}
                      onClick={() => move(i, i + 1)}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      class="icon danger"
                      data-testid={`remove-row-${path}-${n}`}
                      title="Quitar fila"
                      aria-label={`Quitar fila ${n}`}
                      disabled={rows.length <= min}
                      onClick={() => setRows(rows.filter((_, j) => j !== i))}
                    >
                      ✕
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <button
        type="button"
        class="secondary"
        data-testid={`add-row-${path}`}
        disabled={max !== null && rows.length >= max}
        onClick={() => setRows([...rows, {}])}
      >
        + Agregar fila
      </button>
    </fieldset>
  );
}
