/**
 * The global message area (`data-testid="toast"`): errors from the core
 * shown plainly, and short confirmations. Any module may call
 * `showError` / `showInfo`; the `Toast` component in the shell displays them.
 */
import { useEffect, useState } from 'preact/hooks';

export type ToastMessage = { id: number; kind: 'error' | 'info'; text: string };

let messages: ToastMessage[] = [];
let nextId = 1;
const listeners = new Set<(m: ToastMessage[]) => void>();

function publish(next: ToastMessage[]) {
  messages = next;
  for (const listener of listeners) listener(messages);
}

export function dismiss(id: number) {
  publish(messages.filter((m) => m.id !== id));
}

function push(kind: ToastMessage['kind'], text: string, lifetimeMs: number) {
  const id = nextId++;
  publish([...messages.slice(-3), { id, kind, text }]);
  if (lifetimeMs > 0) setTimeout(() => dismiss(id), lifetimeMs);
}

/** An error stays until dismissed: the user has to read it. */
export const showError = (text: string) => push('error', text, 0);
export const showInfo = (text: string) => push('info', text, 4000);

export function Toast() {
  const [list, setList] = useState(messages);
  useEffect(() => {
    listeners.add(setList);
    return () => {
      listeners.delete(setList);
    };
  }, []);
  return (
    <div class="toast-area" data-testid="toast" role="status" aria-live="polite">
      {list.map((m) => (
        <div key={m.id} class={`toast ${m.kind}`} role={m.kind === 'error' ? 'alert' : undefined}>
          <span>{m.text}</span>
          <button type="button" class="icon" aria-label="Cerrar mensaje" onClick={() => dismiss(m.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
