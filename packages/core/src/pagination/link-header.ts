/**
 * RFC 8288 `Link` header parsing, following the algorithm of its Appendix B: link targets in
 * angle brackets (commas inside them are part of the URL), parameters as tokens or quoted
 * strings, `rel` holding several space-separated relation types, the first `rel` winning, and
 * RFC 8187 `name*` values decoded and preferred over plain ones.
 */

/** One link-value of a Link header. */
export interface LinkValue {
  /** The URI-Reference as written between `<` and `>` (may be relative). */
  readonly target: string;
  /** Relation types, lower-cased, e.g. `['next']` or `['prev', 'first']`. */
  readonly rel: readonly string[];
  /** Other parameters by lower-cased name (`title`, `type`, `anchor`...). */
  readonly params: Readonly<Record<string, string>>;
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t';

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string | undefined {
    return this.text[this.pos];
  }
  skipSpace(): void {
    while (isSpace(this.peek())) this.pos++;
  }
  /** Reads up to (not including) the first character in `stops`, or a space. */
  readUntil(stops: string): string {
    const start = this.pos;
    while (!this.done && !stops.includes(this.peek()!) && !isSpace(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }
  readQuoted(): string {
    this.pos++; // the opening quote
    let out = '';
    while (!this.done) {
      const c = this.text[this.pos++]!;
      if (c === '"') return out;
      if (c === '\\' && !this.done) out += this.text[this.pos++]!;
      else out += c;
    }
    return out;
  }
  /** Skips to just past the next comma outside a quoted string (recovery from a malformed value). */
  skipToComma(): void {
    while (!this.done) {
      const c = this.peek();
      if (c === '"') this.readQuoted();
      else {
        this.pos++;
        if (c === ',') return;
      }
    }
  }
}

/** RFC 8187 ext-value (`UTF-8'en'%E2%82%AC`); undefined when the charset is not UTF-8 or it is malformed. */
function decodeExtValue(value: string): string | undefined {
  const match = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (match === null || match[1]!.toLowerCase() !== 'utf-8') return undefined;
  try {
    return decodeURIComponent(match[2]!);
  } catch {
    return undefined;
  }
}

function readParams(s: Scanner): Map<string, string> {
  const params = new Map<string, string>();
  const extended = new Map<string, string>();
  for (;;) {
    s.skipSpace();
    if (s.peek() !== ';') return new Map([...params, ...extended]);
    s.pos++;
    s.skipSpace();
    const name = s.readUntil('=;,').toLowerCase();
    s.skipSpace();
    let value = '';
    if (s.peek() === '=') {
      s.pos++;
      s.skipSpace();
      value = s.peek() === '"' ? s.readQuoted() : s.readUntil(';,');
    }
    if (name === '') continue;
    if (name.endsWith('*')) {
      const decoded = decodeExtValue(value);
      const plain = name.slice(0, -1);
      if (decoded !== undefined && !extended.has(plain)) extended.set(plain, decoded);
    } else if (!params.has(name)) {
      // Occurrences after the first are ignored (RFC 8288 section 3.3 says so for rel).
      params.set(name, value);
    }
  }
}

/**
 * Parses one or more Link header field values into their link-values, skipping malformed ones.
 * @example
 * parseLinkHeader('<https://x.test/p?page=2>; rel="next", </p?page=1>; rel="prev first"');
 * // [{ target: 'https://x.test/p?page=2', rel: ['next'], params: {} },
 * //  { target: '/p?page=1', rel: ['prev', 'first'], params: {} }]
 */
export function parseLinkHeader(field: string | readonly string[] | undefined): LinkValue[] {
  if (field === undefined) return [];
  const s = new Scanner(typeof field === 'string' ? field : field.join(', '));
  const links: LinkValue[] = [];
  while (!s.done) {
    s.skipSpace();
    if (s.peek() === ',') {
      s.pos++;
      continue;
    }
    if (s.done) break;
    const close = s.peek() === '<' ? s.text.indexOf('>', s.pos) : -1;
    if (close === -1) {
      s.skipToComma();
      continue;
    }
    const target = s.text.slice(s.pos + 1, close).trim();
    s.pos = close + 1;
    const params = readParams(s);
    const rel = (params.get('rel') ?? '').toLowerCase().split(/[ \t]+/).filter((r) => r !== '');
    params.delete('rel');
    links.push({ target, rel, params: Object.fromEntries(params) });
    s.skipSpace();
    if (!s.done && s.peek() !== ',') s.skipToComma();
  }
  return links;
}

/**
 * The absolute URL of the first link with relation `rel` (case-insensitive), resolved against
 * `baseUrl` (the request URL, RFC 8288 section 3.2), or undefined when there is none.
 * @example
 * findLink(parseLinkHeader('</items?page=3>; rel=next'), 'next', 'https://x.test/items?page=2');
 * // 'https://x.test/items?page=3'
 */
export function findLink(links: readonly LinkValue[], rel: string, baseUrl: string): string | undefined {
  const wanted = rel.toLowerCase();
  const link = links.find((l) => l.rel.includes(wanted));
  return link === undefined ? undefined : new URL(link.target, baseUrl).href;
}
