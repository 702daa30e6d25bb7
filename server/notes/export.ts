/**
 * A note for the municipality's case system (no integration assumed): as plain text to copy into its journal, and as
 * a PDF to attach. Both hold the citizen's name, the date, the way of meeting, the goals, the fields and the author —
 * and a short note reference, never a CPR number, phone number, e-mail address or an id. Danish: the case systems are.
 */
// pdfkit is loaded when a note is exported, not with the server (statistics/export.ts says why).
import type { NoteOutcome, NoteWay } from '../../protocol/notes.js';
import type { ExportedNote } from './store.js';
import { noteReference } from './store.js';

const WAY: Record<NoteWay, string> = {
  video: 'Video', phone: 'Telefon', home_visit: 'Hjemmebesøg', chat: 'Chat', citizen_initiated: 'Borgerens henvendelse',
};
const OUTCOME: Record<NoteOutcome, string> = { held: 'Holdt', no_show: 'Udeblev', technical_failure: 'Teknisk problem' };
const FIELDS = [
  ['topics', 'Det talte vi om'],
  ['agreements', 'Aftaler'],
  ['nextStep', 'Næste skridt'],
  ['concerns', 'Bekymringer'],
  ['freeText', 'Notat'],
] as const;

function when(iso: string, zone: string): string {
  const at = new Date(iso);
  const date = new Intl.DateTimeFormat('da-DK', { timeZone: zone, day: 'numeric', month: 'long', year: 'numeric' }).format(at);
  const time = new Intl.DateTimeFormat('da-DK', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  return `${date} kl. ${time}`;
}

interface Section {
  label: string;
  value: string;
}

/** The note's parts in reading order: the facts at the top, then the fields that were filled in. */
function sections({ note, goalTitles, timeZone }: ExportedNote): { heading: string; facts: Section[]; fields: Section[] } {
  const facts: Section[] = [
    { label: 'Borger', value: note.citizenName },
    { label: 'Dato', value: when(note.occurredAt, timeZone) },
    { label: 'Form', value: WAY[note.way] },
    ...(note.durationMinutes !== null ? [{ label: 'Varighed', value: `${note.durationMinutes} min.` }] : []),
    ...(note.outcome ? [{ label: 'Forløb', value: OUTCOME[note.outcome] }] : []),
    ...(goalTitles.length > 0 ? [{ label: 'Mål', value: goalTitles.join('; ') }] : []),
    { label: 'Skrevet af', value: note.authorName },
    { label: 'Reference', value: `${noteReference(note.id)}${note.status === 'draft' ? ' (kladde)' : ''}` },
  ];
  const fields = FIELDS.flatMap(([key, label]) => (note[key] ? [{ label, value: note[key] }] : []));
  return { heading: 'Notat fra samtale', facts, fields };
}

/** Plain text, for copy-paste into a journal: one "Label: value" line per fact, then each field under its label. */
export function noteText(exported: ExportedNote): string {
  const { heading, facts, fields } = sections(exported);
  const lines = [heading, '', ...facts.map((f) => `${f.label}: ${f.value}`)];
  for (const field of fields) lines.push('', `${field.label}:`, field.value.replace(/\r\n?/g, '\n'));
  return `${lines.join('\n')}\n`;
}

/** The same as a one- or two-page A4 PDF; Helvetica (built into every PDF reader) covers æ, ø and å. */
export async function notePdf(exported: ExportedNote): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const { heading, facts, fields } = sections(exported);
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: heading, Creator: 'Nærvær' } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(18).text(heading);
  doc.moveDown(0.8);
  for (const fact of facts) {
    doc.font('Helvetica-Bold').fontSize(11).text(`${fact.label}: `, { continued: true });
    doc.font('Helvetica').text(fact.value);
  }
  for (const field of fields) {
    doc.moveDown(0.8);
    doc.font('Helvetica-Bold').fontSize(12).text(field.label);
    doc.font('Helvetica').fontSize(11).text(field.value);
  }
  doc.end();
  return done;
}
