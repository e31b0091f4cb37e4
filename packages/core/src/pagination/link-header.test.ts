import { describe, expect, it } from 'vitest';
import { findLink, parseLinkHeader } from './link-header.js';

describe('parseLinkHeader (RFC 8288)', () => {
  it('reads a link with a quoted rel and a title (section 3.5, first example)', () => {
    expect(parseLinkHeader('<http://example.com/TheBook/chapter2>; rel="previous"; title="previous chapter"')).toEqual([
      { target: 'http://example.com/TheBook/chapter2', rel: ['previous'], params: { title: 'previous chapter' } },
    ]);
  });

  it('keeps a relative target and an extension relation type as written', () => {
    expect(parseLinkHeader('</>; rel="http://example.net/foo"')).toEqual([{ target: '/', rel: ['http://example.net/foo'], params: {} }]);
  });

  it('reads the anchor parameter', () => {
    expect(parseLinkHeader('</terms>; rel="copyright"; anchor="#foo"')[0]!.params).toEqual({ anchor: '#foo' });
  });

  it('reads two links in one field and decodes RFC 8187 title* values', () => {
    const links = parseLinkHeader(
      "</TheBook/chapter2>; rel=\"previous\"; title*=UTF-8'de'letztes%20Kapitel, </TheBook/chapter4>; rel=\"next\"; title*=UTF-8'de'n%c3%a4chstes%20Kapitel",
    );
    expect(links).toEqual([
      { target: '/TheBook/chapter2', rel: ['previous'], params: { title: 'letztes Kapitel' } },
      { target: '/TheBook/chapter4', rel: ['next'], params: { title: 'nächstes Kapitel' } },
    ]);
  });

  it('splits a rel holding several space-separated relation types', () => {
    expect(parseLinkHeader('<http://example.org/>; rel="start http://example.net/relation/other"')[0]!.rel).toEqual([
      'start',
      'http://example.net/relation/other',
    ]);
  });

  it('reads a GitHub-style header with four links', () => {
    const base = 'https://api.github.com/repositories/1300192/issues';
    const links = parseLinkHeader(
      `<${base}?page=2>; rel="prev", <${base}?page=4>; rel="next", <${base}?page=515>; rel="last", <${base}?page=1>; rel="first"`,
    );
    expect(links.map((l) => [l.rel[0], l.target])).toEqual([
      ['prev', `${base}?page=2`],
      ['next', `${base}?page=4`],
      ['last', `${base}?page=515`],
      ['first', `${base}?page=1`],
    ]);
  });

  it('keeps commas inside the URL and inside quoted strings, unquoted params, odd spacing and case', () => {
    const links = parseLinkHeader('<https://x.test/a?ids=1,2,3>;REL=Next ;title="a, b; c" ,  <https://x.test/z> ;rel = last');
    expect(links).toEqual([
      { target: 'https://x.test/a?ids=1,2,3', rel: ['next'], params: { title: 'a, b; c' } },
      { target: 'https://x.test/z', rel: ['last'], params: {} },
    ]);
  });

  it('ignores a second rel on the same link (section 3.3) and unescapes quoted pairs', () => {
    expect(parseLinkHeader('</a>; rel=next; rel=prev; title="say \\"hi\\""')).toEqual([
      { target: '/a', rel: ['next'], params: { title: 'say "hi"' } },
    ]);
  });

  it('skips malformed link-values and reads the rest; joins several header fields', () => {
    expect(parseLinkHeader('garbage; rel=next, <https://x.test/2>; rel=next').map((l) => l.target)).toEqual(['https://x.test/2']);
    expect(parseLinkHeader(['</1>; rel=prev', '</3>; rel=next']).map((l) => l.rel[0])).toEqual(['prev', 'next']);
    expect(parseLinkHeader(undefined)).toEqual([]);
    expect(parseLinkHeader('')).toEqual([]);
    expect(parseLinkHeader('<https://x.test/unterminated; rel=next')).toEqual([]);
  });
});

describe('findLink', () => {
  it('resolves a relative target against the request URL (section 3.2)', () => {
    const links = parseLinkHeader('<?page=3>; rel="next", <../other>; rel="up", </abs>; rel="first"');
    const base = 'https://x.test/api/v1/items?page=2';
    expect(findLink(links, 'next', base)).toBe('https://x.test/api/v1/items?page=3');
    expect(findLink(links, 'up', base)).toBe('https://x.test/api/other');
    expect(findLink(links, 'FIRST', base)).toBe('https://x.test/abs');
    expect(findLink(links, 'last', base)).toBeUndefined();
  });

  it('finds a relation that is one of several on a link', () => {
    expect(findLink(parseLinkHeader('</p/2>; rel="next nofollow"'), 'next', 'https://x.test/p/1')).toBe('https://x.test/p/2');
  });
});
