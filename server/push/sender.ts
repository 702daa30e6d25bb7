/**
 * Sending one Web Push message (RFC 8030) to one device: the `web-push` library signs it with the server's VAPID key
 * (RFC 8292) and encrypts the payload for the device (RFC 8291, aes128gcm); we send the request ourselves with fetch,
 * with a timeout, as the SMS gateway does — and so that a development install can use a push service on loopback
 * over http (web-push's own sender speaks https only; endpoint.ts decides what is allowed).
 */
import webpush from 'web-push';
import type { ReadyPush } from '../../protocol/push.js';
import type { VapidKeys } from './keys.js';

/** A device as the Push API describes it. */
export interface PushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** How one push went: delivered to the push service, gone for good (404/410: delete it), or worth retrying. */
export type PushResult = { result: 'sent' } | { result: 'gone' } | { result: 'failed'; temporary: boolean; error: string };

export interface PushSender {
  /**
   * `topic` (RFC 8030 §5.4, at most 32 URL-safe characters): the same on every attempt of one message, so a push
   * service still holding an earlier attempt for an offline phone replaces it instead of delivering both.
   */
  send(target: PushTarget, message: ReadyPush, topic: string): Promise<PushResult>;
}

/** A "ready" message is stale within minutes: the push service may drop it after this instead of delivering it late. */
const TTL_SECONDS = 10 * 60;

export class WebPushSender implements PushSender {
  private readonly subject: string;

  constructor(
    private readonly vapid: () => VapidKeys,
    publicUrl: URL,
  ) {
    // Who the push service can contact about our traffic: the installation's address (https in production).
    this.subject = publicUrl.protocol === 'https:' ? publicUrl.origin : `mailto:push@${publicUrl.hostname}`;
  }

  async send(target: PushTarget, message: ReadyPush, topic: string): Promise<PushResult> {
    const { publicKey, privateKey } = this.vapid();
    const request = webpush.generateRequestDetails(target, JSON.stringify(message), {
      vapidDetails: { subject: this.subject, publicKey, privateKey },
      TTL: TTL_SECONDS,
      urgency: 'high',
      topic,
      contentEncoding: 'aes128gcm',
    });
    let response: Response;
    try {
      response = await fetch(request.endpoint, {
        method: 'POST',
        // fetch sets Content-Length from the body itself.
        headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'content-length').map(([name, value]) => [name, String(value)])),
        body: new Uint8Array(request.body),
        redirect: 'error',
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      return { result: 'failed', temporary: true, error: `push service unreachable: ${(error as Error).name}` };
    }
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return { result: 'sent' };
    if (response.status === 404 || response.status === 410) return { result: 'gone' };
    const temporary = response.status === 429 || response.status >= 500;
    return { result: 'failed', temporary, error: `push service answered ${response.status}` };
  }
}
