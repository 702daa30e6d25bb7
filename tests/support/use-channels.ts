import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { SmsGatewayStub } from './sms-gateway.js';

export interface Channels {
  /** Settings for the server under test (SMS_GATEWAY_URL, SMTP_URL, …), filled in beforeAll: pass it to useHarness({ env }). */
  readonly env: Record<string, string>;
  /** The SMS provider stand-in (the provider's wire protocol); emptied before each test. */
  readonly gateway: SmsGatewayStub;
  /** E-mails a real SMTP server received; emptied before each test. */
  readonly mails: ParsedMail[];
}

/**
 * An SMS gateway and an SMTP server for the app itself to send through (not only a dispatcher, as useOutbound gives):
 * call BEFORE useHarness and hand it `env`, so the harness's server starts with both configured.
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
      SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`, SMTP_FROM: 'noreply@kommune.dk',
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
