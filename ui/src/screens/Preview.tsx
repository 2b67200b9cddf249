/**
 * Vista previa: the PDF of the form being typed (`preview_form`, unnumbered)
 * or of a stored document (`document_pdf`), drawn page by page.
 */
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { PdfFile } from '../api';
import { DocumentActions } from '../components/DocumentActions';
import { PdfViewer } from '../components/PdfViewer';
import { Spinner } from '../components/Spinner';
import type { Navigate, PreviewSource, Route } from '../routes';

type Props = { source: PreviewSource; back: Route; navigate: Navigate };

export function Preview({ source, back, navigate }: Props) {
  const [pdf, setPdf] = useState<PdfFile | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    setPdf(null);
    setError(null);
    const load = source.kind === 'form' ? api.previewForm(source.request) : api.documentPdf(source.reference);
    load.then(
      (file) => !stale && setPdf(file),
      (e) => !stale && setError(api.errorMessage(e)),
    );
    return () => {
      stale = true;
    };
  }, [source]);

  const title = source.kind === 'form' ? `Borrador: ${source.title}` : `Documento ${source.reference}`;
  const kb = pdf ? Math.max(1, Math.round(pdf.bytes / 1024)) : 0;
  return (
    <section class="screen" data-testid="screen-preview" aria-labelledby="h-preview">
      <header class="screen-header">
        <h1 id="h-preview">Vista previa</h1>
        <div class="button-row">
          <button type="button" class="secondary" data-testid="preview-back" onClick={() => navigate(back)}>
            ← Volver
          </button>
          {source.kind === 'document' && (
            <>
              <DocumentActions reference={source.reference} />
              <button
                type="button"
                class="secondary"
                onClick={() => navigate({ screen: 'verificar', reference: source.reference })}
              >
                Verificar
              </button>
              <button
                type="button"
                class="primary"
                onClick={() => navigate({ screen: 'firmar', reference: source.reference })}
              >
                Firmar
              </button>
            </>
          )}
        </div>
      </header>
      <p class="sub">
        {title}
        {pdf && ` — ${pdf.name}, ${kb} KB`}
      </p>
      {source.kind === 'form' && (
        <p class="note">Vista previa sin número: el número se asigna al guardar el documento.</p>
      )}
      {error && (
        <p class="error-text" role="alert" data-testid="preview-error">
          {error}
        </p>
      )}
      {!pdf && !error && <Spinner text="Generando el PDF…" />}
      {pdf && <PdfViewer base64={pdf.base64} />}
    </section>
  );
}
