/**
 * Firmar: choose a stored document or a PDF from disk, see its roles and
 * which may sign now, choose the key — «Archivo .p12» (checked with its
 * password before confirming) or «Token / DNIe» (a certificate found on the
 * token of the module set in Configuración, and its PIN) — and the PAdES
 * level, and sign. The password or PIN lives only in this screen's state
 * for the call and is cleared afterwards.
 */
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type {
  CertificateInfo,
  DocumentRow,
  KeyChoice,
  RoleState,
  SignOutcome,
  SigningTarget,
  TokenCertificate,
} from '../api';
import { DocumentActions } from '../components/DocumentActions';
import { PathInput } from '../components/PathInput';
import { Spinner } from '../components/Spinner';
import { showError } from '../components/toast';
import { useDebounced } from '../hooks';
import { LEVELS } from './Configuracion';
import { SignatureChip } from './Documentos';

type Source = 'document' | 'file';
type KeySource = 'p12' | 'token';

/** A token certificate as the picker offers it. */
export function tokenLabel(c: TokenCertificate): string {
  const dni = c.dni ? ` — DNI ${c.dni}` : '';
  return `${c.name}${dni} — ${c.token} — vence el ${c.valid_until}`;
}

const ALL_DOCUMENTS = { text: '', template: null, status: 'todos', from: null, to: null } as const;

/** The role names a signature may take: enabled ones first chosen. */
export function roleOptions(target: SigningTarget): { value: string; label: string; enabled: boolean }[] {
  if (target.roles.length > 0) {
    return target.roles.map((r) => ({
      value: r.role,
      label: `${r.title}${r.signed ? ` — firmado por ${r.signer ?? '—'}` : r.next ? ' — siguiente' : ' — aún no'}`,
      enabled: r.next && !r.signed,
    }));
  }
  return target.open_fields.map((f) => {
    const name = f.startsWith('firma.') ? f.slice('firma.'.length) : f;
    return { value: name, label: name, enabled: true };
  });
}

/** «Firmado por … como …; siguiente: …» / «… Firmaron todos los roles requeridos». */
export function outcomeText(outcome: SignOutcome, roles: RoleState[]): string {
  const title = (role: string) => roles.find((r) => r.role === role)?.title ?? role;
  const head = `Firmado por ${outcome.signer} como ${title(outcome.role)}`;
  const stamp = outcome.timestamp ? ` Firma PAdES ${outcome.level}, sello de tiempo ${outcome.timestamp}.` : '';
  if (outcome.complete) return `${head}. Firmaron todos los roles requeridos.${stamp}`;
  if (outcome.next.length > 0) return `${head}; siguiente: ${outcome.next.map(title).join(', ')}.${stamp}`;
  return `${head}.${stamp}`;
}

/** `acta.pdf` → `acta-firmado.pdf`: a file name only; the dialog places it in the user's Documents folder. */
export function defaultOutput(inputName: string): string {
  const name = inputName.split(/[\\/]/).pop() || 'documento';
  return name.replace(/(\.pdf)?$/i, '-firmado.pdf');
}

export function Firmar({ initialReference }: { initialReference?: string }) {
  const [source, setSource] = useState<Source>('document');
  const [docs, setDocs] = useState<DocumentRow[]>([]);
  const [reference, setReference] = useState(initialReference ?? '');
  const [inputPath, setInputPath] = useState('');
  const [outputPath, setOutputPath] = useState('');
  const [inputName, setInputName] = useState('');
  const [signedReference, setSignedReference] = useState<string | null>(null);
  const [target, setTarget] = useState<SigningTarget | null>(null);
  const [targetError, setTargetError] = useState<string | null>(null);
  const [loadingTarget, setLoadingTarget] = useState(false);
  const [role, setRole] = useState('');
  const [p12Path, setP12Path] = useState('');
  const [password, setPassword] = useState('');
  const [cert, setCert] = useState<CertificateInfo | null>(null);
  const [inspecting, setInspecting] = useState(false);
  const [keySource, setKeySource] = useState<KeySource>('p12');
  const [tokenCerts, setTokenCerts] = useState<TokenCertificate[] | null>(null);
  const [tokenCert, setTokenCert] = useState('');
  const [searching, setSearching] = useState(false);
  const [level, setLevel] = useState('');
  const [location, setLocation] = useState('');
  const [substitute, setSubstitute] = useState(false);
  const [defaultLocation, setDefaultLocation] = useState('');
  const [signing, setSigning] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [signError, setSignError] = useState<string | null>(null);
  const typedPath = useDebounced(inputPath.trim(), 400);

  const loadDocs = () => api.documents({ ...ALL_DOCUMENTS }).then(setDocs, (e) => showError(api.errorMessage(e)));
  useEffect(() => {
    loadDocs();
    api.profile().then((p) => setDefaultLocation(p.ubicacion), () => {});
  }, []);

  const request =
    source === 'document'
      ? reference
        ? { reference, path: null }
        : null
      : typedPath
        ? { reference: null, path: typedPath }
        : null;
  const requestKey = request ? `${request.reference ?? ''}|${request.path ?? ''}` : '';

  const loadTarget = async (keepRole = false) => {
    if (!request) {
      setTarget(null);
      setTargetError(null);
      return;
    }
    setLoadingTarget(true);
    try {
      const t = await api.signingTarget(request);
      setTarget(t);
      setTargetError(null);
      const options = roleOptions(t);
      if (!keepRole || !options.some((o) => o.value === role && o.enabled)) {
        setRole(options.find((o) => o.enabled)?.value ?? '');
      }
    } catch (e) {
      setTarget(null);
      setTargetError(api.errorMessage(e));
    } finally {
      setLoadingTarget(false);
    }
  };

  useEffect(() => {
    setResult(null);
    setSignedReference(null);
    setSignError(null);
    void loadTarget();
  }, [requestKey]);

  const inspect = async () => {
    setInspecting(true);
    setSignError(null);
    try {
      setCert(await api.inspectCertificate({ p12_path: p12Path.trim(), password }));
    } catch (e) {
      setCert(null);
      setSignError(api.errorMessage(e));
    } finally {
      setInspecting(false);
    }
  };

  const findTokens = async () => {
    setSearching(true);
    setSignError(null);
    try {
      const found = (await api.tokens({ module: '' })).flatMap((t) => t.certificates).filter((c) => c.has_key);
      setTokenCerts(found);
      setTokenCert(found.length === 1 ? `${found[0].token}|${found[0].serial}` : '');
      if (found.length === 0) setSignError('El token no tiene certificados con clave privada.');
    } catch (e) {
      setTokenCerts(null);
      setSignError(api.errorMessage(e));
    } finally {
      setSearching(false);
    }
  };

  const keyChoice = (): KeyChoice => {
    const [token, serial] = keySource === 'token' ? tokenCert.split('|') : ['', ''];
    return {
      source: keySource,
      p12_path: keySource === 'p12' ? p12Path.trim() : '',
      password,
      token: token ?? '',
      cert_serial: serial ?? '',
      level,
    };
  };

  const sign = async () => {
    if (!target) return;
    setSigning(true);
    setResult(null);
    setSignError(null);
    const common = { role, key: keyChoice(), location: location.trim() };
    try {
      const outcome =
        source === 'document'
          ? await api.signDocument({ reference, substitute, ...common })
          : await api.signFile({ input: inputPath.trim(), output: outputPath.trim(), ...common });
      const text = outcomeText(outcome, target.roles);
      const written = api.chosenFile(outputPath)?.path ?? '';
      setResult(source === 'file' ? `${text} Archivo guardado en ${written}.` : text);
      setSignedReference(source === 'document' ? reference : null);
      if (source === 'document') {
        await loadTarget();
        void loadDocs();
      }
    } catch (e) {
      setSignError(api.errorMessage(e));
    } finally {
      // The password is used for this call only.
      setPassword('');
      setCert(null);
      setSigning(false);
    }
  };

  const options = target ? roleOptions(target) : [];
  const keyReady = keySource === 'p12' ? !!cert : tokenCert !== '';
  const ready =
    !!target &&
    role !== '' &&
    keyReady &&
    password !== '' &&
    (source === 'document' || outputPath.trim() !== '') &&
    !signing;

  return (
    <section class="screen" data-testid="screen-firmar" aria-labelledby="h-firmar">
      <header class="screen-header">
        <h1 id="h-firmar">Firmar</h1>
      </header>

      <div class="card">
        <h2>1. Documento</h2>
        <div class="segmented" role="radiogroup" aria-label="Origen del documento">
          <label>
            <input
              type="radio"
              name="sign-source"
              data-testid="sign-source-document"
              checked={source === 'document'}
              onChange={() => setSource('document')}
            />
            Documento guardado
          </label>
          <label>
            <input
              type="radio"
              name="sign-source"
              data-testid="sign-source-file"
              checked={source === 'file'}
              onChange={() => setSource('file')}
            />
            Archivo PDF
          </label>
        </div>
        {source === 'document' ? (
          <div class="field">
            <label for="sign-document">Documento</label>
            <select
              id="sign-document"
              data-testid="sign-document"
              value={reference}
              onChange={(e) => setReference(e.currentTarget.value)}
            >
              <option value="">— Elija un documento —</option>
              {reference && !docs.some((d) => d.reference === reference) && (
                <option value={reference}>{reference}</option>
              )}
              {docs.map((d) => (
                <option key={d.reference} value={d.reference}>
                  {d.reference} — {d.form_code} {d.title} ({d.status})
                </option>
              ))}
            </select>
          </div>
        ) : (
          <div class="two-col">
            <PathInput
              id="sign-input-path"
              testid="sign-input-path"
              label="PDF a firmar"
              kind="pdf"
              mode="open"
              value={inputPath}
              onInput={(token, grant) => {
                setInputPath(token);
                setInputName(grant?.name ?? '');
              }}
            />
            <PathInput
              id="sign-output-path"
              testid="sign-output-path"
              label="Guardar el PDF firmado en"
              kind="pdf"
              mode="save"
              value={outputPath}
              onInput={setOutputPath}
              defaultName={inputName ? defaultOutput(inputName) : 'firmado.pdf'}
            />
          </div>
        )}

        {loadingTarget && <Spinner text="Leyendo el documento…" />}
        {targetError && (
          <p class="error-text" role="alert" data-testid="sign-target-error">
            {targetError}
          </p>
        )}
        {target && (
          <div class="target" data-testid="sign-roles">
            <p>
              {target.title ? (
                <>
                  <strong>{target.title}</strong>
                  {target.number && <> — N.° {target.number}</>}
                </>
              ) : (
                'PDF no generado por Actas: puede firmar cualquier campo de firma vacío.'
              )}
            </p>
            {target.roles.length > 0 && (
              <div class="chips">
                {target.roles.map((r) => (
                  <SignatureChip key={r.role} s={r} />
                ))}
              </div>
            )}
            <div class="field">
              <label for="sign-role">Firmar como</label>
              <select
                id="sign-role"
                data-testid="sign-role"
                value={role}
                onChange={(e) => setRole(e.currentTarget.value)}
              >
                <option value="">
                  {options.some((o) => o.enabled) ? '— Elija el rol —' : 'No hay roles por firmar'}
                </option>
                {options.map((o) => (
                  <option key={o.value} value={o.value} disabled={!o.enabled}>
                    {o.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
        )}
      </div>

      <div class="card">
        <h2>2. Certificado</h2>
        <div class="segmented" role="radiogroup" aria-label="Dónde está el certificado">
          <label>
            <input
              type="radio"
              name="key-source"
              data-testid="key-source-p12"
              checked={keySource === 'p12'}
              onChange={() => {
                setKeySource('p12');
                setPassword('');
              }}
            />
            Archivo .p12
          </label>
          <label>
            <input
              type="radio"
              name="key-source"
              data-testid="key-source-token"
              checked={keySource === 'token'}
              onChange={() => {
                setKeySource('token');
                setPassword('');
                setCert(null);
              }}
            />
            Token / DNIe
          </label>
        </div>
        {keySource === 'p12' ? (
          <>
            <div class="two-col">
              <PathInput
                id="p12-path"
                testid="p12-path"
                label="Certificado (.p12 o .pfx)"
                kind="p12"
                mode="open"
                value={p12Path}
                onInput={(p) => {
                  setP12Path(p);
                  setCert(null);
                }}
              />
              <div class="field">
                <label for="p12-password">Contraseña del certificado</label>
                <input
                  id="p12-password"
                  type="password"
                  data-testid="p12-password"
                  autocomplete="off"
                  value={password}
                  onInput={(e) => {
                    setPassword(e.currentTarget.value);
                    setCert(null);
                  }}
                />
              </div>
            </div>
            <div class="button-row">
              <button
                type="button"
                class="secondary"
                data-testid="inspect-cert"
                disabled={!p12Path.trim() || inspecting}
                onClick={inspect}
              >
                {inspecting ? <Spinner text="Revisando…" /> : 'Revisar certificado'}
              </button>
            </div>
          </>
        ) : (
          <>
            <div class="button-row">
              <button
                type="button"
                class="secondary"
                data-testid="find-tokens"
                disabled={searching}
                onClick={findTokens}
              >
                {searching ? <Spinner text="Buscando…" /> : 'Buscar certificados en el token'}
              </button>
              <span class="sub">El módulo PKCS#11 se indica en Configuración.</span>
            </div>
            {tokenCerts && tokenCerts.length > 0 && (
              <div class="two-col">
                <div class="field">
                  <label for="token-cert">Certificado del token</label>
                  <select
                    id="token-cert"
                    data-testid="token-cert"
                    value={tokenCert}
                    onChange={(e) => setTokenCert(e.currentTarget.value)}
                  >
                    <option value="">— Elija un certificado —</option>
                    {tokenCerts.map((c) => (
                      <option key={`${c.token}|${c.serial}`} value={`${c.token}|${c.serial}`}>
                        {tokenLabel(c)}
                      </option>
                    ))}
                  </select>
                </div>
                <div class="field">
                  <label for="token-pin">PIN del token</label>
                  <input
                    id="token-pin"
                    type="password"
                    data-testid="token-pin"
                    autocomplete="off"
                    value={password}
                    onInput={(e) => setPassword(e.currentTarget.value)}
                  />
                </div>
              </div>
            )}
          </>
        )}
        {keySource === 'p12' && cert && (
          <dl class="cert-info" data-testid="cert-info">
            <dt>Titular</dt>
            <dd>{cert.name}</dd>
            <dt>Sujeto</dt>
            <dd>{cert.subject}</dd>
            <dt>Emisor</dt>
            <dd>{cert.issuer}</dd>
            <dt>N.° de serie</dt>
            <dd class="mono">{cert.serial}</dd>
            <dt>Vigencia</dt>
            <dd>
              válido del {cert.valid_from} al {cert.valid_until}
            </dd>
          </dl>
        )}
      </div>

      <div class="card">
        <h2>3. Firma</h2>
        <div class="field">
          <label for="sign-location">Lugar de la firma (opcional)</label>
          <input
            id="sign-location"
            type="text"
            data-testid="sign-location"
            placeholder={defaultLocation || 'p. ej. Lima, Perú'}
            value={location}
            onInput={(e) => setLocation(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="sign-level">Nivel de la firma</label>
          <select
            id="sign-level"
            data-testid="sign-level"
            value={level}
            onChange={(e) => setLevel(e.currentTarget.value)}
          >
            <option value="">Según Configuración</option>
            {LEVELS.map((l) => (
              <option key={l.value} value={l.value}>
                {l.label}
              </option>
            ))}
          </select>
        </div>
        {source === 'document' && (
          <div class="field checkbox">
            <label>
              <input
                type="checkbox"
                data-testid="sign-substitute"
                checked={substitute}
                onChange={(e) => setSubstitute(e.currentTarget.checked)}
              />{' '}
              Firmo como suplente de la persona que el documento nombra para este rol (queda en el registro
              de auditoría)
            </label>
          </div>
        )}
        <div class="button-row">
          <button type="button" class="primary" data-testid="confirm-sign" disabled={!ready} onClick={sign}>
            Firmar documento
          </button>
          {signing && <Spinner text="Firmando…" />}
          {!keyReady && !signing && (
            <span class="sub">
              {keySource === 'p12' ? 'Revise el certificado antes de firmar.' : 'Elija un certificado del token.'}
            </span>
          )}
        </div>
        {result && (
          <p class="result ok" data-testid="sign-result" role="status">
            {result}
          </p>
        )}
        {result && signedReference && (
          <div class="button-row" data-testid="signed-actions">
            <DocumentActions reference={signedReference} />
          </div>
        )}
        {signError && (
          <p class="result bad" data-testid="sign-error" role="alert">
            {signError}
          </p>
        )}
      </div>
    </section>
  );
}
