// At start-up, sessions the previous process left open are ended (server_restart); the SQL and its reasons live in the store.
export { endSessionsLeftOpen } from './store.js';
