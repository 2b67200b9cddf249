/**
 * A file chosen with the system dialog: a labelled read-only field showing
 * the chosen file plus «Elegir…» (open) or «Guardar como…» (save). The
 * dialog runs in the backend; `value` is the token it answered with (what
 * the commands take), `onInput` receives the new token and its grant.
 * Paths cannot be typed: the window only touches files the user chose.
 */
import { chooseFile, chooseSavePath, chosenFile, errorMessage, type FileKind, type Grant } from '../api';
import { showError } from './toast';

type Props = {
  id: string;
  testid: string;
  label: string;
  /** The token of the chosen file, or ''. */
  value: string;
  onInput: (token: string, grant: Grant | null) => void;
  kind: FileKind;
  mode: 'open' | 'save';
  placeholder?: string;
  /** Save mode: the name the dialog proposes (in the user's Documents folder). */
  defaultName?: string;
};

export function PathInput({ id, testid, label, value, onInput, kind, mode, placeholder, defaultName }: Props) {
  const choose = async () => {
    try {
      const grant =
        mode === 'open' ? await chooseFile(kind, label) : await chooseSavePath(kind, label, defaultName ?? '');
      if (grant) onInput(grant.token, grant);
    } catch (e) {
      showError(errorMessage(e));
    }
  };
  const chosen = value ? chosenFile(value) : null;
  return (
    <div class="path-input">
      <label for={id}>{label}</label>
      <div class="path-row">
        <input
          id={id}
          type="text"
          readOnly
          data-testid={testid}
          data-token={value}
          value={chosen?.path ?? ''}
          title={chosen?.path}
          placeholder={placeholder ?? 'Ningún archivo elegido'}
          onClick={choose}
          spellcheck={false}
        />
        <button type="button" class="secondary" data-testid={`${testid}-choose`} onClick={choose}>
          {mode === 'open' ? 'Elegir…' : 'Guardar como…'}
        </button>
      </div>
    </div>
  );
}
