import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../server/paths.js';

// The import boundaries are ESLint rules (eslint.config.js), so `npm run lint` stops a wrong import at once. These tests
// prove the rules bite: a planted import in each layer is reported, and the real code has none.
const eslint = new ESLint({ cwd: ROOT });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
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
    expect(await restrictedImports('client/src/planted.ts', "import type { Me } from '../../protocol/api.js';\nexport type Y = Me;")).toEqual([]);
  });

  it('the code as it is keeps the boundaries', async () => {
    const results = await eslint.lintFiles(['sfu/', 'protocol/', 'client/src/']);
    const broken = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => `${r.filePath}:${m.line} ${m.message}`));
    expect(broken).toEqual([]);
  });
});
