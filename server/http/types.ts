import type { FastifyInstance, FastifyBaseLogger, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Sql } from 'postgres';
import type { Config } from '../config.js';
import type { TokenService } from '../auth/tokens.js';

/** The Fastify instance every feature registers its routes on: request schemas give the handler types. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** What features need from the outside world, handed in by buildApp. */
export interface FeatureDeps {
  config: Config;
  /** Pool running as the RLS-bound application role. */
  sql: Sql;
  tokens: TokenService;
}
