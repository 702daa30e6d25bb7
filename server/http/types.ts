import type { FastifyInstance, FastifyBaseLogger, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../config.js';
import type { TokenService } from '../auth/tokens.js';

/** The Fastify instance every feature registers its routes on: request schemas give the handler types. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/**
 * What routes need from the outside world, handed in by buildApp. No database pool: routes reach the database only
 * through their feature's store (decorated on the instance).
 */
export interface FeatureDeps {
  config: Config;
  tokens: TokenService;
}
