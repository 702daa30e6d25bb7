import { Health } from '../../protocol/api.js';
import type { App, FeatureDeps } from '../http/types.js';

const VERSION = process.env.npm_package_version ?? '0.1.0';

export function healthRoutes(app: App, { sql }: FeatureDeps): void {
  app.get('/api/health', { schema: { tags: ['health'], response: { 200: Health, 503: Health } }, logLevel: 'warn' }, async (_request, reply) => {
    const database = await Promise.race([
      sql`select 1`.then(() => 'ok' as const, () => 'unavailable' as const),
      new Promise<'unavailable'>((resolve) => setTimeout(() => resolve('unavailable'), 2000).unref()),
    ]);
    const body: Health = { status: database === 'ok' ? 'ok' : 'degraded', database, version: VERSION, uptimeSeconds: Math.round(process.uptime()) };
    return reply.code(database === 'ok' ? 200 : 503).send(body);
  });
}
