/**
 * Por firmar: the documents of the office's register waiting for a
 * signature, each with the role whose turn it is and the person the
 * document names for it; choosing a person shows only their queue. Below,
 * «Importar PDF firmado» brings a PDF signed elsewhere back into the
 * register (the next revision of its document, or a received document).
 */
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { ImportedPdf, PendingRow, Person } from '../api';
import { PathInput } from '../components/PathInput';
import { Spinner } from '../components/Spinner';
import { fullName } from '../forms/FieldInput';
import { showError } from '../components/toast';
import type { Navigate } from '../routes';

const KIND_TEXT: Record<ImportedPdf['kind'], string> = {
  revision: 'registrado como nueva revisión',
  received: 'registrado como documento recibido',
  already_stored: 'ya estaba registrado',
};

export function PorFirmar({ navigate }: { navigate: Navigate }) {
  const [people, setPeople] = useState<Person[]>([]);
  const [person, setPerson] = useState('');
  const [rows, setRows] = useState<PendingRow[] | null>(null);
  const [path, setPath] = useState('');
  const [importing, setImporting] = useState(false);
  const [imported, setImported] = useState<ImportedPdf | null>(null);

  useEffect(() => {
    api.people().then(setPeople, (e) => showError(api.errorMessage(e)));
  }, []);

  const load = () => {
    setRows(null);
    api.pending(person || null).then(setRows, (e) => {
      setRows([]);
      showError(api.errorMessage(e));
    });
  };
  useEffect(load, [person]);

  const importPdf = async () => {
    setImporting(true);
    setImported(null);
    try {
      setImported(await api.importPdf(path));
      load();
    } catch (e) {
      showError(api.errorMessage(e));
    } finally {
      setImporting(false);
    }
  };

  return (
    <section class="screen" data-testid="screen-por-firmar" aria-labelledby="h-por-firmar">
      <header class="screen-header">
        <h1 id="h-por-firmar">Por firmar</h1>
      </header>

      <div class="filters">
        <div class="filter">
          <label for="pending-person">Persona</label>
          <select
            id="pending-person"
            data-testid="pending-person"
            value={person}
            onChange={(e) => setPerson(e.currentTarget.value)}
          >
            <option value="">Todas</option>
            {people.map((p) => (
              <option key={p.id} value={String(p.id)}>
                {fullName(p)}
              </option>
            ))}
          </select>
        </div>
      </div>

      {rows === null ? (
        <Spinner text="Cargando…" />
      ) : rows.length === 0 ? (
        <p class="empty" data-testid="pending-empty">
          No hay documentos por firmar.
        </p>
      ) : (
        <table class="table" data-testid="pending-table">
          <thead>
            <tr>
              <th>Número</th>
              <th>Formulario</th>
              <th>Título</th>
              <th>Firma pendiente</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.document.reference} data-testid="pending-row" data-reference={r.document.reference}>
                <td class="doc-number">{r.document.reference}</td>
                <td>{r.document.form_code}</td>
                <td>{r.document.title}</td>
                <td>
                  {r.waiting_for.map((w) => {
                    const title = r.document.signatures.find((s) => s.role === w.role)?.title ?? w.role;
                    return (
                      <div key={w.role} class="waiting" data-role={w.role}>
                        {title}
                        {w.name ? ` — ${w.name}` : ''}
                      </div>
                    );
                  })}
                </td>
                <td>
                  <button
                    type="button"
                    class="secondary"
                    onClick={() => navigate({ screen: 'firmar', reference: r.document.reference })}
                  >
                    Firmar
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Importar PDF firmado</h2>
      <p class="hint">
        Un PDF firmado en otra estación vuelve al registro: como nueva revisión de su documento si
        amplía la última revisión guardada, o como documento recibido si el registro no lo tiene.
      </p>
      <PathInput
        id="import-path"
        testid="import-path"
        label="PDF firmado"
        value={path}
        onInput={setPath}
        kind="pdf"
        mode="open"
      />
      <button
        type="button"
        class="primary"
        data-testid="import-submit"
        disabled={importing || path.trim() === ''}
        onClick={importPdf}
      >
        Importar
      </button>
      {imported && (
        <p class="result ok" data-testid="import-result" data-kind={imported.kind}>
          {imported.reference}: {KIND_TEXT[imported.kind]} (revisión {imported.revision}, {imported.status}).
        </p>
      )}
    </section>
  );
}
