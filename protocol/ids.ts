/**
 * A UUID as text, for ids read outside a schema (a path in the address bar, a token's claims). No imports: the client
 * uses it without pulling the schema library into its first download.
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
