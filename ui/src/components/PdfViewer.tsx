/**
 * Shows a PDF (base64 from the core) page by page on canvases
 * (`data-testid="pdf-page"`), scrollable, with its page count. pdf.js is
 * imported on first use.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { Spinner } from './Spinner';

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

type Props = { base64: string; onPages?: (count: number) => void };

export function PdfViewer({ base64, onPages }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const [pages, setPages] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    let destroy: (() => void) | null = null;
    setPages(null);
    setError(null);
    (async () => {
      const { openPdf, renderPage } = await import('./pdfjs');
      const pdf = await openPdf(base64ToBytes(base64));
      destroy = () => void pdf.destroy();
      if (cancelled) return destroy();
      setPages(pdf.numPages);
      onPages?.(pdf.numPages);
      const container = host.current;
      if (!container) return;
      container.replaceChildren();
      const width = Math.min(Math.max(container.clientWidth - 32, 480), 900);
      for (let n = 1; n <= pdf.numPages && !cancelled; n++) {
        const canvas = document.createElement('canvas');
        canvas.dataset.testid = 'pdf-page';
        canvas.className = 'pdf-page';
        canvas.setAttribute('aria-label', `Página ${n} de ${pdf.numPages}`);
        container.appendChild(canvas);
        await renderPage(pdf, n, canvas, width);
      }
    })().catch((e) => {
      if (!cancelled) setError(`No se pudo mostrar el PDF: ${e instanceof Error ? e.message : String(e)}`);
    });
    return () => {
      cancelled = true;
      destroy?.();
    };
  }, [base64]);

  return (
    <div class="pdf-viewer">
      <div class="pdf-meta" data-testid="page-count">
        {pages === null && !error ? (
          <Spinner text="Dibujando páginas…" />
        ) : pages !== null ? (
          `${pages} ${pages === 1 ? 'página' : 'páginas'}`
        ) : null}
      </div>
      {error && (
        <p class="error-text" role="alert">
          {error}
        </p>
      )}
      <div class="pdf-pages" ref={host} />
    </div>
  );
}
