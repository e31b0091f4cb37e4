/**
 * Keys read from a delivery: the dedupe key, the event type and the routing key, each declared as
 * `header:<Name>` or a body path (`$.id`, `$.data.object.id`, `$.items[0].id`). Compiled once at
 * load and used by both the intake (which stores them with the inbox row) and processing (which
 * reads what the intake could not). A tiny safe getter rather than JSONata: it runs on the
 * intake's hot path, synchronously, and reads own properties only (a body cannot reach
 * `constructor` or `__proto__`).
 */
import { createHash } from 'node:crypto';
import { compileScalarPath, scalarText } from '../connector/index.js';
import { WEBHOOK_KEY_PATH_INVALID } from '../errors/index.js';
import { headerValues, type HeaderBag } from './verify/index.js';

/** Reads one key from a delivery; undefined when it is absent or not a scalar. */
export type KeyExtractor = (headers: HeaderBag, body: unknown) => string | undefined;

/** A connector's declared delivery keys (`webhooks.event_id`, `event_type`, `route`). */
export interface DeliveryKeyDeclaration {
  readonly event_id?: string | undefined;
  readonly event_type?: string | undefined;
  readonly route?: string | undefined;
}

/** A connector's delivery keys, compiled. */
export interface DeliveryKeys {
  readonly eventId: KeyExtractor | undefined;
  readonly eventType: KeyExtractor | undefined;
  readonly route: KeyExtractor | undefined;
  /** Lower-cased names of the headers the keys read (kept with the inbox row). */
  readonly headerNames: readonly string[];
}

const HEADER_PREFIX = 'header:';

/**
 * Compiles a connector's delivery keys once; `label` is the YAML path of its `webhooks` block.
 * @throws CONNECTD_ERR_WEBHOOK_KEY_PATH_INVALID (a config error) for a key that is neither a header nor a plain body path
 * @example
 * const keys = compileDeliveryKeys({ event_id: '$.id', route: 'header:X-Shop' }, 'connectors.x.webhooks');
 * keys.route?.({ 'x-shop': 'acme' }, body); // 'acme'
 */
export function compileDeliveryKeys(declaration: DeliveryKeyDeclaration, label: string): DeliveryKeys {
  const compile = (spec: string | undefined, key: string): KeyExtractor | undefined =>
    spec === undefined ? undefined : compileKeyExtractor(spec, `${label}.${key}`);
  const specs = [declaration.event_id, declaration.event_type, declaration.route];
  return {
    eventId: compile(declaration.event_id, 'event_id'),
    eventType: compile(declaration.event_type, 'event_type'),
    route: compile(declaration.route, 'route'),
    headerNames: specs.flatMap((spec) => (spec?.startsWith(HEADER_PREFIX) === true ? [spec.slice(HEADER_PREFIX.length).toLowerCase()] : [])),
  };
}

/**
 * Longest dedupe key stored as is. Longer keys (still unique per delivery) are stored as their
 * sha256, which keeps them far below the btree row limit of the unique index.
 */
export const MAX_DEDUPE_KEY_CHARS = 256;
/** Longest event type or routing key stored; longer values are cut (they are labels, not identities). */
export const MAX_LABEL_KEY_CHARS = 1024;

const HEADER_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Compiles `header:<Name>` or a `$`-rooted dotted path. Throws CONNECTD_ERR_WEBHOOK_KEY_PATH_INVALID
 * for anything else (JSONata predicates, wildcards), at load time.
 * @example
 * const dedupe = compileKeyExtractor('$.data.id', 'connectors.storq.webhooks.event_id');
 * dedupe({}, { data: { id: 'evt_1' } }); // 'evt_1'
 * compileKeyExtractor('header:X-Shopify-Webhook-Id', '...')({ 'x-shopify-webhook-id': 'abc' }, {}); // 'abc'
 */
export function compileKeyExtractor(spec: string, label: string): KeyExtractor {
  if (spec.startsWith(HEADER_PREFIX)) {
    const name = spec.slice(HEADER_PREFIX.length);
    if (!HEADER_NAME.test(name)) throw WEBHOOK_KEY_PATH_INVALID({ spec, label });
    const lower = name.toLowerCase();
    return (headers) => scalarText(headerValues(headers, lower)[0]);
  }
  const path = compileScalarPath(spec);
  if (path === undefined) throw WEBHOOK_KEY_PATH_INVALID({ spec, label });
  return (_headers, body) => path.read(body);
}

// Postgres text cannot hold NUL; one bad value must not fail the batch it is committed with.
const withoutNul = (text: string): string => (text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text);

/**
 * The stored dedupe key: the declared key, or, when the connector declares none or the delivery
 * lacks it, `sha256:<hex of the raw body>` (a byte-identical redelivery is then still a duplicate).
 * Over-long keys are stored as `sha256:<hex of the key>`.
 */
export function dedupeKeyOf(declared: string | undefined, rawBody: Buffer): string {
  if (declared === undefined) return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
  if (declared.length > MAX_DEDUPE_KEY_CHARS) return `sha256:${createHash('sha256').update(declared, 'utf8').digest('hex')}`;
  return withoutNul(declared);
}

/** An event type or routing key as stored: NUL-free and bounded; null when absent. */
export function labelKeyOf(value: string | undefined): string | null {
  if (value === undefined) return null;
  return withoutNul(value.length > MAX_LABEL_KEY_CHARS ? value.slice(0, MAX_LABEL_KEY_CHARS) : value);
}
