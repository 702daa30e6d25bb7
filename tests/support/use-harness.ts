import { afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness, type Org } from './harness.js';

type StaffRole = 'worker' | 'coordinator' | 'volunteer';

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Listen on a loopback port and serve the built client (browsers, socket.io). */
  serve?: boolean;
  clientDir?: string;
  /** The organisation to seed (with one person of each role), or false for none. Default 'Testkommune'. */
  organisation?: string | false;
  /** Staff of the seeded organisation to sign in; their session cookies are in `cookies`. */
  signIn?: readonly StaffRole[];
}

export interface HarnessFixture {
  /** The file's harness; usable inside tests and hooks (it starts in beforeAll). */
  h: Harness;
  /** The seeded organisation. */
  org: Org;
  /** Session cookies of the staff named in `signIn`. */
  cookies: Record<StaffRole, string>;
}

/** A stand-in that forwards to the real object once beforeAll has made it, and says so plainly if used before. */
function later<T extends object>(what: string, get: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_target, property) {
      const real = get();
      if (!real) throw new Error(`${what} is made in beforeAll: use it inside a test or a hook`);
      // Not bound: the harness's methods are closures, and binding would strip a tagged-template function such as
      // `h.admin` of its own properties (`h.admin.array`).
      return Reflect.get(real, property, real);
    },
  });
}

/**
 * The setup most test files share: one harness for the file (its own database), an organisation seeded, staff
 * signed in, and everything closed after the file.
 *
 *     const { h, org, cookies } = useHarness({ signIn: ['worker'] });
 */
export function useHarness(options: HarnessOptions = {}): HarnessFixture {
  let harness: Harness | undefined;
  let organisation: Org | undefined;
  const cookies = {} as Record<StaffRole, string>;
  beforeAll(async () => {
    harness = await startHarness(options.env ?? {}, { ...(options.serve ? { serve: true } : {}), ...(options.clientDir ? { clientDir: options.clientDir } : {}) });
    if (options.organisation !== false) {
      organisation = await harness.seedOrganisation(options.organisation ?? 'Testkommune');
      for (const role of options.signIn ?? []) cookies[role] = await harness.login(organisation[`${role}Email`]);
    }
  });
  afterAll(() => harness?.close());
  return {
    h: later('The harness', () => harness),
    org: later('The organisation', () => organisation),
    cookies,
  };
}
