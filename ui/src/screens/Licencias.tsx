/**
 * Licencias: the licence master as of a cut-off date (dd/mm/aaaa, empty =
 * today) — summary cards, the licences expired or about to expire, each with
 * its situation — importing the master from a spreadsheet (the report counts
 * rows: imported in green, with warnings in amber, rejected in red, each
 * problem listed by row and column; the last import's report is kept by the
 * core, shown again when the screen opens, and exported as CSV), and the
 * «Notificación de licencias por vencer»: previewed with the signer chosen
 * from the people register, then numbered and stored as a document, and
 * previewed or signed like any other.
 */
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { LicenceImport, LicenceOverview, LicenceQuery, LicenceRow, Person, RejectedRow } from '../api';
import { PathInput } from '../components/PathInput';
import { PdfViewer } from '../components/PdfViewer';
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

/** The chip class of a situation: vencida, por-vencer, vigente, perpetua, sin-termino. */
export const situationClass = (situacion: string) =>
  situacion
    .trim()
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, '-');

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
      {rows.map((r, i) => (
        <li key={i} data-row={r.row} data-column={r.column}>
          Fila {r.row}, columna {r.column}: {r.reason}
        </li>
      ))}
    </ul>
  );
}

/** «Nombres Paterno Materno» of a person of the register. */
const personName = (p: Person) =>
  [p.given_names, p.paternal_surname, p.maternal_surname].filter((part) => part.trim() !== '').join(' ');

/**
 * An import's report: rows counted once each — imported (green), imported
 * with warnings (amber), rejected (red) — then every problem by row and column.
 */
export function ImportReport({ report }: { report: LicenceImport }) {
  const rows = report.imported + report.updated;
  return (
    <div class="import-report" data-testid="lic-import-result">
      <p class="sub">
        {report.file_name} — importado el {report.at} por {report.actor} — SHA-256{' '}
        <span class="mono" title={report.sha256}>
          {report.sha256.slice(0, 16)}…
        </span>
      </p>
      <div class="import-outcomes">
        <span class="outcome ok" data-testid="lic-count-imported" data-count={rows}>
          <strong>{plural(rows, 'fila importada', 'filas importadas')}</strong> (
          {plural(report.imported, 'nueva', 'nuevas')}, {plural(report.updated, 'actualizada', 'actualizadas')})
        </span>
        <span
          class={`outcome ${report.rows_with_warnings > 0 ? 'warn' : 'none'}`}
          data-testid="lic-count-warned"
          data-count={report.rows_with_warnings}
        >
          <strong>{report.rows_with_warnings}</strong> con advertencias
        </span>
        <span
          class={`outcome ${report.rows_rejected > 0 ? 'bad' : 'none'}`}
          data-testid="lic-count-rejected"
          data-count={report.rows_rejected}
        >
          <strong>{plural(report.rows_rejected, 'fila rechazada', 'filas rechazadas')}</strong>
        </span>
      </div>
      {report.warnings.length > 0 && (
        <div class="result warn">
          <p>
            Advertencias — las filas se importaron; cada celda que no se pudo leer quedó vacía (
            {plural(report.warnings.length, 'celda', 'celdas')} en {plural(report.rows_with_warnings, 'fila', 'filas')}):
          </p>
          <RowList rows={report.warnings} testid="lic-warnings" />
        </div>
      )}
      {report.rejected.length > 0 && (
        <div class="result bad">
          <p>Filas rechazadas — no nombran ningún software, no se importaron:</p>
          <RowList rows={report.rejected} testid="lic-rejected" />
        </div>
      )}
    </div>
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
  const [reportPath, setReportPath] = useState('');
  const [exported, setExported] = useState<string | null>(null);
  const [noticing, setNoticing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [draft, setDraft] = useState<api.PdfFile | null>(null);
  const [people, setPeople] = useState<Person[] | null>(null);
  const [signer, setSigner] = useState<number | null>(null);
  const [previewing, setPreviewing] = useState(false);

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

  // The last import's report, kept by the core: back when the screen opens.
  useEffect(() => {
    api.lastLicenceImport().then(
      (last) => last && setImported((shown) => shown ?? last),
      (e) => showError(api.errorMessage(e)),
    );
  }, []);

  const exportReport = async () => {
    setExported(null);
    try {
      setExported(await api.exportLicenceReport(reportPath.trim()));
    } catch (e) {
      showError(api.errorMessage(e));
    }
  };

  const runImport = async () => {
    setImporting(true);
    setImported(null);
    setImportError(null);
    setExported(null);
    try {
      setImported(await api.importLicences(path.trim()));
      setReload((n) => n + 1);
    } catch (e) {
      setImportError(api.errorMessage(e));
    } finally {
      setImporting(false);
    }
  };

  /** Renders the unnumbered notice with `who` as its signer (none yet: blank «Nombre:»). */
  const previewNotice = async (who: number | null) => {
    if (!query) return;
    setPreviewing(true);
    try {
      setDraft(await api.licenceNoticePreview({ query, signer: who }));
    } catch (e) {
      setDraft(null);
      showError(api.errorMessage(e));
    } finally {
      setPreviewing(false);
    }
  };

  const startNotice = async () => {
    setNotice(null);
    setSigner(null);
    if (people === null) api.people().then(setPeople, (e) => showError(api.errorMessage(e)));
    await previewNotice(null);
  };

  const chooseSigner = (value: string) => {
    const who = value === '' ? null : Number(value);
    setSigner(who);
    void previewNotice(who);
  };

  const createNotice = async () => {
    if (!query || signer === null) return;
    setNoticing(true);
    setNotice(null);
    try {
      setNotice(await api.createLicenceNotice({ query, signer }));
      setDraft(null);
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
            class={draft ? 'secondary' : 'primary'}
            data-testid="lic-notice"
            disabled={!query || previewing || noticing}
            onClick={startNotice}
          >
            Generar notificación
          </button>
          {previewing && <Spinner text="Preparando la vista previa…" />}
        </div>
        {draft && (
          <div class="notice-draft" data-testid="lic-notice-draft">
            <p class="sub">
              Vista previa sin número: revise las licencias y elija quién firma. El número se asigna al guardar.
            </p>
            <div class="filters">
              <div class="filter">
                <label for="lic-notice-signer">Firma (Especialista en Servicios Digitales)</label>
                <select
                  id="lic-notice-signer"
                  data-testid="lic-notice-signer"
                  value={signer === null ? '' : String(signer)}
                  onChange={(e) => chooseSigner(e.currentTarget.value)}
                >
                  <option value="">— Elija una persona —</option>
                  {(people ?? []).map((p) => (
                    <option key={p.id} value={String(p.id)}>
                      {personName(p)}
                      {p.cargo ? ` — ${p.cargo}` : ''}
                    </option>
                  ))}
                </select>
                {people !== null && people.length === 0 && (
                  <span class="field-error">Registre a la persona que firma en Configuración → Personas.</span>
                )}
              </div>
            </div>
            <div class="button-row">
              <button
                type="button"
                class="primary"
                data-testid="lic-notice-confirm"
                disabled={signer === null || noticing || previewing}
                onClick={createNotice}
              >
                Guardar y numerar
              </button>
              <button type="button" class="link" data-testid="lic-notice-cancel" onClick={() => setDraft(null)}>
                Cancelar
              </button>
              {noticing && <Spinner text="Guardando…" />}
            </div>
            <div class="notice-preview">
              <PdfViewer base64={draft.base64} />
            </div>
          </div>
        )}
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
          <>
            <ImportReport report={imported} />
            <div class="export-report">
              <PathInput
                id="lic-report-path"
                testid="lic-report-path"
                label="Informe de la importación (.csv)"
                kind="csv"
                mode="save"
                defaultName="informe-importacion-licencias.csv"
                value={reportPath}
                onInput={setReportPath}
              />
              <div class="button-row">
                <button
                  type="button"
                  class="secondary"
                  data-testid="lic-report-export"
                  disabled={!reportPath.trim()}
                  onClick={exportReport}
                >
                  Exportar informe (CSV)
                </button>
                {exported && (
                  <span class="sub" role="status" data-testid="lic-report-exported">
                    Guardado en {exported}
                  </span>
                )}
              </div>
            </div>
          </>
        )}
      </div>
    </section>
  );
}
