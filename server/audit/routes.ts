import { route } from '../http/route.js';
import type { App } from '../http/types.js';

export function auditRoutes(app: App): void {
  route(app, 'GET /api/audit', async ({ auth, query }) =>
    app.audit.events(auth, { subjectId: query.subjectId, limit: Number(query.limit ?? 100) }));
}
