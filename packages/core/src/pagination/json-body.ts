/** Writes a value into a request's JSON body, which is how GraphQL cursors (`variables.after`) travel. */
import { PAGINATION_BODY_NOT_JSON } from '../errors/index.js';
import type { OutgoingRequest } from '../connector/index.js';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function bodyText(body: OutgoingRequest['body']): string | undefined {
  if (body === undefined) return undefined;
  return typeof body === 'string' ? body : new TextDecoder().decode(body);
}

/**
 * Returns `request` with its JSON object body holding `value` at `keys` (intermediate objects are
 * created). The body is re-serialised, so a declared Content-Length is dropped. Throws
 * CONNECTD_ERR_PAGINATION_BODY_NOT_JSON when the body is not a JSON object.
 * @example
 * withJsonBodyValue(req, ['variables', 'after'], 'abc', 'variables.after').body;
 * // '{"query":"…","variables":{"first":50,"after":"abc"}}'
 */
export function withJsonBodyValue(request: OutgoingRequest, keys: readonly string[], value: unknown, bodyPath: string): OutgoingRequest {
  const text = bodyText(request.body);
  let body: unknown;
  try {
    body = text === undefined ? undefined : JSON.parse(text);
  } catch (cause) {
    throw PAGINATION_BODY_NOT_JSON({ bodyPath }, { cause });
  }
  if (!isObject(body)) throw PAGINATION_BODY_NOT_JSON({ bodyPath });
  let target: JsonObject = body;
  for (const key of keys.slice(0, -1)) {
    const child = Object.hasOwn(target, key) ? target[key] : undefined;
    if (child === undefined || child === null) target = target[key] = {};
    else if (isObject(child)) target = child;
    else throw PAGINATION_BODY_NOT_JSON({ bodyPath });
  }
  target[keys[keys.length - 1]!] = value;
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([k]) => k.toLowerCase() !== 'content-length'));
  return { ...request, headers, body: JSON.stringify(body) };
}
