// Installation-level work (the demo seed, operators, the tests' harness) imports from here; it lives in the store.
export { createOrganisation, upsertUser } from './store.js';
