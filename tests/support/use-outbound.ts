import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { parseConfig } from '../../server/config.js';
import { createLogger } from '../../server/log.js';
import type { Dispatcher } from '../../server/reminders/dispatcher.js';
import { createDispatcher } from '../../server/reminders/setup.js';
import type { Harness } from './harness.js';
import { SmsGatewayStub } from './sms-gateway.js';

export interface Outbound {
  /** The SMS provider stand-in; what it delivered is emptied before each test. */
  readonly gateway: SmsGatewayStub;
  /** E-mails the real SMTP server received; emptied before each test. */
  readonly mails: ParsedMail[];
  /** A dispatcher of the harness's database sending through both, with the harness's signing keys. */
  readonly dispatcher: Dispatcher;
}

/**
 * Where reminders go in tests: a local SMS gateway speaking the provider's wire protocol, a real SMTP server, and a
 * dispatcher wired to both. Call after useHarness(); everything stops after the file.
 */
export function useOutbound(harness: Harness): Outbound {
  const gateway = new SmsGatewayStub();
  const mails: ParsedMail[] = [];
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
  let dispatcher: Dispatcher | undefined;
  beforeAll(async () => {
    const gatewayUrl = await gateway.start();
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const config = parseConfig({
      PUBLIC_URL: 'http://naervaer.test', DATA_DIR: harness.dataDir, SMS_GATEWAY_URL: gatewayUrl, SMS_GATEWAY_TOKEN: gateway.token,
      SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`, SMTP_FROM: 'paamindelse@kommune.dk',
    });
    dispatcher = createDispatcher(config, harness.sql, createLogger({ level: 'silent' }));
  });
  beforeEach(() => {
    gateway.delivered.length = 0;
    mails.length = 0;
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await gateway.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });
  return {
    gateway,
    mails,
    get dispatcher() {
      if (!dispatcher) throw new Error('The dispatcher is made in beforeAll: use it inside a test or a hook');
      return dispatcher;
    },
  };
}
