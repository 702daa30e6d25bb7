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
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY', /true or false/],
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

  it('a bad value stops the server with one clear line naming the variable', () => {
    const result = spawnSync(process.execPath, ['dist/server/main.js'], { env: { ...process.env, PORT: 'eighty', DATABASE_URL: '' }, encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual(['Configuration error: PORT must be a whole number from 0 to 65535 (got "eighty")']);
  });
});
