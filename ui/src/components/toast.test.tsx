import { act, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dismiss, ERROR_MS, INFO_MS, MAX_SHOWN, shownMessages, showError, showInfo, Toast } from './toast';

const texts = () => [...screen.getByTestId('toast').querySelectorAll('.toast span')].map((s) => s.textContent);

beforeEach(() => {
  vi.useFakeTimers();
  for (const m of shownMessages()) dismiss(m.id);
});
afterEach(() => vi.useRealTimers());

describe('messages', () => {
  it('close by themselves: a confirmation soon, an error once it could be read', () => {
    render(<Toast />);
    act(() => {
      showInfo('Perfil guardado.');
      showError('el certificado de Carlos Mendoza venció el 06/12/2025');
    });
    expect(texts()).toEqual(['Perfil guardado.', 'el certificado de Carlos Mendoza venció el 06/12/2025']);
    act(() => {
      vi.advanceTimersByTime(INFO_MS + 1);
    });
    expect(texts()).toEqual(['el certificado de Carlos Mendoza venció el 06/12/2025']);
    act(() => {
      vi.advanceTimersByTime(ERROR_MS - INFO_MS);
    });
    expect(texts()).toEqual([]);
  });

  it('close at a click anywhere on them', () => {
    render(<Toast />);
    act(() => showError('uno'));
    fireEvent.click(screen.getByText('uno'));
    expect(texts()).toEqual([]);
    act(() => showError('dos'));
    fireEvent.click(screen.getByLabelText('Cerrar mensaje'));
    expect(texts()).toEqual([]);
  });

  it('never pile up: at most a few, the oldest leaves first, a repeat replaces itself', () => {
    render(<Toast />);
    act(() => {
      for (const n of [1, 2, 3, 4, 5]) showError(`error ${n}`);
    });
    expect(texts()).toHaveLength(MAX_SHOWN);
    expect(texts()).toEqual(['error 3', 'error 4', 'error 5']);
    act(() => showError('error 4'));
    expect(texts()).toEqual(['error 3', 'error 5', 'error 4']);
  });
});
