/** A small busy indicator with its text («Firmando…», «Cargando…»). */
export function Spinner({ text }: { text: string }) {
  return (
    <span class="busy" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {text}
    </span>
  );
}
