// Other features check a caller's access to a citizen inside their own transactions; the check lives in the store.
export { assertCitizenAccess } from './store.js';
