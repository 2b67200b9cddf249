/**
 * The window's shell: the left navigation bar, the screen shown, and the
 * global message area. The Nuevo screen stays mounted (hidden) while other
 * screens are shown, so a form being typed survives a trip to the preview.
 */
import { useState } from 'preact/hooks';
import { FirstStart } from './components/FirstStart';
import { Toast } from './components/toast';
import type { Navigate, Route } from './routes';
import { Configuracion } from './screens/Configuracion';
import { Documentos } from './screens/Documentos';
import { Firmar } from './screens/Firmar';
import { Licencias } from './screens/Licencias';
import { Nuevo, type OpenRequest } from './screens/Nuevo';
import { PorFirmar } from './screens/PorFirmar';
import { Preview } from './screens/Preview';
import { Verificar } from './screens/Verificar';

const NAV: { screen: Route['screen']; label: string; icon: string }[] = [
  { screen: 'documentos', label: 'Documentos', icon: '▤' },
  { screen: 'nuevo', label: 'Nuevo', icon: '✚' },
  { screen: 'por-firmar', label: 'Por firmar', icon: '☰' },
  { screen: 'firmar', label: 'Firmar', icon: '✍' },
  { screen: 'verificar', label: 'Verificar', icon: '✔' },
  { screen: 'licencias', label: 'Licencias', icon: '▦' },
  { screen: 'configuracion', label: 'Configuración', icon: '⚙' },
];

export function App() {
  const [route, setRoute] = useState<Route>({ screen: 'documentos' });
  const [openRequest, setOpenRequest] = useState<OpenRequest | null>(null);
  const navigate: Navigate = (next) => setRoute(next);
  const openDraft = (draftId: number) => {
    setOpenRequest({ draftId, nonce: Date.now() });
    setRoute({ screen: 'nuevo' });
  };
  const active = route.screen === 'preview' ? route.back.screen : route.screen;
  return (
    <div class="shell">
      <nav class="sidebar" aria-label="Secciones">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            A
          </span>
          <span>Actas</span>
        </div>
        {NAV.map((item) => (
          <button
            type="button"
            key={item.screen}
            class={`nav-item${active === item.screen ? ' active' : ''}`}
            data-testid={`nav-${item.screen}`}
            aria-current={active === item.screen ? 'page' : undefined}
            onClick={() => navigate({ screen: item.screen } as Route)}
          >
            <span class="nav-icon" aria-hidden="true">
              {item.icon}
            </span>
            {item.label}
          </button>
        ))}
      </nav>
      <main class="content">
        <Nuevo hidden={route.screen !== 'nuevo'} navigate={navigate} openRequest={openRequest} />
        {route.screen === 'documentos' && <FirstStart navigate={navigate} />}
        {route.screen === 'documentos' && <Documentos navigate={navigate} openDraft={openDraft} />}
        {route.screen === 'preview' && (
          <Preview source={route.source} back={route.back} navigate={navigate} />
        )}
        {route.screen === 'por-firmar' && <PorFirmar navigate={navigate} />}
        {route.screen === 'firmar' && <Firmar initialReference={route.reference} />}
        {route.screen === 'verificar' && <Verificar initialReference={route.reference} />}
        {route.screen === 'licencias' && <Licencias navigate={navigate} />}
        {route.screen === 'configuracion' && <Configuracion section={route.section} />}
      </main>
      <Toast />
    </div>
  );
}
