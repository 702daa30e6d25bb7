import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { turnIceServers } from '../server/calls/turn.js';
import { ConfigError, parseConfig } from '../server/config.js';

const SECRET = 'a-shared-secret-of-the-turn-server';

describe('TURN credentials (the TURN REST API scheme coturn checks)', () => {
  it('are none without a TURN server', () => {
    expect(turnIceServers({ urls: [], secret: SECRET, credentialHours: 8 })).toEqual([]);
    expect(turnIceServers({ urls: ['turn:turn.example:3478'], secret: undefined, credentialHours: 8 })).toEqual([]);
  });

  it('name their expiry and a random tag, never the person, and sign that name with the shared secret', () => {
    const now = Date.UTC(2026, 10, 25, 9, 0, 0);
    const [server, again] = [turnIceServers({ urls: ['turn:turn.example:3478?transport=tcp'], secret: SECRET, credentialHours: 8 }, now), turnIceServers({ urls: ['turn:turn.example:3478?transport=tcp'], secret: SECRET, credentialHours: 8 }, now)];
    expect(server).toHaveLength(1);
    const { urls, username, credential } = server[0]!;
    expect(urls).toEqual(['turn:turn.example:3478?transport=tcp']);
    const [expiry, tag] = username.split(':');
    expect(Number(expiry)).toBe(now / 1000 + 8 * 3600);
    expect(tag).toMatch(/^[0-9a-f]{12}$/);
    expect(credential).toBe(createHmac('sha1', SECRET).update(username).digest('base64'));
    // each transport gets its own name: two credentials are not linkable to one person by their tag
    expect(again[0]!.username).not.toBe(username);
  });
});

describe('TURN configuration', () => {
  it('reads a list of turn: and turns: URIs with the secret', () => {
    const config = parseConfig({ TURN_URLS: 'turn:turn.kommune.dk:3478?transport=udp, turns:turn.kommune.dk:443?transport=tcp', TURN_SECRET: SECRET });
    expect(config.turnUrls).toEqual(['turn:turn.kommune.dk:3478?transport=udp', 'turns:turn.kommune.dk:443?transport=tcp']);
    expect(config.turnSecret).toBe(SECRET);
    expect(config.turnCredentialHours).toBe(8);
    expect(parseConfig({}).turnUrls).toEqual([]);
  });

  it('refuses URIs that are not TURN, TURN without its secret, and a short secret, naming the variable', () => {
    expect(() => parseConfig({ TURN_URLS: 'https://turn.kommune.dk', TURN_SECRET: SECRET })).toThrow(ConfigError);
    expect(() => parseConfig({ TURN_URLS: 'turn:turn.kommune.dk:3478' })).toThrow(/TURN_URLS needs TURN_SECRET/);
    expect(() => parseConfig({ TURN_URLS: 'turn:turn.kommune.dk:3478', TURN_SECRET: 'short' })).toThrow(/TURN_SECRET must be at least 16/);
    expect(() => parseConfig({ TURN_CREDENTIAL_HOURS: '0' })).toThrow(/TURN_CREDENTIAL_HOURS/);
  });
});
