/**
 * Conversions between what people type and the core's JSON data.
 *
 * People read and type dates as dd/mm/aaaa and date-times as
 * `dd/mm/aaaa hh:mm`; the data holds `AAAA-MM-DD` and `AAAA-MM-DDTHH:MM`.
 * Text that is not a well-formed date is kept exactly as typed so the core
 * reports it with its own message. Empty text means "no value" (`undefined`:
 * the key is left out of the data).
 */

const DISPLAY_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DISPLAY_DATETIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2})?$/;

const pad = (n: string | number) => String(n).padStart(2, '0');

function realDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= last;
}

/** `15/03/2026` → `2026-03-15`; anything else (trimmed) as typed; empty → undefined. */
export function dateToData(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const m = DISPLAY_DATE.exec(t);
  if (m && realDate(+m[3], +m[2], +m[1])) return `${m[3]}-${pad(m[2])}-${pad(m[1])}`;
  return t;
}

/** `2026-03-15` → `15/03/2026`; any other value shown as it is. */
export function dateToDisplay(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  const m = ISO_DATE.exec(text);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : text;
}

/** `15/03/2026 20:30` → `2026-03-15T20:30`; anything else as typed; empty → undefined. */
export function dateTimeToData(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const m = DISPLAY_DATETIME.exec(t);
  if (m && realDate(+m[3], +m[2], +m[1]) && +m[4] < 24 && +m[5] < 60) {
    return `${m[3]}-${pad(m[2])}-${pad(m[1])}T${pad(m[4])}:${m[5]}`;
  }
  return t;
}

/** `2026-03-15T20:30` → `15/03/2026 20:30`; any other value shown as it is. */
export function dateTimeToDisplay(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  const m = ISO_DATETIME.exec(text);
  return m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}` : text;
}

const NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;

/** `12,5` or `12.5` → 12.5 (a JSON number); other text as typed; empty → undefined. */
export function numberToData(text: string): number | string | undefined {
  const t = text.trim().replace(/\s/g, '');
  if (t === '') return undefined;
  if (NUMBER.test(t)) return Number(t.replace(',', '.'));
  return text.trim();
}

export function numberToDisplay(value: unknown): string {
  if (value === undefined || value === null) return '';
  return String(value);
}

/** Plain text: empty → undefined, otherwise as typed (not trimmed: the core trims). */
export function textToData(text: string): string | undefined {
  return text === '' ? undefined : text;
}

/** A filter date: dd/mm/aaaa → AAAA-MM-DD, or null when empty or not a date. */
export function filterDate(text: string): string | null {
  const data = dateToData(text);
  return data !== undefined && ISO_DATE.test(data) ? data : null;
}
