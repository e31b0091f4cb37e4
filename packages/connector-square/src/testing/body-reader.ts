import type { FakeAnswer } from './core-test-kit.js';
import { invalidRequest } from './replies.js';
import { parseRfc3339 } from './time.js';

type Source = Readonly<Record<string, unknown>>;
const isObject = (value: unknown): value is Source => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a request body as a JSON object; a 400 `EXPECTED_JSON_BODY` answer when it is not one.
 * @example
 * parseJsonBody('{"limit":5}'); // { body: { limit: 5 } }
 */
export function parseJsonBody(raw: string): { readonly body: Source } | { readonly refusal: FakeAnswer } {
  try {
    const value: unknown = JSON.parse(raw);
    if (isObject(value)) return { body: value };
  } catch {
    // answered below
  }
  return { refusal: invalidRequest('EXPECTED_JSON_BODY', 'The request body must be a JSON object') };
}

/**
 * Typed reads of request fields that keep the first refusal instead of throwing: read every
 * field, then answer `reader.refusal` if there is one. Later reads after a refusal return
 * undefined. Field names in refusals are dotted paths (`query.filter.state_filter.states`), as
 * Square's `field` values are. Query strings read through {@link BodyReader.fromQuery}, where
 * numbers arrive as text.
 * @example
 * const read = new BodyReader(body);
 * const limit = read.integer('limit', 1, 1000);
 * if (read.refusal !== undefined) return read.refusal;
 */
export class BodyReader {
  readonly #source: Source;
  readonly #prefix: string;
  readonly #textual: boolean;
  readonly #state: { refusal: FakeAnswer | undefined };

  constructor(source: Source, options: { prefix?: string; textual?: boolean; state?: { refusal: FakeAnswer | undefined } } = {}) {
    this.#source = source;
    this.#prefix = options.prefix ?? '';
    this.#textual = options.textual ?? false;
    this.#state = options.state ?? { refusal: undefined };
  }

  /** A reader over a query string (first value of each name). */
  static fromQuery(query: URLSearchParams): BodyReader {
    return new BodyReader(Object.fromEntries(query), { textual: true });
  }

  /** The first refusal, if any field was wrong. */
  get refusal(): FakeAnswer | undefined {
    return this.#state.refusal;
  }

  /** Records a refusal for `field` (the first one wins). */
  refuse(code: string, detail: string, field: string): undefined {
    this.#state.refusal ??= invalidRequest(code, detail, this.#prefix + field);
    return undefined;
  }

  #value(field: string): unknown {
    return this.#state.refusal === undefined ? this.#source[field] : undefined;
  }

  string(field: string): string | undefined {
    const value = this.#value(field);
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? value : this.refuse('EXPECTED_STRING', `${field} must be a string`, field);
  }

  boolean(field: string): boolean | undefined {
    const value = this.#value(field);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    if (this.#textual && (value === 'true' || value === 'false')) return value === 'true';
    return this.refuse('EXPECTED_BOOLEAN', `${field} must be a boolean`, field);
  }

  /** An integer; below `min` refuses `VALUE_TOO_LOW`, above `max` `VALUE_TOO_HIGH`. */
  integer(field: string, min = -Infinity, max = Infinity): number | undefined {
    const value = this.#value(field);
    if (value === undefined || value === null) return undefined;
    const number = this.#textual && typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number)) return this.refuse('EXPECTED_INTEGER', `${field} must be an integer`, field);
    if (number < min) return this.refuse('VALUE_TOO_LOW', `${field} must be at least ${min}`, field);
    if (number > max) return this.refuse('VALUE_TOO_HIGH', `${field} must be at most ${max}`, field);
    return number;
  }

  /** An RFC 3339 timestamp as epoch ms; anything else refuses `INVALID_TIME`. */
  time(field: string): number | undefined {
    const text = this.string(field);
    if (text === undefined) return undefined;
    return parseRfc3339(text) ?? this.refuse('INVALID_TIME', `${field} must be an RFC 3339 timestamp`, field);
  }

  stringArray(field: string): string[] | undefined {
    const value = this.#value(field);
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) return this.refuse('EXPECTED_ARRAY', `${field} must be an array`, field);
    if (!value.every((entry): entry is string => typeof entry === 'string')) return this.refuse('INVALID_ARRAY_VALUE', `${field} must hold strings`, field);
    return value;
  }

  /** One of `allowed`; anything else refuses `INVALID_ENUM_VALUE` (or `code` when given). */
  enumValue<T extends string>(field: string, allowed: readonly T[], code = 'INVALID_ENUM_VALUE'): T | undefined {
    const value = this.string(field);
    if (value === undefined) return undefined;
    return (allowed as readonly string[]).includes(value) ? (value as T) : this.refuse(code, `${field} must be one of ${allowed.join(', ')}`, field);
  }

  enumArray<T extends string>(field: string, allowed: readonly T[]): T[] | undefined {
    const values = this.stringArray(field);
    if (values === undefined) return undefined;
    const wrong = values.find((value) => !(allowed as readonly string[]).includes(value));
    return wrong === undefined ? (values as T[]) : this.refuse('INVALID_ENUM_VALUE', `${field} holds ${wrong}, not one of ${allowed.join(', ')}`, field);
  }

  /** A nested object, read by a child reader that shares this one's refusal. */
  object(field: string): BodyReader | undefined {
    const value = this.#value(field);
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) return this.refuse('EXPECTED_OBJECT', `${field} must be an object`, field);
    return new BodyReader(value, { prefix: `${this.#prefix}${field}.`, textual: this.#textual, state: this.#state });
  }

  /** Whether the source has `field` at all (null counts as absent). */
  has(field: string): boolean {
    return this.#source[field] !== undefined && this.#source[field] !== null;
  }
}
