import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { createAjv, type SchemaDialect } from './ajv.js';

const INVALID: ReadonlyArray<[SchemaDialect, Record<string, unknown>]> = [
  ['draft-07', { type: 'nope', properties: { a: { minLength: -1 } } }],
  ['draft-07', { $schema: 'http://json-schema.org/draft-07/schema#', pattern: 5 }],
  ['2020-12', { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', required: 'x' }],
  ['draft-07', { $schema: 'http://json-schema.org/draft-04/schema#' }],
];

function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

describe('createAjv with the meta-schema compiled once per process', () => {
  it("rejects an invalid schema with ajv's own message, in both error modes and both dialects", () => {
    for (const [dialect, schema] of INVALID) {
      for (const allErrors of [true, false]) {
        const plain = dialect === '2020-12' ? new Ajv2020({ allErrors, strict: false }) : new Ajv({ allErrors, strict: false });
        const expected = thrown(() => plain.compile(schema));
        expect(expected).not.toBe('no error');
        expect(thrown(() => createAjv(dialect, { allErrors, strict: false }).compile(schema))).toBe(expected);
      }
    }
  });

  it('compiles valid schemas in many instances, and answers validateSchema like ajv', () => {
    for (let i = 0; i < 3; i += 1) {
      const ajv = createAjv('draft-07', { allErrors: true });
      expect(ajv.compile({ type: 'object', properties: { n: { type: 'integer' } } })({ n: 1 })).toBe(true);
      expect(ajv.validateSchema({ type: 7 })).toBe(false);
      expect(ajv.errors?.[0]?.instancePath).toBe('/type');
    }
  });
});
