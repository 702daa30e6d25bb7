/** The figures over HTTP: the screen's JSON, the CSV/XLSX exports, the evaluation report, and a citizen's travel distance. */
import { route } from '../http/route.js';
import type { App } from '../http/types.js';
import { statisticsCsv, statisticsPdf, statisticsXlsx } from './export.js';

/** "naervaer-2026-03-2026-05.xlsx": the period only, never a team's or a person's name. */
const filename = (from: string, to: string, ext: string) => `attachment; filename="naervaer-${from}-${to}.${ext}"`;

export function statisticsRoutes(app: App): void {
  const store = app.statistics;

  route(app, 'GET /api/statistics', async ({ auth, query }) => store.statistics(auth, query));

  route(app, 'GET /api/statistics/export.csv', async ({ auth, query, reply }) => {
    const { statistics } = await store.exported(auth, query, 'csv');
    reply.header('content-disposition', filename(statistics.from, statistics.to, 'csv'));
    return statisticsCsv(statistics);
  });

  route(app, 'GET /api/statistics/export.xlsx', async ({ auth, query, reply }) => {
    const { statistics } = await store.exported(auth, query, 'xlsx');
    reply.header('content-disposition', filename(statistics.from, statistics.to, 'xlsx'));
    return (await statisticsXlsx(statistics));
  });

  route(app, 'GET /api/statistics/report.pdf', async ({ auth, query, reply }) => {
    const { statistics, organisation } = await store.exported(auth, query, 'pdf');
    reply.header('content-disposition', filename(statistics.from, statistics.to, 'pdf').replace('naervaer-', 'evaluering-'));
    return (await statisticsPdf(statistics, organisation));
  });

  route(app, 'GET /api/citizens/:citizenId/travel', async ({ auth, params }) => store.travel(auth, params.citizenId));
  route(app, 'PUT /api/citizens/:citizenId/travel', async ({ auth, params, body }) => store.setTravel(auth, params.citizenId, body));
}
