/**
 * The hosts' shared table (migration 021): each host's lease and load, where each call runs, and the drain an
 * operator asks for. Installation-wide, so every query is one of the SECURITY DEFINER functions; none reads a row of
 * any organisation's data.
 */
import type { Sql } from 'postgres';

export interface HostLoad {
  /** Media workers the host runs: placement counts calls per worker. */
  workers: number;
  consumers: number;
  /** Its media workers' CPU as a share of the cores they run on (0..1). */
  cpu: number;
}

export function hostStore(sql: Sql) {
  return {
    /** Renews the host's lease with its load; returns the drain deadline an operator set, if any. */
    async renew(hostId: string, leaseSeconds: number, load: HostLoad): Promise<Date | null> {
      const [row] = await sql<{ deadline: Date | null }[]>`
        select media_host_renew(${hostId}, ${leaseSeconds}, ${load.workers}, ${load.consumers}, ${load.cpu}) as deadline`;
      return row?.deadline ?? null;
    },

    /** The host stops cleanly: its lease ends now, so its calls are placed elsewhere at once. */
    async leave(hostId: string): Promise<void> {
      await sql`select media_host_leave(${hostId})`;
    },

    /** The host an open session's media runs on, placing (or moving) it when needed; null: not open, or no live host. */
    async place(callId: string): Promise<string | null> {
      const [row] = await sql<{ host: string | null }[]>`select place_call(${callId}) as host`;
      return row?.host ?? null;
    },

    /** No new calls for the host from now, its calls moved after `seconds`. False when no such host has run. */
    async drain(hostId: string, seconds: number): Promise<boolean> {
      const [row] = await sql<{ found: boolean | null }[]>`select media_host_drain(${hostId}, ${seconds}) as found`;
      return row?.found === true;
    },

    /** Of these calls the host runs live, those ended or placed on another host since. */
    async callsElsewhere(hostId: string, callIds: string[]): Promise<string[]> {
      if (callIds.length === 0) return [];
      const rows = await sql<{ id: string }[]>`select media_host_calls_elsewhere(${hostId}, ${callIds}::uuid[]) as id`;
      return rows.map((r) => r.id);
    },

    /** Sessions of hosts gone longer than the grace period, that nobody rejoined elsewhere, end 'host_lost'. */
    async endSessionsOfLostHosts(graceSeconds: number): Promise<number> {
      const [row] = await sql<{ ended: number }[]>`select end_sessions_of_lost_hosts(${graceSeconds}) as ended`;
      return row?.ended ?? 0;
    },
  };
}

export type HostStore = ReturnType<typeof hostStore>;
