/**
 * «Exportar PDF» and «Imprimir» for a stored document, the same in the
 * list, the preview and after signing. Exporting asks where to save (the
 * backend's dialog, proposing `<número>-<formulario>.pdf` in the user's
 * Documents folder) and writes the latest revision there; printing opens a
 * copy with the system's PDF viewer, which offers the printers.
 */
import { useState } from 'preact/hooks';
import * as api from '../api';
import { showError, showInfo } from './toast';

type Props = { reference: string; variant?: 'link' | 'secondary' };

export function DocumentActions({ reference, variant = 'secondary' }: Props) {
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  const exportPdf = async () => {
    setBusy(true);
    try {
      const name = await api.exportName(reference);
      const output = await api.chooseSavePath('pdf', `Exportar el documento ${reference}`, name);
      if (!output) return;
      const path = await api.exportDocument(reference, output.token);
      // In the list's narrow actions cell the confirmation is a message.
      if (variant === 'link') showInfo(`PDF guardado en ${path}`);
      else setSaved(path);
    } catch (e) {
      showError(api.errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const print = async () => {
    setBusy(true);
    try {
      await api.printDocument(reference);
      showInfo(`El documento ${reference} se abrió en el visor de PDF: imprímalo desde allí.`);
    } catch (e) {
      showError(api.errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" class={variant} data-testid="export-pdf" disabled={busy} onClick={exportPdf}>
        Exportar PDF
      </button>
      <button type="button" class={variant} data-testid="print-pdf" disabled={busy} onClick={print}>
        Imprimir
      </button>
      {saved && (
        <span class="saved-note" role="status" data-testid="export-pdf-result" title={saved}>
          Guardado en <span class="mono">{saved}</span>
        </span>
      )}
    </>
  );
}
