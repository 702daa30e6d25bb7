/**
 * The figures as files a municipality passes on: CSV and XLSX for its own spreadsheets, and the evaluation report (PDF)
 * for the board. In Danish, as the board reads them. Small cells are suppressed in all three, so a file can leave the
 * organisation: a count of 1–4, and a share, median or sum resting on fewer than 5, is written "<5". Nothing in them
 * names or identifies a person: team names and numbers only.
 */
// exceljs and pdfkit are loaded when an export is asked for, not with the server: together they took most of a second
// of every start (and of every test file that builds the app).
import type { Figure, FigureId, FigureRow, Statistics } from '../../protocol/statistics.js';

/** The smallest base a published number may rest on. */
export const SUPPRESS_BELOW = 5;
export const SUPPRESSED = '<5';

const FIGURE_TITLES: Record<FigureId, string> = {
  ways: 'Kontakter efter mødeform',
  kinds: 'Planlagt, ad hoc eller borgerens henvendelse',
  outcomes: 'Afholdt, udeblevet eller teknisk fejl',
  audioOnly: 'Opkald med kun lyd',
  quality: 'Forbindelsens kvalitet (median)',
  answerTime: 'Tid til svar på borgerens henvendelser',
  travel: 'Sparet transport',
  feedback: 'Borgernes svar efter samtalen',
};

const ROW_LABELS: Record<string, string> = {
  video: 'Video', phone: 'Telefon', home_visit: 'Hjemmebesøg', chat: 'Chat',
  planned: 'Planlagt', ad_hoc: 'Ad hoc', citizen_initiated: 'Borgerens henvendelse',
  held: 'Afholdt', no_show: 'Udeblevet', technical_failure: 'Teknisk fejl',
  videoCalls: 'Videoopkald', audioOnlyCalls: 'Heraf med kun lyd', audioOnlyShare: 'Andel med kun lyd (%)',
  medianRttMs: 'Svartid på forbindelsen (ms)', medianLossPct: 'Tabte pakker (%)',
  requests: 'Henvendelser', answered: 'Besvaret', medianMinutes: 'Median, minutter', p90Minutes: '9 ud af 10 besvaret inden, minutter',
  insteadOfHomeVisit: 'Samtaler i stedet for hjemmebesøg', kmSaved: 'Kilometer sparet', hoursSaved: 'Timer sparet',
  good: 'Godt', ok: 'Okay', bad: 'Skidt',
};

export const figureTitle = (id: FigureId) => FIGURE_TITLES[id];
export const rowLabel = (key: string) => ROW_LABELS[key] ?? key;

const decimal = new Intl.NumberFormat('da-DK', { maximumFractionDigits: 2, useGrouping: false });

/** A value as it may be published: "<5" for a small cell, "–" for nothing to count from, else the number. */
export function publishable(value: number | null, base: number, unit: FigureRow['unit']): number | string {
  if (unit === 'count') {
    const n = value ?? 0;
    return n > 0 && n < SUPPRESS_BELOW ? SUPPRESSED : n;
  }
  if (value === null || base === 0) return '–';
  return base < SUPPRESS_BELOW ? SUPPRESSED : value;
}
const text = (v: number | string) => (typeof v === 'number' ? decimal.format(v) : v);

const MONTHS = ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'december'];
const monthName = (m: string) => `${MONTHS[Number(m.slice(5, 7)) - 1]} ${m.slice(0, 4)}`;
export const periodName = (from: string, to: string) => (from === to ? monthName(from) : `${monthName(from)} – ${monthName(to)}`);

function scopeName(s: Statistics): string {
  if (s.scope === 'team') return `Team: ${s.team!.name}`;
  if (s.scope === 'own') return 'Egne kontakter';
  return 'Hele organisationen';
}

interface Line { figure: Figure; row: FigureRow; current: number | string; previous: number | string }
function lines(s: Statistics): Line[] {
  return s.figures.flatMap((figure) =>
    figure.rows.map((row) => ({
      figure, row,
      current: publishable(row.current, row.currentBase, row.unit),
      previous: publishable(row.previous, row.previousBase, row.unit),
    })),
  );
}

const csvCell = (v: string) => (/[";\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** Semicolon-separated with decimal commas and a byte-order mark: what a Danish spreadsheet opens as it is. */
export function statisticsCsv(s: Statistics): string {
  const header = ['Nøgletal', 'Linje', periodName(s.from, s.to), `Forrige periode (${periodName(s.previousFrom, s.previousTo)})`];
  const rows = lines(s).map((l) => [figureTitle(l.figure.id), rowLabel(l.row.key), text(l.current), text(l.previous)]);
  const meta = [[`# ${scopeName(s)}`], [`# "${SUPPRESSED}": færre end ${SUPPRESS_BELOW} bag tallet`]];
  return '\ufeff' + [header, ...rows, ...meta].map((r) => r.map(csvCell).join(';')).join('\r\n') + '\r\n';
}

export async function statisticsXlsx(s: Statistics): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  book.creator = 'Nærvær';
  const sheet = book.addWorksheet('Nøgletal');
  sheet.columns = [{ width: 44 }, { width: 36 }, { width: 22 }, { width: 30 }];
  sheet.addRow(['Nøgletal', 'Linje', periodName(s.from, s.to), `Forrige periode (${periodName(s.previousFrom, s.previousTo)})`]).font = { bold: true };
  for (const l of lines(s)) sheet.addRow([figureTitle(l.figure.id), rowLabel(l.row.key), l.current, l.previous]);
  sheet.addRow([]);
  sheet.addRow([scopeName(s)]);
  sheet.addRow([`"${SUPPRESSED}": færre end ${SUPPRESS_BELOW} bag tallet (af hensyn til borgernes anonymitet).`]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const READING_GUIDE = [
  'Tallene tæller kontakter mellem borgere og medarbejdere i Nærvær. En kontakt er en planlagt aftale, der ikke blev aflyst, et videoopkald uden aftale (ad hoc) eller en henvendelse fra borgeren, som en medarbejder tog.',
  'Hver måned er en kalendermåned efter dansk tid. Ved siden af hvert tal står tallet for perioden lige før, så I kan se udviklingen.',
  'Sparet transport: en afholdt, planlagt video- eller telefonsamtale med en borger, hvis afstand fra teamets base er sat, regnes som et hjemmebesøg, der ikke skulle køres. Den sparer turen frem og tilbage.',
  'Forbindelsens kvalitet er medianen af deltagernes gennemsnit: svartid i millisekunder og andelen af tabte pakker. Lavere er bedre.',
  'Tid til svar er tiden fra borgeren bad om kontakt, til en medarbejder tog henvendelsen: medianen og den tid, som 9 ud af 10 blev besvaret inden for.',
];
const SUPPRESSION_NOTE = `Af hensyn til borgernes anonymitet vises et antal fra 1 til 4 som "${SUPPRESSED}", og en andel, median eller sum, der bygger på færre end ${SUPPRESS_BELOW}, vises også som "${SUPPRESSED}". "–" betyder, at der ikke var noget at tælle.`;

/** The evaluation report: a title page's worth of context, then each figure as a small table with the period before. */
export async function statisticsPdf(s: Statistics, organisation: string): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: 'Evalueringsrapport — virtuel bostøtte', Author: organisation, Creator: 'Nærvær' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const width = doc.page.width - 112;

  doc.font('Helvetica-Bold').fontSize(20).text('Evalueringsrapport: virtuel bostøtte');
  doc.moveDown(0.3).font('Helvetica').fontSize(12).text(organisation);
  doc.text(`Periode: ${periodName(s.from, s.to)}. Sammenlignet med: ${periodName(s.previousFrom, s.previousTo)}.`);
  doc.text(s.scope === 'organisation' && s.teams.length > 0 ? `Teams: ${s.teams.map((t) => t.name).join(', ')}` : scopeName(s));

  doc.moveDown().font('Helvetica-Bold').fontSize(13).text('Sådan læser du tallene');
  doc.font('Helvetica').fontSize(10.5);
  for (const paragraph of [...READING_GUIDE, SUPPRESSION_NOTE]) doc.moveDown(0.4).text(paragraph, { width });

  const columns = [0, width * 0.52, width * 0.76];
  for (const figure of s.figures) {
    if (doc.y > doc.page.height - 180) doc.addPage();
    doc.moveDown(1).font('Helvetica-Bold').fontSize(12).text(figureTitle(figure.id), 56);
    const head = doc.y + 4;
    doc.font('Helvetica-Oblique').fontSize(9.5);
    doc.text(periodName(s.from, s.to), 56 + columns[1]!, head, { width: width * 0.24 });
    doc.text(`Forrige: ${periodName(s.previousFrom, s.previousTo)}`, 56 + columns[2]!, head, { width: width * 0.24 });
    doc.font('Helvetica').fontSize(10.5);
    let y = Math.max(doc.y, head + 14) + 2;
    for (const row of figure.rows) {
      doc.text(rowLabel(row.key), 56, y, { width: columns[1]! - 8 });
      doc.text(text(publishable(row.current, row.currentBase, row.unit)), 56 + columns[1]!, y);
      doc.text(text(publishable(row.previous, row.previousBase, row.unit)), 56 + columns[2]!, y);
      y += 16;
    }
    doc.x = 56;
    doc.y = y;
  }
  doc.end();
  return done;
}
