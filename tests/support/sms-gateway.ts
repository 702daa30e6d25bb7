import http from 'node:http';

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
export class SmsGatewayStub {
  readonly delivered: ReceivedSms[] = [];
  requests = 0;
  private readonly byKey = new Map<string, number>();
  private readonly failures: number[] = [];
  private nextId = 1000;
  private server: http.Server | undefined;
  delayMs = 0;

  constructor(readonly token = 'test-token') {}

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
