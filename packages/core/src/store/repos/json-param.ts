const NUL_ESCAPE = '\\u0000';

/**
 * JSON text for a `jsonb` parameter. Postgres' jsonb cannot hold the NUL character, and vendors do
 * send it; rather than failing a whole page, NULs are replaced with U+FFFD. The check is one scan
 * of the text, so the common case costs nothing more than JSON.stringify.
 */
export function toJsonParam(value: unknown): string {
  const json = JSON.stringify(value);
  if (!json.includes(NUL_ESCAPE)) return json;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replaceAll('\u0000', '\uFFFD') : v));
}
