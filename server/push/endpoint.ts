/**
 * Which push endpoints the server will send to. The endpoint comes from the citizen's browser, and the dispatcher
 * POSTs to it: without a check, anyone signed in as a citizen could make the server call any address it can reach
 * (an internal admin page, a cloud metadata service). So only https:// on the push services browsers use is taken.
 * A browser with another push service is refused, and its screen says notifications are not available there.
 *
 * An installation whose PUBLIC_URL is http:// (a developer's machine, the tests) also takes a push service on the
 * loopback interface over http: production always has an https:// PUBLIC_URL.
 */

/** The push services of Chrome/Android (and Samsung Internet, Opera, Brave), Firefox, Safari and Edge. */
const PUSH_SERVICE_HOSTS = ['fcm.googleapis.com', 'updates.push.services.mozilla.com', 'web.push.apple.com'];
const PUSH_SERVICE_SUFFIXES = ['.notify.windows.com', '.push.apple.com'];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isAllowedPushEndpoint(endpoint: string, publicUrl: URL): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.username || url.password || url.hash) return false;
  if (publicUrl.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url.protocol === 'http:' || url.protocol === 'https:';
  if (url.protocol !== 'https:' || (url.port !== '' && url.port !== '443')) return false;
  return PUSH_SERVICE_HOSTS.includes(url.hostname) || PUSH_SERVICE_SUFFIXES.some((suffix) => url.hostname.endsWith(suffix));
}
