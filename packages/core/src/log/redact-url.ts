import { REDACTED } from './redact.js';
import { isSecretFieldName } from './secret-names.js';

function censorQuery(query: string): string {
  let out = '';
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end === -1) end = query.length;
    const pair = query.slice(start, end);
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    let name = rawName;
    if (rawName.includes('%')) {
      try {
        name = decodeURIComponent(rawName);
      } catch {
        // A malformed escape: match on the raw text, which still catches plain secret names.
      }
    }
    out += eq !== -1 && isSecretFieldName(name) ? `${rawName}=${REDACTED}` : pair;
    if (end === query.length) break;
    out += '&';
    start = end + 1;
  }
  return out;
}

/**
 * The URL as it may appear in logs and error messages: userinfo removed, values of secret-looking
 * query parameters replaced by `[redacted]`, any fragment dropped. URLs without `?`, `@` or `#`
 * are returned as they are, so the common case costs three `indexOf`s.
 * @example
 * redactUrl('https://u:p@api.test/x?api_key=abc&page=2'); // 'https://api.test/x?api_key=[redacted]&page=2'
 */
export function redactUrl(url: string): string {
  const hash = url.indexOf('#');
  let text = hash === -1 ? url : url.slice(0, hash);
  if (text.indexOf('@') !== -1) {
    const scheme = text.indexOf('://');
    const authorityStart = scheme === -1 ? 0 : scheme + 3;
    let authorityEnd = text.length;
    for (const stop of ['/', '?']) {
      const at = text.indexOf(stop, authorityStart);
      if (at !== -1 && at < authorityEnd) authorityEnd = at;
    }
    const userinfoEnd = text.lastIndexOf('@', authorityEnd - 1);
    if (userinfoEnd >= authorityStart) text = text.slice(0, authorityStart) + text.slice(userinfoEnd + 1);
  }
  const question = text.indexOf('?');
  // One scan of the whole query (the policy matches words anywhere): most URLs name no secret
  // parameter and are done here.
  if (question === -1 || !isSecretFieldName(text.slice(question + 1))) return text;
  return `${text.slice(0, question + 1)}${censorQuery(text.slice(question + 1))}`;
}

/**
 * A redactor for one connection: the built-in rules, then the connection's own scrubbing (for
 * secrets in paths, e.g. a key embedded in the URL path by a vendor).
 * @example
 * const redact = createUrlRedactor((u) => u.replace(/\/keys\/[^/]+/, '/keys/[redacted]'));
 */
export function createUrlRedactor(extra?: (text: string) => string): (url: string) => string {
  return extra === undefined ? redactUrl : (url) => extra(redactUrl(url));
}
