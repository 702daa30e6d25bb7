/**
 * The cache the service worker keeps the citizen's crisis plan in (client/src/sw.ts), so it opens without a network —
 * a bad moment is often also a moment without data or Wi-Fi. Emptied when the citizen logs out on this phone.
 */
export const CRISIS_PLAN_CACHE = 'naervaer-crisis-plan';
