import { STORE_IDENTIFIER_INVALID } from '../../errors/index.js';

/** Plain lower-case SQL identifiers only: nothing that needs escaping beyond the quotes we add. */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
/** Postgres truncates longer names silently, which would make two entities share a table. */
const MAX_IDENTIFIER_LENGTH_BYTES = 63;

/**
 * Checks a table or column name and returns it double-quoted for SQL. Names reach SQL only through
 * here, so a config value can never become SQL text.
 * @throws CONNECTD_ERR_STORE_IDENTIFIER_INVALID
 */
export function quoteIdentifier(name: string, kind: 'table' | 'column'): string {
  if (!IDENTIFIER.test(name)) {
    throw STORE_IDENTIFIER_INVALID({ kind, name, reason: 'use lower-case letters, digits and _, starting with a letter or _' });
  }
  if (Buffer.byteLength(name) > MAX_IDENTIFIER_LENGTH_BYTES) {
    throw STORE_IDENTIFIER_INVALID({ kind, name, reason: `longer than ${MAX_IDENTIFIER_LENGTH_BYTES} characters` });
  }
  return `"${name}"`;
}
