/**
 * Configuración: the office profile (entity and office printed in every
 * header, default signature location), the signature settings (default
 * PAdES level, time-stamp authority, network timeout and proxy, the
 * PKCS#11 module of the office's tokens with the usual Linux paths
 * suggested), the office's own non-working days (they count in every plazo
 * in días útiles), the trust roots the verifier accepts, and the people
 * directory the signer pickers offer (people are corrected and
 * deactivated, never deleted: a deactivated person is not offered as a
 * signer but stays on the documents that name them). Opened with a
 * `section`, it scrolls to that card (the first-start checklist links
 * there).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import type { NewPerson, Person, Profile, SignatureSettings, TrustRootInfo } from '../api';
import { PathInput } from '../components/PathInput';
import { Spinner } from '../components/Spinner';
import { showError, showInfo } from '../components/toast';
import { fullName } from '../forms/FieldInput';

const EMPTY_PERSON: NewPerson = {
  given_names: '',
  paternal_surname: '',
  maternal_surname: '',
  cargo: '',
  area: '',
  email: '',
  dni: '',
};

function TextField(props: {
  id: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  required?: boolean;
  type?: string;
}) {
  return (
    <div class="field">
      <label for={props.id}>
        {props.label}
        {props.required && <span class="required"> *</span>}
      </label>
      <input
        id={props.id}
        data-testid={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </div>
  );
}

const EMPTY_SIGNATURE: SignatureSettings = {
  level: '',
  tsa_url: '',
  timeout_seconds: 0,
  proxy: '',
  pkcs11_module: '',
};

/** The PAdES levels as Configuración and Firmar offer them. */
export const LEVELS: { value: string; label: string }[] = [
  { value: 'B-B', label: 'B-B — firma básica' },
  { value: 'B-T', label: 'B-T — con sello de tiempo' },
  { value: 'B-LT', label: 'B-LT — con datos de validación (largo plazo)' },
  { value: 'B-LTA', label: 'B-LTA — con sello de archivo' },
];

/** The signature settings form (shown once the settings are loaded). */
function SignatureForm(props: {
  value: SignatureSettings;
  modules: string[];
  saving: boolean;
  onChange: (v: SignatureSettings) => void;
  onSave: () => void;
}) {
  const { value: sig, modules, saving, onChange, onSave } = props;
  return (
    <form
      class="grid-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSave();
      }}
    >
      <div class="field">
        <label for="signature-level">Nivel por defecto</label>
        <select
          id="signature-level"
          data-testid="signature-level"
          value={sig.level}
          onChange={(e) => onChange({ ...sig, level: e.currentTarget.value })}
        >
          <option value="">Automático (B-T con TSA; si no, B-B)</option>
          {LEVELS.map((l) => (
            <option key={l.value} value={l.value}>
              {l.label}
            </option>
          ))}
        </select>
      </div>
      <TextField
        id="signature-tsa"
        label="Servicio de sellado de tiempo (URL)"
        value={sig.tsa_url}
        onInput={(v) => onChange({ ...sig, tsa_url: v })}
      />
      <TextField
        id="signature-timeout"
        label="Tiempo de espera de red (segundos; 0 = 20)"
        type="number"
        value={String(sig.timeout_seconds)}
        onInput={(v) => onChange({ ...sig, timeout_seconds: Math.max(0, Math.floor(Number(v) || 0)) })}
      />
      <TextField
        id="signature-proxy"
        label="Proxy (vacío: el del sistema)"
        value={sig.proxy}
        onInput={(v) => onChange({ ...sig, proxy: v })}
      />
      <div class="field">
        <label for="signature-pkcs11">Módulo PKCS#11 del token / DNIe</label>
        <input
          id="signature-pkcs11"
          data-testid="signature-pkcs11"
          list="pkcs11-modules"
          placeholder={modules[0] ?? '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so'}
          value={sig.pkcs11_module}
          onInput={(e) => onChange({ ...sig, pkcs11_module: e.currentTarget.value })}
        />
        <datalist id="pkcs11-modules">
          {modules.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
      </div>
      <div class="button-row">
        <button type="submit" class="primary" data-testid="signature-save" disabled={saving}>
          {saving ? <Spinner text="Guardando…" /> : 'Guardar configuración de firma'}
        </button>
      </div>
    </form>
  );
}

/** The person's editable details, as the form holds them. */
const editable = (p: Person): NewPerson => ({
  given_names: p.given_names,
  paternal_surname: p.paternal_surname,
  maternal_surname: p.maternal_surname,
  cargo: p.cargo,
  area: p.area,
  email: p.email,
  dni: p.dni,
});

export function Configuracion({ section }: { section?: string } = {}) {
  const [profile, setProfile] = useState<Profile>({ entidad: '', oficina: '', ubicacion: '' });
  // What the user typed before the stored profile arrived wins over it.
  const profileTyped = useRef(false);
  const editProfile = (change: Partial<Profile>) => {
    profileTyped.current = true;
    setProfile((p) => ({ ...p, ...change }));
  };
  const [savingProfile, setSavingProfile] = useState(false);
  // Null until loaded: the form appears then, so nothing typed is overwritten.
  const [signature, setSignature] = useState<SignatureSettings | null>(null);
  const [modules, setModules] = useState<string[]>([]);
  const [savingSignature, setSavingSignature] = useState(false);
  const [roots, setRoots] = useState<TrustRootInfo[] | null>(null);
  const [trustPath, setTrustPath] = useState('');
  const [importing, setImporting] = useState(false);
  const [people, setPeople] = useState<Person[] | null>(null);
  const [person, setPerson] = useState<NewPerson>(EMPTY_PERSON);
  const [adding, setAdding] = useState(false);
  /** The person being corrected, or null when the form adds a new one. */
  const [editingId, setEditingId] = useState<number | null>(null);
  const [officeDays, setOfficeDays] = useState('');
  const [savingDays, setSavingDays] = useState(false);

  useEffect(() => {
    const fail = (e: unknown) => showError(api.errorMessage(e));
    api.profile().then((stored) => {
      if (!profileTyped.current) setProfile(stored);
    }, fail);
    api.signatureSettings().then(setSignature, (e) => {
      setSignature(EMPTY_SIGNATURE);
      fail(e);
    });
    api.suggestedModules().then(setModules, () => setModules([]));
    api.officeDays().then(setOfficeDays, fail);
    api.trustRoots().then(setRoots, (e) => {
      setRoots([]);
      fail(e);
    });
    api.people().then(setPeople, (e) => {
      setPeople([]);
      fail(e);
    });
  }, []);

  useEffect(() => {
    if (!section) return;
    const card = document.getElementById(section);
    card?.scrollIntoView?.({ block: 'start' });
    card?.querySelector<HTMLElement>('input, textarea, button')?.focus({ preventScroll: true });
  }, [section]);

  const saveProfile = async () => {
    setSavingProfile(true);
    try {
      setProfile(await api.saveProfile(profile));
      showInfo('Perfil guardado.');
    } catch (e) {
      showError(api.errorMessage(e));
    } finally {
      setSavingProfile(false);
    }
  };

  const saveSignature = async () => {
    if (!signature) return;
    setSavingSignature(true);
    try {
      setSignature(await api.saveSignatureSettings(signature));
      showInfo('Configuración de firma guardada.');
    } catch (e) {
      showError(api.errorMessage(e));
    } finally {
      setSavingSignature(false);
    }
  };

  const saveOfficeDays = async () => {
    setSavingDays(true);
    try {
      setOfficeDays(await api.saveOfficeDays(officeDays));
      showInfo('Días no laborables guardados.');
    } catch (e) {
      showError(api.errorMessage(e));
    } finally {
      setSavingDays(false);
    }
  };

  const importRoots = async () => {
    setImporting(true);
    try {
      setRoots(await api.importTrustRoots(trustPath.trim()));
      setTrustPath('');
      showInfo('Certificados raíz importados.');
    } catch (e) {
      showError(api.errorMessage(e));
    } finally {
      setImporting(false);
    }
  };

  const removeRoot = async (id: number) => {
    try {
      setRoots(await api.removeTrustRoot(id));
    } catch (e) {
      showError(api.errorMessage(e));
    }
  };

  const addPerson = async () => {
    setAdding(true);
    try {
      if (editingId !== null) {
        const saved = await api.updatePerson({ id: editingId, person });
        setPeople((list) => (list ?? []).map((p) => (p.id === saved.id ? saved : p)));
        setEditingId(null);
        setPerson(EMPTY_PERSON);
        showInfo(`Datos de ${fullName(saved)} corregidos.`);
        return;
      }
      const added = await api.addPerson(person);
      setPeople((list) => [...(list ?? []), added]);
      setPerson(EMPTY_PERSON);
      showInfo(`${fullName(added)} agregado al directorio.`);
    } catch (e) {
      showError(api.errorMessage(e));
    } finally {
      setAdding(false);
    }
  };

  const startEdit = (p: Person) => {
    setEditingId(p.id);
    setPerson(editable(p));
    document.getElementById('person-given')?.focus();
  };

  const setActive = async (p: Person, active: boolean) => {
    try {
      const saved = await api.setPersonActive({ id: p.id, active });
      setPeople((list) => (list ?? []).map((q) => (q.id === saved.id ? saved : q)));
      showInfo(
        active
          ? `${fullName(saved)} vuelve a ofrecerse como firmante.`
          : `${fullName(saved)} desactivado: ya no se ofrece como firmante.`,
      );
    } catch (e) {
      showError(api.errorMessage(e));
    }
  };

  const setP = (key: keyof NewPerson) => (v: string) => setPerson((p) => ({ ...p, [key]: v }));

  return (
    <section class="screen" data-testid="screen-configuracion" aria-labelledby="h-config">
      <header class="screen-header">
        <h1 id="h-config">Configuración</h1>
      </header>

      <div class="card" id="cfg-perfil">
        <h2>Perfil de la oficina</h2>
        <p class="sub">
          La entidad y la oficina se imprimen en el encabezado de cada formulario; vacías, se usan las de cada
          plantilla. El logotipo en el encabezado aún no está disponible.
        </p>
        <form
          class="grid-3"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void saveProfile();
          }}
        >
          <TextField
            id="profile-entidad"
            label="Entidad"
            value={profile.entidad}
            onInput={(v) => editProfile({ entidad: v })}
          />
          <TextField
            id="profile-oficina"
            label="Oficina"
            value={profile.oficina}
            onInput={(v) => editProfile({ oficina: v })}
          />
          <TextField
            id="profile-ubicacion"
            label="Lugar de firma por defecto"
            value={profile.ubicacion}
            onInput={(v) => editProfile({ ubicacion: v })}
          />
          <div class="button-row">
            <button type="submit" class="primary" data-testid="profile-save" disabled={savingProfile}>
              {savingProfile ? <Spinner text="Guardando…" /> : 'Guardar perfil'}
            </button>
          </div>
        </form>
      </div>

      <div class="card" id="cfg-token">
        <h2>Firma: nivel, sellado de tiempo y token</h2>
        <p class="sub">
          Con un servicio de sellado de tiempo (TSA) las firmas se hacen por defecto en nivel B-T. El usuario y la
          contraseña de la TSA, si los pide, se leen de las variables de entorno ACTAS_TSA_USUARIO y ACTAS_TSA_CLAVE;
          no se guardan aquí.
        </p>
        {signature === null ? (
          <Spinner text="Cargando…" />
        ) : (
          <SignatureForm
            value={signature}
            modules={modules}
            saving={savingSignature}
            onChange={setSignature}
            onSave={saveSignature}
          />
        )}
      </div>

      <div class="card">
        <h2>Días no laborables de la oficina</h2>
        <p class="sub">
          Además de fines de semana y feriados nacionales, los plazos en días útiles saltan estos días. Uno por
          línea: la fecha (dd/mm/aaaa) y el motivo, p. ej. «07/04/2026 Aniversario de la entidad».
        </p>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void saveOfficeDays();
          }}
        >
          <label for="office-days" class="visually-hidden">
            Días no laborables de la oficina
          </label>
          <textarea
            id="office-days"
            data-testid="office-days"
            rows={4}
            value={officeDays}
            placeholder="07/04/2026 Aniversario de la entidad"
            onInput={(e) => setOfficeDays(e.currentTarget.value)}
          />
          <div class="button-row">
            <button type="submit" class="primary" data-testid="office-days-save" disabled={savingDays}>
              {savingDays ? <Spinner text="Guardando…" /> : 'Guardar días'}
            </button>
          </div>
        </form>
      </div>

      <div class="card" id="cfg-raiz">
        <h2>Certificados raíz de confianza</h2>
        <p class="sub">Las firmas se consideran confiables si su cadena llega a uno de estos certificados.</p>
        {roots === null ? (
          <Spinner text="Cargando…" />
        ) : roots.length === 0 ? (
          <p class="empty">No hay certificados raíz: la confianza de las firmas no se comprobará.</p>
        ) : (
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Sujeto</th>
                <th scope="col">Válido hasta</th>
                <th scope="col">SHA-256</th>
                <th scope="col">
                  <span class="visually-hidden">Acciones</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {roots.map((r) => (
                <tr key={r.id} data-testid="trust-row">
                  <td>{r.subject}</td>
                  <td>{r.valid_until}</td>
                  <td class="mono" title={r.sha256}>
                    {r.sha256.slice(0, 8)}…{r.sha256.slice(-8)}
                  </td>
                  <td>
                    <button type="button" class="link danger" data-testid="trust-remove" onClick={() => removeRoot(r.id)}>
                      Quitar
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <PathInput
          id="trust-path"
          testid="trust-path"
          label="Importar certificados raíz (PEM, DER o CER)"
          kind="cert"
          mode="open"
          value={trustPath}
          onInput={setTrustPath}
        />
        <div class="button-row">
          <button
            type="button"
            class="secondary"
            data-testid="trust-import"
            disabled={!trustPath.trim() || importing}
            onClick={importRoots}
          >
            {importing ? <Spinner text="Importando…" /> : 'Importar'}
          </button>
        </div>
      </div>

      <div class="card" id="cfg-personas">
        <h2>Directorio de personas</h2>
        <p class="sub">
          Las personas activas del directorio se eligen en los campos de firmante de los formularios. Quien ya no
          firma se desactiva (no se borra): sigue en los documentos que lo nombran.
        </p>
        {people === null ? (
          <Spinner text="Cargando…" />
        ) : people.length === 0 ? (
          <p class="empty">El directorio está vacío.</p>
        ) : (
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Nombre</th>
                <th scope="col">Cargo</th>
                <th scope="col">Área</th>
                <th scope="col">Correo</th>
                <th scope="col">
                  <span class="visually-hidden">Acciones</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {people.map((p) => (
                <tr
                  key={p.id}
                  data-testid="person-row"
                  data-person-id={p.id}
                  data-active={p.active ? 'true' : 'false'}
                  class={p.active ? undefined : 'person-inactive'}
                >
                  <td>
                    {fullName(p)}
                    {!p.active && <span class="sub"> (desactivada)</span>}
                  </td>
                  <td>{p.cargo}</td>
                  <td>{p.area}</td>
                  <td>{p.email}</td>
                  <td class="row-actions">
                    <button type="button" class="link" data-testid="person-edit" onClick={() => startEdit(p)}>
                      Editar
                    </button>
                    {p.active ? (
                      <button
                        type="button"
                        class="link danger"
                        data-testid="person-deactivate"
                        onClick={() => setActive(p, false)}
                      >
                        Desactivar
                      </button>
                    ) : (
                      <button
                        type="button"
                        class="link"
                        data-testid="person-activate"
                        onClick={() => setActive(p, true)}
                      >
                        Reactivar
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form
          class="grid-3"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void addPerson();
          }}
        >
          <TextField id="person-given" label="Nombres" required value={person.given_names} onInput={setP('given_names')} />
          <TextField
            id="person-paternal"
            label="Apellido paterno"
            required
            value={person.paternal_surname}
            onInput={setP('paternal_surname')}
          />
          <TextField
            id="person-maternal"
            label="Apellido materno"
            value={person.maternal_surname}
            onInput={setP('maternal_surname')}
          />
          <TextField id="person-cargo" label="Cargo" required value={person.cargo} onInput={setP('cargo')} />
          <TextField id="person-area" label="Área" value={person.area} onInput={setP('area')} />
          <TextField id="person-email" label="Correo electrónico" type="email" value={person.email} onInput={setP('email')} />
          <TextField id="person-dni" label="DNI (el de su certificado)" value={person.dni} onInput={setP('dni')} />
          <div class="button-row">
            <button type="submit" class="primary" data-testid="person-add" disabled={adding}>
              {adding ? <Spinner text="Guardando…" /> : editingId !== null ? 'Guardar cambios' : 'Agregar persona'}
            </button>
            {editingId !== null && (
              <button
                type="button"
                class="link"
                data-testid="person-edit-cancel"
                onClick={() => {
                  setEditingId(null);
                  setPerson(EMPTY_PERSON);
                }}
              >
                Cancelar
              </button>
            )}
          </div>
        </form>
      </div>
    </section>
  );
}
