/**
 * JSON text with 64-bit ids. Shopify's REST bodies and webhook payloads write numeric ids as plain
 * JSON numbers, and many exceed 2^53 (`271878346596884015`), which a JS number cannot hold. The
 * fake keeps ids as decimal strings and writes them as `bigint`s, which `JSON.stringify` refuses,
 * so it serializes itself: a `bigint` becomes a bare number literal. Node 20 has no
 * `JSON.rawJSON`, hence this small writer and reader.
 */

/**
 * JSON text like `JSON.stringify(value)`, with every `bigint` written as a bare integer literal.
 * Object members whose value is `undefined` (or a function) are left out, as JSON.stringify does;
 * `toJSON` methods are honoured (dates become ISO strings).
 * @example
 * stringifyJson({ id: 271878346596884015n, price: '1.00' }); // '{"id":271878346596884015,"price":"1.00"}'
 */
export function stringifyJson(value: unknown): string {
  const text = write(value);
  if (text === undefined) throw new TypeError('fake shopify: nothing to serialize');
  return text;
}

function write(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value !== 'object') return undefined;
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return write(withToJson.toJSON());
  if (Array.isArray(value)) return `[${value.map((entry) => write(entry) ?? 'null').join(',')}]`;
  const members: string[] = [];
  for (const [key, entry] of Object.entries(value)) {
    const text = write(entry);
    if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${members.join(',')}}`;
}

/**
 * Reads JSON text keeping integers outside the safe range exact, as `bigint`s (the way Shopify's
 * JS library reads REST bodies with lossless-json). Everything else reads as `JSON.parse` would.
 * Throws a SyntaxError on malformed text.
 * @example
 * parseJsonLossless('{"id":271878346596884015}'); // { id: 271878346596884015n }
 */
export function parseJsonLossless(text: string): unknown {
  const reader = new Reader(text);
  reader.space();
  const value = reader.value();
  reader.space();
  if (!reader.done()) reader.fail('unexpected text after the value');
  return value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Reader {
  readonly #text: string;
  #at = 0;

  constructor(text: string) {
    this.#text = text;
  }

  done(): boolean {
    return this.#at >= this.#text.length;
  }

  fail(why: string): never {
    throw new SyntaxError(`fake shopify: bad JSON at ${this.#at}: ${why}`);
  }

  space(): void {
    while (this.#at < this.#text.length && ' \t\n\r'.includes(this.#text[this.#at]!)) this.#at++;
  }

  value(): unknown {
    const char = this.#text[this.#at];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.#text.startsWith(word, this.#at)) {
        this.#at += word.length;
        return value;
      }
    }
    return this.number();
  }

  number(): number | bigint {
    NUMBER.lastIndex = this.#at;
    const match = NUMBER.exec(this.#text);
    if (match === null) this.fail('expected a value');
    this.#at += match[0].length;
    const literal = match[0];
    if (/^-?\d+$/.test(literal) && !Number.isSafeInteger(Number(literal))) return BigInt(literal);
    return Number(literal);
  }

  string(): string {
    const start = this.#at;
    this.#at++;
    while (this.#at < this.#text.length && this.#text[this.#at] !== '"') this.#at += this.#text[this.#at] === '\\' ? 2 : 1;
    if (this.#at >= this.#text.length) this.fail('unterminated string');
    this.#at++;
    return JSON.parse(this.#text.slice(start, this.#at)) as string;
  }

  array(): unknown[] {
    this.#at++;
    const items: unknown[] = [];
    this.space();
    if (this.#text[this.#at] === ']') {
      this.#at++;
      return items;
    }
    for (;;) {
      this.space();
      items.push(this.value());
      this.space();
      const char = this.#text[this.#at++];
      if (char === ']') return items;
      if (char !== ',') this.fail('expected , or ]');
    }
  }

  object(): Record<string, unknown> {
    this.#at++;
    const members: Record<string, unknown> = {};
    this.space();
    if (this.#text[this.#at] === '}') {
      this.#at++;
      return members;
    }
    for (;;) {
      this.space();
      if (this.#text[this.#at] !== '"') this.fail('expected a member name');
      const key = this.string();
      this.space();
      if (this.#text[this.#at++] !== ':') this.fail('expected :');
      this.space();
      members[key] = this.value();
      this.space();
      const char = this.#text[this.#at++];
      if (char === '}') return members;
      if (char !== ',') this.fail('expected , or }');
    }
  }
}
