import { compileRecordsPath } from '../../mapping/index.js';

/** Reads one value (event type, routing key) from a stored event: its headers or its parsed body. */
export type FieldReader = (headers: Readonly<Record<string, unknown>>, body: unknown) => Promise<string | undefined>;

const HEADER_PREFIX = 'header:';

/** The value of a header, case-insensitively; the first value when it was sent several times. */
export function headerValue(headers: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const key in headers) {
    if (key.toLowerCase() !== wanted) continue;
    const value = headers[key];
    const first: unknown = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' && first !== '' ? first : undefined;
  }
  return undefined;
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * Compiles a `header:<Name>` or body-path (`$.merchant_id`, any JSONata) declaration once. The
 * reader gives undefined when the value is absent, not a scalar, or the path fails on this body:
 * a routing key that cannot be read routes nowhere, which the caller reports.
 * @example
 * const routeOf = compileFieldPath('header:X-Shopify-Shop-Domain', 'connectors.shopify.webhooks.route');
 * await routeOf({ 'x-shopify-shop-domain': 'acme.myshopify.com' }, body); // 'acme.myshopify.com'
 */
export function compileFieldPath(spec: string, label: string): FieldReader {
  if (spec.startsWith(HEADER_PREFIX)) {
    const name = spec.slice(HEADER_PREFIX.length);
    return async (headers) => headerValue(headers, name);
  }
  const path = compileRecordsPath(spec, { label });
  return async (_headers, body) => {
    try {
      const values = await path(body);
      return values.length === 1 ? scalar(values[0]) : undefined;
    } catch {
      return undefined;
    }
  };
}
