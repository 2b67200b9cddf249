/**
 * Licencias: the licence master as of a cut-off date (dd/mm/aaaa, empty =
 * today) — summary cards, the licences expired or about to expire, each with
 * its situation — importing the master from a spreadsheet (rejected rows and
 * warnings listed by row and column), and the «Notificación de licencias por
 * vencer» stored as a document, then previewed or signed like any other.
 */
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { LicenceImport, LicenceOverview, LicenceQuery, LicenceRow, RejectedRow } from '../api';
import { PathInput } from '../components/PathInput';
import { Spinner } from '../components/Spinner';
import { showError } from '../components/toast';
import { filterDate } from '../forms/convert';
import type { Navigate } from '../routes';

const SOLES = new Intl.NumberFormat('es-PE', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 12345.67 → `S/ 12,345.67`. */
export function soles(value: number): string {
  return `S/ ${SOLES.format(value)}`;
}

const SALDO_WARNING = 'SALDO NETO no cuadra con VALOR − AMORTIZACIÓN';

/** The chip class of a situation: vencida, por-vencer, vigente, perpetua. */
const situationClass = (situacion: string) => situacion.trim().toLowerCase().replace(/\s+/g, '-');

/**
 * The query the screen's controls mean, or null while one does not parse:
 * the cut-off date dd/mm/aaaa → AAAA-MM-DD (empty: null, today), the days
 * ahead a whole number ≥ 0.
 */
export function licenceQuery(asOf: string, within: string, includeExpired: boolean): LicenceQuery | null {
  const date = asOf.trim() === '' ? null : filterDate(asOf);
  if (asOf.trim() !== '' && date === null) return null;
  const days = within.trim();
  if (!/^\d{1,5}$/.test(days)) return null;
  return { as_of: date, within: Number(days), include_expired: includeExpired };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function SummaryCard({ label, value, testid, tone }: { label: string; value: string | number; testid: string; tone?: string }) {
  return (
    <div class={`summary-card${tone ? ` ${tone}` : ''}`} data-testid={testid}>
      <span class="summary-value">{value}</span>
      <span class="summary-label">{label}</span>
    </div>
  );
}

function RowList({ rows, testid }: { rows: RejectedRow[]; testid: string }) {
  return (
    <ul data-testid={testid}>
      {rows.map((r) => (
        <li key={`${r.row}-${r.column}-${r.reason}`}>
          Fila {r.row}, columna {r.column}: {r.reason}
        </li>
      ))}
    </ul>
  );
}

function LicenceTableRow({ r }: { r: LicenceRow }) {
  const state = situationClass(r.situacion);
  const siaf = [r.reg_siaf, r.orden].map((v) => v ?? '—').join(' / ');
  return (
    <tr data-testid="lic-row" data-fila={r.fila} data-situacion={r.situacion}>
      <td>
        <strong>{r.software}</strong>
        {r.saldo_consistente === false && (
          <span class="saldo-warn" data-testid="lic-saldo-warn" title={SALDO_WARNING} role="img" aria-label={SALDO_WARNING}>
            {' '}⚠
          </span>
        )}
      </td>
      <td>{r.tipo ?? '—'}</td>
      <td>{r.ubicacion}</td>
      <td class="mono">{siaf}</td>
      <td>{r.termino}</td>
      <td class="number">{r.dias_restantes ?? '—'}</td>
      <td>
        <span class={`chip ${state}`} data-testid="lic-situacion" data-state={state}>
          {r.situacion}
        </span>
      </td>
      <td class="number">{r.fila}</td>
    </tr>
  );
}

export function Licencias({ navigate }: { navigate: Navigate }) {
  const [asOf, setAsOf] = useState('');
  const [within, setWithin] = useState('90');
  const [includeExpired, setIncludeExpired] = useState(true);
  const [overview, setOverview] = useState<LicenceOverview | null>(null);
  const [loading, setLoading] = useState(false);
  const [reload, setReload] = useState(0);
  const [path, setPath] = useState('');
  const [importing, setImporting] = useState(false);
  const [imported, setImported] = useState<LicenceImport | null>(null);
  const [importError, setImportError] = useState<string | null>(null);
  const [noticing, setNoticing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const query = licenceQuery(asOf, within, includeExpired);
  const badDate = asOf.trim() !== '' && filterDate(asOf) === null;
  const badWithin = !/^\d{1,5}$/.test(within.trim());
  const key = query ? JSON.stringify(query) : null;

  useEffect(() => {
    if (!query) return;
    let stale = false;
    setLoading(true);
    api
      .licences(query)
      .then(
        (o) => !stale && setOverview(o),
        (e) => !stale && showError(api.errorMessage(e)),
      )
      .finally(() => !stale && setLoading(false));
    return () => {
      stale = true;
    };
  }, [key, reload]);

  const runImport = async () => {
    setImporting(true);
    setImported(null);
    setImportError(null);
    try {
      setImported(await api.importLicences(path.trim()));
      setReload((n) => n + 1);
    } catch (e) {
      setImportError(api.errorMessage(e));
    } finally {
      setImporting(false);
    }
  };

  const createNotice = async () => {
    if (!query) return;
    setNoticing(true);
    setNotice(null);
    try {
      setNotice(await api.createLicenceNotice({ query }));
    } catch (e) {
      showError(api.errorMessage(e));
    } finally {
      setNoticing(false);
    }
  };

  return (
    <section class="screen" data-testid="screen-licencias" aria-labelledby="h-licencias">
      <header class="screen-header">
        <h1 id="h-licencias">Licencias</h1>
        {overview && <span class="sub">Situación al {overview.as_of}</span>}
      </header>

      <div class="filters">
        <div class="filter date">
          <label for="lic-as-of">Fecha de corte</label>
          <input
            id="lic-as-of"
            type="text"
            data-testid="lic-as-of"
            placeholder="dd/mm/aaaa (hoy)"
            value={asOf}
            aria-invalid={badDate ? 'true' : undefined}
            onInput={(e) => setAsOf(e.currentTarget.value)}
          />
          {badDate && <span class="field-error">Use dd/mm/aaaa</span>}
        </div>
        <div class="filter days">
          <label for="lic-within">Por vencer en (días)</label>
          <input
            id="lic-within"
            type="number"
            min={0}
            step={1}
            data-testid="lic-within"
            value={within}
            aria-invalid={badWithin ? 'true' : undefined}
            onInput={(e) => setWithin(e.currentTarget.value)}
          />
          {badWithin && <span class="field-error">Escriba un número de días</span>}
        </div>
        <div class="filter">
          <label class="check">
            <input
              type="checkbox"
              data-testid="lic-include-expired"
              checked={includeExpired}
              onChange={(e) => setIncludeExpired(e.currentTarget.checked)}
            />
            Incluir vencidas
          </label>
        </div>
        <div class="filter-status">{loading && <Spinner text="Cargando…" />}</div>
      </div>

      <div class="summary-cards" data-testid="lic-summary">
        {overview ? (
          <>
            <SummaryCard label="Licencias" value={overview.total} testid="lic-total" />
            <SummaryCard label="Vencidas" value={overview.expired} testid="lic-expired" tone="bad" />
            <SummaryCard label="Por vencer en 30 días" value={overview.within_30} testid="lic-within-30" tone="warn" />
            <SummaryCard label="Por vencer en 60 días" value={overview.within_60} testid="lic-within-60" tone="warn" />
            <SummaryCard label="Por vencer en 90 días" value={overview.within_90} testid="lic-within-90" tone="warn" />
            <SummaryCard
              label="Valor de adquisición total"
              value={soles(overview.valor_adquisicion_total)}
              testid="lic-valor"
            />
          </>
        ) : (
          <Spinner text="Cargando licencias…" />
        )}
      </div>

      <div class="table-scroll card">
        <table class="data licences">
          <thead>
            <tr>
              <th scope="col">Software</th>
              <th scope="col">Tipo</th>
              <th scope="col">Ubicación</th>
              <th scope="col">REG SIAF / Orden</th>
              <th scope="col">Término</th>
              <th scope="col">Días restantes</th>
              <th scope="col">Situación</th>
              <th scope="col">Fila</th>
            </tr>
          </thead>
          <tbody>
            {overview === null ? (
              <tr>
                <td colSpan={8}>
                  <Spinner text="Cargando licencias…" />
                </td>
              </tr>
            ) : overview.rows.length === 0 ? (
              <tr>
                <td colSpan={8} class="empty">
                  No hay licencias vencidas ni por vencer en ese plazo.
                </td>
              </tr>
            ) : (
              overview.rows.map((r) => <LicenceTableRow key={r.fila} r={r} />)
            )}
          </tbody>
        </table>
      </div>

      <div class="card">
        <h2>Notificación de licencias por vencer</h2>
        <div class="button-row">
          <button
            type="button"
            class="primary"
            data-testid="lic-notice"
            disabled={!query || noticing}
            onClick={createNotice}
          >
            Generar notificación
          </button>
          {noticing && <Spinner text="Generando…" />}
        </div>
        {notice && (
          <div class="result ok" role="status" data-testid="lic-notice-result">
            <span>
              Notificación N.° <span class="mono" data-testid="lic-notice-reference">{notice}</span> guardada
            </span>{' '}
            <button
              type="button"
              class="link"
              data-testid="lic-notice-preview"
              onClick={() =>
                navigate({
                  screen: 'preview',
                  source: { kind: 'document', reference: notice },
                  back: { screen: 'licencias' },
                })
              }
            >
              Vista previa
            </button>
            <button
              type="button"
              class="link"
              data-testid="lic-notice-sign"
              onClick={() => navigate({ screen: 'firmar', reference: notice })}
            >
              Firmar
            </button>
          </div>
        )}
      </div>

      <div class="card">
        <h2>Importar el maestro de licencias</h2>
        <PathInput
          id="lic-import-path"
          testid="lic-import-path"
          label="Archivo (.xlsx, .xls, .ods, .csv)"
          kind="sheet"
          mode="open"
          value={path}
          onInput={setPath}
        />
        <div class="button-row">
          <button
            type="button"
            class="secondary"
            data-testid="lic-import"
            disabled={!path.trim() || importing}
            onClick={runImport}
          >
            Importar
          </button>
          {importing && (
            <span class="busy" role="status" aria-live="polite">
              <progress data-testid="lic-progress" aria-label="Importando…" />
              Importando…
            </span>
          )}
        </div>
        {importError && (
          <p class="result bad" role="alert" data-testid="lic-import-error">
            {importError}
          </p>
        )}
        {imported && (
          <div class={`result ${imported.rejected.length === 0 ? 'ok' : 'bad'}`} data-testid="lic-import-result">
            <p class="import-counts">
              <strong>
                {plural(imported.imported, 'importada', 'importadas')},{' '}
                {plural(imported.updated, 'actualizada', 'actualizadas')}
              </strong>{' '}
              <span class="sub">
                — {imported.file_name} — SHA-256{' '}
                <span class="mono" title={imported.sha256}>
                  {imported.sha256.slice(0, 16)}…
                </span>
              </span>
            </p>
            {imported.rejected.length > 0 && (
              <>
                <p>{plural(imported.rejected.length, 'fila rechazada', 'filas rechazadas')}:</p>
                <RowList rows={imported.rejected} testid="lic-rejected" />
              </>
            )}
            {imported.warnings.length > 0 && (
              <>
                <p>{plural(imported.warnings.length, 'advertencia', 'advertencias')}:</p>
                <RowList rows={imported.warnings} testid="lic-warnings" />
              </>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
