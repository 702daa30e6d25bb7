import { useEffect, useRef, useState } from 'react';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale } from 'chart.js';
import type { Me } from '../../../protocol/auth';
import { fillPath, splitKey } from '../../../protocol/contract';
import type { Figure, FigureId, FigureRow, Statistics } from '../../../protocol/statistics';
import { api } from '../api';
import { useI18n } from '../i18n/i18n';
import { INTL_LOCALE, organisationToday, type Locale } from '../i18n/locale';
import { useStatisticsTexts, type StatisticsTranslate } from './texts';

// Only what a grouped bar chart needs: chart.js stays out of every other screen (this file is its own lazy chunk).
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend);

const LENGTHS = [1, 3, 6, 12] as const;
const LENGTH_TEXT = { 1: 'months1', 3: 'months3', 6: 'months6', 12: 'months12' } as const;

/** The lines each chart draws (one unit per chart); the table under it has them all. */
const CHARTED: Record<FigureId, string[] | 'all'> = {
  ways: 'all', kinds: 'all', outcomes: 'all', feedback: 'all',
  audioOnly: ['videoCalls', 'audioOnlyCalls'],
  quality: ['medianRttMs'],
  answerTime: ['medianMinutes', 'p90Minutes'],
  travel: ['kmSaved'],
};

const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthOf = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

function monthName(month: string, locale: Locale): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-15T12:00:00Z`));
}
function periodName(from: string, to: string, locale: Locale): string {
  return from === to ? monthName(from, locale) : `${monthName(from, locale)} – ${monthName(to, locale)}`;
}

/**
 * Tal: the figures a municipality reports, per month and team (a coordinator picks; a worker sees their own work),
 * each as a chart and, under it, the same numbers as a table (the table is what a screen reader reads). The files to
 * hand on — the evaluation report, CSV, Excel — follow the same choice.
 */
export function StatisticsScreen({ me }: { me: Me }) {
  const s = useStatisticsTexts();
  const { locale } = useI18n();
  const thisMonth = organisationToday().slice(0, 7);
  const months = Array.from({ length: 24 }, (_, i) => monthOf(monthIndex(thisMonth) - i));
  const [to, setTo] = useState(thisMonth);
  const [length, setLength] = useState<(typeof LENGTHS)[number]>(1);
  const [teamId, setTeamId] = useState('');
  const [data, setData] = useState<Statistics | null>(null);
  const [failed, setFailed] = useState(false);
  const coordinator = me.user.role === 'coordinator';
  const query = { from: monthOf(monthIndex(to) - length + 1), to, ...(teamId ? { teamId } : {}) };

  useEffect(() => {
    let current = true;
    setFailed(false);
    api('GET /api/statistics', { query }).then(
      (reply) => current && setData(reply),
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [query.from, query.to, teamId]);

  const file = (key: 'GET /api/statistics/report.pdf' | 'GET /api/statistics/export.csv' | 'GET /api/statistics/export.xlsx') => fillPath(splitKey(key).path, undefined, query);

  return (
    <section className="card wide workspace-page statistics" aria-labelledby="statistics-title">
      <header className="page-head">
        <h1 id="statistics-title">{s('title')}</h1>
        <p className="hint-inline">{coordinator ? s('intro') : s('ownIntro')}</p>
      </header>
      <div className="grid-form statistics-pickers">
        <label>
          {s('month')}
          <select value={to} onChange={(e) => setTo(e.target.value)}>
            {months.map((m) => <option key={m} value={m}>{monthName(m, locale)}</option>)}
          </select>
        </label>
        <label>
          {s('length')}
          <select value={length} onChange={(e) => setLength(Number(e.target.value) as (typeof LENGTHS)[number])}>
            {LENGTHS.map((n) => <option key={n} value={n}>{s(LENGTH_TEXT[n])}</option>)}
          </select>
        </label>
        {coordinator && (
          <label>
            {s('team')}
            <select value={teamId} onChange={(e) => setTeamId(e.target.value)}>
              <option value="">{s('allTeams')}</option>
              {data?.teams.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </select>
          </label>
        )}
      </div>
      {failed && <p role="alert" className="notice notice-error">{s('failed')}</p>}
      {!data && !failed && <p role="status">{s('loading')}</p>}
      {data && (
        <>
          <p className="statistics-period" aria-live="polite">
            <strong>{periodName(data.from, data.to, locale)}</strong>
            {' · '}
            {s('previous', { period: periodName(data.previousFrom, data.previousTo, locale) })}
          </p>
          <div className="statistics-figures">
            {data.figures.map((figure) => <FigureCard key={figure.id} figure={figure} data={data} s={s} locale={locale} />)}
          </div>
          <section className="statistics-exports" aria-labelledby="statistics-exports-title">
            <h2 id="statistics-exports-title">{s('exportTitle')}</h2>
            <p className="hint-inline">{s('exportHint')}</p>
            <ul className="statistics-files">
              <li><a className="button-link primary-link" href={file('GET /api/statistics/report.pdf')} download>{s('report')}</a></li>
              <li><a className="button-link" href={file('GET /api/statistics/export.xlsx')} download>{s('xlsx')}</a></li>
              <li><a className="button-link" href={file('GET /api/statistics/export.csv')} download>{s('csv')}</a></li>
            </ul>
          </section>
        </>
      )}
    </section>
  );
}

function FigureCard({ figure, data, s, locale }: { figure: Figure; data: Statistics; s: StatisticsTranslate; locale: Locale }) {
  const title = s(`figure.${figure.id}`);
  const id = `figure-${figure.id}`;
  const number = new Intl.NumberFormat(INTL_LOCALE[locale], { maximumFractionDigits: 2 });
  const shown = (v: number | null) => (v === null ? s('none') : number.format(v));
  const charted = CHARTED[figure.id] === 'all' ? figure.rows : figure.rows.filter((r) => (CHARTED[figure.id] as string[]).includes(r.key));
  const current = periodName(data.from, data.to, locale);
  const previous = periodName(data.previousFrom, data.previousTo, locale);
  return (
    <article className="statistics-figure" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <BarChart rows={charted} labels={charted.map((r) => s(`row.${r.key}` as Parameters<StatisticsTranslate>[0]))}
        current={current} previous={previous} label={s('chartLabel', { title, period: current })} />
      <table className="statistics-table">
        <caption className="visually-hidden">{title}</caption>
        <thead>
          <tr><th scope="col">{s('line')}</th><th scope="col">{current}</th><th scope="col">{previous}</th></tr>
        </thead>
        <tbody>
          {figure.rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{s(`row.${row.key}` as Parameters<StatisticsTranslate>[0])}</th>
              <td>{shown(row.current)}</td>
              <td>{shown(row.previous)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}

/** The design's colours, read from the stylesheet (a canvas cannot use CSS variables itself). */
function token(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function BarChart({ rows, labels, current, previous, label }: { rows: FigureRow[]; labels: string[]; current: string; previous: string; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const ink = token('--ink', '#14232b');
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: current, data: rows.map((r) => r.current ?? 0), backgroundColor: token('--brand', '#1f4e5f') },
          { label: previous, data: rows.map((r) => r.previous ?? 0), backgroundColor: token('--accent', '#f4d58d'), borderColor: ink, borderWidth: 1 },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        // The table under the chart is what is read out; the canvas is described by its aria-label.
        events: [],
        plugins: { legend: { position: 'bottom', labels: { color: ink, boxWidth: 14, font: { size: 13 } } } },
        scales: {
          x: { ticks: { color: ink, font: { size: 12 } }, grid: { display: false } },
          y: { beginAtZero: true, ticks: { color: ink, precision: 0, font: { size: 12 } } },
        },
      },
    });
    return () => chart.destroy();
  }, [rows, labels.join('|'), current, previous]);
  return (
    <div className="statistics-chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
