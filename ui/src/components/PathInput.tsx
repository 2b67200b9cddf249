/**
 * A file path typed or chosen with the system dialog: a labelled text input
 * plus «Elegir…» (open) or «Guardar como…» (save).
 */
import { chooseFile, chooseSavePath, errorMessage, type FileKind } from '../api';
import { showError } from './toast';

type Props = {
  id: string;
  testid: string;
  label: string;
  value: string;
  onInput: (path: string) => void;
  kind: FileKind;
  mode: 'open' | 'save';
  placeholder?: string;
  defaultName?: string;
};

export function PathInput({ id, testid, label, value, onInput, kind, mode, placeholder, defaultName }: Props) {
  const choose = async () => {
    try {
      const path =
        mode === 'open'
          ? await chooseFile(kind, label)
          : await chooseSavePath(kind, label, value || defaultName);
      if (path) onInput(path);
    } catch (e) {
      showError(errorMessage(e));
    }
  };
  return (
    <div class="path-input">
      <label for={id}>{label}</label>
      <div class="path-row">
        <input
          id={id}
          type="text"
          data-testid={testid}
          value={value}
          placeholder={placeholder}
          onInput={(e) => onInput(e.currentTarget.value)}
          spellcheck={false}
        />
        <button type="button" class="secondary" onClick={choose}>
          {mode === 'open' ? 'Elegir…' : 'Guardar como…'}
        </button>
      </div>
    </div>
  );
}
