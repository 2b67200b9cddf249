/**
 * The global message area (`data-testid="toast"`): errors from the core
 * shown plainly, and short confirmations. Any module may call
 * `showError` / `showInfo`; the `Toast` component in the shell displays them.
 *
 * Messages never stay in the way: each closes by itself (a confirmation
 * after a few seconds, an error after long enough to read it) or at a
 * click anywhere on it; at most [`MAX_SHOWN`] are shown (the oldest goes
 * first), and the area sits at the bottom of the navigation bar, where it
 * covers no input of any screen.
 */
import { useEffect, useState } from 'preact/hooks';

export type ToastMessage = { id: number; kind: 'error' | 'info'; text: string };

/** How long a message stays, in milliseconds. */
export const INFO_MS = 4000;
export const ERROR_MS = 9000;
/** Messages shown at once. */
export const MAX_SHOWN = 3;

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
  // The same text again replaces the earlier one instead of piling up.
  const others = messages.filter((m) => m.text !== text);
  publish([...others.slice(-(MAX_SHOWN - 1)), { id, kind, text }]);
  setTimeout(() => dismiss(id), lifetimeMs);
}

export const showError = (text: string) => push('error', text, ERROR_MS);
export const showInfo = (text: string) => push('info', text, INFO_MS);

/** The messages shown now (for tests). */
export const shownMessages = () => messages;

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
        <div
          key={m.id}
          class={`toast ${m.kind}`}
          role={m.kind === 'error' ? 'alert' : undefined}
          title="Clic para cerrar"
          onClick={() => dismiss(m.id)}
        >
          <span>{m.text}</span>
          <button type="button" class="icon" aria-label="Cerrar mensaje" onClick={() => dismiss(m.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
