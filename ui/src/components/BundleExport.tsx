/**
 * «Paquete de archivo»: the documents the list shows, exported as the
 * archivist's sealed bundle (ASiC-E in a .zip, docs/bundle.md). The
 * certificate and where to save are chosen in the system's dialogs; the
 * password is sent for the one call and cleared.
 */
import { useState } from 'preact/hooks';
import * as api from '../api';
import type { BundleResult } from '../api';
import { PathInput } from './PathInput';
import { Spinner } from './Spinner';
import { showError } from './toast';

export function BundleExport({ references }: { references: string[] }) {
  const [p12, setP12] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<BundleResult | null>(null);
  const n = references.length;

  const exportBundle = async () => {
    setResult(null);
    try {
      const name =
        n === 1 ? `paquete-${references[0]}.zip` : `paquete-${references[n - 1]}-a-${references[0]}.zip`;
      const output = await api.chooseSavePath('zip', 'Guardar el paquete de archivo', name.replace(/\//g, '-'));
      if (!output) return;
      setBusy(true);
      setResult(await api.exportBundle({ documents: references, p12_path: p12, password, output: output.token }));
    } catch (e) {
      showError(api.errorMessage(e));
    } finally {
      setPassword('');
      setBusy(false);
    }
  };

  return (
    <details class="card bundle" data-testid="bundle">
      <summary>Paquete de archivo (ASiC-E) de los documentos de la lista</summary>
      <p class="sub">
        {n === 0
          ? 'No hay documentos en la lista.'
          : n === 1
            ? 'Incluye el documento de la lista, sellado con el certificado del archivero.'
            : `Incluye los ${n} documentos de la lista, sellados con el certificado del archivero.`}
      </p>
      <div class="two-col">
        <PathInput
          id="bundle-p12"
          testid="bundle-p12"
          label="Certificado del archivero (.p12 o .pfx)"
          kind="p12"
          mode="open"
          value={p12}
          onInput={setP12}
        />
        <div class="field">
          <label for="bundle-password">Contraseña del certificado</label>
          <input
            id="bundle-password"
            type="password"
            data-testid="bundle-password"
            autocomplete="off"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
      </div>
      <div class="button-row">
        <button
          type="button"
          class="secondary"
          data-testid="bundle-export"
          disabled={n === 0 || !p12 || !password || busy}
          onClick={exportBundle}
        >
          Exportar paquete…
        </button>
        {busy && <Spinner text="Sellando el paquete…" />}
      </div>
      {result && (
        <p class="result ok" role="status" data-testid="bundle-result">
          Paquete {result.bundle} guardado en <span class="mono">{result.output}</span>: {result.documents}{' '}
          {result.documents === 1 ? 'documento' : 'documentos'}, {result.signatures}{' '}
          {result.signatures === 1 ? 'firma' : 'firmas'}, sellado por {result.sealed_by}.
        </p>
      )}
    </details>
  );
}
