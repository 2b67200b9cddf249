import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiMock, grant } from '../test/mockApi';

const api = vi.hoisted(() => ({}) as ReturnType<typeof import('../test/mockApi').apiMock>);
vi.mock('../api', () => api);

import { defaultOutput } from '../screens/Firmar';
import { DocumentActions } from './DocumentActions';

beforeEach(() => Object.assign(api, apiMock()));

describe('DocumentActions', () => {
  it('exports through the save dialog with the number-and-form name', async () => {
    api.chooseSavePath.mockResolvedValue(grant('/home/ana/Documentos/2026-001-Anexo-11.1.pdf'));
    api.exportDocument.mockResolvedValue('/home/ana/Documentos/2026-001-Anexo-11.1.pdf');
    render(<DocumentActions reference="2026-001" />);
    fireEvent.click(screen.getByTestId('export-pdf'));
    await waitFor(() =>
      expect(screen.getByTestId('export-pdf-result').textContent).toContain('2026-001-Anexo-11.1.pdf'),
    );
    expect(api.exportName).toHaveBeenCalledWith('2026-001');
    expect(api.chooseSavePath.mock.calls[0][0]).toBe('pdf');
    expect(api.chooseSavePath.mock.calls[0][2]).toBe('2026-001-Anexo-11.1.pdf');
    expect(api.exportDocument).toHaveBeenCalledWith('2026-001', '/home/ana/Documentos/2026-001-Anexo-11.1.pdf');
  });

  it('writes nothing when the dialog is cancelled, and prints through the backend', async () => {
    render(<DocumentActions reference="2026-001" />);
    fireEvent.click(screen.getByTestId('export-pdf'));
    await waitFor(() => expect(api.chooseSavePath).toHaveBeenCalled());
    expect(api.exportDocument).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('print-pdf'));
    await waitFor(() => expect(api.printDocument).toHaveBeenCalledWith('2026-001'));
  });

  it('proposes a signed file name, never a folder', () => {
    expect(defaultOutput('acta.pdf')).toBe('acta-firmado.pdf');
    expect(defaultOutput('/home/ana/acta.PDF')).toBe('acta-firmado.pdf');
    expect(defaultOutput('')).toBe('documento-firmado.pdf');
  });
});
