import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The whole answer as received, for checks that nothing of the request is echoed anywhere in it. */
  raw: string;
}

/**
 * One HTTP/1.1 request written byte for byte to a socket, so that request targets a client library would normalise
 * (`//api/…`, `/api/./…`, absolute-form `http://host/api/…`, over-long headers, broken request lines) reach the server
 * exactly as an attacker would send them.
 */
export function rawRequest(port: number, head: string, body = ''): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(20_000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server may close right after answering while we are still writing an over-long request.
    socket.on('error', (error: NodeJS.ErrnoException) => (chunks.length > 0 && error.code === 'ECONNRESET' ? finish() : reject(error)));
    socket.on('close', finish);
    socket.write(head + body);
    let done = false;
    function finish() {
      if (done) return;
      done = true;
      const raw = Buffer.concat(chunks).toString('utf8');
      const split = raw.indexOf('\r\n\r\n');
      const [statusLine = '', ...headerLines] = raw.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      let responseBody = raw.slice(split + 4);
      if (headers['transfer-encoding'] === 'chunked') responseBody = dechunk(responseBody);
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: responseBody, raw });
    }
  });
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!size) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

/** A request head: `Connection: close` so the answer ends with the socket. */
export function requestHead(method: string, target: string, headers: Record<string, string | undefined>): string {
  const lines = [`${method} ${target} HTTP/1.1`, ...Object.entries(headers).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}`), 'Connection: close'];
  return `${lines.join('\r\n')}\r\n\r\n`;
}
