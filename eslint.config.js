import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
