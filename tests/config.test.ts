import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, VARIABLES } from '../server/config.js';

describe('configuration', () => {
  it('has working defaults: embedded database, port 8080, local public URL', () => {
    const config = parseConfig({}, '/srv/naervaer');
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe('/srv/naervaer/data');
    expect(config.publicUrl.origin).toBe('http://localhost:8080');
    // Below Linux's ephemeral range (32768–60999): an outgoing connection could otherwise hold the media port.
    expect(config.rtcPort).toBe(20000);
  });

  const bad: [Record<string, string>, string, RegExp][] = [
    [{ PORT: 'abc' }, 'PORT', /whole number/],
    [{ PORT: '70000' }, 'PORT', /0 to 65535/],
    [{ PUBLIC_URL: 'video.kommune.dk' }, 'PUBLIC_URL', /URL/],
    [{ PUBLIC_URL: 'ftp://video.kommune.dk' }, 'PUBLIC_URL', /http/],
    [{ PUBLIC_URL: 'https://kommune.dk/video' }, 'PUBLIC_URL', /without path/],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of/],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY', /false, a number of proxies \(e\.g\. 1\) or proxy addresses/],
    // Trusting every hop lets any client choose its address (and so never meet the sign-in limit): say what to write.
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY', /must not be true.*number of proxies.*usually 1/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY', /addresses\/CIDRs/],
    [{ TRUST_PROXY: '99' }, 'TRUST_PROXY', /0 to 10/],
    [{ SIGNING_KEYS: 'short' }, 'SIGNING_KEYS', /kid:secret/],
    [{ VAPID_KEYS: 'short:key' }, 'VAPID_KEYS', /publicKey:privateKey/],
    // several hosts: a proper name, one shared database and one set of signing keys
    [{ HOST_ID: 'Host A', DATABASE_URL: 'postgres://db/naervaer', SIGNING_KEYS: `k1:${'a'.repeat(43)}` }, 'HOST_ID', /lower-case letters/],
    [{ HOST_ID: 'a', SIGNING_KEYS: `k1:${'a'.repeat(43)}` }, 'HOST_ID', /needs DATABASE_URL/],
    [{ HOST_ID: 'a', DATABASE_URL: 'postgres://db/naervaer' }, 'HOST_ID', /needs SIGNING_KEYS/],
    [{ HOST_LEASE_SECONDS: '1' }, 'HOST_LEASE_SECONDS', /3 to 300/],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL', /smtp/],
    [{ STAFF_SESSION_HOURS: '0' }, 'STAFF_SESSION_HOURS', /1 to/],
    [{ DISPATCH_LEASE_SECONDS: 'soon' }, 'DISPATCH_LEASE_SECONDS', /whole number from 1 to 3600/],
    [{ RTC_PORT: '80' }, 'RTC_PORT', /0 or from 1024/],
    [{ SMS_SENDER: 'Nærvær Kommune' }, 'SMS_SENDER', /1 to 11 letters/],
    [{ RTC_UDP: 'maybe' }, 'RTC_UDP', /true or false/],
  ];
  for (const [env, variable, message] of bad) {
    it(`names ${variable} when it is wrong (${JSON.stringify(env)})`, () => {
      let error: unknown;
      try {
        parseConfig(env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message).toMatch(message);
    });
  }

  it('TRUST_PROXY takes false, a number of proxies, or proxy addresses and CIDRs', () => {
    expect(parseConfig({}).trustProxy).toBe(false);
    expect(parseConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(parseConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(parseConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(parseConfig({ TRUST_PROXY: '10.0.0.5, 192.168.0.0/16,2001:db8::/32' }).trustProxy).toEqual(['10.0.0.5', '192.168.0.0/16', '2001:db8::/32']);
    expect(parseConfig({ TRUST_PROXY: 'loopback' }).trustProxy).toEqual(['loopback']);
  });

  it('DISPATCH_LEASE_SECONDS is read like every other variable (npm run dispatcher used to read it by itself)', () => {
    expect(parseConfig({}).dispatchLeaseSeconds).toBe(60);
    expect(parseConfig({ DISPATCH_LEASE_SECONDS: '2' }).dispatchLeaseSeconds).toBe(2);
  });

  it('every default the table shows is the value used when the variable is unset', () => {
    const unset = parseConfig({}, '/srv/naervaer');
    // Defaults in brackets describe what happens instead (an embedded database, the number of cores…).
    const literal = VARIABLES.filter((v) => !v.default.startsWith('(') && !v.default.includes('$'));
    expect(literal.length).toBeGreaterThan(15);
    for (const variable of literal) {
      expect(parseConfig({ [variable.name]: variable.default }, '/srv/naervaer'), variable.name).toEqual(unset);
    }
  });

  it("the README's configuration table is the table in server/config.ts", () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('\n## Configuration\n'), readme.indexOf('\n### ', readme.indexOf('\n## Configuration\n')));
    const documented = section.split('\n').filter((line) => line.startsWith('|'));
    const rows = VARIABLES.map((v) => `| \`${v.name}\` | ${v.default} | ${v.description}${v.production ? ' **Set in production.**' : ''} |`);
    expect(documented).toEqual(['| Variable | Default | Meaning |', '|---|---|---|', ...rows]);
  });

  it('a bad value stops the server with one clear line naming the variable', () => {
    const result = spawnSync(process.execPath, ['dist/server/main.js'], { env: { ...process.env, PORT: 'eighty', DATABASE_URL: '' }, encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual(['Configuration error: PORT must be a whole number from 0 to 65535 (got "eighty")']);
  });
});
