import nodemailer, { type Transporter } from 'nodemailer';

/** A send failed. Temporary failures are retried with backoff; permanent ones are shown to the worker. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly temporary: boolean,
  ) {
    super(message);
  }
}

export interface OutgoingMessage {
  to: string;
  subject: string;
  text: string;
  /** The same for every attempt of one reminder, so a provider can drop a repeat after a crash. */
  idempotencyKey: string;
}

export interface Sender {
  send(message: OutgoingMessage): Promise<{ providerId: string }>;
  close?(): void;
}

/**
 * SMS through a GatewayAPI-style REST gateway (gatewayapi.com / gatewayapi.eu, widely used by Danish
 * municipalities): POST {base}/rest/mtsms with `Authorization: Token …` and JSON
 * {sender, message, recipients: [{msisdn}], userref}. We also send an Idempotency-Key header; userref carries
 * the same key into delivery reports.
 */
export class SmsGateway implements Sender {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly sender: string,
  ) {}

  async send(message: OutgoingMessage): Promise<{ providerId: string }> {
    let response: Response;
    try {
      response = await fetch(new URL('/rest/mtsms', this.baseUrl), {
        method: 'POST',
        headers: { authorization: `Token ${this.token}`, 'content-type': 'application/json', 'idempotency-key': message.idempotencyKey },
        body: JSON.stringify({
          sender: this.sender,
          message: message.text,
          recipients: [{ msisdn: Number(message.to.replace(/^\+/, '')) }],
          userref: message.idempotencyKey,
        }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new SendError(`SMS gateway unreachable: ${(error as Error).name}`, true);
    }
    if (response.ok) {
      const body = (await response.json().catch(() => ({}))) as { ids?: unknown[] };
      return { providerId: String(body.ids?.[0] ?? '') };
    }
    const temporary = response.status === 429 || response.status >= 500;
    throw new SendError(`SMS gateway answered ${response.status}`, temporary);
  }
}

/** E-mail over SMTP (nodemailer). The Message-ID is derived from the idempotency key, so repeats are recognisable. */
export class EmailSender implements Sender {
  private readonly transport: Transporter;

  constructor(smtpUrl: string, private readonly from: string) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(message: OutgoingMessage): Promise<{ providerId: string }> {
    const messageId = `<${message.idempotencyKey.replace(/[^A-Za-z0-9.-]/g, '.')}@naervaer>`;
    try {
      const info = await this.transport.sendMail({
        from: this.from, to: message.to, subject: message.subject, text: message.text, messageId,
        headers: { 'Idempotency-Key': message.idempotencyKey },
      });
      return { providerId: info.messageId };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      // SMTP 5xx is a permanent refusal (bad address); 4xx and connection trouble are worth another try.
      throw new SendError(`SMTP: ${code ?? (error as { code?: string }).code ?? 'error'}`, !(code !== undefined && code >= 500));
    }
  }

  close(): void {
    this.transport.close();
  }
}
