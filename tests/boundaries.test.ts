import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../server/paths.js';

// The import boundaries are ESLint rules (eslint.config.js), so `npm run lint` stops a wrong import at once. These tests
// prove the rules bite: a planted import in each layer is reported, and the real code has none.
const eslint = new ESLint({ cwd: ROOT });
const RULES = ['no-restricted-imports', '@typescript-eslint/no-restricted-imports'];

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => RULES.includes(m.ruleId ?? '')).map((m) => m.message);
}

describe('import boundaries', () => {
  it('sfu/ may not import the server, HTTP, the database, socket.io or tokens', async () => {
    for (const code of [
      "import { parseConfig } from '../server/config.js';\nexport const x = parseConfig;",
      "export { buildApp } from '../server/app.js';",
      "import postgres from 'postgres';\nexport const x = postgres;",
      "import Fastify from 'fastify';\nexport const x = Fastify;",
      "import { Server } from 'socket.io';\nexport const x = Server;",
      "import { SignJWT } from 'jose';\nexport const x = SignJWT;",
    ]) {
      expect(await restrictedImports('sfu/planted.ts', code), code).toHaveLength(1);
    }
    expect(await restrictedImports('sfu/planted.ts', "import type { types } from 'mediasoup';\nexport type X = types.Worker;")).toEqual([]);
  });

  it('protocol/ imports neither end, and the client does not import the server or sfu/', async () => {
    expect(await restrictedImports('protocol/planted.ts', "import { x } from '../server/http/errors.js';\nexport const y = x;")).toHaveLength(1);
    expect(await restrictedImports('client/src/planted.ts', "import { x } from '../../server/config.js';\nexport const y = x;")).toHaveLength(1);
    expect(await restrictedImports('client/src/planted.ts', "import { x } from '../../sfu/index.js';\nexport const y = x;")).toHaveLength(1);
    expect(await restrictedImports('client/src/planted.ts', "import type { Me } from '../../protocol/auth.js';\nexport type Y = Me;")).toEqual([]);
  });

  it('a server feature reaches another only through its public modules, never its routes', async () => {
    const planted = (code: string) => restrictedImports('server/booking/planted.ts', `${code}\nexport const y = x;`);
    expect(await planted("import { x } from '../calls/routes.js';")).toHaveLength(1);
    expect(await planted("import { x } from '../calls/signalling/registry.js';")).toHaveLength(1);
    expect(await planted("import { x } from '../people/routes.js';")).toHaveLength(1);
    expect(await planted("import { x } from '../calls/store.js';")).toEqual([]);
    expect(await planted("import { x } from '../reminders/outbox.js';")).toEqual([]);
    // Inside its own feature anything goes.
    expect(await planted("import { x } from './citizen-routes.js';")).toEqual([]);
    expect(await restrictedImports('server/calls/signalling/planted.ts', "import { x } from '../../links/join-routes.js';\nexport const y = x;")).toHaveLength(1);
  });

  it('the HTTP and database layers import no feature (types and auth/auth.ts aside)', async () => {
    expect(await restrictedImports('server/http/planted.ts', "import { x } from '../booking/store.js';\nexport const y = x;")).toHaveLength(1);
    expect(await restrictedImports('server/db/planted.ts', "import { x } from '../people/store.js';\nexport const y = x;")).toHaveLength(1);
    expect(await restrictedImports('server/time.ts', "import { x } from './booking/store.js';\nexport const y = x;")).toHaveLength(1);
    expect(await restrictedImports('server/http/planted.ts', "import type { BookingStore } from '../booking/store.js';\nexport type Y = BookingStore;")).toEqual([]);
    expect(await restrictedImports('server/http/planted.ts', "import { SESSION_COOKIE } from '../auth/auth.js';\nexport const y = SESSION_COOKIE;")).toEqual([]);
  });

  it('SQL runs only in stores (and server/db/, the infrastructure)', async () => {
    const sqlRule = async (filePath: string, code: string) => {
      const [result] = await eslint.lintText(code, { filePath });
      return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
    };
    const query = "import type { Tx } from '../db/database.js';\nexport const f = (tx: Tx) => tx`select 1`;";
    expect(await sqlRule('server/booking/routes.ts', query)).toHaveLength(1);
    expect(await sqlRule('server/calls/signalling/planted.ts', "import type { Sql } from 'postgres';\nexport const f = (sql: Sql) => sql.unsafe('select 1');")).toHaveLength(1);
    expect(await sqlRule('server/people/routes.ts', "import { inOrganisation } from '../db/database.js';\nexport const f = inOrganisation;")).toHaveLength(1);
    expect(await sqlRule('server/booking/store.ts', query)).toEqual([]);
    expect(await sqlRule('server/reminders/settings-store.ts', query)).toEqual([]);
    expect(await sqlRule('server/links/links.ts', "import type { Tx } from '../db/database.js';\nexport type T = Tx;")).toEqual([]);
  });

  it('the code as it is keeps the boundaries', async () => {
    const results = await eslint.lintFiles(['sfu/', 'protocol/', 'client/src/', 'server/']);
    const broken = results.flatMap((r) => r.messages.filter((m) => [...RULES, 'no-restricted-syntax'].includes(m.ruleId ?? '')).map((m) => `${r.filePath}:${m.line} ${m.message}`));
    expect(broken).toEqual([]);
  });
});
