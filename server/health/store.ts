/** Whether the database answers, for the health check. */
import type { Sql } from 'postgres';

export type HealthStore = ReturnType<typeof healthStore>;

export function healthStore(sql: Sql) {
  return {
    /** 'unavailable' when the database fails or does not answer within `timeoutMs`. */
    database(timeoutMs: number): Promise<'ok' | 'unavailable'> {
      return Promise.race([
        sql`select 1`.then(() => 'ok' as const, () => 'unavailable' as const),
        new Promise<'unavailable'>((resolve) => setTimeout(() => resolve('unavailable'), timeoutMs).unref()),
      ]);
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    health: HealthStore;
  }
}
