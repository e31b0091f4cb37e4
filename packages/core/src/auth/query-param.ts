/**
 * Sets one query parameter for `api_key` auth. pagination/ has the general form of this edit, but
 * auth may not import pagination (docs/architecture.md, Layers), so this single-parameter copy lives here.
 */

const decodeKey = (raw: string): string => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
};

/**
 * Returns `url` with query parameter `name` set to `value`. Other parameters keep their exact
 * text (URLSearchParams would re-encode them all); a repeated `name` collapses into one.
 * @example
 * withQueryParam('https://x.test/a?b=1&key=old#top', 'key', 's3cr3t'); // 'https://x.test/a?b=1&key=s3cr3t#top'
 */
export function withQueryParam(url: string, name: string, value: string): string {
  const hashAt = url.indexOf('#');
  const fragment = hashAt === -1 ? '' : url.slice(hashAt);
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  const base = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
  const segments = queryAt === -1 ? [] : beforeHash.slice(queryAt + 1).split('&').filter((s) => s !== '');
  const pair = `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
  const out: string[] = [];
  let placed = false;
  for (const segment of segments) {
    const eq = segment.indexOf('=');
    if (decodeKey(eq === -1 ? segment : segment.slice(0, eq)) !== name) out.push(segment);
    else if (!placed) {
      out.push(pair);
      placed = true;
    }
  }
  if (!placed) out.push(pair);
  return `${base}?${out.join('&')}${fragment}`;
}
