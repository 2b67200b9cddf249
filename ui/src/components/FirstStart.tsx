/**
 * The first-start checklist (`data-testid="checklist"`): what the office
 * sets up before its first acta — perfil de la entidad, personas,
 * certificado raíz and, optionally, the token's module — as the core
 * computes it from the store. Shown above the Documentos screen until every
 * required item is done; each item links to the section of Configuración
 * where it is done.
 */
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { Checklist } from '../api';
import type { Navigate } from '../routes';

export function FirstStart({ navigate }: { navigate: Navigate }) {
  const [list, setList] = useState<Checklist | null>(null);
  useEffect(() => {
    // A failure here only hides the guide; the screens report their own errors.
    api.checklist().then(setList, () => setList(null));
  }, []);
  if (!list || list.complete) return null;
  const pending = list.items.filter((i) => !i.done && !i.optional).length;
  return (
    <section class="card checklist" data-testid="checklist" aria-labelledby="h-checklist">
      <h2 id="h-checklist">Primeros pasos</h2>
      <p class="sub">
        {pending === 1 ? 'Falta 1 paso' : `Faltan ${pending} pasos`} para dejar lista la oficina. Esta lista
        desaparece cuando estén hechos.
      </p>
      <ol>
        {list.items.map((item) => (
          <li
            key={item.id}
            class={item.done ? 'done' : 'todo'}
            data-testid={`checklist-${item.id}`}
            data-done={item.done ? 'true' : 'false'}
          >
            <span class="mark" aria-hidden="true">
              {item.done ? '✓' : item.optional ? '○' : '•'}
            </span>
            <span class="item-text">
              <strong>{item.title}</strong>
              {item.done && <span class="visually-hidden"> (hecho)</span>}
              <div class="sub">{item.detail}</div>
            </span>
            <button
              type="button"
              class="link"
              data-testid={`checklist-go-${item.id}`}
              onClick={() => navigate({ screen: 'configuracion', section: item.section })}
            >
              {item.done ? 'Ver' : 'Configurar'}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
