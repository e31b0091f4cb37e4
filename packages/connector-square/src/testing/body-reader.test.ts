import { describe, expect, it } from 'vitest';
import { BodyReader } from './body-reader.js';
import { parseRfc3339 } from './time.js';

describe('BodyReader', () => {
  it('keeps the first refusal, with the dotted field path, and reads numbers from query text', () => {
    const read = new BodyReader({ query: { filter: { states: 'OPEN' } }, limit: 5000 });
    read.object('query')?.object('filter')?.stringArray('states');
    read.integer('limit', 1, 1000);
    expect(read.refusal?.json).toEqual({ errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'EXPECTED_ARRAY', detail: expect.any(String), field: 'query.filter.states' }] });
    const query = BodyReader.fromQuery(new URLSearchParams('limit=20&flag=true'));
    expect([query.integer('limit'), query.boolean('flag'), query.refusal]).toEqual([20, true, undefined]);
    expect(new BodyReader({ limit: '20' }).integer('limit')).toBeUndefined();
  });

  it('reads RFC 3339 times with any offset and fraction', () => {
    expect(parseRfc3339('2019-03-04T21:54:45+00:00')).toBe(Date.parse('2019-03-04T21:54:45Z'));
    expect(parseRfc3339('2019-10-29T18:38:45.455006797Z')).toBe(Date.parse('2019-10-29T18:38:45.455Z'));
    expect(parseRfc3339('2019-10-29')).toBeUndefined();
  });
});
