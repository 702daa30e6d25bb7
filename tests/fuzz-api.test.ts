/**
 * Fuzz test over the published API: every operation of the OpenAPI document at /api/docs × every role (and anonymous)
 * × generated malformed input (wrong types, control characters, huge strings, impossible dates, other organisations'
 * ids, odd path spellings, foreign or missing Origin). Whatever comes in:
 *   - no answer is a 5xx,
 *   - every 4xx has exactly the error shape {"error":{"code","message"}},
 *   - no row of another organisation changes (compared through the schema owner's connection, which RLS does not hide).
 * Operations are read from the OpenAPI document, so a route added later is fuzzed without editing this file.
 * Deterministic: each operation has a fixed seed (FUZZ_SEED=<n> changes them all); a failure prints how to replay it.
 * FUZZ_RUNS=<n> sets the random runs per operation; FUZZ_DEBUG=1 prints every request with its status.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Role } from '../protocol/common.js';
import { PASSWORD, sessionCookie, startHarness, type Org } from './support/harness.js';
import { rawRequest, requestHead } from './support/raw-http.js';
import { snapshotRows } from './support/snapshot.js';

const BASE_SEED = Number(process.env.FUZZ_SEED ?? 20_260_007);
// Random runs per operation, after the sweep (below), which already puts each bad value in each field: with 160
// operations, 10 keeps the file near a minute on two busy cores. FUZZ_RUNS=200 for a deeper search.
const RUNS = Number(process.env.FUZZ_RUNS ?? 10);

interface JsonSchema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}
interface Parameter { in: 'path' | 'query' | 'header' | 'cookie'; name: string; required?: boolean; schema: JsonSchema }
interface Operation { method: string; path: string; parameters: Parameter[]; body: JsonSchema | undefined }

const h = await startHarness({ SIGN_IN_RATE_LIMIT: '100000' }, { serve: true });
const port = Number(new URL(h.baseUrl).port);
afterAll(() => h.close());

// Two organisations: the one whose people send the requests, and another whose rows must never change.
const home = await h.seedOrganisation('Hjemkommune');
const other = await h.seedOrganisation('Andenkommune');
await populate(other);
await populate(home);

const ROLES: Role[] = ['citizen', 'worker', 'volunteer', 'coordinator'];
const actors: Record<Role, string> = { coordinator: home.coordinatorId, worker: home.workerId, volunteer: home.volunteerId, citizen: home.citizenId };
const actorRows = await h.admin<{ id: string; email: string | null; password_hash: string | null }[]>`
  select id, email, password_hash from users where id = any(${Object.values(actors)})`;
const cookies = new Map<Role, string>();

/**
 * Every uuid stored in an organisation's rows, by table and column ("appointments.id", "caseloads.citizen_id"): ids of
 * people, appointments, links, calls… of any table, now or later.
 */
async function idsOf(organisationId: string): Promise<Map<string, string[]>> {
  const columns = await h.admin<{ table_name: string; column_name: string }[]>`
    select c.table_name, c.column_name from information_schema.columns c
    where c.table_schema = 'public' and c.data_type = 'uuid'
      and exists (select 1 from information_schema.columns o where o.table_schema = 'public' and o.table_name = c.table_name and o.column_name = 'organisation_id')`;
  const ids = new Map<string, string[]>();
  for (const { table_name: table, column_name: column } of columns) {
    const rows = await h.admin.unsafe<{ id: string }[]>(`select distinct "${column}"::text as id from "${table}" where organisation_id = $1 and "${column}" is not null order by 1 limit 50`, [organisationId]);
    if (rows.length) ids.set(`${table}.${column}`, rows.map((r) => r.id));
  }
  return ids;
}
const otherIndex = await idsOf(other.id);
const homeIndex = await idsOf(home.id);
const allOf = (index: Map<string, string[]>) => [...new Set([...index.values()].flat())].sort();
const otherIds = allOf(otherIndex);

/**
 * The ids a field of this name most likely holds, so that generated requests find real rows: `citizenId` takes the
 * values of *citizen_id columns, `appointmentId` the ids of tables named like appointment…; anything else every id.
 */
function idsNamed(index: Map<string, string[]>, name: string | undefined): string[] {
  const stem = name?.endsWith('Id') ? name.slice(0, -2).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : undefined;
  const found = new Set<string>();
  if (stem) {
    for (const [key, ids] of index) {
      const [table = '', column = ''] = key.split('.');
      if (column === `${stem}_id` || column.endsWith(`_${stem}_id`) || (column === 'id' && table.includes(stem))) for (const id of ids) found.add(id);
    }
  }
  return found.size ? [...found].sort() : allOf(index);
}

const docs = (await h.request('GET', '/api/docs')).json() as { paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }>> };
const operations: Operation[] = Object.entries(docs.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({
    method: method.toUpperCase(),
    path,
    parameters: op.parameters ?? [],
    body: op.requestBody?.content?.['application/json']?.schema,
  })),
);

describe('fuzzing every operation of /api/docs', () => {
  it('finds the API in the document', () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(otherIds.length).toBeGreaterThan(10);
  });

  for (const operation of operations) {
    const name = `${operation.method} ${operation.path}`;
    it(name, async () => {
      const seed = seedFor(name);
      const before = await snapshotRows(h.admin, other.id);
      try {
        await fc.assert(fc.asyncProperty(requestArbitrary(operation), (input) => check(operation, input)), {
          seed, numRuns: RUNS, examples: sweep(operation, seed).map((input) => [input]),
        });
      } catch (error) {
        const cause = (error as Error & { cause?: Error }).cause;
        throw new Error(`${name} failed; replay with FUZZ_SEED=${BASE_SEED} (seed of this operation ${seed})\n${cause?.message ?? ''}\n${(error as Error).message}`, { cause: error });
      } finally {
        await repairHome();
      }
      expect(await snapshotRows(h.admin, other.id), `${name} changed another organisation's rows (FUZZ_SEED=${BASE_SEED})`).toEqual(before);
    }, 120_000);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// What one generated request is, and how it is sent and checked.

interface FuzzRequest {
  role: Role | 'anonymous';
  origin: 'own' | 'foreign' | 'missing';
  spelling: 'plain' | 'percent-encoded' | 'double-slash' | 'absolute-form';
  params: Record<string, string>;
  query: [string, string][];
  body: { kind: 'json'; value: unknown } | { kind: 'none' } | { kind: 'raw'; text: string; contentType: string | undefined };
}

async function check(operation: Operation, input: FuzzRequest): Promise<void> {
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => input.params[name] ?? 'x');
  const query = input.query.length ? `?${input.query.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')}` : '';
  const target = spell(path, input.spelling) + query;
  const headers: Record<string, string | undefined> = {
    Host: `127.0.0.1:${port}`,
    Origin: input.origin === 'own' ? h.baseUrl : input.origin === 'foreign' ? 'https://evil.example' : undefined,
    Cookie: input.role === 'anonymous' ? undefined : await cookie(input.role),
  };
  let payload = '';
  if (input.body.kind === 'json') {
    payload = JSON.stringify(input.body.value) ?? '';
    headers['Content-Type'] = 'application/json';
  } else if (input.body.kind === 'raw') {
    payload = input.body.text;
    headers['Content-Type'] = input.body.contentType;
  }
  if (payload !== '' || !['GET', 'HEAD', 'DELETE'].includes(operation.method)) headers['Content-Length'] = String(Buffer.byteLength(payload));
  const response = await rawRequest(port, requestHead(operation.method, target, headers), payload);
  if (process.env.FUZZ_DEBUG) console.log(response.status, operation.method, target.slice(0, 120), input.role, payload.slice(0, 120));
  const what = `${operation.method} ${target.slice(0, 300)} as ${input.role}, origin ${input.origin}, body ${payload.slice(0, 300)}`;
  if (!(response.status >= 200 && response.status < 500)) throw new Error(`answered ${response.status} to ${what}: ${response.body.slice(0, 500)}`);
  if (response.status >= 400) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body);
    } catch {
      throw new Error(`a ${response.status} without a JSON body to ${what}: ${response.body.slice(0, 300)}`);
    }
    if (!isErrorShape(parsed)) throw new Error(`a ${response.status} not in the error shape to ${what}: ${response.body.slice(0, 300)}`);
  }
  // A signed-in role whose session a request ended (logout, deactivation, password change) signs in again next time.
  if (response.status === 401 && input.role !== 'anonymous') cookies.delete(input.role);
}

/** Percent-encodes the UTF-8 bytes of any string (encodeURIComponent throws on a lone surrogate; this sends U+FFFD). */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

function isErrorShape(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Object.keys(value).join() !== 'error') return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && Object.keys(error).sort().join() === 'code,message'
    && typeof (error as { code: unknown }).code === 'string' && typeof (error as { message: unknown }).message === 'string';
}

/** The router takes all of these to the same route (or to none): none may get past a check that the plain one meets. */
function spell(path: string, spelling: FuzzRequest['spelling']): string {
  switch (spelling) {
    case 'plain': return path;
    case 'percent-encoded': return path.replace(/^\/api\//, '/%61pi/');
    case 'double-slash': return `/${path}`;
    case 'absolute-form': return `http://127.0.0.1:${port}${path}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Generators.

// NUL most often: PostgreSQL cannot store it at all, so it is the one that turns into a 500 when a check is missing.
const CONTROL = ['\u0000', '\u0000', '\u0000', '\u0000', '\u0001', '\u0008', '\u000b', '\u001b', '\u007f', '\u0085', '\u009f', '\n', '\r', '\t'];
const TRICKY = [
  '', ' ', '\u202e', '\ud800', '😀', 'Æøå', "' or 1=1 --", '"; drop table users; --', '../../etc/passwd', '%00', '%c0%ae%c0%ae',
  '__proto__', 'constructor', '{}', '[]', 'null', 'true', '-1', '0', '1e309', 'NaN',
];
const IMPOSSIBLE_DATES = ['2027-02-30', '0000-00-00', '2026-13-01', '2026-04-31', '9999-99-99', '2027-02-29', '2026-06-01T24:00', '2026-06-01T10:60', '2027-02-30T10:00', '0000-00-00T00:00'];

const otherId = fc.constantFrom(...otherIds);

/** An id for a field: of the other organisation (to reach across), of our own (to reach a handler), or of nothing. */
function idFor(name: string | undefined, ids: Ids): fc.Arbitrary<string> {
  const own = fc.constantFrom(...idsNamed(homeIndex, name));
  if (ids === 'home') return own;
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...idsNamed(otherIndex, name)) }, { weight: 2, arbitrary: own }, { weight: 1, arbitrary: fc.uuid() });
}
type Ids = 'any' | 'home';

const withControl = fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom(...CONTROL), fc.string({ maxLength: 20 })).map(([a, c, b]) => `${a}${c}${b}`);
const hugeString = fc.constantFrom(300, 2_100, 70_000).map((n) => 'x'.repeat(n));
const junkString = fc.oneof({ weight: 3, arbitrary: withControl }, hugeString, fc.constantFrom(...TRICKY, ...IMPOSSIBLE_DATES), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);
const malformed: fc.Arbitrary<unknown> = fc.oneof({ weight: 3, arbitrary: junkString }, { weight: 2, arbitrary: wrongType }, { weight: 1, arbitrary: otherId });
const badValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: withControl }, { weight: 1, arbitrary: hugeString }, { weight: 1, arbitrary: fc.constantFrom(...TRICKY, ...IMPOSSIBLE_DATES) },
  { weight: 2, arbitrary: wrongType }, { weight: 1, arbitrary: otherId },
);

/** Values that fit the schema (mostly), so that requests reach the handlers and not only the validator. */
function fitting(schema: JsonSchema | undefined, depth = 0, name?: string, ids: Ids = 'any'): fc.Arbitrary<unknown> {
  if (!schema) return fc.constant(undefined);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => fitting(s, depth, name, ids)));
  if (schema.allOf?.[0]) return fitting(schema.allOf[0], depth, name, ids);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': return fittingString(schema, name, ids);
    case 'integer': return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'number': return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case 'boolean': return fc.boolean();
    case 'null': return fc.constant(null);
    case 'array': return depth > 3 ? fc.constant([]) : fc.uniqueArray(fitting(schema.items, depth + 1, name, ids), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4), selector: (v) => JSON.stringify(v) });
    case 'object': return depth > 3 ? fc.constant({}) : fittingObject(schema, depth + 1, ids);
    default: return fc.oneof(fc.string({ maxLength: 10 }), fc.integer());
  }
}

function fittingString(schema: JsonSchema, name?: string, ids: Ids = 'any'): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid': return idFor(name, ids);
    case 'date': return fc.oneof(fc.date({ min: new Date('2020-01-01'), max: new Date('2035-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), fc.constantFrom(...IMPOSSIBLE_DATES));
    case 'local-date-time': return fc.oneof(fc.date({ min: new Date('2024-01-01'), max: new Date('2032-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 13) + ':00'), fc.constantFrom(...IMPOSSIBLE_DATES));
    case 'date-time': return fc.date({ min: new Date('2020-01-01'), max: new Date('2035-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'email': return fc.emailAddress();
  }
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern));
    } catch {
      // a pattern fast-check cannot generate from (look-ahead): plain text of a fitting length
    }
  }
  return fc.oneof(fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 60) }), withControl);
}

/** Fitting, often malformed inside: objects may lose required fields, gain unknown ones, hold bad values. */
function value(schema: JsonSchema | undefined, depth = 0, name?: string): fc.Arbitrary<unknown> {
  const type = Array.isArray(schema?.type) ? schema?.type[0] : schema?.type;
  const loose = type === 'object' && depth <= 3 ? objectOf(schema!, depth + 1) : type === 'array' && depth <= 3
    ? fc.array(value(schema!.items, depth + 1, name), { maxLength: 4 }) : fitting(schema, depth, name);
  return fc.oneof({ weight: 3, arbitrary: loose }, { weight: 1, arbitrary: malformed });
}

/** An object the schema accepts: every required property, some optional ones, nothing else. */
function fittingObject(schema: JsonSchema, depth: number, ids: Ids = 'any'): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([key, propertySchema]) => {
    const field = fitting(propertySchema, depth, key, ids).map((v) => [key, v] as const);
    return required.has(key) ? field : fc.option(field, { nil: undefined });
  });
  return fc.tuple(...fields).map((pairs) => Object.fromEntries(pairs.filter((p) => p !== undefined)));
}

function objectOf(schema: JsonSchema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const fields = properties.map(([key, propertySchema]) =>
    // A required field is left out now and then; an optional one about half the time.
    fc.option(value(propertySchema, depth, key).map((v) => [key, v] as const), { freq: required.has(key) ? 8 : 2, nil: undefined }));
  const extra = fc.option(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'organisationId', 'role', 'id', 'x'), malformed), { freq: 4, nil: undefined });
  return fc.tuple(fc.tuple(...fields), extra).map(([pairs, more]) => {
    const object: Record<string, unknown> = {};
    for (const pair of pairs) if (pair) object[pair[0]] = pair[1];
    if (more) Object.defineProperty(object, more[0], { value: more[1], enumerable: true, writable: true, configurable: true });
    return object;
  });
}

const pathValue = (name: string) => fc.oneof(
  { weight: 6, arbitrary: idFor(name, 'any') },
  { weight: 1, arbitrary: fc.constantFrom('%00', '%c0%ae%c0%ae', '..', '%2e%2e%2f', '%2F', 'x'.repeat(150), '5F0C3C2E-0000-4000-8000-00000000000G', '%20', '%E0%A4%A', '1') },
  { weight: 1, arbitrary: junkString.map((s) => percentEncode(s.slice(0, 200))) },
);

/**
 * A third of the runs are wild (anything goes everywhere); the others are focused: a request of a role the route allows,
 * from our own origin, with fitting ids and body, in which exactly one field, parameter or query value is malformed —
 * so that bad values reach the handlers and the database, not only the validator or the role check.
 */
function requestArbitrary(operation: Operation): fc.Arbitrary<FuzzRequest> {
  return fc.oneof({ weight: 1, arbitrary: wildRequest(operation) }, { weight: 2, arbitrary: focusedRequest(operation) });
}

function rolesAllowed(operation: Operation): FuzzRequest['role'][] {
  const url = operation.path.replace(/\{(\w+)\}/g, ':$1');
  const roles = h.app.apiRoutes.find((r) => r.method === operation.method && r.url === url)?.roles;
  return roles ? [...roles] : ['anonymous', ...ROLES];
}

function wildRequest(operation: Operation): fc.Arbitrary<FuzzRequest> {
  const pathParams = operation.parameters.filter((p) => p.in === 'path');
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  const allowed = rolesAllowed(operation);
  const params = fc.tuple(...pathParams.map((p) => pathValue(p.name))).map((values) => Object.fromEntries(pathParams.map((p, i) => [p.name, values[i]!])));
  const query = fc.tuple(
    fc.tuple(...queryParams.map((p) => fc.option(value(p.schema, 0, p.name).map((v) => [p.name, asQueryValue(v)] as [string, string]), { freq: p.required ? 8 : 2, nil: undefined }))),
    fc.option(fc.tuple(fc.constantFrom('organisationId', 'x', '__proto__'), junkString), { freq: 6, nil: undefined }),
  ).map(([pairs, extra]) => [...pairs.filter((p): p is [string, string] => p !== undefined), ...(extra ? [extra] : [])]);
  const body: fc.Arbitrary<FuzzRequest['body']> = fc.oneof(
    { weight: operation.body ? 8 : 1, arbitrary: value(operation.body).map((v) => ({ kind: 'json' as const, value: v })) },
    { weight: operation.body ? 1 : 4, arbitrary: fc.constant({ kind: 'none' as const }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('raw' as const),
        text: fc.constantFrom('{', '{"a":', 'null', '[]', '\u0000', '{"__proto__":{"x":1}}', 'a=b', 'x'.repeat(70_000)),
        contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', undefined),
      }),
    },
  );
  return fc.record({
    role: fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...allowed) }, { weight: 1, arbitrary: fc.constantFrom<FuzzRequest['role']>('anonymous', ...ROLES) }),
    origin: fc.oneof({ weight: 6, arbitrary: fc.constant('own' as const) }, { weight: 1, arbitrary: fc.constantFrom('foreign' as const, 'missing' as const) }),
    spelling: fc.oneof({ weight: 8, arbitrary: fc.constant('plain' as const) }, { weight: 1, arbitrary: fc.constantFrom('percent-encoded' as const, 'double-slash' as const, 'absolute-form' as const) }),
    params,
    query,
    body,
  });
}

function focusTargets(operation: Operation): string[] {
  return [
    ...operation.parameters.filter((p) => p.in === 'path' || p.in === 'query').map((p) => `${p.in}:${p.name}`),
    ...Object.keys(operation.body?.properties ?? {}).map((k) => `body:${k}`),
  ];
}

/** A request of a role the route allows, from our own origin, with fitting ids, query and body. */
function fittingRequest(operation: Operation, ids: Ids) {
  const pathParams = operation.parameters.filter((p) => p.in === 'path');
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  return fc.record({
    role: fc.constantFrom(...rolesAllowed(operation)),
    params: fc.tuple(...pathParams.map((p) => fittingString(p.schema, p.name, ids))).map((values) => Object.fromEntries(pathParams.map((p, i) => [p.name, percentEncode(values[i]!)]))),
    query: fc.tuple(...queryParams.map((p) => fc.option(fitting(p.schema, 0, p.name, ids).map((v) => [p.name, asQueryValue(v)] as [string, string]), { freq: p.required ? 1000 : 2, nil: undefined })))
      .map((pairs) => pairs.filter((p): p is [string, string] => p !== undefined)),
    body: operation.body ? fitting(operation.body, 0, undefined, ids) : fc.constant(undefined),
  });
}

/** The fitting request with one target (path:x, query:x or body:x) set to a bad value. */
function withBadValue(request: { role: FuzzRequest['role']; params: Record<string, string>; query: [string, string][]; body: unknown }, target: string | undefined, bad: unknown): FuzzRequest {
  let { params, query, body } = request;
  const [where, name] = target?.split(/:(.*)/) ?? [];
  if (where === 'path') params = { ...params, [name!]: percentEncode(typeof bad === 'string' ? bad : JSON.stringify(bad) ?? '') };
  if (where === 'query') query = [...query.filter(([k]) => k !== name), [name!, asQueryValue(bad)]];
  if (where === 'body' && typeof body === 'object' && body !== null && !Array.isArray(body)) body = { ...body, [name!]: bad };
  return { role: request.role, origin: 'own', spelling: 'plain', params, query, body: body === undefined ? { kind: 'none' } : { kind: 'json', value: body } };
}

function focusedRequest(operation: Operation): fc.Arbitrary<FuzzRequest> {
  const targets = focusTargets(operation);
  return fc.tuple(fittingRequest(operation, 'any'), targets.length ? fc.constantFrom(...targets) : fc.constant(undefined), badValue)
    .map(([request, target, bad]) => withBadValue(request, target, bad));
}

/**
 * Run first, before the random runs: every field, parameter and query value of the operation gets, in turn, text with
 * a NUL in it, a value of the wrong type and an id of the other organisation — so those are never left to chance.
 */
function sweep(operation: Operation, seed: number): FuzzRequest[] {
  // The requests it starts from are our own organisation's (two, as one may fail a check of its own before the bad
  // value matters), so that they get as far as they can.
  const bases = fc.sample(fittingRequest(operation, 'home'), { seed, numRuns: 2 });
  const bads: unknown[] = ['nul\u0000byte', { nested: true }, otherIds[0]!];
  return bases.flatMap((base) => focusTargets(operation).flatMap((target) => bads.map((bad) => withBadValue(base, target, bad))));
}

function asQueryValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? '';
}

function seedFor(name: string): number {
  return (BASE_SEED ^ createHash('sha256').update(name).digest().readInt32BE(0)) | 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Sessions and data.

async function cookie(role: Role): Promise<string> {
  let value = cookies.get(role);
  if (value) return value;
  // An earlier request may have deactivated this person or changed their e-mail or password: undo that first.
  await restoreActors();
  if (role === 'citizen') {
    let link = await h.request('POST', `/api/citizens/${home.citizenId}/links`, { cookie: await cookie('worker') });
    if (link.statusCode === 401) {
      // the worker's session was ended by an earlier request (a logout answers 204): sign the worker in again
      cookies.delete('worker');
      link = await h.request('POST', `/api/citizens/${home.citizenId}/links`, { cookie: await cookie('worker') });
    }
    const exchanged = await h.request('POST', '/api/citizen-links/exchange', { body: { secret: new URL(link.json().url).hash.slice(1) } });
    value = sessionCookie(exchanged);
  } else {
    const email = { coordinator: home.coordinatorEmail, worker: home.workerEmail, volunteer: home.volunteerEmail }[role];
    value = await h.login(email, PASSWORD);
  }
  cookies.set(role, value);
  return value;
}

/**
 * Undoes what fuzzed requests may legitimately do to the requesting organisation's own sign-ins (deactivating a
 * colleague, changing an e-mail or password, locking an account), so that every operation is fuzzed with working
 * sessions. Nothing here touches the other organisation.
 */
async function repairHome(): Promise<void> {
  await restoreActors();
  for (const role of ROLES) {
    const current = cookies.get(role);
    if (current && (await h.request('GET', '/api/me', { cookie: current })).statusCode !== 200) cookies.delete(role);
  }
}

async function restoreActors(): Promise<void> {
  for (const actor of actorRows) {
    await h.admin`update users set email = ${actor.email}, password_hash = ${actor.password_hash}, active = true where id = ${actor.id}`;
  }
  await h.admin`delete from sign_in_failures where organisation_id = ${home.id}`;
}

/** Rows of many kinds, so that there is something to reach: a team, appointments, a medication schedule, links, a call. */
async function populate(org: Org): Promise<void> {
  const coordinator = await h.login(org.coordinatorEmail);
  const worker = await h.login(org.workerEmail);
  const ok = (response: { statusCode: number; body: string }, what: string) => {
    if (response.statusCode >= 300) throw new Error(`populating: ${what} answered ${response.statusCode} ${response.body}`);
    return response;
  };
  ok(await h.request('POST', '/api/teams', { cookie: coordinator, body: { name: 'Team Øst' } }), 'team');
  ok(await h.request('POST', '/api/appointments', { cookie: worker, body: { citizenId: org.citizenId, start: '2031-05-05T10:00', modality: 'video', staffNote: 'Note', repeatWeeks: 2 } }), 'booking');
  ok(await h.request('PUT', `/api/citizens/${org.citizenId}/settings`, { cookie: worker, body: { smsReminders: true } }), 'settings');
  ok(await h.request('POST', `/api/citizens/${org.citizenId}/medication-schedules`, { cookie: worker, body: { timesOfDay: ['08:00'], weekdays: [1, 3], wording: 'Husk medicin' } }), 'medication');
  ok(await h.request('POST', `/api/citizens/${org.citizenId}/links`, { cookie: worker }), 'link');
  ok(await h.request('POST', '/api/calls', { cookie: worker, body: { citizenId: org.citizenId } }), 'call');
  ok(await h.request('POST', '/api/calendar-feeds', { cookie: worker }), 'calendar feed');
}
