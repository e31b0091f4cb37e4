import { describe, expect, it } from 'vitest';
import { compileComponentSchemas } from '../connector/compile-schemas.js';
import { BUILTIN_AUTH } from './index.js';

describe('BUILTIN_AUTH', () => {
  it('registers api_key, bearer, basic and oauth2 under bare ids matching their meta.type', () => {
    expect(Object.keys(BUILTIN_AUTH)).toEqual(['api_key', 'bearer', 'basic', 'oauth2']);
    for (const [id, definition] of Object.entries(BUILTIN_AUTH)) expect(definition.meta.type).toBe(id);
  });

  it('has option schemas that compile under the strict plugin-schema rules', () => {
    const meta = { name: '@connectd/core', version: '0.1.0', namespace: 'core', engine: '*' };
    expect(compileComponentSchemas({ meta, auth: BUILTIN_AUTH })).toEqual([]);
  });
});
