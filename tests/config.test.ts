import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../server/config.js';

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
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL', /smtp/],
    [{ STAFF_SESSION_HOURS: '0' }, 'STAFF_SESSION_HOURS', /1 to/],
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

  it('a bad value stops the server with one clear line naming the variable', () => {
    const result = spawnSync(process.execPath, ['dist/server/main.js'], { env: { ...process.env, PORT: 'eighty', DATABASE_URL: '' }, encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual(['Configuration error: PORT must be a whole number from 0 to 65535 (got "eighty")']);
  });
});
