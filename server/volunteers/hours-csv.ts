/**
 * Volunteers' hours and contacts per month as CSV for the annual report: the same form as the statistics export
 * (UTF-8 with a BOM and semicolons, so Danish Excel opens it as columns; CRLF line ends).
 */
import type { VolunteerHoursRow } from '../../protocol/volunteers.js';

const KIND = { peer: 'Peer-frivillig', it_helper: 'IT-frivillig' } as const;

const cell = (v: string) => (/[";\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
/** Hours with one decimal and a decimal comma, as a Danish spreadsheet reads a number. */
const hours = (minutes: number) => (Math.round(minutes / 6) / 10).toFixed(1).replace('.', ',');

export function hoursCsv(rows: VolunteerHoursRow[]): string {
  const header = ['Måned', 'Frivillig', 'Navn over for borgere', 'Type', 'Kontakter', 'Borgere', 'Timer'];
  const lines = rows.map((r) => [r.month, r.displayName, r.chosenName, KIND[r.kind], String(r.contacts), String(r.citizens), hours(r.minutes)]);
  return '\ufeff' + [header, ...lines].map((line) => line.map(cell).join(';')).join('\r\n') + '\r\n';
}
