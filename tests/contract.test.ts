import path from 'node:path';
import Fastify from 'fastify';
import ts from 'typescript';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ReplyOf, RequestOf } from '../protocol/contract.js';
import type { Appointment } from '../protocol/booking.js';
import { routes, type Routes } from '../protocol/routes.js';
import { requireContract } from '../server/http/route.js';
import { ROOT } from '../server/paths.js';
import { startHarness } from './support/harness.js';

// The route tables in protocol/ are the contract: the server registers its routes from them and the client's api() is
// typed from them. These tests show both halves hold: wrong shapes do not compile, and no route exists outside a table.

describe('the HTTP contract, at compile time', () => {
  it('types requests and replies from the table', () => {
    type Book = Routes['POST /api/appointments'];
    expectTypeOf<ReplyOf<Book>>().toEqualTypeOf<Appointment[]>();
    expectTypeOf<RequestOf<Book>['body']>().toHaveProperty('citizenId').toEqualTypeOf<string>();
    expectTypeOf<ReplyOf<Routes['POST /api/auth/logout']>>().toEqualTypeOf<void>();
    // @ts-expect-error — a body field the contract does not have
    const extra: RequestOf<Book>['body'] = { citizenId: 'x', start: '2030-01-01T10:00', modality: 'video', colour: 'red' };
    // @ts-expect-error — a modality that does not exist
    const wrongValue: RequestOf<Book>['body'] = { citizenId: 'x', start: '2030-01-01T10:00', modality: 'carrier-pigeon' };
    // @ts-expect-error — a path parameter under the wrong name
    const wrongParams: RequestOf<Routes['POST /api/appointments/:appointmentId/cancel']>['params'] = { id: 'x' };
    void [extra, wrongValue, wrongParams];
  });

  // A real compile of client code the way `npm run typecheck` does it: a planted screen that gets a body wrong, reads a
  // reply field that does not exist, and calls a route that does not exist fails; the same screen done right passes.
  function compileClient(source: string): string[] {
    // The planted file exists only in memory (a compiler host that knows one more file), so nothing else that reads
    // client/src at the same time — the lint of the boundaries test — ever sees it.
    const file = path.join(ROOT, 'client', 'src', '.planted-contract.ts');
    const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'client', 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const options = { ...config.options, noEmit: true };
    const host = ts.createCompilerHost(options);
    const planted = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, ...rest) => (path.resolve(name) === file ? planted : getSourceFile(name, ...rest));
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
    const program = ts.createProgram([file], options, host);
    return ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === planted.fileName).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }

  it('a client that sends the wrong body or reads the wrong reply does not compile', () => {
    const right = compileClient(`import { api } from './api';
export async function book(citizenId: string): Promise<string> {
  const booked = await api('POST /api/appointments', { body: { citizenId, start: '2030-01-01T10:00', modality: 'video' } });
  return booked[0]!.start;
}\n`);
    expect(right).toEqual([]);

    const wrong = compileClient(`import { api } from './api';
export async function book(citizenId: number): Promise<string> {
  const booked = await api('POST /api/appointments', { body: { citizenId, start: '2030-01-01T10:00', modality: 'video' } });
  await api('POST /api/appointments/:appointmentId/cancel', { params: { appointmentId: 'x' }, body: {} });
  await api('GET /api/no-such-route');
  return booked[0]!.startTime;
}\n`);
    expect(wrong).toHaveLength(4);
    expect(wrong.join('\n')).toMatch(/citizenId/);
    expect(wrong.join('\n')).toMatch(/reason/);
    expect(wrong.join('\n')).toMatch(/no-such-route/);
    expect(wrong.join('\n')).toMatch(/startTime/);
  });
});

describe('the HTTP contract, at run time', () => {
  it('every route the server has comes from a table, and every table entry is served with its roles', async () => {
    const harness = await startHarness();
    try {
      const served = harness.app.apiRoutes.map((r) => `${r.method} ${r.url}`).sort();
      // apiRoutes lists /api routes; the calendar feed (/calendar/…) is registered through the same route() and hook.
      expect(served).toEqual(Object.keys(routes).filter((key) => key.includes(' /api/')).sort());
      for (const r of harness.app.apiRoutes) {
        const spec = routes[`${r.method} ${r.url}` as keyof Routes];
        expect(r.roles ? [...r.roles].sort() : null, `${r.method} ${r.url}`).toEqual(spec.roles ? [...spec.roles].sort() : null);
      }
    } finally {
      await harness.close();
    }
  });

  it('an /api route without a contract cannot be registered', async () => {
    // The same hook buildApp installs, on a bare instance.
    const app = Fastify();
    app.addHook('onRoute', requireContract);
    expect(() => app.get('/api/planted', async () => ({}))).toThrow(/GET \/api\/planted has no contract in protocol/);
    expect(() => app.get('/not-api', async () => ({}))).not.toThrow();
    await app.close();
  });
});
