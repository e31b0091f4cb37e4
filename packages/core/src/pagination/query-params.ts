/**
 * Query-string edits that leave every other parameter exactly as it was written. URLSearchParams
 * would decode and re-encode the whole query (`%20` becomes `+`, `~` gets escaped...), which can
 * break signed or vendor-encoded URLs such as cursor links.
 */

interface SplitUrl {
  readonly base: string;
  readonly segments: string[];
  readonly fragment: string;
}

function splitUrl(url: string): SplitUrl {
  const hashAt = url.indexOf('#');
  const fragment = hashAt === -1 ? '' : url.slice(hashAt);
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  return {
    base: queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt),
    segments: queryAt === -1 ? [] : beforeHash.slice(queryAt + 1).split('&').filter((s) => s !== ''),
    fragment,
  };
}

function decodeComponent(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    // A malformed escape is kept as written rather than failing the whole page.
    return raw;
  }
}

function segmentName(segment: string): string {
  const eq = segment.indexOf('=');
  return decodeComponent(eq === -1 ? segment : segment.slice(0, eq));
}

/**
 * Returns `url` with each of `params` set: the first occurrence of a name is replaced in place,
 * later repeats of it are dropped, absent names are appended; other parameters and the fragment
 * are untouched.
 * @example
 * setQueryParams('https://x.test/items?status=open&offset=0', { offset: '100', limit: '100' });
 * // 'https://x.test/items?status=open&offset=100&limit=100'
 */
export function setQueryParams(url: string, params: Readonly<Record<string, string>>): string {
  const { base, segments, fragment } = splitUrl(url);
  const pending = new Map(Object.entries(params));
  const placed = new Set<string>();
  const out: string[] = [];
  for (const segment of segments) {
    const name = segmentName(segment);
    const value = pending.get(name);
    if (value === undefined) out.push(segment);
    else if (!placed.has(name)) {
      out.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
      placed.add(name);
    }
  }
  for (const [name, value] of pending) {
    if (!placed.has(name)) out.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  return out.length === 0 ? `${base}${fragment}` : `${base}?${out.join('&')}${fragment}`;
}

/**
 * The decoded value of the first `name` parameter of `url`, or undefined when it has none.
 * @example
 * getQueryParam('https://x.test/items?page=3&per_page=100', 'page'); // '3'
 */
export function getQueryParam(url: string, name: string): string | undefined {
  for (const segment of splitUrl(url).segments) {
    if (segmentName(segment) !== name) continue;
    const eq = segment.indexOf('=');
    return eq === -1 ? '' : decodeComponent(segment.slice(eq + 1));
  }
  return undefined;
}
