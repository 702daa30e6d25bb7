import http from 'node:http';
import { SignJWT } from 'jose';

export interface ReceivedSms {
  key: string;
  msisdn: number;
  message: string;
  sender: string;
}

/**
 * A local stand-in for the SMS provider, speaking its REST contract (GatewayAPI's POST /rest/mtsms with
 * `Authorization: Token …`). Like a provider honouring idempotency keys it answers a repeated key with the first
 * answer and delivers once. Tests can queue failure answers (429, 500, 400…) and slow it down.
 */
/** The webhook secret the stub signs with by default: give it to the app as SMS_WEBHOOK_SECRET. */
export const TEST_WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

/** An incoming message (MO SMS) as GatewayAPI's webhook sends it. */
export interface IncomingSms {
  id: number;
  msisdn: number;
  receiver: number;
  message: string;
  senttime: number;
  webhook_label: string;
  sender: string;
  mcc: number;
  mnc: number;
  country_code: string;
  country_prefix: number;
  encoding: string;
  validity_period: null;
  udh: null;
  payload: null;
}

/** How to sign (or mis-sign) an incoming message's webhook call. */
export interface IncomingOptions {
  /** The webhook's shared secret; the stub's own by default. */
  secret?: string;
  /** No X-Gwapi-Signature header at all. */
  unsigned?: boolean;
  /** Claims to sign instead of the body's (a body changed after signing). */
  signedClaims?: Partial<IncomingSms>;
  /** The token's issue and expiry times, Unix seconds (expired tokens). */
  iat?: number;
  exp?: number;
  algorithm?: 'HS256' | 'HS512';
  /** Sent instead of the JSON body (malformed requests). */
  rawBody?: string;
}

export class SmsGatewayStub {
  readonly delivered: ReceivedSms[] = [];
  requests = 0;
  private readonly byKey = new Map<string, number>();
  private readonly failures: number[] = [];
  private nextId = 1000;
  private server: http.Server | undefined;
  delayMs = 0;

  constructor(readonly token = 'test-token') {}

  /** The secret GatewayAPI signs webhook calls with (SMS_WEBHOOK_SECRET on our side). */
  webhookSecret = TEST_WEBHOOK_SECRET;
  private nextMoId = 5000;

  /**
   * A citizen answers by SMS: GatewayAPI POSTs the incoming message (MO SMS) to the webhook as JSON, with a JWT in
   * X-Gwapi-Signature — HS256 with the webhook's secret, its claims the same fields as the body. Returns our answer.
   */
  async deliverIncoming(webhookUrl: string, from: string, message: string, options: IncomingOptions = {}): Promise<{ status: number; body: unknown }> {
    const { body, headers } = await this.incoming(from, message, options);
    const response = await fetch(webhookUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text for the assertion to show
    }
    return { status: response.status, body: parsed };
  }

  /** The webhook call for an incoming message: its JSON body and headers. */
  async incoming(from: string, message: string, options: IncomingOptions = {}): Promise<{ body: string; headers: Record<string, string>; sms: IncomingSms }> {
    const senttime = Math.floor(Date.now() / 1000);
    const sms: IncomingSms = {
      id: this.nextMoId++, msisdn: Number(from.replace(/^\+/, '')), receiver: 4512345600, message, senttime,
      webhook_label: 'naervaer', sender: from.replace(/^\+/, ''), mcc: 238, mnc: 1, country_code: 'DK', country_prefix: 45,
      encoding: 'UTF8', validity_period: null, udh: null, payload: null,
    };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!options.unsigned) {
      const claims = { ...sms, ...options.signedClaims };
      let jwt = new SignJWT(claims as unknown as Record<string, unknown>).setProtectedHeader({ alg: options.algorithm ?? 'HS256', typ: 'JWT' }).setIssuedAt(options.iat ?? senttime);
      if (options.exp !== undefined) jwt = jwt.setExpirationTime(options.exp);
      headers['x-gwapi-signature'] = await jwt.sign(new TextEncoder().encode(options.secret ?? this.webhookSecret));
    }
    return { body: options.rawBody ?? JSON.stringify(sms), headers, sms };
  }

  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as { port: number };
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    let raw = '';
    for await (const chunk of req) raw += chunk;
    this.requests += 1;
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (req.method !== 'POST' || req.url !== '/rest/mtsms') return answer(404, { code: 'not_found', message: 'No such endpoint' });
    if (req.headers.authorization !== `Token ${this.token}`) return answer(401, { code: 'unauthorized', message: 'Bad token' });
    const failure = this.failures.shift();
    if (failure) return answer(failure, { code: 'error', message: `injected ${failure}` });
    let body: { sender?: string; message?: string; recipients?: { msisdn?: number }[]; userref?: string };
    try {
      body = JSON.parse(raw);
    } catch {
      return answer(400, { code: 'bad_json', message: 'Invalid JSON' });
    }
    if (!body.message || !body.recipients?.length || !body.recipients.every((r) => Number.isInteger(r.msisdn))) {
      return answer(422, { code: 'invalid', message: 'message and recipients[].msisdn are required' });
    }
    const key = String(req.headers['idempotency-key'] ?? body.userref ?? '');
    const known = key ? this.byKey.get(key) : undefined;
    if (known !== undefined) return answer(200, { ids: [known] });
    const id = this.nextId++;
    if (key) this.byKey.set(key, id);
    for (const r of body.recipients) this.delivered.push({ key, msisdn: r.msisdn!, message: body.message, sender: body.sender ?? '' });
    answer(200, { ids: [id] });
  }
}
