/** Where the window is: the screen shown and what it was opened with. */
import type { ValidateRequest } from './api';

export type PreviewSource =
  | { kind: 'form'; request: ValidateRequest; title: string }
  | { kind: 'document'; reference: string };

export type Route =
  | { screen: 'documentos' }
  | { screen: 'nuevo' }
  | { screen: 'preview'; source: PreviewSource; back: Route }
  | { screen: 'por-firmar' }
  | { screen: 'firmar'; reference?: string }
  | { screen: 'verificar'; reference?: string }
  | { screen: 'licencias' }
  | { screen: 'configuracion'; section?: string };

export type Navigate = (route: Route) => void;
