import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Each server feature's public modules: what other features may import from it. Everything else in the folder
 * (routes, internal helpers) is its own business.
 */
const PUBLIC_MODULES = {
  audit: ['store'],
  auth: ['auth', 'session', 'tokens', 'keys', 'password', 'secrets', 'store'],
  booking: ['store'],
  calendar: ['ics'],
  calls: ['store', 'call-roles', 'room-token'],
  health: [],
  links: ['links', 'store'],
  people: ['store'],
  push: ['keys', 'sender', 'store'],
  events: ['events'],
  reminders: ['outbox', 'setup'],
  retention: ['retention', 'store'],
  attendance: ['store'],
  'follow-up': ['store'],
  'volunteer-times': ['store'],
  guests: ['store'],
};
/** Top-level modules of server/ that every feature uses and that use no feature. */
const INFRASTRUCTURE_FILES = ['config.ts', 'log.ts', 'time.ts', 'paths.ts', 'network.ts', 'media.ts'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // Import boundaries (docs: DESIGN.md). sfu/ is a media library that could run on another host: it never imports
  // the server, HTTP, the database or tokens. protocol/ is the contract both ends share: it imports neither end.
  // The client talks to the server only over HTTP/socket.io, through protocol/.
  {
    files: ['sfu/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/server/**', '**/client/**', '**/protocol/**'], message: 'sfu/ knows nothing of the server, the client or their contract.' },
          { group: ['fastify', '@fastify/*', 'postgres', 'socket.io', 'socket.io-client', 'jose', 'pino'], message: 'sfu/ knows nothing of HTTP, the database, signalling or tokens.' },
        ],
      }],
    },
  },
  {
    files: ['protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/server/**', '**/client/**', '**/sfu/**'], message: 'protocol/ is the shared contract: it imports neither end.' }],
      }],
    },
  },
  {
    files: ['client/**/*.ts', 'client/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/server/**', '**/sfu/**', 'postgres', 'fastify', 'mediasoup'], message: 'The client reaches the server only through protocol/ over the network.' }],
      }],
    },
  },
  // Features import each other only through their public modules (a store, the outbox, link issuing, …), never a
  // routes file: a feature can be reshaped inside without reading the rest. The HTTP and database layers and the
  // top-level helpers import no feature at all (only auth/auth.ts, which holds the Auth type and the cookie's name).
  // app.ts, main.ts, cli/ and demo/ compose everything and are exempt.
  ...Object.keys(PUBLIC_MODULES).map((feature) => ({
    files: [`server/${feature}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: Object.entries(PUBLIC_MODULES).filter(([other]) => other !== feature).map(([other, modules]) => ({
          group: [`**/server/${other}/**`, `../${other}/**`, `../../${other}/**`, ...modules.flatMap((m) => [`!**/server/${other}/${m}.js`, `!../${other}/${m}.js`, `!../../${other}/${m}.js`])],
          message: `Another feature reaches ${other}/ only through ${modules.map((m) => `${other}/${m}.ts`).join(', ') || 'nothing (it has no public module)'}.`,
        })),
      }],
    },
  })),
  {
    files: ['server/http/**/*.ts', 'server/db/**/*.ts', ...INFRASTRUCTURE_FILES.map((f) => `server/${f}`)],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{
          group: Object.keys(PUBLIC_MODULES).flatMap((f) => [`**/server/${f}/**`, `../${f}/**`, `./${f}/**`]).concat(['!../auth/auth.js', '!**/server/auth/auth.js']),
          allowTypeImports: true,
          message: 'The HTTP and database layers serve every feature and import none (types only, and auth/auth.ts).',
        }],
      }],
    },
  },
  // SQL lives in a feature's store (and in migrations): anywhere else in server/, running a query — a tagged template
  // on the pool or a transaction, or `.unsafe()` — or importing the database's functions is an error. Passing a
  // `Sql`/`Tx` along by type is fine. server/db/ (the infrastructure) and the composition roots are exempt.
  {
    files: ['server/**/*.ts'],
    ignores: ['server/**/store.ts', 'server/**/*-store.ts', 'server/db/**', 'server/app.ts', 'server/main.ts', 'server/cli/**', 'server/demo/**'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: 'TaggedTemplateExpression[tag.name=/^(sql|tx|admin|db|owner)$/]', message: 'SQL lives in the feature’s store.ts (or a migration).' },
        { selector: "CallExpression[callee.property.name='unsafe']", message: 'SQL lives in the feature’s store.ts (or a migration).' },
        { selector: "ImportDeclaration[importKind='value'][source.value=/^postgres$|db\\/database\\.js$/]", message: 'Only stores reach the database; pass a Sql or Tx along by type.' },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
