import { describe, expect, it } from 'vitest';
import {
  dateTimeToData,
  dateTimeToDisplay,
  dateToData,
  dateToDisplay,
  filterDate,
  numberToData,
} from './convert';

describe('dates dd/mm/aaaa ↔ AAAA-MM-DD', () => {
  it('converts a typed date to the data form', () => {
    expect(dateToData('15/03/2026')).toBe('2026-03-15');
    expect(dateToData(' 5/3/2026 ')).toBe('2026-03-05');
    expect(dateToData('29/02/2028')).toBe('2028-02-29');
  });
  it('shows data dates as dd/mm/aaaa', () => {
    expect(dateToDisplay('2026-03-15')).toBe('15/03/2026');
    expect(dateToDisplay(undefined)).toBe('');
  });
  it('keeps what is not a date as typed, so the core reports it', () => {
    expect(dateToData('15/03/26')).toBe('15/03/26');
    expect(dateToData('31/02/2026')).toBe('31/02/2026');
    expect(dateToData('00/01/2026')).toBe('00/01/2026');
    expect(dateToData('mañana')).toBe('mañana');
    expect(dateToDisplay('mañana')).toBe('mañana');
  });
  it('treats empty text as no value', () => {
    expect(dateToData('')).toBeUndefined();
    expect(dateToData('   ')).toBeUndefined();
  });
  it('round-trips', () => {
    for (const d of ['01/01/2026', '31/12/1999', '29/02/2024']) {
      expect(dateToDisplay(dateToData(d))).toBe(d);
    }
  });
});

describe('date-times dd/mm/aaaa hh:mm ↔ AAAA-MM-DDTHH:MM', () => {
  it('converts both ways', () => {
    expect(dateTimeToData('13/03/2026 20:30')).toBe('2026-03-13T20:30');
    expect(dateTimeToData('5/3/2026 8:05')).toBe('2026-03-05T08:05');
    expect(dateTimeToDisplay('2026-03-13T20:30')).toBe('13/03/2026 20:30');
    expect(dateTimeToDisplay('2026-03-13T20:30:00')).toBe('13/03/2026 20:30');
  });
  it('keeps invalid input as typed', () => {
    expect(dateTimeToData('13/03/2026')).toBe('13/03/2026');
    expect(dateTimeToData('13/03/2026 25:00')).toBe('13/03/2026 25:00');
    expect(dateTimeToData('32/01/2026 10:00')).toBe('32/01/2026 10:00');
    expect(dateTimeToData('')).toBeUndefined();
  });
});

describe('numbers', () => {
  it('reads a decimal comma or point as a JSON number', () => {
    expect(numberToData('12,5')).toBe(12.5);
    expect(numberToData('1500.75')).toBe(1500.75);
    expect(numberToData('-3')).toBe(-3);
  });
  it('keeps non-numbers as typed and empty as no value', () => {
    expect(numberToData('doce')).toBe('doce');
    expect(numberToData('1.2.3')).toBe('1.2.3');
    expect(numberToData('')).toBeUndefined();
  });
});

describe('filter dates', () => {
  it('gives AAAA-MM-DD or null', () => {
    expect(filterDate('01/02/2026')).toBe('2026-02-01');
    expect(filterDate('')).toBeNull();
    expect(filterDate('01/02')).toBeNull();
  });
});
