/**
 * Documentos, the first screen: every stored document with its signing
 * state per role, filtered by text, form, status and dates (dd/mm/aaaa),
 * with shortcuts to preview, sign, verify, export, print, duplicate (a new
 * draft with its data) or annul one (with a reason; it stays listed as
 * «Anulado»), loaded a page at a time (newest first, «Cargar más» appends
 * the next page, the total is shown); and the drafts to reopen or delete.
 * Tells the shell the window is ready once its first data shows.
 */
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { DocumentRow, DraftInfo, FormSummary, SignatureState, StatusFilter } from '../api';
import { BundleExport } from '../components/BundleExport';
import { DocumentActions } from '../components/DocumentActions';
import { Spinner } from '../components/Spinner';
import { showError, showInfo } from '../components/toast';
import { filterDate } from '../forms/convert';
import { useDebounced } from '../hooks';
import type { Navigate } from '../routes';

let readyAnnounced = false;

function announceReady() {
  if (readyAnnounced) return;
  readyAnnounced = true;
  api.windowReady().catch(() => {});
}

/** Documents per page of the list. */
export const PAGE_SIZE = 50;

const STATUS_OPTIONS: { value: StatusFilter; label: string }[] = [
  { value: 'todos', label: 'Todos' },
  { value: 'sin_firmas', label: 'Sin firmas' },
  { value: 'en_firma', label: 'En firma' },
  { value: 'firmado', label: 'Firmado' },
  { value: 'anulado', label: 'Anulado' },
];

/** One role's signature; in an annulled document a missing one will never come. */
export function SignatureChip({ s, annulled = false }: { s: SignatureState; annulled?: boolean }) {
  const state = s.signed ? 'signed' : annulled ? 'void' : s.next ? 'next' : 'pending';
  const text = s.signed
    ? `✓ ${s.signer ?? 'firmado'}`
    : annulled
      ? 'no se firmará'
      : s.next
        ? 'siguiente'
        : 'pendiente';
  return (
    <span class={`chip ${state}`} data-role={s.role} data-state={state} title={s.title}>
      <span class="chip-role">{s.title}:</span> {text}
    </span>
  );
}

export function Documentos({ navigate, openDraft }: { navigate: Navigate; openDraft: (id: number) => void }) {
  const [text, setText] = useState('');
  const [template, setTemplate] = useState('');
  const [status, setStatus] = useState<StatusFilter>('todos');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [rows, setRows] = useState<DocumentRow[] | null>(null);
  const [total, setTotal] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);
  const [forms, setForms] = useState<FormSummary[]>([]);
  const [drafts, setDrafts] = useState<DraftInfo[] | null>(null);
  const [loading, setLoading] = useState(false);
  const searched = useDebounced(text, 300);
  const fromIso = filterDate(from);
  const toIso = filterDate(to);
  const badFrom = from.trim() !== '' && fromIso === null;
  const badTo = to.trim() !== '' && toIso === null;

  useEffect(() => {
    api.forms().then(setForms, (e) => showError(api.errorMessage(e)));
    loadDrafts();
  }, []);

  const loadDrafts = () =>
    api.drafts().then(setDrafts, (e) => {
      setDrafts([]);
      showError(api.errorMessage(e));
    });

  const filter = { text: searched, template: template || null, status, from: fromIso, to: toIso };
  const [reload, setReload] = useState(0);
  const [annulling, setAnnulling] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const duplicate = async (r: DocumentRow) => {
    try {
      const draft = await api.duplicateDocument(r.reference);
      showInfo(`Borrador creado a partir de ${r.reference}: revise las fechas y los números.`);
      openDraft(draft.id);
    } catch (e) {
      showError(api.errorMessage(e));
    }
  };
  const annul = async (r: DocumentRow) => {
    if (reason.trim() === '') return showError('Escriba el motivo de la anulación.');
    try {
      await api.annulDocument({ reference: r.reference, reason: reason.trim() });
      showInfo(`Documento ${r.reference} anulado.`);
      setAnnulling(null);
      setReason('');
      setReload((n) => n + 1);
    } catch (e) {
      showError(api.errorMessage(e));
    }
  };

  useEffect(() => {
    let stale = false;
    setLoading(true);
    api
      .documentsPage({ ...filter, offset: 0, limit: PAGE_SIZE })
      .then(
        (page) => {
          if (stale) return;
          setRows(page.rows);
          setTotal(page.total);
        },
        (e) => {
          if (stale) return;
          setRows((r) => r ?? []);
          showError(api.errorMessage(e));
        },
      )
      .finally(() => !stale && setLoading(false));
    return () => {
      stale = true;
    };
  }, [searched, template, status, fromIso, toIso, reload]);

  /** Appends the next page (same filter, from the rows already shown). */
  const loadMore = async () => {
    if (rows === null) return;
    setLoadingMore(true);
    try {
      const page = await api.documentsPage({ ...filter, offset: rows.length, limit: PAGE_SIZE });
      setRows([...rows, ...page.rows.filter((r) => !rows.some((old) => old.reference === r.reference))]);
      setTotal(page.total);
    } catch (e) {
      showError(api.errorMessage(e));
    } finally {
      setLoadingMore(false);
    }
  };

  useEffect(() => {
    if (rows !== null && drafts !== null) announceReady();
  }, [rows, drafts]);

  const [confirming, setConfirming] = useState<number | null>(null);
  const removeDraft = async (d: DraftInfo) => {
    // Asked inline: a native confirm() would block the window (and WebDriver).
    if (confirming !== d.id) return setConfirming(d.id);
    setConfirming(null);
    try {
      await api.deleteDraft(d.id);
      await loadDrafts();
    } catch (e) {
      showError(api.errorMessage(e));
    }
  };

  return (
    <section class="screen" data-testid="screen-documentos" aria-labelledby="h-documentos">
      <header class="screen-header">
        <h1 id="h-documentos">Documentos</h1>
        <button type="button" class="primary" onClick={() => navigate({ screen: 'nuevo' })}>
          Nuevo documento
        </button>
      </header>

      <div class="filters" role="search">
        <div class="filter grow">
          <label for="doc-search">Buscar</label>
          <input
            id="doc-search"
            type="search"
            data-testid="doc-search"
            placeholder="Número, título, sistema, personas o firmante"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </div>
        <div class="filter">
          <label for="doc-filter-form">Formulario</label>
          <select
            id="doc-filter-form"
            data-testid="doc-filter-form"
            value={template}
            onChange={(e) => setTemplate(e.currentTarget.value)}
          >
            <option value="">Todos</option>
            {forms.map((f) => (
              <option key={f.id} value={f.id}>
                {f.form_code} — {f.title}
              </option>
            ))}
          </select>
        </div>
        <div class="filter">
          <label for="doc-filter-status">Estado</label>
          <select
            id="doc-filter-status"
            data-testid="doc-filter-status"
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value as StatusFilter)}
          >
            {STATUS_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div class="filter date">
          <label for="doc-filter-from">Desde</label>
          <input
            id="doc-filter-from"
            type="text"
            data-testid="doc-filter-from"
            placeholder="dd/mm/aaaa"
            value={from}
            aria-invalid={badFrom ? 'true' : undefined}
            onInput={(e) => setFrom(e.currentTarget.value)}
          />
          {badFrom && <span class="field-error">Use dd/mm/aaaa</span>}
        </div>
        <div class="filter date">
          <label for="doc-filter-to">Hasta</label>
          <input
            id="doc-filter-to"
            type="text"
            data-testid="doc-filter-to"
            placeholder="dd/mm/aaaa"
            value={to}
            aria-invalid={badTo ? 'true' : undefined}
            onInput={(e) => setTo(e.currentTarget.value)}
          />
          {badTo && <span class="field-error">Use dd/mm/aaaa</span>}
        </div>
        <div class="filter-status">{loading && <Spinner text="Buscando…" />}</div>
      </div>

      <div class="table-scroll card">
        <table class="data documents">
          <thead>
            <tr>
              <th scope="col">Número</th>
              <th scope="col">Formulario</th>
              <th scope="col">Fecha</th>
              <th scope="col">Estado</th>
              <th scope="col">Firmas</th>
              <th scope="col">
                <span class="visually-hidden">Acciones</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows === null ? (
              <tr>
                <td colSpan={6}>
                  <Spinner text="Cargando documentos…" />
                </td>
              </tr>
            ) : rows.length === 0 ? (
              <tr>
                <td colSpan={6} class="empty">
                  No hay documentos que coincidan.
                </td>
              </tr>
            ) : (
              rows.map((r) => (
                <tr key={r.reference} data-testid="doc-row" data-reference={r.reference}>
                  <td class="mono">{r.reference}</td>
                  <td>
                    <strong>{r.form_code}</strong>
                    <div class="sub">{r.title}</div>
                  </td>
                  <td>{r.date}</td>
                  <td>
                    {r.status === 'anulado' ? (
                      <span class="status annulled" data-testid="doc-status">
                        Anulado
                      </span>
                    ) : (
                      <span class={`status ${r.complete ? 'complete' : ''}`} data-testid="doc-status">
                        {r.status}
                      </span>
                    )}
                  </td>
                  <td class="chips">
                    {r.signatures.map((s) => (
                      <SignatureChip key={s.role} s={s} annulled={r.status === 'anulado'} />
                    ))}
                  </td>
                  <td class="actions">
                    <button
                      type="button"
                      class="link"
                      data-testid="doc-preview"
                      onClick={() =>
                        navigate({
                          screen: 'preview',
                          source: { kind: 'document', reference: r.reference },
                          back: { screen: 'documentos' },
                        })
                      }
                    >
                      Vista previa
                    </button>
                    <button
                      type="button"
                      class="link"
                      data-testid="doc-sign"
                      disabled={r.complete || r.status === 'anulado'}
                      onClick={() => navigate({ screen: 'firmar', reference: r.reference })}
                    >
                      Firmar
                    </button>
                    <button
                      type="button"
                      class="link"
                      data-testid="doc-verify"
                      onClick={() => navigate({ screen: 'verificar', reference: r.reference })}
                    >
                      Verificar
                    </button>
                    <DocumentActions reference={r.reference} variant="link" />
                    <button type="button" class="link" data-testid="doc-duplicate" onClick={() => duplicate(r)}>
                      Duplicar
                    </button>
                    {r.status !== 'anulado' && annulling !== r.reference && (
                      <button
                        type="button"
                        class="link danger"
                        data-testid="doc-annul"
                        onClick={() => {
                          setAnnulling(r.reference);
                          setReason('');
                        }}
                      >
                        Anular
                      </button>
                    )}
                    {annulling === r.reference && (
                      <div class="annul-form" data-testid="annul-form">
                        <input
                          type="text"
                          data-testid="annul-reason"
                          aria-label={`Motivo de la anulación de ${r.reference}`}
                          placeholder="Motivo de la anulación"
                          value={reason}
                          onInput={(e) => setReason(e.currentTarget.value)}
                        />
                        <button
                          type="button"
                          class="danger"
                          data-testid="annul-confirm"
                          disabled={reason.trim() === ''}
                          onClick={() => annul(r)}
                        >
                          Anular
                        </button>
                        <button type="button" class="link" onClick={() => setAnnulling(null)}>
                          Cancelar
                        </button>
                      </div>
                    )}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
        {rows !== null && rows.length > 0 && (
          <div class="list-footer">
            <span class="sub" data-testid="doc-count" data-shown={rows.length} data-total={total}>
              Mostrando {rows.length} de {total} {total === 1 ? 'documento' : 'documentos'}
            </span>
            {rows.length < total && (
              <button
                type="button"
                class="secondary"
                data-testid="doc-load-more"
                disabled={loadingMore}
                onClick={loadMore}
              >
                Cargar más
              </button>
            )}
            {loadingMore && <Spinner text="Cargando…" />}
          </div>
        )}
      </div>

      <BundleExport references={rows?.map((r) => r.reference) ?? []} />

      <h2>Borradores</h2>
      <div class="card" data-testid="drafts">
        {drafts === null ? (
          <Spinner text="Cargando borradores…" />
        ) : drafts.length === 0 ? (
          <p class="empty">No hay borradores guardados.</p>
        ) : (
          <ul class="draft-list">
            {drafts.map((d) => (
              <li key={d.id} data-testid="draft-row" data-draft-id={d.id}>
                <span>
                  <strong>{d.title}</strong> <span class="sub">guardado {d.updated}</span>
                </span>
                <span class="actions">
                  <button type="button" class="link" data-testid="draft-open" onClick={() => openDraft(d.id)}>
                    Abrir
                  </button>
                  <button type="button" class="link danger" data-testid="draft-delete" onClick={() => removeDraft(d)}>
                    {confirming === d.id ? '¿Eliminar? Confirmar' : 'Eliminar'}
                  </button>
                  {confirming === d.id && (
                    <button type="button" class="link" onClick={() => setConfirming(null)}>
                      Cancelar
                    </button>
                  )}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
