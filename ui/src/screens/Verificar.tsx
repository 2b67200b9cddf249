/**
 * Verificar: check every signature of a stored document or a PDF from disk
 * (typed, chosen, or dropped on the window), show the verdict and one row
 * per signature, and export the Spanish verification report as a PDF.
 */
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { DocumentRow, SignatureReport, Verdict, VerifyRequest, VerifyView } from '../api';
import { PathInput } from '../components/PathInput';
import { Spinner } from '../components/Spinner';
import { showError } from '../components/toast';

const ALL_DOCUMENTS = { text: '', template: null, status: 'todos', from: null, to: null } as const;

/** A check cell: ✓ green, ✗ red, or grey «no comprobado». `good` says which boolean is good. */
export function CheckCell({ value, good = true, testid }: { value: boolean | null; good?: boolean; testid: string }) {
  if (value === null) {
    return (
      <td class="check unknown" data-testid={testid} data-ok="false" data-checked="false">
        no comprobado
      </td>
    );
  }
  const ok = value === good;
  return (
    <td class={`check ${ok ? 'yes' : 'no'}`} data-testid={testid} data-ok={String(ok)}>
      <span aria-hidden="true">{ok ? '✓ ' : '✗ '}</span>
      {value ? 'Sí' : 'No'}
    </td>
  );
}

/** The verdict as people read it, and its colour class (amber when trust could not be checked). */
export const VERDICTS: Record<Verdict, { label: string; tone: 'ok' | 'bad' | 'warn' }> = {
  VALIDO: { label: 'VÁLIDO', tone: 'ok' },
  NO_VALIDO: { label: 'NO VÁLIDO', tone: 'bad' },
  INDETERMINADO: { label: 'INDETERMINADO', tone: 'warn' },
};

/** `CN=Actas Prueba Intermedia, O=…, C=PE` → `Actas Prueba Intermedia`: people read the name, not the DN. */
export function commonName(dn: string): string {
  return /(?:^|,\s*)CN=([^,]+)/.exec(dn)?.[1]?.trim() ?? dn;
}

/** The role as people read it (as `SignatureReport::role_label` in the core): never a `firma.…` field id of an Actas form. */
export function roleLabel(s: SignatureReport): string {
  return s.role_title ?? s.role ?? s.field;
}

function SignatureRows({ s }: { s: SignatureReport }) {
  const notes = [...new Set([...s.reasons, ...s.problems, ...s.modifications])];
  const verdict = VERDICTS[s.verdict];
  return (
    <>
      <tr data-testid="sig-row" data-field={s.field} data-ok={String(s.verdict === 'VALIDO')} data-verdict={s.verdict}>
        <td>
          <strong>{roleLabel(s)}</strong>
        </td>
        <td>
          {s.signer ?? '(desconocido)'}
          {s.issuer && <div class="sub">Emisor: {commonName(s.issuer)}</div>}
        </td>
        <td>
          {s.signing_time ?? '—'}
          {s.proven_time && <div class="sub">Sello de tiempo: {s.proven_time}</div>}
        </td>
        <CheckCell value={s.intact} testid="sig-intact" />
        <CheckCell value={s.valid} testid="sig-valid" />
        <CheckCell value={s.trusted} testid="sig-trusted" />
        {/* A byte changed inside the signed range is a change too. */}
        <CheckCell value={s.modified_after || !s.intact} good={false} testid="sig-modified" />
        <td class={`check verdict-cell ${verdict.tone}`} data-testid="sig-verdict">
          {verdict.label}
        </td>
      </tr>
      {notes.length > 0 && (
        <tr class="sig-notes">
          <td colSpan={8}>
            <ul data-testid="sig-problems">
              {notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          </td>
        </tr>
      )}
    </>
  );
}

export function Verificar({ initialReference }: { initialReference?: string }) {
  const [docs, setDocs] = useState<DocumentRow[]>([]);
  const [reference, setReference] = useState(initialReference ?? '');
  const [path, setPath] = useState('');
  const [view, setView] = useState<VerifyView | null>(null);
  const [checked, setChecked] = useState<VerifyRequest | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<string | null>(null);

  const run = async (request: VerifyRequest) => {
    setRunning(true);
    setError(null);
    setExported(null);
    try {
      setView(await api.verify(request));
      setChecked(request);
    } catch (e) {
      setView(null);
      setError(api.errorMessage(e));
    } finally {
      setRunning(false);
    }
  };

  useEffect(() => {
    api.documents({ ...ALL_DOCUMENTS }).then(setDocs, (e) => showError(api.errorMessage(e)));
    if (initialReference) void run({ reference: initialReference, path: null });
    let stop: (() => void) | null = null;
    let gone = false;
    api
      .onFilesDropped((files) => {
        const pdf = files.find((f) => f.name.toLowerCase().endsWith('.pdf')) ?? files[0];
        if (!pdf) return;
        setPath(pdf.token);
        setReference('');
        void run({ reference: null, path: pdf.token });
      })
      .then((unlisten) => (gone ? unlisten() : (stop = unlisten)));
    return () => {
      gone = true;
      stop?.();
    };
  }, []);

  const request: VerifyRequest | null = path.trim()
    ? { reference: null, path: path.trim() }
    : reference
      ? { reference, path: null }
      : null;

  const suggested = view ? `verificacion-${view.source.replace(/[\/\\]/g, '-').replace(/\.pdf$/i, '')}.pdf` : '';
  const exportReport = async () => {
    if (!checked || !view) return;
    setExported(null);
    try {
      const output = await api.chooseSavePath('pdf', 'Guardar el reporte de verificación', suggested);
      if (!output) return;
      setExporting(true);
      setExported(await api.exportVerification({ target: checked, output: output.token }));
    } catch (e) {
      showError(api.errorMessage(e));
    } finally {
      setExporting(false);
    }
  };

  return (
    <section class="screen" data-testid="screen-verificar" aria-labelledby="h-verificar">
      <header class="screen-header">
        <h1 id="h-verificar">Verificar firmas</h1>
      </header>
      <div class="card">
        <div class="two-col">
          <div class="field">
            <label for="verify-document">Documento guardado</label>
            <select
              id="verify-document"
              data-testid="verify-document"
              value={reference}
              onChange={(e) => {
                setReference(e.currentTarget.value);
                setPath('');
              }}
            >
              <option value="">— Elija un documento —</option>
              {reference && !docs.some((d) => d.reference === reference) && (
                <option value={reference}>{reference}</option>
              )}
              {docs.map((d) => (
                <option key={d.reference} value={d.reference}>
                  {d.reference} — {d.form_code} {d.title}
                </option>
              ))}
            </select>
          </div>
          <PathInput
            id="verify-path"
            testid="verify-path"
            label="o un archivo PDF"
            kind="pdf"
            mode="open"
            value={path}
            onInput={setPath}
            placeholder="También puede soltar un PDF sobre la ventana"
          />
        </div>
        <div class="button-row">
          <button
            type="button"
            class="primary"
            data-testid="verify-run"
            disabled={!request || running}
            onClick={() => request && run(request)}
          >
            Verificar
          </button>
          {running && <Spinner text="Verificando…" />}
        </div>
        {error && (
          <p class="result bad" role="alert" data-testid="verify-error">
            {error}
          </p>
        )}
      </div>

      {view && (
        <div class="card">
          <p class={`verdict ${VERDICTS[view.report.verdict].tone}`} data-testid="verdict" data-verdict={view.report.verdict}>
            {view.verdict}
          </p>
          {view.report.completeness && (
            <p
              class={`acta-status ${view.report.completeness.complete ? 'ok' : 'warn'}`}
              data-testid="acta-status"
              data-complete={String(view.report.completeness.complete)}
            >
              {view.report.completeness.complete
                ? 'Acta completa: firmaron todos los roles requeridos.'
                : `Acta pendiente: falta la firma de ${view.report.completeness.pending
                    .map((p) => (p.name ? `${p.title} (${p.name})` : p.title))
                    .join(', ')}.`}
            </p>
          )}
          {view.report.reasons.length > 1 && (
            <ul class="verdict-reasons" data-testid="verdict-reasons">
              {view.report.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          )}
          <p class="sub">
            {view.source}
            {view.report.number && view.report.number !== view.source && ` — N.° ${view.report.number}`} — {view.report.revisions}{' '}
            {view.report.revisions === 1 ? 'revisión' : 'revisiones'} — SHA-256{' '}
            <span class="mono" title={view.sha256}>
              {view.sha256.slice(0, 16)}…
            </span>{' '}
            — {view.trust_roots === 0 ? 'sin certificados raíz configurados' : view.trust_roots === 1 ? "1 certificado raíz" : `${view.trust_roots} certificados raíz`}
          </p>
          {view.report.signatures.length > 0 && (
            <div class="table-scroll">
              <table class="data signatures">
                <thead>
                  <tr>
                    <th scope="col">Rol</th>
                    <th scope="col">Firmante</th>
                    <th scope="col">Fecha</th>
                    <th scope="col">Íntegra</th>
                    <th scope="col">Válida</th>
                    <th scope="col">Confiable</th>
                    <th scope="col">Modificada después</th>
                    <th scope="col">Veredicto</th>
                  </tr>
                </thead>
                <tbody>
                  {view.report.signatures.map((s) => (
                    <SignatureRows key={s.field} s={s} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {!view.report.completeness && view.report.unsigned_fields.length > 0 && (
            <p class="sub">Campos de firma sin firmar: {view.report.unsigned_fields.join(', ')}</p>
          )}

          <h2>Exportar reporte</h2>
          <p class="sub">
            El reporte PDF lista cada firma, las firmas que faltan y todas las observaciones.
          </p>
          <div class="button-row">
            <button
              type="button"
              class="secondary"
              data-testid="export-report"
              disabled={exporting}
              onClick={exportReport}
            >
              Exportar reporte PDF…
            </button>
            {exporting && <Spinner text="Generando el reporte…" />}
          </div>
          {exported && (
            <p class="result ok" role="status">
              Reporte guardado en <span data-testid="export-result" class="mono">{exported}</span>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
