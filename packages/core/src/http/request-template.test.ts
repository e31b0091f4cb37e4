import { describe, expect, it } from 'vitest';
import { compileRequestTemplate, TemplateString } from './request-template.js';

describe('request templates', () => {
  it('fills {name} and {{name}} placeholders, including dotted names', () => {
    const t = new TemplateString('/shops/{shop}/orders/{{ order.id }}');
    expect(t.names).toEqual(['shop', 'order.id']);
    expect(t.render({ shop: 'a', order: { id: 7 } })).toBe('/shops/a/orders/7');
  });

  it('renders base URL, path, query and headers, URL-encoding path values', () => {
    const template = compileRequestTemplate('https://{shop}/admin/api/{version}/', {
      path: '/products/{id}.json',
      query: { limit: 250, since: '{since}' },
      headers: { 'X-Trace': 'run-{run}' },
    });
    const request = template.render({ shop: 'acme.example', version: '2025-10', id: 'a/b', since: '2026-01-01T00:00:00Z', run: 3 });
    expect(request.method).toBe('GET');
    expect(request.url).toBe('https://acme.example/admin/api/2025-10/products/a%2Fb.json?limit=250&since=2026-01-01T00%3A00%3A00Z');
    expect(request.headers).toEqual({ accept: 'application/json', 'x-trace': 'run-3' });
    expect(request.body).toBeUndefined();
  });

  it('refuses to address a base URL whose placeholder has no value, naming it, instead of leaving the host empty', () => {
    const template = compileRequestTemplate('https://{account_id}.suitetalk.example', { path: '/query' });
    for (const values of [{}, { account_id: '' }, { account_id: null }]) {
      expect(() => template.render(values)).toThrow(expect.objectContaining({ code: 'CONNECTD_ERR_HTTP_URL_VALUE_MISSING', message: expect.stringContaining('{account_id}') }));
    }
    expect(template.render({ account_id: '1234567-sb1' }).url).toBe('https://1234567-sb1.suitetalk.example/query');
  });

  it('renders JSON and form bodies, and GraphQL as a JSON body with variables', () => {
    const json = compileRequestTemplate('http://127.0.0.1:1', { method: 'post', path: 'orders', body: { external_id: '{id}', items: [{ sku: '{sku}' }] } });
    const rendered = json.render({ id: 'o-1', sku: 'S1' });
    expect(rendered.method).toBe('POST');
    expect(rendered.url).toBe('http://127.0.0.1:1/orders');
    expect(JSON.parse(rendered.body as string)).toEqual({ external_id: 'o-1', items: [{ sku: 'S1' }] });
    expect(rendered.headers['content-type']).toBe('application/json');

    const form = compileRequestTemplate('http://127.0.0.1:1', { method: 'POST', path: '/token', body: { grant_type: 'refresh_token', code: '{code}' }, bodyFormat: 'form' });
    expect(form.render({ code: 'a b' }).body).toBe('grant_type=refresh_token&code=a+b');

    const gql = compileRequestTemplate('http://127.0.0.1:1', { method: 'POST', path: '/graphql.json', graphql: { query: 'query($n:Int){x}', variables: { n: 5, shop: '{shop}' } } });
    expect(JSON.parse(gql.render({ shop: 's' }).body as string)).toEqual({ query: 'query($n:Int){x}', variables: { n: 5, shop: 's' } });
  });

  it('renders a list comma-separated in a path or query, and keeps it a list in a body value that is only the placeholder', () => {
    const search = compileRequestTemplate('http://127.0.0.1:1', {
      method: 'POST',
      path: '/v2/orders/search',
      query: { types: '{types}' },
      body: { location_ids: '{partition}', label: 'at {partition}', limit: '{limit}', query: { sort: '{sort}' } },
    });
    const rendered = search.render({ types: ['ITEM', 'ITEM_VARIATION'], partition: ['L1', 'L2'], limit: 500, sort: { field: 'UPDATED_AT' } });
    expect(new URL(rendered.url).searchParams.get('types')).toBe('ITEM,ITEM_VARIATION');
    // Lists and objects keep their shape; a scalar stays text, as placeholders always render.
    expect(JSON.parse(rendered.body as string)).toEqual({ location_ids: ['L1', 'L2'], label: 'at L1,L2', limit: '500', query: { sort: { field: 'UPDATED_AT' } } });
  });

  it('carries the declared idempotent flag, undefined when not declared', () => {
    expect(compileRequestTemplate('http://127.0.0.1:1', { method: 'POST', path: '/search', idempotent: true }).idempotent).toBe(true);
    expect(compileRequestTemplate('http://127.0.0.1:1', { path: '/items', idempotent: false }).idempotent).toBe(false);
    expect(compileRequestTemplate('http://127.0.0.1:1', { path: '/items' }).idempotent).toBeUndefined();
  });
});
