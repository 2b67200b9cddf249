/**
 * Nuevo / editar: pick a form, fill it in (validated by the core from the
 * start and as you type, debounced: every problem is listed above the form
 * from the first moment, each linking to its field; computed deadlines
 * shown as they come back), drafts
 * saved on their own, preview, create the numbered document and, for an
 * e-mail form, «Generar correo» (an .eml, optionally with a PDF attached).
 * Reopens a draft when the shell asks.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import type { ComputedValue, DocumentListing, FormSpec, FormSummary, Person, Problem } from '../api';
import { Spinner } from '../components/Spinner';
import { showError, showInfo } from '../components/toast';
import { FormView } from '../forms/FormView';
import { initialData } from '../forms/initial';
import type { FormData } from '../forms/paths';
import { ruleProblems } from '../forms/problems';
import type { Navigate } from '../routes';

export type OpenRequest = { draftId: number; nonce: number };

const VALIDATE_MS = 300;
const AUTOSAVE_MS = 1000;

type Props = { hidden: boolean; navigate: Navigate; openRequest: OpenRequest | null };

/** «dd/mm/aaaa hh:mm» → «hh:mm». */
const timeOf = (updated: string) => updated.split(' ')[1] ?? updated;

export function Nuevo({ hidden, navigate, openRequest }: Props) {
  const [forms, setForms] = useState<FormSummary[]>([]);
  const [templateId, setTemplateId] = useState('');
  const [spec, setSpec] = useState<FormSpec | null>(null);
  const [data, setData] = useState<FormData>({});
  /** Bumped by every edit of the user (not by loading a form or a draft). */
  const [edits, setEdits] = useState(0);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [computed, setComputed] = useState<ComputedValue[]>([]);
  const [attachment, setAttachment] = useState<api.Grant | null>(null);
  const [emailing, setEmailing] = useState(false);
  const [checkedEdit, setCheckedEdit] = useState(-1);
  const [draftStatus, setDraftStatus] = useState('');
  const [people, setPeople] = useState<Person[]>([]);
  const [loading, setLoading] = useState(false);
  const [saving, setSaving] = useState(false);
  const [created, setCreated] = useState<DocumentListing | null>(null);
  const draftId = useRef<number | null>(null);
  /** Draft saves run one after another, so a new draft is created once. */
  const saveChain = useRef<Promise<unknown>>(Promise.resolve());
  const autosaveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** Bumped when another form or draft is loaded: late answers about the old one are dropped. */
  const generation = useRef(0);

  useEffect(() => {
    api.forms().then(setForms, (e) => showError(api.errorMessage(e)));
  }, []);

  useEffect(() => {
    // Deactivated people are not offered as signers.
    if (!hidden) api.people().then((list) => setPeople(list.filter((p) => p.active)), () => {});
  }, [hidden]);

  const reset = (next: FormSpec | null, nextData: FormData, id: number | null) => {
    if (autosaveTimer.current) clearTimeout(autosaveTimer.current);
    generation.current += 1;
    draftId.current = id;
    setSpec(next);
    setData(nextData);
    setEdits(0);
    setCheckedEdit(-1);
    setProblems([]);
    setComputed([]);
    setAttachment(null);
    setCreated(null);
  };

  const chooseForm = async (id: string) => {
    setTemplateId(id);
    setDraftStatus('');
    if (!id) return reset(null, {}, null);
    setLoading(true);
    try {
      const loaded = await api.formSpec(id);
      reset(loaded, initialData(loaded), null);
    } catch (e) {
      showError(api.errorMessage(e));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    if (!openRequest) return;
    (async () => {
      setLoading(true);
      try {
        const view = await api.openDraft(openRequest.draftId);
        const loaded = await api.formSpec(view.info.template_id);
        setTemplateId(view.info.template_id);
        reset(loaded, view.data, view.info.id);
        setDraftStatus(`Borrador del ${view.info.updated}`);
      } catch (e) {
        showError(api.errorMessage(e));
      } finally {
        setLoading(false);
      }
    })();
  }, [openRequest]);

  // Validation while typing: debounced, and only the latest answer counts.
  useEffect(() => {
    if (!spec) return;
    const edit = edits;
    const loaded = generation.current;
    const timer = setTimeout(() => {
      api.validateForm({ template_id: spec.id, data }).then(
        (v) => {
          if (loaded !== generation.current) return;
          setProblems(v.problems);
          setComputed(v.computed);
          setCheckedEdit((seen) => Math.max(seen, edit));
        },
        (e) => showError(api.errorMessage(e)),
      );
    }, VALIDATE_MS);
    return () => clearTimeout(timer);
  }, [spec, data]);

  const saveDraftNow = (templateIdNow: string, dataNow: FormData) => {
    const run = saveChain.current.then(async () => {
      setDraftStatus('Guardando borrador…');
      try {
        const info = await api.saveDraft({ id: draftId.current, template_id: templateIdNow, data: dataNow });
        draftId.current = info.id;
        setDraftStatus(`Borrador guardado ${timeOf(info.updated)}`);
      } catch (e) {
        setDraftStatus('No se pudo guardar el borrador');
        showError(api.errorMessage(e));
      }
    });
    saveChain.current = run;
    return run;
  };

  // Autosave after the user stops typing.
  useEffect(() => {
    if (!spec || edits === 0) return;
    const timer = setTimeout(() => {
      autosaveTimer.current = null;
      void saveDraftNow(spec.id, data);
    }, AUTOSAVE_MS);
    autosaveTimer.current = timer;
    return () => clearTimeout(timer);
  }, [edits]);

  const onChange = (update: (previous: FormData) => FormData) => {
    setData(update);
    setEdits((n) => n + 1);
  };

  const validated = checkedEdit === edits;
  const invalid = validated && problems.length > 0;

  const create = async () => {
    if (!spec) return;
    if (autosaveTimer.current) {
      clearTimeout(autosaveTimer.current);
      autosaveTimer.current = null;
    }
    setSaving(true);
    try {
      await saveChain.current;
      const check = await api.validateForm({ template_id: spec.id, data });
      setProblems(check.problems);
      if (!check.ok) {
        showError(
          `El documento no se guardó: ${check.problems.length === 1 ? 'hay 1 problema' : `hay ${check.problems.length} problemas`} por corregir.`,
        );
        return;
      }
      const listing = await api.createDocument({ template_id: spec.id, data, draft_id: draftId.current });
      draftId.current = null;
      setCreated(listing);
      setDraftStatus('');
    } catch (e) {
      showError(api.errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const chooseAttachment = async () => {
    try {
      const chosen = await api.chooseFile('pdf', 'PDF a adjuntar al correo');
      if (chosen) setAttachment(chosen);
    } catch (e) {
      showError(api.errorMessage(e));
    }
  };

  const generateEmail = async () => {
    if (!spec) return;
    let output: api.Grant | null;
    try {
      output = await api.chooseSavePath('eml', 'Guardar el correo', `${spec.id}.eml`);
    } catch (e) {
      return showError(api.errorMessage(e));
    }
    if (!output) return;
    setEmailing(true);
    try {
      const written = await api.generateEmail({
        template_id: spec.id,
        data,
        output: output.token,
        attachment: attachment?.token ?? null,
      });
      showInfo(`Correo generado: ${written}`);
    } catch (e) {
      showError(api.errorMessage(e));
    } finally {
      setEmailing(false);
    }
  };

  const startOver = () => {
    if (spec) reset(spec, initialData(spec), null);
  };

  const rules = ruleProblems(problems);

  return (
    <section class="screen" data-testid="screen-nuevo" hidden={hidden} aria-labelledby="h-nuevo">
      <header class="screen-header">
        <h1 id="h-nuevo">Nuevo documento</h1>
        <span class="draft-status" data-testid="draft-status" aria-live="polite">
          {draftStatus}
        </span>
      </header>

      <div class="form-picker">
        <label for="form-select">Formulario</label>
        <select
          id="form-select"
          data-testid="form-select"
          value={templateId}
          onChange={(e) => chooseForm(e.currentTarget.value)}
        >
          <option value="">— Elija un formulario —</option>
          {forms.map((f) => (
            <option key={f.id} value={f.id}>
              {f.form_code} — {f.title}
            </option>
          ))}
        </select>
        {loading && <Spinner text="Cargando…" />}
      </div>

      {created && (
        <div class="card success" role="status">
          <p>
            Documento creado con el número{' '}
            <strong data-testid="created-reference">{created.reference}</strong> ({created.title}).
          </p>
          <div class="button-row">
            <button
              type="button"
              class="secondary"
              data-testid="created-preview"
              onClick={() =>
                navigate({
                  screen: 'preview',
                  source: { kind: 'document', reference: created.reference },
                  back: { screen: 'documentos' },
                })
              }
            >
              Vista previa
            </button>
            <button
              type="button"
              class="primary"
              data-testid="created-sign"
              onClick={() => navigate({ screen: 'firmar', reference: created.reference })}
            >
              Firmar
            </button>
            <button type="button" class="link" onClick={startOver}>
              Crear otro del mismo formulario
            </button>
          </div>
        </div>
      )}

      {spec && !created && (
        <form class="editor" onSubmit={(e) => e.preventDefault()} noValidate>
          <div class="form-title">
            <div class="sub">
              {spec.entity} — {spec.office}
            </div>
            <h2>
              {spec.form_code}: {spec.title}
            </h2>
          </div>
          <FormView
            spec={spec}
            data={data}
            onChange={onChange}
            problems={problems}
            people={people}
            computed={computed}
            checking={checkedEdit < 0}
          />

          <div class="rules card" data-testid="rules">
            <h3>Reglas del procedimiento</h3>
            {spec.rules.length === 0 ? (
              <p class="sub">Este formulario no tiene reglas de procedimiento.</p>
            ) : (
              <ul>
                {spec.rules.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            )}
            {rules.length > 0 && (
              <ul class="rule-problems" data-testid="rule-problems">
                {rules.map((p) => (
                  <li key={p.path + p.message}>{p.message}</li>
                ))}
              </ul>
            )}
          </div>

          <div class="button-row sticky-actions">
            <button
              type="button"
              class="secondary"
              data-testid="preview"
              onClick={() =>
                navigate({
                  screen: 'preview',
                  source: {
                    kind: 'form',
                    request: { template_id: spec.id, data },
                    title: `${spec.form_code} — ${spec.title}`,
                  },
                  back: { screen: 'nuevo' },
                })
              }
            >
              Vista previa
            </button>
            <button
              type="button"
              class="primary"
              data-testid="save-document"
              disabled={saving || invalid}
              title={invalid ? 'Corrija los problemas antes de guardar' : undefined}
              onClick={create}
            >
              {saving ? <Spinner text="Guardando…" /> : 'Guardar documento'}
            </button>
            {!validated && edits > 0 && <Spinner text="Comprobando…" />}
          </div>
          {spec.email && (
            <div class="card email-actions" data-testid="email-actions">
              <h3>Correo electrónico</h3>
              <p class="sub">
                Este formulario es un correo: «Generar correo» escribe un archivo .eml que se abre en Thunderbird
                u Outlook para enviarlo.
              </p>
              <div class="button-row">
                <button type="button" class="secondary" data-testid="email-attach" onClick={chooseAttachment}>
                  Adjuntar PDF…
                </button>
                {attachment && (
                  <span class="attachment" data-testid="email-attachment">
                    {attachment.name}{' '}
                    <button type="button" class="link" onClick={() => setAttachment(null)}>
                      Quitar
                    </button>
                  </span>
                )}
                <button
                  type="button"
                  class="primary"
                  data-testid="generate-email"
                  disabled={emailing || invalid}
                  title={invalid ? 'Corrija los problemas antes de generar el correo' : undefined}
                  onClick={generateEmail}
                >
                  {emailing ? <Spinner text="Generando…" /> : 'Generar correo'}
                </button>
              </div>
            </div>
          )}
        </form>
      )}
    </section>
  );
}
