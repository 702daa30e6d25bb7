import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { parseConfig } from '../../server/config.js';
import { createLogger } from '../../server/log.js';
import type { Dispatcher } from '../../server/reminders/dispatcher.js';
import { createDispatcher } from '../../server/reminders/setup.js';
import type { Harness } from './harness.js';
import { SmsGatewayStub } from './sms-gateway.js';

export interface Channels {
  /** Settings for a server sending through both (SMS_GATEWAY_URL, SMTP_URL, …), filled in beforeAll. */
  readonly env: Record<string, string>;
  /** The SMS provider stand-in (the provider's wire protocol); what it delivered is emptied before each test. */
  readonly gateway: SmsGatewayStub;
  /** E-mails a real SMTP server received; emptied before each test. */
  readonly mails: ParsedMail[];
}

export interface Outbound extends Channels {
  /** A dispatcher of the harness's database sending through both, with the harness's signing keys. */
  readonly dispatcher: Dispatcher;
}

/**
 * Where the app's SMS and e-mails go in tests: a local SMS gateway speaking the provider's wire protocol and a real
 * SMTP server. For the app's own server to send through them, call BEFORE useHarness and hand it `env`, so the
 * harness's server starts with both configured. Everything stops after the file.
 */
export function useChannels(): Channels {
  const gateway = new SmsGatewayStub();
  const mails: ParsedMail[] = [];
  const env: Record<string, string> = {};
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        mails.push(mail);
        callback();
      }, callback);
    },
  });
  beforeAll(async () => {
    const gatewayUrl = await gateway.start();
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    Object.assign(env, {
      SMS_GATEWAY_URL: gatewayUrl, SMS_GATEWAY_TOKEN: gateway.token,
      SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`, SMTP_FROM: 'paamindelse@kommune.dk',
    });
  });
  beforeEach(() => {
    gateway.delivered.length = 0;
    mails.length = 0;
  });
  afterAll(async () => {
    await gateway.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });
  return { env, gateway, mails };
}

/**
 * The same channels with the reminders' dispatcher of the harness's database wired to both (a dispatcher process of
 * its own, as in production). Call after useHarness().
 */
export function useOutbound(harness: Harness): Outbound {
  const channels = useChannels();
  let dispatcher: Dispatcher | undefined;
  // Vitest runs beforeAll hooks in order and afterAll hooks in reverse: the channels are up before the dispatcher
  // starts and still up while it stops.
  beforeAll(() => {
    const config = parseConfig({ PUBLIC_URL: 'http://naervaer.test', DATA_DIR: harness.dataDir, ...channels.env });
    dispatcher = createDispatcher(config, harness.sql, createLogger({ level: 'silent' }));
  });
  afterAll(async () => {
    await dispatcher?.stop();
  });
  return {
    ...channels,
    get dispatcher() {
      if (!dispatcher) throw new Error('The dispatcher is made in beforeAll: use it inside a test or a hook');
      return dispatcher;
    },
  };
}
