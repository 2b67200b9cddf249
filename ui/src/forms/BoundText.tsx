/**
 * A text input (or textarea) bound to a data value through a conversion:
 * it keeps exactly what the user types while that text still means the
 * current value (so `1,0` or a half-typed date are not rewritten under the
 * cursor), and shows the value's display form when the value changes from
 * outside (a draft opened, rows reordered, a person picked).
 */
import { useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';

type Props = {
  value: unknown;
  toData: (text: string) => unknown;
  toDisplay: (value: unknown) => string;
  onValue: (value: unknown) => void;
  multiline?: boolean;
  id?: string;
  name?: string;
  class?: string;
  required?: boolean;
  placeholder?: string;
  inputMode?: JSX.HTMLAttributes['inputMode'];
  maxLength?: number;
  'aria-invalid'?: 'true';
  'aria-describedby'?: string;
};

export function BoundText({ value, toData, toDisplay, onValue, multiline, ...attrs }: Props) {
  const text = useRef<string>(toDisplay(value));
  const [, rerender] = useState(0);
  if (toData(text.current) !== value) text.current = toDisplay(value);
  const onInput = (event: Event) => {
    const typed = (event.currentTarget as HTMLInputElement | HTMLTextAreaElement).value;
    text.current = typed;
    rerender((n) => n + 1);
    onValue(toData(typed));
  };
  if (multiline) {
    return (
      <textarea
        {...attrs}
        value={text.current}
        onInput={onInput}
        rows={3}
      />
    );
  }
  return <input type="text" {...attrs} value={text.current} onInput={onInput} />;
}
